package sim

import (
	"time"
)

// Defaults and bounds of a scenario and its workload, in one place so that the demo, the tests
// and later the incident evaluation agree on what "a realistic business" means.
const (
	// DefaultTenant is the tenant the scenario defines.
	DefaultTenant = "demo"
	// DefaultSKUs is the catalogue size: hundreds of SKUs, like a mid-size grocery and
	// general-merchandise retailer.
	DefaultSKUs = 600
	// DefaultKits is the number of bundles defined over the catalogue's SKUs.
	DefaultKits = 12
	// DefaultDarkStores is a city's worth of quick-commerce dark stores.
	DefaultDarkStores = 36
	// DefaultOrdersPerDay is the orders the whole business takes on an average day.
	DefaultOrdersPerDay = 50_000
	// DefaultQuantum is the length of one simulated instant: the commands of one instant are one
	// batch with one timestamp.
	DefaultQuantum = time.Second
	// MaxQuantum bounds the instant: checkout delays plus one instant must stay below the
	// shortest cart TTL (5 minutes), or paid carts would expire before their commit.
	MaxQuantum = time.Minute
	// DefaultTickEvery is how often the workload sends a Tick so that reservations expire on time.
	DefaultTickEvery = 10 * time.Second
	// DefaultCountEvery is how often an operator cycle-counts one position.
	DefaultCountEvery = 2 * time.Minute

	// MaxSKUs, MaxDarkStores and MaxOrdersPerDay bound a scenario so that one run stays well
	// inside the engine's limits and a machine's memory.
	MaxSKUs         = 100_000
	MaxKits         = 1_000
	MaxDarkStores   = 500
	MaxOrdersPerDay = 50_000_000
	// MaxOrderLines is the most lines a simulated order has.
	MaxOrderLines = 5

	// zipfS and zipfV shape SKU demand: P(rank k) is proportional to (zipfV + k)^-zipfS, which
	// gives the usual long tail where the top 10% of SKUs take roughly half the units.
	zipfS = 1.1
	zipfV = 2.0

	// quickAssortmentShare is the share of grocery SKUs a dark store carries.
	quickAssortmentShare = 0.6
	// shortSKUShare is the share of SKUs that start the day nearly sold out, waiting on a
	// receipt later in the day: they are where oversells would happen.
	shortSKUShare = 0.03
	// openingMinute and closingMinute bound the hours warehouses and stores ship (local time).
	openingMinute = 6 * 60
	closingMinute = 22 * 60
)

// Stream identifiers for the PCG generators derived from the seed. The scenario and the
// workload draw from separate streams so that changing how a day unfolds never changes the
// business it unfolds in.
const (
	streamScenario = 0x5ce7a210
	streamWorkload = 0x3017c0ad
	streamFeatures = 0xfea70235
	streamTracking = 0x7aac1295 // carrier scans of shipped parcels (features.go)
)

// Parcel deliveries (features.go): the share of parcels a carrier delivers after its promised
// transit, and how far into its transit window the others arrive.
const (
	parcelLateShare  = 0.03
	parcelOnTimeSpan = 0.9 // on-time parcels arrive within the first 90% of [min, max] transit
)

// Shares of the order features (features.go): web shop orders whose customer asks for partial
// shipment, quick_app orders reserved at checkout before payment, and shipped-channel orders an
// operator holds for an address check.
const (
	partialOrderShare = 0.25
	checkoutShare     = 0.30
	exceptionShare    = 0.02
)
