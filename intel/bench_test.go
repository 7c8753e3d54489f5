package intel_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/intel"
)

// BenchmarkApply feeds a mix of events (70% reserved lines, 20% releases, 5% counts, 5% inbound
// and receipts) into 100,000 SKU x location series (1,000 SKUs at 100 locations, sold on four
// channels), on one goroutine. It reports events per second and the measured heap per series.
func BenchmarkApply(b *testing.B) {
	const skus, locs = 1000, 100
	skuIDs, locIDs := make([]string, skus), make([]string, locs)
	for i := range skuIDs {
		skuIDs[i] = fmt.Sprintf("sku-%04d", i)
	}
	for i := range locIDs {
		locIDs[i] = fmt.Sprintf("loc-%03d", i)
	}
	chans := []string{"web", "app", "amazon", "shop"}

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	in := intel.New(intel.Options{})
	seq, now := uint64(0), t0
	for _, s := range skuIDs {
		for _, l := range locIDs {
			seq++
			in.Apply(&depot.Event{Seq: seq, Time: now, Kind: depot.EventReceived, Tenant: "acme", SKU: s, Location: l, Qty: 1_000_000})
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	st := in.Stats()
	series := st.Positions + st.DemandSeries

	// Steady state: the projection has run for two days, so every EWMA is past its warm-up.
	now += 48 * hour
	rng := rand.New(rand.NewPCG(1, 1))
	evs := make([]depot.Event, 1<<16)
	for i := range evs {
		e := depot.Event{Tenant: "acme", SKU: skuIDs[rng.IntN(skus)], Location: locIDs[rng.IntN(locs)], Channel: chans[rng.IntN(len(chans))], Qty: 1}
		switch r := rng.IntN(100); {
		case r < 70:
			e.Kind = depot.EventReserved
		case r < 90:
			e.Kind = depot.EventReleased
		case r < 95:
			e.Kind, e.Qty = depot.EventCounted, int64(rng.IntN(3))-1
		case r < 98:
			e.Kind, e.Ref, e.Qty, e.At = depot.EventInboundExpected, fmt.Sprintf("po-%d", i), 50, t0+int64(rng.IntN(48))*hour
		default:
			e.Kind, e.Reason, e.Qty = depot.EventReceived, fmt.Sprintf("po-%d", i-rng.IntN(100)), 50
		}
		evs[i] = e
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		e := &evs[i&(len(evs)-1)]
		seq++
		now += 1e6 // a thousand events per simulated second
		e.Seq, e.Time = seq, now
		in.Apply(e)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	st = in.Stats()
	series = st.Positions + st.DemandSeries
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(series), "heap-B/series")
	b.ReportMetric(float64(st.StateBytes)/float64(series), "state-B/series")
	b.ReportMetric(float64(series), "series")
}
