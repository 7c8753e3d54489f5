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
	// parcelArrived: delivered by its promise, in its current bin; both its outcomes wait: the
	// running-late evidence at the bin's end, the on-time outcome at the promise.
	parcelArrived
	// parcelFolded: delivered, its running-late evidence folded; its on-time outcome waits for
	// the promise.
	parcelFolded
	// parcelSettled: its late outcome is counted (overdue, stuck or returned to sender) and it
	// has not arrived since.
	parcelSettled
)

// parcel is what a tenant remembers of one shipment in flight, keyed by its ref's hash.
type parcel struct {
	lane  int32
	state parcelState
	stuck bool  // settled stuck: counted in its lane's stuck shipments until it arrives
	bin   uint8 // the bin of its promise window it is in (laneBins-1 at hand-over, 0 the last)
	// step is the length of one bin: the time from hand-over to promise over laneBins (0 for a
	// promise at or before the hand-over, which has only the last bin).
	step int64
}

// parcelTimer is a timer of the parcel heap: the end of a parcel's bin (the last one's is its
// promise), or when a settled parcel is forgotten. seq is the push order shifted left once,
// with the low bit the kind, so (at, seq) is a total order and pops are a function of the
// events alone.
type parcelTimer struct {
	at     int64
	seq    uint64
	ref    uint64
	tenant uint32 // index of the tenant in Intel.order
	lane   int32
}

// Timer kinds, the low bit of parcelTimer.seq.
const (
	timerBin    = 0
	timerForget = 1
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

// watch starts watching a parcel shipped on a lane now with its carrier's promise: its promise
// window, from now to the promise, is cut into laneBins bins, and its first timer is the end of
// the first.
func (in *Intel) watch(t *tenant, li int32, ref uint64, promise, now int64) {
	if _, ok := t.parcels[ref]; ok {
		return // shipped once only; a repeat changes nothing
	}
	p := parcel{lane: li, state: parcelInFlight}
	if promise > now {
		p.step = (promise - now) / laneBins
	}
	if p.step > 0 {
		p.bin = laneBins - 1
	}
	if !in.pushTimer(t, li, ref, promise-int64(p.bin)*p.step, timerBin) {
		return
	}
	if t.parcels == nil {
		t.parcels = map[uint64]parcel{}
	}
	t.parcels[ref] = p
	t.lanes[li].inFlight++
}

// dueParcels fires the parcel timers due before now, at now. At the end of a bin, a parcel in
// flight is running late through it (evidence for a hold) and moves to the next bin, or at its
// promise is late (overdue); a parcel delivered in the bin is evidence against a hold and waits
// for its promise, where it is on time. A settled parcel past parcelForgetNs is forgotten.
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
		if e.seq&1 == timerForget {
			if p.state == parcelSettled {
				delete(t.parcels, e.ref)
				if p.stuck {
					l.stuck--
				}
			}
			continue
		}
		promise := e.at + int64(p.bin)*p.step
		switch p.state {
		case parcelInFlight:
			in.runningLate(t, e.lane, int(p.bin), now)
			if p.bin > 0 {
				p.bin--
				t.parcels[e.ref] = p
				if !in.pushTimer(t, e.lane, e.ref, promise-int64(p.bin)*p.step, timerBin) {
					delete(t.parcels, e.ref) // unwatched from here: it settles when it arrives
					l.inFlight--
				}
				continue
			}
			l.inFlight--
			l.overdue++
			in.settle(t, e.lane, e.ref, p, false, now)
			in.laneOutcome(t, e.lane, true, now)
		case parcelArrived:
			in.deliveredIn(t, e.lane, int(p.bin), now)
			if p.bin > 0 {
				p.state, p.bin = parcelFolded, 0
				t.parcels[e.ref] = p
				if !in.pushTimer(t, e.lane, e.ref, promise, timerBin) {
					delete(t.parcels, e.ref)
					in.laneOutcome(t, e.lane, false, now) // on time, if not at its promise
				}
				continue
			}
			delete(t.parcels, e.ref)
			in.laneOutcome(t, e.lane, false, now)
		case parcelFolded:
			delete(t.parcels, e.ref)
			in.laneOutcome(t, e.lane, false, now)
		}
		// A settled parcel's bin timer lapses: its forget timer ends it.
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
	switch {
	case !ok:
		return arrivalUnwatched
	case p.state == parcelArrived || p.state == parcelFolded:
		return arrivalSettled // delivered again: its outcome is on its way already
	case p.state == parcelInFlight:
		t.lanes[p.lane].inFlight--
		p.state = parcelArrived
		t.parcels[ref] = p
		return arrivalDeferred
	}
	delete(t.parcels, ref)
	if p.stuck {
		t.lanes[p.lane].stuck--
	}
	return arrivalSettled
}
