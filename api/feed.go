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
	mu sync.RWMutex
	// chunks are the batches' event slabs, oldest first, each non-empty and in sequence order.
	// Keeping the sequencer's slabs (which it never writes again) instead of copying each event
	// into a ring saves a copy of every event, strings and all, on the commit path.
	chunks   [][]depot.Event
	n        int // events held
	capacity int
	floor    uint64
	// started is set once floor is meaningful: by the first batch seen or by the server.
	started bool
	notify  chan struct{}

	// observers run after each batch is in the feed (metrics, webhook wake-ups).
	observers atomic.Pointer[[]func(*sequencer.Batch)]
}

// NewFeed returns a feed that keeps the last capacity events (DefaultEventRing if capacity <= 0).
func NewFeed(capacity int) *Feed {
	if capacity <= 0 {
		capacity = DefaultEventRing
	}
	return &Feed{capacity: capacity, notify: make(chan struct{})}
}

// OnCommit takes a durable batch's events into the feed. Pass it as sequencer.Options.OnCommit.
// It keeps the batch's slab, which the sequencer never writes again, and never blocks on a
// reader.
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

// appendLocked adds a chunk of events (which the feed keeps and never writes) and evicts the
// oldest events beyond capacity. Evicting raises the floor to the last evicted seq: from then on
// events up to it may be missing, even if some of that seq's events are still held.
func (f *Feed) appendLocked(evs []depot.Event) {
	if len(evs) == 0 {
		return
	}
	f.chunks = append(f.chunks, evs)
	f.n += len(evs)
	for f.n > f.capacity {
		first := f.chunks[0]
		if drop := f.n - f.capacity; drop < len(first) {
			f.floor = max(f.floor, first[drop-1].Seq)
			f.chunks[0] = first[drop:]
			f.n -= drop
			break
		}
		f.floor = max(f.floor, first[len(first)-1].Seq)
		f.n -= len(first)
		f.chunks[0] = nil
		f.chunks = f.chunks[1:]
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
	// The first chunk holding a seq after `after`, then the first such event in it.
	c := sort.Search(len(f.chunks), func(c int) bool { ch := f.chunks[c]; return ch[len(ch)-1].Seq > after })
	through = after
	for ; c < len(f.chunks); c++ {
		ch := f.chunks[c]
		i := sort.Search(len(ch), func(i int) bool { return ch[i].Seq > after })
		for ; i < len(ch); i++ {
			e := &ch[i]
			if e.Seq != through && len(dst) >= limit {
				return dst, through, false
			}
			through = e.Seq
			if e.Tenant == tenant && (match == nil || match(e.Kind)) {
				dst = append(dst, *e)
			}
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
	capacity := f.capacity
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
	for _, ch := range f.chunks {
		live = append(live, ch...)
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
	f.chunks, f.n = nil, 0
	f.appendLocked(kept)
	f.appendLocked(live)
	f.floor = min(f.floor, newFloor)
	return nil
}

// errStopReplay ends a replay early once it reaches the live part of the ring.
var errStopReplay = errors.New("api: stop replay")
