package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/depothq/depot/api"
)

// TestIntelActionsAndIsolation: acme sells a T-shirt steadily, then puts most of it on a quality
// hold with the replacement hours away; the action queue shows a stockout_before_receipt alert
// with its evidence and a recommendation, the SKU view shows the projection, and globex sees
// none of it.
func TestIntelActionsAndIsolation(t *testing.T) {
	b := newBundle(t)
	a := b.admin
	seed(t, a)
	eta := b.clock.now() + int64(6*time.Hour)
	ok(t, errOf(a.ExpectInbound(ctx, api.Inbound{ID: "po-1", SKU: "tee", Location: "wh1", Qty: 100, ETA: eta})))
	for i := range 12 {
		b.clock.advance(2 * time.Minute)
		ok(t, errOf(a.Reserve(ctx, api.ReservationRequest{ID: fmt.Sprintf("r%d", i), Channel: "web", Lines: []api.ReserveLine{{SKU: "tee", Location: "wh1", Qty: 1}}})))
	}
	b.clock.advance(time.Minute)
	ok(t, errOf(a.Hold(ctx, api.Hold{ID: "qh", SKU: "tee", Location: "wh1", Delta: 80, Reason: "quality hold"})))

	secret := b.key("acme", api.ScopeRead)
	var actions api.IntelActions
	eventually(t, "the stockout alert", func() bool {
		st, _, body := b.raw("GET", "/v1/intel/actions", secret, "", nil)
		if st != 200 {
			t.Fatalf("actions answered %d: %s", st, body)
		}
		if err := json.Unmarshal(body, &actions); err != nil {
			t.Fatal(err)
		}
		return len(actions.Actions) > 0
	})
	got := actions.Actions[0]
	if got.Kind != "stockout_before_receipt" || got.Subject != "tee@wh1" || got.Severity != "critical" {
		t.Fatalf("first action %+v", got)
	}
	if len(got.Evidence) == 0 || got.Action.Text == "" || got.ImpactUnits <= 0 {
		t.Fatalf("action without evidence, impact or recommendation: %+v", got)
	}
	if got.ImpactMinor <= 0 {
		t.Fatalf("the tee's price (from the ledger) should make the impact money: %+v", got)
	}

	st, _, body := b.raw("GET", "/v1/intel/skus/tee", secret, "", nil)
	var sku api.IntelSKU
	if st != 200 || json.Unmarshal(body, &sku) != nil || len(sku.Positions) == 0 || len(sku.Alerts) != 1 {
		t.Fatalf("sku view %d: %s", st, body)
	}
	if p := sku.Positions[0]; p.Location != "wh1" || p.NextReceiptAt != eta || p.UnitsLost <= 0 {
		t.Fatalf("position view %+v", p)
	}
	for _, path := range []string{"/v1/intel/channels", "/v1/intel/locations"} {
		if st, _, body := b.raw("GET", path, secret, "", nil); st != 200 || !strings.Contains(string(body), "wh1") && !strings.Contains(string(body), "web") {
			t.Fatalf("%s answered %d: %s", path, st, body)
		}
	}

	// Acknowledging keeps the alert, marked.
	write := b.key("acme", api.ScopeWrite)
	st, _, body = b.raw("POST", fmt.Sprintf("/v1/intel/actions/%d/acknowledge", got.ID), write, "application/json", []byte("{}"))
	if st != 200 || !strings.Contains(string(body), `"acknowledged"`) {
		t.Fatalf("acknowledge answered %d: %s", st, body)
	}

	// Another tenant sees nothing of acme's.
	other := b.key("globex", api.ScopeRead)
	st, _, body = b.raw("GET", "/v1/intel/actions", other, "", nil)
	if st != 200 || !strings.Contains(string(body), `"actions":[]`) {
		t.Fatalf("globex's actions %d: %s", st, body)
	}
	if st, _, body := b.raw("GET", "/v1/intel/skus/tee", other, "", nil); st != 404 {
		t.Fatalf("globex read acme's SKU view: %d %s", st, body)
	}
	if st, _, _ := b.raw("POST", fmt.Sprintf("/v1/intel/actions/%d/acknowledge", got.ID), b.key("globex", api.ScopeWrite), "application/json", []byte("{}")); st != 404 {
		t.Fatalf("globex acknowledged acme's alert: %d", st)
	}

	// The headline gauges are exported.
	if _, _, body := b.raw("GET", "/metrics", "", "", nil); !strings.Contains(string(body), `depot_intel_open_alerts{kind="stockout_before_receipt"} 1`) {
		t.Fatal("the open-alerts gauge is missing or wrong")
	}
}

// TestIntelCountsRefusalsFromBothPaths checks that a refused reserve, which leaves no event,
// still reaches intelligence as oversell pressure whether it came alone or in a batch.
func TestIntelCountsRefusalsFromBothPaths(t *testing.T) {
	b := newBundle(t)
	a := b.admin
	seed(t, a)
	tooMany := []api.ReserveLine{{SKU: "tee", Location: "wh1", Qty: 1_000_000}}
	if _, err := a.Reserve(ctx, api.ReservationRequest{ID: "single", Channel: "web", Lines: tooMany}); err == nil {
		t.Fatal("a reserve of a million tees was accepted")
	}
	batch := []api.Command{
		&api.ReservationRequest{ID: "batched-1", Channel: "web", Lines: tooMany},
		&api.ReservationRequest{ID: "batched-2", Channel: "web", Lines: tooMany},
	}
	if _, err := a.Batch(ctx, batch); err != nil {
		t.Fatal(err)
	}
	secret := b.key("acme", api.ScopeRead)
	eventually(t, "three refusals counted for web", func() bool {
		st, _, body := b.raw("GET", "/v1/intel/channels", secret, "", nil)
		var chans api.IntelChannels
		if st != 200 || json.Unmarshal(body, &chans) != nil {
			t.Fatalf("channels answered %d: %s", st, body)
		}
		for _, c := range chans.Channels {
			if c.Channel == "web" {
				return c.Rejected == 3
			}
		}
		return false
	})
}

// TestIntelLocationsAndCarriers: a reserve committed to an order and shipped from wh1 shows at
// the location as one pick with nothing left in its backlog; the carriers route answers (no
// orchestrated shipments here: no services yet) through the Go client, and another tenant sees
// neither.
func TestIntelLocationsAndCarriers(t *testing.T) {
	b := newBundle(t)
	a := b.admin
	seed(t, a)
	// wh1 gains a pick cutoff at 16:00 local, an hour east of UTC: location_defined brings both
	// to intelligence.
	ok(t, errOf(a.PutLocation(ctx, "wh1", api.LocationSpec{Name: "Warehouse", Type: "warehouse", LatE6: 52_520_000, LonE6: 13_405_000,
		UTCOffsetMinutes: 60, CutoffMinute: 16 * 60})))
	ok(t, errOf(a.Reserve(ctx, api.ReservationRequest{ID: "r1", Channel: "web", Lines: []api.ReserveLine{{SKU: "tee", Location: "wh1", Qty: 2}}})))
	ok(t, errOf(a.Commit(ctx, "r1", "o1")))
	ok(t, errOf(a.Ship(ctx, api.Shipment{ID: "s1", Order: "o1"})))
	c := b.client("acme", api.ScopeRead)
	var wh1 api.IntelLocation
	eventually(t, "the pick at wh1", func() bool {
		ls, err := c.IntelLocations(ctx)
		ok(t, err)
		for _, l := range ls.Locations {
			if l.Location == "wh1" {
				wh1 = l
			}
		}
		return wh1.Picks == 1
	})
	if wh1.BacklogUnits != 0 || wh1.NodeSlowdown || wh1.DrainHours != 0 {
		t.Fatalf("wh1 %+v", wh1)
	}
	if wh1.CutoffMinute != 16*60 || wh1.UTCOffsetMinutes != 60 || wh1.CutoffInHours <= 0 || wh1.CutoffInHours > 24 ||
		wh1.CutoffUnitsShort != 0 || wh1.CutoffHoursShort != 0 || wh1.CutoffRisk {
		t.Fatalf("wh1's cutoff: %+v", wh1)
	}
	cs, err := c.IntelCarriers(ctx)
	ok(t, err)
	if cs.Carriers == nil || len(cs.Carriers) != 0 {
		t.Fatalf("carriers %+v", cs)
	}
	other, err := b.client("globex", api.ScopeRead).IntelLocations(ctx)
	ok(t, err)
	if len(other.Locations) != 0 {
		t.Fatalf("globex sees %+v", other.Locations)
	}
}
