package journal_test

import (
	"bytes"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/depothq/depot/journal"
	"github.com/depothq/depot/journal/journaltest"
)

// preallocOptions keep a margin of zeros ahead in small segments, so that rolls happen while the
// zeroer works.
func preallocOptions(segBytes int64) journal.FileOptions {
	return journal.FileOptions{SegmentMaxBytes: segBytes, PreallocateBytes: 256 << 10}
}

func TestFilePreallocatedConformance(t *testing.T) {
	journaltest.RunHarness(t, journaltest.Harness{
		Open: func(t *testing.T, dir string) journal.Journal {
			return MustOpenFile(t, dir, preallocOptions(4096))
		},
		CorruptSnapshot: func(t *testing.T, dir string, seq uint64) {
			flipByte(t, snapPath(dir, seq), 40)
		},
	})
}

// waitForZeroTail waits until the segment at path is longer than its frames (want bytes): the
// zeroer runs on its own goroutine. The wait has no bearing on any figure; it only orders the test.
func waitForZeroTail(t *testing.T, path string, want int64) int64 {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > want {
			return fi.Size()
		}
		if time.Now().After(deadline) {
			t.Fatalf("segment %s stays at %d bytes: no zeros written ahead", path, fi.Size())
		}
		time.Sleep(time.Millisecond)
	}
}

// dataBytes is the size of the frames of entries first..last as Batch writes them.
func dataBytes(first, last uint64) int64 {
	var n int64
	for _, e := range journaltest.Batch(first, int(last-first+1)) {
		n += int64(len(testFrame(e.Seq, e.Data)))
	}
	return n
}

// A preallocated segment has zeros after its last frame. Reopening treats them as the clean end
// (nothing logged, nothing truncated), appends land right after the last frame, and the zeros
// are only ever the segment's end: the bytes before them are exactly the frames.
func TestFilePreallocatedZeroTailIsCleanEnd(t *testing.T) {
	dir := t.TempDir()
	j := MustOpenFile(t, dir, journal.FileOptions{PreallocateBytes: 1 << 20})
	for seq := uint64(1); seq <= 40; seq += 10 {
		if err := j.Append(journaltest.Batch(seq, 10)); err != nil {
			t.Fatal(err)
		}
	}
	seg := segmentFiles(t, dir)[0]
	frames := dataBytes(1, 40)
	waitForZeroTail(t, seg, frames)
	j.Close()

	logger, logs := quietLogger()
	j = MustOpenFile(t, dir, journal.FileOptions{PreallocateBytes: 1 << 20, Logger: logger})
	if got := j.LastSeq(); got != 40 {
		t.Fatalf("LastSeq = %d, want 40", got)
	}
	if strings.Contains(logs.String(), "torn") {
		t.Fatalf("a zero tail was taken for a torn write: %s", logs)
	}
	if err := j.Append(journaltest.Batch(41, 5)); err != nil {
		t.Fatal(err)
	}
	journaltest.CheckReplay(t, j, 1, 45)
	j.Close()

	b, err := os.ReadFile(seg)
	if err != nil {
		t.Fatal(err)
	}
	var want []byte
	for _, e := range journaltest.Batch(1, 45) {
		want = append(want, testFrame(e.Seq, e.Data)...)
	}
	if !bytes.Equal(b[:len(want)], want) {
		t.Fatal("the segment's frames are not the appended entries, back to back")
	}
	if rest := b[len(want):]; len(rest) > 0 && !bytes.Equal(rest, make([]byte, len(rest))) {
		t.Fatal("bytes after the last frame are not zeros")
	}

	// Without preallocation the same journal opens the same way.
	j = MustOpenFile(t, dir, journal.FileOptions{PreallocateBytes: -1})
	journaltest.CheckReplay(t, j, 1, 45)
	j.Close()
}

// A crash in the middle of a write into the zeroed margin leaves part of a frame followed by
// zeros: that is a torn tail, truncated and logged, and the entries before it stay.
func TestFilePreallocatedTornWrite(t *testing.T) {
	dir := t.TempDir()
	j := MustOpenFile(t, dir, journal.FileOptions{PreallocateBytes: 1 << 20})
	if err := j.Append(journaltest.Batch(1, 10)); err != nil {
		t.Fatal(err)
	}
	seg := segmentFiles(t, dir)[0]
	frames := dataBytes(1, 10)
	waitForZeroTail(t, seg, frames+int64(len(testFrame(11, journaltest.Batch(11, 1)[0].Data))))
	j.Close()

	next := testFrame(11, journaltest.Batch(11, 1)[0].Data)
	writeAt(t, seg, frames, next[:len(next)/2])

	logger, logs := quietLogger()
	j = MustOpenFile(t, dir, journal.FileOptions{PreallocateBytes: 1 << 20, Logger: logger})
	if got := j.LastSeq(); got != 10 {
		t.Fatalf("LastSeq = %d, want 10", got)
	}
	if !strings.Contains(logs.String(), "torn tail") {
		t.Fatalf("torn write not logged: %s", logs)
	}
	if err := j.Append(journaltest.Batch(11, 3)); err != nil {
		t.Fatal(err)
	}
	journaltest.CheckReplay(t, j, 1, 13)
	j.Close()
}

// A valid frame beyond zeros means the zeros hide acknowledged entries: corruption, not an end.
func TestFilePreallocatedZerosBeforeFrameAreCorruption(t *testing.T) {
	dir := t.TempDir()
	j := MustOpenFile(t, dir, journal.FileOptions{PreallocateBytes: 1 << 20})
	if err := j.Append(journaltest.Batch(1, 12)); err != nil {
		t.Fatal(err)
	}
	j.Close()
	seg := segmentFiles(t, dir)[0]
	off := frameOffsets(1, 12)
	zeroRange(t, seg, off[5], off[6])

	_, err := journal.OpenFile(dir, journal.FileOptions{PreallocateBytes: 1 << 20, Logger: quietDiscard()})
	wantCorruption(t, err, seg, off[5])
}

// Rolling cuts the old segment back to its frames before the next one exists, so only the last
// segment ever ends in zeros.
func TestFilePreallocatedRollTruncates(t *testing.T) {
	dir := t.TempDir()
	j := MustOpenFile(t, dir, preallocOptions(2048))
	for seq := uint64(1); seq <= 200; seq += 5 {
		if err := j.Append(journaltest.Batch(seq, 5)); err != nil {
			t.Fatal(err)
		}
	}
	journaltest.CheckReplay(t, j, 1, 200)
	j.Close()
	segs := segmentFiles(t, dir)
	if len(segs) < 3 {
		t.Fatalf("%d segments, want several", len(segs))
	}
	for _, seg := range segs[:len(segs)-1] {
		b, err := os.ReadFile(seg)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) == 0 || b[len(b)-1] == 0 && bytes.HasSuffix(b, make([]byte, 16)) {
			t.Fatalf("segment %s (%d bytes) ends in zeros after a roll", seg, len(b))
		}
	}
	j = MustOpenFile(t, dir, journal.FileOptions{PreallocateBytes: -1})
	journaltest.CheckReplay(t, j, 1, 200)
	j.Close()
}

func TestFilePreallocateOption(t *testing.T) {
	_, err := journal.OpenFile(t.TempDir(), journal.FileOptions{PreallocateBytes: journal.PreallocateBytesLimit + 1})
	if err == nil || !strings.Contains(err.Error(), "PreallocateBytes") {
		t.Fatalf("err = %v, want the limit named", err)
	}
}

func quietDiscard() *slog.Logger { l, _ := quietLogger(); return l }
