package intel

import (
	"math"

	"github.com/depothq/depot"
)

// adSeries is one campaign's promotion of one SKU on one channel, from its ad_metrics_recorded
// events: the latest report (to apply restatements), the spend rate it implies, a slow baseline
// of that rate (to tell a boost from the usual), what the channel last said about the SKU's
// stock, and the totals.
type adSeries struct {
	campaign, sku, ch uint32
	alerting          bool
	outOfStock        bool // the channel's latest answer for the SKU: nothing to sell
	periodStart       int64
	periodEnd         int64
	reportedAt        int64
	last              [4]int64 // the latest report: spend, impressions, clicks, attributed orders
	total             [4]int64 // every report, restatements applied
	rate              float64  // minor units per second over the latest report's period
	base              float64  // the rate's time-decayed average over earlier reports
	baseW             float64  // the weight base has gathered (bias correction while young)
	baseAt            int64
	born              int64
	channelATP        int64 // the channel's availability of the SKU with the latest report
}

// adKey identifies an ad series.
type adKey struct{ campaign, sku, ch uint32 }

// adOf returns the series of (campaign, sku, ch), creating it unless a limit is reached.
func (in *Intel) adOf(t *tenant, campaign, sku, ch uint32, now int64) *adSeries {
	k := adKey{campaign, sku, ch}
	if i, ok := t.adIdx[k]; ok {
		return &t.ads[i]
	}
	if len(t.ads) >= MaxAdSeries {
		in.stats.Dropped++
		return nil
	}
	if t.adIdx == nil {
		t.adIdx = map[adKey]int32{}
	}
	i := int32(len(t.ads))
	t.ads = append(t.ads, adSeries{campaign: campaign, sku: sku, ch: ch, born: now})
	t.adIdx[k] = i
	for len(t.skuAds) <= int(sku) {
		t.skuAds = append(t.skuAds, nil)
	}
	t.skuAds[sku] = append(t.skuAds[sku], i)
	return &t.ads[i]
}

// adReport applies one ad_metrics_recorded event. A report of the period already held restates
// it (its figures replace the earlier ones); a report of a new period moves the baseline.
func (in *Intel) adReport(t *tenant, ev *depot.Event, now int64) {
	if ev.Ad == nil {
		return
	}
	cid, ok1 := t.camps.id(ev.Ref)
	sku, ok2 := t.skus.id(ev.SKU)
	c := in.channel(t, ev.Channel)
	if !ok1 || !ok2 || c == nil {
		in.stats.Dropped++
		return
	}
	a := in.adOf(t, cid, sku, c.id, now)
	if a == nil {
		return
	}
	m := ev.Ad
	fig := [4]int64{m.SpendMinor, m.Impressions, m.Clicks, m.AttributedOrders}
	switch {
	case a.reportedAt != 0 && m.PeriodStart == a.periodStart:
		for i := range fig {
			a.total[i] += fig[i] - a.last[i]
		}
	case a.reportedAt != 0 && m.PeriodStart < a.periodStart:
		// A late restatement of an older period: it counts in the totals, not in the rate.
		for i := range fig {
			a.total[i] += fig[i]
		}
		a.channelATP, a.outOfStock = ev.Qty, ev.Qty <= 0
		in.checkAd(t, a, now)
		return
	default:
		if a.reportedAt != 0 {
			// The rate being replaced joins the baseline, weighted by the time it stood.
			k := math.Exp(-float64(now-a.baseAt) * math.Ln2 / float64(adBaseHalfLife))
			a.base = a.base*k + a.rate*(1-k)
			a.baseW = a.baseW*k + (1 - k)
		}
		a.baseAt = now
		for i := range fig {
			a.total[i] += fig[i]
		}
	}
	a.periodStart, a.periodEnd, a.reportedAt, a.last = m.PeriodStart, m.PeriodEnd, now, fig
	a.rate = float64(m.SpendMinor) / (float64(m.PeriodEnd-m.PeriodStart) / 1e9)
	a.channelATP, a.outOfStock = ev.Qty, ev.Qty <= 0
	in.checkAd(t, a, now)
	// A boost seen while the SKU spikes on the campaign's channel makes that spike ad-driven.
	if in.adRising(a, now) {
		if i := t.demandIndex(sku, c.id); i >= 0 && t.demand[i].alerting && !t.demand[i].adDriven {
			d := &t.demand[i]
			d.adDriven = true
			if al := t.alerts.byKey[alertKey{kind: KindDemandSpike, a: sku, b: c.id}]; al != nil {
				al.cause = causeAdDriven
				al.ev[6], al.ev[7] = perHour(a.rate), a.rate/max(in.adBaseline(a), 1e-12)
			}
		}
	}
}

// adBaseline is the bias-corrected baseline spend rate (0 before a second period).
func (in *Intel) adBaseline(a *adSeries) float64 {
	if a.baseW <= 1e-9 {
		return 0
	}
	return a.base / a.baseW
}

// adActive reports whether the campaign is spending on the SKU: its latest report ended within
// AdActiveWindow and spent something.
func (in *Intel) adActive(a *adSeries, now int64) bool {
	return a.reportedAt != 0 && a.rate > 0 && now-a.periodEnd <= in.cfg.AdActiveWindow
}

// adRising reports whether the campaign's spend rose: its latest rate is AdSpendRise times its
// baseline, or it started within the last baseline half-life (a launch is a rise from nothing).
func (in *Intel) adRising(a *adSeries, now int64) bool {
	if !in.adActive(a, now) {
		return false
	}
	base := in.adBaseline(a)
	if a.baseW < 0.25 {
		return now-a.born <= adBaseHalfLife
	}
	return a.rate >= in.cfg.AdSpendRise*base
}

// adCause is why a SKU spikes on a channel, judged when the spike is raised: ad-driven when one
// of its campaigns on that channel is rising. It returns the rising campaign's spend rate per
// hour and its multiple of the baseline (0 and 0 when organic).
func (in *Intel) adCause(t *tenant, sku, ch uint32, now int64) (bool, float64, float64) {
	if int(sku) >= len(t.skuAds) {
		return false, 0, 0
	}
	for _, i := range t.skuAds[sku] {
		a := &t.ads[i]
		if a.ch == ch && in.adRising(a, now) {
			return true, perHour(a.rate), a.rate / max(in.adBaseline(a), 1e-12)
		}
	}
	return false, 0, 0
}

// adStock notes the channel's answer for a SKU: sold (a reserve went through) or short (a
// reserve was refused for it), and re-judges the SKU's campaigns on that channel.
func (in *Intel) adStock(t *tenant, sku, ch uint32, short bool, now int64) {
	for _, i := range t.skuAds[sku] {
		a := &t.ads[i]
		if a.ch != ch || a.outOfStock == short {
			continue
		}
		a.outOfStock = short
		in.checkAd(t, a, now)
	}
}

// adStockMoved re-judges a SKU's campaigns after its stock moved (a hold, a receipt, a count).
func (in *Intel) adStockMoved(t *tenant, sku uint32, now int64) {
	if int(sku) >= len(t.skuAds) {
		return
	}
	for _, i := range t.skuAds[sku] {
		in.checkAd(t, &t.ads[i], now)
	}
}

// adLeadTime is how long until the SKU can be replenished: until its earliest pending receipt
// anywhere, or DefaultLeadTime when none is pending.
func (t *tenant) adLeadTime(sku uint32, now int64, def int64) (int64, bool) {
	best, found := int64(0), false
	if int(sku) < len(t.skuPos) {
		for _, i := range t.skuPos[sku] {
			if r, ok := t.positions[i].nextReceipt(); ok && (!found || r.eta < best) {
				best, found = r.eta, true
			}
		}
	}
	if !found {
		return def, false
	}
	return max(best-now, 0), true
}

// checkAd raises or clears ad_spend_out_of_stock for a campaign's SKU on its channel: the
// campaign is active and the channel has nothing to sell (its latest answer for the SKU), or the
// SKU's network-wide cover is below its lead time. The impact is the spend until the SKU can be
// sold again: the spend rate over the lead time (capped at a day), or until it runs out when it
// still has cover. It clears when the campaign stops, the channel sells the SKU again and the
// cover is back above the lead time (by AdCoverMargin, so that it does not flap).
func (in *Intel) checkAd(t *tenant, a *adSeries, now int64) {
	key := alertKey{kind: KindAdSpendOutOfStock, a: a.campaign, b: a.sku}
	active := in.adActive(a, now)
	if !active && !a.alerting {
		return
	}
	avail, inbound := t.networkStock(a.sku)
	lead, known := t.adLeadTime(a.sku, now, in.cfg.DefaultLeadTime)
	rate := 0.0
	if i := t.demandIndex(a.sku, noID); i >= 0 {
		d := &t.demand[i]
		rate = min(d.vel.rate(v1h, now, d.born), d.vel.rate(v4h, now, d.born))
	}
	cover := int64(math.MaxInt64)
	if rate > 0 {
		if c := float64(max(avail, 0)) / rate * 1e9; c < float64(math.MaxInt64/2) {
			cover = int64(c)
		}
	}
	out := a.outOfStock || avail <= 0
	low := cover < lead
	if a.alerting {
		low = float64(cover) < float64(lead)*in.cfg.AdCoverMargin
	}
	if !active || (!out && !low) {
		if a.alerting {
			in.resolve(t, key, now)
			a.alerting = false
		}
		return
	}
	tti := int64(0)
	if !out {
		tti = cover
	}
	atStake := min(lead-tti, 24*hourNs)
	spend := a.rate * float64(max(atStake, 0)) / 1e9
	outFlag := 0.0
	if out {
		outFlag = 1
	}
	knownFlag := 0.0
	if known {
		knownFlag = 1
	}
	f := finding{units: 0, minor: int64(spend), tti: tti, window: in.cfg.AdActiveWindow,
		ev: [evidenceSlots]float64{perHour(a.rate), float64(a.channelATP), outFlag, float64(avail), hours(cover), hours(lead), knownFlag, float64(inbound)}}
	if in.raise(t, key, &f, now) {
		a.alerting = true
	}
}

// sweepAd re-judges an open ad alert whose series may see no further events (the campaign's
// reports stopped).
func (in *Intel) sweepAd(t *tenant, key alertKey, now int64) {
	for _, i := range t.skuAdsOf(key.b) {
		if a := &t.ads[i]; a.campaign == key.a {
			in.checkAd(t, a, now)
		}
	}
}

// skuAdsOf is the ad series of a SKU.
func (t *tenant) skuAdsOf(sku uint32) []int32 {
	if int(sku) < len(t.skuAds) {
		return t.skuAds[sku]
	}
	return nil
}

// CampaignView is one campaign's promotion of a SKU on a channel.
type CampaignView struct {
	Campaign string `json:"campaign"`
	Channel  string `json:"channel"`
	// SpendPerHourMinor is the latest report's spend rate, BaselinePerHourMinor its usual rate;
	// Rising says the spend is AdSpendRise times the usual (or the campaign is new).
	SpendPerHourMinor    float64 `json:"spend_per_hour_minor"`
	BaselinePerHourMinor float64 `json:"baseline_per_hour_minor"`
	Rising               bool    `json:"rising"`
	Active               bool    `json:"active"`
	// OutOfStock is the channel's latest answer for the SKU; ChannelAvailable what it could
	// sell when the latest report was recorded.
	OutOfStock       bool  `json:"out_of_stock"`
	ChannelAvailable int64 `json:"channel_available"`
	// PeriodEnd is the end of the latest report's period; the totals add every report.
	PeriodEnd        int64 `json:"period_end"`
	SpendMinor       int64 `json:"spend_minor"`
	Impressions      int64 `json:"impressions"`
	Clicks           int64 `json:"clicks"`
	AttributedOrders int64 `json:"attributed_orders"`
	Alerting         bool  `json:"ad_spend_out_of_stock"`
}

// campaigns renders a SKU's ad series.
func (in *Intel) campaigns(t *tenant, sku uint32, now int64) []CampaignView {
	out := []CampaignView{}
	for _, i := range t.skuAdsOf(sku) {
		a := &t.ads[i]
		out = append(out, CampaignView{Campaign: t.camps.name(a.campaign), Channel: t.chans.name(a.ch),
			SpendPerHourMinor: perHour(a.rate), BaselinePerHourMinor: perHour(in.adBaseline(a)), Rising: in.adRising(a, now),
			Active: in.adActive(a, now), OutOfStock: a.outOfStock, ChannelAvailable: a.channelATP, PeriodEnd: a.periodEnd,
			SpendMinor: a.total[0], Impressions: a.total[1], Clicks: a.total[2], AttributedOrders: a.total[3], Alerting: a.alerting})
	}
	return out
}
