package sim

import (
	"math"
	"time"

	"github.com/depothq/depot"
)

// Orchestrated orders (Config.Orchestrate): each order is one CreateOrder that the engine
// sources across the channel's locations, allocates and routes to a carrier; the business then
// walks each planned shipment through release, pick, pack and ship (quick orders are also
// delivered by the rider), and a few customers cancel before anything ships.

// quickPromiseMinutes is the quick channel's delivery promise.
const quickPromiseMinutes = 30

// shipment is one shipment of an orchestrated order as the business tracks it.
type shipment struct {
	id        string
	order     *order
	loc       *Location // nil when the answer named no location the scenario knows
	rider     bool      // carried by the dark store's riders, delivered minutes after shipping
	carrier   string    // the carrier the engine chose ("rider" for the riders)
	service   string    // and its service
	step      depot.ShipmentStep
	ship      int64 // when it is handed to the carrier
	shipped   int64 // when it was handed to the carrier (0 until then)
	collected int64 // when the carrier collects it (its next collection after shipped)
	// promised is the carrier's promise: as the engine planned it (shipment_planned's At, with
	// the risk margin), then as it counted it from the hand-over (shipment_shipped's At).
	promised int64
	held     bool // a lane delay pushed its delivery back (lanes.go)
}

// emitCreateOrder turns a drawn order into a CreateOrder. lat and lon are the customer's
// place for a quick order (0 otherwise: a customer somewhere in the city's region is drawn).
func (w *Workload) emitCreateOrder(o *order, lines []depot.ReserveLine, lat, lon int64) []depot.Command {
	ch := o.ch
	if lat == 0 && lon == 0 {
		// Shipped channels deliver anywhere around the city, up to about 30 km out.
		lat = w.sc.City.LatE6 + int64(w.rng.NormFloat64()*15_000/111_320*1e6)
		lon = w.sc.City.LonE6 + int64(w.rng.NormFloat64()*15_000/(111_320*math.Cos(float64(w.sc.City.LatE6)/1e6*math.Pi/180))*1e6)
	}
	c := &depot.CreateOrder{Tenant: w.sc.Tenant, Channel: ch.ID, ExternalID: w.id("o", o.n), ShipToLatE6: lat, ShipToLonE6: lon,
		Country: "DE", Level: depot.LevelStandard, PlacedAt: o.placedAt}
	if ch.Quick {
		c.Level, c.PromiseMinutes = depot.LevelQuick, quickPromiseMinutes
	}
	w.orderFeatures(c, ch)
	for _, l := range lines {
		var price int64
		if i, ok := w.sc.skuIndex[l.SKU]; ok {
			price = w.sc.SKUs[i].PriceMinor
		}
		c.Lines = append(c.Lines, depot.OrderLine{SKU: l.SKU, Qty: l.Qty, UnitPriceMinor: price})
	}
	return []depot.Command{c}
}

// observeCreateOrder learns the order's id and counts how it was sourced; its shipments are
// scheduled from the shipment_planned events (observeOrderEvents). A few customers cancel.
func (w *Workload) observeCreateOrder(a *action, res *depot.Result) {
	o := a.order
	ok := res.OK()
	var allocated, backordered, planned bool
	if ok {
		for i := range res.Events {
			switch res.Events[i].Kind {
			case depot.EventOrderAllocated:
				allocated = true
			case depot.EventBackordered:
				backordered = true
			case depot.EventShipmentPlanned:
				planned = true
			}
		}
	}
	w.metrics.update(func(s *Snapshot) {
		s.OrdersPlaced++
		s.Channels[o.ch.idx].Placed++
		if allocated {
			s.OrdersReserved++
			s.Channels[o.ch.idx].Reserved++
		}
		if backordered {
			s.OrdersBackordered++
		}
	})
	if !ok || res.Ref == "" {
		return
	}
	o.id = res.Ref
	w.orders[o.id] = o
	if planned {
		w.maybeException(o)
	}
	if !planned && !backordered && len(res.Events) == 0 {
		// The answer carried no events (a driver that drops them): advance the first
		// shipment blindly; invalid_state answers are ignored.
		w.planShipment(o, o.id+"-1", "", "", "", 0)
	}
	if w.rng.Float64() < o.ch.Release {
		w.schedule(&action{at: w.now + w.between(time.Minute, 4*time.Minute), kind: actCancelOrder, order: o})
	}
}

// observeOrderEvents follows the orchestration events of any answer: shipments planned (at
// creation, or later when a receipt fills a backorder), and the SLA and allocation signals.
func (w *Workload) observeOrderEvents(events []depot.Event) {
	for i := range events {
		ev := &events[i]
		if ev.Tenant != w.sc.Tenant {
			continue
		}
		switch ev.Kind {
		case depot.EventShipmentPlanned:
			if o := w.orders[ev.Order]; o != nil {
				w.planShipment(o, ev.Ref, ev.Location, ev.Carrier, ev.Service, ev.At)
			}
		case depot.EventOrderAllocated:
			w.metrics.update(func(s *Snapshot) { s.OrdersAllocated++ })
		case depot.EventSLAAtRisk:
			w.metrics.update(func(s *Snapshot) { s.SLAAtRisk++ })
		case depot.EventSLABreached:
			w.metrics.update(func(s *Snapshot) { s.SLABreached++ })
		case depot.EventOrderCompleted:
			delete(w.orders, ev.Ref)
		}
	}
}

// planShipment schedules a planned shipment's steps: released soon, shipped when the location's
// pickers get to it (its queue and shipping hours, as in the ledger-level flow). promised is the
// carrier's promise the engine planned it with (0: none).
func (w *Workload) planShipment(o *order, id, loc, carrier, service string, promised int64) {
	for _, s := range o.shipments {
		if s.id == id {
			return
		}
	}
	s := &shipment{id: id, order: o, loc: w.locations[loc], rider: carrier == "rider", carrier: carrier, service: service, promised: promised}
	o.shipments = append(o.shipments, s)
	if s.loc != nil {
		o.lines = []depot.ReservedLine{{Location: s.loc.ID}}
	} else {
		o.lines = nil
	}
	s.ship = w.shipTime(o)
	o.lines = nil
	w.schedule(&action{at: w.now + (s.ship-w.now)/4, kind: actAdvance, order: o, shp: s})
}

// emitAdvance moves the shipment to its next step, unless the order was cancelled.
func (w *Workload) emitAdvance(a *action) []depot.Command {
	s := a.shp
	if s.order.cancelled {
		return nil
	}
	if s.order.exc && s.step < depot.StepShip {
		// The order is on hold: the step waits until the operator resolves the exception.
		w.schedule(&action{at: w.now + int64(5*time.Minute), kind: actAdvance, order: s.order, shp: s})
		return nil
	}
	c := &depot.AdvanceShipment{Tenant: w.sc.Tenant, Shipment: s.id, Step: s.step + 1}
	if s.order.cancelling {
		// A cancel is in the same batch: step after its answer (if it is refused, the order
		// goes on).
		w.schedule(&action{at: w.now + int64(w.cfg.Quantum), kind: actAdvance, order: s.order, shp: s})
		return nil
	}
	if c.Step == depot.StepShip {
		s.order.shipping = true
		w.ids.tracking++
		c.Tracking = w.id("trk", w.ids.tracking)
	}
	return []depot.Command{c}
}

// observeAdvance schedules the next step: the four steps before shipping spread over the time
// until the ship slot, and delivery by rider minutes after a quick shipment left.
func (w *Workload) observeAdvance(a *action, res *depot.Result) {
	s := a.shp
	if s.step+1 == depot.StepShip {
		s.order.shipping = false
	}
	if !res.OK() {
		return // invalid_state: cancelled, or re-sourced; the business moves on
	}
	s.step++
	switch s.step {
	case depot.StepShip:
		o := s.order
		s.shipped = w.now
		for i := range res.Events {
			if ev := &res.Events[i]; ev.Kind == depot.EventShipmentShipped && ev.Ref == s.id && ev.At != 0 {
				s.promised = ev.At
			}
		}
		first := !o.shipped
		o.shipped = true
		onTime := w.now <= o.deadline
		w.metrics.update(func(m *Snapshot) {
			m.ShipmentsShipped++
			if first {
				m.Shipped++
				if onTime {
					m.ShippedOnTime++
				}
			}
		})
		if s.rider {
			w.schedule(&action{at: w.now + w.between(8*time.Minute, 22*time.Minute), kind: actAdvance, order: o, shp: s})
		} else {
			w.scheduleTracking(s)
		}
	case depot.StepDeliver:
		w.metrics.update(func(m *Snapshot) { m.Delivered++ })
	default:
		next := w.now + max(int64(w.cfg.Quantum), (s.ship-w.now)/int64(depot.StepShip-s.step))
		if s.step == depot.StepPack {
			next = max(next, s.ship)
		}
		w.schedule(&action{at: next, kind: actAdvance, order: s.order, shp: s})
	}
}

// emitCancelOrder cancels the whole order, unless part of it already left.
func (w *Workload) emitCancelOrder(a *action) []depot.Command {
	o := a.order
	if o.shipped || o.cancelled || o.shipping {
		return nil
	}
	o.cancelling = true
	return []depot.Command{&depot.CancelOrder{Tenant: w.sc.Tenant, Order: o.id, Reason: "customer cancelled"}}
}

func (w *Workload) observeCancelOrder(a *action, res *depot.Result) {
	a.order.cancelling = false
	if !res.OK() {
		return
	}
	a.order.cancelled = true
	delete(w.orders, a.order.id)
	w.metrics.update(func(s *Snapshot) { s.Cancelled++ })
}
