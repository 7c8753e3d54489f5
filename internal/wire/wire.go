// Package wire is the varint binary encoding shared by the command codec and the snapshot
// codec. It owns only byte layout: lengths are bounded by the caller's limits and every read is
// checked, so decoding hostile bytes yields an error, never a panic or an oversized allocation.
package wire

import (
	"encoding/binary"
	"fmt"
)

// Encoder appends values to B.
type Encoder struct{ B []byte }

// Uvarint appends an unsigned varint.
func (e *Encoder) Uvarint(v uint64) { e.B = binary.AppendUvarint(e.B, v) }

// Varint appends a signed (zig-zag) varint.
func (e *Encoder) Varint(v int64) { e.B = binary.AppendVarint(e.B, v) }

// Byte appends one byte.
func (e *Encoder) Byte(v uint8) { e.B = append(e.B, v) }

// Bool appends 1 or 0.
func (e *Encoder) Bool(v bool) {
	if v {
		e.B = append(e.B, 1)
	} else {
		e.B = append(e.B, 0)
	}
}

// String appends a length-prefixed string.
func (e *Encoder) String(s string) {
	e.Uvarint(uint64(len(s)))
	e.B = append(e.B, s...)
}

// Strings appends a count-prefixed list of strings.
func (e *Encoder) Strings(ss []string) {
	e.Uvarint(uint64(len(ss)))
	for _, s := range ss {
		e.String(s)
	}
}

// Decoder reads values from B until the first error, after which every read returns zero
// values; callers check Err once at the end instead of after every field.
type Decoder struct {
	B   []byte
	Err error
	// Symbols, when set, interns the strings read with Symbol.
	Symbols *Symbols
}

// Fail records the first error and stops further reads.
func (d *Decoder) Fail(format string, args ...any) {
	if d.Err == nil {
		d.Err = fmt.Errorf(format, args...)
	}
	d.B = nil
}

// Uvarint reads an unsigned varint.
func (d *Decoder) Uvarint() uint64 {
	if d.Err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.B)
	if n <= 0 {
		d.Fail("truncated or overlong uvarint")
		return 0
	}
	if n > 1 && d.B[n-1] == 0 {
		// binary.Uvarint accepts padded encodings (0x80 0x00 for 0); refusing them keeps one
		// encoding per value, so whatever decodes re-encodes to the same bytes.
		d.Fail("non-minimal uvarint")
		return 0
	}
	d.B = d.B[n:]
	return v
}

// Varint reads a signed varint.
func (d *Decoder) Varint() int64 {
	if d.Err != nil {
		return 0
	}
	v, n := binary.Varint(d.B)
	if n <= 0 {
		d.Fail("truncated or overlong varint")
		return 0
	}
	if n > 1 && d.B[n-1] == 0 {
		d.Fail("non-minimal varint")
		return 0
	}
	d.B = d.B[n:]
	return v
}

// Byte reads one byte.
func (d *Decoder) Byte() uint8 {
	if d.Err != nil {
		return 0
	}
	if len(d.B) < 1 {
		d.Fail("truncated byte")
		return 0
	}
	v := d.B[0]
	d.B = d.B[1:]
	return v
}

// Bool reads a byte that must be 0 or 1.
func (d *Decoder) Bool() bool {
	switch d.Byte() {
	case 0:
		return false
	case 1:
		return true
	}
	d.Fail("bad boolean")
	return false
}

// String reads a length-prefixed string of at most limit bytes.
func (d *Decoder) String(limit int) string { return string(d.bytes(limit)) }

// bytes reads a length-prefixed byte string of at most limit bytes, aliasing B.
func (d *Decoder) bytes(limit int) []byte {
	n := d.Uvarint()
	if d.Err != nil {
		return nil
	}
	if n > uint64(limit) || n > uint64(len(d.B)) {
		d.Fail("string of %d bytes exceeds limit %d or remaining %d", n, limit, len(d.B))
		return nil
	}
	b := d.B[:n]
	d.B = d.B[n:]
	return b
}

// Count reads an element count of at most limit. Every element takes at least one byte, so a
// count above the remaining bytes is a lie and must not size an allocation.
func (d *Decoder) Count(limit int) int {
	n := d.Uvarint()
	if d.Err != nil {
		return 0
	}
	if n > uint64(limit) || n > uint64(len(d.B)) {
		d.Fail("count %d exceeds limit %d or remaining %d bytes", n, limit, len(d.B))
		return 0
	}
	return int(n)
}

// Strings reads a count-prefixed list of strings.
func (d *Decoder) Strings(limit, strLimit int) []string {
	n := d.Count(limit)
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.String(strLimit)
	}
	return out
}

// Done fails unless every byte was consumed.
func (d *Decoder) Done() {
	if d.Err == nil && len(d.B) != 0 {
		d.Fail("%d trailing bytes", len(d.B))
	}
}

// MaxSymbols bounds a symbol table: catalogue names repeat, so a few thousand cover a tenant,
// and a table full of one-off values must stop growing rather than become a leak.
const MaxSymbols = 1 << 16

// Symbols interns strings that repeat across many decoded values (tenant, SKU, location and
// channel ids), so that replaying millions of commands allocates each once instead of per
// command. It is not safe for concurrent use.
type Symbols struct{ m map[string]string }

// NewSymbols returns an empty table.
func NewSymbols() *Symbols { return &Symbols{m: make(map[string]string)} }

func (s *Symbols) intern(b []byte) string {
	if v, ok := s.m[string(b)]; ok { // the conversion in a map index does not allocate
		return v
	}
	v := string(b)
	if len(s.m) < MaxSymbols {
		s.m[v] = v
	}
	return v
}

// Symbol reads a string like String, interning it in d.Symbols when set.
func (d *Decoder) Symbol(limit int) string {
	if d.Symbols == nil {
		return d.String(limit)
	}
	b := d.bytes(limit)
	if d.Err != nil {
		return ""
	}
	return d.Symbols.intern(b)
}
