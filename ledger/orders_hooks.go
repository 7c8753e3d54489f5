package ledger

import (
	"strconv"

	"github.com/depothq/depot"
)

// Hooks for order orchestration. The orders package decides; the ledger keeps the units. These
// methods read the catalogue and stock without allocating, and move stock between available,
// allocated and shipped for an order, all or nothing, emitting the same kind of events as the
// ledger's own commands. They are called by the engine inside the application of one command,
// so the caller stamps the command first (Stamp) and passes its sequence number and time.
//
// SKUs and locations are addressed by their dense index (SKURef, LocRef): indexes are fixed by
// the journal's order and never reused, so the orders state can hold them and encode them.

// SKURef is the dense index of a SKU within its tenant.
type SKURef = int32

// LocRef is the dense index of a location within its tenant.
type LocRef = int32

// Handle is one tenant of the ledger. The zero Handle is a tenant that does not exist: every
// lookup in it fails. A Handle stays valid for the ledger's life (tenants are never removed).
type Handle struct{ t *tenant }

// Handle returns the tenant's handle; the zero Handle if the tenant does not exist yet.
func (l *Ledger) Handle(tenantID string) Handle { return Handle{l.tenants[tenantID]} }

// Valid reports whether the tenant exists.
func (h Handle) Valid() bool { return h.t != nil }

// Stamp advances the logical clock and the last sequence number for a command the ledger does
// not apply itself, exactly as Apply would.
func (l *Ledger) Stamp(env *depot.Envelope) {
	l.curCmd, l.curEncoded, l.curFP = env.Cmd, env.Encoded, env.Fingerprint
	if env.Time > l.now {
		l.now = env.Time
	}
	if env.Seq > l.lastSeq {
		l.lastSeq = env.Seq
	}
}

// Replays reports whether the ledger would answer c, a command remembered by id, as a replay
// of an earlier one (same kind, id and content), so a caller guarding it lets it through. It is
// for the apply path: it remembers the tenant it looked up (see lastHit).
func (l *Ledger) Replays(c depot.Command, id string) bool {
	t := l.applyTenant(c.TenantID()) // orders' Guard asks on the apply path
	if t == nil {
		return false
	}
	m := t.memos.get(memoKey{kind: c.Kind(), id: id})
	return m != nil && m.fingerprint == l.Fingerprint(c)
}

// SKU returns the index of a SKU.
func (h Handle) SKU(id string) (SKURef, bool) {
	if h.t == nil {
		return -1, false
	}
	s := h.t.skus[id]
	if s == nil {
		return -1, false
	}
	return SKURef(s.idx), true
}

// SKUCount is the number of SKUs; valid indexes are 0..SKUCount-1.
func (h Handle) SKUCount() int { return len(h.t.skuList) }

// SKUID returns the id of a SKU.
func (h Handle) SKUID(s SKURef) string { return h.t.skuList[s].id }

// UnitWeightG is the weight of one unit of a SKU in grams; a kit without its own weight weighs
// its components.
func (h Handle) UnitWeightG(s SKURef) int64 {
	k := h.t.skuList[s]
	if k.weightGrams > 0 || len(k.components) == 0 {
		return k.weightGrams
	}
	var w int64
	for _, c := range k.components {
		w += c.qty * c.sku.weightGrams
	}
	return w
}

// Component is Qty units of a stocked SKU per unit of what contains it.
type Component struct {
	SKU SKURef
	Qty int64
}

// Components appends the stocked SKUs one unit of s consists of: its components for a kit,
// itself once otherwise.
func (h Handle) Components(s SKURef, dst []Component) []Component {
	k := h.t.skuList[s]
	if len(k.components) == 0 {
		return append(dst, Component{SKU: s, Qty: 1})
	}
	for _, c := range k.components {
		dst = append(dst, Component{SKU: SKURef(c.sku.idx), Qty: c.qty})
	}
	return dst
}

// Location returns the index of a location.
func (h Handle) Location(id string) (LocRef, bool) {
	if h.t == nil {
		return -1, false
	}
	loc := h.t.locations[id]
	if loc == nil {
		return -1, false
	}
	return LocRef(loc.idx), true
}

// LocationCount is the number of locations; valid indexes are 0..LocationCount-1.
func (h Handle) LocationCount() int {
	if h.t == nil {
		return 0
	}
	return len(h.t.locList)
}

// LocationInfo is what sourcing needs of a location. Groups is shared with the ledger and must
// not be modified.
type LocationInfo struct {
	ID              string
	Kind            depot.LocationKind
	Status          depot.LocationStatus
	LatE6, LonE6    int64
	ServiceRadiusM  int64
	CapacityPerHour int64
	Groups          []string
}

// LocationInfo fills info with the location's definition.
func (h Handle) LocationInfo(loc LocRef, info *LocationInfo) {
	l := h.t.locList[loc]
	info.ID, info.Kind, info.Status = l.id, l.kind, l.status
	info.LatE6, info.LonE6, info.ServiceRadiusM, info.CapacityPerHour = l.latE6, l.lonE6, l.serviceRadiusM, l.capacityPerHour
	info.Groups = l.groups
}

// LocationID returns the id of a location.
func (h Handle) LocationID(loc LocRef) string { return h.t.locList[loc].id }

// LocationStatus returns the status of a location.
func (h Handle) LocationStatus(loc LocRef) depot.LocationStatus { return h.t.locList[loc].status }

// ChannelRef is one channel of a tenant; the zero ChannelRef does not exist.
type ChannelRef struct{ ch *channel }

// Channel returns a channel of the tenant.
func (h Handle) Channel(id string) (ChannelRef, bool) {
	if h.t == nil {
		return ChannelRef{}, false
	}
	ch := h.t.channels[id]
	return ChannelRef{ch}, ch != nil
}

// ID is the channel's id.
func (c ChannelRef) ID() string { return c.ch.id }

// Locations appends the locations feeding the channel, in the order its policy prefers them.
func (c ChannelRef) Locations(dst []LocRef) []LocRef {
	for _, loc := range c.ch.locations {
		dst = append(dst, LocRef(loc.idx))
	}
	return dst
}

// Buffered reports whether the channel withholds any of s (a buffer or a cap applies), that is,
// whether its sellable units can be fewer than the sum of its locations' ATP.
func (c ChannelRef) Buffered(s SKURef, h Handle) bool {
	return c.ch.bufferFor(h.t.skuList[s]) != (depot.Buffer{})
}

// Available is what the channel may still sell of s after its buffer (whole kits for a kit).
func (c ChannelRef) Available(h Handle, s SKURef) int64 {
	k := h.t.skuList[s]
	var sum int64
	for _, loc := range c.ch.locations {
		if loc.status == depot.LocationOpen {
			sum += h.t.atpAt(k, loc)
		}
	}
	return withhold(sum, c.ch.bufferFor(k))
}

// ATP is the available-to-promise of s at loc, never below zero; whole kits for a kit.
func (h Handle) ATP(s SKURef, loc LocRef) int64 {
	return h.t.atpAt(h.t.skuList[s], h.t.locList[loc])
}

// PosRef is the index of a position (a SKU at a location) within its tenant. Positions are
// append-only, so a PosRef never changes meaning, and new positions only ever get higher ones.
type PosRef = int32

// PositionCount is the number of positions; valid PosRefs are 0..PositionCount-1.
func (h Handle) PositionCount() int { return len(h.t.positions) }

// PositionAt returns the SKU and location of a position.
func (h Handle) PositionAt(p PosRef) (SKURef, LocRef) {
	pos := &h.t.positions[p]
	return SKURef(pos.sku), LocRef(pos.loc)
}

// PositionATP is the available-to-promise of a position, never below zero.
func (h Handle) PositionATP(p PosRef) int64 { return max(h.t.positions[p].atp(), 0) }

// IsKit reports whether s is a kit (it holds no stock of its own).
func (h Handle) IsKit(s SKURef) bool { return len(h.t.skuList[s].components) > 0 }

// Claim asks for Qty units of SKU (a kit counts whole kits) at Loc for an order; Ref names the
// shipment it is for in the events. Pos may carry the position of (SKU, Loc) when the caller
// knows it, saving a lookup; it is used only if it is that position.
type Claim struct {
	SKU SKURef
	Loc LocRef
	Qty int64
	Ref string
	Pos PosRef
}

// Allocate moves the claims' units from available to allocated under order, all or nothing:
// kits are expanded into components and demand is summed per position before it is checked
// against ATP and, when ch is set, against what the channel may sell after its buffers. On a
// shortfall nothing changes and the rejection names it. It emits one allocated event per claim
// and component. fresh promises that nothing is allocated to order yet (an order created by
// this command), which saves a lookup in a map of every allocation.
func (l *Ledger) Allocate(h Handle, ch ChannelRef, order string, fresh bool, claims []Claim, seq uint64, now int64, out []depot.Event) ([]depot.Event, *depot.Rejection) {
	t := h.t
	l.need = l.need[:0]
	for i := range claims {
		c := &claims[i]
		if p := c.Pos; p >= 0 && int(p) < len(t.positions) && t.positions[p].sku == uint32(c.SKU) && t.positions[p].loc == uint32(c.Loc) {
			l.addNeedAt(t, p, c.Qty)
			continue
		}
		// Every position an allocation touches exists: ATP > 0 needs a position, and a claim
		// without stock fails the check below before anything is created.
		if rej := l.addNeed(t, t.skuList[c.SKU], t.locList[c.Loc], c.Qty); rej != nil {
			return out, rej
		}
	}
	for _, n := range l.need {
		var atp int64
		if n.pos >= 0 {
			atp = t.positions[n.pos].atp()
		}
		if n.qty > atp {
			return out, shortOfStock(n.sku.id+" at "+n.loc.id+" has "+strconv.FormatInt(max(atp, 0), 10)+" available, the order needs "+strconv.FormatInt(n.qty, 10),
				depot.Shortfall{SKU: n.sku.id, Location: n.loc.id, Requested: n.qty, Available: max(atp, 0)})
		}
	}
	if ch.ch != nil {
		if rej := l.checkClaimBuffers(t, ch.ch, claims); rej != nil {
			return out, rej
		}
	}
	a := t.allocationFor(order, len(l.need), fresh)
	for _, n := range l.need {
		t.positions[n.pos].allocated += n.qty
		if j := a.find(n.pos); j >= 0 {
			a.lines[j].qty += n.qty
		} else {
			a.lines = append(a.lines, line{pos: n.pos, qty: n.qty})
		}
	}
	for i := range claims {
		c := &claims[i]
		out = h.eachComponent(c.SKU, c.Qty, out, func(out []depot.Event, s *sku, q int64) []depot.Event {
			return append(out, depot.Event{Seq: seq, Time: now, Kind: depot.EventAllocated, Tenant: t.id, Ref: c.Ref, Order: order,
				SKU: s.id, Location: t.locList[c.Loc].id, Qty: q})
		})
	}
	return out, nil
}

// addNeedAt adds demand on a known position of a stocked SKU.
func (l *Ledger) addNeedAt(t *tenant, pos PosRef, qty int64) {
	for i := range l.need {
		if l.need[i].pos == pos {
			l.need[i].qty += qty
			return
		}
	}
	p := &t.positions[pos]
	l.need = append(l.need, need{pos: pos, qty: qty, sku: t.skuList[p.sku], loc: t.locList[p.loc]})
}

// checkClaimBuffers refuses claims that would take a SKU below what the channel must withhold.
func (l *Ledger) checkClaimBuffers(t *tenant, ch *channel, claims []Claim) *depot.Rejection {
	for i := range claims {
		s := t.skuList[claims[i].SKU]
		if ch.bufferFor(s) == (depot.Buffer{}) {
			continue
		}
		seen := false
		for _, prev := range claims[:i] {
			seen = seen || prev.SKU == claims[i].SKU
		}
		if seen {
			continue
		}
		var want int64
		for _, other := range claims[i:] {
			if other.SKU == claims[i].SKU {
				want += other.Qty
			}
		}
		if avail := l.channelATP(t, ch, s); want > avail {
			return shortOfStock("channel "+strconv.Quote(ch.id)+" may sell "+strconv.FormatInt(avail, 10)+" of "+strconv.Quote(s.id)+
				" after its buffer, the order needs "+strconv.FormatInt(want, 10), depot.Shortfall{SKU: s.id, Requested: want, Available: avail})
		}
	}
	return nil
}

// eachComponent calls fn for each stocked SKU of qty units of s (itself, or a kit's components).
func (h Handle) eachComponent(s SKURef, qty int64, out []depot.Event, fn func([]depot.Event, *sku, int64) []depot.Event) []depot.Event {
	k := h.t.skuList[s]
	if len(k.components) == 0 {
		return fn(out, k, qty)
	}
	for _, c := range k.components {
		out = fn(out, c.sku, qty*c.qty)
	}
	return out
}

// Deallocate returns qty units of s (kits as components) allocated to order at loc to available
// stock, emitting deallocated events with ref and reason. The orders state guarantees the units
// are allocated; if they are not, the two states disagree and continuing would corrupt both, so
// it panics.
func (l *Ledger) Deallocate(h Handle, order, ref string, s SKURef, loc LocRef, qty int64, reason string, seq uint64, now int64, out []depot.Event) []depot.Event {
	return l.moveAllocated(h, order, ref, s, loc, qty, false, reason, seq, now, out)
}

// Ship removes qty units of s allocated to order at loc from on-hand stock (they left the
// building), emitting shipped events with ref. Like Deallocate it panics if they are not
// allocated.
func (l *Ledger) Ship(h Handle, order, ref string, s SKURef, loc LocRef, qty int64, seq uint64, now int64, out []depot.Event) []depot.Event {
	return l.moveAllocated(h, order, ref, s, loc, qty, true, "", seq, now, out)
}

func (l *Ledger) moveAllocated(h Handle, order, ref string, s SKURef, loc LocRef, qty int64, ship bool, reason string, seq uint64, now int64, out []depot.Event) []depot.Event {
	t := h.t
	a := t.allocations.get(order)
	if a == nil {
		panic("ledger: order " + order + " has no allocation to move")
	}
	where := t.locList[loc]
	out = h.eachComponent(s, qty, out, func(out []depot.Event, c *sku, q int64) []depot.Event {
		pos := t.positionOf(c, where)
		j := a.find(pos)
		if j < 0 || a.lines[j].qty < q {
			panic("ledger: order " + order + " has too little of " + c.id + " allocated at " + where.id)
		}
		a.lines[j].qty -= q
		p := &t.positions[pos]
		p.allocated -= q
		ev := depot.Event{Seq: seq, Time: now, Tenant: t.id, Ref: ref, Order: order, SKU: c.id, Location: where.id, Qty: q}
		if ship {
			p.onHand -= q
			p.shipped += q
			ev.Kind = depot.EventShipped
		} else {
			ev.Kind, ev.Reason = depot.EventDeallocated, reason
		}
		return append(out, ev)
	})
	a.compact()
	if len(a.lines) == 0 {
		t.allocations.remove(order)
	}
	return out
}

// AllocatedTo appends what is allocated to order, one entry per (stocked SKU, location), in the
// allocation's order. Ref is empty. For invariant checks.
func (h Handle) AllocatedTo(order string, dst []Claim) []Claim {
	if h.t == nil {
		return dst
	}
	a := h.t.allocations.get(order)
	if a == nil {
		return dst
	}
	for _, ln := range a.lines {
		p := &h.t.positions[ln.pos]
		dst = append(dst, Claim{SKU: SKURef(p.sku), Loc: LocRef(p.loc), Qty: ln.qty})
	}
	return dst
}

// ReservationClaims appends the lines of a reservation that an order may consume, one claim per
// stocked SKU and location in the reservation's order (Ref empty, Pos set), and returns the
// reservation's channel. It refuses what commit refuses: an unknown reservation, an expired one
// (by time, even before the tick), and one no longer active (committed, released).
func (l *Ledger) ReservationClaims(h Handle, id string, now int64, dst []Claim) ([]Claim, string, *depot.Rejection) {
	t := h.t
	if t == nil {
		return dst, "", depot.Reject(depot.CodeUnknownReservation, "reservation", "unknown reservation %q", id)
	}
	r := t.reservations.get(id)
	if rej := l.live(r, id, now); rej != nil {
		rej.Field = "reservation"
		if r != nil && r.status == depot.ReservationCommitted {
			rej.Message = "reservation " + id + " was consumed by order " + r.order
		}
		return dst, "", rej
	}
	for _, ln := range r.lines {
		p := &t.positions[ln.pos]
		dst = append(dst, Claim{SKU: SKURef(p.sku), Loc: LocRef(p.loc), Qty: ln.qty, Pos: ln.pos})
	}
	return dst, r.channel, nil
}

// ConsumeReservation commits a live reservation to order: the claims' units (kits as
// components) move from reserved to allocated under order, each with a committed event (Ref the
// reservation, Order, the claim's Ref unused), and whatever the claims leave of the reservation
// is released with released events. The reservation ends committed to order, so it cannot be
// consumed, committed or released again. The caller checked the claims against
// ReservationClaims in the same command; claims the reservation does not cover mean the two
// states disagree, and it panics.
func (l *Ledger) ConsumeReservation(h Handle, id, order string, claims []Claim, seq uint64, now int64, out []depot.Event) []depot.Event {
	t := h.t
	rh := idHash(id)
	r := t.reservations.getH(rh, id)
	if l.live(r, id, now) != nil {
		panic("ledger: consuming reservation " + id + ", which is not live")
	}
	left := make([]int64, len(r.lines))
	for i, ln := range r.lines {
		left[i] = ln.qty
	}
	a := t.allocationFor(order, len(r.lines), false)
	take := func(pos int32, qty int64) {
		for i, ln := range r.lines {
			if ln.pos == pos && left[i] >= qty {
				left[i] -= qty
				p := &t.positions[pos]
				p.reserved -= qty
				p.allocated += qty
				if j := a.find(pos); j >= 0 {
					a.lines[j].qty += qty
				} else {
					a.lines = append(a.lines, line{pos: pos, qty: qty})
				}
				out = append(out, depot.Event{Seq: seq, Time: now, Kind: depot.EventCommitted, Tenant: t.id, Ref: r.id, Order: order,
					SKU: t.skuList[p.sku].id, Location: t.locList[p.loc].id, Channel: r.channel, Qty: qty})
				return
			}
		}
		panic("ledger: reservation " + id + " does not cover a claim of order " + order)
	}
	for i := range claims {
		c := &claims[i]
		where := t.locList[c.Loc]
		k := t.skuList[c.SKU]
		if len(k.components) == 0 {
			take(t.positionOf(k, where), c.Qty)
			continue
		}
		for _, comp := range k.components {
			take(t.positionOf(comp.sku, where), c.Qty*comp.qty)
		}
	}
	for i, ln := range r.lines {
		if left[i] > 0 {
			p := &t.positions[ln.pos]
			p.reserved -= left[i]
			out = append(out, depot.Event{Seq: seq, Time: now, Kind: depot.EventReleased, Tenant: t.id, Ref: r.id,
				SKU: t.skuList[p.sku].id, Location: t.locList[p.loc].id, Channel: r.channel, Qty: left[i]})
		}
	}
	if len(a.lines) == 0 {
		t.allocations.remove(order)
	}
	r.order = order
	l.retire(&step{seq: seq, now: now}, t, r, rh, depot.ReservationCommitted)
	return out
}

// ReleaseHeldReservation releases a live reservation that an order held without converting it
// (a ship-complete order cancelled while waiting): every line's units return to available, each
// with a released event (Ref the reservation), and the reservation ends released, as if its
// client had released it. The caller checked it live with ReservationClaims in the same
// command; a reservation that is not live means the two states disagree, and it panics.
func (l *Ledger) ReleaseHeldReservation(h Handle, id string, seq uint64, now int64, out []depot.Event) []depot.Event {
	t := h.t
	rh := idHash(id)
	r := t.reservations.getH(rh, id)
	if l.live(r, id, now) != nil {
		panic("ledger: releasing held reservation " + id + ", which is not live")
	}
	for _, ln := range r.lines {
		ev := t.unreserve(r, ln, depot.EventReleased)
		ev.Seq, ev.Time, ev.Tenant = seq, now, t.id
		out = append(out, ev)
	}
	l.retire(&step{seq: seq, now: now}, t, r, rh, depot.ReservationReleased)
	return out
}
