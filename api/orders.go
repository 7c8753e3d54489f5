package api

import (
	"strconv"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
	"github.com/depothq/depot/orders"
)

// Order orchestration over HTTP: carriers and routing as data, orders (create, get, list with
// filters and a cursor, cancel), and shipments (advance through their steps, carrier tracking,
// get). Every handler builds an engine command for the caller's tenant or reads by (tenant, id),
// as the other resources do.

// Wire types.

// CarrierCutoff is a service's pickup minute at one location, overriding its default.
type CarrierCutoff struct {
	Location string `json:"location" required:"true"`
	Minute   int32  `json:"minute" required:"true" doc:"local minute of the day, 1 to 1440"`
}

// CarrierService is one service of a carrier: a rate card priced by distance band or zone band
// and weight band (prices_minor[band*len(weight_up_to_g)+weight_band], bounds inclusive and
// ascending), transit time, its collections (once a day at the cutoff, or every
// pickup_every_minutes from pickup_from_minute up to the cutoff) and the weekdays it runs. A
// parcel is promised from the collection that takes it after its hand-over, plus the maximum
// transit.
type CarrierService struct {
	Service            string          `json:"service" required:"true"`
	DistanceUpToM      []int64         `json:"distance_up_to_m,omitempty" doc:"distance bands: inclusive upper bounds in metres, ascending (or zone_up_to)"`
	ZoneUpTo           []int64         `json:"zone_up_to,omitempty" doc:"zone bands of the carrier's zones: inclusive upper bounds, ascending (or distance_up_to_m)"`
	WeightUpToG        []int64         `json:"weight_up_to_g" required:"true" doc:"weight bands: inclusive upper bounds in grams, ascending"`
	PricesMinor        []int64         `json:"prices_minor" required:"true" doc:"one price per distance band x weight band, distance-major"`
	TransitMinMinutes  int64           `json:"transit_min_minutes,omitempty"`
	TransitMaxMinutes  int64           `json:"transit_max_minutes" required:"true"`
	CutoffMinute       int32           `json:"cutoff_minute" required:"true" doc:"default last pickup of the day as a local minute of the day, 1 to 1440"`
	Cutoffs            []CarrierCutoff `json:"cutoffs,omitempty"`
	PickupEveryMinutes int32           `json:"pickup_every_minutes,omitempty" doc:"collections through the day every this many minutes, 5 to 720, up to the cutoff; 0 or absent: once a day at the cutoff"`
	PickupFromMinute   int32           `json:"pickup_from_minute,omitempty" doc:"the first collection of the day as a local minute of the day, 0 to 1439 (with pickup_every_minutes); after the cutoff, the window runs through midnight"`
	Days               []string        `json:"days" required:"true" enum:"sun,mon,tue,wed,thu,fri,sat" doc:"the weekdays the service picks up (a window through midnight: the days it opens)"`
}

// CarrierZone puts lanes in one of the carrier's zones: ship-tos whose postal code starts with
// postal_prefix, or (without a prefix) lanes of at most up_to_m metres; from one origin location
// and to one country when given. The most specific matching rule decides.
type CarrierZone struct {
	Origin       string `json:"origin,omitempty" doc:"a location id; empty for every origin"`
	Country      string `json:"country,omitempty" doc:"ISO 3166-1 alpha-2; empty for any"`
	PostalPrefix string `json:"postal_prefix,omitempty" doc:"compared without case, spaces or hyphens"`
	UpToM        int64  `json:"up_to_m,omitempty" doc:"a distance ring, when there is no postal prefix"`
	Zone         int64  `json:"zone" required:"true"`
}

// CarrierCode maps one of the carrier's raw tracking codes to a normalised status.
type CarrierCode struct {
	Code   string `json:"code" required:"true" doc:"as the carrier sends it; matched without case, separators aside"`
	Status string `json:"status" required:"true" enum:"pre_transit,in_transit,out_for_delivery,delivered,available_for_pickup,delivery_failed,exception,return_to_sender,cancelled"`
}

// CarrierSpec is the body of PUT /v1/carriers/{carrier}: every service, replacing the previous
// definition, with the carrier's zone chart and tracking code table. A carrier without services
// is withdrawn from selection.
type CarrierSpec struct {
	Services []CarrierService `json:"services"`
	Zones    []CarrierZone    `json:"zones,omitempty"`
	Codes    []CarrierCode    `json:"codes,omitempty" doc:"consulted before the common spellings; an unknown code is refused"`
}

// Carrier is the batch form of PUT /v1/carriers/{carrier} (kind define_carrier).
type Carrier struct {
	Carrier string `json:"carrier" required:"true"`
	CarrierSpec
}

// RoutingRule is one routing rule; group names the location group of prefer_group and
// exclude_group.
type RoutingRule struct {
	Kind  string `json:"kind" required:"true" enum:"closest,fewest_shipments,prefer_group,exclude_group,own_locations,cheapest,least_backlog"`
	Group string `json:"group,omitempty"`
}

// RoutingSpec is the body of PUT /v1/channels/{channel}/routing: the rules in rank order, the
// channel's own locations, whether a line may ship from several locations, and the objective's
// penalties, and the backorder policy of the channel's orders that name none.
type RoutingSpec struct {
	Rules                   []RoutingRule `json:"rules,omitempty"`
	OwnLocations            []string      `json:"own_locations,omitempty"`
	AllowSplitLines         bool          `json:"allow_split_lines,omitempty"`
	SplitPenaltyMinor       int64         `json:"split_penalty_minor,omitempty" doc:"cost of each extra shipment"`
	LatePenaltyPerHourMinor int64         `json:"late_penalty_per_hour_minor,omitempty" doc:"cost of each started hour late"`
	Backorder               string        `json:"backorder,omitempty" enum:"lines,partial,ship_complete" doc:"the channel's default backorder policy, for orders that name none (default lines); an order's own policy overrides it, and it is settled when the order is created"`
}

// Routing is the batch form of PUT /v1/channels/{channel}/routing (kind define_routing).
type Routing struct {
	Channel string `json:"channel" required:"true"`
	RoutingSpec
}

// OrderLine is qty units of a SKU (whole kits for a kit) sold at a unit price.
type OrderLine struct {
	SKU            string `json:"sku" required:"true"`
	Qty            int64  `json:"qty" required:"true"`
	UnitPriceMinor int64  `json:"unit_price_minor,omitempty"`
}

// Attribute is one free-form key/value pair of an order, kept verbatim and in order.
type Attribute struct {
	Key   string `json:"key" required:"true"`
	Value string `json:"value"`
}

// OrderRequest is the body of POST /v1/orders (batch kind create_order). Ingestion is idempotent
// on (channel, external_id): a repeat with the same content answers the original order id as
// replayed; other content under the same external id is a duplicate. Times are unix
// nanoseconds; ship_by and deliver_by of 0 are derived from the level.
type OrderRequest struct {
	Channel        string      `json:"channel" required:"true"`
	ExternalID     string      `json:"external_id" required:"true"`
	Lines          []OrderLine `json:"lines" required:"true"`
	ShipToLatE6    int64       `json:"ship_to_lat_e6"`
	ShipToLonE6    int64       `json:"ship_to_lon_e6"`
	PostalCode     string      `json:"postal_code,omitempty"`
	Country        string      `json:"country,omitempty" doc:"ISO 3166-1 alpha-2"`
	Level          string      `json:"level,omitempty" enum:"standard,express,same_day,quick" doc:"default standard"`
	PromiseMinutes int64       `json:"promise_minutes,omitempty" doc:"quick orders: delivery promise in minutes"`
	PlacedAt       int64       `json:"placed_at,omitempty"`
	ShipBy         int64       `json:"ship_by,omitempty"`
	DeliverBy      int64       `json:"deliver_by,omitempty"`
	Priority       int64       `json:"priority,omitempty" doc:"orders the backorder queue, higher first"`
	Attributes     []Attribute `json:"attributes,omitempty"`
	Backorder      string      `json:"backorder,omitempty" enum:"lines,partial,ship_complete" doc:"when stock is short: lines wait whole (default), partial allocates every unit in stock, ship_complete allocates nothing until all can be"`
	Reservation    string      `json:"reservation,omitempty" doc:"a live reservation of the channel made at checkout: its units become the order's allocation (under ship_complete, once the whole order can be allocated)"`
}

// OrderCreated answers POST /v1/orders: the order's id and what the engine decided for it
// (allocations, shipments planned, backorders). On a replay events is empty.
type OrderCreated struct {
	Order    string  `json:"order"`
	Seq      uint64  `json:"seq"`
	Replayed bool    `json:"replayed,omitempty"`
	Events   []Event `json:"events"`
}

// OrderLineState is one line of an order and where its units are.
type OrderLineState struct {
	SKU            string `json:"sku"`
	Qty            int64  `json:"qty"`
	UnitPriceMinor int64  `json:"unit_price_minor,omitempty"`
	Waiting        int64  `json:"waiting" doc:"units backordered"`
	Allocated      int64  `json:"allocated" doc:"units in shipments not yet shipped"`
	Shipped        int64  `json:"shipped" doc:"units shipped or delivered"`
	Cancelled      int64  `json:"cancelled"`
}

// ShipmentLine is the units of one order line in a shipment.
type ShipmentLine struct {
	SKU string `json:"sku"`
	Qty int64  `json:"qty"`
}

// OrderShipment is one shipment of an order (GET /v1/shipments/{id} adds tracking).
type OrderShipment struct {
	ID             string         `json:"id"`
	Order          string         `json:"order"`
	Location       string         `json:"location"`
	Status         string         `json:"status" enum:"allocated,released,picked,packed,shipped,delivered,cancelled"`
	Carrier        string         `json:"carrier,omitempty" doc:"\"rider\" for quick orders; empty when no service could carry it"`
	Service        string         `json:"service,omitempty"`
	Tracking       string         `json:"tracking,omitempty"`
	PriceMinor     int64          `json:"price_minor"`
	DistanceM      int64          `json:"distance_m"`
	WeightG        int64          `json:"weight_g"`
	ReadyAt        int64          `json:"ready_at,omitempty"`
	PickupAt       int64          `json:"pickup_at,omitempty"`
	PromisedAt     int64          `json:"promised_at,omitempty"`
	ShippedAt      int64          `json:"shipped_at,omitempty"`
	DeliveredAt    int64          `json:"delivered_at,omitempty"`
	TrackingStatus string         `json:"tracking_status,omitempty" doc:"normalised status of the newest carrier event"`
	TrackingAt     int64          `json:"tracking_at,omitempty"`
	Exception      string         `json:"exception,omitempty"`
	Lines          []ShipmentLine `json:"lines"`
}

// Order is an order as it stands (GET /v1/orders/{id}).
type Order struct {
	ID         string           `json:"id"`
	Channel    string           `json:"channel"`
	ExternalID string           `json:"external_id"`
	Status     string           `json:"status" enum:"allocated,backordered,released,picked,packed,shipped,completed,cancelled,exception"`
	Level      string           `json:"level" enum:"standard,express,same_day,quick"`
	Priority   int64            `json:"priority,omitempty"`
	PlacedAt   int64            `json:"placed_at"`
	ShipBy     int64            `json:"ship_by"`
	DeliverBy  int64            `json:"deliver_by"`
	FinishedAt int64            `json:"finished_at,omitempty" doc:"when every unit was delivered or cancelled"`
	Lines      []OrderLineState `json:"lines"`
	Shipments  []OrderShipment  `json:"shipments"`
	Attributes []Attribute      `json:"attributes,omitempty"`
	Backorder  string           `json:"backorder" enum:"lines,partial,ship_complete"`
	// Reservation is the checkout reservation the order consumed or holds.
	Reservation string `json:"reservation,omitempty"`
	// ReservationHeld says the order ships complete and holds its reservation unconverted
	// until all of it can be allocated.
	ReservationHeld bool            `json:"reservation_held,omitempty" doc:"the order ships complete and holds its checkout reservation, unconverted, until all of it can be allocated"`
	Exception       *OrderException `json:"exception,omitempty" doc:"the operator's open exception"`
}

// OrderException is an operator's open exception on an order.
type OrderException struct {
	Code     string `json:"code"`
	Note     string `json:"note,omitempty"`
	RaisedAt int64  `json:"raised_at"`
}

// ExceptionBody is the body of POST /v1/orders/{id}/exception and .../exception/resolve: a reason
// code as the operator's playbook names it and a note for people.
type ExceptionBody struct {
	Code string `json:"code" required:"true"`
	Note string `json:"note,omitempty"`
}

// ExceptionRaise is the batch form of POST /v1/orders/{id}/exception (kind raise_exception).
type ExceptionRaise struct {
	Order string `json:"order" required:"true"`
	ExceptionBody
}

// ExceptionResolve is the batch form of POST /v1/orders/{id}/exception/resolve (kind
// resolve_exception).
type ExceptionResolve struct {
	Order string `json:"order" required:"true"`
	ExceptionBody
}

// OrderList answers GET /v1/orders: a page of orders in creation order and the cursor of the
// next page (absent on the last page).
type OrderList struct {
	Orders []Order `json:"orders"`
	Next   string  `json:"next,omitempty" doc:"pass as after= for the next page"`
}

// CancelLine cancels qty units of an order's SKU.
type CancelLine struct {
	SKU string `json:"sku" required:"true"`
	Qty int64  `json:"qty" required:"true"`
}

// CancelBody is the body of POST /v1/orders/{id}/cancel: no lines cancels the whole order.
type CancelBody struct {
	Lines  []CancelLine `json:"lines,omitempty"`
	Reason string       `json:"reason,omitempty"`
}

// OrderCancel is the batch form of POST /v1/orders/{id}/cancel (kind cancel_order).
type OrderCancel struct {
	Order string `json:"order" required:"true"`
	CancelBody
}

// AdvanceBody is the body of POST /v1/shipments/{id}/advance: the next step, and the carrier's
// tracking number with ship.
type AdvanceBody struct {
	Step     string `json:"step" required:"true" enum:"release,pick,pack,ship,deliver"`
	Tracking string `json:"tracking,omitempty"`
}

// ShipmentAdvance is the batch form of POST /v1/shipments/{id}/advance (kind advance_shipment).
type ShipmentAdvance struct {
	Shipment string `json:"shipment" required:"true"`
	AdvanceBody
}

// TrackingBody is the body of POST /v1/shipments/{id}/tracking: a carrier event, its status as
// the carrier sent it (normalised by the engine) and its time.
type TrackingBody struct {
	Status string `json:"status" required:"true" doc:"the carrier's status, such as in_transit or Zugestellt"`
	At     int64  `json:"at" required:"true" doc:"the event's time, unix nanoseconds"`
}

// ShipmentTracking is the batch form of POST /v1/shipments/{id}/tracking (kind track_shipment).
type ShipmentTracking struct {
	Shipment string `json:"shipment" required:"true"`
	TrackingBody
}

// Batch commands.

// CommandKind implements Command (KindDefineCarrier).
func (*Carrier) CommandKind() string { return depot.KindDefineCarrier.String() }

// CommandKind implements Command (KindDefineRouting).
func (*Routing) CommandKind() string { return depot.KindDefineRouting.String() }

// CommandKind implements Command (KindCreateOrder).
func (*OrderRequest) CommandKind() string { return depot.KindCreateOrder.String() }

// CommandKind implements Command (KindCancelOrder).
func (*OrderCancel) CommandKind() string { return depot.KindCancelOrder.String() }

// CommandKind implements Command (KindAdvanceShipment).
func (*ShipmentAdvance) CommandKind() string { return depot.KindAdvanceShipment.String() }

// CommandKind implements Command (KindTrackShipment).
func (*ShipmentTracking) CommandKind() string { return depot.KindTrackShipment.String() }

// CommandKind implements Command (KindRaiseException).
func (*ExceptionRaise) CommandKind() string { return depot.KindRaiseException.String() }

// CommandKind implements Command (KindResolveException).
func (*ExceptionResolve) CommandKind() string { return depot.KindResolveException.String() }

var weekdays = [...]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

func (c *Carrier) command(tenant string) (depot.Command, *Problem) {
	d := &depot.DefineCarrier{Tenant: tenant, Carrier: c.Carrier, Services: make([]depot.CarrierService, len(c.Services))}
	for i, s := range c.Services {
		var days uint8
		for _, name := range s.Days {
			bit := -1
			for b, w := range weekdays {
				if w == name {
					bit = b
				}
			}
			if bit < 0 {
				return nil, problemf(codeInvalidArgument, "services["+strconv.Itoa(i)+"].days", "days are sun, mon, tue, wed, thu, fri or sat")
			}
			days |= 1 << bit
		}
		ds := depot.CarrierService{
			Service: s.Service, DistanceUpToM: s.DistanceUpToM, ZoneUpTo: s.ZoneUpTo, WeightUpToG: s.WeightUpToG, Prices: s.PricesMinor,
			TransitMinMinutes: s.TransitMinMinutes, TransitMaxMinutes: s.TransitMaxMinutes, CutoffMinute: s.CutoffMinute,
			PickupEveryMinutes: s.PickupEveryMinutes, PickupFromMinute: s.PickupFromMinute, Days: days,
		}
		for _, co := range s.Cutoffs {
			ds.Cutoffs = append(ds.Cutoffs, depot.CarrierCutoff(co))
		}
		d.Services[i] = ds
	}
	for _, z := range c.Zones {
		d.Zones = append(d.Zones, depot.CarrierZone(z))
	}
	for i, code := range c.Codes {
		st, ok := depot.ParseTrackingStatus(code.Status)
		if !ok {
			return nil, problemf(codeInvalidArgument, "codes["+strconv.Itoa(i)+"].status",
				"status is pre_transit, in_transit, out_for_delivery, delivered, available_for_pickup, delivery_failed, exception, return_to_sender or cancelled")
		}
		d.Codes = append(d.Codes, depot.CarrierCode{Code: code.Code, Status: st})
	}
	return d, nil
}

func (c *Routing) command(tenant string) (depot.Command, *Problem) {
	d := &depot.DefineRouting{
		Tenant: tenant, Channel: c.Channel, Own: c.OwnLocations, AllowSplitLines: c.AllowSplitLines,
		SplitPenaltyMinor: c.SplitPenaltyMinor, LatePenaltyPerHourMinor: c.LatePenaltyPerHourMinor,
	}
	if c.Backorder != "" {
		var ok bool
		if d.Backorder, ok = depot.ParseBackorderPolicy(c.Backorder); !ok {
			return nil, problemf(codeInvalidArgument, "backorder", "backorder must be lines, partial or ship_complete")
		}
	}
	for i, r := range c.Rules {
		kind, ok := depot.ParseRuleKind(r.Kind)
		if !ok {
			return nil, problemf(codeInvalidArgument, "rules["+strconv.Itoa(i)+"].kind",
				"kind must be closest, fewest_shipments, prefer_group, exclude_group, own_locations, cheapest or least_backlog")
		}
		d.Rules = append(d.Rules, depot.RoutingRule{Kind: kind, Group: r.Group})
	}
	return d, nil
}

func (c *OrderRequest) command(tenant string) (depot.Command, *Problem) {
	level := depot.LevelStandard
	if c.Level != "" {
		var ok bool
		if level, ok = depot.ParseServiceLevel(c.Level); !ok {
			return nil, problemf(codeInvalidArgument, "level", "level must be standard, express, same_day or quick")
		}
	}
	var policy depot.BackorderPolicy
	if c.Backorder != "" {
		var ok bool
		if policy, ok = depot.ParseBackorderPolicy(c.Backorder); !ok {
			return nil, problemf(codeInvalidArgument, "backorder", "backorder must be lines, partial or ship_complete")
		}
	}
	d := &depot.CreateOrder{
		Tenant: tenant, Channel: c.Channel, ExternalID: c.ExternalID, Lines: make([]depot.OrderLine, len(c.Lines)),
		ShipToLatE6: c.ShipToLatE6, ShipToLonE6: c.ShipToLonE6, PostalCode: c.PostalCode, Country: c.Country, Level: level,
		PromiseMinutes: c.PromiseMinutes, PlacedAt: c.PlacedAt, ShipBy: c.ShipBy, DeliverBy: c.DeliverBy, Priority: c.Priority,
		Backorder: policy, Reservation: c.Reservation,
	}
	for i, l := range c.Lines {
		d.Lines[i] = depot.OrderLine(l)
	}
	for _, a := range c.Attributes {
		d.Attributes = append(d.Attributes, depot.Attribute(a))
	}
	return d, nil
}

func (c *OrderCancel) command(tenant string) (depot.Command, *Problem) {
	d := &depot.CancelOrder{Tenant: tenant, Order: c.Order, Reason: c.Reason}
	for _, l := range c.Lines {
		d.Lines = append(d.Lines, depot.CancelLine(l))
	}
	return d, nil
}

func (c *ShipmentAdvance) command(tenant string) (depot.Command, *Problem) {
	step, ok := depot.ParseShipmentStep(c.Step)
	if !ok {
		return nil, problemf(codeInvalidArgument, "step", "step must be release, pick, pack, ship or deliver")
	}
	return &depot.AdvanceShipment{Tenant: tenant, Shipment: c.Shipment, Step: step, Tracking: c.Tracking}, nil
}

func (c *ShipmentTracking) command(tenant string) (depot.Command, *Problem) {
	return &depot.TrackShipment{Tenant: tenant, Shipment: c.Shipment, Status: c.Status, At: c.At}, nil
}

func (c *ExceptionRaise) command(tenant string) (depot.Command, *Problem) {
	return &depot.RaiseException{Tenant: tenant, Order: c.Order, Code: c.Code, Note: c.Note}, nil
}

func (c *ExceptionResolve) command(tenant string) (depot.Command, *Problem) {
	return &depot.ResolveException{Tenant: tenant, Order: c.Order, Code: c.Code, Note: c.Note}, nil
}

// Routes.

func (s *Server) orderRoutes() []*route {
	const (
		catalogue = "catalogue"
		ords      = "orders"
		ships     = "shipments"
	)
	return []*route{
		bodyRoute("PUT", "/v1/carriers/{carrier}", "putCarrier", catalogue, ScopeWrite, 200, "Define or replace a carrier and its services", s.putCarrier),
		bodyRoute("PUT", "/v1/channels/{channel}/routing", "putRouting", catalogue, ScopeWrite, 200, "Set how a channel's orders are sourced", s.putRouting),
		bodyRoute("POST", "/v1/orders", "createOrder", ords, ScopeWrite, 201, "Ingest an order: source, allocate and choose carriers (idempotent on channel and external id)", s.createOrder),
		getRoute("/v1/orders", "listOrders", ords, ScopeRead, "List orders in creation order, filtered, a page at a time", s.listOrders).
			withQuery(
				queryParam{"status", "string", "only orders with this status"},
				queryParam{"channel", "string", "only orders of this channel"},
				queryParam{"placed_from", "integer", "only orders placed at or after this time (unix nanoseconds)"},
				queryParam{"placed_to", "integer", "only orders placed before this time (unix nanoseconds)"},
				queryParam{"after", "string", "the cursor: the next of a previous page"},
				queryParam{"limit", "integer", "orders per page, 1 to " + strconv.Itoa(MaxOrderPageSize) + "; default " + strconv.Itoa(DefaultOrderPageSize)},
			),
		getRoute("/v1/orders/{id}", "getOrder", ords, ScopeRead, "Get an order with its lines and shipments", s.getOrder),
		bodyRoute("POST", "/v1/orders/{id}/cancel", "cancelOrder", ords, ScopeWrite, 200, "Cancel an order, whole or some units of some lines", s.cancelOrder),
		bodyRoute("POST", "/v1/orders/{id}/exception", "raiseOrderException", ords, ScopeWrite, 200, "Put an order on hold for an operator's exception", s.raiseException),
		bodyRoute("POST", "/v1/orders/{id}/exception/resolve", "resolveOrderException", ords, ScopeWrite, 200, "Resolve an order's open exceptions", s.resolveException),
		getRoute("/v1/shipments/{id}", "getOrderShipment", ships, ScopeRead, "Get a shipment of an order with its tracking", s.getOrderShipment),
		bodyRoute("POST", "/v1/shipments/{id}/advance", "advanceShipment", ships, ScopeWrite, 200, "Move a shipment one step on: release, pick, pack, ship or deliver", s.advanceShipment),
		bodyRoute("POST", "/v1/shipments/{id}/tracking", "trackShipment", ships, ScopeWrite, 200, "Report a carrier tracking event of a shipped shipment", s.trackShipment),
	}
}

// Handlers.

func (s *Server) putCarrier(c *call, in *CarrierSpec) (*Result, error) {
	return c.submit(&Carrier{Carrier: c.path("carrier"), CarrierSpec: *in})
}

func (s *Server) putRouting(c *call, in *RoutingSpec) (*Result, error) {
	return c.submit(&Routing{Channel: c.path("channel"), RoutingSpec: *in})
}

func (s *Server) createOrder(c *call, in *OrderRequest) (*OrderCreated, error) {
	res, err := c.submit(in)
	if err != nil {
		return nil, err
	}
	return &OrderCreated{Order: res.Ref, Seq: res.Seq, Replayed: res.Replayed, Events: res.Events}, nil
}

func (s *Server) cancelOrder(c *call, in *CancelBody) (*Result, error) {
	return c.submit(&OrderCancel{Order: c.path("id"), CancelBody: *in})
}

func (s *Server) raiseException(c *call, in *ExceptionBody) (*Result, error) {
	return c.submit(&ExceptionRaise{Order: c.path("id"), ExceptionBody: *in})
}

func (s *Server) resolveException(c *call, in *ExceptionBody) (*Result, error) {
	return c.submit(&ExceptionResolve{Order: c.path("id"), ExceptionBody: *in})
}

func (s *Server) advanceShipment(c *call, in *AdvanceBody) (*Result, error) {
	return c.submit(&ShipmentAdvance{Shipment: c.path("id"), AdvanceBody: *in})
}

func (s *Server) trackShipment(c *call, in *TrackingBody) (*Result, error) {
	return c.submit(&ShipmentTracking{Shipment: c.path("id"), TrackingBody: *in})
}

func (s *Server) getOrder(c *call) (*Order, error) {
	var out Order
	var ok bool
	err := c.read(func(e *engine.Engine) {
		var v orders.OrderView
		if v, ok = e.Orders().Order(c.tenant(), c.path("id")); ok {
			out = orderView(v)
		}
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("id", "order", c.path("id"))
	}
	return &out, nil
}

func (s *Server) getOrderShipment(c *call) (*OrderShipment, error) {
	var out OrderShipment
	var ok bool
	err := c.read(func(e *engine.Engine) {
		var d orders.ShipmentDetail
		if d, ok = e.Orders().Shipment(c.tenant(), c.path("id")); ok {
			out = shipmentView(d.Order, d.ShipmentView)
			out.ShippedAt, out.TrackingStatus, out.TrackingAt = d.ShippedAt, d.TrackingStatus, d.TrackingAt
		}
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("id", "shipment", c.path("id"))
	}
	return &out, nil
}

func (s *Server) listOrders(c *call) (*OrderList, error) {
	q := c.r.URL.Query()
	lq := orders.ListQuery{Status: q.Get("status"), Channel: q.Get("channel"), After: q.Get("after"), Limit: DefaultOrderPageSize}
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"placed_from", &lq.PlacedFrom}, {"placed_to", &lq.PlacedTo}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return nil, problemf(codeInvalidArgument, p.name, p.name+" is a time in unix nanoseconds")
			}
			*p.dst = n
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxOrderPageSize {
			return nil, problemf(codeInvalidArgument, "limit", "limit must be between 1 and "+strconv.Itoa(MaxOrderPageSize))
		}
		lq.Limit = n
	}
	if len(lq.Status) > depot.MaxIDLen || len(lq.Channel) > depot.MaxIDLen || len(lq.After) > depot.MaxIDLen {
		return nil, problemf(codeInvalidArgument, "", "query values are at most "+strconv.Itoa(depot.MaxIDLen)+" bytes")
	}
	out := OrderList{Orders: []Order{}}
	var rej *depot.Rejection
	err := c.read(func(e *engine.Engine) {
		var page orders.ListPage
		if page, rej = e.Orders().ListOrders(c.tenant(), lq); rej == nil {
			for _, v := range page.Orders {
				out.Orders = append(out.Orders, orderView(v))
			}
			out.Next = page.Next
		}
	})
	if err != nil {
		return nil, err
	}
	if rej != nil {
		return nil, rejectionProblem(rej)
	}
	return &out, nil
}

// Conversions from the orders read views.

func orderView(v orders.OrderView) Order {
	o := Order{
		ID: v.ID, Channel: v.Channel, ExternalID: v.ExternalID, Status: v.Status, Level: v.Level, Priority: v.Priority,
		PlacedAt: v.PlacedAt, ShipBy: v.ShipBy, DeliverBy: v.DeliverBy, FinishedAt: v.FinishedAt,
		Lines: make([]OrderLineState, len(v.Lines)), Shipments: make([]OrderShipment, len(v.Shipments)),
		Backorder: v.Backorder, Reservation: v.Reservation, ReservationHeld: v.ReservationHeld,
	}
	if v.ExceptionCode != "" {
		o.Exception = &OrderException{Code: v.ExceptionCode, Note: v.ExceptionNote, RaisedAt: v.ExceptionAt}
	}
	for i, l := range v.Lines {
		o.Lines[i] = OrderLineState(l)
	}
	for i, sh := range v.Shipments {
		o.Shipments[i] = shipmentView(v.ID, sh)
	}
	for _, a := range v.Attributes {
		o.Attributes = append(o.Attributes, Attribute{Key: a.Key, Value: a.Value})
	}
	return o
}

func shipmentView(order string, v orders.ShipmentView) OrderShipment {
	s := OrderShipment{
		ID: v.ID, Order: order, Location: v.Location, Status: v.Status, Carrier: v.Carrier, Service: v.Service, Tracking: v.Tracking,
		PriceMinor: v.PriceMinor, DistanceM: v.DistanceM, WeightG: v.WeightG, ReadyAt: v.ReadyAt, PickupAt: v.PickupAt,
		PromisedAt: v.PromisedAt, DeliveredAt: v.DeliveredAt, Exception: v.Exception, Lines: make([]ShipmentLine, len(v.Lines)),
	}
	for i, l := range v.Lines {
		s.Lines[i] = ShipmentLine(l)
	}
	return s
}
