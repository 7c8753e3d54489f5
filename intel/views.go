package intel

import "math"

// SKUView is what the projection knows about one SKU: demand per channel and network-wide,
// stock, cover and stockout projection per location, and its open alerts.
type SKUView struct {
	SKU        string         `json:"sku"`
	PriceMinor int64          `json:"price_minor"`
	Available  int64          `json:"available"`
	Inbound    int64          `json:"inbound"`
	Demand     []DemandView   `json:"demand"`
	Positions  []PositionView `json:"positions"`
	Alerts     []Alert        `json:"alerts"`
	Network    *NetworkDemand `json:"network,omitempty"`
	// Campaigns are the ad campaigns promoting the SKU, per channel.
	Campaigns []CampaignView `json:"campaigns"`
}

// NetworkDemand is a SKU's demand over all channels with its cover.
type NetworkDemand struct {
	UnitsPerHour [3]float64 `json:"units_per_hour"`
	// CoverHours counts available stock, CoverWithInboundHours adds what is inbound; -1: no demand.
	CoverHours            float64 `json:"cover_hours"`
	CoverWithInboundHours float64 `json:"cover_with_inbound_hours"`
}

// DemandView is a SKU's demand on one channel ("" for network-wide): units per hour at the
// 15-minute, 1-hour and 4-hour half-lives, its share of the channel's lines and the spike
// statistic.
type DemandView struct {
	Channel       string     `json:"channel,omitempty"`
	UnitsPerHour  [3]float64 `json:"units_per_hour"`
	Lines         uint32     `json:"lines"`
	BaselineShare float64    `json:"baseline_share"`
	SpikeCUSUM    float64    `json:"spike_cusum"`
}

// PositionView is a SKU at one location.
type PositionView struct {
	Location     string     `json:"location"`
	OnHand       int64      `json:"on_hand"`
	Available    int64      `json:"available"`
	Inbound      int64      `json:"inbound"`
	UnitsPerHour [3]float64 `json:"units_per_hour"`
	// CoverHours is available stock over the 1-hour velocity (-1: no sales); DaysOfCover the
	// same in days counting inbound units too.
	CoverHours  float64 `json:"cover_hours"`
	DaysOfCover float64 `json:"days_of_cover_with_inbound"`
	// StockoutAt is the projected stockout time (0: none projected); NextReceiptAt the next
	// pending receipt's ETA (0: none) and UnitsLost what sells out before it.
	StockoutAt    int64   `json:"stockout_at,omitempty"`
	NextReceiptAt int64   `json:"next_receipt_at,omitempty"`
	UnitsLost     float64 `json:"units_lost_before_receipt"`
	// DemandPerHour and DemandSigmaPerHour are the mean and standard deviation of units sold per
	// clock hour (about a week, exponentially weighted); LeadTimeHours is L, until the earliest
	// pending receipt or the configured default lead time; SafetyStock is
	// z x DemandSigmaPerHour x sqrt(L) and ReorderPoint DemandPerHour x L + SafetyStock. All
	// four are -1 until two hours of demand have closed.
	DemandPerHour      float64 `json:"demand_per_hour"`
	DemandSigmaPerHour float64 `json:"demand_sigma_per_hour"`
	LeadTimeHours      float64 `json:"lead_time_hours"`
	SafetyStock        float64 `json:"safety_stock"`
	ReorderPoint       float64 `json:"reorder_point"`
}

// SKU returns the view of one SKU of a tenant.
func (in *Intel) SKU(tenantName, sku string) (SKUView, bool) {
	t := in.lookupTenant(tenantName)
	if t == nil {
		return SKUView{}, false
	}
	id, ok := t.skus.lookup(sku)
	if !ok {
		return SKUView{}, false
	}
	now := in.now
	v := SKUView{SKU: sku, PriceMinor: t.priceOf(id), Demand: []DemandView{}, Positions: []PositionView{}, Alerts: []Alert{}}
	v.Available, v.Inbound = t.networkStock(id)
	if int(id) < len(t.skuDem) {
		for _, r := range t.skuDem[id] {
			d := &t.demand[r.idx]
			dv := DemandView{Lines: d.lines, BaselineShare: d.share, SpikeCUSUM: d.cusum}
			for h := range dv.UnitsPerHour {
				dv.UnitsPerHour[h] = perHour(d.vel.rate(h, now, d.born))
			}
			if d.ch == noID {
				n := &NetworkDemand{UnitsPerHour: dv.UnitsPerHour, CoverHours: -1, CoverWithInboundHours: -1}
				if r := dv.UnitsPerHour[v1h]; r > 0 {
					n.CoverHours = float64(v.Available) / r
					n.CoverWithInboundHours = float64(v.Available+v.Inbound) / r
				}
				v.Network = n
				continue
			}
			dv.Channel = t.chans.name(d.ch)
			v.Demand = append(v.Demand, dv)
		}
	}
	if int(id) < len(t.skuPos) {
		for _, i := range t.skuPos[id] {
			p := &t.positions[i]
			pr := in.project(p, now)
			pv := PositionView{Location: t.locs.name(p.loc), OnHand: p.onHand, Available: pr.available, Inbound: p.inbound(),
				CoverHours: -1, DaysOfCover: -1, NextReceiptAt: pr.receiptAt, UnitsLost: pr.lostUnits}
			for h := range pv.UnitsPerHour {
				pv.UnitsPerHour[h] = perHour(p.vel.rate(h, now, p.born))
			}
			ss := in.safety(p, now)
			pv.LeadTimeHours = ss.leadHours
			pv.DemandPerHour, pv.DemandSigmaPerHour, pv.SafetyStock, pv.ReorderPoint = -1, -1, -1, -1
			if ss.ok {
				pv.DemandPerHour, pv.DemandSigmaPerHour, pv.SafetyStock, pv.ReorderPoint = ss.meanPerHour, ss.sigmaPerHour, ss.units, ss.reorderPoint
			}
			// A rate so small that cover overflows (coverNs == MaxInt64) means no stockout in
			// sight: reported like no demand, as -1, since JSON has no infinity.
			if pr.ratePerSec > 0 && pr.coverNs != math.MaxInt64 {
				pv.CoverHours = hours(pr.coverNs)
				pv.StockoutAt = now + pr.coverNs
				pv.DaysOfCover = float64(max(pr.available, 0)+pv.Inbound) / pr.ratePerSec / 86400
			}
			v.Positions = append(v.Positions, pv)
		}
	}
	for _, a := range t.alerts.open {
		if (a.key.kind == KindDemandSpike || a.key.kind == KindStockoutBeforeReceipt) && a.key.a == id ||
			a.key.kind == KindAdSpendOutOfStock && a.key.b == id {
			v.Alerts = append(v.Alerts, in.render(t, a, now))
		}
	}
	v.Campaigns = in.campaigns(t, id, now)
	return v, true
}

// ChannelView is one channel's health.
type ChannelView struct {
	Channel        string     `json:"channel"`
	Orders         uint32     `json:"orders"`
	OrdersPerHour  [3]float64 `json:"orders_per_hour"`
	LastOrderAt    int64      `json:"last_order_at"`
	Rejected       uint64     `json:"rejected"`
	RejectionRatio float64    `json:"rejection_ratio_15m"`
	Silent         bool       `json:"silent"`
	RejectionSurge bool       `json:"rejection_surge"`
	// Orders7d, Cancelled7d and Late7d count the last seven days' orders, cancellations and
	// ship_by breaches; the rates are their ratios (0 without orders), the figures marketplaces
	// hold sellers to.
	Orders7d           uint32  `json:"orders_7d"`
	Cancelled7d        uint32  `json:"cancelled_7d"`
	Late7d             uint32  `json:"late_7d"`
	CancellationRate7d float64 `json:"cancellation_rate_7d"`
	LateShipmentRate7d float64 `json:"late_shipment_rate_7d"`
}

// Channels returns the health of a tenant's channels, in the order they were first seen.
func (in *Intel) Channels(tenantName string) []ChannelView {
	t := in.lookupTenant(tenantName)
	if t == nil {
		return nil
	}
	now := in.now
	out := make([]ChannelView, 0, len(t.channels))
	for i := range t.channels {
		c := &t.channels[i]
		cv := ChannelView{Channel: t.chans.name(c.id), Orders: c.orders, LastOrderAt: c.lastOrderAt, Rejected: c.rejected,
			Silent: c.silent, RejectionSurge: c.surging}
		for h := range cv.OrdersPerHour {
			cv.OrdersPerHour[h] = perHour(c.arrivals.rate(h, now, c.born))
		}
		if a := c.arrivals.rate(v15m, now, c.born); a > 0 {
			cv.RejectionRatio = c.rejects.rate(v15m, now, c.born) / a
		}
		if int(c.id) < len(t.fulfil) {
			cv.Orders7d, cv.Cancelled7d, cv.Late7d = t.fulfil[c.id].window(now / dayNs)
			if cv.Orders7d > 0 {
				cv.CancellationRate7d = float64(cv.Cancelled7d) / float64(cv.Orders7d)
				cv.LateShipmentRate7d = float64(cv.Late7d) / float64(cv.Orders7d)
			}
		}
		out = append(out, cv)
	}
	return out
}

// LocationView is one location's count health and fulfilment health (Node).
type LocationView struct {
	Location    string   `json:"location"`
	DriftCUSUM  float64  `json:"drift_cusum"`
	UnitsShrunk float64  `json:"units_shrunk"`
	Drifting    bool     `json:"drifting"`
	Node        NodeView `json:"node"`
}

// Locations returns the count and fulfilment health of a tenant's locations, in the order they
// were first seen.
func (in *Intel) Locations(tenantName string) []LocationView {
	t := in.lookupTenant(tenantName)
	if t == nil {
		return nil
	}
	out := make([]LocationView, 0, len(t.locations))
	for i := range t.locations {
		l := &t.locations[i]
		out = append(out, LocationView{Location: t.locs.name(l.id), DriftCUSUM: l.cusum, UnitsShrunk: l.shrunk, Drifting: l.alerting,
			Node: in.nodeView(l, in.now)})
	}
	return out
}

// NodeView is a location's fulfilment health: its backlog, pick rate, how long the backlog
// takes to clear, and what of it misses the location's daily pick cutoff.
type NodeView struct {
	// Backlog is the units committed or allocated at the location and not yet shipped.
	Backlog int64 `json:"backlog_units"`
	// Picks counts shipments picked; PicksPerHour is the pick rate at the three half-lives and
	// UsualPicksPerHour the rate the slowdown test compares against.
	Picks             uint32     `json:"picks"`
	PicksPerHour      [3]float64 `json:"picks_per_hour"`
	UsualPicksPerHour float64    `json:"usual_picks_per_hour"`
	UnitsPerHour15m   float64    `json:"units_shipped_per_hour_15m"`
	// DrainHours is the time to clear the backlog at the 15-minute units rate (-1: nothing
	// shipping); SlowdownCUSUM the node_slowdown statistic.
	DrainHours    float64 `json:"drain_hours"`
	SlowdownCUSUM float64 `json:"slowdown_cusum"`
	Slowdown      bool    `json:"node_slowdown"`
	// CutoffMinute is the daily pick cutoff (local minute of day, 0: none) and
	// UTCOffsetMinutes the location's offset from UTC, from its location_defined event.
	CutoffMinute     int32 `json:"cutoff_minute"`
	UTCOffsetMinutes int32 `json:"utc_offset_minutes"`
	// CutoffInHours is the time to the next cutoff, today's or, once it has passed,
	// tomorrow's (-1: no cutoff). CutoffUnitsShort is the backlog still unpicked at it if the
	// last 15 minutes' pace holds (work still to arrive not counted), and CutoffHoursShort how
	// long the picking runs past it (-1: nothing shipping). Overnight the pace has decayed to
	// nearly nothing, so these read most of the backlog as short until picking resumes.
	// CutoffRisk is an open cutoff_risk alert.
	CutoffInHours    float64 `json:"cutoff_in_hours"`
	CutoffUnitsShort float64 `json:"cutoff_units_short"`
	CutoffHoursShort float64 `json:"cutoff_hours_short"`
	CutoffRisk       bool    `json:"cutoff_risk"`
}

// nodeView renders a location's fulfilment health at now.
func (in *Intel) nodeView(l *locationSeries, now int64) NodeView {
	n := &l.node
	v := NodeView{Backlog: n.backlog, Picks: n.picks, UsualPicksPerHour: perHour(n.baseRate), DrainHours: -1,
		SlowdownCUSUM: n.cusum, Slowdown: l.slowing}
	for h := range v.PicksPerHour {
		v.PicksPerHour[h] = perHour(n.pickRate.rate(h, now, n.born))
	}
	u := n.unitsRate.rate(v15m, now, n.born)
	v.UnitsPerHour15m = perHour(u)
	if u > 0 {
		v.DrainHours = float64(max(n.backlog, 0)) / perHour(u)
	}
	v.CutoffMinute, v.UTCOffsetMinutes, v.CutoffInHours, v.CutoffRisk = int32(l.cutoff), int32(l.utcOffset), -1, l.atRisk
	if r := l.cutoffRisk(now); r.at != 0 {
		v.CutoffInHours, v.CutoffUnitsShort, v.CutoffHoursShort = hours(r.left), r.unitsShort, finite(hours(clampNs(r.short)))
	}
	return v
}

// CarrierView is one carrier service's health: on-time rates over its lanes, stuck shipments,
// and each lane.
type CarrierView struct {
	Carrier string `json:"carrier_service"`
	// Settled and Late count outcomes over every lane; OnTime is the recent on-time rate over
	// the lanes, weighted by their outcomes (-1: none yet).
	Settled uint64  `json:"settled"`
	Late    uint64  `json:"late"`
	OnTime  float64 `json:"on_time_recent"`
	Stuck   int64   `json:"stuck"`
	// DelaysPerHour and ScoreBps are from shipment_delayed events (the engine's own on-time
	// score); Delayed is an open carrier_delay alert, LanesLate the open carrier_lane_delay ones.
	DelaysPerHour float64    `json:"delays_per_hour"`
	ScoreBps      int64      `json:"score_bps"`
	Delayed       bool       `json:"carrier_delay"`
	LanesLate     uint32     `json:"lanes_late"`
	Lanes         []LaneView `json:"lanes"`
}

// LaneView is a carrier service from one origin location.
type LaneView struct {
	Origin          string  `json:"origin"`
	Settled         uint32  `json:"settled"`
	Late            uint32  `json:"late"`
	OnTimeRecent    float64 `json:"on_time_recent"`
	OnTimeBaseline  float64 `json:"on_time_baseline"`
	Stuck           int32   `json:"stuck"`
	InFlight        uint32  `json:"in_flight"`
	Overdue         uint32  `json:"overdue"`
	ShippedPerHour  float64 `json:"shipped_per_hour"`
	DelayCUSUM      float64 `json:"delay_cusum"`
	RunningLate     float64 `json:"running_late"`
	CarrierLaneLate bool    `json:"carrier_lane_delay"`
}

// Carriers returns the health of a tenant's carrier services, in the order they were first seen,
// each with its lanes in creation order.
func (in *Intel) Carriers(tenantName string) []CarrierView {
	t := in.lookupTenant(tenantName)
	if t == nil {
		return nil
	}
	now := in.now
	out := make([]CarrierView, 0, len(t.carriers))
	for i := range t.carriers {
		c := &t.carriers[i]
		out = append(out, CarrierView{Carrier: t.svcs.name(c.id), OnTime: -1, ScoreBps: c.scoreBps, Delayed: c.alerting,
			DelaysPerHour: perHour(c.vel.rate(v1h, now, c.born)), LanesLate: c.lanesLate, Lanes: []LaneView{}})
	}
	weighted := make([]float64, len(out))
	for i := range t.lanes {
		l := &t.lanes[i]
		cv := &out[l.svc]
		cv.Settled += uint64(l.settled)
		cv.Late += uint64(l.late)
		cv.Stuck += int64(l.stuck)
		weighted[l.svc] += float64(l.settled) * (1 - l.recentLate)
		lv := LaneView{Origin: t.locs.name(l.loc), Settled: l.settled, Late: l.late, OnTimeRecent: -1, OnTimeBaseline: -1, Stuck: l.stuck,
			InFlight: l.inFlight, Overdue: l.overdue, ShippedPerHour: perHour(l.shipped.rate(v4h, now, l.born)), DelayCUSUM: l.cusum, RunningLate: l.runLate, CarrierLaneLate: l.alerting}
		if l.settled > 0 {
			lv.OnTimeRecent, lv.OnTimeBaseline = 1-l.recentLate, 1-l.baseLate
		}
		cv.Lanes = append(cv.Lanes, lv)
	}
	for i := range out {
		if out[i].Settled > 0 {
			out[i].OnTime = weighted[i] / float64(out[i].Settled)
		}
	}
	return out
}

// CarrierOnTime is a carrier service's recent on-time rate over every tenant, weighted by
// settled shipments.
type CarrierOnTime struct {
	Carrier string
	OnTime  float64
	Settled uint64
}

// CarrierOnTime returns the on-time rate of every carrier service (by name) with settled
// shipments over all tenants, in the order the names were first seen, at most limit of them.
func (in *Intel) CarrierOnTime(limit int) []CarrierOnTime {
	var out []CarrierOnTime
	idx := map[string]int{}
	for _, t := range in.order {
		for i := range t.lanes {
			l := &t.lanes[i]
			if l.settled == 0 {
				continue
			}
			name := t.svcs.name(l.svc)
			j, ok := idx[name]
			if !ok {
				if len(out) >= limit {
					continue
				}
				j = len(out)
				idx[name] = j
				out = append(out, CarrierOnTime{Carrier: name})
			}
			out[j].OnTime += float64(l.settled) * (1 - l.recentLate)
			out[j].Settled += uint64(l.settled)
		}
	}
	for i := range out {
		out[i].OnTime /= float64(out[i].Settled)
	}
	return out
}
