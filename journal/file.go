package journal

import (
	"cmp"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Retain says which segments the file backend may delete.
type Retain int

const (
	// RetainAll keeps every segment, so that `depot verify` can replay from seq 1. The default.
	RetainAll Retain = iota
	// RetainSinceSnapshot deletes segments whose entries are all covered by the oldest kept
	// snapshot. Replay from before the first remaining segment then returns ErrCompacted.
	RetainSinceSnapshot
)

// FileOptions configures OpenFile. The zero value gives the defaults.
type FileOptions struct {
	// SegmentMaxBytes is the size at which a new segment is started (default
	// SegmentMaxBytesDefault, at most SegmentMaxBytesLimit). One Append never spans two segments,
	// so a segment may exceed it by one batch.
	SegmentMaxBytes int64
	// EntryMaxBytes limits the data of one entry (default EntryMaxBytesDefault, at most
	// EntryMaxBytesCeiling).
	EntryMaxBytes int
	// KeepSnapshots is how many of the newest snapshots to keep (default KeepSnapshotsDefault, at
	// most KeepSnapshotsMax).
	KeepSnapshots int
	// Retain says whether segments older than the oldest kept snapshot may be deleted.
	Retain Retain
	// Logger receives recovery decisions: truncated torn tails, snapshots skipped. Default
	// slog.Default().
	Logger *slog.Logger
	// FS is the file system. Default OSFS{}.
	FS FS
	// PreallocateBytes is how far ahead of the last entry the active segment is kept written
	// with zeros and synced, by a goroutine off the append path, so that a group commit's sync
	// does not also commit a new file size (prealloc.go). Default PreallocateBytesDefault when
	// FS is the operating system's, 0 (off) for any other FS, whose files need not take
	// concurrent writes; negative turns it off. At most PreallocateBytesLimit.
	PreallocateBytes int64
}

func (o FileOptions) withDefaults() (FileOptions, error) {
	if o.SegmentMaxBytes == 0 {
		o.SegmentMaxBytes = SegmentMaxBytesDefault
	}
	if o.EntryMaxBytes == 0 {
		o.EntryMaxBytes = EntryMaxBytesDefault
	}
	if o.KeepSnapshots == 0 {
		o.KeepSnapshots = KeepSnapshotsDefault
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.FS == nil {
		o.FS = OSFS{}
		if o.PreallocateBytes == 0 {
			o.PreallocateBytes = PreallocateBytesDefault
		}
	}
	switch {
	case o.SegmentMaxBytes < 0 || o.SegmentMaxBytes > SegmentMaxBytesLimit:
		return o, fmt.Errorf("journal: SegmentMaxBytes %d out of range (0, %d]", o.SegmentMaxBytes, SegmentMaxBytesLimit)
	case o.EntryMaxBytes < 0 || o.EntryMaxBytes > EntryMaxBytesCeiling:
		return o, fmt.Errorf("journal: EntryMaxBytes %d out of range (0, %d]", o.EntryMaxBytes, EntryMaxBytesCeiling)
	case o.KeepSnapshots < 0 || o.KeepSnapshots > KeepSnapshotsMax:
		return o, fmt.Errorf("journal: KeepSnapshots %d out of range (0, %d]", o.KeepSnapshots, KeepSnapshotsMax)
	case o.PreallocateBytes > PreallocateBytesLimit:
		return o, fmt.Errorf("journal: PreallocateBytes %d over %d", o.PreallocateBytes, PreallocateBytesLimit)
	case o.Retain != RetainAll && o.Retain != RetainSinceSnapshot:
		return o, fmt.Errorf("journal: unknown Retain %d", o.Retain)
	}
	return o, nil
}

// File is the file backend: a directory of append-only segments and snapshot files. It is safe
// for concurrent use.
type File struct {
	dir  string
	opts FileOptions

	// lastSeq is atomic so that LastSeq and SaveSnapshot do not wait behind an fsync.
	lastSeq atomic.Uint64

	mu         sync.Mutex // guards the fields below: the write path and the segment list
	segments   []segment  // sorted by first; the last one is active
	active     FSFile     // the last segment, open for writing; nil before the first Append
	activeSize int64      // bytes of valid frames in active
	buf        []byte     // reused encode buffer, at most AppendMaxBytes
	failed     error      // first write or sync failure; sticky
	closed     bool
	zero       *zeroer // keeps active zero-filled ahead; nil when preallocation is off

	snapMu sync.Mutex // serialises SaveSnapshot, so snapshot pruning sees a stable set
}

var _ Journal = (*File)(nil)

// OpenFile opens the journal in dir, creating dir if needed, and recovers: it finds the segments,
// scans the last one to find LastSeq, and truncates a torn tail. Damage that is not a torn tail
// is returned as a *CorruptionError. Older segments are not read here; Replay validates them.
func OpenFile(dir string, opts FileOptions) (*File, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := opts.FS.MkdirAll(dir); err != nil {
		return nil, fmt.Errorf("journal: open %s: %w", dir, err)
	}
	names, err := opts.FS.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("journal: open %s: %w", dir, err)
	}
	j := &File{dir: dir, opts: opts}
	if opts.PreallocateBytes > 0 {
		j.zero = startZeroer(opts.PreallocateBytes, opts.SegmentMaxBytes)
	}
	for _, name := range names {
		switch {
		case strings.HasSuffix(name, segmentSuffix):
			first, ok := parseSegmentName(name)
			if !ok {
				return nil, fmt.Errorf("journal: open %s: unexpected segment name %q", dir, name)
			}
			j.segments = append(j.segments, segment{first: first, path: filepath.Join(dir, name)})
		case strings.HasSuffix(name, snapshotTmpSuffix):
			// A snapshot save that crashed before its rename; it was never visible.
			path := filepath.Join(dir, name)
			if err := opts.FS.Remove(path); err != nil {
				return nil, fmt.Errorf("journal: open %s: remove %s: %w", dir, name, err)
			}
			opts.Logger.Info("journal: removed unfinished snapshot", "path", path)
		}
	}
	slices.SortFunc(j.segments, func(a, b segment) int { return cmp.Compare(a.first, b.first) })
	if len(j.segments) > 0 {
		if err := j.recover(); err != nil {
			if j.zero != nil {
				j.zero.stop()
			}
			return nil, err
		}
	}
	return j, nil
}

// recover scans the last segment, sets LastSeq and leaves the segment open for appending.
//
// The torn-versus-corrupt rule: a frame that does not validate (incomplete, bad CRC, zeroed, absurd
// length) in the LAST segment is a torn tail if no valid frame with a higher seq follows it
// anywhere in that segment. A crash during Append can only damage the end of the last segment,
// and entries after a torn write were never acknowledged, so the tail is truncated and logged.
// If a valid frame does follow, the damage is in the middle of acknowledged data: that is
// corruption, and recovery stops with a *CorruptionError rather than drop entries. A frame that
// validates but carries the wrong seq is always corruption. Damage in any other segment is always
// corruption (found by Replay), since those segments were complete and synced before the next
// one was created.
//
// One consequence: bit rot in the very last frame is indistinguishable from a torn write and is
// truncated (logged). Only replication can tell the two apart.
func (j *File) recover() error {
	last := j.segments[len(j.segments)-1]
	f, err := j.opts.FS.OpenWrite(last.path)
	if err != nil {
		return fmt.Errorf("journal: open segment %s: %w", last.path, err)
	}
	end, lastSeq, err := j.scanTail(f, last)
	if err != nil {
		f.Close()
		return err
	}
	if j.zero != nil {
		// The zeros left beyond end by the last run are synced now, so that the zeroer and the
		// writer may count them as written.
		size, err := f.Size()
		if err == nil {
			err = f.Sync()
		}
		if err != nil {
			f.Close()
			return fmt.Errorf("journal: sync segment %s: %w", last.path, err)
		}
		j.zero.setFile(f, end, size)
	}
	j.active = f
	j.activeSize = end
	j.lastSeq.Store(lastSeq)
	return nil
}

// scanTail validates every frame of the last segment and truncates a torn tail. It returns the
// size of the valid prefix and the seq of its last entry.
func (j *File) scanTail(f FSFile, seg segment) (int64, uint64, error) {
	size, err := f.Size()
	if err != nil {
		return 0, 0, fmt.Errorf("journal: size of segment %s: %w", seg.path, err)
	}
	var r segmentReader
	r.reset(f, size)
	expect := seg.first
	for {
		e, off, err := r.next()
		if err == io.EOF {
			return size, expect - 1, nil
		}
		if err == nil && e.Seq != expect {
			return 0, 0, &CorruptionError{Segment: seg.path, Offset: off,
				Reason: fmt.Sprintf("frame has seq %d, want %d", e.Seq, expect)}
		}
		if err == nil {
			expect++
			continue
		}
		if !isFrameError(err) {
			return 0, 0, fmt.Errorf("journal: read segment %s at offset %d: %w", seg.path, off, err)
		}
		// Zeros to the end are the preallocated rest of the segment (prealloc.go): its clean end.
		if zero, zerr := allZero(f, off, size); zerr != nil {
			return 0, 0, fmt.Errorf("journal: read segment %s: %w", seg.path, zerr)
		} else if zero {
			return off, expect - 1, nil
		}
		at, found, ferr := findFrameAfter(f, off+1, size, expect-1)
		if ferr != nil {
			return 0, 0, fmt.Errorf("journal: read segment %s: %w", seg.path, ferr)
		}
		if found {
			return 0, 0, &CorruptionError{Segment: seg.path, Offset: off,
				Reason: fmt.Sprintf("%v, and a valid frame follows at offset %d", err, at)}
		}
		j.opts.Logger.Warn("journal: truncating torn tail", "segment", seg.path, "offset", off,
			"bytes", size-off, "reason", err.Error(), "last_seq", expect-1)
		if err := f.Truncate(off); err != nil {
			return 0, 0, fmt.Errorf("journal: truncate segment %s at offset %d: %w", seg.path, off, err)
		}
		if err := f.Sync(); err != nil {
			return 0, 0, fmt.Errorf("journal: sync segment %s: %w", seg.path, err)
		}
		return off, expect - 1, nil
	}
}

// LastSeq implements Journal.
func (j *File) LastSeq() uint64 { return j.lastSeq.Load() }

// Append implements Journal: one write and one sync per call. A failed write or sync puts the
// journal in the failed state (see ErrFailed).
func (j *File) Append(entries []Entry) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return ErrClosed
	}
	if j.failed != nil {
		return fmt.Errorf("%w (first failure: append: %w)", ErrFailed, j.failed)
	}
	if len(entries) == 0 {
		return nil
	}
	last := j.lastSeq.Load()
	total, err := checkBatch(entries, last, j.opts.EntryMaxBytes)
	if err != nil {
		return err
	}
	if j.active == nil || (j.activeSize > 0 && j.activeSize+int64(total) > j.opts.SegmentMaxBytes) {
		if err := j.roll(last + 1); err != nil {
			return j.fail(err)
		}
	}
	buf := j.buf[:0]
	for i := range entries {
		buf = appendFrame(buf, entries[i].Seq, entries[i].Data)
	}
	j.buf = buf
	assertFrames(buf, entries)

	path := j.segments[len(j.segments)-1].path
	if j.zero != nil {
		j.zero.claim(j.activeSize + int64(len(buf)))
	}
	n, err := j.active.WriteAt(buf, j.activeSize)
	if err == nil && n != len(buf) {
		err = io.ErrShortWrite
	}
	if err != nil {
		return j.fail(fmt.Errorf("write segment %s at offset %d: %w", path, j.activeSize, err))
	}
	if err := j.active.Sync(); err != nil {
		return j.fail(fmt.Errorf("sync segment %s: %w", path, err))
	}
	j.activeSize += int64(len(buf))
	j.lastSeq.Store(entries[len(entries)-1].Seq)
	if j.zero != nil {
		j.zero.wrote(j.activeSize)
	}
	return nil
}

// roll starts the segment whose first entry is first. The directory is synced before any entry is
// written to it, so that a synced entry can never sit in a file whose name was lost.
func (j *File) roll(first uint64) error {
	if j.active != nil && j.zero != nil {
		// Only the last segment may have a zero tail (scanTail); Replay reads every other one
		// to its end. The cut is synced before the next segment exists.
		j.zero.detach()
		old := j.segments[len(j.segments)-1].path
		if err := j.active.Truncate(j.activeSize); err != nil {
			return fmt.Errorf("truncate segment %s at %d: %w", old, j.activeSize, err)
		}
		if err := j.active.Sync(); err != nil {
			return fmt.Errorf("sync segment %s: %w", old, err)
		}
	}
	if j.active != nil {
		if err := j.active.Close(); err != nil {
			return fmt.Errorf("close segment %s: %w", j.segments[len(j.segments)-1].path, err)
		}
		j.active = nil
	}
	path := filepath.Join(j.dir, segmentName(first))
	f, err := j.opts.FS.Create(path)
	if err != nil {
		return fmt.Errorf("create segment %s: %w", path, err)
	}
	if err := j.opts.FS.SyncDir(j.dir); err != nil {
		f.Close()
		return fmt.Errorf("create segment %s: %w", path, err)
	}
	j.segments = append(j.segments, segment{first: first, path: path})
	j.active = f
	j.activeSize = 0
	if j.zero != nil {
		j.zero.setFile(f, 0, 0)
	}
	return nil
}

// fail records the first write-path failure. Later Appends return it wrapped in ErrFailed.
func (j *File) fail(err error) error {
	j.failed = err
	j.opts.Logger.Error("journal: append failed, journal is now read-only until reopened", "err", err)
	return fmt.Errorf("%w: append: %w", ErrFailed, err)
}

// Close implements Journal.
func (j *File) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil
	}
	j.closed = true
	j.buf = nil
	if j.zero != nil {
		if err := j.zero.stop(); err != nil {
			// Zeroing is an optimisation: appends went on without it, and nothing is lost.
			j.opts.Logger.Warn("journal: segment preallocation stopped", "err", err)
		}
	}
	if j.active == nil {
		return nil
	}
	err := j.active.Close()
	j.active = nil
	if err != nil {
		return fmt.Errorf("journal: close %s: %w", j.dir, err)
	}
	return nil
}

// state returns the closed and failed flags for the operations that do not take the write path.
func (j *File) state() (closed bool, failed error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.closed, j.failed
}
