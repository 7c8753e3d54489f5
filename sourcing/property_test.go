package sourcing

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/depothq/depot"
	"pgregory.net/rapid"
)

// genRequest draws a small sourcing request: a few lines over a few SKUs (so lines share
// stock), a few locations around Berlin with random stock, statuses, groups and capacities, a
// random subset of rules and a monotone rate table.
func genRequest(t *rapid.T) *Request {
	level := rapid.SampledFrom([]ServiceLevel{Standard, Standard, Express, SameDay, Quick}).Draw(t, "level")
	n := rapid.IntRange(1, 5).Draw(t, "lines")
	skus := []string{"a", "b", "c", "d", "e"}
	ls := make([]Line, n)
	for i := range ls {
		ls[i] = Line{
			SKU:         rapid.SampledFrom(skus[:rapid.IntRange(1, 5).Draw(t, "skuRange")]).Draw(t, "sku"),
			Qty:         rapid.Int64Range(1, 4).Draw(t, "qty"),
			UnitWeightG: rapid.Int64Range(0, 3000).Draw(t, "w"),
		}
	}
	nl := rapid.IntRange(0, 9).Draw(t, "locs")
	locs := make([]Location, nl)
	for i := range locs {
		l := warehouse(fmt.Sprintf("L%02d", i), rapid.Int64Range(-200, 200).Draw(t, "n"), rapid.Int64Range(-200, 200).Draw(t, "e"))
		if level == Quick || rapid.Bool().Draw(t, "dark") {
			l = darkStore(l.ID, rapid.Int64Range(-5, 5).Draw(t, "n"), rapid.Int64Range(-5, 5).Draw(t, "e"), rapid.Int64Range(0, 12000).Draw(t, "r"))
		}
		l.Status = rapid.SampledFrom([]depot.LocationStatus{depot.LocationOpen, depot.LocationOpen, depot.LocationOpen, depot.LocationOpen, depot.LocationOpen, depot.LocationOpen, depot.LocationPaused, depot.LocationClosed}).Draw(t, "status")
		l.CapacityLeft = rapid.Int64Range(0, 5).Draw(t, "cap")
		l.CutoffMinute = int32(rapid.IntRange(0, DayMinutes).Draw(t, "cutoff"))
		l.Backlog = rapid.Int64Range(0, 5).Draw(t, "backlog")
		l.Own = rapid.Bool().Draw(t, "own")
		if rapid.Bool().Draw(t, "grouped") {
			l.Groups = []string{rapid.SampledFrom([]string{"g1", "g2"}).Draw(t, "group")}
		}
		locs[i] = l
	}
	// Stock per SKU and location, copied to every line of the SKU (lines share it).
	perSKU := map[string][]int64{}
	avail := make([]int64, n*nl)
	for i, l := range ls {
		if perSKU[l.SKU] == nil {
			perSKU[l.SKU] = make([]int64, nl)
			for j := range perSKU[l.SKU] {
				perSKU[l.SKU][j] = rapid.SampledFrom([]int64{0, 1, 2, 3, 5, 8}).Draw(t, "units")
			}
		}
		copy(avail[i*nl:], perSKU[l.SKU])
	}
	var rules []Rule
	for k := rapid.IntRange(0, 3).Draw(t, "rules"); k > 0; k-- {
		r := Rule{Kind: RuleKind(rapid.IntRange(int(RuleClosest), int(RuleLeastBacklog)).Draw(t, "kind"))}
		if r.Kind == RulePreferGroup || r.Kind == RuleExcludeGroup {
			r.Group = rapid.SampledFrom([]string{"g1", "g2"}).Draw(t, "rgroup")
		}
		rules = append(rules, r)
	}
	o := order(ls, level)
	o.ShipToLatE6 += rapid.Int64Range(-3*kmLat, 3*kmLat).Draw(t, "dlat")
	o.PromiseMinutes = rapid.Int64Range(0, 60).Draw(t, "promise")
	if rapid.Bool().Draw(t, "promised") {
		o.DeliverBy = t0 + rapid.Int64Range(0, 72).Draw(t, "hours")*HourNanos
	}
	req := &Request{
		Order: o, Locations: locs, Available: avail, Rules: rules, Now: t0 + rapid.Int64Range(0, 24).Draw(t, "hour")*HourNanos,
		Options: Options{
			AllowSplitLines:         rapid.Bool().Draw(t, "split"),
			SplitPenaltyMinor:       rapid.Int64Range(0, 500).Draw(t, "splitPenalty"),
			LatePenaltyPerHourMinor: rapid.Int64Range(0, 100).Draw(t, "latePenalty"),
		},
	}
	if level != Quick || rapid.Bool().Draw(t, "estimator") {
		req.Estimator = testTable()
	}
	return req
}

// checkStock asserts the plan's invariants: every line fully placed, only at candidates, and no
// location giving more of a SKU than it has.
func checkStock(t *rapid.T, req *Request, p *Plan) {
	nl := len(req.Locations)
	placed := make([]int64, len(req.Order.Lines))
	taken := map[string]int64{} // sku@location
	excluded := map[string]bool{}
	for _, e := range p.Exclusions {
		excluded[e.LocationID] = true
	}
	for _, pt := range p.Parts {
		if excluded[pt.LocationID] || req.Locations[pt.Location].ID != pt.LocationID {
			t.Fatalf("part %+v from an excluded or mislabelled location", pt)
		}
		if pt.Qty <= 0 {
			t.Fatalf("empty part %+v", pt)
		}
		placed[pt.Line] += pt.Qty
		sku := req.Order.Lines[pt.Line].SKU
		taken[sku+"@"+pt.LocationID] += pt.Qty
		if got, have := taken[sku+"@"+pt.LocationID], req.Available[pt.Line*nl+pt.Location]; got > have {
			t.Fatalf("%s: %d units taken from %s, which has %d", sku, got, pt.LocationID, have)
		}
		if !req.Options.AllowSplitLines && placed[pt.Line] != req.Order.Lines[pt.Line].Qty {
			t.Fatalf("line %d split without permission: %+v", pt.Line, p.Parts)
		}
	}
	for i, l := range req.Order.Lines {
		if placed[i] != l.Qty {
			t.Fatalf("line %d placed %d of %d", i, placed[i], l.Qty)
		}
	}
}

// planKey recomputes a plan's rank from its output, as the rules define it.
func planKey(req *Request, p *Plan) []int64 {
	var k []int64
	rules := req.Rules
	if req.Order.Level == Quick {
		rules = []Rule{{Kind: RuleFewestShipments}, {Kind: RuleClosest}}
	}
	for _, r := range rules {
		var v int64
		for _, s := range p.Shipments {
			l := &req.Locations[s.Location]
			switch r.Kind {
			case RuleClosest:
				v += s.DistanceM
			case RuleFewestShipments:
				v++
			case RulePreferGroup:
				if !inGroup(l, r.Group) {
					v++
				}
			case RuleLeastBacklog:
				v += l.Backlog
			case RuleCheapest:
				v += p.Cost.TotalMinor / int64(len(p.Shipments)) // compared via the last slot
			case RuleExcludeGroup, RuleOwnLocations:
				continue
			}
		}
		if r.Kind == RuleCheapest {
			v = p.Cost.TotalMinor
		}
		if r.Kind != RuleExcludeGroup && r.Kind != RuleOwnLocations {
			k = append(k, v)
		}
	}
	return append(k, p.Cost.TotalMinor)
}

func lexLE(a, b []int64) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return true
}

// canon is a plan without the request-order-dependent location indexes.
type canon struct {
	Parts      []string
	Shipments  []string
	Exclusions []string
	Cost       Breakdown
	Method     Method
	Late       bool
	Err        string
}

func canonical(p *Plan, err error) canon {
	c := canon{Cost: p.Cost, Method: p.Method, Late: p.Late}
	if err != nil {
		c.Err = err.Error()
	}
	for _, pt := range p.Parts {
		c.Parts = append(c.Parts, fmt.Sprintf("%d %s %d %d", pt.Line, pt.LocationID, pt.Qty, pt.Shipment))
	}
	for _, s := range p.Shipments {
		s.Location = 0
		c.Shipments = append(c.Shipments, fmt.Sprintf("%+v", s))
	}
	for _, e := range p.Exclusions {
		c.Exclusions = append(c.Exclusions, e.LocationID+" "+e.Reason.String())
	}
	return c
}

func TestPropertyNeverOverAssigns(t *testing.T) {
	pl := NewPlanner()
	rapid.Check(t, func(t *rapid.T) {
		req := genRequest(t)
		for _, space := range []int64{0, -1} { // exact (when small) and greedy only
			req.Options.ExactSpace = space
			p, err := pl.Plan(req)
			if err != nil {
				if _, ok := err.(*InfeasibleError); !ok {
					t.Fatalf("unexpected error %v", err)
				}
				continue
			}
			checkStock(t, req, p)
		}
	})
}

func TestPropertyExactNoWorseThanGreedy(t *testing.T) {
	pl := NewPlanner()
	rapid.Check(t, func(t *rapid.T) {
		req := genRequest(t)
		if req.Order.Level == Quick {
			req.Order.Level = Standard
		}
		req.Options.ExactSpace = -1
		g, gerr := pl.Plan(req)
		var gk []int64
		gParts := 0
		if gerr == nil {
			gk, gParts = planKey(req, g), len(g.Parts)
		}
		req.Options.ExactSpace = 0
		e, eerr := pl.Plan(req)
		if eerr != nil || e.Method != MethodExact {
			if eerr != nil && gerr == nil && !req.Options.AllowSplitLines {
				t.Fatalf("exact failed (%v) where greedy succeeded", eerr)
			}
			return
		}
		// A greedy plan that splits lines is not comparable: it exists only because greedy found
		// no whole-line plan, and whole lines are preferred whenever one exists.
		if gerr == nil && gParts == len(req.Order.Lines) && !lexLE(planKey(req, e), gk) {
			t.Fatalf("exact %v worse than greedy %v", planKey(req, e), gk)
		}
	})
}

// The exact search against brute force over every whole-line assignment, with the default
// objective: no pruning may lose the optimum.
func TestPropertyExactIsOptimal(t *testing.T) {
	pl := NewPlanner()
	rapid.Check(t, func(t *rapid.T) {
		req := genRequest(t)
		req.Order.Level = Standard
		req.Estimator = testTable()
		req.Rules = nil
		req.Options.AllowSplitLines = false
		p, err := pl.Plan(req)
		best := bruteForce(req)
		if err != nil {
			if best >= 0 {
				t.Fatalf("no plan, but brute force found one costing %d", best)
			}
			return
		}
		if p.Method == MethodExact && p.Cost.TotalMinor != best {
			t.Fatalf("exact %d, brute force %d", p.Cost.TotalMinor, best)
		}
	})
}

// bruteForce returns the least total cost of any whole-line plan, -1 if none.
func bruteForce(req *Request) int64 {
	pl := NewPlanner()
	probe, _ := pl.Plan(req) // for the exclusions
	var cands []int
	excluded := map[int]bool{}
	for _, e := range probe.Exclusions {
		excluded[e.Location] = true
	}
	for i := range req.Locations {
		if !excluded[i] {
			cands = append(cands, i)
		}
	}
	n, nl := len(req.Order.Lines), len(req.Locations)
	pool := make([]int, n) // first line with the same SKU
	for i := range pool {
		pool[i] = i
		for j := 0; j < i; j++ {
			if req.Order.Lines[j].SKU == req.Order.Lines[i].SKU {
				pool[i] = pool[j]
				break
			}
		}
	}
	assign := make([]int, n)
	use := make([]int64, n*nl)
	weight := make([]int64, nl)
	best := int64(-1)
	var rec func(i int)
	rec = func(i int) {
		if i < n {
			for _, c := range cands {
				assign[i] = c
				rec(i + 1)
			}
			return
		}
		clear(use)
		clear(weight)
		for li, c := range assign {
			l := req.Order.Lines[li]
			use[pool[li]*nl+c] += l.Qty
			if use[pool[li]*nl+c] > req.Available[li*nl+c] {
				return
			}
			weight[c] += l.Qty * l.UnitWeightG
		}
		var total int64
		for c, w := range weight {
			used := false
			for _, a := range assign {
				used = used || a == c
			}
			if !used {
				continue
			}
			loc := &req.Locations[c]
			d := Distance(loc.LatE6, loc.LonE6, req.Order.ShipToLatE6, req.Order.ShipToLonE6)
			q, ok := req.Estimator.Estimate(loc, d, w)
			if !ok {
				return
			}
			total += q.CostMinor + req.Options.SplitPenaltyMinor
			// Lateness as the planner estimates it.
			depart := pl.departAtFor(req, loc)
			if eta := depart + q.TransitMinutes*MinuteNanos; req.Order.DeliverBy != 0 && eta > req.Order.DeliverBy {
				total += ceilDiv(eta-req.Order.DeliverBy, HourNanos) * req.Options.LatePenaltyPerHourMinor
			}
		}
		total -= req.Options.SplitPenaltyMinor
		if best < 0 || total < best {
			best = total
		}
	}
	rec(0)
	return best
}

func (p *Planner) departAtFor(req *Request, l *Location) int64 {
	p.req, p.dayValid = req, false
	defer func() { p.req = nil }()
	return p.departAt(l)
}

func TestPropertyOrderIndependent(t *testing.T) {
	pl := NewPlanner()
	rapid.Check(t, func(t *rapid.T) {
		req := genRequest(t)
		want := canonical(pl.Plan(req))
		perm := rapid.Permutation(seq(len(req.Locations))).Draw(t, "perm")
		nl, n := len(req.Locations), len(req.Order.Lines)
		shuffled := *req
		shuffled.Locations = make([]Location, nl)
		shuffled.Available = make([]int64, n*nl)
		for to, from := range perm {
			shuffled.Locations[to] = req.Locations[from]
			for li := 0; li < n; li++ {
				shuffled.Available[li*nl+to] = req.Available[li*nl+from]
			}
		}
		got := canonical(NewPlanner().Plan(&shuffled))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("order changed the plan:\n got %+v\nwant %+v", got, want)
		}
	})
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
