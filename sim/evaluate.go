package sim

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
	"github.com/depothq/depot/intel"
)

// The evaluation of operational intelligence against ground truth: simulated days with labelled
// incidents, run through the engine in process, their events fed to an intel projection, and the
// alerts it opens matched to the incidents.
//
// Matching: an alert matches an incident when its kind is the incident's Alert, its subject
// names the incident's subject (the SKU for a spike, on the incident's channel or network-wide;
// the channel for an outage; the location for drift; the SKU and location for a stockout), and
// it opened in [Start, End + EvalGrace). An incident is detected by its first matching alert;
// the delay is that alert's opening time minus Start. Precision counts, per alert kind, the
// alerts that match some incident over all alerts of that kind opened during the run; an alert
// matched to nothing is a false positive, whatever its cause.
//
// Stockouts also happen without an injected incident (dark stores sell out at dinner before their
// transfer arrives), and an alert predicting one is right, not false. So stockout alerts get a
// second, outcome-based precision: an unmatched alert is confirmed when the engine's own events
// show its position with nothing available (available <= 0) at some moment between the alert and
// the position's next receipt. The evaluation tracks that from the events itself, independently
// of the projection. Both figures are reported; the strict one never counts confirmations.

// EvalGrace is how long after an incident ends an alert still counts as catching it: detectors
// integrate evidence, so the last minutes of an incident are reported shortly after it.
const EvalGrace = 10 * time.Minute

// EvalConfig configures EvaluateIntel.
type EvalConfig struct {
	// Seeds are the seeds of the simulated days, one run each.
	Seeds []int64
	// Business is the simulated business (its Seed is replaced by each seed).
	Business Config
	// Plan is the incidents per day (default DefaultIncidentPlan).
	Plan *IncidentPlan
	// Intel configures the projection; a zero DefaultLeadTime takes the scenario's slowest
	// replenishment lead time (Scenario.MaxLeadTime).
	Intel intel.Config
	// Kinds are the incident kinds evaluated (default all): the plan's incidents of other kinds
	// are not injected, their alerts are not scored, and a run left without incidents is not run.
	Kinds []IncidentKind
	// OnRun, if set, is called after each seed's runs with its own report.
	OnRun func(seed int64, r *EvalReport)
}

// EvalReport is the outcome of an evaluation.
type EvalReport struct {
	Seeds []int64 `json:"seeds"`
	// Kinds is per incident kind, in IncidentKinds order.
	Kinds []KindScore `json:"kinds"`
	// Other counts alerts of kinds no incident is labelled for, by kind: not scored.
	Other map[string]int `json:"other_alerts"`
	// Events, Commands and SimDuration describe the work; Wall is the time it took.
	Events      int64         `json:"events"`
	Commands    int64         `json:"commands"`
	SimDuration time.Duration `json:"sim_duration_ns"`
	Wall        time.Duration `json:"wall_ns"`
	// Misses and FalsePositives list the incidents not detected and the unmatched alerts, for
	// diagnosis.
	Misses         []Incident  `json:"misses,omitempty"`
	FalsePositives []EvalAlert `json:"false_positives,omitempty"`
}

// KindScore is the score of one incident kind.
type KindScore struct {
	Incident IncidentKind `json:"incident"`
	Alert    string       `json:"alert"`
	// Incidents and Detected count ground truth and the incidents caught; Recall is their ratio.
	Incidents int     `json:"incidents"`
	Detected  int     `json:"detected"`
	Recall    float64 `json:"recall"`
	// Alerts counts the alerts of the kind opened, Matched those that match an incident;
	// Precision is their ratio (1 when no alert was opened).
	Alerts    int     `json:"alerts"`
	Matched   int     `json:"matched"`
	Precision float64 `json:"precision"`
	// Confirmed counts unmatched alerts whose prediction the outcome confirmed (stockouts only);
	// PrecisionConfirmed is (Matched + Confirmed) / Alerts.
	Confirmed          int     `json:"confirmed"`
	PrecisionConfirmed float64 `json:"precision_confirmed"`
	// MedianDelay and MaxDelay are over the detected incidents (simulated time).
	MedianDelay time.Duration   `json:"median_delay_ns"`
	MaxDelay    time.Duration   `json:"max_delay_ns"`
	delays      []time.Duration `json:"-"`
}

// EvalAlert is an alert as the evaluation saw it open.
type EvalAlert struct {
	Seed int64 `json:"seed"`
	// Kind is the alert's kind, with its cause for demand spikes (demand_spike/organic or
	// demand_spike/ad_driven: the cause as it stood when the alert resolved or the run ended).
	Kind     string `json:"kind"`
	ID       uint64 `json:"id"`
	Campaign string `json:"campaign,omitempty"`
	Subject  string `json:"subject"`
	SKU      string `json:"sku,omitempty"`
	Location string `json:"location,omitempty"`
	Channel  string `json:"channel,omitempty"`
	OpenedAt int64  `json:"opened_at"`
	// Evidence is the alert's evidence when it opened, rendered as name=value pairs.
	Evidence string `json:"evidence,omitempty"`
}

// EvaluateIntel runs every seed and scores the alerts against the incidents.
func EvaluateIntel(ctx context.Context, ec EvalConfig) (*EvalReport, error) {
	started := time.Now()
	total := newEvalReport()
	for _, seed := range ec.Seeds {
		r, err := evaluateSeed(ctx, ec, seed)
		if err != nil {
			return nil, err
		}
		if ec.OnRun != nil {
			ec.OnRun(seed, r)
		}
		total.merge(r)
	}
	total.finish()
	total.Wall = time.Since(started)
	return total, nil
}

func newEvalReport() *EvalReport {
	r := &EvalReport{Other: map[string]int{}}
	for _, k := range IncidentKinds() {
		r.Kinds = append(r.Kinds, KindScore{Incident: k, Alert: k.Alert()})
	}
	return r
}

func (r *EvalReport) merge(o *EvalReport) {
	r.Seeds = append(r.Seeds, o.Seeds...)
	for i := range r.Kinds {
		k, ok := &r.Kinds[i], &o.Kinds[i]
		k.Incidents += ok.Incidents
		k.Detected += ok.Detected
		k.Alerts += ok.Alerts
		k.Matched += ok.Matched
		k.Confirmed += ok.Confirmed
		k.delays = append(k.delays, ok.delays...)
	}
	for n, c := range o.Other {
		r.Other[n] += c
	}
	r.Events += o.Events
	r.Commands += o.Commands
	r.SimDuration += o.SimDuration
	r.Misses = append(r.Misses, o.Misses...)
	r.FalsePositives = append(r.FalsePositives, o.FalsePositives...)
}

func (r *EvalReport) finish() {
	for i := range r.Kinds {
		k := &r.Kinds[i]
		k.Recall, k.Precision = 1, 1
		if k.Incidents > 0 {
			k.Recall = float64(k.Detected) / float64(k.Incidents)
		}
		k.PrecisionConfirmed = 1
		if k.Alerts > 0 {
			k.Precision = float64(k.Matched) / float64(k.Alerts)
			k.PrecisionConfirmed = float64(k.Matched+k.Confirmed) / float64(k.Alerts)
		}
		slices.Sort(k.delays)
		k.MedianDelay, k.MaxDelay = 0, 0
		if n := len(k.delays); n > 0 {
			k.MedianDelay = k.delays[n/2]
			if n%2 == 0 {
				k.MedianDelay = (k.delays[n/2-1] + k.delays[n/2]) / 2
			}
			k.MaxDelay = k.delays[n-1]
		}
	}
}

// evaluateSeed runs one seed: the business's day with the plan's incidents and, unless the
// business is orchestrated already, a second run of the same business with orchestrated orders
// for the lane delays alone (laneRun), concurrently; the ledger-level flow's shipments name no
// carrier, and the other incidents act on that flow's seams.
func evaluateSeed(ctx context.Context, ec EvalConfig, seed int64) (*EvalReport, error) {
	plan := DefaultIncidentPlan()
	if ec.Plan != nil {
		plan = *ec.Plan
	}
	plan = plan.only(ec.Kinds)
	scored := map[string]bool{}
	for _, k := range IncidentKinds() {
		if len(ec.Kinds) == 0 || slices.Contains(ec.Kinds, k) {
			scored[k.Alert()] = true
		}
	}
	if ec.Business.Orchestrate {
		return evaluateRun(ctx, ec, seed, ec.Business, plan, scored)
	}
	lanes := plan.LaneDelays
	plan.LaneDelays = 0
	// The two runs share nothing (each has its engine, projection and workload), so the lane
	// run goes alongside; their reports merge in a fixed order.
	var lane *EvalReport
	var laneErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		if lanes > 0 {
			lane, laneErr = evaluateRun(ctx, ec, seed, laneRun(ec.Business), laneRunPlan(plan, lanes),
				map[string]bool{IncidentLaneDelay.Alert(): true})
		}
	}()
	r := newEvalReport()
	var err error
	if plan.any() {
		var m *EvalReport
		if m, err = evaluateRun(ctx, ec, seed, ec.Business, plan, scored); err == nil {
			r.merge(m)
		}
	}
	<-done
	if err == nil {
		err = laneErr
	}
	if err != nil {
		return nil, err
	}
	if lane != nil {
		r.merge(lane)
	}
	r.Seeds = []int64{seed}
	return r, nil
}

// laneRun is the business of a lane delay run: the same business with orchestrated orders, so
// that parcels name their carrier and are tracked to delivery.
func laneRun(b Config) Config {
	b.Orchestrate = true
	return b
}

// laneRunPlan is the plan of a lane delay run: its lane delays alone, in the plan's hours.
func laneRunPlan(p IncidentPlan, lanes int) IncidentPlan {
	return IncidentPlan{LaneDelays: lanes, FirstHour: p.FirstHour, LastHour: p.LastHour}
}

// evaluateRun runs one seed of one business with a plan and scores the alerts of the scored
// kinds (by alert name) against its incidents.
func evaluateRun(ctx context.Context, ec EvalConfig, seed int64, cfg Config, plan IncidentPlan, scored map[string]bool) (*EvalReport, error) {
	cfg.Seed = seed
	w, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if err := w.InjectIncidents(plan); err != nil {
		return nil, err
	}
	var opened []EvalAlert
	byID := map[uint64]int{}
	icfg := ec.Intel
	if icfg.DefaultLeadTime == 0 {
		// The business's replenishment lead time, as its operator would configure it: the
		// slowest location's.
		icfg.DefaultLeadTime = int64(w.Scenario().MaxLeadTime())
	}
	if icfg.UTCOffset == 0 {
		// Hours of day are the city's: its channels' seasonality follows local time.
		icfg.UTCOffset = int64(w.Scenario().City.UTCOffsetSeconds)
	}
	in := intel.New(intel.Options{Config: icfg, OnChange: func(c intel.Change) {
		a := c.Alert
		switch c.To {
		case intel.StateOpen:
			byID[a.ID] = len(opened)
			opened = append(opened, EvalAlert{Seed: seed, Kind: evalKind(&a), ID: a.ID, Campaign: a.Campaign, Subject: a.Subject, SKU: a.SKU,
				Location: a.Location, Channel: a.Channel, OpenedAt: a.OpenedAt, Evidence: evidenceString(a.Evidence)})
		case intel.StateResolved:
			// A spike's cause may be learnt after it opened (the campaign's next report).
			if i, ok := byID[a.ID]; ok {
				opened[i].Kind = evalKind(&a)
			}
		}
	}})
	for _, s := range w.Scenario().SKUs {
		in.SetPrice(w.Scenario().Tenant, s.ID, s.PriceMinor)
	}
	clock := NewClock(w.Start())
	d := &intelDriver{eng: engine.New(), clock: clock, intel: in, outcome: outcomes{}}
	if err := (&Runner{Driver: d, Workload: w, Clock: clock}).Run(ctx); err != nil {
		return nil, err
	}
	for _, a := range in.ActionQueue(w.Scenario().Tenant, 0) {
		if i, ok := byID[a.ID]; ok {
			opened[i].Kind = evalKind(&a)
		}
	}
	r := newEvalReport()
	r.Seeds = []int64{seed}
	r.Events, r.Commands, r.SimDuration = d.events, int64(d.seq), time.Duration(w.End()-w.Start())
	score(r, seed, w.Incidents(), opened, d.outcome, scored)
	return r, nil
}

// score matches alerts to incidents. Alerts of a kind an incident is labelled for but not
// scored (scored names the alert kinds that are) are left out.
func score(r *EvalReport, seed int64, incidents []Incident, opened []EvalAlert, out outcomes, scored map[string]bool) {
	byAlert := map[string]int{}
	for i := range r.Kinds {
		byAlert[r.Kinds[i].Alert] = i
	}
	matched := make([]bool, len(opened))
	for _, inc := range incidents {
		if !scored[inc.Alert] {
			continue
		}
		k := &r.Kinds[byAlert[inc.Alert]]
		k.Incidents++
		first := int64(-1)
		for j, a := range opened {
			if a.Kind != inc.Alert || a.OpenedAt < inc.Start || a.OpenedAt >= inc.End+int64(EvalGrace) || !subjectMatches(&inc, &a) {
				continue
			}
			matched[j] = true
			if first < 0 || a.OpenedAt < first {
				first = a.OpenedAt
			}
		}
		if first >= 0 {
			k.Detected++
			k.delays = append(k.delays, time.Duration(first-inc.Start))
		} else {
			r.Misses = append(r.Misses, inc)
		}
	}
	for j, a := range opened {
		i, ok := byAlert[a.Kind]
		if !ok {
			r.Other[a.Kind]++
			continue
		}
		if !scored[a.Kind] {
			continue
		}
		r.Kinds[i].Alerts++
		switch {
		case matched[j]:
			r.Kinds[i].Matched++
		case a.Kind == IncidentStockoutBeforeReceipt.Alert() && out.confirms(a.SKU, a.Location, a.OpenedAt):
			r.Kinds[i].Confirmed++
		default:
			r.FalsePositives = append(r.FalsePositives, a)
		}
	}
}

// evalKind is the label an alert is scored under: its kind, and for a demand spike its cause.
func evalKind(a *intel.Alert) string {
	if a.Kind == intel.KindDemandSpike {
		return a.Kind.String() + "/" + a.Cause
	}
	return a.Kind.String()
}

// subjectMatches reports whether an alert names an incident's subject.
func subjectMatches(inc *Incident, a *EvalAlert) bool {
	switch inc.Kind {
	case IncidentAdSpendOutOfStock:
		return a.SKU == inc.SKU && a.Channel == inc.Channel && a.Campaign == inc.Campaign
	case IncidentDemandSpike, IncidentAdDrivenSpike:
		return a.SKU == inc.SKU && (a.Channel == "" || inc.Channel == "" || a.Channel == inc.Channel)
	case IncidentChannelOutage:
		return a.Channel == inc.Channel
	case IncidentInventoryDrift, IncidentNodeSlowdown:
		return a.Location == inc.Location
	case IncidentStockoutBeforeReceipt:
		return a.SKU == inc.SKU && a.Location == inc.Location
	case IncidentLaneDelay:
		return a.Subject == inc.Carrier+"/"+inc.Service+"@"+inc.Location
	}
	return false
}

// intelDriver applies commands to an engine in process, stamped with the simulated clock, and
// feeds every result to the intel projection in sequence order: the events, and the refused
// reserves (which leave no event).
type intelDriver struct {
	eng     *engine.Engine
	clock   *Clock
	intel   *intel.Intel
	seq     uint64
	events  int64
	outcome outcomes
}

// Submit implements Driver.
func (d *intelDriver) Submit(ctx context.Context, cmd depot.Command) (depot.Result, error) {
	rs, err := d.SubmitBatch(ctx, []depot.Command{cmd})
	if err != nil {
		return depot.Result{}, err
	}
	return rs[0], nil
}

// SubmitBatch implements Driver.
func (d *intelDriver) SubmitBatch(_ context.Context, cmds []depot.Command) ([]depot.Result, error) {
	out := make([]depot.Result, len(cmds))
	now := d.clock.Now()
	for i, c := range cmds {
		d.seq++
		res := d.eng.Apply(&depot.Envelope{Seq: d.seq, Time: now, Cmd: c})
		// The engine reuses its event buffer on the next Apply: copy before keeping.
		res.Events = slices.Clone(res.Events)
		d.events += int64(len(res.Events))
		d.intel.ApplyAll(res.Events)
		d.outcome.apply(res.Events)
		if res.Rejection != nil {
			if rsv, ok := c.(*depot.Reserve); ok {
				d.intel.ObserveRejection(&intel.Rejection{Tenant: rsv.Tenant, Channel: rsv.Channel, Time: now,
					Code: res.Rejection.Code, Shortfalls: res.Rejection.Shortfalls, Lines: rsv.Lines})
			}
		}
		out[i] = res
	}
	return out, nil
}

// Stats implements Driver.
func (d *intelDriver) Stats(context.Context) (Stats, error) {
	return Stats{DurableSeq: d.seq, Ledger: d.eng.Ledger().Stats()}, nil
}

// Format renders the report as a table.
func (r *EvalReport) Format() string {
	var b []byte
	b = fmt.Appendf(b, "%d seeds, %s simulated, %d commands, %d events, %s wall\n\n", len(r.Seeds), r.SimDuration,
		r.Commands, r.Events, r.Wall.Round(time.Millisecond))
	b = fmt.Appendf(b, "%-24s %-24s %9s %9s %7s %7s %8s %9s %11s %12s %12s\n", "incident", "alert", "incidents", "detected", "recall",
		"alerts", "matched", "precision", "confirmed", "median delay", "max delay")
	for _, k := range r.Kinds {
		b = fmt.Appendf(b, "%-24s %-24s %9d %9d %7.3f %7d %8d %9.3f %11s %12s %12s\n", k.Incident, k.Alert, k.Incidents, k.Detected,
			k.Recall, k.Alerts, k.Matched, k.Precision, confirmedCell(&k), k.MedianDelay.Round(time.Second), k.MaxDelay.Round(time.Second))
	}
	b = append(b, "\nprecision counts only alerts matched to injected incidents; confirmed (stockouts only) adds\nunmatched alerts whose position really ran out before its next receipt: their count, then precision.\n"...)
	if len(r.Other) > 0 {
		names := make([]string, 0, len(r.Other))
		for n := range r.Other {
			names = append(names, n)
		}
		sort.Strings(names)
		b = append(b, "\nalerts of kinds without labelled incidents (not scored):"...)
		for _, n := range names {
			b = fmt.Appendf(b, " %s=%d", n, r.Other[n])
		}
		b = append(b, '\n')
	}
	return string(b)
}

// evidenceString renders evidence compactly for diagnosis.
func evidenceString(e intel.Evidence) string {
	var b []byte
	for i, m := range e.Values {
		if i > 0 {
			b = append(b, ' ')
		}
		b = fmt.Appendf(b, "%s=%.4g", m.Name, m.Value)
	}
	return string(b)
}

// outcomes is the evaluation's own record of when each position had nothing available and when
// its receipts arrived, from the engine's events.
type outcomes map[posKey]*outcome

type outcome struct {
	available int64
	outSince  int64      // when available last fell to <= 0 (0: not out)
	outs      [][2]int64 // closed intervals of being out
	receipts  []int64    // times of receipts against an expected inbound
}

func (o outcomes) apply(events []depot.Event) {
	for i := range events {
		ev := &events[i]
		if ev.SKU == "" || ev.Location == "" {
			continue
		}
		var delta int64
		switch ev.Kind {
		case depot.EventReceived, depot.EventAdjusted, depot.EventCounted, depot.EventReleased, depot.EventExpired,
			depot.EventDeallocated:
			delta = ev.Qty
		case depot.EventHeld, depot.EventReserved, depot.EventAllocated:
			delta = -ev.Qty
		case depot.EventReturned:
			if len(ev.Reason) >= 7 && ev.Reason[:7] == "restock" {
				delta = ev.Qty
			}
		default:
			continue
		}
		k := posKey{ev.SKU, ev.Location}
		p := o[k]
		if p == nil {
			p = &outcome{}
			o[k] = p
		}
		wasOut := p.outSince != 0
		p.available += delta
		switch {
		case p.available <= 0 && !wasOut:
			p.outSince = ev.Time
		case p.available > 0 && wasOut:
			p.outs = append(p.outs, [2]int64{p.outSince, ev.Time})
			p.outSince = 0
		}
		if ev.Kind == depot.EventReceived && ev.Reason != "" {
			p.receipts = append(p.receipts, ev.Time)
		}
	}
}

// confirms reports whether the position had nothing available at some moment in [at, its next
// receipt after at).
func (o outcomes) confirms(sku, loc string, at int64) bool {
	p := o[posKey{sku, loc}]
	if p == nil {
		return false
	}
	until := int64(1<<63 - 1)
	for _, r := range p.receipts {
		if r > at {
			until = r
			break
		}
	}
	for _, iv := range p.outs {
		if iv[0] < until && iv[1] > at {
			return true
		}
	}
	return p.outSince != 0 && p.outSince < until
}

func confirmedCell(k *KindScore) string {
	if k.Incident != IncidentStockoutBeforeReceipt {
		return "-"
	}
	return fmt.Sprintf("%d %.3f", k.Confirmed, k.PrecisionConfirmed)
}
