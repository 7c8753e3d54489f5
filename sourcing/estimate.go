package sourcing

// Quote is the estimated cost and transit time of one shipment.
type Quote struct {
	CostMinor      int64
	TransitMinutes int64
}

// Estimator quotes one shipment of weightG grams from loc over distanceM metres to the order's
// ship-to. It reports false when the location cannot ship it (weight or lane not served); it
// must be deterministic and must not retain loc. For the exact search to be optimal, quotes
// must not fall as the weight grows (rate cards by weight band are); the exact search is never
// worse than the greedy one regardless.
//
// The estimator is called in the search's inner loop (a few dozen times per order), so it
// should be a table lookup; the carrier choice proper happens once per chosen shipment.
type Estimator interface {
	Estimate(loc *Location, distanceM, weightG int64) (Quote, bool)
}

// CostFloorer is an optional interface of an Estimator: CostFloor returns a cost no quote for
// a shipment over at least minDistanceM metres is below. The exact search uses it to rule out
// split plans without quoting every location.
type CostFloorer interface {
	CostFloor(minDistanceM int64) int64
}

// TableEstimator is an Estimator from a blended rate table: Prices[band*len(WeightUpToG)+w]
// by distance band and weight band, and TransitMinutes per distance band. Bounds are inclusive
// upper bounds in ascending order; beyond the last, the shipment cannot be made.
type TableEstimator struct {
	DistanceUpToM  []int64
	WeightUpToG    []int64
	Prices         []int64
	TransitMinutes []int64
}

// Estimate implements Estimator.
func (t *TableEstimator) Estimate(_ *Location, distanceM, weightG int64) (Quote, bool) {
	d := band(t.DistanceUpToM, distanceM)
	w := band(t.WeightUpToG, weightG)
	if d < 0 || w < 0 {
		return Quote{}, false
	}
	return Quote{CostMinor: t.Prices[d*len(t.WeightUpToG)+w], TransitMinutes: t.TransitMinutes[d]}, true
}

// CostFloor implements CostFloorer: the cheapest cell in the distance bands from minDistanceM's
// band on (0 if minDistanceM is beyond the table: nothing can be quoted there anyway).
func (t *TableEstimator) CostFloor(minDistanceM int64) int64 {
	d := band(t.DistanceUpToM, minDistanceM)
	if d < 0 || len(t.WeightUpToG) == 0 {
		return 0
	}
	cells := t.Prices[d*len(t.WeightUpToG):]
	m := cells[0]
	for _, p := range cells[1:] {
		m = min(m, p)
	}
	return m
}

// Validate checks the table's shape: ascending bounds and one price per cell.
func (t *TableEstimator) Validate() error {
	if !ascending(t.DistanceUpToM) || !ascending(t.WeightUpToG) ||
		len(t.Prices) != len(t.DistanceUpToM)*len(t.WeightUpToG) || len(t.TransitMinutes) != len(t.DistanceUpToM) {
		return &RequestError{Field: "estimator", Reason: "bands must ascend with one price per cell and one transit per distance band"}
	}
	for _, p := range t.Prices {
		if p < 0 || p > MaxQuoteMinor {
			return &RequestError{Field: "estimator.prices", Reason: "out of range"}
		}
	}
	for _, m := range t.TransitMinutes {
		if m < 0 || m > MaxTransitMinutes {
			return &RequestError{Field: "estimator.transit_minutes", Reason: "out of range"}
		}
	}
	return nil
}

func ascending(v []int64) bool {
	if len(v) == 0 {
		return false
	}
	for i := range v {
		if v[i] < 0 || (i > 0 && v[i] <= v[i-1]) {
			return false
		}
	}
	return true
}

// band returns the index of the first bound >= v, or -1. Tables are short; a scan is fastest.
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
