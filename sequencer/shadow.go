package sequencer

import (
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
	"github.com/depothq/depot/journal"
)

// The shadow takes the periodic snapshots. Encoding the state is linear in its size (75 MB in
// 0.6 s after two million commands of history, on the README's machine), and on the writer it
// stopped every command for that long, every SnapshotEvery commands: a latency spike for every
// caller and a third of the throughput gone at half a million commands a second. So a second
// engine follows the journal on its own goroutine, a few batches behind the writer, and encodes
// the snapshots; the writer only encodes the final one, at Close. This is how replicated
// business-logic processors take snapshots (LMAX does it on a replica); the price is a second
// copy of the state in memory and the CPU of applying every command twice, which the README
// states. InlineSnapshots keeps snapshots on the writer, for the simulator's reproducible runs.
//
// The shadow is built when the first snapshot falls due (from the newest snapshot and the
// journal, as a start-up is), so a process that never reaches SnapshotEvery commands never pays
// for it. From then on the syncer hands it copies of the durable batches; when it falls behind
// (its channel full while it encodes), the syncer drops batches and the shadow reads what it
// missed from the journal. Its failures cost only snapshots: it logs, drops its engine and is
// rebuilt at the next one due. It must never touch the live engine.

// shadowFeed is how many durable batches may wait for the shadow before the syncer drops them.
const shadowFeed = 256

// shadowBatch is a copy of a durable batch's journal entries.
type shadowBatch struct {
	first uint64
	data  []byte // the entries' data, back to back
	ends  []int  // where each entry's data ends in data
}

type shadow struct {
	j       journal.Journal
	every   int64
	log     *slog.Logger
	durable *atomic.Uint64 // the sequencer's durable seq

	// active is set while the shadow has an engine and wants batches; snapSeq is the seq of
	// the last snapshot it saved, for the syncer to tell when the next is due.
	active  atomic.Bool
	snapSeq atomic.Uint64
	feed    chan *shadowBatch
	free    chan *shadowBatch // batches the shadow has applied, for the syncer to refill
	wake    chan struct{}     // pokes the shadow to check whether a snapshot is due
	quit    chan struct{}
	done    chan struct{}
	closed  atomic.Bool

	// Shadow goroutine only.
	eng      *engine.Engine
	lastSnap uint64
	dec      *depot.EnvelopeDecoder
	decBuf   []byte
	snapBuf  []byte
	envs     []depot.Envelope
}

func startShadow(j journal.Journal, every int64, lastSnap uint64, durable *atomic.Uint64, log *slog.Logger) *shadow {
	sh := &shadow{
		j: j, every: every, log: log, durable: durable, lastSnap: lastSnap,
		feed: make(chan *shadowBatch, shadowFeed), free: make(chan *shadowBatch, shadowFeed),
		wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{}),
		dec: depot.NewEnvelopeDecoder(),
	}
	sh.snapSeq.Store(lastSnap)
	go sh.run()
	return sh
}

// offer is called by the syncer with each durable batch, in order. It never blocks.
func (sh *shadow) offer(b *batch) {
	if !sh.active.Load() {
		if int64(b.info.LastSeq-sh.snapSeq.Load()) >= sh.every {
			sh.poke()
		}
		return
	}
	if len(b.entries) == 0 {
		return
	}
	var sb *shadowBatch
	select {
	case sb = <-sh.free:
	default:
		sb = &shadowBatch{}
	}
	sb.first = b.entries[0].Seq
	sb.data = append(sb.data[:0], b.buf...)
	sb.ends = append(sb.ends[:0], b.ends...)
	select {
	case sh.feed <- sb:
	default:
		// The shadow is behind (encoding a snapshot): it reads the gap from the journal.
	}
}

func (sh *shadow) poke() {
	select {
	case sh.wake <- struct{}{}:
	default:
	}
}

// close stops the shadow, abandoning any rebuild or catch-up in progress, and waits for it.
func (sh *shadow) close() {
	if sh.closed.CompareAndSwap(false, true) {
		sh.active.Store(false)
		close(sh.quit)
	}
	<-sh.done
}

func (sh *shadow) stopped() bool { return sh.closed.Load() }

func (sh *shadow) run() {
	defer close(sh.done)
	for {
		select {
		case <-sh.quit:
			return
		case <-sh.wake:
			if sh.eng == nil && int64(sh.durable.Load()-sh.lastSnap) >= sh.every {
				sh.build()
			}
		case sb := <-sh.feed:
			if sh.eng != nil {
				if err := sh.follow(sb); err != nil {
					sh.drop(err)
				}
			}
			sh.recycle(sb)
		}
		if sh.eng != nil && int64(sh.eng.LastSeq()-sh.lastSnap) >= sh.every {
			if err := sh.snapshot(); err != nil {
				sh.drop(err)
			}
		}
	}
}

// build makes the shadow's engine from the newest snapshot and the journal, then asks for
// batches.
func (sh *shadow) build() {
	started := time.Now()
	eng, err := recoverPaced(sh.j, nil, nil, sh.stopped)
	if err != nil {
		if !errors.Is(err, errReplayAborted) {
			sh.log.Warn("snapshot shadow: rebuild failed; the next try is a snapshot interval later", "err", err)
			sh.backOff()
		}
		return
	}
	sh.eng = eng
	sh.active.Store(true)
	sh.log.Info("snapshot shadow built", "seq", eng.LastSeq(), "took", time.Since(started))
}

// follow applies the entries of sb the engine has not seen, first reading from the journal what
// it missed if sb starts beyond its last seq.
func (sh *shadow) follow(sb *shadowBatch) error {
	if sb.first > sh.eng.LastSeq()+1 {
		if err := replayInto(sh.eng, sh.j, nil, sh.stopped); err != nil {
			return err
		}
	}
	sh.envs = sh.envs[:0]
	sh.decBuf = sh.decBuf[:0]
	start := 0
	for i, end := range sb.ends {
		data := sb.data[start:end]
		start = end
		seq := sb.first + uint64(i)
		if seq <= sh.eng.LastSeq() {
			continue
		}
		env, buf, err := decodeEntry(sh.dec, journal.Entry{Seq: seq, Data: data}, sh.decBuf)
		if err != nil {
			return err
		}
		sh.decBuf = buf
		sh.envs = append(sh.envs, env)
	}
	err := applyInOrder(sh.eng, sh.envs, nil)
	clear(sh.envs)
	return err
}

// snapshot encodes the shadow's state and saves it.
func (sh *shadow) snapshot() error {
	started := time.Now()
	seq := sh.eng.LastSeq()
	sh.snapBuf = sh.eng.AppendSnapshot(sh.snapBuf[:0])
	encoded := time.Since(started)
	if err := sh.j.SaveSnapshot(seq, sh.snapBuf); err != nil {
		return fmt.Errorf("save snapshot at seq %d: %w", seq, err)
	}
	sh.lastSnap = seq
	sh.snapSeq.Store(seq)
	sh.log.Info("snapshot saved", "seq", seq, "bytes", len(sh.snapBuf), "encode", encoded, "took", time.Since(started))
	if cap(sh.snapBuf) > 2*len(sh.snapBuf) {
		sh.snapBuf = nil // a state that shrank does not keep the peak's buffer
	}
	return nil
}

// drop gives up the shadow's engine after a failure; it is rebuilt at the next snapshot due.
func (sh *shadow) drop(err error) {
	sh.active.Store(false)
	sh.eng = nil
	if !errors.Is(err, errReplayAborted) {
		sh.log.Warn("snapshot shadow failed; it is rebuilt at the next snapshot due", "err", err)
		sh.backOff()
	}
}

// backOff counts the next snapshot interval from now: a failure that persists (a full disk, a
// damaged segment) costs one rebuild per interval, not one per batch.
func (sh *shadow) backOff() {
	sh.lastSnap = max(sh.lastSnap, sh.durable.Load())
	sh.snapSeq.Store(sh.lastSnap)
}

func (sh *shadow) recycle(sb *shadowBatch) {
	select {
	case sh.free <- sb:
	default:
	}
}
