package sim_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/depothq/depot/api"
	"github.com/depothq/depot/api/client"
	"github.com/depothq/depot/journal"
	"github.com/depothq/depot/sequencer"
	"github.com/depothq/depot/sim"
)

// The same workload over the real HTTP API on a random loopback port: the business is seeded,
// orders flow, and no operator command is refused.
func TestHTTPDriverRunsTheWorkload(t *testing.T) {
	cfg := smallConfig(21)
	cfg.Duration = 2 * time.Hour
	runOverHTTP(t, cfg)
}

// The orchestrated flow over HTTP: orders are created, their ids learned from the batch
// answers' ref, and their shipments advanced to shipped.
func TestHTTPDriverRunsTheOrchestratedWorkload(t *testing.T) {
	s := runOverHTTP(t, orchestratedConfig(21))
	if s.OrdersAllocated == 0 || s.ShipmentsShipped == 0 {
		t.Fatalf("orchestrated orders did not flow over HTTP: %+v", s)
	}
	// Checkout reservations, exceptions and DPD's codes (its zone chart and code table came
	// over PUT /v1/carriers) went over HTTP too.
	if s.CheckoutOrders == 0 || s.ExceptionsResolved == 0 || s.TrackingEvents == 0 {
		t.Fatalf("order features did not flow over HTTP: %d checkout orders, %d exceptions resolved, %d scans",
			s.CheckoutOrders, s.ExceptionsResolved, s.TrackingEvents)
	}
}

func runOverHTTP(t *testing.T, cfg sim.Config) sim.Snapshot {
	t.Helper()
	w, err := sim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	clock := sim.NewClock(w.Start())
	quiet := slog.New(slog.DiscardHandler)
	feed := api.NewFeed(0)
	seq, err := sequencer.Open(journal.NewMemory(), sequencer.Options{Clock: clock.Now, Logger: quiet, OnCommit: feed.OnCommit})
	if err != nil {
		t.Fatal(err)
	}
	defer seq.Close()
	srv, err := api.NewServer(api.Config{Sequencer: seq, Feed: feed, Logger: quiet, TickEvery: -1, RatePerSecond: -1})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() {
		srv.Close()
		if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Error(err)
		}
	}()
	_, key, err := srv.Keys().CreateEphemeral(w.Scenario().Tenant, api.ScopeWrite, "sim")
	if err != nil {
		t.Fatal(err)
	}
	d := sim.NewHTTPDriver(client.New("http://"+ln.Addr().String(), key, nil), w.Scenario().Tenant)
	if err := (&sim.Runner{Driver: d, Workload: w, Clock: clock}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := w.Metrics().Snapshot()
	if s.OrdersPlaced < 100 || s.Shipped == 0 || s.Counts == 0 {
		t.Fatalf("too little happened over HTTP: %+v", s)
	}
	if len(s.OtherRejections) > 0 {
		t.Fatalf("operator commands were refused over HTTP: %+v", s.OtherRejections)
	}
	st, err := d.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Ledger.SKUs != len(w.Scenario().SKUs) || st.DurableSeq == 0 {
		t.Fatalf("stats over HTTP: %+v", st)
	}
	return s
}
