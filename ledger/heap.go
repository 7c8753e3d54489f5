package ledger

import "github.com/depothq/depot/internal/heapq"

// expiryHeap orders live reservations by (expiresAt, createdSeq). The pair is unique, so the
// order in which a tick expires reservations is fully determined by the state, whatever the
// heap's internal layout (which differs between a live ledger and one restored from a snapshot).
type expiryHeap struct{ h heapq.Heap[*reservation] }

func reservationLess(a, b **reservation) bool {
	if (*a).expiresAt != (*b).expiresAt {
		return (*a).expiresAt < (*b).expiresAt
	}
	return (*a).createdSeq < (*b).createdSeq
}

func reservationMoved(r **reservation, i int) { (*r).heapIdx = int32(i) }

func (e *expiryHeap) init() {
	if e.h.Less == nil {
		e.h.Less, e.h.Moved = reservationLess, reservationMoved
	}
}

func (e *expiryHeap) len() int { return e.h.Len() }

// holds reports whether r is in the heap where it believes it is.
func (e *expiryHeap) holds(r *reservation) bool {
	i := int(r.heapIdx)
	return i >= 0 && i < e.h.Len() && *e.h.At(i) == r
}

func (e *expiryHeap) peek() *reservation {
	if e.h.Len() == 0 {
		return nil
	}
	return *e.h.At(0)
}

func (e *expiryHeap) push(r *reservation) {
	e.init()
	e.h.Push(r)
}

func (e *expiryHeap) remove(r *reservation) {
	if !e.holds(r) {
		panic("ledger: expiry heap lost track of a reservation")
	}
	e.h.Remove(int(r.heapIdx))
}

func (e *expiryHeap) fix(r *reservation) { e.h.Fix(int(r.heapIdx)) }
