package sequencer_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/depothq/depot"
	"github.com/depothq/depot/journal"
	"github.com/depothq/depot/sequencer"
)

// BenchmarkDurableReserve measures single-line reserves through the sequencer with the file
// journal and fsync on every batch, from 1,000 concurrent callers: the durable-throughput
// number (>= 500,000/s, p99 <= 5 ms on the 2-core reference machine).
func BenchmarkDurableReserve(b *testing.B) {
	const callers, skus = 1000, 1000
	j, err := journal.OpenFile(b.TempDir(), journal.FileOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	var batches, commands, syncNs, applyNs atomic.Int64
	s, err := sequencer.Open(j, sequencer.Options{SnapshotEvery: -1, OnCommit: func(bt *sequencer.Batch) {
		batches.Add(1)
		commands.Add(int64(bt.Commands))
		syncNs.Add(int64(bt.SyncTime))
		applyNs.Add(int64(bt.ApplyTime))
	}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	setup := []depot.Command{
		&depot.DefineLocation{Tenant: "t1", Location: "wh-1", Type: depot.LocationWarehouse, Status: depot.LocationOpen},
	}
	for i := range skus {
		setup = append(setup, &depot.DefineSKU{Tenant: "t1", SKU: "sku-" + strconv.Itoa(i)})
	}
	setup = append(setup, &depot.DefineChannel{Tenant: "t1", Channel: "web", Locations: []string{"wh-1"}})
	for i := range skus {
		setup = append(setup, &depot.Receive{Tenant: "t1", ID: "rcv-" + strconv.Itoa(i), SKU: "sku-" + strconv.Itoa(i), Location: "wh-1", Qty: depot.MaxQty})
	}
	for chunk := range slices.Chunk(setup, depot.MaxBatch) {
		if _, err := s.SubmitBatch(ctx, chunk); err != nil {
			b.Fatal(err)
		}
	}
	// Build the commands outside the timed loop: the benchmark measures the sequencer, not fmt.
	cmds := make([]depot.Command, b.N)
	for i := range cmds {
		cmds[i] = &depot.Reserve{Tenant: "t1", Reservation: "r" + strconv.Itoa(i), Channel: "web",
			Lines: []depot.ReserveLine{{SKU: "sku-" + strconv.Itoa(i%skus), Qty: 1}}}
	}
	var next atomic.Int64
	lat := make([][]time.Duration, callers)
	var failures atomic.Int64
	batches.Store(0)
	commands.Store(0)
	syncNs.Store(0)
	applyNs.Store(0)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for c := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				t0 := time.Now()
				res, err := s.Submit(ctx, cmds[i])
				lat[c] = append(lat[c], time.Since(t0))
				if err != nil || !res.OK() {
					failures.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if f := failures.Load(); f > 0 {
		b.Fatalf("%d reserves failed", f)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "reserves/s")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99_ms")
	b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50_ms")
	if n := batches.Load(); n > 0 {
		b.ReportMetric(float64(commands.Load())/float64(n), "cmds/batch")
		b.ReportMetric(float64(syncNs.Load())/float64(n)/1e3, "sync_us/batch")
		b.ReportMetric(float64(applyNs.Load())/float64(n)/1e3, "apply_us/batch")
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkRecovery measures start-up: snapshot load plus journal tail replay.
func BenchmarkRecovery(b *testing.B) {
	for _, n := range []int{100_000} {
		b.Run(fmt.Sprintf("commands=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			j, err := journal.OpenFile(dir, journal.FileOptions{})
			if err != nil {
				b.Fatal(err)
			}
			s, err := sequencer.Open(j, sequencer.Options{SnapshotEvery: -1})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			seed(b, s, depot.MaxQty)
			batch := make([]depot.Command, 0, depot.MaxBatch)
			for i := range n {
				batch = append(batch, reserve("r"+strconv.Itoa(i), 1))
				if len(batch) == cap(batch) || i == n-1 {
					if _, err := s.SubmitBatch(ctx, batch); err != nil {
						b.Fatal(err)
					}
					batch = batch[:0]
				}
			}
			s.Close()
			j.Close()
			b.ResetTimer()
			for range b.N {
				j, err := journal.OpenFile(dir, journal.FileOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := sequencer.Recover(j, nil); err != nil {
					b.Fatal(err)
				}
				j.Close()
			}
		})
	}
}
