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
		out = append(out, cv)
	}
	return out
}

// LocationView is one location's count health.
type LocationView struct {
	Location    string  `json:"location"`
	DriftCUSUM  float64 `json:"drift_cusum"`
	UnitsShrunk float64 `json:"units_shrunk"`
	Drifting    bool    `json:"drifting"`
}

// Locations returns the count health of a tenant's locations, in the order they were first seen.
func (in *Intel) Locations(tenantName string) []LocationView {
	t := in.lookupTenant(tenantName)
	if t == nil {
		return nil
	}
	out := make([]LocationView, 0, len(t.locations))
	for i := range t.locations {
		l := &t.locations[i]
		out = append(out, LocationView{Location: t.locs.name(l.id), DriftCUSUM: l.cusum, UnitsShrunk: l.shrunk, Drifting: l.alerting})
	}
	return out
}
