package api

import (
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
	"github.com/depothq/depot/intel"
	"github.com/depothq/depot/sequencer"
)

// Intel is the operational intelligence projection as the server serves it: an intel.Intel fed
// with every committed batch through the feed (the sequencer's OnCommit path), plus the reserves
// the API saw refused (they leave no event). One projection holds every tenant; every read is
// by the caller's tenant, so one tenant never sees another's alerts.
//
// It sees what is committed after the server starts; rebuilding it from the journal at start-up
// is not done yet.
type Intel struct {
	mu sync.Mutex
	in *intel.Intel
}

// NewIntel returns an empty projection with the given options.
func NewIntel(opts intel.Options) *Intel { return &Intel{in: intel.New(opts)} }

// observe applies a committed batch in sequence order: each command's events, or, for a refused
// reserve (which leaves no event), the refusal as demand and oversell pressure. It runs on the
// sequencer's syncer goroutine: a mutex and a few hundred nanoseconds per event. Single
// requests and the batch endpoint reach it alike.
func (x *Intel) observe(b *sequencer.Batch) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if len(b.Results) != len(b.Sequenced) {
		x.in.ApplyAll(b.Events)
		return
	}
	for i := range b.Results {
		x.observeOne(b.Sequenced[i], &b.Results[i], b.Time)
	}
}

// ObserveReplayed feeds one command replayed at start-up (sequencer.Options.OnReplay), so the
// projection starts from the journal's tail rather than empty.
func (x *Intel) ObserveReplayed(env *depot.Envelope, res *depot.Result) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.observeOne(env.Cmd, res, env.Time)
}

// observeOne applies one command's events, or its refusal when it was a reserve. x.mu is held.
func (x *Intel) observeOne(cmd depot.Command, res *depot.Result, at int64) {
	if res.Rejection == nil {
		x.in.ApplyAll(res.Events)
		return
	}
	if r, ok := cmd.(*depot.Reserve); ok {
		x.in.ObserveRejection(&intel.Rejection{Tenant: r.Tenant, Channel: r.Channel, Time: at,
			Code: res.Rejection.Code, Shortfalls: res.Rejection.Shortfalls, Lines: r.Lines})
	}
}

// With runs fn with the projection locked, for embedding programs and tests.
func (x *Intel) With(fn func(*intel.Intel)) {
	x.mu.Lock()
	defer x.mu.Unlock()
	fn(x.in)
}

// IntelActions is the answer of GET /v1/intel/actions.
type IntelActions struct {
	// Now is the projection's time: the last committed event's.
	Now     int64         `json:"now"`
	Actions []IntelAction `json:"actions"`
}

// IntelAction is one open alert with its evidence and recommended action.
type IntelAction struct {
	ID             uint64              `json:"id"`
	Kind           string              `json:"kind" enum:"demand_spike,channel_silent,stockout_before_receipt,count_drift,rejection_surge,carrier_delay,sla_risk,ad_spend_out_of_stock,carrier_lane_delay,node_slowdown,cancellation_rate,late_shipment_rate,cutoff_risk"`
	Subject        string              `json:"subject"`
	SKU            string              `json:"sku,omitempty"`
	Location       string              `json:"location,omitempty"`
	Channel        string              `json:"channel,omitempty"`
	CarrierService string              `json:"carrier_service,omitempty"`
	Campaign       string              `json:"campaign,omitempty"`
	Cause          string              `json:"cause,omitempty" enum:"ad_driven,organic" doc:"demand spikes: ad_driven when a campaign for the SKU on the channel raised its spend as it spiked"`
	State          string              `json:"state" enum:"open,acknowledged,resolved"`
	Severity       string              `json:"severity" enum:"critical,high,medium"`
	OpenedAt       int64               `json:"opened_at"`
	UpdatedAt      int64               `json:"updated_at"`
	Updates        uint64              `json:"updates"`
	ImpactUnits    float64             `json:"impact_units" doc:"units at stake"`
	ImpactMinor    int64               `json:"impact_minor" doc:"money at stake in minor units (0 when no price is known)"`
	TimeToImpactNs int64               `json:"time_to_impact_ns" doc:"until the impact starts; 0 means now"`
	Score          float64             `json:"score" doc:"ranking value: money at stake over 1 + hours to impact"`
	WindowNs       int64               `json:"window_ns" doc:"the evidence's window; 0 when cumulative"`
	Evidence       []IntelMeasure      `json:"evidence"`
	Action         IntelRecommendation `json:"action"`
}

// IntelMeasure is one number of an alert's evidence; -1 stands for unbounded.
type IntelMeasure struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

// IntelRecommendation is an alert's recommended action.
type IntelRecommendation struct {
	Verb     string `json:"verb"`
	SKU      string `json:"sku,omitempty"`
	From     string `json:"from,omitempty"`
	To       string `json:"to,omitempty"`
	Channel  string `json:"channel,omitempty"`
	Location string `json:"location,omitempty"`
	Campaign string `json:"campaign,omitempty"`
	Qty      int64  `json:"qty,omitempty"`
	Text     string `json:"text"`
}

// IntelCampaign is one ad campaign promoting a SKU on a channel, from its reports.
type IntelCampaign struct {
	Campaign             string  `json:"campaign"`
	Channel              string  `json:"channel"`
	SpendPerHourMinor    float64 `json:"spend_per_hour_minor" doc:"the latest report's spend rate"`
	BaselinePerHourMinor float64 `json:"baseline_per_hour_minor" doc:"the usual spend rate (time-decayed average of earlier reports)"`
	Rising               bool    `json:"rising" doc:"spend well above the usual, or a campaign launched within two hours"`
	Active               bool    `json:"active" doc:"reported spend within the active window"`
	OutOfStock           bool    `json:"out_of_stock" doc:"the channel's latest answer for the SKU was that it has none"`
	ChannelAvailable     int64   `json:"channel_available" doc:"what the channel could sell when the latest report was recorded"`
	PeriodEnd            int64   `json:"period_end"`
	SpendMinor           int64   `json:"spend_minor" doc:"total of every report, restatements applied"`
	Impressions          int64   `json:"impressions"`
	Clicks               int64   `json:"clicks"`
	AttributedOrders     int64   `json:"attributed_orders"`
	Alerting             bool    `json:"ad_spend_out_of_stock"`
}

// IntelSKU is the answer of GET /v1/intel/skus/{sku}.
type IntelSKU struct {
	SKU        string `json:"sku"`
	PriceMinor int64  `json:"price_minor"`
	Available  int64  `json:"available"`
	Inbound    int64  `json:"inbound"`
	// UnitsPerHour15m, 1h and 4h are network-wide demand at the three half-lives; CoverHours
	// and CoverWithInboundHours divide stock by the 1-hour rate (-1: no demand).
	UnitsPerHour15m       float64         `json:"units_per_hour_15m"`
	UnitsPerHour1h        float64         `json:"units_per_hour_1h"`
	UnitsPerHour4h        float64         `json:"units_per_hour_4h"`
	CoverHours            float64         `json:"cover_hours"`
	CoverWithInboundHours float64         `json:"cover_with_inbound_hours"`
	Channels              []IntelDemand   `json:"channels"`
	Positions             []IntelPosition `json:"positions"`
	Alerts                []IntelAction   `json:"alerts"`
	Campaigns             []IntelCampaign `json:"campaigns"`
}

// IntelDemand is a SKU's demand on one channel.
type IntelDemand struct {
	Channel         string  `json:"channel"`
	UnitsPerHour15m float64 `json:"units_per_hour_15m"`
	UnitsPerHour1h  float64 `json:"units_per_hour_1h"`
	UnitsPerHour4h  float64 `json:"units_per_hour_4h"`
	BaselineShare   float64 `json:"baseline_share" doc:"the SKU's usual share of the channel's order lines"`
	SpikeCUSUM      float64 `json:"spike_cusum"`
}

// IntelPosition is a SKU at one location: stock, velocity, cover and the stockout projection.
type IntelPosition struct {
	Location        string  `json:"location"`
	OnHand          int64   `json:"on_hand"`
	Available       int64   `json:"available"`
	Inbound         int64   `json:"inbound"`
	UnitsPerHour15m float64 `json:"units_per_hour_15m"`
	UnitsPerHour1h  float64 `json:"units_per_hour_1h"`
	UnitsPerHour4h  float64 `json:"units_per_hour_4h"`
	CoverHours      float64 `json:"cover_hours" doc:"-1: no sales"`
	DaysOfCover     float64 `json:"days_of_cover_with_inbound" doc:"-1: no sales"`
	StockoutAt      int64   `json:"stockout_at,omitempty"`
	NextReceiptAt   int64   `json:"next_receipt_at,omitempty"`
	UnitsLost       float64 `json:"units_lost_before_receipt"`
	// DemandPerHour and DemandSigmaPerHour are the mean and standard deviation of units sold
	// per clock hour; LeadTimeHours is L (until the next pending receipt, or the configured
	// default); SafetyStock is z x sigma x sqrt(L), ReorderPoint mean x L + SafetyStock.
	DemandPerHour      float64 `json:"demand_per_hour" doc:"-1: under two hours of demand"`
	DemandSigmaPerHour float64 `json:"demand_sigma_per_hour" doc:"-1: under two hours of demand"`
	LeadTimeHours      float64 `json:"lead_time_hours"`
	SafetyStock        float64 `json:"safety_stock" doc:"-1: under two hours of demand"`
	ReorderPoint       float64 `json:"reorder_point" doc:"-1: under two hours of demand"`
}

// IntelChannels is the answer of GET /v1/intel/channels.
type IntelChannels struct {
	Channels []IntelChannel `json:"channels"`
}

// IntelChannel is one channel's health.
type IntelChannel struct {
	Channel          string  `json:"channel"`
	Orders           uint64  `json:"orders"`
	OrdersPerHour15m float64 `json:"orders_per_hour_15m"`
	OrdersPerHour1h  float64 `json:"orders_per_hour_1h"`
	LastOrderAt      int64   `json:"last_order_at"`
	Rejected         uint64  `json:"rejected"`
	RejectionRatio   float64 `json:"rejection_ratio_15m"`
	Silent           bool    `json:"silent"`
	RejectionSurge   bool    `json:"rejection_surge"`
}

// IntelLocations is the answer of GET /v1/intel/locations.
type IntelLocations struct {
	Locations []IntelLocation `json:"locations"`
}

// IntelLocation is one location's count health and fulfilment health (backlog, pick rate, cutoff
// risk).
type IntelLocation struct {
	Location    string  `json:"location"`
	DriftCUSUM  float64 `json:"drift_cusum"`
	UnitsShrunk float64 `json:"units_shrunk"`
	Drifting    bool    `json:"drifting"`
	// Fulfilment health: backlog, pick rate and how long the backlog takes to clear.
	BacklogUnits      int64   `json:"backlog_units" doc:"units committed or allocated at the location and not yet shipped"`
	Picks             uint64  `json:"picks" doc:"shipments picked"`
	PicksPerHour15m   float64 `json:"picks_per_hour_15m"`
	PicksPerHour1h    float64 `json:"picks_per_hour_1h"`
	UsualPicksPerHour float64 `json:"usual_picks_per_hour" doc:"the pick rate the slowdown test compares against"`
	DrainHours        float64 `json:"drain_hours" doc:"hours to clear the backlog at the last 15 minutes' pace; -1: nothing shipping"`
	SlowdownCUSUM     float64 `json:"slowdown_cusum"`
	NodeSlowdown      bool    `json:"node_slowdown"`
	// Cutoff risk: the location's daily pick cutoff and UTC offset (as defined), and the
	// backlog that misses the next cutoff at the current pace.
	CutoffMinute     int32   `json:"cutoff_minute" doc:"daily pick cutoff as a local minute of the day; 0: none"`
	UTCOffsetMinutes int32   `json:"utc_offset_minutes" doc:"the location's offset of local time from UTC"`
	CutoffInHours    float64 `json:"cutoff_in_hours" doc:"hours to the next cutoff (today's, or tomorrow's once it has passed); -1: no cutoff"`
	CutoffUnitsShort float64 `json:"cutoff_units_short" doc:"backlog units still unpicked at the next cutoff if the last 15 minutes' pace of units shipped holds"`
	CutoffHoursShort float64 `json:"cutoff_hours_short" doc:"hours the picking runs past the next cutoff at that pace; -1: nothing shipping"`
	CutoffRisk       bool    `json:"cutoff_risk" doc:"an open cutoff_risk alert"`
}

// IntelCarriers is the health of a tenant's carrier services.
type IntelCarriers struct {
	Carriers []IntelCarrier `json:"carriers"`
}

// IntelCarrier is one carrier service's on-time record over its lanes.
type IntelCarrier struct {
	CarrierService string      `json:"carrier_service"`
	Settled        uint64      `json:"settled" doc:"shipments settled: delivered, or late (stuck, returned)"`
	Late           uint64      `json:"late"`
	OnTimeRecent   float64     `json:"on_time_recent" doc:"recent on-time rate over its lanes, weighted by outcomes; -1: none yet"`
	Stuck          int64       `json:"stuck" doc:"shipments stuck without tracking news and not delivered since"`
	DelaysPerHour  float64     `json:"delays_per_hour"`
	ScoreBps       int64       `json:"score_bps" doc:"the engine's on-time score at the latest delay"`
	CarrierDelay   bool        `json:"carrier_delay"`
	LanesLate      uint64      `json:"lanes_late"`
	Lanes          []IntelLane `json:"lanes"`
}

// IntelLane is a carrier service from one origin location.
type IntelLane struct {
	Origin           string  `json:"origin"`
	Settled          uint64  `json:"settled"`
	Late             uint64  `json:"late"`
	OnTimeRecent     float64 `json:"on_time_recent" doc:"over about the last 20 outcomes; -1: none yet"`
	OnTimeBaseline   float64 `json:"on_time_baseline" doc:"over about 200 outcomes, frozen while the lane alerts; -1: none yet"`
	Stuck            int64   `json:"stuck"`
	InFlight         uint64  `json:"in_flight" doc:"parcels shipped with a promise still ahead and not delivered"`
	Overdue          uint64  `json:"overdue" doc:"parcels settled late because their promise passed without a delivery"`
	ShippedPerHour   float64 `json:"shipped_per_hour"`
	DelayCUSUM       float64 `json:"delay_cusum"`
	RunningLate      float64 `json:"running_late" doc:"evidence that the lane holds its parcels back, from parcels running late through their promise windows (log-likelihood)"`
	CarrierLaneDelay bool    `json:"carrier_lane_delay"`
}

// intelRoutes are the intelligence rows of the route table.
func (s *Server) intelRoutes() []*route {
	const tag = "intelligence"
	return []*route{
		getRoute("/v1/intel/actions", "listIntelActions", tag, ScopeRead, "Ranked open alerts with evidence and a recommended action", s.intelActions).
			withQuery(queryParam{"limit", "integer", "at most this many (default and maximum 1000)"}),
		bodyRoute("POST", "/v1/intel/actions/{id}/acknowledge", "acknowledgeIntelAction", tag, ScopeWrite, 200, "Acknowledge an open alert (it stays until its condition clears)", s.intelAcknowledge),
		getRoute("/v1/intel/skus/{sku}", "getIntelSKU", tag, ScopeRead, "Demand, cover and stockout projection of a SKU, with its alerts", s.intelSKU),
		getRoute("/v1/intel/channels", "listIntelChannels", tag, ScopeRead, "Order rate, silence and rejection pressure per channel", s.intelChannels),
		getRoute("/v1/intel/locations", "listIntelLocations", tag, ScopeRead, "Cycle-count drift, backlog, pick rate and slowdown per location", s.intelLocations),
		getRoute("/v1/intel/carriers", "listIntelCarriers", tag, ScopeRead, "On-time rate, stuck shipments and delayed lanes per carrier service", s.intelCarriers),
	}
}

// resolvePrices gives the projection the prices of the SKUs its open alerts name: events carry
// none, and the ledger is read here, on the request's goroutine, never on the commit path.
func (s *Server) resolvePrices(c *call) error {
	var missing []string
	s.intel.With(func(in *intel.Intel) { missing = in.Unpriced(c.tenant(), 256) })
	if len(missing) == 0 {
		return nil
	}
	prices := make([]int64, len(missing))
	if err := c.read(func(e *engine.Engine) {
		for i, sku := range missing {
			if d, ok := e.Ledger().SKU(c.tenant(), sku); ok {
				prices[i] = d.PriceMinor
			}
		}
	}); err != nil {
		return err
	}
	s.intel.With(func(in *intel.Intel) {
		for i, sku := range missing {
			in.SetPrice(c.tenant(), sku, prices[i])
		}
	})
	return nil
}

func (s *Server) intelActions(c *call) (*IntelActions, error) {
	limit := intel.MaxQueue
	if v := c.r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, problemf(codeInvalidArgument, "limit", "limit must be a positive integer")
		}
		limit = n
	}
	if err := s.resolvePrices(c); err != nil {
		return nil, err
	}
	out := &IntelActions{Actions: []IntelAction{}}
	s.intel.With(func(in *intel.Intel) {
		out.Now = in.Now()
		for _, a := range in.ActionQueue(c.tenant(), limit) {
			out.Actions = append(out.Actions, intelAction(a))
		}
	})
	return out, nil
}

// IntelAcknowledgeBody is the body of POST /v1/intel/actions/{id}/acknowledge; it has no fields.
type IntelAcknowledgeBody struct{}

func (s *Server) intelAcknowledge(c *call, _ *IntelAcknowledgeBody) (*IntelActions, error) {
	id, err := strconv.ParseUint(c.path("id"), 10, 64)
	if err != nil {
		return nil, problemf(codeInvalidArgument, "id", "an alert id is a positive integer")
	}
	var found bool
	out := &IntelActions{Actions: []IntelAction{}}
	s.intel.With(func(in *intel.Intel) {
		found = in.Acknowledge(c.tenant(), id)
		out.Now = in.Now()
		for _, a := range in.ActionQueue(c.tenant(), 0) {
			if a.ID == id {
				out.Actions = append(out.Actions, intelAction(a))
			}
		}
	})
	if !found {
		return nil, notFound("id", "open alert", c.path("id"))
	}
	return out, nil
}

func (s *Server) intelSKU(c *call) (*IntelSKU, error) {
	if err := s.resolvePrices(c); err != nil {
		return nil, err
	}
	var v intel.SKUView
	var ok bool
	s.intel.With(func(in *intel.Intel) { v, ok = in.SKU(c.tenant(), c.path("sku")) })
	if !ok {
		return nil, notFound("sku", "SKU seen by intelligence", c.path("sku"))
	}
	out := &IntelSKU{SKU: v.SKU, PriceMinor: v.PriceMinor, Available: v.Available, Inbound: v.Inbound, CoverHours: -1, CoverWithInboundHours: -1,
		Channels: []IntelDemand{}, Positions: []IntelPosition{}, Alerts: []IntelAction{}, Campaigns: []IntelCampaign{}}
	for _, c := range v.Campaigns {
		out.Campaigns = append(out.Campaigns, IntelCampaign{Campaign: c.Campaign, Channel: c.Channel, SpendPerHourMinor: c.SpendPerHourMinor,
			BaselinePerHourMinor: c.BaselinePerHourMinor, Rising: c.Rising, Active: c.Active, OutOfStock: c.OutOfStock,
			ChannelAvailable: c.ChannelAvailable, PeriodEnd: c.PeriodEnd, SpendMinor: c.SpendMinor, Impressions: c.Impressions,
			Clicks: c.Clicks, AttributedOrders: c.AttributedOrders, Alerting: c.Alerting})
	}
	if n := v.Network; n != nil {
		out.UnitsPerHour15m, out.UnitsPerHour1h, out.UnitsPerHour4h = n.UnitsPerHour[0], n.UnitsPerHour[1], n.UnitsPerHour[2]
		out.CoverHours, out.CoverWithInboundHours = n.CoverHours, n.CoverWithInboundHours
	}
	for _, d := range v.Demand {
		out.Channels = append(out.Channels, IntelDemand{Channel: d.Channel, UnitsPerHour15m: d.UnitsPerHour[0], UnitsPerHour1h: d.UnitsPerHour[1],
			UnitsPerHour4h: d.UnitsPerHour[2], BaselineShare: d.BaselineShare, SpikeCUSUM: d.SpikeCUSUM})
	}
	for _, p := range v.Positions {
		out.Positions = append(out.Positions, IntelPosition{Location: p.Location, OnHand: p.OnHand, Available: p.Available, Inbound: p.Inbound,
			UnitsPerHour15m: p.UnitsPerHour[0], UnitsPerHour1h: p.UnitsPerHour[1], UnitsPerHour4h: p.UnitsPerHour[2],
			CoverHours: p.CoverHours, DaysOfCover: p.DaysOfCover, StockoutAt: p.StockoutAt, NextReceiptAt: p.NextReceiptAt, UnitsLost: p.UnitsLost,
			DemandPerHour: p.DemandPerHour, DemandSigmaPerHour: p.DemandSigmaPerHour, LeadTimeHours: p.LeadTimeHours,
			SafetyStock: p.SafetyStock, ReorderPoint: p.ReorderPoint})
	}
	for _, a := range v.Alerts {
		out.Alerts = append(out.Alerts, intelAction(a))
	}
	return out, nil
}

func (s *Server) intelChannels(c *call) (*IntelChannels, error) {
	out := &IntelChannels{Channels: []IntelChannel{}}
	s.intel.With(func(in *intel.Intel) {
		for _, v := range in.Channels(c.tenant()) {
			out.Channels = append(out.Channels, IntelChannel{Channel: v.Channel, Orders: uint64(v.Orders), OrdersPerHour15m: v.OrdersPerHour[0],
				OrdersPerHour1h: v.OrdersPerHour[1], LastOrderAt: v.LastOrderAt, Rejected: v.Rejected, RejectionRatio: v.RejectionRatio,
				Silent: v.Silent, RejectionSurge: v.RejectionSurge})
		}
	})
	return out, nil
}

func (s *Server) intelLocations(c *call) (*IntelLocations, error) {
	out := &IntelLocations{Locations: []IntelLocation{}}
	s.intel.With(func(in *intel.Intel) {
		for _, v := range in.Locations(c.tenant()) {
			n := v.Node
			out.Locations = append(out.Locations, IntelLocation{Location: v.Location, DriftCUSUM: v.DriftCUSUM, UnitsShrunk: v.UnitsShrunk, Drifting: v.Drifting,
				BacklogUnits: n.Backlog, Picks: uint64(n.Picks), PicksPerHour15m: n.PicksPerHour[0], PicksPerHour1h: n.PicksPerHour[1],
				UsualPicksPerHour: n.UsualPicksPerHour, DrainHours: n.DrainHours, SlowdownCUSUM: n.SlowdownCUSUM, NodeSlowdown: n.Slowdown,
				CutoffMinute: n.CutoffMinute, UTCOffsetMinutes: n.UTCOffsetMinutes, CutoffInHours: n.CutoffInHours,
				CutoffUnitsShort: n.CutoffUnitsShort, CutoffHoursShort: n.CutoffHoursShort, CutoffRisk: n.CutoffRisk})
		}
	})
	return out, nil
}

func (s *Server) intelCarriers(c *call) (*IntelCarriers, error) {
	out := &IntelCarriers{Carriers: []IntelCarrier{}}
	s.intel.With(func(in *intel.Intel) {
		for _, v := range in.Carriers(c.tenant()) {
			ic := IntelCarrier{CarrierService: v.Carrier, Settled: v.Settled, Late: v.Late, OnTimeRecent: v.OnTime, Stuck: v.Stuck,
				DelaysPerHour: v.DelaysPerHour, ScoreBps: v.ScoreBps, CarrierDelay: v.Delayed, LanesLate: uint64(v.LanesLate), Lanes: []IntelLane{}}
			for _, l := range v.Lanes {
				ic.Lanes = append(ic.Lanes, IntelLane{Origin: l.Origin, Settled: uint64(l.Settled), Late: uint64(l.Late), OnTimeRecent: l.OnTimeRecent,
					OnTimeBaseline: l.OnTimeBaseline, Stuck: int64(l.Stuck), InFlight: uint64(l.InFlight), Overdue: uint64(l.Overdue),
					ShippedPerHour: l.ShippedPerHour, DelayCUSUM: l.DelayCUSUM, RunningLate: l.RunningLate,
					CarrierLaneDelay: l.CarrierLaneLate})
			}
			out.Carriers = append(out.Carriers, ic)
		}
	})
	return out, nil
}

// intelAction renders an alert for the API.
func intelAction(a intel.Alert) IntelAction {
	out := IntelAction{ID: a.ID, Kind: a.Kind.String(), Subject: a.Subject, SKU: a.SKU, Location: a.Location, Channel: a.Channel,
		CarrierService: a.Carrier, Campaign: a.Campaign, Cause: a.Cause, State: a.State.String(), Severity: a.Severity, OpenedAt: a.OpenedAt, UpdatedAt: a.UpdatedAt,
		Updates: uint64(a.Updates), ImpactUnits: a.ImpactUnits, ImpactMinor: a.ImpactMinor, TimeToImpactNs: a.TimeToImpactNs,
		Score: a.Score, WindowNs: a.Evidence.WindowNs, Evidence: make([]IntelMeasure, 0, len(a.Evidence.Values)),
		Action: IntelRecommendation{Verb: a.Action.Verb, SKU: a.Action.SKU, From: a.Action.From, To: a.Action.To,
			Channel: a.Action.Channel, Location: a.Action.Location, Campaign: a.Action.Campaign, Qty: a.Action.Qty, Text: a.Action.Text}}
	for _, m := range a.Evidence.Values {
		out.Evidence = append(out.Evidence, IntelMeasure{Name: m.Name, Value: m.Value, Unit: m.Unit})
	}
	return out
}

// registerIntelMetrics adds the headline gauges: open alerts by kind, and the projection's size.
func registerIntelMetrics(reg *prometheus.Registry, x *Intel) {
	for _, k := range intel.Kinds() {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "depot_intel_open_alerts", Help: "Open intelligence alerts over all tenants, by kind.",
			ConstLabels: prometheus.Labels{"kind": k.String()},
		}, func() float64 {
			var n int
			x.With(func(in *intel.Intel) { n = in.OpenAlerts(k) })
			return float64(n)
		}))
	}
	reg.MustRegister(&carrierOnTimeCollector{x: x})
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "depot_intel_state_bytes", Help: "Estimated memory of the intelligence projection's series and alerts."},
			func() float64 {
				var st intel.Stats
				x.With(func(in *intel.Intel) { st = in.Stats() })
				return float64(st.StateBytes)
			}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "depot_intel_events", Help: "Events applied to the intelligence projection."},
			func() float64 {
				var st intel.Stats
				x.With(func(in *intel.Intel) { st = in.Stats() })
				return float64(st.Events)
			}),
	)
}

// maxCarrierGaugeSeries bounds the carrier services the on-time gauge exports.
const maxCarrierGaugeSeries = 256

// carrierOnTimeDesc is the on-time gauge: per carrier service over all tenants (tenants are not
// labels: /metrics must not name them), the recent on-time rate weighted by settled shipments.
var carrierOnTimeDesc = prometheus.NewDesc("depot_intel_carrier_on_time_ratio",
	"Recent on-time delivery rate per carrier service over all tenants (settled shipments' weighted lanes).",
	[]string{"carrier_service"}, nil)

// carrierOnTimeCollector exports carrierOnTimeDesc for the services seen, at most
// maxCarrierGaugeSeries, in the projection's order.
type carrierOnTimeCollector struct{ x *Intel }

// Describe implements prometheus.Collector.
func (c *carrierOnTimeCollector) Describe(ch chan<- *prometheus.Desc) { ch <- carrierOnTimeDesc }

// Collect implements prometheus.Collector.
func (c *carrierOnTimeCollector) Collect(ch chan<- prometheus.Metric) {
	var rates []intel.CarrierOnTime
	c.x.With(func(in *intel.Intel) { rates = in.CarrierOnTime(maxCarrierGaugeSeries) })
	for _, r := range rates {
		ch <- prometheus.MustNewConstMetric(carrierOnTimeDesc, prometheus.GaugeValue, r.OnTime, r.Carrier)
	}
}
