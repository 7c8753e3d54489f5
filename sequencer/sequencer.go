// Package sequencer is the single writer in front of the engine. Callers on any number of
// goroutines submit commands; the sequencer queues them (bounded: a full queue is an explicit
// ErrOverloaded, never unbounded memory), takes them in batches, stamps each with the next
// sequence number and the time, applies them to the engine, appends the batch to the journal with
// one write and one fsync (group commit), and only then answers the callers. Reads run
// concurrently with the writer and are answered only once everything they saw is durable, so no
// caller ever observes an effect that a crash could take back.
//
// The sequencer owns goroutines, the clock and the journal handle; it must never decide anything
// itself: every decision is the engine's, from the stamped envelope alone.
//
// Pipeline: the writer applies the next batches while the syncer fsyncs; the batches that waited
// for a sync share the next one. Periodic snapshots come from a shadow engine that follows the
// durable batches on its own goroutine (shadow.go), so the writer never stops to encode one. If
// a write or fsync fails, the in-memory state is ahead of the disk and can no longer be trusted: the sequencer
// fails stop (every pending and later call returns an error wrapping ErrFailed) and the process
// must restart, recovering from the journal. This is the PostgreSQL "fsyncgate" lesson.
package sequencer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
	"github.com/depothq/depot/journal"
)

// Errors callers branch on.
var (
	// ErrOverloaded means the queue is full: back off and retry (HTTP 503 with Retry-After).
	ErrOverloaded = errors.New("sequencer: queue full")
	// ErrClosed means the sequencer is shutting down or shut down.
	ErrClosed = errors.New("sequencer: closed")
	// ErrFailed means a journal write failed; nothing after it can be acknowledged.
	ErrFailed = errors.New("sequencer: failed, restart to recover from the journal")
	// ErrTooLarge means one submission holds more commands, or more bytes, than a batch may.
	ErrTooLarge = errors.New("sequencer: submission larger than a batch")
)

// Defaults for Options.
const (
	DefaultQueueSize     = 1 << 16
	DefaultSnapshotEvery = 1_000_000
)

// Options configure a sequencer. The zero value is usable.
type Options struct {
	// QueueSize bounds the submissions waiting for the writer (default DefaultQueueSize).
	QueueSize int
	// MaxBatch bounds the commands in one group commit (default and maximum depot.MaxBatch).
	MaxBatch int
	// MaxBatchBytes bounds the journal bytes of one group commit, frames included (default and
	// maximum journal.AppendMaxBytes, what one Append takes). A batch is cut before a request
	// that would pass it, and one submission larger than it is refused with ErrTooLarge: MaxBatch
	// commands of up to depot.MaxCommandBytes would be 512 MiB, and a journal that refused the
	// batch would stop the sequencer.
	MaxBatchBytes int
	// SnapshotEvery is the number of commands between snapshots (default DefaultSnapshotEvery;
	// negative disables periodic snapshots, a snapshot is still written at Close). Periodic
	// snapshots are taken by a second engine that follows the journal (shadow.go), so the writer
	// never stops to encode one; it costs a second copy of the state in memory.
	SnapshotEvery int64
	// SnapshotsOnWriter encodes the periodic snapshots on the writer, as InlineSnapshots does,
	// but saves them in the background: no second copy of the state, but every snapshot stops
	// commits while it is encoded (0.6 s for the state of two million commands of history).
	SnapshotsOnWriter bool
	// InlineSnapshots encodes snapshots on the writer and saves them on the syncer goroutine,
	// instead of a shadow engine and a background goroutine. Disk operations then happen in one
	// deterministic order, which the simulator needs to reproduce a run from its seed; in
	// production it would stall commits while a large snapshot is encoded and written.
	InlineSnapshots bool
	// Clock returns unix nanoseconds (default time.Now). Stamps never go backwards even if it does.
	Clock func() int64
	// Logger receives recovery and failure reports (default slog.Default()).
	Logger *slog.Logger
	// OnCommit, if set, is called on the syncer goroutine after each batch is durable and its
	// callers answered, in sequence order. It feeds projections and metrics and must be quick.
	// Batch.Events is a slab allocated for the batch and never written after the call, so a
	// consumer may keep it (read-only) instead of copying.
	OnCommit func(*Batch)
	// OnReplay, if set, is called during recovery for every command replayed from the journal's
	// tail (the commands after the newest snapshot), with its result, in sequence order, so that
	// projections such as intelligence start warm instead of empty. The result's events are valid
	// only during the call.
	OnReplay func(env *depot.Envelope, res *depot.Result)
}

// Batch describes one group commit, for projections and metrics.
type Batch struct {
	FirstSeq, LastSeq uint64
	Commands          int
	Rejected          int
	Bytes             int
	Events            []depot.Event
	// Results and Sequenced are parallel to the commands FirstSeq..LastSeq (set only when
	// OnCommit is): a rejected command leaves no event, so projections that count refusals (say,
	// oversell pressure per channel) read the command itself.
	Results   []depot.Result
	Sequenced []depot.Command
	// Time is the stamp every command of the batch carries (unix nanoseconds).
	Time int64
	// Kinds is parallel to Results.
	Kinds     []depot.CommandKind
	ApplyTime time.Duration
	// SyncTime is the time of the write and sync that made the batch durable. SharedSync is
	// set when that write and sync were the previous batch's too: the syncer merges batches
	// that waited for it (see syncer), so counting syncs means counting batches without it.
	SyncTime     time.Duration
	SharedSync   bool
	QueueDepth   int
	BatchStarted time.Time
}

// request is one submission: one or more commands answered together.
type request struct {
	cmds []depot.Command
	// encoded holds each command's depot.AppendCommand encoding, back to back, ends[i] marking
	// where command i's ends, and fps[i] its depot.Fingerprint. Callers encode and hash on their
	// own goroutines, in parallel, so the single writer only stamps sequence numbers and the
	// engine neither encodes nor hashes again.
	encoded []byte
	ends    []int
	fps     []uint64
	// bytes is the most the commands take in the journal: their encodings, envelopes and frames.
	bytes   int
	results []depot.Result
	done    chan error
}

// entryOverheadMax is the most a command adds in the journal to its encoding.
const entryOverheadMax = depot.EnvelopeOverheadMax + journal.EntryOverheadBytes

// encode fills encoded, ends, fps and bytes from cmds.
func (r *request) encode() {
	r.encoded, r.ends, r.fps = r.encoded[:0], r.ends[:0], r.fps[:0]
	for _, c := range r.cmds {
		start := len(r.encoded)
		r.encoded = depot.AppendCommand(r.encoded, c)
		r.ends = append(r.ends, len(r.encoded))
		r.fps = append(r.fps, depot.Fingerprint(r.encoded[start:]))
	}
	r.bytes = len(r.encoded) + len(r.cmds)*entryOverheadMax
}

// encodedAt returns command i's encoding.
func (r *request) encodedAt(i int) []byte {
	start := 0
	if i > 0 {
		start = r.ends[i-1]
	}
	return r.encoded[start:r.ends[i]:r.ends[i]]
}

// batch is the unit passed from writer to syncer.
type batch struct {
	reqs    []*request
	entries []journal.Entry
	ends    []int
	buf     []byte
	// snap, when set, is a snapshot of the state after this batch, to be saved once the batch is
	// durable: a snapshot ahead of the journal would resurrect commands never acknowledged.
	snap *snapshotJob
	info Batch
}

// Sequencer is the single writer. Create it with Open.
type Sequencer struct {
	opts    Options
	journal journal.Journal
	eng     *engine.Engine
	log     *slog.Logger

	// closeMu orders Submit against Close so nothing is sent on a closed queue.
	closeMu sync.RWMutex
	closed  bool
	queue   chan *request

	// engMu lets readers copy out of the engine between the writer's applies.
	engMu   sync.RWMutex
	applied uint64 // guarded by engMu
	now     int64  // the last stamp; writer-only
	// eventsPerCmd is the most events per command a recent batch produced, rounded up; the
	// writer sizes each batch's event slab from it so that appending never regrows the slab
	// (copying events, which hold strings, costs write barriers). Writer-only.
	eventsPerCmd int
	flat         []depot.Command // the batch being applied, flattened; writer-only

	durable  atomic.Uint64
	notify   atomic.Pointer[chan struct{}]
	failed   atomic.Pointer[error]
	toSync   chan *batch
	free     chan *batch
	snapshot chan *snapshotJob
	lastSnap uint64 // writer-only
	// shadow takes the periodic snapshots off the writer (shadow.go); nil when they are off
	// or inline.
	shadow *shadow

	writerDone   chan struct{}
	syncerDone   chan struct{}
	snapshotDone chan struct{}
}

type snapshotJob struct {
	seq  uint64
	data []byte
}

// Open recovers the engine from j (newest valid snapshot, then the journal's tail) and starts
// the writer. The caller keeps ownership of j and closes it after Close.
func Open(j journal.Journal, opts Options) (*Sequencer, error) {
	if opts.QueueSize <= 0 {
		opts.QueueSize = DefaultQueueSize
	}
	if opts.MaxBatch <= 0 || opts.MaxBatch > depot.MaxBatch {
		opts.MaxBatch = depot.MaxBatch
	}
	if opts.MaxBatchBytes <= 0 || opts.MaxBatchBytes > journal.AppendMaxBytes {
		opts.MaxBatchBytes = journal.AppendMaxBytes
	}
	if opts.SnapshotEvery == 0 {
		opts.SnapshotEvery = DefaultSnapshotEvery
	}
	if opts.Clock == nil {
		opts.Clock = func() int64 { return time.Now().UnixNano() }
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	eng, err := recoverEngine(j, opts.Logger, opts.OnReplay)
	if err != nil {
		return nil, err
	}
	s := &Sequencer{
		opts: opts, journal: j, eng: eng, log: opts.Logger,
		queue:        make(chan *request, opts.QueueSize),
		applied:      eng.LastSeq(),
		now:          eng.Now(),
		toSync:       make(chan *batch, batchesInFlight),
		free:         make(chan *batch, batchesInFlight),
		snapshot:     make(chan *snapshotJob, 1),
		lastSnap:     eng.LastSeq(),
		writerDone:   make(chan struct{}),
		syncerDone:   make(chan struct{}),
		snapshotDone: make(chan struct{}),
	}
	s.durable.Store(eng.LastSeq())
	ch := make(chan struct{})
	s.notify.Store(&ch)
	// batchesInFlight batches circulate: one being filled, the others waiting for the disk or
	// being synced and answered. That bounds the memory in flight and lets the writer run a few
	// batches ahead of a slow sync; the syncer makes the waiting ones durable together.
	for range batchesInFlight {
		s.free <- &batch{}
	}
	if opts.SnapshotEvery > 0 && !opts.InlineSnapshots && !opts.SnapshotsOnWriter {
		s.shadow = startShadow(j, opts.SnapshotEvery, eng.LastSeq(), &s.durable, opts.Logger)
	}
	go s.writer()
	go s.syncer()
	go s.snapshotter()
	return s, nil
}

// Recover rebuilds the engine from the newest valid snapshot in j plus the journal's tail. It
// is what Open does before serving, and what `depot verify` does (with a fresh engine) to check
// a data directory.
func Recover(j journal.Journal, log *slog.Logger) (*engine.Engine, error) {
	return recoverEngine(j, log, nil)
}

func recoverEngine(j journal.Journal, log *slog.Logger, onReplay func(*depot.Envelope, *depot.Result)) (eng *engine.Engine, err error) {
	err = pacedForRecovery(func() error {
		eng, err = recoverPaced(j, log, onReplay, nil)
		return err
	})
	return eng, err
}

// recoverPaced is recoverEngine with the collector already paced for recovery (or left alone:
// the shadow rebuilds its engine while the server runs). abort, when not nil, is polled during
// the replay; once it says true the replay stops with errReplayAborted.
func recoverPaced(j journal.Journal, log *slog.Logger, onReplay func(*depot.Envelope, *depot.Result), abort func() bool) (*engine.Engine, error) {
	eng := engine.New()
	seq, data, ok, err := j.LatestSnapshot()
	if err != nil {
		return nil, fmt.Errorf("sequencer: load snapshot: %w", err)
	}
	if ok {
		restored, err := engine.RestoreTrusted(data)
		if err != nil {
			return nil, fmt.Errorf("sequencer: restore snapshot at seq %d: %w", seq, err)
		}
		if restored.LastSeq() != seq {
			return nil, fmt.Errorf("sequencer: snapshot labelled seq %d holds state at seq %d", seq, restored.LastSeq())
		}
		eng = restored
	}
	if err := replayInto(eng, j, onReplay, abort); err != nil {
		return nil, err
	}
	if log != nil {
		log.Info("recovered", "snapshot_seq", seq, "last_seq", eng.LastSeq())
	}
	return eng, nil
}

// ReplayInto applies every journal entry after the engine's last sequence number, with the
// collector paced as for a recovery (see recoveryGCPercent): a replay into an engine grows its
// state the same way.
func ReplayInto(eng *engine.Engine, j journal.Journal) error {
	return pacedForRecovery(func() error { return replayInto(eng, j, nil, nil) })
}

// replayBatch is a run of decoded envelopes handed from the goroutine that reads and decodes
// the journal to the one that applies them; buf holds their Encoded bytes.
type replayBatch struct {
	envs []depot.Envelope
	buf  []byte
}

const (
	// replayBatchSize is how many envelopes travel together: enough to make the hand-off's cost
	// vanish, few enough that the applier starts at once.
	replayBatchSize = 512
	// replayBatches bounds the batches in flight (decoded ahead of the applier), and so memory.
	replayBatches = 6
)

// errStopReplay stops the reader when the applier has failed.
var errStopReplay = errors.New("sequencer: replay stopped")

// errReplayAborted is a replay stopped by its abort hook.
var errReplayAborted = errors.New("sequencer: replay aborted")

// replayInto applies the journal's entries after the engine's last sequence number. Reading
// (checksums, decoding, interning ids) and applying take about the same time, so they run on two
// goroutines, in a pipeline of batches: start-up is bounded by the slower of the two rather than
// their sum. The applier checks every seq, so the order cannot slip.
func replayInto(eng *engine.Engine, j journal.Journal, onReplay func(*depot.Envelope, *depot.Result), abort func() bool) error {
	if last := j.LastSeq(); last < eng.LastSeq() {
		return fmt.Errorf("sequencer: journal ends at seq %d but the snapshot is at %d: the journal lost entries", last, eng.LastSeq())
	}
	full := make(chan *replayBatch, replayBatches)
	free := make(chan *replayBatch, replayBatches)
	for range replayBatches {
		free <- &replayBatch{envs: make([]depot.Envelope, 0, replayBatchSize)}
	}
	var stop atomic.Bool
	var readErr error // written by the reader before it closes full
	go func() {
		defer close(full)
		dec := depot.NewEnvelopeDecoder()
		b := <-free
		readErr = j.Replay(eng.LastSeq()+1, func(e journal.Entry) error {
			if stop.Load() {
				return errStopReplay
			}
			if abort != nil && abort() {
				return errReplayAborted
			}
			env, buf, err := decodeEntry(dec, e, b.buf)
			if err != nil {
				return err
			}
			b.buf = buf
			b.envs = append(b.envs, env)
			if len(b.envs) == replayBatchSize {
				full <- b
				b = <-free
			}
			return nil
		})
		if len(b.envs) > 0 {
			full <- b
		}
	}()
	var applyErr error
	for b := range full {
		if applyErr == nil {
			if err := applyInOrder(eng, b.envs, onReplay); err != nil {
				applyErr = fmt.Errorf("sequencer: replay: %w", err)
				stop.Store(true)
			}
		}
		clear(b.envs) // drop the commands: the batch is reused
		b.envs, b.buf = b.envs[:0], b.buf[:0]
		free <- b
	}
	if applyErr != nil {
		return applyErr
	}
	if errors.Is(readErr, errReplayAborted) {
		return errReplayAborted
	}
	if readErr != nil {
		return fmt.Errorf("sequencer: replay: %w", readErr)
	}
	return nil
}

// decodeEntry decodes a journal entry for applying: DecodeEncoded's envelope (its encoding
// appended to buf, which is returned grown), checked to carry the entry's own seq and marked
// validated: only validated commands are ever sequenced, and the frame's checksum says these are
// the bytes that were. Replay and the shadow both read the journal through it.
func decodeEntry(dec *depot.EnvelopeDecoder, e journal.Entry, buf []byte) (depot.Envelope, []byte, error) {
	env, grown, err := dec.DecodeEncoded(e.Data, buf)
	if err != nil {
		return env, buf, fmt.Errorf("seq %d: %w", e.Seq, err)
	}
	if env.Seq != e.Seq {
		return env, buf, fmt.Errorf("entry %d holds command seq %d", e.Seq, env.Seq)
	}
	env.Validated = true
	return env, grown, nil
}

// applyInOrder applies envs, warming engine.WarmRun of them at a time (see engine.Warm); each
// must carry the sequence number after the engine's last. onReplay, when set, sees each result.
func applyInOrder(eng *engine.Engine, envs []depot.Envelope, onReplay func(*depot.Envelope, *depot.Result)) error {
	for i := range envs {
		if i%engine.WarmRun == 0 {
			eng.WarmEnvelopes(envs[i:min(i+engine.WarmRun, len(envs))])
		}
		env := &envs[i]
		if env.Seq != eng.LastSeq()+1 {
			return fmt.Errorf("entry %d after %d", env.Seq, eng.LastSeq())
		}
		if onReplay == nil {
			// Apart from the call below: a result whose address goes to a function value
			// escapes, and would cost every replayed command an allocation.
			eng.Apply(env)
			continue
		}
		res := eng.Apply(env)
		onReplay(env, &res)
	}
	return nil
}

// Submit sequences one command and returns its result once it is durable. Malformed commands
// are answered at once, without being sequenced. If ctx ends first the command may still be
// applied: retry with the same id, which the engine answers as a replay.
func (s *Sequencer) Submit(ctx context.Context, cmd depot.Command) (depot.Result, error) {
	if cmd == nil {
		return depot.Result{Rejection: depot.Reject(depot.CodeInvalidArgument, "", "empty command")}, nil
	}
	if rej := cmd.Validate(); rej != nil {
		return depot.Result{Rejection: rej}, nil
	}
	req := requestPool.Get().(*request)
	req.cmds = append(req.cmds[:0], cmd)
	req.results = append(req.results[:0], depot.Result{})
	req.encode()
	if err := s.fits(req); err != nil {
		req.cmds[0] = nil
		requestPool.Put(req)
		return depot.Result{}, err
	}
	if err := s.wait(ctx, req); err != nil {
		// A request abandoned on ctx may still be answered later; it must not be reused.
		return depot.Result{}, err
	}
	res := req.results[0]
	req.cmds[0] = nil
	req.results[0] = depot.Result{}
	requestPool.Put(req)
	return res, nil
}

// requestPool recycles single-command requests and their answer channels: at hundreds of
// thousands of submissions per second, three allocations per call are a measurable share of the
// CPU. A request returns to the pool only after its answer was received.
var requestPool = sync.Pool{New: func() any {
	return &request{cmds: make([]depot.Command, 0, 1), results: make([]depot.Result, 0, 1), done: make(chan error, 1)}
}}

// SubmitBatch sequences several commands in one group commit and answers each. Each command
// stands alone: one rejected command does not undo the others.
func (s *Sequencer) SubmitBatch(ctx context.Context, cmds []depot.Command) ([]depot.Result, error) {
	if len(cmds) > s.opts.MaxBatch {
		return nil, fmt.Errorf("%w: %d commands, the limit is %d", ErrTooLarge, len(cmds), s.opts.MaxBatch)
	}
	results := make([]depot.Result, len(cmds))
	valid := make([]depot.Command, 0, len(cmds))
	index := make([]int, 0, len(cmds))
	for i, c := range cmds {
		if c == nil {
			results[i].Rejection = depot.Reject(depot.CodeInvalidArgument, "", "empty command")
			continue
		}
		if rej := c.Validate(); rej != nil {
			results[i].Rejection = rej
			continue
		}
		valid = append(valid, c)
		index = append(index, i)
	}
	if len(valid) == 0 {
		return results, nil
	}
	req := &request{cmds: valid, results: make([]depot.Result, len(valid)), done: make(chan error, 1)}
	req.encode()
	if err := s.fits(req); err != nil {
		return nil, err
	}
	if err := s.wait(ctx, req); err != nil {
		return nil, err
	}
	for k, i := range index {
		results[i] = req.results[k]
	}
	return results, nil
}

// fits refuses an encoded request that one group commit could not hold (see MaxBatchBytes).
func (s *Sequencer) fits(req *request) error {
	if req.bytes > s.opts.MaxBatchBytes {
		return fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, req.bytes, s.opts.MaxBatchBytes)
	}
	return nil
}

func (s *Sequencer) wait(ctx context.Context, req *request) error {
	if err := s.enqueue(req); err != nil {
		// Never queued, so never answered: safe to reuse.
		return err
	}
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("sequencer: gave up waiting, the command may still be applied: %w", ctx.Err())
	}
}

func (s *Sequencer) enqueue(req *request) error {
	if errp := s.failed.Load(); errp != nil {
		return *errp
	}
	s.closeMu.RLock()
	defer s.closeMu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	select {
	case s.queue <- req:
		return nil
	default:
		return ErrOverloaded
	}
}

// Read runs fn with the engine for reading, concurrently with other readers and between the
// writer's applies, then waits until everything fn could have seen is durable. fn must copy what
// it needs and must not keep references into the engine.
func (s *Sequencer) Read(ctx context.Context, fn func(*engine.Engine)) error {
	if errp := s.failed.Load(); errp != nil {
		return *errp
	}
	s.engMu.RLock()
	seq := s.applied
	fn(s.eng)
	s.engMu.RUnlock()
	return s.waitDurable(ctx, seq)
}

// waitDurable blocks until seq is durable, the sequencer fails, or ctx ends.
func (s *Sequencer) waitDurable(ctx context.Context, seq uint64) error {
	for {
		ch := *s.notify.Load()
		if s.durable.Load() >= seq {
			return nil
		}
		if errp := s.failed.Load(); errp != nil {
			return *errp
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// DurableSeq is the highest sequence number known to be on disk.
func (s *Sequencer) DurableSeq() uint64 { return s.durable.Load() }

// QueueDepth is the number of submissions waiting for the writer.
func (s *Sequencer) QueueDepth() int { return len(s.queue) }

// Err returns the failure that stopped the sequencer, or nil.
func (s *Sequencer) Err() error {
	if errp := s.failed.Load(); errp != nil {
		return *errp
	}
	return nil
}

// Close stops taking submissions, applies and syncs everything already queued, answers those
// callers, writes a final snapshot and returns. It does not close the journal.
func (s *Sequencer) Close() error {
	if s.shadow != nil {
		// Before the final snapshot, so no periodic one lands after it.
		s.shadow.close()
	}
	s.closeMu.Lock()
	if !s.closed {
		s.closed = true
		close(s.queue)
	}
	s.closeMu.Unlock()
	<-s.writerDone
	<-s.syncerDone
	// The syncer handed over the final snapshot before it finished; wait for it to land.
	<-s.snapshotDone
	return s.Err()
}

func (s *Sequencer) fail(err error) {
	wrapped := fmt.Errorf("%w: %w", ErrFailed, err)
	if s.failed.CompareAndSwap(nil, &wrapped) {
		s.log.Error("sequencer failed; restart to recover from the journal", "err", err)
		s.wake()
	}
}

func (s *Sequencer) wake() {
	next := make(chan struct{})
	old := s.notify.Swap(&next)
	close(*old)
}
