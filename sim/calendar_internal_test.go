package sim

import (
	"testing"

	"pgregory.net/rapid"
)

// A picking calendar gives every booking its own slot, never before the order is ready, and the
// first free one: no slot between ready and the one given was free. Pruning (forced by many
// bookings) changes no answer.
func TestPickCalendarBooksTheFirstFreeSlot(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		const slot = int64(1000)
		c := &pickCalendar{slotNs: slot, next: map[int64]int64{}}
		taken := map[int64]bool{}
		now := int64(0)
		for range rapid.IntRange(1, 3000).Draw(t, "bookings") {
			now += rapid.Int64Range(0, 3*slot).Draw(t, "advance")
			ready := now + rapid.Int64Range(0, 200*slot).Draw(t, "delay")
			got := c.book(ready, now)
			if got < ready || got%slot != 0 || taken[got] {
				t.Fatalf("booked %d for ready %d (taken before: %v)", got, ready, taken[got])
			}
			for b := (ready + slot - 1) / slot * slot; b < got; b += slot {
				if !taken[b] {
					t.Fatalf("slot %d was free before %d (ready %d)", b, got, ready)
				}
			}
			taken[got] = true
		}
	})
}
