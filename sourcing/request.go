package sourcing

import "github.com/depothq/depot"

// ServiceLevel is the delivery speed an order was sold with.
type ServiceLevel uint8

// The service levels.
const (
	// Standard and Express ship from any candidate; the promise only enters the cost as the
	// lateness penalty.
	Standard ServiceLevel = iota + 1
	Express
	// SameDay ships only from locations still before their daily pick cutoff.
	SameDay
	// Quick is quick commerce: only dark stores, only within their service radius, delivered
	// by their riders within Order.PromiseMinutes.
	Quick
)

var levelNames = [...]string{Standard: "standard", Express: "express", SameDay: "same_day", Quick: "quick"}

// String returns the wire name of the level.
func (l ServiceLevel) String() string {
	if int(l) < len(levelNames) && l > 0 {
		return levelNames[l]
	}
	return "unknown"
}

// ParseServiceLevel maps a wire name to a level.
func ParseServiceLevel(s string) (ServiceLevel, bool) {
	for i, n := range levelNames {
		if i > 0 && n == s {
			return ServiceLevel(i), true
		}
	}
	return 0, false
}

// Line is one order line. Lines with the same SKU draw on the same stock: a plan never takes
// more of a SKU from a location than the location has, summed over the lines.
type Line struct {
	SKU string
	// Qty is the number of units, 1..MaxQty.
	Qty int64
	// UnitWeightG is the weight of one unit in grams; a shipment weighs the sum over its parts.
	UnitWeightG int64
}

// Order is what sourcing needs to know about an order.
type Order struct {
	Lines []Line
	// ShipToLatE6 and ShipToLonE6 are the destination in micro-degrees.
	ShipToLatE6 int64
	ShipToLonE6 int64
	Level       ServiceLevel
	// PromiseMinutes is the quick-commerce promise; for Quick orders DeliverBy defaults to
	// Now + PromiseMinutes.
	PromiseMinutes int64
	// DeliverBy is the promise to the customer (unix nanoseconds), 0 for none.
	DeliverBy int64
	// Channel is informational: the caller passes only locations that feed the channel and
	// marks the channel's own locations with Location.Own.
	Channel string
}

// Location is a copy of what sourcing needs from one location, prepared by the caller.
type Location struct {
	ID     string
	Kind   depot.LocationKind
	Status depot.LocationStatus
	// LatE6 and LonE6 are the location's coordinates in micro-degrees.
	LatE6 int64
	LonE6 int64
	// Groups are the merchant's location groups the location belongs to.
	Groups []string
	// ServiceRadiusM is how far a dark store's riders deliver; quick orders outside it cannot be
	// served from it.
	ServiceRadiusM int64
	// CapacityLeft is how many more orders the location can pick in the current hour window;
	// one shipment takes one.
	CapacityLeft int64
	// CutoffMinute is the local minute of day (1..1440) after which new picks leave the next
	// day; 0 means no cutoff.
	CutoffMinute int32
	// UTCOffsetMinutes is the location's fixed offset from UTC, for its local day.
	UTCOffsetMinutes int32
	// Backlog is the orders waiting to be picked; RuleLeastBacklog prefers short queues.
	Backlog int64
	// Own marks the channel's own locations, for RuleOwnLocations.
	Own bool
}

// RuleKind is one kind of routing rule.
type RuleKind uint8

// The routing rules. Filters remove locations; rankers compare whole plans, in rule order, each
// by a sum over the plan's shipments; the default objective (cost) and then the location ids
// break the remaining ties.
const (
	// RuleClosest ranks by the summed distance of the shipping locations to the ship-to.
	RuleClosest RuleKind = iota + 1
	// RuleFewestShipments ranks by the number of shipments.
	RuleFewestShipments
	// RulePreferGroup ranks by the number of shipments from locations outside Rule.Group.
	RulePreferGroup
	// RuleExcludeGroup removes the locations in Rule.Group.
	RuleExcludeGroup
	// RuleOwnLocations removes the locations not marked Own (keep a channel on its own stock).
	RuleOwnLocations
	// RuleCheapest ranks by the default objective: shipping cost, plus the split penalty per
	// extra shipment, plus the lateness penalty.
	RuleCheapest
	// RuleLeastBacklog ranks by the summed backlog of the shipping locations.
	RuleLeastBacklog
)

var ruleNames = [...]string{
	RuleClosest: "closest", RuleFewestShipments: "fewest_shipments", RulePreferGroup: "prefer_group",
	RuleExcludeGroup: "exclude_group", RuleOwnLocations: "own_locations", RuleCheapest: "cheapest",
	RuleLeastBacklog: "least_backlog",
}

// String returns the wire name of the rule kind.
func (k RuleKind) String() string {
	if int(k) < len(ruleNames) && k > 0 {
		return ruleNames[k]
	}
	return "unknown"
}

// ParseRuleKind maps a wire name to a rule kind.
func ParseRuleKind(s string) (RuleKind, bool) {
	for i, n := range ruleNames {
		if i > 0 && n == s {
			return RuleKind(i), true
		}
	}
	return 0, false
}

// Rule is one routing rule. Group names the location group of RulePreferGroup and
// RuleExcludeGroup.
type Rule struct {
	Kind  RuleKind
	Group string
}

func (r Rule) filter() bool { return r.Kind == RuleExcludeGroup || r.Kind == RuleOwnLocations }

// Options tune the objective and the search.
type Options struct {
	// AllowSplitLines lets one line's units come from several locations. Plans split lines only
	// when no plan with whole lines exists.
	AllowSplitLines bool
	// SplitPenaltyMinor is added per shipment beyond the first.
	SplitPenaltyMinor int64
	// LatePenaltyPerHourMinor is added per started hour a shipment's estimate is after DeliverBy.
	LatePenaltyPerHourMinor int64
	// ExactSpace bounds the exact search (see DefaultExactSpace); 0 means the default, a
	// negative value disables the exact search.
	ExactSpace int64
	// RiderSpeedMPerMin and QuickPrepMinutes estimate quick deliveries; 0 means the defaults.
	RiderSpeedMPerMin int64
	QuickPrepMinutes  int64
}

// Request is one sourcing question. The Planner reads it and never modifies or retains it.
type Request struct {
	Order     Order
	Locations []Location
	// Available holds the units available to the order per line and location, row-major by
	// line: Available[line*len(Locations)+location]. Lines with the same SKU must carry the same
	// numbers (they share the stock); if they differ, the smallest is used.
	Available []int64
	Rules     []Rule
	Options   Options
	// Estimator quotes shipments; nil quotes every shipment at zero cost with the rider model's
	// transit (fine for quick commerce, where riders are not priced per order).
	Estimator Estimator
	// Now is the instant of the decision (unix nanoseconds).
	Now int64
}
