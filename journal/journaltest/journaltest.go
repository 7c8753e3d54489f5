// Package journaltest is the conformance suite every journal.Journal backend must pass, so that
// the memory backend, the file backend and later a replicated backend behave the same way.
//
// It owns behaviour visible through the interface only; backend-specific failure modes (torn
// writes, fsync errors) are tested next to each backend.
package journaltest

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/depothq/depot/journal"
)

// OpenFunc opens the journal stored in dir. Calling it again on the same dir after Close must see
// everything the previous journal made durable.
type OpenFunc func(t *testing.T, dir string) journal.Journal

// Harness describes a backend to the suite.
type Harness struct {
	// Open opens the journal in dir.
	Open OpenFunc
	// CorruptSnapshot damages the stored snapshot with the given seq while the journal is closed.
	// Nil when the backend cannot be damaged from outside; the fallback test is then skipped.
	CorruptSnapshot func(t *testing.T, dir string, seq uint64)
}

// Run runs the conformance suite against the backend opened by open.
func Run(t *testing.T, open OpenFunc) { RunHarness(t, Harness{Open: open}) }

// RunHarness runs the conformance suite with the optional hooks of h.
func RunHarness(t *testing.T, h Harness) {
	tests := []struct {
		name string
		fn   func(t *testing.T, h Harness)
	}{
		{"Empty", testEmpty},
		{"AppendReplayReopen", testAppendReplayReopen},
		{"NotContiguous", testNotContiguous},
		{"ReplayFrom", testReplayFrom},
		{"ReplayStopsOnCallbackError", testReplayCallbackError},
		{"AppendCopiesData", testAppendCopiesData},
		{"ManySegments", testManySegments},
		{"Snapshots", testSnapshots},
		{"SnapshotFallback", testSnapshotFallback},
		{"EntryTooLarge", testEntryTooLarge},
		{"BatchTooLarge", testBatchTooLarge},
		{"Close", testClose},
		{"ConcurrentReplay", testConcurrentReplay},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, h) })
	}
}

// payload is a deterministic, seq-dependent entry body of varying length, so that a replay
// returning the wrong entry or a truncated one is caught.
func payload(seq uint64) []byte {
	n := int(seq*7919%97) + 1
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(seq) ^ byte(i*31)
	}
	return b
}

// Batch returns the entries first..first+n-1 with deterministic payloads.
func Batch(first uint64, n int) []journal.Entry {
	entries := make([]journal.Entry, n)
	for i := range entries {
		seq := first + uint64(i)
		entries[i] = journal.Entry{Seq: seq, Data: payload(seq)}
	}
	return entries
}

func mustAppend(t *testing.T, j journal.Journal, entries []journal.Entry) {
	t.Helper()
	if err := j.Append(entries); err != nil {
		t.Fatalf("Append(%d entries from %d): %v", len(entries), entries[0].Seq, err)
	}
}

// appendN appends entries LastSeq()+1 .. LastSeq()+n in batches of at most batch.
func appendN(t *testing.T, j journal.Journal, n, batch int) {
	t.Helper()
	for n > 0 {
		k := min(n, batch)
		mustAppend(t, j, Batch(j.LastSeq()+1, k))
		n -= k
	}
}

func reopen(t *testing.T, h Harness, dir string, j journal.Journal) journal.Journal {
	t.Helper()
	if err := j.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return h.Open(t, dir)
}

// CheckReplay asserts that Replay(from) delivers exactly the entries from..last written by Batch.
func CheckReplay(t *testing.T, j journal.Journal, from, last uint64) {
	t.Helper()
	want := max(from, 1)
	err := j.Replay(from, func(e journal.Entry) error {
		if e.Seq != want {
			return fmt.Errorf("got seq %d, want %d", e.Seq, want)
		}
		if !bytes.Equal(e.Data, payload(e.Seq)) {
			return fmt.Errorf("seq %d: data mismatch", e.Seq)
		}
		want++
		return nil
	})
	if err != nil {
		t.Fatalf("Replay(%d): %v", from, err)
	}
	if from <= last && want != last+1 {
		t.Fatalf("Replay(%d) stopped after seq %d, want %d", from, want-1, last)
	}
	if from > last && want != max(from, 1) {
		t.Fatalf("Replay(%d) past the end delivered entries", from)
	}
}

func testEmpty(t *testing.T, h Harness) {
	dir := t.TempDir()
	j := h.Open(t, dir)
	defer j.Close()
	if got := j.LastSeq(); got != 0 {
		t.Fatalf("LastSeq = %d, want 0", got)
	}
	for _, from := range []uint64{0, 1, 5} {
		if err := j.Replay(from, func(e journal.Entry) error { return fmt.Errorf("unexpected entry %d", e.Seq) }); err != nil {
			t.Fatalf("Replay(%d) on empty journal: %v", from, err)
		}
	}
	if _, _, ok, err := j.LatestSnapshot(); ok || err != nil {
		t.Fatalf("LatestSnapshot on empty journal: ok=%v err=%v", ok, err)
	}
	if err := j.Append(nil); err != nil {
		t.Fatalf("Append(nil): %v", err)
	}
	j = reopen(t, h, dir, j)
	if got := j.LastSeq(); got != 0 {
		t.Fatalf("LastSeq after reopen = %d, want 0", got)
	}
}

func testAppendReplayReopen(t *testing.T, h Harness) {
	dir := t.TempDir()
	j := h.Open(t, dir)
	for _, n := range []int{1, 10, 100, 1, 3} {
		mustAppend(t, j, Batch(j.LastSeq()+1, n))
	}
	const last = 115
	if got := j.LastSeq(); got != last {
		t.Fatalf("LastSeq = %d, want %d", got, last)
	}
	CheckReplay(t, j, 1, last)
	j = reopen(t, h, dir, j)
	if got := j.LastSeq(); got != last {
		t.Fatalf("LastSeq after reopen = %d, want %d", got, last)
	}
	CheckReplay(t, j, 0, last)
	mustAppend(t, j, Batch(last+1, 5))
	j = reopen(t, h, dir, j)
	defer j.Close()
	CheckReplay(t, j, 1, last+5)
}

func testNotContiguous(t *testing.T, h Harness) {
	dir := t.TempDir()
	j := h.Open(t, dir)
	if err := j.Append(Batch(0, 1)); !errors.Is(err, journal.ErrNotContiguous) {
		t.Fatalf("Append(seq 0) on empty journal: %v, want ErrNotContiguous", err)
	}
	if err := j.Append(Batch(2, 1)); !errors.Is(err, journal.ErrNotContiguous) {
		t.Fatalf("Append(seq 2) on empty journal: %v, want ErrNotContiguous", err)
	}
	mustAppend(t, j, Batch(1, 5))
	gap := Batch(6, 3)
	gap[2].Seq = 9
	bad := map[string][]journal.Entry{
		"skip ahead":   Batch(7, 2),
		"repeat last":  Batch(5, 2),
		"from start":   Batch(1, 1),
		"gap in batch": gap,
		"dup in batch": {{Seq: 6, Data: payload(6)}, {Seq: 6, Data: payload(6)}},
	}
	for name, entries := range bad {
		if err := j.Append(entries); !errors.Is(err, journal.ErrNotContiguous) {
			t.Fatalf("%s: Append = %v, want ErrNotContiguous", name, err)
		}
		if got := j.LastSeq(); got != 5 {
			t.Fatalf("%s: LastSeq = %d after rejected Append, want 5", name, got)
		}
	}
	CheckReplay(t, j, 1, 5)
	j = reopen(t, h, dir, j)
	defer j.Close()
	if got := j.LastSeq(); got != 5 {
		t.Fatalf("LastSeq after reopen = %d, want 5: a rejected Append wrote something", got)
	}
	CheckReplay(t, j, 1, 5)
	mustAppend(t, j, Batch(6, 1))
}

func testReplayFrom(t *testing.T, h Harness) {
	j := h.Open(t, t.TempDir())
	defer j.Close()
	appendN(t, j, 500, 37)
	for _, from := range []uint64{0, 1, 2, 36, 37, 38, 250, 499, 500, 501, 10_000} {
		CheckReplay(t, j, from, 500)
	}
}

func testReplayCallbackError(t *testing.T, h Harness) {
	j := h.Open(t, t.TempDir())
	defer j.Close()
	appendN(t, j, 50, 50)
	stop := errors.New("stop")
	calls := 0
	err := j.Replay(1, func(e journal.Entry) error {
		calls++
		if e.Seq == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 10 {
		t.Fatalf("Replay with failing callback: err=%v calls=%d, want stop after 10", err, calls)
	}
}

func testAppendCopiesData(t *testing.T, h Harness) {
	j := h.Open(t, t.TempDir())
	defer j.Close()
	entries := Batch(1, 3)
	mustAppend(t, j, entries)
	for _, e := range entries {
		clear(e.Data) // the caller reuses its buffers once Append returns
	}
	CheckReplay(t, j, 1, 3)
}

func testManySegments(t *testing.T, h Harness) {
	dir := t.TempDir()
	j := h.Open(t, dir)
	// About 150 KB: many segments with the small segment size backends are tested with.
	appendN(t, j, 3000, 7)
	for _, from := range []uint64{1, 2, 999, 1000, 1001, 2999, 3000} {
		CheckReplay(t, j, from, 3000)
	}
	j = reopen(t, h, dir, j)
	defer j.Close()
	if got := j.LastSeq(); got != 3000 {
		t.Fatalf("LastSeq after reopen = %d, want 3000", got)
	}
	appendN(t, j, 10, 3)
	CheckReplay(t, j, 1, 3010)
	CheckReplay(t, j, 2995, 3010)
}

func checkSnapshot(t *testing.T, j journal.Journal, wantSeq uint64, wantData []byte) {
	t.Helper()
	seq, data, ok, err := j.LatestSnapshot()
	if err != nil || !ok {
		t.Fatalf("LatestSnapshot: ok=%v err=%v", ok, err)
	}
	if seq != wantSeq || !bytes.Equal(data, wantData) {
		t.Fatalf("LatestSnapshot = seq %d (%d bytes), want seq %d (%d bytes)", seq, len(data), wantSeq, len(wantData))
	}
}

func snapshotData(seq uint64) []byte { return bytes.Repeat([]byte(fmt.Sprintf("state@%d;", seq)), 100) }

func testSnapshots(t *testing.T, h Harness) {
	dir := t.TempDir()
	j := h.Open(t, dir)
	appendN(t, j, 20, 5)
	if err := j.SaveSnapshot(21, []byte("ahead")); !errors.Is(err, journal.ErrSnapshotAhead) {
		t.Fatalf("SaveSnapshot beyond LastSeq: %v, want ErrSnapshotAhead", err)
	}
	for _, seq := range []uint64{5, 10, 20} {
		if err := j.SaveSnapshot(seq, snapshotData(seq)); err != nil {
			t.Fatalf("SaveSnapshot(%d): %v", seq, err)
		}
		checkSnapshot(t, j, seq, snapshotData(seq))
	}
	// The caller may reuse the buffer it handed over, and may modify what it got back.
	buf := snapshotData(20)
	if err := j.SaveSnapshot(20, buf); err != nil {
		t.Fatalf("SaveSnapshot(20) again: %v", err)
	}
	clear(buf)
	_, data, _, _ := j.LatestSnapshot()
	clear(data)
	checkSnapshot(t, j, 20, snapshotData(20))

	j = reopen(t, h, dir, j)
	checkSnapshot(t, j, 20, snapshotData(20))
	CheckReplay(t, j, 21, 20)
	appendN(t, j, 5, 5)
	if err := j.SaveSnapshot(25, nil); err != nil {
		t.Fatalf("SaveSnapshot(25, empty): %v", err)
	}
	j = reopen(t, h, dir, j)
	defer j.Close()
	checkSnapshot(t, j, 25, nil)
}

func testSnapshotFallback(t *testing.T, h Harness) {
	if h.CorruptSnapshot == nil {
		t.Skip("backend cannot be damaged from outside")
	}
	dir := t.TempDir()
	j := h.Open(t, dir)
	appendN(t, j, 20, 20)
	for _, seq := range []uint64{10, 20} {
		if err := j.SaveSnapshot(seq, snapshotData(seq)); err != nil {
			t.Fatalf("SaveSnapshot(%d): %v", seq, err)
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	h.CorruptSnapshot(t, dir, 20)
	j = h.Open(t, dir)
	checkSnapshot(t, j, 10, snapshotData(10))
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	h.CorruptSnapshot(t, dir, 10)
	j = h.Open(t, dir)
	defer j.Close()
	if seq, _, ok, err := j.LatestSnapshot(); ok || err != nil {
		t.Fatalf("LatestSnapshot with every snapshot damaged = seq %d ok=%v err=%v, want none", seq, ok, err)
	}
}

func testEntryTooLarge(t *testing.T, h Harness) {
	dir := t.TempDir()
	j := h.Open(t, dir)
	big := journal.Entry{Seq: 2, Data: make([]byte, journal.EntryMaxBytesDefault+1)}
	if err := j.Append([]journal.Entry{{Seq: 1, Data: payload(1)}, big}); !errors.Is(err, journal.ErrEntryTooLarge) {
		t.Fatalf("Append(oversized entry) = %v, want ErrEntryTooLarge", err)
	}
	if got := j.LastSeq(); got != 0 {
		t.Fatalf("LastSeq = %d after rejected batch, want 0: nothing may be written", got)
	}
	largest := journal.Entry{Seq: 1, Data: bytes.Repeat([]byte{0xa5}, journal.EntryMaxBytesDefault)}
	mustAppend(t, j, []journal.Entry{largest})
	j = reopen(t, h, dir, j)
	defer j.Close()
	err := j.Replay(1, func(e journal.Entry) error {
		if !bytes.Equal(e.Data, largest.Data) {
			return errors.New("largest entry came back different")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testBatchTooLarge(t *testing.T, h Harness) {
	j := h.Open(t, t.TempDir())
	defer j.Close()
	data := make([]byte, journal.EntryMaxBytesDefault) // shared: the batch is rejected before encoding
	n := journal.AppendMaxBytes/journal.EntryMaxBytesDefault + 1
	entries := make([]journal.Entry, n)
	for i := range entries {
		entries[i] = journal.Entry{Seq: uint64(i + 1), Data: data}
	}
	if err := j.Append(entries); !errors.Is(err, journal.ErrBatchTooLarge) {
		t.Fatalf("Append(%d MiB batch) = %v, want ErrBatchTooLarge", n, err)
	}
	if got := j.LastSeq(); got != 0 {
		t.Fatalf("LastSeq = %d after rejected batch, want 0", got)
	}
}

func testClose(t *testing.T, h Harness) {
	j := h.Open(t, t.TempDir())
	appendN(t, j, 3, 3)
	if err := j.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := j.Close(); err != nil {
		t.Fatalf("second Close: %v, want nil", err)
	}
	if err := j.Append(Batch(4, 1)); !errors.Is(err, journal.ErrClosed) {
		t.Fatalf("Append after Close = %v, want ErrClosed", err)
	}
	if err := j.Replay(1, func(journal.Entry) error { return nil }); !errors.Is(err, journal.ErrClosed) {
		t.Fatalf("Replay after Close = %v, want ErrClosed", err)
	}
	if err := j.SaveSnapshot(1, nil); !errors.Is(err, journal.ErrClosed) {
		t.Fatalf("SaveSnapshot after Close = %v, want ErrClosed", err)
	}
	if _, _, _, err := j.LatestSnapshot(); !errors.Is(err, journal.ErrClosed) {
		t.Fatalf("LatestSnapshot after Close = %v, want ErrClosed", err)
	}
	if got := j.LastSeq(); got != 3 {
		t.Fatalf("LastSeq after Close = %d, want 3", got)
	}
}

// testConcurrentReplay runs readers against a writer: each Replay must see a contiguous prefix
// that is at least what was durable when it started. Run it under -race.
func testConcurrentReplay(t *testing.T, h Harness) {
	j := h.Open(t, t.TempDir())
	defer j.Close()
	appendN(t, j, 100, 10)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			for range 20 {
				before := j.LastSeq()
				want := uint64(1)
				err := j.Replay(1, func(e journal.Entry) error {
					if e.Seq != want || !bytes.Equal(e.Data, payload(e.Seq)) {
						return fmt.Errorf("got seq %d, want %d (or data mismatch)", e.Seq, want)
					}
					want++
					return nil
				})
				if err == nil && want-1 < before {
					err = fmt.Errorf("replay saw %d entries, %d were durable before it started", want-1, before)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	appendN(t, j, 400, 4)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
