package depot

import "github.com/depothq/depot/internal/wire"

// Binary encoding of the order orchestration commands, in the layout of codec.go: fields in
// declaration order, strings and slices length-prefixed, empty slices decoded as nil so that a
// decoded command re-encodes to exactly its input.

func encodeInt64s(e *wire.Encoder, v []int64) {
	e.Uvarint(uint64(len(v)))
	for _, x := range v {
		e.Varint(x)
	}
}

func decodeInt64s(d *wire.Decoder, limit int) []int64 {
	n := d.Count(limit)
	if n == 0 {
		return nil
	}
	out := make([]int64, n)
	for i := range out {
		out[i] = d.Varint()
	}
	return out
}

func (c *DefineCarrier) encode(e *wire.Encoder) {
	e.String(c.Tenant)
	e.String(c.Carrier)
	e.Uvarint(uint64(len(c.Services)))
	for i := range c.Services {
		s := &c.Services[i]
		e.String(s.Service)
		encodeInt64s(e, s.DistanceUpToM)
		encodeInt64s(e, s.ZoneUpTo)
		encodeInt64s(e, s.WeightUpToG)
		encodeInt64s(e, s.Prices)
		e.Varint(s.TransitMinMinutes)
		e.Varint(s.TransitMaxMinutes)
		e.Varint(int64(s.CutoffMinute))
		e.Uvarint(uint64(len(s.Cutoffs)))
		for _, co := range s.Cutoffs {
			e.String(co.Location)
			e.Varint(int64(co.Minute))
		}
		e.Varint(int64(s.PickupEveryMinutes))
		e.Varint(int64(s.PickupFromMinute))
		e.Byte(s.Days)
	}
	e.Uvarint(uint64(len(c.Zones)))
	for _, z := range c.Zones {
		e.String(z.Origin)
		e.String(z.Country)
		e.String(z.PostalPrefix)
		e.Varint(z.UpToM)
		e.Varint(z.Zone)
	}
	e.Uvarint(uint64(len(c.Codes)))
	for _, code := range c.Codes {
		e.String(code.Code)
		e.Byte(uint8(code.Status))
	}
}

func (c *DefineCarrier) decode(d *wire.Decoder) {
	c.Tenant, c.Carrier = d.String(MaxIDLen), d.String(MaxIDLen)
	if n := d.Count(MaxCarrierServices); n > 0 {
		c.Services = make([]CarrierService, n)
	}
	for i := range c.Services {
		s := &c.Services[i]
		s.Service = d.String(MaxIDLen)
		s.DistanceUpToM = decodeInt64s(d, MaxRateBands)
		s.ZoneUpTo = decodeInt64s(d, MaxRateBands)
		s.WeightUpToG = decodeInt64s(d, MaxRateBands)
		s.Prices = decodeInt64s(d, MaxRateBands*MaxRateBands)
		s.TransitMinMinutes, s.TransitMaxMinutes = d.Varint(), d.Varint()
		s.CutoffMinute = decodeInt32(d)
		if m := d.Count(MaxCarrierCutoffs); m > 0 {
			s.Cutoffs = make([]CarrierCutoff, m)
			for j := range s.Cutoffs {
				s.Cutoffs[j] = CarrierCutoff{Location: d.String(MaxIDLen), Minute: decodeInt32(d)}
			}
		}
		s.PickupEveryMinutes, s.PickupFromMinute = decodeInt32(d), decodeInt32(d)
		s.Days = d.Byte()
	}
	if n := d.Count(MaxCarrierZones); n > 0 {
		c.Zones = make([]CarrierZone, n)
		for i := range c.Zones {
			c.Zones[i] = CarrierZone{Origin: d.String(MaxIDLen), Country: d.String(2), PostalPrefix: d.String(MaxPostalCodeLen),
				UpToM: d.Varint(), Zone: d.Varint()}
		}
	}
	if n := d.Count(MaxCarrierCodes); n > 0 {
		c.Codes = make([]CarrierCode, n)
		for i := range c.Codes {
			c.Codes[i] = CarrierCode{Code: d.String(MaxIDLen), Status: TrackingStatus(d.Byte())}
		}
	}
}

func (c *DefineRouting) encode(e *wire.Encoder) {
	e.String(c.Tenant)
	e.String(c.Channel)
	e.Uvarint(uint64(len(c.Rules)))
	for _, r := range c.Rules {
		e.Byte(uint8(r.Kind))
		e.String(r.Group)
	}
	e.Strings(c.Own)
	e.Bool(c.AllowSplitLines)
	e.Varint(c.SplitPenaltyMinor)
	e.Varint(c.LatePenaltyPerHourMinor)
	e.Byte(uint8(c.Backorder))
}

func (c *DefineRouting) decode(d *wire.Decoder) {
	c.Tenant, c.Channel = d.String(MaxIDLen), d.String(MaxIDLen)
	if n := d.Count(MaxRoutingRules); n > 0 {
		c.Rules = make([]RoutingRule, n)
		for i := range c.Rules {
			c.Rules[i] = RoutingRule{Kind: RuleKind(d.Byte()), Group: d.String(MaxIDLen)}
		}
	}
	c.Own = d.Strings(MaxChannelLocations, MaxIDLen)
	c.AllowSplitLines = d.Bool()
	c.SplitPenaltyMinor, c.LatePenaltyPerHourMinor = d.Varint(), d.Varint()
	c.Backorder = BackorderPolicy(d.Byte())
}

func (c *CreateOrder) encode(e *wire.Encoder) {
	e.String(c.Tenant)
	e.String(c.Channel)
	e.String(c.ExternalID)
	e.Uvarint(uint64(len(c.Lines)))
	for _, l := range c.Lines {
		e.String(l.SKU)
		e.Varint(l.Qty)
		e.Varint(l.UnitPriceMinor)
	}
	e.Varint(c.ShipToLatE6)
	e.Varint(c.ShipToLonE6)
	e.String(c.PostalCode)
	e.String(c.Country)
	e.Byte(uint8(c.Level))
	e.Varint(c.PromiseMinutes)
	e.Varint(c.PlacedAt)
	e.Varint(c.ShipBy)
	e.Varint(c.DeliverBy)
	e.Varint(c.Priority)
	e.Uvarint(uint64(len(c.Attributes)))
	for _, a := range c.Attributes {
		e.String(a.Key)
		e.String(a.Value)
	}
	e.Byte(uint8(c.Backorder))
	e.String(c.Reservation)
}

func (c *CreateOrder) decode(d *wire.Decoder) {
	c.Tenant, c.Channel, c.ExternalID = d.String(MaxIDLen), d.String(MaxIDLen), d.String(MaxIDLen)
	if n := d.Count(MaxLines); n > 0 {
		c.Lines = make([]OrderLine, n)
		for i := range c.Lines {
			c.Lines[i] = OrderLine{SKU: d.String(MaxIDLen), Qty: d.Varint(), UnitPriceMinor: d.Varint()}
		}
	}
	c.ShipToLatE6, c.ShipToLonE6 = decodeCoordinate(d), decodeCoordinate(d)
	c.PostalCode, c.Country = d.String(MaxPostalCodeLen), d.String(2)
	c.Level = ServiceLevel(d.Byte())
	c.PromiseMinutes, c.PlacedAt, c.ShipBy, c.DeliverBy = d.Varint(), d.Varint(), d.Varint(), d.Varint()
	c.Priority = d.Varint()
	if n := d.Count(MaxAttributes); n > 0 {
		c.Attributes = make([]Attribute, n)
		for i := range c.Attributes {
			c.Attributes[i] = Attribute{Key: d.String(MaxAttributeKeyLen), Value: d.String(MaxAttributeValueLen)}
		}
	}
	c.Backorder = BackorderPolicy(d.Byte())
	c.Reservation = d.String(MaxIDLen)
}

func (c *AdvanceShipment) encode(e *wire.Encoder) {
	e.String(c.Tenant)
	e.String(c.Shipment)
	e.Byte(uint8(c.Step))
	e.String(c.Tracking)
}

func (c *AdvanceShipment) decode(d *wire.Decoder) {
	c.Tenant, c.Shipment = d.String(MaxIDLen), d.String(MaxIDLen)
	c.Step = ShipmentStep(d.Byte())
	c.Tracking = d.String(MaxIDLen)
}

func (c *CancelOrder) encode(e *wire.Encoder) {
	e.String(c.Tenant)
	e.String(c.Order)
	e.Uvarint(uint64(len(c.Lines)))
	for _, l := range c.Lines {
		e.String(l.SKU)
		e.Varint(l.Qty)
	}
	e.String(c.Reason)
}

func (c *CancelOrder) decode(d *wire.Decoder) {
	c.Tenant, c.Order = d.String(MaxIDLen), d.String(MaxIDLen)
	if n := d.Count(MaxLines); n > 0 {
		c.Lines = make([]CancelLine, n)
		for i := range c.Lines {
			c.Lines[i] = CancelLine{SKU: d.String(MaxIDLen), Qty: d.Varint()}
		}
	}
	c.Reason = d.String(MaxReasonLen)
}

func (c *TrackShipment) encode(e *wire.Encoder) {
	e.String(c.Tenant)
	e.String(c.Shipment)
	e.String(c.Status)
	e.Varint(c.At)
}

func (c *TrackShipment) decode(d *wire.Decoder) {
	c.Tenant, c.Shipment, c.Status = d.String(MaxIDLen), d.String(MaxIDLen), d.String(MaxIDLen)
	c.At = d.Varint()
}

func (c *RaiseException) encode(e *wire.Encoder) {
	e.String(c.Tenant)
	e.String(c.Order)
	e.String(c.Code)
	e.String(c.Note)
}

func (c *RaiseException) decode(d *wire.Decoder) {
	c.Tenant, c.Order, c.Code, c.Note = d.String(MaxIDLen), d.String(MaxIDLen), d.String(MaxIDLen), d.String(MaxExceptionNoteLen)
}

func (c *ResolveException) encode(e *wire.Encoder) {
	e.String(c.Tenant)
	e.String(c.Order)
	e.String(c.Code)
	e.String(c.Note)
}

func (c *ResolveException) decode(d *wire.Decoder) {
	c.Tenant, c.Order, c.Code, c.Note = d.String(MaxIDLen), d.String(MaxIDLen), d.String(MaxIDLen), d.String(MaxExceptionNoteLen)
}
