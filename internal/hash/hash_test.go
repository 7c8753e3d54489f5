package hash

import (
	"math/rand/v2"
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

// reference is the hash as first written, a byte at a time: the word-at-a-time code must give
// exactly its values, which fingerprints in snapshots hold.
func reference(b []byte) uint64 {
	h := uint64(len(b)) * 0x9e3779b97f4a7c15
	for len(b) >= 8 {
		var w uint64
		for i := 0; i < 8; i++ {
			w |= uint64(b[i]) << (8 * i)
		}
		h = Mix(h ^ w)
		b = b[8:]
	}
	var tail uint64
	for i, x := range b {
		tail |= uint64(x) << (8 * i)
	}
	return Mix(h ^ tail ^ uint64(len(b))<<56)
}

func TestMatchesTheByteAtATimeReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n <= 80; n++ {
		for range 50 {
			b := make([]byte, n)
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			want := reference(b)
			if got := Bytes(b); got != want {
				t.Fatalf("Bytes(% x) = %#x, want %#x", b, got, want)
			}
			if got := String(string(b)); got != want {
				t.Fatalf("String(% x) = %#x, want %#x", b, got, want)
			}
		}
	}
}

func FuzzMatchesTheByteAtATimeReference(f *testing.F) {
	f.Add([]byte("hist-r-1234567"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if Bytes(b) != reference(b) || String(string(b)) != reference(b) {
			t.Fatalf("% x hashes differently from the reference", b)
		}
	})
}

func BenchmarkStringID(b *testing.B) {
	ids := []string{"r-1", "hist-r-123456", "rep-o-1234567", "an-order-id-of-24-bytes!"}
	var sink uint64
	for i := 0; b.Loop(); i++ {
		sink ^= String(ids[i&3])
	}
	_ = sink
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
