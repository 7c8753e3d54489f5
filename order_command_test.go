package depot_test

import (
	"strconv"
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

// vZoned is a carrier whose one service is priced by zone: Berlin postal codes are zone 1, a
// 50 km ring zone 2.
func vZoned() *depot.DefineCarrier {
	s := vService()
	s.DistanceUpToM, s.ZoneUpTo = nil, []int64{3}
	return &depot.DefineCarrier{Tenant: "acme", Carrier: "dpd", Services: []depot.CarrierService{s},
		Zones: []depot.CarrierZone{{PostalPrefix: "10", Zone: 1}, {UpToM: 50_000, Zone: 2}}}
}

func zoneRules(n int) []depot.CarrierZone {
	out := make([]depot.CarrierZone, n)
	for i := range out {
		out[i] = depot.CarrierZone{UpToM: int64(i + 1), Zone: 1}
	}
	return out
}

func codes(n int) []depot.CarrierCode {
	out := make([]depot.CarrierCode, n)
	for i := range out {
		out[i] = depot.CarrierCode{Code: "c" + strconv.Itoa(i), Status: depot.TrackingInTransit}
	}
	return out
}

// TestDefineCarrierAtEveryLimitFits holds the sizing note of limits.go: a define_carrier with
// every list at its limit and every string at its longest encodes within MaxCommandBytes.
func TestDefineCarrierAtEveryLimitFits(t *testing.T) {
	c := &depot.DefineCarrier{Tenant: str(depot.MaxIDLen), Carrier: str(depot.MaxIDLen)}
	for i := range depot.MaxCarrierServices {
		s := depot.CarrierService{Service: strconv.Itoa(i) + str(depot.MaxIDLen-2), DistanceUpToM: bands(depot.MaxRateBands),
			WeightUpToG: bands(depot.MaxRateBands), TransitMaxMinutes: depot.MaxTransitMinutes, CutoffMinute: 1440,
			PickupEveryMinutes: depot.MaxPickupEveryMinutes, PickupFromMinute: 1439, Days: 0x7f}
		for range depot.MaxRateBands * depot.MaxRateBands {
			s.Prices = append(s.Prices, depot.MaxPriceMinor)
		}
		for j := range depot.MaxCarrierCutoffs {
			s.Cutoffs = append(s.Cutoffs, depot.CarrierCutoff{Location: strconv.Itoa(j) + str(depot.MaxIDLen-2), Minute: 1440})
		}
		c.Services = append(c.Services, s)
	}
	for i := range depot.MaxCarrierZones {
		c.Zones = append(c.Zones, depot.CarrierZone{Origin: str(depot.MaxIDLen), Country: "DE",
			PostalPrefix: strconv.Itoa(i) + strings.Repeat("9", depot.MaxPostalCodeLen-2), Zone: depot.MaxZone})
	}
	for i := range depot.MaxCarrierCodes {
		c.Codes = append(c.Codes, depot.CarrierCode{Code: strconv.Itoa(i) + str(depot.MaxIDLen-2), Status: depot.TrackingCancelled})
	}
	if r := c.Validate(); r != nil {
		t.Fatalf("at every limit: %v", r)
	}
	data := depot.AppendEnvelope(nil, &depot.Envelope{Seq: 1 << 62, Time: 1 << 62, Cmd: c})
	if len(data) > depot.MaxCommandBytes {
		t.Fatalf("a define_carrier at every limit is %d bytes, over MaxCommandBytes %d", len(data), depot.MaxCommandBytes)
	}
	if _, err := depot.DecodeEnvelope(data); err != nil {
		t.Fatalf("decode: %v", err)
	}
}

func TestTrackingStatusNames(t *testing.T) {
	want := []string{"pre_transit", "in_transit", "out_for_delivery", "delivered", "available_for_pickup", "delivery_failed",
		"exception", "return_to_sender", "cancelled"}
	for i, name := range want {
		s := depot.TrackingStatus(i + 1)
		if s.String() != name {
			t.Errorf("status %d is %q, want %q", i+1, s, name)
		}
		if got, ok := depot.ParseTrackingStatus(name); !ok || got != s {
			t.Errorf("ParseTrackingStatus(%q) = %v, %v", name, got, ok)
		}
	}
	for p, name := range map[depot.BackorderPolicy]string{0: "lines", depot.BackorderLines: "lines", depot.BackorderPartial: "partial",
		depot.BackorderShipComplete: "ship_complete"} {
		if p.String() != name {
			t.Errorf("policy %d is %q, want %q", p, p, name)
		}
	}
}

func TestFoldPostal(t *testing.T) {
	for in, want := range map[string]string{"10117": "10117", "sw1a 1aa": "SW1A1AA", "1011-AB": "1011AB", " - ": "", "10*": "", "": ""} {
		if got := string(depot.FoldPostal(nil, in)); got != want {
			t.Errorf("FoldPostal(%q) = %q, want %q", in, got, want)
		}
	}
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
		{"pickup interval", svc(func(s *depot.CarrierService) { s.PickupEveryMinutes = depot.MinPickupEveryMinutes }),
			svc(func(s *depot.CarrierService) { s.PickupEveryMinutes = depot.MinPickupEveryMinutes - 1 }), under, "services.pickup_every_minutes"},
		{"pickup interval at most", svc(func(s *depot.CarrierService) { s.PickupEveryMinutes = depot.MaxPickupEveryMinutes }),
			svc(func(s *depot.CarrierService) { s.PickupEveryMinutes = depot.MaxPickupEveryMinutes + 1 }), under, "services.pickup_every_minutes"},
		{"first collection", svc(func(s *depot.CarrierService) { s.PickupEveryMinutes, s.PickupFromMinute = 60, 1439 }),
			svc(func(s *depot.CarrierService) { s.PickupEveryMinutes, s.PickupFromMinute = 60, 1440 }), under, "services.pickup_from_minute"},
		{"first collection needs an interval", nil, svc(func(s *depot.CarrierService) { s.PickupFromMinute = 480 }), under, "services.pickup_from_minute"},
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

		{"zone card", mod(vZoned(), func(c *depot.DefineCarrier) {}), mod(vZoned(), func(c *depot.DefineCarrier) { c.Zones = nil }), under, "services.zone_up_to"},
		{"distance or zone", nil, mod(vZoned(), func(c *depot.DefineCarrier) { c.Services[0].DistanceUpToM = []int64{1} }), under, "services.zone_up_to"},
		{"zone bands", mod(vZoned(), func(c *depot.DefineCarrier) { c.Services[0].ZoneUpTo = []int64{depot.MaxZone} }),
			mod(vZoned(), func(c *depot.DefineCarrier) { c.Services[0].ZoneUpTo = []int64{depot.MaxZone + 1} }), under, "services.zone_up_to"},
		{"zone rules", mod(vZoned(), func(c *depot.DefineCarrier) { c.Zones = zoneRules(depot.MaxCarrierZones) }),
			mod(vZoned(), func(c *depot.DefineCarrier) { c.Zones = zoneRules(depot.MaxCarrierZones + 1) }), over, "zones"},
		{"zone number", mod(vZoned(), func(c *depot.DefineCarrier) { c.Zones[0].Zone = depot.MaxZone }),
			mod(vZoned(), func(c *depot.DefineCarrier) { c.Zones[0].Zone = -1 }), under, "zones.zone"},
		{"prefix or ring", nil, mod(vZoned(), func(c *depot.DefineCarrier) { c.Zones[0].UpToM = 5 }), under, "zones.up_to_m"},
		{"ring", mod(vZoned(), func(c *depot.DefineCarrier) { c.Zones[1].UpToM = depot.MaxRingM }),
			mod(vZoned(), func(c *depot.DefineCarrier) { c.Zones[1].UpToM = depot.MaxRingM + 1 }), under, "zones.up_to_m"},
		{"postal prefix", mod(vZoned(), func(c *depot.DefineCarrier) { c.Zones[0].PostalPrefix = "sw1a-1" }),
			mod(vZoned(), func(c *depot.DefineCarrier) { c.Zones[0].PostalPrefix = "10*" }), under, "zones.postal_prefix"},
		{"postal prefix length", mod(vZoned(), func(c *depot.DefineCarrier) { c.Zones[0].PostalPrefix = strings.Repeat("1", depot.MaxPostalCodeLen) }),
			mod(vZoned(), func(c *depot.DefineCarrier) { c.Zones[0].PostalPrefix = strings.Repeat("1", depot.MaxPostalCodeLen+1) }), over, "zones.postal_prefix"},
		{"zone country", mod(vZoned(), func(c *depot.DefineCarrier) { c.Zones[0].Country = "DE" }),
			mod(vZoned(), func(c *depot.DefineCarrier) { c.Zones[0].Country = "de" }), under, "zones.country"},
		{"the same lanes twice", nil, mod(vZoned(), func(c *depot.DefineCarrier) {
			c.Zones = append(c.Zones, depot.CarrierZone{PostalPrefix: "1 0", Zone: 4})
		}), under, "zones"},
		{"tracking codes", mod(vCarrier(), func(c *depot.DefineCarrier) { c.Codes = codes(depot.MaxCarrierCodes) }),
			mod(vCarrier(), func(c *depot.DefineCarrier) { c.Codes = codes(depot.MaxCarrierCodes + 1) }), over, "codes"},
		{"tracking code status", mod(vCarrier(), func(c *depot.DefineCarrier) {
			c.Codes = []depot.CarrierCode{{Code: "ZU", Status: depot.TrackingCancelled}}
		}),
			mod(vCarrier(), func(c *depot.DefineCarrier) {
				c.Codes = []depot.CarrierCode{{Code: "ZU", Status: depot.TrackingCancelled + 1}}
			}), under, "codes.status"},
		{"tracking code twice", nil, mod(vCarrier(), func(c *depot.DefineCarrier) {
			c.Codes = []depot.CarrierCode{{Code: "Out for Delivery", Status: depot.TrackingOutForDelivery}, {Code: "out-for-delivery", Status: depot.TrackingInTransit}}
		}), under, "codes.code"},
		{"backorder policy", mod(vOrder(), func(c *depot.CreateOrder) { c.Backorder = depot.BackorderShipComplete }),
			mod(vOrder(), func(c *depot.CreateOrder) { c.Backorder = depot.BackorderShipComplete + 1 }), under, "backorder"},
		{"channel backorder policy", mod(vRouting(), func(c *depot.DefineRouting) { c.Backorder = depot.BackorderPartial }),
			mod(vRouting(), func(c *depot.DefineRouting) { c.Backorder = depot.BackorderShipComplete + 1 }), under, "backorder"},
		{"reservation", mod(vOrder(), func(c *depot.CreateOrder) { c.Reservation = str(depot.MaxIDLen) }),
			mod(vOrder(), func(c *depot.CreateOrder) { c.Reservation = str(depot.MaxIDLen + 1) }), over, "reservation"},
		{"exception code", &depot.RaiseException{Tenant: "acme", Order: "o-1", Code: str(depot.MaxIDLen)},
			&depot.RaiseException{Tenant: "acme", Order: "o-1"}, under, "code"},
		{"exception note", &depot.RaiseException{Tenant: "acme", Order: "o-1", Code: "c", Note: str(depot.MaxExceptionNoteLen)},
			&depot.RaiseException{Tenant: "acme", Order: "o-1", Code: "c", Note: str(depot.MaxExceptionNoteLen + 1)}, over, "note"},
		{"resolution code", &depot.ResolveException{Tenant: "acme", Order: "o-1", Code: "fixed"},
			&depot.ResolveException{Tenant: "acme", Order: "o-1", Code: str(depot.MaxIDLen + 1)}, over, "code"},
		{"resolution order", nil, &depot.ResolveException{Tenant: "acme", Code: "fixed"}, under, "order"},

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
