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
	season        hourSeason
}

// hourSeason is a channel's hour-of-day seasonality: for each hour of its local day, the orders
// that hour takes, as an exponentially weighted mean over days (the seasonal component of a
// multiplicative Holt-Winters model; its level cancels, since silence only needs the ratio of
// two hours' indices). 24 float32 means, 24 saturating day counts, and the hour being counted:
// 136 bytes, whatever the history.
type hourSeason struct {
	mean  [24]float32
	days  [24]uint8
	hour  int64  // local hour number since the epoch of the hour being counted (0: none yet)
	count uint32 // orders counted in it
}

// Seasonality shapes: the weight of a new day once an hour has seasonDayWindow days (about a
// week of memory; earlier days average equally), the days an hour needs before its index is
// used, and the largest rise of the expected rate it may predict from the hour of the last
// order (a quiet hour's noisy mean must not make the next busy hour alarm at once).
const (
	seasonDayWindow = 7
	seasonMinDays   = 2
	seasonMaxRise   = 4.0
	seasonMaxWalk   = 26 // hours walked to integrate a gap; the rest counts at the last hour's rate
)

// localHour is the local hour number (since the epoch) of now: hours of the channels' local day
// are localHour mod 24.
func (in *Intel) localHour(now int64) int64 {
	x := now + in.cfg.UTCOffset*1e9
	h := x / hourNs
	if x < 0 && x%hourNs != 0 {
		h--
	}
	return h
}

// countOrder counts one order into the channel's seasonality, closing the hours since the last
// one: the hour it was in with its count, the hours between with none. The hour the series was
// born in is partial and the hours of a silence alarm are an outage, not the season: neither is
// learned.
func (in *Intel) countOrder(c *channelSeries, now int64) {
	s := &c.season
	h := in.localHour(now)
	if s.hour == 0 {
		s.hour = h
	}
	if h != s.hour {
		if !c.silent && s.hour != in.localHour(c.born) {
			s.close(s.hour, float64(s.count))
		}
		for g := s.hour + 1; g < h && g <= s.hour+24; g++ {
			if !c.silent {
				s.close(g, 0)
			}
		}
		s.hour, s.count = h, 0
	}
	s.count++
}

// close folds one finished hour's orders into its mean.
func (s *hourSeason) close(hour int64, orders float64) {
	i := hourOfDay(hour)
	n := s.days[i]
	w := 1 / float64(min(int(n)+1, seasonDayWindow))
	s.mean[i] += float32(w * (orders - float64(s.mean[i])))
	if n < 255 {
		s.days[i]++
	}
}

// hourOfDay is the hour of the local day of a local hour number.
func hourOfDay(hour int64) int {
	return int((hour%24 + 24) % 24)
}

// rate is the expected order rate (per second) in local hour to, given rate at the last order
// in local hour from: until both hours have seasonMinDays days (or from took no orders), rate
// itself; then the smaller of rate scaled by the ratio of the hours' means (at most
// seasonMaxRise) and hour to's own mean. The 15-minute and 1-hour rates lag the curve, so at
// 22:00 they still carry the evening; the hour's mean says the night has begun. Taking the
// smaller errs towards calling silence later, never sooner, when the business grew.
func (s *hourSeason) rate(rate float64, from, to int64) float64 {
	i, j := hourOfDay(from), hourOfDay(to)
	if s.days[i] < seasonMinDays || s.days[j] < seasonMinDays || s.mean[i] <= 0 {
		return rate
	}
	return min(rate*min(float64(s.mean[j])/float64(s.mean[i]), seasonMaxRise), float64(s.mean[j])/3600)
}

// expectedOrders is the number of orders the channel was expected to take in [from, to): the
// rate at its last order, carried hour by hour through the seasonality (hourSeason.rate).
// limitAt is when that number reached SilenceK (0: not yet).
func (in *Intel) expectedOrders(c *channelSeries, from, to int64) (missed float64, limitAt int64) {
	h0 := in.localHour(from)
	t := from
	for steps := 0; t < to; steps++ {
		h := in.localHour(t)
		end := to
		perSec := c.expectedAtEnd
		if steps < seasonMaxWalk {
			end = min(to, (h+1)*hourNs-in.cfg.UTCOffset*1e9)
			perSec = c.season.rate(c.expectedAtEnd, h0, h)
		}
		perNs := perSec / 1e9
		seg := perNs * float64(end-t)
		if limitAt == 0 && missed+seg >= in.cfg.SilenceK && perNs > 0 {
			limitAt = t + int64((in.cfg.SilenceK-missed)/perNs)
		}
		missed += seg
		t = end
	}
	return missed, limitAt
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
	in.countOrder(c, now)
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

// checkSilence raises channel_silent when the orders expected since the last one (its rate then,
// scaled by the hour-of-day seasonality once learned) reach SilenceK, and the gap SilenceMinGap.
func (in *Intel) checkSilence(t *tenant, ci uint32, now int64) {
	c := &t.channels[ci]
	if c.orders < in.cfg.SilenceMinOrders || c.expectedAtEnd <= 0 {
		return
	}
	gap := now - c.lastOrderAt
	if gap < in.cfg.SilenceMinGap {
		return
	}
	missed, limitAt := in.expectedOrders(c, c.lastOrderAt, now)
	if limitAt == 0 {
		return
	}
	limit := max(in.cfg.SilenceMinGap, limitAt-c.lastOrderAt)
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
	if in.pending.t != nil {
		in.flushPending(in.now)
	}
	in.tick(r.Time)
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
