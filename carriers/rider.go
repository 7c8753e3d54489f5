package carriers

// RiderConfig describes a dark store's rider fleet.
type RiderConfig struct {
	// Location is the dark store the fleet rides from.
	Location string
	// SlotMinutes is the length of a dispatch slot; 0 means DefaultSlotMinutes. It must divide
	// a day evenly so slots line up with local days for every offset.
	SlotMinutes int64
	// RidersPerSlot is how many orders the fleet can dispatch in one slot.
	RidersPerSlot int32
	// SpeedMPerMin is the riders' average speed; 0 means DefaultRiderSpeedMPerMin.
	SpeedMPerMin int64
	// HandoverMinutes is added to every ride for parking, stairs and handover.
	HandoverMinutes int64
}

// RiderFleet books rider capacity per time slot for quick orders. Slots are numbered absolutely
// (slot k starts at k*SlotMinutes minutes after the unix epoch), and the fleet remembers the
// counts of the last MaxRiderSlots slots it touched in a ring. A ring entry is reused for a later
// slot only once that later slot is booked; a request for a slot whose entry already belongs to a
// later slot is treated as full, so the ring can make the fleet refuse work but never overbook.
type RiderFleet struct {
	cfg       RiderConfig
	slotNanos int64
	ring      [MaxRiderSlots]slotCount
}

type slotCount struct {
	slot int64
	used int32
}

// RiderBooking is the slot a quick order's rider leaves in and when it arrives.
type RiderBooking struct {
	// Slot is the absolute slot number; pass it to Release to give the capacity back.
	Slot int64
	// DepartAt is the later of readyAt and the slot's start; ArriveAt adds the ride.
	DepartAt int64
	ArriveAt int64
	// RideMinutes is the ride time from the distance, speed and handover.
	RideMinutes int64
	// AtRisk is set when ArriveAt is after deliverBy.
	AtRisk bool
}

// NewRiderFleet validates cfg and returns an empty fleet.
func NewRiderFleet(cfg RiderConfig) (*RiderFleet, error) {
	if cfg.SlotMinutes == 0 {
		cfg.SlotMinutes = DefaultSlotMinutes
	}
	if cfg.SpeedMPerMin == 0 {
		cfg.SpeedMPerMin = DefaultRiderSpeedMPerMin
	}
	switch {
	case cfg.Location == "" || len(cfg.Location) > MaxIDLen:
		return nil, &ConfigError{Field: "rider.location", Reason: "must be 1 to MaxIDLen bytes"}
	case cfg.SlotMinutes < 1 || DayMinutes%cfg.SlotMinutes != 0:
		return nil, &ConfigError{Field: "rider.slot_minutes", Reason: "must divide a day"}
	case cfg.RidersPerSlot < 1 || cfg.RidersPerSlot > MaxRidersPerSlot:
		return nil, &ConfigError{Field: "rider.riders_per_slot", Reason: "must be 1..MaxRidersPerSlot"}
	case cfg.SpeedMPerMin < 1:
		return nil, &ConfigError{Field: "rider.speed_m_per_min", Reason: "must be positive"}
	case cfg.HandoverMinutes < 0 || cfg.HandoverMinutes > DayMinutes:
		return nil, &ConfigError{Field: "rider.handover_minutes", Reason: "must be 0..1440"}
	}
	f := &RiderFleet{cfg: cfg, slotNanos: cfg.SlotMinutes * MinuteNanos}
	for i := range f.ring {
		f.ring[i].slot = -1 << 62 // older than any real slot
	}
	return f, nil
}

// Config returns the fleet's configuration with defaults filled in.
func (f *RiderFleet) Config() RiderConfig { return f.cfg }

// RideMinutes returns the ride time for a distance: distance over speed, rounded up, plus the
// handover.
func (f *RiderFleet) RideMinutes(distanceM int64) int64 {
	if distanceM < 0 {
		distanceM = 0
	}
	return ceilDiv(distanceM, f.cfg.SpeedMPerMin) + f.cfg.HandoverMinutes
}

// SlotOf returns the absolute slot containing instant t.
func (f *RiderFleet) SlotOf(t int64) int64 { return floorDiv(t, f.slotNanos) }

// Used returns the orders booked in slot, or -1 if the ring no longer (or not yet) holds it.
func (f *RiderFleet) Used(slot int64) int32 {
	e := &f.ring[floorMod(slot, MaxRiderSlots)]
	switch {
	case e.slot == slot:
		return e.used
	case e.slot < slot:
		return 0
	}
	return -1
}

// Book reserves a rider in the first slot at or after readyAt's slot with capacity left and
// returns it; AtRisk says the ride arrives after deliverBy (0 means no promise). The search
// spans MaxRiderSlots slots; ErrNoRider if all are full.
func (f *RiderFleet) Book(readyAt, deliverBy, distanceM int64) (RiderBooking, error) {
	first := f.SlotOf(readyAt)
	ride := f.RideMinutes(distanceM)
	for k := int64(0); k < MaxRiderSlots; k++ {
		slot := first + k
		e := &f.ring[floorMod(slot, MaxRiderSlots)]
		if e.slot > slot {
			continue // the entry belongs to a later slot: unknown here, so treated as full
		}
		if e.slot < slot {
			e.slot, e.used = slot, 0
		}
		if e.used >= f.cfg.RidersPerSlot {
			continue
		}
		e.used++
		depart := slot * f.slotNanos
		if depart < readyAt {
			depart = readyAt
		}
		b := RiderBooking{Slot: slot, DepartAt: depart, ArriveAt: depart + ride*MinuteNanos, RideMinutes: ride}
		b.AtRisk = deliverBy != 0 && b.ArriveAt > deliverBy
		return b, nil
	}
	return RiderBooking{}, ErrNoRider
}

// Release gives back one booking of slot (a cancelled quick order) and reports whether the ring
// still held it.
func (f *RiderFleet) Release(slot int64) bool {
	e := &f.ring[floorMod(slot, MaxRiderSlots)]
	if e.slot != slot || e.used == 0 {
		return false
	}
	e.used--
	return true
}
