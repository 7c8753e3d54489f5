package ledger

import (
	"slices"
	"strings"

	"github.com/depothq/depot"
)

// Reads return copies; nothing a reader holds aliases the ledger's state. Callers synchronise
// with the single writer (the sequencer does).

// Position returns the stock of sku at loc for a tenant.
func (l *Ledger) Position(tenantID, skuID, locID string) (depot.Position, bool) {
	t := l.tenants[tenantID]
	if t == nil {
		return depot.Position{}, false
	}
	s, loc := t.skus[skuID], t.locations[locID]
	if s == nil || loc == nil {
		return depot.Position{}, false
	}
	i := t.positionOf(s, loc)
	if i < 0 {
		return depot.Position{SKU: skuID, Location: locID}, true
	}
	return t.view(i), true
}

// Positions returns every position of a SKU, ordered by location id.
func (l *Ledger) Positions(tenantID, skuID string) []depot.Position {
	t := l.tenants[tenantID]
	if t == nil || t.skus[skuID] == nil {
		return nil
	}
	s := t.skus[skuID]
	var out []depot.Position
	for _, loc := range t.locList {
		if i := t.positionOf(s, loc); i >= 0 {
			out = append(out, t.view(i))
		}
	}
	slices.SortFunc(out, func(a, b depot.Position) int { return strings.Compare(a.Location, b.Location) })
	return out
}

func (t *tenant) view(i int32) depot.Position {
	p := &t.positions[i]
	return depot.Position{
		SKU: t.skuList[p.sku].id, Location: t.locList[p.loc].id,
		OnHand: p.onHand, Reserved: p.reserved, Allocated: p.allocated, Held: p.held, Inbound: p.inbound,
		ATP: p.atp(),
	}
}

// ChannelATP returns what a channel may still sell of a SKU (a kit counts whole kits).
func (l *Ledger) ChannelATP(tenantID, channelID, skuID string) (int64, *depot.Rejection) {
	t := orEmpty(l.tenants[tenantID])
	ch := t.channels[channelID]
	if ch == nil {
		return 0, depot.Reject(depot.CodeUnknownChannel, "channel", "unknown channel %q", channelID)
	}
	s := t.skus[skuID]
	if s == nil {
		return 0, depot.Reject(depot.CodeUnknownSKU, "sku", "unknown SKU %q", skuID)
	}
	return l.channelATP(t, ch, s), nil
}

// Reservation returns a reservation, live or remembered after it finished.
func (l *Ledger) Reservation(tenantID, id string) (depot.Reservation, bool) {
	t := l.tenants[tenantID]
	if t == nil {
		return depot.Reservation{}, false
	}
	r := t.reservations.get(id)
	if r == nil {
		return depot.Reservation{}, false
	}
	status := r.status
	if status == depot.ReservationActive && l.now >= r.expiresAt {
		status = depot.ReservationExpired
	}
	v := depot.Reservation{
		ID: r.id, Channel: r.channel, Status: status, StatusStr: status.String(), Order: r.order,
		ExpiresAt: r.expiresAt, Lines: make([]depot.ReservedLine, len(r.lines)),
	}
	for i, ln := range r.lines {
		p := &t.positions[ln.pos]
		v.Lines[i] = depot.ReservedLine{SKU: t.skuList[p.sku].id, Location: t.locList[p.loc].id, Qty: ln.qty}
	}
	return v, true
}

// Stats counts what the ledger holds, for metrics and capacity planning.
type Stats struct {
	Tenants             int `json:"tenants"`
	SKUs                int `json:"skus"`
	Locations           int `json:"locations"`
	Positions           int `json:"positions"`
	ActiveReservations  int `json:"active_reservations"`
	Allocations         int `json:"allocations"`
	RememberedOutcomes  int `json:"remembered_outcomes"`
	OpenInboundReceipts int `json:"open_inbound_receipts"`
}

// Stats returns the current counts.
func (l *Ledger) Stats() Stats {
	s := Stats{Tenants: len(l.tenants), Positions: l.positions, ActiveReservations: l.active, RememberedOutcomes: l.rememberedCount()}
	for _, t := range l.tenants {
		s.SKUs += len(t.skus)
		s.Locations += len(t.locations)
		s.Allocations += t.allocations.len()
		s.OpenInboundReceipts += len(t.inbound)
	}
	return s
}
