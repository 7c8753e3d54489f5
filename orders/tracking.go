package orders

import (
	"github.com/depothq/depot"
	"github.com/depothq/depot/carriers"
)

// Carrier tracking. Each event is normalised (carriers.Normalizer: the carrier's own code table
// from define_carrier first, then the common spellings; an unknown code is a typed rejection that
// changes nothing) and moves the shipment on: an arrival (delivered, or available for
// pickup) delivers it and settles the service's on-time score against the carrier's own
// promise; a return to sender settles it as late and makes the order an exception; an exception
// or failed delivery raises a delay; any news restarts the stuck timer.

var normalizer = mustNormalizer()

func mustNormalizer() *carriers.Normalizer {
	n, err := carriers.NewNormalizer(nil)
	if err != nil {
		panic(err)
	}
	return n
}

func (x *Orders) track(st *step, c *depot.TrackShipment) *depot.Rejection {
	sh, rej := x.lookupShipment(c.Tenant, c.Shipment)
	if rej != nil {
		return rej
	}
	if sh.status != shipShipped && sh.status != shipDelivered {
		return depot.Reject(depot.CodeInvalidState, "shipment", "shipment %s is %s; tracking starts when it ships", sh.id, sh.status)
	}
	norm := normalizer
	if sh.o.t.norm != nil {
		norm = sh.o.t.norm
	}
	status, ok := norm.Normalize(sh.carrier, c.Status)
	if !ok {
		// Unknown codes are refused rather than guessed: a guess (say, exception) could raise
		// delays for a parcel that was delivered. The carrier's table in define_carrier learns it.
		return depot.Reject(depot.CodeInvalidArgument, "status", "carrier status %q is not in %s's code table nor a common spelling", c.Status, sh.carrier)
	}
	if status == sh.lastStatus && c.At == sh.lastEventAt {
		st.replayed = true // carriers repeat themselves
		return nil
	}
	o, t := sh.o, sh.o.t
	// Checks are done.
	x.emit(st, t, depot.Event{Kind: depot.EventTrackingUpdated, Ref: sh.id, Order: o.id(), Location: t.h.LocationID(sh.loc),
		Carrier: sh.carrier, Service: sh.service, Tracking: sh.tracking, Reason: status.String(), At: c.At})
	newest := c.At >= sh.lastEventAt
	if newest {
		sh.lastStatus, sh.lastEventAt = status, c.At
	}
	if sh.status == shipDelivered {
		x.settleOrder(st, o)
		return nil
	}
	switch {
	case status.Arrived():
		x.emit(st, t, depot.Event{Kind: depot.EventShipmentDelivered, Ref: sh.id, Order: o.id(), Location: t.h.LocationID(sh.loc),
			Carrier: sh.carrier, Service: sh.service, Tracking: sh.tracking, At: c.At})
		sh.exception = ""
		x.arrive(st, sh, c.At)
	case status == carriers.StatusReturnToSender:
		if !sh.settled {
			x.observe(st, sh, false, "return to sender")
		}
		if sh.exception == "" {
			sh.exception = "returned to sender by " + sh.carrier
			x.emit(st, t, depot.Event{Kind: depot.EventOrderException, Ref: o.id(), Order: o.id(), Location: t.h.LocationID(sh.loc), Reason: sh.exception})
		}
	case status == carriers.StatusException || status == carriers.StatusDeliveryFailed:
		x.emit(st, t, depot.Event{Kind: depot.EventShipmentDelayed, Ref: sh.id, Order: o.id(), Location: t.h.LocationID(sh.loc),
			Carrier: sh.carrier, Service: sh.service, Tracking: sh.tracking, At: sh.dueAt, Reason: status.String() + ": " + c.Status,
			Qty: x.scoreBP(sh)})
	}
	x.settleOrder(st, o)
	return nil
}

// fireStuck raises a stuck parcel: a delay, and a late outcome for its service's score.
func (x *Orders) fireStuck(st *step, sh *shipment) {
	sh.stuck = true
	why := "stuck: no tracking news since " + formatTime(max(sh.lastEventAt, sh.shippedAt))
	x.observe(st, sh, false, why)
}

// scoreBP is the current on-time score of the shipment's service, 0 if it has none.
func (x *Orders) scoreBP(sh *shipment) int64 {
	t := sh.o.t
	if t.sel != nil {
		if i, ok := t.sel.Index(sh.carrier, sh.service); ok {
			return int64(t.sel.Service(i).OnTime.BP())
		}
	}
	return 0
}
