package carriers

// Status is a tracking status normalised across carriers.
type Status uint8

// The normalised statuses. StatusUnknown is the zero value: a code no table maps.
const (
	StatusUnknown Status = iota
	StatusPreTransit
	StatusInTransit
	StatusOutForDelivery
	StatusDelivered
	StatusAvailableForPickup
	StatusDeliveryFailed
	StatusException
	StatusReturnToSender
	StatusCancelled
)

var statusNames = [...]string{
	StatusUnknown:            "unknown",
	StatusPreTransit:         "pre_transit",
	StatusInTransit:          "in_transit",
	StatusOutForDelivery:     "out_for_delivery",
	StatusDelivered:          "delivered",
	StatusAvailableForPickup: "available_for_pickup",
	StatusDeliveryFailed:     "delivery_failed",
	StatusException:          "exception",
	StatusReturnToSender:     "return_to_sender",
	StatusCancelled:          "cancelled",
}

// statusRank orders statuses by how far a parcel has got, to decide between events with the same
// timestamp without depending on the order the carrier sent them in.
var statusRank = [...]uint8{
	StatusUnknown:            0,
	StatusPreTransit:         1,
	StatusInTransit:          2,
	StatusOutForDelivery:     3,
	StatusDeliveryFailed:     4,
	StatusException:          5,
	StatusAvailableForPickup: 6,
	StatusReturnToSender:     7,
	StatusDelivered:          8,
	StatusCancelled:          9,
}

// String returns the wire name of the status, such as "out_for_delivery".
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "unknown"
}

// ParseStatus maps a wire name to a status.
func ParseStatus(name string) (Status, bool) {
	for i, n := range statusNames {
		if i > 0 && n == name {
			return Status(i), true
		}
	}
	return StatusUnknown, false
}

// Arrived reports whether the parcel reached the customer or a pickup point the customer chose:
// the promise is kept or broken at the first such event.
func (s Status) Arrived() bool { return s == StatusDelivered || s == StatusAvailableForPickup }

// Moving reports whether the parcel is with the carrier and expected to progress; only moving
// parcels can be stuck.
func (s Status) Moving() bool { return s == StatusInTransit || s == StatusOutForDelivery }
