package dst

import (
	"math/rand/v2"
	"strconv"

	"github.com/depothq/depot"
)

// workload draws random commands over a small catalogue, so that stock runs short, ids repeat
// and every command kind and most rejection codes occur within a few hundred steps.
type workload struct {
	rng  *rand.Rand
	next int
	// ids of reservations and orders issued, so that later commands can refer to them.
	reservations []string
	orders       []string
	// placed are orchestrated orders (ids learned from create_order results), for the order
	// lifecycle commands.
	placed []string
}

const tenant = "sim"

var (
	skus      = []string{"tee", "mug", "cap", "bag"}
	locations = []string{"north", "south", "dark-1"}
	channels  = []string{"web", "market"}
	reasons   = []string{"damaged", "found", "audit"}
)

// catalogue is what every run starts with.
func (w *workload) catalogue() []depot.Command {
	cmds := []depot.Command{}
	for i, l := range locations {
		kind := depot.LocationWarehouse
		if i == 2 {
			kind = depot.LocationDarkStore
		}
		cmds = append(cmds, &depot.DefineLocation{Tenant: tenant, Location: l, Type: kind, Status: depot.LocationOpen})
	}
	for _, s := range skus {
		cmds = append(cmds, &depot.DefineSKU{Tenant: tenant, SKU: s, WeightGrams: 300, PriceMinor: 1500})
	}
	cmds = append(cmds, &depot.DefineSKU{Tenant: tenant, SKU: "gift-set", Components: []depot.Component{{SKU: "tee", Qty: 1}, {SKU: "mug", Qty: 2}}})
	cmds = append(cmds,
		&depot.DefineChannel{Tenant: tenant, Channel: "web", Locations: locations},
		&depot.DefineChannel{Tenant: tenant, Channel: "market", Locations: locations[:2], Default: depot.Buffer{Percent: 10}},
		&depot.DefineCarrier{Tenant: tenant, Carrier: "parcel", Services: []depot.CarrierService{{
			Service: "standard", DistanceUpToM: []int64{50_000, 5_000_000}, WeightUpToG: []int64{30_000},
			Prices: []int64{490, 890}, TransitMinMinutes: 600, TransitMaxMinutes: 2880, CutoffMinute: 1080, Days: 0x7f,
		}}},
		&depot.DefineRouting{Tenant: tenant, Channel: "web", Rules: []depot.RoutingRule{{Kind: depot.RuleCheapest}}, SplitPenaltyMinor: 300},
	)
	return cmds
}

// observe learns the ids the engine chose (orders are numbered by their sequence).
func (w *workload) observe(c depot.Command, res depot.Result) {
	if _, ok := c.(*depot.CreateOrder); ok && res.Rejection == nil && res.Ref != "" && !res.Replayed {
		w.placed = append(w.placed, res.Ref)
	}
}

// orderCommand draws one command of the order lifecycle.
func (w *workload) orderCommand() depot.Command {
	order := w.recent(w.placed, "o-1")
	shipment := order + "-1"
	switch r := w.rng.IntN(10); {
	case r < 4:
		lines := make([]depot.OrderLine, 1+w.rng.IntN(3))
		for i := range lines {
			lines[i] = depot.OrderLine{SKU: w.pick(skus), Qty: w.qty(), UnitPriceMinor: 1500}
		}
		ext := w.id("ext-")
		if w.rng.IntN(15) == 0 && len(w.placed) > 0 {
			ext = "ext-" + strconv.Itoa(w.next-1-w.rng.IntN(4)) // an ingestion retry
		}
		return &depot.CreateOrder{Tenant: tenant, Channel: w.pick(channels), ExternalID: ext, Lines: lines,
			ShipToLatE6: 52_520_000, ShipToLonE6: 13_405_000, Level: depot.LevelStandard, Priority: int64(w.rng.IntN(3))}
	case r < 7:
		step := depot.ShipmentStep(1 + w.rng.IntN(5))
		return &depot.AdvanceShipment{Tenant: tenant, Shipment: shipment, Step: step, Tracking: "trk-" + shipment}
	case r < 8:
		return &depot.TrackShipment{Tenant: tenant, Shipment: shipment, Status: w.pick([]string{"in_transit", "out_for_delivery", "delivered", "exception"}), At: 1}
	case r < 9:
		return &depot.CancelOrder{Tenant: tenant, Order: order, Reason: "customer"}
	default:
		status := depot.LocationOpen
		if w.rng.IntN(3) == 0 {
			status = depot.LocationPaused // re-sources the location's unpicked work
		}
		loc := w.pick(locations)
		kind := depot.LocationWarehouse
		if loc == "dark-1" {
			kind = depot.LocationDarkStore
		}
		return &depot.DefineLocation{Tenant: tenant, Location: loc, Type: kind, Status: status}
	}
}

func (w *workload) id(prefix string) string {
	w.next++
	return prefix + strconv.Itoa(w.next)
}

func (w *workload) pick(xs []string) string { return xs[w.rng.IntN(len(xs))] }

// recent picks one of the last ids issued, so commands mostly refer to live entities.
func (w *workload) recent(xs []string, fallback string) string {
	if len(xs) == 0 {
		return fallback
	}
	n := min(len(xs), 16)
	return xs[len(xs)-1-w.rng.IntN(n)]
}

func (w *workload) qty() int64 { return int64(1 + w.rng.IntN(4)) }

// command draws one command; about one in twenty is malformed or refers to nothing.
func (w *workload) command() depot.Command {
	sku, loc := w.pick(skus), w.pick(locations)
	switch r := w.rng.IntN(100); {
	case r < 12:
		return &depot.Receive{Tenant: tenant, ID: w.id("rcv-"), SKU: sku, Location: loc, Qty: int64(1 + w.rng.IntN(20))}
	case r < 15:
		return &depot.Adjust{Tenant: tenant, ID: w.id("adj-"), SKU: sku, Location: loc, Delta: int64(w.rng.IntN(7) - 4), Reason: w.pick(reasons)}
	case r < 18:
		return &depot.Count{Tenant: tenant, ID: w.id("cnt-"), SKU: sku, Location: loc, OnHand: int64(w.rng.IntN(30))}
	case r < 21:
		return &depot.Hold{Tenant: tenant, ID: w.id("hold-"), SKU: sku, Location: loc, Delta: int64(w.rng.IntN(5) - 2), Reason: "quarantine"}
	case r < 24:
		return &depot.ExpectInbound{Tenant: tenant, ID: w.id("po-"), SKU: sku, Location: loc, Qty: w.qty(), ETA: 1}
	case r < 50:
		id := w.id("res-")
		if w.rng.IntN(20) == 0 && len(w.reservations) > 0 {
			id = w.recent(w.reservations, id) // a retry, with the same or other content
		}
		lines := make([]depot.ReserveLine, 1+w.rng.IntN(3))
		for i := range lines {
			s := w.pick(skus)
			if w.rng.IntN(8) == 0 {
				s = "gift-set"
			}
			lines[i] = depot.ReserveLine{SKU: s, Qty: w.qty()}
			if w.rng.IntN(2) == 0 {
				lines[i].Location = w.pick(locations)
			}
		}
		w.reservations = append(w.reservations, id)
		ttl := int64(0)
		if w.rng.IntN(3) == 0 {
			ttl = depot.MinTTL * int64(1+w.rng.IntN(60))
		}
		return &depot.Reserve{Tenant: tenant, Reservation: id, Channel: w.pick(channels), TTL: ttl, Lines: lines}
	case r < 62:
		order := w.id("ord-")
		w.orders = append(w.orders, order)
		return &depot.Commit{Tenant: tenant, Reservation: w.recent(w.reservations, "none"), Order: order}
	case r < 70:
		return &depot.Release{Tenant: tenant, Reservation: w.recent(w.reservations, "none")}
	case r < 73:
		return &depot.Extend{Tenant: tenant, Reservation: w.recent(w.reservations, "none"), TTL: depot.MinTTL * 30}
	case r < 83:
		return &depot.Ship{Tenant: tenant, ID: w.id("shp-"), Order: w.recent(w.orders, "none")}
	case r < 85:
		return &depot.Return{Tenant: tenant, ID: w.id("ret-"), SKU: sku, Location: loc, Qty: w.qty(), Restock: w.rng.IntN(2) == 0}
	case r < 90:
		return &depot.Tick{}
	case r < 95:
		return w.orderCommand()
	default:
		// Malformed: refused before sequencing, so it must never reach the journal.
		return &depot.Receive{Tenant: tenant, ID: w.id("bad-"), SKU: sku, Location: loc, Qty: -1}
	}
}
