package ledger

import (
	"slices"
	"strings"

	"github.com/depothq/depot"
)

// The ledger remembers accepted command ids (and finished reservations) for depot.Retention of
// logical time, at most depot.MaxRemembered of them, so that a client retrying after a timeout
// gets the first outcome instead of a second application. Rejected commands are not remembered:
// a rejection changes nothing, so retrying it simply asks again.

type handler func(st *step, t *tenant, c depot.Command) *depot.Rejection

// remembered runs apply at most once per (tenant, kind, id). A repeat with the same content is
// answered as replayed with no new events; the same id with other content is a duplicate.
func (l *Ledger) remembered(st *step, c depot.Command, id string, apply handler) (*depot.Rejection, bool) {
	key := memoKey{kind: c.Kind(), id: id}
	h := idHash(id)
	fp := l.Fingerprint(c)
	t := l.applyTenant(c.TenantID())
	if t != nil {
		if m := t.memos.getH(key, h); m != nil {
			if m.fingerprint == fp {
				return nil, true
			}
			return depot.Reject(depot.CodeDuplicate, "id", "%s id %q was already used for a different command at seq %d", key.kind, id, m.seq), false
		}
	}
	if rej := apply(st, t, c); rej != nil {
		return rej, false
	}
	t = l.applyTenant(c.TenantID()) // apply may have created it
	m := l.memos.alloc()
	*m = memo{id: id, fingerprint: fp, seq: st.seq, finishedAt: st.now}
	t.memos.insertH(key, h, m)
	m.fifo = l.remember(t, key, h, st.now)
	return nil, false
}

// remember appends to the FIFO of remembered outcomes and returns the entry's number. h is
// key.id's idHash.
func (l *Ledger) remember(t *tenant, key memoKey, h uint64, at int64) uint64 {
	l.fifoNext++
	l.memory.Push(memoRef{tenant: t, key: key, at: at, fifo: l.fifoNext, h: h})
	if l.rememberedCount() > depot.MaxRemembered {
		l.forgetOldest()
	}
	return l.fifoNext
}

func (l *Ledger) rememberedCount() int { return l.memory.Len() }

// Forgetting runs in long streaks (a tick expiring thousands of reservations once memory is
// full forgets one outcome for each), and each forget looks up an id long out of cache. So every
// forgetBlock forgets read ahead in bursts of independent loads, whose misses overlap: the
// records of the next block (their index slots were read a block earlier), then the index slots
// of the block after it. A load per forget would not do: the processor stalls on each before
// the next is issued. The reads change nothing.
const forgetBlock = 16

func (l *Ledger) readAheadForgetting() {
	if l.forgetCountdown > 0 {
		l.forgetCountdown--
		return
	}
	l.forgetCountdown = forgetBlock - 1
	next := min(forgetBlock, l.memory.Len())
	for i := 0; i < next; i++ {
		if ref := l.memory.At(i); ref.key.kind == depot.KindReserve {
			if r := ref.tenant.reservations.getH(ref.h, ref.key.id); r != nil {
				l.warmSink ^= r.fifo
			}
		} else if m := ref.tenant.memos.getH(ref.key, ref.h); m != nil {
			l.warmSink ^= m.fifo
		}
	}
	for i := next; i < min(next+forgetBlock, l.memory.Len()); i++ {
		if ref := l.memory.At(i); ref.key.kind == depot.KindReserve {
			l.warmSink ^= ref.tenant.reservations.t.TouchHash(ref.h)
		} else {
			l.warmSink ^= ref.tenant.memos.touchH(ref.key.kind, ref.h)
		}
	}
}

// prune forgets outcomes older than the retention window.
func (l *Ledger) prune(now int64) {
	for l.memory.Len() > 0 && now-l.memory.At(0).at > depot.Retention {
		l.forgetOldest()
	}
}

func (l *Ledger) forgetOldest() {
	l.readAheadForgetting()
	ref := l.memory.PopFront()
	t := ref.tenant
	if ref.key.kind == depot.KindReserve {
		if r := t.reservations.getH(ref.h, ref.key.id); r != nil && r.fifo == ref.fifo && r.status != depot.ReservationActive {
			t.reservations.removeH(ref.h, ref.key.id)
			l.reservations.free(r)
		}
	} else if m := t.memos.getH(ref.key, ref.h); m != nil && m.fifo == ref.fifo {
		t.memos.removeH(ref.key, ref.h)
		l.memos.free(m)
	}
}

// maxMemoKinds bounds command kinds that remember ids; a kind at or above it is a bug.
const maxMemoKinds = 64

// memoTable holds a tenant's remembered command ids, one index per command kind (so that two
// kinds may use the same id).
type memoTable struct{ byKind [maxMemoKinds]*idIndex[*memo] }

func memoID(m *memo) string { return m.id }

func (m *memoTable) get(k memoKey) *memo { return m.getH(k, idHash(k.id)) }

// getH, insertH, removeH and touchH take the key id's idHash.
func (m *memoTable) getH(k memoKey, h uint64) *memo {
	if int(k.kind) >= maxMemoKinds || m.byKind[k.kind] == nil {
		return nil
	}
	return m.byKind[k.kind].getH(h, k.id)
}

func (m *memoTable) insertH(k memoKey, h uint64, v *memo) bool {
	v.id = k.id
	return m.index(k.kind).insertH(h, k.id, v)
}

func (m *memoTable) removeH(k memoKey, h uint64) {
	if int(k.kind) < maxMemoKinds && m.byKind[k.kind] != nil {
		m.byKind[k.kind].removeH(h, k.id)
	}
}

func (m *memoTable) touchH(kind depot.CommandKind, h uint64) uint64 {
	if int(kind) >= maxMemoKinds || m.byKind[kind] == nil {
		return 0
	}
	return m.byKind[kind].t.TouchHash(h)
}

// memoHash is a memo key's kind and the hash its index files it under, for touchAll.
type memoHash struct {
	kind depot.CommandKind
	h    uint64
}

// hashFor appends the hash of (kind, id) to dst, for touchAll; kinds without an index are left
// out.
func (m *memoTable) hashFor(dst []memoHash, kind depot.CommandKind, id string) []memoHash {
	if int(kind) >= maxMemoKinds || m.byKind[kind] == nil {
		return dst
	}
	return append(dst, memoHash{kind: kind, h: idHash(id)})
}

// touchAll reads the index slots of hashes (from hashFor on this table) and returns a value to
// discard. It changes nothing.
func (m *memoTable) touchAll(hashes []memoHash) uint64 {
	var sink uint64
	for i := range hashes {
		sink ^= m.touchH(hashes[i].kind, hashes[i].h)
	}
	return sink
}

// index returns kind's index, created on first use.
func (m *memoTable) index(kind depot.CommandKind) *idIndex[*memo] {
	if int(kind) >= maxMemoKinds {
		panic("ledger: memo kind out of range")
	}
	if m.byKind[kind] == nil {
		x := newIndex(memoID)
		m.byKind[kind] = &x
	}
	return m.byKind[kind]
}

func (m *memoTable) len() int {
	n := 0
	for _, x := range m.byKind {
		if x != nil {
			n += x.len()
		}
	}
	return n
}

// keys returns every key sorted by kind, then id.
func (m *memoTable) keys() []memoKey {
	out := make([]memoKey, 0, m.len())
	for kind, x := range m.byKind {
		if x == nil {
			continue
		}
		start := len(out)
		x.each(func(v *memo) { out = append(out, memoKey{kind: depot.CommandKind(kind), id: v.id}) })
		slices.SortFunc(out[start:], func(a, b memoKey) int { return strings.Compare(a.id, b.id) })
	}
	return out
}

// each calls fn for every entry, in unspecified order: callers must not let the order matter.
func (m *memoTable) each(fn func(memoKey, *memo)) {
	for kind, x := range m.byKind {
		if x == nil {
			continue
		}
		x.each(func(v *memo) { fn(memoKey{kind: depot.CommandKind(kind), id: v.id}, v) })
	}
}
