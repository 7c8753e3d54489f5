package engine_test

import (
	"slices"
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
)

// TestRecordAdMetrics: an ad report is accepted for a known SKU and channel, its event carries
// the figures and the channel's availability of the SKU; bad references and reports of the
// future are refused with their code and change nothing; and the state after reports hashes the
// same live, after a full replay and after snapshot plus tail.
func TestRecordAdMetrics(t *testing.T) {
	e, f := mustEngine(t)
	setup := []depot.Command{
		&depot.DefineSKU{Tenant: tenant, SKU: "tee"},
		&depot.DefineLocation{Tenant: tenant, Location: "ams", Type: depot.LocationWarehouse, Status: depot.LocationOpen},
		&depot.DefineChannel{Tenant: tenant, Channel: "web", Locations: []string{"ams"}, Default: depot.Buffer{Units: 2}},
		&depot.Receive{Tenant: tenant, ID: "r1", SKU: "tee", Location: "ams", Qty: 10},
	}
	f.ok(setup...)
	report := func(campaign, sku, channel string, start, end, spend int64) *depot.RecordAdMetrics {
		return &depot.RecordAdMetrics{Tenant: tenant, Campaign: campaign, SKU: sku, Channel: channel,
			AdMetrics: depot.AdMetrics{PeriodStart: start, PeriodEnd: end, SpendMinor: spend, Impressions: 1000, Clicks: 40, AttributedOrders: 3}}
	}
	good := report("spring", "tee", "web", t0-900*sec, t0, 2500)
	res := f.apply(good)
	if !res.OK() || len(res.Events) != 1 {
		t.Fatalf("report: %+v", res)
	}
	ev := res.Events[0]
	if ev.Kind != depot.EventAdMetricsRecorded || ev.Ref != "spring" || ev.SKU != "tee" || ev.Channel != "web" ||
		ev.Qty != 8 || ev.At != t0 || ev.Ad == nil || *ev.Ad != good.AdMetrics || ev.Tenant != tenant || ev.Time != t0 {
		t.Fatalf("event %+v (ad %+v); want the figures and the channel's 8 available units", ev, ev.Ad)
	}

	cases := []struct {
		name  string
		cmd   depot.Command
		code  depot.Code
		field string
	}{
		{"unknown sku", report("spring", "mug", "web", t0-sec, t0, 1), depot.CodeUnknownSKU, "sku"},
		{"unknown channel", report("spring", "tee", "app", t0-sec, t0, 1), depot.CodeUnknownChannel, "channel"},
		{"unknown tenant", &depot.RecordAdMetrics{Tenant: "globex", Campaign: "c", SKU: "tee", Channel: "web",
			AdMetrics: depot.AdMetrics{PeriodStart: 0, PeriodEnd: 1}}, depot.CodeUnknownChannel, "channel"},
		{"future period", report("spring", "tee", "web", t0, t0+depot.MaxAdReportAhead+1, 1), depot.CodeInvalidArgument, "period_end"},
		{"malformed", report("spring", "tee", "web", t0, t0, 1), depot.CodeInvalidArgument, "period_end"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// A rejection changes nothing but the sequence number: the state equals that of an
			// engine given another refused command in its place.
			twin, err := engine.Restore(e.AppendSnapshot(nil))
			if err != nil {
				t.Fatal(err)
			}
			twin.Apply(&depot.Envelope{Seq: e.LastSeq() + 1, Time: t0, Cmd: &depot.Release{Tenant: tenant, Reservation: "none"}})
			res := f.apply(tc.cmd)
			if res.OK() || res.Rejection.Code != tc.code || res.Rejection.Field != tc.field || len(res.Events) != 0 {
				t.Fatalf("got %+v, want %s on %q", res, tc.code, tc.field)
			}
			if twin.Hash() != e.Hash() {
				t.Fatal("a refused report changed the state")
			}
		})
	}
	// At the edge of the clock skew a report is accepted.
	f.ok(report("spring", "tee", "web", t0, t0+depot.MaxAdReportAhead, 10))

	// Replaying the whole history (rejections included) into a fresh engine gives the same
	// hash, and so does a snapshot taken part way plus the tail.
	var history []depot.Command
	history = append(history, setup...)
	history = append(history, good)
	for _, tc := range cases {
		history = append(history, tc.cmd)
	}
	history = append(history, report("spring", "tee", "web", t0, t0+depot.MaxAdReportAhead, 10))
	replay := engine.New()
	var snap []byte
	for i, c := range history {
		replay.Apply(&depot.Envelope{Seq: uint64(i + 1), Time: t0, Cmd: c})
		if i == len(setup) {
			snap = replay.AppendSnapshot(nil)
		}
	}
	if replay.Hash() != e.Hash() {
		t.Fatal("full replay hashes differently from the live engine")
	}
	restored, err := engine.Restore(snap)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(setup) + 1; i < len(history); i++ {
		restored.Apply(&depot.Envelope{Seq: uint64(i + 1), Time: t0, Cmd: history[i]})
	}
	if restored.Hash() != e.Hash() {
		t.Fatal("snapshot plus tail hashes differently from the live engine")
	}
	if !slices.Equal(restored.Ledger().Positions(tenant, "tee"), e.Ledger().Positions(tenant, "tee")) {
		t.Fatal("positions differ")
	}
}
