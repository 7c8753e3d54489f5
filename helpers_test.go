package depot_test

import (
	"strconv"
	"strings"

	"github.com/depothq/depot"
)

// str returns an identifier-safe string of exactly n bytes, for probing length limits.
func str(n int) string { return strings.Repeat("x", n) }

// strs returns n distinct identifiers, for probing count limits on lists that refuse duplicates.
func strs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "id-" + strconv.Itoa(i)
	}
	return out
}

// sampleCommands returns one command of every kind with every field set to a non-zero value,
// so a codec that drops or swaps a field cannot round-trip it. The order is the kind order.
func sampleCommands() []depot.Command {
	return []depot.Command{
		&depot.DefineSKU{Tenant: "acme", SKU: "kit-1", Name: "Gift kit", WeightGrams: 1200, PriceMinor: 4999,
			Components: []depot.Component{{SKU: "mug", Qty: 1}, {SKU: "tee", Qty: 2}}},
		&depot.DefineLocation{Tenant: "acme", Location: "ams", Name: "Amsterdam DC", Type: depot.LocationDarkStore,
			Status: depot.LocationPaused, LatE6: 52_370_216, LonE6: -4_895_168, ServiceRadiusM: 8000, CapacityPerHour: 450,
			Groups: []string{"eu", "nl"}, UTCOffsetMinutes: 60, CutoffMinute: 17 * 60, RidersPerSlot: 12, RiderSlotMinutes: 15},
		&depot.DefineChannel{Tenant: "acme", Channel: "web", Name: "Web shop", Locations: []string{"ams", "ber"},
			Default:   depot.Buffer{Units: 2, Percent: 10, Cap: 500},
			Overrides: []depot.SKUBuffer{{SKU: "mug", Buffer: depot.Buffer{Units: 1, Percent: 5, Cap: 9}}}},
		&depot.ExpectInbound{Tenant: "acme", ID: "po-1", SKU: "tee", Location: "ams", Qty: 40, ETA: 1_700_000_900_000_000_000},
		&depot.Receive{Tenant: "acme", ID: "rcv-1", SKU: "tee", Location: "ams", Qty: 40, Inbound: "po-1"},
		&depot.Adjust{Tenant: "acme", ID: "adj-1", SKU: "tee", Location: "ams", Delta: -3, Reason: "water damage"},
		&depot.Count{Tenant: "acme", ID: "cnt-1", SKU: "tee", Location: "ams", OnHand: 36},
		&depot.Hold{Tenant: "acme", ID: "hold-1", SKU: "tee", Location: "ams", Delta: -2, Reason: "quarantine"},
		&depot.Reserve{Tenant: "acme", Reservation: "res-1", Channel: "web", TTL: 60e9,
			Lines: []depot.ReserveLine{{SKU: "tee", Location: "ams", Qty: 2}, {SKU: "kit-1", Qty: 1}}},
		&depot.Extend{Tenant: "acme", Reservation: "res-1", TTL: 120e9},
		&depot.Release{Tenant: "acme", Reservation: "res-1"},
		&depot.Commit{Tenant: "acme", Reservation: "res-1", Order: "ord-1"},
		&depot.Ship{Tenant: "acme", ID: "shp-1", Order: "ord-1", Lines: []depot.ShipLine{{SKU: "tee", Location: "ams", Qty: 2}}},
		&depot.Return{Tenant: "acme", ID: "ret-1", Order: "ord-1", SKU: "tee", Location: "ams", Qty: 1, Restock: true, Reason: "wrong size"},
		&depot.Tick{},
		&depot.DefineCarrier{Tenant: "acme", Carrier: "dhl", Services: []depot.CarrierService{{
			Service: "paket", DistanceUpToM: []int64{50_000, 500_000}, WeightUpToG: []int64{1_000, 10_000},
			Prices: []int64{450, 650, 550, 750}, TransitMinMinutes: 1440, TransitMaxMinutes: 2880, CutoffMinute: 16 * 60,
			Cutoffs: []depot.CarrierCutoff{{Location: "ams", Minute: 18 * 60}}, Days: 0x3e,
		}, {
			Service: "zoned", ZoneUpTo: []int64{1, 3}, WeightUpToG: []int64{5_000}, Prices: []int64{390, 590},
			TransitMaxMinutes: 1440, CutoffMinute: 17 * 60, PickupEveryMinutes: 90, PickupFromMinute: 8 * 60, Days: 0x7e,
		}}, Zones: []depot.CarrierZone{{Origin: "ams", Country: "NL", PostalPrefix: "10", Zone: 1}, {UpToM: 300_000, Zone: 3}},
			Codes: []depot.CarrierCode{{Code: "ZU", Status: depot.TrackingDelivered}}},
		&depot.DefineRouting{Tenant: "acme", Channel: "web", Rules: []depot.RoutingRule{{Kind: depot.RulePreferGroup, Group: "nl"}, {Kind: depot.RuleCheapest}},
			Own: []string{"ams"}, AllowSplitLines: true, SplitPenaltyMinor: 400, LatePenaltyPerHourMinor: 25,
			Backorder: depot.BackorderShipComplete},
		&depot.CreateOrder{Tenant: "acme", Channel: "web", ExternalID: "#1001",
			Lines:       []depot.OrderLine{{SKU: "tee", Qty: 2, UnitPriceMinor: 1999}, {SKU: "kit-1", Qty: 1, UnitPriceMinor: 4999}},
			ShipToLatE6: 52_360_000, ShipToLonE6: 4_900_000, PostalCode: "1011 AB", Country: "NL", Level: depot.LevelQuick,
			PromiseMinutes: 20, PlacedAt: 1_700_000_000_000_000_000, ShipBy: 1_700_000_600_000_000_000,
			DeliverBy: 1_700_001_200_000_000_000, Priority: 5, Attributes: []depot.Attribute{{Key: "gift", Value: "yes\nwrap it"}},
			Backorder: depot.BackorderPartial, Reservation: "res-1"},
		&depot.AdvanceShipment{Tenant: "acme", Shipment: "o-17-1", Step: depot.StepShip, Tracking: "1Z999"},
		&depot.CancelOrder{Tenant: "acme", Order: "o-17", Lines: []depot.CancelLine{{SKU: "tee", Qty: 1}}, Reason: "customer asked"},
		&depot.TrackShipment{Tenant: "acme", Shipment: "o-17-1", Status: "Out for Delivery", At: 1_700_000_900_000_000_000},
		&depot.RaiseException{Tenant: "acme", Order: "o-17", Code: "address_invalid", Note: "no such street"},
		&depot.ResolveException{Tenant: "acme", Order: "o-17", Code: "address_corrected", Note: "customer called back"},
		&depot.RecordAdMetrics{Tenant: "acme", Campaign: "spring-tees", SKU: "tee", Channel: "web", AdMetrics: depot.AdMetrics{
			PeriodStart: 1_700_000_000_000_000_000, PeriodEnd: 1_700_000_900_000_000_000, SpendMinor: 12_345,
			Impressions: 40_000, Clicks: 812, AttributedOrders: 31}},
	}
}

// allKinds lists every command kind NewCommand knows, so tables can prove they cover them all.
// Kinds come in numbered blocks with gaps between them (advertising starts at 30).
func allKinds() []depot.CommandKind {
	var out []depot.CommandKind
	for k := depot.CommandKind(1); k < 255; k++ {
		if depot.NewCommand(k) != nil {
			out = append(out, k)
		}
	}
	return out
}

// encode wraps a command in an envelope and encodes it.
func encode(seq uint64, time int64, c depot.Command) []byte {
	return depot.AppendEnvelope(nil, &depot.Envelope{Seq: seq, Time: time, Cmd: c})
}
