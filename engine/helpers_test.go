package engine_test

import (
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
)

const (
	tenant = "acme"
	t0     = int64(1_700_000_000_000_000_000)
	sec    = int64(1e9)
)

// mustEngine returns a fresh engine with a feed that sequences commands for it.
func mustEngine(t testing.TB) (*engine.Engine, *feed) {
	e := engine.New()
	return e, &feed{t: t, eng: e, now: t0}
}

// feed stamps commands with contiguous seqs and a clock, as the sequencer does.
type feed struct {
	t   testing.TB
	eng *engine.Engine
	now int64
}

func (f *feed) apply(c depot.Command) depot.Result {
	env := depot.Envelope{Seq: f.eng.LastSeq() + 1, Time: f.now, Cmd: c}
	return f.eng.Apply(&env)
}

// ok applies commands that must be accepted.
func (f *feed) ok(cmds ...depot.Command) {
	f.t.Helper()
	for _, c := range cmds {
		if res := f.apply(c); !res.OK() {
			f.t.Fatalf("%s rejected: %v", c.Kind(), res.Rejection)
		}
	}
}

// smallStates builds the states the snapshot tests and the fuzz seeds start from: each adds one
// more kind of content (catalogue, stock, live and finished reservations, allocations, inbound
// receipts, remembered ids, a second tenant), so the seeds cover every section of the format.
func smallStates(t testing.TB) map[string]*engine.Engine {
	out := map[string]*engine.Engine{}
	e, f := mustEngine(t)
	out["empty"] = engine.New()

	f.ok(&depot.DefineSKU{Tenant: tenant, SKU: "tee", Name: "T-shirt", WeightGrams: 180, PriceMinor: 1999},
		&depot.DefineSKU{Tenant: tenant, SKU: "mug"},
		&depot.DefineSKU{Tenant: tenant, SKU: "kit", Components: []depot.Component{{SKU: "tee", Qty: 1}, {SKU: "mug", Qty: 2}}},
		&depot.DefineLocation{Tenant: tenant, Location: "ams", Type: depot.LocationWarehouse, Status: depot.LocationOpen, LatE6: 52_370_000, LonE6: 4_890_000, Groups: []string{"eu"}},
		&depot.DefineLocation{Tenant: tenant, Location: "ber", Type: depot.LocationStore, Status: depot.LocationPaused},
		&depot.DefineChannel{Tenant: tenant, Channel: "web", Locations: []string{"ams", "ber"}, Default: depot.Buffer{Units: 1},
			Overrides: []depot.SKUBuffer{{SKU: "mug", Buffer: depot.Buffer{Percent: 10, Cap: 100}}}})
	out["catalogue"] = clone(t, e)

	f.ok(&depot.Receive{Tenant: tenant, ID: "r1", SKU: "tee", Location: "ams", Qty: 50},
		&depot.Receive{Tenant: tenant, ID: "r2", SKU: "mug", Location: "ams", Qty: 80},
		&depot.Hold{Tenant: tenant, ID: "h1", SKU: "tee", Location: "ams", Delta: 2},
		&depot.ExpectInbound{Tenant: tenant, ID: "po1", SKU: "tee", Location: "ber", Qty: 30, ETA: t0 + 3600*sec})
	out["stock"] = clone(t, e)

	f.ok(&depot.Reserve{Tenant: tenant, Reservation: "res1", Channel: "web", TTL: 60 * sec, Lines: []depot.ReserveLine{{SKU: "kit", Qty: 2}}},
		&depot.Reserve{Tenant: tenant, Reservation: "res2", Channel: "web", Lines: []depot.ReserveLine{{SKU: "tee", Location: "ams", Qty: 3}}},
		&depot.Reserve{Tenant: tenant, Reservation: "res3", Channel: "web", TTL: 10 * sec, Lines: []depot.ReserveLine{{SKU: "mug", Qty: 1}}},
		&depot.Commit{Tenant: tenant, Reservation: "res2", Order: "ord1"},
		&depot.Ship{Tenant: tenant, ID: "s1", Order: "ord1", Lines: []depot.ShipLine{{SKU: "tee", Location: "ams", Qty: 1}}})
	f.now += 20 * sec
	f.ok(&depot.Tick{}, &depot.Return{Tenant: tenant, ID: "ret1", Order: "ord1", SKU: "tee", Location: "ams", Qty: 1, Restock: false})
	out["orders"] = clone(t, e)

	f.ok(&depot.DefineLocation{Tenant: "globex", Location: "nyc", Type: depot.LocationDarkStore, Status: depot.LocationOpen},
		&depot.DefineSKU{Tenant: "globex", SKU: "cap"},
		&depot.Count{Tenant: "globex", ID: "c1", SKU: "cap", Location: "nyc", OnHand: 7})
	out["tenants"] = clone(t, e)
	return out
}

func clone(t testing.TB, e *engine.Engine) *engine.Engine {
	t.Helper()
	c, err := engine.Restore(e.AppendSnapshot(nil))
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	return c
}
