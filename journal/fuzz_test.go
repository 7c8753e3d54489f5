package journal

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"testing"
)

// FuzzDecodeFrame: the frame decoder must never panic and must never accept bytes whose CRC does
// not match, whatever the input.
func FuzzDecodeFrame(f *testing.F) {
	f.Add(appendFrame(nil, 1, []byte("hello")))
	f.Add(appendFrame(appendFrame(nil, 7, nil), 8, bytes.Repeat([]byte{0xff}, 100)))
	f.Add(make([]byte, 16))
	f.Fuzz(func(t *testing.T, b []byte) {
		off := 0
		for off < len(b) {
			e, n, err := decodeFrame(b[off:])
			if err != nil {
				if err == errFrameShort && (n < frameHeaderBytes || n <= len(b)-off) {
					t.Fatalf("short frame asks for %d bytes with %d available", n, len(b)-off)
				}
				return
			}
			frame := b[off : off+n]
			if n < frameHeaderBytes || n != frameHeaderBytes+len(e.Data) {
				t.Fatalf("frame size %d for %d data bytes", n, len(e.Data))
			}
			if crc32.Checksum(frame[4:], castagnoli) != binary.LittleEndian.Uint32(frame) {
				t.Fatalf("accepted a frame whose CRC does not match")
			}
			if e.Seq == 0 || e.Seq != binary.LittleEndian.Uint64(frame[8:]) {
				t.Fatalf("seq %d does not match the frame", e.Seq)
			}
			if !bytes.Equal(appendFrame(nil, e.Seq, e.Data), frame) {
				t.Fatalf("re-encoding the decoded entry gives different bytes")
			}
			off += n
		}
	})
}

// FuzzDecodeSnapshot: the snapshot decoder must never panic and must only accept a snapshot whose
// header and CRC cover exactly the data returned.
func FuzzDecodeSnapshot(f *testing.F) {
	for _, data := range [][]byte{nil, []byte("state"), bytes.Repeat([]byte{0}, 64)} {
		h := encodeSnapshotHeader(42, data)
		f.Add(append(h[:], data...))
	}
	f.Add([]byte(snapshotMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		seq, data, err := decodeSnapshot(b)
		if err != nil {
			return
		}
		if len(b) != snapshotHeaderBytes+len(data) {
			t.Fatalf("accepted %d bytes for %d data bytes", len(b), len(data))
		}
		want := crc32.Checksum(b[12:], castagnoli)
		if want != binary.LittleEndian.Uint32(b[8:12]) {
			t.Fatalf("accepted a snapshot whose CRC does not match")
		}
		h := encodeSnapshotHeader(seq, data)
		if !bytes.Equal(h[:], b[:snapshotHeaderBytes]) {
			t.Fatalf("re-encoding the header gives different bytes")
		}
	})
}

// TestSegmentName pins the naming scheme that Replay relies on to pick a segment without reading.
func TestSegmentName(t *testing.T) {
	for _, seq := range []uint64{1, 9, 10, 1 << 40, ^uint64(0)} {
		got, ok := parseSegmentName(segmentName(seq))
		if !ok || got != seq {
			t.Fatalf("parseSegmentName(segmentName(%d)) = %d, %v", seq, got, ok)
		}
	}
	for _, name := range []string{"1.seg", "00000000000000000000.seg", "0000000000000000000a.seg",
		"00000000000000000001.snap", "99999999999999999999.seg"} {
		if _, ok := parseSegmentName(name); ok {
			t.Fatalf("parseSegmentName(%q) accepted", name)
		}
	}
	if got, ok := parseSnapshotName(snapshotName(77)); !ok || got != 77 {
		t.Fatalf("snapshot name round trip: %d %v", got, ok)
	}
}
