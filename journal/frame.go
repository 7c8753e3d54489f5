package journal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// castagnoli is CRC32C, which hash/crc32 computes with the SSE4.2/ARMv8 CRC instructions.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Frame decode outcomes. They are sentinels so that the hot replay loop never allocates; the
// caller turns them into a *CorruptionError with segment and offset.
var (
	errFrameShort    = errors.New("frame incomplete")
	errFrameLength   = errors.New("frame length exceeds the entry ceiling")
	errFrameChecksum = errors.New("frame checksum mismatch")
	errFrameSeqZero  = errors.New("frame has seq 0")
)

// appendFrame appends the frame of one entry to dst. The layout is documented in the package doc.
func appendFrame(dst []byte, seq uint64, data []byte) []byte {
	start := len(dst)
	dst = binary.LittleEndian.AppendUint32(dst, 0) // crc, filled in below
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(data)))
	dst = binary.LittleEndian.AppendUint64(dst, seq)
	dst = append(dst, data...)
	binary.LittleEndian.PutUint32(dst[start:], crc32.Checksum(dst[start+4:], castagnoli))
	return dst
}

// decodeFrame decodes the frame at the start of b. On success it returns the entry, whose Data
// aliases b, and the frame size n. errFrameShort means b holds only a prefix of a frame; n is then
// the number of bytes needed to make progress (at least the header, then the whole frame). Any
// other error means the bytes are not a frame this package wrote.
func decodeFrame(b []byte) (e Entry, n int, err error) {
	if len(b) < frameHeaderBytes {
		return Entry{}, frameHeaderBytes, errFrameShort
	}
	length := binary.LittleEndian.Uint32(b[4:8])
	if length > EntryMaxBytesCeiling {
		return Entry{}, 0, errFrameLength
	}
	n = frameHeaderBytes + int(length)
	if len(b) < n {
		return Entry{}, n, errFrameShort
	}
	if crc32.Checksum(b[4:n], castagnoli) != binary.LittleEndian.Uint32(b[0:4]) {
		return Entry{}, 0, errFrameChecksum
	}
	seq := binary.LittleEndian.Uint64(b[8:16])
	if seq == 0 {
		return Entry{}, 0, errFrameSeqZero
	}
	// Cap the capacity so that a callback appending to Data cannot overwrite the next frame.
	return Entry{Seq: seq, Data: b[frameHeaderBytes:n:n]}, n, nil
}

// assertFrames checks that buf holds exactly the frames of entries, as just encoded. It is the
// write-side half of the paired assertion around every disk write: a mismatch is a bug in this
// package (or memory corruption), never bad input, so it panics rather than writing.
func assertFrames(buf []byte, entries []Entry) {
	off := 0
	for i := range entries {
		e, n, err := decodeFrame(buf[off:])
		if err != nil {
			panic(fmt.Sprintf("journal: assertion failed: encoded frame %d does not decode: %v", i, err))
		}
		if e.Seq != entries[i].Seq || !bytes.Equal(e.Data, entries[i].Data) {
			panic(fmt.Sprintf("journal: assertion failed: encoded frame %d is seq %d len %d, want seq %d len %d",
				i, e.Seq, len(e.Data), entries[i].Seq, len(entries[i].Data)))
		}
		off += n
	}
	if off != len(buf) {
		panic(fmt.Sprintf("journal: assertion failed: encoded batch is %d bytes, frames cover %d", len(buf), off))
	}
}
