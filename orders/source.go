package orders

import (
	"errors"
	"strconv"

	"github.com/depothq/depot"
	"github.com/depothq/depot/ledger"
	"github.com/depothq/depot/sourcing"
)

// A sourcing round places some units of an order's lines (x.qtyOf, per order line): it builds
// the sourcing request over the locations feeding the order's channel with their available
// units, plans, allocates the plan in the ledger, chooses the carriage of each new shipment and
// records it. Lines that cannot be placed are dropped from the round, one at a time and in a
// fixed order, until the rest can be placed; a round that must place everything (re-sourcing a
// shipment) fails instead, having changed nothing.

// roundResult says what a round did.
type roundResult struct {
	placed bool   // some lines were placed (all of them when the round was all or nothing)
	why    string // why the last line was dropped
}

// place runs one sourcing round for o over x.qtyOf (units per order line). With all set it
// places every unit or nothing; otherwise it drops lines until the rest can be placed, and
// whyOf (when not nil) receives per dropped order line why it could not be placed. An order
// with the partial backorder policy first shrinks a short line to what can be placed of it
// (shrink), and drops it only when nothing of it can be.
func (x *Orders) place(st *step, o *order, all bool, whyOf []string) roundResult {
	t, ch := o.t, o.ch
	var res roundResult
	partial := !all && o.policy == depot.BackorderPartial
	drop := func(li int32, why string) bool {
		x.qtyOf[li] = 0
		res.why = why
		if whyOf != nil {
			whyOf[li] = why
		}
		return !all
	}
	shrink := func(li int32, fill int64, why string) bool {
		if !partial || fill <= 0 || fill >= x.qtyOf[li] {
			return false
		}
		x.qtyOf[li] = fill
		if whyOf != nil {
			whyOf[li] = why
		}
		return true
	}
	x.buildLocations(t, o, ch)
	for {
		n := x.buildLines(t, o, ch)
		if n == 0 {
			return res
		}
		// Lines the channel's locations cannot cover even together cannot be planned; dropping
		// them first saves a search per missing line.
		if li, why := x.shortLine(t, n); li >= 0 {
			if shrink(x.lineOf[li], x.fillable(li), why) {
				continue
			}
			if !drop(x.lineOf[li], why) {
				return roundResult{why: why}
			}
			continue
		}
		plan, err := x.planner.Plan(&x.req)
		if err != nil {
			li := n - 1
			var inf *sourcing.InfeasibleError
			if errors.As(err, &inf) && inf.Line >= 0 {
				li = inf.Line
			}
			why := planWhy(err, plan, x.reqLines[li].SKU)
			if partial && inf != nil && inf.Line >= 0 && shrink(x.lineOf[li], x.plannable(li, inf), why) {
				continue
			}
			if !drop(x.lineOf[li], why) {
				return roundResult{why: why}
			}
			continue
		}
		if rej := x.allocate(st, t, o, ch, plan); rej != nil {
			li := x.lineShort(t, o, rej, n)
			if partial && shrink(x.lineOf[li], x.allowed(li, rej), rej.Message) {
				continue
			}
			if !drop(x.lineOf[li], rej.Message) {
				return roundResult{why: rej.Message}
			}
			continue
		}
		x.record(st, t, o, plan)
		res.placed = true
		return res
	}
}

// The partial policy's arithmetic: how many units of a short request line can be placed. Each
// result is below the line's units (or shrink ignores it), so a round ends after at most one
// shrink or drop per unit of doubt.

// fillable is what the channel's open locations hold of request line li beyond the earlier
// lines of the same SKU (which shortLine counted first).
func (x *Orders) fillable(li int) int64 {
	nl := len(x.locRefs)
	var total int64
	for _, a := range x.avail[li*nl : (li+1)*nl] {
		total += a
	}
	for j := 0; j < li; j++ {
		if x.reqLines[j].SKU == x.reqLines[li].SKU {
			total -= x.reqLines[j].Qty
		}
	}
	return total
}

// plannable is what the planner could place of request line li: the units it lacked at the
// candidates taken off, or, when the line may not split, the most one location holds.
func (x *Orders) plannable(li int, inf *sourcing.InfeasibleError) int64 {
	if inf.Missing > 0 {
		return x.reqLines[li].Qty - inf.Missing
	}
	nl := len(x.locRefs)
	var most int64
	for _, a := range x.avail[li*nl : (li+1)*nl] {
		most = max(most, a)
	}
	return most
}

// allowed is what the ledger would allocate of request line li after it refused the round: when
// the one shortfall is of the line's own SKU, the line less the units missing.
func (x *Orders) allowed(li int, rej *depot.Rejection) int64 {
	if len(rej.Shortfalls) != 1 || rej.Shortfalls[0].SKU != x.reqLines[li].SKU {
		return 0
	}
	sf := rej.Shortfalls[0]
	return x.reqLines[li].Qty - (sf.Requested - sf.Available)
}

// planWhy explains a failed plan for people: the SKU that could not be served, how short, and
// why the locations that were passed over were (at most maxWhyLocations of them).
func planWhy(err error, plan *sourcing.Plan, sku string) string {
	var inf *sourcing.InfeasibleError
	if !errors.As(err, &inf) {
		return err.Error()
	}
	var b []byte
	switch {
	case inf.Line < 0:
		b = append(b, "no assignment serves every line together"...)
	case inf.Missing > 0:
		b = append(b, sku+": "...)
		b = strconv.AppendInt(b, inf.Missing, 10)
		b = append(b, " units short at the candidate locations"...)
	default:
		b = append(b, sku+": no location can ship the whole line and lines may not split"...)
	}
	for i, e := range plan.Exclusions {
		if i == maxWhyLocations {
			b = append(b, ", ..."...)
			break
		}
		if i == 0 {
			b = append(b, "; passed over: "...)
		} else {
			b = append(b, ", "...)
		}
		b = append(b, e.LocationID+" ("+e.Reason.String()+")"...)
	}
	return string(b)
}

// buildLocations fills the request's locations from the channel's, in the channel's order, with
// what orders know of each (cutoff, offset, capacity left, backlog, ownership). The static part
// is cached per channel until a location, channel or routing changes.
func (x *Orders) buildLocations(t *tenant, o *order, ch ledger.ChannelRef) {
	r := t.routingOf(o.channel())
	if x.cacheT != t || x.cacheCh != o.channel() || x.cacheVer != t.version {
		x.fillLocations(t, o.channel(), ch, r)
	}
	hour := floorDiv(x.led.Now(), hourNanos)
	for i, ref := range x.locRefs {
		nd := &t.nodes[ref]
		l := &x.locs[i]
		l.Backlog = min(int64(len(nd.open)), sourcing.MaxQty)
		l.CapacityLeft = depot.MaxQty
		if c := x.rate[i]; c > 0 {
			used := int64(0)
			if nd.hour == hour {
				used = nd.planned
			}
			l.CapacityLeft = c - used
		}
	}
	x.req.Locations = x.locs
	x.req.Rules = r.rules
	x.req.Options = sourcing.Options{AllowSplitLines: r.allowSplit, SplitPenaltyMinor: r.splitPenalty, LatePenaltyPerHourMinor: r.latePenal}
	x.req.Now = x.led.Now()
	x.req.Estimator = nil
	if t.est != nil && o.level != depot.LevelQuick {
		x.req.Estimator = t.est
		t.est.forOrder(o)
	}
	x.req.Order = sourcing.Order{
		ShipToLatE6: o.latE6, ShipToLonE6: o.lonE6, Level: sourcing.ServiceLevel(o.level),
		PromiseMinutes: o.promiseMinutes, DeliverBy: o.deliverBy, Channel: o.channel(),
	}
}

// fillLocations builds the static part of the request locations for a channel and makes it the
// cached one.
func (x *Orders) fillLocations(t *tenant, channel string, ch ledger.ChannelRef, r *routing) {
	if old := x.cacheT; old != nil {
		for _, ref := range x.locRefs {
			old.col[ref] = -1
		}
	}
	x.cacheT, x.cacheCh, x.cacheVer = t, channel, t.version
	x.locRefs = ch.Locations(x.locRefs[:0])
	nl := len(x.locRefs)
	if cap(x.locs) < nl {
		x.locs = make([]sourcing.Location, nl, max(nl, 2*cap(x.locs)))
	}
	x.locs, x.rate = x.locs[:nl], grow64(x.rate, nl)
	t.growNodes()
	for i, ref := range x.locRefs {
		t.h.LocationInfo(ref, &x.info)
		nd := &t.nodes[ref]
		t.col[ref] = -1
		if x.info.Status == depot.LocationOpen {
			t.col[ref] = int32(i)
		}
		l := &x.locs[i]
		*l = sourcing.Location{
			ID: x.info.ID, Kind: x.info.Kind, Status: x.info.Status, LatE6: x.info.LatE6, LonE6: x.info.LonE6, Groups: x.info.Groups,
			ServiceRadiusM: min(x.info.ServiceRadiusM, sourcing.MaxRadiusM), CutoffMinute: nd.cutoff, UTCOffsetMinutes: nd.utcOffset,
			Own: len(r.own) > 0 && r.owns(ref),
		}
		x.rate[i] = x.info.CapacityPerHour
	}
}

// buildLines fills the request's lines (the order lines with units to place) and the available
// units per line and location, and returns the number of request lines.
func (x *Orders) buildLines(t *tenant, o *order, ch ledger.ChannelRef) int {
	x.reqLines, x.lineOf = x.reqLines[:0], x.lineOf[:0]
	for i := range o.lines {
		if q := x.qtyOf[i]; q > 0 {
			x.reqLines = append(x.reqLines, sourcing.Line{SKU: t.h.SKUID(o.lines[i].sku), Qty: q, UnitWeightG: int64(o.lines[i].weightG)})
			x.lineOf = append(x.lineOf, int32(i))
		}
	}
	n, nl := len(x.reqLines), len(x.locRefs)
	x.req.Order.Lines = x.reqLines
	x.avail = grow64(x.avail, n*nl)
	clear(x.avail)
	if cap(x.posAt) < n*nl {
		x.posAt = make([]ledger.PosRef, n*nl, max(n*nl, 2*cap(x.posAt)))
		x.noPos = make([]ledger.PosRef, cap(x.posAt))
		for i := range x.noPos {
			x.noPos[i] = -1
		}
	}
	x.posAt = x.posAt[:n*nl]
	copy(x.posAt, x.noPos) // a block copy: the compiler does not vectorise a fill loop
	x.syncPositions(t)
	for li, ol := range x.lineOf {
		s := o.lines[ol].sku
		limit := int64(-1)
		if ch.Buffered(s, t.h) {
			limit = ch.Available(t.h, s)
		}
		row := x.avail[li*nl : (li+1)*nl]
		if t.h.IsKit(s) {
			for j, ref := range x.locRefs {
				if x.locs[j].Status == depot.LocationOpen {
					row[j] = t.h.ATP(s, ref)
				}
			}
		} else if int(s) < len(t.skuPos) {
			pos := x.posAt[li*nl : (li+1)*nl]
			for _, at := range t.skuPos[s] {
				if j := t.col[at.loc]; j >= 0 {
					row[j], pos[j] = t.h.PositionATP(at.pos), at.pos
				}
			}
		}
		if limit >= 0 {
			for j := range row {
				row[j] = min(row[j], limit)
			}
		}
	}
	x.req.Available = x.avail
	return n
}

// syncPositions indexes the positions the ledger added since the last call.
func (x *Orders) syncPositions(t *tenant) {
	n := t.h.PositionCount()
	for i := t.indexed; i < n; i++ {
		s, loc := t.h.PositionAt(ledger.PosRef(i))
		for len(t.skuPos) <= int(s) {
			t.skuPos = append(t.skuPos, nil)
		}
		t.skuPos[s] = append(t.skuPos[s], skuAt{loc: loc, pos: ledger.PosRef(i)})
	}
	t.indexed = n
}

// shortLine returns the first request line whose units the channel's open locations do not hold
// even together (counting earlier lines of the same SKU), and why; -1 if none.
func (x *Orders) shortLine(t *tenant, n int) (int, string) {
	nl := len(x.locRefs)
	for li := 0; li < n; li++ {
		need := x.reqLines[li].Qty
		for j := 0; j < li; j++ {
			if x.reqLines[j].SKU == x.reqLines[li].SKU {
				need += x.reqLines[j].Qty
			}
		}
		var total int64
		for _, a := range x.avail[li*nl : (li+1)*nl] {
			total += a
		}
		if total < need {
			return li, strconv.FormatInt(total, 10) + " of " + strconv.FormatInt(need, 10) + " " + x.reqLines[li].SKU + " available to the channel"
		}
	}
	return -1, ""
}

// lineShort picks the request line to drop after the ledger refused an allocation: the last one
// whose SKU (or a component of it) the shortfall names, else the last line.
func (x *Orders) lineShort(t *tenant, o *order, rej *depot.Rejection, n int) int {
	if len(rej.Shortfalls) > 0 {
		if short, ok := t.h.SKU(rej.Shortfalls[0].SKU); ok {
			for li := n - 1; li >= 0; li-- {
				x.comps = t.h.Components(o.lines[x.lineOf[li]].sku, x.comps[:0])
				for _, c := range x.comps {
					if c.SKU == short {
						return li
					}
				}
			}
		}
	}
	return n - 1
}

// allocate allocates the plan's parts in the ledger under the order, with the ids the new
// shipments will have; all or nothing.
func (x *Orders) allocate(st *step, t *tenant, o *order, ch ledger.ChannelRef, plan *sourcing.Plan) *depot.Rejection {
	base := len(o.ships)
	x.shipIDs = x.shipIDs[:0]
	for k := range plan.Shipments {
		x.shipIDs = append(x.shipIDs, x.shipmentID(o, base+k+1))
	}
	x.claims = x.claims[:0]
	for _, p := range plan.Parts {
		x.claims = append(x.claims, ledger.Claim{
			SKU: o.lines[x.lineOf[p.Line]].sku, Loc: x.locRefs[p.Location], Qty: p.Qty, Ref: x.shipIDs[p.Shipment],
			Pos: x.posAt[p.Line*len(x.locRefs)+p.Location],
		})
	}
	if base+len(plan.Shipments) > maxShipmentsPerOrder {
		return depot.Reject(depot.CodeLimitExceeded, "lines", "order %s would have more than %d shipments", o.id(), maxShipmentsPerOrder)
	}
	// A new order has nothing allocated: Guard keeps ledger commits off the names of orders to
	// come, and its earlier rounds in this command allocated nothing if it has no shipments.
	fresh := o.seq == st.seq && len(o.ships) == 0
	evs, rej := x.led.Allocate(t.h, ch, o.id(), fresh, x.claims, st.seq, st.now, x.events)
	x.events = evs
	return rej
}

// record creates the plan's shipments: parts, carriage, capacity and backlog, SLA projections.
func (x *Orders) record(st *step, t *tenant, o *order, plan *sourcing.Plan) {
	base := len(o.ships)
	hour := floorDiv(st.now, hourNanos)
	for k := range plan.Shipments {
		ps := &plan.Shipments[k]
		loc := x.locRefs[ps.Location]
		sh := x.newShipment(o, base+k+1, loc)
		sh.id = x.shipIDs[k]
		sh.distanceM, sh.weightG = ps.DistanceM, ps.WeightG
		for _, p := range plan.Parts {
			if p.Shipment == k {
				sh.parts = append(sh.parts, part{line: x.lineOf[p.Line], qty: p.Qty})
				o.lines[x.lineOf[p.Line]].waiting -= p.Qty
			}
		}
		ready := max(ps.DepartAt, st.now) + x.pickLead(t, loc)
		c := x.choose(t, o, loc, ps.DistanceM, ps.WeightG, ready)
		sh.carrier, sh.service, sh.priceMinor, sh.readyAt = c.carrier, c.service, c.price, ready
		sh.pickupAt, sh.promisedAt, sh.dueAt = c.pickupAt, c.promisedAt, c.dueAt
		sh.riderSlot, sh.hasSlot = c.slot, c.hasSlot
		nd := t.node(loc)
		if nd.hour != hour {
			nd.hour, nd.planned = hour, 0
		}
		nd.planned++
		x.openAt(t, sh)
		x.emit(st, t, depot.Event{Kind: depot.EventShipmentPlanned, Ref: sh.id, Order: o.id(), Location: t.h.LocationID(loc),
			Carrier: sh.carrier, Service: sh.service, Qty: sh.units(), At: sh.promisedAt})
		x.projectShipment(st, o, sh, c.atRisk)
	}
}

// projectShipment raises the SLA risks a new shipment's carriage already shows and schedules
// the risk checks: the last moment the same work, started then, would still meet the deadline.
func (x *Orders) projectShipment(st *step, o *order, sh *shipment, atRisk string) {
	t := o.t
	if o.shipBy != 0 && o.sla&shipAtRisk == 0 {
		if sh.pickupAt > o.shipBy {
			o.sla |= shipAtRisk
			x.emit(st, t, depot.Event{Kind: depot.EventSLAAtRisk, Ref: o.id(), Order: o.id(), Channel: o.channel(), At: o.shipBy,
				Reason: "ship_by: shipment " + sh.id + " leaves " + formatTime(sh.pickupAt)})
		} else if at := o.shipBy - (sh.pickupAt - st.now); o.shipRiskAt == 0 || at < o.shipRiskAt {
			o.shipRiskAt = at
		}
	}
	if o.deliverBy != 0 && o.sla&deliverAtRisk == 0 {
		if atRisk != "" || sh.promisedAt > o.deliverBy {
			why := atRisk
			if why == "" {
				why = "promised " + formatTime(sh.promisedAt)
			}
			o.sla |= deliverAtRisk
			x.emit(st, t, depot.Event{Kind: depot.EventSLAAtRisk, Ref: o.id(), Order: o.id(), Channel: o.channel(), At: o.deliverBy,
				Reason: "deliver_by: shipment " + sh.id + ": " + why})
		} else if at := o.deliverBy - (sh.promisedAt - st.now); o.deliverRiskAt == 0 || at < o.deliverRiskAt {
			o.deliverRiskAt = at
		}
	}
}

// newShipment adds shipment n at loc to the order.
func (x *Orders) newShipment(o *order, n int, loc ledger.LocRef) *shipment {
	sh := x.newShipmentRecord()
	sh.o, sh.n, sh.loc, sh.status, sh.openIdx = o, int32(n), loc, shipAllocated, -1
	sh.parts = sh.inline[:0]
	if o.ships == nil {
		o.ships = o.shipInline[:0]
	}
	o.ships = append(o.ships, sh)
	return sh
}

// shipmentID returns the id of shipment n of o, "<order>-<n>". The first shipment's id was made
// with the order's (they share one allocation).
func (x *Orders) shipmentID(o *order, n int) string {
	if n == 1 && o.id1 != "" {
		return o.id1
	}
	return o.id() + "-" + strconv.Itoa(n)
}

// openAt puts a shipment in its location's pick queue.
func (x *Orders) openAt(t *tenant, sh *shipment) {
	nd := t.node(sh.loc)
	sh.openIdx = int32(len(nd.open))
	nd.open = append(nd.open, sh)
}

// closeAt takes a shipment out of its location's pick queue.
func (x *Orders) closeAt(t *tenant, sh *shipment) {
	if sh.openIdx < 0 {
		return
	}
	nd := t.node(sh.loc)
	i, last := int(sh.openIdx), len(nd.open)-1
	nd.open[i] = nd.open[last]
	nd.open[i].openIdx = int32(i)
	nd.open[last] = nil
	nd.open = nd.open[:last]
	sh.openIdx = -1
}
