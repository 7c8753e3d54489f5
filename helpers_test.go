package depot_test

import (
	"strconv"
	"strings"

	"github.com/depothq/depot"
)

// str returns an identifier-safe string of exactly n bytes, for probing length limits.
func str(n int) string { return strings.Repeat("x", n) }

// strs returns n distinct identifiers, for probing count limits on lists that refuse duplicates.
func strs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "id-" + strconv.Itoa(i)
	}
	return out
}

// sampleCommands returns one command of every kind with every field set to a non-zero value,
// so a codec that drops or swaps a field cannot round-trip it. The order is the kind order.
func sampleCommands() []depot.Command {
	return []depot.Command{
		&depot.DefineSKU{Tenant: "acme", SKU: "kit-1", Name: "Gift kit", WeightGrams: 1200, PriceMinor: 4999,
			Components: []depot.Component{{SKU: "mug", Qty: 1}, {SKU: "tee", Qty: 2}}},
		&depot.DefineLocation{Tenant: "acme", Location: "ams", Name: "Amsterdam DC", Type: depot.LocationDarkStore,
			Status: depot.LocationPaused, LatE6: 52_370_216, LonE6: -4_895_168, ServiceRadiusM: 8000, CapacityPerHour: 450,
			Groups: []string{"eu", "nl"}},
		&depot.DefineChannel{Tenant: "acme", Channel: "web", Name: "Web shop", Locations: []string{"ams", "ber"},
			Default:   depot.Buffer{Units: 2, Percent: 10, Cap: 500},
			Overrides: []depot.SKUBuffer{{SKU: "mug", Buffer: depot.Buffer{Units: 1, Percent: 5, Cap: 9}}}},
		&depot.ExpectInbound{Tenant: "acme", ID: "po-1", SKU: "tee", Location: "ams", Qty: 40, ETA: 1_700_000_900_000_000_000},
		&depot.Receive{Tenant: "acme", ID: "rcv-1", SKU: "tee", Location: "ams", Qty: 40, Inbound: "po-1"},
		&depot.Adjust{Tenant: "acme", ID: "adj-1", SKU: "tee", Location: "ams", Delta: -3, Reason: "water damage"},
		&depot.Count{Tenant: "acme", ID: "cnt-1", SKU: "tee", Location: "ams", OnHand: 36},
		&depot.Hold{Tenant: "acme", ID: "hold-1", SKU: "tee", Location: "ams", Delta: -2, Reason: "quarantine"},
		&depot.Reserve{Tenant: "acme", Reservation: "res-1", Channel: "web", TTL: 60e9,
			Lines: []depot.ReserveLine{{SKU: "tee", Location: "ams", Qty: 2}, {SKU: "kit-1", Qty: 1}}},
		&depot.Extend{Tenant: "acme", Reservation: "res-1", TTL: 120e9},
		&depot.Release{Tenant: "acme", Reservation: "res-1"},
		&depot.Commit{Tenant: "acme", Reservation: "res-1", Order: "ord-1"},
		&depot.Ship{Tenant: "acme", ID: "shp-1", Order: "ord-1", Lines: []depot.ShipLine{{SKU: "tee", Location: "ams", Qty: 2}}},
		&depot.Return{Tenant: "acme", ID: "ret-1", Order: "ord-1", SKU: "tee", Location: "ams", Qty: 1, Restock: true, Reason: "wrong size"},
		&depot.Tick{},
	}
}

// allKinds lists every command kind NewCommand knows, so tables can prove they cover them all.
func allKinds() []depot.CommandKind {
	var out []depot.CommandKind
	for k := depot.CommandKind(1); depot.NewCommand(k) != nil; k++ {
		out = append(out, k)
	}
	return out
}

// encode wraps a command in an envelope and encodes it.
func encode(seq uint64, time int64, c depot.Command) []byte {
	return depot.AppendEnvelope(nil, &depot.Envelope{Seq: seq, Time: time, Cmd: c})
}
