package sourcing

// key is a plan's rank: one slot per ranking rule in rule order, then the default objective.
// Every slot is a sum over the plan's shipments of non-negative per-shipment values, so plans
// compare lexicographically and a partial plan's key is a lower bound of every completion's
// (adding a non-negative vector never makes a key lexicographically smaller).
type key [MaxRules + 1]int64

func (p *Planner) add(a, b *key) key {
	var r key
	for k := 0; k < p.nk; k++ {
		r[k] = a[k] + b[k]
	}
	return r
}

// cmp compares keys lexicographically: -1, 0 or +1.
func (p *Planner) cmp(a, b *key) int {
	for k := 0; k < p.nk; k++ {
		if a[k] != b[k] {
			if a[k] < b[k] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// vec returns the key of one shipment of the lines in mask (weight weightG) from candidate ci.
// mask 0 means "not a line set of the exact search" and bypasses the quote cache.
func (p *Planner) vec(ci int, mask uint64, weightG int64) (key, bool) {
	obj, ok := p.cachedObjective(ci, mask, weightG)
	if !ok {
		return key{}, false
	}
	v := p.base[ci]
	for k := 0; k < p.nk; k++ {
		if p.costSlot&(1<<uint(k)) != 0 {
			v[k] = obj
		}
	}
	return v, true
}

// cachedObjective is the objective of one shipment of the lines in mask (weight weightG) from
// candidate ci, from the quote cache when mask is a line set of the exact search (mask != 0).
func (p *Planner) cachedObjective(ci int, mask uint64, weightG int64) (int64, bool) {
	if p.cacheOn && mask != 0 {
		e := &p.cache[ci<<uint(p.n)|int(mask)]
		if e.gen != p.cacheGen {
			e.obj, e.ok = p.objective(ci, weightG)
			e.gen = p.cacheGen
		}
		return e.obj, e.ok
	}
	return p.objective(ci, weightG)
}

// idLess breaks ties between two whole-line assignments: the first line whose location differs
// decides, by location id, so the winner does not depend on the order candidates were listed in.
func (p *Planner) idLess(a, b []int32) bool {
	for i := 0; i < p.n; i++ {
		if a[i] != b[i] {
			return p.id(int(a[i])) < p.id(int(b[i]))
		}
	}
	return false
}
