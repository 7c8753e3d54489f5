package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/depothq/depot"
)

// Advertising in the simulated business: campaigns that promote one SKU on one shipped channel
// and report their spend, impressions, clicks and attributed orders every adReportEvery, as an
// ad platform's reporting feed would. They exist only with incidents (InjectIncidents), so the
// default workload is unchanged: a few background campaigns that spend steadily (IncidentPlan.
// Campaigns), plus one per advertising incident:
//
//   - an ad-driven demand spike: the campaign multiplies its spend by adBoost for the spike's
//     duration, and the SKU's demand on that channel rises by the spike's factor;
//   - ad spend on an out-of-stock SKU: every unit of the campaign's SKU the channel could sell
//     goes on a quality hold for the incident's duration, while the campaign keeps spending.

// Advertising shapes, in one place.
const (
	adReportEvery            = 10 * time.Minute
	adBoost                  = 4.0
	adSpendMin, adSpendMax   = 200, 900 // minor units per report, before noise
	adNoise                  = 0.1      // each report's spend varies by up to ±10%
	adOOSMin, adOOSMax       = 40 * time.Minute, 80 * time.Minute
	adCampaignRanks          = 40 // campaigns promote SKUs ranked 2..adCampaignRanks+1
	streamAds                = 0xad5
	adImpressionsPerMinor    = 20
	adClicksPerImpression    = 0.02
	adOrdersPerClick         = 0.08
	adBackgroundName, adName = "cmp-bg", "cmp"
)

// campaign is one simulated ad campaign.
type campaign struct {
	id       string
	sku      string
	channel  string
	perRep   float64 // base spend per report, minor units
	boostOn  int64   // [boostOn, boostOff): spend multiplied by adBoost
	boostOff int64
}

// adState is the workload's campaigns.
type adState struct {
	rng   *rand.Rand // streamAds: advertising never draws from the other incidents' stream
	camps []*campaign
	taken map[string]bool // SKUs with a campaign: one campaign per SKU
}

// shippedChannels are the channels whose orders let the channel's policy pick the location
// (campaigns run there: a quick-commerce order names its dark store).
func (w *Workload) shippedChannels() []*channelState {
	var out []*channelState
	for _, c := range w.channels {
		if !c.Quick {
			out = append(out, c)
		}
	}
	return out
}

// newCampaign starts a campaign on a popular stocked SKU of a shipped channel (or on the given
// SKU and channel), reporting from the run's start so that its spend has a history.
func (w *Workload) newCampaign(name string, sku int, ch *channelState) *campaign {
	if sku < 0 {
		chs := w.shippedChannels()
		ch = chs[w.ads.rng.IntN(len(chs))]
		for range 64 {
			s := w.sc.rankAll[2+w.ads.rng.IntN(min(adCampaignRanks, len(w.sc.rankAll)-2))]
			if id := w.sc.SKUs[s].ID; !w.sc.SKUs[s].IsKit() && !w.isShort(id) && !w.ads.taken[id] {
				sku = s
				break
			}
		}
		if sku < 0 {
			return nil
		}
	}
	if w.ads.taken == nil {
		w.ads.taken = map[string]bool{}
	}
	c := &campaign{id: fmt.Sprintf("%s%s-%02d", w.cfg.IDPrefix, name, len(w.ads.camps)+1), sku: w.sc.SKUs[sku].ID, channel: ch.ID,
		perRep: float64(adSpendMin + w.ads.rng.IntN(adSpendMax-adSpendMin+1))}
	w.ads.taken[c.sku] = true
	w.ads.camps = append(w.ads.camps, c)
	w.schedule(&action{at: w.sc.Start + int64(adReportEvery), kind: actAdReport, camp: c})
	return c
}

// emitAdReport reports a campaign's last period and schedules the next report.
func (w *Workload) emitAdReport(a *action) []depot.Command {
	c := a.camp
	w.schedule(&action{at: a.at + int64(adReportEvery), kind: actAdReport, camp: c})
	from := a.at - int64(adReportEvery)
	boosted := 0.0
	if lo, hi := max(from, c.boostOn), min(a.at, c.boostOff); hi > lo {
		boosted = float64(hi-lo) / float64(adReportEvery)
	}
	spend := c.perRep * (1 + adNoise*(2*w.ads.rng.Float64()-1)) * (1 + (adBoost-1)*boosted)
	imp := math.Round(spend * adImpressionsPerMinor)
	clicks := math.Round(imp * adClicksPerImpression)
	return []depot.Command{&depot.RecordAdMetrics{Tenant: w.sc.Tenant, Campaign: c.id, SKU: c.sku, Channel: c.channel,
		AdMetrics: depot.AdMetrics{PeriodStart: from, PeriodEnd: a.at, SpendMinor: int64(spend), Impressions: int64(imp),
			Clicks: int64(clicks), AttributedOrders: int64(math.Round(clicks * adOrdersPerClick))}}}
}

// planAdSpike is a demand spike on one channel driven by a campaign that boosts its spend as the
// spike starts.
func (w *Workload) planAdSpike(start int64) {
	in := w.planSpike(start, false, IncidentAdDrivenSpike)
	if in == nil {
		return
	}
	var ch *channelState
	for _, c := range w.channels {
		if c.ID == in.Channel {
			ch = c
		}
	}
	c := w.newCampaign(adName, in.skuIdx, ch)
	c.boostOn, c.boostOff = in.Start, in.End
	in.Campaign = c.id
}

// planAdOutOfStock schedules a campaign that keeps spending while every unit of its SKU that its
// channel could sell is on hold.
func (w *Workload) planAdOutOfStock(start int64) {
	c := w.newCampaign(adName, -1, nil)
	if c == nil {
		return
	}
	in := w.newIncident(IncidentAdSpendOutOfStock, start, between(w.ads.rng, adOOSMin, adOOSMax))
	in.SKU, in.Channel, in.Campaign = c.sku, c.channel, c.id
	w.schedule(&action{at: in.Start, kind: actIncident, fresh: true, inc: in})
	w.schedule(&action{at: in.End, kind: actIncident, fresh: true, inc: in})
}

// emitAdHold puts the sellable units of the incident's SKU at one of the channel's locations on
// hold (one location per action: the view must see each answer), or at the end releases them.
func (w *Workload) emitAdHold(a *action, in *incident) []depot.Command {
	var ch *channelState
	for _, c := range w.channels {
		if c.ID == in.Channel {
			ch = c
		}
	}
	releasing := a.at >= in.End
	if a.index0 == 0 && !releasing {
		in.applied = true
	}
	i := a.index0
	if i >= len(ch.Locations) {
		return nil
	}
	w.schedule(&action{at: a.at, kind: actIncident, fresh: true, inc: in, index0: i + 1})
	p := w.stockView.positions[posKey{in.SKU, ch.Locations[i]}]
	if p == nil {
		return nil
	}
	w.ids.hold++
	if releasing {
		qty := in.heldAt[ch.Locations[i]]
		if qty <= 0 || p.held < qty {
			return nil
		}
		return []depot.Command{&depot.Hold{Tenant: w.sc.Tenant, ID: w.id("qh", w.ids.hold), SKU: in.SKU, Location: p.key.loc, Delta: -qty, Reason: "recall cleared"}}
	}
	qty := p.atp()
	if qty <= 0 {
		return nil
	}
	if in.heldAt == nil {
		in.heldAt = map[string]int64{}
	}
	in.heldAt[p.key.loc] = qty
	return []depot.Command{&depot.Hold{Tenant: w.sc.Tenant, ID: w.id("qh", w.ids.hold), SKU: in.SKU, Location: p.key.loc, Delta: qty, Reason: "quality hold: supplier batch recalled"}}
}
