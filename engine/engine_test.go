package engine_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
)

func TestApplyRefusesOutOfOrderSequences(t *testing.T) {
	// Applying the wrong journal would fork the state silently, so anything but the next seq
	// is a panic rather than a rejection.
	tests := []struct {
		name string
		last uint64 // commands applied first
		seq  uint64
	}{
		{"zero on a fresh engine", 0, 0},
		{"gap on a fresh engine", 0, 2},
		{"repeat", 3, 3},
		{"step back", 3, 1},
		{"gap", 3, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, f := mustEngine(t)
			for range tc.last {
				f.ok(&depot.Tick{})
			}
			msg := func() (msg string) {
				defer func() { msg = fmt.Sprint(recover()) }()
				e.Apply(&depot.Envelope{Seq: tc.seq, Time: t0, Cmd: &depot.Tick{}})
				return "no panic"
			}()
			if want := fmt.Sprintf("engine: sequence %d after %d", tc.seq, tc.last); msg != want {
				t.Fatalf("panic %q, want %q", msg, want)
			}
			if e.LastSeq() != tc.last {
				t.Fatalf("LastSeq %d after a refused envelope, want %d", e.LastSeq(), tc.last)
			}
		})
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	for name, e := range smallStates(t) {
		t.Run(name, func(t *testing.T) {
			snap := e.AppendSnapshot(nil)
			r, err := engine.Restore(snap)
			if err != nil {
				t.Fatal(err)
			}
			if again := r.AppendSnapshot(nil); !bytes.Equal(again, snap) {
				t.Fatalf("re-encoding differs: %d vs %d bytes", len(again), len(snap))
			}
			if r.Hash() != e.Hash() || r.LastSeq() != e.LastSeq() || r.Now() != e.Now() {
				t.Fatalf("restored: seq %d now %d, want %d %d (or hashes differ)", r.LastSeq(), r.Now(), e.LastSeq(), e.Now())
			}
			if err := r.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
			if r.Ledger().Stats() != e.Ledger().Stats() {
				t.Fatalf("stats %+v, want %+v", r.Ledger().Stats(), e.Ledger().Stats())
			}
			// Both go on identically: a tick far in the future expires and prunes everything.
			env := depot.Envelope{Seq: e.LastSeq() + 1, Time: t0 + 2*depot.Retention, Cmd: &depot.Tick{}}
			want := slices.Clone(e.Apply(&env).Events)
			if got := r.Apply(&env).Events; !slices.Equal(got, want) {
				t.Fatalf("tick after restore:\n got %+v\nwant %+v", got, want)
			}
			if r.Hash() != e.Hash() {
				t.Fatal("states diverged after the same tick")
			}
		})
	}
}

// TestWarmChangesNothing warms every kind of command, known ids and unknown ones, against
// states of every shape: the state hash must not move.
func TestWarmChangesNothing(t *testing.T) {
	cmds := []depot.Command{nil,
		&depot.Reserve{Tenant: tenant, Reservation: "r-1"}, &depot.Reserve{Tenant: "nobody", Reservation: "r-1"},
		&depot.Commit{Tenant: tenant, Reservation: "r-1", Order: "ord-1"}, &depot.Release{Tenant: tenant, Reservation: "r-2"},
		&depot.Extend{Tenant: tenant, Reservation: "r-3"}, &depot.Ship{Tenant: tenant, ID: "s-1", Order: "ord-1"},
		&depot.Receive{Tenant: tenant, ID: "rcv-1"}, &depot.Tick{},
		&depot.CreateOrder{Tenant: tenant, Channel: "web", ExternalID: "ext-1"}, &depot.CreateOrder{Tenant: "nobody", ExternalID: "ext-1"},
	}
	for name, e := range smallStates(t) {
		before := e.Hash()
		e.Warm(e.LastSeq()+1, cmds)
		e.Warm(e.LastSeq()+1, nil)
		if e.Hash() != before {
			t.Fatalf("%s: Warm changed the state", name)
		}
	}
}

func TestAppendSnapshotAppends(t *testing.T) {
	e := smallStates(t)["stock"]
	prefix := []byte("header")
	got := e.AppendSnapshot(bytes.Clone(prefix))
	if want := e.AppendSnapshot(nil); !bytes.Equal(got[len(prefix):], want) || !bytes.HasPrefix(got, prefix) {
		t.Fatal("AppendSnapshot does not append to dst")
	}
}

func TestHashTracksState(t *testing.T) {
	e, f := mustEngine(t)
	empty := e.Hash()
	if empty != engine.New().Hash() {
		t.Fatal("two empty engines hash differently")
	}
	f.ok(&depot.DefineSKU{Tenant: tenant, SKU: "tee"})
	if e.Hash() == empty {
		t.Fatal("hash unchanged by an accepted command")
	}
	// The same commands in another engine give the same hash: nothing but the state feeds it.
	o, g := mustEngine(t)
	g.ok(&depot.DefineSKU{Tenant: tenant, SKU: "tee"})
	if o.Hash() != e.Hash() {
		t.Fatal("same history, different hash")
	}
}

func TestRestoreRejects(t *testing.T) {
	snap := smallStates(t)["orders"].AppendSnapshot(nil)
	with := func(i int, b byte) []byte {
		s := bytes.Clone(snap)
		s[i] = b
		return s
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "not a snapshot"},
		{"bad magic", with(0, 'X'), "not a snapshot"},
		{"unknown version", with(4, 3), "unknown snapshot version 3"},
		{"bad ledger magic", with(5, 'X'), "bad magic"},
		{"unknown ledger version", with(9, 9), "unknown version 9"},
		{"trailing byte", append(bytes.Clone(snap), 0), "trailing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := engine.Restore(tc.data)
			if err == nil || e != nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Restore = %v, %v; want an error containing %q", e, err, tc.want)
			}
		})
	}
}

func TestRestoreRejectsTruncations(t *testing.T) {
	// A torn snapshot must never restore as a smaller state.
	for name, e := range smallStates(t) {
		snap := e.AppendSnapshot(nil)
		for n := range len(snap) {
			if r, err := engine.Restore(snap[:n]); err == nil {
				t.Fatalf("%s: restored from %d of %d bytes (seq %d)", name, n, len(snap), r.LastSeq())
			}
		}
	}
}

func TestRestoreRejectsBrokenInvariants(t *testing.T) {
	// Flipping any single byte either fails to decode or yields a different, self-consistent
	// state: never one that breaks an invariant or does not re-encode to its input.
	snap := smallStates(t)["orders"].AppendSnapshot(nil)
	accepted, invariant := 0, 0
	for i := range snap {
		for _, delta := range []byte{1, 0x80} {
			data := bytes.Clone(snap)
			data[i] ^= delta
			r, err := engine.Restore(data)
			if err != nil {
				// Counters that decode fine but disagree with each other are caught by
				// CheckInvariants, which names the position.
				if strings.Contains(err.Error(), "position (") {
					invariant++
				}
				continue
			}
			accepted++
			if err := r.CheckInvariants(); err != nil {
				t.Fatalf("byte %d ^ %#x restored a broken state: %v", i, delta, err)
			}
			if !bytes.Equal(r.AppendSnapshot(nil), data) {
				t.Fatalf("byte %d ^ %#x restored a state that re-encodes differently", i, delta)
			}
		}
	}
	// Most bytes are names and counters whose change is harmless; the ones that matter must
	// have been refused, so far from all flips may pass.
	if accepted == 0 || accepted >= 2*len(snap) {
		t.Fatalf("%d of %d flips restored", accepted, 2*len(snap))
	}
	if invariant == 0 {
		t.Fatal("no flip was refused by an invariant; the check is not reached")
	}
}
