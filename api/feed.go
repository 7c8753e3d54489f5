package api

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
	"github.com/depothq/depot/journal"
	"github.com/depothq/depot/sequencer"
)

// Feed is the bounded in-memory ring of recently committed events that SSE streams and webhook
// deliveries read from, fed by the sequencer after each group commit. Events are kept for all
// tenants in sequence order; every reader filters by its own tenant. A reader whose cursor falls
// behind the ring is told so (410 Gone for a stream, a gap dead letter for a webhook) rather than
// silently skipping events.
//
// The sequencer must be opened with Feed.OnCommit as its Options.OnCommit, which is why the feed
// is created before the sequencer and handed to NewServer.
type Feed struct {
	mu    sync.RWMutex
	ring  []depot.Event
	head  int // index of the oldest event
	n     int // events held
	floor uint64
	// started is set once floor is meaningful: by the first batch seen or by the server.
	started bool
	notify  chan struct{}

	// observers run after each batch is in the ring (metrics, webhook wake-ups).
	observers atomic.Pointer[[]func(*sequencer.Batch)]
}

// NewFeed returns a feed that keeps the last capacity events (DefaultEventRing if capacity <= 0).
func NewFeed(capacity int) *Feed {
	if capacity <= 0 {
		capacity = DefaultEventRing
	}
	return &Feed{ring: make([]depot.Event, capacity), notify: make(chan struct{})}
}

// OnCommit takes a durable batch's events into the ring. Pass it as sequencer.Options.OnCommit.
// It copies the events (the sequencer reuses nothing it hands out, but the contract says copy) and
// never blocks on a reader.
func (f *Feed) OnCommit(b *sequencer.Batch) {
	f.mu.Lock()
	if !f.started {
		f.floor = b.FirstSeq - 1
		f.started = true
	}
	f.appendLocked(b.Events)
	old := f.notify
	f.notify = make(chan struct{})
	f.mu.Unlock()
	close(old)
	if obs := f.observers.Load(); obs != nil {
		for _, fn := range *obs {
			fn(b)
		}
	}
}

func (f *Feed) appendLocked(evs []depot.Event) {
	capacity := len(f.ring)
	for i := range evs {
		if f.n == capacity {
			// Evicting the oldest event: from now on events up to its seq may be missing.
			f.floor = max(f.floor, f.ring[f.head].Seq)
			f.ring[f.head] = depot.Event{}
			f.head = (f.head + 1) % capacity
			f.n--
		}
		f.ring[(f.head+f.n)%capacity] = evs[i]
		f.n++
	}
}

// observe adds a function called after every batch.
func (f *Feed) observe(fn func(*sequencer.Batch)) {
	for {
		old := f.observers.Load()
		var next []func(*sequencer.Batch)
		if old != nil {
			next = append(next, *old...)
		}
		next = append(next, fn)
		if f.observers.CompareAndSwap(old, &next) {
			return
		}
	}
}

// start fixes the floor for a feed that has seen no batch yet: nothing before the sequencer's
// durable sequence number at start-up is in memory.
func (f *Feed) start(durable uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.started {
		f.floor = durable
		f.started = true
	}
}

// Floor returns the sequence number up to which events may be missing from the ring: a reader
// can resume after any seq >= Floor.
func (f *Feed) Floor() uint64 {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.floor
}

// wait returns a channel closed when the next batch arrives.
func (f *Feed) wait() <-chan struct{} {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.notify
}

// read appends to dst the events of tenant with seq > after that match, up to about max events,
// always ending at a sequence boundary so that every returned seq is complete. through is the
// last seq it looked at (the cursor to continue from, even when nothing matched), and gone
// reports that events after `after` were already evicted.
func (f *Feed) read(dst []depot.Event, tenant string, after uint64, match func(depot.EventKind) bool, limit int) (events []depot.Event, through uint64, gone bool) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if after < f.floor {
		return dst, after, true
	}
	capacity := len(f.ring)
	at := func(i int) *depot.Event { return &f.ring[(f.head+i)%capacity] }
	i := sort.Search(f.n, func(i int) bool { return at(i).Seq > after })
	through = after
	for ; i < f.n; i++ {
		e := at(i)
		if e.Seq != through && len(dst) >= limit {
			break
		}
		through = e.Seq
		if e.Tenant == tenant && (match == nil || match(e.Kind)) {
			dst = append(dst, *e)
		}
	}
	return dst, through, false
}

// backfill rebuilds events after `from` that a restart took out of memory, by replaying the
// journal into a scratch engine, so a webhook that was behind when the process stopped still gets
// every event at least once. It runs before anything reads the feed; events already in the ring
// (committed since start-up) stay, and older ones are put in front of them within the capacity.
func (f *Feed) backfill(j journal.Journal, from uint64) error {
	f.mu.RLock()
	floor := f.floor
	f.mu.RUnlock()
	if from >= floor {
		return nil
	}
	// Start from the newest snapshot if it is old enough, else from the first command.
	eng := engine.New()
	seq, data, ok, err := j.LatestSnapshot()
	if err != nil {
		return fmt.Errorf("api: rebuild events: load snapshot: %w", err)
	}
	if ok && seq <= from {
		if eng, err = engine.Restore(data); err != nil {
			return fmt.Errorf("api: rebuild events: restore snapshot at seq %d: %w", seq, err)
		}
	}
	capacity := len(f.ring)
	var kept []depot.Event
	err = j.Replay(eng.LastSeq()+1, func(e journal.Entry) error {
		if e.Seq > floor {
			return errStopReplay
		}
		env, err := depot.DecodeEnvelope(e.Data)
		if err != nil {
			return fmt.Errorf("seq %d: %w", e.Seq, err)
		}
		res := eng.Apply(&env)
		if env.Seq > from {
			kept = append(kept, res.Events...)
			if len(kept) > 2*capacity {
				kept = append(kept[:0], kept[len(kept)-capacity:]...)
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStopReplay) {
		return fmt.Errorf("api: rebuild events after seq %d: %w", from, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	live := make([]depot.Event, 0, f.n)
	for i := 0; i < f.n; i++ {
		live = append(live, f.ring[(f.head+i)%capacity])
	}
	newFloor := from
	if room := capacity - len(live); len(kept) > room {
		// Not everything fits: the front of the gap stays missing, including all of the seq
		// that was cut, so no reader ever sees half a command.
		kept = kept[len(kept)-room:]
		newFloor = f.floor
		if len(kept) > 0 {
			newFloor = kept[0].Seq
		}
	}
	clear(f.ring)
	f.head, f.n = 0, 0
	f.appendLocked(kept)
	f.appendLocked(live)
	f.floor = min(f.floor, newFloor)
	return nil
}

// errStopReplay ends a replay early once it reaches the live part of the ring.
var errStopReplay = errors.New("api: stop replay")
