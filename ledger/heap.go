package ledger

// expiryHeap orders live reservations by (expiresAt, createdSeq). The pair is unique, so the
// order in which a tick expires reservations is fully determined by the state, whatever the
// heap's internal layout (which differs between a live ledger and one restored from a snapshot).
// It is written out rather than built on container/heap to avoid interface calls per swap.
type expiryHeap struct{ items []*reservation }

func (h *expiryHeap) less(i, j int) bool {
	a, b := h.items[i], h.items[j]
	if a.expiresAt != b.expiresAt {
		return a.expiresAt < b.expiresAt
	}
	return a.createdSeq < b.createdSeq
}

func (h *expiryHeap) swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	h.items[i].heapIdx = int32(i)
	h.items[j].heapIdx = int32(j)
}

func (h *expiryHeap) len() int { return len(h.items) }

func (h *expiryHeap) peek() *reservation {
	if len(h.items) == 0 {
		return nil
	}
	return h.items[0]
}

func (h *expiryHeap) push(r *reservation) {
	r.heapIdx = int32(len(h.items))
	h.items = append(h.items, r)
	h.up(len(h.items) - 1)
}

func (h *expiryHeap) remove(r *reservation) {
	i := int(r.heapIdx)
	if i < 0 || i >= len(h.items) || h.items[i] != r {
		panic("ledger: expiry heap lost track of a reservation")
	}
	last := len(h.items) - 1
	if i != last {
		h.swap(i, last)
	}
	h.items[last] = nil
	h.items = h.items[:last]
	r.heapIdx = -1
	if i != last {
		h.fix0(i)
	}
}

func (h *expiryHeap) fix(r *reservation) { h.fix0(int(r.heapIdx)) }

func (h *expiryHeap) fix0(i int) {
	if !h.down(i) {
		h.up(i)
	}
}

func (h *expiryHeap) up(j int) {
	for j > 0 {
		i := (j - 1) / 2
		if !h.less(j, i) {
			break
		}
		h.swap(i, j)
		j = i
	}
}

func (h *expiryHeap) down(i0 int) bool {
	i, n := i0, len(h.items)
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
