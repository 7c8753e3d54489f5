package sourcing

import "github.com/depothq/depot"

// Planner answers sourcing requests. It owns the scratch space of the search and the buffers of
// the returned Plan, so a warm Planner does not allocate; reuse one per engine. It is not safe
// for concurrent use.
type Planner struct {
	req *Request
	n   int // lines
	nl  int // locations in the request

	// Per line: the first line with the same SKU (the stock pool it draws on) and its weight.
	group  []int32
	lineW  []int64
	shared bool // some lines share a SKU

	cands []cand
	// by is the order's promise (see deliverBy); dayStart caches the last local midnight of
	// departAt for dayOffset.
	by        int64
	dayStart  int64
	dayOffset int32
	dayValid  bool
	// base is per candidate the plan-key contribution of one shipment, objective slots zero;
	// it and the distances are filled once distReady.
	base      []key
	distReady bool
	// hold, holds and some are per request location: the lines it holds wholly (a bit each,
	// lines < 64), how many, and whether it has any unit of some line (see holdings).
	hold     []uint64
	holds    []int32
	some     []bool
	anyUnits []uint64 // scratch of holdings: the OR of each location's available units
	// candOf maps a request location index to its candidate index, -1 if excluded, -2 if
	// excluded for want of stock alone.
	candOf []int32

	// Ranking rules in order; the key of a plan has one slot per ranker plus the objective.
	ranks    [MaxRules]Rule
	nRanks   int
	nk       int
	costSlot uint16 // bit k set: key slot k holds the objective

	// Exact search state.
	cacheOn    bool
	cacheGen   uint32
	cache      []quoteEntry
	used       [(MaxLocations + 63) / 64]uint64
	lineLoc    []int32 // the assignment being explored: candidate per line
	bestLoc    []int32
	bestKey    key
	haveBest   bool
	minVec     key
	minReady   bool
	floorVec   key
	floorState int8 // 0 not computed, 1 floorVec valid, -1 the estimator has no floor
	nodes      int

	// Greedy state: units left per candidate and stock pool, rem[c*n+group].
	rem     []int64
	tmp     []int64 // per stock pool: units tentatively taken while counting
	covered []bool
	order   []int32 // candidates in the order greedy chose them
	parts   []ipart
	shipOf  []int32 // per candidate: shipment index while building a plan, -1 otherwise

	// Quick fast path: the nearest candidate holding each set of lines, and the partition DP.
	quickBest [1 << MaxQuickLines]int32
	quickDP   [1 << MaxQuickLines]quickState

	plan  Plan
	out   []Part
	ships []Shipment
	excl  []Exclusion
}

// cand is one candidate location with everything the search reads, computed once per request.
// It holds no pointers (the id is read through loc), so filling the slice is a plain copy.
type cand struct {
	loc      int32
	distM    int64
	dist2    int64
	departAt int64
	hold     uint64 // bit i: the candidate holds line i wholly (lines < 64)
	holds    int    // lines held wholly
}

// id returns candidate ci's location id.
func (p *Planner) id(ci int) string { return p.req.Locations[p.cands[ci].loc].ID }

type quoteEntry struct {
	gen uint32
	ok  bool
	obj int64 // cost + lateness penalty + split penalty of one shipment
}

type ipart struct {
	line int32
	cand int32
	qty  int64
}

type quickState struct {
	count int32
	sub   uint8
	distM int64
}

// NewPlanner returns a Planner with empty scratch space; it grows to the largest request seen.
func NewPlanner() *Planner { return &Planner{} }

// Plan sources one order. The returned Plan aliases the Planner's buffers and is valid until
// the next call. Errors are *RequestError (nothing was searched) or *InfeasibleError (the Plan
// still lists the exclusions, so the caller can explain why).
func (p *Planner) Plan(req *Request) (*Plan, error) {
	p.plan = Plan{}
	p.out, p.ships, p.excl = p.out[:0], p.ships[:0], p.excl[:0]
	if err := validate(req); err != nil {
		return &p.plan, err
	}
	p.req = req
	defer func() { p.req = nil }() // never retain the caller's request
	p.prepareLines()
	p.lineLoc = grow32(p.lineLoc, p.n)
	p.bestLoc = grow32(p.bestLoc, p.n)
	p.prepareRules()
	if err := p.filter(); err != nil {
		p.plan = Plan{}
		return &p.plan, err
	}
	p.sortExclusions()
	p.plan.Exclusions = p.excl

	if req.Order.Level == Quick && p.n <= MaxQuickLines && !p.shared {
		if p.quick() {
			return &p.plan, p.build(MethodQuick)
		}
		if !req.Options.AllowSplitLines {
			return &p.plan, p.infeasible()
		}
	}
	return &p.plan, p.general()
}

// general runs greedy, then the exact search when the space is small enough, then line splits.
func (p *Planner) general() error {
	p.haveBest, p.minReady, p.floorState, p.nodes = false, false, 0, 0
	p.ensureDistances()
	p.setupCache()
	method := MethodGreedy
	whole := p.greedyWhole()
	if p.exactAllowed() {
		method = MethodExact
		p.exact()
		whole = p.haveBest
	}
	p.plan.Nodes = p.nodes
	if whole {
		p.parts = p.parts[:0]
		for i := 0; i < p.n; i++ {
			p.parts = append(p.parts, ipart{line: int32(i), cand: p.bestLoc[i], qty: p.req.Order.Lines[i].Qty})
		}
		return p.build(method)
	}
	if p.req.Options.AllowSplitLines && p.greedySplit() {
		return p.build(MethodGreedy)
	}
	return p.infeasible()
}

func (p *Planner) prepareLines() {
	lines := p.req.Order.Lines
	p.n, p.nl = len(lines), len(p.req.Locations)
	p.group = grow32(p.group, p.n)
	p.lineW = grow64(p.lineW, p.n)
	p.shared = false
	for i := range lines {
		p.group[i] = int32(i)
		p.lineW[i] = lines[i].Qty * lines[i].UnitWeightG
		for j := 0; j < i; j++ {
			if lines[j].SKU == lines[i].SKU {
				p.group[i] = p.group[j]
				p.shared = true
				break
			}
		}
	}
}

// prepareRules lays out the plan key: one slot per ranking rule in order, then the objective.
// Quick orders rank by fewest stores, then distance, whatever the merchant's rankers say: the
// rider promise makes them the objective.
func (p *Planner) prepareRules() {
	p.nRanks, p.costSlot = 0, 0
	if p.req.Order.Level == Quick {
		p.ranks[0], p.ranks[1] = Rule{Kind: RuleFewestShipments}, Rule{Kind: RuleClosest}
		p.nRanks = 2
	} else {
		for _, r := range p.req.Rules {
			if !r.filter() {
				p.ranks[p.nRanks] = r
				p.nRanks++
			}
		}
	}
	for k := 0; k < p.nRanks; k++ {
		if p.ranks[k].Kind == RuleCheapest {
			p.costSlot |= 1 << k
		}
	}
	p.nk = p.nRanks + 1
	p.costSlot |= 1 << p.nRanks
}

// filter builds the candidates in request order and records why the others were excluded.
// It runs for every location of every order, so what does not change between locations is read
// once into locals: through p the compiler reloads each field at every use. Its error is the
// request's, for available units out of range (see checkAvailable).
func (p *Planner) filter() error {
	req := p.req
	o := &req.Order
	n, nl := p.n, p.nl
	if cap(p.cands) < nl {
		p.cands = make([]cand, 0, max(nl, 2*cap(p.cands)))
	}
	cands := p.cands[:0]
	p.candOf = grow32(p.candOf, nl)
	candOf := p.candOf[:nl]
	quick := o.Level == Quick
	sameDay := o.Level == SameDay
	split := req.Options.AllowSplitLines
	ruled := p.filterRules()
	shipLat, shipLon := o.ShipToLatE6, o.ShipToLonE6
	if err := p.holdings(n, nl); err != nil {
		return err
	}
	hold, holds, some := p.hold[:nl], p.holds[:nl], p.some[:nl]
	p.dayValid = false
	p.by = p.deliverBy()
	for i := range req.Locations {
		l := &req.Locations[i]
		candOf[i] = -1
		reason := Reason(0)
		var d2, departAt int64
		switch {
		case l.Status == depot.LocationClosed:
			reason = ReasonClosed
		case l.Status != depot.LocationOpen:
			reason = ReasonPaused
		case ruled && p.excludedByRule(l):
			reason = ReasonExcludedByRule
		case quick && l.Kind != depot.LocationDarkStore:
			reason = ReasonWrongKind
		}
		if reason == 0 {
			// Most dark stores of a city are out of a quick order's radius: the north-south leg
			// alone rules many out before the cosine of the full distance is taken.
			if quick && (l.ServiceRadiusM <= 0 || northSouthM(l.LatE6, shipLat) > l.ServiceRadiusM) {
				reason = ReasonOutOfRadius
			} else {
				d2 = dist2M(l.LatE6, l.LonE6, shipLat, shipLon)
				switch {
				case quick && d2 > l.ServiceRadiusM*l.ServiceRadiusM:
					reason = ReasonOutOfRadius
				case l.CapacityLeft <= 0:
					reason = ReasonAtCapacity
				default:
					departAt = p.departAt(l)
					if sameDay && departAt != req.Now {
						reason = ReasonPastCutoff
					}
				}
			}
		}
		if reason == 0 && holds[i] == 0 && (!split || !some[i]) {
			reason = ReasonNoStock
			candOf[i] = -2 // eligible but for stock: counted when explaining a shortfall
		}
		if reason != 0 {
			p.excl = append(p.excl, Exclusion{Location: i, LocationID: l.ID, Reason: reason})
			continue
		}
		candOf[i] = int32(len(cands))
		// Fields are stored in place: building the struct on the stack and copying it costs a
		// store-forwarding stall per candidate.
		cands = cands[:len(cands)+1]
		c := &cands[len(cands)-1]
		c.loc, c.dist2, c.hold, c.holds, c.departAt, c.distM = int32(i), d2, hold[i], int(holds[i]), departAt, 0
	}
	p.cands = cands
	p.distReady = false
	if !quick || n > MaxQuickLines || p.shared {
		p.ensureDistances() // the fast path takes square roots only of the stores it picks
	}
	return nil
}

// holdings fills, per request location, which lines it holds wholly (hold, lines < 64), how many
// (holds) and whether it has any unit of some line (some). It walks the available units a line at
// a time, the order they are stored in, without a branch on the numbers: whether a location
// holds a line is as good as random, and mispredicted branches were a fifth of a plan. It also
// checks the numbers' range for validate, which would otherwise read them all once more.
func (p *Planner) holdings(n, nl int) error {
	if cap(p.hold) < nl {
		p.hold, p.holds, p.some = make([]uint64, nl), make([]int32, nl), make([]bool, nl)
	}
	hold, holds, some := p.hold[:nl], p.holds[:nl], p.some[:nl]
	if p.shared || n > 64 {
		// Some SKU is on several lines (its pool is the smallest number given for them), or
		// there are more lines than bits: one line at a time.
		clear(hold)
		clear(holds)
		clear(some)
		var all uint64
		for _, a := range p.req.Available {
			all |= uint64(a)
		}
		if err := checkAvailable(all, p.req.Available); err != nil {
			return err
		}
		for li := 0; li < n; li++ {
			for i := range nl {
				p.holdOne(li, i, p.avail(li, i))
			}
		}
		return nil
	}
	lines := p.req.Order.Lines[:n]
	if cap(p.anyUnits) < nl {
		p.anyUnits = make([]uint64, nl)
	}
	anyUnits := p.anyUnits[:nl]
	clear(hold)
	clear(holds)
	clear(anyUnits)
	for li := range lines {
		row := p.req.Available[li*nl : (li+1)*nl]
		need := lines[li].Qty
		for i, a := range row {
			anyUnits[i] |= uint64(a) // a negative number sets the top bit: see checkAvailable
			var has int32
			if a >= need {
				has = 1
			}
			hold[i] |= uint64(has) << uint(li)
			holds[i] += has
		}
	}
	var all uint64
	for i, u := range anyUnits {
		some[i] = u != 0
		all |= u
	}
	return checkAvailable(all, p.req.Available)
}

// holdOne records that request location i has a units of line li's pool.
func (p *Planner) holdOne(li, i int, a int64) {
	if a > 0 {
		p.some[i] = true
	}
	if a >= p.req.Order.Lines[li].Qty {
		p.holds[i]++
		if li < 64 {
			p.hold[i] |= 1 << uint(li)
		}
	}
}

// filterRules reports whether the request has a rule that removes locations.
func (p *Planner) filterRules() bool {
	for _, r := range p.req.Rules {
		if r.filter() {
			return true
		}
	}
	return false
}

// ensureDistances computes every candidate's distance and per-shipment key.
func (p *Planner) ensureDistances() {
	if p.distReady {
		return
	}
	if cap(p.base) < len(p.cands) {
		p.base = make([]key, len(p.cands), MaxLocations)
	}
	p.base = p.base[:len(p.cands)]
	cands := p.cands
	for ci := range cands {
		cands[ci].distM = isqrt(cands[ci].dist2)
	}
	if p.nRanks == 0 {
		clear(p.base) // the objective alone: vec fills its slot
	} else {
		for ci := range cands {
			p.setBase(ci)
		}
	}
	p.distReady = true
}

// setBase fills the non-objective slots of a candidate's per-shipment key.
func (p *Planner) setBase(ci int) {
	c := &p.cands[ci]
	l := &p.req.Locations[c.loc]
	b := &p.base[ci]
	*b = key{}
	for k := 0; k < p.nRanks; k++ {
		switch r := p.ranks[k]; r.Kind {
		case RuleClosest:
			b[k] = c.distM
		case RuleFewestShipments:
			b[k] = 1
		case RulePreferGroup:
			if !inGroup(l, r.Group) {
				b[k] = 1
			}
		case RuleLeastBacklog:
			b[k] = l.Backlog
		}
	}
}

func (p *Planner) excludedByRule(l *Location) bool {
	for _, r := range p.req.Rules {
		switch r.Kind {
		case RuleExcludeGroup:
			if inGroup(l, r.Group) {
				return true
			}
		case RuleOwnLocations:
			if !l.Own {
				return true
			}
		}
	}
	return false
}

func inGroup(l *Location, g string) bool {
	for _, x := range l.Groups {
		if x == g {
			return true
		}
	}
	return false
}

// avail returns the units of line li's stock pool at request location loc: the smallest number
// the caller gave for the lines of that SKU, so inconsistent input can only under-promise.
func (p *Planner) avail(li, loc int) int64 {
	a := p.req.Available[li*p.nl+loc]
	if p.shared {
		g := p.group[li]
		for j := int(g); j < p.n; j++ {
			if p.group[j] == g {
				if b := p.req.Available[j*p.nl+loc]; b < a {
					a = b
				}
			}
		}
	}
	return a
}

// departAt estimates when a shipment leaves a location ordered now: quick orders after the pick
// time, others now if before the local pick cutoff, else at the next local midnight.
func (p *Planner) departAt(l *Location) int64 {
	now := p.req.Now
	if p.req.Order.Level == Quick {
		return now + p.prepMinutes()*MinuteNanos
	}
	if l.CutoffMinute == 0 {
		return now
	}
	// Locations of one request mostly share an offset: remember the last local midnight, as
	// the division is the costliest step of filtering.
	if !p.dayValid || p.dayOffset != l.UTCOffsetMinutes {
		day := floorDiv(now+int64(l.UTCOffsetMinutes)*MinuteNanos, DayNanos)
		p.dayStart = day*DayNanos - int64(l.UTCOffsetMinutes)*MinuteNanos
		p.dayOffset, p.dayValid = l.UTCOffsetMinutes, true
	}
	start := p.dayStart
	if now < start+int64(l.CutoffMinute)*MinuteNanos {
		return now
	}
	return start + DayNanos
}

func (p *Planner) prepMinutes() int64 {
	if m := p.req.Options.QuickPrepMinutes; m > 0 {
		return m
	}
	return DefaultQuickPrepMinutes
}

func (p *Planner) riderSpeed() int64 {
	if s := p.req.Options.RiderSpeedMPerMin; s > 0 {
		return s
	}
	return DefaultRiderSpeedMPerMin
}

// deliverBy is the order's promise; quick orders without one promise PromiseMinutes from now.
func (p *Planner) deliverBy() int64 {
	o := &p.req.Order
	if o.DeliverBy == 0 && o.Level == Quick && o.PromiseMinutes > 0 {
		return p.req.Now + o.PromiseMinutes*MinuteNanos
	}
	return o.DeliverBy
}

// quote asks the estimator (or the rider model) for one shipment from candidate ci.
func (p *Planner) quote(ci int, weightG int64) (Quote, bool) {
	c := &p.cands[ci]
	if p.req.Estimator == nil {
		return Quote{TransitMinutes: ceilDiv(c.distM, p.riderSpeed())}, true
	}
	q, ok := p.req.Estimator.Estimate(&p.req.Locations[c.loc], c.distM, weightG)
	if !ok || q.CostMinor < 0 || q.CostMinor > MaxQuoteMinor || q.TransitMinutes < 0 || q.TransitMinutes > MaxTransitMinutes {
		return Quote{}, false
	}
	return q, true
}

// lateHours counts the started hours a shipment's estimate is past the promise.
func (p *Planner) lateHours(ci int, transitMinutes int64) (eta, late int64) {
	eta = p.cands[ci].departAt + transitMinutes*MinuteNanos
	if by := p.by; by != 0 && eta > by {
		late = ceilDiv(eta-by, HourNanos)
	}
	return eta, late
}

// objective is the default objective of one shipment; the split penalty is charged to every
// shipment (one too many for the plan, a constant that cannot change a comparison).
func (p *Planner) objective(ci int, weightG int64) (int64, bool) {
	q, ok := p.quote(ci, weightG)
	if !ok {
		return 0, false
	}
	_, late := p.lateHours(ci, q.TransitMinutes)
	o := &p.req.Options
	return q.CostMinor + late*o.LatePenaltyPerHourMinor + o.SplitPenaltyMinor, true
}

func (p *Planner) sortExclusions() {
	e := p.excl
	for i := 1; i < len(e); i++ {
		for j := i; j > 0 && e[j].LocationID < e[j-1].LocationID; j-- {
			e[j], e[j-1] = e[j-1], e[j]
		}
	}
}

func grow32(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}

func grow64(s []int64, n int) []int64 {
	if cap(s) < n {
		return make([]int64, n)
	}
	return s[:n]
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }
