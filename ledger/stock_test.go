package ledger_test

import (
	"testing"

	"github.com/depothq/depot"
)

func TestExpectInbound(t *testing.T) {
	eta := t0 + 48*3600*sec
	runCases(t, []cmdCase{
		{name: "expected at an existing position", cmd: expect("po-1", "tee", "ams", 20, eta),
			want:  []depot.Event{{Kind: depot.EventInboundExpected, Ref: "po-1", SKU: "tee", Location: "ams", Qty: 20, At: eta}},
			check: func(h *harness) { h.wantPos("tee", "ams", 10, 0, 0, 0, 20) }},
		{name: "creates the position", cmd: expect("po-1", "mug", "ber", 3, eta),
			want:  []depot.Event{{Kind: depot.EventInboundExpected, Ref: "po-1", SKU: "mug", Location: "ber", Qty: 3, At: eta}},
			check: func(h *harness) { h.wantPos("mug", "ber", 0, 0, 0, 0, 3) }},
		{name: "repeat", setup: func(h *harness) { h.ok(expect("po-1", "tee", "ams", 20, eta)) },
			cmd: expect("po-1", "tee", "ams", 20, eta), replayed: true,
			check: func(h *harness) { h.wantPos("tee", "ams", 10, 0, 0, 0, 20) }},
		{name: "same id, other content", setup: func(h *harness) { h.ok(expect("po-1", "tee", "ams", 20, eta)) },
			cmd: expect("po-1", "tee", "ams", 21, eta), code: depot.CodeDuplicate, field: "id"},
		{name: "unknown SKU", cmd: expect("po-1", "nope", "ams", 1, eta), code: depot.CodeUnknownSKU, field: "sku"},
		{name: "unknown location", cmd: expect("po-1", "tee", "nope", 1, eta), code: depot.CodeUnknownLocation, field: "location"},
		{name: "unknown tenant", bare: true, cmd: expect("po-1", "tee", "ams", 1, eta), code: depot.CodeUnknownSKU, field: "sku"},
		{name: "kit", cmd: expect("po-1", "kit", "ams", 1, eta), code: depot.CodeInvalidArgument, field: "sku"},
		{name: "zero quantity", cmd: expect("po-1", "tee", "ams", 0, eta), code: depot.CodeInvalidQuantity, field: "qty"},
		{name: "inbound beyond MaxOnHand", setup: func(h *harness) {
			for i := range depot.MaxOnHand / depot.MaxQty {
				if res := h.raw(expect("bulk-"+itoa(i), "tee", "ams", depot.MaxQty, eta)); !res.OK() {
					h.t.Fatalf("bulk %d: %v", i, res.Rejection)
				}
			}
		}, cmd: expect("po-1", "tee", "ams", 1, eta), code: depot.CodeLimitExceeded, field: "qty"},
	})
}

func TestReceive(t *testing.T) {
	recv := func(id, s, loc string, qty int64, inbound string) []depot.Event {
		return []depot.Event{{Kind: depot.EventReceived, Ref: id, SKU: s, Location: loc, Qty: qty, Reason: inbound}}
	}
	withPO := func(h *harness) { h.ok(expect("po-1", "tee", "ams", 20, t0)) }
	runCases(t, []cmdCase{
		{name: "adds to on hand", cmd: rcv("r-1", "tee", "ams", 5), want: recv("r-1", "tee", "ams", 5, ""),
			check: func(h *harness) { h.wantPos("tee", "ams", 15, 0, 0, 0, 0) }},
		{name: "creates the position", cmd: rcv("r-1", "mug", "ber", 2), want: recv("r-1", "mug", "ber", 2, ""),
			check: func(h *harness) { h.wantPos("mug", "ber", 2, 0, 0, 0, 0) }},
		{name: "at a closed location", cmd: rcv("r-1", "mug", "osl", 2), want: recv("r-1", "mug", "osl", 2, "")},
		{name: "part of an inbound", setup: withPO, cmd: rcvFor("r-1", "tee", "ams", 5, "po-1"),
			want: recv("r-1", "tee", "ams", 5, "po-1"), check: func(h *harness) {
				h.wantPos("tee", "ams", 15, 0, 0, 0, 15)
				// The rest of the inbound can still be received against.
				h.ok(rcvFor("r-2", "tee", "ams", 15, "po-1"))
				h.wantPos("tee", "ams", 30, 0, 0, 0, 0)
			}},
		{name: "more than the inbound", setup: withPO, cmd: rcvFor("r-1", "tee", "ams", 30, "po-1"),
			want: recv("r-1", "tee", "ams", 30, "po-1"), check: func(h *harness) {
				h.wantPos("tee", "ams", 40, 0, 0, 0, 0)
				// A fulfilled inbound is gone.
				if res := h.apply(rcvFor("r-2", "tee", "ams", 1, "po-1")); res.OK() || res.Rejection.Code != depot.CodeInvalidArgument {
					h.t.Fatalf("receive against a fulfilled inbound: %+v", res.Rejection)
				}
			}},
		{name: "repeat", setup: func(h *harness) { h.ok(rcv("r-1", "tee", "ams", 5)) }, cmd: rcv("r-1", "tee", "ams", 5),
			replayed: true, check: func(h *harness) { h.wantPos("tee", "ams", 15, 0, 0, 0, 0) }},
		{name: "same id, other content", setup: func(h *harness) { h.ok(rcv("r-1", "tee", "ams", 5)) },
			cmd: rcv("r-1", "tee", "ams", 6), code: depot.CodeDuplicate, field: "id"},
		{name: "same id as another kind", setup: func(h *harness) { h.ok(adj("x-1", "tee", "ams", 1)) },
			cmd: rcv("x-1", "tee", "ams", 1), want: recv("x-1", "tee", "ams", 1, "")},
		{name: "unknown inbound", cmd: rcvFor("r-1", "tee", "ams", 5, "po-9"), code: depot.CodeInvalidArgument, field: "inbound"},
		{name: "inbound of another position", setup: withPO, cmd: rcvFor("r-1", "tee", "ber", 5, "po-1"),
			code: depot.CodeInvalidArgument, field: "inbound"},
		{name: "unknown SKU", cmd: rcv("r-1", "nope", "ams", 1), code: depot.CodeUnknownSKU, field: "sku"},
		{name: "unknown location", cmd: rcv("r-1", "tee", "nope", 1), code: depot.CodeUnknownLocation, field: "location"},
		{name: "kit", cmd: rcv("r-1", "kit", "ams", 1), code: depot.CodeInvalidArgument, field: "sku"},
		{name: "negative quantity", cmd: rcv("r-1", "tee", "ams", -1), code: depot.CodeInvalidQuantity, field: "qty"},
		{name: "on hand beyond MaxOnHand", setup: func(h *harness) { h.ok(cnt("c-1", "tee", "ams", depot.MaxOnHand)) },
			cmd: rcv("r-1", "tee", "ams", 1), code: depot.CodeLimitExceeded, field: "qty"},
		{name: "up to MaxOnHand", setup: func(h *harness) { h.ok(cnt("c-1", "tee", "ams", depot.MaxOnHand-1)) },
			cmd: rcv("r-1", "tee", "ams", 1), want: recv("r-1", "tee", "ams", 1, "")},
	})
}

func TestAdjust(t *testing.T) {
	adjusted := func(id, s, loc string, delta int64) []depot.Event {
		return []depot.Event{{Kind: depot.EventAdjusted, Ref: id, SKU: s, Location: loc, Qty: delta, Reason: "damage"}}
	}
	reserve8 := func(h *harness) { h.ok(rsv("res", "web", ln("tee", "ams", 8))) }
	runCases(t, []cmdCase{
		{name: "write-off", cmd: adj("a-1", "tee", "ams", -3), want: adjusted("a-1", "tee", "ams", -3),
			check: func(h *harness) { h.wantPos("tee", "ams", 7, 0, 0, 0, 0) }},
		{name: "found stock creates the position", cmd: adj("a-1", "mug", "ber", 2), want: adjusted("a-1", "mug", "ber", 2),
			check: func(h *harness) { h.wantPos("mug", "ber", 2, 0, 0, 0, 0) }},
		{name: "down to what is promised", setup: reserve8, cmd: adj("a-1", "tee", "ams", -2), want: adjusted("a-1", "tee", "ams", -2),
			check: func(h *harness) { h.wantPos("tee", "ams", 8, 8, 0, 0, 0) }},
		{name: "below what is promised", setup: reserve8, cmd: adj("a-1", "tee", "ams", -3),
			code: depot.CodeInsufficientStock, field: "qty",
			short: []depot.Shortfall{{SKU: "tee", Location: "ams", Requested: 3, Available: 2}}},
		{name: "below zero", cmd: adj("a-1", "tee", "ams", -11), code: depot.CodeInsufficientStock, field: "qty",
			short: []depot.Shortfall{{SKU: "tee", Location: "ams", Requested: 11, Available: 10}}},
		{name: "negative on a missing position", cmd: adj("a-1", "mug", "ber", -1), code: depot.CodeInsufficientStock, field: "qty",
			short: []depot.Shortfall{{SKU: "mug", Location: "ber", Requested: 1, Available: 0}}},
		{name: "beyond MaxOnHand", setup: func(h *harness) { h.ok(cnt("c-1", "tee", "ams", depot.MaxOnHand)) },
			cmd: adj("a-1", "tee", "ams", 1), code: depot.CodeLimitExceeded, field: "delta"},
		{name: "repeat", setup: func(h *harness) { h.ok(adj("a-1", "tee", "ams", -3)) }, cmd: adj("a-1", "tee", "ams", -3),
			replayed: true, check: func(h *harness) { h.wantPos("tee", "ams", 7, 0, 0, 0, 0) }},
		{name: "same id, other content", setup: func(h *harness) { h.ok(adj("a-1", "tee", "ams", -3)) },
			cmd: adj("a-1", "tee", "ams", -4), code: depot.CodeDuplicate, field: "id"},
		{name: "unknown SKU", cmd: adj("a-1", "nope", "ams", 1), code: depot.CodeUnknownSKU, field: "sku"},
		{name: "unknown location", cmd: adj("a-1", "tee", "nope", 1), code: depot.CodeUnknownLocation, field: "location"},
		{name: "zero delta", cmd: adj("a-1", "tee", "ams", 0), code: depot.CodeInvalidQuantity, field: "delta"},
	})
}

func TestCount(t *testing.T) {
	counted := func(id, s, loc string, drift, found int64) []depot.Event {
		return []depot.Event{{Kind: depot.EventCounted, Ref: id, SKU: s, Location: loc, Qty: drift, At: found}}
	}
	runCases(t, []cmdCase{
		{name: "shrinkage", cmd: cnt("c-1", "tee", "ams", 7), want: counted("c-1", "tee", "ams", -3, 7),
			check: func(h *harness) { h.wantPos("tee", "ams", 7, 0, 0, 0, 0) }},
		{name: "found more", cmd: cnt("c-1", "tee", "ams", 12), want: counted("c-1", "tee", "ams", 2, 12),
			check: func(h *harness) { h.wantPos("tee", "ams", 12, 0, 0, 0, 0) }},
		{name: "no drift", cmd: cnt("c-1", "tee", "ams", 10), want: counted("c-1", "tee", "ams", 0, 10)},
		{name: "to zero", cmd: cnt("c-1", "tee", "ams", 0), want: counted("c-1", "tee", "ams", -10, 0)},
		{name: "creates the position", cmd: cnt("c-1", "mug", "ber", 4), want: counted("c-1", "mug", "ber", 4, 4),
			check: func(h *harness) { h.wantPos("mug", "ber", 4, 0, 0, 0, 0) }},
		{name: "down to what is promised", setup: func(h *harness) { h.ok(rsv("res", "web", ln("tee", "ams", 3)), hold("h", "tee", "ams", 2)) },
			cmd: cnt("c-1", "tee", "ams", 5), want: counted("c-1", "tee", "ams", -5, 5),
			check: func(h *harness) { h.wantPos("tee", "ams", 5, 3, 0, 2, 0) }},
		{name: "below what is promised", setup: func(h *harness) { h.ok(rsv("res", "web", ln("tee", "ams", 3)), hold("h", "tee", "ams", 2)) },
			cmd: cnt("c-1", "tee", "ams", 4), code: depot.CodeInsufficientStock, field: "qty",
			short: []depot.Shortfall{{SKU: "tee", Location: "ams", Requested: 5, Available: 4}}},
		{name: "repeat", setup: func(h *harness) { h.ok(cnt("c-1", "tee", "ams", 7)) }, cmd: cnt("c-1", "tee", "ams", 7), replayed: true},
		{name: "same id, other content", setup: func(h *harness) { h.ok(cnt("c-1", "tee", "ams", 7)) },
			cmd: cnt("c-1", "tee", "ams", 8), code: depot.CodeDuplicate, field: "id"},
		{name: "unknown SKU", cmd: cnt("c-1", "nope", "ams", 1), code: depot.CodeUnknownSKU, field: "sku"},
		{name: "unknown location", cmd: cnt("c-1", "tee", "nope", 1), code: depot.CodeUnknownLocation, field: "location"},
		{name: "kit", cmd: cnt("c-1", "kit", "ams", 1), code: depot.CodeInvalidArgument, field: "sku"},
		{name: "negative", cmd: cnt("c-1", "tee", "ams", -1), code: depot.CodeInvalidQuantity, field: "on_hand"},
	})
}

func TestHold(t *testing.T) {
	held := func(id string, delta int64) []depot.Event {
		return []depot.Event{{Kind: depot.EventHeld, Ref: id, SKU: "tee", Location: "ams", Qty: delta, Reason: "qa"}}
	}
	hold4 := func(h *harness) { h.ok(hold("h-0", "tee", "ams", 4)) }
	runCases(t, []cmdCase{
		{name: "hold", cmd: hold("h-1", "tee", "ams", 4), want: held("h-1", 4),
			check: func(h *harness) { h.wantPos("tee", "ams", 10, 0, 0, 4, 0) }},
		{name: "all of ATP", cmd: hold("h-1", "tee", "ams", 10), want: held("h-1", 10)},
		{name: "unhold", setup: hold4, cmd: hold("h-1", "tee", "ams", -3), want: held("h-1", -3),
			check: func(h *harness) { h.wantPos("tee", "ams", 10, 0, 0, 1, 0) }},
		{name: "held units are not reservable", setup: func(h *harness) { h.ok(hold("h-0", "tee", "ams", 8)) },
			cmd: rsv("res", "web", ln("tee", "ams", 3)), code: depot.CodeInsufficientStock, field: "lines.qty",
			short: []depot.Shortfall{{SKU: "tee", Location: "ams", Requested: 3, Available: 2}}},
		{name: "more than ATP", setup: func(h *harness) { h.ok(rsv("res", "web", ln("tee", "ams", 3))) },
			cmd: hold("h-1", "tee", "ams", 8), code: depot.CodeInsufficientStock, field: "qty",
			short: []depot.Shortfall{{SKU: "tee", Location: "ams", Requested: 8, Available: 7}}},
		{name: "unhold more than held", setup: hold4, cmd: hold("h-1", "tee", "ams", -5), code: depot.CodeInsufficientStock, field: "qty",
			short: []depot.Shortfall{{SKU: "tee", Location: "ams", Requested: 5, Available: 4}}},
		{name: "no position", cmd: hold("h-1", "mug", "ber", 2), code: depot.CodeInsufficientStock, field: "qty",
			short: []depot.Shortfall{{SKU: "mug", Location: "ber", Requested: 2, Available: 0}}},
		{name: "repeat", setup: hold4, cmd: hold("h-0", "tee", "ams", 4), replayed: true,
			check: func(h *harness) { h.wantPos("tee", "ams", 10, 0, 0, 4, 0) }},
		{name: "same id, other content", setup: hold4, cmd: hold("h-0", "tee", "ams", -4), code: depot.CodeDuplicate, field: "id"},
		{name: "unknown location", cmd: hold("h-1", "tee", "nope", 1), code: depot.CodeUnknownLocation, field: "location"},
		{name: "zero", cmd: hold("h-1", "tee", "ams", 0), code: depot.CodeInvalidQuantity, field: "delta"},
	})
}

func TestShip(t *testing.T) {
	shipped := func(id, s, loc string, qty int64) depot.Event {
		return depot.Event{Kind: depot.EventShipped, Ref: id, Order: "ord-1", SKU: s, Location: loc, Qty: qty}
	}
	// ord-1 holds 2 tee and 1 mug at ams.
	allocated := func(h *harness) {
		h.ok(rsv("res", "web", ln("tee", "ams", 2), ln("mug", "ams", 1)), commit("res", "ord-1"))
	}
	runCases(t, []cmdCase{
		{name: "whole order", setup: allocated, cmd: ship("s-1", "ord-1"),
			want: []depot.Event{shipped("s-1", "tee", "ams", 2), shipped("s-1", "mug", "ams", 1)},
			check: func(h *harness) {
				h.wantPos("tee", "ams", 8, 0, 0, 0, 0)
				h.wantPos("mug", "ams", 5, 0, 0, 0, 0)
				// Nothing is left allocated, so the order is gone.
				if res := h.apply(ship("s-2", "ord-1")); res.OK() || res.Rejection.Code != depot.CodeUnknownOrder {
					h.t.Fatalf("ship of a shipped order: %+v", res.Rejection)
				}
			}},
		{name: "partial", setup: allocated, cmd: ship("s-1", "ord-1", sl("tee", "ams", 1)),
			want: []depot.Event{shipped("s-1", "tee", "ams", 1)},
			check: func(h *harness) {
				h.wantPos("tee", "ams", 9, 0, 1, 0, 0)
				// The rest ships with a line-less ship.
				evs := h.ok(ship("s-2", "ord-1"))
				if len(evs) != 2 || evs[0].Qty != 1 || evs[0].SKU != "tee" || evs[1].SKU != "mug" {
					h.t.Fatalf("rest of the order shipped as %+v", evs)
				}
				h.wantPos("tee", "ams", 8, 0, 0, 0, 0)
			}},
		{name: "lines for the same item add up", setup: allocated, cmd: ship("s-1", "ord-1", sl("tee", "ams", 1), sl("tee", "ams", 1)),
			want: []depot.Event{shipped("s-1", "tee", "ams", 2)}},
		{name: "lines for the same item cannot ship the same units", setup: allocated,
			cmd: ship("s-1", "ord-1", sl("tee", "ams", 2), sl("tee", "ams", 1)), code: depot.CodeInsufficientStock, field: "qty",
			short: []depot.Shortfall{{SKU: "tee", Location: "ams", Requested: 3, Available: 2}}},
		{name: "item not in the order", setup: allocated, cmd: ship("s-1", "ord-1", sl("tee", "ber", 1)),
			code: depot.CodeInsufficientStock, field: "qty", short: []depot.Shortfall{{SKU: "tee", Location: "ber", Requested: 1, Available: 0}}},
		{name: "two commits to one order ship together", setup: func(h *harness) {
			allocated(h)
			h.ok(rsv("res-2", "web", ln("tee", "ams", 3)), commit("res-2", "ord-1"))
		}, cmd: ship("s-1", "ord-1"), want: []depot.Event{shipped("s-1", "tee", "ams", 5), shipped("s-1", "mug", "ams", 1)}},
		{name: "kit ships as components", setup: func(h *harness) {
			h.ok(rsv("res", "web", ln("kit", "", 1)), commit("res", "ord-1"))
		}, cmd: ship("s-1", "ord-1"), want: []depot.Event{shipped("s-1", "cap", "ams", 3), shipped("s-1", "bolt", "ams", 1)}},
		{name: "kit line", setup: allocated, cmd: ship("s-1", "ord-1", sl("kit", "ams", 1)), code: depot.CodeInvalidArgument, field: "sku"},
		{name: "unknown order", cmd: ship("s-1", "ord-9"), code: depot.CodeUnknownOrder, field: "order"},
		{name: "reserved but not committed", setup: func(h *harness) { h.ok(rsv("res", "web", ln("tee", "ams", 2))) },
			cmd: ship("s-1", "res"), code: depot.CodeUnknownOrder, field: "order"},
		{name: "unknown SKU", setup: allocated, cmd: ship("s-1", "ord-1", sl("nope", "ams", 1)), code: depot.CodeUnknownSKU, field: "sku"},
		{name: "unknown location", setup: allocated, cmd: ship("s-1", "ord-1", sl("tee", "nope", 1)), code: depot.CodeUnknownLocation, field: "location"},
		{name: "repeat", setup: func(h *harness) { allocated(h); h.ok(ship("s-1", "ord-1", sl("tee", "ams", 1))) },
			cmd: ship("s-1", "ord-1", sl("tee", "ams", 1)), replayed: true,
			check: func(h *harness) { h.wantPos("tee", "ams", 9, 0, 1, 0, 0) }},
		{name: "same id, other content", setup: func(h *harness) { allocated(h); h.ok(ship("s-1", "ord-1", sl("tee", "ams", 1))) },
			cmd: ship("s-1", "ord-1", sl("mug", "ams", 1)), code: depot.CodeDuplicate, field: "id"},
		{name: "zero quantity", setup: allocated, cmd: ship("s-1", "ord-1", sl("tee", "ams", 0)), code: depot.CodeInvalidQuantity, field: "lines.qty"},
	})
}

func TestReturn(t *testing.T) {
	returned := func(s, loc string, qty int64, reason string) []depot.Event {
		return []depot.Event{{Kind: depot.EventReturned, Ref: "rt-1", Order: "ord-1", SKU: s, Location: loc, Qty: qty, Reason: reason}}
	}
	runCases(t, []cmdCase{
		{name: "restock", cmd: ret("rt-1", "ord-1", "tee", "ams", 2, true, ""), want: returned("tee", "ams", 2, "restock"),
			check: func(h *harness) { h.wantPos("tee", "ams", 12, 0, 0, 0, 0) }},
		{name: "held for inspection", cmd: ret("rt-1", "ord-1", "tee", "ams", 2, false, "torn"), want: returned("tee", "ams", 2, "hold: torn"),
			check: func(h *harness) { h.wantPos("tee", "ams", 12, 0, 0, 2, 0) }},
		{name: "restock with reason", cmd: ret("rt-1", "ord-1", "tee", "ams", 1, true, "unworn"), want: returned("tee", "ams", 1, "restock: unworn")},
		{name: "without an order", cmd: ret("rt-1", "", "tee", "ams", 1, true, ""),
			want: []depot.Event{{Kind: depot.EventReturned, Ref: "rt-1", SKU: "tee", Location: "ams", Qty: 1, Reason: "restock"}}},
		{name: "creates the position", cmd: ret("rt-1", "ord-1", "mug", "ber", 1, false, ""), want: returned("mug", "ber", 1, "hold"),
			check: func(h *harness) { h.wantPos("mug", "ber", 1, 0, 0, 1, 0) }},
		{name: "held return can be released to sale", setup: func(h *harness) { h.ok(ret("rt-0", "", "tee", "ams", 2, false, "")) },
			cmd: hold("h-1", "tee", "ams", -2), want: []depot.Event{{Kind: depot.EventHeld, Ref: "h-1", SKU: "tee", Location: "ams", Qty: -2, Reason: "qa"}},
			check: func(h *harness) { h.wantPos("tee", "ams", 12, 0, 0, 0, 0) }},
		{name: "beyond MaxOnHand", setup: func(h *harness) { h.ok(cnt("c-1", "tee", "ams", depot.MaxOnHand)) },
			cmd: ret("rt-1", "ord-1", "tee", "ams", 1, true, ""), code: depot.CodeLimitExceeded, field: "qty"},
		{name: "repeat", setup: func(h *harness) { h.ok(ret("rt-1", "ord-1", "tee", "ams", 2, true, "")) },
			cmd: ret("rt-1", "ord-1", "tee", "ams", 2, true, ""), replayed: true,
			check: func(h *harness) { h.wantPos("tee", "ams", 12, 0, 0, 0, 0) }},
		{name: "same id, other content", setup: func(h *harness) { h.ok(ret("rt-1", "ord-1", "tee", "ams", 2, true, "")) },
			cmd: ret("rt-1", "ord-1", "tee", "ams", 2, false, ""), code: depot.CodeDuplicate, field: "id"},
		{name: "unknown SKU", cmd: ret("rt-1", "ord-1", "nope", "ams", 1, true, ""), code: depot.CodeUnknownSKU, field: "sku"},
		{name: "unknown location", cmd: ret("rt-1", "ord-1", "tee", "nope", 1, true, ""), code: depot.CodeUnknownLocation, field: "location"},
		{name: "kit", cmd: ret("rt-1", "ord-1", "kit", "ams", 1, true, ""), code: depot.CodeInvalidArgument, field: "sku"},
		{name: "over-long reason", cmd: ret("rt-1", "ord-1", "tee", "ams", 1, true, string(make([]byte, depot.MaxReasonLen+1))),
			code: depot.CodeLimitExceeded, field: "reason"},
	})
}
