package depot_test

import (
	"testing"

	"github.com/depothq/depot"
)

func vAd() *depot.RecordAdMetrics {
	return &depot.RecordAdMetrics{Tenant: "acme", Campaign: "c1", SKU: "tee", Channel: "web",
		AdMetrics: depot.AdMetrics{PeriodStart: 0, PeriodEnd: 1}}
}

// TestValidateAdMetricsEdges probes each limit of an ad report at its edge: the value at the
// limit passes and one past it fails with the code and field the API shows.
func TestValidateAdMetricsEdges(t *testing.T) {
	ad := func(f func(c *depot.RecordAdMetrics)) depot.Command { c := vAd(); f(c); return c }
	const over, under = depot.CodeLimitExceeded, depot.CodeInvalidArgument
	rows := []struct {
		name    string
		ok, bad depot.Command
		code    depot.Code
		field   string
	}{
		{"campaign length", ad(func(c *depot.RecordAdMetrics) { c.Campaign = str(depot.MaxIDLen) }), ad(func(c *depot.RecordAdMetrics) { c.Campaign = str(depot.MaxIDLen + 1) }), over, "campaign"},
		{"campaign required", nil, ad(func(c *depot.RecordAdMetrics) { c.Campaign = "" }), under, "campaign"},
		{"sku required", nil, ad(func(c *depot.RecordAdMetrics) { c.SKU = "" }), under, "sku"},
		{"channel length", ad(func(c *depot.RecordAdMetrics) { c.Channel = str(depot.MaxIDLen) }), ad(func(c *depot.RecordAdMetrics) { c.Channel = str(depot.MaxIDLen + 1) }), over, "channel"},
		{"channel control character", nil, ad(func(c *depot.RecordAdMetrics) { c.Channel = "web\t" }), under, "channel"},
		{"period start", ad(func(c *depot.RecordAdMetrics) { c.PeriodStart = 0 }), ad(func(c *depot.RecordAdMetrics) { c.PeriodStart = -1 }), under, "period_start"},
		{"empty period", ad(func(c *depot.RecordAdMetrics) { c.PeriodStart, c.PeriodEnd = 5, 6 }), ad(func(c *depot.RecordAdMetrics) { c.PeriodStart, c.PeriodEnd = 5, 5 }), under, "period_end"},
		{"period length", ad(func(c *depot.RecordAdMetrics) { c.PeriodEnd = depot.MaxAdPeriod }), ad(func(c *depot.RecordAdMetrics) { c.PeriodEnd = depot.MaxAdPeriod + 1 }), over, "period_end"},
		{"spend", ad(func(c *depot.RecordAdMetrics) { c.SpendMinor = depot.MaxAdSpendMinor }), ad(func(c *depot.RecordAdMetrics) { c.SpendMinor = depot.MaxAdSpendMinor + 1 }), under, "spend_minor"},
		{"spend negative", ad(func(c *depot.RecordAdMetrics) { c.SpendMinor = 0 }), ad(func(c *depot.RecordAdMetrics) { c.SpendMinor = -1 }), under, "spend_minor"},
		{"impressions", ad(func(c *depot.RecordAdMetrics) { c.Impressions = depot.MaxAdCount }), ad(func(c *depot.RecordAdMetrics) { c.Impressions = depot.MaxAdCount + 1 }), under, "impressions"},
		{"clicks negative", ad(func(c *depot.RecordAdMetrics) { c.Clicks = 0 }), ad(func(c *depot.RecordAdMetrics) { c.Clicks = -1 }), under, "clicks"},
		{"attributed orders", ad(func(c *depot.RecordAdMetrics) { c.AttributedOrders = depot.MaxAdCount }), ad(func(c *depot.RecordAdMetrics) { c.AttributedOrders = depot.MaxAdCount + 1 }), under, "attributed_orders"},
	}
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			if tc.ok != nil {
				if r := tc.ok.Validate(); r != nil {
					t.Fatalf("at the limit: %v", r)
				}
			}
			r := tc.bad.Validate()
			if r == nil {
				t.Fatal("past the limit: accepted")
			}
			if r.Code != tc.code || r.Field != tc.field || r.Message == "" {
				t.Fatalf("past the limit: got %s on %q (%s), want %s on %q", r.Code, r.Field, r.Message, tc.code, tc.field)
			}
		})
	}
}

// The advertising kinds live in their own numbered blocks, apart from the order kinds.
func TestAdKindNumbers(t *testing.T) {
	if depot.KindRecordAdMetrics != 30 || depot.KindRecordAdMetrics.String() != "record_ad_metrics" {
		t.Fatalf("record_ad_metrics is %d %q", depot.KindRecordAdMetrics, depot.KindRecordAdMetrics.String())
	}
	if depot.EventAdMetricsRecorded != 60 {
		t.Fatalf("ad_metrics_recorded is %d", depot.EventAdMetricsRecorded)
	}
	if k, ok := depot.ParseEventKind("ad_metrics_recorded"); !ok || k != depot.EventAdMetricsRecorded {
		t.Fatalf("ParseEventKind = %v, %v", k, ok)
	}
	// The gap below the block reads as unknown, and the empty name parses as nothing.
	for k := depot.KindTrackShipment + 1; k < depot.KindRecordAdMetrics; k++ {
		if depot.NewCommand(k) == nil && k.String() != "unknown" {
			t.Errorf("kind %d has no command but the name %q", k, k.String())
		}
	}
	if k, ok := depot.ParseCommandKind(""); ok {
		t.Errorf("the empty name parses as kind %d", k)
	}
}
