package ledger

import (
	"github.com/depothq/depot"
	"strconv"
)

// Reservations: the claims a channel puts on stock before an order is placed, committed into
// allocations when it is, and returned when released or expired.

func (l *Ledger) reserve(st *step, c *depot.Reserve) (*depot.Rejection, bool) {
	t := orEmpty(l.applyTenant(c.Tenant))
	fp := l.Fingerprint(c)
	h := idHash(c.Reservation) // hashed once, for the lookup and the insert
	if r := t.reservations.getH(h, c.Reservation); r != nil {
		if r.fingerprint == fp {
			return nil, true
		}
		return depot.Reject(depot.CodeDuplicate, "id", "reservation %q already exists with different content", c.Reservation), false
	}
	ch := t.applyChannel(c.Channel)
	if ch == nil {
		return depot.Reject(depot.CodeUnknownChannel, "channel", "unknown channel %q", c.Channel), false
	}
	if l.active >= depot.MaxActiveReservations {
		return depot.Reject(depot.CodeLimitExceeded, "id", "at most %d live reservations", depot.MaxActiveReservations), false
	}
	if rej := l.placeDemand(t, ch, c.Lines); rej != nil {
		return rej, false
	}
	ttl := c.TTL
	if ttl == 0 {
		ttl = depot.DefaultTTL
	}
	r := l.reservations.alloc()
	*r = reservation{
		id: c.Reservation, tenant: t, channel: ch.id, status: depot.ReservationActive,
		expiresAt: st.now + ttl, createdSeq: st.seq, fingerprint: fp,
	}
	if len(l.need) <= len(r.inline) {
		r.lines = r.inline[:len(l.need)]
	} else {
		r.lines = make([]line, len(l.need))
	}
	for i, n := range l.need {
		p := &t.positions[n.pos]
		p.reserved += n.qty
		r.lines[i] = line{pos: n.pos, qty: n.qty}
		l.emit(st, t, depot.Event{Kind: depot.EventReserved, Ref: r.id, SKU: n.sku.id, Location: n.loc.id, Channel: ch.id, Qty: n.qty, At: r.expiresAt})
	}
	t.reservations.insertH(h, r.id, r)
	l.active++
	l.expiry.push(r)
	return nil, false
}

// placeDemand resolves the lines of a reserve into l.need: kits become components, lines without
// a location are placed by the channel's policy (the first open feeding location, in the
// channel's order, that can fill the whole line), and the demand is summed per position before it
// is checked against ATP and the channel's buffers. It changes nothing.
func (l *Ledger) placeDemand(t *tenant, ch *channel, lines []depot.ReserveLine) *depot.Rejection {
	l.need = l.need[:0]
	for _, ln := range lines {
		s := t.skus[ln.SKU]
		if s == nil {
			return depot.Reject(depot.CodeUnknownSKU, "lines.sku", "unknown SKU %q", ln.SKU)
		}
		if ln.Location != "" {
			loc := t.locations[ln.Location]
			if loc == nil {
				return depot.Reject(depot.CodeUnknownLocation, "lines.location", "unknown location %q", ln.Location)
			}
			if loc.status != depot.LocationOpen {
				return depot.Reject(depot.CodeLocationUnavailable, "lines.location", "location %q is %s", loc.id, loc.status)
			}
			if !ch.feeds(loc) {
				return depot.Reject(depot.CodeLocationUnavailable, "lines.location", "location %q does not feed channel %q", loc.id, ch.id)
			}
			if rej := l.addNeed(t, s, loc, ln.Qty); rej != nil {
				return rej
			}
			continue
		}
		loc, seen := l.choose(t, ch, s, ln.Qty)
		if loc == nil {
			avail := withhold(seen, ch.bufferFor(s))
			if len(s.components) > 0 {
				avail = l.channelATP(t, ch, s)
			}
			return shortOfStock("no location feeding "+strconv.Quote(ch.id)+" can fill "+strconv.FormatInt(ln.Qty, 10)+" of "+strconv.Quote(ln.SKU),
				depot.Shortfall{SKU: s.id, Requested: ln.Qty, Available: avail})
		}
		if rej := l.addNeed(t, s, loc, ln.Qty); rej != nil {
			return rej
		}
	}
	var short []depot.Shortfall
	for _, n := range l.need {
		var atp int64
		if n.pos >= 0 {
			atp = t.positions[n.pos].atp()
		}
		if n.qty > atp {
			short = append(short, depot.Shortfall{SKU: n.sku.id, Location: n.loc.id, Requested: n.qty, Available: max(atp, 0)})
		}
	}
	if len(short) > 0 {
		r := shortOfStock(strconv.Itoa(len(short)) + " of " + strconv.Itoa(len(l.need)) + " positions lack stock")
		r.Shortfalls = short
		return r
	}
	return l.checkBuffers(t, ch, lines)
}

// shortOfStock is the insufficient_stock rejection of a reserve or an allocation, with its
// shortfalls. Callers concatenate the message rather than format it (the same text: %q is
// strconv.Quote): under oversell pressure most commands are refused, and fmt was a fifth of a
// refusal's cost.
func shortOfStock(msg string, shortfalls ...depot.Shortfall) *depot.Rejection {
	return &depot.Rejection{Code: depot.CodeInsufficientStock, Field: "lines.qty", Message: msg, Shortfalls: shortfalls}
}

// addNeed adds the demand of qty units of s (or of its components) at loc.
func (l *Ledger) addNeed(t *tenant, s *sku, loc *location, qty int64) *depot.Rejection {
	if len(s.components) == 0 {
		return l.addNeedOne(t, s, loc, qty)
	}
	for _, c := range s.components {
		if rej := l.addNeedOne(t, c.sku, loc, qty*c.qty); rej != nil {
			return rej
		}
	}
	return nil
}

func (l *Ledger) addNeedOne(t *tenant, s *sku, loc *location, qty int64) *depot.Rejection {
	pos := t.positionOf(s, loc)
	for i := range l.need {
		n := &l.need[i]
		if n.sku == s && n.loc == loc {
			n.qty += qty
			return nil
		}
	}
	if pos < 0 {
		// No position means no stock; the ATP check reports the shortfall with the SKU and
		// location named, and nothing is created for a demand that cannot be met.
		l.need = append(l.need, need{pos: -1, qty: qty, sku: s, loc: loc, fresh: true})
		return nil
	}
	l.need = append(l.need, need{pos: pos, qty: qty, sku: s, loc: loc})
	return nil
}

// claimed is the demand already placed on (s, loc) by earlier lines of the same command.
func (l *Ledger) claimed(s *sku, loc *location) int64 {
	for _, n := range l.need {
		if n.sku == s && n.loc == loc {
			return n.qty
		}
	}
	return 0
}

// choose returns the first open location feeding ch that can fill qty of s (all components of a
// kit at one location, so the line ships as one parcel), counting what earlier lines claimed.
// When none can and s is not a kit, seen is the ATP of s summed over those locations (channelATP
// before the buffer), added up on the way: a sold-out SKU is refused with that figure, and
// reading every location twice was a fifth of the refusal.
func (l *Ledger) choose(t *tenant, ch *channel, s *sku, qty int64) (loc *location, seen int64) {
	for _, loc := range ch.locations {
		if loc.status != depot.LocationOpen {
			continue
		}
		if len(s.components) == 0 {
			i := t.positionOf(s, loc)
			if i < 0 {
				continue
			}
			atp := t.positions[i].atp()
			if atp-l.claimed(s, loc) >= qty {
				return loc, 0
			}
			seen += max(atp, 0)
			continue
		}
		ok := true
		for _, c := range s.components {
			if l.free(t, c.sku, loc) < qty*c.qty {
				ok = false
				break
			}
		}
		if ok {
			return loc, 0
		}
	}
	return nil, seen
}

// free is the ATP of (s, loc) minus what this command already claimed there.
func (l *Ledger) free(t *tenant, s *sku, loc *location) int64 {
	i := t.positionOf(s, loc)
	if i < 0 {
		return 0
	}
	return t.positions[i].atp() - l.claimed(s, loc)
}

// checkBuffers refuses a reserve that would take a SKU below what the channel must withhold.
// Without a buffer or cap the per-location check already implies it, so the common case costs
// one map lookup per line.
func (l *Ledger) checkBuffers(t *tenant, ch *channel, lines []depot.ReserveLine) *depot.Rejection {
	if ch.buffer == (depot.Buffer{}) && len(ch.overrides) == 0 {
		return nil // a channel without buffers sells what its locations hold
	}
	for i, ln := range lines {
		s := t.skus[ln.SKU]
		b := ch.bufferFor(s)
		if b == (depot.Buffer{}) {
			continue
		}
		seen := false
		for _, prev := range lines[:i] {
			if prev.SKU == ln.SKU {
				seen = true
				break
			}
		}
		if seen {
			continue
		}
		var want int64
		for _, other := range lines[i:] {
			if other.SKU == ln.SKU {
				want += other.Qty
			}
		}
		if avail := l.channelATP(t, ch, s); want > avail {
			return shortOfStock("channel "+strconv.Quote(ch.id)+" may sell "+strconv.FormatInt(avail, 10)+" of "+strconv.Quote(s.id)+
				" after its buffer, asked for "+strconv.FormatInt(want, 10), depot.Shortfall{SKU: s.id, Requested: want, Available: avail})
		}
	}
	return nil
}

// atpAt is the ATP of s at loc; for a kit, how many whole kits its components allow.
func (t *tenant) atpAt(s *sku, loc *location) int64 {
	if len(s.components) == 0 {
		i := t.positionOf(s, loc)
		if i < 0 {
			return 0
		}
		return max(t.positions[i].atp(), 0)
	}
	kits := int64(-1)
	for _, c := range s.components {
		i := t.positionOf(c.sku, loc)
		if i < 0 {
			return 0
		}
		n := max(t.positions[i].atp(), 0) / c.qty
		if kits < 0 || n < kits {
			kits = n
		}
	}
	return max(kits, 0)
}

// channelATP is the sum of ATP over the open locations feeding ch, less its buffer.
func (l *Ledger) channelATP(t *tenant, ch *channel, s *sku) int64 {
	var sum int64
	for _, loc := range ch.locations {
		if loc.status == depot.LocationOpen {
			sum += t.atpAt(s, loc)
		}
	}
	return withhold(sum, ch.bufferFor(s))
}

func (l *Ledger) extend(st *step, c *depot.Extend) *depot.Rejection {
	t := orEmpty(l.applyTenant(c.Tenant))
	r := t.reservations.get(c.Reservation)
	if rej := l.live(r, c.Reservation, st.now); rej != nil {
		return rej
	}
	l.expiry.reschedule(r, st.now+c.TTL)
	l.emit(st, t, depot.Event{Kind: depot.EventExtended, Ref: r.id, Channel: r.channel, At: r.expiresAt})
	return nil
}

// live checks that a reservation exists and still holds stock at now. A reservation past its
// expiry is expired even before the tick that formally releases it: time, not the tick's
// arrival, decides.
func (l *Ledger) live(r *reservation, id string, now int64) *depot.Rejection {
	// Messages are concatenated rather than formatted (the same text: %q is strconv.Quote):
	// commits and releases of expired reservations are common, and a replay meets them all.
	if r == nil {
		return &depot.Rejection{Code: depot.CodeUnknownReservation, Field: "id", Message: "unknown reservation " + strconv.Quote(id)}
	}
	if r.status == depot.ReservationExpired || (r.status == depot.ReservationActive && now >= r.expiresAt) {
		return &depot.Rejection{Code: depot.CodeExpired, Field: "id", Message: "reservation " + strconv.Quote(id) + " expired"}
	}
	if r.status != depot.ReservationActive {
		return depot.Reject(depot.CodeInvalidState, "id", "reservation %q is %s", id, r.status)
	}
	return nil
}

func (l *Ledger) release(st *step, c *depot.Release) (*depot.Rejection, bool) {
	t := orEmpty(l.applyTenant(c.Tenant))
	h := idHash(c.Reservation)
	r := t.reservations.getH(h, c.Reservation)
	if r != nil && r.status == depot.ReservationReleased {
		return nil, true
	}
	if rej := l.live(r, c.Reservation, st.now); rej != nil {
		return rej, false
	}
	l.finish(st, t, r, h, depot.ReservationReleased, depot.EventReleased)
	return nil, false
}

func (l *Ledger) commit(st *step, c *depot.Commit) (*depot.Rejection, bool) {
	t := orEmpty(l.applyTenant(c.Tenant))
	h := idHash(c.Reservation)
	r := t.reservations.getH(h, c.Reservation)
	if r != nil && r.status == depot.ReservationCommitted {
		if r.order == c.Order {
			return nil, true
		}
		return depot.Reject(depot.CodeInvalidState, "order", "reservation %q is committed to order %q", r.id, r.order), false
	}
	if rej := l.live(r, c.Reservation, st.now); rej != nil {
		return rej, false
	}
	a := t.allocationFor(c.Order, len(r.lines), false)
	for _, ln := range r.lines {
		p := &t.positions[ln.pos]
		p.reserved -= ln.qty
		p.allocated += ln.qty
		if j := a.find(ln.pos); j >= 0 {
			a.lines[j].qty += ln.qty
		} else {
			a.lines = append(a.lines, ln)
		}
		l.emit(st, t, depot.Event{Kind: depot.EventCommitted, Ref: r.id, Order: c.Order, SKU: t.skuList[p.sku].id,
			Location: t.locList[p.loc].id, Channel: r.channel, Qty: ln.qty})
	}
	r.order = c.Order
	l.retire(st, t, r, h, depot.ReservationCommitted)
	return nil, false
}

// allocationFor returns order's allocation, creating it when the order has none (or, fresh, is
// known to have none, which spares the lookup), with room for lines lines: appending them one by
// one grew the slice up to three times, an eighth of a commit's time in replay. The order id is
// hashed once for the lookup and the insert; the order has no allocation when the lookup found
// none or fresh says so, so the insert skips its own lookup.
func (t *tenant) allocationFor(order string, lines int, fresh bool) *allocation {
	h := idHash(order)
	if !fresh {
		if a := t.allocations.getH(h, order); a != nil {
			return a
		}
	}
	a := &allocation{order: order, lines: make([]line, 0, lines)}
	t.allocations.addH(h, order, a)
	return a
}

// finish returns a reservation's stock and retires it. h is r.id's idHash.
func (l *Ledger) finish(st *step, t *tenant, r *reservation, h uint64, status depot.ReservationStatus, kind depot.EventKind) {
	for _, ln := range r.lines {
		l.emit(st, t, t.unreserve(r, ln, kind))
	}
	l.retire(st, t, r, h, status)
}

// unreserve gives back a reservation line's units to its position and returns the event that
// says so (kind: released, expired), without its sequence number, time and tenant.
func (t *tenant) unreserve(r *reservation, ln line, kind depot.EventKind) depot.Event {
	p := &t.positions[ln.pos]
	p.reserved -= ln.qty
	return depot.Event{Kind: kind, Ref: r.id, SKU: t.skuList[p.sku].id, Location: t.locList[p.loc].id, Channel: r.channel, Qty: ln.qty}
}

// retire moves an active reservation to a final status and starts its retention clock. h is
// r.id's idHash, which the caller computed for its lookup.
func (l *Ledger) retire(st *step, t *tenant, r *reservation, h uint64, status depot.ReservationStatus) {
	if r.slot >= 0 {
		l.expiry.remove(r)
	} else if status != depot.ReservationExpired {
		// Only a tick takes reservations out of the expiry index before retiring them.
		panic("ledger: retiring reservation " + r.id + ", which the expiry index does not hold")
	}
	r.status = status
	r.finishedAt = st.now
	l.active--
	r.fifo = l.remember(t, memoKey{kind: depot.KindReserve, id: r.id}, h, st.now)
}

// tick expires every reservation whose TTL has passed, in (expiry, creation) order, and forgets
// outcomes older than the retention window.
func (l *Ledger) tick(st *step) {
	l.due = l.expiry.takeDue(l.due[:0], st.now)
	for _, r := range l.due {
		l.finish(st, r.tenant, r, idHash(r.id), depot.ReservationExpired, depot.EventExpired)
	}
	clear(l.due)
	l.prune(st.now)
}
