package intel

import "math"

// nodeSeries is a location's fulfilment health: the units it still has to pick (committed or
// allocated there and not shipped), the units arriving to be picked, its pick rate in shipments
// and units, and the slowdown CUSUM of alert node_slowdown.
type nodeSeries struct {
	picks     uint32 // shipments picked
	backlog   int64  // units committed or allocated and not yet shipped
	lastPick  uint64 // hash of the last shipment picked: its events come one per line
	lastAt    int64  // time of the last pick
	born      int64  // time of the first pick or the first work arriving
	opened    int64  // time of the first pick after the location was last closed (nodeStaleNs without picks)
	baseRate  float64
	cusum     float64
	pickRate  velocity // shipments picked per second
	unitsRate velocity // units shipped per second
	inflow    velocity // units committed or allocated there per second: the work arriving
	pace      velocity // shipments picked per second since the day's opening wave (paceFrom)
	paceFrom  int64    // when pace started counting: nodeSettleNs after the location opened
}

// NodeSlowdownRatio is the pick rate, as a fraction of the usual, that the node_slowdown CUSUM is
// tuned to detect; nodeGapCap caps one gap between picks at this many usual inter-pick times, so
// that a location that stops picking (closing time, a night) accrues at most a little evidence:
// the detector finds slowdowns, not stops, which a projection without shipping hours cannot tell
// from closing.
const (
	NodeSlowdownRatio = 0.4
	nodeGapCap        = 5.0
)

// nodeStaleNs is how long an open node_slowdown alert lives without a pick before it resolves:
// the location closed for the day, and the slowdown can no longer be judged.
const nodeStaleNs = 2 * hourNs

// nodeWarmNs is how long after it opens (its first pick after nodeStaleNs without any) a
// location's pace is not judged: the morning clears the night's orders at full capacity, and the
// usual rate needs an hour or two of the day's own picking before it means anything.
const nodeWarmNs = 90 * minuteNs

// nodeSettleNs is how long after opening the pick rate is left out of the usual pace: the
// opening wave ships the night's orders at full capacity, a pace no arriving work sustains.
const nodeSettleNs = 30 * minuteNs

// backlog moves a location's units awaiting picking (committed, allocated, deallocated); units
// added are work arriving.
func (in *Intel) backlog(t *tenant, loc uint32, qty int64, now int64) {
	if int(loc) >= len(t.locations) {
		return
	}
	n := &t.locations[loc].node
	n.backlog += qty
	if qty > 0 {
		if n.born == 0 {
			n.born = now
		}
		n.inflow.add(now, float64(qty))
	}
}

// picked records units of a shipment leaving a location. The shipment's first line is one pick;
// the rest only move units.
func (in *Intel) picked(t *tenant, loc uint32, ref string, qty int64, now int64) {
	if int(loc) >= len(t.locations) {
		return
	}
	l := &t.locations[loc]
	n := &l.node
	n.backlog -= qty
	if n.born == 0 {
		n.born = now
	}
	n.unitsRate.add(now, float64(qty))
	h := hashRef(ref)
	if h == n.lastPick && n.lastAt == now {
		return
	}
	n.lastPick = h
	switch {
	case n.picks == 0:
		n.opened = now
	case now-n.lastAt > nodeStaleNs:
		// The location was closed (a night without picks): what came before is no evidence
		// about the pace it reopens at, and the first hours clear the night's orders at full
		// capacity while the day's demand ramps up; the pace is judged again after nodeWarmNs.
		n.cusum = 0
		n.opened = now
	case n.picks > 0:
		// The gap just closed is evidence against the usual rate (baseRate, read before this pick).
		n.cusum = in.nodeStat(n, now-n.lastAt) - in.lnInvNode
		n.cusum = min(max(n.cusum, 0), 3*in.cfg.NodeThreshold)
	}
	n.lastAt = now
	n.picks++
	n.pickRate.add(now, 1)
	if now-n.opened >= nodeSettleNs {
		if n.paceFrom <= n.opened {
			n.pace, n.paceFrom = velocity{}, now
		}
		n.pace.add(now, 1)
	}
	if now-n.opened < nodeWarmNs {
		n.cusum = 0
	}
	if !l.slowing {
		n.baseRate = n.usualRate(now)
	}
	in.checkNode(t, l, now, true)
}

// usualRate is the pick rate (shipments per second) a location is expected to keep: the larger
// of its 15-minute and 1-hour pick rates since the opening wave settled (the faster follows the
// morning's rise, the slower does not forget the usual pace when it drops), capped by the larger
// of the 15-minute and 1-hour rates of work arriving there (in shipments, at the 4-hour units per
// shipment). Picks come in bursts (the opening wave clears the night's orders at full capacity);
// the work arriving is a smooth, customer-driven stream, and a pace it cannot sustain is not
// usual. Before the wave settles, the usual rate is the 15-minute pick rate (nothing is judged
// then: nodeWarmNs).
func (n *nodeSeries) usualRate(now int64) float64 {
	if n.paceFrom <= n.opened {
		return n.pickRate.rate(v15m, now, n.born)
	}
	r := max(n.pace.rate(v15m, now, n.paceFrom), n.pace.rate(v1h, now, n.paceFrom))
	if p4 := n.pickRate.rate(v4h, now, n.born); p4 > 0 {
		if u4 := n.unitsRate.rate(v4h, now, n.born); u4 > 0 {
			in := max(n.inflow.rate(v15m, now, n.born), n.inflow.rate(v1h, now, n.born))
			r = min(r, in*p4/u4)
		}
	}
	return r
}

// nodeStat is the CUSUM with a gap of dt since the last pick added: a Poisson CUSUM for a drop
// of the pick rate from baseRate to NodeSlowdownRatio x baseRate adds (1 - ratio) x baseRate x dt
// per unit of time and takes ln(1/ratio) per pick (the caller subtracts it). dt is capped at
// nodeGapCap usual inter-pick times.
func (in *Intel) nodeStat(n *nodeSeries, dt int64) float64 {
	if n.baseRate <= 0 || dt <= 0 {
		return n.cusum
	}
	gap := min(float64(dt)/1e9, nodeGapCap/n.baseRate)
	return n.cusum + (1-NodeSlowdownRatio)*n.baseRate*gap
}

// checkNode raises node_slowdown at a pick (atPick) when the slowdown CUSUM reaches
// NodeThreshold at a location with NodeMinPicks picks and a usual rate of at least
// NodeMinPerHour shipments, while its backlog is growing: the work arriving over the last 15
// minutes (units) at least matches the units shipped. A location whose picking only fades with
// its orders (the evening) has a shrinking backlog, and one that stops (closing time) raises
// nothing between picks. The alert resolves when the statistic returns to zero or the location
// has not picked for nodeStaleNs.
func (in *Intel) checkNode(t *tenant, l *locationSeries, now int64, atPick bool) {
	n := &l.node
	key := alertKey{kind: KindNodeSlowdown, a: l.id}
	if l.slowing && (n.cusum == 0 || now-n.lastAt > nodeStaleNs) {
		in.resolve(t, key, now)
		l.slowing = false
		n.baseRate = n.usualRate(now)
		return
	}
	if !atPick {
		return
	}
	stat := n.cusum
	if !l.slowing && (stat < in.cfg.NodeThreshold || n.picks < in.cfg.NodeMinPicks || perHour(n.baseRate) < in.cfg.NodeMinPerHour || now-n.opened < nodeWarmNs ||
		n.inflow.rate(v15m, now, n.born) < n.unitsRate.rate(v15m, now, n.born)) {
		return
	}
	now15 := n.pickRate.rate(v15m, now, n.born)
	units15 := n.unitsRate.rate(v15m, now, n.born)
	// Units per pick at the usual pace: the 4-hour ratio of units to picks.
	perPick := 1.0
	if p4 := n.pickRate.rate(v4h, now, n.born); p4 > 0 {
		perPick = n.unitsRate.rate(v4h, now, n.born) / p4
	}
	backlog := float64(max(n.backlog, 0))
	drain, usual := math.Inf(1), math.Inf(1)
	if units15 > 0 {
		drain = backlog / units15 * 1e9
	}
	if u := n.baseRate * perPick; u > 0 {
		usual = backlog / u * 1e9
	}
	f := finding{units: backlog, minor: int64(backlog * float64(t.meanPrice())), tti: 0, window: halfLife15m,
		ev: [evidenceSlots]float64{perHour(now15), perHour(n.baseRate), safeRatio(now15, n.baseRate), backlog,
			hours(clampNs(drain)), hours(clampNs(usual)), stat, float64(n.picks)}}
	if in.raise(t, key, &f, now) {
		l.slowing = true
	}
}

// sweepNode resolves the open alert of a location that stopped picking (closed for the day):
// the open gap is no evidence of a slowdown, and an alert is only raised at picks.
func (in *Intel) sweepNode(t *tenant, l *locationSeries, now int64) {
	if l.slowing && now-l.node.lastAt > nodeStaleNs {
		in.checkNode(t, l, now, false)
	}
}

// safeRatio is a / b, or 0 when b is not positive.
func safeRatio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

// clampNs converts a duration in float nanoseconds to int64, MaxInt64 when it does not fit.
func clampNs(ns float64) int64 {
	if ns >= float64(math.MaxInt64/2) || math.IsNaN(ns) {
		return math.MaxInt64
	}
	return int64(ns)
}
