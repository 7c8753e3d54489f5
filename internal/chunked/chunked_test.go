package chunked

import (
	"testing"

	"pgregory.net/rapid"
)

type entry struct{ fifo uint64 }

// TestSeqMatchesASlice drives the block FIFO and a plain slice with the same pushes, pops
// and resets (of every size around the block boundaries): they must hold the same entries in the
// same order.
func TestSeqMatchesASlice(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var f Seq[entry]
		var model []entry
		next := uint64(0)
		steps := rapid.IntRange(1, 60).Draw(t, "steps")
		for range steps {
			switch rapid.IntRange(0, 9).Draw(t, "op") {
			case 0: // reset from a slice, as a restore does
				n := rapid.SampledFrom([]int{0, 1, BlockLen - 1, BlockLen, BlockLen + 1, 2*BlockLen + 7}).Draw(t, "reset")
				refs := make([]entry, n)
				for i := range refs {
					next++
					refs[i] = entry{fifo: next}
				}
				model = append([]entry(nil), refs...)
				f.Reset(refs)
			case 1, 2, 3, 4, 5: // a run of pushes
				for range rapid.IntRange(1, 3*BlockLen).Draw(t, "pushes") {
					next++
					f.Push(entry{fifo: next})
					model = append(model, entry{fifo: next})
				}
			default: // a run of pops
				for range rapid.IntRange(0, min(len(model), 2*BlockLen)).Draw(t, "pops") {
					if got, want := f.PopFront().fifo, model[0].fifo; got != want {
						t.Fatalf("popped %d, want %d", got, want)
					}
					model = model[1:]
				}
			}
			if f.Len() != len(model) {
				t.Fatalf("len %d, want %d", f.Len(), len(model))
			}
			for _, i := range []int{0, len(model) / 2, len(model) - 1} {
				if i >= 0 && i < len(model) && f.At(i).fifo != model[i].fifo {
					t.Fatalf("at(%d) = %d, want %d", i, f.At(i).fifo, model[i].fifo)
				}
			}
			for i, e := range f.spare {
				if e != (entry{}) {
					t.Fatalf("spare block holds %v at %d", e, i)
				}
			}
			if f.n == 0 && (f.spare != nil || f.blocks != nil) {
				t.Fatalf("an empty sequence holds blocks")
			}
			if len(f.blocks) > 0 && len(f.blocks) != (f.head+f.n+BlockLen-1)/BlockLen {
				t.Fatalf("%d blocks hold %d entries from %d", len(f.blocks), f.n, f.head)
			}
		}
	})
}

// TestSeqTruncateKeepsOneSpareBlock checks that a sequence whose length hovers at a block
// boundary keeps its spare block instead of allocating one per push, and holds nothing past its
// length.
func TestSeqTruncateKeepsOneSpareBlock(t *testing.T) {
	var s Seq[*int]
	x := 1
	for range BlockLen + 1 {
		s.Push(&x)
	}
	s.Truncate(BlockLen)
	if len(s.blocks) != 2 {
		t.Fatalf("%d blocks after truncating to one block's worth, want the spare kept (2)", len(s.blocks))
	}
	if s.blocks[1][0] != nil {
		t.Fatal("a truncated entry still points somewhere")
	}
	s.Push(&x)
	s.Truncate(0)
	if s.Len() != 0 || len(s.blocks) > 1 {
		t.Fatalf("len %d with %d blocks after truncating to nothing", s.Len(), len(s.blocks))
	}
}
