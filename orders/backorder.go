package orders

import (
	"cmp"
	"slices"

	"github.com/depothq/depot/ledger"
)

// The backorder queue. An order with waiting units sits in the queue of every stocked SKU those
// units need (a kit's components), ordered by priority (highest first) and then age (sequence
// number, oldest first). When stock of a SKU becomes available (a receipt, a restocking return,
// a released or expired reservation, an upward adjustment or count, units leaving hold, units
// freed by a cancellation or re-sourcing), the orders queued on it get a sourcing round each, in
// queue order, within the same command: the first in the queue gets the stock first.

// queueLess orders the backorder queue.
func queueLess(a, b *order) int {
	return cmp.Or(cmp.Compare(b.priority, a.priority), cmp.Compare(a.seq, b.seq))
}

// indexWaiting puts o in the queues of the SKUs its waiting units need and takes it out of the
// others.
func (x *Orders) indexWaiting(o *order) {
	t := o.t
	x.want = x.want[:0]
	for i := range o.lines {
		if o.lines[i].waiting > 0 {
			x.comps = t.h.Components(o.lines[i].sku, x.comps[:0])
			for _, c := range x.comps {
				x.want = append(x.want, c.SKU)
			}
		}
	}
	slices.Sort(x.want)
	x.want = slices.Compact(x.want)
	if slices.Equal(x.want, o.waitSKUs()) {
		return
	}
	for _, s := range o.waitSKUs() {
		if _, keep := slices.BinarySearch(x.want, s); !keep {
			t.unqueue(s, o)
		}
	}
	for _, s := range x.want {
		if _, had := slices.BinarySearch(o.waitSKUs(), s); !had {
			t.enqueue(s, o)
		}
	}
	if len(x.want) == 0 {
		o.more.waitSKUs = nil // it waited for something (want differed), so it has an orderMore
		return
	}
	m := o.setMore()
	m.waitSKUs = append(m.waitSKUs[:0], x.want...)
}

func (t *tenant) enqueue(s ledger.SKURef, o *order) {
	q := t.waiting[s]
	i, _ := slices.BinarySearchFunc(q, o, queueLess)
	t.waiting[s] = slices.Insert(q, i, o)
}

func (t *tenant) unqueue(s ledger.SKURef, o *order) {
	q := t.waiting[s]
	i, found := slices.BinarySearchFunc(q, o, queueLess)
	if !found || q[i] != o {
		panic("orders: backorder queue lost an order")
	}
	q = slices.Delete(q, i, i+1)
	if len(q) == 0 {
		delete(t.waiting, s)
		return
	}
	t.waiting[s] = q
}

// unqueueAll takes o out of every queue (it no longer waits, or it is cancelled).
func (x *Orders) unqueueAll(o *order) {
	for _, s := range o.waitSKUs() {
		o.t.unqueue(s, o)
	}
	if o.more != nil {
		o.more.waitSKUs = nil
	}
}

// refill gives the orders queued on the SKUs a sourcing round each, in queue order.
func (x *Orders) refill(st *step, t *tenant, skus []ledger.SKURef) {
	if len(t.waiting) == 0 {
		return
	}
	x.pass++
	cands := x.cands[:0]
	for _, s := range skus {
		for _, o := range t.waiting[s] {
			if o.mark != x.pass {
				o.mark = x.pass
				cands = append(cands, o)
			}
		}
	}
	x.fill(st, t, cands)
}

// refillAll gives every waiting order of the tenant a sourcing round, in queue order: after a
// change that may open new sources (a location reopening, new routing rules, a new hour of
// capacity).
func (x *Orders) refillAll(st *step, t *tenant) {
	if len(t.waiting) == 0 {
		return
	}
	x.pass++
	cands := x.cands[:0]
	for _, q := range t.waiting { // collected in map order, sorted below
		for _, o := range q {
			if o.mark != x.pass {
				o.mark = x.pass
				cands = append(cands, o)
			}
		}
	}
	x.fill(st, t, cands)
}

func (x *Orders) fill(st *step, t *tenant, cands []*order) {
	slices.SortFunc(cands, queueLess)
	for i, o := range cands {
		cands[i] = nil
		if o.waitingUnits() == 0 {
			continue
		}
		x.sourceWaiting(st, o, false)
		x.syncTimers(o)
	}
	x.cands = cands[:0]
	x.flushHeld(st, t)
}
