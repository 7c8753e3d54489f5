package carriers

import "sort"

// Selector chooses a carrier service per shipment. It owns a validated copy of the services in
// canonical order (by carrier, then service id), so neither the order the caller listed them in
// nor later edits to the caller's slices can change a choice. It is not safe for concurrent use:
// Observe mutates the scores.
type Selector struct {
	services []Service
}

// NewSelector validates and copies services. Cutoffs are copied and sorted by location; a score
// with no prior and no samples starts at DefaultOnTimeBP.
func NewSelector(services []Service) (*Selector, error) {
	if len(services) == 0 || len(services) > MaxServices {
		return nil, &ConfigError{Field: "services", Reason: "needs 1 to MaxServices services"}
	}
	out := make([]Service, len(services))
	for i, s := range services {
		s.Rates.BandUpTo = append([]int64(nil), s.Rates.BandUpTo...)
		s.Rates.WeightUpToG = append([]int64(nil), s.Rates.WeightUpToG...)
		s.Rates.Prices = append([]int64(nil), s.Rates.Prices...)
		s.Cutoffs = append([]Cutoff(nil), s.Cutoffs...)
		sort.Slice(s.Cutoffs, func(a, b int) bool { return s.Cutoffs[a].Location < s.Cutoffs[b].Location })
		if s.OnTime == (OnTimeScore{}) {
			s.OnTime = NewOnTimeScore(DefaultOnTimeBP)
		}
		if err := s.validate(); err != nil {
			return nil, err
		}
		s.marginMinutes = riskMarginMinutes(s.TransitMaxMinutes, s.OnTime.BP())
		out[i] = s
	}
	sort.Slice(out, func(a, b int) bool { return serviceLess(&out[a], &out[b]) })
	for i := 1; i < len(out); i++ {
		if out[i-1].Carrier == out[i].Carrier && out[i-1].ID == out[i].ID {
			return nil, &ConfigError{Field: "services", Reason: "duplicate carrier and service id " + out[i].Carrier + "/" + out[i].ID}
		}
	}
	return &Selector{services: out}, nil
}

func serviceLess(a, b *Service) bool {
	if a.Carrier != b.Carrier {
		return a.Carrier < b.Carrier
	}
	return a.ID < b.ID
}

// Len returns the number of services.
func (s *Selector) Len() int { return len(s.services) }

// Service returns a copy of service i (0 <= i < Len) in canonical order; its slices are shared
// with the Selector and must not be modified. Scores change only through Observe.
func (s *Selector) Service(i int) Service { return s.services[i] }

// Index returns the canonical index of the service (carrier, id).
func (s *Selector) Index(carrier, id string) (int, bool) {
	i := sort.Search(len(s.services), func(i int) bool {
		x := &s.services[i]
		return x.Carrier > carrier || (x.Carrier == carrier && x.ID >= id)
	})
	if i < len(s.services) && s.services[i].Carrier == carrier && s.services[i].ID == id {
		return i, true
	}
	return -1, false
}

// Observe folds one tracking outcome of service i into its on-time score.
func (s *Selector) Observe(i int, onTime bool) {
	sv := &s.services[i]
	sv.OnTime.Observe(onTime)
	sv.marginMinutes = riskMarginMinutes(sv.TransitMaxMinutes, sv.OnTime.BP())
}

// Shipment is what selection needs to know about one parcel.
type Shipment struct {
	// Location is the id of the shipping location (for its pickup cutoffs), and
	// UTCOffsetMinutes its fixed offset from UTC.
	Location         string
	UTCOffsetMinutes int32
	// ReadyAt is when the parcel is packed and can be collected (unix nanoseconds).
	ReadyAt int64
	// DeliverBy is the promise to the customer (unix nanoseconds); 0 means no promise, and the
	// cheapest service wins.
	DeliverBy int64
	// DistanceM and Zone are the lane keys for rate cards by distance and by zone; Zone serves
	// cards by zone without a chart. Country and PostalCode are the ship-to's, for zone charts.
	DistanceM  int64
	Zone       int64
	Country    string
	PostalCode string
	// WeightG is the parcel's weight in grams.
	WeightG int64
}

// Choice is the service chosen for a shipment and what it promises.
type Choice struct {
	// Service is the canonical index of the service in the Selector.
	Service   int
	Carrier   string
	ServiceID string
	// PriceMinor is the rate card price in minor units.
	PriceMinor int64
	// PickupAt is the pickup instant; EarliestAt adds the minimum transit.
	PickupAt   int64
	EarliestAt int64
	// PromisedAt is the pickup plus the maximum transit plus RiskMarginMinutes, the margin
	// derived from the service's on-time score. It is what is compared with DeliverBy.
	PromisedAt        int64
	RiskMarginMinutes int64
	// AtRisk is set when no service's PromisedAt meets DeliverBy and the fastest was chosen.
	AtRisk bool
}

// Choose picks the service for a shipment: the cheapest whose PromisedAt is at or before
// DeliverBy (ties: earlier promise, then carrier id, then service id); if none meets it, the
// one with the earliest PromisedAt (ties: cheaper, then ids), flagged AtRisk. Services that
// cannot carry the parcel are skipped; ErrNoService if none can. It does not allocate.
func (s *Selector) Choose(sh *Shipment) (Choice, error) {
	best, fast := offer{svc: -1}, offer{svc: -1}
	day, _ := LocalDay(sh.ReadyAt, sh.UTCOffsetMinutes)
	wd := Weekday(day)
	for i := range s.services {
		o := s.offer(i, sh, day, wd)
		if o.svc < 0 {
			continue
		}
		// Services are in canonical order, so a strict comparison keeps the smaller ids on ties.
		if sh.DeliverBy == 0 || o.promised <= sh.DeliverBy {
			if best.svc < 0 || o.price < best.price || (o.price == best.price && o.promised < best.promised) {
				best = o
			}
		}
		if fast.svc < 0 || o.promised < fast.promised || (o.promised == fast.promised && o.price < fast.price) {
			fast = o
		}
	}
	switch {
	case best.svc >= 0:
		return s.choice(best, false), nil
	case fast.svc >= 0:
		return s.choice(fast, true), nil
	}
	return Choice{Service: -1}, ErrNoService
}

// Quote prices service i for a shipment without choosing; false if it cannot carry it.
func (s *Selector) Quote(i int, sh *Shipment) (Choice, bool) {
	day, _ := LocalDay(sh.ReadyAt, sh.UTCOffsetMinutes)
	o := s.offer(i, sh, day, Weekday(day))
	if o.svc < 0 {
		return Choice{Service: -1}, false
	}
	return s.choice(o, false), true
}

// offer is a quote without the ids: small enough that comparing services copies little.
type offer struct {
	svc      int
	price    int64
	pickup   int64
	promised int64
	margin   int64
}

func (s *Selector) offer(i int, sh *Shipment, day int64, wd int) offer {
	sv := &s.services[i]
	key := sh.DistanceM
	if sv.Rates.Basis == ByZone {
		key = sh.Zone
		if sv.Zones != nil {
			z, ok := sv.Zones.Zone(sh.Location, sh.Country, sh.PostalCode, sh.DistanceM)
			if !ok {
				return offer{svc: -1}
			}
			key = z
		}
	}
	price, ok := sv.Rates.Price(key, sh.WeightG)
	if !ok {
		return offer{svc: -1}
	}
	pickup, ok := sv.nextPickup(sh.Location, sh.UTCOffsetMinutes, sh.ReadyAt, day, wd)
	if !ok {
		return offer{svc: -1}
	}
	margin := sv.marginMinutes
	return offer{svc: i, price: price, pickup: pickup, promised: pickup + (sv.TransitMaxMinutes+margin)*MinuteNanos, margin: margin}
}

// Promise is what a carrier service promises for a parcel handed over at a given instant.
type Promise struct {
	// PickupAt is the service's first collection at or after the hand-over; EarliestAt adds
	// the minimum transit.
	PickupAt   int64
	EarliestAt int64
	// DueAt is the carrier's own promise: the collection plus the maximum transit. PromisedAt
	// adds RiskMarginMinutes, the margin of the service's current on-time score, as Choose does.
	DueAt             int64
	PromisedAt        int64
	RiskMarginMinutes int64
}

// PromiseFrom is the promise of service i (0 <= i < Len) for a parcel at location (local clock
// utcOffsetMinutes ahead of UTC) handed over at handedAt: counted from the collection that takes
// it, not the one it was planned onto, so a parcel handed over early or late is promised by what
// the carrier actually does with it. False if the service collects on no day within
// MaxPickupSearchDays (a validated service always does).
func (s *Selector) PromiseFrom(i int, location string, utcOffsetMinutes int32, handedAt int64) (Promise, bool) {
	sv := &s.services[i]
	pickup, ok := sv.NextPickup(location, utcOffsetMinutes, handedAt)
	if !ok {
		return Promise{}, false
	}
	due := pickup + sv.TransitMaxMinutes*MinuteNanos
	return Promise{PickupAt: pickup, EarliestAt: pickup + sv.TransitMinMinutes*MinuteNanos, DueAt: due,
		PromisedAt: due + sv.marginMinutes*MinuteNanos, RiskMarginMinutes: sv.marginMinutes}, true
}

func (s *Selector) choice(o offer, atRisk bool) Choice {
	sv := &s.services[o.svc]
	return Choice{
		Service:           o.svc,
		Carrier:           sv.Carrier,
		ServiceID:         sv.ID,
		PriceMinor:        o.price,
		PickupAt:          o.pickup,
		EarliestAt:        o.pickup + sv.TransitMinMinutes*MinuteNanos,
		PromisedAt:        o.promised,
		RiskMarginMinutes: o.margin,
		AtRisk:            atRisk,
	}
}
