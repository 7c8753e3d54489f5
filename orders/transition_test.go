package orders_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/orders"
	"github.com/depothq/depot/sourcing"
)

// stocked is the fixture with tees, mugs and lamps in Berlin and one standard order for a tee and
// a mug there (one shipment), returned with its id.
func stocked(t *testing.T) (*harness, string) {
	h := fixture(t)
	h.ok(receive("r1", "tee", "wh-berlin", 10), receive("r2", "mug", "wh-berlin", 10), receive("r3", "lamp", "wh-berlin", 2))
	return h, h.order(webOrder("w1", ln("tee", 2), ln("mug", 1)))
}

// at brings the order's first shipment to a status by the steps before it.
func (h *harness) bring(shipment string, status string) {
	h.t.Helper()
	steps := map[string][]depot.ShipmentStep{
		"allocated": nil,
		"released":  {depot.StepRelease},
		"picked":    {depot.StepRelease, depot.StepPick},
		"packed":    {depot.StepRelease, depot.StepPick, depot.StepPack},
		"shipped":   {depot.StepRelease, depot.StepPick, depot.StepPack, depot.StepShip},
		"delivered": {depot.StepRelease, depot.StepPick, depot.StepPack, depot.StepShip, depot.StepDeliver},
	}[status]
	for _, s := range steps {
		c := step(shipment, s)
		if s == depot.StepShip {
			c.Tracking = "T-1"
		}
		h.ok(c)
	}
}

func TestShipmentTransitions(t *testing.T) {
	statuses := []string{"allocated", "released", "picked", "packed", "shipped", "delivered"}
	steps := []depot.ShipmentStep{depot.StepRelease, depot.StepPick, depot.StepPack, depot.StepShip, depot.StepDeliver}
	for si, from := range statuses {
		for _, s := range steps {
			t.Run(from+"/"+s.String(), func(t *testing.T) {
				h, o := stocked(t)
				sh := o + "-1"
				h.bring(sh, from)
				c := step(sh, s)
				if s == depot.StepShip {
					c.Tracking = "T-1"
				}
				next := int(s) - 1 // the status index the step starts from
				switch {
				case si == next:
					evs := h.ok(c)
					if len(evs) == 0 {
						t.Fatal("an accepted step emitted nothing")
					}
					v, _ := h.eng.Orders().Order(tenant, o)
					if got := v.Shipments[0].Status; got != statuses[si+1] {
						t.Fatalf("status %s after %s, want %s", got, s, statuses[si+1])
					}
				case si == next+1:
					if res := h.apply(c); !res.Replayed {
						t.Fatalf("repeating the step: %+v, want replayed", res)
					}
				default:
					h.reject(c, depot.CodeInvalidState)
				}
			})
		}
	}
}

func TestShipmentStepRejections(t *testing.T) {
	tests := []struct {
		name  string
		setup func(h *harness, o string)
		cmd   func(o string) depot.Command
		code  depot.Code
		field string
	}{
		{name: "unknown shipment", cmd: func(o string) depot.Command { return step(o+"-9", depot.StepRelease) }, code: depot.CodeUnknownOrder, field: "shipment"},
		{name: "unknown order", cmd: func(string) depot.Command { return step("o-999-1", depot.StepRelease) }, code: depot.CodeUnknownOrder, field: "shipment"},
		{name: "not a shipment id", cmd: func(string) depot.Command { return step("w1", depot.StepRelease) }, code: depot.CodeUnknownOrder, field: "shipment"},
		{name: "shipment zero", cmd: func(o string) depot.Command { return step(o+"-0", depot.StepRelease) }, code: depot.CodeUnknownOrder, field: "shipment"},
		{name: "other tenant", cmd: func(o string) depot.Command {
			c := step(o+"-1", depot.StepRelease)
			c.Tenant = "globex"
			return c
		}, code: depot.CodeUnknownOrder, field: "shipment"},
		{name: "ship without tracking", setup: func(h *harness, o string) { h.bring(o+"-1", "packed") },
			cmd: func(o string) depot.Command { return step(o+"-1", depot.StepShip) }, code: depot.CodeInvalidArgument, field: "tracking"},
		{name: "release at a paused location", setup: func(h *harness, o string) {
			// Hamburg is empty, so the order cannot move away and stays allocated in Berlin.
			l := warehouse("wh-berlin", 0, -10, 17, 120)
			l.Status = depot.LocationPaused
			h.ok(l)
		}, cmd: func(o string) depot.Command { return step(o+"-1", depot.StepRelease) }, code: depot.CodeLocationUnavailable, field: "shipment"},
		{name: "a cancelled shipment", setup: func(h *harness, o string) { h.ok(&depot.CancelOrder{Tenant: tenant, Order: o}) },
			cmd: func(o string) depot.Command { return step(o+"-1", depot.StepRelease) }, code: depot.CodeInvalidState, field: "step"},
		{name: "tracking on another step", cmd: func(o string) depot.Command {
			c := step(o+"-1", depot.StepPick)
			c.Tracking = "T"
			return c
		}, code: depot.CodeInvalidArgument, field: "tracking"},
		{name: "shipping again with another tracking number", setup: func(h *harness, o string) { h.bring(o+"-1", "shipped") },
			cmd: func(o string) depot.Command { return ship(o+"-1", "T-2") }, code: depot.CodeInvalidState, field: "step"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, o := stocked(t)
			if tc.setup != nil {
				tc.setup(h, o)
			}
			r := h.reject(tc.cmd(o), tc.code)
			if r.Field != tc.field {
				t.Fatalf("field %q (%s), want %q", r.Field, r.Message, tc.field)
			}
		})
	}
}

func TestCreateOrderRejections(t *testing.T) {
	tests := []struct {
		name  string
		setup func(h *harness)
		cmd   func() *depot.CreateOrder
		code  depot.Code
		field string
	}{
		{name: "unknown channel", cmd: func() *depot.CreateOrder {
			c := webOrder("x", ln("tee", 1))
			c.Channel = "fax"
			return c
		}, code: depot.CodeUnknownChannel, field: "channel"},
		{name: "unknown tenant", cmd: func() *depot.CreateOrder {
			c := webOrder("x", ln("tee", 1))
			c.Tenant = "globex"
			return c
		}, code: depot.CodeUnknownChannel, field: "channel"},
		{name: "unknown SKU", cmd: func() *depot.CreateOrder { return webOrder("x", ln("tee", 1), ln("sofa", 1)) }, code: depot.CodeUnknownSKU, field: "lines.sku"},
		{name: "duplicate external id", setup: func(h *harness) { h.order(webOrder("x", ln("tee", 1))) },
			cmd: func() *depot.CreateOrder { return webOrder("x", ln("tee", 2)) }, code: depot.CodeDuplicate, field: "external_id"},
		{name: "too heavy", setup: func(h *harness) { h.ok(sku("anvil", 1_000_000_000)) },
			cmd: func() *depot.CreateOrder { return webOrder("x", ln("anvil", 2000)) }, code: depot.CodeLimitExceeded, field: "lines.qty"},
		{name: "no lines", cmd: func() *depot.CreateOrder { return webOrder("x") }, code: depot.CodeInvalidArgument, field: "lines"},
		{name: "quick without a promise", cmd: func() *depot.CreateOrder {
			c := quickOrder("x", 0, 0, ln("milk", 1))
			c.PromiseMinutes = 0
			return c
		}, code: depot.CodeInvalidArgument, field: "promise_minutes"},
		{name: "ship_by after deliver_by", cmd: func() *depot.CreateOrder {
			c := webOrder("x", ln("tee", 1))
			c.ShipBy, c.DeliverBy = t0+2*hour, t0+hour
			return c
		}, code: depot.CodeInvalidArgument, field: "ship_by"},
		{name: "bad country", cmd: func() *depot.CreateOrder {
			c := webOrder("x", ln("tee", 1))
			c.Country = "de"
			return c
		}, code: depot.CodeInvalidArgument, field: "country"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := fixture(t)
			h.ok(receive("r1", "tee", "wh-berlin", 10))
			if tc.setup != nil {
				tc.setup(h)
			}
			r := h.reject(tc.cmd(), tc.code)
			if r.Field != tc.field {
				t.Fatalf("field %q (%s), want %q", r.Field, r.Message, tc.field)
			}
		})
	}
}

func TestCancel(t *testing.T) {
	t.Run("whole order releases exactly what it held", func(t *testing.T) {
		h, o := stocked(t)
		evs := h.ok(&depot.CancelOrder{Tenant: tenant, Order: o, Reason: "customer"})
		released := map[string]int64{}
		for _, e := range evs {
			if e.Kind == depot.EventDeallocated {
				released[e.SKU+"@"+e.Location] += e.Qty
			}
		}
		if len(released) != 2 || released["tee@wh-berlin"] != 2 || released["mug@wh-berlin"] != 1 {
			t.Fatalf("released %v", released)
		}
		if p, _ := h.eng.Ledger().Position(tenant, "tee", "wh-berlin"); p.Allocated != 0 || p.ATP != 10 {
			t.Fatalf("tee after cancel: %+v", p)
		}
		v, _ := h.eng.Orders().Order(tenant, o)
		if v.Status != "cancelled" || v.FinishedAt == 0 {
			t.Fatalf("order after cancel: %+v", v)
		}
		if res := h.apply(&depot.CancelOrder{Tenant: tenant, Order: o}); !res.Replayed {
			t.Fatalf("cancelling again: %+v, want replayed", res)
		}
	})
	t.Run("part of a line", func(t *testing.T) {
		h, o := stocked(t)
		h.ok(&depot.CancelOrder{Tenant: tenant, Order: o, Lines: []depot.CancelLine{{SKU: "tee", Qty: 1}}})
		v, _ := h.eng.Orders().Order(tenant, o)
		if v.Lines[0].Cancelled != 1 || v.Lines[0].Allocated != 1 || v.Status != "allocated" {
			t.Fatalf("after cancelling one tee: %+v", v)
		}
		h.reject(&depot.CancelOrder{Tenant: tenant, Order: o, Lines: []depot.CancelLine{{SKU: "tee", Qty: 2}}}, depot.CodeInvalidState)
		h.reject(&depot.CancelOrder{Tenant: tenant, Order: o, Lines: []depot.CancelLine{{SKU: "lamp", Qty: 1}}}, depot.CodeInvalidArgument)
	})
	t.Run("waiting units go first and hold nothing", func(t *testing.T) {
		h, _ := stocked(t)
		o := h.order(webOrder("w2", ln("lamp", 5))) // 2 in stock: the line waits whole
		evs := h.ok(&depot.CancelOrder{Tenant: tenant, Order: o, Lines: []depot.CancelLine{{SKU: "lamp", Qty: 3}}})
		for _, e := range evs {
			if e.Kind == depot.EventDeallocated {
				t.Fatalf("cancelling waiting units released stock: %+v", e)
			}
		}
		if got := h.eng.Orders().Backorders(tenant, "lamp"); len(got) != 1 {
			t.Fatalf("still waiting: %v", got)
		}
		h.ok(&depot.CancelOrder{Tenant: tenant, Order: o})
		if got := h.eng.Orders().Backorders(tenant, "lamp"); len(got) != 0 {
			t.Fatalf("a cancelled order still waits: %v", got)
		}
	})
	t.Run("shipped units cannot be cancelled", func(t *testing.T) {
		h, o := stocked(t)
		h.bring(o+"-1", "shipped")
		r := h.reject(&depot.CancelOrder{Tenant: tenant, Order: o}, depot.CodeInvalidState)
		if !strings.Contains(r.Message, "nothing is left to cancel") {
			t.Fatal(r.Message)
		}
	})
	t.Run("freed stock fills a backorder", func(t *testing.T) {
		h, _ := stocked(t)
		first := h.order(webOrder("w2", ln("lamp", 2)))
		waiting := h.order(webOrder("w3", ln("lamp", 1)))
		evs := h.ok(&depot.CancelOrder{Tenant: tenant, Order: first})
		filled := false
		for _, e := range evs {
			filled = filled || (e.Kind == depot.EventOrderAllocated && e.Order == waiting)
		}
		if !filled {
			t.Fatalf("the cancellation's stock did not reach the waiting order: %+v", evs)
		}
	})
	t.Run("unknown order", func(t *testing.T) {
		h, _ := stocked(t)
		h.reject(&depot.CancelOrder{Tenant: tenant, Order: "o-12345"}, depot.CodeUnknownOrder)
	})
}

func TestTrackingRejections(t *testing.T) {
	h, o := stocked(t)
	h.reject(track(o+"-1", "in transit", t0), depot.CodeInvalidState)
	h.bring(o+"-1", "shipped")
	h.reject(track(o+"-1", "teleported", t0), depot.CodeInvalidArgument)
	h.reject(track(o+"-7", "in transit", t0), depot.CodeUnknownOrder)
	h.ok(track(o+"-1", "in transit", t0+hour))
}

func TestLedgerCommandsCannotGoBehindOrders(t *testing.T) {
	h, o := stocked(t)
	h.note("A ledger ship of an orchestrated order is refused; so is committing a reservation to it.")
	h.reject(&depot.Ship{Tenant: tenant, ID: "s1", Order: o}, depot.CodeInvalidState)
	h.ok(&depot.Reserve{Tenant: tenant, Reservation: "res", Channel: "web", Lines: []depot.ReserveLine{{SKU: "tee", Qty: 1}}})
	h.reject(&depot.Commit{Tenant: tenant, Reservation: "res", Order: o}, depot.CodeInvalidState)
	h.note("A kit's components cannot change while an order holds the kit allocated.")
	kit := h.order(webOrder("w2", ln("giftbox", 1)))
	h.reject(sku("giftbox", 0, depot.Component{SKU: "tee", Qty: 2}), depot.CodeInvalidState)
	h.ok(&depot.CancelOrder{Tenant: tenant, Order: kit})
	h.ok(sku("giftbox", 0, depot.Component{SKU: "tee", Qty: 2}))
	h.note("Returns: only what the order shipped from that location, less what came back.")
	h.reject(&depot.Return{Tenant: tenant, ID: "ret1", Order: o, SKU: "tee", Location: "wh-berlin", Qty: 1, Restock: true}, depot.CodeInvalidState)
	h.bring(o+"-1", "delivered")
	h.ok(&depot.Return{Tenant: tenant, ID: "ret1", Order: o, SKU: "tee", Location: "wh-berlin", Qty: 1, Restock: true})
	h.ok(&depot.Return{Tenant: tenant, ID: "ret2", Order: o, SKU: "tee", Location: "wh-berlin", Qty: 1, Restock: false})
	h.reject(&depot.Return{Tenant: tenant, ID: "ret3", Order: o, SKU: "tee", Location: "wh-berlin", Qty: 1, Restock: true}, depot.CodeInvalidState)
	h.reject(&depot.Return{Tenant: tenant, ID: "ret4", Order: o, SKU: "mug", Location: "wh-hamburg", Qty: 1, Restock: true}, depot.CodeInvalidState)
	h.note("A repeated return is the ledger's replay, recorded once.")
	if res := h.apply(&depot.Return{Tenant: tenant, ID: "ret1", Order: o, SKU: "tee", Location: "wh-berlin", Qty: 1, Restock: true}); !res.Replayed {
		t.Fatalf("repeat: %+v", res)
	}
	h.replayCheck()
}

func TestCommitToOrderNames(t *testing.T) {
	// Ledger commits may name any order but one create_order may still make: names derive from
	// sequence numbers, so past names never collide and future ones would.
	h := fixture(t)
	h.ok(receive("r1", "tee", "wh-berlin", 10),
		&depot.Reserve{Tenant: tenant, Reservation: "res", Channel: "web", Lines: []depot.ReserveLine{{SKU: "tee", Qty: 1}}})
	future := "o-" + itoa(int(h.eng.LastSeq())+2)
	h.reject(&depot.Commit{Tenant: tenant, Reservation: "res", Order: future}, depot.CodeInvalidArgument)
	h.reject(&depot.Commit{Tenant: tenant, Reservation: "res", Order: "o-" + itoa(int(h.eng.LastSeq())+1)}, depot.CodeInvalidArgument)
	h.ok(&depot.Commit{Tenant: tenant, Reservation: "res", Order: "o-1"}) // seq 1 defined a SKU
	got := h.order(webOrder("w", ln("tee", 1)))
	h.walk(got+"-1", "T")
	h.ok(&depot.Ship{Tenant: tenant, ID: "s", Order: "o-1"})
	h.replayCheck()
}

func TestRoutingRules(t *testing.T) {
	h := fixture(t)
	h.ok(receive("r1", "tee", "wh-berlin", 10), receive("r2", "tee", "wh-hamburg", 10))
	h.reject(&depot.DefineRouting{Tenant: tenant, Channel: "fax"}, depot.CodeUnknownChannel)
	h.reject(&depot.DefineRouting{Tenant: tenant, Channel: "web", Own: []string{"wh-nowhere"}}, depot.CodeUnknownLocation)
	o := h.order(webOrder("w1", ln("tee", 1)))
	if v, _ := h.eng.Orders().Order(tenant, o); v.Shipments[0].Location != "wh-berlin" {
		t.Fatalf("without rules: %s", v.Shipments[0].Location)
	}
	h.ok(&depot.DefineRouting{Tenant: tenant, Channel: "web", Rules: []depot.RoutingRule{{Kind: depot.RuleOwnLocations}}, Own: []string{"wh-hamburg"}})
	o = h.order(webOrder("w2", ln("tee", 1)))
	if v, _ := h.eng.Orders().Order(tenant, o); v.Shipments[0].Location != "wh-hamburg" {
		t.Fatalf("own locations: %s", v.Shipments[0].Location)
	}
	h.ok(&depot.DefineRouting{Tenant: tenant, Channel: "web", Rules: []depot.RoutingRule{{Kind: depot.RuleExcludeGroup, Group: "nowhere"}}})
	o = h.order(webOrder("w3", ln("tee", 11)))
	if v, _ := h.eng.Orders().Order(tenant, o); v.Status != "backordered" {
		t.Fatalf("without split lines, 11 tees over two warehouses of 10: %s", v.Status)
	}
	h.ok(&depot.DefineRouting{Tenant: tenant, Channel: "web", AllowSplitLines: true})
	if v, _ := h.eng.Orders().Order(tenant, o); v.Status != "allocated" || len(v.Shipments) != 2 {
		t.Fatalf("new routing lets the waiting order split: %+v", v)
	}
	h.replayCheck()
}

func TestRetentionForgetsFinishedOrders(t *testing.T) {
	h, o := stocked(t)
	h.bring(o+"-1", "delivered")
	h.tickAt(depot.OrderRetention)
	if _, ok := h.eng.Orders().Order(tenant, o); !ok {
		t.Fatal("forgotten before the retention window passed")
	}
	h.tickAt(depot.OrderRetention + hour)
	if _, ok := h.eng.Orders().Order(tenant, o); ok {
		t.Fatal("still held after the retention window")
	}
	h.note("The external id is free again.")
	h.order(webOrder("w1", ln("tee", 1)))
	h.replayCheck()
}

func TestVocabularyMatchesSourcing(t *testing.T) {
	// Rule kinds and service levels convert by value between the wire vocabulary and sourcing.
	for k := depot.RuleClosest; k <= depot.RuleLeastBacklog; k++ {
		if s := sourcing.RuleKind(k).String(); s != k.String() {
			t.Errorf("rule %d is %q on the wire and %q in sourcing", k, k.String(), s)
		}
	}
	for l := depot.LevelStandard; l <= depot.LevelQuick; l++ {
		if s := sourcing.ServiceLevel(l).String(); s != l.String() {
			t.Errorf("level %d is %q on the wire and %q in sourcing", l, l.String(), s)
		}
	}
}

func raise(order, code, note string) *depot.RaiseException {
	return &depot.RaiseException{Tenant: tenant, Order: order, Code: code, Note: note}
}

func resolve(order, code string) *depot.ResolveException {
	return &depot.ResolveException{Tenant: tenant, Order: order, Code: code}
}

func TestOperatorExceptionTransitions(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(h *harness, o string)
	}{
		{"raise holds the order", func(h *harness, o string) {
			evs := h.ok(raise(o, "address_invalid", "no such street"))
			if len(evs) != 1 || evs[0].Kind != depot.EventExceptionRaised || evs[0].Reason != "address_invalid: no such street" {
				t.Fatalf("events %+v", evs)
			}
			if v, _ := h.eng.Orders().Order(tenant, o); v.Status != "exception" || v.ExceptionCode != "address_invalid" {
				t.Fatalf("order %+v", v)
			}
			h.reject(step(o+"-1", depot.StepRelease), depot.CodeInvalidState)
		}},
		{"the same raise again is a replay", func(h *harness, o string) {
			h.ok(raise(o, "address_invalid", "no such street"))
			if res := h.apply(raise(o, "address_invalid", "no such street")); !res.Replayed {
				t.Fatalf("repeat: %+v", res)
			}
		}},
		{"another raise while one is open", func(h *harness, o string) {
			h.ok(raise(o, "address_invalid", ""))
			h.reject(raise(o, "fraud_review", ""), depot.CodeInvalidState)
		}},
		{"resolve releases the hold", func(h *harness, o string) {
			h.ok(raise(o, "address_invalid", ""))
			evs := h.ok(resolve(o, "address_corrected"))
			if len(evs) != 1 || evs[0].Kind != depot.EventExceptionResolved || evs[0].Reason != "address_corrected" {
				t.Fatalf("events %+v", evs)
			}
			h.ok(step(o+"-1", depot.StepRelease))
			if v, _ := h.eng.Orders().Order(tenant, o); v.Status != "released" || v.ExceptionCode != "" {
				t.Fatalf("order %+v", v)
			}
		}},
		{"resolve with nothing open", func(h *harness, o string) {
			h.reject(resolve(o, "fixed"), depot.CodeInvalidState)
		}},
		{"a shipped parcel still travels", func(h *harness, o string) {
			h.bring(o+"-1", "shipped")
			h.ok(raise(o, "customer_contact", "wants it earlier"))
			h.ok(track(o+"-1", "in transit", h.now+hour))
			h.ok(step(o+"-1", depot.StepDeliver))
			if v, _ := h.eng.Orders().Order(tenant, o); v.Status != "completed" {
				t.Fatalf("order %s is %s", o, v.Status)
			}
			h.note("A finished order takes no new exception; the open one can still be closed.")
			h.ok(resolve(o, "closed"))
			h.reject(raise(o, "late", ""), depot.CodeInvalidState)
		}},
		{"cancellation goes on", func(h *harness, o string) {
			h.ok(raise(o, "fraud_review", ""))
			h.ok(&depot.CancelOrder{Tenant: tenant, Order: o})
			if v, _ := h.eng.Orders().Order(tenant, o); v.Status != "cancelled" {
				t.Fatalf("order %s is %s", o, v.Status)
			}
			h.reject(raise(o, "again", ""), depot.CodeInvalidState)
		}},
		{"unknown order", func(h *harness, o string) {
			h.reject(raise("o-999", "x", ""), depot.CodeUnknownOrder)
			h.reject(resolve("o-999", "x"), depot.CodeUnknownOrder)
		}},
		{"resolve clears an engine exception", func(h *harness, o string) {
			down := warehouse("wh-berlin", 0, -10, 17, 120)
			down.Status = depot.LocationPaused
			h.ok(down) // only Berlin holds tees and mugs: the shipment cannot move
			if v, _ := h.eng.Orders().Order(tenant, o); v.Status != "exception" || v.Shipments[0].Exception == "" {
				t.Fatalf("order %s is %s", o, v.Status)
			}
			h.ok(resolve(o, "waiting_for_berlin"))
			if v, _ := h.eng.Orders().Order(tenant, o); v.Status != "allocated" || v.Shipments[0].Exception != "" {
				t.Fatalf("order %s is %s after resolving", o, v.Status)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, o := stocked(t)
			tc.run(h, o)
			h.replayCheck()
		})
	}
}

// TestRetentionCompactsTheOrderIndex forgets most of more than two blocks' worth of orders, so
// the sequence index compacts across block boundaries: the orders kept are still found, by id and
// in the listing, in sequence order, and a replay agrees.
func TestRetentionCompactsTheOrderIndex(t *testing.T) {
	h := fixture(t)
	h.ok(receive("r1", "tee", "wh-berlin", 5000))
	const n = 1200
	ids := make([]string, n)
	for i := range ids {
		ids[i] = h.order(webOrder("c"+strconv.Itoa(i), ln("tee", 1)))
	}
	var kept []string
	for i, id := range ids {
		if i%10 == 3 {
			kept = append(kept, id)
			continue
		}
		h.ok(&depot.CancelOrder{Tenant: tenant, Order: id, Reason: "test"})
	}
	h.tickAt(depot.OrderRetention + hour)
	for i, id := range ids {
		_, ok := h.eng.Orders().Order(tenant, id)
		if want := i%10 == 3; ok != want {
			t.Fatalf("order %s held: %v, want %v", id, ok, want)
		}
	}
	var listed []string
	q := orders.ListQuery{Limit: 37}
	for {
		page, rej := h.eng.Orders().ListOrders(tenant, q)
		if rej != nil {
			t.Fatal(rej)
		}
		for _, v := range page.Orders {
			listed = append(listed, v.ID)
		}
		if page.Next == "" {
			break
		}
		q.After = page.Next
	}
	if !slices.Equal(listed, kept) {
		t.Fatalf("listed %d orders, want the %d kept in sequence order", len(listed), len(kept))
	}
	h.replayCheck()
}
