package sim

import (
	"math"
	"time"

	"github.com/depothq/depot"
)

// Orders: arrivals with hour-of-day seasonality and long-tailed SKU demand, and each order's life
// from cart to shipment and sometimes back.

// order is one customer order as the simulated business tracks it.
type order struct {
	n           int
	ch          *channelState
	reservation string
	id          string
	placedAt    int64
	deadline    int64 // ship-by promise
	lines       []depot.ReservedLine
	cancel      bool // the release is the customer cancelling, not a failed payment

	// Orchestrated orders (orchestrate.go): the shipments the engine planned, whether the
	// customer cancelled, and whether anything shipped yet.
	shipments []*shipment
	cancelled bool
	shipped   bool

	// features.go: a quick_app checkout reservation (the basket and the customer's place, kept
	// until payment), and whether an operator exception holds the order.
	checkout bool
	cart     []depot.ReserveLine
	lat, lon int64
	exc      bool

	// cancelling and shipping mark a cancel or a ship step handed out and not yet answered:
	// the other must not join the same batch, where it would see the order's state before it.
	cancelling, shipping bool
}

// returnReasons are why customers send things back.
var returnReasons = []string{"changed mind", "damaged in transit", "wrong item", "arrived late", "did not fit"}

// initRates precomputes the order rate per local hour across all channels.
func (w *Workload) initRates() {
	var shares float64
	for _, c := range w.channels {
		shares += c.Share
	}
	for h := range 24 {
		for _, c := range w.channels {
			w.rateByHour[h] += w.channelRate(c, h) / shares
		}
		w.rateMax = max(w.rateMax, w.rateByHour[h])
	}
}

// channelRate is a channel's order rate (orders per second) in a local hour, before
// normalising the shares. Demand incidents (spikes, outages) will scale it here.
func (w *Workload) channelRate(c *channelState, hour int) float64 {
	var sum float64
	for _, v := range c.Hourly {
		sum += v
	}
	return float64(w.sc.OrdersPerDay) * c.Share * c.Hourly[hour] / sum / 3600
}

// demandRate is the total order rate in a local hour.
func (w *Workload) demandRate(hour int) float64 { return w.rateByHour[hour] }

// scheduleArrival draws the next order's arrival from a Poisson process whose rate follows the
// hour of day (thinning: draw at the peak rate, keep with probability rate/peak). The exact time
// is kept apart from the quantised action, so rounding never slows the process down.
func (w *Workload) scheduleArrival() {
	for {
		w.arrivalAt += w.rng.ExpFloat64() / w.rateMax
		at := w.sc.Start + int64(w.arrivalAt*1e9)
		if at >= w.end {
			return
		}
		if w.rng.Float64()*w.rateMax <= w.demandRate(w.localMinute(at)/60) {
			w.schedule(&action{at: at, kind: actArrival})
			return
		}
	}
}

// emitArrival creates the order and its cart reservation.
func (w *Workload) emitArrival(a *action) []depot.Command {
	w.scheduleArrival()
	hour := w.localMinute(a.at) / 60
	ch := w.pickChannel(hour)
	if w.inc.rng != nil && w.channelDown(ch, a.at) {
		return nil // the channel's integration is down: the order never reaches Depot
	}
	w.ids.order++
	o := &order{n: w.ids.order, ch: ch, placedAt: a.at, deadline: a.at + int64(ch.Promise)}
	o.reservation = w.id("r", o.n)
	a.order = o
	rank, zipf := w.sc.rankAll, w.zipfAll
	var at string
	var lat, lon int64
	if ch.Quick && w.zipfQuick != nil {
		rank, zipf = w.sc.rankQuick, w.zipfQuick
		var ds *Location
		ds, lat, lon = w.nearestDarkStore()
		at = ds.ID
	}
	n := 1 + pick(w.rng.Float64(), lineCountWeights)
	lines := make([]depot.ReserveLine, 0, n)
	for range n {
		// Customers rarely put the same item on two lines; draw again a few times, then settle.
		for range 3 {
			sku := w.sc.SKUs[rank[zipf.Uint64()]].ID
			if hasSKU(lines, sku) {
				continue
			}
			lines = append(lines, depot.ReserveLine{SKU: sku, Location: at, Qty: int64(1 + pick(w.rng.Float64(), lineQtyWeights))})
			break
		}
	}
	if w.inc.rng != nil {
		lines = w.spikeLines(ch, a.at, at, lines)
	}
	if w.cfg.Orchestrate {
		if ch.Quick && w.feat.Float64() < checkoutShare {
			return w.emitCheckoutReserve(o, lines, lat, lon)
		}
		return w.emitCreateOrder(o, lines, lat, lon)
	}
	return []depot.Command{&depot.Reserve{Tenant: w.sc.Tenant, Reservation: o.reservation, Channel: ch.ID, TTL: int64(ch.TTL), Lines: lines}}
}

func hasSKU(lines []depot.ReserveLine, sku string) bool {
	for _, l := range lines {
		if l.SKU == sku {
			return true
		}
	}
	return false
}

// pick returns the index a uniform r in [0, 1) selects from weights that sum to about 1.
func pick(r float64, weights []float64) int {
	for i, w := range weights {
		if r < w {
			return i
		}
		r -= w
	}
	return len(weights) - 1
}

// pickChannel chooses the channel of an order by the channels' rates in the hour.
func (w *Workload) pickChannel(hour int) *channelState {
	r := w.rng.Float64() * w.demandRate(hour)
	var shares float64
	for _, c := range w.channels {
		shares += c.Share
	}
	for _, c := range w.channels {
		if r -= w.channelRate(c, hour) / shares; r < 0 {
			return c
		}
	}
	return w.channels[len(w.channels)-1]
}

// nearestDarkStore places a customer in the city (near a dark store chosen by its share of
// demand, scattered over its service area) and returns the nearest dark store that serves them
// and where the customer is.
func (w *Workload) nearestDarkStore() (*Location, int64, int64) {
	r := w.rng.Float64()
	home := w.darkStores[len(w.darkStores)-1]
	for _, d := range w.darkStores {
		if r -= d.DemandWeight; r < 0 {
			home = d
			break
		}
	}
	sigma := float64(home.ServiceRadiusM) / 2
	lat := home.LatE6 + int64(w.rng.NormFloat64()*sigma/111_320*1e6)
	lon := home.LonE6 + int64(w.rng.NormFloat64()*sigma/(111_320*math.Cos(float64(home.LatE6)/1e6*math.Pi/180))*1e6)
	best, bestM := home, math.Inf(1)
	for _, d := range w.darkStores {
		if m := distanceM(lat, lon, d.LatE6, d.LonE6); m <= float64(d.ServiceRadiusM) && m < bestM {
			best, bestM = d, m
		}
	}
	return best, lat, lon
}

// observeReserve decides what the customer does next: most pay, some abandon the cart (it
// expires by TTL), a few fail payment or cancel (the cart is released).
func (w *Workload) observeReserve(a *action, res *depot.Result) {
	o := a.order
	ok := res.OK()
	w.metrics.update(func(s *Snapshot) {
		s.OrdersPlaced++
		s.Channels[o.ch.idx].Placed++
		if ok {
			s.OrdersReserved++
			s.Channels[o.ch.idx].Reserved++
		}
	})
	if !ok {
		// A refused cart at a named location tells the store it is out: restock it.
		for _, sf := range res.Rejection.Shortfalls {
			if sf.Location != "" {
				w.checkReorder(w.position(sf.SKU, sf.Location))
			}
		}
		return
	}
	for _, ev := range res.Events {
		if ev.Kind == depot.EventReserved && ev.Ref == o.reservation {
			o.lines = append(o.lines, depot.ReservedLine{SKU: ev.SKU, Location: ev.Location, Qty: ev.Qty})
		}
	}
	switch r := w.rng.Float64(); {
	case r < o.ch.Abandon:
		// The cart is left alone: the next tick after its TTL expires it.
	case r < o.ch.Abandon+o.ch.Release:
		o.cancel = w.rng.IntN(2) == 0
		w.schedule(&action{at: w.now + w.between(10*time.Second, o.ch.TTL/2), kind: actRelease, order: o})
	default:
		w.schedule(&action{at: w.now + w.between(o.ch.CheckoutMin, o.ch.CheckoutMax), kind: actCommit, order: o})
	}
}

func (w *Workload) emitCommit(a *action) []depot.Command {
	o := a.order
	o.id = w.id("o", o.n)
	return []depot.Command{&depot.Commit{Tenant: w.sc.Tenant, Reservation: o.reservation, Order: o.id}}
}

func (w *Workload) observeCommit(a *action, res *depot.Result) {
	if !res.OK() {
		return
	}
	o := a.order
	w.metrics.update(func(s *Snapshot) { s.Committed++ })
	w.schedule(&action{at: w.shipTime(o), kind: actShip, order: o})
}

func (w *Workload) emitRelease(a *action) []depot.Command {
	return []depot.Command{&depot.Release{Tenant: w.sc.Tenant, Reservation: a.order.reservation}}
}

func (w *Workload) observeRelease(a *action, res *depot.Result) {
	if !res.OK() {
		return
	}
	cancel := a.order.cancel
	w.metrics.update(func(s *Snapshot) {
		if cancel {
			s.Cancelled++
		} else {
			s.Released++
		}
	})
}

// shipTime is when an order leaves: after picking, in the location's shipping hours, in the
// first free slot of the location's picking capacity at or after it is ready. Capacity is what
// makes busy dark stores miss their 30-minute promise at dinner time.
//
// The slots form a calendar (pickCalendar), not a FIFO line: an order ready in three hours does
// not hold up one ready in thirty minutes, so a location with spare capacity ships each order
// when it is ready, and a saturated one ships back to back at its capacity.
func (w *Workload) shipTime(o *order) int64 {
	if len(o.lines) == 0 || w.locations[o.lines[0].Location] == nil {
		// The answer named no placed line the scenario knows (another server's data, or a
		// driver that drops events): ship after picking, without a queue.
		return w.now + w.between(3*time.Minute, 9*time.Minute)
	}
	loc := w.locations[o.lines[0].Location]
	var ready int64
	if loc.Kind == depot.LocationDarkStore {
		ready = w.now + w.between(3*time.Minute, 9*time.Minute)
	} else {
		ready = w.intoShippingHours(w.now + w.between(30*time.Minute, 3*time.Hour))
	}
	cal := w.calendars[loc.ID]
	if cal == nil {
		cal = &pickCalendar{slotNs: int64(time.Hour) / w.locationCapacity(loc, ready), next: map[int64]int64{}}
		w.calendars[loc.ID] = cal
	}
	for {
		slot := cal.book(ready, w.now)
		if loc.Kind == depot.LocationDarkStore {
			return slot
		}
		if in := w.intoShippingHours(slot); in != slot {
			// Past closing: the slot is lost; try again from the next opening.
			ready = in
			continue
		}
		return slot
	}
}

// pickCalendar is a location's picking slots, one order per slotNs: next maps a taken slot to
// a slot at or before the first free one after it (a union-find "next free" table with path
// compression, so booking costs amortised near-constant time however full the day is).
type pickCalendar struct {
	slotNs int64
	next   map[int64]int64
	pruned int // the table's size after the last prune
}

// book takes the first free slot at or after ready and returns its start. now bounds what can
// still be asked for, so slots before it are forgotten once the table doubles.
func (c *pickCalendar) book(ready, now int64) int64 {
	b := (ready + c.slotNs - 1) / c.slotNs
	free := c.find(b)
	c.next[free] = free + 1
	if len(c.next) > 2*max(c.pruned, 1024) {
		// Slots before now are never asked for again (ready >= now); deleting their entries
		// changes no answer. The order of deletion does not matter.
		nowB := now / c.slotNs
		for k := range c.next {
			if k < nowB {
				delete(c.next, k)
			}
		}
		c.pruned = len(c.next)
	}
	return free * c.slotNs
}

// find returns the first free slot at or after b, compressing the path it walked.
func (c *pickCalendar) find(b int64) int64 {
	root := b
	for {
		n, ok := c.next[root]
		if !ok {
			break
		}
		root = n
	}
	for b != root {
		n := c.next[b]
		c.next[b] = root
		b = n
	}
	return root
}

// locationCapacity is the orders per hour a location picks at t. Node slowdowns will lower it.
func (w *Workload) locationCapacity(loc *Location, _ int64) int64 { return max(1, loc.CapacityPerHour) }

// intoShippingHours moves t into a warehouse's or store's shipping hours.
func (w *Workload) intoShippingHours(t int64) int64 {
	const day = int64(24 * time.Hour)
	local := (t + int64(w.sc.City.UTCOffsetSeconds)*1e9) % day
	midnight := t - local
	switch {
	case local < openingMinute*int64(time.Minute):
		return midnight + openingMinute*int64(time.Minute)
	case local >= closingMinute*int64(time.Minute):
		return midnight + day + openingMinute*int64(time.Minute)
	}
	return t
}

func (w *Workload) emitShip(a *action) []depot.Command {
	if o := a.order; !a.slowed && len(o.lines) > 0 {
		if at, ok := w.slowedShip(o.lines[0].Location, a.at); ok && at > a.at {
			w.schedule(&action{at: at, kind: actShip, order: o, slowed: true})
			return nil
		}
	}
	w.ids.ship++
	return []depot.Command{&depot.Ship{Tenant: w.sc.Tenant, ID: w.id("s", w.ids.ship), Order: a.order.id}}
}

func (w *Workload) observeShip(a *action, res *depot.Result) {
	if !res.OK() {
		return
	}
	o := a.order
	onTime := w.now <= o.deadline
	w.metrics.update(func(s *Snapshot) {
		s.Shipped++
		if onTime {
			s.ShippedOnTime++
		}
	})
	if w.rng.Float64() < o.ch.ReturnRate && len(o.lines) > 0 {
		w.schedule(&action{at: w.now + w.between(o.ch.ReturnAfterMin, o.ch.ReturnAfterMax), kind: actReturn, order: o})
	}
}

// emitReturn sends back one line of a shipped order (usually one unit): most returns are
// restocked, the rest held for inspection.
func (w *Workload) emitReturn(a *action) []depot.Command {
	o := a.order
	l := o.lines[w.rng.IntN(len(o.lines))]
	qty := int64(1)
	if l.Qty > 1 && w.rng.Float64() < 0.3 {
		qty = l.Qty
	}
	w.ids.ret++
	return []depot.Command{&depot.Return{Tenant: w.sc.Tenant, ID: w.id("ret", w.ids.ret), Order: o.id, SKU: l.SKU, Location: l.Location,
		Qty: qty, Restock: w.rng.Float64() < 0.7, Reason: returnReasons[w.rng.IntN(len(returnReasons))]}}
}

func (w *Workload) observeReturn(_ *action, st *Step, res *depot.Result) {
	if !res.OK() {
		return
	}
	c := st.Cmd.(*depot.Return)
	p := w.position(c.SKU, c.Location)
	p.onHand += c.Qty
	if !c.Restock {
		p.held += c.Qty
		w.schedule(&action{at: w.now + w.between(2*time.Hour, 6*time.Hour), kind: actInspect, fresh: true, pos: p, qty: c.Qty})
	}
	w.metrics.update(func(s *Snapshot) {
		s.Returns++
		if !c.Restock {
			s.ReturnsHeld++
		}
	})
}

// observeTick counts the carts the tick expired (one reservation can expire several lines).
func (w *Workload) observeTick(res *depot.Result) {
	var n int64
	last := ""
	for _, ev := range res.Events {
		if ev.Kind == depot.EventExpired && ev.Tenant == w.sc.Tenant && ev.Ref != last {
			n++
			last = ev.Ref
		}
	}
	if n > 0 {
		w.metrics.update(func(s *Snapshot) { s.Expired += n })
	}
}
