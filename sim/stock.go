package sim

import (
	"time"

	"github.com/depothq/depot"
)

// The workload's view of the stock. It is rebuilt from the events of the answers it observes,
// exactly as the engine keeps its positions, so that the operators it simulates (counting,
// transferring, writing off) only ask for what the ledger allows: any rejection of theirs shows
// that the view and the engine disagree, which the tests treat as a failure.

type posKey struct{ sku, loc string }

// position mirrors one engine position and carries its replenishment policy.
type position struct {
	key                               posKey
	loc                               *Location
	onHand, reserved, allocated, held int64
	inbound                           int64
	reorderPoint, orderUpTo           int64
	replenishing                      bool // a replenishment action is scheduled
}

func (p *position) atp() int64       { return p.onHand - p.reserved - p.allocated - p.held }
func (p *position) committed() int64 { return p.reserved + p.allocated + p.held }

type stockView struct {
	tenant      string
	locations   map[string]*Location
	positions   map[posKey]*position
	list        []*position      // in creation order, for deterministic random picks
	inboundLeft map[string]int64 // units still expected per inbound id
}

func (v *stockView) init(sc *Scenario) {
	v.tenant = sc.Tenant
	v.locations = make(map[string]*Location, len(sc.Locations))
	for i := range sc.Locations {
		v.locations[sc.Locations[i].ID] = &sc.Locations[i]
	}
	v.positions = make(map[posKey]*position, len(sc.Stock))
	v.inboundLeft = map[string]int64{}
	for _, s := range sc.Stock {
		p := v.position(s.SKU, s.Location)
		p.reorderPoint, p.orderUpTo = s.ReorderPoint, s.OrderUpTo
	}
}

// position returns the view of (sku, loc), creating an empty one without a policy.
func (v *stockView) position(sku, loc string) *position {
	k := posKey{sku, loc}
	if p := v.positions[k]; p != nil {
		return p
	}
	p := &position{key: k, loc: v.locations[loc]}
	v.positions[k] = p
	v.list = append(v.list, p)
	return p
}

// applyEvents moves the view as the engine moved its state. Returns are applied from the
// command in observeReturn, because only the command says whether the units were restocked.
func (w *Workload) applyEvents(events []depot.Event) {
	for i := range events {
		ev := &events[i]
		if ev.Tenant != w.stockView.tenant || ev.SKU == "" || ev.Location == "" {
			continue
		}
		p := w.position(ev.SKU, ev.Location)
		switch ev.Kind {
		case depot.EventInboundExpected:
			p.inbound += ev.Qty
			w.inboundLeft[ev.Ref] += ev.Qty
		case depot.EventReceived:
			p.onHand += ev.Qty
			if ev.Reason != "" {
				n := min(ev.Qty, w.inboundLeft[ev.Reason])
				p.inbound -= n
				if w.inboundLeft[ev.Reason] -= n; w.inboundLeft[ev.Reason] == 0 {
					delete(w.inboundLeft, ev.Reason)
				}
			}
		case depot.EventAdjusted, depot.EventCounted:
			p.onHand += ev.Qty
		case depot.EventHeld:
			p.held += ev.Qty
		case depot.EventReserved:
			p.reserved += ev.Qty
		case depot.EventReleased, depot.EventExpired:
			p.reserved -= ev.Qty
		case depot.EventCommitted:
			p.reserved -= ev.Qty
			p.allocated += ev.Qty
		case depot.EventShipped:
			p.allocated -= ev.Qty
			p.onHand -= ev.Qty
		case depot.EventAllocated:
			p.allocated += ev.Qty
		case depot.EventDeallocated:
			p.allocated -= ev.Qty
		}
		w.checkReorder(p)
	}
}

// checkReorder schedules a replenishment when available plus inbound stock fell below the
// position's reorder point. The buyer reacts within minutes, not instantly.
func (w *Workload) checkReorder(p *position) {
	if p.reorderPoint <= 0 || p.replenishing || p.loc == nil || p.atp()+p.inbound >= p.reorderPoint {
		return
	}
	p.replenishing = true
	w.schedule(&action{at: w.now + w.between(time.Minute, 10*time.Minute), kind: actReplenish, fresh: true, pos: p})
}

// emitReplenish raises a purchase order at a supplier for a warehouse, or a transfer from the
// replenishing warehouse for a store or dark store, for what is missing up to the policy's
// order-up-to level. A transfer takes only what the source has available.
func (w *Workload) emitReplenish(a *action) []depot.Command {
	p := a.pos
	p.replenishing = false
	need := p.orderUpTo - p.atp() - p.inbound
	if need <= 0 {
		return nil
	}
	lead := int64(p.loc.LeadTime)
	if p.loc.ReplenishFrom == "" {
		w.ids.po++
		id := w.id("po", w.ids.po)
		eta := a.at + lead*int64(80+w.rng.IntN(41))/100
		// Suppliers deliver 90% to 105% of what was ordered, within an hour of the ETA.
		qty := max(1, need*int64(90+w.rng.IntN(16))/100)
		w.schedule(&action{at: eta + w.between(0, time.Hour) - int64(15*time.Minute), kind: actReceive, pos: p, qty: qty, ref: id})
		return []depot.Command{&depot.ExpectInbound{Tenant: w.sc.Tenant, ID: id, SKU: p.key.sku, Location: p.key.loc, Qty: need, ETA: eta}}
	}
	src := w.position(p.key.sku, p.loc.ReplenishFrom)
	qty := min(need, src.atp())
	if qty <= 0 {
		return nil
	}
	w.ids.transfer++
	id := w.id("tr", w.ids.transfer)
	eta := a.at + lead
	w.schedule(&action{at: eta, kind: actReceive, pos: p, qty: qty, ref: id})
	return []depot.Command{
		&depot.Adjust{Tenant: w.sc.Tenant, ID: id + "-out", SKU: p.key.sku, Location: src.key.loc, Delta: -qty,
			Reason: "transfer " + id + " to " + p.key.loc},
		&depot.ExpectInbound{Tenant: w.sc.Tenant, ID: id, SKU: p.key.sku, Location: p.key.loc, Qty: qty, ETA: eta},
	}
}

func (w *Workload) observeReplenish(st *Step, res *depot.Result) {
	if !res.OK() {
		return
	}
	if _, ok := st.Cmd.(*depot.ExpectInbound); ok {
		w.metrics.update(func(s *Snapshot) {
			if st.act.pos.loc.ReplenishFrom == "" {
				s.PurchaseOrders++
			} else {
				s.Transfers++
			}
		})
	}
}

// emitReceive books an inbound delivery against its expected receipt.
func (w *Workload) emitReceive(a *action) []depot.Command {
	w.ids.receipt++
	return []depot.Command{&depot.Receive{Tenant: w.sc.Tenant, ID: w.id("rcv", w.ids.receipt), SKU: a.pos.key.sku,
		Location: a.pos.key.loc, Qty: a.qty, Inbound: a.ref}}
}

// emitCount cycle-counts one position. What the shelf holds drifts a little from the books
// (countDrift), but never below what is promised: the count would be refused, and a real
// operator recounts rather than book a shelf below its picks.
func (w *Workload) emitCount(a *action) []depot.Command {
	w.schedule(&action{at: a.at + int64(w.cfg.CountEvery), kind: actCount, fresh: true})
	if len(w.list) == 0 {
		return nil
	}
	p := w.list[w.rng.IntN(len(w.list))]
	counted := max(p.onHand+w.countDrift(p, a.at), p.committed(), 0)
	w.ids.count++
	return []depot.Command{&depot.Count{Tenant: w.sc.Tenant, ID: w.id("cnt", w.ids.count), SKU: p.key.sku, Location: p.key.loc, OnHand: counted}}
}

// countDrift is the difference a cycle count finds: mostly none, sometimes shrinkage, now and
// then a found unit. Shrinkage incidents will bias it per location.
func (w *Workload) countDrift(p *position, at int64) int64 {
	if w.inc.rng != nil {
		if d, ok := w.incidentDrift(p, at); ok {
			return d
		}
	}
	switch r := w.rng.Float64(); {
	case r < 0.70:
		return 0
	case r < 0.85:
		return -1
	case r < 0.92:
		return -2
	default:
		return 1
	}
}

func (w *Workload) observeCount(res *depot.Result) {
	if !res.OK() {
		return
	}
	var drift int64
	for _, ev := range res.Events {
		if ev.Kind == depot.EventCounted {
			drift += max(ev.Qty, -ev.Qty)
		}
	}
	w.metrics.update(func(s *Snapshot) { s.Counts++; s.CountDrift += drift })
}

// emitInspect clears held returns after inspection: half go back on the shelf, half are
// written off as damaged.
func (w *Workload) emitInspect(a *action) []depot.Command {
	p := a.pos
	if p.held < a.qty {
		return nil
	}
	w.ids.hold++
	cmds := []depot.Command{&depot.Hold{Tenant: w.sc.Tenant, ID: w.id("insp", w.ids.hold), SKU: p.key.sku, Location: p.key.loc,
		Delta: -a.qty, Reason: "return inspected"}}
	if w.rng.IntN(2) == 0 {
		w.ids.adjust++
		cmds = append(cmds, &depot.Adjust{Tenant: w.sc.Tenant, ID: w.id("wo", w.ids.adjust), SKU: p.key.sku, Location: p.key.loc,
			Delta: -a.qty, Reason: "damaged return written off"})
	}
	return cmds
}

func (w *Workload) observeInspect(st *Step, res *depot.Result) {
	if adj, ok := st.Cmd.(*depot.Adjust); ok && res.OK() {
		w.metrics.update(func(s *Snapshot) { s.WrittenOff += -adj.Delta })
	}
}
