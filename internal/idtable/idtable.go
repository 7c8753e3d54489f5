// Package idtable is the hash table behind Depot's large id indexes (reservations, remembered
// command ids, allocations, orders by external id).
//
// Why not a Go map: with millions of entries every lookup is a cache miss, and a map[string]V
// reads the key's bytes out of line on every compare and growth, while a map[uint64]V still
// walks directory, table header, control word and slot, three or four misses per lookup (a
// third of a reserve's time in profiles). Here a slot is 16 bytes holding the key's hash and the
// value, so looking up a key that is absent (every new reservation) costs one miss, and one that
// is present one more to compare the key stored in the value.
//
// Growth is incremental, so no single insert pays for rehashing millions of entries (a pause
// that would show in every caller's p99): the table doubles into a new one and each later
// insert or removal moves a few slots of the old one, which is finished long before the new one
// fills. While moving, removals in the old table leave tombstones, since the backward shift that
// keeps a linear-probing table free of them could carry an entry behind the migration cursor.
//
// The new table is allocated a little before growth starts, and the inserts in between write
// one slot of each of its memory pages, 32 pages every 32 inserts. Otherwise the first inserts after
// growth, which land on random pages of a table of megabytes, would take the operating system's
// page faults all at once: thousands of them, a stall of milliseconds (measured: 10 ms when a
// table of 16 MiB was first written, on the machine of the README's benchmarks).
//
// The table is deterministic in content, but its iteration order is not part of any contract:
// callers that encode state sort what they read. It does no I/O and is not safe for concurrent
// use.
package idtable

// Table maps keys K to values V (pointers in practice; the zero V means absent). The key of a
// value is recovered with keyOf, so a slot needs to hold only the key's hash.
type Table[K comparable, V comparable] struct {
	cur  table[K, V]
	old  table[K, V] // the table being moved into cur; empty when not growing
	next int         // the next slot of old to move
	// spare is the table the next growth moves into, allocated ahead (see prefault); touched
	// is how many of its slots are known to be backed by memory.
	spare   []slot[V]
	touched int
	n       int // values held, in both tables
	keyOf   func(V) K
	hashOf  func(K) uint64
}

// table is one power-of-two array of slots. A slot with a zero value is empty unless its hash
// is tombstone.
type table[K comparable, V comparable] struct {
	slots []slot[V]
	used  int // slots with a value
}

type slot[V comparable] struct {
	h uint64
	v V
}

const (
	// spareAt is the load, in eighths, at which the next table is allocated: at three eighths
	// full, while growth starts at half. The n/8 inserts in between (n slots now) outnumber the
	// n/128 pages of the next table, so every page is written before growth; and a table that
	// a restore presized to a quarter full does not hold a spare it may never need.
	spareAt = 3
	// spareDropAt is the load, in eighths, under which removals drop the spare: a table that
	// emptied (outcomes forgotten) does not keep twice its size allocated.
	spareDropAt = 1
	// prefaultBurst is how many pages of the spare one insert in prefaultBurst writes, so
	// prefault keeps its pace of a page per insert.
	prefaultBurst = 32
	// slotsPerPage is how many slots share a 4 KiB page (slots are 16 bytes: a hash and a
	// pointer); writing one slot of each page is enough to have the page mapped.
	slotsPerPage = 256
	// tombstone marks a removed slot of a table being moved. Stored hashes are never < 2.
	tombstone = 1
	// minSlots is the size of the first table.
	minSlots = 16
	// moveSlotsPerOp is how many old slots each insert or removal moves while growing. Growth
	// starts when the new table is a quarter full and must end before it is half full, so at
	// least 2 per insert are needed; 8 keeps the overlap short.
	moveSlotsPerOp = 8
)

// New returns an empty table. keyOf gives the key of a stored value; hashOf hashes a key (a
// good 64-bit hash: equal hashes of different keys are handled, but cost probes).
func New[K comparable, V comparable](keyOf func(V) K, hashOf func(K) uint64) Table[K, V] {
	return Table[K, V]{keyOf: keyOf, hashOf: hashOf}
}

func (x *Table[K, V]) hash(k K) uint64 { return Filed(x.hashOf(k)) }

// Filed is the hash a table files a key under when its hashOf returns h, for callers of Touch
// that hash keys they hold in another form (bytes for a string key) without building them.
func Filed(h uint64) uint64 {
	if h < 2 {
		h += 2 // 0 and 1 are not hashes: see tombstone
	}
	return h
}

// Get returns the value with key k, or the zero V.
func (x *Table[K, V]) Get(k K) V { return x.GetHashed(x.hash(k), k) }

// GetHashed is Get for a caller that keeps the key's hash (Hash(k)) beside it, and so need not
// compute it again. A wrong h finds nothing.
func (x *Table[K, V]) GetHashed(h uint64, k K) V {
	if v, ok := x.cur.find(h, k, x.keyOf); ok {
		return v
	}
	if x.old.slots != nil {
		if v, ok := x.old.find(h, k, x.keyOf); ok {
			return v
		}
	}
	var zero V
	return zero
}

// find returns the value with key k, probing from h's home slot to the first empty one.
func (t *table[K, V]) find(h uint64, k K, keyOf func(V) K) (V, bool) {
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
		if s.h == h && keyOf(s.v) == k {
			return s.v, true
		}
	}
}

// Set inserts v under key k, replacing any value with that key. v must not be the zero V.
func (x *Table[K, V]) Set(k K, v V) { x.Insert(k, v) }

// Insert is Set that reports whether k was new. A restore that must refuse duplicate ids learns
// it from the insert's own probe instead of a Get before it: one cache miss per id, not two.
func (x *Table[K, V]) Insert(k K, v V) (added bool) { return x.InsertHashed(x.hash(k), k, v) }

// InsertHashed is Insert with the key's hash, h = Hash(k).
func (x *Table[K, V]) InsertHashed(h uint64, k K, v V) (added bool) {
	inOld := false
	if x.old.slots != nil && x.old.remove(h, k, x.keyOf, true) {
		x.n--
		inOld = true
	}
	return x.insert(h, k, v, inOld)
}

// AddHashed adds v under k, whose hash is h, for a caller that knows k is absent: it has just
// looked k up and found nothing, and has added nothing since. While the table grows, Insert
// looks for k in the table being moved out of, a trip to memory per insert that AddHashed saves.
// Adding a key that is present breaks the table (two entries for one key).
func (x *Table[K, V]) AddHashed(h uint64, k K, v V) { x.insert(h, k, v, false) }

// insert puts v under k (hash h) in the current table, moving some of the old table first;
// inOld says k was just removed from the old table.
func (x *Table[K, V]) insert(h uint64, k K, v V, inOld bool) (added bool) {
	var zero V
	if v == zero {
		panic("idtable: set to a zero value")
	}
	if x.old.slots != nil {
		x.move()
	}
	if x.cur.slots == nil {
		x.cur.slots = make([]slot[V], minSlots)
	}
	for x.old.slots != nil && 2*x.cur.used >= len(x.cur.slots) {
		// Cannot happen at moveSlotsPerOp >= 2 (see there); finishing the move keeps put's
		// promise of room if it ever did.
		x.move()
	}
	if x.cur.put(h, k, v, x.keyOf) {
		x.n++
		added = !inOld
	}
	if x.old.slots == nil {
		x.prefault()
		if 2*x.cur.used > len(x.cur.slots) {
			x.old, x.next = x.cur, 0
			x.cur = table[K, V]{slots: x.takeSpare(2 * len(x.old.slots))}
		}
	}
	return added
}

// prefault allocates the next table once the current one is spareAt eighths full, then writes
// a zero into one slot of its next page per call, so that its memory is mapped before growth
// writes it at random.
func (x *Table[K, V]) prefault() {
	n := len(x.cur.slots)
	if n < 4*slotsPerPage || 8*x.cur.used < spareAt*n {
		return // small tables fault in a few pages; not worth a second array
	}
	if x.spare == nil {
		x.spare, x.touched = make([]slot[V], 2*n), 0
	}
	// A burst of pages every prefaultBurst inserts rather than a page each: the same faults,
	// but met by one insert in 1,024 per doubling instead of one in 32, which keeps them out of
	// a single command's p99 (3 us a fault on the reference VM); the burst of about 0.1 ms is
	// nothing to a batch.
	if x.touched < len(x.spare) && x.cur.used%prefaultBurst == 0 {
		for end := min(x.touched+prefaultBurst*slotsPerPage, len(x.spare)); x.touched < end; x.touched += slotsPerPage {
			x.spare[x.touched].h = 0
		}
	}
}

// takeSpare returns the prefaulted next table if it has n slots, else a new one.
func (x *Table[K, V]) takeSpare(n int) []slot[V] {
	s := x.spare
	x.spare, x.touched = nil, 0
	if len(s) == n {
		return s
	}
	return make([]slot[V], n)
}

// put inserts or replaces; it reports whether the key is new. The table has room: callers keep
// it at most half full.
func (t *table[K, V]) put(h uint64, k K, v V, keyOf func(V) K) bool {
	var zero V
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.v == zero {
			// The current table never holds tombstones (it deletes by shifting), so the first
			// empty slot ends the probe sequence and the key is not further on.
			s.h, s.v = h, v
			t.used++
			return true
		}
		if s.h == h && keyOf(s.v) == k {
			s.v = v
			return false
		}
	}
}

// putNew inserts a value whose key the table does not hold (one moved from the old table: Set
// removes a key from the old table before inserting it in the new). Not comparing keys spares
// reading the value, a cache miss per entry moved.
func (t *table[K, V]) putNew(h uint64, v V) {
	var zero V
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		if s := &t.slots[i]; s.v == zero {
			s.h, s.v = h, v
			t.used++
			return
		}
	}
}

// Remove deletes the value with key k, if any.
func (x *Table[K, V]) Remove(k K) { x.RemoveHashed(x.hash(k), k) }

// RemoveHashed is Remove with the key's hash, h = Hash(k).
func (x *Table[K, V]) RemoveHashed(h uint64, k K) {
	if x.cur.remove(h, k, x.keyOf, false) {
		x.n--
	} else if x.old.slots != nil && x.old.remove(h, k, x.keyOf, true) {
		x.n--
	}
	if x.old.slots != nil {
		x.move()
	}
	if x.spare != nil && 8*x.cur.used < spareDropAt*len(x.cur.slots) {
		x.spare, x.touched = nil, 0
	}
}

// remove deletes k, leaving a tombstone or shifting the rest of the cluster back; it reports
// whether k was there.
func (t *table[K, V]) remove(h uint64, k K, keyOf func(V) K, tomb bool) bool {
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
		if s.h == h && keyOf(s.v) == k {
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
func (x *Table[K, V]) move() {
	var zero V
	for k := 0; k < moveSlotsPerOp && x.next < len(x.old.slots); k++ {
		s := &x.old.slots[x.next]
		if s.v != zero {
			x.cur.putNew(s.h, s.v)
			// A tombstone, not an empty slot: entries after it in its cluster are still
			// found by probing past it.
			*s = slot[V]{h: tombstone}
			x.old.used--
		}
		x.next++
	}
	if x.next == len(x.old.slots) {
		x.old, x.next = table[K, V]{}, 0
	}
}

// Len is the number of values held.
func (x *Table[K, V]) Len() int { return x.n }

// Presize makes an empty table ready for n values without growing, for a restore that knows
// the count up front. It does nothing to a table that holds values.
func (x *Table[K, V]) Presize(n int) {
	if x.n != 0 || x.old.slots != nil {
		return
	}
	size := minSlots
	for size < 2*n+2 {
		size *= 2
	}
	if size > len(x.cur.slots) {
		x.cur = table[K, V]{slots: make([]slot[V], size)}
		x.spare, x.touched = nil, 0
	}
}

// Each calls fn for every value, in no specified order. Moved slots of the old table are
// tombstones, so nothing is reported twice.
func (x *Table[K, V]) Each(fn func(V)) {
	var zero V
	for _, t := range [2]*table[K, V]{&x.cur, &x.old} {
		for i := range t.slots {
			if v := t.slots[i].v; v != zero {
				fn(v)
			}
		}
	}
}

// Hash returns the hash the table files k under, for Touch.
func (x *Table[K, V]) Hash(k K) uint64 { return x.hash(k) }

// Touch reads the home slots of the hashes and returns a value to discard. Called for the keys
// of the next few commands before applying them, it lets the processor fetch the slots from
// memory in parallel (the loop is a handful of independent loads), where the lookups during
// the apply would each wait for memory in turn. It changes nothing.
func (x *Table[K, V]) Touch(hashes []uint64) uint64 {
	var sink uint64
	if n := len(x.cur.slots); n > 0 {
		mask := uint64(n - 1)
		for _, h := range hashes {
			sink ^= x.cur.slots[h&mask].h
		}
	}
	// While growing, a lookup that misses the new table probes the old one too; and each insert
	// moves moveSlotsPerOp old slots into the new table, whose slots they land in are as random
	// as the keys': fetching them now overlaps those trips to memory too.
	if n := len(x.old.slots); n > 0 {
		mask := uint64(n - 1)
		for _, h := range hashes {
			sink ^= x.old.slots[h&mask].h
		}
		curMask := uint64(len(x.cur.slots) - 1)
		end := min(x.next+moveSlotsPerOp*len(hashes), n)
		for _, s := range x.old.slots[x.next:end] {
			if s.h > tombstone {
				sink ^= x.cur.slots[s.h&curMask].h
			}
		}
	}
	return sink
}

// TouchHash is Touch for one hash.
func (x *Table[K, V]) TouchHash(h uint64) uint64 {
	hs := [1]uint64{h}
	return x.Touch(hs[:])
}
