package carriers

// RateBasis says what the first axis of a rate card is keyed by.
type RateBasis uint8

// The rate bases.
const (
	// ByDistance keys the card by the shipment's distance in metres.
	ByDistance RateBasis = iota + 1
	// ByZone keys the card by the carrier's zone number of the lane (the caller maps lanes to
	// zones; zones are small non-negative integers).
	ByZone
)

// RateCard prices a parcel: Prices[band*len(WeightUpToG)+weightBand] in minor units. Bands are
// inclusive upper bounds in ascending order; a key or weight above the last bound cannot be
// carried by the service.
type RateCard struct {
	Basis RateBasis
	// BandUpTo holds the ascending inclusive upper bounds of the distance (metres) or zone bands.
	BandUpTo []int64
	// WeightUpToG holds the ascending inclusive upper bounds of the weight bands, in grams.
	WeightUpToG []int64
	// Prices is row-major by band: one row of len(WeightUpToG) prices per band.
	Prices []int64
}

// Price returns the price of a parcel of weightG grams whose lane key (distance in metres or
// zone, by Basis) is key, and false when the card does not cover it.
func (c *RateCard) Price(key, weightG int64) (int64, bool) {
	b := band(c.BandUpTo, key)
	w := band(c.WeightUpToG, weightG)
	if b < 0 || w < 0 {
		return 0, false
	}
	return c.Prices[b*len(c.WeightUpToG)+w], true
}

// band returns the index of the first bound >= v, or -1 if v is above every bound or negative.
// Cards are short (a handful of bands), so a linear scan beats a binary search.
func band(upTo []int64, v int64) int {
	if v < 0 {
		return -1
	}
	for i, u := range upTo {
		if v <= u {
			return i
		}
	}
	return -1
}

func (c *RateCard) validate() error {
	if c.Basis != ByDistance && c.Basis != ByZone {
		return &ConfigError{Field: "rates.basis", Reason: "must be by distance or by zone"}
	}
	if err := validateBands("rates.band_up_to", c.BandUpTo); err != nil {
		return err
	}
	if err := validateBands("rates.weight_up_to_g", c.WeightUpToG); err != nil {
		return err
	}
	if len(c.Prices) != len(c.BandUpTo)*len(c.WeightUpToG) {
		return &ConfigError{Field: "rates.prices", Reason: "needs one price per band and weight band"}
	}
	for _, p := range c.Prices {
		if p < 0 || p > MaxPriceMinor {
			return &ConfigError{Field: "rates.prices", Reason: "price out of range"}
		}
	}
	return nil
}

func validateBands(field string, upTo []int64) error {
	if len(upTo) == 0 || len(upTo) > MaxBands {
		return &ConfigError{Field: field, Reason: "needs 1 to MaxBands bands"}
	}
	for i, u := range upTo {
		if u < 0 || (i > 0 && u <= upTo[i-1]) {
			return &ConfigError{Field: field, Reason: "bounds must be non-negative and strictly ascending"}
		}
	}
	return nil
}
