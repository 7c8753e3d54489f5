package orders

import (
	"cmp"
	"slices"

	"github.com/depothq/depot"
	"github.com/depothq/depot/carriers"
	"github.com/depothq/depot/ledger"
)

// Locations as orders see them, and re-sourcing: when a location is paused or closed, the work
// it has not started picking (shipments allocated or released there) moves to other locations
// in the same command, shipment by shipment in order (order sequence, shipment number), each
// all or nothing. A shipment that cannot move stays where it is, still allocated, and its order
// becomes an exception with the reason.

func (x *Orders) defineLocation(st *step, c *depot.DefineLocation) {
	t := x.tenantOf(c.Tenant)
	loc, ok := t.h.Location(c.Location)
	if !ok {
		panic("orders: the ledger accepted a location it does not know")
	}
	t.version++
	nd := t.node(loc)
	nd.utcOffset, nd.cutoff = c.UTCOffsetMinutes, c.CutoffMinute
	if c.RidersPerSlot != nd.riders || c.RiderSlotMinutes != nd.slotMinutes || (nd.fleet == nil) != (c.RidersPerSlot == 0) {
		nd.fleet = newFleet(c.Location, c.RidersPerSlot, c.RiderSlotMinutes, nd.fleet)
		nd.riders, nd.slotMinutes = c.RidersPerSlot, c.RiderSlotMinutes
	}
	if c.Status == depot.LocationOpen {
		x.refillAll(st, t)
		return
	}
	x.resourceAway(st, t, loc, "location "+c.Location+" is "+c.Status.String())
}

// newFleet builds a dark store's rider fleet (nil for no fleet limit). Bookings of the previous
// fleet carry over when the slots keep their length.
func newFleet(location string, riders, slotMinutes int32, prev *carriers.RiderFleet) *carriers.RiderFleet {
	if riders == 0 {
		return nil
	}
	f, err := carriers.NewRiderFleet(carriers.RiderConfig{Location: location, SlotMinutes: int64(slotMinutes), RidersPerSlot: riders})
	if err != nil {
		// DefineLocation.Validate checks what NewRiderFleet checks.
		panic("orders: " + err.Error())
	}
	if prev != nil && prev.Config().SlotMinutes == f.Config().SlotMinutes {
		if err := f.RestoreSlots(prev.AppendSlots(nil)); err != nil {
			panic("orders: " + err.Error())
		}
	}
	return f
}

// resourceAway moves the unpicked work of loc elsewhere.
func (x *Orders) resourceAway(st *step, t *tenant, loc ledger.LocRef, reason string) {
	work := slices.Clone(t.node(loc).open)
	slices.SortFunc(work, func(a, b *shipment) int { return cmp.Or(cmp.Compare(a.o.seq, b.o.seq), cmp.Compare(a.n, b.n)) })
	for _, sh := range work {
		x.resource(st, sh, reason)
	}
}

// resource moves one shipment's units to other locations, all or nothing.
func (x *Orders) resource(st *step, sh *shipment, reason string) {
	o, t := sh.o, sh.o.t
	x.qtyOf = grow64(x.qtyOf, len(o.lines))
	clear(x.qtyOf)
	for _, p := range sh.parts {
		x.qtyOf[p.line] += p.qty
		// The units count as waiting while the round places them, so that recording the new
		// shipments (which takes placed units off waiting) balances.
		o.lines[p.line].waiting += p.qty
	}
	res := x.place(st, o, true, nil)
	if !res.placed {
		for _, p := range sh.parts {
			o.lines[p.line].waiting -= p.qty
		}
		why := reason + ": cannot re-source shipment " + sh.id + ": " + res.why
		if sh.exception != why {
			sh.exception = why
			x.emit(st, t, depot.Event{Kind: depot.EventOrderException, Ref: o.id(), Order: o.id(), Location: t.h.LocationID(sh.loc), Reason: why})
		}
		x.settleOrder(st, o)
		return
	}
	why := "re-sourced: " + reason
	for _, p := range sh.parts {
		x.events = x.led.Deallocate(t.h, o.id(), sh.id, o.lines[p.line].sku, sh.loc, p.qty, why, st.seq, st.now, x.events)
	}
	sh.parts = sh.parts[:0]
	x.dropShipment(st, sh, why)
	x.settleOrder(st, o)
}
