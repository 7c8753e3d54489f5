package orders

import "github.com/depothq/depot"

// Operator exceptions. An operator puts an order on hold for a reason (raise_exception) and
// takes it off again (resolve_exception). While one is open the order's status is exception and
// its shipments take no step before shipping; what is already with the carrier goes on, and the
// order can still be cancelled. Resolving also clears the exceptions the engine raised on the
// order's shipments (a shipment that could not be re-sourced, a parcel returned to sender): the
// operator has dealt with them.

// excReason renders a code and note as an event's reason.
func excReason(code, note string) string {
	if note == "" {
		return code
	}
	return code + ": " + note
}

func (x *Orders) raiseException(st *step, c *depot.RaiseException) *depot.Rejection {
	o := x.managed(c.Tenant, c.Order)
	if o == nil {
		return depot.Reject(depot.CodeUnknownOrder, "order", "unknown order %q", c.Order)
	}
	if m := o.extra(); m.excCode != "" {
		if m.excCode == c.Code && m.excNote == c.Note {
			st.replayed = true
			return nil
		}
		return depot.Reject(depot.CodeInvalidState, "code", "order %s already has exception %q open; resolve it first", o.id(), m.excCode)
	}
	if o.finishedAt != 0 {
		return depot.Reject(depot.CodeInvalidState, "order", "order %s is %s; a finished order takes no exception", o.id(), o.status())
	}
	// Checks are done.
	m := o.setMore()
	m.excCode, m.excNote, m.excAt = c.Code, c.Note, max(st.now, 1)
	x.emit(st, o.t, depot.Event{Kind: depot.EventExceptionRaised, Ref: o.id(), Order: o.id(), Channel: o.channel(), Reason: excReason(c.Code, c.Note)})
	return nil
}

func (x *Orders) resolveException(st *step, c *depot.ResolveException) *depot.Rejection {
	o := x.managed(c.Tenant, c.Order)
	if o == nil {
		return depot.Reject(depot.CodeUnknownOrder, "order", "unknown order %q", c.Order)
	}
	open := o.extra().excCode != ""
	for _, sh := range o.ships {
		open = open || (sh.status.live() && sh.exception != "")
	}
	if !open {
		return depot.Reject(depot.CodeInvalidState, "order", "order %s has no open exception", o.id())
	}
	// Checks are done.
	if o.more != nil {
		o.more.excCode, o.more.excNote, o.more.excAt = "", "", 0
	}
	for _, sh := range o.ships {
		if sh.status.live() {
			sh.exception = ""
		}
	}
	x.emit(st, o.t, depot.Event{Kind: depot.EventExceptionResolved, Ref: o.id(), Order: o.id(), Channel: o.channel(), Reason: excReason(c.Code, c.Note)})
	return nil
}

// held refuses a shipment step before shipping while the order's operator exception is open.
func held(o *order, sh *shipment, s depot.ShipmentStep) *depot.Rejection {
	if o.extra().excCode == "" || s == depot.StepDeliver {
		return nil
	}
	return depot.Reject(depot.CodeInvalidState, "step", "order %s is on hold for exception %q; %s of %s waits until it is resolved", o.id(), o.extra().excCode, s, sh.id)
}
