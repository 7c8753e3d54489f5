package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/depothq/depot"
)

// Scenario is one simulated business as data: what it sells, where it keeps stock, where it
// sells, who ships for it and what it expects to receive. It is a pure function of the Config.
type Scenario struct {
	Seed         int64       `json:"seed"`
	Tenant       string      `json:"tenant"`
	City         City        `json:"city"`
	Start        int64       `json:"start"`
	OrdersPerDay int         `json:"orders_per_day"`
	SKUs         []SKU       `json:"skus"`
	Locations    []Location  `json:"locations"`
	Channels     []Channel   `json:"channels"`
	Carriers     []Carrier   `json:"carriers"`
	Stock        []StockLine `json:"stock"`
	Inbound      []Inbound   `json:"inbound"`

	// rankAll and rankQuick list SKU indexes by popularity, most popular first, for the
	// shipped channels and for the quick channel's dark-store assortment.
	rankAll   []int
	rankQuick []int
	skuIndex  map[string]int
}

// SKU is one sellable item. A SKU with Components is a kit: it holds no stock of its own.
type SKU struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Category    string            `json:"category"`
	Quick       bool              `json:"quick"` // in the dark stores' assortment
	WeightGrams int64             `json:"weight_grams"`
	PriceMinor  int64             `json:"price_minor"`
	Components  []depot.Component `json:"components,omitempty"`
}

// IsKit reports whether the SKU is a bundle of other SKUs.
func (s *SKU) IsKit() bool { return len(s.Components) > 0 }

// Location is a warehouse, store or dark store.
type Location struct {
	ID              string             `json:"id"`
	Name            string             `json:"name"`
	Kind            depot.LocationKind `json:"-"`
	KindName        string             `json:"kind"`
	LatE6           int64              `json:"lat_e6"`
	LonE6           int64              `json:"lon_e6"`
	ServiceRadiusM  int64              `json:"service_radius_m,omitempty"`
	CapacityPerHour int64              `json:"capacity_per_hour"`
	Groups          []string           `json:"groups"`
	// DemandWeight is the share of the city's quick orders that land nearest to it (dark
	// stores only; the weights sum to 1).
	DemandWeight float64 `json:"demand_weight,omitempty"`
	// ReplenishFrom is the location that restocks this one by transfer; empty means a supplier
	// delivers purchase orders.
	ReplenishFrom string `json:"replenish_from,omitempty"`
	// LeadTime is how long a replenishment takes to arrive.
	LeadTime time.Duration `json:"lead_time"`
}

// Channel is a sales channel: its allocation policy as the engine sees it, and how its
// customers behave as the simulator sees them.
type Channel struct {
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	Locations []string          `json:"locations"`
	Buffer    depot.Buffer      `json:"buffer"`
	Overrides []depot.SKUBuffer `json:"sku_buffers,omitempty"`
	// Share is the channel's share of the day's orders.
	Share float64 `json:"share"`
	// Quick channels place each order at the dark store nearest the customer; the others let
	// the channel's policy place lines.
	Quick bool `json:"quick"`
	// Hourly is the relative order rate by local hour of day.
	Hourly [24]float64 `json:"hourly"`
	// TTL is how long a cart's reservation lives; Promise is the ship-by promise counted from
	// the order (the simulator's SLA).
	TTL     time.Duration `json:"ttl"`
	Promise time.Duration `json:"promise"`
	// Abandon and Release are the shares of reservations left to expire and released before
	// checkout (payment failed or the customer cancelled); the rest are committed.
	Abandon float64 `json:"abandon"`
	Release float64 `json:"release"`
	// Backorder is the channel's default backorder policy for its orchestrated orders (its
	// routing's); 0 is whole lines.
	Backorder depot.BackorderPolicy `json:"-"`
	// CheckoutMin and CheckoutMax bound the time from reservation to commit.
	CheckoutMin time.Duration `json:"checkout_min"`
	CheckoutMax time.Duration `json:"checkout_max"`
	// ReturnRate is the share of shipped orders that come back, after ReturnAfterMin..Max.
	ReturnRate     float64       `json:"return_rate"`
	ReturnAfterMin time.Duration `json:"return_after_min"`
	ReturnAfterMax time.Duration `json:"return_after_max"`
}

// StockLine is the opening stock of one position and its replenishment policy: when available
// plus inbound falls below ReorderPoint, order up to OrderUpTo.
type StockLine struct {
	SKU          string `json:"sku"`
	Location     string `json:"location"`
	OnHand       int64  `json:"on_hand"`
	ReorderPoint int64  `json:"reorder_point"`
	OrderUpTo    int64  `json:"order_up_to"`
}

// Inbound is a purchase order expected during the simulated day.
type Inbound struct {
	ID       string `json:"id"`
	SKU      string `json:"sku"`
	Location string `json:"location"`
	Qty      int64  `json:"qty"`
	ETA      int64  `json:"eta"`
}

// Order shape: how many lines and units a simulated order has.
var (
	lineCountWeights = []float64{0.35, 0.25, 0.20, 0.12, 0.08} // 1..MaxOrderLines lines
	lineQtyWeights   = []float64{0.78, 0.17, 0.05}             // 1..3 units
)

// Hour-of-day curves (local time): quick commerce peaks at lunch and dinner, web shops in the
// evening, marketplaces are flatter.
var (
	quickHourly  = [24]float64{0.25, 0.12, 0.06, 0.04, 0.04, 0.08, 0.3, 0.7, 1.0, 1.0, 1.1, 1.4, 1.8, 1.6, 1.2, 1.1, 1.3, 1.8, 2.4, 2.6, 2.2, 1.6, 1.0, 0.5}
	webHourly    = [24]float64{0.5, 0.3, 0.2, 0.15, 0.15, 0.2, 0.4, 0.7, 0.9, 1.0, 1.1, 1.2, 1.3, 1.2, 1.1, 1.1, 1.2, 1.3, 1.5, 1.8, 2.0, 1.9, 1.5, 0.9}
	marketHourly = [24]float64{0.6, 0.4, 0.3, 0.25, 0.25, 0.3, 0.5, 0.8, 1.0, 1.1, 1.1, 1.2, 1.2, 1.2, 1.1, 1.1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.4, 1.2, 0.9}
)

// NewScenario builds the business a Config describes.
func NewScenario(cfg Config) (*Scenario, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), streamScenario))
	sc := &Scenario{
		Seed: cfg.Seed, Tenant: cfg.Tenant, City: berlin, Start: cfg.Start, OrdersPerDay: cfg.OrdersPerDay,
		Carriers: defaultCarriers(),
	}
	sc.SKUs = buildCatalogue(rng, cfg.SKUs, cfg.Kits)
	sc.skuIndex = make(map[string]int, len(sc.SKUs))
	for i := range sc.SKUs {
		sc.skuIndex[sc.SKUs[i].ID] = i
	}
	// Popularity is a shuffled order, so that demand is not correlated with category or id.
	sc.rankAll = rng.Perm(len(sc.SKUs))
	for _, i := range sc.rankAll {
		if sc.SKUs[i].Quick {
			sc.rankQuick = append(sc.rankQuick, i)
		}
	}
	sc.Channels = buildChannels(cfg.DarkStores)
	sc.Locations = buildLocations(rng, cfg.DarkStores)
	sc.sizeCapacity(rng)
	sc.stockUp(rng)
	for i := range sc.Channels {
		sc.setBuffers(&sc.Channels[i])
	}
	return sc, nil
}

func darkStoreID(i int) string {
	p := neighbourhoods[i%len(neighbourhoods)]
	if i < len(neighbourhoods) {
		return "ds-" + p.slug
	}
	return fmt.Sprintf("ds-%s-%d", p.slug, i/len(neighbourhoods)+1)
}

// buildLocations lays out the warehouses, the stores and the dark stores (jittered around their
// neighbourhood so that stores beyond the named ones do not sit on top of each other).
func buildLocations(rng *rand.Rand, darkStores int) []Location {
	var locs []Location
	for i, w := range warehouses {
		region := "regional"
		if i == 0 {
			region = "berlin"
		}
		locs = append(locs, Location{
			ID: "wh-" + w.slug, Name: w.name, Kind: depot.LocationWarehouse, LatE6: e6(w.lat), LonE6: e6(w.lon),
			Groups: []string{"dc", region}, LeadTime: time.Duration(4+rng.IntN(7)) * time.Hour,
		})
	}
	for _, s := range stores {
		locs = append(locs, Location{
			ID: "st-" + s.slug, Name: s.name, Kind: depot.LocationStore, LatE6: e6(s.lat), LonE6: e6(s.lon),
			ServiceRadiusM: 5000, Groups: []string{"berlin", "store"}, ReplenishFrom: "wh-ber",
			LeadTime: time.Duration(120+rng.IntN(120)) * time.Minute,
		})
	}
	weights := make([]float64, darkStores)
	var sum float64
	for i := range weights {
		weights[i] = 0.5 + rng.Float64()
		sum += weights[i]
	}
	for i := range darkStores {
		p := neighbourhoods[i%len(neighbourhoods)]
		lat, lon := p.lat, p.lon
		if i >= len(neighbourhoods) {
			lat += (rng.Float64() - 0.5) * 0.02
			lon += (rng.Float64() - 0.5) * 0.03
		}
		name := "Dark store " + p.name
		if i >= len(neighbourhoods) {
			name = fmt.Sprintf("%s %d", name, i/len(neighbourhoods)+1)
		}
		locs = append(locs, Location{
			ID: darkStoreID(i), Name: name, Kind: depot.LocationDarkStore, LatE6: e6(lat), LonE6: e6(lon),
			ServiceRadiusM: int64(2500 + rng.IntN(1001)), Groups: []string{"berlin", "quick"},
			DemandWeight: weights[i] / sum, ReplenishFrom: "wh-ber",
			LeadTime: time.Duration(60+rng.IntN(60)) * time.Minute,
		})
	}
	for i := range locs {
		locs[i].KindName = locs[i].Kind.String()
	}
	return locs
}

// buildChannels defines the four channels. The shipped channels list the warehouses in
// different orders, as a merchant would to spread load; stores come last, as fallback.
func buildChannels(darkStores int) []Channel {
	ds := make([]string, darkStores)
	for i := range ds {
		ds[i] = darkStoreID(i)
	}
	slices.Sort(ds)
	return []Channel{
		{ID: "quick_app", Name: "Quick commerce app", Locations: ds, Share: 0.50, Quick: true, Hourly: quickHourly,
			TTL: 5 * time.Minute, Promise: 30 * time.Minute, Abandon: 0.03, Release: 0.02,
			CheckoutMin: 10 * time.Second, CheckoutMax: 90 * time.Second,
			ReturnRate: 0.02, ReturnAfterMin: time.Hour, ReturnAfterMax: 3 * time.Hour},
		{ID: "shopify", Name: "Shopify store", Share: 0.20, Hourly: webHourly,
			Locations: []string{"wh-ham", "wh-ber", "wh-dtm", "wh-lej", "wh-muc", "st-kudamm", "st-alexanderplatz"},
			TTL:       15 * time.Minute, Promise: 24 * time.Hour, Abandon: 0.08, Release: 0.03,
			CheckoutMin: 30 * time.Second, CheckoutMax: 6 * time.Minute,
			ReturnRate: 0.06, ReturnAfterMin: 48 * time.Hour, ReturnAfterMax: 120 * time.Hour},
		{ID: "amazon", Name: "Amazon marketplace", Share: 0.18, Hourly: marketHourly,
			Locations: []string{"wh-dtm", "wh-lej", "wh-muc", "wh-ham", "wh-ber"},
			Buffer:    depot.Buffer{Percent: 10},
			TTL:       10 * time.Minute, Promise: 24 * time.Hour, Release: 0.01, Backorder: depot.BackorderPartial,
			CheckoutMin: 2 * time.Second, CheckoutMax: 20 * time.Second,
			ReturnRate: 0.05, ReturnAfterMin: 48 * time.Hour, ReturnAfterMax: 120 * time.Hour},
		{ID: "own_web", Name: "Own web shop", Share: 0.12, Hourly: webHourly,
			Locations: []string{"wh-ber", "wh-lej", "wh-ham", "wh-dtm", "wh-muc", "st-alexanderplatz", "st-kudamm"},
			TTL:       20 * time.Minute, Promise: 24 * time.Hour, Abandon: 0.10, Release: 0.03,
			CheckoutMin: 30 * time.Second, CheckoutMax: 8 * time.Minute,
			ReturnRate: 0.07, ReturnAfterMin: 48 * time.Hour, ReturnAfterMax: 120 * time.Hour},
	}
}

// zipfWeights returns the normalised demand share of each popularity rank, matching the
// sampler the workload uses (rand.NewZipf with zipfS and zipfV).
func zipfWeights(n int) []float64 {
	w := make([]float64, n)
	var sum float64
	for k := range w {
		w[k] = math.Pow(zipfV+float64(k), -zipfS)
		sum += w[k]
	}
	for k := range w {
		w[k] /= sum
	}
	return w
}

// dailyUnits returns the expected units per day of every stocked SKU (kits counted through their
// components) for the quick channel and for the shipped channels together.
func (sc *Scenario) dailyUnits() (quick, shipped []float64) {
	var meanLines, meanQty float64
	for i, w := range lineCountWeights {
		meanLines += float64(i+1) * w
	}
	for i, w := range lineQtyWeights {
		meanQty += float64(i+1) * w
	}
	var quickShare float64
	for _, c := range sc.Channels {
		if c.Quick {
			quickShare += c.Share
		}
	}
	units := float64(sc.OrdersPerDay) * meanLines * meanQty
	quick = make([]float64, len(sc.SKUs))
	shipped = make([]float64, len(sc.SKUs))
	spread := func(out []float64, rank []int, total float64) {
		for k, p := range zipfWeights(len(rank)) {
			s := &sc.SKUs[rank[k]]
			if !s.IsKit() {
				out[rank[k]] += total * p
				continue
			}
			for _, c := range s.Components {
				out[sc.skuIndex[c.SKU]] += total * p * float64(c.Qty)
			}
		}
	}
	spread(quick, sc.rankQuick, units*quickShare)
	spread(shipped, sc.rankAll, units*(1-quickShare))
	return quick, shipped
}

// sizeCapacity gives each location a picking capacity per hour. Dark stores get between 0.6 and
// 1.4 times their peak-hour demand, so the busiest fall behind at dinner time and miss promises,
// as real ones do; warehouses clear a night's backlog in a few morning hours.
func (sc *Scenario) sizeCapacity(rng *rand.Rand) {
	var quickShare, peak, sum float64
	for _, c := range sc.Channels {
		if c.Quick {
			quickShare += c.Share
		}
	}
	for _, h := range quickHourly {
		peak = max(peak, h)
		sum += h
	}
	quickOrders := float64(sc.OrdersPerDay) * quickShare
	shippedOrders := float64(sc.OrdersPerDay) - quickOrders
	for i := range sc.Locations {
		l := &sc.Locations[i]
		switch l.Kind {
		case depot.LocationDarkStore:
			peakHour := quickOrders * l.DemandWeight * peak / sum
			l.CapacityPerHour = max(6, int64(peakHour*(0.6+0.8*rng.Float64())))
		case depot.LocationWarehouse:
			l.CapacityPerHour = max(60, int64(shippedOrders*(0.06+0.06*rng.Float64())))
		case depot.LocationStore:
			l.CapacityPerHour = int64(20 + rng.IntN(20))
		}
	}
}

// stockUp sets the opening stock and the replenishment policy of every position, and the day's
// purchase orders. A few SKUs start nearly sold out with a receipt due later in the day: they are
// where a system without a ledger would oversell.
func (sc *Scenario) stockUp(rng *rand.Rand) {
	quick, shipped := sc.dailyUnits()
	short := make([]bool, len(sc.SKUs))
	for i := range sc.SKUs {
		short[i] = !sc.SKUs[i].IsKit() && rng.Float64() < shortSKUShare
	}
	poSeq := 0
	addPO := func(sku, loc string, qty int64, eta int64) {
		poSeq++
		sc.Inbound = append(sc.Inbound, Inbound{ID: fmt.Sprintf("po-open-%03d", poSeq), SKU: sku, Location: loc, Qty: qty, ETA: eta})
	}
	etaDuringDay := func() int64 {
		return sc.Start + int64(8*time.Hour) + rng.Int64N(int64(10*time.Hour))
	}
	for _, l := range sc.Locations {
		for i := range sc.SKUs {
			s := &sc.SKUs[i]
			if s.IsKit() {
				continue
			}
			var daily float64
			switch l.Kind {
			case depot.LocationWarehouse:
				// Every warehouse can take the whole shipped demand (channel policies funnel it
				// to their first choice), so each holds about a day of it, give or take half.
				daily = shipped[i] + quick[i]/4
			case depot.LocationDarkStore:
				if !s.Quick {
					continue
				}
				daily = quick[i] * l.DemandWeight
			case depot.LocationStore:
				if rng.Float64() > 0.25 {
					continue
				}
				daily = 2
			}
			lead := l.LeadTime.Hours() / 24
			line := StockLine{SKU: s.ID, Location: l.ID}
			line.ReorderPoint = int64(math.Ceil(daily*lead*1.5)) + 1
			line.OrderUpTo = line.ReorderPoint + int64(math.Ceil(daily))
			line.OnHand = int64(math.Ceil(daily*(0.5+rng.Float64()))) + 1
			if short[i] {
				line.OnHand = rng.Int64N(3)
				if l.Kind == depot.LocationWarehouse {
					// The buyer already ordered: replenishment waits for that receipt.
					line.ReorderPoint, line.OrderUpTo = 0, 0
				}
				if l.ID == "wh-ber" {
					addPO(s.ID, l.ID, int64(math.Ceil(2*daily))+5, etaDuringDay())
				}
			}
			sc.Stock = append(sc.Stock, line)
		}
	}
	// The regular inbound schedule: a few dozen purchase orders across the warehouses.
	for range 24 + rng.IntN(12) {
		i := sc.rankAll[rng.IntN(len(sc.rankAll))]
		if sc.SKUs[i].IsKit() {
			continue
		}
		w := warehouses[rng.IntN(len(warehouses))]
		addPO(sc.SKUs[i].ID, "wh-"+w.slug, int64(math.Ceil(shipped[i]))+10+rng.Int64N(40), etaDuringDay())
	}
	slices.SortStableFunc(sc.Inbound, func(a, b Inbound) int { return int(sign(a.ETA - b.ETA)) })
}

// setBuffers gives the marketplace its per-SKU overrides: the five top sellers keep a unit
// floor back on top of the percentage, and three promotional items further down are capped.
func (sc *Scenario) setBuffers(c *Channel) {
	if c.Buffer.Percent == 0 {
		return
	}
	const floors, capFrom, capTo = 5, 40, 43
	rank := 0
	for _, i := range sc.rankAll {
		if sc.SKUs[i].IsKit() {
			continue
		}
		b := c.Buffer
		switch {
		case rank < floors:
			b.Units = 20
		case rank >= capFrom && rank < capTo:
			b.Cap = 40
		}
		if b != c.Buffer {
			c.Overrides = append(c.Overrides, depot.SKUBuffer{SKU: sc.SKUs[i].ID, Buffer: b})
		}
		rank++
		if rank >= capTo {
			return
		}
	}
}

func sign(v int64) int64 {
	switch {
	case v < 0:
		return -1
	case v > 0:
		return 1
	}
	return 0
}

// Commands returns the commands that create the business in an empty tenant: SKUs (components
// before kits), locations, channels, carriers, routing, the opening stock and the expected
// receipts.
func (sc *Scenario) Commands() []depot.Command {
	var out []depot.Command
	for pass := range 2 {
		for i := range sc.SKUs {
			s := &sc.SKUs[i]
			if s.IsKit() != (pass == 1) {
				continue
			}
			out = append(out, &depot.DefineSKU{Tenant: sc.Tenant, SKU: s.ID, Name: s.Name, WeightGrams: s.WeightGrams,
				PriceMinor: s.PriceMinor, Components: s.Components})
		}
	}
	for _, l := range sc.Locations {
		out = append(out, &depot.DefineLocation{Tenant: sc.Tenant, Location: l.ID, Name: l.Name, Type: l.Kind,
			Status: depot.LocationOpen, LatE6: l.LatE6, LonE6: l.LonE6, ServiceRadiusM: l.ServiceRadiusM,
			CapacityPerHour: l.CapacityPerHour, Groups: l.Groups, UTCOffsetMinutes: int32(sc.City.UTCOffsetSeconds / 60),
			RidersPerSlot: ridersPerSlot(&l), RiderSlotMinutes: riderSlotMinutes(&l)})
	}
	for _, c := range sc.Channels {
		out = append(out, &depot.DefineChannel{Tenant: sc.Tenant, Channel: c.ID, Name: c.Name, Locations: c.Locations,
			Default: c.Buffer, Overrides: c.Overrides})
	}
	for i := range sc.Carriers {
		out = append(out, sc.Carriers[i].define(sc.Tenant))
	}
	for _, c := range sc.Channels {
		out = append(out, routingOf(sc.Tenant, &c))
	}
	for i, s := range sc.Stock {
		if s.OnHand > 0 {
			out = append(out, &depot.Receive{Tenant: sc.Tenant, ID: fmt.Sprintf("open-%06d", i+1), SKU: s.SKU, Location: s.Location, Qty: s.OnHand})
		}
	}
	for _, in := range sc.Inbound {
		out = append(out, &depot.ExpectInbound{Tenant: sc.Tenant, ID: in.ID, SKU: in.SKU, Location: in.Location, Qty: in.Qty, ETA: in.ETA})
	}
	return out
}

// Location returns the location with the id.
func (sc *Scenario) Location(id string) (Location, bool) {
	for _, l := range sc.Locations {
		if l.ID == id {
			return l, true
		}
	}
	return Location{}, false
}

// riderSlotMinutes is the length of a dark store's rider slot (0 elsewhere: no riders).
func riderSlotMinutes(l *Location) int32 {
	if l.Kind != depot.LocationDarkStore {
		return 0
	}
	return 15
}

// ridersPerSlot is how many quick orders a dark store's riders dispatch per slot: its picking
// capacity over the slot, with some slack.
func ridersPerSlot(l *Location) int32 {
	if l.Kind != depot.LocationDarkStore {
		return 0
	}
	return int32(max(2, l.CapacityPerHour*int64(riderSlotMinutes(l))/60*5/4))
}

// routingOf is a channel's routing: the quick channel ships from the closest dark store, the
// others at the cheapest total cost, then with the fewest shipments; the marketplace ships what
// it has and backorders only the missing units (its default backorder policy is partial).
func routingOf(tenant string, c *Channel) *depot.DefineRouting {
	d := &depot.DefineRouting{Tenant: tenant, Channel: c.ID, Own: slices.Clone(c.Locations),
		SplitPenaltyMinor: 300, LatePenaltyPerHourMinor: 100, Backorder: c.Backorder}
	if c.Quick {
		d.Rules = []depot.RoutingRule{{Kind: depot.RuleClosest}, {Kind: depot.RuleFewestShipments}}
	} else {
		d.Rules = []depot.RoutingRule{{Kind: depot.RuleCheapest}, {Kind: depot.RuleFewestShipments}}
	}
	return d
}

// MaxLeadTime is the longest replenishment lead time of any location: what an operator would
// configure as the lead time of a SKU with no receipt pending.
func (sc *Scenario) MaxLeadTime() time.Duration {
	var m time.Duration
	for i := range sc.Locations {
		m = max(m, sc.Locations[i].LeadTime)
	}
	return m
}
