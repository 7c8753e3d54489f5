package intel

import (
	"math"

	"github.com/depothq/depot"
)

// fastShareWindow is the line window of the recent share shown as evidence next to the
// baseline (not used by the test itself).
const fastShareWindow = 300

// demandSeries is one SKU's demand on one channel (or network-wide: ch == noID): its units
// velocity, and the CUSUM of its share of the channel's order lines.
type demandSeries struct {
	sku, ch  uint32
	alerting bool
	adDriven bool   // the open spike coincides with a rise of the SKU's ad spend on the channel
	lines    uint32 // the SKU's lines seen
	clock    uint64 // the channel's line clock at the last update
	share    float64
	fast     float64
	cusum    float64
	born     int64
	vel      velocity // units per second
}

// demandRef locates a SKU's demand series on one channel: a SKU sells on a handful of channels,
// so a short compact list per SKU beats a map lookup.
type demandRef struct {
	ch  uint32
	idx int32
}

// demandIndex returns the index of (sku, ch)'s series, or -1.
func (t *tenant) demandIndex(sku, ch uint32) int32 {
	if int(sku) < len(t.skuDem) {
		for _, r := range t.skuDem[sku] {
			if r.ch == ch {
				return r.idx
			}
		}
	}
	return -1
}

// demandOf returns the series of (sku, ch), creating it unless a limit is reached.
func (in *Intel) demandOf(t *tenant, sku, ch uint32, now int64) *demandSeries {
	if i := t.demandIndex(sku, ch); i >= 0 {
		return &t.demand[i]
	}
	if len(t.demand) >= MaxDemandSeries {
		in.stats.Dropped++
		return nil
	}
	i := int32(len(t.demand))
	t.demand = append(t.demand, demandSeries{sku: sku, ch: ch, born: now})
	for len(t.skuDem) <= int(sku) {
		t.skuDem = append(t.skuDem, nil)
	}
	t.skuDem[sku] = append(t.skuDem[sku], demandRef{ch: ch, idx: i})
	return &t.demand[i]
}

// reserved handles one reserved line: the channel's arrival and line clocks, the SKU's demand
// series on the channel and network-wide, and the position's stock and velocity.
func (in *Intel) reserved(t *tenant, ev *depot.Event, now int64) {
	p := in.position(t, ev.SKU, ev.Location, now)
	if p != nil {
		p.reserved += ev.Qty
	}
	c := in.channel(t, ev.Channel)
	if c != nil {
		if ev.Seq != c.lastSeq {
			// One reserve is one order, however many lines it has.
			c.lastSeq = ev.Seq
			in.arrival(t, c, now)
		}
		c.lines++
	}
	t.lines++
	if p != nil {
		if c != nil {
			in.demandLine(t, p.sku, c.id, c.lines, ev.Qty, now)
		}
		in.demandLine(t, p.sku, noID, t.lines, ev.Qty, now)
		in.sale(t, p, ev.Qty, now)
		if c != nil && int(p.sku) < len(t.skuAds) && len(t.skuAds[p.sku]) > 0 {
			in.adStock(t, p.sku, c.id, false, now)
		}
	}
}

// demandLine updates one demand series with a line of the SKU, clock being the channel's line
// count including this line.
//
// The CUSUM statistic S accumulates the log-likelihood ratio of "the SKU's share is
// SpikeRatio x p0" against "it is p0": ln F per line of the SKU, -(F-1) p0 per line of any other
// SKU (the first-order term of ln((1-F p0)/(1-p0))). It is capped at twice the threshold, so it
// drains within a bounded number of lines after a spike ends.
func (in *Intel) demandLine(t *tenant, sku, ch uint32, clock uint64, qty int64, now int64) {
	d := in.demandOf(t, sku, ch, now)
	if d == nil {
		return
	}
	d.vel.add(now, float64(qty))
	d.lines++
	if ch == noID {
		// Network-wide series only feed views and cover (see below): velocity is all they need.
		d.clock = clock
		return
	}
	gap := float64(clock - d.clock) // lines since the last update, this one included
	d.clock = clock
	p0 := in.baseline(d, clock)
	cfg := &in.cfg
	warm := d.lines >= cfg.SpikeMinLines && clock >= cfg.SpikeMinChannelLines
	if warm {
		// Before the baseline is trusted the statistic does not accumulate: evidence gathered
		// against an unreliable p0 would alarm the moment the series warms up.
		d.cusum = max(0, d.cusum-(cfg.SpikeRatio-1)*p0*(gap-1)) + in.lnSpike
		d.cusum = min(d.cusum, 2*cfg.SpikeThreshold)
	}
	// The recent share (evidence) always learns; the baseline only while the series is quiet, so
	// that a spike does not become the norm it is measured against.
	d.fast = d.fast*math.Exp(gap*in.lnFastKeep) + 1/float64(fastShareWindow)
	if !d.alerting && d.cusum < cfg.SpikeThreshold/2 {
		d.share = d.share*math.Exp(gap*in.lnShareKeep) + 1/cfg.SpikeShareWindow
	}
	key := alertKey{kind: KindDemandSpike, a: sku, b: ch}
	threshold := cfg.SpikeThreshold
	if warm && !d.alerting && d.cusum >= threshold-cfg.AdSpikePrior && int(sku) < len(t.skuAds) && len(t.skuAds[sku]) > 0 {
		// A campaign boosting the SKU on this channel makes a spike far more likely a priori:
		// the test needs AdSpikePrior fewer log-likelihood units of evidence.
		if ad, _, _ := in.adCause(t, sku, ch, now); ad {
			threshold -= cfg.AdSpikePrior
		}
	}
	switch {
	case warm && d.cusum >= threshold:
		// Only per-channel series alarm: a SKU's network-wide share moves with the channel mix
		// over the day (quick commerce peaks at dinner, web shops in the evening), which a
		// per-channel share does not. The network series feeds views and cover.
		in.raiseSpike(t, d, key, p0, now)
	case d.alerting && d.cusum <= 0:
		in.resolve(t, key, now)
		d.alerting, d.adDriven = false, false
	}
}

// baseline is the bias-corrected share p0 at clock: an EWMA started at 0 on line 0 has only
// 1 - (1-alpha)^clock of its weight.
func (in *Intel) baseline(d *demandSeries, clock uint64) float64 {
	x := float64(clock) * in.lnShareKeep
	if x < -30 {
		return d.share // the correction is below 1e-13: skip the exp
	}
	w := 1 - math.Exp(x)
	if w <= 0 {
		return 0
	}
	return d.share / w
}

// raiseSpike opens or updates the spike alert of d.
func (in *Intel) raiseSpike(t *tenant, d *demandSeries, key alertKey, p0 float64, now int64) {
	rate := d.vel.rate(v15m, now, d.born)
	base := d.vel.rate(v4h, now, d.born)
	excess := max(rate-base, 0) * 4 * 3600 // units over the next 4 hours above the usual pace
	avail, _ := t.networkStock(d.sku)
	tti := int64(0)
	if rate > 0 {
		tti = int64(float64(max(avail, 0)) / rate * 1e9)
	}
	fastW := 1 - math.Exp(float64(d.clock)*in.lnFastKeep)
	recent := d.fast
	if fastW > 0 {
		recent /= fastW
	}
	ratio := 0.0
	if p0 > 0 {
		ratio = recent / p0
	}
	f := finding{
		units: excess, minor: int64(excess * float64(t.priceOf(d.sku))), tti: tti, window: 0,
		ev: [evidenceSlots]float64{p0, recent, ratio, d.cusum, perHour(rate), float64(avail)},
	}
	// The cause sticks once ad-driven, with the boost as first seen: the baseline learns the
	// boosted spend, and the boost may level off before the spike ends.
	if a := t.alerts.byKey[key]; d.adDriven && a != nil {
		f.ev[6], f.ev[7], f.cause = a.ev[6], a.ev[7], causeAdDriven
	} else if ad, spend, multiple := in.adCause(t, d.sku, d.ch, now); ad {
		f.ev[6], f.ev[7], f.cause = spend, multiple, causeAdDriven
		d.adDriven = true
	}
	if in.raise(t, key, &f, now) {
		d.alerting = true
	}
}

// drainSpike lets an open spike's statistic fall while the SKU sells nothing on the channel: its
// share is then zero, and only lines of other SKUs move the clock.
func (in *Intel) drainSpike(t *tenant, key alertKey, now int64) {
	i := t.demandIndex(key.a, key.b)
	if i < 0 {
		return
	}
	d := &t.demand[i]
	clock := t.lines
	if d.ch != noID {
		clock = t.channels[d.ch].lines
	}
	gap := float64(clock - d.clock)
	if gap <= 0 {
		return
	}
	p0 := in.baseline(d, clock)
	d.cusum = max(0, d.cusum-(in.cfg.SpikeRatio-1)*p0*gap)
	d.fast *= math.Exp(gap * in.lnFastKeep) // the baseline stays frozen while alerting
	d.clock = clock
	if d.cusum <= 0 && d.alerting {
		in.resolve(t, key, now)
		d.alerting, d.adDriven = false, false
	}
}

// networkStock is a SKU's available units and units inbound over all its positions.
func (t *tenant) networkStock(sku uint32) (available, inbound int64) {
	if int(sku) >= len(t.skuPos) {
		return 0, 0
	}
	for _, i := range t.skuPos[sku] {
		p := &t.positions[i]
		available += max(p.available(), 0)
		inbound += p.inbound()
	}
	return available, inbound
}

// ln is math.Log, named for the formulas above.
func ln(x float64) float64 { return math.Log(x) }
