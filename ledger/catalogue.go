package ledger

import (
	"github.com/depothq/depot"
)

// Catalogue commands create or update SKUs, locations and channels. They are naturally
// idempotent (they set state), so they need no remembered ids.

func (l *Ledger) defineSKU(st *step, c *depot.DefineSKU) *depot.Rejection {
	t := l.tenantOf(c.Tenant)
	var existing *sku
	if t != nil {
		existing = t.skus[c.SKU]
	}
	if existing == nil && t != nil && len(t.skus) >= depot.MaxSKUs {
		return depot.Reject(depot.CodeLimitExceeded, "sku", "at most %d SKUs per tenant", depot.MaxSKUs)
	}
	comps := make([]component, 0, len(c.Components))
	for _, comp := range c.Components {
		var cs *sku
		if t != nil {
			cs = t.skus[comp.SKU]
		}
		if cs == nil {
			return depot.Reject(depot.CodeUnknownSKU, "components.sku", "unknown component SKU %q", comp.SKU)
		}
		// One level of kits keeps expansion bounded by MaxLines * MaxComponents.
		if len(cs.components) > 0 {
			return depot.Reject(depot.CodeInvalidArgument, "components.sku", "component %q is itself a kit; kits nest one level", comp.SKU)
		}
		comps = append(comps, component{sku: cs, qty: comp.Qty})
	}
	if existing != nil && len(comps) > 0 && len(existing.components) == 0 && t.skuHasPositions(existing) {
		return depot.Reject(depot.CodeInvalidState, "components", "SKU %q holds stock and cannot become a kit", c.SKU)
	}
	if existing != nil && len(existing.components) == 0 && len(comps) > 0 && t.isComponent(existing) {
		return depot.Reject(depot.CodeInvalidState, "components", "SKU %q is a component of a kit and cannot become a kit", c.SKU)
	}
	t, rej := l.ensureTenant(c.Tenant)
	if rej != nil {
		return rej
	}
	s := existing
	if s == nil {
		s = &sku{id: c.SKU, idx: uint32(len(t.skuList))}
		t.skus[c.SKU] = s
		t.skuList = append(t.skuList, s)
	}
	s.name, s.weightGrams, s.priceMinor = c.Name, c.WeightGrams, c.PriceMinor
	if len(comps) == 0 {
		comps = nil
	}
	s.components = comps
	l.emit(st, t, depot.Event{Kind: depot.EventSKUDefined, Ref: c.SKU, SKU: c.SKU})
	return nil
}

func (t *tenant) skuHasPositions(s *sku) bool {
	for _, loc := range t.locList {
		if t.positionOf(s, loc) >= 0 {
			return true
		}
	}
	return false
}

func (t *tenant) isComponent(s *sku) bool {
	for _, k := range t.skuList {
		for _, c := range k.components {
			if c.sku == s {
				return true
			}
		}
	}
	return false
}

func (l *Ledger) defineLocation(st *step, c *depot.DefineLocation) *depot.Rejection {
	t := l.tenantOf(c.Tenant)
	var existing *location
	if t != nil {
		existing = t.locations[c.Location]
		if existing == nil && len(t.locations) >= depot.MaxLocations {
			return depot.Reject(depot.CodeLimitExceeded, "location", "at most %d locations per tenant", depot.MaxLocations)
		}
	}
	t, rej := l.ensureTenant(c.Tenant)
	if rej != nil {
		return rej
	}
	loc := existing
	if loc == nil {
		loc = &location{id: c.Location, idx: uint32(len(t.locList))}
		t.locations[c.Location] = loc
		t.locList = append(t.locList, loc)
	}
	loc.name, loc.kind, loc.status = c.Name, c.Type, c.Status
	loc.latE6, loc.lonE6 = c.LatE6, c.LonE6
	loc.serviceRadiusM, loc.capacityPerHour = c.ServiceRadiusM, c.CapacityPerHour
	loc.groups = append([]string(nil), c.Groups...)
	// The event carries the pick cutoff and UTC offset (see depot.Event) for projections: the
	// ledger keeps neither, order orchestration does.
	l.emit(st, t, depot.Event{Kind: depot.EventLocationDefined, Ref: c.Location, Location: c.Location, Reason: c.Status.String(),
		Qty: int64(c.CutoffMinute), At: int64(c.UTCOffsetMinutes)})
	return nil
}

func (l *Ledger) defineChannel(st *step, c *depot.DefineChannel) *depot.Rejection {
	t := l.tenantOf(c.Tenant)
	if t == nil {
		if len(c.Locations) > 0 {
			return depot.Reject(depot.CodeUnknownLocation, "locations", "unknown location %q", c.Locations[0])
		}
		if len(c.Overrides) > 0 {
			return depot.Reject(depot.CodeUnknownSKU, "sku_buffers.sku", "unknown SKU %q", c.Overrides[0].SKU)
		}
	}
	if t != nil && t.channels[c.Channel] == nil && len(t.channels) >= depot.MaxChannels {
		return depot.Reject(depot.CodeLimitExceeded, "channel", "at most %d channels per tenant", depot.MaxChannels)
	}
	locs := make([]*location, 0, len(c.Locations))
	for _, id := range c.Locations {
		loc := t.locations[id]
		if loc == nil {
			return depot.Reject(depot.CodeUnknownLocation, "locations", "unknown location %q", id)
		}
		locs = append(locs, loc)
	}
	var overrides map[*sku]depot.Buffer
	if len(c.Overrides) > 0 {
		overrides = make(map[*sku]depot.Buffer, len(c.Overrides))
		for _, o := range c.Overrides {
			s := t.skus[o.SKU]
			if s == nil {
				return depot.Reject(depot.CodeUnknownSKU, "sku_buffers.sku", "unknown SKU %q", o.SKU)
			}
			if _, dup := overrides[s]; dup {
				return depot.Reject(depot.CodeInvalidArgument, "sku_buffers.sku", "SKU %q has two buffers", o.SKU)
			}
			overrides[s] = o.Buffer
		}
	}
	t, rej := l.ensureTenant(c.Tenant)
	if rej != nil {
		return rej
	}
	ch := t.channels[c.Channel]
	if ch == nil {
		ch = &channel{id: c.Channel}
		t.channels[c.Channel] = ch
	}
	ch.name, ch.locations, ch.buffer, ch.overrides = c.Name, locs, c.Default, overrides
	l.emit(st, t, depot.Event{Kind: depot.EventChannelDefined, Ref: c.Channel, Channel: c.Channel})
	return nil
}

// bufferFor returns the buffer that applies to s on the channel.
func (ch *channel) bufferFor(s *sku) depot.Buffer {
	if b, ok := ch.overrides[s]; ok {
		return b
	}
	return ch.buffer
}

// withhold applies a buffer to the summed ATP of the feeding locations: the larger of the unit
// and percent buffers is withheld (percent rounds up, so a buffer never under-protects), the
// cap bounds what is left, and the answer is never below zero.
func withhold(sum int64, b depot.Buffer) int64 {
	if sum <= 0 {
		return 0
	}
	w := b.Units
	if b.Percent > 0 {
		p := (sum*b.Percent + 99) / 100
		if p > w {
			w = p
		}
	}
	avail := sum - w
	if b.Cap > 0 && avail > b.Cap {
		avail = b.Cap
	}
	if avail < 0 {
		return 0
	}
	return avail
}

// feeds reports whether loc feeds the channel.
func (ch *channel) feeds(loc *location) bool {
	for _, l := range ch.locations {
		if l == loc {
			return true
		}
	}
	return false
}
