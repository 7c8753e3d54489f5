package intel

import (
	"math"

	"github.com/depothq/depot"
)

// channelSeries is one sales channel: its order arrivals (for silence), its line clock (for
// demand shares), and its attempts and insufficient-stock rejections (for oversell pressure).
type channelSeries struct {
	id            uint32
	silent        bool
	surging       bool
	orders        uint32
	lastSeq       uint64
	lines         uint64
	born          int64
	lastOrderAt   int64
	expectedAtEnd float64  // orders per second expected at the last order (for silence)
	arrivals      velocity // orders attempted, accepted or rejected
	rejects       velocity // orders rejected for insufficient stock
	rejected      uint64
	shortSKU      uint32 // the SKU of the latest shortfall, for the recommendation
}

// channel returns the series of a channel, creating it unless a limit is reached.
func (in *Intel) channel(t *tenant, name string) *channelSeries {
	if name == "" {
		return nil
	}
	id, ok := t.chans.id(name)
	if !ok {
		in.stats.Dropped++
		return nil
	}
	for len(t.channels) <= int(id) {
		t.channels = append(t.channels, channelSeries{id: uint32(len(t.channels)), born: in.now, shortSKU: noID})
	}
	return &t.channels[id]
}

// arrival records one order attempt on the channel (accepted or rejected: either shows the
// integration is alive).
func (in *Intel) arrival(t *tenant, c *channelSeries, now int64) {
	c.orders++
	c.arrivals.add(now, 1)
	c.lastOrderAt = now
	// The rate the next gap is judged against: the smaller of the 15-minute and 1-hour rates,
	// read just after this order, which is conservative when the hour-of-day curve falls.
	c.expectedAtEnd = min(c.arrivals.rate(v15m, now, c.born), c.arrivals.rate(v1h, now, c.born))
	if c.silent {
		in.resolve(t, alertKey{kind: KindChannelSilent, a: c.id}, now)
		c.silent = false
	}
}

// checkSilence raises channel_silent when the gap since the last order exceeds SilenceK
// expected inter-arrival times (and SilenceMinGap).
func (in *Intel) checkSilence(t *tenant, ci uint32, now int64) {
	c := &t.channels[ci]
	if c.orders < in.cfg.SilenceMinOrders || c.expectedAtEnd <= 0 {
		return
	}
	gap := now - c.lastOrderAt
	limit := max(in.cfg.SilenceMinGap, int64(in.cfg.SilenceK/c.expectedAtEnd*1e9))
	if gap < limit {
		return
	}
	missed := c.expectedAtEnd * float64(gap) / 1e9
	lines := 1.0
	if c.orders > 0 {
		lines = float64(c.lines) / float64(c.orders)
	}
	f := finding{
		units: missed * lines, minor: int64(missed * lines * float64(t.meanPrice())), tti: 0, window: gap,
		ev: [evidenceSlots]float64{float64(gap) / 60e9, 1 / c.expectedAtEnd, perHour(c.expectedAtEnd), missed, float64(limit) / 60e9, 0},
	}
	if in.raise(t, alertKey{kind: KindChannelSilent, a: c.id}, &f, now) {
		c.silent = true
	}
}

// Rejection is a reserve the engine refused, which leaves no event: the caller that saw the
// result reports it (the simulator from its answers; the API from its handlers).
type Rejection struct {
	Tenant  string
	Channel string
	Time    int64
	Code    depot.Code
	// Shortfalls are the rejection's short lines (insufficient_stock).
	Shortfalls []depot.Shortfall
	// Lines are the refused reserve's lines, when the caller has them: they are demand all the
	// same, and counting them keeps a SKU's share of its channel honest while some other SKU
	// of the same orders is out of stock.
	Lines []depot.ReserveLine
}

// ObserveRejection takes one refused reserve. An insufficient_stock rejection counts as an
// order attempt on the channel (the integration is alive), as demand for the short SKUs, and as
// oversell pressure; other codes count as attempts only.
func (in *Intel) ObserveRejection(r *Rejection) {
	in.stats.Rejections++
	in.tick(r.Time)
	if in.pending.t != nil {
		in.flushPending(in.now)
	}
	t := in.tenantOf(r.Tenant)
	if t == nil || r.Tenant == "" {
		in.stats.Dropped++
		return
	}
	now := in.now
	c := in.channel(t, r.Channel)
	if c == nil {
		return
	}
	in.arrival(t, c, now)
	for i := range r.Lines {
		// Only stocked SKUs: a kit's accepted lines show as its components' reserved events,
		// so counting a refused kit line as the kit would invent demand the kit never shows.
		sku, ok := t.skus.lookup(r.Lines[i].SKU)
		if !ok || int(sku) >= len(t.skuPos) || len(t.skuPos[sku]) == 0 {
			continue
		}
		c.lines++
		t.lines++
		in.demandLine(t, sku, c.id, c.lines, r.Lines[i].Qty, now)
		in.demandLine(t, sku, noID, t.lines, r.Lines[i].Qty, now)
	}
	if r.Code != depot.CodeInsufficientStock {
		return
	}
	c.rejects.add(now, 1)
	c.rejected++
	for i := range r.Shortfalls {
		if id, ok := t.skus.lookup(r.Shortfalls[i].SKU); ok {
			c.shortSKU = id
			// Only a channel-wide shortfall with nothing available says the channel is out: one
			// at a named location (a pinned line, a kit's component there) says that location is.
			if sf := &r.Shortfalls[i]; sf.Location == "" && sf.Available <= 0 && int(id) < len(t.skuAds) && len(t.skuAds[id]) > 0 {
				in.adStock(t, id, c.id, true, now)
			}
		}
	}
	in.checkRejections(t, c.id, now)
}

// checkRejections raises rejection_surge when the 15-minute rejection ratio passes
// RejectFactor x the 4-hour ratio and RejectFloor with RejectMinAttempts in the window, and
// clears it below half of that limit.
func (in *Intel) checkRejections(t *tenant, ci uint32, now int64) {
	c := &t.channels[ci]
	att := c.arrivals.rate(v15m, now, c.born)
	if att <= 0 {
		return
	}
	ratio := c.rejects.rate(v15m, now, c.born) / att
	base := 0.0
	if a4 := c.arrivals.rate(v4h, now, c.born); a4 > 0 {
		base = c.rejects.rate(v4h, now, c.born) / a4
	}
	inWindow := att / gainPerSec[v15m] // attempts the 15-minute EWMA holds
	limit := max(in.cfg.RejectFloor, in.cfg.RejectFactor*base)
	key := alertKey{kind: KindRejectionSurge, a: ci}
	switch {
	case ratio >= limit && inWindow >= in.cfg.RejectMinAttempts:
		lines := 1.0
		if c.orders > 0 {
			lines = float64(c.lines) / float64(c.orders)
		}
		lost := ratio * perHour(att) * lines
		f := finding{units: lost, minor: int64(lost * float64(t.meanPrice())), tti: 0, window: halfLife15m,
			ev: [evidenceSlots]float64{ratio, base, limit, inWindow, perHour(c.rejects.rate(v15m, now, c.born)), 0}}
		if in.raise(t, key, &f, now) {
			c.surging = true
		}
	case c.surging && (ratio < limit/2 || math.IsNaN(ratio)):
		in.resolve(t, key, now)
		c.surging = false
	}
}
