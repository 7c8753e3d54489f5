package sequencer

import (
	"time"

	"github.com/depothq/depot"
	"github.com/depothq/depot/journal"
)

// writer takes submissions off the queue in batches, stamps and applies them, and hands each
// batch to the syncer. It is the only goroutine that mutates the engine.
func (s *Sequencer) writer() {
	defer close(s.writerDone)
	defer close(s.toSync)
	var carry *request
	for {
		first := carry
		carry = nil
		if first == nil {
			r, ok := <-s.queue
			if !ok {
				s.finalSnapshot()
				return
			}
			first = r
		}
		b := <-s.free
		b.reqs = append(b.reqs[:0], first)
		n := len(first.cmds)
		// Drain what is already waiting, up to the batch limit. Not waiting for more is what keeps
		// latency low at light load; at heavy load the queue fills during the previous fsync and
		// batches grow by themselves.
	drain:
		for n < s.opts.MaxBatch {
			select {
			case r, ok := <-s.queue:
				if !ok {
					break drain
				}
				if n+len(r.cmds) > s.opts.MaxBatch {
					carry = r
					break drain
				}
				b.reqs = append(b.reqs, r)
				n += len(r.cmds)
			default:
				break drain
			}
		}
		if errp := s.failed.Load(); errp != nil {
			s.answer(b, *errp)
			continue
		}
		s.apply(b, n)
		s.toSync <- b
		s.maybeSnapshot()
	}
}

// apply stamps and applies a batch under the engine's write lock and encodes it for the journal.
func (s *Sequencer) apply(b *batch, n int) {
	started := time.Now()
	now := s.opts.Clock()
	if now < s.now {
		now = s.now
	}
	s.now = now
	b.buf = b.buf[:0]
	b.entries = b.entries[:0]
	b.ends = b.ends[:0]
	// The events slab is fresh per batch because callers keep their results: reusing it would
	// let a later batch overwrite events a slow caller has not read yet.
	events := make([]depot.Event, 0, n+n/2)
	kinds := make([]depot.CommandKind, 0, n)
	offsets := make([]int, 0, n+1)
	rejected := 0

	s.engMu.Lock()
	seq := s.applied
	first := seq + 1
	for _, r := range b.reqs {
		for i, cmd := range r.cmds {
			seq++
			env := depot.Envelope{Seq: seq, Time: now, Cmd: cmd}
			res := s.eng.Apply(&env)
			offsets = append(offsets, len(events))
			events = append(events, res.Events...)
			res.Events = nil
			if res.Rejection != nil {
				rejected++
			}
			r.results[i] = res
			kinds = append(kinds, cmd.Kind())
			b.buf = depot.AppendEnvelope(b.buf, &env)
			// Only the end offset is kept now: buf may move as it grows.
			b.entries = append(b.entries, journal.Entry{Seq: seq})
			b.ends = append(b.ends, len(b.buf))
		}
	}
	s.applied = seq
	s.engMu.Unlock()

	off := 0
	for i, end := range b.ends {
		b.entries[i].Data = b.buf[off:end:end]
		off = end
	}
	offsets = append(offsets, len(events))
	k := 0
	var results []depot.Result
	if s.opts.OnCommit != nil {
		results = make([]depot.Result, 0, n)
	}
	for _, r := range b.reqs {
		for i := range r.results {
			if lo, hi := offsets[k], offsets[k+1]; hi > lo {
				r.results[i].Events = events[lo:hi:hi]
			}
			if results != nil {
				results = append(results, r.results[i])
			}
			k++
		}
	}
	b.info = Batch{
		FirstSeq: first, LastSeq: seq, Commands: n, Rejected: rejected, Bytes: len(b.buf),
		Events: events, Results: results, Kinds: kinds, ApplyTime: time.Since(started),
		QueueDepth: len(s.queue), BatchStarted: started,
	}
}

// syncer makes each batch durable, publishes the durable sequence number and answers callers.
func (s *Sequencer) syncer() {
	defer close(s.syncerDone)
	for b := range s.toSync {
		if errp := s.failed.Load(); errp != nil {
			s.answer(b, *errp)
			continue
		}
		started := time.Now()
		if err := s.journal.Append(b.entries); err != nil {
			s.fail(err)
			s.answer(b, *s.failed.Load())
			continue
		}
		b.info.SyncTime = time.Since(started)
		s.durable.Store(b.info.LastSeq)
		s.wake()
		info := b.info
		s.answer(b, nil)
		if s.opts.OnCommit != nil {
			s.opts.OnCommit(&info)
		}
	}
}

func (s *Sequencer) answer(b *batch, err error) {
	for _, r := range b.reqs {
		r.done <- err
	}
	clear(b.reqs)
	b.reqs = b.reqs[:0]
	b.info = Batch{}
	s.free <- b
}

// maybeSnapshot encodes a snapshot every SnapshotEvery commands. Encoding happens on the writer
// (it owns the engine, so no lock is needed to read it); saving happens on the snapshotter, which
// first waits until the snapshot's sequence number is durable, because a snapshot ahead of the
// journal would resurrect commands that were never acknowledged.
func (s *Sequencer) maybeSnapshot() {
	if s.opts.SnapshotEvery < 0 || int64(s.applied-s.lastSnap) < s.opts.SnapshotEvery {
		return
	}
	select {
	case s.snapshot <- snapshotJob{seq: s.applied, data: s.eng.AppendSnapshot(nil)}:
		s.lastSnap = s.applied
	default:
		// The previous snapshot is still being written; try again after the next batch.
	}
}

func (s *Sequencer) finalSnapshot() {
	defer close(s.snapshot)
	if s.failed.Load() != nil || s.applied == s.lastSnap {
		return
	}
	s.snapshot <- snapshotJob{seq: s.applied, data: s.eng.AppendSnapshot(nil)}
	s.lastSnap = s.applied
}

func (s *Sequencer) snapshotter() {
	defer close(s.snapshotDone)
	for job := range s.snapshot {
		for s.durable.Load() < job.seq {
			if s.failed.Load() != nil {
				break
			}
			ch := *s.notify.Load()
			if s.durable.Load() >= job.seq || s.failed.Load() != nil {
				break
			}
			<-ch
		}
		if s.failed.Load() != nil {
			continue
		}
		started := time.Now()
		if err := s.journal.SaveSnapshot(job.seq, job.data); err != nil {
			// A failed snapshot loses nothing: the journal still holds every command.
			s.log.Warn("snapshot failed", "seq", job.seq, "err", err)
			continue
		}
		s.log.Info("snapshot saved", "seq", job.seq, "bytes", len(job.data), "took", time.Since(started))
	}
}
