package orders

import (
	"slices"

	"github.com/depothq/depot"
)

// Listing and single-shipment reads for the HTTP API. Like the other reads they return copies
// and must not run concurrently with Apply.

// OrderStatuses lists the names an order's status can take, in status order.
func OrderStatuses() []string {
	out := make([]string, 0, len(orderStatusNames)-1)
	for _, n := range orderStatusNames[1:] {
		out = append(out, n)
	}
	return out
}

// ListQuery selects a page of a tenant's orders. Orders are listed in sequence order (the order
// their create_order was applied, which is the numeric order of their ids), so a page never
// depends on map iteration and a cursor stays valid while orders are added.
type ListQuery struct {
	Status     string // an OrderStatuses name; "" for any
	Channel    string // "" for any
	PlacedFrom int64  // placed_at >= PlacedFrom (unix ns); 0 for no bound
	PlacedTo   int64  // placed_at < PlacedTo; 0 for no bound
	After      string // cursor: list the orders after this order id; "" from the start
	Limit      int    // at least 1
}

// ListPage is one page of orders. Next is the cursor of the following page, "" when this page
// is the last.
type ListPage struct {
	Orders []OrderView
	Next   string
}

// ListOrders returns one page of a tenant's orders that match q. A malformed cursor or an
// unknown status is an invalid_argument rejection; a cursor naming a forgotten or unknown
// order is fine (the listing resumes after its sequence number).
func (x *Orders) ListOrders(tenantID string, q ListQuery) (ListPage, *depot.Rejection) {
	var page ListPage
	var want orderStatus
	if q.Status != "" {
		i := slices.Index(orderStatusNames[:], q.Status)
		if i <= 0 {
			return page, depot.Reject(depot.CodeInvalidArgument, "status", "unknown order status %q", q.Status)
		}
		want = orderStatus(i)
	}
	var after uint64
	if q.After != "" {
		seq, ok := parseOrderSeq(q.After)
		if !ok {
			return page, depot.Reject(depot.CodeInvalidArgument, "after", "the cursor is not one this server gave")
		}
		after = seq
	}
	if q.Limit < 1 {
		return page, depot.Reject(depot.CodeInvalidArgument, "limit", "limit must be at least 1")
	}
	t := x.tenants[tenantID]
	if t == nil {
		return page, nil
	}
	start := 0
	if after > 0 {
		i, found := t.seqSearch(after)
		if found {
			i++
		}
		start = i
	}
	for i := start; i < t.bySeq.Len(); i++ {
		o := t.bySeq.At(i).o
		if o == nil || (q.Channel != "" && o.channel() != q.Channel) ||
			(q.PlacedFrom != 0 && o.placedAt < q.PlacedFrom) || (q.PlacedTo != 0 && o.placedAt >= q.PlacedTo) ||
			(want != 0 && o.status() != want) {
			continue
		}
		if len(page.Orders) == q.Limit {
			// One more matches: this page is not the last.
			page.Next = page.Orders[len(page.Orders)-1].ID
			break
		}
		page.Orders = append(page.Orders, view(o))
	}
	return page, nil
}

// ShipmentDetail is a shipment with its order's id and what the carrier last reported.
type ShipmentDetail struct {
	Order string
	ShipmentView
	ShippedAt      int64
	TrackingStatus string // the normalised status of the newest carrier event, "" before any
	TrackingAt     int64  // the carrier's time of that event
}

// Shipment returns a shipment of a tenant by id.
func (x *Orders) Shipment(tenantID, id string) (ShipmentDetail, bool) {
	sh, rej := x.lookupShipment(tenantID, id)
	if rej != nil || sh.id != id {
		return ShipmentDetail{}, false
	}
	v := view(sh.o)
	d := ShipmentDetail{Order: sh.o.id(), ShipmentView: v.Shipments[sh.n-1], ShippedAt: sh.shippedAt}
	if sh.lastEventAt != 0 {
		d.TrackingStatus, d.TrackingAt = sh.lastStatus.String(), sh.lastEventAt
	}
	return d, true
}

// LocationSettings fills the settings of a location that order orchestration keeps (its UTC
// offset, pick cutoff and rider fleet) into d, a definition read from the ledger, which keeps
// the rest. A location orders never saw keeps zeros, which is what it was defined with.
func (x *Orders) LocationSettings(d *depot.DefineLocation) {
	t := x.tenants[d.Tenant]
	if t == nil {
		return
	}
	loc, ok := t.h.Location(d.Location)
	if !ok || int(loc) >= len(t.nodes) {
		return
	}
	n := &t.nodes[loc]
	d.UTCOffsetMinutes, d.CutoffMinute, d.RidersPerSlot, d.RiderSlotMinutes = n.utcOffset, n.cutoff, n.riders, n.slotMinutes
}
