package intel

import (
	"math"
	"strings"

	"github.com/depothq/depot"
)

// laneSeries is one carrier service on one lane: the shipments it carries from one origin
// location. A lane's destination is not in the event stream (shipment events name the origin,
// the carrier and the service), so lanes are origin x carrier service: bounded by locations
// times services. Its detector is carrier_lane_delay: a Bernoulli CUSUM of late outcomes
// against the lane's own late rate.
type laneSeries struct {
	svc, loc uint32
	alerting bool
	settled  uint32 // shipments settled: delivered, or late (overdue, stuck, returned)
	late     uint32
	stuck    int32  // settled stuck and not delivered since
	overdue  uint32 // settled late when their promise passed without an arrival
	inFlight uint32 // watched parcels whose promise is still ahead (parcels.go)
	timers   uint32 // the lane's timers in the parcel heap, at most MaxLaneParcelTimers
	// baseLate is the late rate over about laneBaseWindow outcomes (frozen while alerting);
	// recentLate over about laneRecentWindow.
	baseLate   float64
	recentLate float64
	cusum      float64
	// runLate is the running-late statistic (parcels.go): a CUSUM of the evidence that the
	// lane holds its parcels back, from parcels running through bins of their promise window
	// undelivered. profile is the share of the lane's on-time deliveries by the bin they
	// arrived in (bin 0 the last before the promise), over about laneBaseWindow deliveries
	// (frozen while alerting); profiled counts them.
	runLate  float64
	profile  [laneBins]float64
	profiled uint32
	lastAt   int64
	born     int64
	shipped  velocity // shipments handed to the carrier per second
}

// Lane detector shapes: the outcomes the baseline and the recent rate average over, the floor
// of the baseline late rate, and the late-rate multiple the CUSUM is tuned to detect.
const (
	laneBaseWindow   = 200.0
	laneRecentWindow = 20.0
	laneMinBaseLate  = 0.03
	laneLateRatio    = 4.0
	laneMaxLateP1    = 0.9
	// laneBins is the bins a watched parcel's promise window is cut into (evidence is read at
	// their ends: 16 bins of a courier's 25-minute promise are 1.6 minutes, where 8 measured a
	// minute slower in sim's evaluation); laneHoldRho the running-late test's alternative:
	// deliveries at this multiple of the lane's usual hazard.
	laneBins    = 16
	laneHoldRho = 0.1
	laneStaleNs = 6 * hourNs // an open lane alert without outcomes this long resolves
)

// pendingDelivery is a delivery whose outcome waits one event: a late delivery is the delivered
// event followed, in the same command, by shipment_delayed "late: ..." for the same shipment.
// arrival says what the delivery of a watched parcel means (parcels.go).
type pendingDelivery struct {
	t       *tenant
	lane    int32
	ref     uint64
	arrival arrival
}

// lane returns the series of a carrier service from a location, creating it unless a limit is
// reached; -1 when it cannot.
func (in *Intel) lane(t *tenant, ev *depot.Event, now int64) int32 {
	if ev.Carrier == "" || ev.Location == "" || ev.Carrier == "rider" {
		return -1
	}
	svc, ok1 := t.svcs.id(ev.Carrier + "/" + ev.Service)
	loc, ok2 := t.locs.id(ev.Location)
	if !ok1 || !ok2 {
		in.stats.Dropped++
		return -1
	}
	k := pairKey(svc, loc)
	if i, ok := t.laneIdx[k]; ok {
		return i
	}
	if len(t.lanes) >= MaxLanes {
		in.stats.Dropped++
		return -1
	}
	if t.laneIdx == nil {
		t.laneIdx = map[uint64]int32{}
	}
	i := int32(len(t.lanes))
	t.lanes = append(t.lanes, laneSeries{svc: svc, loc: loc, born: now})
	t.laneIdx[k] = i
	for len(t.locLanes) <= int(loc) {
		t.locLanes = append(t.locLanes, nil)
	}
	t.locLanes[loc] = append(t.locLanes[loc], i)
	in.location(t, ev.Location)
	in.carrier(t, svc, now)
	return i
}

// carrier returns the series of a carrier service id, growing the table to it.
func (in *Intel) carrier(t *tenant, id uint32, now int64) *carrierSeries {
	for len(t.carriers) <= int(id) {
		t.carriers = append(t.carriers, carrierSeries{id: uint32(len(t.carriers)), born: now})
	}
	return &t.carriers[id]
}

// laneEvent takes the shipment events that carry a lane's signal: shipped (volume, and the
// parcel is watched against its promise: parcels.go), delivered (an on-time outcome unless a
// late delay follows), delayed (late, stuck or returned: a late outcome; a carrier exception is
// a delay without an outcome). A parcel settled late already (overdue, or stuck) counts no
// second outcome.
func (in *Intel) laneEvent(t *tenant, ev *depot.Event, now int64) {
	li := in.lane(t, ev, now)
	if li < 0 {
		return
	}
	l := &t.lanes[li]
	switch ev.Kind {
	case depot.EventShipmentShipped:
		l.shipped.add(now, 1)
		if ev.At > 0 {
			in.watch(t, li, hashRef(ev.Ref), ev.At, now)
		}
	case depot.EventShipmentDelivered:
		ref := hashRef(ev.Ref)
		in.pending = pendingDelivery{t: t, lane: li, ref: ref, arrival: in.arrived(t, ref)}
	case depot.EventShipmentDelayed:
		ref := hashRef(ev.Ref)
		switch {
		case strings.HasPrefix(ev.Reason, "late"):
			if in.pending.t == t && in.pending.ref == ref {
				a := in.pending.arrival
				in.pending = pendingDelivery{}
				switch a {
				case arrivalSettled:
					return
				case arrivalDeferred:
					delete(t.parcels, ref) // late now, so not on time at its promise
				}
			} else if p, ok := t.parcels[ref]; ok && p.state == parcelSettled {
				return
			}
			in.laneOutcome(t, li, true, now)
		case strings.HasPrefix(ev.Reason, "stuck"):
			if in.settledLate(t, li, ref, true, now) {
				in.laneOutcome(t, li, true, now)
			}
		case strings.HasPrefix(ev.Reason, "return to sender"):
			if in.settledLate(t, li, ref, false, now) {
				in.laneOutcome(t, li, true, now)
			}
		}
	}
}

// flushPending settles a delivery that no late delay followed: on time now, unless the parcel
// is watched (on time at its promise) or its outcome was settled before.
func (in *Intel) flushPending(now int64) {
	p := in.pending
	in.pending = pendingDelivery{}
	if p.arrival == arrivalUnwatched {
		in.laneOutcome(p.t, p.lane, false, now)
	}
}

// laneOutcome folds one settled shipment into its lane: the EWMAs, then the CUSUM for a late
// rate of laneLateRatio x the baseline (at least laneMinBaseLate), then the alert.
func (in *Intel) laneOutcome(t *tenant, li int32, late bool, now int64) {
	l := &t.lanes[li]
	x := 0.0
	if late {
		x = 1
		l.late++
	}
	l.settled++
	l.lastAt = now
	p0 := min(max(l.baseLate, laneMinBaseLate), 0.5)
	p1 := min(laneLateRatio*p0, laneMaxLateP1)
	if late {
		l.cusum += math.Log(p1 / p0)
	} else {
		l.cusum += math.Log((1 - p1) / (1 - p0))
	}
	// Capped at the alarm level: a lane back on time clears in about LaneThreshold /
	// ln((1 - p0) / (1 - p1)) outcomes, not hours after a long delay.
	l.cusum = min(max(l.cusum, 0), in.cfg.LaneThreshold)
	l.recentLate += (x - l.recentLate) / min(laneRecentWindow, float64(l.settled))
	if !l.alerting {
		l.baseLate += (x - l.baseLate) / min(laneBaseWindow, float64(l.settled))
	}
	in.checkLane(t, li, now)
}

// survivalAfter is the probability, under the lane's usual service, that a parcel is not yet
// delivered when bin k of its promise window ends: late, or delivered in a later bin (one of
// smaller index). After the last bin (k = 0) it is the late share; before the first, 1.
func (l *laneSeries) survivalAfter(k int) float64 {
	pl := min(max(l.baseLate, laneMinBaseLate), 0.5)
	var later float64
	for j := 0; j < k && j < laneBins; j++ {
		later += l.profile[j]
	}
	return pl + (1-pl)*min(later, 1)
}

// runningLate folds a parcel of the lane that ran through bin k of its promise window without a
// delivery: under a hold it would have (a delivery at laneHoldRho times the usual hazard), under
// the lane's usual service only with probability S(after k) / S(before k), so the evidence for
// a hold is (1 - laneHoldRho) x ln(S(before) / S(after)), the bin's usual cumulative hazard.
func (in *Intel) runningLate(t *tenant, li int32, k int, now int64) {
	l := &t.lanes[li]
	if l.profiled < in.cfg.LaneMinOutcomes {
		return // the lane's delivery profile is not learned yet
	}
	l.runLate += (1 - laneHoldRho) * math.Log(l.survivalAfter(k+1)/l.survivalAfter(k))
	l.runLate = min(l.runLate, in.cfg.LaneHoldThreshold)
	in.checkLane(t, li, now)
}

// deliveredIn folds a parcel of the lane delivered (on time) in bin k of its promise window: it
// teaches the lane's delivery profile, and under a hold such a delivery is laneHoldRho times as
// likely as usual, so it takes ln(1/laneHoldRho) from the running-late statistic.
func (in *Intel) deliveredIn(t *tenant, li int32, k int, now int64) {
	l := &t.lanes[li]
	if !l.alerting {
		l.profiled++
		w := 1 / min(laneBaseWindow, float64(l.profiled))
		for j := range l.profile {
			l.profile[j] *= 1 - w
		}
		l.profile[k] += w
	}
	if l.runLate > 0 {
		l.runLate = max(l.runLate+math.Log(laneHoldRho), 0)
		in.checkLane(t, li, now)
	}
}

// checkLane raises carrier_lane_delay when, after LaneMinOutcomes settled shipments, the lane's
// CUSUM of late outcomes reaches LaneThreshold or its running-late statistic LaneHoldThreshold,
// and resolves it when both are back at zero or the lane has settled nothing for laneStaleNs.
func (in *Intel) checkLane(t *tenant, li int32, now int64) {
	l := &t.lanes[li]
	key := alertKey{kind: KindCarrierLaneDelay, a: l.svc, b: l.loc}
	if l.alerting && (l.cusum == 0 && l.runLate == 0 || now-l.lastAt > laneStaleNs) {
		in.resolve(t, key, now)
		l.alerting = false
		if c := &t.carriers[l.svc]; c.lanesLate > 0 {
			c.lanesLate--
		}
		return
	}
	if !l.alerting && (l.cusum < in.cfg.LaneThreshold && l.runLate < in.cfg.LaneHoldThreshold || l.settled < in.cfg.LaneMinOutcomes) {
		return
	}
	_, altOnTime := t.bestLane(l, in.cfg.LaneMinOutcomes)
	sameOrigin := 0
	for _, j := range t.locLanes[l.loc] {
		if j != li && t.lanes[j].alerting {
			sameOrigin++
		}
	}
	sameCarrier := int(t.carriers[l.svc].lanesLate)
	if l.alerting {
		sameCarrier--
	}
	perH := perHour(l.shipped.rate(v4h, now, l.born))
	f := finding{units: perH * l.recentLate, minor: int64(perH * l.recentLate * float64(t.meanPrice())), tti: 0,
		ev: [evidenceSlots]float64{100 * (1 - l.recentLate), 100 * (1 - l.baseLate), l.cusum, float64(l.settled),
			float64(l.stuck), altOnTime, float64(sameCarrier), float64(sameOrigin), l.runLate}}
	if in.raise(t, key, &f, now) && !l.alerting {
		l.alerting = true
		t.carriers[l.svc].lanesLate++
	}
}

// bestLane is the lane from the same origin with another carrier service, at least minSettled
// outcomes and the best recent on-time rate above the given lane's, not itself alerting: the
// carrier K of "switch lane L to carrier K". Ties go to the lane created first. It returns -1
// when none is known, and the alternative's on-time rate in percent (-1: none).
func (t *tenant) bestLane(l *laneSeries, minSettled uint32) (int32, float64) {
	best, bestLate := int32(-1), l.recentLate
	for _, j := range t.locLanes[l.loc] {
		o := &t.lanes[j]
		if o.svc == l.svc || o.alerting || o.settled < minSettled {
			continue
		}
		if o.recentLate < bestLate {
			best, bestLate = j, o.recentLate
		}
	}
	if best < 0 {
		return -1, -1
	}
	return best, 100 * (1 - bestLate)
}

// sweepLane resolves an open lane alert whose lane has settled nothing for laneStaleNs.
func (in *Intel) sweepLane(t *tenant, svc, loc uint32, now int64) {
	if i, ok := t.laneIdx[pairKey(svc, loc)]; ok && now-t.lanes[i].lastAt > laneStaleNs {
		in.checkLane(t, i, now)
	}
}
