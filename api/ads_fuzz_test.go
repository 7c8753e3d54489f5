package api

import "testing"

// FuzzAdMetricsReport fuzzes the strict decoder with the body of POST /v1/ads/metrics; seeds in
// testdata/fuzz/FuzzAdMetricsReport.
func FuzzAdMetricsReport(f *testing.F) {
	fuzzDecode[AdMetricsReport](f,
		`{"campaign":"c","sku":"a","channel":"web","period_start":1700000000000000000,"period_end":1700000900000000000,"spend_minor":2500,"impressions":9000,"clicks":120,"attributed_orders":4}`,
		`{"campaign":"c","sku":"a","channel":"web","period_start":1,"period_end":2}`)
}
