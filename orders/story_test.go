package orders_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/depothq/depot"
)

// Golden stories: each reads like what happened on a day of business, and its transcript of
// commands and events is checked in under testdata/. Run `go test ./orders -run Story -update`
// after an intended change and review the diff. Every story also replays its journal into a
// fresh engine and from a snapshot half way, demanding the same decisions and the same hash.

func TestStoryQuickOrderInADenseCity(t *testing.T) {
	h := fixture(t)
	h.note("Three dark stores in Berlin; Mitte has no eggs today, Kreuzberg has everything.")
	h.ok(receive("r1", "milk", "ds-mitte", 20), receive("r2", "bread", "ds-mitte", 20),
		receive("r3", "milk", "ds-kreuz", 20), receive("r4", "bread", "ds-kreuz", 20), receive("r5", "eggs", "ds-kreuz", 20),
		receive("r6", "milk", "ds-prenz", 5))

	h.note("A customer 300 m from Mitte orders milk and bread with a 15 minute promise: Mitte is closest and holds both; a rider slot is booked.")
	h.ok(quickOrder("app-1", 300, 0, ln("milk", 2), ln("bread", 1)))

	h.note("The next customer also wants eggs: the one store that holds all three is Kreuzberg, one parcel rather than two riders.")
	h.ok(quickOrder("app-2", 200, 100, ln("milk", 1), ln("bread", 1), ln("eggs", 6)))

	h.note("The app retries the first order after a timeout: the same order comes back, nothing is allocated twice.")
	res := h.apply(quickOrder("app-1", 300, 0, ln("milk", 2), ln("bread", 1)))
	if !res.Replayed || res.Ref == "" {
		t.Fatalf("repeat: %+v", res)
	}
	h.note("A different order under the same external id is a duplicate.")
	h.reject(quickOrder("app-1", 300, 0, ln("milk", 3)), depot.CodeDuplicate)

	h.note("Mitte picks, packs and hands the first order to its rider; it arrives in time.")
	first := res.Ref + "-1"
	h.now += 2 * minute
	h.ok(step(first, depot.StepRelease), step(first, depot.StepPick), step(first, depot.StepPack), ship(first, ""))
	h.now += 6 * minute
	h.ok(step(first, depot.StepDeliver))

	h.note("Two riders per ten minutes: a burst of four orders at Mitte fills the slot, the next rides later and is at risk.")
	for i := 3; i <= 5; i++ {
		h.ok(quickOrder("app-"+itoa(i), 100, 100, ln("milk", 1)))
	}
	h.note("A customer outside every radius cannot be served now; the order waits.")
	h.ok(quickOrder("app-far", 9_000, 9_000, ln("milk", 1)))
	h.golden(t, "quick_order_dense_city")
	h.replayCheck()
}

func TestStorySplitShipment(t *testing.T) {
	h := fixture(t)
	h.note("No warehouse holds everything: Berlin has tees and mugs, Hamburg tees and lamps, Munich lamps and mugs.")
	h.ok(receive("r1", "tee", "wh-berlin", 5), receive("r2", "mug", "wh-berlin", 5),
		receive("r3", "lamp", "wh-hamburg", 4), receive("r4", "tee", "wh-hamburg", 20),
		receive("r5", "lamp", "wh-munich", 2), receive("r6", "mug", "wh-munich", 20))

	h.note("A standard order for 2 tees, a mug and a lamp ships in two parcels: tees and mug from Berlin next door, the lamp from Hamburg. Five days allow the cheapest service for both.")
	web1 := h.order(webOrder("web-1", ln("tee", 2), ln("mug", 1), ln("lamp", 1)))

	h.note("An express order (two days) for a tee and a lamp: Hamburg holds both. Only UPS promises it in time.")
	express := webOrder("web-2", ln("tee", 1), ln("lamp", 1))
	express.Level = depot.LevelExpress
	h.ok(express)

	h.note("A promise no service can keep (10 hours): the fastest is chosen and the order is at risk.")
	rush := webOrder("web-3", ln("tee", 1))
	rush.DeliverBy = h.now + 10*hour
	h.ok(rush)

	h.note("A gift box is a kit: its tee and mug are allocated together at one location.")
	h.ok(webOrder("web-4", ln("giftbox", 2)))

	h.note("Both parcels of the first order ship and arrive; the order completes.")
	h.now += 2 * hour
	h.walk(web1+"-1", "HRM1")
	h.walk(web1+"-2", "HRM2")
	h.now += 48 * hour
	h.ok(track(web1+"-1", "in transit", h.now-hour), track(web1+"-1", "Delivered", h.now), track(web1+"-2", "DELIVERED", h.now))
	h.golden(t, "split_shipment")
	h.replayCheck()
}

func TestStoryNodeOutageMidDay(t *testing.T) {
	h := fixture(t)
	h.note("Berlin and Hamburg both stock tees and mugs; only Berlin has lamps.")
	h.ok(receive("r1", "tee", "wh-berlin", 10), receive("r2", "mug", "wh-berlin", 10), receive("r3", "lamp", "wh-berlin", 5),
		receive("r4", "tee", "wh-hamburg", 10), receive("r5", "mug", "wh-hamburg", 10))
	h.now = t0 + hour
	h.note("The morning's orders all go to Berlin, the nearest.")
	a, b := h.order(webOrder("a", ln("tee", 1))), h.order(webOrder("b", ln("mug", 2)))
	c := h.order(webOrder("c", ln("lamp", 1)))
	h.order(webOrder("d", ln("tee", 3)))
	h.note("Berlin starts on them: a is picked, b is released to the floor; c and d wait for release.")
	h.ok(step(a+"-1", depot.StepRelease), step(a+"-1", depot.StepPick), step(b+"-1", depot.StepRelease))

	h.now = t0 + 4*hour
	h.note("13:00: Berlin's conveyor fails and the warehouse is paused. What it has not picked moves to Hamburg in the same command; the lamp order cannot move and becomes an exception. The picked order stays.")
	down := warehouse("wh-berlin", 0, -10, 17, 120)
	down.Status = depot.LocationPaused
	h.ok(down)
	h.note("Work cannot be released to a paused location.")
	h.reject(step(c+"-1", depot.StepRelease), depot.CodeLocationUnavailable)
	h.note("The picked order is finished and shipped from Berlin all the same.")
	h.ok(step(a+"-1", depot.StepPack), ship(a+"-1", "HRM-A"))

	h.now = t0 + 6*hour
	h.note("15:00: Berlin is back. The lamp order is released and leaves the exception.")
	up := warehouse("wh-berlin", 0, -10, 17, 120)
	h.ok(up, step(c+"-1", depot.StepRelease))
	if v, _ := h.eng.Orders().Order(tenant, c); v.Status != "released" {
		t.Fatalf("%s is %s after its release", c, v.Status)
	}
	h.golden(t, "node_outage")
	h.replayCheck()
}

func TestStoryCarrierDelay(t *testing.T) {
	h := fixture(t)
	h.ok(receive("r1", "tee", "wh-berlin", 100))
	h.note("Two orders ship with Hermes, the cheapest service that promises five days.")
	w1, w2 := h.order(webOrder("w1", ln("tee", 1))), h.order(webOrder("w2", ln("tee", 1)))
	h.now = t0 + 3*hour
	h.walk(w1+"-1", "H-1")
	h.walk(w2+"-1", "H-2")

	h.note("The first parcel moves, then is delivered a day after Hermes' own promise: a delay, and Hermes' on-time score falls.")
	h.ok(track(w1+"-1", "Departed Facility", t0+24*hour), track(w1+"-1", "Out for Delivery", t0+5*24*hour),
		track(w1+"-1", "delivered", t0+5*24*hour+2*hour))
	h.note("A carrier repeating itself changes nothing.")
	if res := h.apply(track(w1+"-1", "delivered", t0+5*24*hour+2*hour)); !res.Replayed {
		t.Fatalf("repeat: %+v", res)
	}
	h.note("The second parcel is scanned once and never again: 48 hours later it is stuck, another delay.")
	h.ok(track(w2+"-1", "in transit", t0+20*hour))
	h.tickAt(60 * hour)
	h.tickAt(69 * hour)
	bp, samples, _ := h.eng.Orders().OnTimeScore(tenant, "hermes", "std")
	h.note("Hermes now scores %d bp after %d outcomes: its risk margin grows until its promise no longer fits five days, and the next order goes with DHL.", bp, samples)
	h.ok(webOrder("w3", ln("tee", 1)))
	h.golden(t, "carrier_delay")
	h.replayCheck()
}

func TestStoryBackorderFilledByReceipt(t *testing.T) {
	h := fixture(t)
	h.ok(receive("r1", "tee", "wh-berlin", 10))
	h.note("Lamps are out of stock everywhere. Three orders want them; Y is a priority customer; Z also wants a tee, which ships at once.")
	x := h.order(webOrder("X", ln("lamp", 2)))
	h.now += 5 * minute
	y := webOrder("Y", ln("lamp", 1))
	y.Priority = 5
	yID := h.order(y)
	h.now += 5 * minute
	z := h.order(webOrder("Z", ln("tee", 1), ln("lamp", 1)))
	if got := h.eng.Orders().Backorders(tenant, "lamp"); !slices.Equal(got, []string{yID, x, z}) {
		t.Fatalf("queue %v, want priority then age", got)
	}

	h.note("Two lamps arrive in Hamburg: Y first (priority), then X needs two but one is left, so Z, next in line, gets it.")
	h.now = t0 + 2*hour
	h.ok(receive("r2", "lamp", "wh-hamburg", 2))

	h.note("The others' deliver-by checks find them not shipped a day later: at risk. X is still waiting when its ship-by check comes: at risk too.")
	h.tickAt(24 * hour)
	h.tickAt(47 * hour)
	h.note("Three more lamps arrive in Munich; X takes two.")
	h.ok(receive("r3", "lamp", "wh-munich", 3))
	h.note("Nobody ships: the ship-by deadlines pass and are breached, each once.")
	h.tickAt(49 * hour)
	h.tickAt(50 * hour)
	h.golden(t, "backorder_filled_by_receipt")
	h.replayCheck()
}

func TestStoryZonePricedShipment(t *testing.T) {
	h := fixture(t)
	h.ok(receive("r1", "tee", "wh-berlin", 10), receive("r2", "tee", "wh-munich", 10))
	h.note("DPD prices by zone: from Berlin, postal area 10 (the centre) is its zone 1; any parcel within 50 km of its origin is zone 2, within 800 km zone 3. Parcels up to 2 kg cost 290, 520 and 640.")
	dpd := &depot.DefineCarrier{Tenant: tenant, Carrier: "dpd", Services: []depot.CarrierService{{
		Service: "classic", ZoneUpTo: []int64{1, 2, 3}, WeightUpToG: []int64{2_000}, Prices: []int64{290, 520, 640},
		TransitMinMinutes: 24 * 60, TransitMaxMinutes: 72 * 60, CutoffMinute: 16 * 60, Days: monFri}},
		Zones: []depot.CarrierZone{
			{Origin: "wh-berlin", Country: "DE", PostalPrefix: "10", Zone: 1},
			{UpToM: 50_000, Zone: 2}, {UpToM: 800_000, Zone: 3},
		}}
	h.ok(dpd)
	h.note("A tee to 10117 Berlin ships from Berlin next door: zone 1 at 290 undercuts Hermes' 390.")
	z1 := h.order(webOrder("z1", ln("tee", 1)))
	h.note("The same tee to 12045 (Neukölln, 10 km away) is zone 2 at 520: Hermes' distance card wins.")
	neukoelln := webOrder("z2", ln("tee", 1))
	neukoelln.PostalCode = "12045"
	h.ok(neukoelln)
	h.note("Berlin runs out; the next tee to 10117 leaves Munich, where no postal rule applies: the 800 km ring makes it zone 3 at 640, and Hermes' 650 for 505 km loses to it.")
	h.ok(&depot.Adjust{Tenant: tenant, ID: "a1", SKU: "tee", Location: "wh-berlin", Delta: -8, Reason: "sold in store"})
	z3 := h.order(webOrder("z3", ln("tee", 1)))
	for id, want := range map[string]int64{z1: 290, z3: 640} {
		if v, _ := h.eng.Orders().Order(tenant, id); v.Shipments[0].Carrier != "dpd" || v.Shipments[0].PriceMinor != want {
			t.Fatalf("%s ships %+v, want dpd at %d", id, v.Shipments[0], want)
		}
	}
	h.golden(t, "zone_priced_shipment")
	h.replayCheck()
}

func TestStoryCarrierCodesMapped(t *testing.T) {
	h := fixture(t)
	h.ok(receive("r1", "tee", "wh-berlin", 10))
	h.note("Hermes reports in its own codes. Its definition now carries its table: EA is accepted at the depot, ZU delivered, ZN delivered to a neighbour, PS at a parcel shop.")
	hermes := &depot.DefineCarrier{Tenant: tenant, Carrier: "hermes", Services: []depot.CarrierService{
		service("std", 96, 13, monFri, 390, 590, 490, 690, 650, 850)},
		Codes: []depot.CarrierCode{{Code: "EA", Status: depot.TrackingInTransit}, {Code: "ZU", Status: depot.TrackingDelivered},
			{Code: "ZN", Status: depot.TrackingDelivered}, {Code: "PS", Status: depot.TrackingAvailableForPickup}}}
	h.ok(hermes)
	w1, w2 := h.order(webOrder("c1", ln("tee", 1))), h.order(webOrder("c2", ln("tee", 1)))
	h.now = t0 + 3*hour
	h.walk(w1+"-1", "H-1")
	h.walk(w2+"-1", "H-2")
	h.note("EA is in transit; a code no table knows is refused, and changes nothing; ZU delivers the parcel (in any case).")
	h.ok(track(w1+"-1", "EA", t0+20*hour))
	h.reject(track(w1+"-1", "QX", t0+21*hour), depot.CodeInvalidArgument)
	h.ok(track(w1+"-1", "zu", t0+30*hour))
	h.note("The common spellings still work for Hermes; the second parcel waits at a parcel shop, which keeps the promise.")
	h.ok(track(w2+"-1", "in transit", t0+20*hour), track(w2+"-1", "PS", t0+40*hour))
	h.note("Another carrier's code means nothing to UPS's parcels (an express order): ZU is Hermes' only.")
	express := webOrder("c3", ln("tee", 1))
	express.Level = depot.LevelExpress
	d := h.order(express)
	h.walk(d+"-1", "H-3")
	h.reject(track(d+"-1", "ZU", t0+30*hour), depot.CodeInvalidArgument)
	h.golden(t, "carrier_codes_mapped")
	h.replayCheck()
}

func TestStoryPartialBackorderFilledByReceipt(t *testing.T) {
	h := fixture(t)
	h.ok(receive("r1", "tee", "wh-berlin", 10), receive("r2", "lamp", "wh-berlin", 3))
	h.note("Three lamps are left. P ships partial: its 5 lamps and 2 tees take the 3 lamps and the tees now; only 2 lamps wait.")
	p := webOrder("P", ln("lamp", 5), ln("tee", 2))
	p.Backorder = depot.BackorderPartial
	pID := h.order(p)
	h.note("L keeps the default (whole lines): its 2 lamps wait whole; its tee ships.")
	h.now += 5 * minute
	lID := h.order(webOrder("L", ln("lamp", 2), ln("tee", 1)))
	h.note("S ships complete: a tee and a lamp, nothing allocated until both can be.")
	h.now += 5 * minute
	s := webOrder("S", ln("tee", 1), ln("lamp", 1))
	s.Backorder = depot.BackorderShipComplete
	sID := h.order(s)
	if got := h.eng.Orders().Backorders(tenant, "lamp"); !slices.Equal(got, []string{pID, lID, sID}) {
		t.Fatalf("queue %v, want age order", got)
	}

	h.note("One lamp arrives in Hamburg: P, first in line, takes it partially; L needs two and S needs its lamp with the tee, but one lamp is gone.")
	h.now = t0 + 2*hour
	h.ok(receive("r3", "lamp", "wh-hamburg", 1))
	h.note("Four more: P takes its last, L its two, S its lamp and tee together.")
	h.ok(receive("r4", "lamp", "wh-hamburg", 4))
	for _, id := range []string{pID, lID, sID} {
		if v, _ := h.eng.Orders().Order(tenant, id); v.Status != "allocated" {
			t.Fatalf("%s is %s after the receipts", id, v.Status)
		}
	}

	h.note("P is cancelled: its three shipments give back exactly the 5 lamps and 2 tees they held.")
	evs := h.ok(&depot.CancelOrder{Tenant: tenant, Order: pID, Reason: "customer cancelled"})
	freed := map[string]int64{}
	for _, e := range evs {
		if e.Kind == depot.EventDeallocated {
			freed[e.SKU] += e.Qty
		}
	}
	if freed["lamp"] != 5 || freed["tee"] != 2 {
		t.Fatalf("cancelling P freed %v, want 5 lamps and 2 tees", freed)
	}
	h.golden(t, "partial_backorder_filled_by_receipt")
	h.replayCheck()
}

func reserve(id, channel string, ttl int64, lines ...depot.ReserveLine) *depot.Reserve {
	return &depot.Reserve{Tenant: tenant, Reservation: id, Channel: channel, TTL: ttl, Lines: lines}
}

func TestStoryCheckoutReservationConsumedByOrder(t *testing.T) {
	h := fixture(t)
	h.ok(receive("r1", "tee", "wh-berlin", 10), receive("r2", "mug", "wh-berlin", 10), receive("r3", "lamp", "wh-hamburg", 2),
		receive("r4", "lamp", "wh-munich", 2), receive("r5", "milk", "ds-mitte", 5))
	h.note("At checkout the web shop reserves what is in the basket: 2 tees, 2 mugs (Berlin) and a lamp (Hamburg).")
	h.ok(reserve("chk-1", "web", 15*minute, depot.ReserveLine{SKU: "tee", Qty: 2}, depot.ReserveLine{SKU: "mug", Qty: 2},
		depot.ReserveLine{SKU: "lamp", Qty: 1}))
	h.note("The order names the reservation. The customer dropped a mug but added a gift box: the reserved tees, one mug and the lamp become the order's allocation where they are (committed, not reserved again); the other mug is released; only the gift box is sourced.")
	h.now += 2 * minute
	ord := webOrder("chk-1001", ln("tee", 2), ln("mug", 1), ln("lamp", 1), ln("giftbox", 1))
	ord.Reservation = "chk-1"
	id := h.order(ord)
	h.note("The shop retries after a timeout: the same order, nothing converted twice.")
	if res := h.apply(ord); !res.Replayed || res.Ref != id {
		t.Fatalf("repeat: %+v", res)
	}
	h.note("A second order cannot consume the same reservation, nor an unknown one.")
	again := func(reservation string) *depot.CreateOrder {
		c := webOrder("chk-1002", ln("tee", 1))
		c.Reservation = reservation
		return c
	}
	h.reject(again("chk-1"), depot.CodeInvalidState)
	h.reject(again("chk-none"), depot.CodeUnknownReservation)
	h.note("A reservation whose 60 seconds ran out is expired even before a tick releases it; one of the app channel cannot pay for a web order.")
	h.ok(reserve("chk-2", "web", 60e9, depot.ReserveLine{SKU: "tee", Qty: 1}), reserve("chk-3", "app", 0, depot.ReserveLine{SKU: "milk", Qty: 1}))
	h.now += 2 * minute
	h.reject(again("chk-2"), depot.CodeExpired)
	h.reject(again("chk-3"), depot.CodeInvalidArgument)

	h.note("Hamburg pauses after another checkout reserved its last lamp. The first order's lamp parcel moves to Munich; the new order takes its reservation, but the lamp at paused Hamburg is released and sourced afresh from Munich.")
	h.ok(reserve("chk-4", "web", 0, depot.ReserveLine{SKU: "lamp", Qty: 1}))
	down := warehouse("wh-hamburg", -150, 180, 16, 0)
	down.Status = depot.LocationPaused
	h.ok(down)
	moved := webOrder("chk-1003", ln("lamp", 1))
	moved.Reservation = "chk-4"
	h.order(moved)

	h.note("The first order is cancelled: it gives back exactly what it held: the converted tees and mug, the sourced gift box, the lamp now in Munich.")
	evs := h.ok(&depot.CancelOrder{Tenant: tenant, Order: id})
	freed := map[string]int64{}
	for _, e := range evs {
		if e.Kind == depot.EventDeallocated {
			freed[e.SKU+"@"+e.Location] += e.Qty
		}
	}
	if want := map[string]int64{"tee@wh-berlin": 3, "mug@wh-berlin": 2, "lamp@wh-munich": 1}; !maps.Equal(freed, want) {
		t.Fatalf("cancelling freed %v, want %v", freed, want)
	}
	h.golden(t, "checkout_reservation_consumed")
	h.replayCheck()
}

func TestStoryChannelDefaultBackorderPolicy(t *testing.T) {
	h := fixture(t)
	h.ok(receive("r1", "tee", "wh-berlin", 10), receive("r2", "lamp", "wh-berlin", 2))
	h.note("The web channel ships partial by default: its routing says so.")
	h.ok(&depot.DefineRouting{Tenant: tenant, Channel: "web", AllowSplitLines: true, Backorder: depot.BackorderPartial})
	h.note("D names no policy: it takes the channel's, allocates both lamps in stock and backorders the third.")
	d := h.order(webOrder("D", ln("lamp", 3), ln("tee", 1)))
	h.note("W names whole lines: its own policy wins over the channel's, so its lamp line waits whole.")
	w := webOrder("W", ln("lamp", 2), ln("tee", 1))
	w.Backorder = depot.BackorderLines
	wID := h.order(w)
	h.note("The channel turns to ship complete; C, naming none, allocates nothing of its tee while its lamp waits. D keeps the policy it was created with.")
	h.ok(&depot.DefineRouting{Tenant: tenant, Channel: "web", AllowSplitLines: true, Backorder: depot.BackorderShipComplete})
	c := h.order(webOrder("C", ln("tee", 1), ln("lamp", 1)))
	want := map[string]struct {
		policy           string
		allocated, waits int64
	}{d: {"partial", 3, 1}, wID: {"lines", 1, 2}, c: {"ship_complete", 0, 2}}
	for id, w := range want {
		v, ok := h.eng.Orders().Order(tenant, id)
		if !ok {
			t.Fatalf("order %s missing", id)
		}
		var alloc, waits int64
		for _, l := range v.Lines {
			alloc += l.Allocated
			waits += l.Waiting
		}
		if v.Backorder != w.policy || alloc != w.allocated || waits != w.waits {
			t.Fatalf("%s: policy %s, %d allocated, %d waiting; want %s, %d, %d", id, v.Backorder, alloc, waits, w.policy, w.allocated, w.waits)
		}
	}
	h.note("Four lamps arrive: D takes its last (oldest first), W its two, C its lamp and its tee together.")
	h.ok(receive("r3", "lamp", "wh-berlin", 4))
	for _, id := range []string{d, wID, c} {
		if v, _ := h.eng.Orders().Order(tenant, id); v.Status != "allocated" {
			t.Fatalf("%s is %s after the receipt", id, v.Status)
		}
	}
	h.golden(t, "channel_default_backorder_policy")
	h.replayCheck()
}

// unitsBy sums the events of a kind by SKU.
func unitsBy(evs []depot.Event, kind depot.EventKind) map[string]int64 {
	out := map[string]int64{}
	for _, e := range evs {
		if e.Kind == kind {
			out[e.SKU] += e.Qty
		}
	}
	return out
}

func TestStoryShipCompleteHoldsCheckoutReservation(t *testing.T) {
	h := fixture(t)
	h.ok(receive("r1", "tee", "wh-berlin", 10), receive("r2", "mug", "wh-berlin", 10))
	h.note("Checkout reserves 2 tees in Berlin. The order ships complete and also wants a lamp, which nobody has.")
	h.ok(reserve("chk-1", "web", hour, depot.ReserveLine{SKU: "tee", Qty: 2}))
	s := webOrder("S", ln("tee", 2), ln("lamp", 1))
	s.Backorder, s.Reservation = depot.BackorderShipComplete, "chk-1"
	sID := h.order(s)
	h.note("Nothing is converted: the order holds the reservation whole, its tees stay reserved for it.")
	if v, _ := h.eng.Orders().Order(tenant, sID); !v.ReservationHeld || v.Status != "backordered" || len(v.Shipments) != 0 {
		t.Fatalf("order %+v, want it backordered holding chk-1", v)
	}
	if r, _ := h.eng.Ledger().Reservation(tenant, "chk-1"); r.Status != depot.ReservationActive {
		t.Fatalf("reservation is %s while held", r.Status)
	}
	h.note("Nobody else may take it: another order naming it, and a ledger commit of it, are refused.")
	other := webOrder("O", ln("tee", 2))
	other.Reservation = "chk-1"
	h.reject(other, depot.CodeInvalidState)
	h.reject(&depot.Commit{Tenant: tenant, Reservation: "chk-1", Order: "ext-9"}, depot.CodeInvalidState)
	h.note("A lamp arrives in Hamburg: in the same command the lamp is allocated and the reserved tees are committed; the order is complete.")
	h.now += 10 * minute
	evs := h.ok(receive("r3", "lamp", "wh-hamburg", 1))
	if got := unitsBy(evs, depot.EventCommitted); got["tee"] != 2 || len(got) != 1 {
		t.Fatalf("committed %v, want the 2 reserved tees", got)
	}
	if v, _ := h.eng.Orders().Order(tenant, sID); v.ReservationHeld || v.Status != "allocated" || len(v.Shipments) != 2 {
		t.Fatalf("order after the lamp %+v", v)
	}
	if r, _ := h.eng.Ledger().Reservation(tenant, "chk-1"); r.Status != depot.ReservationCommitted || r.Order != sID {
		t.Fatalf("reservation is %s to %q", r.Status, r.Order)
	}

	h.note("C ships complete with a reserved mug and 5 lamps; the customer cancels it: the mug reserved for it is released, exactly, and nothing else.")
	h.ok(reserve("chk-2", "web", hour, depot.ReserveLine{SKU: "mug", Qty: 1}))
	c := webOrder("C", ln("mug", 1), ln("lamp", 5))
	c.Backorder, c.Reservation = depot.BackorderShipComplete, "chk-2"
	cID := h.order(c)
	evs = h.ok(&depot.CancelOrder{Tenant: tenant, Order: cID, Reason: "customer cancelled"})
	if got := unitsBy(evs, depot.EventReleased); got["mug"] != 1 || len(got) != 1 || len(unitsBy(evs, depot.EventDeallocated)) != 0 {
		t.Fatalf("cancel released %v, want the reserved mug", got)
	}
	if p, _ := h.eng.Ledger().Position(tenant, "mug", "wh-berlin"); p.Reserved != 0 || p.Allocated != 0 {
		t.Fatalf("mug position after the cancel %+v", p)
	}
	if r, _ := h.eng.Ledger().Reservation(tenant, "chk-2"); r.Status != depot.ReservationReleased || r.Order != "" {
		t.Fatalf("a cancelled order's held reservation ends %s to %q, want released", r.Status, r.Order)
	}

	h.note("P ships complete with a reserved tee and 9 lamps; the customer drops the lamps: what is left is complete, and its tee is converted at once.")
	h.ok(reserve("chk-3", "web", hour, depot.ReserveLine{SKU: "tee", Qty: 1}))
	p := webOrder("P", ln("tee", 1), ln("lamp", 9))
	p.Backorder, p.Reservation = depot.BackorderShipComplete, "chk-3"
	pID := h.order(p)
	evs = h.ok(&depot.CancelOrder{Tenant: tenant, Order: pID, Lines: []depot.CancelLine{{SKU: "lamp", Qty: 9}}})
	if got := unitsBy(evs, depot.EventCommitted); got["tee"] != 1 {
		t.Fatalf("partial cancel committed %v, want the reserved tee", got)
	}

	h.note("E ships complete with a reservation that lapses before the lamp comes: once it has expired the order sources like any other.")
	h.ok(reserve("chk-4", "web", 15*minute, depot.ReserveLine{SKU: "mug", Qty: 2}))
	e := webOrder("E", ln("mug", 2), ln("lamp", 1))
	e.Backorder, e.Reservation = depot.BackorderShipComplete, "chk-4"
	eID := h.order(e)
	h.tickAt(h.now - t0 + 20*minute)
	h.ok(receive("r4", "lamp", "wh-berlin", 1))
	if v, _ := h.eng.Orders().Order(tenant, eID); v.ReservationHeld || v.Status != "allocated" {
		t.Fatalf("order after its reservation lapsed %+v", v)
	}
	h.golden(t, "ship_complete_holds_checkout_reservation")
	h.replayCheck()
}

func TestStoryCheckoutReservationWithKitComponents(t *testing.T) {
	h := fixture(t)
	h.ok(receive("r1", "tee", "wh-berlin", 2), receive("r2", "mug", "wh-berlin", 3))
	h.note("Checkout reserves the basket's components in Berlin: both tees and one mug, enough for one whole gift box.")
	h.ok(reserve("chk-1", "web", hour, depot.ReserveLine{SKU: "tee", Qty: 2}, depot.ReserveLine{SKU: "mug", Qty: 1}))
	h.note("W, an earlier order for a tee, waits: the reservation holds every tee.")
	w := h.order(webOrder("W", ln("tee", 1)))
	h.note("The order asks for 2 gift boxes. One is made whole of the reserved components and converted; the second tee makes no whole kit on its own, so it is released, and the order's own round (before W's) makes the second box in Berlin from it and a mug in stock.")
	k := webOrder("K", ln("giftbox", 2))
	k.Reservation = "chk-1"
	kID := h.order(k)
	v, _ := h.eng.Orders().Order(tenant, kID)
	if v.Status != "allocated" || len(v.Shipments) != 2 {
		t.Fatalf("kit order %+v, want two Berlin shipments", v)
	}
	for _, sh := range v.Shipments {
		if sh.Location != "wh-berlin" || len(sh.Lines) != 1 || sh.Lines[0].Qty != 1 {
			t.Fatalf("kit shipment %+v", sh)
		}
	}
	if v, _ := h.eng.Orders().Order(tenant, w); v.Status != "backordered" {
		t.Fatalf("W is %s; the released tee went to the order whose reservation it was", v.Status)
	}
	if p, _ := h.eng.Ledger().Position(tenant, "tee", "wh-berlin"); p.Reserved != 0 || p.Allocated != 2 {
		t.Fatalf("tee position %+v", p)
	}
	h.golden(t, "checkout_reservation_with_kit_components")
	h.replayCheck()
}

func TestStoryCourierCollectsThroughTheDay(t *testing.T) {
	h := fixture(t)
	h.ok(receive("r1", "tee", "wh-berlin", 20), receive("r2", "lamp", "wh-berlin", 5))
	h.note("A city courier collects at the Berlin warehouse every 15 minutes from 08:00 to 20:00 local time (UTC+1; the transcript's clock is UTC) and delivers within 45 minutes; parcels up to 2 kg within 50 km cost 300, undercutting Hermes.")
	courier := &depot.DefineCarrier{Tenant: tenant, Carrier: "kurier", Services: []depot.CarrierService{{
		Service: "city", DistanceUpToM: []int64{50_000}, WeightUpToG: []int64{2_000}, Prices: []int64{300},
		TransitMinMinutes: 20, TransitMaxMinutes: 45, CutoffMinute: 20 * 60, PickupEveryMinutes: 15, PickupFromMinute: 8 * 60, Days: monSat}}}
	h.ok(courier)
	h.note("A tee ordered at 10:00, ready at once, is planned onto the 10:00 collection: promised by 10:45 plus the courier's margin.")
	a := h.order(webOrder("k1", ln("tee", 1)))
	h.note("The warehouse hands it over at 10:40. The courier takes it at 10:45, so its promise is counted from there: 11:30.")
	h.now = t0 + 40*minute
	h.walk(a+"-1", "K-1")
	h.note("Delivered at 11:20: after the planned promise, but on time for the parcel the courier actually had.")
	h.ok(track(a+"-1", "delivered", t0+80*minute))

	h.note("Two more tees: one handed over at 19:50 leaves on the last collection, at 20:00; one at 20:05 waits for tomorrow's first, at 08:00.")
	b, c := h.order(webOrder("k2", ln("tee", 1))), h.order(webOrder("k3", ln("tee", 1)))
	h.now = t0 + 9*hour + 50*minute
	h.walk(b+"-1", "K-2")
	h.now = t0 + 10*hour + 5*minute
	h.walk(c+"-1", "K-3")
	h.note("The third is delivered the next morning at 09:10: late against 08:45.")
	h.ok(track(c+"-1", "delivered", t0+23*hour+10*minute))

	h.note("DHL still collects once a day, at 16:00: a lamp (too heavy for the courier) ordered at 20:05 is planned onto Tuesday's collection; handed over at 16:30 on Tuesday, it leaves on Wednesday's and is promised from there.")
	d := h.order(webOrder("k4", ln("lamp", 1)))
	h.now = t0 + 30*hour + 30*minute
	evs := h.ok(step(d+"-1", depot.StepRelease), step(d+"-1", depot.StepPick), step(d+"-1", depot.StepPack), ship(d+"-1", "D-1"))
	for _, e := range evs {
		if e.Kind == depot.EventShipmentShipped && (e.Carrier != "dhl" || e.At != t0+2*24*hour+6*hour+48*hour) {
			t.Fatalf("%s promises %s, want dhl from Wednesday's collection plus 48 hours", e.Carrier, clock(e.At))
		}
	}
	h.golden(t, "courier_collects_through_the_day")
	h.replayCheck()
}
