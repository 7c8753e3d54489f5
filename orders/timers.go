package orders

import (
	"github.com/depothq/depot"
)

// SLA timers. Each order has a ship-by and a deliver-by timer and each shipped carrier parcel a
// stuck timer; a timer is due at its next decision (the risk check, then the deadline). They
// live in one heap ordered by (at, order sequence, slot), a total order, so the order in which a
// tick fires them is a function of the state alone, whatever the heap's layout (a live engine's
// and a restored one's differ). A timer is in the heap exactly when it has a decision pending
// (syncTimers keeps it so), so a tick pops only what is due: no scan of all orders.

type timerSlot int32

const (
	slotShip    timerSlot = 0
	slotDeliver timerSlot = 1
	slotStuck   timerSlot = 2 // + shipment number
)

type timer struct {
	at   int64
	slot timerSlot
	idx  int32 // position in the heap, -1 when not queued
	o    *order
	sh   *shipment // for stuck timers
}

type timerHeap struct{ items []*timer }

func (h *timerHeap) less(i, j int) bool {
	a, b := h.items[i], h.items[j]
	if a.at != b.at {
		return a.at < b.at
	}
	if a.o.seq != b.o.seq {
		return a.o.seq < b.o.seq
	}
	return a.slot < b.slot
}

func (h *timerHeap) swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	h.items[i].idx = int32(i)
	h.items[j].idx = int32(j)
}

func (h *timerHeap) up(j int) {
	for j > 0 {
		i := (j - 1) / 2
		if !h.less(j, i) {
			break
		}
		h.swap(i, j)
		j = i
	}
}

func (h *timerHeap) down(i0 int) bool {
	i, n := i0, len(h.items)
	for {
		j := 2*i + 1
		if j >= n {
			break
		}
		if r := j + 1; r < n && h.less(r, j) {
			j = r
		}
		if !h.less(j, i) {
			break
		}
		h.swap(i, j)
		i = j
	}
	return i > i0
}

// set schedules t at at, or removes it when at is 0.
func (h *timerHeap) set(t *timer, at int64) {
	if at == 0 {
		h.remove(t)
		return
	}
	if t.idx >= 0 {
		if t.at == at {
			return
		}
		t.at = at
		if !h.down(int(t.idx)) {
			h.up(int(t.idx))
		}
		return
	}
	t.at = at
	t.idx = int32(len(h.items))
	h.items = append(h.items, t)
	h.up(len(h.items) - 1)
}

func (h *timerHeap) remove(t *timer) {
	i := int(t.idx)
	if i < 0 {
		return
	}
	last := len(h.items) - 1
	if i != last {
		h.swap(i, last)
	}
	h.items[last] = nil
	h.items = h.items[:last]
	t.idx = -1
	if i != last && !h.down(i) {
		h.up(i)
	}
}

func (h *timerHeap) peek() *timer {
	if len(h.items) == 0 {
		return nil
	}
	return h.items[0]
}

// syncTimers puts the order's timers (and its shipments' stuck timers) where its state says.
func (x *Orders) syncTimers(o *order) {
	x.timers.set(&o.shipTimer, o.nextDeadlineAt(o.shipBy, o.shipRiskAt, shipAtRisk, shipBreached, o.shipDone()))
	x.timers.set(&o.deliverTimer, o.nextDeadlineAt(o.deliverBy, o.deliverRiskAt, deliverAtRisk, deliverBreached, o.deliverDone()))
	for _, sh := range o.ships {
		x.timers.set(&sh.stuckTimer, sh.stuckAt())
	}
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

// tick fires every timer due at now, in heap order.
func (x *Orders) tick(st *step) {
	for {
		t := x.timers.peek()
		if t == nil || t.at > st.now {
			return
		}
		o := t.o
		switch {
		case t.slot == slotShip:
			x.fireDeadline(st, o, o.shipBy, shipAtRisk, shipBreached, "ship_by")
		case t.slot == slotDeliver:
			x.fireDeadline(st, o, o.deliverBy, deliverAtRisk, deliverBreached, "deliver_by")
		default:
			x.fireStuck(st, t.sh)
		}
		x.syncTimers(o)
		if t.idx >= 0 && t.at <= st.now {
			// syncTimers must move a fired timer past now or drop it; anything else would spin.
			panic("orders: a fired timer is still due")
		}
	}
}

// fireDeadline takes the pending decision of a deadline: the risk check before it, the breach at it.
func (x *Orders) fireDeadline(st *step, o *order, deadline int64, risk, breach slaFlags, name string) {
	t := o.t
	if st.now >= deadline {
		o.sla |= breach | risk
		x.emit(st, t, depot.Event{Kind: depot.EventSLABreached, Ref: o.id, Order: o.id, Channel: o.channel, At: deadline, Reason: name})
		return
	}
	o.sla |= risk
	projected, why := x.project(o, st.now, breach == deliverBreached)
	if projected > deadline {
		x.emit(st, t, depot.Event{Kind: depot.EventSLAAtRisk, Ref: o.id, Order: o.id, Channel: o.channel, At: deadline, Reason: name + ": " + why})
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
