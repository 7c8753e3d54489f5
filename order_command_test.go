package depot_test

import (
	"strings"
	"testing"

	"github.com/depothq/depot"
)

func vCarrier() *depot.DefineCarrier {
	return &depot.DefineCarrier{Tenant: "acme", Carrier: "dhl", Services: []depot.CarrierService{vService()}}
}

func vService() depot.CarrierService {
	return depot.CarrierService{Service: "paket", DistanceUpToM: []int64{50_000}, WeightUpToG: []int64{1_000}, Prices: []int64{450},
		TransitMaxMinutes: 2880, CutoffMinute: 960, Days: 0x3e}
}

func vRouting() *depot.DefineRouting { return &depot.DefineRouting{Tenant: "acme", Channel: "web"} }

func vOrder() *depot.CreateOrder {
	return &depot.CreateOrder{Tenant: "acme", Channel: "web", ExternalID: "#1", Lines: []depot.OrderLine{{SKU: "tee", Qty: 1}},
		Level: depot.LevelStandard}
}

func vAdvance() *depot.AdvanceShipment {
	return &depot.AdvanceShipment{Tenant: "acme", Shipment: "o-1-1", Step: depot.StepRelease}
}

func vCancel() *depot.CancelOrder { return &depot.CancelOrder{Tenant: "acme", Order: "o-1"} }

func vTrack() *depot.TrackShipment {
	return &depot.TrackShipment{Tenant: "acme", Shipment: "o-1-1", Status: "in transit", At: 1}
}

func bands(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i + 1)
	}
	return out
}

func orderLines(n int) []depot.OrderLine {
	out := make([]depot.OrderLine, n)
	for i := range out {
		out[i] = depot.OrderLine{SKU: "tee", Qty: 1}
	}
	return out
}

func attributes(n int) []depot.Attribute {
	out := make([]depot.Attribute, n)
	for i := range out {
		out[i] = depot.Attribute{Key: "k", Value: "v"}
	}
	return out
}

func TestValidateOrderCommandsEdges(t *testing.T) {
	type row struct {
		name  string
		ok    depot.Command
		bad   depot.Command
		code  depot.Code
		field string
	}
	const over, under = depot.CodeLimitExceeded, depot.CodeInvalidArgument
	svc := func(f func(s *depot.CarrierService)) depot.Command {
		c := vCarrier()
		f(&c.Services[0])
		return c
	}
	rows := []row{
		{"carrier id", mod(vCarrier(), func(c *depot.DefineCarrier) { c.Carrier = str(depot.MaxIDLen) }), mod(vCarrier(), func(c *depot.DefineCarrier) { c.Carrier = str(depot.MaxIDLen + 1) }), over, "carrier"},
		{"services", mod(vCarrier(), func(c *depot.DefineCarrier) {
			c.Services = nil
			for i := range depot.MaxCarrierServices {
				s := vService()
				s.Service = "s" + strings.Repeat("x", i)
				c.Services = append(c.Services, s)
			}
		}), mod(vCarrier(), func(c *depot.DefineCarrier) {
			for i := range depot.MaxCarrierServices {
				s := vService()
				s.Service = "s" + strings.Repeat("x", i)
				c.Services = append(c.Services, s)
			}
		}), over, "services"},
		{"service listed twice", nil, mod(vCarrier(), func(c *depot.DefineCarrier) { c.Services = append(c.Services, vService()) }), under, "services.service"},
		{"distance bands", svc(func(s *depot.CarrierService) {
			s.DistanceUpToM, s.Prices = bands(depot.MaxRateBands), bands(depot.MaxRateBands)
		}),
			svc(func(s *depot.CarrierService) {
				s.DistanceUpToM, s.Prices = bands(depot.MaxRateBands+1), bands(depot.MaxRateBands+1)
			}), over, "services.distance_up_to_m"},
		{"bands ascend", nil, svc(func(s *depot.CarrierService) { s.WeightUpToG, s.Prices = []int64{2, 2}, []int64{1, 1} }), under, "services.weight_up_to_g"},
		{"a price per cell", nil, svc(func(s *depot.CarrierService) { s.Prices = []int64{1, 2} }), under, "services.prices_minor"},
		{"price", svc(func(s *depot.CarrierService) { s.Prices = []int64{depot.MaxPriceMinor} }), svc(func(s *depot.CarrierService) { s.Prices = []int64{depot.MaxPriceMinor + 1} }), under, "services.prices_minor"},
		{"transit", svc(func(s *depot.CarrierService) { s.TransitMaxMinutes = depot.MaxTransitMinutes }), svc(func(s *depot.CarrierService) { s.TransitMaxMinutes = depot.MaxTransitMinutes + 1 }), under, "services.transit_max_minutes"},
		{"transit min above max", nil, svc(func(s *depot.CarrierService) { s.TransitMinMinutes = 3000 }), under, "services.transit_max_minutes"},
		{"cutoff", svc(func(s *depot.CarrierService) { s.CutoffMinute = 1440 }), svc(func(s *depot.CarrierService) { s.CutoffMinute = 0 }), under, "services.cutoff_minute"},
		{"days", svc(func(s *depot.CarrierService) { s.Days = 0x7f }), svc(func(s *depot.CarrierService) { s.Days = 0x80 }), under, "services.days"},
		{"no days", nil, svc(func(s *depot.CarrierService) { s.Days = 0 }), under, "services.days"},
		{"location cutoffs", svc(func(s *depot.CarrierService) {
			for _, id := range strs(depot.MaxCarrierCutoffs) {
				s.Cutoffs = append(s.Cutoffs, depot.CarrierCutoff{Location: id, Minute: 600})
			}
		}), svc(func(s *depot.CarrierService) {
			for _, id := range strs(depot.MaxCarrierCutoffs + 1) {
				s.Cutoffs = append(s.Cutoffs, depot.CarrierCutoff{Location: id, Minute: 600})
			}
		}), over, "services.cutoffs"},
		{"location cutoff twice", nil, svc(func(s *depot.CarrierService) {
			s.Cutoffs = []depot.CarrierCutoff{{Location: "a", Minute: 1}, {Location: "a", Minute: 2}}
		}), under, "services.cutoffs.location"},

		{"routing rules", mod(vRouting(), func(c *depot.DefineRouting) {
			c.Rules = make([]depot.RoutingRule, depot.MaxRoutingRules)
			for i := range c.Rules {
				c.Rules[i].Kind = depot.RuleClosest
			}
		}), mod(vRouting(), func(c *depot.DefineRouting) {
			c.Rules = make([]depot.RoutingRule, depot.MaxRoutingRules+1)
			for i := range c.Rules {
				c.Rules[i].Kind = depot.RuleClosest
			}
		}), over, "rules"},
		{"rule kind", mod(vRouting(), func(c *depot.DefineRouting) { c.Rules = []depot.RoutingRule{{Kind: depot.RuleLeastBacklog}} }),
			mod(vRouting(), func(c *depot.DefineRouting) { c.Rules = []depot.RoutingRule{{Kind: depot.RuleLeastBacklog + 1}} }), under, "rules.kind"},
		{"group rule needs a group", mod(vRouting(), func(c *depot.DefineRouting) {
			c.Rules = []depot.RoutingRule{{Kind: depot.RulePreferGroup, Group: "eu"}}
		}),
			mod(vRouting(), func(c *depot.DefineRouting) { c.Rules = []depot.RoutingRule{{Kind: depot.RulePreferGroup}} }), under, "rules.group"},
		{"only group rules take a group", nil, mod(vRouting(), func(c *depot.DefineRouting) { c.Rules = []depot.RoutingRule{{Kind: depot.RuleClosest, Group: "eu"}} }), under, "rules.group"},
		{"own locations", mod(vRouting(), func(c *depot.DefineRouting) { c.Own = strs(depot.MaxChannelLocations) }),
			mod(vRouting(), func(c *depot.DefineRouting) { c.Own = strs(depot.MaxChannelLocations + 1) }), over, "own_locations"},
		{"split penalty", mod(vRouting(), func(c *depot.DefineRouting) { c.SplitPenaltyMinor = depot.MaxPenaltyMinor }),
			mod(vRouting(), func(c *depot.DefineRouting) { c.SplitPenaltyMinor = -1 }), under, "split_penalty_minor"},

		{"order lines", mod(vOrder(), func(c *depot.CreateOrder) { c.Lines = orderLines(depot.MaxLines) }),
			mod(vOrder(), func(c *depot.CreateOrder) { c.Lines = orderLines(depot.MaxLines + 1) }), over, "lines"},
		{"order line qty", mod(vOrder(), func(c *depot.CreateOrder) { c.Lines[0].Qty = depot.MaxQty }),
			mod(vOrder(), func(c *depot.CreateOrder) { c.Lines[0].Qty = 0 }), depot.CodeInvalidQuantity, "lines.qty"},
		{"unit price", mod(vOrder(), func(c *depot.CreateOrder) { c.Lines[0].UnitPriceMinor = depot.MaxOnHand }),
			mod(vOrder(), func(c *depot.CreateOrder) { c.Lines[0].UnitPriceMinor = -1 }), under, "lines.unit_price_minor"},
		{"external id", mod(vOrder(), func(c *depot.CreateOrder) { c.ExternalID = str(depot.MaxIDLen) }),
			mod(vOrder(), func(c *depot.CreateOrder) { c.ExternalID = str(depot.MaxIDLen + 1) }), over, "external_id"},
		{"postal code", mod(vOrder(), func(c *depot.CreateOrder) { c.PostalCode = str(depot.MaxPostalCodeLen) }),
			mod(vOrder(), func(c *depot.CreateOrder) { c.PostalCode = str(depot.MaxPostalCodeLen + 1) }), over, "postal_code"},
		{"ship-to latitude", mod(vOrder(), func(c *depot.CreateOrder) { c.ShipToLatE6 = -90_000_000 }),
			mod(vOrder(), func(c *depot.CreateOrder) { c.ShipToLatE6 = -90_000_001 }), under, "ship_to_lat_e6"},
		{"level", mod(vOrder(), func(c *depot.CreateOrder) { c.Level, c.PromiseMinutes = depot.LevelQuick, 15 }),
			mod(vOrder(), func(c *depot.CreateOrder) { c.Level = depot.LevelQuick + 1 }), under, "level"},
		{"promise", mod(vOrder(), func(c *depot.CreateOrder) { c.PromiseMinutes = depot.MaxPromiseMinutes }),
			mod(vOrder(), func(c *depot.CreateOrder) { c.PromiseMinutes = depot.MaxPromiseMinutes + 1 }), under, "promise_minutes"},
		{"priority", mod(vOrder(), func(c *depot.CreateOrder) { c.Priority = depot.MaxPriority }),
			mod(vOrder(), func(c *depot.CreateOrder) { c.Priority = depot.MaxPriority + 1 }), under, "priority"},
		{"negative time", nil, mod(vOrder(), func(c *depot.CreateOrder) { c.PlacedAt = -1 }), under, "deliver_by"},
		{"attributes", mod(vOrder(), func(c *depot.CreateOrder) { c.Attributes = attributes(depot.MaxAttributes) }),
			mod(vOrder(), func(c *depot.CreateOrder) { c.Attributes = attributes(depot.MaxAttributes + 1) }), over, "attributes"},
		{"attribute key", mod(vOrder(), func(c *depot.CreateOrder) { c.Attributes = []depot.Attribute{{Key: str(depot.MaxAttributeKeyLen)}} }),
			mod(vOrder(), func(c *depot.CreateOrder) { c.Attributes = []depot.Attribute{{Key: str(depot.MaxAttributeKeyLen + 1)}} }), over, "attributes.key"},
		{"attribute value kept verbatim", mod(vOrder(), func(c *depot.CreateOrder) {
			c.Attributes = []depot.Attribute{{Key: "note", Value: "line one\nline two\t" + str(depot.MaxAttributeValueLen-19)}}
		}), mod(vOrder(), func(c *depot.CreateOrder) {
			c.Attributes = []depot.Attribute{{Key: "k", Value: str(depot.MaxAttributeValueLen + 1)}}
		}), over, "attributes.value"},
		{"attribute value UTF-8", nil, mod(vOrder(), func(c *depot.CreateOrder) { c.Attributes = []depot.Attribute{{Key: "k", Value: "\xff"}} }), under, "attributes.value"},
		{"attribute without key", nil, mod(vOrder(), func(c *depot.CreateOrder) { c.Attributes = []depot.Attribute{{Value: "v"}} }), under, "attributes.key"},

		{"step", mod(vAdvance(), func(c *depot.AdvanceShipment) { c.Step = depot.StepDeliver }),
			mod(vAdvance(), func(c *depot.AdvanceShipment) { c.Step = depot.StepDeliver + 1 }), under, "step"},
		{"tracking number", mod(vAdvance(), func(c *depot.AdvanceShipment) { c.Step, c.Tracking = depot.StepShip, str(depot.MaxIDLen) }),
			mod(vAdvance(), func(c *depot.AdvanceShipment) { c.Step, c.Tracking = depot.StepShip, str(depot.MaxIDLen+1) }), over, "tracking"},
		{"cancel lines", mod(vCancel(), func(c *depot.CancelOrder) {
			for _, id := range strs(depot.MaxLines) {
				c.Lines = append(c.Lines, depot.CancelLine{SKU: id, Qty: 1})
			}
		}), mod(vCancel(), func(c *depot.CancelOrder) {
			for _, id := range strs(depot.MaxLines + 1) {
				c.Lines = append(c.Lines, depot.CancelLine{SKU: id, Qty: 1})
			}
		}), over, "lines"},
		{"cancel SKU twice", nil, mod(vCancel(), func(c *depot.CancelOrder) { c.Lines = []depot.CancelLine{{SKU: "a", Qty: 1}, {SKU: "a", Qty: 1}} }), under, "lines.sku"},
		{"cancel reason", mod(vCancel(), func(c *depot.CancelOrder) { c.Reason = str(depot.MaxReasonLen) }),
			mod(vCancel(), func(c *depot.CancelOrder) { c.Reason = str(depot.MaxReasonLen + 1) }), over, "reason"},
		{"carrier status", mod(vTrack(), func(c *depot.TrackShipment) { c.Status = str(depot.MaxIDLen) }),
			mod(vTrack(), func(c *depot.TrackShipment) { c.Status = str(depot.MaxIDLen + 1) }), over, "status"},
		{"event time", nil, mod(vTrack(), func(c *depot.TrackShipment) { c.At = 0 }), under, "at"},

		{"utc offset", mod(vLoc(), func(c *depot.DefineLocation) { c.UTCOffsetMinutes = -depot.MaxUTCOffsetMinutes }),
			mod(vLoc(), func(c *depot.DefineLocation) { c.UTCOffsetMinutes = depot.MaxUTCOffsetMinutes + 1 }), under, "utc_offset_minutes"},
		{"pick cutoff", mod(vLoc(), func(c *depot.DefineLocation) { c.CutoffMinute = 1440 }),
			mod(vLoc(), func(c *depot.DefineLocation) { c.CutoffMinute = 1441 }), under, "cutoff_minute"},
		{"riders", mod(vLoc(), func(c *depot.DefineLocation) { c.RidersPerSlot = depot.MaxRidersPerSlot }),
			mod(vLoc(), func(c *depot.DefineLocation) { c.RidersPerSlot = depot.MaxRidersPerSlot + 1 }), under, "riders_per_slot"},
		{"rider slot divides a day", mod(vLoc(), func(c *depot.DefineLocation) { c.RiderSlotMinutes = 15 }),
			mod(vLoc(), func(c *depot.DefineLocation) { c.RiderSlotMinutes = 7 }), under, "rider_slot_minutes"},
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
		})
	}
}

func TestOrderEnumNames(t *testing.T) {
	for l := depot.LevelStandard; l <= depot.LevelQuick; l++ {
		if got, ok := depot.ParseServiceLevel(l.String()); !ok || got != l {
			t.Errorf("level %d: %q", l, l.String())
		}
	}
	for s := depot.StepRelease; s <= depot.StepDeliver; s++ {
		if got, ok := depot.ParseShipmentStep(s.String()); !ok || got != s {
			t.Errorf("step %d: %q", s, s.String())
		}
	}
	for k := depot.RuleClosest; k <= depot.RuleLeastBacklog; k++ {
		if got, ok := depot.ParseRuleKind(k.String()); !ok || got != k {
			t.Errorf("rule %d: %q", k, k.String())
		}
	}
	for _, k := range depot.OrderEventKinds() {
		if got, ok := depot.ParseEventKind(k.String()); !ok || got != k || k.String() == "unknown" {
			t.Errorf("event kind %d: %q", k, k.String())
		}
	}
}
