package depot

// What the order orchestration events carry (fields not named are empty). Ref is the entity the
// event belongs to; Order is set on every order event.
//
//	carrier_defined     Ref carrier; Qty its services
//	routing_defined     Ref and Channel the channel; Qty its rules
//	order_received      Ref order; Channel; Reason the external id; Qty units; At deliver_by
//	allocated           Ref shipment; SKU (a stocked SKU: kits appear as components), Location, Qty
//	deallocated         Ref shipment; SKU, Location, Qty returned to available stock; Reason why
//	backordered         Ref order; SKU (as ordered) and Qty waiting; Reason why it could not be sourced
//	shipment_planned    Ref shipment; Location; Carrier and Service chosen (Carrier "rider" for quick
//	                    orders, empty when no service can carry it); Qty units; At promised delivery
//	order_allocated     Ref order: every unit of the order is allocated (nothing waits)
//	shipment_released   Ref shipment; Location                       (and likewise picked and packed)
//	shipment_shipped    Ref shipment; Location; Carrier, Service, Tracking; Qty units; At the
//	                    carrier's promise counted from the hand-over (its first collection at or
//	                    after the event, plus the maximum transit; 0 for riders and parcels
//	                    without a service), against which the delivery is judged on time or late
//	shipment_delivered  Ref shipment; Location; Carrier, Service, Tracking; At the delivery time
//	shipment_cancelled  Ref shipment; Location; Reason (cancelled, or re-sourced away from a location)
//	order_cancelled     Ref order; SKU and Qty cancelled (one event per SKU); Reason
//	order_completed     Ref order: every unit is delivered or cancelled
//	order_exception     Ref order; Location when one is to blame; Reason
//	sla_at_risk         Ref order; At the deadline; Reason "ship_by: ..." or "deliver_by: ..."
//	sla_breached        Ref order; At the deadline; Reason "ship_by" or "deliver_by"
//	tracking_updated    Ref shipment; Carrier, Service, Tracking; Reason the normalised status; At
//	                    the carrier's event time
//	shipment_delayed    Ref shipment; Carrier, Service; Reason "late", "stuck" or the carrier status;
//	                    Qty the service's on-time score in basis points after the observation; At
//	                    the carrier's promise
//	exception_raised    Ref order; Reason "<code>" or "<code>: <note>" of the operator's exception
//	exception_resolved  Ref order; Reason "<code>" or "<code>: <note>" of the resolution
//
// The ledger's shipped event (Ref shipment, Order) and returned event (Order) complete the picture
// of stock leaving and coming back; an order that consumes a checkout reservation emits the
// ledger's committed events (Ref the reservation, Order, SKU, Location, Qty) for the units it
// keeps and released events for the rest, in place of allocated events.

// OrderEventKinds lists the event kinds of order orchestration, in kind order.
func OrderEventKinds() []EventKind {
	out := make([]EventKind, 0, EventExceptionResolved-EventCarrierDefined+1)
	for k := EventCarrierDefined; k <= EventExceptionResolved; k++ {
		out = append(out, k)
	}
	return out
}
