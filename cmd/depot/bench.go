package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/depothq/depot/bench"
)

// benchDefaultDSN is the PostgreSQL the baseline uses unless --dsn or DEPOT_DSN says otherwise.
const benchDefaultDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// benchOrderSeed fixes the baseline's orders, so runs compare like with like.
const benchOrderSeed = 1

// benchOptions are the bench's flags.
type benchOptions struct {
	data     string
	json     bool
	sizes    bench.Sizes
	baseline string
	dsn      string
	// startupSameProcess measures (d) in this process rather than a fresh one; startupOf, set
	// in the fresh process, measures only the start-up of the history there.
	startupSameProcess bool
	startupOf          string
}

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", stderr)
	var o benchOptions
	d := bench.DefaultSizes()
	quick := fs.Bool("quick", false, "tiny sizes: checks that every workload runs, in seconds; the figures mean little")
	fs.StringVar(&o.data, "data", "", "directory for the fixtures, absent or empty (default: a temporary directory, removed afterwards)")
	fs.BoolVar(&o.json, "json", false, "print the figures as one JSON object instead of a table")
	fs.IntVar(&o.sizes.ApplyOps, "apply-ops", d.ApplyOps, "(a) single-line reserves applied in memory")
	fs.IntVar(&o.sizes.DurableOps, "durable-ops", d.DurableOps, "(b) single-line reserves sequenced durably")
	fs.IntVar(&o.sizes.Callers, "callers", d.Callers, "(b, f) concurrent callers")
	fs.IntVar(&o.sizes.History, "history", d.History, "(c, d) commands of history; the issue's start-up figure is for --history 10000000")
	fs.Int64Var(&o.sizes.SnapshotEvery, "snapshot-every", d.SnapshotEvery, "(d) commands between snapshots of the history")
	fs.IntVar(&o.sizes.Positions, "positions", d.Positions, "(e) positions built to measure memory, a multiple of 100")
	fs.IntVar(&o.sizes.Orders, "orders", d.Orders, "(f) 3-line orders taken by Depot")
	fs.StringVar(&o.baseline, "baseline", "", `"postgres" also runs the PostgreSQL OMS baseline and Depot beside it`)
	fs.StringVar(&o.dsn, "dsn", benchDefaultDSN, "PostgreSQL of the baseline (also DEPOT_DSN)")
	fs.IntVar(&o.sizes.PGOrders, "pg-orders", d.PGOrders, "(h, i) 3-line orders of the baseline")
	fs.IntVar(&o.sizes.PGConns, "pg-conns", d.PGConns, "(h, i) PostgreSQL connections, and Depot callers beside them")
	fs.IntVar(&o.sizes.HTTPClients, "http-clients", d.HTTPClients, "(g) concurrent HTTP clients")
	fs.IntVar(&o.sizes.HTTPOrdersPerRequest, "http-batch", d.HTTPOrdersPerRequest, "(g) orders per batch request (a reserve and a commit each)")
	fs.IntVar(&o.sizes.SingleClients, "single-clients", d.SingleClients, "(j) concurrent HTTP clients of the single-order requests")
	fs.IntVar(&o.sizes.SingleRate, "single-rate", d.SingleRate, "(j) single-order requests offered per second, on a fixed timetable")
	fs.Float64Var(&o.sizes.SingleSeconds, "single-seconds", d.SingleSeconds, "(j) seconds of the single-order timetable")
	fs.BoolVar(&o.startupSameProcess, "startup-same-process", false,
		"(d) measure start-up in this process, whose heap already holds the pages the history and the replay faulted in\n(faster than a server starting; the tests use it), instead of a fresh process")
	fs.StringVar(&o.startupOf, "startup-of", "", "measure only the start-up of the history in this directory and print it as JSON\n(what bench runs in a fresh process for (d))")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `usage: depot bench [flags]

Measures Depot on this machine and prints a table (--json: one JSON object):
  (a) in-memory apply of single-line reserves, one goroutine
  (b) durable single-line reserves through the sequencer, many callers, fsync on
  (c) replay of the file journal from the first command
  (d) start-up with a history and snapshots (newest snapshot plus a full interval of tail)
  (e) memory per position
  (f) durable 3-line orders (reserve + commit in one submission), many callers
  (g) the same orders over HTTP on loopback, through the batch endpoint
  --baseline postgres adds (h) the same orders taken by a PostgreSQL OMS, one transaction per
  order, and (i) Depot taking them with as many callers as PostgreSQL has connections.
  (j) single-order requests over HTTP (one order a request), offered open-loop at a fixed rate;
  latency from each request's intended send time.

The issue's full-size start-up figure: depot bench --history 10000000 (about 800 MB of journal).
Row (j) alone at full size, the rest tiny: depot bench --quick --single-rate 10000 --single-seconds 10

Flags:`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *quick {
		// Quick sizes, except where a flag was given explicitly.
		q := bench.QuickSizes()
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		pick := func(name string, dst *int, v int) {
			if !set[name] {
				*dst = v
			}
		}
		pick("apply-ops", &o.sizes.ApplyOps, q.ApplyOps)
		pick("durable-ops", &o.sizes.DurableOps, q.DurableOps)
		pick("callers", &o.sizes.Callers, q.Callers)
		pick("history", &o.sizes.History, q.History)
		pick("positions", &o.sizes.Positions, q.Positions)
		pick("orders", &o.sizes.Orders, q.Orders)
		pick("pg-orders", &o.sizes.PGOrders, q.PGOrders)
		pick("pg-conns", &o.sizes.PGConns, q.PGConns)
		pick("http-clients", &o.sizes.HTTPClients, q.HTTPClients)
		pick("http-batch", &o.sizes.HTTPOrdersPerRequest, q.HTTPOrdersPerRequest)
		pick("single-clients", &o.sizes.SingleClients, q.SingleClients)
		pick("single-rate", &o.sizes.SingleRate, q.SingleRate)
		if !set["single-seconds"] {
			o.sizes.SingleSeconds = q.SingleSeconds
		}
		if !set["snapshot-every"] {
			o.sizes.SnapshotEvery = q.SnapshotEvery
		}
	}
	if o.startupOf != "" {
		res, err := bench.Startup(o.startupOf)
		if err != nil {
			return err
		}
		return json.NewEncoder(stdout).Encode(res)
	}
	if err := o.sizes.Validate(); err != nil {
		return err
	}
	if o.baseline != "" && o.baseline != "postgres" {
		return fmt.Errorf("bench: unknown --baseline %q (the one baseline is postgres)", o.baseline)
	}
	report, err := benchRun(ctx, o, stderr)
	if err != nil {
		return err
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(report)
	}
	printBenchTable(stdout, report)
	return nil
}

// benchRun runs every workload in turn, each on its own fresh fixture directory.
func benchRun(ctx context.Context, o benchOptions, progress io.Writer) (r *benchReport, err error) {
	dir, cleanup, err := benchDataDir(o.data)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := cleanup(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	started := time.Now()
	r = &benchReport{Machine: benchMachineInfo(), Sizes: o.sizes, DataDir: dir}
	step := func(name string) {
		fmt.Fprintf(progress, "bench: %s ...\n", name)
		// Each workload starts from a collected heap, as go test -bench starts each benchmark:
		// otherwise the garbage of the one before (the replayed engine of (c) is gigabytes at
		// ten million commands) is collected during the next, whose figure then measures the
		// other's leftovers. Start-up (d) measured 1.4 - 5.7 s at 10M depending on it.
		runtime.GC()
	}
	s := o.sizes

	step("(a) in-memory apply")
	if r.Apply, err = bench.ApplyReserves(s.ApplyOps); err != nil {
		return nil, err
	}
	step("(b) durable reserves")
	if r.Durable, err = bench.DurableReserves(ctx, filepath.Join(dir, "durable"), s.DurableOps, s.Callers); err != nil {
		return nil, err
	}
	step("(c, d) writing the history")
	history := filepath.Join(dir, "history")
	if r.History, err = bench.BuildHistory(history, s.History, s.SnapshotEvery); err != nil {
		return nil, err
	}
	step("(c) replay")
	if r.Replay, err = bench.Replay(history); err != nil {
		return nil, err
	}
	step("(d) start-up")
	if o.startupSameProcess {
		r.Startup, err = bench.Startup(history)
	} else {
		r.Startup, err = startupInFreshProcess(ctx, history, progress)
	}
	if err != nil {
		return nil, err
	}
	// The history is large; free the disk before the next workloads write theirs.
	if err := os.RemoveAll(history); err != nil {
		return nil, fmt.Errorf("bench: remove history: %w", err)
	}
	step("(e) memory per position")
	if r.Memory, err = bench.MemoryPerPosition(s.Positions); err != nil {
		return nil, err
	}
	step("(f) durable 3-line orders")
	orders := bench.GenerateOrders(benchOrderSeed, max(s.Orders, s.PGOrders))
	if r.Orders, err = bench.DepotOrders(ctx, filepath.Join(dir, "orders"), orders[:s.Orders], s.Callers); err != nil {
		return nil, err
	}
	step("(g) 3-line orders over HTTP")
	if r.HTTP, err = bench.HTTPOrders(ctx, filepath.Join(dir, "http"), orders[:s.Orders], s.HTTPClients, s.HTTPOrdersPerRequest); err != nil {
		return nil, err
	}
	if o.baseline == "postgres" {
		if err := benchBaseline(ctx, o, dir, orders[:s.PGOrders], r, step); err != nil {
			return nil, err
		}
	}
	step("(j) single-order requests over HTTP")
	if r.Single, err = bench.SingleOrders(ctx, filepath.Join(dir, "single"), s.SingleClients, s.SingleRate, s.SingleSeconds); err != nil {
		return nil, err
	}
	r.Seconds = time.Since(started).Seconds()
	return r, nil
}

// benchBaseline runs the PostgreSQL OMS and Depot beside it on the same orders. An unreachable
// PostgreSQL is reported in the result, not as an error: the rest of the run stands.
func benchBaseline(ctx context.Context, o benchOptions, dir string, orders []bench.Order, r *benchReport, step func(string)) error {
	step("(h) PostgreSQL baseline")
	pg, err := bench.Postgres(ctx, o.dsn, orders, o.sizes.PGConns)
	if errors.Is(err, bench.ErrPostgresUnavailable) {
		r.BaselineSkipped = fmt.Sprintf("PostgreSQL is not reachable (%v); start it or pass --dsn", err)
		return nil
	}
	if err != nil {
		return err
	}
	step("(i) Depot on the same orders")
	same, err := bench.DepotOrders(ctx, filepath.Join(dir, "orders-baseline"), orders, o.sizes.PGConns)
	if err != nil {
		return err
	}
	r.Baseline = &benchBaselineReport{
		Postgres: pg, DepotSameConcurrency: same,
		RatioSameConcurrency: same.OrdersPerSec / pg.OrdersPerSec,
		Ratio:                r.Orders.OrdersPerSec / pg.OrdersPerSec,
		RatioHTTP:            r.HTTP.OrdersPerSec / pg.OrdersPerSec,
	}
	return nil
}

// benchDataDir returns the directory for the fixtures and how to clean up after: a temporary
// directory is removed, a given one is kept (and must be absent or empty, like the demo's).
func benchDataDir(dir string) (string, func() error, error) {
	if dir == "" {
		d, err := os.MkdirTemp("", "depot-bench-")
		if err != nil {
			return "", nil, fmt.Errorf("bench: create a data directory: %w", err)
		}
		return d, func() error {
			if err := os.RemoveAll(d); err != nil {
				return fmt.Errorf("bench: remove %s: %w", d, err)
			}
			return nil
		}, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", nil, fmt.Errorf("bench: read data directory: %w", err)
	}
	if len(entries) > 0 {
		return "", nil, fmt.Errorf("bench: data directory %s is not empty", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, fmt.Errorf("bench: create data directory: %w", err)
	}
	return dir, func() error { return nil }, nil
}

// startupInFreshProcess measures (d) the way a server starts: in a new process of this binary,
// whose heap holds nothing yet. In this process the history's build and the replay of (c) have
// left gigabytes of pages faulted in, which the start-up then reuses; on the reference VM, where
// a first touch of a page costs 2 - 3 us, that made the 10M figure 0.5 - 0.9 s faster than a
// fresh process measured in the same hour.
func startupInFreshProcess(ctx context.Context, history string, progress io.Writer) (bench.StartupResult, error) {
	var res bench.StartupResult
	exe, err := os.Executable()
	if err != nil {
		return res, fmt.Errorf("bench: find this binary to measure start-up in a fresh process: %w", err)
	}
	// Hand the memory of the workloads before back to the system first, so the new process
	// starts on a machine as a server would, not beside gigabytes this one still holds.
	debug.FreeOSMemory()
	cmd := exec.CommandContext(ctx, exe, "bench", "--startup-of", history)
	cmd.Stderr = progress
	out, err := cmd.Output()
	if err != nil {
		return res, fmt.Errorf("bench: start-up in a fresh process: %w", err)
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return res, fmt.Errorf("bench: read the fresh process's start-up: %w", err)
	}
	res.FreshProcess = true
	return res, nil
}
