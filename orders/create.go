package orders

import (
	"github.com/depothq/depot"
	"github.com/depothq/depot/sourcing"
)

// create ingests an order: idempotency on (channel, external id), then one sourcing round over
// every line; what cannot be placed waits in the backorder queue.
func (x *Orders) create(st *step, c *depot.CreateOrder) *depot.Rejection {
	t := x.tenantOf(c.Tenant)
	if t == nil {
		return depot.Reject(depot.CodeUnknownChannel, "channel", "unknown channel %q", c.Channel)
	}
	ch, ok := t.h.Channel(c.Channel)
	if !ok {
		return depot.Reject(depot.CodeUnknownChannel, "channel", "unknown channel %q", c.Channel)
	}
	fp := x.fingerprint(c)
	extH := t.byExt.Hash(extKey{channel: c.Channel, ext: c.ExternalID})
	if prev := t.byExternalIDHashed(extH, c.Channel, c.ExternalID); prev != nil {
		if prev.fp == fp {
			st.replayed, st.ref = true, prev.id()
			return nil
		}
		return depot.Reject(depot.CodeDuplicate, "external_id", "order %q of channel %q exists as %s with different content",
			c.ExternalID, c.Channel, prev.id())
	}
	if x.live >= depot.MaxLiveOrders {
		return depot.Reject(depot.CodeLimitExceeded, "external_id", "at most %d orders are held", depot.MaxLiveOrders)
	}
	o := x.newOrder()
	o.seq, o.t, o.ch, o.ext, o.fp = st.seq, t, ch, c.ExternalID, fp
	if len(c.Lines) <= len(o.inline) {
		o.lines = o.inline[:len(c.Lines)]
	} else {
		o.lines = make([]line, len(c.Lines))
	}
	for i, l := range c.Lines {
		s, ok := t.h.SKU(l.SKU)
		if !ok {
			return depot.Reject(depot.CodeUnknownSKU, "lines.sku", "unknown SKU %q", l.SKU)
		}
		w := t.h.UnitWeightG(s)
		if w > sourcing.MaxWeightG || l.Qty*w > sourcing.MaxLineWeightG {
			return depot.Reject(depot.CodeLimitExceeded, "lines.qty", "line %d weighs more than %d grams", i, int64(sourcing.MaxLineWeightG))
		}
		o.lines[i] = line{sku: s, qty: l.Qty, price: l.UnitPriceMinor, waiting: l.Qty, weightG: int32(w)}
	}
	if c.Reservation != "" {
		if rej := x.checkReservation(t, c); rej != nil {
			return rej
		}
	}
	// Checks are done: from here on the order is accepted.
	// The ledger holds no allocation under this name: commits may not name future orders (Guard).
	x.scratch = append(orderID(x.scratch[:0], st.seq), "-1"...)
	o.id1 = string(x.scratch)
	o.latE6, o.lonE6, o.postal, o.country = c.ShipToLatE6, c.ShipToLonE6, c.PostalCode, c.Country
	o.level, o.promiseMinutes, o.placedAt, o.priority, o.policy = c.Level, c.PromiseMinutes, c.PlacedAt, c.Priority, t.policyOf(c.Channel, c.Backorder)
	o.shipBy, o.deliverBy = promises(c, st.now)
	if c.Reservation != "" {
		o.setMore().reservation = c.Reservation
	}
	if len(c.Attributes) > 0 {
		o.setMore().attrs = append([]depot.Attribute(nil), c.Attributes...)
	}
	o.timerIdx = -1
	t.index(o, extH)
	x.live++
	st.ref = o.id()

	var units int64
	for i := range o.lines {
		units += o.lines[i].qty
	}
	x.emit(st, t, depot.Event{Kind: depot.EventOrderReceived, Ref: o.id(), Order: o.id(), Channel: o.channel(), Reason: o.ext, Qty: units, At: o.deliverBy})
	if c.Reservation == "" {
		x.sourceWaiting(st, o, true)
		x.syncTimers(o)
		return nil
	}
	if o.policy == depot.BackorderShipComplete {
		// The order holds the reservation whole until all of it can be allocated (placeHeld).
		t.hold(o)
		x.sourceWaiting(st, o, true)
		x.syncTimers(o)
		x.flushHeld(st, t)
		return nil
	}
	x.freed = x.freed[:0]
	x.consume(st, o, c.Reservation)
	if o.waitingUnits() == 0 {
		x.emit(st, t, depot.Event{Kind: depot.EventOrderAllocated, Ref: o.id(), Order: o.id(), Channel: o.channel()})
	} else {
		x.sourceWaiting(st, o, true)
	}
	x.syncTimers(o)
	// What the reservation held beyond the order's needs is free again, for the backorders.
	x.refill(st, t, x.freed)
	return nil
}

// promises derives ship_by and deliver_by: what the order states, else from its level, counted
// from PlacedAt (or now when it names none).
func promises(c *depot.CreateOrder, now int64) (shipBy, deliverBy int64) {
	base := c.PlacedAt
	if base == 0 {
		base = now
	}
	var shipIn, deliverIn int64
	switch c.Level {
	case depot.LevelExpress:
		shipIn, deliverIn = expressShipWithin, expressDeliverWithin
	case depot.LevelSameDay:
		shipIn, deliverIn = sameDayShipWithin, sameDayDeliverWithin
	case depot.LevelQuick:
		deliverIn = c.PromiseMinutes * minuteNanos
		shipIn = deliverIn / 2
	default:
		shipIn, deliverIn = standardShipWithin, standardDeliverWithin
	}
	shipBy, deliverBy = c.ShipBy, c.DeliverBy
	if deliverBy == 0 {
		deliverBy = max(base+deliverIn, shipBy)
	}
	if shipBy == 0 {
		shipBy = min(base+shipIn, deliverBy)
		if c.Level == depot.LevelQuick && c.PromiseMinutes == 0 {
			shipBy = base + (deliverBy-base)/2
		}
	}
	return shipBy, deliverBy
}

// sourceWaiting runs a sourcing round over the order's waiting units, as its backorder policy
// says: whole lines (the default), every unit in stock (partial), or all or nothing (ship
// complete). fresh is set for a new order: every waiting line is then reported as backordered
// with what waits of it; on later rounds only progress is.
func (x *Orders) sourceWaiting(st *step, o *order, fresh bool) {
	t := o.t
	x.qtyOf = grow64(x.qtyOf, len(o.lines))
	x.whyOf = growStrings(x.whyOf, len(o.lines))
	waiting := int64(0)
	for i := range o.lines {
		x.qtyOf[i] = o.lines[i].waiting
		x.whyOf[i] = ""
		waiting += o.lines[i].waiting
	}
	if waiting == 0 {
		return
	}
	// Ship complete: the whole order in one round, or nothing.
	complete := o.policy == depot.BackorderShipComplete
	var res roundResult
	if complete && o.more != nil && o.more.rsvHeld {
		res = x.placeHeld(st, o)
	} else {
		res = x.place(st, o, complete, x.whyOf)
	}
	if fresh {
		for i := range o.lines {
			if l := &o.lines[i]; l.waiting > 0 {
				why := x.whyOf[i]
				if complete && why == "" {
					why = "ship complete: waits for " + res.why
				}
				x.emit(st, t, depot.Event{Kind: depot.EventBackordered, Ref: o.id(), Order: o.id(), SKU: t.h.SKUID(l.sku), Qty: l.waiting, Reason: why})
			}
		}
	}
	if o.waitingUnits() == 0 {
		x.emit(st, t, depot.Event{Kind: depot.EventOrderAllocated, Ref: o.id(), Order: o.id(), Channel: o.channel()})
	}
	if fresh || res.placed {
		x.indexWaiting(o)
	}
	if o.waitingUnits() > 0 {
		// Units waiting for stock have no projected lead time; their deadlines are checked a
		// while before they fall due.
		o.shipRiskAt = riskCheck(o.shipRiskAt, o.shipBy, st.now)
		o.deliverRiskAt = riskCheck(o.deliverRiskAt, o.deliverBy, st.now)
	}
}

// riskCheck is when to check a deadline for risk when the lead time is unknown: defaultRiskLead
// before it, or half way when that is sooner; an earlier check already scheduled stands.
func riskCheck(current, deadline, now int64) int64 {
	if deadline == 0 {
		return current
	}
	at := deadline - min(defaultRiskLead, max(deadline-now, 0)/2)
	if current != 0 && current < at {
		return current
	}
	return at
}

func grow64(s []int64, n int) []int64 {
	if cap(s) < n {
		return make([]int64, n, max(n, 2*cap(s)))
	}
	return s[:n]
}

func growStrings(s []string, n int) []string {
	if cap(s) < n {
		return make([]string, n, max(n, 2*cap(s)))
	}
	return s[:n]
}
