package sourcing

// The greedy search: the best single location that holds every line; else cover the lines
// location by location, each time taking the location that wholly holds the most uncovered lines
// (ties by key, then id); and, when line splits are allowed and some lines stay uncovered, fill
// each of them from the locations already shipping first, then from the best others. It runs in
// O(lines x candidates x shipments) and is the exact search's first incumbent.

func (p *Planner) fullMask() uint64 {
	if p.n > MaxExactLines {
		return 0 // no line-set masks beyond the exact search's size; vec calls the estimator
	}
	return uint64(1)<<uint(p.n) - 1
}

// greedyWhole finds a whole-line plan into bestLoc and bestKey and reports whether it did.
func (p *Planner) greedyWhole() bool {
	var totalW int64
	for li := 0; li < p.n; li++ {
		totalW += p.lineW[li]
	}
	best := -1
	var bk key
	if p.nk == 1 {
		// The objective alone ranks plans (no ranking rule): compare numbers rather than
		// copying and comparing keys, most of whose slots are unused.
		var bestObj int64
		for ci := range p.cands {
			if !p.holdsWhole(ci) {
				continue
			}
			obj, ok := p.cachedObjective(ci, p.fullMask(), totalW)
			if ok && (best < 0 || obj < bestObj || (obj == bestObj && p.id(ci) < p.id(best))) {
				best, bestObj = ci, obj
			}
		}
		if best >= 0 {
			bk, _ = p.vec(best, p.fullMask(), totalW)
		}
	} else {
		for ci := range p.cands {
			if !p.holdsWhole(ci) {
				continue
			}
			v, ok := p.vec(ci, p.fullMask(), totalW)
			if !ok {
				continue
			}
			if best < 0 || p.better(&v, ci, &bk, best) {
				best, bk = ci, v
			}
		}
	}
	if best >= 0 {
		for li := 0; li < p.n; li++ {
			p.bestLoc[li] = int32(best)
		}
		p.bestKey, p.haveBest = bk, true
		return true
	}
	if p.cover() {
		copy(p.bestLoc, p.lineLoc)
		p.haveBest = true // bestKey was summed by cover
		return true
	}
	return false
}

// holdsWhole reports whether candidate ci can ship the whole order alone.
func (p *Planner) holdsWhole(ci int) bool {
	return p.cands[ci].holds == p.n && (!p.shared || p.fitsAll(ci))
}

// better orders (key, candidate id) pairs of single shipments.
func (p *Planner) better(a *key, ai int, b *key, bi int) bool {
	c := p.cmp(a, b)
	return c < 0 || (c == 0 && p.id(ai) < p.id(bi))
}

// fitsAll reports whether candidate ci holds every line at once (lines sharing a SKU together).
func (p *Planner) fitsAll(ci int) bool {
	lines := p.req.Order.Lines
	for i := 0; i < p.n; i++ {
		if int(p.group[i]) != i {
			continue
		}
		var need int64
		for j := i; j < p.n; j++ {
			if int(p.group[j]) == i {
				need += lines[j].Qty
			}
		}
		if need > p.avail(i, int(p.cands[ci].loc)) {
			return false
		}
	}
	return true
}

// cover assigns whole lines location by location (see the file comment), consuming p.rem, and
// reports whether every line was covered. Covered lines are in lineLoc, the used locations in
// p.order, and the plan's key in bestKey.
func (p *Planner) cover() bool {
	nc := len(p.cands)
	p.rem = grow64(p.rem, nc*p.n)
	for ci := 0; ci < nc; ci++ {
		for li := 0; li < p.n; li++ {
			if int(p.group[li]) == li {
				p.rem[ci*p.n+li] = p.avail(li, int(p.cands[ci].loc))
			}
		}
	}
	if cap(p.covered) < p.n {
		p.covered = make([]bool, p.n)
	}
	p.covered = p.covered[:p.n]
	clear(p.covered)
	p.tmp = grow64(p.tmp, p.n)
	clear(p.tmp)
	p.used = [(MaxLocations + 63) / 64]uint64{}
	p.order = p.order[:0]
	p.bestKey = key{}
	left := p.n
	for left > 0 {
		best, bestCount := -1, 0
		var bv key
		for ci := 0; ci < nc; ci++ {
			if p.used[ci>>6]&(1<<uint(ci&63)) != 0 {
				continue
			}
			count, w, mask := p.coverable(ci, false)
			if count == 0 || count < bestCount {
				continue
			}
			v, ok := p.vec(ci, mask, w)
			if !ok {
				continue
			}
			if count > bestCount || p.better(&v, ci, &bv, best) {
				best, bestCount, bv = ci, count, v
			}
		}
		if best < 0 {
			return false
		}
		p.coverable(best, true)
		p.used[best>>6] |= 1 << uint(best&63)
		p.order = append(p.order, int32(best))
		p.bestKey = p.add(&p.bestKey, &bv)
		left -= bestCount
	}
	return true
}

// coverable counts the uncovered lines candidate ci can take wholly, in line order, with their
// weight and (for the exact search's sizes) line mask; with commit it takes them.
func (p *Planner) coverable(ci int, commit bool) (count int, w int64, mask uint64) {
	lines := p.req.Order.Lines
	rem := p.rem[ci*p.n : (ci+1)*p.n]
	for li := 0; li < p.n; li++ {
		if p.covered[li] {
			continue
		}
		g := p.group[li]
		if rem[g]-p.tmp[g] < lines[li].Qty {
			continue
		}
		count++
		w += p.lineW[li]
		if p.n <= MaxExactLines {
			mask |= 1 << uint(li)
		}
		if commit {
			rem[g] -= lines[li].Qty
			p.covered[li] = true
			p.lineLoc[li] = int32(ci)
		} else if p.shared {
			p.tmp[g] += lines[li].Qty
		}
	}
	if !commit && p.shared {
		for li := 0; li < p.n; li++ {
			p.tmp[p.group[li]] = 0
		}
	}
	return count, w, mask
}

// greedySplit covers what it can with whole lines, then fills every uncovered line from several
// locations: those already shipping first (in the order they were chosen), then the others,
// preferring one that can supply all that is still missing, then by key and id. It fills
// p.parts in line order and reports whether every unit was placed.
func (p *Planner) greedySplit() bool {
	p.cover()
	lines := p.req.Order.Lines
	p.parts = p.parts[:0]
	for li := 0; li < p.n; li++ {
		if p.covered[li] {
			p.parts = append(p.parts, ipart{line: int32(li), cand: p.lineLoc[li], qty: lines[li].Qty})
			continue
		}
		from := len(p.parts)
		need := lines[li].Qty
		g := int(p.group[li])
		for need > 0 {
			ci := p.splitSource(li, g, need)
			if ci < 0 {
				return false
			}
			take := min(p.rem[ci*p.n+g], need)
			p.rem[ci*p.n+g] -= take
			need -= take
			p.parts = append(p.parts, ipart{line: int32(li), cand: int32(ci), qty: take})
		}
		// Parts of one line are listed by location id, like every other output.
		pp := p.parts[from:]
		for i := 1; i < len(pp); i++ {
			for j := i; j > 0 && p.id(int(pp[j].cand)) < p.id(int(pp[j-1].cand)); j-- {
				pp[j], pp[j-1] = pp[j-1], pp[j]
			}
		}
	}
	return true
}

func (p *Planner) splitSource(li, g int, need int64) int {
	for _, ci := range p.order {
		if p.rem[int(ci)*p.n+g] > 0 {
			return int(ci)
		}
	}
	best, bestAll := -1, false
	var bv key
	for ci := range p.cands {
		r := p.rem[ci*p.n+g]
		if r <= 0 || p.used[ci>>6]&(1<<uint(ci&63)) != 0 {
			continue
		}
		v, ok := p.vec(ci, 0, min(r, need)*p.req.Order.Lines[li].UnitWeightG)
		if !ok {
			continue
		}
		all := r >= need
		if best < 0 || (all && !bestAll) || (all == bestAll && p.better(&v, ci, &bv, best)) {
			best, bestAll, bv = ci, all, v
		}
	}
	if best >= 0 {
		p.used[best>>6] |= 1 << uint(best&63)
		p.order = append(p.order, int32(best))
	}
	return best
}
