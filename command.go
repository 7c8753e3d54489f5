package depot

import (
	"unicode/utf8"

	"github.com/depothq/depot/internal/wire"
)

// CommandKind identifies a command type on the wire and in the journal. Values are stable:
// never renumber, only append.
type CommandKind uint8

// The command kinds.
const (
	KindDefineSKU CommandKind = iota + 1
	KindDefineLocation
	KindDefineChannel
	KindExpectInbound
	KindReceive
	KindAdjust
	KindCount
	KindHold
	KindReserve
	KindExtend
	KindRelease
	KindCommit
	KindShip
	KindReturn
	KindTick
	// Order orchestration (order_command.go).
	KindDefineCarrier
	KindDefineRouting
	KindCreateOrder
	KindAdvanceShipment
	KindCancelOrder
	KindTrackShipment
	// Operator exceptions on orders (order_command.go). Kinds 22 to 29 are this block's.
	KindRaiseException
	KindResolveException
)

// Advertising (ad_command.go). Its kinds start at 30, apart from the order kinds, so that both
// sets can grow without renumbering each other.
const (
	KindRecordAdMetrics CommandKind = 30
)

var commandKindNames = [...]string{
	KindDefineSKU: "define_sku", KindDefineLocation: "define_location", KindDefineChannel: "define_channel",
	KindExpectInbound: "expect_inbound", KindReceive: "receive", KindAdjust: "adjust", KindCount: "count",
	KindHold: "hold", KindReserve: "reserve", KindExtend: "extend", KindRelease: "release",
	KindCommit: "commit", KindShip: "ship", KindReturn: "return", KindTick: "tick",
	KindDefineCarrier: "define_carrier", KindDefineRouting: "define_routing", KindCreateOrder: "create_order",
	KindAdvanceShipment: "advance_shipment", KindCancelOrder: "cancel_order", KindTrackShipment: "track_shipment",
	KindRaiseException: "raise_exception", KindResolveException: "resolve_exception",
	KindRecordAdMetrics: "record_ad_metrics",
}

// String returns the wire name of the kind.
func (k CommandKind) String() string { return enumName(commandKindNames[:], int(k)) }

// ParseCommandKind maps a wire name to a kind.
func ParseCommandKind(s string) (CommandKind, bool) {
	k, ok := parseEnum(commandKindNames[:], s)
	return CommandKind(k), ok
}

// Command is a request to change state. The set is closed: only this package defines commands,
// because each must have a stable binary encoding in the journal.
type Command interface {
	// Kind identifies the command type.
	Kind() CommandKind
	// TenantID is the tenant whose state the command touches ("" only for Tick).
	TenantID() string
	// Validate checks the command's shape against the limits without looking at any state.
	Validate() *Rejection

	encode(e *wire.Encoder)
	decode(d *wire.Decoder)
}

// Envelope is a command as sequenced: the sequencer stamps Seq (contiguous from 1) and Time
// (unix nanoseconds), and that is the only way time enters the engine.
type Envelope struct {
	Seq  uint64
	Time int64
	Cmd  Command
	// Validated says Cmd.Validate already passed: the sequencer validates before sequencing, so
	// everything in the journal did, and the engine need not pay for it twice. It is not
	// encoded; a decoded envelope has it false unless its reader vouches for its source.
	Validated bool
	// Encoded, when set, is AppendCommand's encoding of Cmd, which the engine then fingerprints
	// instead of encoding the command again. Whoever sets it vouches that it matches Cmd.
	Encoded []byte
	// Fingerprint, when not zero, is Fingerprint(Encoded), computed where Encoded was (on the
	// sequencer's callers' goroutines, in the replay's decoder) so that the single writer does
	// not hash every command again. Zero means "not computed": the engine hashes Encoded.
	Fingerprint uint64
}

// DefineSKU creates or updates a SKU. A SKU with Components is a kit: it has no stock of its
// own, and reserving it reserves its components.
type DefineSKU struct {
	Tenant      string      `json:"-"`
	SKU         string      `json:"sku"`
	Name        string      `json:"name,omitempty"`
	WeightGrams int64       `json:"weight_grams,omitempty"`
	PriceMinor  int64       `json:"price_minor,omitempty"`
	Components  []Component `json:"components,omitempty"`
}

// DefineLocation creates or updates a location. Coordinates are micro-degrees so that the state
// stays integer.
//
// The last four fields serve order orchestration: the location's fixed offset from UTC (its
// local day), its daily pick cutoff as a local minute of day (1..1440, 0 for none), and for a
// dark store its rider fleet (riders per dispatch slot, 0 for no fleet limit, and the slot length
// in minutes, 0 for the default of 10). Setting a location paused or closed re-sources the orders
// it has not started picking.
type DefineLocation struct {
	Tenant           string         `json:"-"`
	Location         string         `json:"location"`
	Name             string         `json:"name,omitempty"`
	Type             LocationKind   `json:"-"`
	Status           LocationStatus `json:"-"`
	LatE6            int64          `json:"lat_e6"`
	LonE6            int64          `json:"lon_e6"`
	ServiceRadiusM   int64          `json:"service_radius_m,omitempty"`
	CapacityPerHour  int64          `json:"capacity_per_hour,omitempty"`
	Groups           []string       `json:"groups,omitempty"`
	UTCOffsetMinutes int32          `json:"utc_offset_minutes,omitempty"`
	CutoffMinute     int32          `json:"cutoff_minute,omitempty"`
	RidersPerSlot    int32          `json:"riders_per_slot,omitempty"`
	RiderSlotMinutes int32          `json:"rider_slot_minutes,omitempty"`
}

// DefineChannel creates or updates a sales channel and its allocation policy: Locations feed
// it, in the order the policy prefers them, and buffers withhold stock from it.
type DefineChannel struct {
	Tenant    string      `json:"-"`
	Channel   string      `json:"channel"`
	Name      string      `json:"name,omitempty"`
	Locations []string    `json:"locations"`
	Default   Buffer      `json:"buffer"`
	Overrides []SKUBuffer `json:"sku_buffers,omitempty"`
}

// ExpectInbound records an expected receipt (a purchase order or transfer) with its ETA.
type ExpectInbound struct {
	Tenant   string `json:"-"`
	ID       string `json:"id"`
	SKU      string `json:"sku"`
	Location string `json:"location"`
	Qty      int64  `json:"qty"`
	ETA      int64  `json:"eta"`
}

// Receive adds units to on-hand stock. Inbound, when set, names the expected receipt it fulfils.
type Receive struct {
	Tenant   string `json:"-"`
	ID       string `json:"id"`
	SKU      string `json:"sku"`
	Location string `json:"location"`
	Qty      int64  `json:"qty"`
	Inbound  string `json:"inbound,omitempty"`
}

// Adjust changes on-hand stock by a signed delta, for a reason (damage write-off, found stock).
type Adjust struct {
	Tenant   string `json:"-"`
	ID       string `json:"id"`
	SKU      string `json:"sku"`
	Location string `json:"location"`
	Delta    int64  `json:"delta"`
	Reason   string `json:"reason"`
}

// Count sets on-hand stock to what a cycle count found; the difference becomes an event.
type Count struct {
	Tenant   string `json:"-"`
	ID       string `json:"id"`
	SKU      string `json:"sku"`
	Location string `json:"location"`
	OnHand   int64  `json:"on_hand"`
}

// Hold moves units into (positive Delta) or out of (negative) the held bucket: damaged or
// quarantined stock that is on hand but must not be promised.
type Hold struct {
	Tenant   string `json:"-"`
	ID       string `json:"id"`
	SKU      string `json:"sku"`
	Location string `json:"location"`
	Delta    int64  `json:"delta"`
	Reason   string `json:"reason"`
}

// ReserveLine asks for Qty units of SKU, at Location or, when empty, wherever the channel's
// policy places it.
type ReserveLine struct {
	SKU      string `json:"sku"`
	Location string `json:"location,omitempty"`
	Qty      int64  `json:"qty"`
}

// Reserve holds stock for a channel until it is committed, released or expires. Reservation is
// chosen by the client and is the idempotency key. All lines are reserved or none.
type Reserve struct {
	Tenant      string        `json:"-"`
	Reservation string        `json:"id"`
	Channel     string        `json:"channel"`
	TTL         int64         `json:"ttl_ns,omitempty"`
	Lines       []ReserveLine `json:"lines"`
}

// Extend moves a live reservation's expiry to now + TTL.
type Extend struct {
	Tenant      string `json:"-"`
	Reservation string `json:"id"`
	TTL         int64  `json:"ttl_ns"`
}

// Release gives a live reservation's stock back.
type Release struct {
	Tenant      string `json:"-"`
	Reservation string `json:"id"`
}

// Commit turns a live reservation into an allocation against an order.
type Commit struct {
	Tenant      string `json:"-"`
	Reservation string `json:"id"`
	Order       string `json:"order"`
}

// ShipLine is one shipped quantity of an allocation.
type ShipLine struct {
	SKU      string `json:"sku"`
	Location string `json:"location"`
	Qty      int64  `json:"qty"`
}

// Ship removes allocated units from on-hand stock: they left the building. With no Lines it
// ships everything allocated to the order.
type Ship struct {
	Tenant string     `json:"-"`
	ID     string     `json:"id"`
	Order  string     `json:"order"`
	Lines  []ShipLine `json:"lines,omitempty"`
}

// Return brings units back to a location, either sellable (Restock) or held for inspection.
type Return struct {
	Tenant   string `json:"-"`
	ID       string `json:"id"`
	Order    string `json:"order,omitempty"`
	SKU      string `json:"sku"`
	Location string `json:"location"`
	Qty      int64  `json:"qty"`
	Restock  bool   `json:"restock"`
	Reason   string `json:"reason,omitempty"`
}

// Tick advances the engine's logical clock to the envelope's time: reservations whose TTL has
// passed expire and their stock returns.
type Tick struct{}

// Kind implements Command.
func (*DefineSKU) Kind() CommandKind      { return KindDefineSKU }
func (*DefineLocation) Kind() CommandKind { return KindDefineLocation }
func (*DefineChannel) Kind() CommandKind  { return KindDefineChannel }
func (*ExpectInbound) Kind() CommandKind  { return KindExpectInbound }
func (*Receive) Kind() CommandKind        { return KindReceive }
func (*Adjust) Kind() CommandKind         { return KindAdjust }
func (*Count) Kind() CommandKind          { return KindCount }
func (*Hold) Kind() CommandKind           { return KindHold }
func (*Reserve) Kind() CommandKind        { return KindReserve }
func (*Extend) Kind() CommandKind         { return KindExtend }
func (*Release) Kind() CommandKind        { return KindRelease }
func (*Commit) Kind() CommandKind         { return KindCommit }
func (*Ship) Kind() CommandKind           { return KindShip }
func (*Return) Kind() CommandKind         { return KindReturn }
func (*Tick) Kind() CommandKind           { return KindTick }

// TenantID implements Command.
func (c *DefineSKU) TenantID() string      { return c.Tenant }
func (c *DefineLocation) TenantID() string { return c.Tenant }
func (c *DefineChannel) TenantID() string  { return c.Tenant }
func (c *ExpectInbound) TenantID() string  { return c.Tenant }
func (c *Receive) TenantID() string        { return c.Tenant }
func (c *Adjust) TenantID() string         { return c.Tenant }
func (c *Count) TenantID() string          { return c.Tenant }
func (c *Hold) TenantID() string           { return c.Tenant }
func (c *Reserve) TenantID() string        { return c.Tenant }
func (c *Extend) TenantID() string         { return c.Tenant }
func (c *Release) TenantID() string        { return c.Tenant }
func (c *Commit) TenantID() string         { return c.Tenant }
func (c *Ship) TenantID() string           { return c.Tenant }
func (c *Return) TenantID() string         { return c.Tenant }
func (*Tick) TenantID() string             { return "" }

// NewCommand returns an empty command of the kind, or nil for an unknown kind.
func NewCommand(k CommandKind) Command {
	switch k {
	case KindDefineSKU:
		return &DefineSKU{}
	case KindDefineLocation:
		return &DefineLocation{}
	case KindDefineChannel:
		return &DefineChannel{}
	case KindExpectInbound:
		return &ExpectInbound{}
	case KindReceive:
		return &Receive{}
	case KindAdjust:
		return &Adjust{}
	case KindCount:
		return &Count{}
	case KindHold:
		return &Hold{}
	case KindReserve:
		return &Reserve{}
	case KindExtend:
		return &Extend{}
	case KindRelease:
		return &Release{}
	case KindCommit:
		return &Commit{}
	case KindShip:
		return &Ship{}
	case KindReturn:
		return &Return{}
	case KindTick:
		return &Tick{}
	}
	if c := newAdCommand(k); c != nil {
		return c
	}
	return newOrderCommand(k)
}

// Validation of shapes. Each check names the offending field so the API can point at it.

func checkID(field, s string) *Rejection {
	if s == "" {
		return Reject(CodeInvalidArgument, field, "%s is required", field)
	}
	if len(s) > MaxIDLen {
		return Reject(CodeLimitExceeded, field, "%s is %d bytes, the limit is %d", field, len(s), MaxIDLen)
	}
	return checkText(field, s)
}

func checkOptionalID(field, s string) *Rejection {
	if s == "" {
		return nil
	}
	return checkID(field, s)
}

func checkString(field, s string, limit int) *Rejection {
	if len(s) > limit {
		return Reject(CodeLimitExceeded, field, "%s is %d bytes, the limit is %d", field, len(s), limit)
	}
	return checkText(field, s)
}

// checkText refuses invalid UTF-8 and control characters: identifiers end up in logs, URLs and
// other systems, where such bytes cause trouble far from here.
func checkText(field, s string) *Rejection {
	// One pass over the ASCII ids every command carries; UTF-8 is validated only from the first
	// byte that needs it. The answers are those of validating first and looking for control
	// characters second: a control byte never sits inside a multi-byte sequence.
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			if !utf8.ValidString(s[i:]) {
				return Reject(CodeInvalidArgument, field, "%s is not valid UTF-8", field)
			}
			for ; i < len(s); i++ {
				if s[i] < 0x20 || s[i] == 0x7f {
					return Reject(CodeInvalidArgument, field, "%s contains a control character", field)
				}
			}
			return nil
		}
		if c < 0x20 || c == 0x7f {
			if !utf8.ValidString(s[i+1:]) {
				return Reject(CodeInvalidArgument, field, "%s is not valid UTF-8", field)
			}
			return Reject(CodeInvalidArgument, field, "%s contains a control character", field)
		}
	}
	return nil
}

func checkQty(field string, q int64) *Rejection {
	if q <= 0 || q > MaxQty {
		return Reject(CodeInvalidQuantity, field, "%s must be between 1 and %d, got %d", field, MaxQty, q)
	}
	return nil
}

func checkDelta(field string, q int64) *Rejection {
	if q == 0 || q > MaxQty || q < -MaxQty {
		return Reject(CodeInvalidQuantity, field, "%s must be non-zero and within ±%d, got %d", field, MaxQty, q)
	}
	return nil
}

func checkTTL(field string, ttl int64, optional bool) *Rejection {
	if optional && ttl == 0 {
		return nil
	}
	if ttl < MinTTL || ttl > MaxTTL {
		return Reject(CodeInvalidArgument, field, "%s must be between %d and %d nanoseconds, got %d", field, MinTTL, MaxTTL, ttl)
	}
	return nil
}

func checkBuffer(field string, b Buffer) *Rejection {
	if b.Units < 0 || b.Units > MaxQty {
		return Reject(CodeInvalidQuantity, field+".units", "buffer units must be between 0 and %d", MaxQty)
	}
	if b.Percent < 0 || b.Percent > MaxPercent {
		return Reject(CodeInvalidArgument, field+".percent", "buffer percent must be between 0 and %d", MaxPercent)
	}
	if b.Cap < 0 || b.Cap > MaxOnHand {
		return Reject(CodeInvalidQuantity, field+".cap", "cap must be between 0 (none) and %d", MaxOnHand)
	}
	return nil
}

func first(rs ...*Rejection) *Rejection {
	for _, r := range rs {
		if r != nil {
			return r
		}
	}
	return nil
}

// Validate implements Command.
func (c *DefineSKU) Validate() *Rejection {
	if r := first(checkID("tenant", c.Tenant), checkID("sku", c.SKU), checkString("name", c.Name, MaxNameLen)); r != nil {
		return r
	}
	if c.WeightGrams < 0 || c.WeightGrams > MaxQty {
		return Reject(CodeInvalidArgument, "weight_grams", "weight must be between 0 and %d grams", MaxQty)
	}
	if c.PriceMinor < 0 || c.PriceMinor > MaxOnHand {
		return Reject(CodeInvalidArgument, "price_minor", "price must be between 0 and %d", MaxOnHand)
	}
	if len(c.Components) > MaxComponents {
		return Reject(CodeLimitExceeded, "components", "a kit has at most %d components, got %d", MaxComponents, len(c.Components))
	}
	for i, comp := range c.Components {
		if r := first(checkID("components.sku", comp.SKU), checkQty("components.qty", comp.Qty)); r != nil {
			return r
		}
		if comp.SKU == c.SKU {
			return Reject(CodeInvalidArgument, "components.sku", "a kit cannot contain itself")
		}
		for _, prev := range c.Components[:i] {
			if prev.SKU == comp.SKU {
				return Reject(CodeInvalidArgument, "components.sku", "component %q is listed twice", comp.SKU)
			}
		}
	}
	return nil
}

// Validate implements Command.
func (c *DefineLocation) Validate() *Rejection {
	if r := first(checkID("tenant", c.Tenant), checkID("location", c.Location), checkString("name", c.Name, MaxNameLen)); r != nil {
		return r
	}
	if c.Type < LocationWarehouse || c.Type > LocationDarkStore {
		return Reject(CodeInvalidArgument, "type", "type must be warehouse, store or dark_store")
	}
	if c.Status < LocationOpen || c.Status > LocationClosed {
		return Reject(CodeInvalidArgument, "status", "status must be open, paused or closed")
	}
	if c.LatE6 < -90_000_000 || c.LatE6 > 90_000_000 {
		return Reject(CodeInvalidArgument, "lat_e6", "latitude must be within ±90 degrees")
	}
	if c.LonE6 < -180_000_000 || c.LonE6 > 180_000_000 {
		return Reject(CodeInvalidArgument, "lon_e6", "longitude must be within ±180 degrees")
	}
	if c.ServiceRadiusM < 0 || c.ServiceRadiusM > 1_000_000 {
		return Reject(CodeInvalidArgument, "service_radius_m", "service radius must be between 0 and 1,000 km")
	}
	if c.CapacityPerHour < 0 || c.CapacityPerHour > MaxQty {
		return Reject(CodeInvalidArgument, "capacity_per_hour", "capacity must be between 0 and %d", MaxQty)
	}
	if len(c.Groups) > MaxLocationGroups {
		return Reject(CodeLimitExceeded, "groups", "a location has at most %d groups", MaxLocationGroups)
	}
	for _, g := range c.Groups {
		if r := checkID("groups", g); r != nil {
			return r
		}
	}
	if c.UTCOffsetMinutes < -MaxUTCOffsetMinutes || c.UTCOffsetMinutes > MaxUTCOffsetMinutes {
		return Reject(CodeInvalidArgument, "utc_offset_minutes", "the UTC offset must be within ±%d minutes", MaxUTCOffsetMinutes)
	}
	if c.CutoffMinute < 0 || c.CutoffMinute > 1440 {
		return Reject(CodeInvalidArgument, "cutoff_minute", "the pick cutoff must be a minute of the day, 1 to 1440, or 0 for none")
	}
	if c.RidersPerSlot < 0 || c.RidersPerSlot > MaxRidersPerSlot {
		return Reject(CodeInvalidArgument, "riders_per_slot", "riders per slot must be between 0 and %d", MaxRidersPerSlot)
	}
	// A slot must divide the day so slots line up with local days at every offset.
	if c.RiderSlotMinutes < 0 || (c.RiderSlotMinutes > 0 && 1440%c.RiderSlotMinutes != 0) {
		return Reject(CodeInvalidArgument, "rider_slot_minutes", "the rider slot must divide a day (1440 minutes), or be 0 for the default")
	}
	return nil
}

// Validate implements Command.
func (c *DefineChannel) Validate() *Rejection {
	if r := first(checkID("tenant", c.Tenant), checkID("channel", c.Channel), checkString("name", c.Name, MaxNameLen), checkBuffer("buffer", c.Default)); r != nil {
		return r
	}
	if len(c.Locations) > MaxChannelLocations {
		return Reject(CodeLimitExceeded, "locations", "a channel is fed by at most %d locations", MaxChannelLocations)
	}
	for i, l := range c.Locations {
		if r := checkID("locations", l); r != nil {
			return r
		}
		for _, prev := range c.Locations[:i] {
			if prev == l {
				return Reject(CodeInvalidArgument, "locations", "location %q is listed twice", l)
			}
		}
	}
	if len(c.Overrides) > MaxSKUBuffers {
		return Reject(CodeLimitExceeded, "sku_buffers", "a channel has at most %d SKU buffers", MaxSKUBuffers)
	}
	for _, o := range c.Overrides {
		if r := first(checkID("sku_buffers.sku", o.SKU), checkBuffer("sku_buffers.buffer", o.Buffer)); r != nil {
			return r
		}
	}
	return nil
}

// Validate implements Command.
func (c *ExpectInbound) Validate() *Rejection {
	return first(checkID("tenant", c.Tenant), checkID("id", c.ID), checkID("sku", c.SKU),
		checkID("location", c.Location), checkQty("qty", c.Qty))
}

// Validate implements Command.
func (c *Receive) Validate() *Rejection {
	return first(checkID("tenant", c.Tenant), checkID("id", c.ID), checkID("sku", c.SKU),
		checkID("location", c.Location), checkQty("qty", c.Qty), checkOptionalID("inbound", c.Inbound))
}

// Validate implements Command.
func (c *Adjust) Validate() *Rejection {
	return first(checkID("tenant", c.Tenant), checkID("id", c.ID), checkID("sku", c.SKU),
		checkID("location", c.Location), checkDelta("delta", c.Delta), checkString("reason", c.Reason, MaxReasonLen))
}

// Validate implements Command.
func (c *Count) Validate() *Rejection {
	if r := first(checkID("tenant", c.Tenant), checkID("id", c.ID), checkID("sku", c.SKU), checkID("location", c.Location)); r != nil {
		return r
	}
	if c.OnHand < 0 || c.OnHand > MaxOnHand {
		return Reject(CodeInvalidQuantity, "on_hand", "a count must be between 0 and %d", MaxOnHand)
	}
	return nil
}

// Validate implements Command.
func (c *Hold) Validate() *Rejection {
	return first(checkID("tenant", c.Tenant), checkID("id", c.ID), checkID("sku", c.SKU),
		checkID("location", c.Location), checkDelta("delta", c.Delta), checkString("reason", c.Reason, MaxReasonLen))
}

// Validate implements Command.
func (c *Reserve) Validate() *Rejection {
	if r := first(checkID("tenant", c.Tenant), checkID("id", c.Reservation), checkID("channel", c.Channel), checkTTL("ttl_ns", c.TTL, true)); r != nil {
		return r
	}
	if len(c.Lines) == 0 {
		return Reject(CodeInvalidArgument, "lines", "a reservation needs at least one line")
	}
	if len(c.Lines) > MaxLines {
		return Reject(CodeLimitExceeded, "lines", "a reservation has at most %d lines, got %d", MaxLines, len(c.Lines))
	}
	for _, l := range c.Lines {
		if r := first(checkID("lines.sku", l.SKU), checkOptionalID("lines.location", l.Location), checkQty("lines.qty", l.Qty)); r != nil {
			return r
		}
	}
	return nil
}

// Validate implements Command.
func (c *Extend) Validate() *Rejection {
	return first(checkID("tenant", c.Tenant), checkID("id", c.Reservation), checkTTL("ttl_ns", c.TTL, false))
}

// Validate implements Command.
func (c *Release) Validate() *Rejection {
	return first(checkID("tenant", c.Tenant), checkID("id", c.Reservation))
}

// Validate implements Command.
func (c *Commit) Validate() *Rejection {
	return first(checkID("tenant", c.Tenant), checkID("id", c.Reservation), checkID("order", c.Order))
}

// Validate implements Command.
func (c *Ship) Validate() *Rejection {
	if r := first(checkID("tenant", c.Tenant), checkID("id", c.ID), checkID("order", c.Order)); r != nil {
		return r
	}
	if len(c.Lines) > MaxLines {
		return Reject(CodeLimitExceeded, "lines", "a shipment has at most %d lines, got %d", MaxLines, len(c.Lines))
	}
	for _, l := range c.Lines {
		if r := first(checkID("lines.sku", l.SKU), checkID("lines.location", l.Location), checkQty("lines.qty", l.Qty)); r != nil {
			return r
		}
	}
	return nil
}

// Validate implements Command.
func (c *Return) Validate() *Rejection {
	return first(checkID("tenant", c.Tenant), checkID("id", c.ID), checkOptionalID("order", c.Order),
		checkID("sku", c.SKU), checkID("location", c.Location), checkQty("qty", c.Qty),
		checkString("reason", c.Reason, MaxReasonLen))
}

// Validate implements Command.
func (*Tick) Validate() *Rejection { return nil }
