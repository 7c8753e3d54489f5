package depot

// EventKind identifies what happened. Values are stable: never renumber, only append.
type EventKind uint8

// The event kinds.
const (
	EventSKUDefined EventKind = iota + 1
	EventLocationDefined
	EventChannelDefined
	EventInboundExpected
	EventReceived
	EventAdjusted
	EventCounted
	EventHeld
	EventReserved
	EventExtended
	EventReleased
	EventExpired
	EventCommitted
	EventShipped
	EventReturned
	// Order orchestration; see order_event.go for what each carries.
	EventCarrierDefined
	EventRoutingDefined
	EventOrderReceived
	EventAllocated
	EventDeallocated
	EventBackordered
	EventShipmentPlanned
	EventOrderAllocated
	EventShipmentReleased
	EventShipmentPicked
	EventShipmentPacked
	EventShipmentShipped
	EventShipmentDelivered
	EventShipmentCancelled
	EventOrderCancelled
	EventOrderCompleted
	EventOrderException
	EventSLAAtRisk
	EventSLABreached
	EventTrackingUpdated
	EventShipmentDelayed
	// Operator exceptions on orders (order_event.go); a small block of its own.
	EventExceptionRaised
	EventExceptionResolved
)

// Advertising events start at 60, apart from the others, so that every set can grow without
// renumbering another.
const (
	// EventAdMetricsRecorded: Ref the campaign; SKU; Channel; Qty the channel's availability of
	// the SKU when the report was recorded; At the period's end; Ad the figures.
	EventAdMetricsRecorded EventKind = 60
)

var eventKindNames = [...]string{
	EventSKUDefined: "sku_defined", EventLocationDefined: "location_defined", EventChannelDefined: "channel_defined",
	EventInboundExpected: "inbound_expected", EventReceived: "received", EventAdjusted: "adjusted",
	EventCounted: "counted", EventHeld: "held", EventReserved: "reserved", EventExtended: "extended",
	EventReleased: "released", EventExpired: "expired", EventCommitted: "committed", EventShipped: "shipped",
	EventReturned:       "returned",
	EventCarrierDefined: "carrier_defined", EventRoutingDefined: "routing_defined", EventOrderReceived: "order_received",
	EventAllocated: "allocated", EventDeallocated: "deallocated", EventBackordered: "backordered",
	EventShipmentPlanned: "shipment_planned", EventOrderAllocated: "order_allocated",
	EventShipmentReleased: "shipment_released", EventShipmentPicked: "shipment_picked", EventShipmentPacked: "shipment_packed",
	EventShipmentShipped: "shipment_shipped", EventShipmentDelivered: "shipment_delivered",
	EventShipmentCancelled: "shipment_cancelled", EventOrderCancelled: "order_cancelled",
	EventOrderCompleted: "order_completed", EventOrderException: "order_exception",
	EventSLAAtRisk: "sla_at_risk", EventSLABreached: "sla_breached", EventTrackingUpdated: "tracking_updated",
	EventShipmentDelayed: "shipment_delayed",
	EventExceptionRaised: "exception_raised", EventExceptionResolved: "exception_resolved",
	EventAdMetricsRecorded: "ad_metrics_recorded",
}

// String returns the wire name of the kind.
func (k EventKind) String() string { return enumName(eventKindNames[:], int(k)) }

// ParseEventKind maps a wire name to a kind.
func ParseEventKind(s string) (EventKind, bool) {
	k, ok := parseEnum(eventKindNames[:], s)
	return EventKind(k), ok
}

// Event is one fact the engine decided. It is flat on purpose: the engine emits millions per
// second into a reused buffer, and every projection (read views, intelligence, SSE, webhooks)
// reads the same shape. Fields that do not apply to a kind are empty.
//
// Ref names the entity the event belongs to: the reservation for reserved, extended, released,
// expired and committed; the shipment for shipped; the command id for stock movements. Order
// is set when an order is involved. Qty is the units moved (signed for adjustments, counts and
// holds). At is the reservation's new expiry for reserved and extended, and the ETA for
// inbound_expected.
//
// location_defined carries Ref and Location the location, Reason its status, Qty its daily pick
// cutoff as a local minute of day (1..1440, 0 for none) and At its fixed offset from UTC in
// minutes (not a time: the location's local day is UTC plus At minutes), as the define_location
// command set them.
type Event struct {
	Seq      uint64    `json:"seq"`
	Time     int64     `json:"time"`
	Kind     EventKind `json:"-"`
	Tenant   string    `json:"-"`
	Ref      string    `json:"ref,omitempty"`
	Order    string    `json:"order,omitempty"`
	SKU      string    `json:"sku,omitempty"`
	Location string    `json:"location,omitempty"`
	Channel  string    `json:"channel,omitempty"`
	Qty      int64     `json:"qty,omitempty"`
	At       int64     `json:"at,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	// Carrier, Service and Tracking name the carrier service and parcel of a shipment's events.
	Carrier  string `json:"carrier,omitempty"`
	Service  string `json:"service,omitempty"`
	Tracking string `json:"tracking,omitempty"`
	// Ad holds an ad_metrics_recorded event's figures (nil for every other kind).
	Ad *AdMetrics `json:"ad,omitempty"`
}

// Result is the outcome of one command: its events, or the one rejection that changed nothing.
// Replayed is true when the command repeated an earlier one with the same id and content; the
// outcome is then the first one's (its rejection, or no new events) and nothing was applied twice.
type Result struct {
	Seq       uint64
	Events    []Event
	Rejection *Rejection
	Replayed  bool
	// Ref is the id of what the command created, when the engine chose it (the order id of
	// create_order); on a replay it is the id the first application created.
	Ref string
}

// OK reports whether the command was accepted.
func (r *Result) OK() bool { return r.Rejection == nil }
