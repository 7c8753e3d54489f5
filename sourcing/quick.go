package sourcing

// The quick-commerce fast path, for quick orders of up to MaxQuickLines lines without repeated
// SKUs: the nearest in-radius dark store holding every line (ties by id); failing that, the
// fewest stores that together hold every line, nearest in sum. Candidates are compared by
// squared distance, so only the chosen stores' distances need a square root. The fallback is a
// dynamic programme over the 2^lines line sets: the nearest store holding each set, then the
// cheapest partition of all lines into such sets. A min-count partition never uses one store
// twice (its two sets would merge into one with fewer stores), so its stores are distinct.
// Merchant rankers do not apply to quick orders (filters do), and the estimator, if any, only
// prices the chosen shipments: the rider promise makes proximity the objective.

func (p *Planner) quick() bool {
	full := uint64(1)<<uint(p.n) - 1
	best := -1
	for ci := range p.cands {
		c := &p.cands[ci]
		if c.hold == full && (best < 0 || p.nearer(ci, best)) {
			best = ci
		}
	}
	p.parts = p.parts[:0]
	if best >= 0 {
		p.cands[best].distM = isqrt(p.cands[best].dist2)
		for li := 0; li < p.n; li++ {
			p.parts = append(p.parts, ipart{line: int32(li), cand: int32(best), qty: p.req.Order.Lines[li].Qty})
		}
		return true
	}

	qb := p.quickBest[:full+1]
	for m := range qb {
		qb[m] = -1
	}
	for ci := range p.cands {
		h := p.cands[ci].hold
		if h == 0 {
			continue
		}
		p.cands[ci].distM = isqrt(p.cands[ci].dist2)
		for s := h; s != 0; s = (s - 1) & h {
			if b := qb[s]; b < 0 || p.nearer(ci, int(b)) {
				qb[s] = int32(ci)
			}
		}
	}
	dp := p.quickDP[:full+1]
	dp[0] = quickState{}
	for m := uint64(1); m <= full; m++ {
		dp[m] = quickState{count: -1}
		low := m & -m
		rest := m ^ low
		for s := rest; ; s = (s - 1) & rest {
			sub := s | low
			if b := qb[sub]; b >= 0 && dp[m^sub].count >= 0 {
				n, d := dp[m^sub].count+1, dp[m^sub].distM+p.cands[b].distM
				if dp[m].count < 0 || n < dp[m].count || (n == dp[m].count && d < dp[m].distM) {
					dp[m] = quickState{count: n, sub: uint8(sub), distM: d}
				}
			}
			if s == 0 {
				break
			}
		}
	}
	if dp[full].count < 0 {
		return false
	}
	for m := full; m != 0; m ^= uint64(dp[m].sub) {
		ci := qb[dp[m].sub]
		for s := uint64(dp[m].sub); s != 0; s &= s - 1 {
			p.lineLoc[trailingZeros(s)] = ci
		}
	}
	for li := 0; li < p.n; li++ {
		p.parts = append(p.parts, ipart{line: int32(li), cand: p.lineLoc[li], qty: p.req.Order.Lines[li].Qty})
	}
	return true
}

// nearer orders candidates by squared distance, then id.
func (p *Planner) nearer(a, b int) bool {
	ca, cb := &p.cands[a], &p.cands[b]
	return ca.dist2 < cb.dist2 || (ca.dist2 == cb.dist2 && p.id(a) < p.id(b))
}
