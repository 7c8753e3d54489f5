package sourcing

import (
	"testing"
)

// Each rule on its own, against the default objective: what wins with and without it.
func TestRules(t *testing.T) {
	type tc struct {
		name  string
		locs  []Location
		avail []int64
		rules []Rule
		opts  Options
		level ServiceLevel
		want  []string // location per line
		excl  map[string]Reason
	}
	near := warehouse("near", 5, 0)     // 5 km: 300 per light parcel
	far := warehouse("far", 50, 0)      // 50 km: 500
	farther := warehouse("zfar", 60, 0) // 60 km: 500, sorts after far
	eu := warehouse("eu", 300, 0)       // 300 km: 900
	eu.Groups = []string{"eu", "3pl"}
	own := warehouse("own", 300, 0)
	own.Own = true
	busy := warehouse("busy", 5, 0)
	busy.Backlog = 50
	idle := warehouse("idle", 50, 0)
	idle.Backlog = 1
	cut := warehouse("cut", 5, 0)
	cut.CutoffMinute = 9 * 60          // 09:00 UTC; t0 is 10:00 UTC
	far150 := warehouse("far", 150, 0) // 900
	farNear := warehouse("far", 5, 1)  // 300, no cutoff
	all2 := []int64{1, 1}

	for _, c := range []tc{
		{name: "default cheapest", locs: []Location{far, near}, avail: stock(all2, all2), want: []string{"near", "near"}},
		{name: "closest beats cost", locs: []Location{eu, farther}, avail: stock(all2, all2),
			rules: []Rule{{Kind: RuleClosest}}, want: []string{"zfar", "zfar"}},
		{name: "closest over split", locs: []Location{far, near, farther},
			avail: stock([]int64{1, 1}, []int64{1, 0}, []int64{0, 1}), rules: []Rule{{Kind: RuleClosest}},
			want: []string{"far", "far"}}, // near+zfar is 65 km summed, far alone 50
		{name: "prefer group", locs: []Location{near, eu}, avail: stock(all2, all2),
			rules: []Rule{{Kind: RulePreferGroup, Group: "eu"}}, want: []string{"eu", "eu"}},
		{name: "exclude group", locs: []Location{eu, far}, avail: stock(all2, all2),
			rules: []Rule{{Kind: RuleExcludeGroup, Group: "3pl"}, {Kind: RuleClosest}}, want: []string{"far", "far"},
			excl: map[string]Reason{"eu": ReasonExcludedByRule}},
		{name: "own locations", locs: []Location{near, own}, avail: stock(all2, all2),
			rules: []Rule{{Kind: RuleOwnLocations}}, want: []string{"own", "own"},
			excl: map[string]Reason{"near": ReasonExcludedByRule}},
		{name: "least backlog", locs: []Location{busy, idle}, avail: stock(all2, all2),
			rules: []Rule{{Kind: RuleLeastBacklog}}, want: []string{"idle", "idle"}},
		// Two near shipments (300+300) beat one from 150 km (900) when splits are free...
		{name: "cheap split", locs: []Location{near, warehouse("near2", 6, 0), far150},
			avail: stock([]int64{1, 0}, []int64{0, 1}, all2), want: []string{"near", "near2"}},
		// ...but not under fewest shipments, nor once the split penalty exceeds the saving.
		{name: "fewest shipments", locs: []Location{near, warehouse("near2", 6, 0), far150},
			avail: stock([]int64{1, 0}, []int64{0, 1}, all2), rules: []Rule{{Kind: RuleFewestShipments}},
			want: []string{"far", "far"}},
		{name: "split penalty", locs: []Location{near, warehouse("near2", 6, 0), far150},
			avail: stock([]int64{1, 0}, []int64{0, 1}, all2), opts: Options{SplitPenaltyMinor: 301},
			want: []string{"far", "far"}},
		// Rules apply in order: closest first picks near although eu is preferred second.
		{name: "rule order", locs: []Location{eu, near}, avail: stock(all2, all2),
			rules: []Rule{{Kind: RuleClosest}, {Kind: RulePreferGroup, Group: "eu"}}, want: []string{"near", "near"}},
		// Equal on every key: the smaller id wins whatever the input order.
		{name: "tie by id", locs: []Location{warehouse("b", 5, 0), warehouse("a", 0, 5)}, avail: stock(all2, all2),
			want: []string{"a", "a"}},
		// Lateness: cut, past its cutoff, leaves tomorrow and arrives 6 hours late; far (as
		// cheap, no cutoff) arrives on time. Without the penalty cut would win on id.
		{name: "late penalty", locs: []Location{cut, farNear}, avail: stock(all2, all2),
			opts: Options{LatePenaltyPerHourMinor: 50}, want: []string{"far", "far"}},
		{name: "no late penalty", locs: []Location{cut, farNear}, avail: stock(all2, all2),
			want: []string{"cut", "cut"}},
		{name: "same day past cutoff", locs: []Location{cut, far}, avail: stock(all2, all2), level: SameDay,
			want: []string{"far", "far"}, excl: map[string]Reason{"cut": ReasonPastCutoff}},
		{name: "greedy only", locs: []Location{far, near}, avail: stock(all2, all2), opts: Options{ExactSpace: -1},
			want: []string{"near", "near"}},
		// The greedy search alone compares objectives without keys: ties still go to the smaller id.
		{name: "greedy only tie by id", locs: []Location{warehouse("b", 5, 0), warehouse("a", 0, 5)}, avail: stock(all2, all2),
			opts: Options{ExactSpace: -1}, want: []string{"a", "a"}},
		{name: "greedy only with a rule", locs: []Location{eu, near}, avail: stock(all2, all2), opts: Options{ExactSpace: -1},
			rules: []Rule{{Kind: RulePreferGroup, Group: "eu"}}, want: []string{"eu", "eu"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			level := c.level
			if level == 0 {
				level = Standard
			}
			o := order(lines("x", "y"), level)
			o.DeliverBy = t0 + 12*HourNanos // 22:00 today
			req := &Request{Order: o, Locations: c.locs, Available: c.avail, Rules: c.rules,
				Options: c.opts, Estimator: testTable(), Now: t0}
			p := mustPlan(t, req)
			for i, w := range c.want {
				if got := locOf(p, i); got != w {
					t.Errorf("line %d from %q, want %q (plan %+v)", i, got, w, p.Shipments)
				}
			}
			for id, r := range c.excl {
				if got := reasonOf(p, id); got != r {
					t.Errorf("%s excluded for %v, want %v", id, got, r)
				}
			}
			if c.opts.ExactSpace < 0 && p.Method != MethodGreedy {
				t.Errorf("method %v", p.Method)
			}
		})
	}
}

func TestLatePenaltyBreakdown(t *testing.T) {
	cut := warehouse("cut", 5, 0)
	cut.CutoffMinute = 9 * 60
	o := order(lines("x"), Standard)
	o.DeliverBy = t0 + 10*HourNanos // tomorrow 00:00 + 4 h transit is 18 h after t0: 8 h late
	p := mustPlan(t, &Request{Order: o, Locations: []Location{cut}, Available: []int64{1},
		Estimator: testTable(), Options: Options{LatePenaltyPerHourMinor: 50}, Now: t0})
	sh := p.Shipments[0]
	if sh.DepartAt != t0+14*HourNanos || sh.LateHours != 8 || !p.Late || p.Cost.LateMinor != 400 || p.Cost.TotalMinor != 700 {
		t.Fatalf("shipment %+v cost %+v", sh, p.Cost)
	}
}
