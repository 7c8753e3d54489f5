package ledger

import (
	"strings"
	"testing"

	"github.com/depothq/depot"
)

// These tests corrupt a live ledger's internals, encode it, and check that DecodeState refuses
// the result: a snapshot is trusted input only as far as the decoder checks it.

func internalFixture(t *testing.T) *Ledger {
	t.Helper()
	l := New()
	cmds := []depot.Command{
		&depot.DefineSKU{Tenant: "acme", SKU: "tee"},
		&depot.DefineSKU{Tenant: "acme", SKU: "mug"},
		&depot.DefineSKU{Tenant: "acme", SKU: "kit", Components: []depot.Component{{SKU: "tee", Qty: 2}}},
		&depot.DefineLocation{Tenant: "acme", Location: "ams", Type: depot.LocationWarehouse, Status: depot.LocationOpen},
		&depot.DefineChannel{Tenant: "acme", Channel: "web", Locations: []string{"ams"}},
		&depot.Receive{Tenant: "acme", ID: "r1", SKU: "tee", Location: "ams", Qty: 10},
		&depot.Receive{Tenant: "acme", ID: "r2", SKU: "mug", Location: "ams", Qty: 10},
		&depot.Reserve{Tenant: "acme", Reservation: "res", Channel: "web", Lines: []depot.ReserveLine{{SKU: "kit", Qty: 1}}},
	}
	for i, c := range cmds {
		if res := l.Apply(&depot.Envelope{Seq: uint64(i + 1), Time: 1e18, Cmd: c}); !res.OK() {
			t.Fatalf("%s: %v", c.Kind(), res.Rejection)
		}
	}
	return l
}

func TestDecodeStateRefusesCorruptions(t *testing.T) {
	tests := []struct {
		name    string
		corrupt func(t *tenant)
		want    string
	}{
		{"duplicate position", func(t *tenant) { t.positions = append(t.positions, t.positions[0]) }, "duplicate position"},
		{"component outside the catalogue", func(t *tenant) {
			t.skus["kit"].components[0].sku = &sku{id: "ghost", idx: 99}
		}, "bad component"},
		{"component quantity zero", func(t *tenant) { t.skus["kit"].components[0].qty = 0 }, "bad component"},
		{"kit containing itself", func(t *tenant) { t.skus["kit"].components[0].sku = t.skus["kit"] }, "bad component"},
		{"kit of kits", func(t *tenant) {
			t.skus["mug"].components = []component{{sku: t.skus["kit"], qty: 1}}
		}, "kit as a component"},
		{"reserved counter off", func(t *tenant) { t.positions[0].reserved++ }, "reserved 3 but its live reservations hold 2"},
		{"conservation broken", func(t *tenant) { t.positions[1].received++ }, "breaks conservation"},
		{"oversold", func(t *tenant) { t.positions[1].held = 11 }, "oversold"},
		{"reservation line outside the positions", func(t *tenant) { t.reservations.get("res").lines[0].pos = 7 }, "out of range"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := internalFixture(t)
			tc.corrupt(l.tenants["acme"])
			_, err := DecodeState(l.AppendState(nil))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("DecodeState: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestDecodeStateAcceptsKitWithLaterComponent(t *testing.T) {
	// Redefining an early SKU as a kit of a later one is valid; the decoder must resolve
	// component indexes after reading every SKU.
	l := New()
	for i, c := range []depot.Command{
		&depot.DefineSKU{Tenant: "acme", SKU: "a"},
		&depot.DefineSKU{Tenant: "acme", SKU: "b"},
		&depot.DefineSKU{Tenant: "acme", SKU: "a", Components: []depot.Component{{SKU: "b", Qty: 3}}},
	} {
		if res := l.Apply(&depot.Envelope{Seq: uint64(i + 1), Time: 1, Cmd: c}); !res.OK() {
			t.Fatalf("%s: %v", c.Kind(), res.Rejection)
		}
	}
	got, err := DecodeState(l.AppendState(nil))
	if err != nil {
		t.Fatal(err)
	}
	a := got.tenants["acme"].skus["a"]
	if len(a.components) != 1 || a.components[0].sku.id != "b" || a.components[0].qty != 3 {
		t.Fatalf("kit a decoded with components %+v", a.components)
	}
}

// TestRebuildMemoryOrdersByFifo covers both ways rebuildMemory orders the remembered outcomes:
// placement when the fifo numbers are nearly contiguous, a sort when their span is mostly holes.
func TestRebuildMemoryOrdersByFifo(t *testing.T) {
	tn := &tenant{id: "acme"}
	for name, fifos := range map[string][]uint64{
		"contiguous, shuffled": {7, 3, 5, 4, 6, 8, 9, 10},
		"with holes":           {12, 10, 15, 11, 14},
		"sparse":               {1_000_000, 5, 70, 3},
		"one":                  {42},
	} {
		l := New()
		for _, f := range fifos {
			l.restored = append(l.restored, memoRef{tenant: tn, key: memoKey{kind: depot.KindReceive, id: "x"}, fifo: f, h: idHash("x")})
		}
		l.rebuildMemory()
		if l.memory.Len() != len(fifos) || l.restored != nil {
			t.Fatalf("%s: %d entries from %d", name, l.memory.Len(), len(fifos))
		}
		for i := 1; i < l.memory.Len(); i++ {
			if l.memory.At(i-1).fifo >= l.memory.At(i).fifo {
				t.Fatalf("%s: out of order at %d: %d then %d", name, i, l.memory.At(i-1).fifo, l.memory.At(i).fifo)
			}
		}
	}
}

// TestAllocationHashIsTheIndexHash holds Warm's shortcut to the index: the hash of an order
// reference given in bytes is the one the allocation index files the string under.
func TestAllocationHashIsTheIndexHash(t *testing.T) {
	x := newIndex(func(a *allocation) string { return a.order })
	for _, id := range []string{"", "o-1", "o-18446744073709551615", "ord-with-a-longer-reference"} {
		if got, want := AllocationHash([]byte(id)), x.t.Hash(id); got != want {
			t.Errorf("AllocationHash(%q) = %x, the index files it under %x", id, got, want)
		}
	}
}
