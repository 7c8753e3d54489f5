package api

// The wire types: what requests carry and answers hold. The handlers decode into and encode from
// exactly these types, and the OpenAPI document is generated from them by reflection, so the
// contract is stated once. Field names are snake_case and follow the engine's field names, so a
// rejection's field points at the request field. Quantities are integer units, money is integer
// minor units and times are unix nanoseconds, as in the engine. Tags read by the generator:
// doc (description), enum (allowed values, or @name for a list computed from the engine) and
// required.

// Component is one part of a kit: one kit holds Qty units of SKU.
type Component struct {
	SKU string `json:"sku" required:"true"`
	Qty int64  `json:"qty" required:"true" doc:"units of the component in one kit"`
}

// Buffer is how much of a SKU a channel must not sell: the larger of Units and Percent of the
// summed ATP of the feeding locations is withheld, and Cap, when positive, bounds the offer.
type Buffer struct {
	Units   int64 `json:"units,omitempty"`
	Percent int64 `json:"percent,omitempty" doc:"0 to 100, rounded up so a buffer never under-protects"`
	Cap     int64 `json:"cap,omitempty" doc:"largest quantity offered; 0 means no cap"`
}

// SKUBuffer overrides a channel's default buffer for one SKU.
type SKUBuffer struct {
	SKU    string `json:"sku" required:"true"`
	Buffer Buffer `json:"buffer" required:"true"`
}

// SKUSpec is the body of PUT /v1/skus/{sku}: the whole definition, replacing the previous one.
// A SKU with components is a kit: it has no stock of its own, and reserving it reserves them.
type SKUSpec struct {
	Name        string      `json:"name,omitempty"`
	WeightGrams int64       `json:"weight_grams,omitempty"`
	PriceMinor  int64       `json:"price_minor,omitempty" doc:"price in minor units of the currency"`
	Components  []Component `json:"components,omitempty" doc:"present for kits only; components must be defined first"`
}

// SKU is a SKU as defined: the answer of GET /v1/skus/{sku} and the define_sku batch command.
type SKU struct {
	SKU string `json:"sku" required:"true"`
	SKUSpec
}

// LocationSpec is the body of PUT /v1/locations/{location}. Coordinates are micro-degrees.
type LocationSpec struct {
	Name            string   `json:"name,omitempty"`
	Type            string   `json:"type" required:"true" enum:"warehouse,store,dark_store"`
	Status          string   `json:"status,omitempty" enum:"open,paused,closed" doc:"default open; paused and closed locations keep stock but take no new reservations"`
	LatE6           int64    `json:"lat_e6"`
	LonE6           int64    `json:"lon_e6"`
	ServiceRadiusM  int64    `json:"service_radius_m,omitempty"`
	CapacityPerHour int64    `json:"capacity_per_hour,omitempty"`
	Groups          []string `json:"groups,omitempty"`
	// Settings of order orchestration.
	UTCOffsetMinutes int32 `json:"utc_offset_minutes,omitempty" doc:"fixed offset of local time from UTC, -840 to 840"`
	CutoffMinute     int32 `json:"cutoff_minute,omitempty" doc:"daily pick cutoff as a local minute of the day, 1 to 1440; 0 for none"`
	RidersPerSlot    int32 `json:"riders_per_slot,omitempty" doc:"quick-commerce orders the location's riders dispatch per slot; 0 for no limit"`
	RiderSlotMinutes int32 `json:"rider_slot_minutes,omitempty" doc:"length of a rider slot in minutes"`
}

// Location is a location as defined: the answer of GET /v1/locations/{location} and the
// define_location batch command.
type Location struct {
	Location string `json:"location" required:"true"`
	LocationSpec
}

// ChannelSpec is the body of PUT /v1/channels/{channel}: the locations feeding the channel, in
// the order its policy prefers them, and the buffers that withhold stock from it.
type ChannelSpec struct {
	Name       string      `json:"name,omitempty"`
	Locations  []string    `json:"locations"`
	Buffer     Buffer      `json:"buffer"`
	SKUBuffers []SKUBuffer `json:"sku_buffers,omitempty"`
}

// Channel is a channel as defined: the answer of GET /v1/channels/{channel} and the
// define_channel batch command.
type Channel struct {
	Channel string `json:"channel" required:"true"`
	ChannelSpec
}

// Position is the stock of one SKU at one location. ATP (available to promise) is
// on_hand - reserved - allocated - held; inbound is expected but not yet received.
type Position struct {
	SKU       string `json:"sku"`
	Location  string `json:"location"`
	OnHand    int64  `json:"on_hand"`
	Reserved  int64  `json:"reserved"`
	Allocated int64  `json:"allocated"`
	Held      int64  `json:"held"`
	Inbound   int64  `json:"inbound"`
	ATP       int64  `json:"atp"`
}

// Inventory is every position of one SKU, ordered by location, with their sums.
type Inventory struct {
	SKU       string     `json:"sku"`
	Positions []Position `json:"positions"`
	OnHand    int64      `json:"on_hand"`
	ATP       int64      `json:"atp"`
}

// Availability is what a channel may still sell of a SKU after its buffers (whole kits for a kit).
type Availability struct {
	Channel string `json:"channel"`
	SKU     string `json:"sku"`
	ATP     int64  `json:"atp"`
}

// Receipt adds units to on-hand stock (POST /v1/receipts, batch kind receive). Inbound names the
// expected receipt it fulfils, if any. ID is the command id: a retry with the same id and content
// is answered as a replay and applied once.
type Receipt struct {
	ID       string `json:"id" required:"true"`
	SKU      string `json:"sku" required:"true"`
	Location string `json:"location" required:"true"`
	Qty      int64  `json:"qty" required:"true"`
	Inbound  string `json:"inbound,omitempty"`
}

// Adjustment changes on-hand stock by a signed delta for a reason (POST /v1/adjustments, batch
// kind adjust).
type Adjustment struct {
	ID       string `json:"id" required:"true"`
	SKU      string `json:"sku" required:"true"`
	Location string `json:"location" required:"true"`
	Delta    int64  `json:"delta" required:"true" doc:"non-zero; negative writes stock off"`
	Reason   string `json:"reason,omitempty"`
}

// Count sets on-hand stock to what a cycle count found (POST /v1/counts, batch kind count).
type Count struct {
	ID       string `json:"id" required:"true"`
	SKU      string `json:"sku" required:"true"`
	Location string `json:"location" required:"true"`
	OnHand   int64  `json:"on_hand" required:"true"`
}

// Hold moves units into (positive delta) or out of (negative) the held bucket: on hand but not
// to be promised (POST /v1/holds, batch kind hold).
type Hold struct {
	ID       string `json:"id" required:"true"`
	SKU      string `json:"sku" required:"true"`
	Location string `json:"location" required:"true"`
	Delta    int64  `json:"delta" required:"true"`
	Reason   string `json:"reason,omitempty"`
}

// Inbound records an expected receipt with its ETA (POST /v1/inbound, batch kind expect_inbound).
type Inbound struct {
	ID       string `json:"id" required:"true"`
	SKU      string `json:"sku" required:"true"`
	Location string `json:"location" required:"true"`
	Qty      int64  `json:"qty" required:"true"`
	ETA      int64  `json:"eta,omitempty" doc:"expected arrival, unix nanoseconds"`
}

// ShipLine is one shipped quantity of an allocation.
type ShipLine struct {
	SKU      string `json:"sku" required:"true"`
	Location string `json:"location" required:"true"`
	Qty      int64  `json:"qty" required:"true"`
}

// Shipment removes allocated units from on-hand stock (POST /v1/shipments, batch kind ship). With
// no lines it ships everything allocated to the order.
type Shipment struct {
	ID    string     `json:"id" required:"true"`
	Order string     `json:"order" required:"true"`
	Lines []ShipLine `json:"lines,omitempty"`
}

// Return brings units back to a location, sellable (restock) or held for inspection
// (POST /v1/returns, batch kind return).
type Return struct {
	ID       string `json:"id" required:"true"`
	Order    string `json:"order,omitempty"`
	SKU      string `json:"sku" required:"true"`
	Location string `json:"location" required:"true"`
	Qty      int64  `json:"qty" required:"true"`
	Restock  bool   `json:"restock"`
	Reason   string `json:"reason,omitempty"`
}

// ReserveLine asks for qty units of a SKU, at a location or, when empty, wherever the channel's
// policy places them.
type ReserveLine struct {
	SKU      string `json:"sku" required:"true"`
	Location string `json:"location,omitempty"`
	Qty      int64  `json:"qty" required:"true"`
}

// ReservationRequest holds stock for a channel until it is committed, released or expires
// (POST /v1/reservations, batch kind reserve). The client chooses ID, which makes a retry
// harmless. All lines are reserved or none.
type ReservationRequest struct {
	ID      string        `json:"id" required:"true"`
	Channel string        `json:"channel" required:"true"`
	TTLNs   int64         `json:"ttl_ns,omitempty" doc:"lifetime in nanoseconds, 1 s to 7 days; default 15 minutes"`
	Lines   []ReserveLine `json:"lines" required:"true"`
}

// ExtendBody is the body of POST /v1/reservations/{id}/extend: the new lifetime from now.
type ExtendBody struct {
	TTLNs int64 `json:"ttl_ns" required:"true"`
}

// CommitBody is the body of POST /v1/reservations/{id}/commit: the order the stock is allocated to.
type CommitBody struct {
	Order string `json:"order" required:"true"`
}

// ReleaseBody is the body of POST /v1/reservations/{id}/release; it has no fields, and an empty
// body is accepted.
type ReleaseBody struct{}

// Extend is the batch form of POST /v1/reservations/{id}/extend (kind extend).
type Extend struct {
	ID    string `json:"id" required:"true"`
	TTLNs int64  `json:"ttl_ns" required:"true"`
}

// Release is the batch form of POST /v1/reservations/{id}/release (kind release).
type Release struct {
	ID string `json:"id" required:"true"`
}

// Commit is the batch form of POST /v1/reservations/{id}/commit (kind commit).
type Commit struct {
	ID    string `json:"id" required:"true"`
	Order string `json:"order" required:"true"`
}

// ReservedLine is one placed line of a reservation; kits appear as their components.
type ReservedLine struct {
	SKU      string `json:"sku"`
	Location string `json:"location"`
	Qty      int64  `json:"qty"`
}

// Reservation is a reservation as it stands (GET /v1/reservations/{id}).
type Reservation struct {
	ID        string         `json:"id"`
	Channel   string         `json:"channel"`
	Status    string         `json:"status" enum:"active,committed,released,expired,rejected"`
	Order     string         `json:"order,omitempty"`
	ExpiresAt int64          `json:"expires_at" doc:"unix nanoseconds"`
	Lines     []ReservedLine `json:"lines"`
}

// Event is one fact the engine decided. Fields that do not apply to a kind are omitted. Ref names
// the entity: the reservation, the shipment, or the command id of a stock movement.
type Event struct {
	Seq      uint64 `json:"seq" doc:"sequence number of the command that caused it"`
	Time     int64  `json:"time" doc:"unix nanoseconds, stamped by the sequencer"`
	Kind     string `json:"kind" enum:"@event_kinds"`
	Ref      string `json:"ref,omitempty"`
	Order    string `json:"order,omitempty"`
	SKU      string `json:"sku,omitempty"`
	Location string `json:"location,omitempty"`
	Channel  string `json:"channel,omitempty"`
	Qty      int64  `json:"qty,omitempty"`
	At       int64  `json:"at,omitempty" doc:"new expiry for reserved and extended, ETA for inbound_expected"`
	Reason   string `json:"reason,omitempty"`
	Carrier  string `json:"carrier,omitempty"`
	Service  string `json:"service,omitempty"`
	Tracking string `json:"tracking,omitempty"`
	// Ad holds the figures of ad_metrics_recorded (whose qty is the channel's availability of
	// the SKU when the report was recorded, and at the period's end).
	Ad *AdFigures `json:"ad,omitempty"`
}

// Result is the answer to an accepted command. Replayed is true when the command repeated an
// earlier one with the same id and content: nothing was applied twice, and events is empty.
type Result struct {
	Seq      uint64  `json:"seq"`
	Replayed bool    `json:"replayed,omitempty"`
	Ref      string  `json:"ref,omitempty" doc:"the id the engine chose for what the command created (the order id of create_order)"`
	Events   []Event `json:"events"`
}

// BatchRequest is the body of POST /v1/batch: up to MaxBatchCommands commands, each an object
// with a "kind" and the fields of that kind.
type BatchRequest struct {
	Commands []Command `json:"commands" required:"true"`
}

// BatchItem answers one command of a batch: its result, or the problem that rejected it.
type BatchItem struct {
	OK       bool     `json:"ok"`
	Seq      uint64   `json:"seq,omitempty"`
	Replayed bool     `json:"replayed,omitempty"`
	Ref      string   `json:"ref,omitempty" doc:"the id the engine chose (the order id of create_order)"`
	Events   []Event  `json:"events,omitempty"`
	Problem  *Problem `json:"problem,omitempty"`
}

// BatchResponse answers a batch, item by item in request order. Each command stands alone: a
// rejected one does not undo the others.
type BatchResponse struct {
	Accepted int         `json:"accepted"`
	Rejected int         `json:"rejected"`
	Results  []BatchItem `json:"results"`
}

// TenantStats counts what the calling tenant holds.
type TenantStats struct {
	SKUs           int `json:"skus"`
	Locations      int `json:"locations"`
	Channels       int `json:"channels"`
	Positions      int `json:"positions"`
	Reservations   int `json:"reservations" doc:"live and recently finished, remembered for idempotency"`
	Allocations    int `json:"allocations"`
	InboundRecords int `json:"inbound_records"`
}

// Stats is the answer of GET /v1/stats: the tenant's counts and the server's progress.
type Stats struct {
	Tenant     TenantStats `json:"tenant"`
	DurableSeq uint64      `json:"durable_seq" doc:"highest sequence number on disk; resume event streams from here"`
	QueueDepth int         `json:"queue_depth"`
}

// WebhookSpec is the body of POST /v1/webhooks.
type WebhookSpec struct {
	URL         string   `json:"url" required:"true" doc:"http or https URL that receives POSTed deliveries"`
	Events      []string `json:"events,omitempty" enum:"@event_kinds" doc:"event kinds to deliver; empty means all"`
	Description string   `json:"description,omitempty"`
}

// Webhook is a subscription. Secret, the HMAC-SHA256 key for the Depot-Signature header, is shown
// only in the answer that created it.
type Webhook struct {
	ID          string   `json:"id"`
	URL         string   `json:"url"`
	Events      []string `json:"events,omitempty"`
	Description string   `json:"description,omitempty"`
	CreatedAt   int64    `json:"created_at" doc:"unix nanoseconds"`
	Cursor      uint64   `json:"cursor" doc:"every matching event up to this sequence number was delivered or dead-lettered"`
	DeadLetters int      `json:"dead_letters"`
	Secret      string   `json:"secret,omitempty"`
}

// WebhookList answers GET /v1/webhooks.
type WebhookList struct {
	Webhooks []Webhook `json:"webhooks"`
}

// WebhookDelivery is the body Depot POSTs to a webhook URL. The same delivery may arrive more than
// once; Events carry sequence numbers to deduplicate on.
type WebhookDelivery struct {
	Webhook string  `json:"webhook"`
	Events  []Event `json:"events"`
}

// DeadLetter is a delivery that failed every attempt.
type DeadLetter struct {
	Events    []Event `json:"events"`
	Attempts  int     `json:"attempts"`
	LastError string  `json:"last_error"`
	FailedAt  int64   `json:"failed_at" doc:"unix nanoseconds"`
}

// DeadLetterList answers GET /v1/webhooks/{id}/dead-letters, oldest first.
type DeadLetterList struct {
	DeadLetters []DeadLetter `json:"dead_letters"`
}

// KeySpec is the body of POST /v1/keys: a new key for the caller's tenant.
type KeySpec struct {
	Scope string `json:"scope" required:"true" enum:"read,write,admin"`
	Name  string `json:"name,omitempty"`
}

// Key describes an API key. Secret, the bearer token, is shown only in the answer that created
// it; the server keeps its SHA-256 hash.
type Key struct {
	ID        string `json:"id"`
	Tenant    string `json:"tenant"`
	Scope     string `json:"scope" enum:"read,write,admin"`
	Name      string `json:"name,omitempty"`
	CreatedAt int64  `json:"created_at" doc:"unix nanoseconds"`
	Secret    string `json:"secret,omitempty"`
}

// KeyList answers GET /v1/keys.
type KeyList struct {
	Keys []Key `json:"keys"`
}

// Health answers /healthz and /readyz.
type Health struct {
	Status string `json:"status" enum:"ok,unavailable"`
	Detail string `json:"detail,omitempty"`
}

// Shortfall says how many units one SKU (at one location, when the line named it) lacked.
type Shortfall struct {
	SKU       string `json:"sku"`
	Location  string `json:"location,omitempty"`
	Requested int64  `json:"requested"`
	Available int64  `json:"available"`
}
