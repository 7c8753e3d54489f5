package engine_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
)

// orchestrated builds a state with every part of the orders section: nodes with cutoffs and a
// rider fleet with bookings, carriers with learned scores, a zone chart and a code table,
// routing, and orders allocated, shipped, delivered, waiting (whole lines, partially, ship
// complete), cancelled, re-sourced, in exception (the engine's and an operator's) and made from
// a checkout reservation, with timers pending.
// It returns the engine and every envelope applied, in order.
func orchestrated(t testing.TB) (*engine.Engine, []depot.Envelope) {
	e, f := mustEngine(t)
	var envs []depot.Envelope
	ok := func(cmds ...depot.Command) {
		t.Helper()
		for _, c := range cmds {
			env := depot.Envelope{Seq: e.LastSeq() + 1, Time: f.now, Cmd: c}
			envs = append(envs, env)
			if res := e.Apply(&env); !res.OK() {
				t.Fatalf("%s rejected: %v", c.Kind(), res.Rejection)
			}
		}
	}
	loc := func(id string, kind depot.LocationKind, dyKm int64) *depot.DefineLocation {
		return &depot.DefineLocation{Tenant: tenant, Location: id, Type: kind, Status: depot.LocationOpen,
			LatE6: benchLat + dyKm*benchKmLat, LonE6: benchLon, UTCOffsetMinutes: 60, CutoffMinute: 17 * 60, ServiceRadiusM: 3000}
	}
	ds := loc("ds", depot.LocationDarkStore, 0)
	ds.RidersPerSlot = 1
	ok(&depot.DefineSKU{Tenant: tenant, SKU: "tee", WeightGrams: 200}, &depot.DefineSKU{Tenant: tenant, SKU: "mug", WeightGrams: 300},
		&depot.DefineSKU{Tenant: tenant, SKU: "kit", Components: []depot.Component{{SKU: "tee", Qty: 1}, {SKU: "mug", Qty: 2}}},
		loc("ber", depot.LocationWarehouse, -10), loc("ham", depot.LocationWarehouse, 250), ds,
		&depot.DefineChannel{Tenant: tenant, Channel: "web", Locations: []string{"ber", "ham"}},
		&depot.DefineChannel{Tenant: tenant, Channel: "app", Locations: []string{"ds"}},
		&depot.DefineRouting{Tenant: tenant, Channel: "web", Rules: []depot.RoutingRule{{Kind: depot.RuleClosest}}, Own: []string{"ber"},
			AllowSplitLines: true, SplitPenaltyMinor: 300, LatePenaltyPerHourMinor: 50})
	for _, c := range benchCarriers() {
		ok(c)
	}
	ok(&depot.DefineCarrier{Tenant: tenant, Carrier: "zoned", Services: []depot.CarrierService{{Service: "city", ZoneUpTo: []int64{1, 2},
		WeightUpToG: []int64{30_000}, Prices: []int64{350, 700}, TransitMaxMinutes: 2880, CutoffMinute: 16 * 60, Days: 0x3e}},
		Zones: []depot.CarrierZone{{Origin: "ber", Country: "DE", PostalPrefix: "10", Zone: 1}, {UpToM: 300_000, Zone: 2}},
		Codes: []depot.CarrierCode{{Code: "ZU", Status: depot.TrackingDelivered}}})
	ok(&depot.Receive{Tenant: tenant, ID: "r1", SKU: "tee", Location: "ber", Qty: 20}, &depot.Receive{Tenant: tenant, ID: "r2", SKU: "mug", Location: "ber", Qty: 20},
		&depot.Receive{Tenant: tenant, ID: "r3", SKU: "tee", Location: "ham", Qty: 20}, &depot.Receive{Tenant: tenant, ID: "r4", SKU: "tee", Location: "ds", Qty: 5})
	var policy depot.BackorderPolicy
	var reservation string
	order := func(ext, channel string, level depot.ServiceLevel, lines ...depot.OrderLine) string {
		t.Helper()
		env := depot.Envelope{Seq: e.LastSeq() + 1, Time: f.now, Cmd: &depot.CreateOrder{Tenant: tenant, Channel: channel, ExternalID: ext,
			Lines: lines, ShipToLatE6: benchLat, ShipToLonE6: benchLon, PostalCode: "10117", Country: "DE", Level: level, PromiseMinutes: 20,
			Priority: 1, Attributes: []depot.Attribute{{Key: "note", Value: "ring twice"}}, Backorder: policy, Reservation: reservation}}
		envs = append(envs, env)
		res := e.Apply(&env)
		if !res.OK() {
			t.Fatalf("create_order %s: %v", ext, res.Rejection)
		}
		return res.Ref
	}
	adv := func(id string, steps ...depot.ShipmentStep) {
		for _, s := range steps {
			c := &depot.AdvanceShipment{Tenant: tenant, Shipment: id, Step: s}
			if s == depot.StepShip {
				c.Tracking = "T-" + id
			}
			ok(c)
		}
	}
	shipped := order("shipped", "web", depot.LevelStandard, depot.OrderLine{SKU: "tee", Qty: 2}, depot.OrderLine{SKU: "kit", Qty: 1})
	delivered := order("delivered", "web", depot.LevelExpress, depot.OrderLine{SKU: "mug", Qty: 1})
	cancelled := order("cancelled", "web", depot.LevelStandard, depot.OrderLine{SKU: "tee", Qty: 1})
	order("waiting", "web", depot.LevelSameDay, depot.OrderLine{SKU: "mug", Qty: 50})
	quick := order("quick", "app", depot.LevelQuick, depot.OrderLine{SKU: "tee", Qty: 1})
	order("quick-2", "app", depot.LevelQuick, depot.OrderLine{SKU: "tee", Qty: 1})
	moved := order("moved", "web", depot.LevelStandard, depot.OrderLine{SKU: "tee", Qty: 1})
	stuck := order("stuck", "web", depot.LevelStandard, depot.OrderLine{SKU: "mug", Qty: 1})
	order("exception", "web", depot.LevelStandard, depot.OrderLine{SKU: "kit", Qty: 1}) // mugs are only in Berlin
	policy = depot.BackorderPartial
	order("partial", "web", depot.LevelStandard, depot.OrderLine{SKU: "mug", Qty: 25})
	policy = depot.BackorderShipComplete
	order("complete", "web", depot.LevelStandard, depot.OrderLine{SKU: "tee", Qty: 1}, depot.OrderLine{SKU: "mug", Qty: 9})
	policy = 0
	ok(&depot.Reserve{Tenant: tenant, Reservation: "chk", Channel: "web", Lines: []depot.ReserveLine{{SKU: "tee", Qty: 2}}})
	reservation = "chk"
	checkout := order("checkout", "web", depot.LevelStandard, depot.OrderLine{SKU: "tee", Qty: 1})
	reservation = ""
	ok(&depot.RaiseException{Tenant: tenant, Order: checkout, Code: "address_invalid", Note: "no such street"})
	adv(shipped+"-1", depot.StepRelease, depot.StepPick, depot.StepPack, depot.StepShip)
	adv(delivered+"-1", depot.StepRelease, depot.StepPick, depot.StepPack, depot.StepShip)
	adv(stuck+"-1", depot.StepRelease, depot.StepPick, depot.StepPack, depot.StepShip)
	adv(quick+"-1", depot.StepRelease, depot.StepPick, depot.StepPack, depot.StepShip)
	adv(moved+"-1", depot.StepRelease)
	ok(&depot.CancelOrder{Tenant: tenant, Order: cancelled, Reason: "changed mind"},
		&depot.TrackShipment{Tenant: tenant, Shipment: delivered + "-1", Status: "in transit", At: f.now + 3600*sec},
		&depot.TrackShipment{Tenant: tenant, Shipment: delivered + "-1", Status: "delivered", At: f.now + 4*86400*sec})
	f.now += 3 * 3600 * sec
	ok(&depot.Tick{})
	// Berlin pauses: the released order moves to Hamburg, what only Berlin holds is an exception.
	down := loc("ber", depot.LocationWarehouse, -10)
	down.Status = depot.LocationPaused
	ok(down, &depot.Return{Tenant: tenant, ID: "ret", Order: shipped, SKU: "tee", Location: "ber", Qty: 1, Restock: true})
	f.now += 3 * 86400 * sec
	ok(&depot.Tick{})
	return e, envs
}

func TestOrchestratedSnapshotRoundTrip(t *testing.T) {
	e, envs := orchestrated(t)
	snap := e.AppendSnapshot(nil)
	r, err := engine.Restore(snap)
	if err != nil {
		t.Fatal(err)
	}
	if again := r.AppendSnapshot(nil); !bytes.Equal(again, snap) {
		t.Fatal("re-encoding differs")
	}
	if err := r.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	// Replaying the journal gives the same state; so does every snapshot plus its tail.
	for cut := 0; cut <= len(envs); cut += 7 {
		fresh := engine.New()
		var mid []byte
		for i := range envs {
			if i == cut {
				mid = fresh.AppendSnapshot(nil)
			}
			fresh.Apply(&envs[i])
		}
		if fresh.Hash() != e.Hash() {
			t.Fatalf("replay hash differs")
		}
		if mid == nil {
			continue
		}
		r, err := engine.Restore(mid)
		if err != nil {
			t.Fatalf("restore at %d: %v", cut, err)
		}
		for i := cut; i < len(envs); i++ {
			r.Apply(&envs[i])
		}
		if r.Hash() != e.Hash() {
			t.Fatalf("snapshot at %d + tail: hash differs", cut)
		}
	}
	// Both go on identically: far in the future every timer fires and finished orders go.
	env := depot.Envelope{Seq: e.LastSeq() + 1, Time: e.Now() + depot.OrderRetention + 86400*sec, Cmd: &depot.Tick{}}
	want := slices.Clone(e.Apply(&env).Events)
	if got := r.Apply(&env).Events; !slices.Equal(got, want) {
		t.Fatalf("tick after restore:\n got %+v\nwant %+v", got, want)
	}
	if len(want) == 0 || r.Hash() != e.Hash() {
		t.Fatalf("%d events; states diverged after the same tick", len(want))
	}
}

func TestRestoreOrdersRejectsBrokenState(t *testing.T) {
	// Every single-byte change of the orders section either fails to restore or yields a valid
	// state that re-encodes to exactly its bytes and keeps working.
	e, _ := orchestrated(t)
	snap := e.AppendSnapshot(nil)
	start := len(e.AppendSnapshot(nil)) - len(e.Orders().AppendState(nil))
	accepted := 0
	for i := start; i < len(snap); i++ {
		for _, delta := range []byte{1, 0x80} {
			data := bytes.Clone(snap)
			data[i] ^= delta
			r, err := engine.Restore(data)
			if err != nil {
				continue
			}
			accepted++
			if err := r.CheckInvariants(); err != nil {
				t.Fatalf("byte %d ^ %#x restored a broken state: %v", i, delta, err)
			}
			if !bytes.Equal(r.AppendSnapshot(nil), data) {
				t.Fatalf("byte %d ^ %#x restored a state that re-encodes differently", i, delta)
			}
			env := depot.Envelope{Seq: r.LastSeq() + 1, Time: r.Now() + 40*86400*sec, Cmd: &depot.Tick{}}
			r.Apply(&env)
			if err := r.CheckInvariants(); err != nil {
				t.Fatalf("byte %d ^ %#x: after a tick: %v", i, delta, err)
			}
		}
	}
	t.Logf("%d of %d flips of the orders section restored", accepted, 2*(len(snap)-start))
	if accepted == 0 || accepted >= 2*(len(snap)-start) {
		t.Fatalf("%d of %d flips restored", accepted, 2*(len(snap)-start))
	}
}

// TestFuzzRestoreOrdersCorpus keeps a seed of an orchestrated state in FuzzRestore's corpus.
// Run `go test ./engine -run Corpus -update` after a format change.
func TestFuzzRestoreOrdersCorpus(t *testing.T) {
	e, _ := orchestrated(t)
	path := filepath.Join(corpusDir, "seed-orchestrated")
	want := fmt.Appendf(nil, "go test fuzz v1\n[]byte(%s)\n", strconv.Quote(string(e.AppendSnapshot(nil))))
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create the seed)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale (run with -update)", path)
	}
}
