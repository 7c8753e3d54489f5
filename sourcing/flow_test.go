package sourcing_test

import (
	"fmt"
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/carriers"
	"github.com/depothq/depot/sourcing"
)

// The engine's flow for one standard order: source it (against a blended rate table), then
// choose a carrier service for each shipment among five. The two packages do not import each
// other; this is the glue the engine writes.
func BenchmarkSourceAndChooseCarrier(b *testing.B) {
	const n = 256
	g := uint64(7)
	next := func(m int64) int64 {
		g = g*6364136223846793005 + 1442695040888963407
		return int64(g>>33) % m
	}
	locs := make([]sourcing.Location, 20)
	for i := range locs {
		locs[i] = sourcing.Location{ID: fmt.Sprintf("wh-%02d", i), Kind: depot.LocationWarehouse, Status: depot.LocationOpen,
			LatE6: 52_520_000 + (next(600)-300)*8_993, LonE6: 13_405_000 + (next(600)-300)*14_780,
			CapacityLeft: 100, CutoffMinute: 17 * 60}
	}
	est := &sourcing.TableEstimator{
		DistanceUpToM: []int64{10_000, 100_000, 1_000_000}, WeightUpToG: []int64{1_000, 5_000, 30_000},
		Prices: []int64{300, 400, 700, 500, 600, 900, 900, 1000, 1500}, TransitMinutes: []int64{240, 1440, 2880},
	}
	reqs := make([]sourcing.Request, n)
	for r := range reqs {
		avail := make([]int64, 3*len(locs))
		for i := range avail {
			if next(10) < 7 {
				avail[i] = 1 + next(20)
			}
		}
		reqs[r] = sourcing.Request{
			Order: sourcing.Order{
				Lines:       []sourcing.Line{{SKU: "s1", Qty: 1, UnitWeightG: 400}, {SKU: "s2", Qty: 1, UnitWeightG: 1200}, {SKU: "s3", Qty: 2, UnitWeightG: 250}},
				ShipToLatE6: 52_520_000 + (next(600)-300)*8_993, ShipToLonE6: 13_405_000 + (next(600)-300)*14_780,
				Level: sourcing.Standard, DeliverBy: t0 + 72*3600e9,
			},
			Locations: locs, Available: avail, Estimator: est, Now: t0,
			Options: sourcing.Options{SplitPenaltyMinor: 400, LatePenaltyPerHourMinor: 20},
		}
	}
	sel, err := carriers.NewSelector(fiveServices())
	if err != nil {
		b.Fatal(err)
	}
	pl := sourcing.NewPlanner()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := &reqs[i&(n-1)]
		p, err := pl.Plan(req)
		if err != nil {
			b.Fatal(err)
		}
		for k := range p.Shipments {
			s := &p.Shipments[k]
			sh := carriers.Shipment{Location: s.LocationID, ReadyAt: s.DepartAt, DeliverBy: req.Order.DeliverBy,
				DistanceM: s.DistanceM, WeightG: s.WeightG}
			if _, err := sel.Choose(&sh); err != nil {
				b.Fatal(err)
			}
		}
	}
}

const t0 = int64(1705312800) * 1e9

func fiveServices() []carriers.Service {
	card := func(p ...int64) carriers.RateCard {
		return carriers.RateCard{Basis: carriers.ByDistance, BandUpTo: []int64{100_000, 1_000_000}, WeightUpToG: []int64{2_000, 30_000}, Prices: p}
	}
	return []carriers.Service{
		{Carrier: "dhl", ID: "paket", Rates: card(450, 650, 550, 750), TransitMaxMinutes: 48 * 60, CutoffMinute: 16 * 60, Days: carriers.WeekdaysMSa},
		{Carrier: "dpd", ID: "classic", Rates: card(420, 620, 600, 800), TransitMaxMinutes: 72 * 60, CutoffMinute: 15 * 60, Days: carriers.WeekdaysMF},
		{Carrier: "ups", ID: "express", Rates: card(1200, 1500, 1400, 1800), TransitMaxMinutes: 24 * 60, CutoffMinute: 17 * 60, Days: carriers.WeekdaysMF},
		{Carrier: "gls", ID: "business", Rates: card(480, 680, 580, 780), TransitMaxMinutes: 36 * 60, CutoffMinute: 14 * 60, Days: carriers.WeekdaysMF},
		{Carrier: "hermes", ID: "std", Rates: card(390, 590, 690, 890), TransitMaxMinutes: 96 * 60, CutoffMinute: 13 * 60, Days: carriers.WeekdaysMF},
	}
}
