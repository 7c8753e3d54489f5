package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/depothq/depot/intel"
	"github.com/depothq/depot/sim"
)

// intelOptions are the flags of depot intel eval.
type intelOptions struct {
	seeds     int
	firstSeed int64
	json      bool
	verbose   bool
	orders    int
	skus      int
	hours     int
	kinds     []sim.IncidentKind
}

func runIntel(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "eval" {
		fmt.Fprintln(stderr, "usage: depot intel eval [flags]   (depot intel eval --help for its flags)")
		return fmt.Errorf("intel: unknown or missing subcommand; the only one is eval")
	}
	fs := newFlagSet("intel eval", stderr)
	var o intelOptions
	fs.IntVar(&o.seeds, "seeds", 20, "simulated days to run, one per seed")
	fs.Int64Var(&o.firstSeed, "first-seed", 1, "the first seed; the others follow it")
	fs.BoolVar(&o.json, "json", false, "print the report as JSON")
	fs.BoolVar(&o.verbose, "v", false, "list missed incidents and unmatched alerts")
	fs.IntVar(&o.orders, "orders", sim.DefaultOrdersPerDay, "orders per simulated day")
	fs.IntVar(&o.skus, "skus", sim.DefaultSKUs, "SKUs in the catalogue")
	fs.IntVar(&o.hours, "hours", 24, "simulated hours per seed")
	fs.Func("kinds", "comma-separated incident kinds to evaluate (default all)", func(v string) error {
		for _, n := range strings.Split(v, ",") {
			var k sim.IncidentKind
			if err := k.UnmarshalText([]byte(strings.TrimSpace(n))); err != nil {
				return err
			}
			o.kinds = append(o.kinds, k)
		}
		return nil
	})
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: depot intel eval [flags]\n\nRuns simulated days with labelled incidents (demand spikes, channel outages, inventory drift,\nstockouts ahead of receipt, ad spend out of stock, warehouse slowdowns; carrier lane delays in a\nsecond run per seed with orchestrated orders) through the engine in process, feeds the events to the intelligence\nprojection and prints precision, recall and median detection delay per incident kind.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if o.seeds < 1 || o.hours < 1 {
		return fmt.Errorf("intel eval: --seeds and --hours must be at least 1")
	}
	r, err := intelEval(ctx, o, stderr)
	if err != nil {
		return err
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	fmt.Fprint(stdout, r.Format())
	if o.verbose {
		for _, m := range r.Misses {
			subject := strings.TrimSpace(m.SKU + " " + m.Location + " " + m.Channel)
			if m.Carrier != "" {
				subject = m.Carrier + "/" + m.Service + "@" + m.Location
			}
			fmt.Fprintf(stdout, "missed  %-24s %s at %s for %s\n", m.Kind, subject,
				time.Unix(0, m.Start).UTC().Format("15:04"), time.Duration(m.End-m.Start).Round(time.Second))
		}
		for _, a := range r.FalsePositives {
			fmt.Fprintf(stdout, "unmatched seed %d %-24s %s at %s %s\n", a.Seed, a.Kind, a.Subject, time.Unix(0, a.OpenedAt).UTC().Format("15:04:05"), a.Evidence)
		}
	}
	return nil
}

// intelEval runs the evaluation the options describe.
func intelEval(ctx context.Context, o intelOptions, progress io.Writer) (*sim.EvalReport, error) {
	ec := sim.EvalConfig{
		Business: sim.Config{OrdersPerDay: o.orders, SKUs: o.skus, Duration: time.Duration(o.hours) * time.Hour},
		Intel:    intel.DefaultConfig(),
		Kinds:    o.kinds,
	}
	// The lead time of a SKU with nothing pending is the simulated business's own (its slowest
	// supplier), not the generic default.
	ec.Intel.DefaultLeadTime = 0
	for i := range o.seeds {
		ec.Seeds = append(ec.Seeds, o.firstSeed+int64(i))
	}
	if progress != nil && !o.json {
		ec.OnRun = func(seed int64, r *sim.EvalReport) {
			fmt.Fprintf(progress, "seed %d: %d events\n", seed, r.Events)
		}
	}
	return sim.EvaluateIntel(ctx, ec)
}
