package carriers

// OnTimeScore is a service's learned probability of delivering by its promise, in basis points.
// It is an exponentially weighted moving average kept in integer fixed point (scoreFrac
// fractional bits below one basis point), so every replica computes the same score bit for bit.
// The zero value has no prior; use NewOnTimeScore.
type OnTimeScore struct {
	acc     int64 // basis points << scoreFrac
	samples uint32
}

// NewOnTimeScore returns a score starting at prior basis points (clamped to 0..BasisPoints).
func NewOnTimeScore(priorBP int32) OnTimeScore {
	if priorBP < 0 {
		priorBP = 0
	}
	if priorBP > BasisPoints {
		priorBP = BasisPoints
	}
	return OnTimeScore{acc: int64(priorBP) << scoreFrac}
}

// BP returns the score in basis points, rounded to nearest.
func (s OnTimeScore) BP() int32 {
	return int32((s.acc + 1<<(scoreFrac-1)) >> scoreFrac)
}

// Samples returns how many outcomes the score has observed.
func (s OnTimeScore) Samples() uint32 { return s.samples }

// Observe folds one delivery outcome into the score. Until the score has 2^EWMAShift samples
// the weight of an outcome is 1/(samples+2) (the prior counts as one sample): a running mean,
// so the first outcomes matter. Go's integer division truncates toward zero for both signs,
// which is deterministic; the fractional bits keep the truncation error below 1/65536 bp.
func (s *OnTimeScore) Observe(onTime bool) {
	var target int64
	if onTime {
		target = BasisPoints << scoreFrac
	}
	d := int64(s.samples) + 2
	if d > 1<<EWMAShift {
		d = 1 << EWMAShift
	}
	s.acc += (target - s.acc) / d
	if s.samples < ^uint32(0) {
		s.samples++
	}
}

// riskMarginMinutes is the slack added to a service's maximum transit in proportion to how
// often it is late: a service on time 90% of the time gets a tenth of its maximum transit added.
// Rounded up, so any lateness at all costs at least a minute.
func riskMarginMinutes(transitMaxMinutes int64, onTimeBP int32) int64 {
	miss := int64(BasisPoints - onTimeBP)
	if miss <= 0 {
		return 0
	}
	return ceilDiv(transitMaxMinutes*miss, BasisPoints)
}
