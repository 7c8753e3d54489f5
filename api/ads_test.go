package api_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/depothq/depot/api"
)

// TestAdMetrics: a campaign's report is accepted at POST /v1/ads/metrics and in a batch, its event
// carries the figures and the channel's availability; reports naming an unknown SKU or
// channel, or malformed ones, are the documented 422 problems; the route is in the OpenAPI
// document.
func TestAdMetrics(t *testing.T) {
	b := newBundle(t)
	a := b.admin
	seed(t, a)
	now := b.clock.now()
	rep := api.AdMetricsReport{Campaign: "spring", SKU: "tee", Channel: "web", PeriodStart: now - int64(15*time.Minute), PeriodEnd: now,
		SpendMinor: 2500, Impressions: 9000, Clicks: 120, AttributedOrders: 4}
	res, err := a.RecordAdMetrics(ctx, rep)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Events) != 1 {
		t.Fatalf("events %+v", res.Events)
	}
	ev := res.Events[0]
	// The web channel sells tee from wh1 (100 units) with a buffer of one unit.
	if ev.Kind != "ad_metrics_recorded" || ev.Ref != "spring" || ev.SKU != "tee" || ev.Channel != "web" || ev.Qty != 99 ||
		ev.Ad == nil || ev.Ad.SpendMinor != 2500 || ev.Ad.Clicks != 120 || ev.Ad.PeriodEnd != now {
		t.Fatalf("event %+v (ad %+v)", ev, ev.Ad)
	}

	secret := b.key("acme", api.ScopeWrite)
	for _, tc := range []struct {
		name, body, code, field string
	}{
		{"unknown sku", `{"campaign":"c","sku":"nope","channel":"web","period_start":1,"period_end":2}`, "unknown_sku", "sku"},
		{"unknown channel", `{"campaign":"c","sku":"tee","channel":"nope","period_start":1,"period_end":2}`, "unknown_channel", "channel"},
		{"empty period", `{"campaign":"c","sku":"tee","channel":"web","period_start":2,"period_end":2}`, "invalid_argument", "period_end"},
		{"negative spend", `{"campaign":"c","sku":"tee","channel":"web","period_start":1,"period_end":2,"spend_minor":-1}`, "invalid_argument", "spend_minor"},
		{"no campaign", `{"sku":"tee","channel":"web","period_start":1,"period_end":2}`, "invalid_argument", "campaign"},
		{"unknown field", `{"campaign":"c","sku":"tee","channel":"web","period_start":1,"period_end":2,"cpc":3}`, "malformed_json", "cpc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, h, body := b.raw("POST", "/v1/ads/metrics", secret, "application/json", []byte(tc.body))
			p := problemOf(t, h, body)
			if st < 400 || st > 499 || p.Code != tc.code || (tc.field != "" && p.Field != tc.field) {
				t.Fatalf("answered %d %+v, want %s on %q", st, p, tc.code, tc.field)
			}
		})
	}

	batch, err := a.Batch(ctx, []api.Command{&api.AdMetricsReport{Campaign: "spring", SKU: "mug", Channel: "web", PeriodStart: now - 1, PeriodEnd: now, SpendMinor: 7}})
	if err != nil || batch.Accepted != 1 || batch.Results[0].Events[0].Ad == nil {
		t.Fatalf("batch: %+v %v", batch, err)
	}

	// With every tee held, the campaign spends on a SKU the channel cannot sell: the action
	// queue says to pause it, and the SKU view shows the campaign.
	ok(t, errOf(a.Hold(ctx, api.Hold{ID: "qh", SKU: "tee", Location: "wh1", Delta: 100, Reason: "recall"})))
	read := b.key("acme", api.ScopeRead)
	var actions api.IntelActions
	eventually(t, "the ad alert", func() bool {
		_, _, body := b.raw("GET", "/v1/intel/actions", read, "", nil)
		if err := json.Unmarshal(body, &actions); err != nil {
			t.Fatal(err)
		}
		return len(actions.Actions) > 0
	})
	if got := actions.Actions[0]; got.Kind != "ad_spend_out_of_stock" || got.Campaign != "spring" || got.Action.Verb != "pause_campaign" ||
		got.ImpactMinor <= 0 || got.Subject != "spring/tee@web" {
		t.Fatalf("action %+v", got)
	}
	var view api.IntelSKU
	if st, _, body := b.raw("GET", "/v1/intel/skus/tee", read, "", nil); st != 200 || json.Unmarshal(body, &view) != nil ||
		len(view.Campaigns) != 1 || view.Campaigns[0].SpendMinor != 2500 || !view.Campaigns[0].Alerting {
		t.Fatalf("sku view %d: %+v", st, view.Campaigns)
	}

	_, _, body := b.raw("GET", "/v1/openapi.json", "", "", nil)
	var doc struct {
		Paths map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.Paths["/v1/ads/metrics"] == nil {
		t.Fatalf("the OpenAPI document lacks /v1/ads/metrics (%v)", err)
	}
	if !strings.Contains(string(body), `"record_ad_metrics"`) || !strings.Contains(string(body), `"ad_metrics_recorded"`) {
		t.Fatal("the OpenAPI document lacks the ad command or event kind")
	}
}
