package ledger

import (
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// TestSKUFindMatchesALinearScan checks find on both of its paths (a scan up to 16 positions, a
// binary search beyond): the index where loc is or would be inserted, and whether it is there.
func TestSKUFindMatchesALinearScan(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		locs := rapid.SliceOfNDistinct(rapid.Uint32Range(0, 200), 0, 64, rapid.ID[uint32]).Draw(t, "locs")
		slices.Sort(locs)
		s := &sku{}
		for i, l := range locs {
			s.at = append(s.at, skuPos{loc: l, pos: int32(i)})
		}
		loc := rapid.Uint32Range(0, 201).Draw(t, "loc")
		want := len(locs)
		for i, l := range locs {
			if l >= loc {
				want = i
				break
			}
		}
		got, found := s.find(loc)
		if got != want || found != (want < len(locs) && locs[want] == loc) {
			t.Fatalf("find(%d) in %v = %d, %v; want %d", loc, locs, got, found, want)
		}
	})
}

// TestIDHashIsEveryIndexsHash pins what the FIFO's stored hashes rely on: every idIndex files
// an id under idHash(id), whatever it holds.
func TestIDHashIsEveryIndexsHash(t *testing.T) {
	rsv, memos, allocs := newIndex(func(r *reservation) string { return r.id }), newIndex(memoID), newIndex(func(a *allocation) string { return a.order })
	for _, id := range []string{"", "a", "r-1", "an id long enough to take more than one block of the hash, surely"} {
		want := idHash(id)
		if rsv.t.Hash(id) != want || memos.t.Hash(id) != want || allocs.t.Hash(id) != want {
			t.Fatalf("idHash(%q) = %x, but an index files it elsewhere", id, want)
		}
	}
}
