package carriers

// Exact state of the learned parts (on-time scores and rider slot counts), for the engine's
// snapshots: a restored engine must continue bit for bit, so the fixed-point accumulator is
// exported as is rather than rounded to basis points.

// State returns the score's accumulator (basis points with 16 fractional bits) and its sample
// count; OnTimeScoreFromState rebuilds the same score.
func (s OnTimeScore) State() (acc int64, samples uint32) { return s.acc, s.samples }

// OnTimeScoreFromState rebuilds a score from State. It reports false for an accumulator outside
// 0..100%, which no sequence of observations produces.
func OnTimeScoreFromState(acc int64, samples uint32) (OnTimeScore, bool) {
	if acc < 0 || acc > BasisPoints<<scoreFrac {
		return OnTimeScore{}, false
	}
	return OnTimeScore{acc: acc, samples: samples}, true
}

// SlotUse is one remembered slot of a rider fleet: the absolute slot and the riders booked in it.
type SlotUse struct {
	Slot int64
	Used int32
}

// AppendSlots appends the slots the fleet remembers (every ring entry ever touched) in ring
// order, which is a function of the slots alone; RestoreSlots rebuilds the same fleet.
func (f *RiderFleet) AppendSlots(dst []SlotUse) []SlotUse {
	for i := range f.ring {
		if e := &f.ring[i]; e.slot != untouchedSlot {
			dst = append(dst, SlotUse{Slot: e.slot, Used: e.used})
		}
	}
	return dst
}

// RestoreSlots loads slots written by AppendSlots into a fresh fleet. The slots must be in ring
// order with at most one per ring entry and counts within MaxRidersPerSlot (a fleet redefined
// with fewer riders may remember more bookings than it now allows; it books no more until they
// pass).
func (f *RiderFleet) RestoreSlots(slots []SlotUse) error {
	prev := int64(-1)
	for _, s := range slots {
		i := floorMod(s.Slot, MaxRiderSlots)
		if i <= prev || s.Slot == untouchedSlot || s.Used < 0 || s.Used > MaxRidersPerSlot {
			return &ConfigError{Field: "rider.slots", Reason: "out of ring order, duplicated or out of range"}
		}
		prev = i
		f.ring[i] = slotCount{slot: s.Slot, used: s.Used}
	}
	return nil
}

// untouchedSlot is the slot NewRiderFleet gives every ring entry: older than any real slot.
const untouchedSlot = -1 << 62
