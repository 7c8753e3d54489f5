package sourcing

import "github.com/depothq/depot"

// Limits and default parameters of sourcing, in one place. The Planner's scratch space is sized
// by them, so they bound its memory as well as its work.
const (
	// MaxLines bounds the lines of one order (the API's limit for one reserve).
	MaxLines = depot.MaxLines
	// MaxLocations bounds the candidate locations of one request (the most locations that may
	// feed one channel). The exact search's used-set is a bitset of this many bits.
	MaxLocations = depot.MaxChannelLocations
	// MaxRules bounds the routing rules of one request.
	MaxRules = 8
	// MaxExactLines bounds the lines the exact search handles; its line sets are bitmasks and
	// its quote cache has one entry per location and line set.
	MaxExactLines = 12
	// DefaultExactSpace bounds the exact search: it runs only when the product over lines of the
	// number of locations holding the line is at most this (20 locations and 3 lines is 8,000).
	DefaultExactSpace = 1 << 16
	// MaxQuoteCache bounds the exact search's quote cache (locations x line sets); above it the
	// estimator is called for every node instead.
	MaxQuoteCache = 1 << 14
	// MaxQuickLines bounds the lines the quick-commerce fast path handles; longer quick orders
	// go through the general search restricted to dark stores.
	MaxQuickLines = 5
	// MaxQty and MaxWeightG bound a line so that weight and cost sums cannot overflow int64.
	MaxQty     = 1_000_000_000
	MaxWeightG = 1_000_000_000
	// MaxLineWeightG bounds one line's weight (1,000 tonnes), so a plan's weight fits easily.
	MaxLineWeightG = 1_000_000_000_000
	// MaxAvailable bounds the units of one line at one location (the ledger's position limit).
	MaxAvailable = 1_000_000_000_000
	// MaxLatE6 and MaxLonE6 bound coordinates in micro-degrees.
	MaxLatE6 = 90_000_000
	MaxLonE6 = 180_000_000
	// MaxRadiusM bounds a dark store's service radius (500 km).
	MaxRadiusM = 500_000
	// MaxQuoteMinor bounds one estimator quote; larger quotes are treated as "cannot ship".
	MaxQuoteMinor = 1_000_000_000
	// MaxTransitMinutes bounds one estimator transit estimate (60 days).
	MaxTransitMinutes = 60 * DayMinutes
	// MaxUTCOffsetMinutes bounds a location's fixed UTC offset.
	MaxUTCOffsetMinutes = 14 * 60

	// DayMinutes, MinuteNanos and DayNanos convert between minutes of day and unix nanoseconds.
	DayMinutes  = 1440
	MinuteNanos = int64(60e9)
	DayNanos    = DayMinutes * MinuteNanos
	// HourNanos is the unit of the lateness penalty.
	HourNanos = 60 * MinuteNanos

	// DefaultRiderSpeedMPerMin is the quick-commerce rider speed used for estimates (15 km/h).
	DefaultRiderSpeedMPerMin = 250
	// DefaultQuickPrepMinutes is the pick-and-pack time of a dark store used for estimates.
	DefaultQuickPrepMinutes = 3
)
