package orders

// Reads return copies; nothing a reader holds aliases the state. Callers synchronise with the
// single writer.

// OrderView is a read view of an order.
type OrderView struct {
	ID         string
	Channel    string
	ExternalID string
	Status     string
	Level      string
	Priority   int64
	PlacedAt   int64
	ShipBy     int64
	DeliverBy  int64
	Lines      []LineView
	Shipments  []ShipmentView
	Attributes []struct{ Key, Value string }
	// FinishedAt is when every unit was delivered or cancelled, 0 while open.
	FinishedAt int64
	// Backorder is the order's backorder policy ("lines", "partial" or "ship_complete").
	Backorder string
	// Reservation is the checkout reservation the order consumed or holds, "" if none.
	Reservation string
	// ReservationHeld says the order ships complete and holds its reservation unconverted
	// until all of it can be allocated.
	ReservationHeld bool
	// ExceptionCode, ExceptionNote and ExceptionAt describe the operator's open exception
	// (raise_exception); empty when none is open.
	ExceptionCode string
	ExceptionNote string
	ExceptionAt   int64
}

// LineView is one order line and where its units are.
type LineView struct {
	SKU            string
	Qty            int64
	UnitPriceMinor int64
	Waiting        int64
	Allocated      int64 // in shipments not yet shipped
	Shipped        int64 // in shipments shipped or delivered
	Cancelled      int64
}

// ShipmentView is one shipment of an order.
type ShipmentView struct {
	ID          string
	Location    string
	Status      string
	Carrier     string
	Service     string
	Tracking    string
	PriceMinor  int64
	DistanceM   int64
	WeightG     int64
	ReadyAt     int64 // projected ready to leave, when the carriage was chosen
	PickupAt    int64
	PromisedAt  int64
	DeliveredAt int64
	Exception   string
	Lines       []ShipmentLine
}

// ShipmentLine is the units of one order line in a shipment.
type ShipmentLine struct {
	SKU string
	Qty int64
}

// Order returns a view of an order.
func (x *Orders) Order(tenantID, id string) (OrderView, bool) {
	t := x.tenants[tenantID]
	if t == nil || t.order(id) == nil {
		return OrderView{}, false
	}
	return view(t.order(id)), true
}

// OrderByExternalID returns a view of the order a channel sent with an external id.
func (x *Orders) OrderByExternalID(tenantID, channel, ext string) (OrderView, bool) {
	t := x.tenants[tenantID]
	if t == nil || t.byExternalID(channel, ext) == nil {
		return OrderView{}, false
	}
	return view(t.byExternalID(channel, ext)), true
}

func view(o *order) OrderView {
	t := o.t
	v := OrderView{
		ID: o.id(), Channel: o.channel(), ExternalID: o.ext, Status: o.status().String(), Level: o.level.String(),
		Priority: o.priority, PlacedAt: o.placedAt, ShipBy: o.shipBy, DeliverBy: o.deliverBy, FinishedAt: o.finishedAt,
		Backorder: o.policy.String(), Reservation: o.extra().reservation, ReservationHeld: o.extra().rsvHeld, ExceptionCode: o.extra().excCode, ExceptionNote: o.extra().excNote, ExceptionAt: o.extra().excAt,
	}
	for i := range o.lines {
		l := &o.lines[i]
		v.Lines = append(v.Lines, LineView{SKU: t.h.SKUID(l.sku), Qty: l.qty, UnitPriceMinor: l.price, Waiting: l.waiting, Cancelled: l.cancelled})
	}
	for _, sh := range o.ships {
		sv := ShipmentView{
			ID: sh.id, Location: t.h.LocationID(sh.loc), Status: sh.status.String(), Carrier: sh.carrier, Service: sh.service,
			Tracking: sh.tracking, PriceMinor: sh.priceMinor, DistanceM: sh.distanceM, WeightG: sh.weightG, ReadyAt: sh.readyAt,
			PickupAt: sh.pickupAt, PromisedAt: sh.promisedAt,
			DeliveredAt: sh.deliveredAt, Exception: sh.exception,
		}
		for _, p := range sh.parts {
			sv.Lines = append(sv.Lines, ShipmentLine{SKU: t.h.SKUID(o.lines[p.line].sku), Qty: p.qty})
			if sh.status.unshipped() {
				v.Lines[p.line].Allocated += p.qty
			} else {
				v.Lines[p.line].Shipped += p.qty
			}
		}
		v.Shipments = append(v.Shipments, sv)
	}
	for _, a := range o.extra().attrs {
		v.Attributes = append(v.Attributes, struct{ Key, Value string }{a.Key, a.Value})
	}
	return v
}

// Backorders returns the ids of the orders waiting for a stocked SKU, in queue order (priority,
// then age): the order in which new stock is offered to them.
func (x *Orders) Backorders(tenantID, sku string) []string {
	t := x.tenants[tenantID]
	if t == nil {
		return nil
	}
	s, ok := t.h.SKU(sku)
	if !ok {
		return nil
	}
	var out []string
	for _, o := range t.waiting[s] {
		out = append(out, o.id())
	}
	return out
}

// Backlog is the number of shipments waiting to be picked at a location.
func (x *Orders) Backlog(tenantID, location string) int {
	t := x.tenants[tenantID]
	if t == nil {
		return 0
	}
	loc, ok := t.h.Location(location)
	if !ok || int(loc) >= len(t.nodes) {
		return 0
	}
	return len(t.nodes[loc].open)
}

// OnTimeScore returns a carrier service's on-time score in basis points and its sample count.
func (x *Orders) OnTimeScore(tenantID, carrier, service string) (bp int32, samples uint32, ok bool) {
	t := x.tenants[tenantID]
	if t == nil || t.sel == nil {
		return 0, 0, false
	}
	i, ok := t.sel.Index(carrier, service)
	if !ok {
		return 0, 0, false
	}
	s := t.sel.Service(i).OnTime
	return s.BP(), s.Samples(), true
}

// Stats counts what the orders state holds.
type Stats struct {
	Orders      int // held, finished ones included until forgotten
	Waiting     int // orders with units waiting for stock
	Timers      int // SLA and tracking timers pending
	Finished    int
	PickBacklog int // shipments waiting to be picked, over all locations
}

// Stats returns the current counts.
func (x *Orders) Stats() Stats {
	s := Stats{Orders: x.live, Timers: x.timers.len(), Finished: x.finished.Len()}
	for _, t := range x.tenants {
		seen := map[*order]bool{}
		for _, q := range t.waiting {
			for _, o := range q {
				seen[o] = true
			}
		}
		s.Waiting += len(seen)
		for i := range t.nodes {
			s.PickBacklog += len(t.nodes[i].open)
		}
	}
	return s
}
