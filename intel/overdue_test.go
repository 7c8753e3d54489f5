package intel_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/intel"
)

// ship hands a parcel of the courier's lane from wh1 over with its carrier's promise.
func (s *stream) ship(ref string, promise int64) {
	s.emit(depot.Event{Kind: depot.EventShipmentShipped, Ref: ref, Location: "wh1", Carrier: "kurier", Service: "city", At: promise})
}

// arrive delivers a parcel of the courier's lane; late adds the engine's late delay with it.
func (s *stream) arrive(ref string, late bool) {
	s.emit(depot.Event{Kind: depot.EventShipmentDelivered, Ref: ref, Location: "wh1", Carrier: "kurier", Service: "city"})
	if late {
		s.emit(depot.Event{Kind: depot.EventShipmentDelayed, Ref: ref, Location: "wh1", Carrier: "kurier", Service: "city",
			Reason: "late: delivered", Qty: 8000})
	}
}

// delayed reports a stuck or returned parcel of the courier's lane.
func (s *stream) delayed(ref, reason string) {
	s.emit(depot.Event{Kind: depot.EventShipmentDelayed, Ref: ref, Location: "wh1", Carrier: "kurier", Service: "city", Reason: reason})
}

// lane is the courier's lane from wh1 as the carrier view shows it.
func (s *stream) lane() intel.LaneView {
	for _, c := range s.in.Carriers("acme") {
		if c.Carrier == "kurier/city" {
			return c.Lanes[0]
		}
	}
	s.t.Fatal("no courier lane")
	return intel.LaneView{}
}

func (s *stream) wantLane(what string, settled, late, overdue, inFlight uint32, stuck int32) {
	s.t.Helper()
	l := s.lane()
	if l.Settled != settled || l.Late != late || l.Overdue != overdue || l.InFlight != inFlight || l.Stuck != stuck {
		s.t.Fatalf("%s: settled %d late %d overdue %d in flight %d stuck %d; want %d %d %d %d %d", what,
			l.Settled, l.Late, l.Overdue, l.InFlight, l.Stuck, settled, late, overdue, inFlight, stuck)
	}
}

// A parcel whose promise passes without a delivery is late then, once: its late arrival, a
// stuck delay before it, or a return to sender count nothing more. A parcel delivered by its
// promise (at it, too) is on time, counted at its promise; one stuck before its promise is late
// once, not again when the promise passes. A settled parcel that never arrives is forgotten a
// week later.
func TestOverdueCountedOnce(t *testing.T) {
	s := newStream(t, intel.DefaultConfig())
	s.ship("a", t0+25*minute) // will be overdue, stuck, then arrive
	s.ship("b", t0+25*minute) // arrives at its promise
	s.ship("c", t0+30*minute) // stuck before its promise, then arrives
	s.ship("d", t0+40*minute) // overdue, returned to sender, never arrives
	s.wantLane("shipped", 0, 0, 0, 4, 0)

	s.at(25*minute).arrive("b", false)
	s.in.Advance(s.now) // no late delay follows: on time, counted at its promise
	s.wantLane("b at its promise", 0, 0, 0, 3, 0)
	s.at(26 * minute)
	s.in.Advance(s.now) // the clock passes the promise of a and b without an event for them
	s.wantLane("a overdue, b on time", 2, 1, 1, 2, 0)
	s.at(27*minute).delayed("c", "stuck: no tracking news")
	s.wantLane("c stuck", 3, 2, 1, 1, 1)
	s.at(31*minute).delayed("a", "stuck: no tracking news")
	s.wantLane("a stuck after overdue", 3, 2, 1, 1, 2)
	s.at(32*minute).arrive("a", true)
	s.wantLane("a arrives late", 3, 2, 1, 1, 1)
	s.at(33*minute).arrive("c", false)
	s.wantLane("c arrives", 3, 2, 1, 1, 0)
	s.at(41 * minute)
	s.in.Advance(s.now)
	s.wantLane("d overdue", 4, 3, 2, 0, 0)
	s.at(42*minute).delayed("d", "return to sender")
	s.wantLane("d returned", 4, 3, 2, 0, 0)
	if st := s.in.Stats(); st.Parcels != 1 || st.Dropped != 0 {
		t.Fatalf("stats %+v: want d remembered", st)
	}
	s.at(42*minute + 7*24*hour)
	s.in.Advance(s.now)
	if st := s.in.Stats(); st.Parcels != 0 || st.ParcelTimers != 0 {
		t.Fatalf("stats %+v: want everything forgotten a week after it settled", st)
	}
}

// A parcel without a promise (riders, services withdrawn) is not watched, and settles when it
// arrives, as before promises came with the hand-over.
func TestNoPromiseNoWatch(t *testing.T) {
	s := newStream(t, intel.DefaultConfig())
	s.ship("a", 0)
	s.at(2*hour).arrive("a", true)
	s.in.Advance(s.now)
	s.wantLane("late on arrival", 1, 1, 0, 0, 0)
}

// The parcels a lane watches are bounded: beyond MaxLaneParcelTimers a parcel is not watched
// (counted as dropped) and still settles when it arrives.
func TestLaneParcelsBounded(t *testing.T) {
	s := newStream(t, intel.DefaultConfig())
	for i := range intel.MaxLaneParcelTimers + 3 {
		s.ship(fmt.Sprintf("p%d", i), t0+48*hour)
	}
	st := s.in.Stats()
	if st.ParcelTimers != intel.MaxLaneParcelTimers || st.Parcels != intel.MaxLaneParcelTimers || st.Dropped != 3 {
		t.Fatalf("stats %+v", st)
	}
	s.at(hour).arrive(fmt.Sprintf("p%d", intel.MaxLaneParcelTimers+1), false)
	s.in.Advance(s.now)
	s.wantLane("an unwatched parcel arrives", 1, 0, 0, intel.MaxLaneParcelTimers, 0)
}

// laneDay runs a courier lane from wh1 for eight hours: a parcel handed over every minute,
// collected at the next quarter hour and promised window minutes after the collection, delivered
// 8 minutes to window-2 minutes after collection (3% after the promise). From heldFrom (0:
// never) for heldFor, the lane delivers nothing: its parcels due then arrive 1 to 15 minutes
// after their promise. watch gives the shipped events their promise. It returns the lane alerts
// opened.
func laneDay(t *testing.T, window, heldFrom, heldFor int64, watch bool) []intel.Alert {
	s := newStream(t, intel.DefaultConfig())
	rng := rand.New(rand.NewPCG(5, 5))
	type due struct {
		at   int64
		ref  string
		late bool
	}
	var deliveries []due
	for m := int64(0); m < 8*60; m++ {
		now := t0 + m*minute
		for len(deliveries) > 0 && deliveries[0].at <= now {
			d := deliveries[0]
			deliveries = deliveries[1:]
			s.now = max(s.now, d.at)
			s.arrive(d.ref, d.late)
		}
		s.now = now
		ref := fmt.Sprintf("k%d", m)
		pickup := t0 + (m+14)/15*15*minute
		promise := pickup + window*minute
		at := pickup + 8*minute + rng.Int64N((window-10)*minute)
		if rng.Float64() < 0.03 {
			at = promise + minute + rng.Int64N(10*minute)
		}
		if heldFrom > 0 && at >= t0+heldFrom && at < t0+heldFrom+heldFor {
			at = max(at, promise) + minute + rng.Int64N(14*minute)
		}
		p := promise
		if !watch {
			p = 0
		}
		s.ship(ref, p)
		deliveries = append(deliveries, due{at: at, ref: ref, late: at > promise})
		for i := len(deliveries) - 1; i > 0 && deliveries[i].at < deliveries[i-1].at; i-- {
			deliveries[i], deliveries[i-1] = deliveries[i-1], deliveries[i]
		}
	}
	return s.opened(intel.KindCarrierLaneDelay)
}

// evidence is the value of an alert's named evidence.
func evidence(a intel.Alert, name string) float64 {
	for _, m := range a.Evidence.Values {
		if m.Name == name {
			return m.Value
		}
	}
	return -1
}

// A courier lane (promised 25 minutes after collection) held for 40 minutes in the afternoon
// is called within ten minutes when its parcels carry their promise: as they run late through
// their promise windows, and as the first promises pass. Without promises on the shipped events
// the same delay is called only as the held parcels arrive late, well after. Days without a hold
// raise nothing.
func TestLaneDelayOverdue(t *testing.T) {
	for _, watch := range []bool{true, false} {
		if a := laneDay(t, 25, 0, 0, watch); len(a) != 0 {
			t.Fatalf("alerts on a normal day (watch %v): %+v", watch, a)
		}
	}
	start := 4 * hour
	watched := laneDay(t, 25, start, 40*minute, true)
	unwatched := laneDay(t, 25, start, 40*minute, false)
	if len(watched) != 1 || len(unwatched) != 1 {
		t.Fatalf("alerts watched %d, unwatched %d: want one each", len(watched), len(unwatched))
	}
	dw, du := watched[0].OpenedAt-(t0+start), unwatched[0].OpenedAt-(t0+start)
	t.Logf("called %s after the hold began with promises, %s without", fmtMin(dw), fmtMin(du))
	if dw > 10*minute || dw >= du {
		t.Fatalf("called %s after the hold began with promises, %s without", fmtMin(dw), fmtMin(du))
	}
}

// With an hour's promise and deliveries spread over it, a 30-minute hold is called from parcels
// running late alone, before overdue parcels weigh in: the running-late statistic at its
// threshold, the CUSUM of late outcomes short of its own. The wider spread takes longer to read
// than the courier's 25 minutes (fewer parcels are due in any minute).
func TestRunningLateBeforePromises(t *testing.T) {
	if a := laneDay(t, 60, 0, 0, true); len(a) != 0 {
		t.Fatalf("alerts on a normal day: %+v", a)
	}
	start := 4 * hour
	got := laneDay(t, 60, start, 30*minute, true)
	if len(got) != 1 {
		t.Fatalf("want one alert, got %d", len(got))
	}
	a, cfg := got[0], intel.DefaultConfig()
	d := a.OpenedAt - (t0 + start)
	t.Logf("called %s after the hold began (running late %.1f, cusum %.1f)", fmtMin(d), evidence(a, "running_late"), evidence(a, "cusum"))
	if d >= 20*minute || evidence(a, "running_late") < cfg.LaneHoldThreshold || evidence(a, "cusum") >= cfg.LaneThreshold {
		t.Fatalf("called %s after the hold began, evidence %+v", fmtMin(d), a.Evidence.Values)
	}
}

func fmtMin(ns int64) string { return fmt.Sprintf("%.1f min", float64(ns)/float64(minute)) }
