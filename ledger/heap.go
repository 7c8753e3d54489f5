package ledger

import "github.com/depothq/depot/internal/heapq"

// expiryHeap orders live reservations by (expiresAt, createdSeq). The pair is unique, so the
// order in which a tick expires reservations is fully determined by the state, whatever the
// heap's internal layout (which differs between a live ledger and one restored from a snapshot).
//
// Entries carry their sort key inline: with millions of live reservations, comparing through
// the reservation pointer was a cache miss per comparison.
type expiryHeap struct{ h heapq.Heap[expiryEntry] }

type expiryEntry struct {
	expiresAt  int64
	createdSeq uint64
	r          *reservation
}

func expiryLess(a, b *expiryEntry) bool {
	if a.expiresAt != b.expiresAt {
		return a.expiresAt < b.expiresAt
	}
	return a.createdSeq < b.createdSeq
}

func expiryMoved(e *expiryEntry, i int) { e.r.heapIdx = int32(i) }

func (e *expiryHeap) init() {
	if e.h.Less == nil {
		e.h.Less, e.h.Moved = expiryLess, expiryMoved
	}
}

func (e *expiryHeap) len() int { return e.h.Len() }

// holds reports whether r is in the heap where it believes it is, under its current key.
func (e *expiryHeap) holds(r *reservation) bool {
	i := int(r.heapIdx)
	if i < 0 || i >= e.h.Len() {
		return false
	}
	at := e.h.At(i)
	return at.r == r && at.expiresAt == r.expiresAt && at.createdSeq == r.createdSeq
}

func (e *expiryHeap) peek() *reservation {
	if e.h.Len() == 0 {
		return nil
	}
	return e.h.At(0).r
}

func (e *expiryHeap) push(r *reservation) {
	e.init()
	e.h.Push(expiryEntry{expiresAt: r.expiresAt, createdSeq: r.createdSeq, r: r})
}

func (e *expiryHeap) remove(r *reservation) {
	if i := int(r.heapIdx); i < 0 || i >= e.h.Len() || e.h.At(i).r != r {
		panic("ledger: expiry heap lost track of a reservation")
	}
	e.h.Remove(int(r.heapIdx))
}

// fix re-sorts r after its expiry changed.
func (e *expiryHeap) fix(r *reservation) {
	e.h.At(int(r.heapIdx)).expiresAt = r.expiresAt
	e.h.Fix(int(r.heapIdx))
}
