package intel

import "github.com/depothq/depot/internal/heapq"

// Parcels in flight and their carrier's promise: the overdue outcomes of carrier_lane_delay.
//
// A lane's delivered parcels settle on time or late when they arrive; a parcel a carrier holds
// back would settle only when it finally arrives, however long after its promise. So every
// carrier parcel shipped with a promise (shipment_shipped's At: the carrier's first collection
// after the hand-over plus its maximum transit) is watched: a timer at its promise, in one heap
// for the projection ordered by (promise, push order), a total order. When the projection's
// clock (the events' times, or Advance) passes a promise and the parcel has not arrived, it is a
// late outcome then, "overdue", at the first instant the stream can know it.
//
// A watched parcel's outcome is counted at its promise either way: one delivered by then is on
// time at its promise, not at its delivery. The parcels a carrier collected together share a
// promise, and their late ones are by definition the last to be known; counted as they became
// known, a collection's on-time parcels would first run the lane's CUSUM down to its floor and
// its late ones then all land at once, so that a large collection with its usual few late
// parcels (the morning's first, after the night's orders) looks like a burst. Counted at the
// promise, in hand-over order, a collection's outcomes interleave as they were shipped.
//
// A parcel settled late is remembered until it arrives, so that its arrival (and the late delay
// the engine reports with it), a stuck delay or a return to sender count no second outcome; a
// second timer forgets it a week after it settled (parcelForgetNs), so parcels that never
// arrive do not accumulate.
//
// The cost is no scan of parcels: a tick pops the timers that are due, one heap operation each,
// and a shipment event costs one map lookup and at most one push. Memory is bounded per lane by
// MaxLaneParcelTimers timers (a parcel watched holds one timer and one map entry); beyond it a
// parcel is not watched (counted in Stats.Dropped) and settles when it arrives, as without a
// promise.

// parcelForgetNs is how long a settled parcel is remembered awaiting its arrival: a parcel that
// arrives later than that after it settled is counted again.
const parcelForgetNs = 7 * 24 * hourNs

// parcelState is where a watched parcel stands.
type parcelState uint8

const (
	// parcelInFlight: shipped, its promise still ahead, not delivered.
	parcelInFlight parcelState = iota + 1
	// parcelArrived: delivered by its promise; its on-time outcome is counted at the promise.
	parcelArrived
	// parcelSettled: its late outcome is counted (overdue, stuck or returned to sender) and it
	// has not arrived since.
	parcelSettled
)

// parcel is what a tenant remembers of one shipment in flight, keyed by its ref's hash.
type parcel struct {
	lane  int32
	state parcelState
	stuck bool // settled stuck: counted in its lane's stuck shipments until it arrives
}

// parcelTimer is a timer of the parcel heap: a parcel's promise, or when a settled parcel is
// forgotten. seq is the push order shifted left once, with the low bit the kind, so (at, seq)
// is a total order and pops are a function of the events alone.
type parcelTimer struct {
	at     int64
	seq    uint64
	ref    uint64
	tenant uint32 // index of the tenant in Intel.order
	lane   int32
}

// Timer kinds, the low bit of parcelTimer.seq.
const (
	timerPromise = 0
	timerForget  = 1
)

func parcelTimerLess(a, b *parcelTimer) bool { return a.at < b.at || (a.at == b.at && a.seq < b.seq) }

func parcelTimerMoved(*parcelTimer, int) {}

// parcelHeap is the projection's parcel timers.
type parcelHeap struct {
	h    heapq.Heap[parcelTimer]
	next uint64 // push counter
}

// pushTimer schedules a timer of a lane's parcel, unless the lane holds MaxLaneParcelTimers.
func (in *Intel) pushTimer(t *tenant, li int32, ref uint64, at int64, kind uint64) bool {
	l := &t.lanes[li]
	if l.timers >= MaxLaneParcelTimers {
		in.stats.Dropped++
		return false
	}
	ph := &in.parcels
	if ph.h.Less == nil {
		ph.h.Less, ph.h.Moved = parcelTimerLess, parcelTimerMoved
	}
	ph.next++
	ph.h.Push(parcelTimer{at: at, seq: ph.next<<1 | kind, ref: ref, tenant: t.idx, lane: li})
	l.timers++
	return true
}

// watch starts watching a parcel shipped on a lane with its carrier's promise.
func (in *Intel) watch(t *tenant, li int32, ref uint64, promise int64) {
	if _, ok := t.parcels[ref]; ok {
		return // shipped once only; a repeat changes nothing
	}
	if !in.pushTimer(t, li, ref, promise, timerPromise) {
		return
	}
	if t.parcels == nil {
		t.parcels = map[uint64]parcel{}
	}
	t.parcels[ref] = parcel{lane: li, state: parcelInFlight}
	t.lanes[li].inFlight++
}

// dueParcels fires the parcel timers due before now: at a promise, a parcel delivered by then
// is on time and one not delivered late (overdue), both at now; a settled parcel past
// parcelForgetNs is forgotten.
func (in *Intel) dueParcels(now int64) {
	ph := &in.parcels
	for ph.h.Len() > 0 && ph.h.At(0).at < now {
		e := ph.h.Remove(0)
		t := in.order[e.tenant]
		l := &t.lanes[e.lane]
		l.timers--
		p, ok := t.parcels[e.ref]
		if !ok || p.lane != e.lane {
			continue // forgotten, or settled on its arrival: the timer lapses
		}
		switch {
		case e.seq&1 == timerPromise && p.state == parcelArrived:
			delete(t.parcels, e.ref)
			in.laneOutcome(t, e.lane, false, now)
		case e.seq&1 == timerPromise && p.state == parcelInFlight:
			l.inFlight--
			l.overdue++
			in.settle(t, e.lane, e.ref, p, false, now)
			in.laneOutcome(t, e.lane, true, now)
		case e.seq&1 == timerForget && p.state == parcelSettled:
			delete(t.parcels, e.ref)
			if p.stuck {
				l.stuck--
			}
		}
	}
}

// settle marks a parcel settled (its late outcome counted) and schedules its forgetting; p is
// its entry (zero when it was not watched). Without room for the timer it is forgotten at once.
func (in *Intel) settle(t *tenant, li int32, ref uint64, p parcel, stuck bool, now int64) {
	p.lane, p.state = li, parcelSettled
	if stuck && !p.stuck {
		p.stuck = true
		t.lanes[li].stuck++
	}
	if !in.pushTimer(t, li, ref, now+parcelForgetNs, timerForget) {
		if p.stuck {
			t.lanes[li].stuck--
		}
		delete(t.parcels, ref)
		return
	}
	if t.parcels == nil {
		t.parcels = map[uint64]parcel{}
	}
	t.parcels[ref] = p
}

// settledLate settles a parcel late on a stuck or returned-to-sender delay and reports whether
// that is its outcome: false when it was settled already (overdue, or an earlier delay).
func (in *Intel) settledLate(t *tenant, li int32, ref uint64, stuck bool, now int64) bool {
	p, ok := t.parcels[ref]
	switch {
	case ok && p.state == parcelSettled:
		if stuck && !p.stuck {
			p.stuck = true
			t.lanes[p.lane].stuck++
			t.parcels[ref] = p
		}
		return false
	case ok && p.state == parcelInFlight:
		t.lanes[p.lane].inFlight--
	}
	in.settle(t, li, ref, p, stuck, now)
	return true
}

// arrival is what a delivery means for a parcel's outcome.
type arrival uint8

const (
	// arrivalUnwatched: not watched; it settles now, on time unless a late delay follows.
	arrivalUnwatched arrival = iota
	// arrivalDeferred: delivered by its promise; on time at the promise, unless a late delay
	// follows (the engine judged the carrier's own scan time late).
	arrivalDeferred
	// arrivalSettled: its late outcome was counted before; neither the arrival nor a late
	// delay with it counts again.
	arrivalSettled
)

// arrived takes a parcel's delivery.
func (in *Intel) arrived(t *tenant, ref uint64) arrival {
	p, ok := t.parcels[ref]
	if !ok || p.state == parcelArrived {
		return arrivalUnwatched
	}
	l := &t.lanes[p.lane]
	if p.state == parcelInFlight {
		l.inFlight--
		p.state = parcelArrived
		t.parcels[ref] = p
		return arrivalDeferred
	}
	delete(t.parcels, ref)
	if p.stuck {
		l.stuck--
	}
	return arrivalSettled
}
