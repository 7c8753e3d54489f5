package orders

import (
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
	if channel != c.Channel {
		return depot.Reject(depot.CodeInvalidArgument, "reservation", "reservation %q was made for channel %q, not %q", c.Reservation, channel, c.Channel)
	}
	return nil
}

// consume turns the checked reservation (x.rsv) into the order's first shipments, one per
// location it uses, and releases the rest of it; SKUs whose units it released are noted in
// x.freed.
func (x *Orders) consume(st *step, o *order, id string) {
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
	// Plan: parts per location, in the reservation's order of locations.
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
	x.events = x.led.ConsumeReservation(t.h, id, o.id, x.claims, st.seq, st.now, x.events)
	for k, rc := range x.rsv {
		if x.rsvLeft[k] > 0 && !containsSKU(x.freed, rc.SKU) {
			x.freed = append(x.freed, rc.SKU)
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
		x.emit(st, t, depot.Event{Kind: depot.EventShipmentPlanned, Ref: sh.id, Order: o.id, Location: t.h.LocationID(loc),
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
