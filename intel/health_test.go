package intel_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/intel"
)

// deliver settles one shipment of a carrier service from an origin: shipped, then delivered,
// with a late delay after the delivery when it missed its promise (as the engine emits them).
func (s *stream) deliver(ref, origin, carrier, service string, late bool) {
	s.emit(depot.Event{Kind: depot.EventShipmentShipped, Ref: ref, Location: origin, Carrier: carrier, Service: service})
	s.emit(depot.Event{Kind: depot.EventShipmentDelivered, Ref: ref, Location: origin, Carrier: carrier, Service: service})
	if late {
		s.emit(depot.Event{Kind: depot.EventShipmentDelayed, Ref: ref, Location: origin, Carrier: carrier, Service: service,
			Reason: "late: delivered 2026-11-27 10:00", Qty: 8000})
	}
}

// Two services leave wh1 with 2% of parcels late. Then dhl's lane from wh1 turns late for 60%
// of parcels: carrier_lane_delay opens on that lane within a few outcomes, recommends switching
// to dpd (the service from wh1 with the better record), counts stuck parcels, and resolves once
// the lane is back on time. dpd's lane and dhl's lane from wh2 never alert.
func TestCarrierLaneDelay(t *testing.T) {
	s := newStream(t, intel.DefaultConfig())
	rng := rand.New(rand.NewPCG(7, 7))
	n := 0
	settle := func(origin, carrier string, pLate float64) {
		n++
		s.deliver(fmt.Sprintf("sh-%d", n), origin, carrier, "std", rng.Float64() < pLate)
	}
	for m := int64(1); m <= 300; m++ {
		s.at(m * minute)
		settle("wh1", "dhl", 0.02)
		settle("wh1", "dpd", 0.02)
		settle("wh2", "dhl", 0.02)
	}
	if a := s.opened(intel.KindCarrierLaneDelay); len(a) != 0 {
		t.Fatalf("lane alerts on normal service: %+v", a[0])
	}
	start := int64(301)
	for m := start; m <= 330; m++ {
		s.at(m * minute)
		settle("wh1", "dhl", 0.6)
		settle("wh1", "dpd", 0.02)
		settle("wh2", "dhl", 0.02)
	}
	s.at(331 * minute).emit(depot.Event{Kind: depot.EventShipmentDelayed, Ref: "sh-stuck", Location: "wh1", Carrier: "dhl", Service: "std", Reason: "stuck: no tracking news"})
	got := s.opened(intel.KindCarrierLaneDelay)
	if len(got) != 1 {
		t.Fatalf("want one lane alert, got %d", len(got))
	}
	a := got[0]
	if a.Subject != "dhl/std@wh1" || a.Location != "wh1" || a.Carrier != "dhl/std" || a.OpenedAt > t0+(start+15)*minute {
		t.Fatalf("alert %+v (delay %d min)", a, (a.OpenedAt-t0)/minute-start)
	}
	q := s.in.ActionQueue("acme", 0)
	var act intel.Alert
	for _, x := range q {
		if x.Kind == intel.KindCarrierLaneDelay {
			act = x
		}
	}
	if act.Action.Verb != "switch_carrier" || act.Action.To != "dpd/std" || act.Action.From != "dhl/std" || !strings.Contains(act.Action.Text, "Switch lane wh1 to dpd/std") {
		t.Fatalf("action %+v", act.Action)
	}
	cs := s.in.Carriers("acme")
	if len(cs) != 2 || cs[0].Carrier != "dhl/std" || len(cs[0].Lanes) != 2 || cs[0].Stuck != 1 || !cs[0].Lanes[0].CarrierLaneLate || cs[0].Lanes[1].CarrierLaneLate {
		t.Fatalf("carriers %+v", cs)
	}
	if cs[0].Lanes[0].OnTimeRecent >= cs[0].Lanes[0].OnTimeBaseline {
		t.Fatalf("lane on time %.3f not below its baseline %.3f", cs[0].Lanes[0].OnTimeRecent, cs[0].Lanes[0].OnTimeBaseline)
	}
	// The stuck parcel arrives: no second outcome, no longer stuck.
	s.emit(depot.Event{Kind: depot.EventShipmentDelivered, Ref: "sh-stuck", Location: "wh1", Carrier: "dhl", Service: "std"})
	if cs := s.in.Carriers("acme"); cs[0].Stuck != 0 {
		t.Fatalf("stuck after arrival: %d", cs[0].Stuck)
	}
	for m := int64(332); m <= 500; m++ {
		s.at(m * minute)
		settle("wh1", "dhl", 0)
	}
	if s.resolved(intel.KindCarrierLaneDelay) != 1 {
		t.Fatal("the lane back on time did not resolve the alert")
	}
}

// pickStream has orders of two units committed at a location every interval from `from` to
// `to`, and a shipment of two units (one event per line) picked every interval x slowdiv.
func pickStream(s *stream, loc string, from, to, every, slowdiv int64, n *int) {
	for at, i := from, int64(0); at < to; at, i = at+every, i+1 {
		s.at(at)
		s.emit(depot.Event{Kind: depot.EventCommitted, SKU: "tee", Location: loc, Qty: 2, Ref: "r"})
		if i%slowdiv != 0 {
			continue
		}
		*n++
		s.emit(depot.Event{Kind: depot.EventShipped, SKU: "tee", Location: loc, Qty: 1, Ref: fmt.Sprintf("s%d", *n)})
		s.emit(depot.Event{Kind: depot.EventShipped, SKU: "tee", Location: loc, Qty: 1, Ref: fmt.Sprintf("s%d", *n)})
	}
}

// A warehouse picks a shipment every 12 s (300 an hour) for three hours. Then its pick rate drops
// to a quarter: node_slowdown opens within minutes with the backlog and both drain times, and
// recommends re-sourcing away from it; back at the usual pace the alert resolves. Closing (no
// picks at all for hours) raises nothing.
func TestNodeSlowdown(t *testing.T) {
	for _, tc := range []struct {
		name    string
		slowdiv int64 // the slowed interval is every * slowdiv; 1: no slowdown
		want    int
	}{
		{"steady", 1, 0},
		{"quarter pace", 4, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStream(t, intel.DefaultConfig())
			s.emit(depot.Event{Kind: depot.EventReceived, SKU: "tee", Location: "wh1", Qty: 1_000_000})
			n := 0
			every := 12 * second
			pickStream(s, "wh1", 0, 3*hour, every, 1, &n)
			pickStream(s, "wh1", 3*hour, 4*hour, every, tc.slowdiv, &n)
			got := s.opened(intel.KindNodeSlowdown)
			if len(got) != tc.want {
				t.Fatalf("want %d node_slowdown alerts, got %d", tc.want, len(got))
			}
			if tc.want > 0 {
				a := got[0]
				if a.Location != "wh1" || a.OpenedAt > t0+3*hour+10*minute || a.Action.Verb != "resource_orders" || !strings.Contains(a.Action.Text, "Re-source orders away from wh1") {
					t.Fatalf("alert %+v delay %s", a, fmt.Sprint((a.OpenedAt-t0-3*hour)/second, "s"))
				}
				ev := map[string]float64{}
				for _, m := range a.Evidence.Values {
					ev[m.Name] = m.Value
				}
				if ev["pick_rate_usual"] < 250 || ev["pick_rate_usual"] > 350 || ev["backlog"] <= 0 || ev["drain_at_current_rate"] <= ev["drain_at_usual_rate"] {
					t.Fatalf("evidence %v", ev)
				}
				pickStream(s, "wh1", 4*hour, 5*hour, every, 1, &n)
				if s.resolved(intel.KindNodeSlowdown) != 1 {
					t.Fatal("the usual pace did not resolve the alert")
				}
			}
			// Closing: nothing picked for eight hours, with the sweep running.
			for at := 5 * hour; at < 13*hour; at += minute {
				s.in.Advance(t0 + at)
			}
			if len(s.opened(intel.KindNodeSlowdown)) != tc.want {
				t.Fatal("a location that stopped picking raised node_slowdown")
			}
			ls := s.in.Locations("acme")
			committed := int64(2 * (5 * hour / every))
			if tc.want == 0 {
				committed = 2 * (4 * hour / every)
			}
			if len(ls) != 1 || ls[0].Node.Picks != uint32(n) || ls[0].Node.Backlog != committed-2*int64(n) {
				t.Fatalf("locations %+v (picks %d)", ls, n)
			}
		})
	}
}

// nodeDay feeds a location's commits (two units each) and picks (one shipment of two units
// each), given as offsets from t0, merged in time order.
func nodeDay(s *stream, loc string, commits, picks []int64) {
	i, j, n := 0, 0, 0
	for i < len(commits) || j < len(picks) {
		if j >= len(picks) || (i < len(commits) && commits[i] <= picks[j]) {
			s.at(commits[i])
			s.emit(depot.Event{Kind: depot.EventCommitted, SKU: "tee", Location: loc, Qty: 2, Ref: "r"})
			i++
			continue
		}
		s.at(picks[j])
		n++
		s.emit(depot.Event{Kind: depot.EventShipped, SKU: "tee", Location: loc, Qty: 2, Ref: fmt.Sprintf("s%d", n)})
		j++
	}
}

// every returns the offsets from `from` to `to` (exclusive) at a fixed step.
func every(from, to, step int64) []int64 {
	var out []int64
	for at := from; at < to; at += step {
		out = append(out, at)
	}
	return out
}

// Shapes of normal picking that are no slowdown: the opening wave that clears the night's orders
// at full capacity and then settles to the pace of the day; picking in waves (a few minutes
// without a shipment, then dozens at once) at the usual average; picking that fades with the
// evening's orders; and closing time (orders keep arriving, nothing is picked).
func TestNodeSlowdownShapes(t *testing.T) {
	waves := func(from, to, period, spacing int64) []int64 {
		var out []int64
		for w := from; w < to; w += period {
			out = append(out, every(w, w+50*spacing, spacing)...)
		}
		return out
	}
	var fadeCommits, fadePicks []int64
	for at, step := int64(0), 12*second; at < 6*hour; at += step {
		if at > 3*hour {
			step = 12*second + (at-3*hour)/200 // from 300 an hour to about 50
		}
		fadeCommits = append(fadeCommits, at)
		fadePicks = append(fadePicks, at+5*minute)
	}
	for _, tc := range []struct {
		name           string
		commits, picks []int64
	}{
		{"opening wave", every(0, 14*hour, 12*second), append(every(8*hour, 8*hour+1800*second, second), every(8*hour+1800*second, 14*hour, 12*second)...)},
		{"waves", every(0, 6*hour, 12*second), waves(0, 6*hour, 10*minute, second)},
		{"evening fade", fadeCommits, fadePicks},
		{"closing", every(0, 10*hour, 12*second), every(0, 4*hour, 12*second)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStream(t, intel.DefaultConfig())
			nodeDay(s, "wh1", tc.commits, tc.picks)
			for at := s.now - t0; at < 16*hour; at += minute {
				s.in.Advance(t0 + at)
			}
			if got := s.opened(intel.KindNodeSlowdown); len(got) != 0 {
				t.Fatalf("normal picking raised node_slowdown: %+v", got)
			}
		})
	}
}

// Safety stock and the reorder point per position: hours alternating 10 and 30 units sold have
// a mean of 20 and a standard deviation of 10 units per hour; with the next receipt 9 hours away
// (L = 9) the safety stock is 1.645 x 10 x 3 and the reorder point 20 x 9 plus it. Without a
// pending receipt L is the configured default lead time; before two hours closed, nothing.
func TestSafetyStock(t *testing.T) {
	for _, tc := range []struct {
		name      string
		hours     int64
		inbound   bool
		wantLead  float64
		wantKnown bool
	}{
		{"receipt in 9 h", 40, true, 9, true},
		{"default lead time", 40, false, 48, true},
		{"too young", 1, false, 48, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStream(t, intel.DefaultConfig())
			s.emit(depot.Event{Kind: depot.EventReceived, SKU: "tee", Location: "wh1", Qty: 1_000_000})
			align := hour - t0%hour // demand is counted per clock hour
			for h := int64(0); h < tc.hours; h++ {
				per := int64(10)
				if h%2 == 1 {
					per = 30
				}
				for i := range per {
					s.at(align + h*hour + i*minute)
					s.reserve("web", "tee", "wh1", 1)
				}
			}
			end := align + tc.hours*hour
			s.at(end)
			if tc.inbound {
				s.emit(depot.Event{Kind: depot.EventInboundExpected, SKU: "tee", Location: "wh1", Qty: 500, Ref: "po1", At: t0 + end + 9*hour})
			}
			s.in.Advance(t0 + end)
			v, ok := s.in.SKU("acme", "tee")
			if !ok || len(v.Positions) != 1 {
				t.Fatalf("view %+v", v)
			}
			p := v.Positions[0]
			if math.Abs(p.LeadTimeHours-tc.wantLead) > 0.01 {
				t.Fatalf("lead time %.3f h, want %.0f", p.LeadTimeHours, tc.wantLead)
			}
			if !tc.wantKnown {
				if p.SafetyStock != -1 || p.ReorderPoint != -1 {
					t.Fatalf("safety stock %.2f from under two hours", p.SafetyStock)
				}
				return
			}
			if math.Abs(p.DemandPerHour-20) > 1 || math.Abs(p.DemandSigmaPerHour-10) > 1 {
				t.Fatalf("demand %.2f +- %.2f per hour, want 20 +- 10", p.DemandPerHour, p.DemandSigmaPerHour)
			}
			wantSS := 1.645 * p.DemandSigmaPerHour * math.Sqrt(tc.wantLead)
			if math.Abs(p.SafetyStock-wantSS) > 0.01 || math.Abs(p.ReorderPoint-(p.DemandPerHour*tc.wantLead+wantSS)) > 0.01 {
				t.Fatalf("safety stock %.2f (want %.2f), reorder point %.2f", p.SafetyStock, wantSS, p.ReorderPoint)
			}
		})
	}
}
