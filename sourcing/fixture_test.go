package sourcing

import (
	"testing"

	"github.com/depothq/depot"
)

// Berlin, and offsets of about one kilometre in micro-degrees at its latitude.
const (
	berlinLat = 52_520_000
	berlinLon = 13_405_000
	kmLat     = 8_993  // 1 km north
	kmLon     = 14_780 // 1 km east at 52.5°
)

// t0 is a Monday 10:00 UTC (2024-01-15).
const t0 = int64(1705312800) * 1e9

func warehouse(id string, kmN, kmE int64) Location {
	return Location{
		ID: id, Kind: depot.LocationWarehouse, Status: depot.LocationOpen,
		LatE6: berlinLat + kmN*kmLat, LonE6: berlinLon + kmE*kmLon, CapacityLeft: 100,
	}
}

func darkStore(id string, kmN, kmE int64, radiusM int64) Location {
	l := warehouse(id, kmN, kmE)
	l.Kind, l.ServiceRadiusM = depot.LocationDarkStore, radiusM
	return l
}

// stock builds Available from a per-location list of per-line units.
func stock(perLoc ...[]int64) []int64 {
	n := len(perLoc[0])
	out := make([]int64, n*len(perLoc))
	for l, units := range perLoc {
		for i, u := range units {
			out[i*len(perLoc)+l] = u
		}
	}
	return out
}

func lines(skus ...string) []Line {
	out := make([]Line, len(skus))
	for i, s := range skus {
		out[i] = Line{SKU: s, Qty: 1, UnitWeightG: 500}
	}
	return out
}

// testTable prices 300 up to 10 km, 500 up to 100 km, 900 up to 1,000 km, plus weight bands.
func testTable() *TableEstimator {
	return &TableEstimator{
		DistanceUpToM:  []int64{10_000, 100_000, 1_000_000},
		WeightUpToG:    []int64{1_000, 5_000, 30_000},
		Prices:         []int64{300, 400, 700, 500, 600, 900, 900, 1000, 1500},
		TransitMinutes: []int64{240, 1440, 2880},
	}
}

func order(ls []Line, level ServiceLevel) Order {
	return Order{Lines: ls, ShipToLatE6: berlinLat, ShipToLonE6: berlinLon, Level: level}
}

func mustPlan(t *testing.T, req *Request) *Plan {
	t.Helper()
	p, err := NewPlanner().Plan(req)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	return p
}

func locOf(p *Plan, line int) string {
	for _, pt := range p.Parts {
		if pt.Line == line {
			return pt.LocationID
		}
	}
	return ""
}

func reasonOf(p *Plan, id string) Reason {
	for _, e := range p.Exclusions {
		if e.LocationID == id {
			return e.Reason
		}
	}
	return 0
}
