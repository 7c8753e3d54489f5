package orders

import (
	"github.com/depothq/depot"
	"github.com/depothq/depot/internal/heapq"
)

// SLA timers. Each order has its ship-by and deliver-by decisions (the risk check, then the
// deadline) and each shipped carrier parcel a stuck check; the order's one timer is due at the
// earliest of them. Timers live in one heap ordered by (at, order sequence), a total order, so
// the order in which a tick fires them is a function of the state alone, whatever the heap's
// layout (a live engine's and a restored one's differ). A timer is in the heap exactly when its
// order has a decision pending (syncTimers keeps it so), so a tick pops only what is due: no
// scan of all orders.

// timerEntry is one order's pending timer. Entries are values in the heap's array, so
// comparisons read no other memory; the order keeps its entry's position (order.timerIdx, -1
// when not queued).
type timerEntry struct {
	at  int64
	seq uint64 // the order's sequence number
	o   *order
}

type timerHeap struct{ h heapq.Heap[timerEntry] }

func timerLess(a, b *timerEntry) bool { return a.at < b.at || (a.at == b.at && a.seq < b.seq) }

func timerMoved(e *timerEntry, i int) { e.o.timerIdx = int32(i) }

func (h *timerHeap) len() int             { return h.h.Len() }
func (h *timerHeap) at(i int) *timerEntry { return h.h.At(i) }
func (h *timerHeap) less(i, j int) bool   { return timerLess(h.h.At(i), h.h.At(j)) }

// set schedules o's timer at at, or removes it when at is 0.
func (h *timerHeap) set(o *order, at int64) {
	if at == 0 {
		h.remove(o)
		return
	}
	if i := int(o.timerIdx); i >= 0 {
		if e := h.h.At(i); e.at != at {
			e.at = at
			h.h.Fix(i)
		}
		return
	}
	if h.h.Less == nil {
		h.h.Less, h.h.Moved = timerLess, timerMoved
	}
	h.h.Push(timerEntry{at: at, seq: o.seq, o: o})
}

func (h *timerHeap) remove(o *order) {
	if i := int(o.timerIdx); i >= 0 {
		h.h.Remove(i)
	}
}

func (h *timerHeap) peek() *timerEntry {
	if h.h.Len() == 0 {
		return nil
	}
	return h.h.At(0)
}

// syncTimers puts the order's timer where its state says: at its earliest pending decision.
func (x *Orders) syncTimers(o *order) { x.timers.set(o, o.due()) }

// due is the order's earliest pending decision, 0 for none.
func (o *order) due() int64 {
	at := earliest(o.shipDue(), o.deliverDue())
	for _, sh := range o.ships {
		at = earliest(at, sh.stuckAt())
	}
	return at
}

func (o *order) shipDue() int64 {
	return o.nextDeadlineAt(o.shipBy, o.shipRiskAt, shipAtRisk, shipBreached, o.shipDone())
}

func (o *order) deliverDue() int64 {
	return o.nextDeadlineAt(o.deliverBy, o.deliverRiskAt, deliverAtRisk, deliverBreached, o.deliverDone())
}

// earliest is the earlier of two instants, 0 meaning none.
func earliest(a, b int64) int64 {
	if a == 0 || (b != 0 && b < a) {
		return b
	}
	return a
}

// nextDeadlineAt is when a deadline's timer is due: at the risk check while neither the check
// nor a risk event has happened and the check comes before the deadline, else at the deadline
// until the breach is recorded; never once the work is done.
func (o *order) nextDeadlineAt(deadline, riskAt int64, risk, breach slaFlags, done bool) int64 {
	switch {
	case deadline == 0 || done || o.sla&breach != 0:
		return 0
	case o.sla&risk == 0 && riskAt != 0 && riskAt < deadline:
		return max(riskAt, 1)
	}
	return deadline
}

// stuckAt is when a shipped carrier parcel without news becomes stuck; 0 when it cannot.
func (sh *shipment) stuckAt() int64 {
	if sh.status != shipShipped || sh.settled || sh.stuck || sh.carrier == "" || sh.carrier == riderCarrier {
		return 0
	}
	return max(sh.lastEventAt, sh.shippedAt) + stuckAfter
}

// tick fires every timer due at now, in heap order; an order takes all its due decisions at
// once, ship-by before deliver-by before its shipments' stuck checks (by shipment number).
func (x *Orders) tick(st *step) {
	for {
		t := x.timers.peek()
		if t == nil || t.at > st.now {
			return
		}
		o := t.o
		if at := o.shipDue(); at != 0 && at <= st.now {
			x.fireDeadline(st, o, o.shipBy, shipAtRisk, shipBreached, "ship_by")
		}
		if at := o.deliverDue(); at != 0 && at <= st.now {
			x.fireDeadline(st, o, o.deliverBy, deliverAtRisk, deliverBreached, "deliver_by")
		}
		for _, sh := range o.ships {
			if at := sh.stuckAt(); at != 0 && at <= st.now {
				x.fireStuck(st, sh)
			}
		}
		x.syncTimers(o)
		if o.timerIdx >= 0 && x.timers.at(int(o.timerIdx)).at <= st.now {
			// Firing must move every due decision past now or drop it; anything else would spin.
			panic("orders: a fired timer is still due")
		}
	}
}

// fireDeadline takes the pending decision of a deadline: the risk check before it, the breach at it.
func (x *Orders) fireDeadline(st *step, o *order, deadline int64, risk, breach slaFlags, name string) {
	t := o.t
	if st.now >= deadline {
		o.sla |= breach | risk
		x.emit(st, t, depot.Event{Kind: depot.EventSLABreached, Ref: o.id(), Order: o.id(), Channel: o.channel(), At: deadline, Reason: name})
		return
	}
	o.sla |= risk
	projected, why := x.project(o, st.now, breach == deliverBreached)
	if projected > deadline {
		x.emit(st, t, depot.Event{Kind: depot.EventSLAAtRisk, Ref: o.id(), Order: o.id(), Channel: o.channel(), At: deadline, Reason: name + ": " + why})
	}
}

// project estimates when the order's open work completes (ships, or with deliver, arrives) if
// it starts now: each unshipped shipment waits for its location's queue at the location's pick
// rate, then for its carrier's next pickup, then its transit. Units still waiting for stock have
// no projection: they are reported at risk.
func (x *Orders) project(o *order, now int64, deliver bool) (int64, string) {
	if o.waitingUnits() > 0 {
		return maxTime, "units wait for stock"
	}
	var latest int64
	why := ""
	for _, sh := range o.ships {
		if !sh.status.live() || sh.status == shipDelivered {
			continue
		}
		var done int64
		switch {
		case sh.status.unshipped():
			ready := now + x.pickLead(o.t, sh.loc)
			ship, arrive := x.estimateFrom(o.t, sh, ready)
			done = ship
			if deliver {
				done = arrive
			}
		case deliver:
			done = max(sh.promisedAt, now)
		default:
			continue
		}
		if done > latest {
			latest = done
			why = "shipment " + sh.id + " at " + o.t.h.LocationID(sh.loc) + " projects " + formatTime(done)
		}
	}
	return latest, why
}

const maxTime = int64(1<<63 - 1)
