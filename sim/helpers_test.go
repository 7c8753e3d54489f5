package sim_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
	"github.com/depothq/depot/journal"
	"github.com/depothq/depot/sequencer"
	"github.com/depothq/depot/sim"
)

// smallConfig is a business small enough for race-enabled tests and busy enough to exercise
// every path within a few simulated hours.
func smallConfig(seed int64) sim.Config {
	return sim.Config{Seed: seed, SKUs: 150, Kits: 4, DarkStores: 8, OrdersPerDay: 20_000, Duration: 3 * time.Hour}
}

// runBundle is one finished in-process run.
type runBundle struct {
	w      *sim.Workload
	seq    *sequencer.Sequencer
	driver *sim.SequencerDriver
	stream []byte // every submitted command, encoded with its instant
	rec    *recorder
}

// recorder wraps a driver and keeps the encoded stream, to compare runs byte for byte.
// It also counts reserves by local hour and reserved lines by SKU, to check the demand's shape.
type recorder struct {
	sim.Driver
	clock          *sim.Clock
	stream         []byte
	reservesByHour [24]int
	linesBySKU     map[string]int
	// What the order features did: orders asking for partial shipment, orders naming a
	// checkout reservation, and shipments planned per carrier.
	partialOrders, checkoutOrders int
	plannedBy                     map[string]int
}

func (r *recorder) SubmitBatch(ctx context.Context, cmds []depot.Command) ([]depot.Result, error) {
	for _, c := range cmds {
		r.stream = depot.AppendEnvelope(r.stream, &depot.Envelope{Seq: 1, Time: r.clock.Now(), Cmd: c})
		if res, ok := c.(*depot.Reserve); ok {
			// The scenario's city keeps summer time, UTC+2.
			r.reservesByHour[(r.clock.Now()/1e9+2*3600)%86400/3600]++
			for _, l := range res.Lines {
				r.linesBySKU[l.SKU]++
			}
		}
		if o, ok := c.(*depot.CreateOrder); ok {
			if o.Backorder == depot.BackorderPartial {
				r.partialOrders++
			}
			if o.Reservation != "" {
				r.checkoutOrders++
			}
		}
	}
	res, err := r.Driver.SubmitBatch(ctx, cmds)
	for i := range res {
		for _, e := range res[i].Events {
			if e.Kind == depot.EventShipmentPlanned {
				if r.plannedBy == nil {
					r.plannedBy = map[string]int{}
				}
				r.plannedBy[e.Carrier]++
			}
		}
	}
	return res, err
}

// mustRun runs cfg to its end over a sequencer on an in-memory journal and closes nothing: the
// caller's cleanup closes the sequencer.
func mustRun(t testing.TB, cfg sim.Config) *runBundle {
	t.Helper()
	w, err := sim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	clock := sim.NewClock(w.Start())
	seq, err := sequencer.Open(journal.NewMemory(), sequencer.Options{Clock: clock.Now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { seq.Close() })
	driver := sim.NewSequencerDriver(seq)
	rec := &recorder{Driver: driver, clock: clock, linesBySKU: map[string]int{}}
	r := &sim.Runner{Driver: rec, Workload: w, Clock: clock}
	if err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return &runBundle{w: w, seq: seq, driver: driver, stream: rec.stream, rec: rec}
}

func (b *runBundle) hash(t testing.TB) string {
	t.Helper()
	h, _, err := b.driver.StateHash(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (b *runBundle) checkInvariants(t testing.TB) {
	t.Helper()
	var err error
	if rerr := b.seq.Read(context.Background(), func(e *engine.Engine) { err = e.CheckInvariants() }); rerr != nil {
		t.Fatal(rerr)
	}
	if err != nil {
		t.Fatalf("invariants after the run: %v", err)
	}
}
