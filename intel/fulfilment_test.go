package intel_test

import (
	"fmt"
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/intel"
)

// emitCommand applies events as the one command they came from (one seq).
func (s *stream) emitCommand(evs ...depot.Event) {
	s.seq++
	for _, ev := range evs {
		ev.Seq, ev.Time, ev.Tenant = s.seq, s.now, s.tenant
		s.in.Apply(&ev)
	}
}

// A marketplace channel takes 300 orders a day with 1% cancelled and 2% shipped late: no alert
// in four days. Then one bad day cancels 25% and ships 15% late: both rates pass their limits
// over seven days and alert, with the counts as evidence; a cancel of three lines counts once;
// a deliver_by breach is not a late shipment. Clean days bring both back under and resolve
// them. A channel below FulfilMinOrders is never judged.
func TestFulfilmentRates(t *testing.T) {
	s := newStream(t, intel.DefaultConfig())
	n := 0
	day := func(d int64, ch string, orders, cancels, late int) {
		for i := range orders {
			s.at(d*24*hour + int64(i)*(20*hour/int64(orders)) + 6*hour)
			n++
			ref := fmt.Sprintf("o-%d", n)
			s.emit(depot.Event{Kind: depot.EventOrderReceived, Ref: ref, Order: ref, Channel: ch})
			if i < cancels {
				// A three-line order cancelled whole: three events of one command.
				line := depot.Event{Kind: depot.EventOrderCancelled, Ref: ref, Order: ref, Channel: ch, Qty: 1}
				s.emitCommand(line, line, line)
			}
			if i >= cancels && i < cancels+late {
				s.emit(depot.Event{Kind: depot.EventSLABreached, Ref: ref, Order: ref, Channel: ch, Reason: "ship_by"})
				s.emit(depot.Event{Kind: depot.EventSLABreached, Ref: ref, Order: ref, Channel: ch, Reason: "deliver_by"})
			}
		}
	}
	for d := range int64(4) {
		day(d, "amz", 300, 3, 6)
		day(d, "tiny", 20, 10, 10)
	}
	if len(s.opened(intel.KindCancellationRate))+len(s.opened(intel.KindLateShipmentRate)) != 0 {
		t.Fatalf("fulfilment alerts on healthy days: %+v", s.changes)
	}
	views := s.in.Channels("acme")
	if len(views) != 2 || views[0].Orders7d != 1200 || views[0].Cancelled7d != 12 || views[0].Late7d != 24 {
		t.Fatalf("views after four days: %+v", views)
	}
	day(4, "amz", 300, 75, 45)
	c := s.opened(intel.KindCancellationRate)
	l := s.opened(intel.KindLateShipmentRate)
	if len(c) != 1 || len(l) != 1 {
		t.Fatalf("want one cancellation and one late alert, got %d and %d", len(c), len(l))
	}
	if c[0].Subject != "amz" || c[0].Channel != "amz" {
		t.Fatalf("cancellation alert subject %+v", c[0])
	}
	cur := s.in.ActionQueue("acme", 100)
	var ca intel.Alert
	for _, a := range cur {
		if a.Kind == intel.KindCancellationRate {
			ca = a
		}
	}
	ev := map[string]float64{}
	for _, m := range ca.Evidence.Values {
		ev[m.Name] = m.Value
	}
	if ev["orders_7d"] != 1500 || ev["cancelled_7d"] != 87 || ev["limit"] != 0.025 || ca.Action.Verb != "raise_buffer" {
		t.Fatalf("cancellation evidence %+v, action %+v", ev, ca.Action)
	}
	if v := s.in.Channels("acme")[0]; v.Late7d != 24+45 || v.CancellationRate7d != 87.0/1500 {
		t.Fatalf("view after the bad day: %+v", v)
	}
	for d := int64(5); d <= 12; d++ {
		day(d, "amz", 300, 3, 6)
	}
	if open := s.in.ActionQueue("acme", 100); len(open) != 0 {
		t.Fatalf("alerts still open after a clean week: %+v", open)
	}
	for _, k := range []intel.Kind{intel.KindCancellationRate, intel.KindLateShipmentRate} {
		if len(s.opened(k)) != 1 {
			t.Fatalf("%s reopened or never opened: %d", k, len(s.opened(k)))
		}
	}
}
