package engine_test

import (
	"strconv"
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/journal"
)

// TestASnapshotHoldsTheEngineAtItsCountLimits ties the journal's snapshot bound to the engine's
// count limits: an engine holding MaxLiveOrders three-line orders, MaxActiveReservations live
// reservations, MaxRemembered remembered ids and MaxPositions positions, each a typical record,
// must encode to a snapshot the journal accepts. Were it not so, a business growing within the
// limits would find SaveSnapshot refusing every snapshot past some size (as it did with a bound
// of 1 GiB, about 5 million orders): nothing is lost, but start-up replays an ever longer tail.
// The sizes are measured here from the engine's own encoding, not assumed.
func TestASnapshotHoldsTheEngineAtItsCountLimits(t *testing.T) {
	const n = 2000
	e := orderFlowEngine(t)
	apply := func(c depot.Command) {
		t.Helper()
		if res := e.Apply(&depot.Envelope{Seq: e.LastSeq() + 1, Time: e.Now() + 1e6, Cmd: c}); !res.OK() {
			t.Fatalf("%s rejected: %v", c.Kind(), res.Rejection)
		}
	}
	size := func() int64 { return int64(len(e.AppendSnapshot(nil))) }
	grow := func(what string, add func(i int)) int64 {
		before := size()
		for i := range n {
			add(i)
		}
		per := (size() - before + n - 1) / n
		t.Logf("%s: %d snapshot bytes each", what, per)
		return per
	}

	g := lcg(7)
	perOrder := grow("three-line order", func(i int) {
		lines := make([]depot.OrderLine, 3)
		for j := range lines {
			lines[j] = depot.OrderLine{SKU: skuID(int(g.next(1000))), Qty: 1 + g.next(2), UnitPriceMinor: 999}
		}
		apply(&depot.CreateOrder{Tenant: tenant, Channel: "web", ExternalID: "shop-order-" + strconv.Itoa(1_000_000+i), Lines: lines,
			ShipToLatE6: benchLat + (g.next(600)-300)*benchKmLat, ShipToLonE6: benchLon + (g.next(600)-300)*benchKmLon,
			PostalCode: "10115", Country: "DE", Level: depot.LevelStandard, Priority: g.next(3)})
	})
	perReservation := grow("live single-line reservation", func(i int) {
		apply(&depot.Reserve{Tenant: tenant, Reservation: "cart-" + strconv.Itoa(1_000_000+i), Channel: "web",
			Lines: []depot.ReserveLine{{SKU: skuID(int(g.next(1000))), Qty: 1}}})
	})
	perMemo := grow("remembered receipt id", func(i int) {
		apply(&depot.Receive{Tenant: tenant, ID: "asn-" + strconv.Itoa(1_000_000+i), SKU: skuID(int(g.next(1000))), Location: "wh-0", Qty: 1})
	})
	perPosition := grow("position", func(i int) {
		apply(&depot.DefineSKU{Tenant: tenant, SKU: "new-" + strconv.Itoa(i), WeightGrams: 100})
		apply(&depot.Receive{Tenant: tenant, ID: "first-" + strconv.Itoa(i), SKU: "new-" + strconv.Itoa(i), Location: "wh-1", Qty: 5})
	}) - perMemo // each position came with a remembered receipt

	total := depot.MaxLiveOrders*perOrder + depot.MaxActiveReservations*perReservation +
		depot.MaxRemembered*perMemo + depot.MaxPositions*perPosition
	t.Logf("at the count limits: %.2f GiB of snapshot, bound %.2f GiB", float64(total)/(1<<30), float64(journal.SnapshotMaxBytes)/(1<<30))
	if total > journal.SnapshotMaxBytes {
		t.Fatalf("an engine at its count limits encodes to about %d bytes, over journal.SnapshotMaxBytes (%d)", total, int64(journal.SnapshotMaxBytes))
	}
}
