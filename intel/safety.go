package intel

import "math"

// demandVar is a position's demand per hour: an exponentially weighted mean and variance of the
// units sold in each clock hour (hours without a sale count as zero), over about ssWindowHours
// hours. It feeds safety stock and the reorder point (PositionView). 32 bytes.
type demandVar struct {
	bucket int32   // the open hour (event time / 1 h); 0: nothing sold yet
	n      uint32  // closed hours folded in
	units  float64 // units sold in the open hour
	mean   float64 // units per closed hour
	vari   float64 // their variance
}

// ssWindowHours is the hours the demand variance averages over (one week), and ssMaxGapHours
// the empty hours folded in one go: beyond a week of silence the estimate is all zeros anyway.
const (
	ssWindowHours = 168.0
	ssMaxGapHours = 168
)

// fold adds one closed hour of demand x.
func (d *demandVar) fold(x float64) {
	d.n++
	a := 1 / min(float64(d.n), ssWindowHours)
	diff := x - d.mean
	d.mean += a * diff
	d.vari = (1 - a) * (d.vari + a*diff*diff)
}

// advance closes the open hour and the empty hours after it up to the hour of now.
func (d *demandVar) advance(now int64) {
	h := int32(now / hourNs)
	if d.bucket == 0 {
		d.bucket = h
		return
	}
	if h <= d.bucket {
		return
	}
	d.fold(d.units)
	d.units = 0
	for i := int32(1); i < h-d.bucket && i <= ssMaxGapHours; i++ {
		d.fold(0)
	}
	d.bucket = h
}

// add records units sold at now.
func (d *demandVar) add(now int64, qty float64) {
	d.advance(now)
	d.units += qty
}

// safetyStock is a position's replenishment parameters at now: demand per hour (mean and
// standard deviation over the closed hours), the lead time L in hours (until the earliest
// pending receipt, or DefaultLeadTime when none is pending), the safety stock
// SS = z x sigma x sqrt(L) and the reorder point mean x L + SS. ok is false before two hours have
// closed.
type safetyStock struct {
	meanPerHour, sigmaPerHour, leadHours, units, reorderPoint float64
	ok                                                        bool
}

// safety computes a position's safety stock at now without changing it.
func (in *Intel) safety(p *position, now int64) safetyStock {
	d := p.dem
	d.advance(now)
	lead := in.cfg.DefaultLeadTime
	for _, r := range p.pending {
		if r.qty > 0 && r.eta > now {
			lead = r.eta - now
			break
		}
	}
	s := safetyStock{meanPerHour: d.mean, sigmaPerHour: math.Sqrt(max(d.vari, 0)), leadHours: float64(lead) / float64(hourNs), ok: d.n >= 2}
	s.units = in.cfg.ServiceZ * s.sigmaPerHour * math.Sqrt(s.leadHours)
	s.reorderPoint = s.meanPerHour*s.leadHours + s.units
	return s
}
