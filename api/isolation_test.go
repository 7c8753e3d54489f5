package api_test

import (
	"testing"
	"time"

	"github.com/depothq/depot/api"
	"github.com/depothq/depot/api/client"
)

// TestTenantIsolation: tenant acme has a business; tenant globex, with an admin key, tries every
// resource by acme's ids and gets 404s, never data, and its own writes never touch acme's state.
func TestTenantIsolation(t *testing.T) {
	b := newBundle(t)
	a := b.admin
	seed(t, a)
	ok(t, errOf(a.Reserve(ctx, api.ReservationRequest{ID: "r1", Channel: "web", Lines: []api.ReserveLine{{SKU: "tee", Qty: 1}}})))
	ok(t, errOf(a.Reserve(ctx, api.ReservationRequest{ID: "r2", Channel: "web", Lines: []api.ReserveLine{{SKU: "tee", Qty: 1}}})))
	ok(t, errOf(a.Commit(ctx, "r2", "order-a")))
	hook := must[*api.Webhook](t)(a.CreateWebhook(ctx, api.WebhookSpec{URL: "http://127.0.0.1:1/never"}))
	key := must[*api.Key](t)(a.CreateKey(ctx, api.KeySpec{Scope: "read"}))
	before := must[*api.Inventory](t)(a.Inventory(ctx, "tee"))

	g := b.client("globex", api.ScopeAdmin)
	stream := must[*client.Stream](t)(g.Events(ctx, 0))
	defer stream.Close()

	for name, err := range map[string]error{
		"sku":          errOf(g.GetSKU(ctx, "tee")),
		"location":     errOf(g.GetLocation(ctx, "wh1")),
		"channel":      errOf(g.GetChannel(ctx, "web")),
		"inventory":    errOf(g.Inventory(ctx, "tee")),
		"position":     errOf(g.Position(ctx, "tee", "wh1")),
		"availability": errOf(g.Availability(ctx, "web", "tee")),
		"reservation":  errOf(g.Reservation(ctx, "r1")),
		"webhook":      errOf(g.Webhook(ctx, hook.ID)),
		"dead letters": errOf(g.DeadLetters(ctx, hook.ID)),
		"webhook del":  g.DeleteWebhook(ctx, hook.ID),
		"key revoke":   g.RevokeKey(ctx, key.ID),
	} {
		wantCodeNamed(t, name, err, api.CodeNotFound)
	}
	for name, err := range map[string]error{
		"extend":  errOf(g.Extend(ctx, "r1", time.Minute)),
		"release": errOf(g.Release(ctx, "r1")),
		"commit":  errOf(g.Commit(ctx, "r1", "order-g")),
	} {
		wantCodeNamed(t, name, err, "unknown_reservation")
	}
	wantCodeNamed(t, "ship", errOf(g.Ship(ctx, api.Shipment{ID: "s", Order: "order-a"})), "unknown_order")
	wantCodeNamed(t, "receive", errOf(g.Receive(ctx, api.Receipt{ID: "rc-tee", SKU: "tee", Location: "wh1", Qty: 1})), "unknown_sku")

	// globex builds its own "tee" at its own "wh1", with the same ids as acme's.
	seed(t, g)
	ok(t, errOf(g.Adjust(ctx, api.Adjustment{ID: "adj", SKU: "tee", Location: "wh1", Delta: -50})))
	after := must[*api.Inventory](t)(a.Inventory(ctx, "tee"))
	if after.OnHand != before.OnHand || after.ATP != before.ATP {
		t.Fatalf("globex's writes changed acme's inventory: %+v then %+v", before, after)
	}
	if n := len(must[[]api.Webhook](t)(g.Webhooks(ctx))); n != 0 {
		t.Fatalf("globex lists %d webhooks", n)
	}
	for _, k := range must[[]api.Key](t)(g.Keys(ctx)) {
		if k.Tenant != "globex" {
			t.Fatalf("globex lists a key of %s", k.Tenant)
		}
	}
	if st := must[*api.Stats](t)(g.Stats(ctx)); st.Tenant.Reservations != 0 || st.Tenant.SKUs != 3 {
		t.Fatalf("globex's stats %+v", st.Tenant)
	}
	// globex's stream carries only globex's events: its seed, then its adjustment.
	for {
		ev := must[api.Event](t)(stream.Next())
		if ev.Ref == "r1" || ev.Ref == "r2" || ev.Order == "order-a" {
			t.Fatalf("globex's stream carried acme's event %+v", ev)
		}
		if ev.Ref == "adj" {
			break
		}
	}
}

func wantCodeNamed(t *testing.T, name string, err error, code string) {
	t.Helper()
	t.Run(name, func(t *testing.T) { wantCode(t, err, code) })
}
