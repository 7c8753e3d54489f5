package api

import "time"

// Limits of the HTTP layer, in one place so that the handlers, the decoder, the tests and the
// OpenAPI document agree. The engine's own limits (identifier lengths, lines per reservation,
// quantities) live in the root package and are enforced there; these bound what reaches it.
const (
	// MaxBodyBytes bounds the body of every request but a batch: the largest single command (a
	// channel with 1,000 SKU buffers) is about 80 KiB of JSON.
	MaxBodyBytes = 1 << 20
	// MaxBatchBodyBytes bounds a batch body: MaxBatchCommands commands of a few hundred bytes.
	MaxBatchBodyBytes = 8 << 20
	// MaxBatchCommands bounds the commands of one batch request. It stays well below the
	// sequencer's group commit (depot.MaxBatch) so that one request never fills a batch alone.
	MaxBatchCommands = 1000

	// MaxJSONDepth bounds the nesting of objects and arrays; the deepest request (a batch of
	// define_carrier with location cutoffs) is 7 levels.
	MaxJSONDepth = 8
	// MaxJSONArrayLen bounds any array (the largest legitimate one is a batch's commands or a
	// channel's SKU buffers, both 1,000).
	MaxJSONArrayLen = 1000
	// MaxJSONObjectKeys bounds the members of one object; the widest request type (create_order)
	// has 14 fields.
	MaxJSONObjectKeys = 32
	// MaxJSONStringBytes bounds one string (key or value) before any field-specific limit, so
	// that a huge string is refused before it is copied.
	MaxJSONStringBytes = 2048

	// MaxIdempotencyKeyLen bounds the Idempotency-Key header.
	MaxIdempotencyKeyLen = 255
	// IdempotencyTTL is how long an answer is kept for a retry with the same key.
	IdempotencyTTL = 24 * time.Hour
	// MaxIdempotencyEntries bounds the remembered answers per tenant; the oldest go first.
	MaxIdempotencyEntries = 100_000
	// MaxIdempotencyBytes bounds the remembered answer bodies per tenant (64 MiB).
	MaxIdempotencyBytes = 64 << 20

	// DefaultRatePerSecond and DefaultRateBurst are the token bucket of one API key. They sit far
	// above what one well-behaved integration needs, because the bench drives a single key.
	DefaultRatePerSecond = 50_000
	DefaultRateBurst     = 100_000

	// ReadHeaderTimeout, ReadTimeout, WriteTimeout and IdleTimeout bound slow clients. Streams
	// (SSE) extend their own write deadline per message.
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 30 * time.Second
	WriteTimeout      = 30 * time.Second
	IdleTimeout       = 120 * time.Second
	// MaxHeaderBytes bounds request headers.
	MaxHeaderBytes = 64 << 10

	// DefaultEventRing is the number of recent events kept in memory for SSE resumption and
	// webhook delivery; a client further behind gets 410 Gone. About 250 bytes per event.
	DefaultEventRing = 1 << 18
	// MaxStreamsPerTenant bounds concurrent SSE streams of one tenant.
	MaxStreamsPerTenant = 64
	// SSEHeartbeat is how often an idle stream sends a comment so proxies keep it open.
	SSEHeartbeat = 15 * time.Second
	// SSEWriteTimeout bounds one write to a stream; a reader that stalls longer is dropped.
	SSEWriteTimeout = 10 * time.Second
	// SSEChunk bounds the events copied out of the ring per lock, so a far-behind reader never
	// holds the ring for long.
	SSEChunk = 512

	// MaxWebhooksPerTenant bounds webhook subscriptions per tenant.
	MaxWebhooksPerTenant = 16
	// MaxWebhookURLLen bounds a subscription URL.
	MaxWebhookURLLen = 2048
	// MaxWebhookBatch bounds the events of one delivery.
	MaxWebhookBatch = 100
	// WebhookTimeout bounds one delivery attempt.
	WebhookTimeout = 10 * time.Second
	// DefaultWebhookRetryBase and DefaultWebhookRetryMax shape the exponential backoff between
	// attempts (doubling from the base, capped at the max, with jitter).
	DefaultWebhookRetryBase = 500 * time.Millisecond
	DefaultWebhookRetryMax  = 5 * time.Minute
	// DefaultWebhookAttempts is how often a delivery is tried before it goes to the dead letters.
	DefaultWebhookAttempts = 12
	// MaxDeadLetters bounds the dead-letter list of one subscription; the oldest go first.
	MaxDeadLetters = 1000
	// WebhookCursorFlush is how often delivered cursors are written to disk. A crash loses at most
	// this much progress, which only means re-delivery: delivery is at least once anyway.
	WebhookCursorFlush = time.Second

	// DefaultTickEvery is how often the server submits a Tick so that reservations expire and
	// remembered outcomes age out even when no other command arrives.
	DefaultTickEvery = time.Second

	// MaxKeysPerTenant bounds the API keys of one tenant.
	MaxKeysPerTenant = 100
	// KeyReloadEvery is how often the server looks for keys created or revoked by the CLI.
	KeyReloadEvery = time.Second

	// DefaultOrderPageSize and MaxOrderPageSize bound a page of GET /v1/orders.
	DefaultOrderPageSize = 50
	MaxOrderPageSize     = 500

	// RetryAfterSeconds is the Retry-After answered with 503 overloaded and 429 rate limited.
	RetryAfterSeconds = 1
)
