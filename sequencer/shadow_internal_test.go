package sequencer

import (
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
	"github.com/depothq/depot/journal"
)

// shadowJournal returns a memory journal holding a catalogue and n one-unit reserves, and the
// entries appended.
func shadowJournal(t *testing.T, n int) (*journal.Memory, []journal.Entry) {
	t.Helper()
	cmds := []depot.Command{
		&depot.DefineSKU{Tenant: "t1", SKU: "sku-1"},
		&depot.DefineLocation{Tenant: "t1", Location: "wh-1", Type: depot.LocationWarehouse, Status: depot.LocationOpen},
		&depot.DefineChannel{Tenant: "t1", Channel: "web", Locations: []string{"wh-1"}},
		&depot.Receive{Tenant: "t1", ID: "rcv-1", SKU: "sku-1", Location: "wh-1", Qty: 1_000_000},
	}
	for i := range n {
		cmds = append(cmds, &depot.Reserve{Tenant: "t1", Reservation: fmt.Sprintf("r-%d", i), Channel: "web",
			Lines: []depot.ReserveLine{{SKU: "sku-1", Qty: 1}}})
	}
	j := journal.NewMemory()
	entries := make([]journal.Entry, len(cmds))
	for i, c := range cmds {
		seq := uint64(i + 1)
		entries[i] = journal.Entry{Seq: seq, Data: depot.AppendEnvelope(nil, &depot.Envelope{Seq: seq, Time: 1_800_000_000e9 + int64(seq)*1e6, Cmd: c})}
	}
	if err := j.Append(entries); err != nil {
		t.Fatal(err)
	}
	return j, entries
}

// batchOf is the shadow's copy of entries, as offer makes it.
func batchOf(entries []journal.Entry) *shadowBatch {
	sb := &shadowBatch{first: entries[0].Seq}
	for _, e := range entries {
		sb.data = append(sb.data, e.Data...)
		sb.ends = append(sb.ends, len(sb.data))
	}
	return sb
}

// TestShadowFollowsBatchesAndFillsGaps feeds the shadow's follow what the syncer would: batches
// in order, one it already holds in part, and one after a gap (batches dropped while it was
// busy). It must read the gap from the journal and end at the journal's state, bit for bit.
func TestShadowFollowsBatchesAndFillsGaps(t *testing.T) {
	j, entries := shadowJournal(t, 300)
	sh := &shadow{j: j, log: slog.New(slog.DiscardHandler), dec: depot.NewEnvelopeDecoder(), eng: engine.New()}
	steps := []struct {
		name     string
		from, to int // entries[from:to]
		want     uint64
	}{
		{"in order", 0, 50, 50},
		{"overlapping what it holds", 40, 100, 100},
		{"after a gap, read from the journal", 200, 250, 304},
		{"wholly behind", 120, 180, 304},
	}
	for _, st := range steps {
		if err := sh.follow(batchOf(entries[st.from:st.to])); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := sh.eng.LastSeq(); got != st.want {
			t.Fatalf("%s: shadow at seq %d, want %d", st.name, got, st.want)
		}
	}
	replayed := engine.New()
	if err := ReplayInto(replayed, j); err != nil {
		t.Fatal(err)
	}
	if sh.eng.Hash() != replayed.Hash() {
		t.Fatal("the shadow's state differs from the journal's")
	}
}

// TestShadowRefusesAGarbledBatch: a batch that does not decode is an error (the shadow is then
// dropped and rebuilt), never a silently skipped command.
func TestShadowRefusesAGarbledBatch(t *testing.T) {
	j, entries := shadowJournal(t, 10)
	sh := &shadow{j: j, log: slog.New(slog.DiscardHandler), dec: depot.NewEnvelopeDecoder(), eng: engine.New()}
	sb := batchOf(entries)
	sb.data[len(sb.data)-1] ^= 0xff
	sb.data = sb.data[:len(sb.data)-1]
	sb.ends[len(sb.ends)-1]--
	if err := sh.follow(sb); err == nil {
		t.Fatal("a garbled batch was applied")
	}
}

// TestShadowFailureWaitsAnInterval: after a failure (a snapshot the disk refused, a rebuild that
// could not read the journal) the next rebuild is due a whole interval later, so a failure that
// persists costs one rebuild per interval rather than one per batch.
func TestShadowFailureWaitsAnInterval(t *testing.T) {
	j, _ := shadowJournal(t, 10)
	var durable atomic.Uint64
	durable.Store(1_234)
	sh := &shadow{j: j, every: 100, log: slog.New(slog.DiscardHandler), durable: &durable, eng: engine.New(), lastSnap: 1_000}
	sh.active.Store(true)
	sh.drop(errors.New("disk full"))
	if sh.eng != nil || sh.active.Load() {
		t.Fatal("the failed shadow kept its engine")
	}
	if sh.lastSnap != 1_234 || sh.snapSeq.Load() != 1_234 {
		t.Fatalf("next snapshot counted from %d (syncer sees %d), want from 1234", sh.lastSnap, sh.snapSeq.Load())
	}
	// An abandoned rebuild (Close) is no failure: nothing is pushed back.
	sh.lastSnap = 1_000
	sh.snapSeq.Store(1_000)
	sh.drop(errReplayAborted)
	if sh.lastSnap != 1_000 {
		t.Fatalf("an abort moved the next snapshot to %d", sh.lastSnap)
	}
}
