package api

import (
	"github.com/depothq/depot"
)

// Command is one command of a batch request. The set is closed: the types of this package with a
// CommandKind method (SKU, Location, Channel, Inbound, Receipt, Adjustment, Count, Hold,
// ReservationRequest, Extend, Release, Commit, Shipment, Return, and for orders Carrier, Routing,
// OrderRequest, ShipmentAdvance, OrderCancel, ShipmentTracking, ExceptionRaise, ExceptionResolve,
// and AdMetricsReport). On the wire a command is an
// object holding "kind" next to the fields of its type.
type Command interface {
	// CommandKind is the wire name of the command, the engine's command kind.
	CommandKind() string
	// command builds the engine command for a tenant; enums that fail to parse are problems here,
	// everything else is the engine's Validate.
	command(tenant string) (depot.Command, *Problem)
}

// commandKinds lists the batch kinds with a constructor of their request type. It drives batch
// decoding and the batch schema of the OpenAPI document.
var commandKinds = []struct {
	kind depot.CommandKind
	new  func() Command
}{
	{depot.KindDefineSKU, func() Command { return new(SKU) }},
	{depot.KindDefineLocation, func() Command { return new(Location) }},
	{depot.KindDefineChannel, func() Command { return new(Channel) }},
	{depot.KindExpectInbound, func() Command { return new(Inbound) }},
	{depot.KindReceive, func() Command { return new(Receipt) }},
	{depot.KindAdjust, func() Command { return new(Adjustment) }},
	{depot.KindCount, func() Command { return new(Count) }},
	{depot.KindHold, func() Command { return new(Hold) }},
	{depot.KindReserve, func() Command { return new(ReservationRequest) }},
	{depot.KindExtend, func() Command { return new(Extend) }},
	{depot.KindRelease, func() Command { return new(Release) }},
	{depot.KindCommit, func() Command { return new(Commit) }},
	{depot.KindShip, func() Command { return new(Shipment) }},
	{depot.KindReturn, func() Command { return new(Return) }},
	{depot.KindDefineCarrier, func() Command { return new(Carrier) }},
	{depot.KindDefineRouting, func() Command { return new(Routing) }},
	{depot.KindCreateOrder, func() Command { return new(OrderRequest) }},
	{depot.KindAdvanceShipment, func() Command { return new(ShipmentAdvance) }},
	{depot.KindCancelOrder, func() Command { return new(OrderCancel) }},
	{depot.KindTrackShipment, func() Command { return new(ShipmentTracking) }},
	{depot.KindRaiseException, func() Command { return new(ExceptionRaise) }},
	{depot.KindResolveException, func() Command { return new(ExceptionResolve) }},
	{depot.KindRecordAdMetrics, func() Command { return new(AdMetricsReport) }},
}

// newCommand returns an empty command of the wire kind, or nil.
func newCommand(kind string) Command {
	for _, k := range commandKinds {
		if k.kind.String() == kind {
			return k.new()
		}
	}
	return nil
}

// CommandKind implements Command (KindDefineSKU).
func (*SKU) CommandKind() string { return depot.KindDefineSKU.String() }

// CommandKind implements Command (KindDefineLocation).
func (*Location) CommandKind() string { return depot.KindDefineLocation.String() }

// CommandKind implements Command (KindDefineChannel).
func (*Channel) CommandKind() string { return depot.KindDefineChannel.String() }

// CommandKind implements Command (KindExpectInbound).
func (*Inbound) CommandKind() string { return depot.KindExpectInbound.String() }

// CommandKind implements Command (KindReceive).
func (*Receipt) CommandKind() string { return depot.KindReceive.String() }

// CommandKind implements Command (KindAdjust).
func (*Adjustment) CommandKind() string { return depot.KindAdjust.String() }

// CommandKind implements Command (KindCount).
func (*Count) CommandKind() string { return depot.KindCount.String() }

// CommandKind implements Command (KindHold).
func (*Hold) CommandKind() string { return depot.KindHold.String() }

// CommandKind implements Command (KindReserve).
func (*ReservationRequest) CommandKind() string { return depot.KindReserve.String() }

// CommandKind implements Command (KindExtend).
func (*Extend) CommandKind() string { return depot.KindExtend.String() }

// CommandKind implements Command (KindRelease).
func (*Release) CommandKind() string { return depot.KindRelease.String() }

// CommandKind implements Command (KindCommit).
func (*Commit) CommandKind() string { return depot.KindCommit.String() }

// CommandKind implements Command (KindShip).
func (*Shipment) CommandKind() string { return depot.KindShip.String() }

// CommandKind implements Command (KindReturn).
func (*Return) CommandKind() string { return depot.KindReturn.String() }

func (c *SKU) command(tenant string) (depot.Command, *Problem) {
	d := &depot.DefineSKU{Tenant: tenant, SKU: c.SKU, Name: c.Name, WeightGrams: c.WeightGrams, PriceMinor: c.PriceMinor}
	if len(c.Components) > 0 {
		d.Components = make([]depot.Component, len(c.Components))
		for i, comp := range c.Components {
			d.Components[i] = depot.Component(comp)
		}
	}
	return d, nil
}

func (c *Location) command(tenant string) (depot.Command, *Problem) {
	kind, ok := depot.ParseLocationKind(c.Type)
	if !ok {
		return nil, problemf(depot.CodeInvalidArgument.String(), "type", "type must be warehouse, store or dark_store")
	}
	status := depot.LocationOpen
	if c.Status != "" {
		if status, ok = depot.ParseLocationStatus(c.Status); !ok {
			return nil, problemf(depot.CodeInvalidArgument.String(), "status", "status must be open, paused or closed")
		}
	}
	return &depot.DefineLocation{
		Tenant: tenant, Location: c.Location, Name: c.Name, Type: kind, Status: status,
		LatE6: c.LatE6, LonE6: c.LonE6, ServiceRadiusM: c.ServiceRadiusM, CapacityPerHour: c.CapacityPerHour,
		Groups: c.Groups, UTCOffsetMinutes: c.UTCOffsetMinutes, CutoffMinute: c.CutoffMinute,
		RidersPerSlot: c.RidersPerSlot, RiderSlotMinutes: c.RiderSlotMinutes,
	}, nil
}

func (c *Channel) command(tenant string) (depot.Command, *Problem) {
	d := &depot.DefineChannel{Tenant: tenant, Channel: c.Channel, Name: c.Name, Locations: c.Locations, Default: depot.Buffer(c.Buffer)}
	if len(c.SKUBuffers) > 0 {
		d.Overrides = make([]depot.SKUBuffer, len(c.SKUBuffers))
		for i, b := range c.SKUBuffers {
			d.Overrides[i] = depot.SKUBuffer{SKU: b.SKU, Buffer: depot.Buffer(b.Buffer)}
		}
	}
	return d, nil
}

func (c *Inbound) command(tenant string) (depot.Command, *Problem) {
	return &depot.ExpectInbound{Tenant: tenant, ID: c.ID, SKU: c.SKU, Location: c.Location, Qty: c.Qty, ETA: c.ETA}, nil
}

func (c *Receipt) command(tenant string) (depot.Command, *Problem) {
	return &depot.Receive{Tenant: tenant, ID: c.ID, SKU: c.SKU, Location: c.Location, Qty: c.Qty, Inbound: c.Inbound}, nil
}

func (c *Adjustment) command(tenant string) (depot.Command, *Problem) {
	return &depot.Adjust{Tenant: tenant, ID: c.ID, SKU: c.SKU, Location: c.Location, Delta: c.Delta, Reason: c.Reason}, nil
}

func (c *Count) command(tenant string) (depot.Command, *Problem) {
	return &depot.Count{Tenant: tenant, ID: c.ID, SKU: c.SKU, Location: c.Location, OnHand: c.OnHand}, nil
}

func (c *Hold) command(tenant string) (depot.Command, *Problem) {
	return &depot.Hold{Tenant: tenant, ID: c.ID, SKU: c.SKU, Location: c.Location, Delta: c.Delta, Reason: c.Reason}, nil
}

func (c *ReservationRequest) command(tenant string) (depot.Command, *Problem) {
	d := &depot.Reserve{Tenant: tenant, Reservation: c.ID, Channel: c.Channel, TTL: c.TTLNs, Lines: make([]depot.ReserveLine, len(c.Lines))}
	for i, l := range c.Lines {
		d.Lines[i] = depot.ReserveLine(l)
	}
	return d, nil
}

func (c *Extend) command(tenant string) (depot.Command, *Problem) {
	return &depot.Extend{Tenant: tenant, Reservation: c.ID, TTL: c.TTLNs}, nil
}

func (c *Release) command(tenant string) (depot.Command, *Problem) {
	return &depot.Release{Tenant: tenant, Reservation: c.ID}, nil
}

func (c *Commit) command(tenant string) (depot.Command, *Problem) {
	return &depot.Commit{Tenant: tenant, Reservation: c.ID, Order: c.Order}, nil
}

func (c *Shipment) command(tenant string) (depot.Command, *Problem) {
	d := &depot.Ship{Tenant: tenant, ID: c.ID, Order: c.Order}
	if len(c.Lines) > 0 {
		d.Lines = make([]depot.ShipLine, len(c.Lines))
		for i, l := range c.Lines {
			d.Lines[i] = depot.ShipLine(l)
		}
	}
	return d, nil
}

func (c *Return) command(tenant string) (depot.Command, *Problem) {
	return &depot.Return{Tenant: tenant, ID: c.ID, Order: c.Order, SKU: c.SKU, Location: c.Location, Qty: c.Qty, Restock: c.Restock, Reason: c.Reason}, nil
}

// Conversions from the engine's read views to the wire types.

func skuView(d depot.DefineSKU) SKU {
	s := SKU{SKU: d.SKU, SKUSpec: SKUSpec{Name: d.Name, WeightGrams: d.WeightGrams, PriceMinor: d.PriceMinor}}
	for _, c := range d.Components {
		s.Components = append(s.Components, Component(c))
	}
	return s
}

func locationView(d depot.DefineLocation) Location {
	return Location{Location: d.Location, LocationSpec: LocationSpec{
		Name: d.Name, Type: d.Type.String(), Status: d.Status.String(), LatE6: d.LatE6, LonE6: d.LonE6,
		ServiceRadiusM: d.ServiceRadiusM, CapacityPerHour: d.CapacityPerHour, Groups: d.Groups,
		UTCOffsetMinutes: d.UTCOffsetMinutes, CutoffMinute: d.CutoffMinute, RidersPerSlot: d.RidersPerSlot, RiderSlotMinutes: d.RiderSlotMinutes,
	}}
}

func channelView(d depot.DefineChannel) Channel {
	c := Channel{Channel: d.Channel, ChannelSpec: ChannelSpec{Name: d.Name, Locations: d.Locations, Buffer: Buffer(d.Default)}}
	if c.Locations == nil {
		c.Locations = []string{}
	}
	for _, o := range d.Overrides {
		c.SKUBuffers = append(c.SKUBuffers, SKUBuffer{SKU: o.SKU, Buffer: Buffer(o.Buffer)})
	}
	return c
}

func reservationView(r depot.Reservation) Reservation {
	v := Reservation{ID: r.ID, Channel: r.Channel, Status: r.Status.String(), Order: r.Order, ExpiresAt: r.ExpiresAt, Lines: make([]ReservedLine, len(r.Lines))}
	for i, l := range r.Lines {
		v.Lines[i] = ReservedLine(l)
	}
	return v
}

// eventView converts an engine event. Tenant is dropped: the caller only ever sees its own.
func eventView(e *depot.Event) Event {
	return Event{
		Seq: e.Seq, Time: e.Time, Kind: e.Kind.String(), Ref: e.Ref, Order: e.Order, SKU: e.SKU,
		Location: e.Location, Channel: e.Channel, Qty: e.Qty, At: e.At, Reason: e.Reason,
		Carrier: e.Carrier, Service: e.Service, Tracking: e.Tracking, Ad: (*AdFigures)(e.Ad),
	}
}

func eventViews(evs []depot.Event) []Event {
	out := make([]Event, len(evs))
	for i := range evs {
		out[i] = eventView(&evs[i])
	}
	return out
}
