package ledger_test

import (
	"reflect"
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
)

func TestTickExpiresInExpiryThenCreationOrder(t *testing.T) {
	h := mustFixture(t)
	// Expiry t0+30s: a, then c and d created later; b expires first; z survives.
	h.ok(rsvTTL("a", "web", 30*sec, ln("tee", "ams", 1)))
	h.ok(rsvTTL("b", "web", 10*sec, ln("mug", "ams", 1)))
	h.ok(rsvTTL("z", "web", 60*sec, ln("cap", "ams", 1)))
	h.advance(5 * sec)
	h.ok(rsvTTL("c", "web", 25*sec, ln("bolt", "ams", 1)))
	h.ok(rsvTTL("d", "web", 25*sec, ln("tee", "", 1)))
	if evs := h.tick(); len(evs) != 0 {
		t.Fatalf("tick at t0+5s expired %+v", evs)
	}
	h.advance(25 * sec) // exactly t0+30s: expiry is inclusive
	got := h.tick()
	want := stamp([]depot.Event{
		released(depot.EventExpired, "b", "mug", "ams", "web", 1),
		released(depot.EventExpired, "a", "tee", "ams", "web", 1),
		released(depot.EventExpired, "c", "bolt", "ams", "web", 1),
		released(depot.EventExpired, "d", "tee", "ber", "web", 1),
	}, h.seq, h.now)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("expired:\n got %+v\nwant %+v", got, want)
	}
	h.wantPos("tee", "ams", 10, 0, 0, 0, 0)
	h.wantPos("cap", "ams", 5, 1, 0, 0, 0)
	if r, _ := h.eng.Ledger().Reservation(tenant, "a"); r.Status != depot.ReservationExpired {
		t.Fatalf("a is %s after the tick", r.StatusStr)
	}
	if r, _ := h.eng.Ledger().Reservation(tenant, "z"); r.Status != depot.ReservationActive {
		t.Fatalf("z is %s after the tick", r.StatusStr)
	}
	if evs := h.tick(); len(evs) != 0 {
		t.Fatalf("second tick at the same time expired %+v", evs)
	}
}

func TestTickOnEmptyEngine(t *testing.T) {
	h := mustEngine(t)
	if evs := h.tick(); len(evs) != 0 {
		t.Fatalf("tick on an empty engine emitted %+v", evs)
	}
	if h.eng.Now() != t0 || h.eng.LastSeq() != 1 {
		t.Fatalf("now %d seq %d, want %d 1", h.eng.Now(), h.eng.LastSeq(), t0)
	}
}

func TestTimeNeverMovesBack(t *testing.T) {
	// A sequencer whose clock stepped back must not revive an expired reservation or reorder
	// retention: the engine keeps the latest time it saw.
	h := mustFixture(t)
	h.ok(rsvTTL("r", "web", 10*sec, ln("tee", "ams", 1)))
	h.advance(10 * sec)
	late := h.now
	h.ok(rcv("clock", "mug", "ams", 1)) // the engine sees late, but no tick expires r yet
	h.advance(-5 * sec)
	if res := h.apply(ext("r", 60*sec)); res.OK() || res.Rejection.Code != depot.CodeExpired {
		t.Fatalf("extend with a stepped-back clock: %+v", res)
	}
	if h.eng.Now() != late {
		t.Fatalf("Now() = %d after an earlier envelope, want %d", h.eng.Now(), late)
	}
	evs := h.ok(rsv("r2", "web", ln("tee", "ams", 1)))
	if evs[0].Time != late || evs[0].At != late+depot.DefaultTTL {
		t.Fatalf("reserve under a stepped-back clock stamped %d, expires %d; want %d, %d", evs[0].Time, evs[0].At, late, late+depot.DefaultTTL)
	}
}

func TestRetention(t *testing.T) {
	tests := []struct {
		name string
		// first is accepted at t0; again is the same request later.
		first, again depot.Command
		// fresh are the events again produces once the first is forgotten.
		fresh []depot.Event
	}{
		{"receive", rcv("r-1", "tee", "ams", 1), rcv("r-1", "tee", "ams", 1),
			[]depot.Event{{Kind: depot.EventReceived, Ref: "r-1", SKU: "tee", Location: "ams", Qty: 1}}},
		{"adjust", adj("a-1", "tee", "ams", 1), adj("a-1", "tee", "ams", 1),
			[]depot.Event{{Kind: depot.EventAdjusted, Ref: "a-1", SKU: "tee", Location: "ams", Qty: 1, Reason: "damage"}}},
		{"hold", hold("h-1", "tee", "ams", 1), hold("h-1", "tee", "ams", 1),
			[]depot.Event{{Kind: depot.EventHeld, Ref: "h-1", SKU: "tee", Location: "ams", Qty: 1, Reason: "qa"}}},
		{"return", ret("rt-1", "", "tee", "ams", 1, true, ""), ret("rt-1", "", "tee", "ams", 1, true, ""),
			[]depot.Event{{Kind: depot.EventReturned, Ref: "rt-1", SKU: "tee", Location: "ams", Qty: 1, Reason: "restock"}}},
		{"released reservation", rsvTTL("res", "web", 60*sec, ln("tee", "ams", 1)), rsvTTL("res", "web", 60*sec, ln("tee", "ams", 1)),
			nil}, // the reserve is released in setup below; its fresh events depend on the time
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := mustFixture(t)
			h.ok(tc.first)
			if tc.first.Kind() == depot.KindReserve {
				h.ok(rel("res"))
			}
			finished := h.now

			// Exactly Retention later (and after a tick) the outcome is still remembered.
			h.now = finished + depot.Retention
			h.tick()
			if res := h.apply(tc.again); !res.OK() || !res.Replayed {
				t.Fatalf("at Retention: ok=%v replayed=%v %v, want a replay", res.OK(), res.Replayed, res.Rejection)
			}
			// Past it, but before any tick, still remembered: only ticks prune.
			h.advance(1)
			if res := h.apply(tc.again); !res.Replayed {
				t.Fatalf("past Retention before a tick: not replayed (%+v)", res)
			}
			h.tick()
			res := h.apply(tc.again)
			if !res.OK() || res.Replayed {
				t.Fatalf("after pruning: ok=%v replayed=%v %v, want a fresh application", res.OK(), res.Replayed, res.Rejection)
			}
			want := tc.fresh
			if want == nil {
				want = []depot.Event{reserved("res", "tee", "ams", "web", 1, h.now+60*sec)}
			}
			if want := stamp(want, res.Seq, h.now); !reflect.DeepEqual(res.Events, want) {
				t.Fatalf("after pruning:\n got %+v\nwant %+v", res.Events, want)
			}
		})
	}
}

func TestRetentionForgetsFinishedReservations(t *testing.T) {
	h := mustFixture(t)
	h.ok(rsvTTL("gone", "web", 60*sec, ln("tee", "ams", 1)), rel("gone"))
	h.ok(rsvTTL("live", "web", depot.MaxTTL, ln("tee", "ams", 1)))
	h.advance(depot.Retention + 1)
	h.tick()
	if _, ok := h.eng.Ledger().Reservation(tenant, "gone"); ok {
		t.Fatal("released reservation still remembered after Retention")
	}
	if r, ok := h.eng.Ledger().Reservation(tenant, "live"); !ok || r.Status != depot.ReservationActive {
		t.Fatalf("live reservation forgotten or changed: %+v %v", r, ok)
	}
	if res := h.apply(rel("gone")); res.OK() || res.Rejection.Code != depot.CodeUnknownReservation {
		t.Fatalf("release of a forgotten reservation: %+v", res)
	}
	if got := h.eng.Ledger().Stats().RememberedOutcomes; got != 0 {
		t.Fatalf("%d outcomes remembered after pruning, want 0", got)
	}
}

func TestRetentionAfterBurst(t *testing.T) {
	// Pruning a burst of remembered ids compacts the FIFO that orders them; whichever way it
	// compacts (in place, or into a smaller array when most entries are dead), the survivors
	// must stay remembered in order and the forgotten ones must be gone.
	tests := []struct {
		name         string
		old, young   int
		wantRemember int
	}{
		{"mostly dead", 3000, 10, 10},
		{"half dead", 2000, 1500, 1500},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := mustFixture(t)
			base := h.eng.Ledger().Stats().RememberedOutcomes
			for i := range tc.old {
				h.raw(rcv("old-"+itoa(i), "mug", "ber", 1))
			}
			h.advance(depot.Retention / 2)
			for i := range tc.young {
				h.raw(rcv("young-"+itoa(i), "mug", "ber", 1))
			}
			h.advance(depot.Retention/2 + 1)
			h.tick() // forgets the fixture's receipts and the old burst
			if got := h.eng.Ledger().Stats().RememberedOutcomes; got != tc.wantRemember {
				t.Fatalf("%d outcomes remembered (fixture had %d), want %d", got, base, tc.wantRemember)
			}
			if res := h.apply(rcv("young-0", "mug", "ber", 1)); !res.Replayed {
				t.Fatalf("young id forgotten: %+v", res)
			}
			if res := h.apply(rcv("old-0", "mug", "ber", 1)); !res.OK() || res.Replayed {
				t.Fatalf("old id still remembered: %+v", res)
			}
			// The FIFO keeps working after compaction: the next prune forgets the young burst
			// and keeps old-0's second application, which is younger than the window.
			h.advance(depot.Retention/2 + 1)
			h.tick()
			if got := h.eng.Ledger().Stats().RememberedOutcomes; got != 1 {
				t.Fatalf("%d outcomes remembered after the second prune, want 1", got)
			}
			if res := h.apply(rcv("old-0", "mug", "ber", 1)); !res.Replayed {
				t.Fatalf("old-0's second application forgotten: %+v", res)
			}
			h.wantPos("mug", "ber", int64(tc.old+tc.young+1), 0, 0, 0, 0)
		})
	}
}

// TestRetentionAfterRestore forgets, in a ledger restored from a snapshot, the outcomes it
// remembered before: the FIFO of remembered outcomes keeps each id's hash, and the restore must
// rebuild those hashes, or forgetting would look in the wrong slots and keep the ids forever.
func TestRetentionAfterRestore(t *testing.T) {
	h := mustFixture(t)
	h.ok(rcv("r-1", "tee", "ams", 1))
	h.ok(rsvTTL("gone", "web", 60*sec, ln("tee", "ams", 1)), rel("gone"))
	restored, err := engine.Restore(h.eng.AppendSnapshot(nil))
	if err != nil {
		t.Fatal(err)
	}
	h.eng = restored
	h.advance(depot.Retention + 1)
	h.tick()
	if got := h.eng.Ledger().Stats().RememberedOutcomes; got != 0 {
		t.Fatalf("%d outcomes remembered after pruning the restored ledger, want 0", got)
	}
	if _, ok := h.eng.Ledger().Reservation(tenant, "gone"); ok {
		t.Fatal("released reservation still held after pruning the restored ledger")
	}
	if res := h.apply(rcv("r-1", "tee", "ams", 1)); !res.OK() || res.Replayed {
		t.Fatalf("receipt id still remembered after pruning the restored ledger: %+v", res)
	}
}
