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
	)
	return cmds
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
	case r < 87:
		return &depot.Return{Tenant: tenant, ID: w.id("ret-"), SKU: sku, Location: loc, Qty: w.qty(), Restock: w.rng.IntN(2) == 0}
	case r < 95:
		return &depot.Tick{}
	default:
		// Malformed: refused before sequencing, so it must never reach the journal.
		return &depot.Receive{Tenant: tenant, ID: w.id("bad-"), SKU: sku, Location: loc, Qty: -1}
	}
}
