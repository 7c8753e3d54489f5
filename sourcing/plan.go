package sourcing

// Method says which search produced a plan.
type Method uint8

// The methods.
const (
	MethodExact  Method = iota + 1 // branch and bound over all whole-line assignments
	MethodGreedy                   // single location, else cover lines greedily, then split
	MethodQuick                    // the quick-commerce fast path over dark stores
)

var methodNames = [...]string{MethodExact: "exact", MethodGreedy: "greedy", MethodQuick: "quick"}

// String returns the wire name of the method.
func (m Method) String() string {
	if int(m) < len(methodNames) && m > 0 {
		return methodNames[m]
	}
	return "unknown"
}

// Reason says why a location was not a candidate.
type Reason uint8

// The exclusion reasons, in the order they are checked (a location reports the first that
// applies).
const (
	ReasonClosed         Reason = iota + 1 // status closed
	ReasonPaused                           // status paused (or any status but open and closed)
	ReasonExcludedByRule                   // removed by RuleExcludeGroup or RuleOwnLocations
	ReasonWrongKind                        // not a dark store, for a quick order
	ReasonOutOfRadius                      // the ship-to is outside the dark store's radius
	ReasonAtCapacity                       // no capacity left in the current hour window
	ReasonPastCutoff                       // a same-day order after the daily pick cutoff
	ReasonNoStock                          // holds none of the order's units (or, without line splits, no whole line)
)

var reasonNames = [...]string{
	ReasonClosed: "closed", ReasonPaused: "paused", ReasonExcludedByRule: "excluded by rule",
	ReasonWrongKind: "wrong kind", ReasonOutOfRadius: "out of radius", ReasonAtCapacity: "at capacity",
	ReasonPastCutoff: "past cutoff", ReasonNoStock: "no stock",
}

// String returns the human-readable reason, such as "out of radius".
func (r Reason) String() string {
	if int(r) < len(reasonNames) && r > 0 {
		return reasonNames[r]
	}
	return "unknown"
}

// Part is Qty units of one line taken from one location. A line without a split has one part.
type Part struct {
	Line int
	// Location is the index into Request.Locations; LocationID its id.
	Location   int
	LocationID string
	Qty        int64
	// Shipment is the index into Plan.Shipments.
	Shipment int
}

// Shipment is everything one location sends for the order.
type Shipment struct {
	Location   int
	LocationID string
	// Parts counts the parts in this shipment; they are the Plan.Parts whose Shipment is this
	// shipment's index (parts are ordered by line, so they need not be contiguous).
	Parts     int
	WeightG   int64
	DistanceM int64
	// CostMinor and TransitMinutes are the estimator's quote.
	CostMinor      int64
	TransitMinutes int64
	// DepartAt is the estimated departure (now, or the next local day after the pick cutoff),
	// and ETA the estimated delivery; LateHours counts started hours past DeliverBy.
	DepartAt  int64
	ETA       int64
	LateHours int64
}

// Breakdown is the cost of a plan by component, in minor units.
type Breakdown struct {
	ShippingMinor int64
	SplitMinor    int64
	LateMinor     int64
	TotalMinor    int64
}

// Exclusion is one location that was not a candidate, and why.
type Exclusion struct {
	Location   int
	LocationID string
	Reason     Reason
}

// Plan is the answer to a Request. Its slices alias the Planner's buffers and are valid until
// the Planner's next call; copy what you keep. Parts are ordered by line, then location id;
// shipments by their first line; exclusions by location id, so a plan does not depend on the
// order of Request.Locations (except for the Location indexes themselves).
type Plan struct {
	Parts      []Part
	Shipments  []Shipment
	Exclusions []Exclusion
	Cost       Breakdown
	Method     Method
	// Late is set when any shipment's estimate misses DeliverBy.
	Late bool
	// Nodes counts the exact search's nodes (0 for the other methods), for tuning the bound.
	Nodes int
}
