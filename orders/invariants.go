package orders

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/depothq/depot"
	"github.com/depothq/depot/ledger"
)

// CheckInvariants verifies that the orders state is consistent in itself and with the ledger,
// and returns the first violation, walking tenants by id and orders by sequence number:
//
//   - every line's units are accounted for: qty = cancelled + waiting + the parts of its live
//     shipments; parts are positive; cancelled shipments hold nothing;
//   - what the ledger has allocated to each order is exactly what its unshipped shipments hold
//     at their locations (kits as components), and nothing is allocated to an order that
//     holds nothing: so backordered units are not allocated, and each shipment's lines are
//     allocated at its location until it ships;
//   - an order waits in the backorder queue of exactly the SKUs its waiting units need, and
//     every queue is in priority-then-age order;
//   - a location's pick queue holds exactly its allocated and released shipments;
//   - the timer heap holds exactly the timers with a decision pending, at their due time;
//   - finished orders are those with every unit delivered or cancelled; the counts agree.
//
// It costs a walk of the whole state; tests call it after every step.
func (x *Orders) CheckInvariants() error {
	live, timers := 0, 0
	var alloc, want []ledger.Claim
	for _, tid := range x.tenantIDs() {
		t := x.tenants[tid]
		indexed := 0
		var bad *order
		t.byExt.Each(func(o *order) {
			indexed++
			if bad == nil && (t.order(o.id()) != o || t.byExternalID(o.channel(), o.ext) != o) {
				bad = o
			}
		})
		if bad != nil {
			return fmt.Errorf("orders: tenant %q: the external id index disagrees about %s", tid, bad.id())
		}
		held, holes := 0, 0
		for i := 1; i < t.bySeq.Len(); i++ {
			if t.bySeq.At(i-1).seq >= t.bySeq.At(i).seq {
				return fmt.Errorf("orders: tenant %q: the sequence index is out of order at %d", tid, i)
			}
		}
		for i := range t.bySeq.Len() {
			e := t.bySeq.At(i)
			if e.o == nil {
				holes++
				continue
			}
			held++
			if e.seq != e.o.seq {
				return fmt.Errorf("orders: tenant %q: the sequence index disagrees at %s", tid, e.o.id())
			}
		}
		if indexed != held || holes != t.holes {
			return fmt.Errorf("orders: tenant %q: %d external ids for %d orders (%d holes, counted %d)", tid, indexed, held, holes, t.holes)
		}
		for s, q := range t.waiting {
			if len(q) == 0 || !slices.IsSortedFunc(q, queueLess) {
				return fmt.Errorf("orders: tenant %q: the backorder queue of %s is empty or out of order", tid, t.h.SKUID(s))
			}
			for _, o := range q {
				if _, ok := slices.BinarySearch(o.waitSKUs(), s); !ok || t.order(o.id()) != o {
					return fmt.Errorf("orders: tenant %q: %s is queued for %s but does not wait for it", tid, o.id(), t.h.SKUID(s))
				}
			}
		}
		open := make([]int, len(t.nodes))
		for i := range t.nodes {
			for j, sh := range t.nodes[i].open {
				if int(sh.openIdx) != j || int(sh.loc) != i || (sh.status != shipAllocated && sh.status != shipReleased) {
					return fmt.Errorf("orders: tenant %q: the pick queue of %s holds %s (%s)", tid, t.h.LocationID(ledger.LocRef(i)), sh.id, sh.status)
				}
			}
		}
		nheld := 0
		for _, o := range sortedOrders(t) {
			live++
			if err := x.checkOrder(o); err != nil {
				return fmt.Errorf("orders: tenant %q: %w", tid, err)
			}
			// A held checkout reservation: a ship-complete order, open, with nothing allocated,
			// indexed under its reservation.
			if m := o.extra(); m.rsvHeld {
				nheld++
				if t.held[m.reservation] != o || o.policy != depot.BackorderShipComplete || len(o.ships) != 0 || o.finishedAt != 0 {
					return fmt.Errorf("orders: tenant %q: %s holds reservation %s but is indexed, shipped or finished otherwise", tid, o.id(), m.reservation)
				}
			}
			for _, sh := range o.ships {
				if sh.status == shipAllocated || sh.status == shipReleased {
					open[sh.loc]++
				}
			}
			// The ledger's allocation against the shipments' parts, both summed per position.
			alloc = t.h.AllocatedTo(o.id(), alloc[:0])
			want = want[:0]
			for _, sh := range o.ships {
				if !sh.status.unshipped() {
					continue
				}
				for _, p := range sh.parts {
					x.comps = t.h.Components(o.lines[p.line].sku, x.comps[:0])
					for _, c := range x.comps {
						want = append(want, ledger.Claim{SKU: c.SKU, Loc: sh.loc, Qty: p.qty * c.Qty})
					}
				}
			}
			if !sameClaims(alloc, want) {
				return fmt.Errorf("orders: tenant %q: %s holds %v in its shipments but the ledger allocates %v", tid, o.id(), want, alloc)
			}
			if err := x.checkTimer(o); err != nil {
				return err
			}
			if o.due() != 0 {
				timers++
			}
		}
		if nheld != len(t.held) {
			return fmt.Errorf("orders: tenant %q: %d orders hold their reservation, the index has %d", tid, nheld, len(t.held))
		}
		for i := range t.nodes {
			if open[i] != len(t.nodes[i].open) {
				return fmt.Errorf("orders: tenant %q: %s has %d shipments to pick, its queue holds %d", tid, t.h.LocationID(ledger.LocRef(i)), open[i], len(t.nodes[i].open))
			}
		}
	}
	if live != x.live {
		return fmt.Errorf("orders: %d orders held, the counter says %d", live, x.live)
	}
	if timers != x.timers.len() {
		return fmt.Errorf("orders: %d timers pending, the heap holds %d", timers, x.timers.len())
	}
	for i := 1; i < x.timers.len(); i++ {
		if x.timers.less(i, (i-1)/2) {
			return fmt.Errorf("orders: the timer heap is out of order at %d", i)
		}
	}
	fin := 0
	for i := range x.finished.Len() {
		o := *x.finished.At(i)
		if o.finishedAt == 0 || (i > 0 && o.finishedAt < (*x.finished.At(i - 1)).finishedAt) {
			return fmt.Errorf("orders: the retention queue is out of order at %s", o.id())
		}
		fin++
	}
	for _, t := range x.tenants {
		for i := range t.bySeq.Len() {
			if o := t.bySeq.At(i).o; o != nil && o.finishedAt != 0 {
				fin--
			}
		}
	}
	if fin != 0 {
		return fmt.Errorf("orders: the retention queue and the finished orders differ by %d", fin)
	}
	return nil
}

func (x *Orders) checkOrder(o *order) error {
	t := o.t
	if o.id() != string(orderID(nil, o.seq)) || o.id1 != o.id()+"-1" {
		return fmt.Errorf("order %s has sequence %d", o.id(), o.seq)
	}
	held := make([]int64, len(o.lines))
	for i, sh := range o.ships {
		if int(sh.n) != i+1 || sh.id != x.shipmentID(o, i+1) || sh.o != o {
			return fmt.Errorf("%s: shipment %d is misnumbered (%s)", o.id(), i+1, sh.id)
		}
		if sh.status == shipCancelled {
			if len(sh.parts) != 0 {
				return fmt.Errorf("%s is cancelled but holds %d parts", sh.id, len(sh.parts))
			}
			continue
		}
		if len(sh.parts) == 0 {
			return fmt.Errorf("%s is %s but holds nothing", sh.id, sh.status)
		}
		for _, p := range sh.parts {
			if p.qty <= 0 || int(p.line) >= len(o.lines) {
				return fmt.Errorf("%s has a bad part %+v", sh.id, p)
			}
			held[p.line] += p.qty
		}
		if sh.hasSlot && sh.carrier != riderCarrier {
			return fmt.Errorf("%s has a rider slot but goes with %q", sh.id, sh.carrier)
		}
	}
	for i := range o.lines {
		l := &o.lines[i]
		if l.cancelled < 0 || l.waiting < 0 || l.qty != l.cancelled+l.waiting+held[i] {
			return fmt.Errorf("%s line %d (%s): qty %d != cancelled %d + waiting %d + in shipments %d",
				o.id(), i, t.h.SKUID(l.sku), l.qty, l.cancelled, l.waiting, held[i])
		}
	}
	var wantWait []ledger.SKURef
	if o.finishedAt == 0 {
		for i := range o.lines {
			if o.lines[i].waiting > 0 {
				for _, c := range t.h.Components(o.lines[i].sku, nil) {
					wantWait = append(wantWait, c.SKU)
				}
			}
		}
	}
	slices.Sort(wantWait)
	wantWait = slices.Compact(wantWait)
	if !slices.Equal(wantWait, o.waitSKUs()) {
		return fmt.Errorf("%s waits for %v but is queued for %v", o.id(), wantWait, o.waitSKUs())
	}
	for _, s := range o.waitSKUs() {
		q := t.waiting[s]
		i, found := slices.BinarySearchFunc(q, o, queueLess)
		if !found || q[i] != o {
			return fmt.Errorf("%s waits for %s but is not in its queue", o.id(), t.h.SKUID(s))
		}
	}
	if (o.finishedAt != 0) != o.deliverDone() {
		return fmt.Errorf("%s: finished at %d, but every unit delivered or cancelled is %v", o.id(), o.finishedAt, o.deliverDone())
	}
	return nil
}

func (x *Orders) checkTimer(o *order) error {
	i, due := int(o.timerIdx), o.due()
	if due == 0 {
		if i >= 0 {
			return fmt.Errorf("orders: %s has a timer queued with nothing pending", o.id())
		}
		return nil
	}
	if i < 0 || i >= x.timers.len() {
		return fmt.Errorf("orders: %s has a decision due at %d but no timer", o.id(), due)
	}
	if got := *x.timers.at(i); got.o != o || got.seq != o.seq || got.at != due {
		return fmt.Errorf("orders: %s has a decision due at %d but its timer is not queued there", o.id(), due)
	}
	return nil
}

// sameClaims compares two lists of (SKU, location, qty) as sums per position.
func sameClaims(a, b []ledger.Claim) bool {
	norm := func(c []ledger.Claim) []ledger.Claim {
		slices.SortFunc(c, func(p, q ledger.Claim) int { return cmp.Or(cmp.Compare(p.SKU, q.SKU), cmp.Compare(p.Loc, q.Loc)) })
		out := c[:0]
		for _, v := range c {
			if n := len(out); n > 0 && out[n-1].SKU == v.SKU && out[n-1].Loc == v.Loc {
				out[n-1].Qty += v.Qty
				continue
			}
			out = append(out, v)
		}
		return out
	}
	a, b = norm(a), norm(b)
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].SKU != b[i].SKU || a[i].Loc != b[i].Loc || a[i].Qty != b[i].Qty {
			return false
		}
	}
	return true
}
