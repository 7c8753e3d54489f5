package carriers

import (
	"testing"

	"pgregory.net/rapid"
)

func TestNormalize(t *testing.T) {
	n, err := NewNormalizer([]CarrierCodes{
		{Carrier: "UPS", Codes: []Code{{"D", StatusDelivered}, {"I", StatusInTransit}, {"X", StatusException}, {"M", StatusPreTransit}}},
		{Carrier: "dhl", Codes: []Code{{"transit", StatusInTransit}, {"pre-transit", StatusPreTransit}, {"held", StatusAvailableForPickup}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		carrier, code string
		want          Status
		ok            bool
	}{
		{"ups", "d", StatusDelivered, true},
		{"UPS", "D", StatusDelivered, true},
		{"ups", "X", StatusException, true},
		{"fedex", "D", StatusUnknown, false}, // single letters mean nothing by default
		{"fedex", "Out for Delivery", StatusOutForDelivery, true},
		{"any", "OUT-FOR-DELIVERY", StatusOutForDelivery, true},
		{"any", "  out_for   delivery ", StatusOutForDelivery, true},
		{"any", "Delivered", StatusDelivered, true},
		{"any", "Canceled", StatusCancelled, true},
		{"any", "returned to sender", StatusReturnToSender, true},
		{"any", "Failed Attempt", StatusDeliveryFailed, true},
		{"any", "ready for pickup", StatusAvailableForPickup, true},
		{"any", "label created", StatusPreTransit, true},
		{"any", "held", StatusException, true},
		{"dhl", "Held", StatusAvailableForPickup, true}, // the carrier's own meaning wins
		{"any", "teleported", StatusUnknown, false},
		{"any", "", StatusUnknown, false},
	} {
		got, ok := n.Normalize(tc.carrier, tc.code)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Normalize(%q, %q) = %v %v, want %v %v", tc.carrier, tc.code, got, ok, tc.want, tc.ok)
		}
	}
	if _, err := NewNormalizer([]CarrierCodes{{Carrier: "x", Codes: []Code{{"A b", StatusDelivered}, {"a-B", StatusException}}}}); err == nil {
		t.Error("codes equal after folding accepted")
	}
	for s := StatusPreTransit; s <= StatusCancelled; s++ {
		if p, ok := ParseStatus(s.String()); !ok || p != s {
			t.Errorf("status %d does not round-trip", s)
		}
	}
}

func TestTracker(t *testing.T) {
	tr := &Tracker{StuckAfterMinutes: 24 * 60}
	promise := t0 + 48*hour
	ev := func(h int64, code string) TrackingEvent { return TrackingEvent{At: t0 + h*hour, Code: code} }
	for _, tc := range []struct {
		name                string
		events              []TrackingEvent
		now                 int64
		status              Status
		late, stuck, settle bool
		onTime              bool
	}{
		{name: "moving", events: []TrackingEvent{ev(0, "label created"), ev(5, "in transit")}, now: t0 + 10*hour, status: StatusInTransit},
		{name: "stuck", events: []TrackingEvent{ev(0, "label created"), ev(5, "in transit")}, now: t0 + 30*hour, status: StatusInTransit, stuck: true},
		{name: "late and stuck", events: []TrackingEvent{ev(5, "in transit")}, now: t0 + 50*hour, status: StatusInTransit, late: true, stuck: true},
		{name: "pre-transit is not stuck", events: []TrackingEvent{ev(0, "label created")}, now: t0 + 30*hour, status: StatusPreTransit},
		{name: "delivered on time", events: []TrackingEvent{ev(5, "in transit"), ev(30, "delivered")}, now: t0 + 60*hour,
			status: StatusDelivered, settle: true, onTime: true},
		{name: "delivered late", events: []TrackingEvent{ev(5, "in transit"), ev(50, "delivered")}, now: t0 + 60*hour,
			status: StatusDelivered, late: true, settle: true},
		{name: "pickup point counts as arrival", events: []TrackingEvent{ev(40, "ready for pickup"), ev(70, "delivered")}, now: t0 + 80*hour,
			status: StatusDelivered, settle: true, onTime: true},
		{name: "returned", events: []TrackingEvent{ev(5, "in transit"), ev(20, "return to sender")}, now: t0 + 30*hour,
			status: StatusReturnToSender, settle: true},
		{name: "cancelled settles nothing", events: []TrackingEvent{ev(1, "cancelled")}, now: t0 + 60*hour, status: StatusCancelled},
		{name: "out of order", events: []TrackingEvent{ev(30, "delivered"), ev(5, "in transit"), ev(20, "out for delivery")}, now: t0 + 31*hour,
			status: StatusDelivered, settle: true, onTime: true},
		{name: "same instant goes furthest", events: []TrackingEvent{ev(30, "delivered"), ev(30, "out for delivery")}, now: t0 + 31*hour,
			status: StatusDelivered, settle: true, onTime: true},
	} {
		v := tr.Assess("any", tc.events, promise, tc.now)
		onTime, settled := v.Outcome(promise)
		if v.Status != tc.status || v.Late != tc.late || v.Stuck != tc.stuck || settled != tc.settle || onTime != tc.onTime {
			t.Errorf("%s: %+v outcome %v %v", tc.name, v, onTime, settled)
		}
	}
	v := tr.Assess("any", []TrackingEvent{{At: t0, Code: "??"}}, promise, t0)
	if v.Unrecognised != 1 || v.Status != StatusUnknown {
		t.Errorf("unrecognised: %+v", v)
	}
	score := NewOnTimeScore(9_000)
	if !tr.Settle(tr.Assess("any", []TrackingEvent{ev(50, "delivered")}, promise, t0+60*hour), promise, &score) || score.BP() >= 9_000 {
		t.Errorf("a late delivery must lower the score: %d", score.BP())
	}
}

func TestPropertyTrackerIgnoresEventOrder(t *testing.T) {
	codes := []string{"label created", "in transit", "out for delivery", "delivered", "failed attempt", "exception", "ready for pickup", "bogus"}
	tr := &Tracker{}
	rapid.Check(t, func(t *rapid.T) {
		evs := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) TrackingEvent {
			return TrackingEvent{At: t0 + rapid.Int64Range(0, 20).Draw(t, "h")*hour, Code: rapid.SampledFrom(codes).Draw(t, "code")}
		}), 0, 12).Draw(t, "events")
		perm := rapid.Permutation(evs).Draw(t, "perm")
		now := t0 + rapid.Int64Range(0, 100).Draw(t, "now")*hour
		if a, b := tr.Assess("x", evs, t0+10*hour, now), tr.Assess("x", perm, t0+10*hour, now); a != b {
			t.Fatalf("event order changed the verdict: %+v vs %+v", a, b)
		}
	})
}

func TestOnTimeScore(t *testing.T) {
	s := NewOnTimeScore(9_000)
	if s.BP() != 9_000 || s.Samples() != 0 {
		t.Fatal(s)
	}
	s.Observe(false) // running mean with the prior as one sample: (9000 + 0) / 2
	if s.BP() != 4_500 {
		t.Fatalf("after one miss: %d", s.BP())
	}
	for i := 0; i < 200; i++ {
		s.Observe(true)
	}
	if s.BP() < 9_990 {
		t.Fatalf("after 200 on-time deliveries: %d", s.BP())
	}
	// Converges to the on-time rate of a periodic pattern (3 of 4 on time), within EWMA noise.
	for i := 0; i < 400; i++ {
		s.Observe(i%4 != 0)
	}
	if bp := s.BP(); bp < 6_500 || bp > 8_500 {
		t.Fatalf("3-in-4 pattern: %d", bp)
	}
	if m := riskMarginMinutes(600, 9_000); m != 60 {
		t.Fatalf("margin %d", m)
	}
	if m := riskMarginMinutes(600, 10_000); m != 0 {
		t.Fatalf("margin %d", m)
	}
}
