package intel

import "github.com/depothq/depot"

// Channel fulfilment rates: the share of a channel's orders cancelled, and the share that broke
// their ship_by, over the marketplace's own window (seven days), against the limits marketplaces
// enforce. A seller whose cancellation rate passes about 2.5% (late shipments about 4%) risks
// penalties or suspension, so the alert fires on the rate itself, early in the window, with the
// orders it would take to get back under.
//
// The window is seven daily buckets of counts per channel (fulfilDays x 3 counters), exact and
// bounded, rather than an exponential average: a marketplace computes the rate over a fixed
// window, and an operator compares the two numbers. Depot cannot tell buyer-requested
// cancellations from the seller's (the command carries a free-form reason), so every
// cancellation counts, which errs on the side of warning.

const (
	// fulfilDays is the window of the rates, in days.
	fulfilDays = 7
	dayNs      = 24 * hourNs
)

// channelFulfilment is one channel's counts per day of the window. bucketDay[i] is the day
// (unix days) bucket i counts; a stale bucket is reset when its slot comes round again.
type channelFulfilment struct {
	bucketDay              [fulfilDays]int64
	orders                 [fulfilDays]uint32
	cancelled              [fulfilDays]uint32
	late                   [fulfilDays]uint32
	cancelAlert, lateAlert bool
}

// fulfilBytes is the memory of one channel's fulfilment counts (the size test holds it).
const fulfilBytes = 8*fulfilDays + 3*4*fulfilDays + 4 // two flags, padded to 8

// slot returns the bucket of day, resetting it if it held an older day.
func (f *channelFulfilment) slot(day int64) int {
	i := int(((day % fulfilDays) + fulfilDays) % fulfilDays)
	if f.bucketDay[i] != day {
		f.bucketDay[i], f.orders[i], f.cancelled[i], f.late[i] = day, 0, 0, 0
	}
	return i
}

// window sums the counts of the seven days up to today.
func (f *channelFulfilment) window(today int64) (orders, cancelled, late uint32) {
	for i := range fulfilDays {
		if d := f.bucketDay[i]; d > today-fulfilDays && d <= today {
			orders += f.orders[i]
			cancelled += f.cancelled[i]
			late += f.late[i]
		}
	}
	return orders, cancelled, late
}

// fulfilment returns the counts of a channel, growing the table to it.
func (t *tenant) fulfilment(ch uint32) *channelFulfilment {
	for len(t.fulfil) <= int(ch) {
		t.fulfil = append(t.fulfil, channelFulfilment{})
	}
	return &t.fulfil[ch]
}

// fulfilEvent counts an order received, cancelled (once per cancel command, whatever the lines
// it names) or past its ship_by, and checks the channel's rates.
func (in *Intel) fulfilEvent(t *tenant, ev *depot.Event, now int64) {
	c := in.channel(t, ev.Channel)
	if c == nil {
		return
	}
	f := t.fulfilment(c.id)
	i := f.slot(now / dayNs)
	switch ev.Kind {
	case depot.EventOrderReceived:
		f.orders[i]++
	case depot.EventOrderCancelled:
		// A cancel emits one event per line: count the order once per command.
		if ev.Seq == t.lastCancelSeq && ev.Ref == t.lastCancelRef {
			return
		}
		t.lastCancelSeq, t.lastCancelRef = ev.Seq, ev.Ref
		f.cancelled[i]++
	case depot.EventSLABreached:
		if ev.Reason != "ship_by" {
			return
		}
		f.late[i]++
	}
	in.checkFulfilment(t, c.id, f, now)
}

// checkFulfilment raises cancellation_rate or late_shipment_rate when a channel with at least
// FulfilMinOrders orders in the window is over its limit, and resolves below 80% of it.
func (in *Intel) checkFulfilment(t *tenant, ch uint32, f *channelFulfilment, now int64) {
	orders, cancelled, late := f.window(now / dayNs)
	if orders < in.cfg.FulfilMinOrders {
		return
	}
	check := func(kind Kind, count uint32, limit float64, alerting *bool) {
		rate := float64(count) / float64(orders)
		key := alertKey{kind: kind, a: ch}
		switch {
		case rate > limit:
			// The orders it takes at the current count to be back under the limit.
			need := float64(count)/limit - float64(orders)
			f := finding{units: float64(count), tti: 0, window: fulfilDays * dayNs,
				ev: [evidenceSlots]float64{rate, limit, float64(orders), float64(count), need}}
			if in.raise(t, key, &f, now) {
				*alerting = true
			}
		case *alerting && rate < 0.8*limit:
			in.resolve(t, key, now)
			*alerting = false
		}
	}
	check(KindCancellationRate, cancelled, in.cfg.CancelRateLimit, &f.cancelAlert)
	check(KindLateShipmentRate, late, in.cfg.LateShipRateLimit, &f.lateAlert)
}
