package carriers

// Service is one carrier service as data: how it prices, how long it takes, when it collects
// and how reliable it has been.
type Service struct {
	// Carrier and ID identify the service; the pair is unique within a Selector.
	Carrier string
	ID      string
	// Rates prices a parcel by lane and weight.
	Rates RateCard
	// Zones, for a card ByZone, is the carrier's zone chart: the lane's zone is looked up in it
	// from the shipment's location, country, postal code and distance. Without a chart the
	// shipment's Zone is used. Charts are immutable and may be shared between services.
	Zones *ZoneChart
	// TransitMinMinutes and TransitMaxMinutes bound the time from pickup to delivery. The
	// promise uses the maximum; the minimum is reported for the customer's delivery window.
	TransitMinMinutes int64
	TransitMaxMinutes int64
	// CutoffMinute is the local minute of day (1..1440) of the carrier's last collection; a
	// parcel must be ready by then to leave that day. Cutoffs override it per location.
	CutoffMinute int32
	// Cutoffs holds per-location pickup times, overriding CutoffMinute.
	Cutoffs []Cutoff
	// PickupEveryMinutes, when not zero, is the interval of the carrier's collections through
	// the day (couriers, same-day and express services call several times a day): every
	// PickupEveryMinutes from the local minute PickupFromMinute (0..1439) up to the cutoff,
	// which is always a collection. A window whose first collection comes after its cutoff runs
	// through midnight and belongs to the day it opens. Zero means one collection a day, at
	// the cutoff (PickupFromMinute must then be zero too).
	PickupEveryMinutes int32
	PickupFromMinute   int32
	// Days are the local weekdays on which the carrier collects (for a window running through
	// midnight, the days it opens).
	Days Weekdays
	// OnTime is the learned on-time score; a zero score (no prior, no samples) is replaced by
	// NewOnTimeScore(DefaultOnTimeBP) when the Selector is built.
	OnTime OnTimeScore

	// marginMinutes caches riskMarginMinutes of the current score; the Selector keeps it in
	// step with OnTime.
	marginMinutes int64
}

// Cutoff is the pickup minute of a service at one location.
type Cutoff struct {
	Location string
	Minute   int32
}

func (s *Service) validate() error {
	if s.Carrier == "" || len(s.Carrier) > MaxIDLen || s.ID == "" || len(s.ID) > MaxIDLen {
		return &ConfigError{Field: "service.id", Reason: "carrier and service ids must be 1 to MaxIDLen bytes"}
	}
	if err := s.Rates.validate(); err != nil {
		return err
	}
	if s.TransitMinMinutes < 0 || s.TransitMaxMinutes < s.TransitMinMinutes || s.TransitMaxMinutes > MaxTransitMinutes {
		return &ConfigError{Field: "service.transit", Reason: "need 0 <= min <= max <= MaxTransitMinutes"}
	}
	if !validMinute(s.CutoffMinute) {
		return &ConfigError{Field: "service.cutoff_minute", Reason: "must be 1..1440"}
	}
	if len(s.Cutoffs) > MaxCutoffs {
		return &ConfigError{Field: "service.cutoffs", Reason: "more than MaxCutoffs"}
	}
	for i := range s.Cutoffs {
		c := &s.Cutoffs[i]
		if c.Location == "" || len(c.Location) > MaxIDLen || !validMinute(c.Minute) {
			return &ConfigError{Field: "service.cutoffs", Reason: "needs a location id and a minute 1..1440"}
		}
		if i > 0 && s.Cutoffs[i-1].Location >= c.Location {
			return &ConfigError{Field: "service.cutoffs", Reason: "duplicate location"}
		}
	}
	if s.Days&Weekdays7 == 0 {
		return &ConfigError{Field: "service.days", Reason: "must name at least one weekday"}
	}
	switch {
	case s.PickupEveryMinutes == 0 && s.PickupFromMinute != 0:
		return &ConfigError{Field: "service.pickup_from_minute", Reason: "needs pickup_every_minutes"}
	case s.PickupEveryMinutes != 0 && (s.PickupEveryMinutes < MinPickupEveryMinutes || s.PickupEveryMinutes > MaxPickupEveryMinutes):
		return &ConfigError{Field: "service.pickup_every_minutes", Reason: "must be 0 or MinPickupEveryMinutes..MaxPickupEveryMinutes"}
	case s.PickupFromMinute < 0 || s.PickupFromMinute >= DayMinutes:
		return &ConfigError{Field: "service.pickup_from_minute", Reason: "must be 0..1439"}
	}
	return nil
}

func validMinute(m int32) bool { return m >= 1 && m <= DayMinutes }

// cutoffAt returns the pickup minute at a location (Cutoffs is sorted by location).
func (s *Service) cutoffAt(location string) int32 {
	lo, hi := 0, len(s.Cutoffs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.Cutoffs[m].Location < location {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(s.Cutoffs) && s.Cutoffs[lo].Location == location {
		return s.Cutoffs[lo].Minute
	}
	return s.CutoffMinute
}

// NextPickup returns the first pickup instant at or after readyAt for a parcel at location,
// whose local clock runs utcOffsetMinutes ahead of UTC: the first collection of an operating day
// that is not before readyAt (PickupSchedule). It returns false if none falls within
// MaxPickupSearchDays.
func (s *Service) NextPickup(location string, utcOffsetMinutes int32, readyAt int64) (int64, bool) {
	day, _ := LocalDay(readyAt, utcOffsetMinutes)
	return s.nextPickup(location, utcOffsetMinutes, readyAt, day, Weekday(day))
}

// nextPickup is NextPickup with the local day of readyAt and its weekday already computed, so a
// Selector divides once per shipment rather than once per service and day.
//
// A service collecting once a day is collected at its cutoff on the first operating day whose
// cutoff is not before readyAt. A service collecting through the day has a window per
// operating day, [from, cutoff], running through midnight when from comes after the cutoff;
// windows of consecutive days never overlap (a window is shorter than a day), so the first
// window that has not closed by readyAt holds the answer: its opening when readyAt is earlier,
// else the first collection of its grid at or after readyAt, or the cutoff that closes it. The
// search starts a day early for windows through midnight, whose previous day's window may still
// be open at readyAt. Every step is arithmetic: no collection is enumerated.
func (s *Service) nextPickup(location string, utcOffsetMinutes int32, readyAt, day int64, wd int) (int64, bool) {
	cut := int64(s.cutoffAt(location))
	if s.PickupEveryMinutes == 0 {
		at := DayStart(day, utcOffsetMinutes) + cut*MinuteNanos
		for k := 0; k < MaxPickupSearchDays; k++ {
			if s.Days.Has(wd) && at >= readyAt {
				return at, true
			}
			at += DayNanos
			if wd++; wd == 7 {
				wd = 0
			}
		}
		return 0, false
	}
	from, every := int64(s.PickupFromMinute), int64(s.PickupEveryMinutes)*MinuteNanos
	end, days := cut, MaxPickupSearchDays
	if cut < from {
		// The window runs through midnight: yesterday's may still be open.
		end += DayMinutes
		day, wd, days = day-1, (wd+6)%7, days+1
	}
	start := DayStart(day, utcOffsetMinutes)
	for k := 0; k < days; k++ {
		if s.Days.Has(wd) {
			first, last := start+from*MinuteNanos, start+end*MinuteNanos
			switch {
			case readyAt <= first:
				return first, true
			case readyAt <= last:
				at := first + ceilDiv(readyAt-first, every)*every
				return min(at, last), true
			}
		}
		start += DayNanos
		if wd++; wd == 7 {
			wd = 0
		}
	}
	return 0, false
}
