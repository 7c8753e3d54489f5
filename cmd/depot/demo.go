package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/depothq/depot/api"
	"github.com/depothq/depot/intel"
	"github.com/depothq/depot/journal"
	"github.com/depothq/depot/sequencer"
	"github.com/depothq/depot/sim"
)

// demoShutdownTimeout bounds how long the demo waits for API requests in flight when it stops.
const demoShutdownTimeout = 5 * time.Second

// demoOptions are the demo's flags.
type demoOptions struct {
	data       string
	addr       string
	seed       int64
	speed      float64
	runFor     time.Duration
	days       int
	orders     int
	skus       int
	darkStores int
	// ledgerOrders plays the ledger-level order flow (reserve, commit, ship) instead of
	// orchestrated orders.
	ledgerOrders bool
}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", stderr)
	var o demoOptions
	fs.StringVar(&o.data, "data", "", "data directory, absent or empty (default: a new temporary directory, kept for depot verify)")
	fs.StringVar(&o.addr, "addr", "127.0.0.1:0", "listen address of the HTTP API (port 0 picks a free port)")
	fs.Int64Var(&o.seed, "seed", 1, "seed of the simulated business and its day; the same seed replays the same day")
	fs.Float64Var(&o.speed, "speed", 60, "simulated seconds per wall second (60 plays a day in 24 minutes; 0 as fast as possible)")
	fs.DurationVar(&o.runFor, "for", 0, "stop after this much wall time, such as 30s (default: when the simulated days end)")
	fs.IntVar(&o.days, "days", 1, "simulated days to play")
	fs.IntVar(&o.orders, "orders", sim.DefaultOrdersPerDay, "orders per simulated day")
	fs.IntVar(&o.skus, "skus", sim.DefaultSKUs, "SKUs in the catalogue")
	fs.IntVar(&o.darkStores, "dark-stores", sim.DefaultDarkStores, "dark stores in the city")
	fs.BoolVar(&o.ledgerOrders, "ledger-orders", false, "play ledger-level orders (reserve, commit, ship) instead of orchestrated orders (create_order, advance_shipment)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: depot demo [flags]\n\nSeeds a simulated commerce business on a fresh Depot and plays its day, with a live progress\nline and the HTTP API open. --for or Ctrl-C ends it with a summary.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if o.days < 1 || o.speed < 0 {
		return fmt.Errorf("demo: --days must be at least 1 and --speed not negative")
	}
	return demo(ctx, o, stdout, stderr)
}

// demo wires the pieces: a file journal in a fresh directory, a sequencer living in simulated
// time, the HTTP API with a key for the person watching, and the simulator driving it in process.
func demo(ctx context.Context, o demoOptions, stdout, stderr io.Writer) (err error) {
	cfg := sim.Config{Seed: o.seed, OrdersPerDay: o.orders, SKUs: o.skus, DarkStores: o.darkStores,
		Duration: time.Duration(o.days) * 24 * time.Hour, Orchestrate: !o.ledgerOrders}
	w, err := sim.New(cfg)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	dir, err := demoDataDir(o.data)
	if err != nil {
		return err
	}
	quiet := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	j, err := journal.OpenFile(dir, journal.FileOptions{Logger: quiet})
	if err != nil {
		return fmt.Errorf("demo: open journal in %s: %w", dir, err)
	}
	defer func() {
		if cerr := j.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("demo: close journal: %w", cerr)
		}
	}()
	clock := sim.NewClock(w.Start())
	feed := api.NewFeed(0)
	seq, err := sequencer.Open(j, sequencer.Options{Clock: clock.Now, Logger: quiet, OnCommit: feed.OnCommit})
	if err != nil {
		return fmt.Errorf("demo: start sequencer: %w", err)
	}
	seqClosed := false
	defer func() {
		if !seqClosed {
			seq.Close()
		}
	}()
	// The simulator sends its own ticks in simulated time; a wall-clock ticker would make the
	// journal depend on pacing. Intelligence learns hours of day in the simulated city's local
	// time, as the evaluation does (sim.Evaluate).
	in := api.NewIntel(intel.Options{Config: demoIntelConfig(w.Scenario())})
	srv, err := api.NewServer(api.Config{Sequencer: seq, Feed: feed, Journal: j, DataDir: dir, Logger: quiet, TickEvery: -1, Intel: in})
	if err != nil {
		return fmt.Errorf("demo: start API: %w", err)
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		srv.Close()
		return fmt.Errorf("demo: listen on %s: %w", o.addr, err)
	}
	_, key, err := srv.Keys().CreateEphemeral(w.Scenario().Tenant, api.ScopeAdmin, "demo")
	if err != nil {
		srv.Close()
		return fmt.Errorf("demo: create the demo's API key: %w", err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	url := "http://" + ln.Addr().String()
	printDemoHeader(stdout, w.Scenario(), o, dir, url, key)

	runCtx := ctx
	if o.runFor > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, o.runFor)
		defer cancel()
	}
	driver := sim.NewSequencerDriver(seq)
	progress := startDemoProgress(stdout, w.Metrics(), driver, w.Scenario().City.TimeZone())
	started := time.Now()
	runErr := (&sim.Runner{Driver: driver, Workload: w, Clock: clock, Speed: o.speed}).Run(runCtx)
	wall := time.Since(started)
	progress.stop()
	if runErr != nil && !errors.Is(runErr, context.Canceled) && !errors.Is(runErr, context.DeadlineExceeded) {
		srv.Close()
		return fmt.Errorf("demo: %w", runErr)
	}

	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), demoShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		fmt.Fprintf(stderr, "demo: API shutdown: %v\n", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "demo: API stopped: %v\n", err)
	}
	hash, lastSeq, err := driver.StateHash(context.WithoutCancel(ctx))
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	seqClosed = true
	if err := seq.Close(); err != nil {
		return fmt.Errorf("demo: stop sequencer: %w", err)
	}
	printDemoSummary(stdout, demoSummary{
		snap: w.Metrics().Snapshot(), start: w.Start(), wall: wall, speed: o.speed,
		hash: hash, lastSeq: lastSeq, dir: dir,
	})
	return nil
}

// demoDataDir returns the directory to use: a new temporary one, or the given one if it is
// absent or empty. A directory with history is refused: the demo seeds a fresh business, and its
// ids would collide with what is there.
func demoDataDir(dir string) (string, error) {
	if dir == "" {
		d, err := os.MkdirTemp("", "depot-demo-")
		if err != nil {
			return "", fmt.Errorf("demo: create a data directory: %w", err)
		}
		return d, nil
	}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", fmt.Errorf("demo: create data directory: %w", err)
		}
		return dir, nil
	case err != nil:
		return "", fmt.Errorf("demo: read data directory: %w", err)
	case len(entries) > 0:
		return "", fmt.Errorf("demo: data directory %s is not empty; the demo seeds a fresh business, so give it an empty or new directory", dir)
	}
	return dir, nil
}

// demoIntelConfig is the intelligence configuration of the demo: hours of day (channel silence's
// seasonality) in the simulated city's local time, as the evaluation sets them.
func demoIntelConfig(sc *sim.Scenario) intel.Config {
	return intel.Config{UTCOffset: int64(sc.City.UTCOffsetSeconds)}
}
