package intel_test

import (
	"encoding/json"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/depothq/depot"
	"github.com/depothq/depot/intel"
)

// step is one generated input: an event or a rejection, some time after the previous one.
type step struct {
	gap    int64
	ev     depot.Event
	reject bool
}

func genSteps(t *rapid.T) []step {
	tenants := []string{"acme", "globex"}
	skus := []string{"a", "b", "c"}
	locs := []string{"wh1", "ds1"}
	chans := []string{"web", "app"}
	kinds := []depot.EventKind{depot.EventReceived, depot.EventReserved, depot.EventReserved, depot.EventReserved,
		depot.EventReleased, depot.EventHeld, depot.EventInboundExpected, depot.EventCounted, depot.EventShipmentDelayed,
		depot.EventSLAAtRisk, depot.EventOrderReceived, depot.EventAdjusted, depot.EventAdMetricsRecorded}
	n := rapid.IntRange(1, 400).Draw(t, "n")
	out := make([]step, n)
	for i := range out {
		s := step{gap: rapid.Int64Range(0, 10*minute).Draw(t, "gap")}
		s.ev = depot.Event{
			Kind:     rapid.SampledFrom(kinds).Draw(t, "kind"),
			Tenant:   rapid.SampledFrom(tenants).Draw(t, "tenant"),
			SKU:      rapid.SampledFrom(skus).Draw(t, "sku"),
			Location: rapid.SampledFrom(locs).Draw(t, "loc"),
			Channel:  rapid.SampledFrom(chans).Draw(t, "channel"),
			Qty:      rapid.Int64Range(-5, 50).Draw(t, "qty"),
			Ref:      rapid.SampledFrom([]string{"po-1", "po-2", "po-3", "po-4"}).Draw(t, "ref"),
			Carrier:  "dhl", Service: "std",
		}
		s.ev.At = t0 + rapid.Int64Range(0, 12*hour).Draw(t, "at")
		if s.ev.Kind == depot.EventAdMetricsRecorded {
			// A campaign's report of the last 10 minutes (sometimes restating it), with what the
			// channel had left.
			end := rapid.Int64Range(0, 12*hour).Draw(t, "period-end")
			s.ev.Ref = rapid.SampledFrom([]string{"c1", "c2"}).Draw(t, "campaign")
			s.ev.Ad = &depot.AdMetrics{PeriodStart: t0 + end - 10*minute, PeriodEnd: t0 + end,
				SpendMinor: rapid.Int64Range(0, 5000).Draw(t, "spend"), Clicks: rapid.Int64Range(0, 50).Draw(t, "clicks")}
		}
		if s.ev.Kind == depot.EventReceived && rapid.Bool().Draw(t, "against-po") {
			s.ev.Reason = s.ev.Ref
		}
		s.reject = rapid.IntRange(0, 9).Draw(t, "reject") == 0
		out[i] = s
	}
	return out
}

func feed(in *intel.Intel, steps []step) {
	now, seq := t0, uint64(0)
	for _, s := range steps {
		now += s.gap
		seq++
		if s.reject {
			in.ObserveRejection(&intel.Rejection{Tenant: s.ev.Tenant, Channel: s.ev.Channel, Time: now, Code: depot.CodeInsufficientStock,
				Shortfalls: []depot.Shortfall{{SKU: s.ev.SKU, Requested: 2}}, Lines: []depot.ReserveLine{{SKU: s.ev.SKU, Qty: 2}}})
			continue
		}
		ev := s.ev
		ev.Seq, ev.Time = seq, now
		in.Apply(&ev)
	}
}

// Whatever the events, two projections fed the same sequence answer the same, every alert is
// encodable and explained, and no (kind, subject) is open twice.
func TestPropertyDeterministicAndWellFormed(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		steps := genSteps(t)
		a, b := intel.New(intel.Options{}), intel.New(intel.Options{})
		feed(a, steps)
		feed(b, steps)
		for _, tenant := range []string{"acme", "globex"} {
			qa, qb := a.ActionQueue(tenant, 0), b.ActionQueue(tenant, 0)
			ja, err := json.Marshal(qa)
			if err != nil {
				t.Fatalf("queue does not encode: %v", err)
			}
			jb, _ := json.Marshal(qb)
			if string(ja) != string(jb) {
				t.Fatalf("two projections of the same events differ:\n%s\n%s", ja, jb)
			}
			seen := map[string]bool{}
			for _, al := range qa {
				key := al.Kind.String() + "|" + al.Subject
				if seen[key] {
					t.Fatalf("%s open twice", key)
				}
				seen[key] = true
				if al.Action.Text == "" || al.Subject == "" || len(al.Evidence.Values) == 0 {
					t.Fatalf("alert without subject, evidence or action: %+v", al)
				}
			}
			for _, sku := range []string{"a", "b", "c"} {
				va, oka := a.SKU(tenant, sku)
				vb, _ := b.SKU(tenant, sku)
				if oka {
					if _, err := json.Marshal(va); err != nil {
						t.Fatalf("SKU view does not encode: %v", err)
					}
				}
				if !reflect.DeepEqual(va, vb) {
					t.Fatal("SKU views differ")
				}
			}
		}
		if a.Stats() != b.Stats() {
			t.Fatalf("stats differ: %+v vs %+v", a.Stats(), b.Stats())
		}
	})
}

// The package stays pure: it imports no clock, I/O or randomness (fmt reaches os through the
// root package, so the check is on imports, as DESIGN.md words the rule).
func TestPurity(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{join .Imports " "}}`, "github.com/depothq/depot/intel").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	banned := map[string]bool{"time": true, "os": true, "net": true, "log": true, "math/rand": true, "math/rand/v2": true, "crypto/rand": true}
	for _, p := range strings.Fields(string(out)) {
		if banned[p] {
			t.Errorf("intel depends on %s", p)
		}
	}
}
