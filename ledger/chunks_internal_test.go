package ledger

import (
	"testing"

	"pgregory.net/rapid"
)

// TestMemoFIFOMatchesASlice drives the block FIFO and a plain slice with the same pushes, pops
// and resets (of every size around the block boundaries): they must hold the same entries in the
// same order.
func TestMemoFIFOMatchesASlice(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var f chunked[memoRef]
		var model []memoRef
		next := uint64(0)
		steps := rapid.IntRange(1, 60).Draw(t, "steps")
		for range steps {
			switch rapid.IntRange(0, 9).Draw(t, "op") {
			case 0: // reset from a slice, as a restore does
				n := rapid.SampledFrom([]int{0, 1, chunkLen - 1, chunkLen, chunkLen + 1, 2*chunkLen + 7}).Draw(t, "reset")
				refs := make([]memoRef, n)
				for i := range refs {
					next++
					refs[i] = memoRef{fifo: next}
				}
				model = append([]memoRef(nil), refs...)
				f.reset(refs)
			case 1, 2, 3, 4, 5: // a run of pushes
				for range rapid.IntRange(1, 3*chunkLen).Draw(t, "pushes") {
					next++
					f.push(memoRef{fifo: next})
					model = append(model, memoRef{fifo: next})
				}
			default: // a run of pops
				for range rapid.IntRange(0, min(len(model), 2*chunkLen)).Draw(t, "pops") {
					if got, want := f.pop().fifo, model[0].fifo; got != want {
						t.Fatalf("popped %d, want %d", got, want)
					}
					model = model[1:]
				}
			}
			if f.len() != len(model) {
				t.Fatalf("len %d, want %d", f.len(), len(model))
			}
			for _, i := range []int{0, len(model) / 2, len(model) - 1} {
				if i >= 0 && i < len(model) && f.at(i).fifo != model[i].fifo {
					t.Fatalf("at(%d) = %d, want %d", i, f.at(i).fifo, model[i].fifo)
				}
			}
			if len(f.blocks) > 0 && len(f.blocks) != (f.head+f.n+chunkLen-1)/chunkLen {
				t.Fatalf("%d blocks hold %d entries from %d", len(f.blocks), f.n, f.head)
			}
		}
	})
}

// TestExpiryIndexAcrossChunks fills buckets far past a chunk, removes at random and takes what
// is due: the index must hold exactly the reservations not removed or taken, each where its slot
// says, and a tick must take them in (expiry, creation) order.
func TestExpiryIndexAcrossChunks(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var e expiryIndex
		held := map[*reservation]bool{}
		var all []*reservation
		seq := uint64(0)
		for range rapid.IntRange(1, 8).Draw(t, "rounds") {
			for range rapid.IntRange(0, 3*chunkLen).Draw(t, "pushes") {
				seq++
				// Three buckets' worth of expiries, so buckets hold many entries each.
				r := &reservation{createdSeq: seq, expiresAt: int64(rapid.IntRange(0, 3<<expiryBucketShift).Draw(t, "expiry"))}
				e.push(r)
				held[r] = true
				all = append(all, r)
			}
			for range rapid.IntRange(0, 2*chunkLen).Draw(t, "removals") {
				if len(all) == 0 {
					break
				}
				r := all[rapid.IntRange(0, len(all)-1).Draw(t, "victim")]
				if held[r] {
					e.remove(r)
					delete(held, r)
				}
			}
			now := int64(rapid.IntRange(0, 3<<expiryBucketShift).Draw(t, "now"))
			due := e.takeDue(nil, now)
			for i, r := range due {
				if !held[r] || r.expiresAt > now {
					t.Fatalf("took %+v at %d", r, now)
				}
				if i > 0 && (due[i-1].expiresAt > r.expiresAt || due[i-1].expiresAt == r.expiresAt && due[i-1].createdSeq > r.createdSeq) {
					t.Fatalf("out of order at %d", i)
				}
				delete(held, r)
			}
			if e.len() != len(held) {
				t.Fatalf("index holds %d, want %d", e.len(), len(held))
			}
			for r := range held {
				if !e.holds(r) {
					t.Fatalf("lost %+v", r)
				}
				if r.expiresAt <= now {
					t.Fatalf("%+v was due at %d but not taken", r, now)
				}
			}
		}
	})
}
