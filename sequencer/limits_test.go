package sequencer_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/depothq/depot"
	"github.com/depothq/depot/journal"
	"github.com/depothq/depot/sequencer"
)

// bigOrder is a create_order near the largest a client may send (about 23 KB encoded): 100
// lines and 32 attributes of 500 bytes. Nothing needs to accept it; rejected commands are
// journaled too.
func bigOrder(i int) *depot.CreateOrder {
	c := &depot.CreateOrder{Tenant: "t1", Channel: "web", ExternalID: "big-" + strconv.Itoa(i), Level: depot.LevelStandard}
	for k := range 100 {
		c.Lines = append(c.Lines, depot.OrderLine{SKU: strings.Repeat("s", 60) + strconv.Itoa(k), Qty: 1})
	}
	for k := range 32 {
		c.Attributes = append(c.Attributes, depot.Attribute{Key: "k" + strconv.Itoa(k), Value: strings.Repeat("v", 500)})
	}
	return c
}

func bigOrders(from, n int) []depot.Command {
	cmds := make([]depot.Command, n)
	for i := range cmds {
		cmds[i] = bigOrder(from + i)
	}
	return cmds
}

// TestSubmissionsOverTheByteLimitAreRefused: a submission whose commands would take more of the
// journal than one group commit may is refused whole, before it is sequenced, and the sequencer
// goes on. Before the limit, 3,500 such orders in one SubmitBatch (80 MB) reached the journal,
// which refused the append, and the sequencer stopped for good.
func TestSubmissionsOverTheByteLimitAreRefused(t *testing.T) {
	ctx := context.Background()
	for name, opts := range map[string]sequencer.Options{
		"default (the journal's append limit)": {},
		"configured":                           {MaxBatchBytes: 100 << 10},
	} {
		t.Run(name, func(t *testing.T) {
			j := journal.NewMemory()
			s := mustOpen(t, j, opts)
			defer s.Close()
			n := 3500 // 80 MB
			if opts.MaxBatchBytes != 0 {
				n = 5 // 115 KB
			}
			if _, err := s.SubmitBatch(ctx, bigOrders(0, n)); !errors.Is(err, sequencer.ErrTooLarge) {
				t.Fatalf("SubmitBatch of %d large orders: %v, want ErrTooLarge", n, err)
			}
			if j.LastSeq() != 0 {
				t.Fatalf("the refused submission left %d journal entries", j.LastSeq())
			}
			if opts.MaxBatchBytes != 0 {
				small := sequencer.Options{MaxBatchBytes: 1000}
				s2 := mustOpen(t, journal.NewMemory(), small)
				defer s2.Close()
				if _, err := s2.Submit(ctx, bigOrder(0)); !errors.Is(err, sequencer.ErrTooLarge) {
					t.Fatalf("Submit of one order over the limit: %v, want ErrTooLarge", err)
				}
			}
			res, err := s.Submit(ctx, bigOrder(n))
			if err != nil || res.Rejection == nil || res.Rejection.Code != depot.CodeUnknownChannel {
				t.Fatalf("after the refusal, a submission within the limit: %+v, %v; want an unknown_channel rejection", res, err)
			}
		})
	}
}

// TestBatchesAreCutAtTheByteLimit: submissions that each fit, queued while the journal is busy,
// are split into group commits (by the writer) and appends (by the syncer) that each fit, and
// every one of them is answered.
func TestBatchesAreCutAtTheByteLimit(t *testing.T) {
	const limit = 200 << 10
	g := &gatedJournal{Journal: journal.NewMemory(), blocked: make(chan struct{}), release: make(chan struct{})}
	s := mustOpen(t, g, sequencer.Options{MaxBatchBytes: limit, SnapshotEvery: -1})
	defer s.Close()
	ctx := context.Background()
	g.armed.Store(true)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	submit := func(cmds []depot.Command) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := s.SubmitBatch(ctx, cmds)
			if err == nil && len(res) != len(cmds) {
				err = errors.New("short answer")
			}
			errs <- err
		}()
	}
	submit(bigOrders(0, 1))
	<-g.blocked // the first append holds the syncer
	// Small submissions take up the batches the writer may have in flight, so that it stops and
	// the large ones wait in its queue, to be drained together once the journal moves.
	for i := range 40 {
		submit([]depot.Command{&depot.DefineSKU{Tenant: "t1", SKU: "s" + strconv.Itoa(i)}})
	}
	time.Sleep(20 * time.Millisecond)
	const callers, each = 8, 4
	for c := range callers {
		submit(bigOrders(100+c*each, each))
	}
	time.Sleep(20 * time.Millisecond)
	close(g.release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a submission within the limit failed: %v", err)
		}
	}
	if got, want := g.LastSeq(), uint64(1+40+callers*each); got != want {
		t.Fatalf("journal holds %d entries, want %d", got, want)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for i, n := range g.bytes {
		if n > limit {
			t.Fatalf("append %d of %d carried %d bytes (%d entries), over the limit of %d", i, len(g.bytes), n, g.sizes[i], limit)
		}
	}
}
