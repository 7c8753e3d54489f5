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
	// CutoffMinute is the local minute of day (1..1440) at which the carrier collects; a parcel
	// must be ready by then to leave that day. Cutoffs override it per location.
	CutoffMinute int32
	// Cutoffs holds per-location pickup times, overriding CutoffMinute.
	Cutoffs []Cutoff
	// Days are the local weekdays on which the carrier collects.
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
// whose local clock runs utcOffsetMinutes ahead of UTC: the first operating day whose cutoff
// instant is not before readyAt. It returns false if none falls within MaxPickupSearchDays.
func (s *Service) NextPickup(location string, utcOffsetMinutes int32, readyAt int64) (int64, bool) {
	day, _ := LocalDay(readyAt, utcOffsetMinutes)
	return s.nextPickup(location, utcOffsetMinutes, readyAt, day, Weekday(day))
}

// nextPickup is NextPickup with the local day of readyAt and its weekday already computed, so a
// Selector divides once per shipment rather than once per service and day.
func (s *Service) nextPickup(location string, utcOffsetMinutes int32, readyAt, day int64, wd int) (int64, bool) {
	at := DayStart(day, utcOffsetMinutes) + int64(s.cutoffAt(location))*MinuteNanos
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
