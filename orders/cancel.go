package orders

import (
	"slices"

	"github.com/depothq/depot"
	"github.com/depothq/depot/ledger"
)

// Cancellation releases exactly what the order held: waiting units first (they hold nothing),
// then the units of the least advanced shipments (allocated before released before picked before
// packed, then by shipment number). Shipped units cannot be cancelled; they come back as returns.

func (x *Orders) cancel(st *step, c *depot.CancelOrder) *depot.Rejection {
	t := x.tenants[c.Tenant]
	var o *order
	if t != nil {
		o = t.order(c.Order)
	}
	if o == nil {
		return depot.Reject(depot.CodeUnknownOrder, "order", "unknown order %q", c.Order)
	}
	x.qtyOf = grow64(x.qtyOf, len(o.lines))
	clear(x.qtyOf)
	if len(c.Lines) == 0 {
		if o.status() == statusCancelled {
			st.replayed = true
			return nil
		}
		var total int64
		for i := range o.lines {
			x.qtyOf[i] = x.cancellable(o, int32(i))
			total += x.qtyOf[i]
		}
		if total == 0 {
			return depot.Reject(depot.CodeInvalidState, "order", "order %s is %s: nothing is left to cancel", o.id(), o.status())
		}
	} else {
		for _, cl := range c.Lines {
			s, ok := t.h.SKU(cl.SKU)
			has := false
			left := cl.Qty
			for i := range o.lines {
				if !ok || o.lines[i].sku != s {
					continue
				}
				has = true
				take := min(left, x.cancellable(o, int32(i)))
				x.qtyOf[i] += take
				left -= take
			}
			if !has {
				return depot.Reject(depot.CodeInvalidArgument, "lines.sku", "order %s has no line of %q", o.id(), cl.SKU)
			}
			if left > 0 {
				return depot.Reject(depot.CodeInvalidState, "lines.qty", "order %s can cancel %d of %q (the rest shipped or was cancelled), asked for %d",
					o.id(), cl.Qty-left, cl.SKU, cl.Qty)
			}
		}
	}
	// Checks are done.
	reason := c.Reason
	if reason == "" {
		reason = "cancelled"
	}
	x.freed = x.freed[:0]
	for i := range o.lines {
		if q := x.qtyOf[i]; q > 0 {
			x.cancelLine(st, o, int32(i), q, reason)
			x.emit(st, t, depot.Event{Kind: depot.EventOrderCancelled, Ref: o.id(), Order: o.id(), Channel: o.channel(),
				SKU: t.h.SKUID(o.lines[i].sku), Qty: q, Reason: c.Reason})
		}
	}
	if m := o.more; m != nil && m.rsvHeld {
		if o.waitingUnits() == 0 {
			x.releaseHeld(st, o)
		} else {
			// What is left may now be complete: the reservation and the rest, at once.
			x.sourceWaiting(st, o, false)
		}
	}
	x.indexWaiting(o)
	x.settleOrder(st, o)
	x.refill(st, t, x.freed)
	x.flushHeld(st, t)
	return nil
}

// cancellable is what of line li can still be cancelled: waiting units and units of shipments
// that have not shipped.
func (x *Orders) cancellable(o *order, li int32) int64 {
	n := o.lines[li].waiting
	for _, sh := range o.ships {
		if sh.status.unshipped() {
			for _, p := range sh.parts {
				if p.line == li {
					n += p.qty
				}
			}
		}
	}
	return n
}

// cancelLine cancels qty units of line li (at most what is cancellable), releasing their
// allocation; stock it frees is noted in x.freed for the backorder queue.
func (x *Orders) cancelLine(st *step, o *order, li int32, qty int64, reason string) {
	t := o.t
	l := &o.lines[li]
	w := min(qty, l.waiting)
	l.waiting -= w
	l.cancelled += w
	qty -= w
	if qty == 0 {
		return
	}
	order := make([]*shipment, 0, len(o.ships))
	for _, sh := range o.ships {
		if sh.status.unshipped() {
			order = append(order, sh)
		}
	}
	slices.SortStableFunc(order, func(a, b *shipment) int { return int(a.status) - int(b.status) })
	for _, sh := range order {
		for k := range sh.parts {
			p := &sh.parts[k]
			if p.line != li || qty == 0 {
				continue
			}
			take := min(p.qty, qty)
			x.events = x.led.Deallocate(t.h, o.id(), sh.id, l.sku, sh.loc, take, reason, st.seq, st.now, x.events)
			x.noteFreed(t, l.sku)
			p.qty -= take
			l.cancelled += take
			qty -= take
		}
		sh.compactParts()
		if len(sh.parts) == 0 {
			x.dropShipment(st, sh, reason)
		}
		if qty == 0 {
			return
		}
	}
}

// noteFreed records that stock of s (its components) became available in this command.
func (x *Orders) noteFreed(t *tenant, s ledger.SKURef) {
	x.comps = t.h.Components(s, x.comps[:0])
	for _, c := range x.comps {
		if !slices.Contains(x.freed, c.SKU) {
			x.freed = append(x.freed, c.SKU)
		}
	}
}

func (sh *shipment) compactParts() {
	out := sh.parts[:0]
	for _, p := range sh.parts {
		if p.qty > 0 {
			out = append(out, p)
		}
	}
	sh.parts = out
}

// dropShipment cancels a shipment that holds nothing any more: out of the pick queue, its rider
// slot given back.
func (x *Orders) dropShipment(st *step, sh *shipment, reason string) {
	t := sh.o.t
	sh.status, sh.exception = shipCancelled, ""
	x.closeAt(t, sh)
	if sh.hasSlot {
		if n := t.node(sh.loc); n.fleet != nil {
			n.fleet.Release(sh.riderSlot)
		}
		sh.hasSlot = false
	}
	x.emit(st, t, depot.Event{Kind: depot.EventShipmentCancelled, Ref: sh.id, Order: sh.o.id(), Location: t.h.LocationID(sh.loc),
		Carrier: sh.carrier, Service: sh.service, Reason: reason})
}
