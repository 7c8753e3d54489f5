package journal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

const segmentSuffix = ".seg"

// segment is one log file. Its name is the seq of its first entry, so that Replay can find the
// segment holding a seq without reading any file.
type segment struct {
	first uint64
	path  string
}

// segmentName zero-pads so that lexical order (ls, ReadDir) is seq order.
func segmentName(first uint64) string { return fmt.Sprintf("%020d%s", first, segmentSuffix) }

// parseSegmentName accepts exactly the names segmentName produces.
func parseSegmentName(name string) (uint64, bool) {
	digits, ok := strings.CutSuffix(name, segmentSuffix)
	if !ok || len(digits) != 20 {
		return 0, false
	}
	first, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || first == 0 {
		return 0, false
	}
	return first, true
}

// isFrameError tells a frame that does not validate apart from an I/O error.
func isFrameError(err error) bool {
	return err == errFrameShort || err == errFrameLength || err == errFrameChecksum || err == errFrameSeqZero
}

// segmentReader reads the frames of one segment front to back with large reads, decoding in place:
// no allocation per entry.
type segmentReader struct {
	f       FSFile
	size    int64  // bytes to read, fixed when the reader is reset
	buf     []byte // buf[r:w] is read but not yet decoded
	r, w    int
	off     int64 // file offset of buf[r]
	readOff int64 // file offset of buf[w]
}

func (s *segmentReader) reset(f FSFile, size int64) {
	if s.buf == nil {
		s.buf = make([]byte, replayBufferBytes)
	}
	*s = segmentReader{f: f, size: size, buf: s.buf}
}

// next returns the next entry and the offset of its frame. It returns io.EOF at a clean end of the
// segment, a frame error (errFrame*) with the offset of the bad frame, or an I/O error. errFrameShort
// here means the segment ends inside a frame.
func (s *segmentReader) next() (Entry, int64, error) {
	for {
		e, n, err := decodeFrame(s.buf[s.r:s.w])
		if err == nil {
			off := s.off
			s.r += n
			s.off += int64(n)
			return e, off, nil
		}
		if err != errFrameShort {
			return Entry{}, s.off, err
		}
		if s.readOff >= s.size {
			if s.r == s.w {
				return Entry{}, s.off, io.EOF
			}
			return Entry{}, s.off, errFrameShort
		}
		if err := s.fill(n); err != nil {
			return Entry{}, s.off, err
		}
	}
}

// fill reads more of the file, keeping the undecoded bytes and making room for at least need
// bytes. need is bounded by decodeFrame (header plus EntryMaxBytesCeiling).
func (s *segmentReader) fill(need int) error {
	if s.r > 0 {
		s.w = copy(s.buf, s.buf[s.r:s.w])
		s.r = 0
	}
	if need > len(s.buf) {
		grown := make([]byte, need)
		copy(grown, s.buf[:s.w])
		s.buf = grown
	}
	want := int64(len(s.buf) - s.w)
	if rem := s.size - s.readOff; want > rem {
		want = rem
	}
	n, err := s.f.ReadAt(s.buf[s.w:s.w+int(want)], s.readOff)
	s.w += n
	s.readOff += int64(n)
	if int64(n) == want {
		return nil
	}
	if errors.Is(err, io.EOF) {
		// The file is shorter than it was at reset: let next report the truncation.
		s.size = s.readOff
		return nil
	}
	return err
}

// findFrameAfter reports the offset of the first frame in f[start:size] that validates and has a
// seq greater than after. Recovery uses it to tell a torn tail (nothing valid follows the bad frame)
// from corruption (something does). Cheap header checks run first; the CRC only for candidates.
func findFrameAfter(f FSFile, start, size int64, after uint64) (int64, bool, error) {
	const window = replayBufferBytes
	buf := make([]byte, window+frameHeaderBytes)
	var scratch []byte
	for base := start; base+frameHeaderBytes <= size; base += window {
		chunk := buf[:min(int64(len(buf)), size-base)]
		if n, err := f.ReadAt(chunk, base); n < len(chunk) {
			return 0, false, fmt.Errorf("read at %d: %w", base, err)
		}
		for i := 0; i < window && i+frameHeaderBytes <= len(chunk); i++ {
			length := int64(binary.LittleEndian.Uint32(chunk[i+4:]))
			seq := binary.LittleEndian.Uint64(chunk[i+8:])
			frameBytes := frameHeaderBytes + length
			if seq <= after || length > EntryMaxBytesCeiling || base+int64(i)+frameBytes > size {
				continue
			}
			var frame []byte
			if int64(i)+frameBytes <= int64(len(chunk)) {
				frame = chunk[i : int64(i)+frameBytes]
			} else {
				if int64(cap(scratch)) < frameBytes {
					scratch = make([]byte, frameBytes)
				}
				scratch = scratch[:frameBytes]
				if n, err := f.ReadAt(scratch, base+int64(i)); n < len(scratch) {
					return 0, false, fmt.Errorf("read at %d: %w", base+int64(i), err)
				}
				frame = scratch
			}
			if _, _, err := decodeFrame(frame); err == nil {
				return base + int64(i), true, nil
			}
		}
	}
	return 0, false, nil
}
