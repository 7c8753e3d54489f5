package sourcing

import "math/bits"

func trailingZeros(x uint64) int { return bits.TrailingZeros64(x) }

// build turns p.parts (in line order) into the Plan: parts, shipments in order of their first
// line, quotes and the cost breakdown.
func (p *Planner) build(method Method) error {
	lines := p.req.Order.Lines
	nc := len(p.cands)
	if cap(p.shipOf) < nc {
		p.shipOf = make([]int32, nc)
		for i := range p.shipOf {
			p.shipOf[i] = -1
		}
	}
	p.shipOf = p.shipOf[:nc]
	ships, out := p.ships[:0], p.out[:0]
	for _, pt := range p.parts {
		c := &p.cands[pt.cand]
		s := p.shipOf[pt.cand]
		if s < 0 {
			s = int32(len(ships))
			p.shipOf[pt.cand] = s
			ships = append(ships, Shipment{Location: int(c.loc), LocationID: p.id(int(pt.cand)), DistanceM: c.distM})
		}
		ships[s].Parts++
		ships[s].WeightG += pt.qty * lines[pt.line].UnitWeightG
		out = append(out, Part{Line: int(pt.line), Location: int(c.loc), LocationID: p.id(int(pt.cand)), Qty: pt.qty, Shipment: int(s)})
	}
	var b Breakdown
	ok := true
	for i := range ships {
		sh := &ships[i]
		ci := int(p.candOf[sh.Location])
		p.shipOf[ci] = -1 // leave shipOf clean for the next plan
		q, qok := p.quote(ci, sh.WeightG)
		if !qok {
			ok = false
			continue
		}
		sh.CostMinor, sh.TransitMinutes = q.CostMinor, q.TransitMinutes
		sh.DepartAt = p.cands[ci].departAt
		sh.ETA, sh.LateHours = p.lateHours(ci, q.TransitMinutes)
		b.ShippingMinor += q.CostMinor
		b.LateMinor += sh.LateHours * p.req.Options.LatePenaltyPerHourMinor
		if sh.LateHours > 0 {
			p.plan.Late = true
		}
	}
	p.ships, p.out = ships, out
	if !ok {
		// Only a split plan can get here: its merged shipments were never quoted whole.
		p.plan.Late = false
		return &InfeasibleError{Line: -1}
	}
	b.SplitMinor = int64(len(ships)-1) * p.req.Options.SplitPenaltyMinor
	b.TotalMinor = b.ShippingMinor + b.SplitMinor + b.LateMinor
	p.plan.Parts, p.plan.Shipments, p.plan.Cost, p.plan.Method = out, ships, b, method
	return nil
}

// infeasible explains why no plan exists: the first line whose SKU the candidates (and the
// locations excluded only for want of stock) lack units of, counting the lines before it that
// share the SKU; else, without line splits, the first
// line no candidate holds wholly, else a conflict between lines sharing a SKU.
func (p *Planner) infeasible() error {
	lines := p.req.Order.Lines
	for li := 0; li < p.n; li++ {
		g := int(p.group[li])
		var need, total int64
		for j := g; j <= li; j++ {
			if int(p.group[j]) == g {
				need += lines[j].Qty
			}
		}
		for loc, c := range p.candOf {
			if c != -1 {
				total += p.avail(li, loc)
			}
		}
		if total < need {
			return &InfeasibleError{Line: li, SKU: lines[li].SKU, Missing: need - total}
		}
	}
	if !p.req.Options.AllowSplitLines {
		for li := 0; li < p.n; li++ {
			held := false
			for ci := range p.cands {
				if p.avail(li, int(p.cands[ci].loc)) >= lines[li].Qty {
					held = true
					break
				}
			}
			if !held {
				return &InfeasibleError{Line: li, SKU: lines[li].SKU}
			}
		}
	}
	return &InfeasibleError{Line: -1}
}
