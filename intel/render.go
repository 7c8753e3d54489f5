package intel

import (
	"fmt"
	"math"
)

// Alert is an alert as read: its identity, lifecycle, impact, evidence and recommended action.
type Alert struct {
	ID       uint64 `json:"id"`
	Kind     Kind   `json:"kind"`
	Subject  string `json:"subject"`
	SKU      string `json:"sku,omitempty"`
	Location string `json:"location,omitempty"`
	Channel  string `json:"channel,omitempty"`
	Carrier  string `json:"carrier_service,omitempty"`
	Campaign string `json:"campaign,omitempty"`
	// Cause says why a demand spike happens: "ad_driven" when one of the SKU's campaigns on the
	// channel raised its spend (or launched) as it spiked, else "organic". Empty for other kinds.
	Cause string `json:"cause,omitempty"`
	State State  `json:"state"`
	// Severity is critical (impact within an hour or already happening), high (within 4 hours)
	// or medium.
	Severity   string `json:"severity"`
	OpenedAt   int64  `json:"opened_at"`
	UpdatedAt  int64  `json:"updated_at"`
	AckedAt    int64  `json:"acknowledged_at,omitempty"`
	ResolvedAt int64  `json:"resolved_at,omitempty"`
	Updates    uint32 `json:"updates"`
	// ImpactUnits and ImpactMinor are the units and the money (minor units; 0 when no price is
	// known) at stake; TimeToImpactNs is how long until the impact starts (0: now).
	ImpactUnits    float64  `json:"impact_units"`
	ImpactMinor    int64    `json:"impact_minor"`
	TimeToImpactNs int64    `json:"time_to_impact_ns"`
	Score          float64  `json:"score"`
	Evidence       Evidence `json:"evidence"`
	Action         Action   `json:"action"`
}

// Evidence is the numbers that justify an alert and the window they cover (0: cumulative since
// the detector's statistic last left zero).
type Evidence struct {
	WindowNs int64     `json:"window_ns"`
	Values   []Measure `json:"values"`
}

// Measure is one named number. A value that is unbounded (cover with no sales) reads -1.
type Measure struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

// Action is a recommended action: a verb, what it applies to, and a sentence for a person.
type Action struct {
	Verb     string `json:"verb"`
	SKU      string `json:"sku,omitempty"`
	From     string `json:"from,omitempty"`
	To       string `json:"to,omitempty"`
	Channel  string `json:"channel,omitempty"`
	Location string `json:"location,omitempty"`
	Campaign string `json:"campaign,omitempty"`
	Qty      int64  `json:"qty,omitempty"`
	Text     string `json:"text"`
}

// evidenceNames labels each kind's evidence values, in finding.ev order ("" ends the list).
var evidenceNames = [...][evidenceSlots][2]string{
	KindDemandSpike: {{"baseline_share", "ratio"}, {"recent_share", "ratio"}, {"share_multiple", "x"},
		{"cusum", "log-likelihood"}, {"velocity_15m", "units/h"}, {"network_available", "units"},
		{"ad_spend", "minor/h"}, {"ad_spend_multiple", "x"}},
	KindChannelSilent: {{"silence", "min"}, {"expected_interval", "s"}, {"expected_rate", "orders/h"},
		{"orders_missed", "orders"}, {"silence_limit", "min"}},
	KindStockoutBeforeReceipt: {{"available", "units"}, {"velocity_1h", "units/h"}, {"cover", "h"},
		{"next_receipt_in", "h"}, {"units_lost", "units"}, {"next_receipt_qty", "units"}},
	KindCountDrift: {{"counts", "counts"}, {"units_shrunk", "units"}, {"reference_k", "units/count"},
		{"cusum", "units"}, {"tenant_mean_shrink", "units/count"}},
	KindRejectionSurge: {{"rejection_ratio_15m", "ratio"}, {"rejection_ratio_4h", "ratio"}, {"limit", "ratio"},
		{"attempts_15m", "orders"}, {"rejections", "orders/h"}},
	KindCarrierDelay: {{"delays_1h", "shipments/h"}, {"on_time_score", "%"}, {"delays_total", "shipments"}},
	KindSLARisk:      {{"at_risk_1h", "orders/h"}, {"breached_total", "orders"}},
	KindCarrierLaneDelay: {{"on_time_recent", "%"}, {"on_time_baseline", "%"}, {"cusum", "log-likelihood"},
		{"settled_total", "shipments"}, {"stuck_now", "shipments"}, {"alternative_on_time", "%"},
		{"same_carrier_lanes_late", "lanes"}, {"same_origin_lanes_late", "lanes"}, {"running_late", "log-likelihood"}},
	KindNodeSlowdown: {{"pick_rate_15m", "shipments/h"}, {"pick_rate_usual", "shipments/h"}, {"pick_rate_ratio", "x"},
		{"backlog", "units"}, {"drain_at_current_rate", "h"}, {"drain_at_usual_rate", "h"}, {"cusum", "log-likelihood"},
		{"picks_total", "shipments"}},
	KindCutoffRisk: {{"backlog", "units"}, {"units_shipped_15m", "units/h"}, {"cutoff_in", "h"},
		{"drain_at_current_rate", "h"}, {"units_short", "units"}, {"time_short", "h"}, {"cutoff_local", "min of day"},
		{"utc_offset", "min"}},
	KindCancellationRate: {{"cancellation_rate_7d", "ratio"}, {"limit", "ratio"}, {"orders_7d", "orders"},
		{"cancelled_7d", "orders"}, {"orders_to_recover", "orders"}},
	KindLateShipmentRate: {{"late_shipment_rate_7d", "ratio"}, {"limit", "ratio"}, {"orders_7d", "orders"},
		{"late_7d", "orders"}, {"orders_to_recover", "orders"}},
	KindAdSpendOutOfStock: {{"ad_spend", "minor/h"}, {"channel_available_at_report", "units"}, {"out_of_stock_in_channel", "bool"},
		{"network_available", "units"}, {"cover", "h"}, {"lead_time", "h"}, {"lead_time_from_receipt", "bool"}, {"inbound", "units"}},
}

// render turns a stored alert into its read form.
func (in *Intel) render(t *tenant, a *alert, now int64) Alert {
	out := Alert{
		ID: a.id, Kind: a.key.kind, State: a.state, OpenedAt: a.openedAt, UpdatedAt: a.updatedAt,
		AckedAt: a.ackedAt, ResolvedAt: a.resolved, Updates: a.updates,
		ImpactUnits: finite(a.units), ImpactMinor: t.minor(a), TimeToImpactNs: a.tti, Score: finite(t.score(a)),
		Evidence: Evidence{WindowNs: a.window},
	}
	switch {
	case a.tti <= hourNs:
		out.Severity = "critical"
	case a.tti <= 4*hourNs:
		out.Severity = "high"
	default:
		out.Severity = "medium"
	}
	for i, n := range evidenceNames[a.key.kind] {
		if n[0] == "" {
			break
		}
		out.Evidence.Values = append(out.Evidence.Values, Measure{Name: n[0], Value: finite(a.ev[i]), Unit: n[1]})
	}
	switch a.key.kind {
	case KindDemandSpike:
		out.SKU = t.skus.name(a.key.a)
		out.Subject = out.SKU
		if a.key.b != noID {
			out.Channel = t.chans.name(a.key.b)
			out.Subject += "@" + out.Channel
		}
	case KindChannelSilent, KindRejectionSurge, KindCancellationRate, KindLateShipmentRate:
		out.Channel = t.chans.name(a.key.a)
		out.Subject = out.Channel
	case KindStockoutBeforeReceipt:
		out.SKU, out.Location = t.skus.name(a.key.a), t.locs.name(a.key.b)
		out.Subject = out.SKU + "@" + out.Location
	case KindCountDrift:
		out.Location = t.locs.name(a.key.a)
		out.Subject = out.Location
	case KindCarrierDelay:
		out.Carrier = t.svcs.name(a.key.a)
		out.Subject = out.Carrier
	case KindSLARisk:
		out.Subject = "orders"
	case KindCarrierLaneDelay:
		out.Carrier, out.Location = t.svcs.name(a.key.a), t.locs.name(a.key.b)
		out.Subject = out.Carrier + "@" + out.Location
	case KindNodeSlowdown, KindCutoffRisk:
		out.Location = t.locs.name(a.key.a)
		out.Subject = out.Location
	case KindAdSpendOutOfStock:
		out.Campaign, out.SKU = t.camps.name(a.key.a), t.skus.name(a.key.b)
		out.Subject = out.Campaign + "/" + out.SKU
		for _, i := range t.skuAdsOf(a.key.b) {
			if ad := &t.ads[i]; ad.campaign == a.key.a {
				out.Channel = t.chans.name(ad.ch)
				out.Subject += "@" + out.Channel
				break
			}
		}
	}
	if a.key.kind == KindDemandSpike {
		out.Cause = "organic"
		if a.cause == causeAdDriven {
			out.Cause = "ad_driven"
		}
	}
	out.Action = in.recommend(t, a, &out, now)
	return out
}

// finite maps a non-finite value to -1, JSON's stand-in for "unbounded".
func finite(v float64) float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return -1
	}
	return v
}

// recommend renders the action for an alert from the current state.
func (in *Intel) recommend(t *tenant, a *alert, out *Alert, now int64) Action {
	switch a.key.kind {
	case KindStockoutBeforeReceipt:
		from, qty := t.bestSource(in, a.key.a, a.key.b, int64(math.Ceil(a.units)), now)
		if from != "" {
			return Action{Verb: "transfer", SKU: out.SKU, From: from, To: out.Location, Qty: qty,
				Text: fmt.Sprintf("Transfer %d units of %s from %s to %s: it sells out in %.1f h, %.1f h before its next receipt.",
					qty, out.SKU, from, out.Location, a.ev[2], a.ev[3]-a.ev[2])}
		}
		return Action{Verb: "expedite_inbound", SKU: out.SKU, Location: out.Location, Qty: int64(math.Ceil(a.units)),
			Text: fmt.Sprintf("Expedite the next receipt of %s at %s (due in %.1f h) or raise channel buffers to ration the %d units left; no location has stock to spare.",
				out.SKU, out.Location, a.ev[3], int64(a.ev[0]))}
	case KindDemandSpike:
		where := "across all channels"
		if out.Channel != "" {
			where = "on " + out.Channel
		}
		if a.cause == causeAdDriven {
			return Action{Verb: "check_cover", SKU: out.SKU, Channel: out.Channel, Qty: int64(a.ev[5]),
				Text: fmt.Sprintf("Demand for %s %s runs at %.1fx its usual share, driven by ad spend of %.0f per hour (%.1fx its usual); %d units are available network-wide (%.1f h at %.0f units/h). Replenish before the campaign outruns the stock, or cap its budget.",
					out.SKU, where, a.ev[2], a.ev[6], a.ev[7], int64(a.ev[5]), hours(a.tti), a.ev[4])}
		}
		return Action{Verb: "check_cover", SKU: out.SKU, Channel: out.Channel, Qty: int64(a.ev[5]),
			Text: fmt.Sprintf("Demand for %s %s runs at %.1fx its usual share; %d units are available network-wide (%.1f h at %.0f units/h). Replenish, or raise buffers on other channels; if a campaign drives it, check stock before spending more.",
				out.SKU, where, a.ev[2], int64(a.ev[5]), hours(a.tti), a.ev[4])}
	case KindChannelSilent:
		return Action{Verb: "check_integration", Channel: out.Channel,
			Text: fmt.Sprintf("No orders from %s for %.0f min, one expected every %.0f s: check the channel integration (credentials, webhooks, listing status).",
				out.Channel, a.ev[0], a.ev[1])}
	case KindCountDrift:
		return Action{Verb: "recount", Location: out.Location, Qty: int64(a.ev[1]),
			Text: fmt.Sprintf("Counts at %s found %d units missing over %d counts (usual shrink %.2f units per count): recount its fast movers and look for shrinkage or mis-picks.",
				out.Location, int64(a.ev[1]), int64(a.ev[0]), a.ev[4])}
	case KindRejectionSurge:
		sku := ""
		if int(a.key.a) < len(t.channels) && t.channels[a.key.a].shortSKU != noID {
			sku = t.skus.name(t.channels[a.key.a].shortSKU)
		}
		return Action{Verb: "raise_availability", Channel: out.Channel, SKU: sku,
			Text: fmt.Sprintf("%.0f%% of %s's orders are refused for missing stock (usually %.0f%%), latest short SKU %q: add feeding locations or stock, or lower what the channel lists.",
				100*a.ev[0], out.Channel, 100*a.ev[1], sku)}
	case KindCarrierDelay:
		return Action{Verb: "switch_carrier",
			Text: fmt.Sprintf("%s delayed %.0f shipments in the last hour (on-time score %.1f%%): move its lanes to another service until it recovers.",
				out.Carrier, a.ev[0], a.ev[1])}
	case KindAdSpendOutOfStock:
		why := fmt.Sprintf("%s has nothing to sell on %s", out.SKU, out.Channel)
		if a.ev[2] == 0 {
			why = fmt.Sprintf("%s sells out in %.1f h, before it can be replenished (%.1f h)", out.SKU, a.ev[4], a.ev[5])
		}
		return Action{Verb: "pause_campaign", Campaign: out.Campaign, SKU: out.SKU, Channel: out.Channel,
			Text: fmt.Sprintf("Pause campaign %s: it spends %.0f per hour promoting %s, but %s; about %d is at stake until stock is back.",
				out.Campaign, a.ev[0], out.SKU, why, a.minor)}
	case KindCarrierLaneDelay:
		cluster := ""
		switch {
		case a.ev[6] > 0:
			cluster = fmt.Sprintf(" %s is also late on %d other lanes: a carrier-wide delay.", out.Carrier, int64(a.ev[6]))
		case a.ev[7] > 0:
			cluster = fmt.Sprintf(" %d other services are also late from %s: check the hand-over at the node.", int64(a.ev[7]), out.Location)
		}
		var to string
		if i, ok := t.laneIdx[pairKey(a.key.a, a.key.b)]; ok {
			if j, _ := t.bestLane(&t.lanes[i], in.cfg.LaneMinOutcomes); j >= 0 {
				to = t.svcs.name(t.lanes[j].svc)
			}
		}
		if to == "" {
			return Action{Verb: "switch_carrier", From: out.Carrier, Location: out.Location,
				Text: fmt.Sprintf("%s delivers %.0f%% on time from %s (usually %.0f%%, %d shipments stuck): move this lane to another service; none from %s has a better record yet.%s",
					out.Carrier, a.ev[0], out.Location, a.ev[1], int64(a.ev[4]), out.Location, cluster)}
		}
		return Action{Verb: "switch_carrier", From: out.Carrier, To: to, Location: out.Location,
			Text: fmt.Sprintf("Switch lane %s to %s: %s delivers %.0f%% on time from there (usually %.0f%%, %d shipments stuck), %s %.0f%%.%s",
				out.Location, to, out.Carrier, a.ev[0], a.ev[1], int64(a.ev[4]), to, a.ev[5], cluster)}
	case KindNodeSlowdown:
		return Action{Verb: "resource_orders", Location: out.Location, Qty: int64(a.ev[3]),
			Text: fmt.Sprintf("Re-source orders away from %s: it picks %.0f shipments per hour, usually %.0f; its backlog of %d units takes %.1f h at this pace (%.1f h at the usual). Pause new orders there or move unpicked ones to another node until it recovers.",
				out.Location, a.ev[0], a.ev[1], int64(a.ev[3]), a.ev[4], a.ev[5])}
	case KindCutoffRisk:
		return cutoffAction(a, out.Location)
	case KindCancellationRate:
		return Action{Verb: "raise_buffer", Channel: out.Channel,
			Text: fmt.Sprintf("%s cancelled %.1f%% of its orders over seven days (%d of %d), above the marketplace limit of %.1f%%: raise the channel's buffer or fix stock accuracy so it stops selling what it cannot ship; about %.0f more clean orders bring it back under.",
				out.Channel, 100*a.ev[0], int64(a.ev[3]), int64(a.ev[2]), 100*a.ev[1], a.ev[4])}
	case KindLateShipmentRate:
		return Action{Verb: "resource_orders", Channel: out.Channel,
			Text: fmt.Sprintf("%.1f%% of %s's orders missed their ship-by over seven days (%d of %d), above the marketplace limit of %.1f%%: re-source its orders to nodes with capacity, or promise later ship-by dates.",
				100*a.ev[0], out.Channel, int64(a.ev[3]), int64(a.ev[2]), 100*a.ev[1])}
	case KindSLARisk:
		return Action{Verb: "resource_orders",
			Text: fmt.Sprintf("%.0f orders per hour are projected to miss their promise: re-source them away from backlogged nodes or upgrade their service.", a.ev[0])}
	}
	return Action{}
}

// bestSource picks the location with the most stock to spare for a transfer of up to want units
// of sku to loc: spare is available stock beyond four hours of its own 1-hour velocity. Ties go
// to the position created first.
func (t *tenant) bestSource(in *Intel, sku, loc uint32, want int64, now int64) (string, int64) {
	if int(sku) >= len(t.skuPos) || want <= 0 {
		return "", 0
	}
	best, bestSpare := int32(-1), int64(0)
	for _, i := range t.skuPos[sku] {
		p := &t.positions[i]
		if p.loc == loc {
			continue
		}
		keep := int64(math.Ceil(p.vel.rate(v1h, now, p.born) * 4 * 3600))
		if spare := p.available() - keep; spare > bestSpare {
			best, bestSpare = i, spare
		}
	}
	if best < 0 {
		return "", 0
	}
	return t.locs.name(t.positions[best].loc), min(want, bestSpare)
}
