package intel

import "math"

// nodeSeries is a location's fulfilment health: the units it still has to pick (committed or
// allocated there and not shipped), its pick rate in shipments and units, and the slowdown
// CUSUM of alert node_slowdown.
type nodeSeries struct {
	picks     uint32 // shipments picked
	backlog   int64  // units committed or allocated and not yet shipped
	lastPick  uint64 // hash of the last shipment picked: its events come one per line
	lastAt    int64  // time of the last pick
	born      int64  // time of the first pick
	baseRate  float64
	cusum     float64
	pickRate  velocity // shipments picked per second
	unitsRate velocity // units shipped per second
}

// NodeSlowdownRatio is the pick rate, as a fraction of the usual, that the node_slowdown CUSUM is
// tuned to detect; nodeGapCap caps one gap between picks at this many usual inter-pick times, so
// that a location that stops picking (closing time, a night) accrues at most a little evidence:
// the detector finds slowdowns, not stops, which a projection without shipping hours cannot tell
// from closing.
const (
	NodeSlowdownRatio = 0.4
	nodeGapCap        = 3.0
)

// nodeStaleNs is how long an open node_slowdown alert lives without a pick before it resolves:
// the location closed for the day, and the slowdown can no longer be judged.
const nodeStaleNs = 2 * hourNs

// backlog moves a location's units awaiting picking (committed, allocated, deallocated).
func (in *Intel) backlog(t *tenant, loc uint32, qty int64) {
	if int(loc) < len(t.locations) {
		t.locations[loc].node.backlog += qty
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
	n.unitsRate.add(now, float64(qty))
	h := hashRef(ref)
	if h == n.lastPick && n.lastAt == now {
		return
	}
	n.lastPick = h
	if n.picks == 0 {
		n.born = now
	} else {
		// The gap just closed is evidence against the usual rate (baseRate, read before this pick).
		n.cusum = in.nodeStat(n, now-n.lastAt) - in.lnInvNode
		n.cusum = min(max(n.cusum, 0), 3*in.cfg.NodeThreshold)
	}
	n.lastAt = now
	n.picks++
	n.pickRate.add(now, 1)
	if !l.slowing {
		n.baseRate = n.pickRate.rate(v1h, now, n.born)
	}
	in.checkNode(t, l, now)
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

// checkNode raises node_slowdown when the slowdown CUSUM (with the open gap since the last pick)
// reaches NodeThreshold at a location with NodeMinPicks picks and a usual rate of at least
// NodeMinPerHour shipments; it resolves when the statistic returns to zero or the location has
// not picked for nodeStaleNs.
func (in *Intel) checkNode(t *tenant, l *locationSeries, now int64) {
	n := &l.node
	key := alertKey{kind: KindNodeSlowdown, a: l.id}
	if l.slowing && (n.cusum == 0 || now-n.lastAt > nodeStaleNs) {
		in.resolve(t, key, now)
		l.slowing = false
		n.baseRate = n.pickRate.rate(v1h, now, n.born)
		return
	}
	stat := in.nodeStat(n, now-n.lastAt)
	if !l.slowing && (stat < in.cfg.NodeThreshold || n.picks < in.cfg.NodeMinPicks || perHour(n.baseRate) < in.cfg.NodeMinPerHour) {
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

// sweepNode re-judges a location's slowdown between picks: the open gap is evidence too, and an
// alert of a location that stopped picking goes stale. An open alert is only re-raised by picks.
func (in *Intel) sweepNode(t *tenant, l *locationSeries, now int64) {
	n := &l.node
	switch {
	case n.picks == 0 || n.baseRate <= 0:
	case l.slowing:
		if now-n.lastAt > nodeStaleNs {
			in.checkNode(t, l, now)
		}
	default:
		in.checkNode(t, l, now)
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
