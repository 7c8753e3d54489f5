package ledger

import "github.com/depothq/depot/internal/hash"

// idIndex maps string ids to entities through a 64-bit hash of the id. Go's string-keyed maps
// must read the key's bytes, out of line, whenever they grow or compare, and with millions of
// reservations those reads are cache misses that cost more than the rest of a reserve; a
// uint64 key lives in the table itself. Two ids with the same hash are told apart by comparing
// the id stored in the entity; the rare second one lives in a spill map keyed by the id.
//
// Iteration order is unspecified, so nothing that reaches the state may depend on it: callers
// sort (see state.go) or only sum.
type idIndex[V comparable] struct {
	byHash map[uint64]V
	spill  map[string]V
	idOf   func(V) string
}

func newIndex[V comparable](idOf func(V) string) idIndex[V] {
	return idIndex[V]{byHash: make(map[uint64]V), idOf: idOf}
}

func (x *idIndex[V]) get(id string) V {
	var zero V
	if v, ok := x.byHash[hashString(id)]; ok && x.idOf(v) == id {
		return v
	}
	if x.spill != nil {
		return x.spill[id]
	}
	return zero
}

// set inserts or replaces the entity with id.
func (x *idIndex[V]) set(id string, v V) {
	h := hashString(id)
	if old, ok := x.byHash[h]; !ok || x.idOf(old) == id {
		x.byHash[h] = v
		return
	}
	if x.spill == nil {
		x.spill = make(map[string]V)
	}
	x.spill[id] = v
}

func (x *idIndex[V]) remove(id string) {
	h := hashString(id)
	if old, ok := x.byHash[h]; ok && x.idOf(old) == id {
		delete(x.byHash, h)
		return
	}
	delete(x.spill, id)
}

func (x *idIndex[V]) len() int { return len(x.byHash) + len(x.spill) }

// each calls fn for every entity in unspecified order.
func (x *idIndex[V]) each(fn func(V)) {
	for _, v := range x.byHash {
		fn(v)
	}
	for _, v := range x.spill {
		fn(v)
	}
}

// hashString hashes an id; it only indexes memory, so its value never reaches the state.
func hashString(s string) uint64 { return hash.String(s) }
