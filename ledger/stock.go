package ledger

import (
	"github.com/depothq/depot"
	"strconv"
)

// Stock movements: receipts, adjustments, counts, holds, shipments and returns. Each handler
// checks everything first and mutates last.

// emptyTenant answers lookups for a tenant that does not exist yet, so handlers need no nil
// checks; it is never mutated because every lookup in it fails.
var emptyTenant = newTenant("")

func orEmpty(t *tenant) *tenant {
	if t == nil {
		return emptyTenant
	}
	return t
}

func insufficient(s *sku, loc *location, requested, available int64, format string, args ...any) *depot.Rejection {
	r := depot.Reject(depot.CodeInsufficientStock, "qty", format, args...)
	r.Shortfalls = []depot.Shortfall{{SKU: s.id, Location: loc.id, Requested: requested, Available: available}}
	return r
}

func (l *Ledger) expectInbound(st *step, c *depot.ExpectInbound) (*depot.Rejection, bool) {
	t := orEmpty(l.tenants[c.Tenant])
	fp := l.Fingerprint(c)
	if in := t.inbound[c.ID]; in != nil {
		if in.fingerprint == fp {
			return nil, true
		}
		return depot.Reject(depot.CodeDuplicate, "id", "inbound %q already exists with different content", c.ID), false
	}
	s, loc, rej := t.lookupStocked(c.SKU, c.Location)
	if rej != nil {
		return rej, false
	}
	if rej := l.canCreatePosition(t, s, loc); rej != nil {
		return rej, false
	}
	i := l.ensurePosition(t, s, loc)
	p := &t.positions[i]
	if p.inbound+c.Qty > depot.MaxOnHand {
		return depot.Reject(depot.CodeLimitExceeded, "qty", "inbound would exceed %d units", depot.MaxOnHand), false
	}
	p.inbound += c.Qty
	t.inbound[c.ID] = &inbound{id: c.ID, pos: i, qty: c.Qty, remaining: c.Qty, eta: c.ETA, fingerprint: fp}
	l.emit(st, t, depot.Event{Kind: depot.EventInboundExpected, Ref: c.ID, SKU: c.SKU, Location: c.Location, Qty: c.Qty, At: c.ETA})
	return nil, false
}

func (l *Ledger) receive(st *step, t *tenant, cmd depot.Command) *depot.Rejection {
	c := cmd.(*depot.Receive)
	t = orEmpty(t)
	s, loc, rej := t.lookupStocked(c.SKU, c.Location)
	if rej != nil {
		return rej
	}
	var in *inbound
	if c.Inbound != "" {
		in = t.inbound[c.Inbound]
		if in == nil {
			return depot.Reject(depot.CodeInvalidArgument, "inbound", "unknown inbound %q", c.Inbound)
		}
		if in.pos != t.positionOf(s, loc) {
			return depot.Reject(depot.CodeInvalidArgument, "inbound", "inbound %q is for another SKU or location", c.Inbound)
		}
	}
	if rej := l.canCreatePosition(t, s, loc); rej != nil {
		return rej
	}
	if i := t.positionOf(s, loc); i >= 0 && t.positions[i].onHand+c.Qty > depot.MaxOnHand {
		return depot.Reject(depot.CodeLimitExceeded, "qty", "on hand would exceed %d units", depot.MaxOnHand)
	}
	i := l.ensurePosition(t, s, loc)
	p := &t.positions[i]
	p.onHand += c.Qty
	p.received += c.Qty
	if in != nil {
		// A receipt larger than expected fulfils the inbound and the rest is simply stock.
		n := min(c.Qty, in.remaining)
		in.remaining -= n
		p.inbound -= n
		if in.remaining == 0 {
			delete(t.inbound, in.id)
		}
	}
	l.emit(st, t, depot.Event{Kind: depot.EventReceived, Ref: c.ID, SKU: c.SKU, Location: c.Location, Qty: c.Qty, Reason: c.Inbound})
	return nil
}

func (l *Ledger) adjust(st *step, t *tenant, cmd depot.Command) *depot.Rejection {
	c := cmd.(*depot.Adjust)
	t = orEmpty(t)
	s, loc, rej := t.lookupStocked(c.SKU, c.Location)
	if rej != nil {
		return rej
	}
	onHand, committed := t.stockAt(s, loc)
	next := onHand + c.Delta
	if next < committed {
		// Writing off units that are promised would oversell: release or hold first.
		return insufficient(s, loc, -c.Delta, onHand-committed,
			"adjustment of %d would leave %d on hand below %d reserved, allocated or held", c.Delta, next, committed)
	}
	if next > depot.MaxOnHand {
		return depot.Reject(depot.CodeLimitExceeded, "delta", "on hand would exceed %d units", depot.MaxOnHand)
	}
	if rej := l.adjustOnHand(t, s, loc, c.Delta); rej != nil {
		return rej
	}
	l.emit(st, t, depot.Event{Kind: depot.EventAdjusted, Ref: c.ID, SKU: c.SKU, Location: c.Location, Qty: c.Delta, Reason: c.Reason})
	return nil
}

func (l *Ledger) count(st *step, t *tenant, cmd depot.Command) *depot.Rejection {
	c := cmd.(*depot.Count)
	t = orEmpty(t)
	s, loc, rej := t.lookupStocked(c.SKU, c.Location)
	if rej != nil {
		return rej
	}
	onHand, committed := t.stockAt(s, loc)
	if c.OnHand < committed {
		// The shelf holds less than is promised. Accepting would break the ledger's first
		// invariant; the operator must release or re-source the claims, then count again.
		return insufficient(s, loc, committed, c.OnHand,
			"count of %d is below the %d units reserved, allocated or held; release or re-source them first", c.OnHand, committed)
	}
	delta := c.OnHand - onHand
	if rej := l.adjustOnHand(t, s, loc, delta); rej != nil {
		return rej
	}
	// The event carries the difference (drift) in Qty and the counted figure in At, so that
	// reconciliation can trend shrinkage from events alone.
	l.emit(st, t, depot.Event{Kind: depot.EventCounted, Ref: c.ID, SKU: c.SKU, Location: c.Location, Qty: delta, At: c.OnHand})
	return nil
}

func (l *Ledger) hold(st *step, t *tenant, cmd depot.Command) *depot.Rejection {
	c := cmd.(*depot.Hold)
	t = orEmpty(t)
	s, loc, rej := t.lookupStocked(c.SKU, c.Location)
	if rej != nil {
		return rej
	}
	i := t.positionOf(s, loc)
	if i < 0 {
		return insufficient(s, loc, abs(c.Delta), 0, "no stock of %q at %q", c.SKU, c.Location)
	}
	p := &t.positions[i]
	if c.Delta > 0 && p.atp() < c.Delta {
		return insufficient(s, loc, c.Delta, p.atp(), "cannot hold %d units, %d available", c.Delta, p.atp())
	}
	if c.Delta < 0 && p.held < -c.Delta {
		return insufficient(s, loc, -c.Delta, p.held, "cannot release %d held units, %d held", -c.Delta, p.held)
	}
	p.held += c.Delta
	l.emit(st, t, depot.Event{Kind: depot.EventHeld, Ref: c.ID, SKU: c.SKU, Location: c.Location, Qty: c.Delta, Reason: c.Reason})
	return nil
}

func (l *Ledger) ship(st *step, t *tenant, cmd depot.Command) *depot.Rejection {
	c := cmd.(*depot.Ship)
	t = orEmpty(t)
	a := t.allocations.get(c.Order)
	if a == nil {
		return &depot.Rejection{Code: depot.CodeUnknownOrder, Field: "order", Message: "nothing is allocated to order " + strconv.Quote(c.Order)}
	}
	// Resolve the lines into quantities per allocation line; summing first makes two lines for
	// the same item unable to ship the same units twice.
	take := make([]int64, len(a.lines))
	if len(c.Lines) == 0 {
		for j, al := range a.lines {
			take[j] = al.qty
		}
	}
	for _, sl := range c.Lines {
		s, loc, rej := t.lookupStocked(sl.SKU, sl.Location)
		if rej != nil {
			return rej
		}
		i := t.positionOf(s, loc)
		j := a.find(i)
		if j < 0 {
			return insufficient(s, loc, sl.Qty, 0, "order %q has nothing of %q allocated at %q", c.Order, sl.SKU, sl.Location)
		}
		take[j] += sl.Qty
		if take[j] > a.lines[j].qty {
			return insufficient(s, loc, take[j], a.lines[j].qty, "order %q has %d of %q allocated at %q, asked to ship %d",
				c.Order, a.lines[j].qty, sl.SKU, sl.Location, take[j])
		}
	}
	for j, q := range take {
		if q == 0 {
			continue
		}
		al := &a.lines[j]
		p := &t.positions[al.pos]
		p.allocated -= q
		p.onHand -= q
		p.shipped += q
		al.qty -= q
		s, loc := t.skuList[p.sku], t.locList[p.loc]
		l.emit(st, t, depot.Event{Kind: depot.EventShipped, Ref: c.ID, Order: c.Order, SKU: s.id, Location: loc.id, Qty: q})
	}
	a.compact()
	if len(a.lines) == 0 {
		t.allocations.remove(c.Order)
	}
	return nil
}

func (a *allocation) find(pos int32) int {
	if pos < 0 {
		return -1
	}
	for j, al := range a.lines {
		if al.pos == pos {
			return j
		}
	}
	return -1
}

// compact drops fully shipped lines, keeping the order of the rest.
func (a *allocation) compact() {
	out := a.lines[:0]
	for _, al := range a.lines {
		if al.qty > 0 {
			out = append(out, al)
		}
	}
	a.lines = out
}

func (l *Ledger) returnStock(st *step, t *tenant, cmd depot.Command) *depot.Rejection {
	c := cmd.(*depot.Return)
	t = orEmpty(t)
	s, loc, rej := t.lookupStocked(c.SKU, c.Location)
	if rej != nil {
		return rej
	}
	if rej := l.canCreatePosition(t, s, loc); rej != nil {
		return rej
	}
	if i := t.positionOf(s, loc); i >= 0 && t.positions[i].onHand+c.Qty > depot.MaxOnHand {
		return depot.Reject(depot.CodeLimitExceeded, "qty", "on hand would exceed %d units", depot.MaxOnHand)
	}
	p := &t.positions[l.ensurePosition(t, s, loc)]
	p.onHand += c.Qty
	p.returned += c.Qty
	reason := "restock"
	if !c.Restock {
		p.held += c.Qty
		reason = "hold"
	}
	if c.Reason != "" {
		reason += ": " + c.Reason
	}
	l.emit(st, t, depot.Event{Kind: depot.EventReturned, Ref: c.ID, Order: c.Order, SKU: c.SKU, Location: c.Location, Qty: c.Qty, Reason: reason})
	return nil
}

// stockAt returns the units on hand at (s, loc) and how many of them are reserved, allocated or
// held; both are zero where no position exists yet.
func (t *tenant) stockAt(s *sku, loc *location) (onHand, committed int64) {
	if i := t.positionOf(s, loc); i >= 0 {
		p := &t.positions[i]
		return p.onHand, p.reserved + p.allocated + p.held
	}
	return 0, 0
}

// adjustOnHand changes on-hand stock by delta as an adjustment (counts are adjustments to what
// the shelf holds), creating the position if needed. Callers have checked the new level.
func (l *Ledger) adjustOnHand(t *tenant, s *sku, loc *location, delta int64) *depot.Rejection {
	if rej := l.canCreatePosition(t, s, loc); rej != nil {
		return rej
	}
	p := &t.positions[l.ensurePosition(t, s, loc)]
	p.onHand += delta
	p.adjusted += delta
	return nil
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
