package orders

import (
	"slices"
	"sort"

	"github.com/depothq/depot"
	"github.com/depothq/depot/carriers"
	"github.com/depothq/depot/ledger"
	"github.com/depothq/depot/sourcing"
)

// Carriers as data: define_carrier keeps the services as defined (the snapshot writes them back)
// and rebuilds the tenant's Selector over every service of every carrier, carrying learned
// on-time scores over to the services that stay.

type carrierDef struct {
	id       string
	services []depot.CarrierService
	zones    []depot.CarrierZone
	codes    []depot.CarrierCode
}

// command is the define_carrier that made the definition, for the snapshot.
func (d *carrierDef) command(tenant string) *depot.DefineCarrier {
	return &depot.DefineCarrier{Tenant: tenant, Carrier: d.id, Services: d.services, Zones: d.zones, Codes: d.codes}
}

func (x *Orders) defineCarrier(st *step, c *depot.DefineCarrier) *depot.Rejection {
	t := x.tenantOf(c.Tenant)
	if t == nil {
		// Carriers need locations to ship from; a tenant is born with its first catalogue entry.
		return depot.Reject(depot.CodeInvalidState, "tenant", "tenant %q has no catalogue yet; define its locations first", c.Tenant)
	}
	i := sort.Search(len(t.carriers), func(i int) bool { return t.carriers[i].id >= c.Carrier })
	exists := i < len(t.carriers) && t.carriers[i].id == c.Carrier
	if !exists && len(t.carriers) >= depot.MaxCarriers {
		return depot.Reject(depot.CodeLimitExceeded, "carrier", "a tenant has at most %d carriers", depot.MaxCarriers)
	}
	def := &carrierDef{id: c.Carrier, services: cloneServices(c.Services), zones: slices.Clone(c.Zones), codes: slices.Clone(c.Codes)}
	next := append([]*carrierDef(nil), t.carriers...)
	switch {
	case exists && len(def.services) == 0:
		next = append(next[:i], next[i+1:]...)
	case exists:
		next[i] = def
	case len(def.services) > 0:
		next = append(next[:i], append([]*carrierDef{def}, next[i:]...)...)
	}
	sel, err := buildSelector(next, t.sel)
	if err != nil {
		// Validate checks what the Selector checks; a difference is a bug worth seeing.
		return depot.Reject(depot.CodeInvalidArgument, "services", "%v", err)
	}
	norm, err := buildNormalizer(next)
	if err != nil {
		return depot.Reject(depot.CodeInvalidArgument, "codes", "%v", err)
	}
	t.carriers, t.sel, t.est, t.norm = next, sel, newEstimator(sel), norm
	x.emit(st, t, depot.Event{Kind: depot.EventCarrierDefined, Ref: c.Carrier, Qty: int64(len(c.Services))})
	return nil
}

func cloneServices(in []depot.CarrierService) []depot.CarrierService {
	out := make([]depot.CarrierService, len(in))
	for i, s := range in {
		s.DistanceUpToM = append([]int64(nil), s.DistanceUpToM...)
		s.ZoneUpTo = append([]int64(nil), s.ZoneUpTo...)
		s.WeightUpToG = append([]int64(nil), s.WeightUpToG...)
		s.Prices = append([]int64(nil), s.Prices...)
		s.Cutoffs = append([]depot.CarrierCutoff(nil), s.Cutoffs...)
		out[i] = s
	}
	return out
}

// buildSelector builds the Selector of all services, scores taken from prev where the same
// (carrier, service) existed; nil when there are no services.
func buildSelector(defs []*carrierDef, prev *carriers.Selector) (*carriers.Selector, error) {
	var svcs []carriers.Service
	for _, d := range defs {
		var chart *carriers.ZoneChart
		if len(d.zones) > 0 {
			rules := make([]carriers.ZoneRule, len(d.zones))
			for i, z := range d.zones {
				rules[i] = carriers.ZoneRule(z)
			}
			var err error
			if chart, err = carriers.NewZoneChart(rules); err != nil {
				return nil, err
			}
		}
		for _, s := range d.services {
			cs := carriers.Service{
				Carrier: d.id, ID: s.Service,
				Rates:             carriers.RateCard{Basis: carriers.ByDistance, BandUpTo: s.DistanceUpToM, WeightUpToG: s.WeightUpToG, Prices: s.Prices},
				TransitMinMinutes: s.TransitMinMinutes, TransitMaxMinutes: s.TransitMaxMinutes,
				CutoffMinute: s.CutoffMinute, PickupEveryMinutes: s.PickupEveryMinutes, PickupFromMinute: s.PickupFromMinute,
				Days: carriers.Weekdays(s.Days),
			}
			if len(s.ZoneUpTo) > 0 {
				cs.Rates.Basis, cs.Rates.BandUpTo, cs.Zones = carriers.ByZone, s.ZoneUpTo, chart
			}
			for _, co := range s.Cutoffs {
				cs.Cutoffs = append(cs.Cutoffs, carriers.Cutoff{Location: co.Location, Minute: co.Minute})
			}
			if prev != nil {
				if j, ok := prev.Index(d.id, s.Service); ok {
					cs.OnTime = prev.Service(j).OnTime
				}
			}
			svcs = append(svcs, cs)
		}
	}
	if len(svcs) == 0 {
		return nil, nil
	}
	return carriers.NewSelector(svcs)
}

// buildNormalizer builds the tracking code tables of the carriers that have one over the common
// spellings; nil when no carrier has a table (the shared default normalizer serves).
func buildNormalizer(defs []*carrierDef) (*carriers.Normalizer, error) {
	var tables []carriers.CarrierCodes
	for _, d := range defs {
		if len(d.codes) == 0 {
			continue
		}
		tab := carriers.CarrierCodes{Carrier: d.id, Codes: make([]carriers.Code, len(d.codes))}
		for i, c := range d.codes {
			tab.Codes[i] = carriers.Code{Code: c.Code, Status: carriers.Status(c.Status)}
		}
		tables = append(tables, tab)
	}
	if len(tables) == 0 {
		return nil, nil
	}
	return carriers.NewNormalizer(tables)
}

// estimator quotes shipments for the sourcing search from the tenant's rate cards: the cheapest
// service that can carry the parcel, with its maximum transit. For cards by distance it is a
// table over the union of every card's distance and weight bounds, built when carriers change,
// so a quote in the search's inner loop is two short scans and an index: within one cell of the
// union grid every card's price and coverage are constant, so the cheapest of each cell is exact.
// Cards by zone depend on the origin and the ship-to's postal code, so each is quoted on its own
// (zone lookup and price) against the order set by forOrder; tenants without them pay nothing for
// it. The carrier choice proper, with pickups and the promise, happens once per planned shipment.
type estimator struct {
	distUpTo, weightUpTo []int64
	price, transit       []int64 // per cell, row-major by distance band; price -1: nobody carries it
	floor                []int64 // per distance band: the cheapest cell from that band on

	zoned     []carriers.Service // the services priced by zone chart
	zoneFloor int64              // the cheapest price of any zone card
	// The order being sourced: its ship-to's country and postal code, for zone lookups.
	country, postal string
}

// forOrder points the zone lookups at the order's ship-to.
func (e *estimator) forOrder(o *order) {
	if len(e.zoned) > 0 {
		e.country, e.postal = o.country, o.postal
	}
}

func newEstimator(sel *carriers.Selector) *estimator {
	if sel == nil {
		return nil
	}
	e := &estimator{zoneFloor: -1}
	for i := 0; i < sel.Len(); i++ {
		s := sel.Service(i)
		if s.Rates.Basis == carriers.ByZone {
			e.zoned = append(e.zoned, s)
			for _, p := range s.Rates.Prices {
				if e.zoneFloor < 0 || p < e.zoneFloor {
					e.zoneFloor = p
				}
			}
			continue
		}
		e.distUpTo = append(e.distUpTo, s.Rates.BandUpTo...)
		e.weightUpTo = append(e.weightUpTo, s.Rates.WeightUpToG...)
	}
	slices.Sort(e.distUpTo)
	slices.Sort(e.weightUpTo)
	e.distUpTo, e.weightUpTo = slices.Compact(e.distUpTo), slices.Compact(e.weightUpTo)
	nd, nw := len(e.distUpTo), len(e.weightUpTo)
	e.price, e.transit = make([]int64, nd*nw), make([]int64, nd*nw)
	for d, dist := range e.distUpTo {
		for w, weight := range e.weightUpTo {
			best, price, transit := -1, int64(0), int64(0)
			for i := 0; i < sel.Len(); i++ {
				s := sel.Service(i)
				if s.Rates.Basis == carriers.ByZone {
					continue
				}
				p, ok := s.Rates.Price(dist, weight)
				if ok && (best < 0 || p < price || (p == price && s.TransitMaxMinutes < transit)) {
					best, price, transit = i, p, s.TransitMaxMinutes
				}
			}
			if best < 0 {
				price = -1
			}
			e.price[d*nw+w], e.transit[d*nw+w] = price, transit
		}
	}
	e.floor = make([]int64, nd)
	next := int64(-1)
	for d := nd - 1; d >= 0; d-- {
		for _, p := range e.price[d*nw : (d+1)*nw] {
			if p >= 0 && (next < 0 || p < next) {
				next = p
			}
		}
		e.floor[d] = max(next, 0)
	}
	return e
}

// Estimate implements sourcing.Estimator.
func (e *estimator) Estimate(loc *sourcing.Location, distanceM, weightG int64) (sourcing.Quote, bool) {
	q, ok := e.gridQuote(distanceM, weightG)
	if len(e.zoned) > 0 {
		return e.zoneQuote(q, ok, loc, distanceM, weightG)
	}
	return q, ok
}

func (e *estimator) gridQuote(distanceM, weightG int64) (sourcing.Quote, bool) {
	d, w := bandOf(e.distUpTo, distanceM), bandOf(e.weightUpTo, weightG)
	if d < 0 || w < 0 {
		return sourcing.Quote{}, false
	}
	i := d*len(e.weightUpTo) + w
	if e.price[i] < 0 {
		return sourcing.Quote{}, false
	}
	return sourcing.Quote{CostMinor: e.price[i], TransitMinutes: e.transit[i]}, true
}

// zoneQuote improves on the grid's quote with the services priced by zone (the same tie-break:
// cheaper, then faster).
func (e *estimator) zoneQuote(q sourcing.Quote, ok bool, loc *sourcing.Location, distanceM, weightG int64) (sourcing.Quote, bool) {
	for i := range e.zoned {
		s := &e.zoned[i]
		z, found := s.Zones.Zone(loc.ID, e.country, e.postal, distanceM)
		if !found {
			continue
		}
		p, covered := s.Rates.Price(z, weightG)
		if covered && (!ok || p < q.CostMinor || (p == q.CostMinor && s.TransitMaxMinutes < q.TransitMinutes)) {
			q, ok = sourcing.Quote{CostMinor: p, TransitMinutes: s.TransitMaxMinutes}, true
		}
	}
	return q, ok
}

// CostFloor implements sourcing.CostFloorer: no quote for a shipment over at least minDistanceM
// metres is below the cheapest cell from minDistanceM's band on, nor below the cheapest price of
// any zone card (a zone does not grow with distance in any way the floor could use).
func (e *estimator) CostFloor(minDistanceM int64) int64 {
	d := bandOf(e.distUpTo, minDistanceM)
	switch {
	case e.zoneFloor < 0 && d < 0:
		return 0
	case e.zoneFloor < 0:
		return e.floor[d]
	case d < 0:
		return e.zoneFloor
	}
	return min(e.floor[d], e.zoneFloor)
}

// bandOf returns the index of the first bound >= v, or -1. Tables are short; a scan is fastest.
func bandOf(upTo []int64, v int64) int {
	if v < 0 {
		return -1
	}
	for i, u := range upTo {
		if v <= u {
			return i
		}
	}
	return -1
}

// choice is what was decided for one planned shipment's carriage.
type choice struct {
	carrier, service string
	price            int64
	pickupAt         int64
	promisedAt       int64
	dueAt            int64
	slot             int64
	hasSlot          bool
	atRisk           string // why the promise cannot be met, "" if it can
}

// choose picks the carriage of a planned shipment: for a quick order a rider slot of the dark
// store's fleet, else the cheapest carrier service whose promise meets deliver_by (the fastest,
// flagged, if none does). readyAt is when the parcel can leave the location.
func (x *Orders) choose(t *tenant, o *order, loc ledger.LocRef, distanceM, weightG, readyAt int64) choice {
	if o.level == depot.LevelQuick {
		n := t.node(loc)
		if n.fleet == nil {
			arrive := readyAt + ceilDiv(distanceM, carriers.DefaultRiderSpeedMPerMin)*minuteNanos
			c := choice{carrier: riderCarrier, pickupAt: readyAt, promisedAt: arrive}
			if o.deliverBy != 0 && arrive > o.deliverBy {
				c.atRisk = "the ride arrives " + formatTime(arrive)
			}
			return c
		}
		b, err := n.fleet.Book(readyAt, o.deliverBy, distanceM)
		if err != nil {
			return choice{carrier: riderCarrier, pickupAt: readyAt, promisedAt: 0, atRisk: "no rider slot is free"}
		}
		c := choice{carrier: riderCarrier, pickupAt: b.DepartAt, promisedAt: b.ArriveAt, slot: b.Slot, hasSlot: true}
		if b.AtRisk {
			c.atRisk = "the first free rider arrives " + formatTime(b.ArriveAt)
		}
		return c
	}
	if t.sel == nil {
		return choice{pickupAt: readyAt, atRisk: "no carrier service is defined"}
	}
	n := t.node(loc)
	ch, err := t.sel.Choose(&carriers.Shipment{Location: t.h.LocationID(loc), UTCOffsetMinutes: n.utcOffset, ReadyAt: readyAt,
		DeliverBy: o.deliverBy, DistanceM: distanceM, WeightG: weightG, Country: o.country, PostalCode: o.postal})
	if err != nil {
		return choice{pickupAt: readyAt, atRisk: "no carrier service can carry it"}
	}
	svc := t.sel.Service(ch.Service)
	c := choice{carrier: ch.Carrier, service: ch.ServiceID, price: ch.PriceMinor, pickupAt: ch.PickupAt, promisedAt: ch.PromisedAt,
		dueAt: ch.PickupAt + svc.TransitMaxMinutes*minuteNanos}
	if ch.AtRisk {
		c.atRisk = "no service promises it in time; " + ch.Carrier + "/" + ch.ServiceID + " promises " + formatTime(ch.PromisedAt)
	}
	return c
}

// estimateFrom projects a shipment that is ready to leave at ready: when it leaves (the carrier's
// pickup, the rider's departure) and when it arrives, by its current carriage.
func (x *Orders) estimateFrom(t *tenant, sh *shipment, ready int64) (leave, arrive int64) {
	switch {
	case sh.carrier == riderCarrier:
		ride := sh.promisedAt - sh.pickupAt
		return ready, ready + max(ride, 0)
	case sh.carrier != "" && t.sel != nil:
		if i, ok := t.sel.Index(sh.carrier, sh.service); ok {
			q, ok := t.sel.Quote(i, &carriers.Shipment{Location: t.h.LocationID(sh.loc), UTCOffsetMinutes: t.node(sh.loc).utcOffset,
				ReadyAt: ready, DistanceM: sh.distanceM, WeightG: sh.weightG, Country: sh.o.country, PostalCode: sh.o.postal})
			if ok {
				return q.PickupAt, q.PromisedAt
			}
		}
	}
	transit := int64(0)
	if sh.promisedAt > sh.pickupAt {
		transit = sh.promisedAt - sh.pickupAt
	}
	return ready, ready + transit
}

// pickLead is how long a new shipment at loc waits for the pick queue: the backlog at the
// location's pick rate (its capacity per hour), or defaultPickMinutes per queued shipment.
func (x *Orders) pickLead(t *tenant, loc ledger.LocRef) int64 {
	backlog := int64(len(t.node(loc).open))
	t.h.LocationInfo(loc, &x.info)
	if rate := x.info.CapacityPerHour; rate > 0 {
		return ceilDiv(backlog*hourNanos, rate)
	}
	return backlog * defaultPickMinutes * minuteNanos
}
