package depot_test

import (
	"testing"

	"github.com/depothq/depot"
)

// mod applies f to a freshly built command, so each table row states only what it changes.
func mod[C depot.Command](c C, f func(C)) depot.Command { f(c); return c }

func vSKU() *depot.DefineSKU { return &depot.DefineSKU{Tenant: "acme", SKU: "tee"} }
func vLoc() *depot.DefineLocation {
	return &depot.DefineLocation{Tenant: "acme", Location: "ams", Type: depot.LocationWarehouse, Status: depot.LocationOpen}
}
func vChan() *depot.DefineChannel { return &depot.DefineChannel{Tenant: "acme", Channel: "web"} }
func vExpect() *depot.ExpectInbound {
	return &depot.ExpectInbound{Tenant: "acme", ID: "po", SKU: "tee", Location: "ams", Qty: 1}
}
func vReceive() *depot.Receive {
	return &depot.Receive{Tenant: "acme", ID: "rcv", SKU: "tee", Location: "ams", Qty: 1}
}
func vAdjust() *depot.Adjust {
	return &depot.Adjust{Tenant: "acme", ID: "adj", SKU: "tee", Location: "ams", Delta: 1}
}
func vCount() *depot.Count {
	return &depot.Count{Tenant: "acme", ID: "cnt", SKU: "tee", Location: "ams"}
}
func vHold() *depot.Hold {
	return &depot.Hold{Tenant: "acme", ID: "hold", SKU: "tee", Location: "ams", Delta: 1}
}
func vReserve() *depot.Reserve {
	return &depot.Reserve{Tenant: "acme", Reservation: "res", Channel: "web", Lines: []depot.ReserveLine{{SKU: "tee", Qty: 1}}}
}
func vExtend() *depot.Extend {
	return &depot.Extend{Tenant: "acme", Reservation: "res", TTL: depot.MinTTL}
}
func vRelease() *depot.Release { return &depot.Release{Tenant: "acme", Reservation: "res"} }
func vCommit() *depot.Commit   { return &depot.Commit{Tenant: "acme", Reservation: "res", Order: "ord"} }
func vShip() *depot.Ship       { return &depot.Ship{Tenant: "acme", ID: "shp", Order: "ord"} }
func vReturn() *depot.Return {
	return &depot.Return{Tenant: "acme", ID: "ret", SKU: "tee", Location: "ams", Qty: 1}
}

func components(n int) []depot.Component {
	out := make([]depot.Component, n)
	for i, id := range strs(n) {
		out[i] = depot.Component{SKU: id, Qty: 1}
	}
	return out
}

func skuBuffers(n int) []depot.SKUBuffer {
	out := make([]depot.SKUBuffer, n)
	for i, id := range strs(n) {
		out[i] = depot.SKUBuffer{SKU: id}
	}
	return out
}

func reserveLines(n int) []depot.ReserveLine {
	out := make([]depot.ReserveLine, n)
	for i := range out {
		out[i] = depot.ReserveLine{SKU: "tee", Qty: 1}
	}
	return out
}

func shipLines(n int) []depot.ShipLine {
	out := make([]depot.ShipLine, n)
	for i := range out {
		out[i] = depot.ShipLine{SKU: "tee", Location: "ams", Qty: 1}
	}
	return out
}

func TestValidateSamplesPass(t *testing.T) {
	for _, c := range []depot.Command{vSKU(), vLoc(), vChan(), vExpect(), vReceive(), vAdjust(), vCount(), vHold(),
		vReserve(), vExtend(), vRelease(), vCommit(), vShip(), vReturn(), &depot.Tick{}} {
		if r := c.Validate(); r != nil {
			t.Errorf("%s: %v", c.Kind(), r)
		}
	}
}

// TestValidateEdges probes every limit of limits.go that a command's shape can reach: the value
// exactly at the limit passes (ok, when the limit has an inside edge) and one past it fails with
// the code and field the API will show.
func TestValidateEdges(t *testing.T) {
	type row struct {
		name  string
		ok    depot.Command // at the limit; nil when the edge has no valid side worth stating
		bad   depot.Command // one past it
		code  depot.Code
		field string
	}
	const over, under = depot.CodeLimitExceeded, depot.CodeInvalidArgument
	rows := []row{
		// MaxIDLen on every identifier field.
		{"tenant", mod(vSKU(), func(c *depot.DefineSKU) { c.Tenant = str(depot.MaxIDLen) }), mod(vSKU(), func(c *depot.DefineSKU) { c.Tenant = str(depot.MaxIDLen + 1) }), over, "tenant"},
		{"sku", mod(vSKU(), func(c *depot.DefineSKU) { c.SKU = str(depot.MaxIDLen) }), mod(vSKU(), func(c *depot.DefineSKU) { c.SKU = str(depot.MaxIDLen + 1) }), over, "sku"},
		{"location", mod(vLoc(), func(c *depot.DefineLocation) { c.Location = str(depot.MaxIDLen) }), mod(vLoc(), func(c *depot.DefineLocation) { c.Location = str(depot.MaxIDLen + 1) }), over, "location"},
		{"group id", mod(vLoc(), func(c *depot.DefineLocation) { c.Groups = []string{str(depot.MaxIDLen)} }), mod(vLoc(), func(c *depot.DefineLocation) { c.Groups = []string{str(depot.MaxIDLen + 1)} }), over, "groups"},
		{"channel", mod(vChan(), func(c *depot.DefineChannel) { c.Channel = str(depot.MaxIDLen) }), mod(vChan(), func(c *depot.DefineChannel) { c.Channel = str(depot.MaxIDLen + 1) }), over, "channel"},
		{"channel location id", mod(vChan(), func(c *depot.DefineChannel) { c.Locations = []string{str(depot.MaxIDLen)} }), mod(vChan(), func(c *depot.DefineChannel) { c.Locations = []string{str(depot.MaxIDLen + 1)} }), over, "locations"},
		{"component sku", mod(vSKU(), func(c *depot.DefineSKU) { c.Components = []depot.Component{{SKU: str(depot.MaxIDLen), Qty: 1}} }), mod(vSKU(), func(c *depot.DefineSKU) { c.Components = []depot.Component{{SKU: str(depot.MaxIDLen + 1), Qty: 1}} }), over, "components.sku"},
		{"buffer sku", mod(vChan(), func(c *depot.DefineChannel) { c.Overrides = []depot.SKUBuffer{{SKU: str(depot.MaxIDLen)}} }), mod(vChan(), func(c *depot.DefineChannel) { c.Overrides = []depot.SKUBuffer{{SKU: str(depot.MaxIDLen + 1)}} }), over, "sku_buffers.sku"},
		{"inbound id", mod(vExpect(), func(c *depot.ExpectInbound) { c.ID = str(depot.MaxIDLen) }), mod(vExpect(), func(c *depot.ExpectInbound) { c.ID = str(depot.MaxIDLen + 1) }), over, "id"},
		{"receive inbound", mod(vReceive(), func(c *depot.Receive) { c.Inbound = str(depot.MaxIDLen) }), mod(vReceive(), func(c *depot.Receive) { c.Inbound = str(depot.MaxIDLen + 1) }), over, "inbound"},
		{"adjust location", mod(vAdjust(), func(c *depot.Adjust) { c.Location = str(depot.MaxIDLen) }), mod(vAdjust(), func(c *depot.Adjust) { c.Location = str(depot.MaxIDLen + 1) }), over, "location"},
		{"count sku", mod(vCount(), func(c *depot.Count) { c.SKU = str(depot.MaxIDLen) }), mod(vCount(), func(c *depot.Count) { c.SKU = str(depot.MaxIDLen + 1) }), over, "sku"},
		{"reservation id", mod(vReserve(), func(c *depot.Reserve) { c.Reservation = str(depot.MaxIDLen) }), mod(vReserve(), func(c *depot.Reserve) { c.Reservation = str(depot.MaxIDLen + 1) }), over, "id"},
		{"reserve line sku", mod(vReserve(), func(c *depot.Reserve) { c.Lines[0].SKU = str(depot.MaxIDLen) }), mod(vReserve(), func(c *depot.Reserve) { c.Lines[0].SKU = str(depot.MaxIDLen + 1) }), over, "lines.sku"},
		{"reserve line location", mod(vReserve(), func(c *depot.Reserve) { c.Lines[0].Location = str(depot.MaxIDLen) }), mod(vReserve(), func(c *depot.Reserve) { c.Lines[0].Location = str(depot.MaxIDLen + 1) }), over, "lines.location"},
		{"extend id", mod(vExtend(), func(c *depot.Extend) { c.Reservation = str(depot.MaxIDLen) }), mod(vExtend(), func(c *depot.Extend) { c.Reservation = str(depot.MaxIDLen + 1) }), over, "id"},
		{"release id", mod(vRelease(), func(c *depot.Release) { c.Reservation = str(depot.MaxIDLen) }), mod(vRelease(), func(c *depot.Release) { c.Reservation = str(depot.MaxIDLen + 1) }), over, "id"},
		{"commit order", mod(vCommit(), func(c *depot.Commit) { c.Order = str(depot.MaxIDLen) }), mod(vCommit(), func(c *depot.Commit) { c.Order = str(depot.MaxIDLen + 1) }), over, "order"},
		{"ship line location", mod(vShip(), func(c *depot.Ship) { c.Lines = []depot.ShipLine{{SKU: "tee", Location: str(depot.MaxIDLen), Qty: 1}} }), mod(vShip(), func(c *depot.Ship) {
			c.Lines = []depot.ShipLine{{SKU: "tee", Location: str(depot.MaxIDLen + 1), Qty: 1}}
		}), over, "lines.location"},
		{"return order", mod(vReturn(), func(c *depot.Return) { c.Order = str(depot.MaxIDLen) }), mod(vReturn(), func(c *depot.Return) { c.Order = str(depot.MaxIDLen + 1) }), over, "order"},

		// Required identifiers and text hygiene.
		{"empty tenant", nil, mod(vReceive(), func(c *depot.Receive) { c.Tenant = "" }), under, "tenant"},
		{"empty command id", nil, mod(vHold(), func(c *depot.Hold) { c.ID = "" }), under, "id"},
		{"empty order", nil, mod(vShip(), func(c *depot.Ship) { c.Order = "" }), under, "order"},
		{"empty reserve channel", nil, mod(vReserve(), func(c *depot.Reserve) { c.Channel = "" }), under, "channel"},
		{"empty ship line sku", nil, mod(vShip(), func(c *depot.Ship) { c.Lines = []depot.ShipLine{{Location: "ams", Qty: 1}} }), under, "lines.sku"},
		{"control character", mod(vSKU(), func(c *depot.DefineSKU) { c.SKU = "tee ~\u00e9" }), mod(vSKU(), func(c *depot.DefineSKU) { c.SKU = "tee\n" }), under, "sku"},
		{"DEL character", nil, mod(vSKU(), func(c *depot.DefineSKU) { c.Name = "a\x7f" }), under, "name"},
		{"invalid UTF-8", nil, mod(vLoc(), func(c *depot.DefineLocation) { c.Location = "\xff" }), under, "location"},

		// MaxNameLen and MaxReasonLen.
		{"sku name", mod(vSKU(), func(c *depot.DefineSKU) { c.Name = str(depot.MaxNameLen) }), mod(vSKU(), func(c *depot.DefineSKU) { c.Name = str(depot.MaxNameLen + 1) }), over, "name"},
		{"location name", mod(vLoc(), func(c *depot.DefineLocation) { c.Name = str(depot.MaxNameLen) }), mod(vLoc(), func(c *depot.DefineLocation) { c.Name = str(depot.MaxNameLen + 1) }), over, "name"},
		{"channel name", mod(vChan(), func(c *depot.DefineChannel) { c.Name = str(depot.MaxNameLen) }), mod(vChan(), func(c *depot.DefineChannel) { c.Name = str(depot.MaxNameLen + 1) }), over, "name"},
		{"adjust reason", mod(vAdjust(), func(c *depot.Adjust) { c.Reason = str(depot.MaxReasonLen) }), mod(vAdjust(), func(c *depot.Adjust) { c.Reason = str(depot.MaxReasonLen + 1) }), over, "reason"},
		{"hold reason", mod(vHold(), func(c *depot.Hold) { c.Reason = str(depot.MaxReasonLen) }), mod(vHold(), func(c *depot.Hold) { c.Reason = str(depot.MaxReasonLen + 1) }), over, "reason"},
		{"return reason", mod(vReturn(), func(c *depot.Return) { c.Reason = str(depot.MaxReasonLen) }), mod(vReturn(), func(c *depot.Return) { c.Reason = str(depot.MaxReasonLen + 1) }), over, "reason"},

		// Counts: MaxLines, MaxComponents, MaxChannelLocations, MaxSKUBuffers, MaxLocationGroups.
		{"reserve lines", mod(vReserve(), func(c *depot.Reserve) { c.Lines = reserveLines(depot.MaxLines) }), mod(vReserve(), func(c *depot.Reserve) { c.Lines = reserveLines(depot.MaxLines + 1) }), over, "lines"},
		{"reserve without lines", nil, mod(vReserve(), func(c *depot.Reserve) { c.Lines = nil }), under, "lines"},
		{"ship lines", mod(vShip(), func(c *depot.Ship) { c.Lines = shipLines(depot.MaxLines) }), mod(vShip(), func(c *depot.Ship) { c.Lines = shipLines(depot.MaxLines + 1) }), over, "lines"},
		{"components", mod(vSKU(), func(c *depot.DefineSKU) { c.Components = components(depot.MaxComponents) }), mod(vSKU(), func(c *depot.DefineSKU) { c.Components = components(depot.MaxComponents + 1) }), over, "components"},
		{"channel locations", mod(vChan(), func(c *depot.DefineChannel) { c.Locations = strs(depot.MaxChannelLocations) }), mod(vChan(), func(c *depot.DefineChannel) { c.Locations = strs(depot.MaxChannelLocations + 1) }), over, "locations"},
		{"sku buffers", mod(vChan(), func(c *depot.DefineChannel) { c.Overrides = skuBuffers(depot.MaxSKUBuffers) }), mod(vChan(), func(c *depot.DefineChannel) { c.Overrides = skuBuffers(depot.MaxSKUBuffers + 1) }), over, "sku_buffers"},
		{"location groups", mod(vLoc(), func(c *depot.DefineLocation) { c.Groups = strs(depot.MaxLocationGroups) }), mod(vLoc(), func(c *depot.DefineLocation) { c.Groups = strs(depot.MaxLocationGroups + 1) }), over, "groups"},
		{"kit contains itself", nil, mod(vSKU(), func(c *depot.DefineSKU) { c.Components = []depot.Component{{SKU: "tee", Qty: 1}} }), under, "components.sku"},
		{"component listed twice", nil, mod(vSKU(), func(c *depot.DefineSKU) { c.Components = []depot.Component{{SKU: "a", Qty: 1}, {SKU: "a", Qty: 2}} }), under, "components.sku"},
		{"channel location listed twice", nil, mod(vChan(), func(c *depot.DefineChannel) { c.Locations = []string{"ams", "ams"} }), under, "locations"},

		// MaxQty on quantities (1..MaxQty) and deltas (non-zero within ±MaxQty).
		{"receive qty", mod(vReceive(), func(c *depot.Receive) { c.Qty = depot.MaxQty }), mod(vReceive(), func(c *depot.Receive) { c.Qty = depot.MaxQty + 1 }), depot.CodeInvalidQuantity, "qty"},
		{"receive qty zero", nil, mod(vReceive(), func(c *depot.Receive) { c.Qty = 0 }), depot.CodeInvalidQuantity, "qty"},
		{"expect qty negative", nil, mod(vExpect(), func(c *depot.ExpectInbound) { c.Qty = -1 }), depot.CodeInvalidQuantity, "qty"},
		{"expect qty", mod(vExpect(), func(c *depot.ExpectInbound) { c.Qty = depot.MaxQty }), mod(vExpect(), func(c *depot.ExpectInbound) { c.Qty = depot.MaxQty + 1 }), depot.CodeInvalidQuantity, "qty"},
		{"return qty", mod(vReturn(), func(c *depot.Return) { c.Qty = depot.MaxQty }), mod(vReturn(), func(c *depot.Return) { c.Qty = depot.MaxQty + 1 }), depot.CodeInvalidQuantity, "qty"},
		{"reserve line qty", mod(vReserve(), func(c *depot.Reserve) { c.Lines[0].Qty = depot.MaxQty }), mod(vReserve(), func(c *depot.Reserve) { c.Lines[0].Qty = depot.MaxQty + 1 }), depot.CodeInvalidQuantity, "lines.qty"},
		{"reserve line qty zero", nil, mod(vReserve(), func(c *depot.Reserve) { c.Lines[0].Qty = 0 }), depot.CodeInvalidQuantity, "lines.qty"},
		{"ship line qty", mod(vShip(), func(c *depot.Ship) { c.Lines = []depot.ShipLine{{SKU: "t", Location: "l", Qty: depot.MaxQty}} }), mod(vShip(), func(c *depot.Ship) { c.Lines = []depot.ShipLine{{SKU: "t", Location: "l", Qty: depot.MaxQty + 1}} }), depot.CodeInvalidQuantity, "lines.qty"},
		{"component qty", mod(vSKU(), func(c *depot.DefineSKU) { c.Components = []depot.Component{{SKU: "a", Qty: depot.MaxQty}} }), mod(vSKU(), func(c *depot.DefineSKU) { c.Components = []depot.Component{{SKU: "a", Qty: depot.MaxQty + 1}} }), depot.CodeInvalidQuantity, "components.qty"},
		{"component qty zero", nil, mod(vSKU(), func(c *depot.DefineSKU) { c.Components = []depot.Component{{SKU: "a"}} }), depot.CodeInvalidQuantity, "components.qty"},
		{"adjust delta up", mod(vAdjust(), func(c *depot.Adjust) { c.Delta = depot.MaxQty }), mod(vAdjust(), func(c *depot.Adjust) { c.Delta = depot.MaxQty + 1 }), depot.CodeInvalidQuantity, "delta"},
		{"adjust delta down", mod(vAdjust(), func(c *depot.Adjust) { c.Delta = -depot.MaxQty }), mod(vAdjust(), func(c *depot.Adjust) { c.Delta = -depot.MaxQty - 1 }), depot.CodeInvalidQuantity, "delta"},
		{"adjust delta zero", nil, mod(vAdjust(), func(c *depot.Adjust) { c.Delta = 0 }), depot.CodeInvalidQuantity, "delta"},
		{"hold delta up", mod(vHold(), func(c *depot.Hold) { c.Delta = depot.MaxQty }), mod(vHold(), func(c *depot.Hold) { c.Delta = depot.MaxQty + 1 }), depot.CodeInvalidQuantity, "delta"},
		{"hold delta down", mod(vHold(), func(c *depot.Hold) { c.Delta = -depot.MaxQty }), mod(vHold(), func(c *depot.Hold) { c.Delta = -depot.MaxQty - 1 }), depot.CodeInvalidQuantity, "delta"},
		{"hold delta zero", nil, mod(vHold(), func(c *depot.Hold) { c.Delta = 0 }), depot.CodeInvalidQuantity, "delta"},

		// MaxOnHand bounds counts, caps and prices; counts may be zero.
		{"count on hand", mod(vCount(), func(c *depot.Count) { c.OnHand = depot.MaxOnHand }), mod(vCount(), func(c *depot.Count) { c.OnHand = depot.MaxOnHand + 1 }), depot.CodeInvalidQuantity, "on_hand"},
		{"count negative", mod(vCount(), func(c *depot.Count) { c.OnHand = 0 }), mod(vCount(), func(c *depot.Count) { c.OnHand = -1 }), depot.CodeInvalidQuantity, "on_hand"},
		{"price", mod(vSKU(), func(c *depot.DefineSKU) { c.PriceMinor = depot.MaxOnHand }), mod(vSKU(), func(c *depot.DefineSKU) { c.PriceMinor = depot.MaxOnHand + 1 }), under, "price_minor"},
		{"price negative", nil, mod(vSKU(), func(c *depot.DefineSKU) { c.PriceMinor = -1 }), under, "price_minor"},
		{"weight", mod(vSKU(), func(c *depot.DefineSKU) { c.WeightGrams = depot.MaxQty }), mod(vSKU(), func(c *depot.DefineSKU) { c.WeightGrams = depot.MaxQty + 1 }), under, "weight_grams"},

		// Buffers: units within MaxQty, percent within MaxPercent, cap within MaxOnHand.
		{"buffer units", mod(vChan(), func(c *depot.DefineChannel) { c.Default.Units = depot.MaxQty }), mod(vChan(), func(c *depot.DefineChannel) { c.Default.Units = depot.MaxQty + 1 }), depot.CodeInvalidQuantity, "buffer.units"},
		{"buffer units negative", nil, mod(vChan(), func(c *depot.DefineChannel) { c.Default.Units = -1 }), depot.CodeInvalidQuantity, "buffer.units"},
		{"buffer percent", mod(vChan(), func(c *depot.DefineChannel) { c.Default.Percent = depot.MaxPercent }), mod(vChan(), func(c *depot.DefineChannel) { c.Default.Percent = depot.MaxPercent + 1 }), under, "buffer.percent"},
		{"buffer cap", mod(vChan(), func(c *depot.DefineChannel) { c.Default.Cap = depot.MaxOnHand }), mod(vChan(), func(c *depot.DefineChannel) { c.Default.Cap = depot.MaxOnHand + 1 }), depot.CodeInvalidQuantity, "buffer.cap"},
		{"override percent", mod(vChan(), func(c *depot.DefineChannel) {
			c.Overrides = []depot.SKUBuffer{{SKU: "tee", Buffer: depot.Buffer{Percent: depot.MaxPercent}}}
		}), mod(vChan(), func(c *depot.DefineChannel) {
			c.Overrides = []depot.SKUBuffer{{SKU: "tee", Buffer: depot.Buffer{Percent: -1}}}
		}), under, "sku_buffers.buffer.percent"},

		// Location geometry and enums.
		{"latitude north", mod(vLoc(), func(c *depot.DefineLocation) { c.LatE6 = 90_000_000 }), mod(vLoc(), func(c *depot.DefineLocation) { c.LatE6 = 90_000_001 }), under, "lat_e6"},
		{"latitude south", mod(vLoc(), func(c *depot.DefineLocation) { c.LatE6 = -90_000_000 }), mod(vLoc(), func(c *depot.DefineLocation) { c.LatE6 = -90_000_001 }), under, "lat_e6"},
		{"longitude east", mod(vLoc(), func(c *depot.DefineLocation) { c.LonE6 = 180_000_000 }), mod(vLoc(), func(c *depot.DefineLocation) { c.LonE6 = 180_000_001 }), under, "lon_e6"},
		{"longitude west", mod(vLoc(), func(c *depot.DefineLocation) { c.LonE6 = -180_000_000 }), mod(vLoc(), func(c *depot.DefineLocation) { c.LonE6 = -180_000_001 }), under, "lon_e6"},
		{"service radius", mod(vLoc(), func(c *depot.DefineLocation) { c.ServiceRadiusM = 1_000_000 }), mod(vLoc(), func(c *depot.DefineLocation) { c.ServiceRadiusM = 1_000_001 }), under, "service_radius_m"},
		{"capacity", mod(vLoc(), func(c *depot.DefineLocation) { c.CapacityPerHour = depot.MaxQty }), mod(vLoc(), func(c *depot.DefineLocation) { c.CapacityPerHour = depot.MaxQty + 1 }), under, "capacity_per_hour"},
		{"location type", mod(vLoc(), func(c *depot.DefineLocation) { c.Type = depot.LocationDarkStore }), mod(vLoc(), func(c *depot.DefineLocation) { c.Type = depot.LocationDarkStore + 1 }), under, "type"},
		{"location type zero", nil, mod(vLoc(), func(c *depot.DefineLocation) { c.Type = 0 }), under, "type"},
		{"location status", mod(vLoc(), func(c *depot.DefineLocation) { c.Status = depot.LocationClosed }), mod(vLoc(), func(c *depot.DefineLocation) { c.Status = depot.LocationClosed + 1 }), under, "status"},
		{"location status zero", nil, mod(vLoc(), func(c *depot.DefineLocation) { c.Status = 0 }), under, "status"},

		// MinTTL and MaxTTL; a reserve may omit its TTL, an extend may not.
		{"reserve ttl min", mod(vReserve(), func(c *depot.Reserve) { c.TTL = depot.MinTTL }), mod(vReserve(), func(c *depot.Reserve) { c.TTL = depot.MinTTL - 1 }), under, "ttl_ns"},
		{"reserve ttl max", mod(vReserve(), func(c *depot.Reserve) { c.TTL = depot.MaxTTL }), mod(vReserve(), func(c *depot.Reserve) { c.TTL = depot.MaxTTL + 1 }), under, "ttl_ns"},
		{"reserve ttl default", mod(vReserve(), func(c *depot.Reserve) { c.TTL = 0 }), mod(vReserve(), func(c *depot.Reserve) { c.TTL = -1 }), under, "ttl_ns"},
		{"extend ttl min", mod(vExtend(), func(c *depot.Extend) { c.TTL = depot.MinTTL }), mod(vExtend(), func(c *depot.Extend) { c.TTL = 0 }), under, "ttl_ns"},
		{"extend ttl max", mod(vExtend(), func(c *depot.Extend) { c.TTL = depot.MaxTTL }), mod(vExtend(), func(c *depot.Extend) { c.TTL = depot.MaxTTL + 1 }), under, "ttl_ns"},
	}
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			if tc.ok != nil {
				if r := tc.ok.Validate(); r != nil {
					t.Fatalf("at the limit: %v", r)
				}
			}
			r := tc.bad.Validate()
			if r == nil {
				t.Fatalf("past the limit: accepted")
			}
			if r.Code != tc.code || r.Field != tc.field {
				t.Fatalf("past the limit: got %s on %q (%s), want %s on %q", r.Code, r.Field, r.Message, tc.code, tc.field)
			}
			if r.Message == "" {
				t.Fatalf("rejection without a message")
			}
		})
	}
}
