package intel

import (
	"fmt"
	"math"

	"github.com/depothq/depot"
)

// cutoffRisk is a location's backlog against its next daily pick cutoff at one instant: what
// cannot be picked by then if the location keeps its 15-minute pace (units shipped per second).
type cutoffRisk struct {
	at         int64   // the next cutoff (ns since the epoch); 0: the location has none
	left       int64   // ns from now until then
	today      bool    // the cutoff falls later in the location's current local day
	backlog    float64 // units awaiting picking (at least 0)
	rate       float64 // units shipped per second, 15-minute rate
	unitsShort float64 // backlog left over at the cutoff at rate
	short      float64 // ns the backlog takes beyond the cutoff at rate; +Inf: nothing shipping
}

// locationDefined records a location's pick cutoff (Qty, local minute of day, 0 for none) and
// UTC offset (At, minutes) from its location_defined event, and re-judges its cutoff risk.
// Values outside the command's valid ranges (which the engine refuses) are taken as none.
func (in *Intel) locationDefined(t *tenant, ev *depot.Event, now int64) {
	l := in.location(t, ev.Location)
	if l == nil {
		return
	}
	cut, off := ev.Qty, ev.At
	if cut < 0 || cut > 1440 {
		cut = 0
	}
	if off < -depot.MaxUTCOffsetMinutes || off > depot.MaxUTCOffsetMinutes {
		off = 0
	}
	l.cutoff, l.utcOffset = int16(cut), int16(off)
	in.checkCutoff(t, l, now)
}

// cutoffRisk projects the location's backlog to its next cutoff at now: today's when the local
// time is before it, else tomorrow's. The projection assumes the 15-minute pace holds until the
// cutoff and counts only the backlog already there, not the work still to arrive.
func (l *locationSeries) cutoffRisk(now int64) cutoffRisk {
	if l.cutoff == 0 {
		return cutoffRisk{}
	}
	off := int64(l.utcOffset) * minuteNs
	local := now + off
	day := local - ((local%dayNs)+dayNs)%dayNs // local midnight, in local ns
	r := cutoffRisk{at: day + int64(l.cutoff)*minuteNs - off, today: true}
	if r.at <= now {
		r.at += dayNs
		r.today = false
	}
	n := &l.node
	r.left = r.at - now
	r.backlog = float64(max(n.backlog, 0))
	r.rate = n.unitsRate.rate(v15m, now, n.born)
	picked := r.rate * float64(r.left) / 1e9
	r.unitsShort = max(r.backlog-picked, 0)
	switch {
	case r.backlog == 0:
	case r.rate <= 0:
		r.short = math.Inf(1)
	default:
		r.short = max(r.backlog/r.rate*1e9-float64(r.left), 0)
	}
	return r
}

// checkCutoff raises cutoff_risk for a location whose backlog cannot be picked before today's
// cutoff at its current pace: the units left over reach CutoffMinUnits and the picking runs at
// least CutoffMinShort past the cutoff. It is judged only while the location is picking (a pick
// within nodeStaleNs, so a closed location or one that has not started its day raises nothing:
// without shipping hours the projection cannot tell those from a stop) and only against the
// cutoff of the current local day. It resolves when the backlog fits before the cutoff (the
// hysteresis between 0 and CutoffMinShort keeps it from flapping), when the cutoff passes, or
// when the location stops picking.
func (in *Intel) checkCutoff(t *tenant, l *locationSeries, now int64) {
	if l.cutoff == 0 && !l.atRisk {
		return
	}
	key := alertKey{kind: KindCutoffRisk, a: l.id}
	r := l.cutoffRisk(now)
	n := &l.node
	judged := r.at != 0 && r.today && n.picks > 0 && now-n.lastAt <= nodeStaleNs
	if l.atRisk {
		if !judged || r.unitsShort <= 0 || r.short <= 0 {
			in.resolve(t, key, now)
			l.atRisk = false
			return
		}
	} else if !judged || r.unitsShort < in.cfg.CutoffMinUnits || r.short < float64(in.cfg.CutoffMinShort) {
		return
	}
	drain := math.Inf(1)
	if r.rate > 0 {
		drain = r.backlog / r.rate * 1e9
	}
	f := finding{units: r.unitsShort, minor: int64(r.unitsShort * float64(t.meanPrice())), tti: r.left, window: halfLife15m,
		ev: [evidenceSlots]float64{r.backlog, perHour(r.rate), hours(r.left), hours(clampNs(drain)), r.unitsShort,
			hours(clampNs(r.short)), float64(l.cutoff), float64(l.utcOffset)}}
	if in.raise(t, key, &f, now) {
		l.atRisk = true
	}
}

// cutoffAction renders cutoff_risk's recommendation from its evidence.
func cutoffAction(a *alert, loc string) Action {
	cut := int64(a.ev[6])
	act := Action{Verb: "resource_orders", Location: loc, Qty: int64(math.Ceil(a.ev[4]))}
	if math.IsInf(a.ev[5], 1) {
		act.Text = fmt.Sprintf("Re-source orders away from %s or add pick capacity before cutoff: nothing shipped there in the last 15 minutes, and its backlog of %d units must be picked before its cutoff (%02d:%02d local) in %.1f h.",
			loc, int64(a.ev[0]), cut/60, cut%60, a.ev[2])
		return act
	}
	act.Text = fmt.Sprintf("Re-source orders away from %s or add pick capacity before cutoff: its backlog of %d units takes %.1f h at %.0f units per hour, and its cutoff (%02d:%02d local) is in %.1f h; %d units (%.1f h of picking) would miss it.",
		loc, int64(a.ev[0]), a.ev[3], a.ev[1], cut/60, cut%60, a.ev[2], act.Qty, a.ev[5])
	return act
}
