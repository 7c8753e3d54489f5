package ledger

import (
	"cmp"
	"slices"

	"github.com/depothq/depot"
)

// Catalogue reads for the HTTP API. Each returns the definition as the command that set it last
// would have stated it, so the API can answer GET with exactly what PUT took, and copies every
// slice so nothing the caller holds aliases the ledger.

// SKU returns the current definition of a SKU.
func (l *Ledger) SKU(tenantID, skuID string) (depot.DefineSKU, bool) {
	t := l.tenants[tenantID]
	if t == nil || t.skus[skuID] == nil {
		return depot.DefineSKU{}, false
	}
	s := t.skus[skuID]
	d := depot.DefineSKU{Tenant: tenantID, SKU: s.id, Name: s.name, WeightGrams: s.weightGrams, PriceMinor: s.priceMinor}
	for _, c := range s.components {
		d.Components = append(d.Components, depot.Component{SKU: c.sku.id, Qty: c.qty})
	}
	return d, true
}

// Location returns the current definition of a location.
func (l *Ledger) Location(tenantID, locID string) (depot.DefineLocation, bool) {
	t := l.tenants[tenantID]
	if t == nil || t.locations[locID] == nil {
		return depot.DefineLocation{}, false
	}
	loc := t.locations[locID]
	return depot.DefineLocation{
		Tenant: tenantID, Location: loc.id, Name: loc.name, Type: loc.kind, Status: loc.status,
		LatE6: loc.latE6, LonE6: loc.lonE6, ServiceRadiusM: loc.serviceRadiusM, CapacityPerHour: loc.capacityPerHour,
		Groups: append([]string(nil), loc.groups...),
	}, true
}

// Channel returns the current definition of a channel, its SKU buffers ordered by SKU index (the
// order the SKUs were first defined), so the answer never depends on map iteration.
func (l *Ledger) Channel(tenantID, channelID string) (depot.DefineChannel, bool) {
	t := l.tenants[tenantID]
	if t == nil || t.channels[channelID] == nil {
		return depot.DefineChannel{}, false
	}
	ch := t.channels[channelID]
	d := depot.DefineChannel{Tenant: tenantID, Channel: ch.id, Name: ch.name, Default: ch.buffer, Locations: make([]string, len(ch.locations))}
	for i, loc := range ch.locations {
		d.Locations[i] = loc.id
	}
	skus := make([]*sku, 0, len(ch.overrides))
	for s := range ch.overrides {
		skus = append(skus, s)
	}
	slices.SortFunc(skus, func(a, b *sku) int { return cmp.Compare(a.idx, b.idx) })
	for _, s := range skus {
		d.Overrides = append(d.Overrides, depot.SKUBuffer{SKU: s.id, Buffer: ch.overrides[s]})
	}
	return d, true
}

// TenantStats counts what one tenant holds. Every figure is a length, so it is cheap enough to
// answer on every request without holding the engine for long.
type TenantStats struct {
	SKUs           int `json:"skus"`
	Locations      int `json:"locations"`
	Channels       int `json:"channels"`
	Positions      int `json:"positions"`
	Reservations   int `json:"reservations"`
	Allocations    int `json:"allocations"`
	InboundRecords int `json:"inbound_records"`
}

// TenantStats returns the counts of one tenant (zeros for an unknown tenant). Reservations counts
// live reservations and finished ones still remembered for idempotency.
func (l *Ledger) TenantStats(tenantID string) TenantStats {
	t := l.tenants[tenantID]
	if t == nil {
		return TenantStats{}
	}
	return TenantStats{
		SKUs: len(t.skus), Locations: len(t.locations), Channels: len(t.channels), Positions: len(t.positions),
		Reservations: t.reservations.len(), Allocations: t.allocations.len(), InboundRecords: len(t.inbound),
	}
}
