package carriers

import (
	"testing"
)

func zoneChart(t *testing.T) *ZoneChart {
	t.Helper()
	c, err := NewZoneChart([]ZoneRule{
		{PostalPrefix: "1", Zone: 3},                                     // any origin, postal area 1
		{PostalPrefix: "10", Zone: 2},                                    // Berlin centre
		{PostalPrefix: "10", Country: "DE", Zone: 1},                     // the same, in Germany only
		{Origin: "wh-hh", PostalPrefix: "2", Zone: 1},                    // Hamburg's own area
		{Origin: "wh-hh", UpToM: 400_000, Zone: 4},                       // Hamburg's ring
		{UpToM: 50_000, Zone: 5},                                         // any origin, 50 km ring
		{UpToM: 800_000, Zone: 6},                                        // any origin, 800 km ring
		{Origin: "wh-muc", Country: "AT", PostalPrefix: "sw-1", Zone: 7}, // folded "SW1"
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestZoneChart(t *testing.T) {
	c := zoneChart(t)
	for _, tc := range []struct {
		name                    string
		origin, country, postal string
		dist                    int64
		want                    int64
		ok                      bool
	}{
		{"longest prefix wins", "wh-ber", "PL", "10117", 900_000, 2, true},
		{"the country's rule before any country's", "wh-ber", "DE", "10117", 10, 1, true},
		{"a shorter prefix", "wh-ber", "DE", "12045", 10, 3, true},
		{"postal before ring", "wh-ber", "DE", "12045", 1, 3, true},
		{"ring when no prefix matches", "wh-ber", "DE", "80331", 40_000, 5, true},
		{"the smallest ring", "wh-ber", "DE", "80331", 60_000, 6, true},
		{"beyond every ring", "wh-ber", "DE", "80331", 900_000, 0, false},
		{"the origin's rule first", "wh-hh", "DE", "20095", 5, 1, true},
		{"the origin's ring before an any-origin prefix", "wh-hh", "DE", "10117", 300_000, 4, true},
		{"the origin's ring before a smaller any-origin ring", "wh-hh", "DE", "80331", 10, 4, true},
		{"folded prefix", "wh-muc", "AT", "sw1a 1aa", 900_000, 7, true},
		{"country mismatch", "wh-muc", "DE", "SW1A1AA", 900_000, 0, false},
		{"unfoldable postal code matches rings only", "wh-ber", "DE", "10*17", 10, 5, true},
	} {
		got, ok := c.Zone(tc.origin, tc.country, tc.postal, tc.dist)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: zone %d %v, want %d %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestZoneChartRefuses(t *testing.T) {
	for name, rules := range map[string][]ZoneRule{
		"empty":             nil,
		"same lanes":        {{PostalPrefix: "10", Zone: 1}, {PostalPrefix: "1-0", Zone: 2}},
		"same ring":         {{UpToM: 5, Zone: 1}, {UpToM: 5, Zone: 2}},
		"prefix and ring":   {{PostalPrefix: "10", UpToM: 5, Zone: 1}},
		"no ring":           {{Zone: 1}},
		"zone out of range": {{UpToM: 5, Zone: MaxZone + 1}},
		"bad prefix":        {{PostalPrefix: "1*", Zone: 1}},
	} {
		if _, err := NewZoneChart(rules); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestChooseByZoneChart(t *testing.T) {
	chart := zoneChart(t)
	zoned := Service{Carrier: "dpd", ID: "zone", Rates: RateCard{Basis: ByZone, BandUpTo: []int64{1, 3, 6}, WeightUpToG: []int64{5_000},
		Prices: []int64{300, 500, 700}}, Zones: chart, TransitMaxMinutes: 48 * 60, CutoffMinute: 16 * 60, Days: WeekdaysMF}
	sel := mustSelector(t, append(fiveServices()[:1], zoned)) // dhl paket costs 450 within 50 km
	for _, tc := range []struct {
		name    string
		sh      Shipment
		carrier string
		price   int64
	}{
		{"zone 1 is cheaper than the distance card", Shipment{Location: "wh-ber", Country: "DE", PostalCode: "10117", DistanceM: 10_000, WeightG: 800}, "dpd", 300},
		{"zone 5 is dearer", Shipment{Location: "wh-ber", Country: "DE", PostalCode: "80331", DistanceM: 40_000, WeightG: 800}, "dhl", 450},
		{"no zone: the zone card cannot carry it", Shipment{Location: "wh-ber", Country: "DE", PostalCode: "80331", DistanceM: 900_000, WeightG: 800}, "", 0},
	} {
		tc.sh.ReadyAt = t0
		c, err := sel.Choose(&tc.sh)
		if tc.carrier == "" {
			if err == nil {
				t.Errorf("%s: chose %s/%s", tc.name, c.Carrier, c.ServiceID)
			}
			continue
		}
		if err != nil || c.Carrier != tc.carrier || c.PriceMinor != tc.price {
			t.Errorf("%s: %s/%s at %d (%v), want %s at %d", tc.name, c.Carrier, c.ServiceID, c.PriceMinor, err, tc.carrier, tc.price)
		}
	}
	if n := testing.AllocsPerRun(100, func() {
		_, _ = sel.Choose(&Shipment{Location: "wh-ber", Country: "DE", PostalCode: "10117", DistanceM: 10_000, WeightG: 800, ReadyAt: t0})
	}); n != 0 {
		t.Errorf("Choose with a zone chart allocates %.0f times", n)
	}
}
