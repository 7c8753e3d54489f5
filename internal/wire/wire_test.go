package wire

import (
	"math"
	"reflect"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	var e Encoder
	e.Uvarint(0)
	e.Uvarint(math.MaxUint64)
	e.Varint(math.MinInt64)
	e.Varint(-1)
	e.Byte(0xfe)
	e.Bool(true)
	e.Bool(false)
	e.String("")
	e.String("héllo")
	e.Strings([]string{"a", "", "bc"})
	e.Strings(nil)

	d := Decoder{B: e.B}
	got := []any{d.Uvarint(), d.Uvarint(), d.Varint(), d.Varint(), d.Byte(), d.Bool(), d.Bool(),
		d.String(0), d.String(6), d.Strings(3, 2), d.Strings(0, 0)}
	d.Done()
	if d.Err != nil {
		t.Fatal(d.Err)
	}
	want := []any{uint64(0), uint64(math.MaxUint64), int64(math.MinInt64), int64(-1), uint8(0xfe), true, false,
		"", "héllo", []string{"a", "", "bc"}, []string(nil)}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v\nwant %#v", got, want)
	}
}

func TestDecoderRejects(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		read func(d *Decoder)
	}{
		{"empty uvarint", nil, func(d *Decoder) { d.Uvarint() }},
		{"truncated uvarint", []byte{0x80}, func(d *Decoder) { d.Uvarint() }},
		{"overflowing uvarint", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}, func(d *Decoder) { d.Uvarint() }},
		// Padded varints decode to the same value as their short form; accepting them would
		// give one value two encodings and break every "re-encodes identically" check.
		{"padded uvarint", []byte{0x80, 0x00}, func(d *Decoder) { d.Uvarint() }},
		{"padded uvarint 1", []byte{0x81, 0x80, 0x00}, func(d *Decoder) { d.Uvarint() }},
		{"padded varint", []byte{0x82, 0x00}, func(d *Decoder) { d.Varint() }},
		{"truncated varint", []byte{0xff}, func(d *Decoder) { d.Varint() }},
		{"empty byte", nil, func(d *Decoder) { d.Byte() }},
		{"bool 2", []byte{2}, func(d *Decoder) { d.Bool() }},
		{"string over limit", []byte{3, 'a', 'b', 'c'}, func(d *Decoder) { d.String(2) }},
		{"string over remaining", []byte{3, 'a', 'b'}, func(d *Decoder) { d.String(10) }},
		{"count over limit", []byte{3, 0, 0, 0}, func(d *Decoder) { d.Count(2) }},
		// A count larger than the bytes left must not size an allocation.
		{"count over remaining", []byte{0xff, 0xff, 0xff, 0xff, 0x0f}, func(d *Decoder) { d.Count(math.MaxInt) }},
		{"strings element over limit", []byte{1, 3, 'a', 'b', 'c'}, func(d *Decoder) { d.Strings(1, 2) }},
		{"trailing bytes", []byte{1, 2}, func(d *Decoder) { d.Byte(); d.Done() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := Decoder{B: tc.in}
			tc.read(&d)
			if d.Err == nil {
				t.Fatalf("accepted %x", tc.in)
			}
		})
	}
}

func TestDecoderStopsAtFirstError(t *testing.T) {
	// Callers check Err once at the end, so reads after a failure must return zero values
	// and keep the first error.
	d := Decoder{B: []byte{0x80}}
	d.Uvarint()
	first := d.Err
	if v, s, b := d.Varint(), d.String(10), d.Bool(); v != 0 || s != "" || b || d.Err != first {
		t.Fatalf("after failure got %d %q %v err %v (first %v)", v, s, b, d.Err, first)
	}
}

func TestMinimalVarintsAccepted(t *testing.T) {
	// The canonical-form check must not refuse real encodings whose last byte is small.
	for _, v := range []uint64{0, 1, 127, 128, 16383, 16384, 1 << 56, math.MaxUint64} {
		var e Encoder
		e.Uvarint(v)
		d := Decoder{B: e.B}
		if got := d.Uvarint(); got != v || d.Err != nil {
			t.Errorf("Uvarint(%d) decoded to %d, %v", v, got, d.Err)
		}
	}
	for _, v := range []int64{0, -1, 63, -64, 64, math.MaxInt64, math.MinInt64} {
		var e Encoder
		e.Varint(v)
		d := Decoder{B: e.B}
		if got := d.Varint(); got != v || d.Err != nil {
			t.Errorf("Varint(%d) decoded to %d, %v", v, got, d.Err)
		}
	}
}
