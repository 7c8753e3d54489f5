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
// band and weight band: Prices[band*len(WeightUpToG)+weightBand] in minor units, bounds being
// inclusive upper bounds in ascending order (a parcel beyond the last cannot be carried). The
// promise is the next pickup (the local cutoff minute on a day in Days, bit 0 Sunday) plus the
// maximum transit, plus a risk margin learned from tracking.
type CarrierService struct {
	Service           string          `json:"service"`
	DistanceUpToM     []int64         `json:"distance_up_to_m"`
	WeightUpToG       []int64         `json:"weight_up_to_g"`
	Prices            []int64         `json:"prices_minor"`
	TransitMinMinutes int64           `json:"transit_min_minutes"`
	TransitMaxMinutes int64           `json:"transit_max_minutes"`
	CutoffMinute      int32           `json:"cutoff_minute"`
	Cutoffs           []CarrierCutoff `json:"cutoffs,omitempty"`
	Days              uint8           `json:"days"`
}

// DefineCarrier creates or replaces a carrier and its services. Learned on-time scores survive a
// redefinition of the same service; a carrier with no services is withdrawn from selection.
type DefineCarrier struct {
	Tenant   string           `json:"-"`
	Carrier  string           `json:"carrier"`
	Services []CarrierService `json:"services"`
}

// RoutingRule is one rule of a channel's routing; Group names the location group of
// prefer_group and exclude_group.
type RoutingRule struct {
	Kind  RuleKind `json:"-"`
	Group string   `json:"group,omitempty"`
}

// DefineRouting sets how a channel's orders are sourced: its rules in rank order, its own
// locations (for own_locations), whether one line may ship from several locations, and the
// objective's penalties per extra shipment and per started hour late.
type DefineRouting struct {
	Tenant                  string        `json:"-"`
	Channel                 string        `json:"channel"`
	Rules                   []RoutingRule `json:"rules,omitempty"`
	Own                     []string      `json:"own_locations,omitempty"`
	AllowSplitLines         bool          `json:"allow_split_lines,omitempty"`
	SplitPenaltyMinor       int64         `json:"split_penalty_minor,omitempty"`
	LatePenaltyPerHourMinor int64         `json:"late_penalty_per_hour_minor,omitempty"`
}

// OrderLine is Qty units of SKU (a kit counts whole kits) sold at UnitPriceMinor.
type OrderLine struct {
	SKU            string `json:"sku"`
	Qty            int64  `json:"qty"`
	UnitPriceMinor int64  `json:"unit_price_minor,omitempty"`
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
// Priority orders the backorder queue (higher first, then older first).
type CreateOrder struct {
	Tenant         string       `json:"-"`
	Channel        string       `json:"channel"`
	ExternalID     string       `json:"external_id"`
	Lines          []OrderLine  `json:"lines"`
	ShipToLatE6    int64        `json:"ship_to_lat_e6"`
	ShipToLonE6    int64        `json:"ship_to_lon_e6"`
	PostalCode     string       `json:"postal_code,omitempty"`
	Country        string       `json:"country,omitempty"`
	Level          ServiceLevel `json:"-"`
	PromiseMinutes int64        `json:"promise_minutes,omitempty"`
	PlacedAt       int64        `json:"placed_at,omitempty"`
	ShipBy         int64        `json:"ship_by,omitempty"`
	DeliverBy      int64        `json:"deliver_by,omitempty"`
	Priority       int64        `json:"priority,omitempty"`
	Attributes     []Attribute  `json:"attributes,omitempty"`
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

// Kind implements Command.
func (*DefineCarrier) Kind() CommandKind   { return KindDefineCarrier }
func (*DefineRouting) Kind() CommandKind   { return KindDefineRouting }
func (*CreateOrder) Kind() CommandKind     { return KindCreateOrder }
func (*AdvanceShipment) Kind() CommandKind { return KindAdvanceShipment }
func (*CancelOrder) Kind() CommandKind     { return KindCancelOrder }
func (*TrackShipment) Kind() CommandKind   { return KindTrackShipment }

// TenantID implements Command.
func (c *DefineCarrier) TenantID() string   { return c.Tenant }
func (c *DefineRouting) TenantID() string   { return c.Tenant }
func (c *CreateOrder) TenantID() string     { return c.Tenant }
func (c *AdvanceShipment) TenantID() string { return c.Tenant }
func (c *CancelOrder) TenantID() string     { return c.Tenant }
func (c *TrackShipment) TenantID() string   { return c.Tenant }

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
	}
	return nil
}

func (s *CarrierService) validate() *Rejection {
	if r := checkID("services.service", s.Service); r != nil {
		return r
	}
	if r := first(checkBands("services.distance_up_to_m", s.DistanceUpToM), checkBands("services.weight_up_to_g", s.WeightUpToG)); r != nil {
		return r
	}
	if len(s.Prices) != len(s.DistanceUpToM)*len(s.WeightUpToG) {
		return Reject(CodeInvalidArgument, "services.prices_minor", "the rate card needs %d prices (distance bands x weight bands), got %d",
			len(s.DistanceUpToM)*len(s.WeightUpToG), len(s.Prices))
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
	if c.Country != "" && (len(c.Country) != 2 || !upper(c.Country[0]) || !upper(c.Country[1])) {
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
	return nil
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
