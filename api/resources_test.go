package api_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/depothq/depot/api"
	"github.com/depothq/depot/api/client"
)

func TestCatalogue(t *testing.T) {
	b := newBundle(t)
	c := b.admin
	seed(t, c)

	sku := must[*api.SKU](t)(c.GetSKU(ctx, "bundle"))
	if sku.SKU != "bundle" || sku.Name != "Tee and mug" || len(sku.Components) != 2 || sku.Components[1] != (api.Component{SKU: "mug", Qty: 2}) {
		t.Fatalf("kit read back as %+v", sku)
	}
	tee := must[*api.SKU](t)(c.GetSKU(ctx, "tee"))
	if tee.WeightGrams != 200 || tee.PriceMinor != 1500 || tee.Components != nil {
		t.Fatalf("tee read back as %+v", tee)
	}
	loc := must[*api.Location](t)(c.GetLocation(ctx, "wh1"))
	if loc.Type != "warehouse" || loc.Status != "open" || loc.LatE6 != 52_520_000 {
		t.Fatalf("location read back as %+v", loc)
	}
	// PUT replaces the whole definition.
	res := must[*api.Result](t)(c.PutLocation(ctx, "wh1", api.LocationSpec{Type: "dark_store", Status: "paused", ServiceRadiusM: 3000, Groups: []string{"berlin"}}))
	if res.Seq == 0 || len(res.Events) != 1 || res.Events[0].Kind != "location_defined" || res.Events[0].Location != "wh1" {
		t.Fatalf("put location answered %+v", res)
	}
	loc = must[*api.Location](t)(c.GetLocation(ctx, "wh1"))
	if loc.Type != "dark_store" || loc.Status != "paused" || loc.Name != "" || !slices.Equal(loc.Groups, []string{"berlin"}) {
		t.Fatalf("replaced location read back as %+v", loc)
	}
	ok(t, errOf(c.PutChannel(ctx, "web", api.ChannelSpec{Locations: []string{"st1"}, Buffer: api.Buffer{Percent: 10}, SKUBuffers: []api.SKUBuffer{{SKU: "mug", Buffer: api.Buffer{Cap: 5}}}})))
	ch := must[*api.Channel](t)(c.GetChannel(ctx, "web"))
	if !slices.Equal(ch.Locations, []string{"st1"}) || ch.Buffer.Percent != 10 || len(ch.SKUBuffers) != 1 || ch.SKUBuffers[0].Buffer.Cap != 5 {
		t.Fatalf("channel read back as %+v", ch)
	}

	for _, err := range []error{
		errOf(c.GetSKU(ctx, "nope")), errOf(c.GetLocation(ctx, "nope")), errOf(c.GetChannel(ctx, "nope")),
	} {
		wantCode(t, err, api.CodeNotFound)
	}
	// Enums are strings; a wrong one names the field.
	e := wantCode(t, errOf(c.PutLocation(ctx, "x", api.LocationSpec{Type: "castle"})), "invalid_argument")
	if e.Field() != "type" {
		t.Fatalf("field %q, want type", e.Field())
	}
	e = wantCode(t, errOf(c.PutSKU(ctx, "kit2", api.SKUSpec{Components: []api.Component{{SKU: "ghost", Qty: 1}}})), "unknown_sku")
	if e.Field() != "components.sku" {
		t.Fatalf("field %q, want components.sku", e.Field())
	}
}

func TestStock(t *testing.T) {
	b := newBundle(t)
	c := b.admin
	seed(t, c)

	ok(t, errOf(c.ExpectInbound(ctx, api.Inbound{ID: "po-1", SKU: "tee", Location: "st1", Qty: 30, ETA: 1})))
	ok(t, errOf(c.Receive(ctx, api.Receipt{ID: "rc-po-1", SKU: "tee", Location: "st1", Qty: 20, Inbound: "po-1"})))
	ok(t, errOf(c.Adjust(ctx, api.Adjustment{ID: "adj-1", SKU: "tee", Location: "wh1", Delta: -5, Reason: "damaged"})))
	ok(t, errOf(c.Count(ctx, api.Count{ID: "cnt-1", SKU: "mug", Location: "wh1", OnHand: 48})))
	ok(t, errOf(c.Hold(ctx, api.Hold{ID: "hold-1", SKU: "tee", Location: "wh1", Delta: 3, Reason: "qa"})))

	pos := must[*api.Position](t)(c.Position(ctx, "tee", "wh1"))
	if want := (api.Position{SKU: "tee", Location: "wh1", OnHand: 95, Held: 3, ATP: 92}); *pos != want {
		t.Fatalf("position %+v, want %+v", *pos, want)
	}
	inv := must[*api.Inventory](t)(c.Inventory(ctx, "tee"))
	if len(inv.Positions) != 2 || inv.Positions[0].Location != "st1" || inv.Positions[0].Inbound != 10 || inv.OnHand != 115 || inv.ATP != 112 {
		t.Fatalf("inventory %+v", inv)
	}
	empty := must[*api.Inventory](t)(c.Inventory(ctx, "bundle"))
	if len(empty.Positions) != 0 {
		t.Fatalf("a kit has no positions, got %+v", empty)
	}
	av := must[*api.Availability](t)(c.Availability(ctx, "web", "tee"))
	if av.ATP != 111 { // 92 + 20 - 1 unit buffer
		t.Fatalf("availability %+v, want 111", av)
	}
	kit := must[*api.Availability](t)(c.Availability(ctx, "web", "bundle"))
	if kit.ATP <= 0 {
		t.Fatalf("kit availability %+v", kit)
	}
	wantCode(t, errOf(c.Inventory(ctx, "nope")), api.CodeNotFound)
	wantCode(t, errOf(c.Position(ctx, "tee", "nope")), api.CodeNotFound)
	wantCode(t, errOf(c.Availability(ctx, "nope", "tee")), api.CodeNotFound)
	wantCode(t, errOf(c.Availability(ctx, "web", "nope")), api.CodeNotFound)

	// The engine's idempotency on command ids: the same receipt again is a replay, applied once.
	again := must[*api.Result](t)(c.Receive(ctx, api.Receipt{ID: "rc-tee", SKU: "tee", Location: "wh1", Qty: 100}))
	if !again.Replayed || len(again.Events) != 0 {
		t.Fatalf("repeated receipt answered %+v, want a replay", again)
	}
	wantCode(t, errOf(c.Receive(ctx, api.Receipt{ID: "rc-tee", SKU: "tee", Location: "wh1", Qty: 7})), "duplicate")

	// A return, restocked.
	ok(t, errOf(c.Return(ctx, api.Return{ID: "ret-1", SKU: "mug", Location: "wh1", Qty: 2, Restock: true, Reason: "changed mind"})))
	if p := must[*api.Position](t)(c.Position(ctx, "mug", "wh1")); p.OnHand != 50 {
		t.Fatalf("mug on hand %d after return, want 50", p.OnHand)
	}
	st := must[*api.Stats](t)(c.Stats(ctx))
	if st.Tenant.SKUs != 3 || st.Tenant.Locations != 2 || st.Tenant.Channels != 1 || st.DurableSeq == 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestReservations(t *testing.T) {
	b := newBundle(t)
	c := b.admin
	seed(t, c)

	res := must[*api.Result](t)(c.Reserve(ctx, api.ReservationRequest{ID: "r1", Channel: "web", TTLNs: int64(time.Minute), Lines: []api.ReserveLine{{SKU: "tee", Qty: 2}, {SKU: "bundle", Qty: 1}}}))
	if len(res.Events) == 0 || res.Events[0].Kind != "reserved" {
		t.Fatalf("reserve answered %+v", res)
	}
	r := must[*api.Reservation](t)(c.Reservation(ctx, "r1"))
	units := int64(0)
	for _, l := range r.Lines {
		units += l.Qty
	}
	if r.Status != "active" || r.Channel != "web" || units != 5 { // 2 tees, and the kit as 1 tee and 2 mugs
		t.Fatalf("reservation %+v", r)
	}
	ok(t, errOf(c.Extend(ctx, "r1", 2*time.Minute)))
	if r2 := must[*api.Reservation](t)(c.Reservation(ctx, "r1")); r2.ExpiresAt <= r.ExpiresAt {
		t.Fatalf("extend did not move the expiry: %d then %d", r.ExpiresAt, r2.ExpiresAt)
	}
	ok(t, errOf(c.Commit(ctx, "r1", "order-1")))
	if r := must[*api.Reservation](t)(c.Reservation(ctx, "r1")); r.Status != "committed" || r.Order != "order-1" {
		t.Fatalf("committed reservation %+v", r)
	}
	wantCode(t, errOf(c.Commit(ctx, "r1", "order-2")), "invalid_state")
	ok(t, errOf(c.Ship(ctx, api.Shipment{ID: "sh-1", Order: "order-1"})))
	if p := must[*api.Position](t)(c.Position(ctx, "tee", "wh1")); p.OnHand != 97 || p.Allocated != 0 {
		t.Fatalf("tee after shipping %+v", p)
	}
	wantCode(t, errOf(c.Ship(ctx, api.Shipment{ID: "sh-2", Order: "order-9"})), "unknown_order")

	// Release, twice: the second is a replay.
	ok(t, errOf(c.Reserve(ctx, api.ReservationRequest{ID: "r2", Channel: "web", Lines: []api.ReserveLine{{SKU: "mug", Qty: 1}}})))
	ok(t, errOf(c.Release(ctx, "r2")))
	if rel := must[*api.Result](t)(c.Release(ctx, "r2")); !rel.Replayed {
		t.Fatalf("second release %+v, want a replay", rel)
	}
	wantCode(t, errOf(c.Extend(ctx, "r2", time.Minute)), "invalid_state")
	wantCode(t, errOf(c.Release(ctx, "ghost")), "unknown_reservation")
	wantCode(t, errOf(c.Reservation(ctx, "ghost")), api.CodeNotFound)

	// All or nothing, with the shortfall.
	e := wantCode(t, errOf(c.Reserve(ctx, api.ReservationRequest{ID: "r3", Channel: "web", Lines: []api.ReserveLine{{SKU: "tee", Qty: 1}, {SKU: "mug", Qty: 1000}}})), "insufficient_stock")
	if len(e.Problem.Shortfalls) != 1 || e.Problem.Shortfalls[0].SKU != "mug" || e.Problem.Shortfalls[0].Requested != 1000 {
		t.Fatalf("shortfalls %+v", e.Problem.Shortfalls)
	}

	// Expiry is decided by the sequencer's clock, which the test moves.
	ok(t, errOf(c.Reserve(ctx, api.ReservationRequest{ID: "r4", Channel: "web", TTLNs: int64(time.Second), Lines: []api.ReserveLine{{SKU: "mug", Qty: 1}}})))
	b.clock.advance(2 * time.Second)
	wantCode(t, errOf(c.Commit(ctx, "r4", "order-4")), "expired")
}

func TestBatch(t *testing.T) {
	b := newBundle(t)
	c := b.admin
	cmds := []api.Command{
		&api.SKU{SKU: "tee", SKUSpec: api.SKUSpec{Name: "T"}},
		&api.Location{Location: "wh1", LocationSpec: api.LocationSpec{Type: "warehouse"}},
		&api.Channel{Channel: "web", ChannelSpec: api.ChannelSpec{Locations: []string{"wh1"}}},
		&api.Receipt{ID: "rc1", SKU: "tee", Location: "wh1", Qty: 10},
		&api.Inbound{ID: "po1", SKU: "tee", Location: "wh1", Qty: 5},
		&api.Adjustment{ID: "a1", SKU: "tee", Location: "wh1", Delta: 1},
		&api.Count{ID: "c1", SKU: "tee", Location: "wh1", OnHand: 12},
		&api.Hold{ID: "h1", SKU: "tee", Location: "wh1", Delta: 1},
		&api.ReservationRequest{ID: "r1", Channel: "web", Lines: []api.ReserveLine{{SKU: "tee", Qty: 2}}},
		&api.Extend{ID: "r1", TTLNs: int64(time.Hour)},
		&api.Commit{ID: "r1", Order: "o1"},
		&api.Shipment{ID: "s1", Order: "o1"},
		&api.Return{ID: "ret1", SKU: "tee", Location: "wh1", Qty: 1},
		&api.ReservationRequest{ID: "r2", Channel: "web", Lines: []api.ReserveLine{{SKU: "tee", Qty: 1}}},
		&api.Release{ID: "r2"},
		&api.Receipt{ID: "bad", SKU: "tee", Location: "wh1", Qty: -1},                // rejected by validation
		&api.Location{Location: "x", LocationSpec: api.LocationSpec{Type: "castle"}}, // rejected by the API
		&api.ReservationRequest{ID: "r3", Channel: "web", Lines: []api.ReserveLine{{SKU: "tee", Qty: 999}}},
	}
	resp := must[*api.BatchResponse](t)(c.Batch(ctx, cmds))
	if len(resp.Results) != len(cmds) || resp.Accepted != 15 || resp.Rejected != 3 {
		t.Fatalf("batch answered %d results, %d accepted, %d rejected: %+v", len(resp.Results), resp.Accepted, resp.Rejected, resp)
	}
	for i, want := range []string{15: "invalid_quantity", 16: "invalid_argument", 17: "insufficient_stock"} {
		item := resp.Results[i]
		if want == "" {
			if !item.OK || item.Seq == 0 || item.Problem != nil {
				t.Fatalf("command %d (%s) answered %+v", i, cmds[i].CommandKind(), item)
			}
			continue
		}
		if item.OK || item.Problem == nil || item.Problem.Code != want || item.Problem.Status != api.StatusOf(want) {
			t.Fatalf("command %d answered %+v, want %s", i, item, want)
		}
	}
	// Without events.
	lean := must[*api.BatchResponse](t)(c.Batch(ctx, []api.Command{&api.Receipt{ID: "rc2", SKU: "tee", Location: "wh1", Qty: 1}}, client.WithoutEvents()))
	if !lean.Results[0].OK || lean.Results[0].Events != nil {
		t.Fatalf("events=false answered %+v", lean.Results[0])
	}
	// The bounds: empty, and one over the limit.
	wantCode(t, errOf(c.Batch(ctx, nil)), "invalid_argument")
	many := make([]api.Command, api.MaxBatchCommands+1)
	for i := range many {
		many[i] = &api.Release{ID: "x"}
	}
	wantCode(t, errOf(c.Batch(ctx, many)), "limit_exceeded")
	// Unknown and missing kinds.
	s := b.key("acme", api.ScopeWrite)
	st, h, body := b.raw("POST", "/v1/batch", s, "application/json", []byte(`{"commands":[{"kind":"teleport","id":"x"}]}`))
	if p := problemOf(t, h, body); st != http.StatusBadRequest || p.Code != api.CodeMalformedJSON || p.Field != "commands[0].kind" {
		t.Fatalf("unknown kind answered %d %+v", st, p)
	}
	st, h, body = b.raw("POST", "/v1/batch", s, "application/json", []byte(`{"commands":[{"id":"x"}]}`))
	if p := problemOf(t, h, body); st != http.StatusUnprocessableEntity || p.Field != "commands[0].kind" {
		t.Fatalf("missing kind answered %d %+v", st, p)
	}
	st, h, body = b.raw("POST", "/v1/batch", s, "application/json", []byte(`{"commands":[{"kind":"receive","id":"x","sku":"tee","location":"wh1","qty":1,"color":"red"}]}`))
	if p := problemOf(t, h, body); st != http.StatusBadRequest || p.Field != "commands[0].color" {
		t.Fatalf("unknown field in a batch command answered %d %+v", st, p)
	}
}
