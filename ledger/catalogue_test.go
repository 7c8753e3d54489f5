package ledger_test

import (
	"strconv"
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
)

func TestDefineSKU(t *testing.T) {
	skuEv := func(id string) []depot.Event {
		return []depot.Event{{Kind: depot.EventSKUDefined, Ref: id, SKU: id}}
	}
	runCases(t, []cmdCase{
		{name: "new plain SKU", cmd: defSKU("hat"), want: skuEv("hat")},
		{name: "first SKU creates the tenant", bare: true, cmd: defSKU("hat"), want: skuEv("hat")},
		{name: "update keeps stock", cmd: &depot.DefineSKU{Tenant: tenant, SKU: "tee", Name: "T-shirt", PriceMinor: 1999},
			want: skuEv("tee"), check: func(h *harness) { h.wantPos("tee", "ams", 10, 0, 0, 0, 0) }},
		{name: "new kit", cmd: defSKU("kit2", depot.Component{SKU: "tee", Qty: 1}, depot.Component{SKU: "mug", Qty: 2}), want: skuEv("kit2")},
		{name: "kit redefined as plain", cmd: defSKU("kit"), want: skuEv("kit")},
		{name: "unknown component", cmd: defSKU("kit2", depot.Component{SKU: "nope", Qty: 1}),
			code: depot.CodeUnknownSKU, field: "components.sku"},
		{name: "component of an unknown tenant", bare: true, cmd: defSKU("kit2", depot.Component{SKU: "tee", Qty: 1}),
			code: depot.CodeUnknownSKU, field: "components.sku"},
		{name: "kits nest one level", cmd: defSKU("kit2", depot.Component{SKU: "kit", Qty: 1}),
			code: depot.CodeInvalidArgument, field: "components.sku"},
		{name: "stocked SKU cannot become a kit", cmd: defSKU("tee", depot.Component{SKU: "mug", Qty: 1}),
			code: depot.CodeInvalidState, field: "components"},
		{name: "component cannot become a kit", setup: func(h *harness) {
			h.ok(defSKU("pin"), defSKU("kit2", depot.Component{SKU: "pin", Qty: 1}))
		}, cmd: defSKU("pin", depot.Component{SKU: "mug", Qty: 1}), code: depot.CodeInvalidState, field: "components"},
		{name: "kit containing itself", cmd: defSKU("kit", depot.Component{SKU: "kit", Qty: 1}),
			code: depot.CodeInvalidArgument, field: "components.sku"},
		{name: "invalid shape", cmd: &depot.DefineSKU{Tenant: tenant, SKU: "hat", WeightGrams: -1},
			code: depot.CodeInvalidArgument, field: "weight_grams"},
	})
}

func TestDefineSKURedefinedAsKitSurvivesRestore(t *testing.T) {
	// A SKU redefined as a kit keeps its index while its components may have later ones; the
	// snapshot decoder once required components to come first and refused such states.
	h := mustEngine(t)
	h.ok(defSKU("gift"), defSKU("tee"), defSKU("gift", depot.Component{SKU: "tee", Qty: 2}), defLoc("ams", depot.LocationOpen),
		defChan("web", depot.Buffer{}, "ams"), rcv("r", "tee", "ams", 7), rsv("res", "web", ln("gift", "", 2)))
	h.wantPos("tee", "ams", 7, 4, 0, 0, 0)
	restored, err := engine.Restore(h.eng.AppendSnapshot(nil))
	if err != nil {
		t.Fatal(err)
	}
	if restored.Hash() != h.eng.Hash() {
		t.Fatal("restored state hashes differently")
	}
	// The restored kit still expands into its component: 3 tee left make one gift.
	if n, rej := restored.Ledger().ChannelATP(tenant, "web", "gift"); rej != nil || n != 1 {
		t.Fatalf("restored ChannelATP(gift) = %d, %v; want 1", n, rej)
	}
}

func TestDefineLocation(t *testing.T) {
	locEv := func(id, status string) []depot.Event {
		return []depot.Event{{Kind: depot.EventLocationDefined, Ref: id, Location: id, Reason: status}}
	}
	runCases(t, []cmdCase{
		{name: "new location", cmd: defLoc("lis", depot.LocationOpen), want: locEv("lis", "open")},
		{name: "first location creates the tenant", bare: true, cmd: defLoc("lis", depot.LocationOpen), want: locEv("lis", "open")},
		{name: "pause keeps stock", cmd: defLoc("ams", depot.LocationPaused), want: locEv("ams", "paused"),
			check: func(h *harness) { h.wantPos("tee", "ams", 10, 0, 0, 0, 0) }},
		{name: "reopen", cmd: defLoc("osl", depot.LocationOpen), want: locEv("osl", "open")},
		{name: "cutoff and UTC offset ride on the event", cmd: func() depot.Command {
			c := defLoc("lis", depot.LocationOpen)
			c.CutoffMinute, c.UTCOffsetMinutes = 16*60, -90
			return c
		}(), want: []depot.Event{{Kind: depot.EventLocationDefined, Ref: "lis", Location: "lis", Reason: "open", Qty: 16 * 60, At: -90}}},
		{name: "bad status", cmd: defLoc("ams", 9), code: depot.CodeInvalidArgument, field: "status"},
		{name: "MaxLocations per tenant", bare: true, setup: func(h *harness) {
			for i := range depot.MaxLocations {
				if res := h.raw(defLoc("l"+strconv.Itoa(i), depot.LocationOpen)); !res.OK() {
					h.t.Fatalf("location %d: %v", i, res.Rejection)
				}
			}
		}, cmd: defLoc("one-more", depot.LocationOpen), code: depot.CodeLimitExceeded, field: "location"},
		{name: "MaxTenants", setup: func(h *harness) {
			for i := 1; i < depot.MaxTenants; i++ { // the fixture's tenant is the first
				c := defLoc("ams", depot.LocationOpen)
				c.Tenant = "t" + strconv.Itoa(i)
				if res := h.raw(c); !res.OK() {
					h.t.Fatalf("tenant %d: %v", i, res.Rejection)
				}
			}
		}, cmd: &depot.DefineLocation{Tenant: "one-more", Location: "ams", Type: depot.LocationWarehouse, Status: depot.LocationOpen},
			code: depot.CodeLimitExceeded, field: "tenant"},
	})
}

func TestDefineChannel(t *testing.T) {
	chEv := []depot.Event{{Kind: depot.EventChannelDefined, Ref: "app", Channel: "app"}}
	runCases(t, []cmdCase{
		{name: "new channel", cmd: defChan("app", depot.Buffer{Units: 1}, "ams", "par"), want: chEv},
		{name: "no locations on a new tenant", bare: true, cmd: defChan("app", depot.Buffer{}), want: chEv},
		{name: "with SKU buffers", cmd: &depot.DefineChannel{Tenant: tenant, Channel: "app", Locations: []string{"ams"},
			Overrides: []depot.SKUBuffer{{SKU: "tee", Buffer: depot.Buffer{Cap: 3}}}}, want: chEv},
		{name: "redefine changes policy", cmd: &depot.DefineChannel{Tenant: tenant, Channel: "web", Locations: []string{"ams"}},
			want: []depot.Event{{Kind: depot.EventChannelDefined, Ref: "web", Channel: "web"}},
			check: func(h *harness) {
				// web no longer draws on ber, so policy placement lands on ams.
				evs := h.ok(rsv("r", "web", ln("tee", "", 1)))
				if evs[0].Location != "ams" {
					h.t.Fatalf("placed at %s after redefinition", evs[0].Location)
				}
			}},
		{name: "unknown location", cmd: defChan("app", depot.Buffer{}, "ams", "nope"), code: depot.CodeUnknownLocation, field: "locations"},
		{name: "unknown location on a new tenant", bare: true, cmd: defChan("app", depot.Buffer{}, "ams"),
			code: depot.CodeUnknownLocation, field: "locations"},
		{name: "unknown buffer SKU", cmd: &depot.DefineChannel{Tenant: tenant, Channel: "app",
			Overrides: []depot.SKUBuffer{{SKU: "nope"}}}, code: depot.CodeUnknownSKU, field: "sku_buffers.sku"},
		{name: "unknown buffer SKU on a new tenant", bare: true, cmd: &depot.DefineChannel{Tenant: tenant, Channel: "app",
			Overrides: []depot.SKUBuffer{{SKU: "nope"}}}, code: depot.CodeUnknownSKU, field: "sku_buffers.sku"},
		{name: "SKU buffered twice", cmd: &depot.DefineChannel{Tenant: tenant, Channel: "app",
			Overrides: []depot.SKUBuffer{{SKU: "tee"}, {SKU: "tee", Buffer: depot.Buffer{Units: 1}}}},
			code: depot.CodeInvalidArgument, field: "sku_buffers.sku"},
		{name: "bad buffer", cmd: defChan("app", depot.Buffer{Percent: 101}), code: depot.CodeInvalidArgument, field: "buffer.percent"},
		{name: "MaxChannels per tenant", setup: func(h *harness) {
			for i := 2; i < depot.MaxChannels; i++ { // the fixture defines two
				if res := h.raw(defChan("c"+strconv.Itoa(i), depot.Buffer{})); !res.OK() {
					h.t.Fatalf("channel %d: %v", i, res.Rejection)
				}
			}
		}, cmd: defChan("one-more", depot.Buffer{}), code: depot.CodeLimitExceeded, field: "channel"},
		{name: "redefining at MaxChannels", setup: func(h *harness) {
			for i := 2; i < depot.MaxChannels; i++ {
				h.raw(defChan("c"+strconv.Itoa(i), depot.Buffer{}))
			}
		}, cmd: defChan("web", depot.Buffer{}, "ams"), want: []depot.Event{{Kind: depot.EventChannelDefined, Ref: "web", Channel: "web"}}},
	})
}
