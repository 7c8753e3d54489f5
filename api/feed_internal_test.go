package api

import (
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/sequencer"
	"pgregory.net/rapid"
)

// TestFeedKeepsTheNewestEvents checks the feed against a model that keeps every event: after
// any run of batches (including batches larger than the capacity, which are cut in the middle),
// the feed holds exactly the newest capacity events, its floor is the seq of the newest evicted
// one, and a read after any cursor returns the held events of the tenant after it, in order.
func TestFeedKeepsTheNewestEvents(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		capacity := rapid.IntRange(1, 20).Draw(t, "capacity")
		f := NewFeed(capacity)
		var all []depot.Event
		seq := uint64(0)
		for range rapid.IntRange(0, 30).Draw(t, "batches") {
			first := seq + 1
			var evs []depot.Event
			for range rapid.IntRange(0, 4).Draw(t, "commands") {
				seq++
				for range rapid.IntRange(0, 3).Draw(t, "events") {
					evs = append(evs, depot.Event{Seq: seq, Tenant: rapid.SampledFrom([]string{"a", "b"}).Draw(t, "tenant")})
				}
			}
			all = append(all, evs...)
			f.OnCommit(&sequencer.Batch{FirstSeq: first, LastSeq: seq, Events: evs})
		}
		held := all[max(0, len(all)-capacity):]
		var floor uint64
		if len(all) > capacity {
			floor = all[len(all)-capacity-1].Seq
		}
		if f.Floor() != floor || f.n != len(held) {
			t.Fatalf("floor %d holding %d, want %d holding %d", f.Floor(), f.n, floor, len(held))
		}
		for after := uint64(0); after <= seq; after++ {
			got, through, gone := f.read(nil, "a", after, nil, 1<<20)
			if gone != (after < floor) {
				t.Fatalf("after %d: gone %v with floor %d", after, gone, floor)
			}
			if gone {
				continue
			}
			var want []depot.Event
			for _, e := range held {
				if e.Seq > after && e.Tenant == "a" {
					want = append(want, e)
				}
			}
			if len(got) != len(want) {
				t.Fatalf("after %d: read %d events, want %d", after, len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("after %d: event %d is %+v, want %+v", after, i, got[i], want[i])
				}
			}
			if len(held) > 0 && held[len(held)-1].Seq > after && through != held[len(held)-1].Seq {
				t.Fatalf("after %d: through %d, want %d", after, through, held[len(held)-1].Seq)
			}
		}
	})
}
