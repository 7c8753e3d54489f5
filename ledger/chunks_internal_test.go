package ledger

import (
	"testing"

	"github.com/depothq/depot/internal/chunked"
	"pgregory.net/rapid"
)

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
			for range rapid.IntRange(0, 3*chunked.BlockLen).Draw(t, "pushes") {
				seq++
				// Three buckets' worth of expiries, so buckets hold many entries each.
				r := &reservation{createdSeq: seq, expiresAt: int64(rapid.IntRange(0, 3<<expiryBucketShift).Draw(t, "expiry"))}
				e.push(r)
				held[r] = true
				all = append(all, r)
			}
			for range rapid.IntRange(0, 2*chunked.BlockLen).Draw(t, "removals") {
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
