package orders

import (
	"strings"

	"github.com/depothq/depot"
	"github.com/depothq/depot/ledger"
)

// Hooks around the ledger's own commands. The engine calls Guard before the ledger applies one
// (orders may refuse it: it would break what orders hold) and After once the ledger accepted
// it (orders react: location settings and re-sourcing, backorders filled by new stock, returns
// recorded, timers on ticks).

// Guard refuses ledger commands that would go behind the orders' back: committing reservations
// to orchestrated orders (or to the name of an order still to come), shipping them other than by advance_shipment, returning
// more of an order than it shipped, and redefining a kit that orders hold allocated.
func (x *Orders) Guard(env *depot.Envelope) *depot.Rejection {
	switch c := env.Cmd.(type) {
	case *depot.Commit:
		if t := x.applyTenant(c.Tenant); t != nil && len(t.held) > 0 {
			if o := t.held[c.Reservation]; o != nil {
				return depot.Reject(depot.CodeInvalidState, "reservation", "reservation %q is held by order %s, which ships complete", c.Reservation, o.id())
			}
		}
		if x.managed(c.Tenant, c.Order) != nil {
			return depot.Reject(depot.CodeInvalidState, "order", "order %s is orchestrated; its stock is allocated by sourcing", c.Order)
		}
		// Order names derive from sequence numbers: a name of a future sequence number would
		// collide with the order created there. Past names are free for ever.
		if seq, ok := parseOrderSeq(c.Order); ok && seq >= env.Seq {
			return depot.Reject(depot.CodeInvalidArgument, "order", "order id %s is reserved for the order create_order may make at sequence %d", c.Order, seq)
		}
	case *depot.Ship:
		if x.managed(c.Tenant, c.Order) != nil {
			return depot.Reject(depot.CodeInvalidState, "order", "order %s is orchestrated; ship its shipments with advance_shipment", c.Order)
		}
	case *depot.Return:
		if o := x.managed(c.Tenant, c.Order); o != nil && !x.led.Replays(c, c.ID) {
			return x.checkReturn(o, c)
		}
	case *depot.DefineSKU:
		return x.checkKit(c)
	}
	return nil
}

func (x *Orders) managed(tenantID, orderID string) *order {
	if orderID == "" {
		return nil
	}
	if t := x.applyTenant(tenantID); t != nil {
		return t.order(orderID)
	}
	return nil
}

// After lets orders react to a ledger command that was accepted and not a replay. It returns
// the result with orders' events appended to the ledger's; those alias a buffer owned by Orders.
func (x *Orders) After(env *depot.Envelope, res depot.Result) depot.Result {
	if !res.OK() || res.Replayed {
		return res
	}
	switch c := env.Cmd.(type) {
	case *depot.DefineLocation, *depot.DefineChannel, *depot.Tick:
	case *depot.Return:
		if x.managed(c.Tenant, c.Order) == nil && !x.stockForWaiting(res.Events) {
			return res
		}
	default:
		// The hot path (reserves, commits) ends here: nothing for orders to do.
		if !x.stockForWaiting(res.Events) {
			return res
		}
	}
	st := step{seq: env.Seq, now: x.led.Now()}
	x.events = append(x.events[:0], res.Events...)
	switch c := env.Cmd.(type) {
	case *depot.DefineLocation:
		x.defineLocation(&st, c)
	case *depot.DefineChannel:
		if t := x.tenantOf(c.Tenant); t != nil {
			t.version++
			x.refillAll(&st, t)
		}
	case *depot.Return:
		if o := x.managed(c.Tenant, c.Order); o != nil {
			x.recordReturn(o, c)
		}
		x.refillFrom(&st, res.Events)
	case *depot.Tick:
		x.refillFrom(&st, res.Events)
		x.onTick(&st)
	default:
		x.refillFrom(&st, res.Events)
	}
	res.Events = x.events
	return res
}

// stockForWaiting reports whether the events make stock available to a tenant with orders
// waiting for stock.
func (x *Orders) stockForWaiting(evs []depot.Event) bool {
	for i := range evs {
		if freesStock(&evs[i]) {
			if t := x.applyTenant(evs[i].Tenant); t != nil && len(t.waiting) > 0 {
				return true
			}
		}
	}
	return false
}

// freesStock reports whether a ledger event made units available: a receipt, a restocking
// return, a released or expired reservation, an upward adjustment or count, units out of hold.
func freesStock(ev *depot.Event) bool {
	switch ev.Kind {
	case depot.EventReceived, depot.EventReleased, depot.EventExpired:
		return true
	case depot.EventReturned:
		return strings.HasPrefix(ev.Reason, "restock")
	case depot.EventAdjusted, depot.EventCounted:
		return ev.Qty > 0
	case depot.EventHeld:
		return ev.Qty < 0
	}
	return false
}

// refillFrom fills backorders with the stock that the ledger events made available.
func (x *Orders) refillFrom(st *step, evs []depot.Event) {
	var t *tenant
	x.freed = x.freed[:0]
	for i := range evs {
		ev := &evs[i]
		if !freesStock(ev) {
			continue
		}
		if t == nil || t.id != ev.Tenant {
			if t != nil {
				x.refill(st, t, x.freed)
				x.freed = x.freed[:0]
			}
			t = x.applyTenant(ev.Tenant)
			if t == nil || len(t.waiting) == 0 {
				t = nil
				continue
			}
		}
		if s, ok := t.h.SKU(ev.SKU); ok && !containsSKU(x.freed, s) {
			x.freed = append(x.freed, s)
		}
	}
	if t != nil {
		x.refill(st, t, x.freed)
	}
}

func containsSKU(s []ledger.SKURef, v ledger.SKURef) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// onTick fires the due SLA timers, gives waiting orders a new round when a new hour of capacity
// begins, and forgets orders past retention.
func (x *Orders) onTick(st *step) {
	if hour := floorDiv(st.now, hourNanos); hour != x.lastHour {
		x.lastHour = hour
		for _, id := range x.tenantIDs() {
			x.refillAll(st, x.tenants[id])
		}
	}
	x.tick(st)
	x.forget(st.now)
}

// checkReturn allows returning only what the order shipped from that location, less what came
// back already.
func (x *Orders) checkReturn(o *order, c *depot.Return) *depot.Rejection {
	t := o.t
	s, okS := t.h.SKU(c.SKU)
	loc, okL := t.h.Location(c.Location)
	if !okS || !okL {
		return nil // the ledger names what is unknown
	}
	shipped := x.shippedOf(o, s, loc)
	for _, r := range o.extra().returns {
		if r.sku == s && r.loc == loc {
			shipped -= r.qty
		}
	}
	if c.Qty > shipped {
		return depot.Reject(depot.CodeInvalidState, "qty", "order %s can return %d of %q to %s, asked for %d", o.id(), max(shipped, 0), c.SKU, c.Location, c.Qty)
	}
	return nil
}

// shippedOf counts the units of stocked SKU s the order shipped from loc (kits as components).
func (x *Orders) shippedOf(o *order, s ledger.SKURef, loc ledger.LocRef) int64 {
	var n int64
	for _, sh := range o.ships {
		if sh.loc != loc || (sh.status != shipShipped && sh.status != shipDelivered) {
			continue
		}
		for _, p := range sh.parts {
			x.comps = o.t.h.Components(o.lines[p.line].sku, x.comps[:0])
			for _, c := range x.comps {
				if c.SKU == s {
					n += p.qty * c.Qty
				}
			}
		}
	}
	return n
}

func (x *Orders) recordReturn(o *order, c *depot.Return) {
	t := o.t
	s, _ := t.h.SKU(c.SKU)
	loc, _ := t.h.Location(c.Location)
	m := o.setMore()
	for i := range m.returns {
		if r := &m.returns[i]; r.sku == s && r.loc == loc {
			r.qty += c.Qty
			return
		}
	}
	m.returns = append(m.returns, returned{sku: s, loc: loc, qty: c.Qty})
}

// checkKit refuses to change the components of a kit while an order holds it allocated: the
// ledger holds the old components, and shipping or cancelling would move the new ones.
func (x *Orders) checkKit(c *depot.DefineSKU) *depot.Rejection {
	t := x.tenants[c.Tenant]
	if t == nil {
		return nil
	}
	s, ok := t.h.SKU(c.SKU)
	if !ok {
		return nil
	}
	x.comps = t.h.Components(s, x.comps[:0])
	same := len(c.Components) == 0 && len(x.comps) == 1 && x.comps[0].SKU == s
	if !same && len(c.Components) == len(x.comps) {
		same = true
		for i, comp := range c.Components {
			cs, ok := t.h.SKU(comp.SKU)
			if !ok || cs != x.comps[i].SKU || comp.Qty != x.comps[i].Qty {
				same = false
				break
			}
		}
	}
	if same {
		return nil
	}
	for _, o := range sortedOrders(t) {
		for _, sh := range o.ships {
			if !sh.status.unshipped() {
				continue
			}
			for _, p := range sh.parts {
				if o.lines[p.line].sku == s {
					return depot.Reject(depot.CodeInvalidState, "components", "order %s holds %q allocated; its components cannot change until it ships or is cancelled", o.id(), c.SKU)
				}
			}
		}
	}
	return nil
}
