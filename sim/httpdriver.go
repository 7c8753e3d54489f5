package sim

import (
	"context"
	"fmt"
	"slices"

	"github.com/depothq/depot"
	"github.com/depothq/depot/api"
	"github.com/depothq/depot/api/client"
	"github.com/depothq/depot/ledger"
)

// HTTPDriver drives a Depot server over its HTTP API: every batch goes to POST /v1/batch (in
// chunks of api.MaxBatchCommands) through the Go client, with the key's tenant.
//
// The API has no tick command: a server expires reservations with its own ticker, in its own
// time. The driver therefore answers the workload's ticks itself, with no events, so over HTTP
// the workload does not see carts expire: its Expired count stays 0 and its view of the stock
// keeps expired carts reserved, which only makes its operators more cautious, never refused.
type HTTPDriver struct {
	c      *client.Client
	tenant string
}

var _ Driver = (*HTTPDriver)(nil)

// NewHTTPDriver returns a driver over a client whose key belongs to tenant (the scenario's).
func NewHTTPDriver(c *client.Client, tenant string) *HTTPDriver {
	return &HTTPDriver{c: c, tenant: tenant}
}

// Submit implements Driver.
func (d *HTTPDriver) Submit(ctx context.Context, cmd depot.Command) (depot.Result, error) {
	res, err := d.SubmitBatch(ctx, []depot.Command{cmd})
	if err != nil {
		return depot.Result{}, err
	}
	return res[0], nil
}

// SubmitBatch implements Driver.
func (d *HTTPDriver) SubmitBatch(ctx context.Context, cmds []depot.Command) ([]depot.Result, error) {
	results := make([]depot.Result, len(cmds))
	wire := make([]api.Command, 0, min(len(cmds), api.MaxBatchCommands))
	index := make([]int, 0, cap(wire))
	flush := func() error {
		if len(wire) == 0 {
			return nil
		}
		resp, err := d.c.Batch(ctx, wire)
		if err != nil {
			return fmt.Errorf("sim: POST /v1/batch with %d commands: %w", len(wire), err)
		}
		if len(resp.Results) != len(wire) {
			return fmt.Errorf("sim: the server answered %d of %d commands", len(resp.Results), len(wire))
		}
		for k, item := range resp.Results {
			results[index[k]] = d.result(item)
		}
		wire, index = wire[:0], index[:0]
		return nil
	}
	for i, c := range cmds {
		if c.Kind() == depot.KindTick {
			continue // answered with an empty result: the server ticks on its own
		}
		w, err := toWire(c)
		if err != nil {
			return nil, err
		}
		wire = append(wire, w)
		index = append(index, i)
		if len(wire) == api.MaxBatchCommands {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return results, nil
}

// Stats implements Driver with the tenant's counts from GET /v1/stats.
func (d *HTTPDriver) Stats(ctx context.Context) (Stats, error) {
	st, err := d.c.Stats(ctx)
	if err != nil {
		return Stats{}, fmt.Errorf("sim: GET /v1/stats: %w", err)
	}
	return Stats{DurableSeq: st.DurableSeq, QueueDepth: st.QueueDepth, Ledger: ledger.Stats{
		Tenants: 1, SKUs: st.Tenant.SKUs, Locations: st.Tenant.Locations, Positions: st.Tenant.Positions,
		Allocations: st.Tenant.Allocations, OpenInboundReceipts: st.Tenant.InboundRecords,
	}}, nil
}

// result turns one batch answer into the engine's result shape.
func (d *HTTPDriver) result(item api.BatchItem) depot.Result {
	r := depot.Result{Seq: item.Seq, Replayed: item.Replayed, Ref: item.Ref}
	if !item.OK {
		p := item.Problem
		if p == nil {
			p = &api.Problem{Code: depot.CodeInvalidArgument.String(), Detail: "the server rejected the command without a problem"}
		}
		code, ok := depot.ParseCode(p.Code)
		if !ok {
			code = depot.CodeInvalidArgument
		}
		r.Rejection = &depot.Rejection{Code: code, Field: p.Field, Message: p.Detail}
		for _, s := range p.Shortfalls {
			r.Rejection.Shortfalls = append(r.Rejection.Shortfalls, depot.Shortfall(s))
		}
		return r
	}
	for _, e := range item.Events {
		kind, _ := depot.ParseEventKind(e.Kind)
		r.Events = append(r.Events, depot.Event{Seq: e.Seq, Time: e.Time, Kind: kind, Tenant: d.tenant, Ref: e.Ref, Order: e.Order,
			SKU: e.SKU, Location: e.Location, Channel: e.Channel, Qty: e.Qty, At: e.At, Reason: e.Reason,
			Carrier: e.Carrier, Service: e.Service, Tracking: e.Tracking})
	}
	return r
}

// toWire maps an engine command to its batch form. The workload only emits these kinds.
func toWire(c depot.Command) (api.Command, error) {
	switch c := c.(type) {
	case *depot.DefineSKU:
		comps := make([]api.Component, len(c.Components))
		for i, k := range c.Components {
			comps[i] = api.Component(k)
		}
		return &api.SKU{SKU: c.SKU, SKUSpec: api.SKUSpec{Name: c.Name, WeightGrams: c.WeightGrams, PriceMinor: c.PriceMinor, Components: comps}}, nil
	case *depot.DefineLocation:
		return &api.Location{Location: c.Location, LocationSpec: api.LocationSpec{Name: c.Name, Type: c.Type.String(), Status: c.Status.String(),
			LatE6: c.LatE6, LonE6: c.LonE6, ServiceRadiusM: c.ServiceRadiusM, CapacityPerHour: c.CapacityPerHour, Groups: c.Groups,
			UTCOffsetMinutes: c.UTCOffsetMinutes, CutoffMinute: c.CutoffMinute, RidersPerSlot: c.RidersPerSlot, RiderSlotMinutes: c.RiderSlotMinutes}}, nil
	case *depot.DefineChannel:
		bufs := make([]api.SKUBuffer, len(c.Overrides))
		for i, o := range c.Overrides {
			bufs[i] = api.SKUBuffer{SKU: o.SKU, Buffer: api.Buffer(o.Buffer)}
		}
		return &api.Channel{Channel: c.Channel, ChannelSpec: api.ChannelSpec{Name: c.Name, Locations: slices.Clone(c.Locations),
			Buffer: api.Buffer(c.Default), SKUBuffers: bufs}}, nil
	case *depot.ExpectInbound:
		return &api.Inbound{ID: c.ID, SKU: c.SKU, Location: c.Location, Qty: c.Qty, ETA: c.ETA}, nil
	case *depot.Receive:
		return &api.Receipt{ID: c.ID, SKU: c.SKU, Location: c.Location, Qty: c.Qty, Inbound: c.Inbound}, nil
	case *depot.Adjust:
		return &api.Adjustment{ID: c.ID, SKU: c.SKU, Location: c.Location, Delta: c.Delta, Reason: c.Reason}, nil
	case *depot.Count:
		return &api.Count{ID: c.ID, SKU: c.SKU, Location: c.Location, OnHand: c.OnHand}, nil
	case *depot.Hold:
		return &api.Hold{ID: c.ID, SKU: c.SKU, Location: c.Location, Delta: c.Delta, Reason: c.Reason}, nil
	case *depot.Reserve:
		lines := make([]api.ReserveLine, len(c.Lines))
		for i, l := range c.Lines {
			lines[i] = api.ReserveLine(l)
		}
		return &api.ReservationRequest{ID: c.Reservation, Channel: c.Channel, TTLNs: c.TTL, Lines: lines}, nil
	case *depot.Extend:
		return &api.Extend{ID: c.Reservation, TTLNs: c.TTL}, nil
	case *depot.Release:
		return &api.Release{ID: c.Reservation}, nil
	case *depot.Commit:
		return &api.Commit{ID: c.Reservation, Order: c.Order}, nil
	case *depot.Ship:
		lines := make([]api.ShipLine, len(c.Lines))
		for i, l := range c.Lines {
			lines[i] = api.ShipLine(l)
		}
		return &api.Shipment{ID: c.ID, Order: c.Order, Lines: lines}, nil
	case *depot.Return:
		return &api.Return{ID: c.ID, Order: c.Order, SKU: c.SKU, Location: c.Location, Qty: c.Qty, Restock: c.Restock, Reason: c.Reason}, nil
	case *depot.DefineCarrier:
		out := &api.Carrier{Carrier: c.Carrier}
		for _, z := range c.Zones {
			out.Zones = append(out.Zones, api.CarrierZone{Origin: z.Origin, Country: z.Country, PostalPrefix: z.PostalPrefix, UpToM: z.UpToM, Zone: z.Zone})
		}
		for _, co := range c.Codes {
			out.Codes = append(out.Codes, api.CarrierCode{Code: co.Code, Status: co.Status.String()})
		}
		for _, sv := range c.Services {
			ws := api.CarrierService{Service: sv.Service, DistanceUpToM: sv.DistanceUpToM, ZoneUpTo: sv.ZoneUpTo, WeightUpToG: sv.WeightUpToG, PricesMinor: sv.Prices,
				TransitMinMinutes: sv.TransitMinMinutes, TransitMaxMinutes: sv.TransitMaxMinutes, CutoffMinute: sv.CutoffMinute,
				PickupEveryMinutes: sv.PickupEveryMinutes, PickupFromMinute: sv.PickupFromMinute, Days: weekdayNames(sv.Days)}
			for _, co := range sv.Cutoffs {
				ws.Cutoffs = append(ws.Cutoffs, api.CarrierCutoff(co))
			}
			out.Services = append(out.Services, ws)
		}
		return out, nil
	case *depot.DefineRouting:
		rules := make([]api.RoutingRule, len(c.Rules))
		for i, r := range c.Rules {
			rules[i] = api.RoutingRule{Kind: r.Kind.String(), Group: r.Group}
		}
		return &api.Routing{Channel: c.Channel, RoutingSpec: api.RoutingSpec{Rules: rules, OwnLocations: slices.Clone(c.Own),
			AllowSplitLines: c.AllowSplitLines, SplitPenaltyMinor: c.SplitPenaltyMinor, LatePenaltyPerHourMinor: c.LatePenaltyPerHourMinor,
			Backorder: policyName(c.Backorder)}}, nil
	case *depot.CreateOrder:
		lines := make([]api.OrderLine, len(c.Lines))
		for i, l := range c.Lines {
			lines[i] = api.OrderLine(l)
		}
		attrs := make([]api.Attribute, len(c.Attributes))
		for i, a := range c.Attributes {
			attrs[i] = api.Attribute(a)
		}
		return &api.OrderRequest{Channel: c.Channel, ExternalID: c.ExternalID, Lines: lines, ShipToLatE6: c.ShipToLatE6, ShipToLonE6: c.ShipToLonE6,
			PostalCode: c.PostalCode, Country: c.Country, Level: c.Level.String(), PromiseMinutes: c.PromiseMinutes, PlacedAt: c.PlacedAt,
			ShipBy: c.ShipBy, DeliverBy: c.DeliverBy, Priority: c.Priority, Attributes: attrs, Backorder: policyName(c.Backorder),
			Reservation: c.Reservation}, nil
	case *depot.RaiseException:
		return &api.ExceptionRaise{Order: c.Order, ExceptionBody: api.ExceptionBody{Code: c.Code, Note: c.Note}}, nil
	case *depot.ResolveException:
		return &api.ExceptionResolve{Order: c.Order, ExceptionBody: api.ExceptionBody{Code: c.Code, Note: c.Note}}, nil
	case *depot.AdvanceShipment:
		return &api.ShipmentAdvance{Shipment: c.Shipment, AdvanceBody: api.AdvanceBody{Step: c.Step.String(), Tracking: c.Tracking}}, nil
	case *depot.CancelOrder:
		lines := make([]api.CancelLine, len(c.Lines))
		for i, l := range c.Lines {
			lines[i] = api.CancelLine(l)
		}
		return &api.OrderCancel{Order: c.Order, CancelBody: api.CancelBody{Lines: lines, Reason: c.Reason}}, nil
	case *depot.TrackShipment:
		return &api.ShipmentTracking{Shipment: c.Shipment, TrackingBody: api.TrackingBody{Status: c.Status, At: c.At}}, nil
	case *depot.RecordAdMetrics:
		m := c.AdMetrics
		return &api.AdMetricsReport{Campaign: c.Campaign, SKU: c.SKU, Channel: c.Channel, PeriodStart: m.PeriodStart, PeriodEnd: m.PeriodEnd,
			SpendMinor: m.SpendMinor, Impressions: m.Impressions, Clicks: m.Clicks, AttributedOrders: m.AttributedOrders}, nil
	}
	return nil, fmt.Errorf("sim: the HTTP API has no batch form of %s", c.Kind())
}

// policyName is a backorder policy's wire name, "" for the default.
func policyName(p depot.BackorderPolicy) string {
	if p == 0 {
		return ""
	}
	return p.String()
}

// weekdayNames spells a weekday mask (bit 0 Sunday) as the API's day names.
func weekdayNames(mask uint8) []string {
	names := [...]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	var out []string
	for b, n := range names {
		if mask&(1<<b) != 0 {
			out = append(out, n)
		}
	}
	return out
}
