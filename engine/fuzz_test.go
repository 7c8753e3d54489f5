package engine_test

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
)

var update = flag.Bool("update", false, "rewrite the fuzz seed corpus under testdata/ from smallStates")

// FuzzRestore holds Restore to its promise: hostile bytes give an error, never a panic, and a
// snapshot that restores is a valid state with exactly one encoding, which keeps working.
func FuzzRestore(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := engine.Restore(data)
		if err != nil {
			return
		}
		if err := e.CheckInvariants(); err != nil {
			t.Fatalf("restored a state that breaks an invariant: %v", err)
		}
		if again := e.AppendSnapshot(nil); !bytes.Equal(again, data) {
			t.Fatalf("restored state re-encodes differently:\n got %x\nwant %x", again, data)
		}
		if e.LastSeq() == math.MaxUint64 || e.Now() > math.MaxInt64-depot.MaxTTL {
			return // no next envelope exists
		}
		// A restored state must survive the next commands: expiry, pruning and a reserve walk
		// the heap, the memory FIFO and the kits.
		e.Apply(&depot.Envelope{Seq: e.LastSeq() + 1, Time: e.Now() + depot.MaxTTL, Cmd: &depot.Tick{}})
		e.Apply(&depot.Envelope{Seq: e.LastSeq() + 1, Time: e.Now(), Cmd: &depot.Reserve{Tenant: tenant, Reservation: "fz", Channel: "web",
			Lines: []depot.ReserveLine{{SKU: "kit", Qty: 1}, {SKU: "tee", Qty: 1}}}})
		if err := e.CheckInvariants(); err != nil {
			t.Fatalf("after further commands: %v", err)
		}
	})
}

const corpusDir = "testdata/fuzz/FuzzRestore"

// TestFuzzRestoreCorpus keeps the committed seeds (real snapshots of smallStates) in step with
// the format. Run `go test ./engine -run Corpus -update` after a format change.
func TestFuzzRestoreCorpus(t *testing.T) {
	for name, e := range smallStates(t) {
		path := filepath.Join(corpusDir, "seed-"+name)
		want := fmt.Appendf(nil, "go test fuzz v1\n[]byte(%s)\n", strconv.Quote(string(e.AppendSnapshot(nil))))
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create the seeds)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale (run with -update)", path)
		}
	}
}
