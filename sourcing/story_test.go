package sourcing

import (
	"errors"
	"testing"

	"github.com/depothq/depot"
)

// A quick order in a dense city goes to the nearest dark store that has every line, skipping a
// nearer one that lacks a line, one whose radius does not reach, one at capacity and a warehouse.
func TestStoryQuickNearestInStockDarkStore(t *testing.T) {
	full := func(l Location) Location { return l }
	atCap := darkStore("ds-busy", 0, 1, 3_000)
	atCap.CapacityLeft = 0
	req := &Request{
		Order: Order{Lines: lines("milk", "bread", "eggs"), ShipToLatE6: berlinLat, ShipToLonE6: berlinLon,
			Level: Quick, PromiseMinutes: 15},
		Locations: []Location{
			full(darkStore("ds-near", 0, 0, 3_000)),   // 0 km, lacks eggs
			full(darkStore("ds-mid", 1, 1, 3_000)),    // 1.4 km, has all
			full(darkStore("ds-far", 2, 2, 5_000)),    // 2.8 km, has all
			full(darkStore("ds-small", 0, -1, 500)),   // 1 km but radius 500 m
			atCap,                                     // 1 km, at capacity
			full(warehouse("wh", 0, 0)),               // a warehouse is not for quick orders
			full(darkStore("ds-other", 20, 0, 3_000)), // 20 km away
		},
		Available: stock(
			[]int64{5, 5, 0}, []int64{5, 5, 5}, []int64{5, 5, 5}, []int64{5, 5, 5},
			[]int64{5, 5, 5}, []int64{9, 9, 9}, []int64{5, 5, 5}),
		Now: t0,
	}
	p := mustPlan(t, req)
	if p.Method != MethodQuick || len(p.Shipments) != 1 || p.Shipments[0].LocationID != "ds-mid" {
		t.Fatalf("want one quick shipment from ds-mid, got %+v", p)
	}
	sh := p.Shipments[0]
	if sh.DistanceM < 1_350 || sh.DistanceM > 1_450 {
		t.Errorf("distance %d m, want ~1414", sh.DistanceM)
	}
	// 3 minutes to pick, 1414 m at 250 m/min is 6 minutes: 9 minutes, within the 15 promised.
	if got := (sh.ETA - t0) / MinuteNanos; got != 9 || p.Late {
		t.Errorf("eta %d min late %v, want 9 on time", got, p.Late)
	}
	for id, want := range map[string]Reason{
		"ds-small": ReasonOutOfRadius, "ds-busy": ReasonAtCapacity, "wh": ReasonWrongKind, "ds-other": ReasonOutOfRadius,
	} {
		if got := reasonOf(p, id); got != want {
			t.Errorf("%s excluded for %v, want %v", id, got, want)
		}
	}
	if reasonOf(p, "ds-near") != 0 {
		t.Errorf("ds-near holds two lines and stays a candidate")
	}
}

// When no dark store has everything, the fewest stores that together do are chosen, nearest in sum.
func TestStoryQuickFewestStores(t *testing.T) {
	req := &Request{
		Order: Order{Lines: lines("a", "b", "c", "d"), ShipToLatE6: berlinLat, ShipToLonE6: berlinLon, Level: Quick, PromiseMinutes: 30},
		Locations: []Location{
			darkStore("s1", 0, 1, 5_000), // a
			darkStore("s2", 1, 0, 5_000), // b
			darkStore("s3", 2, 0, 5_000), // a b c
			darkStore("s4", 3, 0, 5_000), // c d
			darkStore("s5", 0, 4, 5_000), // d
		},
		Available: stock([]int64{1, 0, 0, 0}, []int64{0, 1, 0, 0}, []int64{1, 1, 1, 0}, []int64{0, 0, 1, 1}, []int64{0, 0, 0, 1}),
		Now:       t0,
	}
	p := mustPlan(t, req)
	if len(p.Shipments) != 2 {
		t.Fatalf("want 2 stores, got %+v", p.Shipments)
	}
	// {s3: a b c, s4: d} is 2+3 km; {s3: a b, s4: c d} too; {s3, s5} is 2+4. Lines go by
	// the first minimal partition; all that matters is two stores, s3 and s4.
	got := map[string]bool{p.Shipments[0].LocationID: true, p.Shipments[1].LocationID: true}
	if !got["s3"] || !got["s4"] {
		t.Fatalf("want s3 and s4, got %+v", p.Shipments)
	}
}

// A split shipment when no single warehouse holds all lines.
func TestStorySplitWhenNoWarehouseHoldsAll(t *testing.T) {
	req := &Request{
		Order:     order(lines("tent", "stove", "mat"), Standard),
		Locations: []Location{warehouse("hamburg", 250, 0), warehouse("munich", -500, 0), warehouse("leipzig", -150, 0)},
		Available: stock([]int64{3, 3, 0}, []int64{0, 0, 2}, []int64{0, 1, 1}),
		Estimator: testTable(),
		Options:   Options{SplitPenaltyMinor: 200},
		Now:       t0,
	}
	p := mustPlan(t, req)
	if len(p.Shipments) != 2 {
		t.Fatalf("want a split into 2 shipments, got %+v", p.Shipments)
	}
	// hamburg tent+stove and leipzig mat (250 and 150 km, 900+900) beats hamburg tent +
	// leipzig stove+mat (same) on id order; munich (500 km) is never better than leipzig.
	if locOf(p, 0) != "hamburg" || locOf(p, 2) != "leipzig" {
		t.Fatalf("got %+v", p.Parts)
	}
	if p.Cost.SplitMinor != 200 || p.Cost.ShippingMinor != 1800 || p.Cost.TotalMinor != 2000 {
		t.Fatalf("cost %+v", p.Cost)
	}
	if p.Method != MethodExact {
		t.Fatalf("method %v", p.Method)
	}
}

// A paused node is excluded even though it is the nearest and cheapest, and says so.
func TestStoryPausedNodeExcluded(t *testing.T) {
	paused := warehouse("berlin", 0, 1)
	paused.Status = depot.LocationPaused
	closed := warehouse("potsdam", 0, -20)
	closed.Status = depot.LocationClosed
	req := &Request{
		Order:     order(lines("a", "b"), Standard),
		Locations: []Location{paused, closed, warehouse("dresden", -150, 0)},
		Available: stock([]int64{5, 5}, []int64{5, 5}, []int64{5, 5}),
		Estimator: testTable(),
		Now:       t0,
	}
	p := mustPlan(t, req)
	if locOf(p, 0) != "dresden" || reasonOf(p, "berlin") != ReasonPaused || reasonOf(p, "potsdam") != ReasonClosed {
		t.Fatalf("got %+v", p)
	}
	if p.Exclusions[0].LocationID != "berlin" || p.Exclusions[1].LocationID != "potsdam" {
		t.Fatalf("exclusions not by id: %+v", p.Exclusions)
	}
}

func TestInfeasible(t *testing.T) {
	base := func() *Request {
		return &Request{
			Order:     Order{Lines: []Line{{SKU: "a", Qty: 10, UnitWeightG: 100}, {SKU: "b", Qty: 1}}, Level: Standard, ShipToLatE6: berlinLat, ShipToLonE6: berlinLon},
			Locations: []Location{warehouse("w1", 1, 0), warehouse("w2", 2, 0)},
			Available: stock([]int64{6, 1}, []int64{6, 0}),
			Estimator: testTable(),
			Now:       t0,
		}
	}
	// Without line splits, 6+6 units of a do not make a line of 10.
	_, err := NewPlanner().Plan(base())
	var inf *InfeasibleError
	if !errors.As(err, &inf) || inf.Line != 0 || inf.Missing != 0 {
		t.Fatalf("want line 0 unsplittable, got %v", err)
	}
	// With them, 6 from w1 (already shipping b) and 4 from w2.
	req := base()
	req.Options.AllowSplitLines = true
	p := mustPlan(t, req)
	if len(p.Parts) != 3 || p.Parts[0] != (Part{Line: 0, Location: 0, LocationID: "w1", Qty: 6, Shipment: 0}) ||
		p.Parts[1] != (Part{Line: 0, Location: 1, LocationID: "w2", Qty: 4, Shipment: 1}) ||
		p.Parts[2] != (Part{Line: 1, Location: 0, LocationID: "w1", Qty: 1, Shipment: 0}) {
		t.Fatalf("parts %+v", p.Parts)
	}
	if p.Shipments[0].WeightG != 600 || p.Shipments[1].WeightG != 400 || p.Method != MethodGreedy {
		t.Fatalf("shipments %+v", p.Shipments)
	}
	// Short of units altogether.
	req = base()
	req.Order.Lines[0].Qty = 13
	req.Options.AllowSplitLines = true
	_, err = NewPlanner().Plan(req)
	if !errors.As(err, &inf) || inf.Line != 0 || inf.Missing != 1 || inf.SKU != "a" {
		t.Fatalf("want 1 unit of a short, got %v", err)
	}
}

// Two lines of one SKU share its stock: 3+3 never comes from a location with 5.
func TestSharedSKU(t *testing.T) {
	ls := []Line{{SKU: "a", Qty: 3, UnitWeightG: 100}, {SKU: "a", Qty: 3, UnitWeightG: 100}}
	req := &Request{
		Order:     order(ls, Standard),
		Locations: []Location{warehouse("near", 1, 0), warehouse("far", 200, 0)},
		Available: stock([]int64{5, 5}, []int64{3, 3}),
		Estimator: testTable(),
		Now:       t0,
	}
	p := mustPlan(t, req)
	if len(p.Shipments) != 2 || locOf(p, 0) == locOf(p, 1) {
		t.Fatalf("the shared SKU must split: %+v", p.Parts)
	}
	req.Available = stock([]int64{5, 5}, []int64{2, 2})
	if _, err := NewPlanner().Plan(req); err == nil {
		t.Fatalf("5+2 units cannot make two whole lines of 3")
	}
}

func TestRequestErrors(t *testing.T) {
	ok := func() *Request {
		return &Request{
			Order:     order(lines("a"), Standard),
			Locations: []Location{warehouse("w", 0, 0)},
			Available: []int64{1},
			Now:       t0,
		}
	}
	for name, mut := range map[string]func(*Request){
		"no lines":    func(r *Request) { r.Order.Lines = nil },
		"zero qty":    func(r *Request) { r.Order.Lines[0].Qty = 0 },
		"bad level":   func(r *Request) { r.Order.Level = 9 },
		"bad lat":     func(r *Request) { r.Order.ShipToLatE6 = 91_000_000 },
		"avail shape": func(r *Request) { r.Available = []int64{1, 2} },
		"neg avail":   func(r *Request) { r.Available[0] = -1 },
		"huge avail, a SKU on two lines": func(r *Request) {
			r.Order.Lines = append(r.Order.Lines, r.Order.Lines[0])
			r.Available = []int64{1, MaxAvailable + 1}
		},
		"group rule":   func(r *Request) { r.Rules = []Rule{{Kind: RulePreferGroup}} },
		"unknown rule": func(r *Request) { r.Rules = []Rule{{Kind: 99}} },
		"cutoff":       func(r *Request) { r.Locations[0].CutoffMinute = 1441 },
	} {
		req := ok()
		mut(req)
		p, err := NewPlanner().Plan(req)
		var re *RequestError
		if !errors.As(err, &re) {
			t.Errorf("%s: want RequestError, got %v", name, err)
		}
		if len(p.Shipments) != 0 || len(p.Parts) != 0 || len(p.Exclusions) != 0 {
			t.Errorf("%s: a refused request planned %+v", name, p)
		}
	}
	if _, err := NewPlanner().Plan(ok()); err != nil {
		t.Fatal(err)
	}
}

// TestRequestLimitEdges checks each range validate enforces at its edges: the bound itself is
// taken, one past it and the extremes of the type are refused (validate compares unsigned, so a
// wrap-around must not slip through).
func TestRequestLimitEdges(t *testing.T) {
	base := func() *Request {
		return &Request{
			Order:     order(lines("a"), Standard),
			Locations: []Location{warehouse("w", 0, 0)},
			Available: []int64{1},
			Now:       t0,
		}
	}
	const minI64, maxI64 = -1 << 63, 1<<63 - 1
	const minI32, maxI32 = -1 << 31, 1<<31 - 1
	cases := []struct {
		name string
		ok   []int64
		bad  []int64
		set  func(r *Request, v int64)
	}{
		{"available", []int64{0, MaxAvailable}, []int64{-1, MaxAvailable + 1, minI64, maxI64},
			func(r *Request, v int64) { r.Available[0] = v }},
		{"location latitude", []int64{-MaxLatE6, MaxLatE6}, []int64{-MaxLatE6 - 1, MaxLatE6 + 1, minI64, maxI64},
			func(r *Request, v int64) { r.Locations[0].LatE6 = v }},
		{"location longitude", []int64{-MaxLonE6, MaxLonE6}, []int64{-MaxLonE6 - 1, MaxLonE6 + 1, minI64, maxI64},
			func(r *Request, v int64) { r.Locations[0].LonE6 = v }},
		{"ship-to latitude", []int64{-MaxLatE6, MaxLatE6}, []int64{-MaxLatE6 - 1, MaxLatE6 + 1, minI64, maxI64},
			func(r *Request, v int64) { r.Order.ShipToLatE6 = v }},
		{"service radius", []int64{0, MaxRadiusM}, []int64{-1, MaxRadiusM + 1, minI64, maxI64},
			func(r *Request, v int64) { r.Locations[0].ServiceRadiusM = v }},
		{"cutoff", []int64{0, DayMinutes}, []int64{-1, DayMinutes + 1, minI32, maxI32},
			func(r *Request, v int64) { r.Locations[0].CutoffMinute = int32(v) }},
		{"utc offset", []int64{-MaxUTCOffsetMinutes, MaxUTCOffsetMinutes},
			[]int64{-MaxUTCOffsetMinutes - 1, MaxUTCOffsetMinutes + 1, minI32, maxI32, maxI32 - MaxUTCOffsetMinutes + 1},
			func(r *Request, v int64) { r.Locations[0].UTCOffsetMinutes = int32(v) }},
		{"backlog", []int64{0, MaxQty}, []int64{-1, MaxQty + 1, minI64, maxI64},
			func(r *Request, v int64) { r.Locations[0].Backlog = v }},
	}
	for _, c := range cases {
		for _, v := range c.ok {
			req := base()
			c.set(req, v)
			if _, err := NewPlanner().Plan(req); err != nil {
				var re *RequestError
				if errors.As(err, &re) {
					t.Errorf("%s %d: refused (%v), want taken", c.name, v, err)
				}
			}
		}
		for _, v := range c.bad {
			req := base()
			c.set(req, v)
			var re *RequestError
			if _, err := NewPlanner().Plan(req); !errors.As(err, &re) {
				t.Errorf("%s %d: got %v, want a RequestError", c.name, v, err)
			}
		}
	}
}
