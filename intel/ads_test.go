package intel_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/intel"
)

// adReport emits a campaign's report for the ten minutes before now, with the channel's
// availability as the engine would stamp it.
func (s *stream) adReport(campaign, sku, ch string, spend, channelATP int64) {
	s.emit(depot.Event{Kind: depot.EventAdMetricsRecorded, Ref: campaign, SKU: sku, Channel: ch, Qty: channelATP, At: s.now,
		Ad: &depot.AdMetrics{PeriodStart: s.now - 10*minute, PeriodEnd: s.now, SpendMinor: spend, Impressions: spend * 4, Clicks: spend / 10, AttributedOrders: 2}})
}

// A campaign promotes a T-shirt on web at 600 per ten minutes while it sells. A quality hold
// takes every unit: the next order for it is refused, and ad_spend_out_of_stock opens on that
// refusal with the spend at stake and "pause campaign"; a restatement of the latest period
// changes the totals, not the count of reports; releasing the hold and selling again resolves
// it; a campaign whose reports stop is no longer judged spending.
func TestAdSpendOutOfStock(t *testing.T) {
	s := newStream(t, intel.DefaultConfig())
	s.emit(depot.Event{Kind: depot.EventReceived, SKU: "tee", Location: "wh1", Qty: 5000})
	// wh2 holds stock too, but does not feed web: only web's refusal tells that web is out.
	s.emit(depot.Event{Kind: depot.EventReceived, SKU: "tee", Location: "wh2", Qty: 50_000})
	for m := int64(1); m <= 60; m++ {
		s.at(m*minute).reserve("web", "tee", "wh1", 1)
		if m%10 == 0 {
			s.adReport("spring", "tee", "web", 600, 4000)
		}
	}
	if n := len(s.opened(intel.KindAdSpendOutOfStock)); n != 0 {
		t.Fatalf("%d ad alerts while the SKU sells", n)
	}
	s.at(61 * minute).emit(depot.Event{Kind: depot.EventHeld, SKU: "tee", Location: "wh1", Qty: 4940, Reason: "quality hold"})
	if n := len(s.opened(intel.KindAdSpendOutOfStock)); n != 0 {
		t.Fatalf("%d ad alerts before web refused anything", n)
	}
	s.at(62 * minute).in.ObserveRejection(&intel.Rejection{Tenant: "acme", Channel: "web", Time: s.now, Code: depot.CodeInsufficientStock,
		Shortfalls: []depot.Shortfall{{SKU: "tee", Requested: 1}}, Lines: []depot.ReserveLine{{SKU: "tee", Qty: 1}}})
	o := s.opened(intel.KindAdSpendOutOfStock)
	if len(o) != 1 {
		t.Fatalf("want one ad alert on the refusal, got %+v", o)
	}
	a := o[0]
	if a.Campaign != "spring" || a.SKU != "tee" || a.Channel != "web" || a.Subject != "spring/tee@web" || a.OpenedAt != t0+62*minute {
		t.Fatalf("alert %+v", a)
	}
	// 3,600 per hour for the default lead time, capped at a day.
	if a.ImpactMinor != 24*3600 || a.TimeToImpactNs != 0 || a.Severity != "critical" {
		t.Fatalf("impact %d minor, tti %d, severity %s", a.ImpactMinor, a.TimeToImpactNs, a.Severity)
	}
	if a.Action.Verb != "pause_campaign" || a.Action.Campaign != "spring" || !strings.Contains(a.Action.Text, "Pause campaign spring") {
		t.Fatalf("action %+v", a.Action)
	}
	v, _ := s.in.SKU("acme", "tee")
	if len(v.Campaigns) != 1 || !v.Campaigns[0].OutOfStock || v.Campaigns[0].SpendMinor != 3600 || len(v.Alerts) != 1 {
		t.Fatalf("campaigns %+v, alerts %d", v.Campaigns, len(v.Alerts))
	}
	// A restatement of the latest period replaces it.
	s.at(63 * minute).emit(depot.Event{Kind: depot.EventAdMetricsRecorded, Ref: "spring", SKU: "tee", Channel: "web", Qty: 0, At: t0 + 60*minute,
		Ad: &depot.AdMetrics{PeriodStart: t0 + 50*minute, PeriodEnd: t0 + 60*minute, SpendMinor: 700}})
	if v, _ := s.in.SKU("acme", "tee"); v.Campaigns[0].SpendMinor != 3700 {
		t.Fatalf("restated total %d, want 3700", v.Campaigns[0].SpendMinor)
	}
	s.at(70 * minute).emit(depot.Event{Kind: depot.EventHeld, SKU: "tee", Location: "wh1", Qty: -4940, Reason: "released"})
	s.reserve("web", "tee", "wh1", 1)
	if s.resolved(intel.KindAdSpendOutOfStock) != 1 {
		t.Fatal("selling again did not resolve the alert")
	}

	// Out of stock again, but the campaign has stopped reporting: no alert, and an open one
	// clears once the campaign is past its active window.
	s.at(71 * minute).emit(depot.Event{Kind: depot.EventHeld, SKU: "tee", Location: "wh1", Qty: 4939, Reason: "quality hold"})
	s.adReport("spring", "tee", "web", 600, 0)
	if len(s.opened(intel.KindAdSpendOutOfStock)) != 2 {
		t.Fatal("a report showing the channel empty did not open the alert")
	}
	s.in.Advance(t0 + 71*minute + intel.DefaultConfig().AdActiveWindow + minute)
	if s.resolved(intel.KindAdSpendOutOfStock) != 2 {
		t.Fatal("a campaign that stopped reporting still counts as spending")
	}
}

// A campaign keeps spending on a SKU that sells 60 an hour. With 1,000 units and the next
// receipt at 12 h its cover always exceeds the lead time; after a write-off leaves 200 units
// (3.3 h) with the receipt 7 h away, the alert opens with the time until it runs out as the time
// to impact. The receipt arrives early and large: cover (70 h) exceeds the default lead time of
// a SKU with nothing pending (48 h, plus the margin), and the alert resolves.
func TestAdSpendBelowLeadTime(t *testing.T) {
	s := newStream(t, intel.DefaultConfig())
	s.emit(depot.Event{Kind: depot.EventReceived, SKU: "mug", Location: "wh1", Qty: 1000})
	s.emit(depot.Event{Kind: depot.EventInboundExpected, Ref: "po-9", SKU: "mug", Location: "wh1", Qty: 4000, At: t0 + 12*hour})
	for m := int64(1); m <= 300; m++ {
		s.at(m*minute).reserve("web", "mug", "wh1", 1)
		s.emit(depot.Event{Kind: depot.EventReleased, SKU: "mug", Location: "wh1", Qty: 1})
		if m%10 == 0 {
			s.adReport("mugs", "mug", "web", 100, 400)
		}
	}
	if n := len(s.opened(intel.KindAdSpendOutOfStock)); n != 0 {
		t.Fatalf("%d alerts with 16 h of cover", n)
	}
	s.at(301 * minute).emit(depot.Event{Kind: depot.EventAdjusted, SKU: "mug", Location: "wh1", Qty: -800, Reason: "damaged"})
	o := s.opened(intel.KindAdSpendOutOfStock)
	if len(o) != 1 {
		t.Fatalf("alerts %+v", o)
	}
	if tti := o[0].TimeToImpactNs; tti < 3*hour || tti > 4*hour {
		t.Fatalf("time to impact %s, want the 3.3 h of cover", fmtDur(tti))
	}
	if !strings.Contains(o[0].Action.Text, "sells out in") {
		t.Fatalf("action %q", o[0].Action.Text)
	}
	s.at(302 * minute).emit(depot.Event{Kind: depot.EventReceived, SKU: "mug", Location: "wh1", Qty: 4000, Reason: "po-9"})
	if s.resolved(intel.KindAdSpendOutOfStock) != 1 {
		t.Fatal("the receipt did not resolve the alert")
	}
}

// Two SKUs spike on a channel of forty; one has a campaign whose spend quadruples as its spike
// starts, the other a campaign spending as usual. The first spike is ad-driven, with the spend
// in its evidence; the second organic.
func TestAdDrivenSpike(t *testing.T) {
	s := newStream(t, intel.DefaultConfig())
	rng := rand.New(rand.NewPCG(5, 6))
	skus := make([]string, 40)
	for i := range skus {
		skus[i] = fmt.Sprintf("sku-%02d", i)
		s.emit(depot.Event{Kind: depot.EventReceived, SKU: skus[i], Location: "wh1", Qty: 1_000_000})
	}
	spikeFrom, spikeTo := int64(4*hour), int64(5*hour)
	for sec := int64(1); sec <= 6*hour/second; sec++ {
		now := sec * second
		sku := skus[rng.IntN(len(skus))]
		if now >= spikeFrom && now < spikeTo {
			switch rng.IntN(48) {
			case 0, 1, 2, 3:
				sku = "sku-07"
			case 4, 5, 6, 7:
				sku = "sku-21"
			}
		}
		s.at(now).reserve("web", sku, "wh1", 1)
		if sec%600 == 0 {
			boost := int64(1)
			if now >= spikeFrom && now < spikeTo+10*minute {
				boost = 4
			}
			s.adReport("boosted", "sku-07", "web", 500*boost, 1000)
			s.adReport("steady", "sku-21", "web", 500, 1000)
		}
	}
	causes := map[string]string{}
	for _, c := range s.changes {
		if c.Alert.Kind == intel.KindDemandSpike && c.To == intel.StateResolved {
			causes[c.Alert.SKU] = c.Alert.Cause
			if c.Alert.SKU == "sku-07" {
				ev := map[string]float64{}
				for _, m := range c.Alert.Evidence.Values {
					ev[m.Name] = m.Value
				}
				if ev["ad_spend"] != 12000 || ev["ad_spend_multiple"] < 3 {
					t.Errorf("ad-driven evidence %+v", c.Alert.Evidence.Values)
				}
			}
		}
	}
	if causes["sku-07"] != "ad_driven" || causes["sku-21"] != "organic" {
		t.Fatalf("causes %v, want sku-07 ad_driven and sku-21 organic", causes)
	}
}
