package depot

// Limits on everything that enters Depot. They live in one place so that the API, the codec and
// the engine agree, and so that tests can probe every edge. Sizes are chosen so that one command
// stays far below the journal's entry limit and one batch fits comfortably in memory.
const (
	// MaxIDLen bounds every identifier (tenant, SKU, location, channel, reservation, order, command).
	MaxIDLen = 64
	// MaxNameLen bounds display names.
	MaxNameLen = 200
	// MaxReasonLen bounds free-text reasons on adjustments, holds and returns.
	MaxReasonLen = 200
	// MaxLines bounds the lines of one reserve or ship command.
	MaxLines = 100
	// MaxComponents bounds the components of one kit.
	MaxComponents = 20
	// MaxChannelLocations bounds the locations feeding one channel.
	MaxChannelLocations = 256
	// MaxSKUBuffers bounds the per-SKU buffer overrides of one channel.
	MaxSKUBuffers = 1000
	// MaxLocationGroups bounds the groups one location belongs to.
	MaxLocationGroups = 16
	// MaxQty bounds one quantity or delta in a command.
	MaxQty = 1_000_000_000
	// MaxOnHand bounds the units of one position so sums over positions never overflow int64.
	MaxOnHand = 1_000_000_000_000
	// MaxPercent is the largest percentage buffer (everything withheld).
	MaxPercent = 100

	// MinTTL and MaxTTL bound reservation lifetimes, in nanoseconds (1 second to 7 days).
	MinTTL = int64(1e9)
	MaxTTL = int64(7 * 24 * 3600 * 1e9)
	// DefaultTTL is used when a reserve names no TTL (15 minutes).
	DefaultTTL = int64(15 * 60 * 1e9)

	// Retention is how long (logical time, nanoseconds) finished reservations and command ids are
	// remembered so that a retry returns the first outcome instead of applying twice (24 hours).
	Retention = int64(24 * 3600 * 1e9)
	// MaxRemembered bounds the command ids remembered per engine for idempotency; the oldest are
	// forgotten first (deterministically, in sequence order) when it is reached.
	MaxRemembered = 1 << 21
	// MaxActiveReservations bounds live reservations per engine; more is limit_exceeded.
	MaxActiveReservations = 1 << 24
	// MaxSKUs, MaxLocations and MaxChannels bound the catalogue per tenant.
	MaxSKUs      = 1 << 20
	MaxLocations = 1 << 14
	MaxChannels  = 1 << 10
	// MaxTenants bounds the tenants of one engine.
	MaxTenants = 1 << 16
	// MaxPositions bounds (SKU, location) positions per engine.
	MaxPositions = 1 << 25

	// MaxBatch bounds the commands the sequencer applies and journals as one group commit.
	MaxBatch = 8192
	// MaxCommandBytes bounds one encoded command.
	MaxCommandBytes = 64 << 10
)

// Limits of order orchestration (order_command.go). A define_carrier at every limit stays under
// MaxCommandBytes: 8 services of 16 x 16 rate cells and 64 cutoffs are about 45 KiB, 64 zone
// rules about 6 KiB and 64 tracking codes about 4 KiB (a test holds it there).
const (
	// MaxAttributes bounds the free-form attributes of one order; MaxAttributeKeyLen and
	// MaxAttributeValueLen bound each pair.
	MaxAttributes        = 32
	MaxAttributeKeyLen   = 64
	MaxAttributeValueLen = 512
	// MaxPostalCodeLen bounds a ship-to postal code.
	MaxPostalCodeLen = 16
	// MaxPriority is the highest order priority; backorders are filled highest first.
	MaxPriority = 1000
	// MaxPromiseMinutes bounds the quick-commerce promise (one day).
	MaxPromiseMinutes = 1440
	// MaxCarrierServices bounds the services of one carrier, MaxRateBands the distance and the
	// weight bands of one rate card, MaxCarrierCutoffs its per-location pickup cutoffs.
	MaxCarrierServices = 8
	MaxRateBands       = 16
	MaxCarrierCutoffs  = 64
	// MaxCarriers bounds the carriers of one tenant (every service of every carrier is
	// considered per shipment).
	MaxCarriers = 32
	// MaxPriceMinor bounds one rate-card price, so sums over an order's shipments cannot overflow.
	MaxPriceMinor = 1_000_000_000
	// MaxTransitMinutes bounds a service's transit time (30 days).
	MaxTransitMinutes = 30 * 1440
	// MinPickupEveryMinutes and MaxPickupEveryMinutes bound the interval of a service's
	// collections through the day (the carriers package's bounds: more often is on-demand
	// dispatch, less often a second daily cutoff).
	MinPickupEveryMinutes = 5
	MaxPickupEveryMinutes = 720
	// MaxCarrierZones bounds the zone rules of one carrier's zone chart, MaxZone the zone
	// numbers, MaxRingM the radius of a distance-ring zone (the longest lane, 20,000 km).
	MaxCarrierZones = 64
	MaxZone         = 999
	MaxRingM        = 20_000_000
	// MaxCarrierCodes bounds the tracking codes of one carrier's table.
	MaxCarrierCodes = 64
	// MaxExceptionNoteLen bounds the note of an operator exception or its resolution.
	MaxExceptionNoteLen = 500
	// MaxRoutingRules bounds the routing rules of one channel.
	MaxRoutingRules = 8
	// MaxPenaltyMinor bounds the routing penalties.
	MaxPenaltyMinor = 1_000_000_000
	// MaxUTCOffsetMinutes bounds a location's fixed offset from UTC (±14 hours).
	MaxUTCOffsetMinutes = 14 * 60
	// MaxRidersPerSlot bounds a dark store's rider fleet per dispatch slot.
	MaxRidersPerSlot = 10_000
	// MaxLiveOrders bounds the orders one engine holds (finished ones are forgotten after
	// OrderRetention); more is limit_exceeded.
	MaxLiveOrders = 1 << 24
	// OrderRetention is how long (logical time) a finished order (completed or cancelled) is
	// kept, with its external id, before it is forgotten (30 days).
	OrderRetention = int64(30 * 24 * 3600 * 1e9)
)

// Limits of advertising reports (ad_command.go).
const (
	// MaxAdPeriod bounds the period one report covers (one day, in nanoseconds).
	MaxAdPeriod = int64(24 * 3600 * 1e9)
	// MaxAdSpendMinor bounds one report's spend in minor units.
	MaxAdSpendMinor = 1_000_000_000_000
	// MaxAdCount bounds one report's impressions, clicks and attributed orders.
	MaxAdCount = 1_000_000_000_000
	// MaxAdReportAhead is how far a report's period may end after the engine's clock (a platform
	// whose clock runs a little ahead); further is a report of the future and refused.
	MaxAdReportAhead = int64(5 * 60 * 1e9)
)
