package orders

// Defaults and fixed parameters of order orchestration. Limits on what commands may carry live
// in the root package's limits.go; these are the engine's own choices.
const (
	minuteNanos = int64(60e9)
	hourNanos   = 60 * minuteNanos
	dayNanos    = 24 * hourNanos

	// Promises derived for orders that name none, from PlacedAt (or the command's time): how
	// long until the order must ship and be delivered, per service level.
	standardShipWithin    = 2 * dayNanos
	standardDeliverWithin = 5 * dayNanos
	expressShipWithin     = dayNanos
	expressDeliverWithin  = 2 * dayNanos
	sameDayShipWithin     = 4 * hourNanos
	sameDayDeliverWithin  = 12 * hourNanos

	// Routing defaults for a channel without define_routing: lines may split, an extra shipment
	// costs 5.00 and each started hour late 1.00 (minor units).
	defaultSplitPenaltyMinor       = 500
	defaultLatePenaltyPerHourMinor = 100

	// defaultPickMinutes is the pick time assumed per queued order at a location that states no
	// capacity per hour.
	defaultPickMinutes = 2

	// defaultRiskLead is how long before a deadline an order whose lead time is unknown (it is
	// still waiting for stock) is checked for risk.
	defaultRiskLead = 2 * hourNanos

	// stuckAfter is how long a shipped parcel may go without a tracking event before it is
	// stuck (the carriers package's default, 48 hours).
	stuckAfter = 48 * hourNanos

	// riderCarrier is the carrier name of quick-commerce shipments delivered by a dark store's
	// own riders.
	riderCarrier = "rider"

	// maxWhyLocations bounds the locations a backorder or exception reason names.
	maxWhyLocations = 5

	// maxShipmentsPerOrder bounds the shipments one order can accumulate through re-sourcing and
	// backorder fills (each shipment takes a number, and numbers are never reused).
	maxShipmentsPerOrder = 1000
)
