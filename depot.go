// Package depot holds the shared vocabulary of Depot, the operations control plane for commerce:
// identifiers, commands (what callers ask for), events (what happened), rejections (why not) and
// the limits every layer enforces.
//
// The data flow is api -> sequencer -> engine.Apply -> journal -> answers -> projections. The
// root package is imported by every layer and therefore must never import any of them, and must
// stay free of I/O, clocks and randomness: timestamps and identifiers arrive inside commands.
package depot

// LocationKind says what sort of node a location is; sourcing treats them differently
// (dark stores serve quick orders within a radius, stores may ship or hand over).
type LocationKind uint8

// The location kinds.
const (
	LocationWarehouse LocationKind = iota + 1
	LocationStore
	LocationDarkStore
)

var locationKindNames = [...]string{LocationWarehouse: "warehouse", LocationStore: "store", LocationDarkStore: "dark_store"}

// String returns the wire name of the kind.
func (k LocationKind) String() string { return enumName(locationKindNames[:], int(k)) }

// ParseLocationKind maps a wire name to a kind.
func ParseLocationKind(s string) (LocationKind, bool) {
	k, ok := parseEnum(locationKindNames[:], s)
	return LocationKind(k), ok
}

// LocationStatus says whether a location may take new work. Paused and closed locations keep
// their stock positions but are never chosen for new reservations.
type LocationStatus uint8

// The location statuses.
const (
	LocationOpen LocationStatus = iota + 1
	LocationPaused
	LocationClosed
)

var locationStatusNames = [...]string{LocationOpen: "open", LocationPaused: "paused", LocationClosed: "closed"}

// String returns the wire name of the status.
func (s LocationStatus) String() string { return enumName(locationStatusNames[:], int(s)) }

// ParseLocationStatus maps a wire name to a status.
func ParseLocationStatus(s string) (LocationStatus, bool) {
	k, ok := parseEnum(locationStatusNames[:], s)
	return LocationStatus(k), ok
}

// Component is one part of a kit: reserving one kit reserves Qty units of SKU.
type Component struct {
	SKU string `json:"sku"`
	Qty int64  `json:"qty"`
}

// Buffer is how much of a SKU a channel must not sell: Units and Percent of the summed ATP of
// the feeding locations are withheld (the larger wins), and Cap, when positive, bounds what the
// channel is offered at all.
type Buffer struct {
	Units   int64 `json:"units,omitempty"`
	Percent int64 `json:"percent,omitempty"`
	Cap     int64 `json:"cap,omitempty"`
}

// SKUBuffer overrides a channel's default buffer for one SKU.
type SKUBuffer struct {
	SKU    string `json:"sku"`
	Buffer Buffer `json:"buffer"`
}

// Position is the stock of one SKU at one location. ATP (available to promise) is
// OnHand - Reserved - Allocated - Held; Inbound is expected but not yet received.
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

// ReservationStatus is where a reservation is in its life.
type ReservationStatus uint8

// The reservation statuses. Only active reservations hold stock.
const (
	ReservationActive ReservationStatus = iota + 1
	ReservationCommitted
	ReservationReleased
	ReservationExpired
	ReservationRejected
)

var reservationStatusNames = [...]string{
	ReservationActive: "active", ReservationCommitted: "committed", ReservationReleased: "released",
	ReservationExpired: "expired", ReservationRejected: "rejected",
}

// String returns the wire name of the status.
func (s ReservationStatus) String() string { return enumName(reservationStatusNames[:], int(s)) }

// ReservedLine is one placed line of a reservation: Qty units of SKU held at Location. Kits are
// stored as their components.
type ReservedLine struct {
	SKU      string `json:"sku"`
	Location string `json:"location"`
	Qty      int64  `json:"qty"`
}

// Reservation is a read view of a reservation.
type Reservation struct {
	ID        string            `json:"id"`
	Channel   string            `json:"channel"`
	Status    ReservationStatus `json:"-"`
	StatusStr string            `json:"status"`
	Order     string            `json:"order,omitempty"`
	ExpiresAt int64             `json:"expires_at"`
	Lines     []ReservedLine    `json:"lines"`
}

func enumName(names []string, i int) string {
	if i <= 0 || i >= len(names) || names[i] == "" {
		return "unknown" // out of range, or a gap between numbered blocks
	}
	return names[i]
}

func parseEnum(names []string, s string) (int, bool) {
	for i, n := range names {
		if i > 0 && n != "" && n == s {
			return i, true
		}
	}
	return 0, false
}
