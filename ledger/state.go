package ledger

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/depothq/depot"
	"github.com/depothq/depot/internal/wire"
)

// The canonical encoding of the ledger is both its snapshot format and the input of the state
// hash: two ledgers are the same state exactly when their encodings are equal. Everything is
// written in an order fixed by the state itself (tenants, channels, reservations, allocations,
// inbound receipts and memos by id; SKUs, locations and positions by their dense index, which
// the journal's order determines), never in map order.

const (
	stateMagic   = "DPLG"
	stateVersion = 1
	// maxStateCount bounds any one collection in a snapshot, as a sanity limit for decoding.
	maxStateCount = 1 << 28
)

// AppendState appends the canonical encoding of the ledger to dst.
func (l *Ledger) AppendState(dst []byte) []byte {
	// One growth up front: doubling through tens of megabytes costs more than the encoding.
	dst = slices.Grow(dst, l.sizeHint())
	e := wire.Encoder{B: append(dst, stateMagic...)}
	e.Byte(stateVersion)
	e.Varint(l.now)
	e.Uvarint(l.lastSeq)
	e.Uvarint(l.fifoNext)
	ids := l.tenantIDs()
	e.Uvarint(uint64(len(ids)))
	for _, id := range ids {
		l.tenants[id].encode(&e)
	}
	return e.B
}

// sizeHint estimates the encoded size from the counts, generously.
func (l *Ledger) sizeHint() int {
	n := 64
	for _, t := range l.tenants {
		n += 64 + len(t.skuList)*48 + len(t.locList)*96 + len(t.channels)*128 + len(t.positions)*32 +
			t.reservations.len()*64 + t.allocations.len()*48 + len(t.inbound)*48 + t.memos.len()*48
	}
	return n
}

func (t *tenant) encode(e *wire.Encoder) {
	e.String(t.id)
	e.Uvarint(uint64(len(t.skuList)))
	for _, s := range t.skuList {
		e.String(s.id)
		e.String(s.name)
		e.Varint(s.weightGrams)
		e.Varint(s.priceMinor)
		e.Uvarint(uint64(len(s.components)))
		for _, c := range s.components {
			e.Uvarint(uint64(c.sku.idx))
			e.Varint(c.qty)
		}
	}
	e.Uvarint(uint64(len(t.locList)))
	for _, loc := range t.locList {
		e.String(loc.id)
		e.String(loc.name)
		e.Byte(uint8(loc.kind))
		e.Byte(uint8(loc.status))
		e.Varint(loc.latE6)
		e.Varint(loc.lonE6)
		e.Varint(loc.serviceRadiusM)
		e.Varint(loc.capacityPerHour)
		e.Strings(loc.groups)
	}
	chans := sortedValues(t.channels, func(c *channel) string { return c.id })
	e.Uvarint(uint64(len(chans)))
	for _, ch := range chans {
		e.String(ch.id)
		e.String(ch.name)
		e.Uvarint(uint64(len(ch.locations)))
		for _, loc := range ch.locations {
			e.Uvarint(uint64(loc.idx))
		}
		encodeBuffer(e, ch.buffer)
		skus := make([]*sku, 0, len(ch.overrides))
		for s := range ch.overrides {
			skus = append(skus, s)
		}
		slices.SortFunc(skus, func(a, b *sku) int { return cmp.Compare(a.idx, b.idx) })
		e.Uvarint(uint64(len(skus)))
		for _, s := range skus {
			e.Uvarint(uint64(s.idx))
			encodeBuffer(e, ch.overrides[s])
		}
	}
	e.Uvarint(uint64(len(t.positions)))
	for i := range t.positions {
		p := &t.positions[i]
		e.Uvarint(uint64(p.sku))
		e.Uvarint(uint64(p.loc))
		for _, v := range [...]int64{p.onHand, p.reserved, p.allocated, p.held, p.inbound, p.received, p.adjusted, p.returned, p.shipped} {
			e.Varint(v)
		}
	}
	res := make([]*reservation, 0, t.reservations.len())
	t.reservations.each(func(r *reservation) { res = append(res, r) })
	// Canonical order by creation sequence, unique per reservation: comparing integers held in
	// the records is several times faster than comparing ids, whose bytes are cache misses of
	// their own, and encoding runs on the writer.
	slices.SortFunc(res, func(a, b *reservation) int { return cmp.Compare(a.createdSeq, b.createdSeq) })
	e.Uvarint(uint64(len(res)))
	for _, r := range res {
		e.String(r.id)
		e.String(r.channel)
		e.Byte(uint8(r.status))
		e.String(r.order)
		e.Varint(r.expiresAt)
		e.Uvarint(r.createdSeq)
		e.Uvarint(r.fingerprint)
		e.Varint(r.finishedAt)
		e.Uvarint(r.fifo)
		encodeLines(e, r.lines)
	}
	allocs := make([]*allocation, 0, t.allocations.len())
	t.allocations.each(func(a *allocation) { allocs = append(allocs, a) })
	slices.SortFunc(allocs, func(a, b *allocation) int { return strings.Compare(a.order, b.order) })
	e.Uvarint(uint64(len(allocs)))
	for _, a := range allocs {
		e.String(a.order)
		encodeLines(e, a.lines)
	}
	ins := sortedValues(t.inbound, func(in *inbound) string { return in.id })
	e.Uvarint(uint64(len(ins)))
	for _, in := range ins {
		e.String(in.id)
		e.Uvarint(uint64(in.pos))
		e.Varint(in.qty)
		e.Varint(in.remaining)
		e.Varint(in.eta)
		e.Uvarint(in.fingerprint)
	}
	// Remembered ids in the order they were remembered (fifo numbers are unique).
	type kindMemo struct {
		kind depot.CommandKind
		m    *memo
	}
	memos := make([]kindMemo, 0, t.memos.len())
	t.memos.each(func(k memoKey, m *memo) { memos = append(memos, kindMemo{kind: k.kind, m: m}) })
	slices.SortFunc(memos, func(a, b kindMemo) int { return cmp.Compare(a.m.fifo, b.m.fifo) })
	e.Uvarint(uint64(len(memos)))
	for _, km := range memos {
		m := km.m
		e.Byte(uint8(km.kind))
		e.String(m.id)
		e.Uvarint(m.fingerprint)
		e.Uvarint(m.seq)
		e.Varint(m.finishedAt)
		e.Uvarint(m.fifo)
	}
}

func encodeBuffer(e *wire.Encoder, b depot.Buffer) {
	e.Varint(b.Units)
	e.Varint(b.Percent)
	e.Varint(b.Cap)
}

func encodeLines(e *wire.Encoder, lines []line) {
	e.Uvarint(uint64(len(lines)))
	for _, ln := range lines {
		e.Uvarint(uint64(ln.pos))
		e.Varint(ln.qty)
	}
}

func sortedValues[V any](m map[string]V, key func(V) string) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b V) int { return strings.Compare(key(a), key(b)) })
	return out
}

// DecodeState rebuilds a ledger from its canonical encoding. Hostile or damaged bytes yield an
// error, never a panic: every index is bounds-checked, and the result must pass CheckInvariants
// and re-encode to exactly the input.
func DecodeState(data []byte) (*Ledger, error) {
	l, rest, err := DecodeStatePrefix(data)
	if err == nil && len(rest) != 0 {
		return nil, fmt.Errorf("ledger: decode state: %d trailing bytes", len(rest))
	}
	return l, err
}

// DecodeStatePrefix is DecodeState for a ledger encoding followed by other bytes (the engine
// appends the orders state after it): it decodes the ledger at the start of data and returns
// the bytes after it, with the same checks.
func DecodeStatePrefix(data []byte) (*Ledger, []byte, error) { return decodeState(data, true) }

// DecodeTrustedStatePrefix is DecodeStatePrefix without the final re-encoding, for snapshots
// this process family wrote and the journal's CRC vouches for: re-encoding sorts every id again
// and doubled start-up time. Bounds and invariants are still checked.
func DecodeTrustedStatePrefix(data []byte) (*Ledger, []byte, error) { return decodeState(data, false) }

func decodeState(data []byte, canonical bool) (*Ledger, []byte, error) {
	if len(data) < len(stateMagic)+1 || string(data[:len(stateMagic)]) != stateMagic {
		return nil, nil, fmt.Errorf("ledger: decode state: bad magic")
	}
	if data[len(stateMagic)] != stateVersion {
		return nil, nil, fmt.Errorf("ledger: decode state: unknown version %d", data[len(stateMagic)])
	}
	// Symbols interns the few strings repeated across records (a reservation's channel), so
	// that millions of records share them instead of holding a copy each.
	d := &wire.Decoder{B: data[len(stateMagic)+1:], Symbols: wire.NewSymbols()}
	l := New()
	l.now = d.Varint()
	l.lastSeq = d.Uvarint()
	l.fifoNext = d.Uvarint()
	n := d.Count(depot.MaxTenants)
	prev := ""
	for i := 0; i < n && d.Err == nil; i++ {
		t := decodeTenant(d, l)
		if d.Err != nil {
			break
		}
		if i > 0 && t.id <= prev {
			d.Fail("tenants out of order at %q", t.id)
			break
		}
		prev = t.id
		l.tenants[t.id] = t
	}
	if d.Err != nil {
		return nil, nil, fmt.Errorf("ledger: decode state: %w", d.Err)
	}
	rest := d.B
	used := data[:len(data)-len(rest)]
	l.rebuildMemory()
	err := l.checkInvariants(l.decodedClaims)
	l.decodedClaims = nil
	if err != nil {
		return nil, nil, fmt.Errorf("ledger: decode state: %w", err)
	}
	// Canonical means one encoding per state: anything that decodes but would re-encode
	// differently (duplicates, unsorted input, non-minimal varints) is not a snapshot we wrote.
	if canonical {
		if again := l.AppendState(nil); string(again) != string(used) {
			return nil, nil, fmt.Errorf("ledger: decode state: encoding is not canonical")
		}
	}
	return l, rest, nil
}

func decodeTenant(d *wire.Decoder, l *Ledger) *tenant {
	t := newTenant(d.String(depot.MaxIDLen))
	ns := d.Count(depot.MaxSKUs)
	// Component indexes are resolved after every SKU is read: a SKU redefined as a kit keeps its
	// original index, so its components may come later in the list.
	type pendingComponent struct {
		kit *sku
		idx uint64
		qty int64
	}
	var pending []pendingComponent
	for i := 0; i < ns && d.Err == nil; i++ {
		s := &sku{id: d.String(depot.MaxIDLen), idx: uint32(i), name: d.String(depot.MaxNameLen), weightGrams: d.Varint(), priceMinor: d.Varint()}
		nc := d.Count(depot.MaxComponents)
		for j := 0; j < nc && d.Err == nil; j++ {
			pending = append(pending, pendingComponent{kit: s, idx: d.Uvarint(), qty: d.Varint()})
		}
		if t.skus[s.id] != nil {
			d.Fail("duplicate SKU %q", s.id)
		}
		t.skus[s.id] = s
		t.skuList = append(t.skuList, s)
	}
	for _, p := range pending {
		if d.Err != nil {
			break
		}
		if p.idx >= uint64(len(t.skuList)) || t.skuList[p.idx] == p.kit || p.qty <= 0 || p.qty > depot.MaxQty {
			d.Fail("kit %q has a bad component (index %d, qty %d)", p.kit.id, p.idx, p.qty)
			break
		}
		p.kit.components = append(p.kit.components, component{sku: t.skuList[p.idx], qty: p.qty})
	}
	for _, p := range pending {
		if d.Err == nil && len(t.skuList[p.idx].components) > 0 {
			// Kits nest one level (defineSKU enforces it); expansion relies on that bound.
			d.Fail("kit %q has a kit as a component", p.kit.id)
		}
	}
	nl := d.Count(depot.MaxLocations)
	for i := 0; i < nl && d.Err == nil; i++ {
		loc := &location{id: d.String(depot.MaxIDLen), idx: uint32(i), name: d.String(depot.MaxNameLen)}
		loc.kind, loc.status = depot.LocationKind(d.Byte()), depot.LocationStatus(d.Byte())
		loc.latE6, loc.lonE6 = d.Varint(), d.Varint()
		loc.serviceRadiusM, loc.capacityPerHour = d.Varint(), d.Varint()
		loc.groups = d.Strings(depot.MaxLocationGroups, depot.MaxIDLen)
		if loc.kind < depot.LocationWarehouse || loc.kind > depot.LocationDarkStore || loc.status < depot.LocationOpen || loc.status > depot.LocationClosed {
			d.Fail("location %q has bad kind or status", loc.id)
		}
		if t.locations[loc.id] != nil {
			d.Fail("duplicate location %q", loc.id)
		}
		t.locations[loc.id] = loc
		t.locList = append(t.locList, loc)
	}
	nch := d.Count(depot.MaxChannels)
	for i := 0; i < nch && d.Err == nil; i++ {
		ch := &channel{id: d.String(depot.MaxIDLen), name: d.String(depot.MaxNameLen)}
		nloc := d.Count(depot.MaxChannelLocations)
		for j := 0; j < nloc && d.Err == nil; j++ {
			idx := d.Uvarint()
			if idx >= uint64(len(t.locList)) {
				d.Fail("channel location index %d out of range", idx)
				break
			}
			ch.locations = append(ch.locations, t.locList[idx])
		}
		ch.buffer = decodeBuffer(d)
		no := d.Count(depot.MaxSKUBuffers)
		for j := 0; j < no && d.Err == nil; j++ {
			idx := d.Uvarint()
			if idx >= uint64(len(t.skuList)) {
				d.Fail("buffer SKU index %d out of range", idx)
				break
			}
			if ch.overrides == nil {
				ch.overrides = make(map[*sku]depot.Buffer)
			}
			ch.overrides[t.skuList[idx]] = decodeBuffer(d)
		}
		if t.channels[ch.id] != nil {
			d.Fail("duplicate channel %q", ch.id)
		}
		t.channels[ch.id] = ch
	}
	np := d.Count(maxStateCount)
	if np > 0 {
		// Sized up front: growing a million-entry index dominated restores. Count bounds np
		// by the remaining input, so hostile bytes cannot ask for more than they carry.
		t.positions = make([]position, 0, np)
	}
	for i := 0; i < np && d.Err == nil; i++ {
		p := position{}
		si, li := d.Uvarint(), d.Uvarint()
		if si >= uint64(len(t.skuList)) || li >= uint64(len(t.locList)) {
			d.Fail("position index (%d, %d) out of range", si, li)
			break
		}
		p.sku, p.loc = uint32(si), uint32(li)
		p.onHand, p.reserved, p.allocated, p.held, p.inbound = d.Varint(), d.Varint(), d.Varint(), d.Varint(), d.Varint()
		p.received, p.adjusted, p.returned, p.shipped = d.Varint(), d.Varint(), d.Varint(), d.Varint()
		if !t.skuList[p.sku].addPosition(p.loc, int32(len(t.positions))) {
			d.Fail("duplicate position")
			break
		}
		t.positions = append(t.positions, p)
		l.positions++
	}
	claims := &claimSums{reserved: make([]int64, len(t.positions)), allocated: make([]int64, len(t.positions))}
	if l.decodedClaims == nil {
		l.decodedClaims = make(map[*tenant]*claimSums)
	}
	l.decodedClaims[t] = claims
	nr := d.Count(maxStateCount)
	l.restored = slices.Grow(l.restored, nr)
	t.reservations.presize(nr) // Count bounded nr by the bytes left, so a forged count cannot balloon it
	// Reservations are decoded in runs whose index slots are touched before they are inserted,
	// so that the run's cache misses overlap (as Warm does for commands): inserting millions of
	// ids into random slots, one miss at a time, was the largest part of a restore.
	var (
		run    [restoreRun]*reservation
		hashes [restoreRun]uint64
	)
	for i := 0; i < nr && d.Err == nil; {
		k := 0
		for ; k < restoreRun && i < nr && d.Err == nil; i, k = i+1, k+1 {
			r := l.reservations.alloc()
			*r = reservation{id: d.String(depot.MaxIDLen), tenant: t, channel: d.Symbol(depot.MaxIDLen), slot: -1}
			r.status = depot.ReservationStatus(d.Byte())
			r.order = d.String(depot.MaxIDLen)
			r.expiresAt, r.createdSeq, r.fingerprint = d.Varint(), d.Uvarint(), d.Uvarint()
			r.finishedAt, r.fifo = d.Varint(), d.Uvarint()
			r.lines = decodeLinesInto(d, len(t.positions), r.inline[:0])
			if r.status < depot.ReservationActive || r.status > depot.ReservationExpired {
				d.Fail("reservation %q has bad status %d", r.id, r.status)
			}
			run[k], hashes[k] = r, t.reservations.t.Hash(r.id)
		}
		l.warmSink ^= t.reservations.t.Touch(hashes[:k])
		for j, r := range run[:k] {
			if !t.reservations.insertH(hashes[j], r.id, r) {
				d.Fail("duplicate reservation %q", r.id)
			}
			if r.status == depot.ReservationActive && d.Err == nil {
				l.active++
				l.expiry.push(r)
				claims.active++
				claims.add(claims.reserved, r.lines)
			} else if d.Err == nil {
				l.restored = append(l.restored, memoRef{tenant: t, key: memoKey{kind: depot.KindReserve, id: r.id}, at: r.finishedAt, fifo: r.fifo, h: hashes[j]})
			}
		}
	}
	na := d.Count(maxStateCount)
	t.allocations.presize(na)
	for i := 0; i < na && d.Err == nil; i++ {
		a := &allocation{order: d.String(depot.MaxIDLen)}
		a.lines = decodeLines(d, len(t.positions))
		if !t.allocations.insert(a.order, a) {
			d.Fail("duplicate allocation %q", a.order)
		}
		claims.add(claims.allocated, a.lines)
	}
	ni := d.Count(maxStateCount)
	for i := 0; i < ni && d.Err == nil; i++ {
		in := &inbound{id: d.String(depot.MaxIDLen)}
		pos := d.Uvarint()
		if pos >= uint64(len(t.positions)) {
			d.Fail("inbound position %d out of range", pos)
			break
		}
		in.pos = int32(pos)
		in.qty, in.remaining, in.eta, in.fingerprint = d.Varint(), d.Varint(), d.Varint(), d.Uvarint()
		if t.inbound[in.id] != nil {
			d.Fail("duplicate inbound %q", in.id)
		}
		t.inbound[in.id] = in
	}
	nm := d.Count(maxStateCount)
	l.restored = slices.Grow(l.restored, nm)
	for i := 0; i < nm && d.Err == nil; i++ {
		k := memoKey{kind: depot.CommandKind(d.Byte()), id: d.String(depot.MaxIDLen)}
		m := l.memos.alloc()
		*m = memo{fingerprint: d.Uvarint(), seq: d.Uvarint(), finishedAt: d.Varint(), fifo: d.Uvarint()}
		if k.kind >= maxMemoKinds {
			d.Fail("memo kind %d out of range", k.kind)
			break
		}
		h := idHash(k.id)
		if !t.memos.insertH(k, h, m) {
			d.Fail("duplicate memo %s %q", k.kind, k.id)
		}
		l.restored = append(l.restored, memoRef{tenant: t, key: k, at: m.finishedAt, fifo: m.fifo, h: h})
	}
	return t
}

// restoreRun is how many records a restore decodes before inserting them, their index slots
// touched in between.
const restoreRun = 32

func decodeBuffer(d *wire.Decoder) depot.Buffer {
	return depot.Buffer{Units: d.Varint(), Percent: d.Varint(), Cap: d.Varint()}
}

func decodeLines(d *wire.Decoder, positions int) []line { return decodeLinesInto(d, positions, nil) }

// decodeLinesInto decodes lines into inline when they fit (a reservation's inline array, as
// reserve fills it), else into a new slice.
func decodeLinesInto(d *wire.Decoder, positions int, inline []line) []line {
	n := d.Count(depot.MaxLines * depot.MaxComponents)
	if n == 0 {
		return nil
	}
	lines := inline[:0]
	if n > cap(inline) {
		lines = make([]line, 0, n)
	}
	for i := 0; i < n && d.Err == nil; i++ {
		pos := d.Uvarint()
		if pos >= uint64(positions) {
			d.Fail("line position %d out of range", pos)
			break
		}
		lines = append(lines, line{pos: int32(pos), qty: d.Varint()})
	}
	return lines
}

// rebuildMemory restores the FIFO of remembered outcomes from the fifo numbers stored with each
// finished reservation and memo. decodeTenant collected the entries as it decoded them (in the
// snapshot's order, while each record was in cache; walking the indexes afterwards visited the
// records in hash order, a cache miss each), so only the sort is left. Memos are encoded in
// fifo order and reservations in creation order, which is nearly fifo order, so the sort mostly
// meets sorted runs.
//
// Fifo numbers are unique and, since the FIFO forgets its oldest first, nearly contiguous: when
// their span is at most twice their count, each entry is placed at its offset in the span and
// the span compacted, which is linear; otherwise (a span full of holes) they are sorted.
func (l *Ledger) rebuildMemory() {
	refs := l.restored
	l.restored = nil
	if len(refs) == 0 {
		l.memory.Reset(nil)
		return
	}
	lo, hi := refs[0].fifo, refs[0].fifo
	for i := range refs {
		lo, hi = min(lo, refs[i].fifo), max(hi, refs[i].fifo)
	}
	if span := hi - lo + 1; span <= 2*uint64(len(refs)) {
		placed := make([]memoRef, span)
		for i := range refs {
			slot := &placed[refs[i].fifo-lo]
			if slot.tenant != nil {
				// Two entries with one fifo number: a forged snapshot; CheckInvariants refuses
				// the state, and sorting keeps both so that it can.
				slices.SortFunc(refs, func(a, b memoRef) int { return cmp.Compare(a.fifo, b.fifo) })
				l.memory.Reset(refs)
				return
			}
			*slot = refs[i]
		}
		n := 0
		for i := range placed {
			if placed[i].tenant != nil {
				placed[n] = placed[i]
				n++
			}
		}
		clear(placed[n:])
		l.memory.Reset(placed[:n])
		return
	}
	slices.SortFunc(refs, func(a, b memoRef) int { return cmp.Compare(a.fifo, b.fifo) })
	l.memory.Reset(refs)
}
