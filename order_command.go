package depot

import "unicode/utf8"

// Order orchestration commands: carriers and routing rules as data, the order itself, and what
// happens to it afterwards (shipment steps, cancellations, carrier tracking). Order ids are
// chosen by the engine ("o-<seq>", the sequence number of the create_order that made the
// order) and shipment ids are "<order>-<n>", so replaying the journal reproduces every id.

// ServiceLevel is the delivery speed an order was sold with.
type ServiceLevel uint8

// The service levels.
const (
	LevelStandard ServiceLevel = iota + 1
	LevelExpress
	LevelSameDay
	// LevelQuick is quick commerce: dark stores only, within their radius, delivered by their
	// riders within CreateOrder.PromiseMinutes.
	LevelQuick
)

var serviceLevelNames = [...]string{LevelStandard: "standard", LevelExpress: "express", LevelSameDay: "same_day", LevelQuick: "quick"}

// String returns the wire name of the level.
func (l ServiceLevel) String() string { return enumName(serviceLevelNames[:], int(l)) }

// ParseServiceLevel maps a wire name to a level.
func ParseServiceLevel(s string) (ServiceLevel, bool) {
	k, ok := parseEnum(serviceLevelNames[:], s)
	return ServiceLevel(k), ok
}

// ShipmentStep is one step of a shipment's life that the warehouse (or the rider) reports.
type ShipmentStep uint8

// The steps, in the only order they may happen.
const (
	StepRelease ShipmentStep = iota + 1 // the work is released to the location's floor
	StepPick                            // picked
	StepPack                            // packed and labelled
	StepShip                            // handed to the carrier (or rider); units leave on-hand stock
	StepDeliver                         // delivered (carrier shipments usually learn it from tracking)
)

var shipmentStepNames = [...]string{StepRelease: "release", StepPick: "pick", StepPack: "pack", StepShip: "ship", StepDeliver: "deliver"}

// String returns the wire name of the step.
func (s ShipmentStep) String() string { return enumName(shipmentStepNames[:], int(s)) }

// ParseShipmentStep maps a wire name to a step.
func ParseShipmentStep(s string) (ShipmentStep, bool) {
	k, ok := parseEnum(shipmentStepNames[:], s)
	return ShipmentStep(k), ok
}

// RuleKind is one kind of routing rule, ranked like the rules merchants know from commerce
// platforms. The numbering and names are those of the sourcing package, which applies them.
type RuleKind uint8

// The routing rules. Filters remove locations; the others rank whole plans in rule order.
const (
	RuleClosest         RuleKind = iota + 1 // ship from the closest locations
	RuleFewestShipments                     // minimise the number of shipments
	RulePreferGroup                         // prefer locations in Group
	RuleExcludeGroup                        // never ship from locations in Group
	RuleOwnLocations                        // keep the channel on its own locations
	RuleCheapest                            // cheapest total cost (the default objective)
	RuleLeastBacklog                        // prefer locations with the shortest pick queue
)

var ruleKindNames = [...]string{
	RuleClosest: "closest", RuleFewestShipments: "fewest_shipments", RulePreferGroup: "prefer_group",
	RuleExcludeGroup: "exclude_group", RuleOwnLocations: "own_locations", RuleCheapest: "cheapest",
	RuleLeastBacklog: "least_backlog",
}

// String returns the wire name of the rule kind.
func (k RuleKind) String() string { return enumName(ruleKindNames[:], int(k)) }

// ParseRuleKind maps a wire name to a rule kind.
func ParseRuleKind(s string) (RuleKind, bool) {
	k, ok := parseEnum(ruleKindNames[:], s)
	return RuleKind(k), ok
}

// CarrierCutoff is a service's pickup minute at one location, overriding its default.
type CarrierCutoff struct {
	Location string `json:"location"`
	Minute   int32  `json:"minute"`
}

// CarrierService is one service of a carrier as data. Its rate card prices a parcel by distance
// band (DistanceUpToM) or by zone band (ZoneUpTo, zones of the carrier's Zones; exactly one of
// the two is set) and weight band: Prices[band*len(WeightUpToG)+weightBand] in minor units, bounds
// being inclusive upper bounds in ascending order (a parcel beyond the last, or in no zone, cannot
// be carried). The promise is the next pickup plus the maximum transit, plus a risk margin
// learned from tracking: planned from when the parcel should be ready, and counted again from the
// actual hand-over when it ships. The carrier collects once a day at the local cutoff minute, on
// the days in Days (bit 0 Sunday), or, with PickupEveryMinutes, every PickupEveryMinutes from the
// local minute PickupFromMinute up to the cutoff (the last collection; a window whose first
// collection comes after its cutoff runs through midnight and belongs to the day it opens).
type CarrierService struct {
	Service            string          `json:"service"`
	DistanceUpToM      []int64         `json:"distance_up_to_m,omitempty"`
	ZoneUpTo           []int64         `json:"zone_up_to,omitempty"`
	WeightUpToG        []int64         `json:"weight_up_to_g"`
	Prices             []int64         `json:"prices_minor"`
	TransitMinMinutes  int64           `json:"transit_min_minutes"`
	TransitMaxMinutes  int64           `json:"transit_max_minutes"`
	CutoffMinute       int32           `json:"cutoff_minute"`
	Cutoffs            []CarrierCutoff `json:"cutoffs,omitempty"`
	PickupEveryMinutes int32           `json:"pickup_every_minutes,omitempty"`
	PickupFromMinute   int32           `json:"pickup_from_minute,omitempty"`
	Days               uint8           `json:"days"`
}

// CarrierZone assigns lanes to one of the carrier's zones (0 to MaxZone). A postal rule matches
// parcels to a ship-to whose postal code starts with PostalPrefix (compared without case, spaces
// or hyphens); a ring rule (no PostalPrefix) matches parcels travelling at most UpToM metres.
// Origin restricts a rule to parcels leaving one location ("" for every origin), Country to
// ship-tos in one country ("" for any). The zone of a lane is that of the most specific matching
// rule: a rule of the origin before one of every origin, then postal before ring rules, the
// longest prefix or the smallest ring, then a rule of the country before one of any country.
type CarrierZone struct {
	Origin       string `json:"origin,omitempty"`
	Country      string `json:"country,omitempty"`
	PostalPrefix string `json:"postal_prefix,omitempty"`
	UpToM        int64  `json:"up_to_m,omitempty"`
	Zone         int64  `json:"zone"`
}

// TrackingStatus is a carrier tracking status as Depot normalises it. The numbering is the
// carriers package's (carriers.Status).
type TrackingStatus uint8

// The normalised tracking statuses.
const (
	TrackingPreTransit TrackingStatus = iota + 1
	TrackingInTransit
	TrackingOutForDelivery
	TrackingDelivered
	TrackingAvailableForPickup
	TrackingDeliveryFailed
	TrackingException
	TrackingReturnToSender
	TrackingCancelled
)

var trackingStatusNames = [...]string{
	TrackingPreTransit: "pre_transit", TrackingInTransit: "in_transit", TrackingOutForDelivery: "out_for_delivery",
	TrackingDelivered: "delivered", TrackingAvailableForPickup: "available_for_pickup", TrackingDeliveryFailed: "delivery_failed",
	TrackingException: "exception", TrackingReturnToSender: "return_to_sender", TrackingCancelled: "cancelled",
}

// String returns the wire name of the status.
func (s TrackingStatus) String() string { return enumName(trackingStatusNames[:], int(s)) }

// ParseTrackingStatus maps a wire name to a status.
func ParseTrackingStatus(s string) (TrackingStatus, bool) {
	k, ok := parseEnum(trackingStatusNames[:], s)
	return TrackingStatus(k), ok
}

// CarrierCode maps one of the carrier's raw tracking codes to a normalised status. Codes match
// without case and with any spelling of separators ("OUT-FOR-DELIVERY" is "out for delivery");
// the carrier's table is consulted before the common spellings every carrier shares.
type CarrierCode struct {
	Code   string         `json:"code"`
	Status TrackingStatus `json:"-"`
}

// DefineCarrier creates or replaces a carrier and its services. Learned on-time scores survive a
// redefinition of the same service; a carrier with no services is withdrawn from selection.
// Zones are the carrier's zone chart, used by services priced by zone; Codes its tracking codes.
type DefineCarrier struct {
	Tenant   string           `json:"-"`
	Carrier  string           `json:"carrier"`
	Services []CarrierService `json:"services"`
	Zones    []CarrierZone    `json:"zones,omitempty"`
	Codes    []CarrierCode    `json:"codes,omitempty"`
}

// RoutingRule is one rule of a channel's routing; Group names the location group of
// prefer_group and exclude_group.
type RoutingRule struct {
	Kind  RuleKind `json:"-"`
	Group string   `json:"group,omitempty"`
}

// DefineRouting sets how a channel's orders are sourced: its rules in rank order, its own
// locations (for own_locations), whether one line may ship from several locations, the
// objective's penalties per extra shipment and per started hour late, and the backorder policy
// of the channel's orders that name none (0 is BackorderLines). An order's own policy overrides
// the channel's; the policy is settled when the order is created, so a later define_routing does
// not change the orders already taken.
type DefineRouting struct {
	Tenant                  string          `json:"-"`
	Channel                 string          `json:"channel"`
	Rules                   []RoutingRule   `json:"rules,omitempty"`
	Own                     []string        `json:"own_locations,omitempty"`
	AllowSplitLines         bool            `json:"allow_split_lines,omitempty"`
	SplitPenaltyMinor       int64           `json:"split_penalty_minor,omitempty"`
	LatePenaltyPerHourMinor int64           `json:"late_penalty_per_hour_minor,omitempty"`
	Backorder               BackorderPolicy `json:"-"`
}

// OrderLine is Qty units of SKU (a kit counts whole kits) sold at UnitPriceMinor.
type OrderLine struct {
	SKU            string `json:"sku"`
	Qty            int64  `json:"qty"`
	UnitPriceMinor int64  `json:"unit_price_minor,omitempty"`
}

// BackorderPolicy says what an order does when stock is short. The zero value is
// BackorderLines.
type BackorderPolicy uint8

// The backorder policies, the way merchants know them.
const (
	// BackorderLines (the default): each line is allocated whole or waits whole; the lines in
	// stock ship at once.
	BackorderLines BackorderPolicy = iota + 1
	// BackorderPartial ("ship partial"): every unit in stock is allocated, across lines and
	// within a line; only the missing units wait, and ship as they arrive.
	BackorderPartial
	// BackorderShipComplete ("ship complete"): nothing is allocated until the whole order can
	// be, at once; until then every unit waits.
	BackorderShipComplete
)

var backorderPolicyNames = [...]string{BackorderLines: "lines", BackorderPartial: "partial", BackorderShipComplete: "ship_complete"}

// String returns the wire name of the policy ("lines" for the zero value).
func (p BackorderPolicy) String() string {
	if p == 0 {
		return backorderPolicyNames[BackorderLines]
	}
	return enumName(backorderPolicyNames[:], int(p))
}

// ParseBackorderPolicy maps a wire name to a policy.
func ParseBackorderPolicy(s string) (BackorderPolicy, bool) {
	k, ok := parseEnum(backorderPolicyNames[:], s)
	return BackorderPolicy(k), ok
}

// Attribute is one free-form key/value pair of an order, kept verbatim and in order.
type Attribute struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// CreateOrder ingests an order from a channel. It is idempotent on (tenant, channel,
// ExternalID): a repeat with the same content is answered as replayed with the original order
// id, other content is a duplicate. In the same command the order is sourced, its stock
// allocated, its carriers chosen; lines that cannot be sourced wait as backorders.
//
// Times are unix nanoseconds. ShipBy and DeliverBy of 0 are derived from the level (from
// PlacedAt, or the command's time when PlacedAt is 0); a quick order promises PromiseMinutes.
// Priority orders the backorder queue (higher first, then older first); Backorder says what
// happens when stock is short.
//
// Reservation, when set, names a live reservation of the same channel that checkout made with
// reserve: its units become the order's allocation where they are (converted, not reserved
// again), units at a location that is no longer open are released and sourced afresh, units the
// order does not need are released, and only what the reservation does not cover is sourced.
// A reservation is consumed once; an unknown one is unknown_reservation, an expired one expired.
type CreateOrder struct {
	Tenant         string          `json:"-"`
	Channel        string          `json:"channel"`
	ExternalID     string          `json:"external_id"`
	Lines          []OrderLine     `json:"lines"`
	ShipToLatE6    int64           `json:"ship_to_lat_e6"`
	ShipToLonE6    int64           `json:"ship_to_lon_e6"`
	PostalCode     string          `json:"postal_code,omitempty"`
	Country        string          `json:"country,omitempty"`
	Level          ServiceLevel    `json:"-"`
	PromiseMinutes int64           `json:"promise_minutes,omitempty"`
	PlacedAt       int64           `json:"placed_at,omitempty"`
	ShipBy         int64           `json:"ship_by,omitempty"`
	DeliverBy      int64           `json:"deliver_by,omitempty"`
	Priority       int64           `json:"priority,omitempty"`
	Attributes     []Attribute     `json:"attributes,omitempty"`
	Backorder      BackorderPolicy `json:"-"`
	Reservation    string          `json:"reservation,omitempty"`
}

// AdvanceShipment moves a shipment one step on: release, pick, pack, ship (with the carrier's
// tracking number; the units leave on-hand stock) or deliver. Any other move is invalid_state.
// Repeating the step the shipment is already at is answered as replayed.
type AdvanceShipment struct {
	Tenant   string       `json:"-"`
	Shipment string       `json:"shipment"`
	Step     ShipmentStep `json:"-"`
	Tracking string       `json:"tracking,omitempty"`
}

// CancelLine cancels Qty units of an order's SKU.
type CancelLine struct {
	SKU string `json:"sku"`
	Qty int64  `json:"qty"`
}

// CancelOrder cancels a whole order (no Lines) or some units of it. Units waiting as backorders
// are cancelled first, then units of the shipments least advanced; shipped units cannot be
// cancelled (return them). What was allocated is released, exactly.
type CancelOrder struct {
	Tenant string       `json:"-"`
	Order  string       `json:"order"`
	Lines  []CancelLine `json:"lines,omitempty"`
	Reason string       `json:"reason,omitempty"`
}

// TrackShipment reports a carrier tracking event of a shipped shipment: the status as the
// carrier sent it (normalised by the engine) and when it happened.
type TrackShipment struct {
	Tenant   string `json:"-"`
	Shipment string `json:"shipment"`
	Status   string `json:"status"`
	At       int64  `json:"at"`
}

// RaiseException puts an order on hold for an operator's reason: Code as the operator's playbook
// names it (address_invalid, fraud_review, damaged_in_pick...) and a Note for people. While it is
// open the order's shipments take no step before shipping (release, pick, pack, ship are
// invalid_state); tracking, delivery and cancellation go on. Raising the same code and note
// again is answered as replayed; another while one is open is invalid_state, as is raising one
// on a finished order.
type RaiseException struct {
	Tenant string `json:"-"`
	Order  string `json:"order"`
	Code   string `json:"code"`
	Note   string `json:"note,omitempty"`
}

// ResolveException closes an order's exceptions: the operator's open one and those the engine
// raised on its shipments (a shipment that could not be re-sourced, a parcel returned to
// sender), so the order leaves the exception status. Code names the resolution. An order with no
// open exception is invalid_state.
type ResolveException struct {
	Tenant string `json:"-"`
	Order  string `json:"order"`
	Code   string `json:"code"`
	Note   string `json:"note,omitempty"`
}

// Kind implements Command.
func (*DefineCarrier) Kind() CommandKind    { return KindDefineCarrier }
func (*DefineRouting) Kind() CommandKind    { return KindDefineRouting }
func (*CreateOrder) Kind() CommandKind      { return KindCreateOrder }
func (*AdvanceShipment) Kind() CommandKind  { return KindAdvanceShipment }
func (*CancelOrder) Kind() CommandKind      { return KindCancelOrder }
func (*TrackShipment) Kind() CommandKind    { return KindTrackShipment }
func (*RaiseException) Kind() CommandKind   { return KindRaiseException }
func (*ResolveException) Kind() CommandKind { return KindResolveException }

// TenantID implements Command.
func (c *DefineCarrier) TenantID() string    { return c.Tenant }
func (c *DefineRouting) TenantID() string    { return c.Tenant }
func (c *CreateOrder) TenantID() string      { return c.Tenant }
func (c *AdvanceShipment) TenantID() string  { return c.Tenant }
func (c *CancelOrder) TenantID() string      { return c.Tenant }
func (c *TrackShipment) TenantID() string    { return c.Tenant }
func (c *RaiseException) TenantID() string   { return c.Tenant }
func (c *ResolveException) TenantID() string { return c.Tenant }

func newOrderCommand(k CommandKind) Command {
	switch k {
	case KindDefineCarrier:
		return &DefineCarrier{}
	case KindDefineRouting:
		return &DefineRouting{}
	case KindCreateOrder:
		return &CreateOrder{}
	case KindAdvanceShipment:
		return &AdvanceShipment{}
	case KindCancelOrder:
		return &CancelOrder{}
	case KindTrackShipment:
		return &TrackShipment{}
	case KindRaiseException:
		return &RaiseException{}
	case KindResolveException:
		return &ResolveException{}
	}
	return nil
}

// Validate implements Command.
func (c *DefineCarrier) Validate() *Rejection {
	if r := first(checkID("tenant", c.Tenant), checkID("carrier", c.Carrier)); r != nil {
		return r
	}
	if len(c.Services) > MaxCarrierServices {
		return Reject(CodeLimitExceeded, "services", "a carrier has at most %d services, got %d", MaxCarrierServices, len(c.Services))
	}
	for i := range c.Services {
		s := &c.Services[i]
		if r := s.validate(); r != nil {
			return r
		}
		for _, prev := range c.Services[:i] {
			if prev.Service == s.Service {
				return Reject(CodeInvalidArgument, "services.service", "service %q is listed twice", s.Service)
			}
		}
		if len(s.ZoneUpTo) > 0 && len(c.Zones) == 0 {
			return Reject(CodeInvalidArgument, "services.zone_up_to", "service %q is priced by zone but the carrier has no zones", s.Service)
		}
	}
	if len(c.Zones) > MaxCarrierZones {
		return Reject(CodeLimitExceeded, "zones", "a carrier has at most %d zone rules, got %d", MaxCarrierZones, len(c.Zones))
	}
	for i := range c.Zones {
		z := &c.Zones[i]
		if r := z.validate(); r != nil {
			return r
		}
		for j := range c.Zones[:i] {
			if c.Zones[j].sameLane(z) {
				return Reject(CodeInvalidArgument, "zones", "zone rules %d and %d match the same lanes", j, i)
			}
		}
	}
	if len(c.Codes) > MaxCarrierCodes {
		return Reject(CodeLimitExceeded, "codes", "a carrier has at most %d tracking codes, got %d", MaxCarrierCodes, len(c.Codes))
	}
	for i, code := range c.Codes {
		if r := checkID("codes.code", code.Code); r != nil {
			return r
		}
		if code.Status < TrackingPreTransit || code.Status > TrackingCancelled {
			return Reject(CodeInvalidArgument, "codes.status", "status must be one of the normalised tracking statuses")
		}
		for _, prev := range c.Codes[:i] {
			if foldEqual(prev.Code, code.Code) {
				return Reject(CodeInvalidArgument, "codes.code", "code %q is listed twice", code.Code)
			}
		}
	}
	return nil
}

func (z *CarrierZone) validate() *Rejection {
	if r := checkOptionalID("zones.origin", z.Origin); r != nil {
		return r
	}
	if z.Country != "" && !isCountry(z.Country) {
		return Reject(CodeInvalidArgument, "zones.country", "country is an ISO 3166-1 alpha-2 code such as DE")
	}
	switch {
	case z.PostalPrefix != "" && z.UpToM != 0:
		return Reject(CodeInvalidArgument, "zones.up_to_m", "a zone rule matches a postal prefix or a distance ring, not both")
	case z.PostalPrefix != "":
		if len(z.PostalPrefix) > MaxPostalCodeLen {
			return Reject(CodeLimitExceeded, "zones.postal_prefix", "a postal prefix is at most %d bytes", MaxPostalCodeLen)
		}
		if FoldPostal(nil, z.PostalPrefix) == nil {
			return Reject(CodeInvalidArgument, "zones.postal_prefix", "a postal prefix holds letters and digits (spaces and hyphens are ignored)")
		}
	default:
		if z.UpToM < 1 || z.UpToM > MaxRingM {
			return Reject(CodeInvalidArgument, "zones.up_to_m", "a ring rule needs up_to_m between 1 and %d metres", MaxRingM)
		}
	}
	if z.Zone < 0 || z.Zone > MaxZone {
		return Reject(CodeInvalidArgument, "zones.zone", "zones are numbered 0 to %d", MaxZone)
	}
	return nil
}

// sameLane reports whether two zone rules match exactly the same lanes, so neither is more
// specific and the chart would be ambiguous.
func (z *CarrierZone) sameLane(o *CarrierZone) bool {
	if z.Origin != o.Origin || z.Country != o.Country || z.UpToM != o.UpToM {
		return false
	}
	return string(FoldPostal(nil, z.PostalPrefix)) == string(FoldPostal(nil, o.PostalPrefix))
}

// FoldPostal appends the canonical form of a postal code or prefix to dst: ASCII letters upper
// case, spaces and hyphens dropped. It returns nil when s holds anything else or nothing.
func FoldPostal(dst []byte, s string) []byte {
	n := len(dst)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-':
			continue
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'):
		default:
			return nil
		}
		dst = append(dst, c)
	}
	if len(dst) == n {
		return nil
	}
	return dst
}

// foldEqual compares two tracking codes the way carriers match them: ASCII case folded, and
// runs of spaces, tabs, hyphens, underscores, dots and slashes as one separator (leading and
// trailing ones ignored).
func foldEqual(a, b string) bool { return string(FoldCode(nil, a)) == string(FoldCode(nil, b)) }

// FoldCode appends s in the canonical form carriers' status codes are matched in: ASCII lower
// case; runs of spaces, tabs, hyphens, underscores, dots and slashes become one underscore;
// leading and trailing separators are dropped. Validation and the carriers' normaliser share it,
// so a table define_carrier accepts is the table tracking consults.
func FoldCode(dst []byte, s string) []byte {
	start, sep := len(dst), false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '-' || c == '_' || c == '.' || c == '/':
			sep = true
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if sep && len(dst) > start {
			dst = append(dst, '_')
		}
		sep = false
		dst = append(dst, c)
	}
	return dst
}

func isCountry(s string) bool { return len(s) == 2 && upper(s[0]) && upper(s[1]) }

func (s *CarrierService) validate() *Rejection {
	if r := checkID("services.service", s.Service); r != nil {
		return r
	}
	lanes, field := s.DistanceUpToM, "services.distance_up_to_m"
	switch {
	case len(s.DistanceUpToM) > 0 && len(s.ZoneUpTo) > 0:
		return Reject(CodeInvalidArgument, "services.zone_up_to", "a rate card is by distance or by zone, not both")
	case len(s.ZoneUpTo) > 0:
		lanes, field = s.ZoneUpTo, "services.zone_up_to"
		if s.ZoneUpTo[len(s.ZoneUpTo)-1] > MaxZone {
			return Reject(CodeInvalidArgument, field, "zones are numbered 0 to %d", MaxZone)
		}
	}
	if r := first(checkBands(field, lanes), checkBands("services.weight_up_to_g", s.WeightUpToG)); r != nil {
		return r
	}
	if len(s.Prices) != len(lanes)*len(s.WeightUpToG) {
		return Reject(CodeInvalidArgument, "services.prices_minor", "the rate card needs %d prices (distance or zone bands x weight bands), got %d",
			len(lanes)*len(s.WeightUpToG), len(s.Prices))
	}
	for _, p := range s.Prices {
		if p < 0 || p > MaxPriceMinor {
			return Reject(CodeInvalidArgument, "services.prices_minor", "prices must be between 0 and %d", MaxPriceMinor)
		}
	}
	if s.TransitMinMinutes < 0 || s.TransitMaxMinutes < s.TransitMinMinutes || s.TransitMaxMinutes > MaxTransitMinutes {
		return Reject(CodeInvalidArgument, "services.transit_max_minutes", "transit needs 0 <= min <= max <= %d minutes", MaxTransitMinutes)
	}
	if s.CutoffMinute < 1 || s.CutoffMinute > 1440 {
		return Reject(CodeInvalidArgument, "services.cutoff_minute", "the pickup cutoff must be a minute of the day, 1 to 1440")
	}
	if s.Days == 0 || s.Days > 0x7f {
		return Reject(CodeInvalidArgument, "services.days", "days is a weekday mask (bit 0 Sunday) naming at least one day")
	}
	switch {
	case s.PickupEveryMinutes == 0 && s.PickupFromMinute != 0:
		return Reject(CodeInvalidArgument, "services.pickup_from_minute", "the first collection needs pickup_every_minutes; a service without collects once, at its cutoff")
	case s.PickupEveryMinutes != 0 && (s.PickupEveryMinutes < MinPickupEveryMinutes || s.PickupEveryMinutes > MaxPickupEveryMinutes):
		return Reject(CodeInvalidArgument, "services.pickup_every_minutes", "collections through the day are %d to %d minutes apart (0: once a day at the cutoff)",
			MinPickupEveryMinutes, MaxPickupEveryMinutes)
	case s.PickupFromMinute < 0 || s.PickupFromMinute >= 1440:
		return Reject(CodeInvalidArgument, "services.pickup_from_minute", "the first collection is a minute of the day, 0 to 1439")
	}
	if len(s.Cutoffs) > MaxCarrierCutoffs {
		return Reject(CodeLimitExceeded, "services.cutoffs", "a service has at most %d location cutoffs", MaxCarrierCutoffs)
	}
	for i, co := range s.Cutoffs {
		if r := checkID("services.cutoffs.location", co.Location); r != nil {
			return r
		}
		if co.Minute < 1 || co.Minute > 1440 {
			return Reject(CodeInvalidArgument, "services.cutoffs.minute", "the pickup cutoff must be a minute of the day, 1 to 1440")
		}
		for _, prev := range s.Cutoffs[:i] {
			if prev.Location == co.Location {
				return Reject(CodeInvalidArgument, "services.cutoffs.location", "location %q has two cutoffs", co.Location)
			}
		}
	}
	return nil
}

// checkBands checks a rate card axis: 1 to MaxRateBands non-negative, strictly ascending bounds.
func checkBands(field string, upTo []int64) *Rejection {
	if len(upTo) == 0 || len(upTo) > MaxRateBands {
		return Reject(CodeLimitExceeded, field, "a rate card has 1 to %d bands, got %d", MaxRateBands, len(upTo))
	}
	for i, u := range upTo {
		if u < 0 || u > MaxOnHand || (i > 0 && u <= upTo[i-1]) {
			return Reject(CodeInvalidArgument, field, "band bounds must be non-negative and strictly ascending")
		}
	}
	return nil
}

// Validate implements Command.
func (c *DefineRouting) Validate() *Rejection {
	if r := first(checkID("tenant", c.Tenant), checkID("channel", c.Channel)); r != nil {
		return r
	}
	if len(c.Rules) > MaxRoutingRules {
		return Reject(CodeLimitExceeded, "rules", "a channel has at most %d routing rules, got %d", MaxRoutingRules, len(c.Rules))
	}
	for _, r := range c.Rules {
		if r.Kind < RuleClosest || r.Kind > RuleLeastBacklog {
			return Reject(CodeInvalidArgument, "rules.kind", "unknown routing rule")
		}
		needsGroup := r.Kind == RulePreferGroup || r.Kind == RuleExcludeGroup
		if needsGroup {
			if rej := checkID("rules.group", r.Group); rej != nil {
				return rej
			}
		} else if r.Group != "" {
			return Reject(CodeInvalidArgument, "rules.group", "only prefer_group and exclude_group take a group")
		}
	}
	if c.Backorder > BackorderShipComplete {
		return Reject(CodeInvalidArgument, "backorder", "backorder must be lines, partial or ship_complete")
	}
	if len(c.Own) > MaxChannelLocations {
		return Reject(CodeLimitExceeded, "own_locations", "a channel owns at most %d locations", MaxChannelLocations)
	}
	for i, l := range c.Own {
		if r := checkID("own_locations", l); r != nil {
			return r
		}
		for _, prev := range c.Own[:i] {
			if prev == l {
				return Reject(CodeInvalidArgument, "own_locations", "location %q is listed twice", l)
			}
		}
	}
	if c.SplitPenaltyMinor < 0 || c.SplitPenaltyMinor > MaxPenaltyMinor {
		return Reject(CodeInvalidArgument, "split_penalty_minor", "the split penalty must be between 0 and %d", MaxPenaltyMinor)
	}
	if c.LatePenaltyPerHourMinor < 0 || c.LatePenaltyPerHourMinor > MaxPenaltyMinor {
		return Reject(CodeInvalidArgument, "late_penalty_per_hour_minor", "the late penalty must be between 0 and %d", MaxPenaltyMinor)
	}
	return nil
}

// Validate implements Command.
func (c *CreateOrder) Validate() *Rejection {
	if r := first(checkID("tenant", c.Tenant), checkID("channel", c.Channel), checkID("external_id", c.ExternalID),
		checkString("postal_code", c.PostalCode, MaxPostalCodeLen)); r != nil {
		return r
	}
	if len(c.Lines) == 0 {
		return Reject(CodeInvalidArgument, "lines", "an order needs at least one line")
	}
	if len(c.Lines) > MaxLines {
		return Reject(CodeLimitExceeded, "lines", "an order has at most %d lines, got %d", MaxLines, len(c.Lines))
	}
	for _, l := range c.Lines {
		if r := first(checkID("lines.sku", l.SKU), checkQty("lines.qty", l.Qty)); r != nil {
			return r
		}
		if l.UnitPriceMinor < 0 || l.UnitPriceMinor > MaxOnHand {
			return Reject(CodeInvalidArgument, "lines.unit_price_minor", "the unit price must be between 0 and %d", MaxOnHand)
		}
	}
	if c.ShipToLatE6 < -90_000_000 || c.ShipToLatE6 > 90_000_000 {
		return Reject(CodeInvalidArgument, "ship_to_lat_e6", "latitude must be within ±90 degrees")
	}
	if c.ShipToLonE6 < -180_000_000 || c.ShipToLonE6 > 180_000_000 {
		return Reject(CodeInvalidArgument, "ship_to_lon_e6", "longitude must be within ±180 degrees")
	}
	if c.Country != "" && !isCountry(c.Country) {
		return Reject(CodeInvalidArgument, "country", "country is an ISO 3166-1 alpha-2 code such as DE")
	}
	if c.Level < LevelStandard || c.Level > LevelQuick {
		return Reject(CodeInvalidArgument, "level", "level must be standard, express, same_day or quick")
	}
	if c.PromiseMinutes < 0 || c.PromiseMinutes > MaxPromiseMinutes {
		return Reject(CodeInvalidArgument, "promise_minutes", "the promise must be between 0 and %d minutes", MaxPromiseMinutes)
	}
	if c.Level == LevelQuick && c.PromiseMinutes == 0 && c.DeliverBy == 0 {
		return Reject(CodeInvalidArgument, "promise_minutes", "a quick order needs a promise in minutes or a deliver_by")
	}
	if c.PlacedAt < 0 || c.ShipBy < 0 || c.DeliverBy < 0 {
		return Reject(CodeInvalidArgument, "deliver_by", "times are unix nanoseconds, never negative")
	}
	if c.ShipBy != 0 && c.DeliverBy != 0 && c.ShipBy > c.DeliverBy {
		return Reject(CodeInvalidArgument, "ship_by", "ship_by is after deliver_by")
	}
	if c.Priority < 0 || c.Priority > MaxPriority {
		return Reject(CodeInvalidArgument, "priority", "priority must be between 0 and %d", MaxPriority)
	}
	if len(c.Attributes) > MaxAttributes {
		return Reject(CodeLimitExceeded, "attributes", "an order has at most %d attributes, got %d", MaxAttributes, len(c.Attributes))
	}
	for _, a := range c.Attributes {
		if a.Key == "" {
			return Reject(CodeInvalidArgument, "attributes.key", "an attribute needs a key")
		}
		if r := checkString("attributes.key", a.Key, MaxAttributeKeyLen); r != nil {
			return r
		}
		// Values are kept verbatim: any text, line breaks included, but valid UTF-8.
		if len(a.Value) > MaxAttributeValueLen {
			return Reject(CodeLimitExceeded, "attributes.value", "attribute values are at most %d bytes", MaxAttributeValueLen)
		}
		if !utf8.ValidString(a.Value) {
			return Reject(CodeInvalidArgument, "attributes.value", "attribute values must be valid UTF-8")
		}
	}
	if c.Backorder > BackorderShipComplete {
		return Reject(CodeInvalidArgument, "backorder", "backorder must be lines, partial or ship_complete")
	}
	return checkOptionalID("reservation", c.Reservation)
}

func upper(b byte) bool { return b >= 'A' && b <= 'Z' }

// Validate implements Command.
func (c *AdvanceShipment) Validate() *Rejection {
	if r := first(checkID("tenant", c.Tenant), checkID("shipment", c.Shipment), checkOptionalID("tracking", c.Tracking)); r != nil {
		return r
	}
	if c.Step < StepRelease || c.Step > StepDeliver {
		return Reject(CodeInvalidArgument, "step", "step must be release, pick, pack, ship or deliver")
	}
	if c.Tracking != "" && c.Step != StepShip {
		return Reject(CodeInvalidArgument, "tracking", "a tracking number is given with the ship step only")
	}
	return nil
}

// Validate implements Command.
func (c *CancelOrder) Validate() *Rejection {
	if r := first(checkID("tenant", c.Tenant), checkID("order", c.Order), checkString("reason", c.Reason, MaxReasonLen)); r != nil {
		return r
	}
	if len(c.Lines) > MaxLines {
		return Reject(CodeLimitExceeded, "lines", "a cancellation has at most %d lines, got %d", MaxLines, len(c.Lines))
	}
	for i, l := range c.Lines {
		if r := first(checkID("lines.sku", l.SKU), checkQty("lines.qty", l.Qty)); r != nil {
			return r
		}
		for _, prev := range c.Lines[:i] {
			if prev.SKU == l.SKU {
				return Reject(CodeInvalidArgument, "lines.sku", "SKU %q is listed twice", l.SKU)
			}
		}
	}
	return nil
}

// Validate implements Command.
func (c *TrackShipment) Validate() *Rejection {
	if r := first(checkID("tenant", c.Tenant), checkID("shipment", c.Shipment), checkID("status", c.Status)); r != nil {
		return r
	}
	if c.At <= 0 {
		return Reject(CodeInvalidArgument, "at", "at is the event's time in unix nanoseconds")
	}
	return nil
}

// Validate implements Command.
func (c *RaiseException) Validate() *Rejection {
	return first(checkID("tenant", c.Tenant), checkID("order", c.Order), checkID("code", c.Code),
		checkString("note", c.Note, MaxExceptionNoteLen))
}

// Validate implements Command.
func (c *ResolveException) Validate() *Rejection {
	return first(checkID("tenant", c.Tenant), checkID("order", c.Order), checkID("code", c.Code),
		checkString("note", c.Note, MaxExceptionNoteLen))
}
