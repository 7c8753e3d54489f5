package intel

import (
	"github.com/depothq/depot"
)

// Intel is the projection: every tenant's series, detectors and alerts. Create it with New and
// feed it every committed event in sequence order.
type Intel struct {
	cfg Config
	// Precomputed from cfg so the hot path does no logs.
	lnSpike     float64 // ln(SpikeRatio)
	lnShareKeep float64 // ln(1 - 1/SpikeShareWindow)
	lnFastKeep  float64 // ln(1 - 1/fastShareWindow)
	lnInvNode   float64 // ln(1 / NodeSlowdownRatio)

	tenants map[string]*tenant
	order   []*tenant // creation order: sweeps walk this, never the map
	last    *tenant   // the previous event's tenant: consecutive events usually share it

	now       int64
	nextSweep int64
	pending   pendingDelivery // a delivery whose outcome the next event decides (lanes.go)
	parcels   parcelHeap      // parcels in flight by promise, and settled ones to forget (parcels.go)
	notify    func(Change)
	stats     Stats
}

// Stats counts what the projection has taken in and holds.
type Stats struct {
	// Events counts applied events, Rejections observed rejections.
	Events     uint64 `json:"events"`
	Rejections uint64 `json:"rejections"`
	// Dropped counts updates refused by a limit of limits.go.
	Dropped uint64 `json:"dropped"`
	// Tenants, Positions, DemandSeries, Channels, Locations, CarrierServices, Lanes (carrier
	// service x origin location) and AdSeries (campaign x SKU x channel) count series.
	Tenants         int `json:"tenants"`
	Positions       int `json:"positions"`
	DemandSeries    int `json:"demand_series"`
	Channels        int `json:"channels"`
	Locations       int `json:"locations"`
	CarrierServices int `json:"carrier_services"`
	Lanes           int `json:"lanes"`
	AdSeries        int `json:"ad_series"`
	// Parcels counts the parcels watched against their carrier's promise (in flight, or
	// settled late and awaiting arrival), ParcelTimers their timers.
	Parcels      int `json:"parcels"`
	ParcelTimers int `json:"parcel_timers"`
	// OpenAlerts and ResolvedAlerts count alerts held.
	OpenAlerts     int `json:"open_alerts"`
	ResolvedAlerts int `json:"resolved_alerts"`
	// StateBytes estimates the memory of all series and alerts (struct sizes plus map entries).
	StateBytes int64 `json:"state_bytes"`
}

// Options configure New.
type Options struct {
	// Config holds the detectors' parameters (zero fields take DefaultConfig's values).
	Config Config
	// OnChange, if set, is called synchronously when an alert opens, is acknowledged or
	// resolves (not on every update: updates happen per event). It must not call back into Intel.
	OnChange func(Change)
}

// New returns an empty projection.
func New(opts Options) *Intel {
	cfg := opts.Config.withDefaults()
	return &Intel{
		cfg: cfg, lnSpike: ln(cfg.SpikeRatio), lnShareKeep: ln(1 - 1/cfg.SpikeShareWindow),
		lnFastKeep: ln(1 - 1.0/fastShareWindow), lnInvNode: ln(1 / NodeSlowdownRatio),
		tenants: map[string]*tenant{}, notify: opts.OnChange,
	}
}

// Config returns the parameters in use.
func (in *Intel) Config() Config { return in.cfg }

// Now is the latest event time seen.
func (in *Intel) Now() int64 { return in.now }

// tenant is one tenant's state. Series live in slices indexed by dense ids; maps only translate
// keys to indexes and are never iterated.
type tenant struct {
	name                    string
	idx                     uint32 // its index in Intel.order
	skus, locs, chans, svcs names
	camps                   names // ad campaigns

	price      []int64 // by SKU id; 0 unknown
	priceSum   int64
	priceCount int64

	positions []position
	posIdx    map[uint64]int32 // pairKey(sku, loc)
	skuPos    [][]int32        // by SKU id: its positions, in creation order

	demand []demandSeries
	skuDem [][]demandRef // by SKU id: its series, in creation order

	channels  []channelSeries  // by channel id
	locations []locationSeries // by location id
	carriers  []carrierSeries  // by carrier-service id

	lanes    []laneSeries      // carrier service x origin location, in creation order
	laneIdx  map[uint64]int32  // pairKey(service, location) to its index
	locLanes [][]int32         // by location id: its lanes, in creation order
	parcels  map[uint64]parcel // parcels watched against their promise, by ref hash (parcels.go)

	ads    []adSeries      // in creation order
	adIdx  map[adKey]int32 // (campaign, SKU, channel) to its index
	skuAds [][]int32       // by SKU id: its ad series

	lines     uint64 // order lines of all channels: the clock of network-wide demand shares
	driftMean float64
	driftDev  float64
	driftN    uint32
	sla       velocity // sla_at_risk events
	slaBorn   int64
	breached  uint64
	slaAlert  bool

	fulfil        []channelFulfilment // by channel id
	lastCancelSeq uint64              // the latest cancel counted, to count a cancel's lines once
	lastCancelRef string

	alerts book
}

// tenantOf returns the state of name, creating it unless the limit is reached.
func (in *Intel) tenantOf(name string) *tenant {
	if t := in.last; t != nil && t.name == name {
		return t
	}
	t := in.tenants[name]
	if t == nil {
		if len(in.order) >= MaxTenants {
			return nil
		}
		t = &tenant{name: name, idx: uint32(len(in.order)), posIdx: map[uint64]int32{}}
		t.alerts.byKey = map[alertKey]*alert{}
		in.tenants[name] = t
		in.order = append(in.order, t)
	}
	in.last = t
	return t
}

// lookupTenant returns a tenant's state without creating it.
func (in *Intel) lookupTenant(name string) *tenant { return in.tenants[name] }

// ApplyAll applies events in order.
func (in *Intel) ApplyAll(events []depot.Event) {
	for i := range events {
		in.Apply(&events[i])
	}
}

// Apply takes one committed event. Events must come in sequence order; an event time before the
// latest seen is treated as the latest (the sequencer never goes backwards, but a projection
// must not break if fed a replay with equal stamps).
func (in *Intel) Apply(ev *depot.Event) {
	in.stats.Events++
	if in.pending.t != nil && (ev.Kind != depot.EventShipmentDelayed || ev.Tenant != in.pending.t.name || hashRef(ev.Ref) != in.pending.ref) {
		// A delivery that no late delay followed is on time, when it happened: before the
		// clock moves on and fires the parcel timers in between.
		in.flushPending(in.now)
	}
	in.tick(ev.Time)
	if ev.Tenant == "" {
		return
	}
	t := in.tenantOf(ev.Tenant)
	if t == nil {
		in.stats.Dropped++
		return
	}
	now := in.now
	switch ev.Kind {
	case depot.EventSKUDefined:
		if _, ok := t.skus.id(ev.SKU); !ok {
			in.stats.Dropped++
		}
	case depot.EventLocationDefined:
		in.locationDefined(t, ev, now)
	case depot.EventChannelDefined:
		in.channel(t, ev.Channel)
	case depot.EventInboundExpected:
		if p := in.position(t, ev.SKU, ev.Location, now); p != nil {
			p.expect(hashRef(ev.Ref), ev.Qty, ev.At)
			in.checkStockout(t, p, now)
		}
	case depot.EventReceived:
		if p := in.position(t, ev.SKU, ev.Location, now); p != nil {
			p.onHand += ev.Qty
			if ev.Reason != "" {
				p.receive(hashRef(ev.Reason), ev.Qty)
			}
			in.stockMoved(t, p, now)
		}
	case depot.EventAdjusted:
		if p := in.position(t, ev.SKU, ev.Location, now); p != nil {
			p.onHand += ev.Qty
			in.stockMoved(t, p, now)
		}
	case depot.EventCounted:
		if p := in.position(t, ev.SKU, ev.Location, now); p != nil {
			p.onHand += ev.Qty
			in.count(t, p, ev.Qty, now)
			in.stockMoved(t, p, now)
		}
	case depot.EventHeld:
		if p := in.position(t, ev.SKU, ev.Location, now); p != nil {
			p.held += ev.Qty
			in.stockMoved(t, p, now)
		}
	case depot.EventReserved:
		in.reserved(t, ev, now)
	case depot.EventReleased, depot.EventExpired:
		if p := in.position(t, ev.SKU, ev.Location, now); p != nil {
			p.reserved -= ev.Qty
		}
	case depot.EventCommitted:
		if p := in.position(t, ev.SKU, ev.Location, now); p != nil {
			p.reserved -= ev.Qty
			p.allocated += ev.Qty
			in.backlog(t, p.loc, ev.Qty, now)
		}
	case depot.EventShipped:
		if p := in.position(t, ev.SKU, ev.Location, now); p != nil {
			p.allocated -= ev.Qty
			p.onHand -= ev.Qty
			in.picked(t, p.loc, ev.Ref, ev.Qty, now)
		}
	case depot.EventReturned:
		if p := in.position(t, ev.SKU, ev.Location, now); p != nil {
			p.onHand += ev.Qty
			if len(ev.Reason) >= 4 && ev.Reason[:4] == "hold" {
				p.held += ev.Qty
			}
		}
	case depot.EventAdMetricsRecorded:
		in.adReport(t, ev, now)
	default:
		in.applyOrderEvent(t, ev, now)
	}
}

// stockMoved re-judges what depends on a position's stock after a movement that is not a sale:
// its stockout projection, and the SKU's ad campaigns when it has any.
func (in *Intel) stockMoved(t *tenant, p *position, now int64) {
	in.checkStockout(t, p, now)
	if int(p.sku) < len(t.skuAds) && len(t.skuAds[p.sku]) > 0 {
		in.adStockMoved(t, p.sku, now)
	}
}

// tick moves the projection's clock, fires the parcel timers it passes (parcels.go) and runs
// the time-driven checks when due.
func (in *Intel) tick(at int64) {
	if at <= in.now {
		return
	}
	in.now = at
	in.dueParcels(at)
	if in.nextSweep == 0 {
		in.nextSweep = at + in.cfg.SweepEvery
		return
	}
	if at >= in.nextSweep {
		in.sweep(at)
		in.nextSweep = at + in.cfg.SweepEvery
	}
}

// Advance moves time to now without an event (a quiet stream still has a clock: the caller's
// tick) and runs the time-driven checks: a channel that has gone silent sends no events.
func (in *Intel) Advance(now int64) {
	if in.pending.t != nil {
		in.flushPending(in.now)
	}
	in.tick(now)
}

// sweep runs every time-driven check of every tenant, in creation order. Its cost is bounded by
// the channels and open alerts, not by the series.
func (in *Intel) sweep(now int64) {
	for _, t := range in.order {
		for ci := range t.channels {
			in.checkSilence(t, uint32(ci), now)
		}
		for li := range t.locations {
			in.sweepNode(t, &t.locations[li], now)
			in.checkCutoff(t, &t.locations[li], now)
		}
		// Re-evaluate open alerts whose series may see no further events. Walk a copy: resolving
		// removes from the open list.
		open := t.alerts.open
		for i := len(open) - 1; i >= 0; i-- {
			a := open[i]
			switch a.key.kind {
			case KindDemandSpike:
				in.drainSpike(t, a.key, now)
			case KindCountDrift:
				in.ageDrift(t, a.key.a, now)
			case KindRejectionSurge:
				in.checkRejections(t, a.key.a, now)
			case KindCarrierDelay:
				in.checkCarrier(t, a.key.a, now)
			case KindSLARisk:
				in.checkSLA(t, now)
			case KindAdSpendOutOfStock:
				in.sweepAd(t, a.key, now)
			case KindCarrierLaneDelay:
				in.sweepLane(t, a.key.a, a.key.b, now)
			}
		}
	}
}

// SetPrice records a SKU's price in minor units, which events do not carry. Impacts are in money
// only for SKUs with a price; the others count units.
func (in *Intel) SetPrice(tenantName, sku string, priceMinor int64) {
	t := in.tenantOf(tenantName)
	if t == nil {
		in.stats.Dropped++
		return
	}
	id, ok := t.skus.id(sku)
	if !ok {
		in.stats.Dropped++
		return
	}
	for len(t.price) <= int(id) {
		t.price = append(t.price, 0)
	}
	if old := t.price[id]; old > 0 {
		t.priceSum -= old
		t.priceCount--
	}
	t.price[id] = max(priceMinor, 0)
	if priceMinor > 0 {
		t.priceSum += priceMinor
		t.priceCount++
	}
}

// priceOf is a SKU's price, or 0.
func (t *tenant) priceOf(sku uint32) int64 {
	if int(sku) < len(t.price) {
		return t.price[sku]
	}
	return 0
}

// meanPrice is the mean known price, the value of a unit when the SKU is not known (a channel's
// missed orders, a location's shrink).
func (t *tenant) meanPrice() int64 {
	if t.priceCount == 0 {
		return 0
	}
	return t.priceSum / t.priceCount
}

// Stats returns the counters and the state size.
func (in *Intel) Stats() Stats {
	s := in.stats
	s.Tenants = len(in.order)
	s.ParcelTimers = in.parcels.h.Len()
	for _, t := range in.order {
		s.Positions += len(t.positions)
		s.DemandSeries += len(t.demand)
		s.Channels += len(t.channels)
		s.Locations += len(t.locations)
		s.CarrierServices += len(t.carriers)
		s.Lanes += len(t.lanes)
		s.AdSeries += len(t.ads)
		s.Parcels += len(t.parcels)
		s.OpenAlerts += len(t.alerts.open)
		s.ResolvedAlerts += len(t.alerts.resolved)
	}
	s.StateBytes = int64(s.Positions)*(sizePosition+mapEntryBytes) + int64(s.DemandSeries)*(sizeDemand+demandRefBytes) +
		int64(s.Channels)*sizeChannel + int64(s.Locations)*sizeLocation + int64(s.CarrierServices)*sizeCarrier +
		int64(s.OpenAlerts+s.ResolvedAlerts)*sizeAlert + int64(s.AdSeries)*(sizeAd+adMapBytes+4) +
		int64(s.Lanes)*(sizeLane+mapEntryBytes+4) + int64(s.ParcelTimers)*sizeParcelTimer + int64(s.Parcels)*mapEntryBytes
	return s
}
