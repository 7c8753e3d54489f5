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
