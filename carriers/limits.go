package carriers

// Limits and fixed parameters of the package, in one place so that validation, tests and callers
// agree. Every slice a caller hands in is bounded by one of them.
const (
	// MaxServices bounds the services of one Selector.
	MaxServices = 256
	// MaxBands bounds the distance (or zone) bands and the weight bands of one rate card.
	MaxBands = 64
	// MaxCutoffs bounds the per-location pickup cutoffs of one service.
	MaxCutoffs = 4096
	// MaxTransitMinutes bounds a service's transit time (30 days).
	MaxTransitMinutes = 30 * DayMinutes
	// MaxPriceMinor bounds one rate card price so sums over shipments never overflow.
	MaxPriceMinor = 1_000_000_000
	// MaxIDLen bounds carrier, service and location ids and tracking codes.
	MaxIDLen = 64
	// MaxCodes bounds the status codes of one carrier's mapping table.
	MaxCodes = 1024
	// MaxZoneRules bounds the rules of one ZoneChart, MaxZone the zone numbers, MaxRingM a ring
	// rule's radius (20,000 km) and MaxPostalLen a postal code or prefix.
	MaxZoneRules = 1024
	MaxZone      = 999
	MaxRingM     = 20_000_000
	MaxPostalLen = 16
	// MaxUTCOffsetMinutes bounds a location's fixed UTC offset (UTC-14:00 to UTC+14:00).
	MaxUTCOffsetMinutes = 14 * 60

	// DayMinutes is the number of minutes in a local day; offsets are fixed, so every local
	// day has exactly this many (no daylight saving: the caller passes the offset in force).
	DayMinutes = 1440
	// MinuteNanos and DayNanos convert between the package's units and unix nanoseconds.
	MinuteNanos = int64(60e9)
	DayNanos    = DayMinutes * MinuteNanos

	// BasisPoints is 100%.
	BasisPoints = 10_000
	// DefaultOnTimeBP is the prior on-time score of a service with no history (90%).
	DefaultOnTimeBP = 9_000
	// EWMAShift sets the weight of a new outcome in the on-time score to 1/2^EWMAShift once
	// the score has that many samples; before, the score is the plain running mean (with the
	// prior counted as one sample), so early outcomes are not drowned by the prior.
	EWMAShift = 4
	// scoreFrac is the number of fractional bits the score keeps below one basis point, so
	// integer truncation in the EWMA cannot stall the score far from its target.
	scoreFrac = 16

	// MaxPickupSearchDays bounds the search for the next pickup day (a week plus margin).
	MaxPickupSearchDays = 8
	// MinPickupEveryMinutes and MaxPickupEveryMinutes bound the interval of a service's
	// collections through the day. Collections more often than every five minutes are on-demand
	// dispatch, which a rider fleet models (RiderFleet); the bound also caps a day at 288
	// collections. Intervals beyond half a day are a second daily cutoff, better stated as one.
	MinPickupEveryMinutes = 5
	MaxPickupEveryMinutes = DayMinutes / 2

	// MaxRiderSlots is the ring of time slots a rider fleet remembers (one day of 10 minutes).
	MaxRiderSlots = 144
	// DefaultSlotMinutes is the length of a rider time slot when the config names none.
	DefaultSlotMinutes = 10
	// MaxRidersPerSlot bounds a fleet's capacity per slot.
	MaxRidersPerSlot = 10_000
	// DefaultRiderSpeedMPerMin is a city rider's average speed (15 km/h) when the config names none.
	DefaultRiderSpeedMPerMin = 250

	// DefaultStuckAfterMinutes is how long a parcel in transit may go without an event before
	// the tracker calls it stuck (48 hours).
	DefaultStuckAfterMinutes = 48 * 60
)
