package heapq

import (
	"slices"
	"testing"

	"pgregory.net/rapid"
)

type item struct {
	key, seq int
	idx      int
}

func newHeap() *Heap[*item] {
	return &Heap[*item]{
		Less: func(a, b **item) bool {
			return (*a).key < (*b).key || (*a).key == (*b).key && (*a).seq < (*b).seq
		},
		Moved: func(it **item, i int) { (*it).idx = i },
	}
}

// TestHeapPopsInOrder checks, over random pushes, key changes and removals, that popping yields
// the items in (key, seq) order and that every item always knows its index.
func TestHeapPopsInOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := newHeap()
		live := map[int]*item{}
		n := rapid.IntRange(0, 200).Draw(t, "n")
		for seq := range n {
			switch op := rapid.IntRange(0, 2).Draw(t, "op"); {
			case op == 0 || len(live) == 0:
				it := &item{key: rapid.IntRange(0, 50).Draw(t, "key"), seq: seq}
				h.Push(it)
				live[seq] = it
			case op == 1:
				for _, it := range live {
					it.key = rapid.IntRange(0, 50).Draw(t, "newkey")
					h.Fix(it.idx)
					break
				}
			default:
				for s, it := range live {
					if got := h.Remove(it.idx); got != it || it.idx != -1 {
						t.Fatalf("removed %+v, want %+v", got, it)
					}
					delete(live, s)
					break
				}
			}
			for i := range h.Len() {
				if (*h.At(i)).idx != i {
					t.Fatalf("item at %d believes it is at %d", i, (*h.At(i)).idx)
				}
			}
		}
		var want, got []*item
		for _, it := range live {
			want = append(want, it)
		}
		slices.SortFunc(want, func(a, b *item) int {
			if a.key != b.key {
				return a.key - b.key
			}
			return a.seq - b.seq
		})
		for h.Len() > 0 {
			got = append(got, h.Remove(0))
		}
		if !slices.Equal(got, want) {
			t.Fatalf("pop order differs")
		}
	})
}
