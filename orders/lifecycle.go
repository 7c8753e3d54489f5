package orders

import (
	"github.com/depothq/depot"
	"github.com/depothq/depot/carriers"
)

// The shipment lifecycle: allocated -> released -> picked -> packed -> shipped -> delivered,
// each step validated (anything else is invalid_state and changes nothing). Shipping moves the
// units out of on-hand stock in the ledger; delivery settles the carrier's on-time score.

// stepTarget is the status a step leads to and the one it must start from.
var stepTarget = [...]struct{ from, to shipStatus }{
	depot.StepRelease: {shipAllocated, shipReleased},
	depot.StepPick:    {shipReleased, shipPicked},
	depot.StepPack:    {shipPicked, shipPacked},
	depot.StepShip:    {shipPacked, shipShipped},
	depot.StepDeliver: {shipShipped, shipDelivered},
}

var stepEvent = [...]depot.EventKind{
	depot.StepRelease: depot.EventShipmentReleased, depot.StepPick: depot.EventShipmentPicked,
	depot.StepPack: depot.EventShipmentPacked, depot.StepShip: depot.EventShipmentShipped,
	depot.StepDeliver: depot.EventShipmentDelivered,
}

// lookupShipment finds a shipment by id in a tenant.
func (x *Orders) lookupShipment(tenantID, id string) (*shipment, *depot.Rejection) {
	t := x.tenants[tenantID]
	orderID, n, ok := splitShipmentID(id)
	if t == nil || !ok {
		return nil, depot.Reject(depot.CodeUnknownOrder, "shipment", "unknown shipment %q", id)
	}
	o := t.order(orderID)
	if o == nil || n > len(o.ships) {
		return nil, depot.Reject(depot.CodeUnknownOrder, "shipment", "unknown shipment %q", id)
	}
	return o.ships[n-1], nil
}

func (x *Orders) advance(st *step, c *depot.AdvanceShipment) *depot.Rejection {
	sh, rej := x.lookupShipment(c.Tenant, c.Shipment)
	if rej != nil {
		return rej
	}
	o, t := sh.o, sh.o.t
	want := stepTarget[c.Step]
	if sh.status == want.to && (c.Step != depot.StepShip || c.Tracking == sh.tracking) {
		st.replayed = true
		return nil
	}
	if sh.status != want.from {
		return depot.Reject(depot.CodeInvalidState, "step", "shipment %s is %s; %s needs it %s", sh.id, sh.status, c.Step, want.from)
	}
	if rej := held(o, sh, c.Step); rej != nil {
		return rej
	}
	loc := t.h.LocationID(sh.loc)
	switch c.Step {
	case depot.StepRelease:
		if t.h.LocationStatus(sh.loc) != depot.LocationOpen {
			return depot.Reject(depot.CodeLocationUnavailable, "shipment", "location %s is %s; it takes no new work", loc, t.h.LocationStatus(sh.loc))
		}
	case depot.StepShip:
		if c.Tracking == "" && sh.carrier != "" && sh.carrier != riderCarrier {
			return depot.Reject(depot.CodeInvalidArgument, "tracking", "shipment %s goes with %s; shipping it needs the tracking number", sh.id, sh.carrier)
		}
	}
	// Checks are done.
	// A step forward means the location (or the carrier) is working on it again.
	sh.status, sh.exception = want.to, ""
	ev := depot.Event{Kind: stepEvent[c.Step], Ref: sh.id, Order: o.id(), Location: loc, Carrier: sh.carrier, Service: sh.service}
	switch c.Step {
	case depot.StepPick:
		x.closeAt(t, sh)
	case depot.StepShip:
		sh.tracking, sh.shippedAt = c.Tracking, st.now
		x.promiseFromHandover(t, sh, st.now)
		for _, p := range sh.parts {
			x.events = x.led.Ship(t.h, o.id(), sh.id, o.lines[p.line].sku, sh.loc, p.qty, st.seq, st.now, x.events)
		}
		ev.Tracking, ev.Qty, ev.At = sh.tracking, sh.units(), sh.dueAt
	case depot.StepDeliver:
		ev.Tracking, ev.At = sh.tracking, st.now
		x.emit(st, t, ev)
		x.arrive(st, sh, st.now)
		x.settleOrder(st, o)
		return nil
	}
	x.emit(st, t, ev)
	x.settleOrder(st, o)
	return nil
}

// promiseFromHandover counts a carrier parcel's pickup and promises again from its hand-over at
// now: the service's first collection at or after now, plus its maximum transit (the carrier's
// own promise, dueAt) and the margin of its current on-time score (promisedAt). The plan put the
// parcel on the collection after its projected readiness; a parcel handed over earlier leaves on
// an earlier collection, one handed over later on a later one, and the carrier answers for what
// it collected, not for the plan. For a service collecting once a day this keeps the planned
// promise unless the hand-over missed (or beat) that day's cutoff. Riders, parcels without a
// service and services since withdrawn keep what was planned.
func (x *Orders) promiseFromHandover(t *tenant, sh *shipment, now int64) {
	if sh.carrier == "" || sh.carrier == riderCarrier || t.sel == nil {
		return
	}
	i, ok := t.sel.Index(sh.carrier, sh.service)
	if !ok {
		return
	}
	p, ok := t.sel.PromiseFrom(i, t.h.LocationID(sh.loc), t.node(sh.loc).utcOffset, now)
	if !ok {
		return
	}
	sh.pickupAt, sh.dueAt, sh.promisedAt = p.PickupAt, p.DueAt, p.PromisedAt
}

// arrive records a delivery at at and settles the carrier's on-time score: late against the
// carrier's own promise raises a delay.
func (x *Orders) arrive(st *step, sh *shipment, at int64) {
	sh.status, sh.deliveredAt = shipDelivered, at
	if sh.lastStatus == carriers.StatusUnknown || at >= sh.lastEventAt {
		sh.lastStatus, sh.lastEventAt = carriers.StatusDelivered, max(at, sh.lastEventAt)
	}
	if sh.dueAt != 0 && !sh.settled {
		x.observe(st, sh, at <= sh.dueAt, "late: delivered "+formatTime(at))
	}
}

// observe folds a shipment's outcome into its service's on-time score once, and raises a delay
// when it was not on time.
func (x *Orders) observe(st *step, sh *shipment, onTime bool, why string) {
	t := sh.o.t
	sh.settled = true
	bp := int64(-1)
	if t.sel != nil {
		if i, ok := t.sel.Index(sh.carrier, sh.service); ok {
			t.sel.Observe(i, onTime)
			bp = int64(t.sel.Service(i).OnTime.BP())
		}
	}
	if !onTime {
		x.emit(st, t, depot.Event{Kind: depot.EventShipmentDelayed, Ref: sh.id, Order: sh.o.id(), Location: t.h.LocationID(sh.loc),
			Carrier: sh.carrier, Service: sh.service, Tracking: sh.tracking, Qty: max(bp, 0), At: sh.dueAt, Reason: why})
	}
}

// settleOrder runs after any change to an order: timers follow the state, and an order whose
// every unit is delivered or cancelled finishes.
func (x *Orders) settleOrder(st *step, o *order) {
	x.syncTimers(o)
	if o.finishedAt != 0 || !o.deliverDone() {
		return
	}
	o.finishedAt = max(st.now, 1)
	x.finished.Push(o)
	x.unqueueAll(o)
	if o.status() != statusCancelled {
		x.emit(st, o.t, depot.Event{Kind: depot.EventOrderCompleted, Ref: o.id(), Order: o.id(), Channel: o.channel()})
	}
}

// forget drops finished orders older than the retention window, with their external ids.
func (x *Orders) forget(now int64) {
	for x.finished.Len() > 0 {
		o := *x.finished.At(0)
		if now-o.finishedAt <= depot.OrderRetention {
			break
		}
		x.finished.PopFront()
		t := o.t
		t.unindex(o)
		x.live--
		for _, sh := range o.ships {
			*sh = shipment{}
		}
		*o = order{}
	}
}
