package sourcing

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// lcg is a tiny deterministic generator for benchmark fixtures.
type lcg uint64

func (g *lcg) next(n int64) int64 {
	*g = *g*6364136223846793005 + 1442695040888963407
	return int64(uint64(*g)>>33) % n
}

// standardFixtures builds k 3-line standard orders over 20 warehouses spread across about
// 600 x 600 km, each warehouse holding each SKU with probability 0.7.
func standardFixtures(k int) []*Request {
	g := lcg(1)
	locs := make([]Location, 20)
	for i := range locs {
		locs[i] = warehouse(fmt.Sprintf("wh-%02d", i), g.next(600)-300, g.next(600)-300)
		locs[i].Groups = []string{"de"}
		locs[i].CutoffMinute = 17 * 60
	}
	est := testTable()
	reqs := make([]*Request, k)
	for r := range reqs {
		ls := []Line{
			{SKU: "s1", Qty: 1 + g.next(2), UnitWeightG: 400},
			{SKU: "s2", Qty: 1, UnitWeightG: 1200},
			{SKU: "s3", Qty: 1 + g.next(3), UnitWeightG: 250},
		}
		avail := make([]int64, 3*len(locs))
		for i := range avail {
			if g.next(10) < 7 {
				avail[i] = 1 + g.next(20)
			}
		}
		o := order(ls, Standard)
		o.ShipToLatE6 += (g.next(600) - 300) * kmLat
		o.ShipToLonE6 += (g.next(600) - 300) * kmLon
		o.DeliverBy = t0 + 48*HourNanos
		reqs[r] = &Request{Order: o, Locations: locs, Available: avail, Estimator: est, Now: t0,
			Options: Options{SplitPenaltyMinor: 400, LatePenaltyPerHourMinor: 20}}
	}
	return reqs
}

// quickFixtures builds k quick orders of 1-5 lines over 50 dark stores on a 10 x 5 grid about
// 1.5 km apart (15 x 7.5 km of city), radius 3 km, each holding each SKU with probability 0.85.
func quickFixtures(k int) []*Request {
	g := lcg(2)
	locs := make([]Location, 50)
	for i := range locs {
		locs[i] = darkStore(fmt.Sprintf("ds-%02d", i), 0, 0, 3_000)
		locs[i].LatE6 = berlinLat + int64(i/10)*3*kmLat/2
		locs[i].LonE6 = berlinLon + int64(i%10)*3*kmLon/2
		locs[i].CapacityLeft = 1 + g.next(30)
	}
	reqs := make([]*Request, k)
	for r := range reqs {
		n := 1 + int(g.next(5))
		ls := make([]Line, n)
		for i := range ls {
			ls[i] = Line{SKU: fmt.Sprintf("q%d", i), Qty: 1 + g.next(2), UnitWeightG: 300}
		}
		avail := make([]int64, n*len(locs))
		for i := range avail {
			if g.next(100) < 85 {
				avail[i] = 1 + g.next(10)
			}
		}
		o := Order{Lines: ls, Level: Quick, PromiseMinutes: 15,
			ShipToLatE6: berlinLat + g.next(6*kmLat), ShipToLonE6: berlinLon + g.next(14*kmLon)}
		reqs[r] = &Request{Order: o, Locations: locs, Available: avail, Now: t0}
	}
	return reqs
}

func BenchmarkPlanStandard3Lines20Locations(b *testing.B) {
	reqs := standardFixtures(256)
	pl := NewPlanner()
	methods := map[Method]int{}
	for _, r := range reqs {
		if p, err := pl.Plan(r); err == nil {
			methods[p.Method]++
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := pl.Plan(reqs[i&255]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(methods[MethodExact])/256, "exact/op")
}

func BenchmarkPlanQuick50DarkStores(b *testing.B) {
	reqs := quickFixtures(1024)
	pl := NewPlanner()
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		_, err := pl.Plan(reqs[i&1023])
		lat = append(lat, time.Since(start))
		if err != nil {
			if _, ok := err.(*InfeasibleError); !ok {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
}
