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
