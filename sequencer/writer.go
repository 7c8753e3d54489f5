package sequencer

import (
	"runtime"
	"time"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
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
		n, size := len(first.cmds), first.bytes
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
				if n+len(r.cmds) > s.opts.MaxBatch || size+r.bytes > s.opts.MaxBatchBytes {
					carry = r
					break drain
				}
				b.reqs = append(b.reqs, r)
				n += len(r.cmds)
				size += r.bytes
			default:
				break drain
			}
		}
		if errp := s.failed.Load(); errp != nil {
			s.answer(b, *errp)
			continue
		}
		s.apply(b, n)
		s.maybeSnapshot(b)
		s.toSync <- b
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
	// Sized by the events per command of recent batches (a single-line reserve makes one, an
	// order a dozen): the slab is most of the writer's garbage, so it is not padded; a batch that
	// needs more grows it once and raises the estimate.
	perCmd := max(s.eventsPerCmd, 1)
	events := make([]depot.Event, 0, n*perCmd)
	kinds := make([]depot.CommandKind, 0, n)
	offsets := make([]int, 0, n+1)
	rejected := 0

	// The batch's commands in order, to warm a run of them at a time (see engine.Warm).
	flat := s.flat[:0]
	for _, r := range b.reqs {
		flat = append(flat, r.cmds...)
	}
	s.engMu.Lock()
	seq := s.applied
	first := seq + 1
	for _, r := range b.reqs {
		for i, cmd := range r.cmds {
			if k := int(seq - first + 1); k%engine.WarmRun == 0 {
				s.eng.Warm(seq+1, flat[k:min(k+engine.WarmRun, len(flat))])
			}
			seq++
			// Submit and SubmitBatch validated and encoded every command before queueing it.
			enc := r.encodedAt(i)
			env := depot.Envelope{Seq: seq, Time: now, Cmd: cmd, Validated: true, Encoded: enc, Fingerprint: r.fps[i]}
			offsets = append(offsets, len(events))
			var res depot.Result
			res, events = s.eng.ApplyTo(&env, events)
			res.Events = nil
			if res.Rejection != nil {
				rejected++
			}
			r.results[i] = res
			kinds = append(kinds, cmd.Kind())
			b.buf = depot.AppendEncodedEnvelope(b.buf, seq, now, enc)
			// Only the end offset is kept now: buf may move as it grows.
			b.entries = append(b.entries, journal.Entry{Seq: seq})
			b.ends = append(b.ends, len(b.buf))
		}
	}
	s.applied = seq
	s.engMu.Unlock()
	clear(flat)
	s.flat = flat[:0]
	// Follow the workload both ways: up at once, down slowly so one quiet batch does not
	// shrink the slab under a busy stream.
	if got := (len(events) + n - 1) / max(n, 1); got > s.eventsPerCmd {
		s.eventsPerCmd = got
	} else if got < s.eventsPerCmd-1 {
		s.eventsPerCmd--
	}

	off := 0
	for i, end := range b.ends {
		b.entries[i].Data = b.buf[off:end:end]
		off = end
	}
	offsets = append(offsets, len(events))
	k := 0
	var results []depot.Result
	var commands []depot.Command
	if s.opts.OnCommit != nil {
		results = make([]depot.Result, 0, n)
		commands = make([]depot.Command, 0, n)
	}
	for _, r := range b.reqs {
		for i := range r.results {
			if lo, hi := offsets[k], offsets[k+1]; hi > lo {
				r.results[i].Events = events[lo:hi:hi]
			}
			if results != nil {
				results = append(results, r.results[i])
				commands = append(commands, r.cmds[i])
			}
			k++
		}
	}
	b.info = Batch{
		FirstSeq: first, LastSeq: seq, Commands: n, Rejected: rejected, Bytes: len(b.buf),
		Events: events, Results: results, Sequenced: commands, Time: now, Kinds: kinds, ApplyTime: time.Since(started),
		QueueDepth: len(s.queue), BatchStarted: started,
	}
}

// batchesInFlight is how many batches circulate between the writer and the syncer. Under load
// half the batches hold a single command (the first caller the syncer answered, taken before the
// others resubmitted), so a handful in flight ran out while a sync was under way and stopped the
// writer with commands waiting: with 1,000 callers, 16 took 577 - 636k reserves/s against 515 -
// 566k for 6 (three interleaved runs; 32 measured no better). Each holds at most MaxBatch
// commands' buffers.
const batchesInFlight = 16

// syncer makes batches durable, publishes the durable sequence number and answers callers. The
// batches already waiting when it starts a sync are merged into it: one write and one sync for
// all of them, up to the journal's limit on one append. Without that, each batch costs a sync of
// its own, and when one sync is slow (a disk hiccup of a millisecond or two) the writer's next
// batches, often of a single command caught while the callers were still being answered, queue
// behind it, each waiting for a whole sync: the stall multiplies, and every caller in flight
// sees it.
func (s *Sequencer) syncer() {
	defer close(s.syncerDone)
	defer close(s.snapshot)
	var group []*batch
	var entries []journal.Entry
	var carry *batch // received but over the limit of the group before it
	for {
		b := carry
		carry = nil
		if b == nil {
			var ok bool
			if b, ok = <-s.toSync; !ok {
				return
			}
		}
		group = append(group[:0], b)
		size := appendBytes(b)
	merge:
		for {
			select {
			case next, ok := <-s.toSync:
				if !ok {
					break merge
				}
				if size+appendBytes(next) > s.opts.MaxBatchBytes {
					carry = next
					break merge
				}
				group = append(group, next)
				size += appendBytes(next)
			default:
				break merge
			}
		}
		s.syncGroup(group, &entries)
		clear(group)
	}
}

// appendBytes is what b's entries count against journal.AppendMaxBytes (at most its requests'
// bytes).
func appendBytes(b *batch) int {
	return len(b.buf) + len(b.entries)*journal.EntryOverheadBytes
}

// syncGroup appends the entries of the group's batches in one call, then answers each batch in
// order. entries is scratch.
func (s *Sequencer) syncGroup(group []*batch, entries *[]journal.Entry) {
	if errp := s.failed.Load(); errp != nil {
		for _, b := range group {
			s.answer(b, *errp)
		}
		return
	}
	all := (*entries)[:0]
	for _, b := range group {
		all = append(all, b.entries...)
	}
	started := time.Now()
	err := s.journal.Append(all)
	clear(all)
	*entries = all[:0]
	if err != nil {
		s.fail(err)
		for _, b := range group {
			s.answer(b, *s.failed.Load())
		}
		return
	}
	took := time.Since(started)
	s.durable.Store(group[len(group)-1].info.LastSeq)
	s.wake()
	if s.shadow != nil {
		// Before answering: answered batches go back to the writer, who reuses their buffers.
		for _, b := range group {
			s.shadow.offer(b)
		}
	}
	for i, b := range group {
		b.info.SyncTime, b.info.SharedSync = took, i > 0
		info, snap := b.info, b.snap
		final := len(b.reqs) == 0
		s.answer(b, nil)
		if s.opts.OnCommit != nil && info.Commands > 0 {
			s.opts.OnCommit(&info)
		}
		if snap != nil {
			s.saveSnapshot(snap, final)
		}
	}
}

// answerRun is how many callers answer wakes before it lets them run. Each answer makes a
// caller runnable on this goroutine's processor, whose run queue holds 256; past that the Go
// scheduler moves half of it to the global queue, which a busy processor reads only once in 61
// turns. A batch of a thousand callers answered at once so left hundreds of them waiting behind
// the next batches' callers: with 1,000 callers at 500,000 reserves a second, a p99 of 5 - 6 ms
// of the 7.3 - 9.2 ms caller p99 was the time from the answer to the caller running again.
// Yielding every 64 answers lets the woken callers run in order (p99 4.8 - 5.7 ms; 32 and 128
// measured no better); throughput measured no lower.
//
// answer also yields after a batch's last answer, so that the callers it woke last submit their
// next commands before the syncer goes on to merge and sync the batches waiting; otherwise those
// commands missed that sync and waited a whole cycle more. Against yielding only within a batch:
// p99 3.9 - 4.2 ms against 4.6 - 5.5 and 623 - 669k reserves/s against 583 - 619k (three
// interleaved runs of 500,000 reserves from 1,000 callers); 585 - 696 commands per fsync against
// 499 - 512 in `depot bench`, where it also held the p99 at 4.0 - 4.8 ms when the disk slowed to
// 0.45 - 0.56 ms a sync (4.5 - 6.5 ms without). Yielding once per group instead measured between.
//
// The yield has a cost while the collector marks: Gosched puts the syncer on the global queue,
// and a runtime trace of one 45 ms mark showed it waiting there 35 ms in all. Waiting instead
// for the last caller of each run to wake the syncer measured no better through a mark and 15%
// lower throughput (session 7); the remedy is a shorter mark (less for the collector to scan).
const answerRun = 64

// answer gives each caller of b its outcome, then hands b back to the writer.
func (s *Sequencer) answer(b *batch, err error) {
	for i, r := range b.reqs {
		r.done <- err
		if i%answerRun == answerRun-1 || i == len(b.reqs)-1 {
			runtime.Gosched()
		}
	}
	clear(b.reqs)
	b.reqs = b.reqs[:0]
	b.info = Batch{}
	b.snap = nil
	s.free <- b
}

// maybeSnapshot attaches a snapshot to the batch every SnapshotEvery commands, in inline mode
// (otherwise the shadow takes them). Encoding happens on the writer, which owns the engine and
// so needs no lock to read it; saving happens only after the batch is durable (see syncer).
func (s *Sequencer) maybeSnapshot(b *batch) {
	if s.shadow != nil || s.opts.SnapshotEvery < 0 || int64(s.applied-s.lastSnap) < s.opts.SnapshotEvery {
		return
	}
	b.snap = &snapshotJob{seq: s.applied, data: s.eng.AppendSnapshot(nil)}
	s.lastSnap = s.applied
}

// finalSnapshot sends, at shutdown, an empty batch carrying the snapshot of the final state.
func (s *Sequencer) finalSnapshot() {
	if s.failed.Load() != nil || s.applied == s.lastSnap {
		return
	}
	b := <-s.free
	b.entries, b.ends, b.buf = b.entries[:0], b.ends[:0], b.buf[:0]
	b.info = Batch{FirstSeq: s.applied + 1, LastSeq: s.applied}
	b.snap = &snapshotJob{seq: s.applied, data: s.eng.AppendSnapshot(nil)}
	s.lastSnap = s.applied
	s.toSync <- b
}

// saveSnapshot hands a durable snapshot to the snapshotter, or saves it here in inline mode. A
// snapshot arriving while the previous one is still being written is dropped: the next one comes
// SnapshotEvery commands later, and the journal holds everything meanwhile.
func (s *Sequencer) saveSnapshot(job *snapshotJob, final bool) {
	if s.opts.InlineSnapshots {
		s.writeSnapshot(job)
		return
	}
	if final {
		s.snapshot <- job
		return
	}
	select {
	case s.snapshot <- job:
	default:
		s.log.Warn("snapshot skipped: the previous one is still being written", "seq", job.seq)
	}
}

func (s *Sequencer) snapshotter() {
	defer close(s.snapshotDone)
	for job := range s.snapshot {
		s.writeSnapshot(job)
	}
}

func (s *Sequencer) writeSnapshot(job *snapshotJob) {
	started := time.Now()
	if err := s.journal.SaveSnapshot(job.seq, job.data); err != nil {
		// A failed snapshot loses nothing: the journal still holds every command.
		s.log.Warn("snapshot failed", "seq", job.seq, "err", err)
		return
	}
	s.log.Info("snapshot saved", "seq", job.seq, "bytes", len(job.data), "took", time.Since(started))
}
