package carriers

import "sort"

// Zones as data. Carriers price many lanes by zone rather than by distance: a chart per origin
// that puts destination postal areas (or distance rings around the origin) into numbered zones.
// A ZoneChart holds one carrier's chart; a service priced ByZone with a chart looks its lane up
// in it, so every carrier keeps its own zone numbers.

// ZoneRule assigns lanes to a zone. A postal rule (PostalPrefix set) matches ship-tos whose postal
// code starts with the prefix, compared in folded form (ASCII upper case, spaces and hyphens
// dropped); a ring rule (PostalPrefix empty) matches lanes of at most UpToM metres. Origin limits
// the rule to parcels leaving one location and Country to ship-tos in one country; empty means
// any.
type ZoneRule struct {
	Origin       string
	Country      string
	PostalPrefix string
	UpToM        int64
	Zone         int64
}

// ZoneChart maps a lane to a zone by the most specific matching rule: a rule of the lane's origin
// before one of any origin; then postal rules before ring rules; then the longest prefix, or the
// smallest ring; then a rule of the ship-to's country before one of any country. Rules that match
// exactly the same lanes are refused, so the choice never depends on the order rules are listed
// in. A chart is immutable and safe for concurrent use.
type ZoneChart struct {
	rules []zoneRule // sorted by (Origin, Country, prefix, UpToM): canonical, whatever the input order
}

type zoneRule struct {
	ZoneRule
	prefix string // PostalPrefix folded
}

// NewZoneChart validates and copies rules.
func NewZoneChart(rules []ZoneRule) (*ZoneChart, error) {
	if len(rules) == 0 || len(rules) > MaxZoneRules {
		return nil, &ConfigError{Field: "zones", Reason: "needs 1 to MaxZoneRules rules"}
	}
	c := &ZoneChart{rules: make([]zoneRule, len(rules))}
	for i, r := range rules {
		zr := zoneRule{ZoneRule: r, prefix: string(foldPostal(nil, r.PostalPrefix))}
		switch {
		case len(r.Origin) > MaxIDLen || (r.Country != "" && len(r.Country) != 2):
			return nil, &ConfigError{Field: "zones.origin", Reason: "origin is a location id, country two letters"}
		case r.PostalPrefix != "" && (zr.prefix == "" || len(r.PostalPrefix) > MaxPostalLen || r.UpToM != 0):
			return nil, &ConfigError{Field: "zones.postal_prefix", Reason: "a postal prefix of letters and digits, and no ring"}
		case r.PostalPrefix == "" && (r.UpToM < 1 || r.UpToM > MaxRingM):
			return nil, &ConfigError{Field: "zones.up_to_m", Reason: "a ring needs 1 to MaxRingM metres"}
		case r.Zone < 0 || r.Zone > MaxZone:
			return nil, &ConfigError{Field: "zones.zone", Reason: "zones are 0 to MaxZone"}
		}
		c.rules[i] = zr
	}
	sort.Slice(c.rules, func(a, b int) bool { return c.rules[a].less(&c.rules[b]) })
	for i := 1; i < len(c.rules); i++ {
		if !c.rules[i-1].less(&c.rules[i]) {
			return nil, &ConfigError{Field: "zones", Reason: "two rules match the same lanes"}
		}
	}
	return c, nil
}

func (r *zoneRule) less(o *zoneRule) bool {
	switch {
	case r.Origin != o.Origin:
		return r.Origin < o.Origin
	case r.Country != o.Country:
		return r.Country < o.Country
	case r.prefix != o.prefix:
		return r.prefix < o.prefix
	}
	return r.UpToM < o.UpToM
}

// Len returns the number of rules.
func (c *ZoneChart) Len() int { return len(c.rules) }

// Zone returns the zone of a lane from origin (a location id) to a ship-to in country with
// postalCode, distanceM metres away, and false when no rule matches. It does not allocate.
func (c *ZoneChart) Zone(origin, country, postalCode string, distanceM int64) (int64, bool) {
	var buf [MaxPostalLen]byte
	postal := buf[:0]
	if len(postalCode) <= MaxPostalLen {
		postal = foldPostal(buf[:0], postalCode)
	}
	best := -1
	var bestRank [4]int64
	for i := range c.rules {
		r := &c.rules[i]
		if (r.Origin != "" && r.Origin != origin) || (r.Country != "" && r.Country != country) {
			continue
		}
		var rank [4]int64
		if r.Origin != "" {
			rank[0] = 1
		}
		if r.prefix != "" {
			if len(postal) < len(r.prefix) || string(postal[:len(r.prefix)]) != r.prefix {
				continue
			}
			rank[1], rank[2] = 1, int64(len(r.prefix))
		} else {
			if distanceM < 0 || distanceM > r.UpToM {
				continue
			}
			rank[2] = -r.UpToM
		}
		if r.Country != "" {
			rank[3] = 1
		}
		if best < 0 || rankAbove(rank, bestRank) {
			best, bestRank = i, rank
		}
	}
	if best < 0 {
		return 0, false
	}
	return c.rules[best].Zone, true
}

func rankAbove(a, b [4]int64) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] > b[i]
		}
	}
	return false
}

// foldPostal appends the folded form of a postal code: ASCII letters upper case, spaces and
// hyphens dropped. Any other byte ends it with nil (no rule can match such a code).
func foldPostal(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-':
			continue
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'):
		default:
			return nil
		}
		dst = append(dst, c)
	}
	return dst
}
