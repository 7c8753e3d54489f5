package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/depothq/depot"
)

// Incidents: labelled disturbances of the simulated business, with ground truth. Each has a
// start, an end, a subject and the intelligence alert kind that should catch it, so that an
// evaluation can measure precision, recall and detection delay against what really happened.
//
// Incidents draw from their own PCG stream (streamIncidents): a workload without incidents emits
// exactly what it emitted before they existed, and one with incidents differs only where they
// act. They act through the workload's seams: arrivals dropped for a silent channel, extra lines
// for a spiking SKU, shrinkage in the counts of a drifting location (countDrift), and a quality
// hold with a replacement purchase order for a stockout ahead of receipt.

// IncidentKind is a kind of labelled incident.
type IncidentKind uint8

// The incident kinds.
const (
	// IncidentDemandSpike multiplies one SKU's demand on one channel (ad-driven) or on every
	// channel that sells it (organic) by Factor.
	IncidentDemandSpike IncidentKind = iota + 1
	// IncidentChannelOutage silences a channel: its orders never arrive.
	IncidentChannelOutage
	// IncidentInventoryDrift makes a location's cycle counts find shrinkage, during a counting
	// wave at that location (control waves at other locations count without shrinkage).
	IncidentInventoryDrift
	// IncidentStockoutBeforeReceipt puts most of a busy warehouse position on a quality hold,
	// leaving about 20 minutes of sales, with the replacement purchase order due hours later.
	IncidentStockoutBeforeReceipt
	// IncidentAdDrivenSpike multiplies one SKU's demand on one channel by Factor while a
	// campaign promoting it there multiplies its spend (ads.go).
	IncidentAdDrivenSpike
	// IncidentAdSpendOutOfStock holds every unit of a campaign's SKU its channel could sell
	// while the campaign keeps spending (ads.go).
	IncidentAdSpendOutOfStock
	// IncidentNodeSlowdown slows a warehouse's picking to Factor of its pace: every shipment due
	// to leave it during the incident leaves as if time there ran Factor times as fast, so its
	// work falls behind and its backlog grows; after the incident the pushed-back shipments
	// follow.
	IncidentNodeSlowdown
	// IncidentLaneDelay makes a carrier deliver one lane's parcels (its service from one origin)
	// after their promise (lanes.go); orchestrated runs only.
	IncidentLaneDelay
)

var incidentKindNames = [...]string{
	IncidentDemandSpike: "demand_spike", IncidentChannelOutage: "channel_outage",
	IncidentInventoryDrift: "inventory_drift", IncidentStockoutBeforeReceipt: "stockout_before_receipt",
	IncidentAdDrivenSpike: "ad_driven_spike", IncidentAdSpendOutOfStock: "ad_spend_out_of_stock",
	IncidentNodeSlowdown: "node_slowdown", IncidentLaneDelay: "lane_delay",
}

// String returns the kind's name.
func (k IncidentKind) String() string {
	if int(k) < len(incidentKindNames) && incidentKindNames[k] != "" {
		return incidentKindNames[k]
	}
	return "unknown"
}

// MarshalText writes the kind's name.
func (k IncidentKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads a kind's name.
func (k *IncidentKind) UnmarshalText(b []byte) error {
	for i, n := range incidentKindNames {
		if n != "" && n == string(b) {
			*k = IncidentKind(i)
			return nil
		}
	}
	return fmt.Errorf("sim: unknown incident kind %q", b)
}

// IncidentKinds lists the kinds.
func IncidentKinds() []IncidentKind {
	return []IncidentKind{IncidentDemandSpike, IncidentChannelOutage, IncidentInventoryDrift, IncidentStockoutBeforeReceipt,
		IncidentAdDrivenSpike, IncidentAdSpendOutOfStock, IncidentNodeSlowdown, IncidentLaneDelay}
}

// Alert is the intelligence alert kind (intel.Kind's name) that should catch incidents of k,
// with the cause after a slash where the cause is part of the truth: an organic spike is caught
// by demand_spike/organic, an ad-driven one by demand_spike/ad_driven.
func (k IncidentKind) Alert() string {
	switch k {
	case IncidentDemandSpike:
		return "demand_spike/organic"
	case IncidentAdDrivenSpike:
		return "demand_spike/ad_driven"
	case IncidentAdSpendOutOfStock:
		return "ad_spend_out_of_stock"
	case IncidentChannelOutage:
		return "channel_silent"
	case IncidentInventoryDrift:
		return "count_drift"
	case IncidentStockoutBeforeReceipt:
		return "stockout_before_receipt"
	case IncidentNodeSlowdown:
		return "node_slowdown"
	case IncidentLaneDelay:
		return "carrier_lane_delay"
	}
	return ""
}

// Incident is one labelled incident: what, where, and when (unix nanoseconds, End exclusive).
// For a stockout ahead of receipt, End is when the replacement receipt arrives.
type Incident struct {
	ID       int          `json:"id"`
	Kind     IncidentKind `json:"kind"`
	Alert    string       `json:"alert"`
	Start    int64        `json:"start"`
	End      int64        `json:"end"`
	SKU      string       `json:"sku,omitempty"`
	Location string       `json:"location,omitempty"`
	Channel  string       `json:"channel,omitempty"`
	Factor   float64      `json:"factor,omitempty"`
	// Control marks a counting wave without shrinkage: not an incident, a check that waves alone
	// raise nothing. Controls are not in Incidents.
	Control bool `json:"control,omitempty"`
	// Units is the held quantity of a stockout incident.
	Units int64 `json:"units,omitempty"`
	// Campaign is the ad campaign of an advertising incident.
	Campaign string `json:"campaign,omitempty"`
	// Carrier and Service are the carrier service of a lane delay (its lane is the service from
	// Location).
	Carrier string `json:"carrier,omitempty"`
	Service string `json:"service,omitempty"`
}

// IncidentPlan is how many incidents of each kind one simulated day gets, and the local hours
// they start in (business hours: at 3 a.m. a small channel takes an order every few minutes, and
// no detector can call it silent within ten).
type IncidentPlan struct {
	Spikes, Outages, Drifts, Stockouts int
	// AdSpikes and AdOutOfStock are the advertising incidents per day; Campaigns the background
	// campaigns of the run, which spend steadily (ads.go).
	AdSpikes, AdOutOfStock, Campaigns int
	// Controls is the counting waves without shrinkage per day.
	Controls int
	// NodeSlowdowns is the warehouse slowdowns per day.
	NodeSlowdowns int
	// LaneDelays is the carrier lane delays per day; they take place only in orchestrated runs
	// (Config.Orchestrate), whose parcels name their carrier and are delivered.
	LaneDelays int
	// FirstHour and LastHour bound the local start hour, [FirstHour, LastHour).
	FirstHour, LastHour int
}

// DefaultIncidentPlan is two incidents of each kind a day (one ad-driven spike), two control
// waves and six background ad campaigns, starting between 08:00 and 20:00 local time.
func DefaultIncidentPlan() IncidentPlan {
	return IncidentPlan{Spikes: 2, Outages: 2, Drifts: 2, Stockouts: 2, AdSpikes: 1, AdOutOfStock: 2, Campaigns: 6,
		Controls: 2, NodeSlowdowns: 2, LaneDelays: 2, FirstHour: 8, LastHour: 20}
}

// only is the plan with the incidents of kinds other than the given ones (all when none is
// given) left out; background campaigns stay with the advertising incidents, control waves with
// drifts.
func (p IncidentPlan) only(kinds []IncidentKind) IncidentPlan {
	if len(kinds) == 0 {
		return p
	}
	keep := func(k IncidentKind, n int) int {
		if slices.Contains(kinds, k) {
			return n
		}
		return 0
	}
	q := IncidentPlan{FirstHour: p.FirstHour, LastHour: p.LastHour}
	q.Spikes = keep(IncidentDemandSpike, p.Spikes)
	q.Outages = keep(IncidentChannelOutage, p.Outages)
	q.Drifts = keep(IncidentInventoryDrift, p.Drifts)
	q.Controls = keep(IncidentInventoryDrift, p.Controls)
	q.Stockouts = keep(IncidentStockoutBeforeReceipt, p.Stockouts)
	q.AdSpikes = keep(IncidentAdDrivenSpike, p.AdSpikes)
	q.AdOutOfStock = keep(IncidentAdSpendOutOfStock, p.AdOutOfStock)
	if q.AdSpikes > 0 || q.AdOutOfStock > 0 {
		q.Campaigns = p.Campaigns
	}
	q.NodeSlowdowns = keep(IncidentNodeSlowdown, p.NodeSlowdowns)
	q.LaneDelays = keep(IncidentLaneDelay, p.LaneDelays)
	return q
}

// any reports whether the plan has an incident of any kind.
func (p IncidentPlan) any() bool {
	return p.Spikes+p.Outages+p.Drifts+p.Stockouts+p.AdSpikes+p.AdOutOfStock+p.NodeSlowdowns+p.LaneDelays > 0
}

// Incident shapes, in one place.
const (
	spikeFactorMin, spikeFactorMax = 4.0, 8.0
	spikeTopRanks                  = 12 // spikes hit SKUs ranked 2..spikeTopRanks+1 by popularity
	spikeMin, spikeMax             = 60 * time.Minute, 120 * time.Minute
	outageMin, outageMax           = 30 * time.Minute, 60 * time.Minute
	waveMin, waveMax               = 30 * time.Minute, 50 * time.Minute
	waveCountMin, waveCountMax     = 60 * time.Second, 120 * time.Second
	stockoutLeadMin                = 150 * time.Minute
	stockoutLeadMax                = 240 * time.Minute
	stockoutCover                  = 20 * time.Minute // of sales left outside the hold
	slowMin, slowMax               = 30 * time.Minute, 60 * time.Minute
	slowFactorMin, slowFactorMax   = 0.15, 0.4
	streamNodes                    = 0x51d0e5
	meanOrderLines                 = 2.33 // of lineCountWeights
	streamIncidents                = 0x1c1de475
)

// incident is an incident and its progress.
type incident struct {
	Incident
	applied bool
	dropped int64     // spike: extra lines added; outage: orders dropped
	addP    []float64 // spike: per channel index, the chance an order gains the SKU's line
	skuIdx  int
	pos     *position
	ref     string
	heldAt  map[string]int64 // ad spend on out-of-stock: units held per location
}

// incidentState is the workload's incidents.
type incidentState struct {
	rng  *rand.Rand
	node *rand.Rand // node slowdowns: their own stream, so the other incidents stay as they were
	slow []*incident
	all  []*incident
	seq  int
	done bool
}

// InjectIncidents schedules the plan's incidents on every simulated day of the workload. It must
// be called before the first Next. The incidents draw from their own random stream, so the same
// seed and plan give the same incidents.
func (w *Workload) InjectIncidents(plan IncidentPlan) error {
	if w.inc.done || w.inflight || len(w.setup) == 0 {
		return fmt.Errorf("sim: incidents must be injected once, before the run starts")
	}
	if plan.FirstHour < 0 || plan.LastHour > 24 || plan.FirstHour >= plan.LastHour {
		return fmt.Errorf("sim: incident hours [%d, %d) out of range", plan.FirstHour, plan.LastHour)
	}
	w.inc.done = true
	w.inc.rng = rand.New(rand.NewPCG(uint64(w.cfg.Seed), streamIncidents))
	w.ads.rng = rand.New(rand.NewPCG(uint64(w.cfg.Seed), streamAds))
	const day = int64(24 * time.Hour)
	// The local midnight on or before Start, so that plan hours are local hours.
	first := w.sc.Start - ((w.sc.Start+int64(w.sc.City.UTCOffsetSeconds)*1e9)%day+day)%day
	days := int((w.end - first + day - 1) / day)
	for d := range days {
		midnight := first + int64(d)*day
		startAt := func() int64 {
			span := int64(plan.LastHour-plan.FirstHour) * int64(time.Hour)
			return midnight + int64(plan.FirstHour)*int64(time.Hour) + w.inc.rng.Int64N(span)
		}
		for i := range plan.Spikes {
			w.planSpike(startAt(), i%2 == 1, IncidentDemandSpike)
		}

		var outages []*incident
		for range plan.Outages {
			w.planOutage(startAt(), &outages)
		}
		waves := map[string]bool{}
		for range plan.Drifts {
			w.planWave(startAt(), false, waves)
		}
		for range plan.Controls {
			w.planWave(startAt(), true, waves)
		}
		for range plan.Stockouts {
			w.planStockout(startAt())
		}
	}
	// Advertising draws from its own stream, after the rest, so that the other incidents of a
	// seed are the same with or without it.
	for range plan.Campaigns {
		w.newCampaign(adBackgroundName, -1, nil)
	}
	for d := range days {
		midnight := first + int64(d)*day
		startAt := func() int64 {
			span := int64(plan.LastHour-plan.FirstHour) * int64(time.Hour)
			return midnight + int64(plan.FirstHour)*int64(time.Hour) + w.ads.rng.Int64N(span)
		}
		for range plan.AdSpikes {
			w.planAdSpike(startAt())
		}
		for range plan.AdOutOfStock {
			w.planAdOutOfStock(startAt())
		}
	}
	// Node slowdowns, likewise after the rest, from their own stream.
	w.inc.node = rand.New(rand.NewPCG(uint64(w.cfg.Seed), streamNodes))
	for d := range days {
		midnight := first + int64(d)*day
		used := map[string]bool{}
		for range plan.NodeSlowdowns {
			span := int64(plan.LastHour-plan.FirstHour) * int64(time.Hour)
			w.planNodeSlowdown(midnight+int64(plan.FirstHour)*int64(time.Hour)+w.inc.node.Int64N(span), used)
		}
	}
	// Lane delays, likewise, from their own stream; only orchestrated parcels have lanes.
	w.lanes.rng = rand.New(rand.NewPCG(uint64(w.cfg.Seed), streamLanes))
	if w.cfg.Orchestrate {
		for d := range days {
			midnight := first + int64(d)*day
			for range plan.LaneDelays {
				span := int64(plan.LastHour-plan.FirstHour) * int64(time.Hour)
				w.planLaneDelay(midnight + int64(plan.FirstHour)*int64(time.Hour) + w.lanes.rng.Int64N(span))
			}
		}
	}
	return nil
}

// planNodeSlowdown slows a busy warehouse not slowed already that day: one that a shipped
// channel sources from first, in scenario order. The others ship a few parcels an hour, whose
// slowing is no incident anyone could see (or would need to).
func (w *Workload) planNodeSlowdown(start int64, used map[string]bool) {
	var whs []*Location
	for i := range w.sc.Locations {
		l := &w.sc.Locations[i]
		if l.Kind != depot.LocationWarehouse || used[l.ID] {
			continue
		}
		for _, c := range w.channels {
			if !c.Quick && len(c.Locations) > 0 && c.Locations[0] == l.ID {
				whs = append(whs, l)
				break
			}
		}
	}
	if len(whs) == 0 {
		return
	}
	loc := whs[w.inc.node.IntN(len(whs))]
	used[loc.ID] = true
	in := w.newIncident(IncidentNodeSlowdown, start, between(w.inc.node, slowMin, slowMax))
	in.Location = loc.ID
	in.Factor = math.Round((slowFactorMin+w.inc.node.Float64()*(slowFactorMax-slowFactorMin))*100) / 100
	in.applied = true
	w.inc.slow = append(w.inc.slow, in)
}

// slowedShip is when a shipment due to leave loc at t leaves under a node slowdown there: a
// shipment due during the incident leaves at Start + (t - Start) / Factor (its location's time
// runs Factor times as fast), and not after closing: what the slowdown pushes past the
// location's shipping hours leaves the next morning. ok is false when no slowdown moves it.
func (w *Workload) slowedShip(loc string, t int64) (int64, bool) {
	for _, in := range w.inc.slow {
		if in.Location == loc && t >= in.Start && t < in.End {
			return w.quantise(w.intoShippingHours(in.Start + int64(float64(t-in.Start)/in.Factor))), true
		}
	}
	return 0, false
}

// Incidents returns the incidents that took effect (an incident whose subject no longer
// qualified when it was due, such as a position without stock to hold, is left out), ordered by
// start. Controls are not incidents; see Controls.
func (w *Workload) Incidents() []Incident { return w.incidents(false) }

// Controls returns the control counting waves that took place.
func (w *Workload) Controls() []Incident { return w.incidents(true) }

func (w *Workload) incidents(control bool) []Incident {
	var out []Incident
	for _, in := range w.inc.all {
		if in.applied && in.Control == control && in.Start < w.end {
			out = append(out, in.Incident)
		}
	}
	slices.SortStableFunc(out, func(a, b Incident) int { return int(sign(a.Start - b.Start)) })
	return out
}

func (w *Workload) newIncident(kind IncidentKind, start int64, d time.Duration) *incident {
	w.inc.seq++
	in := &incident{Incident: Incident{ID: w.inc.seq, Kind: kind, Alert: kind.Alert(), Start: w.quantise(start)}}
	in.End = in.Start + int64(d)
	w.inc.all = append(w.inc.all, in)
	return in
}

func (w *Workload) incBetween(lo, hi time.Duration) time.Duration { return between(w.inc.rng, lo, hi) }

// between draws a duration uniformly from [lo, hi].
func between(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	return lo + time.Duration(rng.Int64N(int64(hi-lo)+1))
}

// planSpike picks a popular stocked SKU and a channel (or all of them) and the chance per order
// of each channel that the SKU is added, so that its lines grow by Factor. An ad-driven spike
// (kind) takes a SKU without a campaign: its own campaign is started for it.
func (w *Workload) planSpike(start int64, organic bool, kind IncidentKind) *incident {
	rng := w.inc.rng
	if kind == IncidentAdDrivenSpike {
		rng = w.ads.rng // its own stream: the other incidents stay as they were
	}
	ch := w.channels[rng.IntN(len(w.channels))]
	rank := w.sc.rankAll
	if ch.Quick {
		rank = w.sc.rankQuick
	}
	var sku int
	for {
		sku = rank[2+rng.IntN(min(spikeTopRanks, len(rank)-2))]
		if !w.sc.SKUs[sku].IsKit() && !w.isShort(w.sc.SKUs[sku].ID) && (kind == IncidentDemandSpike || !w.ads.taken[w.sc.SKUs[sku].ID]) {
			break
		}
	}
	in := w.newIncident(kind, start, between(rng, spikeMin, spikeMax))
	in.SKU = w.sc.SKUs[sku].ID
	in.skuIdx = sku
	in.Factor = math.Round((spikeFactorMin+rng.Float64()*(spikeFactorMax-spikeFactorMin))*10) / 10
	in.addP = make([]float64, len(w.channels))
	for _, c := range w.channels {
		if !organic && c != ch {
			continue
		}
		r := w.sc.rankAll
		if c.Quick {
			if !w.sc.SKUs[sku].Quick {
				continue
			}
			r = w.sc.rankQuick
		}
		k := slices.Index(r, sku)
		q := meanOrderLines * zipfWeights(len(r))[k]
		in.addP[c.idx] = min(1, (in.Factor-1)*q)
	}
	if !organic {
		in.Channel = ch.ID
	}
	in.applied = true
	return in
}

// isShort reports whether the scenario starts the SKU nearly sold out (its warehouses wait for a
// purchase order): a spike there would only be refused.
func (w *Workload) isShort(sku string) bool {
	for _, s := range w.sc.Stock {
		if s.SKU == sku && s.OrderUpTo == 0 {
			return true
		}
	}
	return false
}

// planOutage silences a channel that is not already silent then.
func (w *Workload) planOutage(start int64, taken *[]*incident) {
	d := w.incBetween(outageMin, outageMax)
	for range 8 {
		ch := w.channels[w.inc.rng.IntN(len(w.channels))]
		clash := false
		for _, o := range *taken {
			if o.Channel == ch.ID && start < o.End+int64(time.Hour) && o.Start < start+int64(d)+int64(time.Hour) {
				clash = true
			}
		}
		if clash {
			continue
		}
		in := w.newIncident(IncidentChannelOutage, start, d)
		in.Channel = ch.ID
		in.applied = true
		*taken = append(*taken, in)
		return
	}
}

// planWave schedules a counting wave at a location not used by another wave that day: with
// shrinkage (an inventory drift incident) or without (a control).
func (w *Workload) planWave(start int64, control bool, used map[string]bool) {
	var loc *Location
	for range 16 {
		l := &w.sc.Locations[w.inc.rng.IntN(len(w.sc.Locations))]
		if !used[l.ID] && l.Kind != depot.LocationStore {
			loc = l
			break
		}
	}
	if loc == nil {
		return
	}
	used[loc.ID] = true
	in := w.newIncident(IncidentInventoryDrift, start, w.incBetween(waveMin, waveMax))
	in.Location = loc.ID
	in.Control = control
	in.applied = true
	w.schedule(&action{at: in.Start, kind: actIncident, fresh: true, inc: in})
}

// planStockout schedules a quality hold at a busy warehouse position: a popular SKU at the first
// warehouse of a shipped channel, where that channel's orders land.
func (w *Workload) planStockout(start int64) {
	var ch *channelState
	for ch == nil || ch.Quick {
		ch = w.channels[w.inc.rng.IntN(len(w.channels))]
	}
	var sku int
	for {
		sku = w.sc.rankAll[w.inc.rng.IntN(spikeTopRanks+8)]
		if !w.sc.SKUs[sku].IsKit() && !w.isShort(w.sc.SKUs[sku].ID) {
			break
		}
	}
	in := w.newIncident(IncidentStockoutBeforeReceipt, start, 0)
	in.SKU, in.Location, in.Channel = w.sc.SKUs[sku].ID, ch.Locations[0], ch.ID
	in.skuIdx = sku
	w.schedule(&action{at: in.Start, kind: actIncident, fresh: true, inc: in})
}

// emitIncident emits an incident's due step: a count of a wave, or the hold of a stockout and
// later its write-off.
func (w *Workload) emitIncident(a *action) []depot.Command {
	in := a.inc
	switch in.Kind {
	case IncidentInventoryDrift:
		return w.emitWaveCount(a, in)
	case IncidentStockoutBeforeReceipt:
		if in.pos == nil {
			return w.emitHold(a, in)
		}
		return w.emitWriteOff(in)
	case IncidentAdSpendOutOfStock:
		return w.emitAdHold(a, in)
	case IncidentLaneDelay:
		w.startLaneDelay(in)
	}
	return nil
}

// emitWaveCount counts one position of the wave's location and schedules the next count.
func (w *Workload) emitWaveCount(a *action, in *incident) []depot.Command {
	next := a.at + int64(w.incBetween(waveCountMin, waveCountMax))
	if next < in.End {
		w.schedule(&action{at: next, kind: actIncident, fresh: true, inc: in})
	}
	var at []*position
	for _, p := range w.list {
		if p.key.loc == in.Location && p.onHand > 0 {
			at = append(at, p)
		}
	}
	if len(at) == 0 {
		return nil
	}
	p := at[w.inc.rng.IntN(len(at))]
	counted := max(p.onHand+w.countDrift(p, a.at), p.committed(), 0)
	w.ids.count++
	return []depot.Command{&depot.Count{Tenant: w.sc.Tenant, ID: w.id("cnt", w.ids.count), SKU: p.key.sku, Location: p.key.loc, OnHand: counted}}
}

// incidentDrift is the drift a count finds at a location with an active shrinkage incident, and
// whether there is one: four counts in five find two to five units missing.
func (w *Workload) incidentDrift(p *position, at int64) (int64, bool) {
	for _, in := range w.inc.all {
		if in.Kind == IncidentInventoryDrift && !in.Control && in.Location == p.key.loc && at >= in.Start && at < in.End {
			if w.inc.rng.Float64() < 0.8 {
				return -(2 + w.inc.rng.Int64N(4)), true
			}
			return 0, true
		}
	}
	return 0, false
}

// expectedPerMinute estimates a SKU's units per minute at the first warehouse of a channel at
// time at, from the scenario's shape (the workload does not measure demand; the engine does).
func (w *Workload) expectedPerMinute(ch *channelState, sku int, at int64) float64 {
	k := slices.Index(w.sc.rankAll, sku)
	var sum float64
	for _, v := range ch.Hourly {
		sum += v
	}
	perDay := float64(w.sc.OrdersPerDay) * ch.Share * meanOrderLines * 1.27 * zipfWeights(len(w.sc.rankAll))[k]
	return perDay * ch.Hourly[w.localMinute(at)/60] / sum / 60
}

// emitHold puts all but about stockoutCover of sales of the position on a quality hold and
// expects the replacement purchase order; the receipt arrives at the incident's end.
func (w *Workload) emitHold(a *action, in *incident) []depot.Command {
	p := w.position(in.SKU, in.Location)
	var ch *channelState
	for _, c := range w.channels {
		if c.ID == in.Channel {
			ch = c
		}
	}
	keep := max(2, int64(math.Ceil(w.expectedPerMinute(ch, in.skuIdx, a.at)*stockoutCover.Minutes())))
	qty := p.atp() - keep
	if qty < 5 || p.inbound > 0 {
		// Not enough stock to make a stockout of, or a receipt already due that may come first:
		// the incident does not take place (and is not in the ground truth).
		return nil
	}
	in.pos, in.applied, in.Units = p, true, qty
	in.End = w.quantise(a.at + int64(w.incBetween(stockoutLeadMin, stockoutLeadMax)))
	w.ids.hold++
	w.ids.po++
	in.ref = w.id("qpo", w.ids.po)
	w.schedule(&action{at: in.End, kind: actReceive, pos: p, qty: qty, ref: in.ref})
	w.schedule(&action{at: in.End, kind: actIncident, fresh: true, inc: in})
	return []depot.Command{
		&depot.Hold{Tenant: w.sc.Tenant, ID: w.id("qh", w.ids.hold), SKU: in.SKU, Location: in.Location, Delta: qty, Reason: "quality hold: supplier batch recalled"},
		&depot.ExpectInbound{Tenant: w.sc.Tenant, ID: in.ref, SKU: in.SKU, Location: in.Location, Qty: qty, ETA: in.End},
	}
}

// emitWriteOff ends a stockout incident: the held units are destroyed.
func (w *Workload) emitWriteOff(in *incident) []depot.Command {
	p := in.pos
	if p.held < in.Units || p.onHand-p.reserved-p.allocated < in.Units {
		return nil
	}
	w.ids.hold++
	w.ids.adjust++
	return []depot.Command{
		&depot.Hold{Tenant: w.sc.Tenant, ID: w.id("qh", w.ids.hold), SKU: in.SKU, Location: in.Location, Delta: -in.Units, Reason: "recalled batch released for destruction"},
		&depot.Adjust{Tenant: w.sc.Tenant, ID: w.id("wo", w.ids.adjust), SKU: in.SKU, Location: in.Location, Delta: -in.Units, Reason: "recalled batch destroyed"},
	}
}

// channelDown reports whether an outage silences ch at t; the order is then lost.
func (w *Workload) channelDown(ch *channelState, t int64) bool {
	for _, in := range w.inc.all {
		if in.Kind == IncidentChannelOutage && in.Channel == ch.ID && t >= in.Start && t < in.End {
			in.dropped++
			return true
		}
	}
	return false
}

// spikeLines adds the line of every spiking SKU to an order of ch at t, with the incident's
// chance for the channel (quick orders take it at their dark store).
func (w *Workload) spikeLines(ch *channelState, t int64, loc string, lines []depot.ReserveLine) []depot.ReserveLine {
	for _, in := range w.inc.all {
		if (in.Kind != IncidentDemandSpike && in.Kind != IncidentAdDrivenSpike) || t < in.Start || t >= in.End || in.addP[ch.idx] == 0 {
			continue
		}
		rng := w.inc.rng
		if in.Kind == IncidentAdDrivenSpike {
			rng = w.ads.rng
		}
		if rng.Float64() >= in.addP[ch.idx] || hasSKU(lines, in.SKU) || len(lines) >= depot.MaxLines {
			continue
		}
		in.dropped++
		lines = append(lines, depot.ReserveLine{SKU: in.SKU, Location: loc, Qty: int64(1 + pick(rng.Float64(), lineQtyWeights))})
	}
	return lines
}
