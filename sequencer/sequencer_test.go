package sequencer_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
	"github.com/depothq/depot/internal/syncbuf"
	"github.com/depothq/depot/journal"
	"github.com/depothq/depot/sequencer"
)

// clock is a deterministic time source: every call advances one millisecond.
type clock struct{ t atomic.Int64 }

func (c *clock) now() int64 { return c.t.Add(1e6) }

func newClock() *clock {
	c := &clock{}
	c.t.Store(1_800_000_000e9)
	return c
}

func mustOpen(t testing.TB, j journal.Journal, opts sequencer.Options) *sequencer.Sequencer {
	t.Helper()
	if opts.Clock == nil {
		opts.Clock = newClock().now
	}
	s, err := sequencer.Open(j, opts)
	if err != nil {
		t.Fatalf("open sequencer: %v", err)
	}
	return s
}

func mustSubmit(t testing.TB, s *sequencer.Sequencer, c depot.Command) depot.Result {
	t.Helper()
	res, err := s.Submit(context.Background(), c)
	if err != nil {
		t.Fatalf("submit %s: %v", c.Kind(), err)
	}
	return res
}

// seed defines one SKU at one location with stock, fed to one channel.
func seed(t testing.TB, s *sequencer.Sequencer, units int64) {
	t.Helper()
	for _, c := range []depot.Command{
		&depot.DefineSKU{Tenant: "t1", SKU: "sku-1"},
		&depot.DefineLocation{Tenant: "t1", Location: "wh-1", Type: depot.LocationWarehouse, Status: depot.LocationOpen},
		&depot.DefineChannel{Tenant: "t1", Channel: "web", Locations: []string{"wh-1"}},
		&depot.Receive{Tenant: "t1", ID: "rcv-1", SKU: "sku-1", Location: "wh-1", Qty: units},
	} {
		if res := mustSubmit(t, s, c); !res.OK() {
			t.Fatalf("seed %s: %v", c.Kind(), res.Rejection)
		}
	}
}

func reserve(id string, qty int64) *depot.Reserve {
	return &depot.Reserve{Tenant: "t1", Reservation: id, Channel: "web", Lines: []depot.ReserveLine{{SKU: "sku-1", Qty: qty}}}
}

func position(t testing.TB, s *sequencer.Sequencer) depot.Position {
	t.Helper()
	var p depot.Position
	if err := s.Read(context.Background(), func(e *engine.Engine) {
		p, _ = e.Ledger().Position("t1", "sku-1", "wh-1")
	}); err != nil {
		t.Fatalf("read: %v", err)
	}
	return p
}

func TestSubmitStampsAndAnswersAfterDurability(t *testing.T) {
	j := journal.NewMemory()
	s := mustOpen(t, j, sequencer.Options{})
	defer s.Close()
	seed(t, s, 10)
	res := mustSubmit(t, s, reserve("r1", 4))
	if !res.OK() || res.Seq != 5 || len(res.Events) != 1 || res.Events[0].Kind != depot.EventReserved {
		t.Fatalf("reserve result = %+v", res)
	}
	if j.LastSeq() < res.Seq {
		t.Fatalf("answered seq %d but the journal holds only %d", res.Seq, j.LastSeq())
	}
	if got := position(t, s); got.Reserved != 4 || got.ATP != 6 {
		t.Fatalf("position = %+v", got)
	}
}

func TestMalformedCommandsAreNotSequenced(t *testing.T) {
	j := journal.NewMemory()
	s := mustOpen(t, j, sequencer.Options{})
	defer s.Close()
	res := mustSubmit(t, s, &depot.Receive{Tenant: "t1", ID: "x", SKU: "sku-1", Location: "wh-1", Qty: -5})
	if res.Rejection == nil || res.Rejection.Code != depot.CodeInvalidQuantity || res.Seq != 0 {
		t.Fatalf("result = %+v", res)
	}
	if j.LastSeq() != 0 {
		t.Fatalf("journal holds %d entries, want 0", j.LastSeq())
	}
}

func TestSubmitBatchAnswersEachCommand(t *testing.T) {
	s := mustOpen(t, journal.NewMemory(), sequencer.Options{})
	defer s.Close()
	seed(t, s, 5)
	results, err := s.SubmitBatch(context.Background(), []depot.Command{
		reserve("a", 3),
		&depot.Receive{Tenant: "t1", ID: "bad", SKU: "sku-1", Location: "wh-1", Qty: 0},
		reserve("b", 3),
		reserve("c", 2),
	})
	if err != nil {
		t.Fatal(err)
	}
	codes := make([]string, len(results))
	for i, r := range results {
		codes[i] = "ok"
		if r.Rejection != nil {
			codes[i] = r.Rejection.Code.String()
		}
	}
	want := []string{"ok", "invalid_quantity", "insufficient_stock", "ok"}
	if fmt.Sprint(codes) != fmt.Sprint(want) {
		t.Fatalf("codes = %v, want %v", codes, want)
	}
}

// reserveConcurrently has callers goroutines submit each one-unit reserves (ids r-<caller>-<i>)
// and hands every result to check; it returns when all are answered.
func reserveConcurrently(t *testing.T, s *sequencer.Sequencer, callers, each int, check func(depot.Result)) {
	t.Helper()
	var wg sync.WaitGroup
	for c := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				res, err := s.Submit(context.Background(), reserve(fmt.Sprintf("r-%d-%d", c, i), 1))
				if err != nil {
					t.Error(err)
					return
				}
				check(res)
			}
		}()
	}
	wg.Wait()
}

func TestConcurrentCallersNeverOversell(t *testing.T) {
	dir := t.TempDir()
	j, err := journal.OpenFile(dir, journal.FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := mustOpen(t, j, sequencer.Options{SnapshotEvery: 50})
	const stock, callers, each = 100, 16, 20
	seed(t, s, stock)
	var ok atomic.Int64
	reserveConcurrently(t, s, callers, each, func(res depot.Result) {
		if res.OK() {
			ok.Add(1)
		} else if res.Rejection.Code != depot.CodeInsufficientStock {
			t.Errorf("unexpected rejection %v", res.Rejection)
		}
	})
	if ok.Load() != stock {
		t.Fatalf("%d reservations accepted, want exactly %d", ok.Load(), stock)
	}
	var liveHash [32]byte
	if err := s.Read(context.Background(), func(e *engine.Engine) {
		liveHash = e.Hash()
		if err := e.CheckInvariants(); err != nil {
			t.Error(err)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}

	// Recovery from snapshot + tail and a full replay from zero agree with the live state.
	j2, err := journal.OpenFile(dir, journal.FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	recovered, err := sequencer.Recover(j2, nil)
	if err != nil {
		t.Fatal(err)
	}
	full := engine.New()
	if err := sequencer.ReplayInto(full, j2); err != nil {
		t.Fatal(err)
	}
	if recovered.Hash() != liveHash || full.Hash() != liveHash {
		t.Fatalf("hashes differ: live %x recovered %x full replay %x", liveHash, recovered.Hash(), full.Hash())
	}
	if _, _, ok, _ := j2.LatestSnapshot(); !ok {
		t.Fatal("no snapshot was written")
	}
}

// failingJournal fails every Append after the first n.
type failingJournal struct {
	journal.Journal
	n atomic.Int64
}

var errDisk = errors.New("injected: fsync failed")

func (f *failingJournal) Append(e []journal.Entry) error {
	if f.n.Add(-1) < 0 {
		return errDisk
	}
	return f.Journal.Append(e)
}

func TestFailedSyncStopsEverything(t *testing.T) {
	fj := &failingJournal{Journal: journal.NewMemory()}
	fj.n.Store(4)
	s := mustOpen(t, fj, sequencer.Options{})
	seed(t, s, 10)
	_, err := s.Submit(context.Background(), reserve("r1", 1))
	if !errors.Is(err, sequencer.ErrFailed) || !errors.Is(err, errDisk) {
		t.Fatalf("submit after failed sync: err = %v", err)
	}
	if _, err := s.Submit(context.Background(), reserve("r2", 1)); !errors.Is(err, sequencer.ErrFailed) {
		t.Fatalf("later submit: err = %v", err)
	}
	if err := s.Read(context.Background(), func(*engine.Engine) {}); !errors.Is(err, sequencer.ErrFailed) {
		t.Fatalf("read after failure: err = %v", err)
	}
	if err := s.Close(); !errors.Is(err, sequencer.ErrFailed) {
		t.Fatalf("close: err = %v", err)
	}
	// Nothing unacknowledged reached the journal.
	if got := fj.Journal.LastSeq(); got != 4 {
		t.Fatalf("journal last seq = %d, want 4", got)
	}
}

func TestCloseDrainsAndRefuses(t *testing.T) {
	j := journal.NewMemory()
	s := mustOpen(t, j, sequencer.Options{SnapshotEvery: -1})
	seed(t, s, 1000)
	var wg sync.WaitGroup
	var acked atomic.Int64
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Submit(context.Background(), reserve(fmt.Sprintf("r%d", i), 1)); err == nil {
				acked.Add(1)
			} else if !errors.Is(err, sequencer.ErrClosed) {
				t.Error(err)
			}
		}()
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if _, err := s.Submit(context.Background(), reserve("late", 1)); !errors.Is(err, sequencer.ErrClosed) {
		t.Fatalf("submit after close: %v", err)
	}
	// Every acknowledged command is in the journal, and Close left a snapshot of the end state.
	if got := int64(j.LastSeq()); got != 4+acked.Load() {
		t.Fatalf("journal holds %d entries, want %d", got, 4+acked.Load())
	}
	seq, _, ok, err := j.LatestSnapshot()
	if err != nil || !ok || seq != j.LastSeq() {
		t.Fatalf("final snapshot at %d (ok %v, err %v), want %d", seq, ok, err, j.LastSeq())
	}
}

func TestOverloadedQueueIsExplicit(t *testing.T) {
	// A journal that blocks holds the writer, so the queue fills.
	bj := &blockingJournal{Journal: journal.NewMemory(), release: make(chan struct{})}
	s := mustOpen(t, bj, sequencer.Options{QueueSize: 2, MaxBatch: 1})
	var overloaded atomic.Bool
	var wg sync.WaitGroup
	// The writer can hold at most a few batches in flight while the journal blocks, plus the two
	// queue slots; long before 1,000 submissions the bounded queue must refuse.
	for i := 0; i < 1000 && !overloaded.Load(); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Submit(context.Background(), &depot.DefineSKU{Tenant: "t", SKU: fmt.Sprintf("s%d", i)})
			if errors.Is(err, sequencer.ErrOverloaded) {
				overloaded.Store(true)
			}
		}()
		if i%8 == 7 {
			time.Sleep(time.Millisecond) // let the submitters reach the queue
		}
	}
	close(bj.release)
	wg.Wait()
	if !overloaded.Load() {
		t.Fatal("1,000 submissions against a blocked journal were all queued")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

type blockingJournal struct {
	journal.Journal
	release chan struct{}
}

func (b *blockingJournal) Append(e []journal.Entry) error {
	<-b.release
	return b.Journal.Append(e)
}

func TestClockGoingBackwardsNeverReordersTime(t *testing.T) {
	times := []int64{5e9, 9e9, 3e9, 4e9, 10e9}
	var i atomic.Int64
	clk := func() int64 {
		n := i.Add(1) - 1
		if int(n) < len(times) {
			return times[n]
		}
		return times[len(times)-1]
	}
	s := mustOpen(t, journal.NewMemory(), sequencer.Options{Clock: clk})
	defer s.Close()
	var last int64
	for k := range 5 {
		res := mustSubmit(t, s, &depot.DefineSKU{Tenant: "t", SKU: fmt.Sprintf("s%d", k)})
		if len(res.Events) != 1 || res.Events[0].Time < last {
			t.Fatalf("event time went from %d to %+v", last, res.Events)
		}
		last = res.Events[0].Time
	}
}

// TestOnReplaySeesTheTail checks that recovery hands every command replayed after the newest
// snapshot to OnReplay, in order, with the results the live sequencer gave.
func TestOnReplaySeesTheTail(t *testing.T) {
	mem := journal.NewMemory()
	live := mustOpen(t, mem, sequencer.Options{SnapshotEvery: -1})
	seed(t, live, 10)
	want := mustSubmit(t, live, reserve("r1", 3))
	// No Close: as after a crash, nothing but the journal survives.
	var seqs []uint64
	var last depot.Result
	again := mustOpen(t, mem.Reopen(), sequencer.Options{SnapshotEvery: -1, OnReplay: func(env *depot.Envelope, res *depot.Result) {
		seqs = append(seqs, env.Seq)
		last = *res
	}})
	defer again.Close()
	defer live.Close()
	if fmt.Sprint(seqs) != "[1 2 3 4 5]" {
		t.Fatalf("replayed seqs %v, want 1..5", seqs)
	}
	if last.Seq != want.Seq || len(last.Events) != len(want.Events) || last.Events[0].Kind != depot.EventReserved {
		t.Fatalf("replayed result %+v, live result %+v", last, want)
	}
}

// gatedJournal holds the first Append after gate is armed until release is closed, and records
// how many entries each Append carried.
type gatedJournal struct {
	journal.Journal
	armed   atomic.Bool
	blocked chan struct{} // closed when the gated Append has started
	release chan struct{}
	mu      sync.Mutex
	sizes   []int
	bytes   []int // what each Append counts against journal.AppendMaxBytes
}

func (g *gatedJournal) Append(entries []journal.Entry) error {
	if g.armed.CompareAndSwap(true, false) {
		close(g.blocked)
		<-g.release
	}
	n := 0
	for _, e := range entries {
		n += len(e.Data) + journal.EntryOverheadBytes
	}
	g.mu.Lock()
	g.sizes = append(g.sizes, len(entries))
	g.bytes = append(g.bytes, n)
	g.mu.Unlock()
	return g.Journal.Append(entries)
}

// TestBatchesWaitingForASlowSyncShareTheNext holds one sync while more batches are applied:
// they must reach the journal in one Append, in order, and each caller must get its own answer
// only after that Append.
func TestBatchesWaitingForASlowSyncShareTheNext(t *testing.T) {
	g := &gatedJournal{Journal: journal.NewMemory(), blocked: make(chan struct{}), release: make(chan struct{})}
	var mu sync.Mutex
	var batches []sequencer.Batch
	s := mustOpen(t, g, sequencer.Options{OnCommit: func(b *sequencer.Batch) {
		mu.Lock()
		batches = append(batches, *b)
		mu.Unlock()
	}})
	seed(t, s, 100)
	g.armed.Store(true)
	const waiting = 4
	var wg sync.WaitGroup
	var answered atomic.Int32
	results := make([]depot.Result, waiting+1)
	submit := func(i int) {
		defer wg.Done()
		res, err := s.Submit(context.Background(), reserve(fmt.Sprintf("r%d", i), 1))
		answered.Add(1)
		if err != nil {
			t.Errorf("submit %d: %v", i, err)
		}
		results[i] = res
	}
	wg.Add(1)
	go submit(0)
	<-g.blocked
	// Each submission alone in the queue makes a batch of its own (the writer does not wait
	// to fill one); all of them wait for the held sync.
	for i := 1; i <= waiting; i++ {
		wg.Add(1)
		go submit(i)
		time.Sleep(20 * time.Millisecond)
	}
	if n := answered.Load(); n != 0 {
		t.Fatalf("%d commands answered before their sync", n)
	}
	close(g.release)
	wg.Wait()
	for i, res := range results {
		if !res.OK() {
			t.Fatalf("reserve %d: %v", i, res.Rejection)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	// The seed's four appends, the held one with command 0, then one with the rest (and the
	// empty one of Close's final snapshot).
	if len(g.sizes) < 6 || g.sizes[4] != 1 || g.sizes[5] != waiting {
		t.Fatalf("appends carried %v entries, want [1 1 1 1 1 %d ...]", g.sizes, waiting)
	}
	// Every batch after the held one rode on one sync: all but the first of them share it.
	// (A loaded machine may put two of the spaced submissions in one batch; there are still
	// at least two batches behind the held sync.)
	held := uint64(5) // the seed's four commands, then command 0
	shared, behind, last := 0, 0, uint64(0)
	for _, b := range batches {
		if b.FirstSeq != last+1 {
			t.Fatalf("batch %d..%d after %d", b.FirstSeq, b.LastSeq, last)
		}
		last = b.LastSeq
		if b.SharedSync {
			shared++
		}
		if b.FirstSeq > held {
			behind++
		}
	}
	if behind < 2 || shared != behind-1 {
		t.Fatalf("%d of the %d batches behind the held sync shared one, want %d (%+v)", shared, behind, behind-1, batches)
	}
}

// TestShadowTakesThePeriodicSnapshots runs many callers with a snapshot due every 100 commands:
// a shadow must be built and save periodic snapshots while the commands run, and the snapshot
// must be the state the journal gives at its seq.
func TestShadowTakesThePeriodicSnapshots(t *testing.T) {
	j := journal.NewMemory()
	var logs syncbuf.Buffer
	s := mustOpen(t, j, sequencer.Options{SnapshotEvery: 100, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	seed(t, s, 1_000_000)
	reserveConcurrently(t, s, 16, 100, func(res depot.Result) {
		if !res.OK() {
			t.Errorf("reserve: %v", res.Rejection)
		}
	})
	// The shadow lags the writer by design; wait until it has saved a snapshot past the
	// first few hundred commands.
	deadline := time.Now().Add(20 * time.Second)
	var seq uint64
	var data []byte
	for {
		got, d, ok, err := j.LatestSnapshot()
		if err != nil {
			t.Fatal(err)
		}
		if ok && got >= 500 {
			seq, data = got, d
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no periodic snapshot past seq 500 (newest: %d, %v)", got, ok)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	snap, err := engine.Restore(data)
	if err != nil {
		t.Fatalf("restore the shadow's snapshot at %d: %v", seq, err)
	}
	replayed := engine.New()
	dec := depot.NewEnvelopeDecoder()
	if err := j.Replay(1, func(e journal.Entry) error {
		if e.Seq > seq {
			return nil
		}
		env, err := dec.Decode(e.Data)
		if err != nil {
			return err
		}
		replayed.Apply(&env)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if replayed.LastSeq() != seq || snap.Hash() != replayed.Hash() {
		t.Fatalf("snapshot at seq %d differs from the journal replayed to seq %d", seq, replayed.LastSeq())
	}
	// Close still writes the final state.
	if last, _, _, _ := j.LatestSnapshot(); last != j.LastSeq() {
		t.Fatalf("newest snapshot at %d after Close, journal ends at %d", last, j.LastSeq())
	}
	// The periodic snapshots were the shadow's: the writer would not have built one.
	if !strings.Contains(logs.String(), "snapshot shadow built") {
		t.Fatalf("no shadow was built; the log:\n%s", logs.String())
	}
}

// TestCloseWhileTheShadowRebuilds closes a sequencer whose shadow has just been set rebuilding
// from a long journal with no snapshot (the rebuild polls Close's flag and stops; whether it had
// finished is not observed): Close must return, without error, having written the final snapshot.
func TestCloseWhileTheShadowRebuilds(t *testing.T) {
	j := journal.NewMemory()
	cmds := []depot.Command{
		&depot.DefineSKU{Tenant: "t1", SKU: "sku-1"},
		&depot.DefineLocation{Tenant: "t1", Location: "wh-1", Type: depot.LocationWarehouse, Status: depot.LocationOpen},
		&depot.DefineChannel{Tenant: "t1", Channel: "web", Locations: []string{"wh-1"}},
		&depot.Receive{Tenant: "t1", ID: "rcv-1", SKU: "sku-1", Location: "wh-1", Qty: 1_000_000},
	}
	for i := range 50_000 {
		cmds = append(cmds, reserve(fmt.Sprintf("r-%d", i), 1))
	}
	entries := make([]journal.Entry, 0, len(cmds))
	for i, c := range cmds {
		seq := uint64(i + 1)
		entries = append(entries, journal.Entry{Seq: seq, Data: depot.AppendEnvelope(nil, &depot.Envelope{Seq: seq, Time: 1_800_000_000e9, Cmd: c})})
	}
	if err := j.Append(entries); err != nil {
		t.Fatal(err)
	}
	// Recovery replays it all, then a snapshot is due at once: the first batch sets the shadow
	// rebuilding the same 50,004 commands.
	s := mustOpen(t, j, sequencer.Options{SnapshotEvery: 1, Logger: slog.New(slog.DiscardHandler)})
	mustSubmit(t, s, reserve("last", 1))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if last, _, ok, _ := j.LatestSnapshot(); !ok || last != j.LastSeq() {
		t.Fatalf("final snapshot at %d (%v), journal ends at %d", last, ok, j.LastSeq())
	}
}
