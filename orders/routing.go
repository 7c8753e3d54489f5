package orders

import (
	"slices"

	"github.com/depothq/depot"
	"github.com/depothq/depot/ledger"
	"github.com/depothq/depot/sourcing"
)

// Routing rules as data, per channel. The root package's rule kinds are numbered like the
// sourcing package's (a test holds them together), so a rule converts by value.

func (x *Orders) defineRouting(st *step, c *depot.DefineRouting) *depot.Rejection {
	t := x.tenantOf(c.Tenant)
	if t == nil {
		return depot.Reject(depot.CodeUnknownChannel, "channel", "unknown channel %q", c.Channel)
	}
	if rej := t.setRouting(c); rej != nil {
		return rej
	}
	x.emit(st, t, depot.Event{Kind: depot.EventRoutingDefined, Ref: c.Channel, Channel: c.Channel, Qty: int64(len(c.Rules))})
	// Other rules may make waiting orders sourceable.
	x.refillAll(st, t)
	return nil
}

// setRouting resolves and stores a channel's routing, or changes nothing.
func (t *tenant) setRouting(c *depot.DefineRouting) *depot.Rejection {
	if _, ok := t.h.Channel(c.Channel); !ok {
		return depot.Reject(depot.CodeUnknownChannel, "channel", "unknown channel %q", c.Channel)
	}
	r := &routing{allowSplit: c.AllowSplitLines, splitPenalty: c.SplitPenaltyMinor, latePenal: c.LatePenaltyPerHourMinor, backorder: c.Backorder}
	for _, id := range c.Own {
		loc, ok := t.h.Location(id)
		if !ok {
			return depot.Reject(depot.CodeUnknownLocation, "own_locations", "unknown location %q", id)
		}
		r.own = append(r.own, loc)
	}
	slices.Sort(r.own)
	r.ownIDs = append([]string(nil), c.Own...)
	for _, rule := range c.Rules {
		r.rules = append(r.rules, sourcing.Rule{Kind: sourcing.RuleKind(rule.Kind), Group: rule.Group})
	}
	t.routing[c.Channel] = r
	t.version++
	return nil
}

// policyOf is the backorder policy of an order of channel that asks for policy: its own, else
// the channel's default. Tenants without routing pay no lookup.
func (t *tenant) policyOf(channel string, policy depot.BackorderPolicy) depot.BackorderPolicy {
	if policy != 0 || len(t.routing) == 0 {
		return policy
	}
	return t.routingOf(channel).backorder
}

func (t *tenant) routingOf(channel string) *routing {
	if r := t.routing[channel]; r != nil {
		return r
	}
	return &defaultRouting
}

func (r *routing) owns(loc ledger.LocRef) bool {
	_, ok := slices.BinarySearch(r.own, loc)
	return ok
}
