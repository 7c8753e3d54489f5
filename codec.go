package depot

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/depothq/depot/internal/hash"
	"github.com/depothq/depot/internal/wire"
)

// The command codec is hand-written rather than JSON or protobuf because the journal replays
// millions of commands per second at start-up: a varint encoding with no reflection decodes a
// reserve in tens of nanoseconds. Its layout is
//
//	version(1) kind(1) seq(uvarint) time(varint) fields...
//
// where strings are uvarint length + bytes and slices are uvarint count + elements. The decoder
// refuses anything that does not re-encode to itself: unknown versions and kinds, over-limit
// lengths, trailing bytes.

// codecVersion is the envelope format version; bump it only with a decoder for the old one.
const codecVersion = 1

// EnvelopeOverheadMax is the most bytes an envelope adds to its command's AppendCommand encoding:
// the version byte and the varints of its sequence number and time (the kind is the encoding's
// first byte). Whoever bounds the journal bytes of a batch counts it per command.
const EnvelopeOverheadMax = 1 + 2*binary.MaxVarintLen64

// ErrCodec is wrapped by every decoding error so callers can tell bad bytes from other failures.
var ErrCodec = errors.New("depot: bad command encoding")

// AppendEnvelope appends the binary encoding of env to dst and returns the extended slice.
func AppendEnvelope(dst []byte, env *Envelope) []byte {
	e := wire.Encoder{B: append(dst, codecVersion, byte(env.Cmd.Kind()))}
	e.Uvarint(env.Seq)
	e.Varint(env.Time)
	env.Cmd.encode(&e)
	return e.B
}

// DecodeEnvelope decodes one envelope that fills data exactly. The result shares no memory
// with data.
func DecodeEnvelope(data []byte) (Envelope, error) {
	var d wire.Decoder
	env, _, err := decodeEnvelope(&d, data)
	return env, err
}

// EnvelopeDecoder decodes many envelopes, interning the catalogue ids (tenant, SKU, location,
// channel) they repeat, which is most of what replaying a journal would otherwise allocate. It
// is not safe for concurrent use.
type EnvelopeDecoder struct {
	// wire is reused for every envelope: a decoder handed to the commands' decode methods (an
	// interface call) escapes, and a fresh one per envelope was 48 bytes of garbage each.
	wire wire.Decoder
}

// NewEnvelopeDecoder returns a decoder with an empty symbol table.
func NewEnvelopeDecoder() *EnvelopeDecoder {
	return &EnvelopeDecoder{wire: wire.Decoder{Symbols: wire.NewSymbols()}}
}

// Decode decodes one envelope like DecodeEnvelope.
func (d *EnvelopeDecoder) Decode(data []byte) (Envelope, error) {
	env, _, err := decodeEnvelope(&d.wire, data)
	return env, err
}

// DecodeEncoded decodes one envelope and also sets its Encoded to the command's AppendCommand
// encoding, appended to buf (which it returns grown), and its Fingerprint, so that the engine
// neither encodes the command again nor hashes it on the applying goroutine. Those bytes are the envelope's own: a journal entry is
// AppendEncodedEnvelope of exactly that encoding, and decoding consumed every byte of it. Encoded
// aliases buf, so buf must not be appended to by anything else while the envelope is in use.
func (d *EnvelopeDecoder) DecodeEncoded(data, buf []byte) (Envelope, []byte, error) {
	env, fields, err := decodeEnvelope(&d.wire, data)
	if err != nil {
		return env, buf, err
	}
	start := len(buf)
	buf = append(buf, data[1])
	buf = append(buf, data[len(data)-fields:]...)
	env.Encoded = buf[start:len(buf):len(buf)]
	env.Fingerprint = Fingerprint(env.Encoded)
	return env, buf, nil
}

// decodeEnvelope decodes data with d, whose Symbols it keeps and whose other fields it resets;
// the int is the length of the command's fields at its end.
func decodeEnvelope(d *wire.Decoder, data []byte) (Envelope, int, error) {
	if len(data) > MaxCommandBytes {
		return Envelope{}, 0, fmt.Errorf("%w: %d bytes exceeds %d", ErrCodec, len(data), MaxCommandBytes)
	}
	if len(data) < 2 {
		return Envelope{}, 0, fmt.Errorf("%w: %d bytes is too short", ErrCodec, len(data))
	}
	if data[0] != codecVersion {
		return Envelope{}, 0, fmt.Errorf("%w: unknown version %d", ErrCodec, data[0])
	}
	kind := CommandKind(data[1])
	cmd := NewCommand(kind)
	if cmd == nil {
		return Envelope{}, 0, fmt.Errorf("%w: unknown command kind %d", ErrCodec, data[1])
	}
	d.B, d.Err = data[2:], nil
	env := Envelope{Seq: d.Uvarint(), Time: d.Varint(), Cmd: cmd}
	fields := len(d.B)
	cmd.decode(d)
	d.Done()
	err := d.Err
	d.B, d.Err = nil, nil // hold on to neither the caller's bytes nor an old error
	if err != nil {
		return Envelope{}, 0, fmt.Errorf("%w: %s: %v", ErrCodec, kind, err)
	}
	return env, fields, nil
}

func encodeBuffer(e *wire.Encoder, b Buffer) {
	e.Varint(b.Units)
	e.Varint(b.Percent)
	e.Varint(b.Cap)
}

func decodeBuffer(d *wire.Decoder) Buffer {
	return Buffer{Units: d.Varint(), Percent: d.Varint(), Cap: d.Varint()}
}

func decodeCoordinate(d *wire.Decoder) int64 {
	v := d.Varint()
	if v > math.MaxInt32 || v < math.MinInt32 {
		d.Fail("coordinate %d out of range", v)
		return 0
	}
	return v
}

func (c *DefineSKU) encode(e *wire.Encoder) {
	e.String(c.Tenant)
	e.String(c.SKU)
	e.String(c.Name)
	e.Varint(c.WeightGrams)
	e.Varint(c.PriceMinor)
	e.Uvarint(uint64(len(c.Components)))
	for _, comp := range c.Components {
		e.String(comp.SKU)
		e.Varint(comp.Qty)
	}
}

func (c *DefineSKU) decode(d *wire.Decoder) {
	c.Tenant, c.SKU, c.Name = d.Symbol(MaxIDLen), d.Symbol(MaxIDLen), d.String(MaxNameLen)
	c.WeightGrams, c.PriceMinor = d.Varint(), d.Varint()
	if n := d.Count(MaxComponents); n > 0 {
		c.Components = make([]Component, n)
		for i := range c.Components {
			c.Components[i] = Component{SKU: d.Symbol(MaxIDLen), Qty: d.Varint()}
		}
	}
}

func (c *DefineLocation) encode(e *wire.Encoder) {
	e.String(c.Tenant)
	e.String(c.Location)
	e.String(c.Name)
	e.Byte(uint8(c.Type))
	e.Byte(uint8(c.Status))
	e.Varint(c.LatE6)
	e.Varint(c.LonE6)
	e.Varint(c.ServiceRadiusM)
	e.Varint(c.CapacityPerHour)
	e.Strings(c.Groups)
	e.Varint(int64(c.UTCOffsetMinutes))
	e.Varint(int64(c.CutoffMinute))
	e.Varint(int64(c.RidersPerSlot))
	e.Varint(int64(c.RiderSlotMinutes))
}

func (c *DefineLocation) decode(d *wire.Decoder) {
	c.Tenant, c.Location, c.Name = d.Symbol(MaxIDLen), d.Symbol(MaxIDLen), d.String(MaxNameLen)
	c.Type, c.Status = LocationKind(d.Byte()), LocationStatus(d.Byte())
	c.LatE6, c.LonE6 = decodeCoordinate(d), decodeCoordinate(d)
	c.ServiceRadiusM, c.CapacityPerHour = d.Varint(), d.Varint()
	c.Groups = d.Strings(MaxLocationGroups, MaxIDLen)
	c.UTCOffsetMinutes, c.CutoffMinute = decodeInt32(d), decodeInt32(d)
	c.RidersPerSlot, c.RiderSlotMinutes = decodeInt32(d), decodeInt32(d)
}

// decodeInt32 reads a varint that must fit an int32, so the decoded value re-encodes to itself.
func decodeInt32(d *wire.Decoder) int32 {
	v := d.Varint()
	if v > math.MaxInt32 || v < math.MinInt32 {
		d.Fail("value %d out of int32 range", v)
		return 0
	}
	return int32(v)
}

func (c *DefineChannel) encode(e *wire.Encoder) {
	e.String(c.Tenant)
	e.String(c.Channel)
	e.String(c.Name)
	e.Strings(c.Locations)
	encodeBuffer(e, c.Default)
	e.Uvarint(uint64(len(c.Overrides)))
	for _, o := range c.Overrides {
		e.String(o.SKU)
		encodeBuffer(e, o.Buffer)
	}
}

func (c *DefineChannel) decode(d *wire.Decoder) {
	c.Tenant, c.Channel, c.Name = d.Symbol(MaxIDLen), d.Symbol(MaxIDLen), d.String(MaxNameLen)
	c.Locations = d.Strings(MaxChannelLocations, MaxIDLen)
	c.Default = decodeBuffer(d)
	if n := d.Count(MaxSKUBuffers); n > 0 {
		c.Overrides = make([]SKUBuffer, n)
		for i := range c.Overrides {
			c.Overrides[i] = SKUBuffer{SKU: d.Symbol(MaxIDLen), Buffer: decodeBuffer(d)}
		}
	}
}

// encodeStockRef writes the head shared by the stock movements: who, which command, what, where.
func encodeStockRef(e *wire.Encoder, tenant, id, sku, location string) {
	e.String(tenant)
	e.String(id)
	e.String(sku)
	e.String(location)
}

func decodeStockRef(d *wire.Decoder) (tenant, id, sku, location string) {
	return d.Symbol(MaxIDLen), d.String(MaxIDLen), d.Symbol(MaxIDLen), d.Symbol(MaxIDLen)
}

func (c *ExpectInbound) encode(e *wire.Encoder) {
	encodeStockRef(e, c.Tenant, c.ID, c.SKU, c.Location)
	e.Varint(c.Qty)
	e.Varint(c.ETA)
}

func (c *ExpectInbound) decode(d *wire.Decoder) {
	c.Tenant, c.ID, c.SKU, c.Location = decodeStockRef(d)
	c.Qty, c.ETA = d.Varint(), d.Varint()
}

func (c *Receive) encode(e *wire.Encoder) {
	encodeStockRef(e, c.Tenant, c.ID, c.SKU, c.Location)
	e.Varint(c.Qty)
	e.String(c.Inbound)
}

func (c *Receive) decode(d *wire.Decoder) {
	c.Tenant, c.ID, c.SKU, c.Location = decodeStockRef(d)
	c.Qty = d.Varint()
	c.Inbound = d.String(MaxIDLen)
}

func (c *Adjust) encode(e *wire.Encoder) {
	encodeStockRef(e, c.Tenant, c.ID, c.SKU, c.Location)
	e.Varint(c.Delta)
	e.String(c.Reason)
}

func (c *Adjust) decode(d *wire.Decoder) {
	c.Tenant, c.ID, c.SKU, c.Location = decodeStockRef(d)
	c.Delta = d.Varint()
	c.Reason = d.String(MaxReasonLen)
}

func (c *Count) encode(e *wire.Encoder) {
	encodeStockRef(e, c.Tenant, c.ID, c.SKU, c.Location)
	e.Varint(c.OnHand)
}

func (c *Count) decode(d *wire.Decoder) {
	c.Tenant, c.ID, c.SKU, c.Location = decodeStockRef(d)
	c.OnHand = d.Varint()
}

func (c *Hold) encode(e *wire.Encoder) {
	encodeStockRef(e, c.Tenant, c.ID, c.SKU, c.Location)
	e.Varint(c.Delta)
	e.String(c.Reason)
}

func (c *Hold) decode(d *wire.Decoder) {
	c.Tenant, c.ID, c.SKU, c.Location = decodeStockRef(d)
	c.Delta = d.Varint()
	c.Reason = d.String(MaxReasonLen)
}

func (c *Reserve) encode(e *wire.Encoder) {
	e.String(c.Tenant)
	e.String(c.Reservation)
	e.String(c.Channel)
	e.Varint(c.TTL)
	e.Uvarint(uint64(len(c.Lines)))
	for _, l := range c.Lines {
		e.String(l.SKU)
		e.String(l.Location)
		e.Varint(l.Qty)
	}
}

func (c *Reserve) decode(d *wire.Decoder) {
	c.Tenant, c.Reservation, c.Channel = d.Symbol(MaxIDLen), d.String(MaxIDLen), d.Symbol(MaxIDLen)
	c.TTL = d.Varint()
	if n := d.Count(MaxLines); n > 0 {
		c.Lines = make([]ReserveLine, n)
		for i := range c.Lines {
			c.Lines[i] = ReserveLine{SKU: d.Symbol(MaxIDLen), Location: d.Symbol(MaxIDLen), Qty: d.Varint()}
		}
	}
}

func (c *Extend) encode(e *wire.Encoder) {
	e.String(c.Tenant)
	e.String(c.Reservation)
	e.Varint(c.TTL)
}

func (c *Extend) decode(d *wire.Decoder) {
	c.Tenant, c.Reservation = d.Symbol(MaxIDLen), d.String(MaxIDLen)
	c.TTL = d.Varint()
}

func (c *Release) encode(e *wire.Encoder) {
	e.String(c.Tenant)
	e.String(c.Reservation)
}

func (c *Release) decode(d *wire.Decoder) {
	c.Tenant, c.Reservation = d.Symbol(MaxIDLen), d.String(MaxIDLen)
}

func (c *Commit) encode(e *wire.Encoder) {
	e.String(c.Tenant)
	e.String(c.Reservation)
	e.String(c.Order)
}

func (c *Commit) decode(d *wire.Decoder) {
	c.Tenant, c.Reservation, c.Order = d.Symbol(MaxIDLen), d.String(MaxIDLen), d.String(MaxIDLen)
}

func (c *Ship) encode(e *wire.Encoder) {
	e.String(c.Tenant)
	e.String(c.ID)
	e.String(c.Order)
	e.Uvarint(uint64(len(c.Lines)))
	for _, l := range c.Lines {
		e.String(l.SKU)
		e.String(l.Location)
		e.Varint(l.Qty)
	}
}

func (c *Ship) decode(d *wire.Decoder) {
	c.Tenant, c.ID, c.Order = d.Symbol(MaxIDLen), d.String(MaxIDLen), d.String(MaxIDLen)
	if n := d.Count(MaxLines); n > 0 {
		c.Lines = make([]ShipLine, n)
		for i := range c.Lines {
			c.Lines[i] = ShipLine{SKU: d.Symbol(MaxIDLen), Location: d.Symbol(MaxIDLen), Qty: d.Varint()}
		}
	}
}

func (c *Return) encode(e *wire.Encoder) {
	e.String(c.Tenant)
	e.String(c.ID)
	e.String(c.Order)
	e.String(c.SKU)
	e.String(c.Location)
	e.Varint(c.Qty)
	e.Bool(c.Restock)
	e.String(c.Reason)
}

func (c *Return) decode(d *wire.Decoder) {
	c.Tenant, c.ID, c.Order = d.Symbol(MaxIDLen), d.String(MaxIDLen), d.String(MaxIDLen)
	c.SKU, c.Location = d.Symbol(MaxIDLen), d.Symbol(MaxIDLen)
	c.Qty = d.Varint()
	c.Restock = d.Bool()
	c.Reason = d.String(MaxReasonLen)
}

func (*Tick) encode(*wire.Encoder) {}
func (*Tick) decode(*wire.Decoder) {}

// AppendCommand appends the encoding of a command without its envelope: the bytes that two
// requests with the same idempotency key must share to be the same request.
func AppendCommand(dst []byte, c Command) []byte {
	e := wire.Encoder{B: append(dst, byte(c.Kind()))}
	c.encode(&e)
	return e.B
}

// Fingerprint identifies a command's content from its AppendCommand encoding, so a retry with
// the same id can be told apart from a different command reusing it. It mixes eight bytes at a
// time (multiply-xorshift, as in wyhash and splitmix64). Fingerprints are part of the state:
// the function must never change for the same bytes.
func Fingerprint(encoded []byte) uint64 { return hash.Bytes(encoded) }

// AppendEncodedEnvelope appends the envelope of a command already encoded by AppendCommand: the
// same bytes as AppendEnvelope, without encoding the command again. The sequencer encodes on the
// callers' goroutines and only stamps here, on its single writer.
//
// It adds at most EnvelopeOverheadMax bytes to encoded.
func AppendEncodedEnvelope(dst []byte, seq uint64, time int64, encoded []byte) []byte {
	if len(encoded) == 0 {
		panic("depot: empty command encoding")
	}
	dst = append(dst, codecVersion, encoded[0])
	dst = binary.AppendUvarint(dst, seq)
	dst = binary.AppendVarint(dst, time)
	return append(dst, encoded[1:]...)
}
