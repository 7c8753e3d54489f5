package intel

// driftWindow is the counts over which the tenant-wide shrink per count is averaged.
const driftWindow = 200

// driftAgeNs is how long evidence of drift takes to lose one reference k without new counts.
const driftAgeNs = 30 * minuteNs

// locationSeries is one location: its cycle-count drift (drift.go) and its fulfilment health,
// backlog and pick rate (node.go).
type locationSeries struct {
	id       uint32
	alerting bool   // count_drift
	slowing  bool   // node_slowdown
	atRisk   bool   // cutoff_risk
	counts   uint32 // counts since the statistic last left zero
	// cutoff is the daily pick cutoff (local minute of day, 1..1440; 0: none) and utcOffset
	// the location's offset from UTC in minutes, from its location_defined event (cutoff.go).
	// With atRisk they fill what was padding: the series stays 248 bytes.
	cutoff    int16
	utcOffset int16
	at        int64 // time of the last update of cusum
	cusum     float64
	shrunk    float64 // units lost since the statistic last left zero
	shrunkV   float64 // their value (minor units)

	node nodeSeries
}

// location returns the series of a location, creating it unless a limit is reached.
func (in *Intel) location(t *tenant, name string) *locationSeries {
	if name == "" {
		return nil
	}
	id, ok := t.locs.id(name)
	if !ok {
		in.stats.Dropped++
		return nil
	}
	for len(t.locations) <= int(id) {
		t.locations = append(t.locations, locationSeries{id: uint32(len(t.locations))})
	}
	return &t.locations[id]
}

// driftK is the CUSUM reference: the tenant's usual shrink per count plus two mean absolute
// deviations, at least DriftMinK.
func (in *Intel) driftK(t *tenant) float64 {
	return max(in.cfg.DriftMinK, t.driftMean+2*t.driftDev)
}

// count takes one cycle count's drift (negative: units missing) at a position.
func (in *Intel) count(t *tenant, p *position, delta int64, now int64) {
	l := &t.locations[p.loc]
	k := in.driftK(t)
	shrink := float64(-delta)
	in.ageDriftSeries(l, k, now)
	if l.cusum == 0 {
		l.counts, l.shrunk, l.shrunkV = 0, 0, 0
	}
	l.cusum = min(max(0, l.cusum+shrink-k), 3*in.cfg.DriftThreshold)
	if l.cusum > 0 {
		l.counts++
		if shrink > 0 {
			l.shrunk += shrink
			l.shrunkV += shrink * float64(t.priceOf(p.sku))
		}
	}
	// The tenant's reference learns from every count but those of an alarmed location.
	if !l.alerting {
		a := 1.0 / driftWindow
		if t.driftN < driftWindow {
			t.driftN++
			a = 1 / float64(t.driftN)
		}
		dev := shrink - t.driftMean
		if dev < 0 {
			dev = -dev
		}
		t.driftMean += a * (shrink - t.driftMean)
		t.driftDev += a * (dev - t.driftDev)
	}
	in.judgeDrift(t, l, k, now)
}

// ageDriftSeries decays a location's statistic by k per driftAgeNs since its last update.
func (in *Intel) ageDriftSeries(l *locationSeries, k float64, now int64) {
	if l.at != 0 && now > l.at && l.cusum > 0 {
		l.cusum = max(0, l.cusum-k*float64(now-l.at)/float64(driftAgeNs))
	}
	l.at = now
}

// ageDrift is the sweep's re-evaluation of an open count_drift alert.
func (in *Intel) ageDrift(t *tenant, loc uint32, now int64) {
	l := &t.locations[loc]
	k := in.driftK(t)
	in.ageDriftSeries(l, k, now)
	in.judgeDrift(t, l, k, now)
}

// judgeDrift raises count_drift above DriftThreshold and clears it when the statistic is back
// at zero.
func (in *Intel) judgeDrift(t *tenant, l *locationSeries, k float64, now int64) {
	key := alertKey{kind: KindCountDrift, a: l.id}
	switch {
	case l.cusum >= in.cfg.DriftThreshold:
		value := int64(l.shrunkV)
		if value == 0 {
			value = int64(l.shrunk * float64(t.meanPrice()))
		}
		f := finding{units: l.shrunk, minor: value, tti: 24 * hourNs, window: 0,
			ev: [evidenceSlots]float64{float64(l.counts), l.shrunk, k, l.cusum, t.driftMean, 0}}
		if in.raise(t, key, &f, now) {
			l.alerting = true
		}
	case l.alerting && l.cusum <= 0:
		in.resolve(t, key, now)
		l.alerting = false
	}
}
