package sim

import (
	"fmt"
	"math"
	"time"

	"github.com/depothq/depot"
)

// What orchestrated orders gained, exercised by the simulated business (Config.Orchestrate):
//
//   - backorder policies: the marketplace's routing ships partial by default, and a share of the
//     web shop's customers ask for partial shipment on their order (the rest wait whole lines);
//   - checkout reservations: a share of quick_app customers reserve their basket at the dark
//     store when they open checkout and pay a little later; the order names the reservation,
//     which the engine converts into its allocation;
//   - operator exceptions: now and then an operator holds a shipped-channel order to confirm the
//     address, and releases it a while later; its shipments wait meanwhile;
//   - zone charts and tracking: DPD prices by zone (dpdZones) and reports its parcels with its
//     own scan codes (dpdCodes), the other parcel carriers with the common statuses; the
//     business forwards every scan as it comes (in transit, out for delivery, delivered), so
//     parcels are delivered, on time or late, against the carrier's promise;
//   - collections through the day: the courier's and the express services' riders and vans call
//     several times a day (carriers.go), each parcel leaves on the first collection after it is
//     handed over, and its transit runs from there, as the engine's promise does.
//
// All these choices draw from their own random stream (streamFeatures; the scans from
// streamTracking), so they do not move the arrivals, baskets and timings the main stream draws.

// featBetween is a uniform instant offset in [lo, hi] from the features' stream.
func (w *Workload) featBetween(lo, hi time.Duration) int64 {
	if hi <= lo {
		return int64(lo)
	}
	return int64(lo) + w.feat.Int64N(int64(hi-lo)+1)
}

// postalCodeOf is the ship-to's postal code, derived from where the customer is: Berlin's
// codes (10 to 13, by quarter of the compass) within 12 km of the centre, Brandenburg's (14 to
// 16) beyond. A pure function of the place, so it costs no random draw.
func (w *Workload) postalCodeOf(lat, lon int64) string {
	c := &w.sc.City
	d := distanceM(lat, lon, c.LatE6, c.LonE6)
	dy := float64(lat - c.LatE6)
	dx := float64(lon-c.LonE6) * math.Cos(float64(c.LatE6)/1e6*math.Pi/180)
	quarter := int((math.Atan2(dy, dx) + math.Pi) / (math.Pi / 2))
	quarter = min(max(quarter, 0), 3)
	prefix := 10 + quarter
	if d > 12_000 {
		prefix = 14 + quarter%3
	}
	return fmt.Sprintf("%02d%03d", prefix, int(d/100)%1000)
}

// orderFeatures sets an order's postal code and, for the web shop, the policy its customer
// asked for.
func (w *Workload) orderFeatures(c *depot.CreateOrder, ch *channelState) {
	c.PostalCode = w.postalCodeOf(c.ShipToLatE6, c.ShipToLonE6)
	if ch.ID == "shopify" && w.feat.Float64() < partialOrderShare {
		c.Backorder = depot.BackorderPartial
	}
}

// emitCheckoutReserve is a quick_app customer opening checkout: their basket is reserved at the
// dark store for the channel's TTL.
func (w *Workload) emitCheckoutReserve(o *order, lines []depot.ReserveLine, lat, lon int64) []depot.Command {
	o.checkout, o.cart, o.lat, o.lon = true, lines, lat, lon
	return []depot.Command{&depot.Reserve{Tenant: w.sc.Tenant, Reservation: o.reservation, Channel: o.ch.ID, TTL: int64(o.ch.TTL), Lines: lines}}
}

// observeCheckoutReserve schedules the payment: the order naming the reservation, or, when the
// basket could not be reserved, the order alone (it backorders what is missing).
func (w *Workload) observeCheckoutReserve(a *action, res *depot.Result) {
	o := a.order
	at := w.now + int64(w.cfg.Quantum)
	if res.OK() {
		at = w.now + w.featBetween(o.ch.CheckoutMin, o.ch.CheckoutMax)
	} else {
		o.reservation = ""
	}
	w.schedule(&action{at: at, kind: actCheckout, order: o})
}

// emitCheckout is the customer paying: the order, naming its checkout reservation.
func (w *Workload) emitCheckout(a *action) []depot.Command {
	o := a.order
	cmds := w.emitCreateOrder(o, o.cart, o.lat, o.lon)
	cmds[0].(*depot.CreateOrder).Reservation = o.reservation
	return cmds
}

// observeCheckout counts the orders that consumed their checkout reservation.
func (w *Workload) observeCheckout(a *action, res *depot.Result) {
	w.observeCreateOrder(a, res)
	if !res.OK() || a.order.reservation == "" {
		return
	}
	for i := range res.Events {
		if res.Events[i].Kind == depot.EventCommitted {
			w.metrics.update(func(s *Snapshot) { s.CheckoutOrders++ })
			return
		}
	}
}

// maybeException now and then has an operator hold a new shipped-channel order.
func (w *Workload) maybeException(o *order) {
	if o.ch.Quick || w.feat.Float64() >= exceptionShare {
		return
	}
	w.schedule(&action{at: w.now + w.featBetween(30*time.Second, 5*time.Minute), kind: actRaiseException, order: o})
}

// emitRaiseException holds the order, unless it already left or was cancelled. Its shipments'
// steps wait from here on (emitAdvance), in the order the commands apply.
func (w *Workload) emitRaiseException(a *action) []depot.Command {
	o := a.order
	if o.shipped || o.cancelled {
		return nil
	}
	o.exc = true
	return []depot.Command{&depot.RaiseException{Tenant: w.sc.Tenant, Order: o.id, Code: "address_check",
		Note: "house number missing; calling the customer"}}
}

func (w *Workload) observeRaiseException(a *action, res *depot.Result) {
	if !res.OK() {
		a.order.exc = false
		return
	}
	w.metrics.update(func(s *Snapshot) { s.ExceptionsRaised++ })
	w.schedule(&action{at: w.now + w.featBetween(10*time.Minute, 45*time.Minute), kind: actResolveException, order: a.order})
}

// emitResolveException releases the order: the customer confirmed the address.
func (w *Workload) emitResolveException(a *action) []depot.Command {
	a.order.exc = false
	return []depot.Command{&depot.ResolveException{Tenant: w.sc.Tenant, Order: a.order.id, Code: "address_confirmed",
		Note: "customer confirmed by phone"}}
}

func (w *Workload) observeResolveException(res *depot.Result) {
	if res.OK() {
		w.metrics.update(func(s *Snapshot) { s.ExceptionsResolved++ })
	}
}

// scanCodes are the codes a carrier reports a parcel's progress with: DPD's own (dpdCodes),
// the common spellings for the others.
type scanCodes struct{ pre, transit, out, delivered string }

var (
	dpdScans    = scanCodes{"EIN", "HUB", "ZUB", "ZUG"}
	commonScans = scanCodes{"", "in_transit", "out_for_delivery", "delivered"}
)

// scheduleTracking schedules a shipped parcel's scans, as its carrier sends them: handed over
// (DPD only), in transit, out for delivery and delivered. The carrier takes the parcel at its
// next collection after the hand-over (its timetable: through the day for couriers and express
// services, at the cutoff for ground services), and the parcel arrives after a transit from
// there drawn from its service's window, within the first parcelOnTimeSpan of it, or, for
// parcelLateShare of parcels, up to half the longest transit after it (late against the
// carrier's promise). All draws come from the tracking stream (streamTracking), so the other
// streams draw as before; a parcel of a service the scenario does not know is not tracked.
func (w *Workload) scheduleTracking(s *shipment) {
	svc := w.sc.carrierService(s.carrier, s.service)
	if svc == nil {
		return
	}
	codes := commonScans
	if s.carrier == "dpd" {
		codes = dpdScans
	}
	lo, hi := svc.TransitMinMinutes*int64(time.Minute), svc.TransitMaxMinutes*int64(time.Minute)
	transit := lo + int64(w.track.Float64()*parcelOnTimeSpan*float64(hi-lo))
	if w.track.Float64() < parcelLateShare {
		transit = hi + int64(time.Minute) + int64(w.track.Float64()*float64(hi)/2)
	}
	at := w.sc.collection(svc, w.now)
	s.collected = at
	scan := func(after int64, code string) {
		if code != "" {
			w.schedule(&action{at: w.quantise(at + max(after, int64(w.cfg.Quantum))), kind: actTrack, order: s.order, shp: s, code: code})
		}
	}
	scan(min(30*int64(time.Minute), transit/10), codes.pre)
	scan(transit/5, codes.transit)
	scan(transit-min(transit/10, 3*int64(time.Hour)), codes.out)
	scan(transit, codes.delivered)
}

// emitTrack forwards one scan as the carrier sent it.
func (w *Workload) emitTrack(a *action) []depot.Command {
	if a.code == dpdScans.delivered || a.code == commonScans.delivered {
		if at, ok := w.laneDelayed(a.shp, w.now); ok {
			w.schedule(&action{at: at, kind: actTrack, order: a.order, shp: a.shp, code: a.code})
			return nil
		}
	}
	return []depot.Command{&depot.TrackShipment{Tenant: w.sc.Tenant, Shipment: a.shp.id, Status: a.code, At: a.at}}
}

func (w *Workload) observeTrack(a *action, res *depot.Result) {
	if !res.OK() {
		return
	}
	w.metrics.update(func(s *Snapshot) {
		s.TrackingEvents++
		if a.code == dpdScans.delivered || a.code == commonScans.delivered {
			s.Delivered++
		}
	})
	if a.code == dpdScans.delivered || a.code == commonScans.delivered {
		w.laneDelivered(a.shp, w.now)
	}
}
