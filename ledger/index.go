package ledger

import "github.com/depothq/depot/internal/hash"

// idIndex maps string ids to entities (pointers) through a 64-bit hash of the id, in an
// open-addressing table with linear probing written for this one job.
//
// Why not a Go map: with millions of reservations and remembered ids every lookup is a cache
// miss, and a map[string]V reads the key's bytes out of line on every compare and growth, while
// a map[uint64]V still walks directory, table header, control word and slot, three or four
// misses per lookup (a third of a reserve's time in profiles). Here a slot is 16 bytes holding
// the hash and the pointer, so a lookup of an id that is absent (every new reservation) costs
// one miss, and one that is present one more to compare the id stored in the entity.
//
// Growth is incremental, so no single command pays for rehashing millions of entries (a pause
// that would show in every caller's p99): the table doubles into a new one and each later
// insert or removal moves a few slots of the old one, which is finished long before the new one
// fills. While moving, removals in the old table leave tombstones, since the backward shift that
// keeps a linear-probing table free of them could carry an entry behind the migration cursor.
//
// Iteration order is unspecified, so nothing that reaches the state may depend on it: callers
// sort (see state.go) or only sum.
type idIndex[V comparable] struct {
	cur  table[V]
	old  table[V] // the table being moved into cur; empty when not growing
	next int      // the next slot of old to move
	n    int      // entities held, in both tables
	idOf func(V) string
}

// table is one power-of-two array of slots. A slot with a zero value is empty unless its hash
// is tombstone.
type table[V comparable] struct {
	slots []slot[V]
	used  int // slots with a value
}

type slot[V comparable] struct {
	h uint64
	v V
}

const (
	// tombstone marks a removed slot of a table being moved. Real hashes are never < 2.
	tombstone = 1
	// minIndexSlots is the size of the first table.
	minIndexSlots = 16
	// moveSlotsPerOp is how many old slots each insert or removal moves while growing. Growth
	// starts when the new table is a quarter full and must end before it is half full, so at
	// least 2 per insert are needed; 8 keeps the overlap short.
	moveSlotsPerOp = 8
)

func newIndex[V comparable](idOf func(V) string) idIndex[V] {
	return idIndex[V]{idOf: idOf}
}

// hashString hashes an id; it only indexes memory, so its value never reaches the state.
func hashString(s string) uint64 {
	h := hash.String(s)
	if h < 2 {
		h += 2 // 0 and 1 are not hashes: see tombstone
	}
	return h
}

func (x *idIndex[V]) get(id string) V { return x.getHashed(hashString(id), id) }

// getHashed, setHashed and removeHashed take the id's hash from the caller, so that tests can
// force ids to collide.
func (x *idIndex[V]) getHashed(h uint64, id string) V {
	if v, ok := x.cur.find(h, id, x.idOf); ok {
		return v
	}
	if x.old.slots != nil {
		if v, ok := x.old.find(h, id, x.idOf); ok {
			return v
		}
	}
	var zero V
	return zero
}

// find returns the value with id, probing from h's home slot to the first empty one.
func (t *table[V]) find(h uint64, id string, idOf func(V) string) (V, bool) {
	var zero V
	if t.slots == nil {
		return zero, false
	}
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.v == zero {
			if s.h == tombstone {
				continue
			}
			return zero, false
		}
		if s.h == h && idOf(s.v) == id {
			return s.v, true
		}
	}
}

// set inserts or replaces the entity with id. v must not be the zero value.
func (x *idIndex[V]) set(id string, v V) { x.setHashed(hashString(id), id, v) }

func (x *idIndex[V]) setHashed(h uint64, id string, v V) {
	var zero V
	if v == zero {
		panic("ledger: index set to a zero value")
	}
	if x.old.slots != nil {
		if x.old.remove(h, id, x.idOf, true) {
			x.n--
		}
		x.move()
	}
	if x.cur.slots == nil {
		x.cur.slots = make([]slot[V], minIndexSlots)
	}
	for x.old.slots != nil && 2*x.cur.used >= len(x.cur.slots) {
		// Cannot happen at moveSlotsPerOp >= 2 (see there); finishing the move keeps put's
		// promise of room if it ever did.
		x.move()
	}
	if x.cur.put(h, id, v, x.idOf) {
		x.n++
	}
	if x.old.slots == nil && 2*x.cur.used > len(x.cur.slots) {
		x.old, x.next = x.cur, 0
		x.cur = table[V]{slots: make([]slot[V], 2*len(x.old.slots))}
	}
}

// put inserts or replaces; it reports whether the id is new. The table has room: callers keep
// it at most half full.
func (t *table[V]) put(h uint64, id string, v V, idOf func(V) string) bool {
	var zero V
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.v == zero {
			// The new table never holds tombstones (it deletes by shifting), so the first
			// empty slot ends the probe sequence and the id is not further on.
			s.h, s.v = h, v
			t.used++
			return true
		}
		if s.h == h && idOf(s.v) == id {
			s.v = v
			return false
		}
	}
}

func (x *idIndex[V]) remove(id string) { x.removeHashed(hashString(id), id) }

func (x *idIndex[V]) removeHashed(h uint64, id string) {
	if x.cur.remove(h, id, x.idOf, false) {
		x.n--
	} else if x.old.slots != nil && x.old.remove(h, id, x.idOf, true) {
		x.n--
	}
	if x.old.slots != nil {
		x.move()
	}
}

// remove deletes id, leaving a tombstone or shifting the rest of the cluster back; it reports
// whether id was there.
func (t *table[V]) remove(h uint64, id string, idOf func(V) string, tomb bool) bool {
	var zero V
	if t.slots == nil {
		return false
	}
	mask := uint64(len(t.slots) - 1)
	i := h & mask
	for ; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.v == zero {
			if s.h == tombstone {
				continue
			}
			return false
		}
		if s.h == h && idOf(s.v) == id {
			break
		}
	}
	t.used--
	if tomb {
		t.slots[i] = slot[V]{h: tombstone}
		return true
	}
	// Backward shift: move later members of the cluster into the hole when the hole lies
	// between their home and their slot, so every probe sequence stays unbroken.
	for j := (i + 1) & mask; ; j = (j + 1) & mask {
		s := &t.slots[j]
		if s.v == zero {
			break
		}
		home := s.h & mask
		if (j-home)&mask >= (j-i)&mask {
			t.slots[i] = *s
			i = j
		}
	}
	t.slots[i] = slot[V]{}
	return true
}

// move carries a few slots of the old table into the new one, and drops the old table when
// it is done.
func (x *idIndex[V]) move() {
	var zero V
	for k := 0; k < moveSlotsPerOp && x.next < len(x.old.slots); k++ {
		s := &x.old.slots[x.next]
		if s.v != zero {
			x.cur.put(s.h, x.idOf(s.v), s.v, x.idOf)
			// A tombstone, not an empty slot: entries after it in its cluster are still
			// found by probing past it.
			*s = slot[V]{h: tombstone}
			x.old.used--
		}
		x.next++
	}
	if x.next == len(x.old.slots) {
		x.old, x.next = table[V]{}, 0
	}
}

func (x *idIndex[V]) len() int { return x.n }

// presize makes an empty index ready for n entities without growing, for a restore that knows
// the count up front.
func (x *idIndex[V]) presize(n int) {
	if x.n != 0 || x.old.slots != nil {
		return
	}
	size := minIndexSlots
	for size < 2*n+2 {
		size *= 2
	}
	if size > len(x.cur.slots) {
		x.cur = table[V]{slots: make([]slot[V], size)}
	}
}

// each calls fn for every entity in unspecified order. Moved slots of the old table are
// tombstones, so nothing is reported twice.
func (x *idIndex[V]) each(fn func(V)) {
	var zero V
	for _, t := range [2]*table[V]{&x.cur, &x.old} {
		for i := range t.slots {
			if v := t.slots[i].v; v != zero {
				fn(v)
			}
		}
	}
}
