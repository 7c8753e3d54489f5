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

// Service returns service i (0 <= i < Len) in canonical order. The pointer is owned by the
// Selector; read it, do not keep it across Observe.
func (s *Selector) Service(i int) *Service { return &s.services[i] }

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
func (s *Selector) Observe(i int, onTime bool) { s.services[i].OnTime.Observe(onTime) }

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
	// DistanceM and Zone are the lane keys for rate cards by distance and by zone.
	DistanceM int64
	Zone      int64
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
	best, fast := Choice{Service: -1}, Choice{Service: -1}
	for i := range s.services {
		c, ok := s.quote(i, sh)
		if !ok {
			continue
		}
		// Services are in canonical order, so a strict comparison keeps the smaller ids on ties.
		if sh.DeliverBy == 0 || c.PromisedAt <= sh.DeliverBy {
			if best.Service < 0 || c.PriceMinor < best.PriceMinor ||
				(c.PriceMinor == best.PriceMinor && c.PromisedAt < best.PromisedAt) {
				best = c
			}
		}
		if fast.Service < 0 || c.PromisedAt < fast.PromisedAt ||
			(c.PromisedAt == fast.PromisedAt && c.PriceMinor < fast.PriceMinor) {
			fast = c
		}
	}
	if best.Service >= 0 {
		return best, nil
	}
	if fast.Service >= 0 {
		fast.AtRisk = true
		return fast, nil
	}
	return Choice{Service: -1}, ErrNoService
}

// Quote prices service i for a shipment without choosing; false if it cannot carry it.
func (s *Selector) Quote(i int, sh *Shipment) (Choice, bool) { return s.quote(i, sh) }

func (s *Selector) quote(i int, sh *Shipment) (Choice, bool) {
	sv := &s.services[i]
	key := sh.DistanceM
	if sv.Rates.Basis == ByZone {
		key = sh.Zone
	}
	price, ok := sv.Rates.Price(key, sh.WeightG)
	if !ok {
		return Choice{}, false
	}
	pickup, ok := sv.NextPickup(sh.Location, sh.UTCOffsetMinutes, sh.ReadyAt)
	if !ok {
		return Choice{}, false
	}
	margin := riskMarginMinutes(sv.TransitMaxMinutes, sv.OnTime.BP())
	return Choice{
		Service:           i,
		Carrier:           sv.Carrier,
		ServiceID:         sv.ID,
		PriceMinor:        price,
		PickupAt:          pickup,
		EarliestAt:        pickup + sv.TransitMinMinutes*MinuteNanos,
		PromisedAt:        pickup + (sv.TransitMaxMinutes+margin)*MinuteNanos,
		RiskMarginMinutes: margin,
	}, true
}
