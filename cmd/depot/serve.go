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
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/depothq/depot"
	"github.com/depothq/depot/api"
	"github.com/depothq/depot/intel"
	"github.com/depothq/depot/journal"
	"github.com/depothq/depot/sequencer"
)

// shutdownGrace bounds how long a stopping server waits for requests in flight.
const shutdownGrace = 30 * time.Second

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	dir := fs.String("data", "depot-data", "data directory (journal, snapshots, keys.json, webhooks.json)")
	addr := fs.String("addr", "127.0.0.1:7070", "address to listen on")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn or error")
	snapEvery := fs.Int64("snapshot-every", sequencer.DefaultSnapshotEvery, "commands between snapshots (negative: only at shutdown)")
	snapOnWriter := fs.Bool("snapshot-on-writer", false, "encode periodic snapshots on the writer: half the memory, but commits pause while each is encoded")
	devKey := fs.Bool("dev-key", false, "print a throwaway admin key for --dev-tenant that lives in memory until the server stops")
	devTenant := fs.String("dev-tenant", "dev", "tenant of the --dev-key")
	var utcOffset utcOffsetFlag
	fs.Var(&utcOffset, "intel-utc-offset", "local time of intelligence's hour-of-day seasonality, as minutes east of UTC (120, -300) or a duration (2h, -5h30m); default UTC")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	log, err := newLogger(stderr, *logFormat, *logLevel)
	if err != nil {
		return err
	}
	n, err := startNode(nodeOptions{Dir: *dir, Addr: *addr, Logger: log, SnapshotEvery: *snapEvery, SnapshotsOnWriter: *snapOnWriter,
		Intel: intel.Config{UTCOffset: int64(utcOffset)}})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "depot serving http://%s (HTTP/1.1 and h2c), data in %s\n", n.Addr, *dir)
	fmt.Fprintf(stdout, "  API document  http://%s/v1/openapi.json\n  metrics       http://%s/metrics\n", n.Addr, n.Addr)
	var inUse intel.Config
	n.Intel.With(func(in *intel.Intel) { inUse = in.Config() })
	fmt.Fprintf(stdout, "  intelligence  hours of day in %s (--intel-utc-offset)\n", utcOffsetFlag(inUse.UTCOffset))
	if *devKey {
		info, secret, err := n.API.Keys().CreateEphemeral(*devTenant, api.ScopeAdmin, "dev key")
		if err != nil {
			_ = n.Shutdown(context.Background())
			return fmt.Errorf("serve: dev key: %w", err)
		}
		fmt.Fprintf(stdout, "  dev key       %s  (admin, tenant %q, id %s; in memory only, gone when the server stops)\n", secret, info.Tenant, info.ID)
	} else if keys := n.API.Keys().List(""); len(keys) == 0 {
		fmt.Fprintf(stdout, "  no API keys yet: depot keys create --data %s --tenant NAME --scope admin\n", *dir)
		fmt.Fprintf(stdout, "                   (or restart with --dev-key for a throwaway key)\n")
	} else {
		fmt.Fprintf(stdout, "  API keys      %d in %s; depot keys list --data %s, depot keys create for more\n", len(keys), filepath.Join(*dir, "keys.json"), *dir)
	}

	select {
	case <-ctx.Done():
		log.Info("shutting down", "grace", shutdownGrace)
	case err := <-n.serveErr:
		log.Error("server stopped", "err", err)
		_ = n.Shutdown(context.Background())
		return fmt.Errorf("serve: %w", err)
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := n.Shutdown(sctx); err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	fmt.Fprintln(stdout, "depot stopped cleanly")
	return nil
}

// newLogger builds the slog logger of the flags.
func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: %w", level, err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch strings.ToLower(format) {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json, not %q", format)
}

// nodeOptions configure a running Depot node: journal, sequencer and API server on one address.
// The demo and the bench start nodes the same way `depot serve` does.
type nodeOptions struct {
	// Dir is the data directory; it is created if missing.
	Dir string
	// Addr is the listen address; "127.0.0.1:0" picks a free port.
	Addr string
	// Logger defaults to a discarding logger.
	Logger *slog.Logger
	// SnapshotEvery and SnapshotsOnWriter are passed to the sequencer (0: its default).
	SnapshotEvery     int64
	SnapshotsOnWriter bool
	// Intel holds the parameters of the intelligence projection startNode builds when API sets
	// none (zero fields take intel's defaults; UTCOffset 0 is UTC).
	Intel intel.Config
	// API adjusts the server config (rate limits, tick, webhook retries) before it is built; the
	// wiring fields (Sequencer, Feed, Journal, DataDir, Logger) are set by startNode.
	API func(*api.Config)
}

// node is a running Depot: the pieces in the order they are stopped.
type node struct {
	Addr      string
	URL       string
	API       *api.Server
	Sequencer *sequencer.Sequencer
	Journal   *journal.File
	Feed      *api.Feed
	Intel     *api.Intel
	log       *slog.Logger
	serveErr  chan error
}

// startNode opens the journal in opts.Dir, recovers the sequencer from it, builds the API server
// and starts serving on opts.Addr. Stop it with Shutdown.
func startNode(opts nodeOptions) (*node, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	j, err := journal.OpenFile(dir, journal.FileOptions{Logger: log})
	if err != nil {
		return nil, fmt.Errorf("open journal in %s: %w", dir, err)
	}
	feed := api.NewFeed(0)
	cfg := api.Config{}
	if opts.API != nil {
		opts.API(&cfg)
	}
	if cfg.Intel == nil {
		cfg.Intel = api.NewIntel(intel.Options{Config: opts.Intel})
	}
	// Intelligence warms up from the commands replayed at recovery (the tail after the newest
	// snapshot), so its signals do not start from nothing after every restart.
	seq, err := sequencer.Open(j, sequencer.Options{SnapshotEvery: opts.SnapshotEvery, SnapshotsOnWriter: opts.SnapshotsOnWriter, Logger: log,
		OnCommit: feed.OnCommit, OnReplay: cfg.Intel.ObserveReplayed})
	if err != nil {
		j.Close()
		return nil, fmt.Errorf("recover from %s: %w", dir, err)
	}
	cfg.Sequencer, cfg.Feed, cfg.Journal, cfg.DataDir, cfg.Logger = seq, feed, j, dir, log
	srv, err := api.NewServer(cfg)
	if err != nil {
		seq.Close()
		j.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		srv.Close()
		seq.Close()
		j.Close()
		return nil, fmt.Errorf("listen on %s: %w", opts.Addr, err)
	}
	n := &node{
		Addr: ln.Addr().String(), URL: "http://" + ln.Addr().String(), API: srv, Sequencer: seq, Journal: j, Feed: feed, Intel: cfg.Intel,
		log: log, serveErr: make(chan error, 1),
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			n.serveErr <- err
		}
	}()
	log.Info("serving", "addr", n.Addr, "data", dir, "last_seq", seq.DurableSeq())
	return n, nil
}

// Shutdown stops in order: stop accepting and drain requests (until ctx ends), stop background
// work, then close the sequencer (which applies what is queued and writes a final snapshot) and
// the journal. Nothing acknowledged is lost at any step; what is cut off was never acknowledged.
func (n *node) Shutdown(ctx context.Context) error {
	var errs []error
	if err := n.API.Shutdown(ctx); err != nil {
		errs = append(errs, err)
		_ = n.API.Close()
	}
	if err := n.Sequencer.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close sequencer: %w", err))
	}
	if err := n.Journal.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close journal: %w", err))
	}
	n.log.Info("stopped", "last_seq", n.Sequencer.DurableSeq())
	return errors.Join(errs...)
}

// utcOffsetFlag is --intel-utc-offset: seconds east of UTC, given as whole minutes ("120",
// "-300") or a Go duration ("2h", "-5h30m"), a whole number of minutes within ±14 hours (the
// range of a location's offset).
type utcOffsetFlag int64

// String renders the offset as UTC, UTC+02:00 or UTC-05:30.
func (f utcOffsetFlag) String() string {
	s := int64(f)
	if s == 0 {
		return "UTC"
	}
	sign := "+"
	if s < 0 {
		sign, s = "-", -s
	}
	return fmt.Sprintf("UTC%s%02d:%02d", sign, s/3600, s%3600/60)
}

// Set parses minutes or a duration.
func (f *utcOffsetFlag) Set(v string) error {
	v = strings.TrimSpace(v)
	var d time.Duration
	if m, err := strconv.ParseInt(v, 10, 64); err == nil {
		if m < -depot.MaxUTCOffsetMinutes || m > depot.MaxUTCOffsetMinutes {
			return fmt.Errorf("the UTC offset must be within ±%d minutes", depot.MaxUTCOffsetMinutes)
		}
		d = time.Duration(m) * time.Minute
	} else if d, err = time.ParseDuration(v); err != nil {
		return fmt.Errorf("want minutes east of UTC (120, -300) or a duration (2h, -5h30m), not %q", v)
	}
	if d%time.Minute != 0 {
		return fmt.Errorf("the UTC offset must be a whole number of minutes, not %s", d)
	}
	if d < -depot.MaxUTCOffsetMinutes*time.Minute || d > depot.MaxUTCOffsetMinutes*time.Minute {
		return fmt.Errorf("the UTC offset must be within ±%d minutes", depot.MaxUTCOffsetMinutes)
	}
	*f = utcOffsetFlag(d / time.Second)
	return nil
}
