package sim

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
	"github.com/depothq/depot/journal"
	"github.com/depothq/depot/sequencer"
)

// The workload's view of the stock must equal the engine's positions after any run, and every
// action that reads the view must lead its batch: both are what keep operator commands from
// being refused.
func TestViewMatchesTheEngineAndFreshActionsLead(t *testing.T) {
	cfg := Config{Seed: 9, SKUs: 120, Kits: 3, DarkStores: 6, OrdersPerDay: 30_000, Duration: 6 * time.Hour, CountEvery: 10 * time.Second}
	w, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	clock := NewClock(w.Start())
	seq, err := sequencer.Open(journal.NewMemory(), sequencer.Options{Clock: clock.Now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer seq.Close()
	d := NewSequencerDriver(seq)
	ctx := context.Background()
	last := int64(0)
	for {
		at, steps, ok := w.Next(64)
		if !ok {
			break
		}
		if at < last {
			t.Fatalf("instant %d after %d", at, last)
		}
		last = at
		if len(steps) > 64 {
			t.Fatalf("%d steps, max 64", len(steps))
		}
		for i, st := range steps {
			if st.At != at {
				t.Fatalf("step at %d in the batch of instant %d", st.At, at)
			}
			if i > 0 && st.act != nil && st.act.fresh && st.act != steps[i-1].act {
				t.Fatalf("a %d action that reads the view is step %d of its batch", st.act.kind, i)
			}
		}
		clock.Set(at)
		res, err := d.SubmitBatch(ctx, commandsOf(steps))
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Observe(steps, res); err != nil {
			t.Fatal(err)
		}
	}
	if s := w.Metrics().Snapshot(); len(s.OtherRejections) > 0 || s.Counts == 0 {
		t.Fatalf("operator rejections %+v after %d counts", s.OtherRejections, s.Counts)
	}
	var mismatches int
	err = seq.Read(ctx, func(e *engine.Engine) {
		for _, p := range w.list {
			got, ok := e.Ledger().Position(w.sc.Tenant, p.key.sku, p.key.loc)
			if !ok {
				continue
			}
			if got.OnHand != p.onHand || got.Reserved != p.reserved || got.Allocated != p.allocated || got.Held != p.held || got.Inbound != p.inbound {
				if mismatches++; mismatches <= 5 {
					t.Errorf("%s@%s: engine %+v, view on_hand %d reserved %d allocated %d held %d inbound %d",
						p.key.sku, p.key.loc, got, p.onHand, p.reserved, p.allocated, p.held, p.inbound)
				}
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if mismatches > 0 {
		t.Fatalf("%d of %d positions differ", mismatches, len(w.list))
	}
}

func TestNextBeforeObservePanics(t *testing.T) {
	w, err := New(Config{Seed: 1, SKUs: 50, DarkStores: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := w.Next(10); !ok {
		t.Fatal("no setup steps")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a second Next before Observe did not panic")
		}
	}()
	w.Next(10)
}

func commandsOf(steps []Step) []depot.Command {
	out := make([]depot.Command, len(steps))
	for i := range steps {
		out[i] = steps[i].Cmd
	}
	return out
}
