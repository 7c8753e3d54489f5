package bench

import (
	"strconv"
	"testing"
)

// TestReservationIDs: the ids cut from one string are exactly "r-0" to "r-<n-1>", so that no
// two of (b)'s reserves share an id (a shared one would be answered as a replay, unmeasured).
func TestReservationIDs(t *testing.T) {
	for _, n := range []int{1, 2, 10, 11, 1001} {
		ids := newReservationIDs(n)
		for i := range n {
			if got, want := ids.at(i), "r-"+strconv.Itoa(i); got != want {
				t.Fatalf("n=%d: at(%d) = %q, want %q", n, i, got, want)
			}
		}
	}
}
