package sourcing

// validate checks a request against the limits before anything is searched, so the search can
// rely on bounded, non-negative numbers (no sum it forms can overflow). The available units are
// the one exception: holdings checks them as it first reads them, before any sum.
func validate(req *Request) error {
	o := &req.Order
	if len(o.Lines) == 0 || len(o.Lines) > MaxLines {
		return &RequestError{Field: "order.lines", Reason: "needs 1 to MaxLines lines"}
	}
	for i := range o.Lines {
		l := &o.Lines[i]
		if l.Qty < 1 || l.Qty > MaxQty {
			return &RequestError{Field: "order.lines.qty", Reason: "must be 1..MaxQty"}
		}
		if l.UnitWeightG < 0 || l.UnitWeightG > MaxWeightG || l.Qty*l.UnitWeightG > MaxLineWeightG {
			return &RequestError{Field: "order.lines.unit_weight_g", Reason: "out of range"}
		}
	}
	if !validCoord(o.ShipToLatE6, o.ShipToLonE6) {
		return &RequestError{Field: "order.ship_to", Reason: "coordinates out of range"}
	}
	if o.Level < Standard || o.Level > Quick {
		return &RequestError{Field: "order.level", Reason: "unknown service level"}
	}
	if o.PromiseMinutes < 0 || o.PromiseMinutes > MaxTransitMinutes || o.DeliverBy < 0 {
		return &RequestError{Field: "order.promise", Reason: "out of range"}
	}
	if len(req.Locations) > MaxLocations {
		return &RequestError{Field: "locations", Reason: "more than MaxLocations"}
	}
	for i := range req.Locations {
		l := &req.Locations[i]
		switch {
		case !validCoord(l.LatE6, l.LonE6):
			return &RequestError{Field: "locations.coordinates", Reason: "out of range"}
		case uint64(l.ServiceRadiusM) > MaxRadiusM:
			return &RequestError{Field: "locations.service_radius_m", Reason: "out of range"}
		case uint32(l.CutoffMinute) > DayMinutes:
			return &RequestError{Field: "locations.cutoff_minute", Reason: "must be 0..1440"}
		case uint32(l.UTCOffsetMinutes+MaxUTCOffsetMinutes) > 2*MaxUTCOffsetMinutes:
			return &RequestError{Field: "locations.utc_offset_minutes", Reason: "out of range"}
		case uint64(l.Backlog) > MaxQty:
			return &RequestError{Field: "locations.backlog", Reason: "out of range"}
		}
	}
	if len(req.Available) != len(o.Lines)*len(req.Locations) {
		return &RequestError{Field: "available", Reason: "needs one number per line and location"}
	}
	// The range of the available units is checked by holdings, which reads them all anyway,
	// before anything depends on them (checkAvailable).
	if len(req.Rules) > MaxRules {
		return &RequestError{Field: "rules", Reason: "more than MaxRules"}
	}
	for _, r := range req.Rules {
		if r.Kind < RuleClosest || r.Kind > RuleLeastBacklog {
			return &RequestError{Field: "rules.kind", Reason: "unknown rule"}
		}
		if (r.Kind == RulePreferGroup || r.Kind == RuleExcludeGroup) && r.Group == "" {
			return &RequestError{Field: "rules.group", Reason: "needs a group"}
		}
	}
	op := &req.Options
	if op.SplitPenaltyMinor < 0 || op.SplitPenaltyMinor > MaxQuoteMinor ||
		op.LatePenaltyPerHourMinor < 0 || op.LatePenaltyPerHourMinor > MaxQuoteMinor ||
		op.RiderSpeedMPerMin < 0 || op.QuickPrepMinutes < 0 || op.QuickPrepMinutes > DayMinutes {
		return &RequestError{Field: "options", Reason: "out of range"}
	}
	return nil
}

// checkAvailable is validate's check of the available units, done where holdings reads them
// anyway: all is the bitwise OR of the numbers as unsigned, at least as large as each of them (a
// negative one converts to a huge one), so when it is within MaxAvailable they all are, and
// only otherwise are the numbers read again.
func checkAvailable(all uint64, avail []int64) error {
	if all <= MaxAvailable {
		return nil
	}
	for _, a := range avail {
		if uint64(a) > MaxAvailable {
			return &RequestError{Field: "available", Reason: "out of range"}
		}
	}
	return nil
}

// validCoord checks both bounds of each coordinate with one unsigned comparison (see the
// available units above).
func validCoord(lat, lon int64) bool {
	return uint64(lat+MaxLatE6) <= 2*MaxLatE6 && uint64(lon+MaxLonE6) <= 2*MaxLonE6
}
