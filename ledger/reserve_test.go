package ledger_test

import (
	"strings"
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/ledger"
)

func TestReserve(t *testing.T) {
	exp := t0 + depot.DefaultTTL
	// withChannel adds a channel "buf" fed by the given locations with a buffer.
	withChannel := func(b depot.Buffer, overrides []depot.SKUBuffer, locs ...string) func(h *harness) {
		return func(h *harness) {
			h.ok(&depot.DefineChannel{Tenant: tenant, Channel: "buf", Locations: locs, Default: b, Overrides: overrides})
		}
	}
	insufficient := func(s, loc string, requested, available int64) []depot.Shortfall {
		return []depot.Shortfall{{SKU: s, Location: loc, Requested: requested, Available: available}}
	}
	runCases(t, []cmdCase{
		// Accepted paths.
		{name: "at a named location", cmd: rsv("r-1", "web", ln("tee", "ams", 2)),
			want:  []depot.Event{reserved("r-1", "tee", "ams", "web", 2, exp)},
			check: func(h *harness) { h.wantPos("tee", "ams", 10, 2, 0, 0, 0) }},
		{name: "explicit TTL", cmd: rsvTTL("r-1", "web", 60*sec, ln("tee", "ams", 2)),
			want: []depot.Event{reserved("r-1", "tee", "ams", "web", 2, t0+60*sec)}},
		{name: "all of ATP", cmd: rsv("r-1", "web", ln("tee", "ams", 10)),
			want: []depot.Event{reserved("r-1", "tee", "ams", "web", 10, exp)}},
		{name: "policy takes the first feeding location", cmd: rsv("r-1", "web", ln("tee", "", 3)),
			want: []depot.Event{reserved("r-1", "tee", "ber", "web", 3, exp)}},
		{name: "policy skips a location that cannot fill the line", cmd: rsv("r-1", "web", ln("tee", "", 5)),
			want: []depot.Event{reserved("r-1", "tee", "ams", "web", 5, exp)}},
		{name: "policy skips a paused location", cmd: rsv("r-1", "shop", ln("tee", "", 1)),
			want: []depot.Event{reserved("r-1", "tee", "ams", "shop", 1, exp)}},
		{name: "policy counts earlier lines", cmd: rsv("r-1", "web", ln("tee", "", 3), ln("tee", "", 3)),
			want: []depot.Event{reserved("r-1", "tee", "ber", "web", 3, exp), reserved("r-1", "tee", "ams", "web", 3, exp)}},
		{name: "policy skips a location emptied by other reservations", setup: func(h *harness) { h.ok(rsv("r-0", "web", ln("tee", "ber", 2))) },
			cmd: rsv("r-1", "web", ln("tee", "", 3)), want: []depot.Event{reserved("r-1", "tee", "ams", "web", 3, exp)}},
		{name: "lines on one position are summed", cmd: rsv("r-1", "web", ln("tee", "ams", 2), ln("mug", "ams", 1), ln("tee", "ams", 3)),
			want:  []depot.Event{reserved("r-1", "tee", "ams", "web", 5, exp), reserved("r-1", "mug", "ams", "web", 1, exp)},
			check: func(h *harness) { h.wantPos("tee", "ams", 10, 5, 0, 0, 0) }},
		{name: "kit reserves its components", cmd: rsv("r-1", "web", ln("kit", "ams", 1)),
			want: []depot.Event{reserved("r-1", "cap", "ams", "web", 3, exp), reserved("r-1", "bolt", "ams", "web", 1, exp)},
			check: func(h *harness) {
				h.wantPos("cap", "ams", 5, 3, 0, 0, 0)
				h.wantPos("bolt", "ams", 5, 1, 0, 0, 0)
			}},
		{name: "kit placed by policy where all components are", cmd: rsv("r-1", "web", ln("kit", "", 1)),
			want: []depot.Event{reserved("r-1", "cap", "ams", "web", 3, exp), reserved("r-1", "bolt", "ams", "web", 1, exp)}},
		{name: "kit and its component within stock", cmd: rsv("r-1", "web", ln("kit", "ams", 1), ln("cap", "ams", 2)),
			want: []depot.Event{reserved("r-1", "cap", "ams", "web", 5, exp), reserved("r-1", "bolt", "ams", "web", 1, exp)}},
		{name: "new tenant's first reserve needs a channel", bare: true, cmd: rsv("r-1", "web", ln("tee", "", 1)),
			code: depot.CodeUnknownChannel, field: "channel"},

		// Stock checks: one shortfall per position, summed over lines and kit components.
		{name: "more than on hand", cmd: rsv("r-1", "web", ln("tee", "ams", 11)), code: depot.CodeInsufficientStock, field: "lines.qty",
			short: insufficient("tee", "ams", 11, 10)},
		{name: "two positions short", cmd: rsv("r-1", "web", ln("tee", "ams", 11), ln("mug", "ams", 6), ln("cap", "ams", 6)),
			code: depot.CodeInsufficientStock, field: "lines.qty",
			short: []depot.Shortfall{{SKU: "tee", Location: "ams", Requested: 11, Available: 10}, {SKU: "cap", Location: "ams", Requested: 6, Available: 5}}},
		{name: "lines on one position cannot pass on the same units", cmd: rsv("r-1", "web", ln("tee", "ams", 6), ln("tee", "ams", 5)),
			code: depot.CodeInsufficientStock, field: "lines.qty", short: insufficient("tee", "ams", 11, 10)},
		{name: "kit and a plain line share a component", cmd: rsv("r-1", "web", ln("kit", "ams", 1), ln("cap", "ams", 3)),
			code: depot.CodeInsufficientStock, field: "lines.qty", short: insufficient("cap", "ams", 6, 5)},
		{name: "two kits share a component", cmd: rsv("r-1", "web", ln("kit", "ams", 1), ln("kit", "ams", 1)),
			code: depot.CodeInsufficientStock, field: "lines.qty", short: insufficient("cap", "ams", 6, 5)},
		{name: "kit and a plain line share a component by policy", cmd: rsv("r-1", "web", ln("kit", "", 1), ln("cap", "", 3)),
			code: depot.CodeInsufficientStock, field: "lines.qty", short: insufficient("cap", "", 3, 5)},
		{name: "no location can fill the line", cmd: rsv("r-1", "web", ln("tee", "", 11)),
			code: depot.CodeInsufficientStock, field: "lines.qty", short: insufficient("tee", "", 11, 14)},
		{name: "no position yet", cmd: rsv("r-1", "web", ln("mug", "ber", 1)),
			code: depot.CodeInsufficientStock, field: "lines.qty", short: insufficient("mug", "ber", 1, 0)},
		{name: "kit lacking a component at the location", cmd: rsv("r-1", "web", ln("kit", "ber", 1)),
			code: depot.CodeInsufficientStock, field: "lines.qty",
			short: []depot.Shortfall{{SKU: "cap", Location: "ber", Requested: 3, Available: 0}, {SKU: "bolt", Location: "ber", Requested: 1, Available: 0}}},
		{name: "reserved by another", setup: func(h *harness) { h.ok(rsv("r-0", "web", ln("tee", "ams", 9))) },
			cmd: rsv("r-1", "web", ln("tee", "ams", 2)), code: depot.CodeInsufficientStock, field: "lines.qty", short: insufficient("tee", "ams", 2, 1)},
		{name: "allocated to an order", setup: func(h *harness) { h.ok(rsv("r-0", "web", ln("tee", "ams", 9)), commit("r-0", "o")) },
			cmd: rsv("r-1", "web", ln("tee", "ams", 2)), code: depot.CodeInsufficientStock, field: "lines.qty", short: insufficient("tee", "ams", 2, 1)},

		// Channel buffers: the larger of units and percent (rounded up) is withheld from the
		// summed ATP of the open feeding locations, and the cap bounds the rest.
		{name: "unit buffer allows the rest", setup: withChannel(depot.Buffer{Units: 4}, nil, "ams"),
			cmd: rsv("r-1", "buf", ln("tee", "ams", 6)), want: []depot.Event{reserved("r-1", "tee", "ams", "buf", 6, exp)}},
		{name: "unit buffer", setup: withChannel(depot.Buffer{Units: 4}, nil, "ams"),
			cmd: rsv("r-1", "buf", ln("tee", "ams", 7)), code: depot.CodeInsufficientStock, field: "lines.qty", short: insufficient("tee", "", 7, 6)},
		{name: "percent buffer rounds up", setup: withChannel(depot.Buffer{Percent: 25}, nil, "ams"), // 2.5 -> 3 withheld
			cmd: rsv("r-1", "buf", ln("tee", "ams", 8)), code: depot.CodeInsufficientStock, field: "lines.qty", short: insufficient("tee", "", 8, 7)},
		{name: "percent buffer allows the rest", setup: withChannel(depot.Buffer{Percent: 25}, nil, "ams"),
			cmd: rsv("r-1", "buf", ln("tee", "ams", 7)), want: []depot.Event{reserved("r-1", "tee", "ams", "buf", 7, exp)}},
		{name: "larger of units and percent", setup: withChannel(depot.Buffer{Units: 5, Percent: 25}, nil, "ams"),
			cmd: rsv("r-1", "buf", ln("tee", "ams", 6)), code: depot.CodeInsufficientStock, field: "lines.qty", short: insufficient("tee", "", 6, 5)},
		{name: "full percent withholds everything", setup: withChannel(depot.Buffer{Percent: 100}, nil, "ams"),
			cmd: rsv("r-1", "buf", ln("tee", "ams", 1)), code: depot.CodeInsufficientStock, field: "lines.qty", short: insufficient("tee", "", 1, 0)},
		{name: "cap", setup: withChannel(depot.Buffer{Cap: 4}, nil, "ams"),
			cmd: rsv("r-1", "buf", ln("tee", "ams", 5)), code: depot.CodeInsufficientStock, field: "lines.qty", short: insufficient("tee", "", 5, 4)},
		{name: "cap allows up to it", setup: withChannel(depot.Buffer{Cap: 4}, nil, "ams"),
			cmd: rsv("r-1", "buf", ln("tee", "ams", 4)), want: []depot.Event{reserved("r-1", "tee", "ams", "buf", 4, exp)}},
		{name: "buffer over the summed locations", setup: withChannel(depot.Buffer{Units: 4}, nil, "ber", "ams"), // 14 - 4
			cmd: rsv("r-1", "buf", ln("tee", "ams", 10)), want: []depot.Event{reserved("r-1", "tee", "ams", "buf", 10, exp)}},
		{name: "buffer ignores paused locations", setup: withChannel(depot.Buffer{Units: 4}, nil, "par", "ams"), // par's 7 do not count
			cmd: rsv("r-1", "buf", ln("tee", "ams", 7)), code: depot.CodeInsufficientStock, field: "lines.qty", short: insufficient("tee", "", 7, 6)},
		{name: "buffer counts every line of the SKU", setup: withChannel(depot.Buffer{Units: 4}, nil, "ams"),
			cmd:  rsv("r-1", "buf", ln("tee", "ams", 3), ln("mug", "ams", 1), ln("tee", "ams", 4)),
			code: depot.CodeInsufficientStock, field: "lines.qty", short: insufficient("tee", "", 7, 6)},
		{name: "buffer counts other reservations", setup: func(h *harness) {
			withChannel(depot.Buffer{Units: 4}, nil, "ams")(h)
			h.ok(rsv("r-0", "web", ln("tee", "ams", 5)))
		}, cmd: rsv("r-1", "buf", ln("tee", "ams", 2)), code: depot.CodeInsufficientStock, field: "lines.qty", short: insufficient("tee", "", 2, 1)},
		{name: "SKU buffer overrides the default", setup: withChannel(depot.Buffer{Units: 4}, []depot.SKUBuffer{{SKU: "tee", Buffer: depot.Buffer{Cap: 2}}}, "ams"),
			cmd: rsv("r-1", "buf", ln("tee", "ams", 3)), code: depot.CodeInsufficientStock, field: "lines.qty", short: insufficient("tee", "", 3, 2)},
		{name: "empty SKU buffer lifts the default", setup: withChannel(depot.Buffer{Units: 4}, []depot.SKUBuffer{{SKU: "mug"}}, "ams"),
			cmd: rsv("r-1", "buf", ln("mug", "ams", 6)), want: []depot.Event{reserved("r-1", "mug", "ams", "buf", 6, exp)}},
		{name: "kit buffer counts whole kits", setup: withChannel(depot.Buffer{Units: 1}, nil, "ams"), // 5 cap make 1 kit, all withheld
			cmd: rsv("r-1", "buf", ln("kit", "ams", 1)), code: depot.CodeInsufficientStock, field: "lines.qty", short: insufficient("kit", "", 1, 0)},

		// Locations and lookups.
		{name: "paused location", cmd: rsv("r-1", "shop", ln("tee", "par", 1)), code: depot.CodeLocationUnavailable, field: "lines.location"},
		{name: "closed location", setup: func(h *harness) { h.ok(defChan("north", depot.Buffer{}, "osl")) },
			cmd: rsv("r-1", "north", ln("tee", "osl", 1)), code: depot.CodeLocationUnavailable, field: "lines.location"},
		{name: "location not feeding the channel", cmd: rsv("r-1", "web", ln("tee", "par", 1)), code: depot.CodeLocationUnavailable, field: "lines.location"},
		{name: "only paused and closed locations", setup: func(h *harness) { h.ok(defChan("north", depot.Buffer{}, "osl", "par")) },
			cmd: rsv("r-1", "north", ln("tee", "", 1)), code: depot.CodeInsufficientStock, field: "lines.qty", short: insufficient("tee", "", 1, 0)},
		{name: "unknown SKU", cmd: rsv("r-1", "web", ln("tee", "ams", 1), ln("nope", "ams", 1)), code: depot.CodeUnknownSKU, field: "lines.sku"},
		{name: "unknown location", cmd: rsv("r-1", "web", ln("tee", "nope", 1)), code: depot.CodeUnknownLocation, field: "lines.location"},
		{name: "unknown channel", cmd: rsv("r-1", "nope", ln("tee", "ams", 1)), code: depot.CodeUnknownChannel, field: "channel"},

		// Shape and idempotency.
		{name: "too many lines", cmd: rsv("r-1", "web", make([]depot.ReserveLine, depot.MaxLines+1)...), code: depot.CodeLimitExceeded, field: "lines"},
		{name: "zero quantity", cmd: rsv("r-1", "web", ln("tee", "ams", 0)), code: depot.CodeInvalidQuantity, field: "lines.qty"},
		{name: "TTL below the minimum", cmd: rsvTTL("r-1", "web", sec-1, ln("tee", "ams", 1)), code: depot.CodeInvalidArgument, field: "ttl_ns"},
		{name: "repeat", setup: func(h *harness) { h.ok(rsv("r-1", "web", ln("tee", "", 2))) }, cmd: rsv("r-1", "web", ln("tee", "", 2)),
			replayed: true, check: func(h *harness) { h.wantPos("tee", "ber", 4, 2, 0, 0, 0) }},
		{name: "repeat after release", setup: func(h *harness) { h.ok(rsv("r-1", "web", ln("tee", "", 2)), rel("r-1")) },
			cmd: rsv("r-1", "web", ln("tee", "", 2)), replayed: true, check: func(h *harness) { h.wantPos("tee", "ber", 4, 0, 0, 0, 0) }},
		{name: "same id, other content", setup: func(h *harness) { h.ok(rsv("r-1", "web", ln("tee", "", 2))) },
			cmd: rsv("r-1", "web", ln("tee", "", 3)), code: depot.CodeDuplicate, field: "id"},
		{name: "same id, other TTL", setup: func(h *harness) { h.ok(rsv("r-1", "web", ln("tee", "", 2))) },
			cmd: rsvTTL("r-1", "web", 60*sec, ln("tee", "", 2)), code: depot.CodeDuplicate, field: "id"},
	})
}

func TestExtend(t *testing.T) {
	live := func(h *harness) { h.ok(rsvTTL("r-1", "web", 60*sec, ln("tee", "ams", 2))) }
	extended := func(at int64) []depot.Event {
		return []depot.Event{{Kind: depot.EventExtended, Ref: "r-1", Channel: "web", At: at}}
	}
	runCases(t, []cmdCase{
		{name: "live", setup: func(h *harness) { live(h); h.advance(10 * sec) }, cmd: ext("r-1", 120*sec), want: extended(t0 + 130*sec),
			check: func(h *harness) {
				// The new expiry is the one the tick honours.
				h.advance(119 * sec)
				if evs := h.tick(); len(evs) != 0 {
					h.t.Fatalf("expired before its extended TTL: %+v", evs)
				}
				h.advance(sec)
				if evs := h.tick(); len(evs) != 1 || evs[0].Kind != depot.EventExpired {
					h.t.Fatalf("not expired at its extended TTL: %+v", evs)
				}
			}},
		{name: "shortens too", setup: live, cmd: ext("r-1", sec), want: extended(t0 + sec)},
		{name: "just before expiry", setup: func(h *harness) { live(h); h.advance(60*sec - 1) }, cmd: ext("r-1", sec), want: extended(t0 + 61*sec - 1)},
		{name: "at expiry, before the tick", setup: func(h *harness) { live(h); h.advance(60 * sec) }, cmd: ext("r-1", sec),
			code: depot.CodeExpired, field: "id"},
		{name: "after the tick", setup: func(h *harness) { live(h); h.advance(60 * sec); h.tick() }, cmd: ext("r-1", sec),
			code: depot.CodeExpired, field: "id"},
		{name: "released", setup: func(h *harness) { live(h); h.ok(rel("r-1")) }, cmd: ext("r-1", sec), code: depot.CodeInvalidState, field: "id"},
		{name: "committed", setup: func(h *harness) { live(h); h.ok(commit("r-1", "o")) }, cmd: ext("r-1", sec), code: depot.CodeInvalidState, field: "id"},
		{name: "unknown", cmd: ext("r-9", sec), code: depot.CodeUnknownReservation, field: "id"},
		{name: "zero TTL", setup: live, cmd: ext("r-1", 0), code: depot.CodeInvalidArgument, field: "ttl_ns"},
	})
}

func TestRelease(t *testing.T) {
	live := func(h *harness) { h.ok(rsvTTL("r-1", "web", 60*sec, ln("tee", "ams", 2), ln("kit", "ams", 1))) }
	runCases(t, []cmdCase{
		{name: "live", setup: live, cmd: rel("r-1"),
			want: []depot.Event{
				released(depot.EventReleased, "r-1", "tee", "ams", "web", 2),
				released(depot.EventReleased, "r-1", "cap", "ams", "web", 3),
				released(depot.EventReleased, "r-1", "bolt", "ams", "web", 1),
			},
			check: func(h *harness) {
				h.wantPos("tee", "ams", 10, 0, 0, 0, 0)
				h.wantPos("cap", "ams", 5, 0, 0, 0, 0)
				if r, ok := h.eng.Ledger().Reservation(tenant, "r-1"); !ok || r.Status != depot.ReservationReleased {
					h.t.Fatalf("reservation after release: %+v %v", r, ok)
				}
			}},
		{name: "repeat", setup: func(h *harness) { live(h); h.ok(rel("r-1")) }, cmd: rel("r-1"), replayed: true},
		{name: "expired before the tick", setup: func(h *harness) { live(h); h.advance(60 * sec) }, cmd: rel("r-1"), code: depot.CodeExpired, field: "id"},
		{name: "expired", setup: func(h *harness) { live(h); h.advance(60 * sec); h.tick() }, cmd: rel("r-1"), code: depot.CodeExpired, field: "id"},
		{name: "committed", setup: func(h *harness) { live(h); h.ok(commit("r-1", "o")) }, cmd: rel("r-1"), code: depot.CodeInvalidState, field: "id"},
		{name: "unknown", cmd: rel("r-9"), code: depot.CodeUnknownReservation, field: "id"},
		{name: "other tenant's", setup: live, cmd: &depot.Release{Tenant: "globex", Reservation: "r-1"}, code: depot.CodeUnknownReservation, field: "id"},
	})
}

func TestCommit(t *testing.T) {
	live := func(h *harness) { h.ok(rsvTTL("r-1", "web", 60*sec, ln("tee", "ams", 2), ln("mug", "ams", 1))) }
	committed := func(s string, qty int64) depot.Event {
		return depot.Event{Kind: depot.EventCommitted, Ref: "r-1", Order: "o-1", SKU: s, Location: "ams", Channel: "web", Qty: qty}
	}
	runCases(t, []cmdCase{
		{name: "live", setup: live, cmd: commit("r-1", "o-1"), want: []depot.Event{committed("tee", 2), committed("mug", 1)},
			check: func(h *harness) {
				h.wantPos("tee", "ams", 10, 0, 2, 0, 0)
				h.wantPos("mug", "ams", 6, 0, 1, 0, 0)
				r, ok := h.eng.Ledger().Reservation(tenant, "r-1")
				if !ok || r.Status != depot.ReservationCommitted || r.Order != "o-1" {
					h.t.Fatalf("reservation after commit: %+v %v", r, ok)
				}
				// Allocations do not expire.
				h.advance(depot.MaxTTL)
				if evs := h.tick(); len(evs) != 0 {
					h.t.Fatalf("tick touched an allocation: %+v", evs)
				}
				h.wantPos("tee", "ams", 10, 0, 2, 0, 0)
			}},
		{name: "just before expiry", setup: func(h *harness) { live(h); h.advance(60*sec - 1) }, cmd: commit("r-1", "o-1"),
			want: []depot.Event{committed("tee", 2), committed("mug", 1)}},
		{name: "repeat", setup: func(h *harness) { live(h); h.ok(commit("r-1", "o-1")) }, cmd: commit("r-1", "o-1"), replayed: true,
			check: func(h *harness) { h.wantPos("tee", "ams", 10, 0, 2, 0, 0) }},
		{name: "to another order", setup: func(h *harness) { live(h); h.ok(commit("r-1", "o-1")) }, cmd: commit("r-1", "o-2"),
			code: depot.CodeInvalidState, field: "order"},
		{name: "expired before the tick", setup: func(h *harness) { live(h); h.advance(60 * sec) }, cmd: commit("r-1", "o-1"), code: depot.CodeExpired, field: "id"},
		{name: "expired", setup: func(h *harness) { live(h); h.advance(61 * sec); h.tick() }, cmd: commit("r-1", "o-1"), code: depot.CodeExpired, field: "id"},
		{name: "released", setup: func(h *harness) { live(h); h.ok(rel("r-1")) }, cmd: commit("r-1", "o-1"), code: depot.CodeInvalidState, field: "id"},
		{name: "unknown", cmd: commit("r-9", "o-1"), code: depot.CodeUnknownReservation, field: "id"},
		{name: "empty order", setup: live, cmd: commit("r-1", ""), code: depot.CodeInvalidArgument, field: "order"},
	})
}

func TestReserveStatusRead(t *testing.T) {
	// Reads report a reservation past its expiry as expired even before the tick, matching
	// what extend, release and commit answer.
	h := mustFixture(t)
	h.ok(rsvTTL("r-1", "web", 60*sec, ln("kit", "ams", 1)))
	want := depot.Reservation{ID: "r-1", Channel: "web", Status: depot.ReservationActive, StatusStr: "active", ExpiresAt: t0 + 60*sec,
		Lines: []depot.ReservedLine{{SKU: "cap", Location: "ams", Qty: 3}, {SKU: "bolt", Location: "ams", Qty: 1}}}
	if got, ok := h.eng.Ledger().Reservation(tenant, "r-1"); !ok || !equalReservation(got, want) {
		t.Fatalf("live:\n got %+v\nwant %+v", got, want)
	}
	h.advance(60 * sec)
	h.ok(&depot.Receive{Tenant: tenant, ID: "clock", SKU: "tee", Location: "ams", Qty: 1}) // moves the clock, no tick
	want.Status, want.StatusStr = depot.ReservationExpired, "expired"
	if got, ok := h.eng.Ledger().Reservation(tenant, "r-1"); !ok || !equalReservation(got, want) {
		t.Fatalf("past expiry:\n got %+v\nwant %+v", got, want)
	}
	if n, rej := h.eng.Ledger().ChannelATP(tenant, "web", "kit"); rej != nil || n != 0 {
		// Until the tick the units are still reserved: 2 cap left make no kit.
		t.Fatalf("ChannelATP(kit) before the tick = %d, %v", n, rej)
	}
	h.tick()
	if n, rej := h.eng.Ledger().ChannelATP(tenant, "web", "kit"); rej != nil || n != 1 {
		t.Fatalf("ChannelATP(kit) after the tick = %d, %v", n, rej)
	}
}

func equalReservation(a, b depot.Reservation) bool {
	if a.ID != b.ID || a.Channel != b.Channel || a.Status != b.Status || a.StatusStr != b.StatusStr ||
		a.Order != b.Order || a.ExpiresAt != b.ExpiresAt || len(a.Lines) != len(b.Lines) {
		return false
	}
	for i := range a.Lines {
		if a.Lines[i] != b.Lines[i] {
			return false
		}
	}
	return true
}

// TestHandlesMatchesApply keeps Handles and Apply's switch in step: every command kind is
// either handled (Apply does not call it unsupported) or not (Apply does).
func TestHandlesMatchesApply(t *testing.T) {
	for k := depot.CommandKind(1); k < 255; k++ {
		c := depot.NewCommand(k)
		if c == nil {
			continue
		}
		l := ledger.New()
		res := l.Apply(&depot.Envelope{Seq: 1, Time: 1, Cmd: c, Validated: true})
		unsupported := res.Rejection != nil && strings.Contains(res.Rejection.Message, "unsupported command")
		if ledger.Handles(c) == unsupported {
			t.Errorf("%s: Handles %v, but Apply says unsupported %v", k, ledger.Handles(c), unsupported)
		}
	}
}

// TestShortOfStockMessages pins the text of the refusals people read most, which are built by
// concatenation on the hot path: the same text the format verbs gave (%q is strconv.Quote).
func TestShortOfStockMessages(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(h *harness)
		cmd   depot.Command
		want  string
	}{
		{name: "placed by policy", cmd: rsv("r-1", "web", ln("tee", "", 11)),
			want: `no location feeding "web" can fill 11 of "tee"`},
		{name: "at named locations", cmd: rsv("r-1", "web", ln("tee", "ams", 11), ln("mug", "ams", 1)),
			want: "1 of 2 positions lack stock"},
		{name: "channel buffer", setup: func(h *harness) {
			h.ok(&depot.DefineChannel{Tenant: tenant, Channel: "buf", Locations: []string{"ams"}, Default: depot.Buffer{Units: 4}})
		}, cmd: rsv("r-1", "buf", ln("tee", "ams", 7)),
			want: `channel "buf" may sell 6 of "tee" after its buffer, asked for 7`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := mustFixture(t)
			if tc.setup != nil {
				tc.setup(h)
			}
			res := h.apply(tc.cmd)
			if res.OK() || res.Rejection.Message != tc.want {
				t.Fatalf("got %+v, want the message %q", res.Rejection, tc.want)
			}
		})
	}
}
