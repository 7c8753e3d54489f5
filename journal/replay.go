package journal

import (
	"cmp"
	"fmt"
	"io"
	"slices"
)

// Replay implements Journal. It reads from the segment that holds from (chosen by name), checks
// every frame's CRC and that seqs are contiguous within and across segments.
func (j *File) Replay(from uint64, fn func(e Entry) error) error {
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		return ErrClosed
	}
	segs := slices.Clone(j.segments)
	last := j.lastSeq.Load()
	j.mu.Unlock()

	from = max(from, 1)
	if from > last {
		return nil
	}
	if from < segs[0].first {
		return fmt.Errorf("%w: replay from %d, first entry kept is %d", ErrCompacted, from, segs[0].first)
	}
	// The segment holding from is the last one whose name is <= from: no older file is opened.
	i, found := slices.BinarySearchFunc(segs, from, func(s segment, seq uint64) int {
		return cmp.Compare(s.first, seq)
	})
	if !found {
		i--
	}
	var r segmentReader
	expect := segs[i].first
	for ; i < len(segs); i++ {
		seg := segs[i]
		if seg.first != expect {
			prev := segs[i-1]
			return &CorruptionError{Segment: prev.path, Offset: r.off,
				Reason: fmt.Sprintf("segment ends at seq %d but the next segment starts at seq %d", expect-1, seg.first)}
		}
		done, err := j.replaySegment(&r, seg, &expect, from, last, fn)
		if err != nil || done {
			return err
		}
	}
	seg := segs[len(segs)-1]
	return &CorruptionError{Segment: seg.path, Offset: r.off,
		Reason: fmt.Sprintf("log ends at seq %d, want %d", expect-1, last)}
}

// replaySegment replays one segment. done is true once the entry last has been delivered.
func (j *File) replaySegment(r *segmentReader, seg segment, expect *uint64, from, last uint64,
	fn func(Entry) error,
) (done bool, err error) {
	f, err := j.opts.FS.Open(seg.path)
	if err != nil {
		return false, fmt.Errorf("journal: open segment %s: %w", seg.path, err)
	}
	defer f.Close()
	size, err := f.Size()
	if err != nil {
		return false, fmt.Errorf("journal: size of segment %s: %w", seg.path, err)
	}
	r.reset(f, size)
	for {
		e, off, err := r.next()
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			if isFrameError(err) {
				return false, &CorruptionError{Segment: seg.path, Offset: off, Reason: err.Error()}
			}
			return false, fmt.Errorf("journal: read segment %s at offset %d: %w", seg.path, off, err)
		}
		if e.Seq != *expect {
			return false, &CorruptionError{Segment: seg.path, Offset: off,
				Reason: fmt.Sprintf("frame has seq %d, want %d", e.Seq, *expect)}
		}
		*expect++
		if e.Seq >= from {
			if err := fn(e); err != nil {
				return false, err
			}
		}
		if e.Seq == last {
			return true, nil
		}
	}
}
