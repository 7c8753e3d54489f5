package intel_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/intel"
)

// A position sells two units every minute; it holds 2,000 with the next receipt six hours out,
// which covers it. A quality hold leaves 20 units: it now sells out in ten minutes, hours before
// the receipt. The alert opens on the hold itself, recommends a transfer from the other
// warehouse, values the loss at the SKU's price, and resolves when the receipt arrives.
func TestStockoutBeforeReceipt(t *testing.T) {
	s := newStream(t, intel.DefaultConfig())
	s.in.SetPrice("acme", "tee", 1500)
	s.emit(depot.Event{Kind: depot.EventReceived, SKU: "tee", Location: "wh1", Qty: 2000})
	s.emit(depot.Event{Kind: depot.EventReceived, SKU: "tee", Location: "wh2", Qty: 900})
	s.emit(depot.Event{Kind: depot.EventInboundExpected, Ref: "po-1", SKU: "tee", Location: "wh1", Qty: 300, At: t0 + 8*hour})
	for m := int64(1); m <= 120; m++ {
		s.at(m*minute).reserve("web", "tee", "wh1", 2)
		s.emit(depot.Event{Kind: depot.EventReleased, SKU: "tee", Location: "wh1", Qty: 2})
	}
	if n := len(s.opened(intel.KindStockoutBeforeReceipt)); n != 0 {
		t.Fatalf("%d stockout alerts while the stock covers the receipt", n)
	}
	s.at(121 * minute).emit(depot.Event{Kind: depot.EventHeld, SKU: "tee", Location: "wh1", Qty: 1980, Reason: "quality hold"})
	got := s.opened(intel.KindStockoutBeforeReceipt)
	if len(got) != 1 {
		t.Fatalf("want one stockout alert after the hold, got %d", len(got))
	}
	a := got[0]
	if a.Subject != "tee@wh1" || a.OpenedAt != t0+121*minute || a.Severity != "critical" {
		t.Fatalf("alert %+v", a)
	}
	if a.ImpactUnits < 500 || a.ImpactMinor != int64(a.ImpactUnits*1500) {
		t.Fatalf("impact %.1f units, %d minor", a.ImpactUnits, a.ImpactMinor)
	}
	if a.Action.Verb != "transfer" || a.Action.From != "wh2" || a.Action.To != "wh1" || a.Action.Qty <= 0 {
		t.Fatalf("action %+v", a.Action)
	}
	q := s.in.ActionQueue("acme", 10)
	if len(q) != 1 || q[0].ID != a.ID {
		t.Fatalf("queue %+v", q)
	}
	s.at(8 * hour).emit(depot.Event{Kind: depot.EventReceived, SKU: "tee", Location: "wh1", Qty: 300, Reason: "po-1"})
	if s.resolved(intel.KindStockoutBeforeReceipt) != 1 || len(s.in.ActionQueue("acme", 0)) != 0 {
		t.Fatal("the receipt did not resolve the alert")
	}
}

// A channel takes an order every 10 seconds for two hours, then stops. It is called silent once
// the gap passes SilenceK expected intervals (140 s here), and the next order resolves it.
func TestChannelSilent(t *testing.T) {
	s := newStream(t, intel.DefaultConfig())
	s.emit(depot.Event{Kind: depot.EventReceived, SKU: "tee", Location: "wh1", Qty: 1_000_000})
	for i := int64(1); i <= 720; i++ {
		s.at(i*10*second).reserve("web", "tee", "wh1", 1)
		s.at(i*10*second+5*second).reserve("app", "tee", "wh1", 1)
	}
	// Only "app" keeps ordering: its events move the clock that judges "web".
	end := int64(7200 * second)
	var openedAt int64
	for i := int64(1); i <= 60 && openedAt == 0; i++ {
		s.at(end+i*10*second+5*second).reserve("app", "tee", "wh1", 1)
		if o := s.opened(intel.KindChannelSilent); len(o) > 0 {
			openedAt = o[0].OpenedAt
			if o[0].Channel != "web" {
				t.Fatalf("the wrong channel went silent: %+v", o[0])
			}
		}
	}
	if openedAt == 0 {
		t.Fatal("a channel silent for ten minutes was not called silent")
	}
	if gap := openedAt - (t0 + end); gap < 140*second || gap > 170*second {
		t.Fatalf("called silent after %d s, want about 140 s (plus one sweep)", gap/second)
	}
	s.reserve("web", "tee", "wh1", 1)
	if s.resolved(intel.KindChannelSilent) != 1 {
		t.Fatal("an order did not resolve the silence")
	}
}

// Forty SKUs share a channel's lines steadily; then one of them sells at five times its share
// for an hour. The CUSUM catches it within minutes, and the alert resolves after the spike.
func TestDemandSpike(t *testing.T) {
	s := newStream(t, intel.DefaultConfig())
	rng := rand.New(rand.NewPCG(1, 2))
	skus := make([]string, 40)
	for i := range skus {
		skus[i] = fmt.Sprintf("sku-%02d", i)
		s.emit(depot.Event{Kind: depot.EventReceived, SKU: skus[i], Location: "wh1", Qty: 1_000_000})
	}
	// Lines arrive one a second, each a uniform SKU (share 1/40), except during the spike when
	// sku-07 takes an extra four shares.
	spikeFrom, spikeTo := int64(4*hour), int64(5*hour)
	for sec := int64(1); sec <= 7*hour/second; sec++ {
		now := sec * second
		sku := skus[rng.IntN(len(skus))]
		if now >= spikeFrom && now < spikeTo && rng.IntN(44) < 4 {
			sku = "sku-07"
		}
		s.at(now).reserve("web", sku, "wh1", 1)
	}
	o := s.opened(intel.KindDemandSpike)
	if len(o) != 1 || o[0].SKU != "sku-07" || o[0].Channel != "web" {
		t.Fatalf("spike alerts %+v", o)
	}
	if d := o[0].OpenedAt - (t0 + spikeFrom); d < 0 || d > 10*minute {
		t.Fatalf("detected after %s", fmtDur(d))
	}
	if s.resolved(intel.KindDemandSpike) != 1 {
		t.Fatal("the spike alert did not resolve after the spike")
	}
}

// Cycle counts find the usual small drift everywhere; then one location's counts find four
// units missing each. count_drift opens there only, and resolves once counts are clean again.
func TestCountDrift(t *testing.T) {
	s := newStream(t, intel.DefaultConfig())
	rng := rand.New(rand.NewPCG(3, 4))
	locs := []string{"wh1", "wh2", "ds1", "ds2"}
	for _, l := range locs {
		s.emit(depot.Event{Kind: depot.EventReceived, SKU: "tee", Location: l, Qty: 10_000})
	}
	null := func() int64 {
		switch r := rng.Float64(); {
		case r < 0.7:
			return 0
		case r < 0.85:
			return -1
		case r < 0.92:
			return -2
		}
		return 1
	}
	for i := int64(1); i <= 600; i++ {
		loc := locs[rng.IntN(len(locs))]
		d := null()
		if i > 300 && i <= 330 && loc == "ds2" {
			d = -4
		}
		s.at(i * minute).emit(depot.Event{Kind: depot.EventCounted, SKU: "tee", Location: loc, Qty: d})
	}
	o := s.opened(intel.KindCountDrift)
	if len(o) != 1 || o[0].Location != "ds2" || o[0].OpenedAt < t0+300*minute {
		t.Fatalf("drift alerts %+v", o)
	}
	if s.resolved(intel.KindCountDrift) != 1 {
		t.Fatal("drift did not resolve")
	}
	if !strings.Contains(o[0].Action.Text, "ds2") || o[0].Action.Verb != "recount" {
		t.Fatalf("action %+v", o[0].Action)
	}
}

// Table: alerts are keyed per tenant, acknowledgement is per tenant, and kinds and states have
// stable names.
func TestTenantsAndNames(t *testing.T) {
	s := newStream(t, intel.DefaultConfig())
	for _, tenant := range []string{"acme", "globex"} {
		s.tenant = tenant
		s.emit(depot.Event{Kind: depot.EventReceived, SKU: "tee", Location: "wh1", Qty: 100})
		s.emit(depot.Event{Kind: depot.EventInboundExpected, Ref: "po", SKU: "tee", Location: "wh1", Qty: 10, At: t0 + 10*hour})
		for m := int64(1); m <= 20; m++ {
			s.at(m*minute).reserve("web", "tee", "wh1", 4)
		}
	}
	qa, qg := s.in.ActionQueue("acme", 0), s.in.ActionQueue("globex", 0)
	if len(qa) != 1 || len(qg) != 1 {
		t.Fatalf("queues %d and %d", len(qa), len(qg))
	}
	if s.in.Acknowledge("globex", qa[0].ID+100) || !s.in.Acknowledge("acme", qa[0].ID) {
		t.Fatal("acknowledge by id")
	}
	if s.in.ActionQueue("acme", 0)[0].State != intel.StateAcknowledged || s.in.ActionQueue("globex", 0)[0].State != intel.StateOpen {
		t.Fatal("acknowledging acme's alert touched globex's")
	}
	if len(s.in.ActionQueue("initech", 0)) != 0 {
		t.Fatal("an unknown tenant has alerts")
	}
	for _, tc := range []struct {
		k    intel.Kind
		name string
	}{
		{intel.KindDemandSpike, "demand_spike"}, {intel.KindChannelSilent, "channel_silent"},
		{intel.KindStockoutBeforeReceipt, "stockout_before_receipt"}, {intel.KindCountDrift, "count_drift"},
		{intel.KindRejectionSurge, "rejection_surge"}, {intel.KindCarrierDelay, "carrier_delay"}, {intel.KindSLARisk, "sla_risk"},
		{intel.KindAdSpendOutOfStock, "ad_spend_out_of_stock"},
	} {
		if tc.k.String() != tc.name {
			t.Errorf("%d is %q, want %q", tc.k, tc.k, tc.name)
		}
		if k, ok := intel.ParseKind(tc.name); !ok || k != tc.k {
			t.Errorf("ParseKind(%q)", tc.name)
		}
	}
}

// Carrier delays and SLA risk from the orchestration's events.
func TestCarrierDelayAndSLARisk(t *testing.T) {
	s := newStream(t, intel.DefaultConfig())
	for i := int64(1); i <= 12; i++ {
		s.at(i * 4 * minute).emit(depot.Event{Kind: depot.EventShipmentDelayed, Carrier: "dhl", Service: "express", Qty: 8200, Reason: "late"})
		s.emit(depot.Event{Kind: depot.EventSLAAtRisk, Order: "o", Reason: "ship_by: backlog"})
		s.emit(depot.Event{Kind: depot.EventSLAAtRisk, Order: "o2", Reason: "ship_by: backlog"})
	}
	if o := s.opened(intel.KindCarrierDelay); len(o) != 1 || o[0].Carrier != "dhl/express" {
		t.Fatalf("carrier alerts %+v", o)
	}
	if o := s.opened(intel.KindSLARisk); len(o) != 1 {
		t.Fatalf("sla alerts %+v", o)
	}
	s.in.Advance(t0 + 10*hour)
	if s.resolved(intel.KindCarrierDelay) != 1 || s.resolved(intel.KindSLARisk) != 1 {
		t.Fatal("quiet hours did not resolve carrier and SLA alerts")
	}
}

func fmtDur(ns int64) string { return fmt.Sprintf("%.1f min", float64(ns)/float64(minute)) }
