package journal_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/depothq/depot/journal"
	"github.com/depothq/depot/journal/journaltest"
)

// quietLogger keeps recovery logs out of test output but lets a test read them.
func quietLogger() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(slog.NewTextHandler(&buf, nil)), &buf
}

// MustOpenFile opens a file journal in dir and closes it at the end of the test.
func MustOpenFile(tb testing.TB, dir string, opts journal.FileOptions) *journal.File {
	tb.Helper()
	if opts.Logger == nil {
		opts.Logger, _ = quietLogger()
	}
	j, err := journal.OpenFile(dir, opts)
	if err != nil {
		tb.Fatalf("OpenFile(%s): %v", dir, err)
	}
	tb.Cleanup(func() { j.Close() })
	return j
}

func segmentFiles(t *testing.T, dir string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.seg"))
	if err != nil {
		t.Fatal(err)
	}
	return paths // Glob sorts, and names are zero-padded
}

// frameOffsets returns the offset of each frame of entries first..last written by
// journaltest.Batch into one segment starting at first, and the offset after the last one.
func frameOffsets(first, last uint64) []int64 {
	var offs []int64
	off := int64(0)
	for _, e := range journaltest.Batch(first, int(last-first+1)) {
		offs = append(offs, off)
		off += 16 + int64(len(e.Data))
	}
	return append(offs, off)
}

// testFrame encodes a frame independently of the package, as a check on the documented format.
func testFrame(seq uint64, data []byte) []byte {
	b := binary.LittleEndian.AppendUint32(nil, 0)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(data)))
	b = binary.LittleEndian.AppendUint64(b, seq)
	b = append(b, data...)
	binary.LittleEndian.PutUint32(b, crc32.Checksum(b[4:], crc32.MakeTable(crc32.Castagnoli)))
	return b
}

func flipByte(t *testing.T, path string, off int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[off] ^= 0x40
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendToFile(t *testing.T, path string, data []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
}

func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

func snapPath(dir string, seq uint64) string {
	return filepath.Join(dir, fmt.Sprintf("snap-%020d.snap", seq))
}

func wantCorruption(t *testing.T, err error, segment string, offset int64) {
	t.Helper()
	var ce *journal.CorruptionError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want *CorruptionError", err)
	}
	if ce.Segment != segment || ce.Offset != offset {
		t.Fatalf("CorruptionError names %s at %d, want %s at %d (%v)", ce.Segment, ce.Offset, segment, offset, err)
	}
}

func TestFileConformance(t *testing.T) {
	journaltest.RunHarness(t, journaltest.Harness{
		Open: func(t *testing.T, dir string) journal.Journal {
			return MustOpenFile(t, dir, journal.FileOptions{SegmentMaxBytes: 4096})
		},
		CorruptSnapshot: func(t *testing.T, dir string, seq uint64) {
			flipByte(t, snapPath(dir, seq), 40)
		},
	})
}

// TestFileTornLastFrame cuts the last frame at every byte: recovery must drop exactly that frame,
// keep every earlier entry and let Append continue at the right seq.
func TestFileTornLastFrame(t *testing.T) {
	for _, segBytes := range []int64{0, 300} {
		src := t.TempDir()
		j := MustOpenFile(t, src, journal.FileOptions{SegmentMaxBytes: segBytes, PreallocateBytes: -1})
		for seq := uint64(1); seq <= 20; seq += 4 {
			if err := j.Append(journaltest.Batch(seq, 4)); err != nil {
				t.Fatal(err)
			}
		}
		j.Close()
		segs := segmentFiles(t, src)
		last := segs[len(segs)-1]
		fi, err := os.Stat(last)
		if err != nil {
			t.Fatal(err)
		}
		lastFrame := fi.Size() - 16 - int64(len(journaltest.Batch(20, 1)[0].Data))
		for cut := lastFrame; cut < fi.Size(); cut++ {
			dir := copyDir(t, src)
			path := filepath.Join(dir, filepath.Base(last))
			if err := os.Truncate(path, cut); err != nil {
				t.Fatal(err)
			}
			logger, logs := quietLogger()
			j := MustOpenFile(t, dir, journal.FileOptions{SegmentMaxBytes: segBytes, Logger: logger})
			if got := j.LastSeq(); got != 19 {
				t.Fatalf("segment %d bytes, cut at %d: LastSeq = %d, want 19", segBytes, cut, got)
			}
			if cut > lastFrame && !strings.Contains(logs.String(), "torn tail") {
				t.Fatalf("cut at %d: truncation not logged: %s", cut, logs)
			}
			journaltest.CheckReplay(t, j, 1, 19)
			if err := j.Append(journaltest.Batch(20, 2)); err != nil {
				t.Fatalf("cut at %d: Append after recovery: %v", cut, err)
			}
			j.Close()
			j = MustOpenFile(t, dir, journal.FileOptions{SegmentMaxBytes: segBytes})
			journaltest.CheckReplay(t, j, 1, 21)
			j.Close()
		}
	}
}

// TestFileTornTailGarbage appends what a crash can leave after the last synced frame.
func TestFileTornTailGarbage(t *testing.T) {
	// frame is what Append(11) would write, with a payload long enough to tear in the middle.
	frame := testFrame(11, bytes.Repeat([]byte("eleven"), 20))
	noise := make([]byte, 5000)
	for i := range noise {
		noise[i] = byte(i*131 + i*i*7)
	}
	tails := map[string][]byte{
		"zeros 1":        make([]byte, 1),
		"zeros 15":       make([]byte, 15),
		"zeros 16":       make([]byte, 16),
		"zeros 17":       make([]byte, 17),
		"zeros 4096":     make([]byte, 4096),
		"noise 1":        noise[:1],
		"noise 7":        noise[:7],
		"noise 100":      noise[:100],
		"noise 5000":     noise,
		"text":           []byte("garbage garbage garbage garbage"),
		"half a frame":   frame[:len(frame)/2],
		"header only":    frame[:16],
		"huge length":    {0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 11, 0, 0, 0, 0, 0, 0, 0},
		"frame + zeros":  append(append([]byte{}, frame[:40]...), make([]byte, 300)...),
		"zeros + noise":  append(make([]byte, 512), noise[:64]...),
		"noise + zeros":  append(append([]byte{}, noise[:64]...), make([]byte, 512)...),
		"ones 64":        bytes.Repeat([]byte{0xff}, 64),
		"short length 1": {0, 0, 0, 0, 1, 0, 0, 0, 11, 0, 0, 0, 0, 0, 0, 0, 0},
		"bad crc, whole": append([]byte{frame[0] ^ 1}, frame[1:]...),
	}
	for name, tail := range tails {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			j := MustOpenFile(t, dir, journal.FileOptions{})
			if err := j.Append(journaltest.Batch(1, 10)); err != nil {
				t.Fatal(err)
			}
			j.Close()
			seg := segmentFiles(t, dir)[0]
			appendToFile(t, seg, tail)
			j = MustOpenFile(t, dir, journal.FileOptions{})
			if got := j.LastSeq(); got != 10 {
				t.Fatalf("LastSeq = %d, want 10", got)
			}
			if err := j.Append(journaltest.Batch(11, 3)); err != nil {
				t.Fatal(err)
			}
			j.Close()
			j = MustOpenFile(t, dir, journal.FileOptions{})
			journaltest.CheckReplay(t, j, 1, 13)
		})
	}
}

func TestFileCorruptionInLastSegment(t *testing.T) {
	offs := frameOffsets(1, 10)
	cases := map[string]func(path string){
		"data byte":    func(p string) { flipByte(t, p, offs[2]+20) },
		"length byte":  func(p string) { flipByte(t, p, offs[2]+4) },
		"crc byte":     func(p string) { flipByte(t, p, offs[2]) },
		"seq byte":     func(p string) { flipByte(t, p, offs[2]+9) },
		"zeroed frame": func(p string) { zeroRange(t, p, offs[2], offs[3]) },
	}
	for name, damage := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			j := MustOpenFile(t, dir, journal.FileOptions{})
			if err := j.Append(journaltest.Batch(1, 10)); err != nil {
				t.Fatal(err)
			}
			j.Close()
			seg := segmentFiles(t, dir)[0]
			damage(seg)
			logger, _ := quietLogger()
			_, err := journal.OpenFile(dir, journal.FileOptions{Logger: logger})
			wantCorruption(t, err, seg, offs[2])
		})
	}
}

// TestFileValidFrameAfterGarbage: damage followed by a valid frame with a later seq is not a torn
// tail, even at the end of the last segment.
func TestFileValidFrameAfterGarbage(t *testing.T) {
	dir := t.TempDir()
	j := MustOpenFile(t, dir, journal.FileOptions{})
	if err := j.Append(journaltest.Batch(1, 10)); err != nil {
		t.Fatal(err)
	}
	j.Close()
	seg := segmentFiles(t, dir)[0]
	appendToFile(t, seg, make([]byte, 33))
	appendToFile(t, seg, testFrame(12, []byte("after the damage")))
	_, err := journal.OpenFile(dir, journal.FileOptions{})
	wantCorruption(t, err, seg, frameOffsets(1, 10)[10])
}

// TestFileFormat pins the documented frame layout.
func TestFileFormat(t *testing.T) {
	dir := t.TempDir()
	j := MustOpenFile(t, dir, journal.FileOptions{PreallocateBytes: -1})
	data := []byte("the documented layout")
	if err := j.Append([]journal.Entry{{Seq: 1, Data: data}}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "00000000000000000001.seg"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, testFrame(1, data)) {
		t.Fatalf("segment bytes %x, want %x", got, testFrame(1, data))
	}
}

func zeroRange(t *testing.T, path string, from, to int64) {
	t.Helper()
	writeAt(t, path, from, make([]byte, to-from))
}

// writeAt overwrites path's bytes from off with data, as a write the journal never made.
func writeAt(t *testing.T, path string, off int64, data []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(data, off); err != nil {
		t.Fatal(err)
	}
}

// manySegments writes 200 entries into segments of about 500 bytes and returns the segment paths.
func manySegments(t *testing.T, opts journal.FileOptions) (string, []string) {
	dir := t.TempDir()
	opts.SegmentMaxBytes = 500
	j := MustOpenFile(t, dir, opts)
	for seq := uint64(1); seq <= 200; seq += 5 {
		if err := j.Append(journaltest.Batch(seq, 5)); err != nil {
			t.Fatal(err)
		}
	}
	j.Close()
	segs := segmentFiles(t, dir)
	if len(segs) < 10 {
		t.Fatalf("only %d segments", len(segs))
	}
	return dir, segs
}

func TestFileCorruptionInOlderSegment(t *testing.T) {
	offs := frameOffsets(1, 5)
	t.Run("bad frame", func(t *testing.T) {
		dir, segs := manySegments(t, journal.FileOptions{})
		flipByte(t, segs[0], offs[1]+18)
		j := MustOpenFile(t, dir, journal.FileOptions{SegmentMaxBytes: 500})
		wantCorruption(t, j.Replay(1, func(journal.Entry) error { return nil }), segs[0], offs[1])
		// Replay from a later segment does not read the damaged one.
		journaltest.CheckReplay(t, j, 150, 200)
	})
	t.Run("missing segment", func(t *testing.T) {
		dir, segs := manySegments(t, journal.FileOptions{})
		if err := os.Remove(segs[3]); err != nil {
			t.Fatal(err)
		}
		j := MustOpenFile(t, dir, journal.FileOptions{SegmentMaxBytes: 500})
		err := j.Replay(1, func(journal.Entry) error { return nil })
		fi, _ := os.Stat(segs[2])
		wantCorruption(t, err, segs[2], fi.Size())
	})
	t.Run("segment ends inside a frame", func(t *testing.T) {
		dir, segs := manySegments(t, journal.FileOptions{})
		fi, _ := os.Stat(segs[1])
		if err := os.Truncate(segs[1], fi.Size()-3); err != nil {
			t.Fatal(err)
		}
		j := MustOpenFile(t, dir, journal.FileOptions{SegmentMaxBytes: 500})
		var ce *journal.CorruptionError
		if err := j.Replay(1, func(journal.Entry) error { return nil }); !errors.As(err, &ce) || ce.Segment != segs[1] {
			t.Fatalf("Replay = %v, want corruption in %s", err, segs[1])
		}
	})
	t.Run("segment ends early", func(t *testing.T) {
		dir, segs := manySegments(t, journal.FileOptions{})
		offs := frameOffsets(1, 3)
		if err := os.Truncate(segs[0], offs[2]); err != nil { // drop whole frames: a gap
			t.Fatal(err)
		}
		j := MustOpenFile(t, dir, journal.FileOptions{SegmentMaxBytes: 500})
		wantCorruption(t, j.Replay(1, func(journal.Entry) error { return nil }), segs[0], offs[2])
	})
}

func TestFileSnapshots(t *testing.T) {
	t.Run("keep newest", func(t *testing.T) {
		dir := t.TempDir()
		j := MustOpenFile(t, dir, journal.FileOptions{KeepSnapshots: 3})
		if err := j.Append(journaltest.Batch(1, 10)); err != nil {
			t.Fatal(err)
		}
		for seq := uint64(1); seq <= 10; seq++ {
			if err := j.SaveSnapshot(seq, []byte{byte(seq)}); err != nil {
				t.Fatal(err)
			}
		}
		paths, _ := filepath.Glob(filepath.Join(dir, "snap-*"))
		if len(paths) != 3 || !strings.HasSuffix(paths[0], "08.snap") {
			t.Fatalf("snapshot files = %v, want 8, 9, 10", paths)
		}
	})
	t.Run("damaged files fall back", func(t *testing.T) {
		dir := t.TempDir()
		j := MustOpenFile(t, dir, journal.FileOptions{KeepSnapshots: 5})
		if err := j.Append(journaltest.Batch(1, 10)); err != nil {
			t.Fatal(err)
		}
		for _, seq := range []uint64{2, 4, 6, 8, 10} {
			if err := j.SaveSnapshot(seq, bytes.Repeat([]byte{byte(seq)}, 100)); err != nil {
				t.Fatal(err)
			}
		}
		j.Close()
		snap := func(seq uint64) string { return snapPath(dir, seq) }
		os.Truncate(snap(10), 50)                                                // torn
		flipByte(t, snap(8), 2)                                                  // bad magic
		os.WriteFile(snap(6), []byte("short"), 0o644)                            // shorter than a header
		os.Rename(snap(4), filepath.Join(dir, "snap-00000000000000000005.snap")) // header and name disagree
		os.WriteFile(filepath.Join(dir, "snap-00000000000000000009.snap.tmp"), []byte("x"), 0o644)
		logger, logs := quietLogger()
		j = MustOpenFile(t, dir, journal.FileOptions{Logger: logger})
		seq, data, ok, err := j.LatestSnapshot()
		if err != nil || !ok || seq != 2 || !bytes.Equal(data, bytes.Repeat([]byte{2}, 100)) {
			t.Fatalf("LatestSnapshot = %d ok=%v err=%v, want 2", seq, ok, err)
		}
		if n := strings.Count(logs.String(), "falling back"); n != 4 {
			t.Fatalf("logged %d fallbacks, want 4:\n%s", n, logs)
		}
		if _, err := os.Stat(filepath.Join(dir, "snap-00000000000000000009.snap.tmp")); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("unfinished snapshot not removed on open: %v", err)
		}
	})
}

func TestFileRetain(t *testing.T) {
	t.Run("all by default", func(t *testing.T) {
		dir, segs := manySegments(t, journal.FileOptions{})
		j := MustOpenFile(t, dir, journal.FileOptions{SegmentMaxBytes: 500})
		for _, seq := range []uint64{100, 150} {
			if err := j.SaveSnapshot(seq, nil); err != nil {
				t.Fatal(err)
			}
		}
		if got := segmentFiles(t, dir); len(got) != len(segs) {
			t.Fatalf("%d segments after snapshots, want all %d", len(got), len(segs))
		}
		journaltest.CheckReplay(t, j, 1, 200)
	})
	t.Run("since snapshot", func(t *testing.T) {
		opts := journal.FileOptions{SegmentMaxBytes: 500, Retain: journal.RetainSinceSnapshot}
		dir, segs := manySegments(t, opts)
		j := MustOpenFile(t, dir, opts)
		for _, seq := range []uint64{50, 100, 150} {
			if err := j.SaveSnapshot(seq, nil); err != nil {
				t.Fatal(err)
			}
		}
		left := segmentFiles(t, dir)
		if len(left) >= len(segs) {
			t.Fatalf("no segment removed: %d", len(left))
		}
		// The oldest kept snapshot is 100: its successor must still be replayable.
		if err := j.Replay(1, func(journal.Entry) error { return nil }); !errors.Is(err, journal.ErrCompacted) {
			t.Fatalf("Replay(1) = %v, want ErrCompacted", err)
		}
		journaltest.CheckReplay(t, j, 101, 200)
		j.Close()
		j = MustOpenFile(t, dir, opts)
		journaltest.CheckReplay(t, j, 101, 200)
		if err := j.Append(journaltest.Batch(201, 1)); err != nil {
			t.Fatal(err)
		}
	})
}

// faultFS injects write, sync and directory sync failures into OSFS.
type faultFS struct {
	journal.OSFS
	mu                            sync.Mutex
	writeErr, syncErr, syncDirErr error
}

func (f *faultFS) set(write, sync, syncDir error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writeErr, f.syncErr, f.syncDirErr = write, sync, syncDir
}

func (f *faultFS) Create(path string) (journal.FSFile, error) {
	file, err := f.OSFS.Create(path)
	return faultFile{file, f}, err
}

func (f *faultFS) OpenWrite(path string) (journal.FSFile, error) {
	file, err := f.OSFS.OpenWrite(path)
	return faultFile{file, f}, err
}

func (f *faultFS) SyncDir(dir string) error {
	f.mu.Lock()
	err := f.syncDirErr
	f.mu.Unlock()
	if err != nil {
		return err
	}
	return f.OSFS.SyncDir(dir)
}

type faultFile struct {
	journal.FSFile
	fs *faultFS
}

// WriteAt tears the write: half of it reaches the file, then the error.
func (f faultFile) WriteAt(p []byte, off int64) (int, error) {
	f.fs.mu.Lock()
	err := f.fs.writeErr
	f.fs.mu.Unlock()
	if err != nil {
		n, _ := f.FSFile.WriteAt(p[:len(p)/2], off)
		return n, err
	}
	return f.FSFile.WriteAt(p, off)
}

func (f faultFile) Sync() error {
	f.fs.mu.Lock()
	err := f.fs.syncErr
	f.fs.mu.Unlock()
	if err != nil {
		return err
	}
	return f.FSFile.Sync()
}

func TestFileFailedState(t *testing.T) {
	injected := errors.New("injected: EIO")
	cases := []struct {
		name                 string
		write, sync, syncDir error
		segBytes             int64
		wantAfterReopen      uint64
	}{
		{name: "write", write: injected},                    // a torn write: some of the batch may survive
		{name: "sync", sync: injected, wantAfterReopen: 15}, // the OS kept the data after all
		{name: "dir sync on roll", syncDir: injected, segBytes: 100, wantAfterReopen: 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			fsys := &faultFS{}
			j := MustOpenFile(t, dir, journal.FileOptions{FS: fsys, SegmentMaxBytes: tc.segBytes})
			if err := j.Append(journaltest.Batch(1, 10)); err != nil {
				t.Fatal(err)
			}
			fsys.set(tc.write, tc.sync, tc.syncDir)
			err := j.Append(journaltest.Batch(11, 5))
			if !errors.Is(err, journal.ErrFailed) || !errors.Is(err, injected) {
				t.Fatalf("Append with injected failure = %v, want ErrFailed wrapping it", err)
			}
			fsys.set(nil, nil, nil)
			err = j.Append(journaltest.Batch(11, 5))
			if !errors.Is(err, journal.ErrFailed) || !errors.Is(err, injected) {
				t.Fatalf("Append after failure = %v, want ErrFailed wrapping the first failure", err)
			}
			if got := j.LastSeq(); got != 10 {
				t.Fatalf("LastSeq = %d after failed Append, want 10", got)
			}
			if err := j.SaveSnapshot(10, nil); !errors.Is(err, journal.ErrFailed) {
				t.Fatalf("SaveSnapshot after failure = %v, want ErrFailed", err)
			}
			journaltest.CheckReplay(t, j, 1, 10)
			if err := j.Close(); err != nil {
				t.Fatal(err)
			}
			// Restart: recovery decides from what is on disk.
			j = MustOpenFile(t, dir, journal.FileOptions{SegmentMaxBytes: tc.segBytes})
			got := j.LastSeq()
			if (tc.wantAfterReopen != 0 && got != tc.wantAfterReopen) || got < 10 || got > 15 {
				t.Fatalf("LastSeq after reopen = %d, want %d", got, tc.wantAfterReopen)
			}
			journaltest.CheckReplay(t, j, 1, got)
			if err := j.Append(journaltest.Batch(got+1, 1)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestFileOpenErrors(t *testing.T) {
	bad := []journal.FileOptions{
		{SegmentMaxBytes: -1},
		{SegmentMaxBytes: journal.SegmentMaxBytesLimit + 1},
		{EntryMaxBytes: journal.EntryMaxBytesCeiling + 1},
		{KeepSnapshots: journal.KeepSnapshotsMax + 1},
		{Retain: 7},
	}
	for _, opts := range bad {
		if _, err := journal.OpenFile(t.TempDir(), opts); err == nil {
			t.Errorf("OpenFile(%+v) succeeded", opts)
		}
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "1.seg"), nil, 0o644)
	if _, err := journal.OpenFile(dir, journal.FileOptions{}); err == nil {
		t.Errorf("OpenFile with a misnamed segment succeeded")
	}
}

func TestFileEntryMaxBytesOption(t *testing.T) {
	j := MustOpenFile(t, t.TempDir(), journal.FileOptions{EntryMaxBytes: 10})
	err := j.Append([]journal.Entry{{Seq: 1, Data: make([]byte, 11)}})
	if !errors.Is(err, journal.ErrEntryTooLarge) {
		t.Fatalf("Append(11 bytes) with a 10-byte limit = %v", err)
	}
	if err := j.Append([]journal.Entry{{Seq: 1, Data: make([]byte, 10)}}); err != nil {
		t.Fatal(err)
	}
}

var _ io.WriterAt = faultFile{}
