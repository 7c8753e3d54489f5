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
	for _, tc := range []struct {
		in   string
		want uint64
	}{
		{"", 0},
		{"reserve", 0xd09aef89163a7127},
		{"a longer command encoding", 0xcec6e594dc5dba61},
	} {
		if got := Bytes([]byte(tc.in)); got != tc.want {
			t.Errorf("Bytes(%q) = %#x, want %#x", tc.in, got, tc.want)
		}
	}
	if Mix(0) != 0 || Mix(1) == 1 {
		t.Fatal("Mix is not splitmix64's finaliser")
	}
}
