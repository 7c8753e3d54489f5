package depot_test

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/depothq/depot"
)

func TestSampleCommandsCoverEveryKind(t *testing.T) {
	// The codec tables below iterate sampleCommands; a new kind without a sample would go
	// untested silently.
	samples := sampleCommands()
	kinds := allKinds()
	if len(samples) != len(kinds) {
		t.Fatalf("%d samples for %d kinds", len(samples), len(kinds))
	}
	for i, k := range kinds {
		if samples[i].Kind() != k {
			t.Errorf("sample %d is %s, want %s", i, samples[i].Kind(), k)
		}
		if r := samples[i].Validate(); r != nil {
			t.Errorf("sample %s does not validate: %v", k, r)
		}
	}
}

func TestEnvelopeRoundTrip(t *testing.T) {
	for _, c := range sampleCommands() {
		for _, env := range []depot.Envelope{
			{Seq: 1, Time: 0, Cmd: c},
			{Seq: 42, Time: 1_700_000_000_123_456_789, Cmd: c},
			{Seq: math.MaxUint64, Time: math.MinInt64, Cmd: c},
			{Seq: math.MaxUint64, Time: math.MaxInt64, Cmd: c},
		} {
			t.Run(c.Kind().String(), func(t *testing.T) {
				data := depot.AppendEnvelope(nil, &env)
				got, err := depot.DecodeEnvelope(data)
				if err != nil {
					t.Fatalf("decode: %v", err)
				}
				if !reflect.DeepEqual(got, env) {
					t.Fatalf("round trip changed the envelope:\n got %#v\nwant %#v", got, env)
				}
				if again := depot.AppendEnvelope(nil, &got); !bytes.Equal(again, data) {
					t.Fatalf("re-encoding differs:\n got %x\nwant %x", again, data)
				}
			})
		}
	}
}

// TestDecodeEncodedRecoversTheCommandEncoding checks that the bytes replay fingerprints are
// exactly AppendCommand's, for every kind, and that they are appended to the buffer given.
func TestDecodeEncodedRecoversTheCommandEncoding(t *testing.T) {
	dec := depot.NewEnvelopeDecoder()
	buf := []byte("prefix")
	for _, c := range sampleCommands() {
		env := depot.Envelope{Seq: 1 << 40, Time: -7, Cmd: c}
		data := depot.AppendEnvelope(nil, &env)
		got, grown, err := dec.DecodeEncoded(data, buf)
		if err != nil {
			t.Fatalf("%s: decode: %v", c.Kind(), err)
		}
		if want := depot.AppendCommand(nil, c); !bytes.Equal(got.Encoded, want) {
			t.Fatalf("%s: Encoded %x, AppendCommand %x", c.Kind(), got.Encoded, want)
		}
		if !bytes.HasPrefix(grown, []byte("prefix")) || len(grown) != len(buf)+len(got.Encoded) {
			t.Fatalf("%s: buffer not appended to: %q", c.Kind(), grown)
		}
		if got.Fingerprint != depot.Fingerprint(got.Encoded) {
			t.Fatalf("%s: Fingerprint %x, of Encoded %x", c.Kind(), got.Fingerprint, depot.Fingerprint(got.Encoded))
		}
		got.Encoded, got.Fingerprint = nil, 0
		if !reflect.DeepEqual(got, env) {
			t.Fatalf("%s: decoded %#v, want %#v", c.Kind(), got, env)
		}
		buf = grown
	}
	if _, grown, err := dec.DecodeEncoded([]byte{1}, buf); err == nil || len(grown) != len(buf) {
		t.Fatalf("a bad envelope decoded (err %v) or grew the buffer", err)
	}
}

func TestEnvelopeRoundTripEmptyCommands(t *testing.T) {
	// Zero-valued commands exercise the empty-slice paths: they must decode to nil slices, not
	// empty ones, or DeepEqual-based idempotency checks elsewhere would see a difference.
	for _, k := range allKinds() {
		t.Run(k.String(), func(t *testing.T) {
			env := depot.Envelope{Seq: 7, Time: -5, Cmd: depot.NewCommand(k)}
			got, err := depot.DecodeEnvelope(depot.AppendEnvelope(nil, &env))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !reflect.DeepEqual(got, env) {
				t.Fatalf("got %#v, want %#v", got, env)
			}
		})
	}
}

func TestAppendEnvelopeAppends(t *testing.T) {
	prefix := []byte("journal-header")
	env := depot.Envelope{Seq: 3, Time: 9, Cmd: sampleCommands()[0]}
	got := depot.AppendEnvelope(bytes.Clone(prefix), &env)
	if !bytes.HasPrefix(got, prefix) {
		t.Fatalf("prefix lost: %q", got[:len(prefix)])
	}
	if want := depot.AppendEnvelope(nil, &env); !bytes.Equal(got[len(prefix):], want) {
		t.Fatalf("appended %x, want %x", got[len(prefix):], want)
	}
}

func TestDecodeEnvelopeSharesNoMemory(t *testing.T) {
	data := encode(1, 2, &depot.Receive{Tenant: "acme", ID: "r", SKU: "tee", Location: "ams", Qty: 1})
	env, err := depot.DecodeEnvelope(data)
	if err != nil {
		t.Fatal(err)
	}
	for i := range data {
		data[i] = 'Z'
	}
	if c := env.Cmd.(*depot.Receive); c.Tenant != "acme" || c.SKU != "tee" {
		t.Fatalf("decoded command aliases its input: %+v", c)
	}
}

func TestDecodeEnvelopeRejectsTruncations(t *testing.T) {
	// Every proper prefix of every valid encoding must fail: a torn journal record has to be
	// detected, never read as a shorter command.
	for _, c := range sampleCommands() {
		data := encode(300, 1_700_000_000_000_000_000, c)
		for n := 0; n < len(data); n++ {
			if _, err := depot.DecodeEnvelope(data[:n]); !errors.Is(err, depot.ErrCodec) {
				t.Errorf("%s truncated to %d of %d bytes: err = %v, want ErrCodec", c.Kind(), n, len(data), err)
			}
		}
	}
}

func TestDecodeEnvelopeRejectsTrailingBytes(t *testing.T) {
	for _, c := range sampleCommands() {
		data := append(encode(1, 1, c), 0)
		if _, err := depot.DecodeEnvelope(data); !errors.Is(err, depot.ErrCodec) {
			t.Errorf("%s with a trailing byte: err = %v, want ErrCodec", c.Kind(), err)
		}
	}
}

func TestDecodeEnvelopeRejects(t *testing.T) {
	tick := encode(1, 1, &depot.Tick{})
	withByte := func(b []byte, i int, v byte) []byte {
		b = bytes.Clone(b)
		b[i] = v
		return b
	}
	ret := &depot.Return{Tenant: "acme", ID: "r", SKU: "tee", Location: "ams", Qty: 1, Restock: true}
	retData := encode(1, 1, ret)
	loc := func(mut func(*depot.DefineLocation)) []byte {
		c := &depot.DefineLocation{Tenant: "acme", Location: "ams", Type: depot.LocationWarehouse, Status: depot.LocationOpen}
		mut(c)
		return encode(1, 1, c)
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"version only", []byte{1}},
		{"version 0", withByte(tick, 0, 0)},
		{"version 2", withByte(tick, 0, 2)},
		{"kind 0", withByte(tick, 1, 0)},
		{"kind after the last", withByte(tick, 1, byte(len(allKinds())+1))},
		{"kind 255", withByte(tick, 1, 255)},
		// binary.Uvarint accepts 0x81 0x00 for 1; the codec must not, or two byte strings
		// would decode to one command and the journal's checksums would disagree on replays.
		{"non-minimal seq", []byte{1, byte(depot.KindTick), 0x81, 0x00, 0x02}},
		{"non-minimal time", []byte{1, byte(depot.KindTick), 0x01, 0x82, 0x00}},
		{"overflowing seq", append([]byte{1, byte(depot.KindTick)}, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x02)},
		{"boolean 2", withByte(retData, len(retData)-2, 2)},
		{"over MaxCommandBytes", append(encode(1, 1, &depot.Adjust{Tenant: "acme", ID: "a", SKU: "s", Location: "l", Delta: 1}), make([]byte, depot.MaxCommandBytes)...)},
		{"latitude beyond int32", loc(func(c *depot.DefineLocation) { c.LatE6 = math.MaxInt32 + 1 })},
		{"longitude beyond int32", loc(func(c *depot.DefineLocation) { c.LonE6 = math.MinInt32 - 1 })},
		{"count above remaining bytes", []byte{1, byte(depot.KindShip), 1, 1, 1, 'a', 1, 'b', 1, 'c', 50}},
		{"string longer than remaining bytes", []byte{1, byte(depot.KindRelease), 1, 1, 10, 'a'}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := depot.DecodeEnvelope(tc.data); !errors.Is(err, depot.ErrCodec) {
				t.Fatalf("err = %v, want ErrCodec", err)
			}
		})
	}
}

func TestDecodeEnvelopeLimits(t *testing.T) {
	// Each decoder limit, exactly at the limit (decodes) and one over (refused). The encoder
	// writes whatever it is given, so over-limit commands can be built directly.
	tests := []struct {
		name string
		cmd  func(n int) depot.Command
		max  int
	}{
		{"tenant", func(n int) depot.Command { return &depot.Release{Tenant: str(n), Reservation: "r"} }, depot.MaxIDLen},
		{"reservation id", func(n int) depot.Command { return &depot.Release{Tenant: "t", Reservation: str(n)} }, depot.MaxIDLen},
		{"order", func(n int) depot.Command { return &depot.Commit{Tenant: "t", Reservation: "r", Order: str(n)} }, depot.MaxIDLen},
		{"receive inbound", func(n int) depot.Command {
			return &depot.Receive{Tenant: "t", ID: "i", SKU: "s", Location: "l", Qty: 1, Inbound: str(n)}
		}, depot.MaxIDLen},
		{"sku name", func(n int) depot.Command { return &depot.DefineSKU{Tenant: "t", SKU: "s", Name: str(n)} }, depot.MaxNameLen},
		{"location name", func(n int) depot.Command { return &depot.DefineLocation{Tenant: "t", Location: "l", Name: str(n)} }, depot.MaxNameLen},
		{"channel name", func(n int) depot.Command { return &depot.DefineChannel{Tenant: "t", Channel: "c", Name: str(n)} }, depot.MaxNameLen},
		{"adjust reason", func(n int) depot.Command { return &depot.Adjust{Tenant: "t", ID: "i", Reason: str(n)} }, depot.MaxReasonLen},
		{"hold reason", func(n int) depot.Command { return &depot.Hold{Tenant: "t", ID: "i", Reason: str(n)} }, depot.MaxReasonLen},
		{"return reason", func(n int) depot.Command { return &depot.Return{Tenant: "t", ID: "i", Reason: str(n)} }, depot.MaxReasonLen},
		{"reserve lines", func(n int) depot.Command {
			return &depot.Reserve{Tenant: "t", Reservation: "r", Channel: "c", Lines: make([]depot.ReserveLine, n)}
		}, depot.MaxLines},
		{"ship lines", func(n int) depot.Command {
			return &depot.Ship{Tenant: "t", ID: "i", Order: "o", Lines: make([]depot.ShipLine, n)}
		}, depot.MaxLines},
		{"kit components", func(n int) depot.Command {
			return &depot.DefineSKU{Tenant: "t", SKU: "k", Components: make([]depot.Component, n)}
		}, depot.MaxComponents},
		{"location groups", func(n int) depot.Command { return &depot.DefineLocation{Tenant: "t", Location: "l", Groups: strs(n)} }, depot.MaxLocationGroups},
		{"group id", func(n int) depot.Command {
			return &depot.DefineLocation{Tenant: "t", Location: "l", Groups: []string{str(n)}}
		}, depot.MaxIDLen},
		{"channel locations", func(n int) depot.Command { return &depot.DefineChannel{Tenant: "t", Channel: "c", Locations: strs(n)} }, depot.MaxChannelLocations},
		{"channel location id", func(n int) depot.Command {
			return &depot.DefineChannel{Tenant: "t", Channel: "c", Locations: []string{str(n)}}
		}, depot.MaxIDLen},
		{"sku buffers", func(n int) depot.Command {
			return &depot.DefineChannel{Tenant: "t", Channel: "c", Overrides: make([]depot.SKUBuffer, n)}
		}, depot.MaxSKUBuffers},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			at := tc.cmd(tc.max)
			env, err := depot.DecodeEnvelope(encode(1, 1, at))
			if err != nil {
				t.Fatalf("at the limit (%d): %v", tc.max, err)
			}
			if !reflect.DeepEqual(env.Cmd, at) {
				t.Fatalf("at the limit: decoded %#v, want %#v", env.Cmd, at)
			}
			if _, err := depot.DecodeEnvelope(encode(1, 1, tc.cmd(tc.max+1))); !errors.Is(err, depot.ErrCodec) {
				t.Fatalf("one over the limit (%d): err = %v, want ErrCodec", tc.max+1, err)
			}
		})
	}
}

func TestDecodeEnvelopeMaxCommandBytes(t *testing.T) {
	// The size check comes before anything else, so exactly MaxCommandBytes of a command that
	// is otherwise malformed reports the malformation, not the size.
	data := make([]byte, depot.MaxCommandBytes)
	data[0], data[1] = 1, byte(depot.KindTick)
	_, err := depot.DecodeEnvelope(data)
	if !errors.Is(err, depot.ErrCodec) || bytes.Contains([]byte(err.Error()), []byte("exceeds")) {
		t.Fatalf("at MaxCommandBytes: err = %v, want a trailing-bytes error", err)
	}
	_, err = depot.DecodeEnvelope(append(data, 0))
	if !errors.Is(err, depot.ErrCodec) || !bytes.Contains([]byte(err.Error()), []byte("exceeds")) {
		t.Fatalf("one over MaxCommandBytes: err = %v, want a size error", err)
	}
}

func TestAppendCommandIsEnvelopeWithoutHeader(t *testing.T) {
	// Idempotency compares AppendCommand bytes; they must ignore seq and time (a retry arrives
	// with new ones) and cover every field (else different requests would look the same).
	// A tick has no fields, so its envelope is exactly the header (version, kind, seq, time).
	header := len(encode(99, 12345, &depot.Tick{}))
	for _, c := range sampleCommands() {
		a := depot.AppendCommand(nil, c)
		env := encode(99, 12345, c)
		if want := append([]byte{byte(c.Kind())}, env[header:]...); !bytes.Equal(a, want) {
			t.Errorf("%s: AppendCommand = %x, want %x", c.Kind(), a, want)
		}
	}
}

func TestKindNames(t *testing.T) {
	for _, k := range allKinds() {
		got, ok := depot.ParseCommandKind(k.String())
		if !ok || got != k {
			t.Errorf("ParseCommandKind(%q) = %v, %v", k.String(), got, ok)
		}
	}
	if s := depot.CommandKind(0).String(); s != "unknown" {
		t.Errorf("kind 0 is %q", s)
	}
	for _, c := range depot.Codes() {
		got, ok := depot.ParseCode(c.String())
		if !ok || got != c || c.String() == "unknown" {
			t.Errorf("ParseCode(%q) = %v, %v", c.String(), got, ok)
		}
	}
	if len(depot.Codes()) != 13 {
		t.Errorf("%d codes, want 13 (update the API's status table with any new one)", len(depot.Codes()))
	}
	for k := depot.EventSKUDefined; k <= depot.EventReturned; k++ {
		if got, ok := depot.ParseEventKind(k.String()); !ok || got != k {
			t.Errorf("ParseEventKind(%q) = %v, %v", k.String(), got, ok)
		}
	}
}

func TestRejectionError(t *testing.T) {
	tests := []struct {
		r    *depot.Rejection
		want string
	}{
		{depot.Reject(depot.CodeInsufficientStock, "lines.qty", "need %d", 3), "insufficient_stock (lines.qty): need 3"},
		{depot.Reject(depot.CodeUnknownSKU, "", "no such SKU"), "unknown_sku: no such SKU"},
		{&depot.Rejection{Code: depot.CodeExpired}, "expired"},
	}
	for _, tc := range tests {
		if got := tc.r.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

// TestAppendEncodedEnvelopeMatches checks that stamping a pre-encoded command gives exactly the
// bytes of encoding the whole envelope: the sequencer journals the former, replay decodes them
// as the latter.
func TestAppendEncodedEnvelopeMatches(t *testing.T) {
	for _, c := range sampleCommands() {
		for _, st := range []struct {
			seq  uint64
			time int64
		}{{1, 0}, {300, -5}, {1 << 40, 1_800_000_000_123_456_789}} {
			want := depot.AppendEnvelope(nil, &depot.Envelope{Seq: st.seq, Time: st.time, Cmd: c})
			got := depot.AppendEncodedEnvelope(nil, st.seq, st.time, depot.AppendCommand(nil, c))
			if !bytes.Equal(got, want) {
				t.Fatalf("%s at seq %d: pre-encoded envelope %x, want %x", c.Kind(), st.seq, got, want)
			}
		}
	}
}

// TestFingerprintDependsOnEveryByte guards the idempotency check: commands that differ in any
// byte of their encoding must not share a fingerprint.
func TestFingerprintDependsOnEveryByte(t *testing.T) {
	for _, c := range sampleCommands() {
		enc := depot.AppendCommand(nil, c)
		base := depot.Fingerprint(enc)
		for i := range enc {
			changed := bytes.Clone(enc)
			changed[i] ^= 1
			if depot.Fingerprint(changed) == base {
				t.Fatalf("%s: flipping byte %d keeps the fingerprint", c.Kind(), i)
			}
		}
		if depot.Fingerprint(append(bytes.Clone(enc), 0)) == base {
			t.Fatalf("%s: a trailing zero keeps the fingerprint", c.Kind())
		}
	}
}

// TestEnvelopeOverheadMaxBoundsTheEnvelope: at the largest sequence number and the time of the
// longest varint, the envelope adds exactly EnvelopeOverheadMax bytes to the command's encoding,
// which the sequencer counts to keep a batch within one journal append.
func TestEnvelopeOverheadMaxBoundsTheEnvelope(t *testing.T) {
	enc := depot.AppendCommand(nil, &depot.Tick{})
	for _, tc := range []struct {
		seq  uint64
		time int64
	}{{1, 0}, {math.MaxUint64, math.MinInt64}, {math.MaxUint64, math.MaxInt64}} {
		got := len(depot.AppendEncodedEnvelope(nil, tc.seq, tc.time, enc)) - len(enc)
		if got > depot.EnvelopeOverheadMax {
			t.Fatalf("seq %d time %d: the envelope adds %d bytes, over EnvelopeOverheadMax (%d)", tc.seq, tc.time, got, depot.EnvelopeOverheadMax)
		}
		if tc.seq == math.MaxUint64 && got != depot.EnvelopeOverheadMax {
			t.Fatalf("seq %d time %d: the envelope adds %d bytes, want EnvelopeOverheadMax (%d) at the extremes", tc.seq, tc.time, got, depot.EnvelopeOverheadMax)
		}
	}
}
