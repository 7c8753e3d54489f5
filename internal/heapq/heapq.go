// Package heapq is an indexed binary min-heap shared by the engine's timers (reservation expiry
// in the ledger, SLA timers in orders). It is written out rather than built on container/heap so
// items can be values and the element type stays concrete; each item learns its position through
// Moved, so it can be fixed or removed in O(log n) without a search. The items are kept in a
// chunked.Seq: a heap of hundreds of thousands of timers (one per open order) would otherwise copy
// itself into fresh memory at each doubling, a stall of milliseconds on the writer.
//
// The heap never decides an order by itself: Less must be a total order over the items for the
// pop order to be a function of the items alone, whatever the heap's internal layout.
package heapq

import "github.com/depothq/depot/internal/chunked"

// Heap orders items by Less, smallest first. Moved is called with each item's new index
// whenever it lands somewhere, and with -1 when it leaves.
type Heap[T any] struct {
	items chunked.Seq[T]
	Less  func(a, b *T) bool
	Moved func(item *T, index int)
}

// Len is the number of items.
func (h *Heap[T]) Len() int { return h.items.Len() }

// At returns a pointer to the item at index i (0 is the smallest).
func (h *Heap[T]) At(i int) *T { return h.items.At(i) }

// Push adds an item.
func (h *Heap[T]) Push(item T) {
	h.items.Push(item)
	i := h.items.Len() - 1
	h.Moved(h.items.At(i), i)
	h.up(i)
}

// Remove takes out the item at index i and returns it.
func (h *Heap[T]) Remove(i int) T {
	last := h.items.Len() - 1
	if i != last {
		h.swap(i, last)
	}
	item := *h.items.At(last)
	h.items.Truncate(last) // also clears the entry, so the heap keeps nothing alive through it
	h.Moved(&item, -1)
	if i != last {
		h.Fix(i)
	}
	return item
}

// Fix restores the order after the item at index i changed its key.
func (h *Heap[T]) Fix(i int) {
	if !h.down(i) {
		h.up(i)
	}
}

func (h *Heap[T]) less(i, j int) bool { return h.Less(h.items.At(i), h.items.At(j)) }

func (h *Heap[T]) swap(i, j int) {
	a, b := h.items.At(i), h.items.At(j)
	*a, *b = *b, *a
	h.Moved(a, i)
	h.Moved(b, j)
}

func (h *Heap[T]) up(j int) {
	for j > 0 {
		i := (j - 1) / 2
		if !h.less(j, i) {
			break
		}
		h.swap(i, j)
		j = i
	}
}

func (h *Heap[T]) down(i0 int) bool {
	i, n := i0, h.items.Len()
	for {
		j := 2*i + 1
		if j >= n {
			break
		}
		if r := j + 1; r < n && h.less(r, j) {
			j = r
		}
		if !h.less(j, i) {
			break
		}
		h.swap(i, j)
		i = j
	}
	return i > i0
}
