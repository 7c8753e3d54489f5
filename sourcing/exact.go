package sourcing

import "math/bits"

// The exact search enumerates partitions of the order's lines into shipments, each from a
// distinct candidate that holds its lines, depth first: the shipment holding the lowest
// unassigned line is chosen first, largest line sets first, so single-location plans are met
// before split ones. It is seeded with the greedy plan and prunes every branch whose key,
// plus the least a further shipment can add, is already worse than the best plan found.

func (p *Planner) setupCache() {
	p.cacheOn = p.n <= MaxExactLines && len(p.cands)<<uint(p.n) <= MaxQuoteCache
	if !p.cacheOn {
		return
	}
	size := len(p.cands) << uint(p.n)
	if cap(p.cache) < size {
		// Fresh entries have generation 0, which the increment below makes stale.
		p.cache = make([]quoteEntry, size, min(max(size, 2*cap(p.cache)), MaxQuoteCache))
		p.cacheGen = 0
	}
	p.cache = p.cache[:size]
	p.cacheGen++
	if p.cacheGen == 0 { // wrapped: stale entries could look fresh
		clear(p.cache[:cap(p.cache)])
		p.cacheGen = 1
	}
}

// exactAllowed reports whether the exact search runs: few enough lines, and a search space (the
// product over lines of the candidates holding the line wholly) within the bound.
func (p *Planner) exactAllowed() bool {
	bound := p.req.Options.ExactSpace
	if bound < 0 || p.n > MaxExactLines {
		return false
	}
	if bound == 0 {
		bound = DefaultExactSpace
	}
	space := int64(1)
	for li := 0; li < p.n; li++ {
		h := int64(0)
		for ci := range p.cands {
			if p.cands[ci].hold&(1<<uint(li)) != 0 {
				h++
			}
		}
		if h == 0 {
			return false // some line fits nowhere whole: there is nothing to enumerate
		}
		space *= h
		if space > bound {
			return false
		}
	}
	return true
}

func (p *Planner) exact() {
	p.used = [(MaxLocations + 63) / 64]uint64{}
	p.search(uint64(1)<<uint(p.n)-1, key{})
}

// search takes the partial key by value: a pointer to a local would escape through the
// recursion and allocate on every node.
func (p *Planner) search(rem uint64, partial key) {
	if rem == 0 {
		p.leaf(&partial)
		return
	}
	top := rem == uint64(1)<<uint(p.n)-1
	low := rem & -rem
	rest := rem ^ low
	for s := rest; ; s = (s - 1) & rest {
		sub := s | low
		multi := sub != rem
		if top && !multi {
			// Single-location plans: greedyWhole already weighed every one of them (with the
			// same keys and tie-break), so its incumbent is the best of them.
			if s == 0 {
				return
			}
			continue
		}
		if multi && p.haveBest && p.splitsHopeless(&partial) {
			return // every remaining sub is a split too
		}
		w := p.maskWeight(sub)
		for ci := range p.cands {
			if p.used[ci>>6]&(1<<uint(ci&63)) != 0 || !p.fits(ci, sub) {
				continue
			}
			v, ok := p.vec(ci, sub, w)
			if !ok {
				continue
			}
			p.nodes++
			np := p.add(&partial, &v)
			if p.haveBest {
				lb := np
				if multi {
					lb = p.add(&lb, p.minVector())
				}
				if p.cmp(&lb, &p.bestKey) > 0 {
					continue
				}
			}
			for m := sub; m != 0; m &= m - 1 {
				p.lineLoc[bits.TrailingZeros64(m)] = int32(ci)
			}
			p.used[ci>>6] |= 1 << uint(ci&63)
			p.search(rem^sub, np)
			p.used[ci>>6] &^= 1 << uint(ci&63)
		}
		if s == 0 {
			return
		}
	}
}

func (p *Planner) leaf(k *key) {
	if p.haveBest {
		c := p.cmp(k, &p.bestKey)
		if c > 0 || (c == 0 && !p.idLess(p.lineLoc, p.bestLoc)) {
			return
		}
	}
	p.bestKey, p.haveBest = *k, true
	copy(p.bestLoc, p.lineLoc)
}

// splitsHopeless reports whether splitting what remains (two shipments at least, each adding
// at least a lower bound) must end worse than the incumbent. It tries the cheap bound first and
// computes the tight one only when the cheap one does not decide.
func (p *Planner) splitsHopeless(partial *key) bool {
	if mv := p.floorVector(); mv != nil && p.twiceWorse(partial, mv) {
		return true
	}
	return p.twiceWorse(partial, p.minVector())
}

func (p *Planner) twiceWorse(partial, mv *key) bool {
	lb := p.add(partial, mv)
	lb = p.add(&lb, mv)
	return p.cmp(&lb, &p.bestKey) > 0
}

// floorVector is a lower bound of any one shipment's key without quoting anything: the
// slot-wise minimum of the candidates' non-objective slots, with the estimator's cost floor
// (see CostFloorer) plus the split penalty as the objective. Nil when the estimator has no floor.
func (p *Planner) floorVector() *key {
	if p.floorState != 0 {
		if p.floorState < 0 {
			return nil
		}
		return &p.floorVec
	}
	f, ok := p.req.Estimator.(CostFloorer)
	if p.req.Estimator == nil {
		f, ok = zeroFloor{}, true // the rider model quotes zero
	}
	if !ok {
		p.floorState = -1
		return nil
	}
	// A slot at a time, with min rather than a branch per candidate (whose outcome is random),
	// and only the slots the objective does not fill.
	var mv key
	cands, base := p.cands, p.base[:len(p.cands)]
	minDist := int64(0)
	if len(cands) > 0 {
		minDist = cands[0].distM
		for ci := range cands {
			minDist = min(minDist, cands[ci].distM)
		}
	}
	obj := max(f.CostFloor(minDist), 0) + p.req.Options.SplitPenaltyMinor
	for k := 0; k < p.nk; k++ {
		if p.costSlot&(1<<uint(k)) != 0 {
			mv[k] = obj
			continue
		}
		if len(base) > 0 {
			m := base[0][k]
			for ci := range base {
				m = min(m, base[ci][k])
			}
			mv[k] = m
		}
	}
	p.floorVec, p.floorState = mv, 1
	return &p.floorVec
}

type zeroFloor struct{}

// CostFloor implements CostFloorer for the rider model, which quotes zero.
func (zeroFloor) CostFloor(int64) int64 { return 0 }

// minVector returns a lower bound of any one shipment's key: the slot-wise minimum over the
// candidates of a shipment of the lightest line (quotes do not fall with weight, see Estimator).
// It costs one quote per candidate, so it is computed only when the floor does not decide.
func (p *Planner) minVector() *key {
	if p.minReady {
		return &p.minVec
	}
	light := 0
	for li := 1; li < p.n; li++ {
		if p.lineW[li] < p.lineW[light] {
			light = li
		}
	}
	var mv key
	for ci := range p.cands {
		v, ok := p.vec(ci, 1<<uint(light), p.lineW[light])
		if !ok {
			v = p.base[ci] // cannot ship even that: bound its objective by zero
		}
		for k := 0; k < p.nk; k++ {
			if ci == 0 || v[k] < mv[k] {
				mv[k] = v[k]
			}
		}
	}
	p.minVec, p.minReady = mv, true
	return &p.minVec
}

func (p *Planner) maskWeight(mask uint64) int64 {
	var w int64
	for m := mask; m != 0; m &= m - 1 {
		w += p.lineW[bits.TrailingZeros64(m)]
	}
	return w
}

// fits reports whether candidate ci holds all lines of mask at once: each line wholly, and each
// SKU's lines together.
func (p *Planner) fits(ci int, mask uint64) bool {
	c := &p.cands[ci]
	if mask&^c.hold != 0 {
		return false
	}
	if !p.shared {
		return true
	}
	lines := p.req.Order.Lines
	for m := mask; m != 0; m &= m - 1 {
		i := bits.TrailingZeros64(m)
		g := int(p.group[i])
		counted := false
		for j := g; j < i; j++ {
			if int(p.group[j]) == g && mask&(1<<uint(j)) != 0 {
				counted = true // the pool was checked at its first line in the mask
				break
			}
		}
		if counted {
			continue
		}
		var need int64
		for j := i; j < p.n; j++ {
			if int(p.group[j]) == g && mask&(1<<uint(j)) != 0 {
				need += lines[j].Qty
			}
		}
		if need > p.avail(i, int(c.loc)) {
			return false
		}
	}
	return true
}
