package api_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/depothq/depot/api"
	"github.com/depothq/depot/api/client"
)

// seedOrders adds order orchestration to seed's business: a carrier running every day and the
// web channel's routing.
func seedOrders(t testing.TB, c *client.Client) {
	t.Helper()
	seed(t, c)
	ok(t, errOf(c.PutCarrier(ctx, "dhl", api.CarrierSpec{Services: []api.CarrierService{{
		Service: "paket", DistanceUpToM: []int64{50_000, 1_000_000}, WeightUpToG: []int64{2_000, 20_000},
		PricesMinor: []int64{450, 650, 550, 750}, TransitMinMinutes: 24 * 60, TransitMaxMinutes: 48 * 60, CutoffMinute: 16 * 60,
		Cutoffs: []api.CarrierCutoff{{Location: "wh1", Minute: 17 * 60}},
		Days:    []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"},
	}}})))
	ok(t, errOf(c.PutRouting(ctx, "web", api.RoutingSpec{Rules: []api.RoutingRule{{Kind: "cheapest"}}, AllowSplitLines: true, SplitPenaltyMinor: 500})))
}

// base is the bundle's clock at start: orders are placed before it.
var base = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()

func webOrder(ext string, placedHoursAgo int64, lines ...api.OrderLine) api.OrderRequest {
	return api.OrderRequest{Channel: "web", ExternalID: ext, Lines: lines, ShipToLatE6: 52_510_000, ShipToLonE6: 13_400_000,
		PostalCode: "10117", Country: "DE", Level: "standard", PlacedAt: base - placedHoursAgo*int64(time.Hour),
		Attributes: []api.Attribute{{Key: "gift", Value: "yes\nwrap it"}}}
}

// visible is what the tenant can read of its orders and stock, for checks across commands the
// engine sequences and then refuses (they advance its sequence, so the hash moves).
func visible(t testing.TB, c *client.Client) string {
	t.Helper()
	all := must[[]api.Order](t)(c.AllOrders(ctx, client.OrderQuery{Limit: api.MaxOrderPageSize}))
	var shs []api.OrderShipment
	for _, o := range all {
		for _, sh := range o.Shipments {
			shs = append(shs, *must[*api.OrderShipment](t)(c.Shipment(ctx, sh.ID)))
		}
	}
	tee := must[*api.Inventory](t)(c.Inventory(ctx, "tee"))
	mug := must[*api.Inventory](t)(c.Inventory(ctx, "mug"))
	data, err := json.Marshal([]any{all, shs, tee, mug})
	ok(t, err)
	return string(data)
}

func kinds(evs []api.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Kind)
	}
	return out
}

func ids(os []api.Order) []string {
	var out []string
	for _, o := range os {
		out = append(out, o.ID)
	}
	return out
}

// TestOrderLifecycle: create -> get -> list (pages, filters) -> advance through every step ->
// tracking -> cancel, through the client against a real server.
func TestOrderLifecycle(t *testing.T) {
	b := newBundle(t)
	c := b.admin
	seedOrders(t, c)

	// Five web orders placed an hour apart, then one that must wait for mugs.
	var created []string
	for i := range 5 {
		ext := "web-" + string(rune('a'+i))
		res := must[*api.OrderCreated](t)(c.CreateOrder(ctx, webOrder(ext, int64(10-i), api.OrderLine{SKU: "tee", Qty: 2, UnitPriceMinor: 1500})))
		if res.Order == "" || res.Replayed || res.Seq == 0 {
			t.Fatalf("create answered %+v", res)
		}
		if k := kinds(res.Events); !slices.Contains(k, "order_received") || !slices.Contains(k, "allocated") || !slices.Contains(k, "shipment_planned") {
			t.Fatalf("create events %v", k)
		}
		created = append(created, res.Order)
	}
	back := must[*api.OrderCreated](t)(c.CreateOrder(ctx, webOrder("web-back", 1, api.OrderLine{SKU: "mug", Qty: 500})))
	if !slices.Contains(kinds(back.Events), "backordered") {
		t.Fatalf("a short order's events %v, want backordered", kinds(back.Events))
	}
	created = append(created, back.Order)

	// Get.
	o := must[*api.Order](t)(c.Order(ctx, created[0]))
	if o.Status != "allocated" || o.Channel != "web" || o.ExternalID != "web-a" || len(o.Lines) != 1 || o.Lines[0].Allocated != 2 ||
		len(o.Shipments) != 1 || o.Shipments[0].Carrier != "dhl" || o.Shipments[0].Location != "wh1" || o.Shipments[0].Order != o.ID {
		t.Fatalf("order %+v", o)
	}
	if len(o.Attributes) != 1 || o.Attributes[0].Value != "yes\nwrap it" {
		t.Fatalf("attributes %+v", o.Attributes)
	}
	if bo := must[*api.Order](t)(c.Order(ctx, back.Order)); bo.Status != "backordered" || bo.Lines[0].Waiting != 500 {
		t.Fatalf("backordered order %+v", bo)
	}

	// List: several pages of two, in creation order, then filters.
	var pages int
	var listed []string
	q := client.OrderQuery{Limit: 2}
	for {
		page := must[*api.OrderList](t)(c.Orders(ctx, q))
		pages++
		if len(page.Orders) > 2 {
			t.Fatalf("page of %d with limit 2", len(page.Orders))
		}
		listed = append(listed, ids(page.Orders)...)
		if page.Next == "" {
			break
		}
		q.After = page.Next
	}
	if !slices.Equal(listed, created) || pages != 3 {
		t.Fatalf("listed %v in %d pages, want %v in 3", listed, pages, created)
	}
	all := must[[]api.Order](t)(c.AllOrders(ctx, client.OrderQuery{Limit: 4}))
	if !slices.Equal(ids(all), created) {
		t.Fatalf("AllOrders %v", ids(all))
	}
	for name, tc := range map[string]struct {
		q    client.OrderQuery
		want []string
	}{
		"backordered": {client.OrderQuery{Status: "backordered"}, created[5:]},
		"allocated":   {client.OrderQuery{Status: "allocated", Limit: 500}, created[:5]},
		"channel":     {client.OrderQuery{Channel: "web"}, created},
		"no channel":  {client.OrderQuery{Channel: "store"}, nil},
		"placed":      {client.OrderQuery{PlacedFrom: base - 9*int64(time.Hour), PlacedTo: base - 6*int64(time.Hour)}, created[1:4]},
		"after last":  {client.OrderQuery{After: created[5]}, nil},
	} {
		got := must[[]api.Order](t)(c.AllOrders(ctx, tc.q))
		if !slices.Equal(ids(got), tc.want) {
			t.Errorf("%s: listed %v, want %v", name, ids(got), tc.want)
		}
	}
	for name, q := range map[string]client.OrderQuery{
		"status": {Status: "lost"}, "cursor": {After: "x-1"}, "limit": {Limit: api.MaxOrderPageSize + 1}, "negative": {Limit: -1},
	} {
		wantCodeNamed(t, name, errOf(c.Orders(ctx, q)), "invalid_argument")
	}

	// Advance the first order's shipment through every step; a step out of order is 409.
	sh := o.Shipments[0].ID
	before := must[*api.Position](t)(c.Position(ctx, "tee", "wh1"))
	for _, step := range []string{"release", "pick"} {
		ok(t, errOf(c.AdvanceShipment(ctx, sh, step, "")))
	}
	v := visible(t, c)
	wantCode(t, errOf(c.AdvanceShipment(ctx, sh, "release", "")), "invalid_state")
	wantCode(t, errOf(c.AdvanceShipment(ctx, sh, "deliver", "")), "invalid_state")
	wantCode(t, errOf(c.AdvanceShipment(ctx, sh, "fly", "")), "invalid_argument")
	wantCode(t, errOf(c.TrackShipment(ctx, sh, "in_transit", base)), "invalid_state")
	if visible(t, c) != v {
		t.Fatal("refused transitions changed the state")
	}
	if again := must[*api.Result](t)(c.AdvanceShipment(ctx, sh, "pick", "")); !again.Replayed {
		t.Fatalf("repeating a step answered %+v, want replayed", again)
	}
	ok(t, errOf(c.AdvanceShipment(ctx, sh, "pack", "")))
	shipped := must[*api.Result](t)(c.AdvanceShipment(ctx, sh, "ship", "TRK-1"))
	if !slices.Contains(kinds(shipped.Events), "shipment_shipped") {
		t.Fatalf("ship events %v", kinds(shipped.Events))
	}
	after := must[*api.Position](t)(c.Position(ctx, "tee", "wh1"))
	if after.OnHand != before.OnHand-2 || after.Allocated != before.Allocated-2 {
		t.Fatalf("shipping 2 moved the position from %+v to %+v", before, after)
	}
	got := must[*api.OrderShipment](t)(c.Shipment(ctx, sh))
	if got.Status != "shipped" || got.Tracking != "TRK-1" || got.ShippedAt == 0 || got.TrackingStatus != "" {
		t.Fatalf("shipment %+v", got)
	}

	// Tracking: in transit, then delivered; the order completes.
	ok(t, errOf(c.TrackShipment(ctx, sh, "in_transit", base+int64(time.Hour))))
	if got := must[*api.OrderShipment](t)(c.Shipment(ctx, sh)); got.TrackingStatus != "in_transit" || got.TrackingAt != base+int64(time.Hour) {
		t.Fatalf("after in_transit: %+v", got)
	}
	wantCode(t, errOf(c.TrackShipment(ctx, sh, "teleported", base+2*int64(time.Hour))), "invalid_argument")
	del := must[*api.Result](t)(c.TrackShipment(ctx, sh, "delivered", base+3*int64(time.Hour)))
	if !slices.Contains(kinds(del.Events), "shipment_delivered") || !slices.Contains(kinds(del.Events), "order_completed") {
		t.Fatalf("delivered events %v", kinds(del.Events))
	}
	if o := must[*api.Order](t)(c.Order(ctx, created[0])); o.Status != "completed" || o.FinishedAt == 0 || o.Lines[0].Shipped != 2 {
		t.Fatalf("delivered order %+v", o)
	}
	if got := must[[]api.Order](t)(c.AllOrders(ctx, client.OrderQuery{Status: "completed"})); !slices.Equal(ids(got), created[:1]) {
		t.Fatalf("completed orders %v", ids(got))
	}

	// Cancel one unit of the second order, then the whole third; what was held comes back.
	pos := must[*api.Position](t)(c.Position(ctx, "tee", "wh1"))
	ok(t, errOf(c.CancelOrder(ctx, created[1], api.CancelBody{Lines: []api.CancelLine{{SKU: "tee", Qty: 1}}, Reason: "customer"})))
	if o := must[*api.Order](t)(c.Order(ctx, created[1])); o.Lines[0].Cancelled != 1 || o.Lines[0].Allocated != 1 || o.Status == "cancelled" {
		t.Fatalf("partly cancelled order %+v", o)
	}
	res := must[*api.Result](t)(c.CancelOrder(ctx, created[2], api.CancelBody{}))
	if !slices.Contains(kinds(res.Events), "order_cancelled") {
		t.Fatalf("cancel events %v", kinds(res.Events))
	}
	if o := must[*api.Order](t)(c.Order(ctx, created[2])); o.Status != "cancelled" {
		t.Fatalf("cancelled order %+v", o)
	}
	if p := must[*api.Position](t)(c.Position(ctx, "tee", "wh1")); p.Allocated != pos.Allocated-3 || p.OnHand != pos.OnHand {
		t.Fatalf("cancelling 3 units moved the position from %+v to %+v", pos, p)
	}
	v = visible(t, c)
	h := b.hash()
	wantCode(t, errOf(c.Order(ctx, "o-999999")), api.CodeNotFound)
	wantCode(t, errOf(c.Shipment(ctx, "o-999999-1")), api.CodeNotFound)
	wantCode(t, errOf(c.Shipment(ctx, created[1]+"-+1")), api.CodeNotFound)
	if b.hash() != h {
		t.Fatal("reads changed the state")
	}
	wantCode(t, errOf(c.CancelOrder(ctx, created[1], api.CancelBody{Lines: []api.CancelLine{{SKU: "tee", Qty: 5}}})), "invalid_state")
	wantCode(t, errOf(c.CancelOrder(ctx, "o-999999", api.CancelBody{})), "unknown_order")
	if visible(t, c) != v {
		t.Fatal("refused cancellations changed the state")
	}
}

// TestCreateOrderIdempotent: a repeat of (channel, external id) answers the original id as
// replayed; other content under the id is a duplicate; an Idempotency-Key retry gets the first
// answer; the answer is 201.
func TestCreateOrderIdempotent(t *testing.T) {
	b := newBundle(t)
	c := b.admin
	seedOrders(t, c)
	req := webOrder("ext-1", 1, api.OrderLine{SKU: "tee", Qty: 1})
	first := must[*api.OrderCreated](t)(c.CreateOrder(ctx, req))
	v := visible(t, c)
	again := must[*api.OrderCreated](t)(c.CreateOrder(ctx, req))
	if again.Order != first.Order || !again.Replayed || len(again.Events) != 0 {
		t.Fatalf("repeat answered %+v, first %+v", again, first)
	}
	other := req
	other.Lines = []api.OrderLine{{SKU: "tee", Qty: 3}}
	wantCode(t, errOf(c.CreateOrder(ctx, other)), "duplicate")
	if visible(t, c) != v {
		t.Fatal("a repeated or duplicate order changed the state")
	}
	if n := len(must[[]api.Order](t)(c.AllOrders(ctx, client.OrderQuery{}))); n != 1 {
		t.Fatalf("%d orders after repeats", n)
	}

	k1 := must[*api.OrderCreated](t)(c.CreateOrder(ctx, webOrder("ext-2", 1, api.OrderLine{SKU: "tee", Qty: 1}), client.WithIdempotencyKey("k-2")))
	k2 := must[*api.OrderCreated](t)(c.CreateOrder(ctx, webOrder("ext-2", 1, api.OrderLine{SKU: "tee", Qty: 1}), client.WithIdempotencyKey("k-2")))
	if k1.Order != k2.Order || k1.Seq != k2.Seq || k2.Replayed || len(k2.Events) != len(k1.Events) {
		t.Fatalf("idempotency-key retry answered %+v, first %+v", k2, k1)
	}
	wantCode(t, errOf(c.CreateOrder(ctx, webOrder("ext-3", 1, api.OrderLine{SKU: "tee", Qty: 1}), client.WithIdempotencyKey("k-2"))), api.CodeIdempotencyKeyReused)

	secret := b.key("acme", api.ScopeWrite)
	st, hdr, body := b.raw("POST", "/v1/orders", secret, "application/json",
		[]byte(`{"channel":"web","external_id":"ext-raw","lines":[{"sku":"tee","qty":1}],"ship_to_lat_e6":52500000,"ship_to_lon_e6":13400000}`))
	if st != 201 || hdr.Get("Content-Type") != "application/json" || !strings.Contains(string(body), `"order":"o-`) {
		t.Fatalf("create answered %d %s", st, body)
	}
	// A read key may read orders but not create them.
	rc := b.client("acme", api.ScopeRead)
	ok(t, errOf(rc.Order(ctx, first.Order)))
	wantCode(t, errOf(rc.CreateOrder(ctx, webOrder("ext-4", 1, api.OrderLine{SKU: "tee", Qty: 1}))), api.CodeForbidden)
}

// TestOrdersTenantIsolation: another tenant sees none of acme's orders and shipments and cannot
// touch them.
func TestOrdersTenantIsolation(t *testing.T) {
	b := newBundle(t)
	a := b.admin
	seedOrders(t, a)
	o := must[*api.OrderCreated](t)(a.CreateOrder(ctx, webOrder("ext-1", 1, api.OrderLine{SKU: "tee", Qty: 1})))
	sh := o.Order + "-1"
	ok(t, errOf(a.Shipment(ctx, sh)))
	v := visible(t, a)

	g := b.client("globex", api.ScopeAdmin)
	wantCodeNamed(t, "order", errOf(g.Order(ctx, o.Order)), api.CodeNotFound)
	wantCodeNamed(t, "shipment", errOf(g.Shipment(ctx, sh)), api.CodeNotFound)
	wantCodeNamed(t, "cancel", errOf(g.CancelOrder(ctx, o.Order, api.CancelBody{})), "unknown_order")
	wantCodeNamed(t, "advance", errOf(g.AdvanceShipment(ctx, sh, "release", "")), "unknown_order")
	wantCodeNamed(t, "track", errOf(g.TrackShipment(ctx, sh, "delivered", base)), "unknown_order")
	if l := must[*api.OrderList](t)(g.Orders(ctx, client.OrderQuery{})); len(l.Orders) != 0 || l.Next != "" {
		t.Fatalf("globex lists %+v", l)
	}
	if visible(t, a) != v {
		t.Fatal("globex's refused commands changed acme's state")
	}
	// globex's order with acme's external id is globex's own, a new order.
	seedOrders(t, g)
	mine := must[*api.OrderCreated](t)(g.CreateOrder(ctx, webOrder("ext-1", 1, api.OrderLine{SKU: "tee", Qty: 1})))
	if mine.Replayed {
		t.Fatalf("globex's order was taken for acme's: %+v", mine)
	}
	if got := must[*api.Order](t)(a.Order(ctx, o.Order)); got.Status != "allocated" {
		t.Fatalf("acme's order after globex's writes: %+v", got)
	}
}

// TestOrderBatch: every order command kind goes through the batch endpoint, and create_order's
// result carries the order id.
func TestOrderBatch(t *testing.T) {
	b := newBundle(t)
	c := b.admin
	seed(t, c)
	req := webOrder("b-1", 1, api.OrderLine{SKU: "tee", Qty: 2})
	res := must[*api.BatchResponse](t)(c.Batch(ctx, []api.Command{
		&api.Carrier{Carrier: "dhl", CarrierSpec: api.CarrierSpec{Services: []api.CarrierService{{Service: "paket",
			DistanceUpToM: []int64{1_000_000}, WeightUpToG: []int64{20_000}, PricesMinor: []int64{500}, TransitMaxMinutes: 2880,
			CutoffMinute: 960, Days: []string{"mon", "tue", "wed", "thu", "fri"}}}}},
		&api.Routing{Channel: "web", RoutingSpec: api.RoutingSpec{Rules: []api.RoutingRule{{Kind: "closest"}, {Kind: "exclude_group", Group: "closed"}}}},
		&req,
		&api.ShipmentAdvance{Shipment: "o-X-1", AdvanceBody: api.AdvanceBody{Step: "release"}},
		&api.Routing{Channel: "web", RoutingSpec: api.RoutingSpec{Rules: []api.RoutingRule{{Kind: "sideways"}}}},
	}))
	if res.Accepted != 3 || res.Rejected != 2 {
		t.Fatalf("batch %+v", res)
	}
	id := res.Results[2].Ref
	if !strings.HasPrefix(id, "o-") {
		t.Fatalf("create_order in a batch answered ref %q", id)
	}
	if p := res.Results[4].Problem; p == nil || p.Code != "invalid_argument" || p.Field != "rules[0].kind" {
		t.Fatalf("bad rule answered %+v", p)
	}
	res = must[*api.BatchResponse](t)(c.Batch(ctx, []api.Command{
		&api.ShipmentAdvance{Shipment: id + "-1", AdvanceBody: api.AdvanceBody{Step: "release"}},
		&api.ShipmentAdvance{Shipment: id + "-1", AdvanceBody: api.AdvanceBody{Step: "pick"}},
		&api.ShipmentAdvance{Shipment: id + "-1", AdvanceBody: api.AdvanceBody{Step: "pack"}},
		&api.ShipmentAdvance{Shipment: id + "-1", AdvanceBody: api.AdvanceBody{Step: "ship", Tracking: "T1"}},
		&api.ShipmentTracking{Shipment: id + "-1", TrackingBody: api.TrackingBody{Status: "out_for_delivery", At: base}},
		&api.OrderCancel{Order: id, CancelBody: api.CancelBody{Reason: "too late"}},
	}))
	if res.Accepted != 5 || res.Results[5].Problem == nil || res.Results[5].Problem.Code != "invalid_state" {
		t.Fatalf("batch %+v", res)
	}
	if got := must[*api.OrderShipment](t)(c.Shipment(ctx, id+"-1")); got.TrackingStatus != "out_for_delivery" || got.Tracking != "T1" {
		t.Fatalf("shipment %+v", got)
	}
}

// TestOrderBadInput: malformed or invalid bodies of the new request types answer 4xx problems and
// never change the state.
func TestOrderBadInput(t *testing.T) {
	b := newBundle(t)
	seedOrders(t, b.admin)
	o := must[*api.OrderCreated](t)(b.admin.CreateOrder(ctx, webOrder("ext-1", 1, api.OrderLine{SKU: "tee", Qty: 1})))
	secret := b.key("acme", api.ScopeWrite)
	sh := "/v1/shipments/" + o.Order + "-1"
	h, v := b.hash(), visible(t, b.admin)
	// Every case is refused before the engine sequences it (so the hash stays), but for the
	// unknown_* ones, which the engine refuses in sequence: those must leave what is visible.
	for _, tc := range []struct {
		method, path, body string
		status             int
		code               string
	}{
		{"POST", "/v1/orders", `{`, 400, "malformed_json"},
		{"POST", "/v1/orders", `[]`, 400, "malformed_json"},
		{"POST", "/v1/orders", `{"channel":"web","external_id":"x","lines":[{"sku":"tee","qty":"1"}]}`, 400, "malformed_json"},
		{"POST", "/v1/orders", `{"channel":"web","external_id":"x","lines":[{"sku":"tee","qty":1}],"Channel":"web"}`, 400, "malformed_json"},
		{"POST", "/v1/orders", `{"channel":"web","external_id":"x","lines":[{"sku":"tee","qty":1}],"color":"red"}`, 400, "malformed_json"},
		{"POST", "/v1/orders", `{"channel":"web","channel":"web","external_id":"x","lines":[{"sku":"tee","qty":1}]}`, 400, "malformed_json"},
		{"POST", "/v1/orders", `{"channel":"web","external_id":"x","lines":[]}`, 422, "invalid_argument"},
		{"POST", "/v1/orders", `{"channel":"web","external_id":"x","lines":[{"sku":"tee","qty":1}],"level":"warp"}`, 422, "invalid_argument"},
		{"POST", "/v1/orders", `{"channel":"web","external_id":"x","lines":[{"sku":"tee","qty":0}]}`, 422, "invalid_quantity"},
		{"POST", "/v1/orders", `{"channel":"web","external_id":"x","lines":[{"sku":"tee","qty":1}],"ship_to_lat_e6":91000000}`, 422, "invalid_argument"},
		{"POST", "/v1/orders/" + o.Order + "/cancel", `{"lines":[{"sku":"tee","qty":-1}]}`, 422, "invalid_quantity"},
		{"POST", "/v1/orders/" + o.Order + "/cancel", `{"lines":{}}`, 400, "malformed_json"},
		{"POST", sh + "/advance", `{"step":"teleport"}`, 422, "invalid_argument"},
		{"POST", sh + "/advance", `{"step":"release","tracking":"T"}`, 422, "invalid_argument"},
		{"POST", sh + "/advance", `{"step":1}`, 400, "malformed_json"},
		{"POST", sh + "/tracking", `{"status":"delivered"}`, 422, "invalid_argument"},
		{"POST", sh + "/tracking", `{"status":"delivered","at":1.5}`, 400, "malformed_json"},
		{"PUT", "/v1/carriers/dhl", `{"services":[{"service":"s","distance_up_to_m":[1],"weight_up_to_g":[1],"prices_minor":[1],"transit_max_minutes":1,"cutoff_minute":1,"days":["someday"]}]}`, 422, "invalid_argument"},
		{"PUT", "/v1/carriers/dhl", `{"services":[{"service":"s","distance_up_to_m":[1],"weight_up_to_g":[1],"prices_minor":[1,2],"transit_max_minutes":1,"cutoff_minute":1,"days":["mon"]}]}`, 422, "invalid_argument"},
		{"PUT", "/v1/carriers/dhl", `{"services":[{"days":"mon"}]}`, 400, "malformed_json"},
		{"PUT", "/v1/carriers/dhl", `{"services":[{"service":"s","distance_up_to_m":[1],"weight_up_to_g":[1],"prices_minor":[1],"transit_max_minutes":1,"cutoff_minute":1,"pickup_every_minutes":3,"days":["mon"]}]}`, 422, "invalid_argument"},
		{"PUT", "/v1/carriers/dhl", `{"services":[{"service":"s","distance_up_to_m":[1],"weight_up_to_g":[1],"prices_minor":[1],"transit_max_minutes":1,"cutoff_minute":1,"pickup_from_minute":480,"days":["mon"]}]}`, 422, "invalid_argument"},
		{"PUT", "/v1/carriers/dhl", `{"services":[{"service":"s","distance_up_to_m":[1],"weight_up_to_g":[1],"prices_minor":[1],"transit_max_minutes":1,"cutoff_minute":1,"pickup_every_minutes":"15","days":["mon"]}]}`, 400, "malformed_json"},
		{"PUT", "/v1/channels/web/routing", `{"rules":[{"kind":"closest","group":"g"}]}`, 422, "invalid_argument"},
		{"PUT", "/v1/channels/web/routing", `{"rules":[{"kind":"best"}]}`, 422, "invalid_argument"},
		{"PUT", "/v1/channels/web/routing", `{"split_penalty_minor":-1}`, 422, "invalid_argument"},
		{"PUT", "/v1/channels/web/routing", `{"allow_split_lines":"yes"}`, 400, "malformed_json"},
		{"POST", "/v1/orders", `{"channel":"web","external_id":"x","lines":[{"sku":"tee","qty":1}],"backorder":"eventually"}`, 422, "invalid_argument"},
		{"POST", "/v1/orders", `{"channel":"web","external_id":"x","lines":[{"sku":"tee","qty":1}],"backorder":1}`, 400, "malformed_json"},
		{"POST", "/v1/orders", `{"channel":"web","external_id":"x","lines":[{"sku":"tee","qty":1}],"reservation":"` + strings.Repeat("r", 65) + `"}`, 422, "limit_exceeded"},
		{"POST", "/v1/orders/" + o.Order + "/exception", `{}`, 422, "invalid_argument"},
		{"POST", "/v1/orders/" + o.Order + "/exception", `{"code":"x","note":"` + strings.Repeat("n", 501) + `"}`, 422, "limit_exceeded"},
		{"POST", "/v1/orders/" + o.Order + "/exception", `{"code":"x","reason":"y"}`, 400, "malformed_json"},
		{"POST", "/v1/orders/" + o.Order + "/exception/resolve", `{"code":["x"]}`, 400, "malformed_json"},
		{"PUT", "/v1/carriers/dhl", `{"services":[],"codes":[{"code":"ZU","status":"gone"}]}`, 422, "invalid_argument"},
		{"PUT", "/v1/carriers/dhl", `{"services":[],"zones":[{"postal_prefix":"10","up_to_m":5,"zone":1}]}`, 422, "invalid_argument"},
		{"PUT", "/v1/carriers/dhl", `{"services":[{"service":"s","distance_up_to_m":[1],"zone_up_to":[1],"weight_up_to_g":[1],"prices_minor":[1],"transit_max_minutes":1,"cutoff_minute":1,"days":["mon"]}],"zones":[{"up_to_m":5,"zone":1}]}`, 422, "invalid_argument"},
	} {
		st, hdr, body := b.raw(tc.method, tc.path, secret, "application/json", []byte(tc.body))
		if st != tc.status {
			t.Errorf("%s %s %s: answered %d %s, want %d", tc.method, tc.path, tc.body, st, body, tc.status)
			continue
		}
		if p := problemOf(t, hdr, body); p.Code != tc.code {
			t.Errorf("%s %s %s: code %s, want %s", tc.method, tc.path, tc.body, p.Code, tc.code)
		}
	}
	if b.hash() != h {
		t.Fatal("bad input changed the state")
	}
	for body, code := range map[string]string{
		`{"channel":"nope","external_id":"x","lines":[{"sku":"tee","qty":1}]}`: "unknown_channel",
		`{"channel":"web","external_id":"x","lines":[{"sku":"nope","qty":1}]}`: "unknown_sku",
	} {
		st, hdr, data := b.raw("POST", "/v1/orders", secret, "application/json", []byte(body))
		if p := problemOf(t, hdr, data); st != 422 || p.Code != code {
			t.Errorf("%s answered %d %s, want 422 %s", body, st, data, code)
		}
	}
	if visible(t, b.admin) != v {
		t.Fatal("refused orders changed the state")
	}
}

// TestLocationOrderSettings: the order orchestration settings of a location round-trip through
// PUT and GET.
func TestLocationOrderSettings(t *testing.T) {
	b := newBundle(t)
	c := b.admin
	spec := api.LocationSpec{Type: "dark_store", LatE6: 1, LonE6: 2, ServiceRadiusM: 3000,
		UTCOffsetMinutes: 60, CutoffMinute: 17 * 60, RidersPerSlot: 4, RiderSlotMinutes: 10}
	ok(t, errOf(c.PutLocation(ctx, "ds1", spec)))
	got := must[*api.Location](t)(c.GetLocation(ctx, "ds1"))
	if got.UTCOffsetMinutes != 60 || got.CutoffMinute != 17*60 || got.RidersPerSlot != 4 || got.RiderSlotMinutes != 10 || got.Status != "open" {
		t.Fatalf("location %+v", got)
	}
}

// TestOrderPoliciesReservationsZonesCodesExceptions drives what orders gained through the
// client: a carrier priced by zone with its own tracking codes, a partial backorder, a checkout
// reservation consumed by an order, and an operator exception raised and resolved.
func TestOrderPoliciesReservationsZonesCodesExceptions(t *testing.T) {
	b := newBundle(t)
	c := b.admin
	seedOrders(t, c)
	ok(t, errOf(c.PutCarrier(ctx, "dpd", api.CarrierSpec{
		Services: []api.CarrierService{{Service: "zone", ZoneUpTo: []int64{1, 2}, WeightUpToG: []int64{20_000}, PricesMinor: []int64{300, 900},
			TransitMaxMinutes: 48 * 60, CutoffMinute: 16 * 60, Days: []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}}},
		Zones: []api.CarrierZone{{Origin: "wh1", Country: "DE", PostalPrefix: "101", Zone: 1}, {UpToM: 100_000, Zone: 2}},
		Codes: []api.CarrierCode{{Code: "ZU", Status: "delivered"}},
	})))
	wantCode(t, errOf(c.PutCarrier(ctx, "bad", api.CarrierSpec{Services: []api.CarrierService{{Service: "s", ZoneUpTo: []int64{1},
		WeightUpToG: []int64{1}, PricesMinor: []int64{1}, TransitMaxMinutes: 1, CutoffMinute: 1, Days: []string{"mon"}}}})), "invalid_argument")
	wantCode(t, errOf(c.PutCarrier(ctx, "bad", api.CarrierSpec{Codes: []api.CarrierCode{{Code: "x", Status: "teleported"}}})), "invalid_argument")

	// Zone 1 (postal 101.. from wh1) at 300 beats DHL's 450; the tracking code table maps ZU.
	z := must[*api.OrderCreated](t)(c.CreateOrder(ctx, webOrder("zoned", 1, api.OrderLine{SKU: "tee", Qty: 1})))
	o := must[*api.Order](t)(c.Order(ctx, z.Order))
	if sh := o.Shipments[0]; sh.Carrier != "dpd" || sh.PriceMinor != 300 || o.Backorder != "lines" {
		t.Fatalf("zoned order %+v", o)
	}
	sh := o.Shipments[0].ID
	for _, step := range []string{"release", "pick", "pack"} {
		ok(t, errOf(c.AdvanceShipment(ctx, sh, step, "")))
	}
	ok(t, errOf(c.AdvanceShipment(ctx, sh, "ship", "DPD-1")))
	ok(t, errOf(c.TrackShipment(ctx, sh, "zu", base+int64(time.Hour))))
	if got := must[*api.OrderShipment](t)(c.Shipment(ctx, sh)); got.Status != "delivered" || got.TrackingStatus != "delivered" {
		t.Fatalf("shipment after ZU %+v", got)
	}

	// Partial: 49 mugs are sellable (50 less the channel's 1-unit buffer); 60 ordered, 49 allocated, 11 wait.
	p := webOrder("partial", 1, api.OrderLine{SKU: "mug", Qty: 60})
	p.Backorder = "partial"
	pr := must[*api.OrderCreated](t)(c.CreateOrder(ctx, p))
	po := must[*api.Order](t)(c.Order(ctx, pr.Order))
	if po.Status != "backordered" || po.Backorder != "partial" || po.Lines[0].Allocated != 49 || po.Lines[0].Waiting != 11 {
		t.Fatalf("partial order %+v", po)
	}
	bad := webOrder("bad-policy", 1, api.OrderLine{SKU: "tee", Qty: 1})
	bad.Backorder = "whenever"
	wantCode(t, errOf(c.CreateOrder(ctx, bad)), "invalid_argument")

	// A checkout reservation becomes the order's allocation; it cannot be consumed twice.
	ok(t, errOf(c.Reserve(ctx, api.ReservationRequest{ID: "chk-1", Channel: "web", Lines: []api.ReserveLine{{SKU: "tee", Qty: 3}}})))
	r := webOrder("from-checkout", 1, api.OrderLine{SKU: "tee", Qty: 3})
	r.Reservation = "chk-1"
	rr := must[*api.OrderCreated](t)(c.CreateOrder(ctx, r))
	if k := kinds(rr.Events); !slices.Contains(k, "committed") || slices.Contains(k, "allocated") {
		t.Fatalf("checkout order events %v, want committed and no allocated", k)
	}
	ro := must[*api.Order](t)(c.Order(ctx, rr.Order))
	if ro.Reservation != "chk-1" || ro.Status != "allocated" || ro.Lines[0].Allocated != 3 {
		t.Fatalf("checkout order %+v", ro)
	}
	if res := must[*api.Reservation](t)(c.Reservation(ctx, "chk-1")); res.Status != "committed" || res.Order != rr.Order {
		t.Fatalf("reservation after the order %+v", res)
	}
	twice := webOrder("from-checkout-2", 1, api.OrderLine{SKU: "tee", Qty: 3})
	twice.Reservation = "chk-1"
	wantCode(t, errOf(c.CreateOrder(ctx, twice)), "invalid_state")
	twice.Reservation = "chk-none"
	wantCode(t, errOf(c.CreateOrder(ctx, twice)), "unknown_reservation")

	// An operator exception holds the order until it is resolved.
	ok(t, errOf(c.RaiseException(ctx, rr.Order, api.ExceptionBody{Code: "address_invalid", Note: "no such street"})))
	held := must[*api.Order](t)(c.Order(ctx, rr.Order))
	if held.Status != "exception" || held.Exception == nil || held.Exception.Code != "address_invalid" || held.Exception.Note != "no such street" {
		t.Fatalf("held order %+v", held)
	}
	wantCode(t, errOf(c.AdvanceShipment(ctx, held.Shipments[0].ID, "release", "")), "invalid_state")
	wantCode(t, errOf(c.RaiseException(ctx, rr.Order, api.ExceptionBody{Code: "fraud_review"})), "invalid_state")
	wantCode(t, errOf(c.RaiseException(ctx, rr.Order, api.ExceptionBody{})), "invalid_argument")
	wantCode(t, errOf(c.RaiseException(ctx, "o-999999", api.ExceptionBody{Code: "x"})), "unknown_order")
	res := must[*api.Result](t)(c.ResolveException(ctx, rr.Order, api.ExceptionBody{Code: "address_corrected"}))
	if k := kinds(res.Events); !slices.Equal(k, []string{"exception_resolved"}) {
		t.Fatalf("resolve events %v", k)
	}
	ok(t, errOf(c.AdvanceShipment(ctx, held.Shipments[0].ID, "release", "")))
	wantCode(t, errOf(c.ResolveException(ctx, rr.Order, api.ExceptionBody{Code: "again"})), "invalid_state")

	// A channel's default policy applies to its orders that name none; an order's own wins.
	wantCode(t, errOf(c.PutRouting(ctx, "web", api.RoutingSpec{Backorder: "sometimes"})), "invalid_argument")
	ok(t, errOf(c.PutRouting(ctx, "web", api.RoutingSpec{AllowSplitLines: true, Backorder: "partial"})))
	dp := must[*api.OrderCreated](t)(c.CreateOrder(ctx, webOrder("channel-default", 1, api.OrderLine{SKU: "mug", Qty: 5})))
	if o := must[*api.Order](t)(c.Order(ctx, dp.Order)); o.Backorder != "partial" {
		t.Fatalf("order of a partial channel %+v", o)
	}
	own := webOrder("own-policy", 1, api.OrderLine{SKU: "tee", Qty: 1})
	own.Backorder = "ship_complete"
	op := must[*api.OrderCreated](t)(c.CreateOrder(ctx, own))
	if o := must[*api.Order](t)(c.Order(ctx, op.Order)); o.Backorder != "ship_complete" {
		t.Fatalf("order naming its policy %+v", o)
	}
}
