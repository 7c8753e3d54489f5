package intel

import "github.com/depothq/depot"

// carrierSeries is one carrier service's delays.
type carrierSeries struct {
	id        uint32
	alerting  bool
	delays    uint32
	lanesLate uint32 // its lanes with an open carrier_lane_delay
	scoreBps  int64  // the on-time score the last shipment_delayed reported
	born      int64
	vel       velocity // delays per second
}

// applyOrderEvent handles the order orchestration events (order_event.go) that carry a signal:
// orders arriving on a channel, stock allocated to shipments, carrier delays and SLA risk.
// What each carries is documented in the root package; events not listed are ignored.
func (in *Intel) applyOrderEvent(t *tenant, ev *depot.Event, now int64) {
	switch ev.Kind {
	case depot.EventOrderReceived:
		if c := in.channel(t, ev.Channel); c != nil {
			in.arrival(t, c, now)
		}
		in.fulfilEvent(t, ev, now)
	case depot.EventOrderCancelled:
		in.fulfilEvent(t, ev, now)
	case depot.EventAllocated:
		if p := in.position(t, ev.SKU, ev.Location, now); p != nil {
			p.allocated += ev.Qty
			in.backlog(t, p.loc, ev.Qty, now)
			in.sale(t, p, ev.Qty, now)
		}
	case depot.EventDeallocated:
		if p := in.position(t, ev.SKU, ev.Location, now); p != nil {
			p.allocated -= ev.Qty
			in.backlog(t, p.loc, -ev.Qty, now)
		}
	case depot.EventShipmentShipped, depot.EventShipmentDelivered:
		in.laneEvent(t, ev, now)
	case depot.EventShipmentDelayed:
		in.delayed(t, ev, now)
		in.laneEvent(t, ev, now)
	case depot.EventSLAAtRisk:
		if t.slaBorn == 0 {
			t.slaBorn = now
		}
		t.sla.add(now, 1)
		in.checkSLA(t, now)
	case depot.EventSLABreached:
		t.breached++
		in.fulfilEvent(t, ev, now)
	}
}

// delayed records a late or stuck shipment of a carrier service.
func (in *Intel) delayed(t *tenant, ev *depot.Event, now int64) {
	id, ok := t.svcs.id(ev.Carrier + "/" + ev.Service)
	if !ok {
		in.stats.Dropped++
		return
	}
	c := in.carrier(t, id, now)
	c.delays++
	c.scoreBps = ev.Qty
	c.vel.add(now, 1)
	in.checkCarrier(t, id, now)
}

// checkCarrier raises carrier_delay when a service has CarrierMinDelays delays in the last hour
// and an on-time score at or below CarrierMaxScoreBps; it clears below half the delays.
func (in *Intel) checkCarrier(t *tenant, id uint32, now int64) {
	c := &t.carriers[id]
	perH := perHour(c.vel.rate(v1h, now, c.born))
	key := alertKey{kind: KindCarrierDelay, a: id}
	switch {
	case perH >= in.cfg.CarrierMinDelays && c.scoreBps <= in.cfg.CarrierMaxScoreBps:
		f := finding{units: perH, tti: 0, window: halfLife1h, ev: [evidenceSlots]float64{perH, float64(c.scoreBps) / 100, float64(c.delays), 0, 0, 0}}
		if in.raise(t, key, &f, now) {
			c.alerting = true
		}
	case c.alerting && perH < in.cfg.CarrierMinDelays/2:
		in.resolve(t, key, now)
		c.alerting = false
	}
}

// checkSLA raises sla_risk when SLAMinAtRisk orders per hour are projected to miss a promise.
func (in *Intel) checkSLA(t *tenant, now int64) {
	perH := perHour(t.sla.rate(v1h, now, t.slaBorn))
	key := alertKey{kind: KindSLARisk}
	switch {
	case perH >= in.cfg.SLAMinAtRisk:
		f := finding{units: perH, tti: 0, window: halfLife1h, ev: [evidenceSlots]float64{perH, float64(t.breached), 0, 0, 0, 0}}
		if in.raise(t, key, &f, now) {
			t.slaAlert = true
		}
	case t.slaAlert && perH < in.cfg.SLAMinAtRisk/2:
		in.resolve(t, key, now)
		t.slaAlert = false
	}
}
