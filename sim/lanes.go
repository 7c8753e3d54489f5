package sim

import (
	"math/rand/v2"
	"slices"
	"time"
)

// Carrier lane delays (IncidentLaneDelay): a carrier runs late on one lane, its service from one
// origin location. Lane delays exist only in orchestrated runs, where parcels name their carrier
// and are tracked to delivery (features.go).
//
// The lane is chosen when the incident starts, among the lanes the business has seen delivered
// busily (laneDelayMinDelivered parcels so far, laneDelayMinHourly in the last hour), so that the
// carrier's outcomes on it are there to be judged; a start without such a lane is no incident
// (it is left out of the ground truth). During the incident every parcel of the lane whose
// delivery scan falls in [Start, End) is not delivered then: the carrier delivers it after its
// promise, laneLateMin to laneLateMax past the later of the promise the engine counted for it
// when it was handed over (shipment_shipped's At) and its collection plus the service's longest
// transit (and not before it was due to arrive anyway). The parcels in transit when the incident
// starts are thus the first to arrive late, each as its promise passes; the parcels handed over
// during the incident follow. Lane delays draw from their own random stream (streamLanes): the
// other incidents, and the run without lane delays, stay as they were.
//
// Why they are detectable within minutes: the carriers collect by their timetables
// (carriers.go), the bike courier every five minutes, and the engine promises each parcel from
// the collection that takes it after the hand-over (the collection plus the longest transit), so
// the promises of a lane's parcels follow them through the day, 25 minutes after their collection
// for the courier. Intelligence watches each parcel against its promise: a held parcel runs late
// through its promise window, which is evidence of a hold from the first minutes (a parcel
// usually delivered by then is not), and passes its promise undelivered, a late outcome then
// (package intel doc). Before, the engine planned every parcel onto the service's one daily
// pickup at its cutoff and promised that pickup plus the longest transit, so all of a lane's
// parcels of a day shared one promise instant (00:25 for the courier) and a held parcel turned
// late only then, hours after the incident: none of 28 lane delays was detected.

// Lane delay shapes.
const (
	laneDelayMin, laneDelayMax = 30 * time.Minute, 60 * time.Minute
	laneLateMin, laneLateMax   = 1 * time.Minute, 15 * time.Minute
	laneDelayMinDelivered      = 60
	laneDelayMinHourly         = 20
	streamLanes                = 0x1a4e0de1
)

// laneStat is what the business has seen of one lane: its parcels delivered, in total and the
// times of those of the last hour.
type laneStat struct {
	carrier, service, loc string
	delivered             int
	recent                []int64
}

// laneState is the workload's lanes and its lane delay incidents.
type laneState struct {
	rng    *rand.Rand
	stats  []*laneStat
	idx    map[string]*laneStat
	delays []*incident
}

// laneKey names a lane: carrier service and origin.
func laneKey(carrier, service, loc string) string { return carrier + "/" + service + "@" + loc }

// laneDelivered records a delivery scan of a parcel on its lane at now.
func (w *Workload) laneDelivered(s *shipment, now int64) {
	if s.loc == nil || s.rider {
		return
	}
	k := laneKey(s.carrier, s.service, s.loc.ID)
	l := w.lanes.idx[k]
	if l == nil {
		if w.lanes.idx == nil {
			w.lanes.idx = map[string]*laneStat{}
		}
		l = &laneStat{carrier: s.carrier, service: s.service, loc: s.loc.ID}
		w.lanes.idx[k] = l
		w.lanes.stats = append(w.lanes.stats, l)
	}
	l.delivered++
	l.recent = append(l.recent, now)
	l.trim(now)
}

// trim forgets the deliveries more than an hour before now.
func (l *laneStat) trim(now int64) {
	i := 0
	for i < len(l.recent) && l.recent[i] <= now-int64(time.Hour) {
		i++
	}
	l.recent = l.recent[i:]
}

// planLaneDelay schedules a lane delay starting at start; its lane is chosen then.
func (w *Workload) planLaneDelay(start int64) {
	in := w.newIncident(IncidentLaneDelay, start, between(w.lanes.rng, laneDelayMin, laneDelayMax))
	w.lanes.delays = append(w.lanes.delays, in)
	w.schedule(&action{at: in.Start, kind: actIncident, fresh: true, inc: in})
}

// startLaneDelay chooses the incident's lane among the busy lanes not delayed already, in the
// order the business first saw them delivered.
func (w *Workload) startLaneDelay(in *incident) {
	var busy []*laneStat
	for _, l := range w.lanes.stats {
		l.trim(w.now)
		if l.delivered < laneDelayMinDelivered || len(l.recent) < laneDelayMinHourly {
			continue
		}
		if slices.ContainsFunc(w.lanes.delays, func(o *incident) bool {
			return o != in && o.applied && o.Location == l.loc && o.Carrier == l.carrier && o.Service == l.service &&
				o.End+int64(laneDelayGap) > in.Start
		}) {
			continue
		}
		busy = append(busy, l)
	}
	if len(busy) == 0 {
		return // no lane to delay: not an incident
	}
	l := busy[w.lanes.rng.IntN(len(busy))]
	in.Carrier, in.Service, in.Location = l.carrier, l.service, l.loc
	in.applied = true
}

// laneDelayGap is how long after a lane delay ends before the same lane may be delayed again:
// the detector's alert resolves once the lane delivers on time again.
const laneDelayGap = 2 * time.Hour

// laneDelayed is when a parcel whose delivery scan is due now is delivered instead, and true,
// when a lane delay holds it; the parcel is held once.
func (w *Workload) laneDelayed(s *shipment, now int64) (int64, bool) {
	if s.held || s.loc == nil {
		return 0, false
	}
	for _, in := range w.lanes.delays {
		if !in.applied || now < in.Start || now >= in.End || in.Location != s.loc.ID || in.Carrier != s.carrier || in.Service != s.service {
			continue
		}
		svc := w.sc.carrierService(s.carrier, s.service)
		if svc == nil {
			return 0, false
		}
		s.held = true
		due := max(s.promised, s.collected+svc.transitMax())
		return w.quantise(max(now, due) + int64(between(w.lanes.rng, laneLateMin, laneLateMax))), true
	}
	return 0, false
}
