package journal

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	iofs "io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

const (
	snapshotMagic     = "DEPOTSNP"
	snapshotVersion   = 1
	snapshotPrefix    = "snap-"
	snapshotSuffix    = ".snap"
	snapshotTmpSuffix = ".snap.tmp"
)

// snapshotName zero-pads so that lexical order is seq order.
func snapshotName(seq uint64) string {
	return fmt.Sprintf("%s%020d%s", snapshotPrefix, seq, snapshotSuffix)
}

// parseSnapshotName accepts exactly the names snapshotName produces.
func parseSnapshotName(name string) (uint64, bool) {
	digits, ok := strings.CutPrefix(name, snapshotPrefix)
	if !ok {
		return 0, false
	}
	digits, ok = strings.CutSuffix(digits, snapshotSuffix)
	if !ok || len(digits) != 20 {
		return 0, false
	}
	seq, err := strconv.ParseUint(digits, 10, 64)
	return seq, err == nil
}

// encodeSnapshotHeader builds the header for data. The CRC covers the header after it and the
// data, so that a snapshot validates only as a whole.
func encodeSnapshotHeader(seq uint64, data []byte) [snapshotHeaderBytes]byte {
	var h [snapshotHeaderBytes]byte
	copy(h[0:8], snapshotMagic)
	binary.LittleEndian.PutUint32(h[12:16], snapshotVersion)
	binary.LittleEndian.PutUint64(h[16:24], seq)
	binary.LittleEndian.PutUint64(h[24:32], uint64(len(data)))
	crc := crc32.Update(crc32.Checksum(h[12:], castagnoli), castagnoli, data)
	binary.LittleEndian.PutUint32(h[8:12], crc)
	return h
}

// decodeSnapshot validates a whole snapshot file and returns its seq and data, which aliases b.
func decodeSnapshot(b []byte) (seq uint64, data []byte, err error) {
	if len(b) < snapshotHeaderBytes {
		return 0, nil, fmt.Errorf("snapshot is %d bytes, shorter than its header", len(b))
	}
	seq, err = validateSnapshot(b[:snapshotHeaderBytes], b[snapshotHeaderBytes:])
	if err != nil {
		return 0, nil, err
	}
	return seq, b[snapshotHeaderBytes:], nil
}

// validateSnapshot checks a header against the data that follows it and returns the seq.
func validateSnapshot(h, data []byte) (uint64, error) {
	if string(h[0:8]) != snapshotMagic {
		return 0, errors.New("snapshot magic mismatch")
	}
	if v := binary.LittleEndian.Uint32(h[12:16]); v != snapshotVersion {
		return 0, fmt.Errorf("snapshot version %d, want %d", v, snapshotVersion)
	}
	length := binary.LittleEndian.Uint64(h[24:32])
	if length > SnapshotMaxBytes || length != uint64(len(data)) {
		return 0, fmt.Errorf("snapshot length field %d, file holds %d bytes of data", length, len(data))
	}
	crc := crc32.Update(crc32.Checksum(h[12:], castagnoli), castagnoli, data)
	if crc != binary.LittleEndian.Uint32(h[8:12]) {
		return 0, errors.New("snapshot checksum mismatch")
	}
	return binary.LittleEndian.Uint64(h[16:24]), nil
}

// SaveSnapshot implements Journal: write a temporary file, sync it, rename it into place, sync the
// directory; then prune old snapshots and, with RetainSinceSnapshot, old segments. A failure here
// leaves the log untouched, so it does not put the journal in the failed state.
func (j *File) SaveSnapshot(seq uint64, data []byte) error {
	j.snapMu.Lock()
	defer j.snapMu.Unlock()
	if closed, failed := j.state(); closed {
		return ErrClosed
	} else if failed != nil {
		return fmt.Errorf("%w (first failure: append: %w)", ErrFailed, failed)
	}
	if last := j.lastSeq.Load(); seq > last {
		return fmt.Errorf("%w: snapshot seq %d, last seq %d", ErrSnapshotAhead, seq, last)
	}
	if len(data) > SnapshotMaxBytes {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrSnapshotTooLarge, len(data), SnapshotMaxBytes)
	}
	header := encodeSnapshotHeader(seq, data)
	// Paired assertion: the header we are about to write must validate with this data.
	if got, err := validateSnapshot(header[:], data); err != nil || got != seq {
		panic(fmt.Sprintf("journal: assertion failed: snapshot header for seq %d does not validate: %v", seq, err))
	}
	if err := j.writeSnapshot(seq, header[:], data); err != nil {
		return fmt.Errorf("journal: save snapshot %d: %w", seq, err)
	}
	if err := j.prune(); err != nil {
		return fmt.Errorf("journal: save snapshot %d: %w", seq, err)
	}
	return nil
}

func (j *File) writeSnapshot(seq uint64, header, data []byte) error {
	fs := j.opts.FS
	path := filepath.Join(j.dir, snapshotName(seq))
	tmp := filepath.Join(j.dir, snapshotName(seq)+".tmp")
	if err := fs.Remove(tmp); err != nil && !errors.Is(err, iofs.ErrNotExist) {
		return err
	}
	f, err := fs.Create(tmp)
	if err != nil {
		return err
	}
	err = writeAll(f, header, 0)
	if err == nil {
		err = writeAll(f, data, snapshotHeaderBytes)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = fs.Rename(tmp, path)
	}
	if err != nil {
		fs.Remove(tmp) // Best effort: OpenFile removes leftovers too.
		return err
	}
	return fs.SyncDir(j.dir)
}

func writeAll(f FSFile, b []byte, off int64) error {
	n, err := f.WriteAt(b, off)
	if err == nil && n != len(b) {
		err = fmt.Errorf("short write: %d of %d bytes", n, len(b))
	}
	return err
}

// snapshotSeqs lists the snapshot files by seq, newest first.
func (j *File) snapshotSeqs() ([]uint64, error) {
	names, err := j.opts.FS.ReadDir(j.dir)
	if err != nil {
		return nil, err
	}
	var seqs []uint64
	for _, name := range names {
		if seq, ok := parseSnapshotName(name); ok {
			seqs = append(seqs, seq)
		}
	}
	slices.SortFunc(seqs, func(a, b uint64) int { return cmp.Compare(b, a) })
	return seqs, nil
}

// prune keeps the newest KeepSnapshots snapshots and, with RetainSinceSnapshot, removes the
// segments whose entries are all at or below the oldest kept snapshot. Pruning against the oldest
// kept snapshot, not the newest, is what lets LatestSnapshot fall back when the newest is damaged.
func (j *File) prune() error {
	seqs, err := j.snapshotSeqs()
	if err != nil {
		return err
	}
	removed := false
	for len(seqs) > j.opts.KeepSnapshots {
		old := seqs[len(seqs)-1]
		if err := j.opts.FS.Remove(filepath.Join(j.dir, snapshotName(old))); err != nil {
			return err
		}
		seqs = seqs[:len(seqs)-1]
		removed = true
	}
	var segs []segment
	if j.opts.Retain == RetainSinceSnapshot && len(seqs) > 0 {
		segs = j.dropSegmentsCoveredBy(seqs[len(seqs)-1])
	}
	for _, s := range segs {
		if err := j.opts.FS.Remove(s.path); err != nil {
			return err
		}
		j.opts.Logger.Info("journal: removed segment covered by snapshot", "segment", s.path)
		removed = true
	}
	if removed {
		return j.opts.FS.SyncDir(j.dir)
	}
	return nil
}

// dropSegmentsCoveredBy removes from the segment list, and returns, the segments whose entries are
// all <= seq. The active segment always stays.
func (j *File) dropSegmentsCoveredBy(seq uint64) []segment {
	j.mu.Lock()
	defer j.mu.Unlock()
	n := 0
	for n+1 < len(j.segments) && j.segments[n+1].first <= seq+1 {
		n++
	}
	dropped := slices.Clone(j.segments[:n])
	j.segments = slices.Delete(j.segments, 0, n)
	return dropped
}

// LatestSnapshot implements Journal. A snapshot that does not validate is logged and skipped in
// favour of the next older one: a damaged snapshot costs replay time, never correctness.
func (j *File) LatestSnapshot() (uint64, []byte, bool, error) {
	// Under snapMu, so that a concurrent save cannot prune the file being read.
	j.snapMu.Lock()
	defer j.snapMu.Unlock()
	if closed, _ := j.state(); closed {
		return 0, nil, false, ErrClosed
	}
	seqs, err := j.snapshotSeqs()
	if err != nil {
		return 0, nil, false, fmt.Errorf("journal: list snapshots in %s: %w", j.dir, err)
	}
	for _, seq := range seqs {
		path := filepath.Join(j.dir, snapshotName(seq))
		data, err := j.readSnapshot(path, seq)
		if err == nil {
			return seq, data, true, nil
		}
		j.opts.Logger.Warn("journal: skipping invalid snapshot, falling back to an older one",
			"snapshot", path, "reason", err.Error())
	}
	return 0, nil, false, nil
}

func (j *File) readSnapshot(path string, seq uint64) ([]byte, error) {
	f, err := j.opts.FS.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size, err := f.Size()
	if err != nil {
		return nil, err
	}
	if size < snapshotHeaderBytes || size > snapshotHeaderBytes+SnapshotMaxBytes {
		return nil, fmt.Errorf("snapshot file is %d bytes", size)
	}
	b := make([]byte, size)
	if n, err := f.ReadAt(b, 0); n < len(b) {
		return nil, fmt.Errorf("read: %w", err)
	}
	got, data, err := decodeSnapshot(b)
	if err != nil {
		return nil, err
	}
	if got != seq {
		return nil, fmt.Errorf("snapshot header says seq %d, name says %d", got, seq)
	}
	return data, nil
}
