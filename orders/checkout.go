package orders

import (
	"slices"

	"github.com/depothq/depot"
	"github.com/depothq/depot/ledger"
	"github.com/depothq/depot/sourcing"
)

// Checkout reservations. A storefront reserves stock at checkout (reserve) and then sends the
// order naming that reservation: the reserved units become the order's allocation where they
// are, without reserving again and without a sourcing search, and only what the reservation does
// not cover is sourced. Per location of the reservation (in the reservation's order) the order's
// lines (in order) take what they can: a stocked SKU its units there, a kit whole kits of the
// components there. Units at a location that is no longer open are not used (they are released
// and the lines sourced afresh, per routing), nor are units the order does not need. The ledger
// ends the reservation committed to the order, so it cannot be consumed twice.

// checkReservation looks the order's reservation up and checks it may be consumed by an order of
// the channel; it fills x.rsv with its claims.
func (x *Orders) checkReservation(t *tenant, c *depot.CreateOrder) *depot.Rejection {
	var channel string
	var rej *depot.Rejection
	x.rsv, channel, rej = x.led.ReservationClaims(t.h, c.Reservation, x.led.Now(), x.rsv[:0])
	if rej != nil {
		return rej
	}
	if o := t.held[c.Reservation]; o != nil {
		return depot.Reject(depot.CodeInvalidState, "reservation", "reservation %q is held by order %s, which ships complete", c.Reservation, o.id())
	}
	if channel != c.Channel {
		return depot.Reject(depot.CodeInvalidArgument, "reservation", "reservation %q was made for channel %q, not %q", c.Reservation, channel, c.Channel)
	}
	return nil
}

// consume turns the checked reservation (x.rsv) into the order's first shipments, one per
// location it uses, and releases the rest of it; SKUs whose units it released are noted in
// x.freed.
func (x *Orders) consume(st *step, o *order, id string) {
	x.planConsume(o)
	x.applyConsume(st, o, id, &x.freed)
}

// planConsume decides what of the order the checked reservation (x.rsv) covers: per location of
// the reservation (in its order), the order's lines (in order) take what they can, a kit whole
// kits of the components reserved there. It lowers the lines' waiting units by what they take
// and leaves the parts in x.rsvParts, the ledger claims in x.claims and what is left of each
// reservation line in x.rsvLeft.
//
// A kit takes only whole kits of components reserved at one location, because a kit ships whole
// from one location (the ledger allocates its components together, where the kit is sourced).
// Components reserved at a location short of a whole kit are therefore not taken: the
// reservation releases them before the order's own sourcing round, so that round (which comes
// before any other waiting order's) may still make the kit there from them and the location's
// stock.
func (x *Orders) planConsume(o *order) {
	t := o.t
	left := x.rsvLeft[:0]
	for _, c := range x.rsv {
		left = append(left, c.Qty)
	}
	x.rsvLeft = left
	have := func(s ledger.SKURef, loc ledger.LocRef) int {
		for i, c := range x.rsv {
			if c.SKU == s && c.Loc == loc {
				return i
			}
		}
		return -1
	}
	x.claims, x.rsvParts = x.claims[:0], x.rsvParts[:0]
	for i, rc := range x.rsv {
		loc := rc.Loc
		first := true // the reservation's first line at loc: the location's turn
		for j := 0; j < i; j++ {
			first = first && x.rsv[j].Loc != loc
		}
		if !first || t.h.LocationStatus(loc) != depot.LocationOpen {
			continue
		}
		for li := range o.lines {
			l := &o.lines[li]
			if l.waiting == 0 {
				continue
			}
			x.comps = t.h.Components(l.sku, x.comps[:0])
			take := l.waiting
			for _, comp := range x.comps {
				k := have(comp.SKU, loc)
				if k < 0 {
					take = 0
					break
				}
				take = min(take, x.rsvLeft[k]/comp.Qty)
			}
			if take == 0 {
				continue
			}
			for _, comp := range x.comps {
				x.rsvLeft[have(comp.SKU, loc)] -= take * comp.Qty
			}
			l.waiting -= take
			x.rsvParts = append(x.rsvParts, rsvPart{loc: loc, line: int32(li), qty: take})
			x.claims = append(x.claims, ledger.Claim{SKU: l.sku, Loc: loc, Qty: take, Pos: -1})
		}
	}
}

// applyConsume commits the planned parts (planConsume) to the order in the ledger, releases the
// rest of the reservation (noting its SKUs in *freed) and makes the parts the order's shipments,
// one per location.
func (x *Orders) applyConsume(st *step, o *order, id string, freed *[]ledger.SKURef) {
	t := o.t
	x.events = x.led.ConsumeReservation(t.h, id, o.id(), x.claims, st.seq, st.now, x.events)
	for k, rc := range x.rsv {
		if x.rsvLeft[k] > 0 && !containsSKU(*freed, rc.SKU) {
			*freed = append(*freed, rc.SKU)
		}
	}
	// The shipments, one per location used, with their carriage.
	hour := floorDiv(st.now, hourNanos)
	for i := 0; i < len(x.rsvParts); {
		loc := x.rsvParts[i].loc
		sh := x.newShipment(o, len(o.ships)+1, loc)
		sh.id = x.shipmentID(o, int(sh.n))
		for ; i < len(x.rsvParts) && x.rsvParts[i].loc == loc; i++ {
			p := x.rsvParts[i]
			sh.parts = append(sh.parts, part{line: p.line, qty: p.qty})
			sh.weightG += p.qty * int64(o.lines[p.line].weightG)
		}
		t.h.LocationInfo(loc, &x.info)
		sh.distanceM = sourcing.Distance(x.info.LatE6, x.info.LonE6, o.latE6, o.lonE6)
		ready := st.now + x.pickLead(t, loc)
		c := x.choose(t, o, loc, sh.distanceM, sh.weightG, ready)
		sh.carrier, sh.service, sh.priceMinor, sh.readyAt = c.carrier, c.service, c.price, ready
		sh.pickupAt, sh.promisedAt, sh.dueAt = c.pickupAt, c.promisedAt, c.dueAt
		sh.riderSlot, sh.hasSlot = c.slot, c.hasSlot
		nd := t.node(loc)
		if nd.hour != hour {
			nd.hour, nd.planned = hour, 0
		}
		nd.planned++
		x.openAt(t, sh)
		x.emit(st, t, depot.Event{Kind: depot.EventShipmentPlanned, Ref: sh.id, Order: o.id(), Location: t.h.LocationID(loc),
			Carrier: sh.carrier, Service: sh.service, Qty: sh.units(), At: sh.promisedAt})
		x.projectShipment(st, o, sh, c.atRisk)
	}
}

// rsvPart is qty units of an order line that a reservation covers at loc.
type rsvPart struct {
	loc  ledger.LocRef
	line int32
	qty  int64
}

// Ship complete with a checkout reservation. An order that ships complete allocates nothing
// until all of it can be allocated at once, and a checkout reservation does not change that:
// the order holds the reservation whole, unconverted, while it waits. Each sourcing round of
// the order (when it is created, and when stock it waits for arrives) plans what the
// reservation covers (planConsume), then sources the rest all or nothing; only when the rest is
// allocated is the reservation converted (its units committed to the order, the units the order
// does not need released), in the same round. So an order is either wholly allocated or holds
// nothing but the untouched reservation. The reservation keeps its TTL: extend it to hold
// longer. Once it is gone (expired, or released by its client) the order sources like any other
// ship-complete order; a commit of it is refused while an order holds it, and another order
// naming it is invalid_state. Cancelling everything the order waits for releases the whole
// reservation (it ends released, as if its client had released it); a partial cancellation
// leaves it held, and the order gets a round at once, since what is left may now be complete.

// placeHeld is the sourcing round of a ship-complete order holding its checkout reservation.
// x.qtyOf and x.whyOf are set up as for place.
func (x *Orders) placeHeld(st *step, o *order) roundResult {
	t, m := o.t, o.more
	var rej *depot.Rejection
	x.rsv, _, rej = x.led.ReservationClaims(t.h, m.reservation, st.now, x.rsv[:0])
	if rej != nil {
		x.unhold(o)
		return x.place(st, o, true, x.whyOf)
	}
	x.heldSave = grow64(x.heldSave, len(o.lines))
	for i := range o.lines {
		x.heldSave[i] = o.lines[i].waiting
	}
	x.planConsume(o)
	var rest int64
	for i := range o.lines {
		x.heldSave[i] -= o.lines[i].waiting // now what the reservation covers of the line
		x.qtyOf[i] = o.lines[i].waiting
		rest += x.qtyOf[i]
	}
	if rest > 0 {
		res := x.place(st, o, true, x.whyOf)
		for i := range o.lines {
			o.lines[i].waiting += x.heldSave[i]
		}
		if !res.placed {
			return res
		}
		// The rest is allocated, so each line waits for exactly what the reservation covers;
		// planning again gives the same parts (the round used x.claims).
		x.planConsume(o)
	}
	x.applyConsume(st, o, m.reservation, &x.heldFreed)
	x.unhold(o)
	return roundResult{placed: true}
}

// hold records that o holds its checkout reservation unconverted.
func (t *tenant) hold(o *order) {
	if t.held == nil {
		t.held = make(map[string]*order)
	}
	m := o.setMore()
	m.rsvHeld = true
	t.held[m.reservation] = o
}

// unhold records that o no longer holds its checkout reservation.
func (x *Orders) unhold(o *order) {
	delete(o.t.held, o.more.reservation)
	o.more.rsvHeld = false
}

// releaseHeld releases the whole reservation o holds, when it is still live (the order no
// longer needs it), noting its SKUs in x.freed.
func (x *Orders) releaseHeld(st *step, o *order) {
	t, m := o.t, o.more
	var rej *depot.Rejection
	x.rsv, _, rej = x.led.ReservationClaims(t.h, m.reservation, st.now, x.rsv[:0])
	if rej == nil {
		x.events = x.led.ReleaseHeldReservation(t.h, m.reservation, st.seq, st.now, x.events)
		for _, rc := range x.rsv {
			if !containsSKU(x.freed, rc.SKU) {
				x.freed = append(x.freed, rc.SKU)
			}
		}
	}
	x.unhold(o)
}

// flushHeld gives what reservations converted in this pass released to the backorder queues,
// once the pass is over (a pass must not start another while it walks its orders).
func (x *Orders) flushHeld(st *step, t *tenant) {
	for len(x.heldFreed) > 0 {
		skus := slices.Clone(x.heldFreed)
		x.heldFreed = x.heldFreed[:0]
		x.refill(st, t, skus)
	}
}
