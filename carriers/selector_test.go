package carriers

import (
	"errors"
	"testing"

	"pgregory.net/rapid"
)

func TestRateCard(t *testing.T) {
	c := card(100, 200, 300, 400)
	for _, tc := range []struct {
		key, w int64
		want   int64
		ok     bool
	}{
		{0, 0, 100, true}, {50_000, 1_000, 100, true}, {50_001, 1_000, 300, true}, {10, 1_001, 200, true},
		{500_000, 10_000, 400, true}, {500_001, 1, 0, false}, {1, 10_001, 0, false}, {-1, 1, 0, false},
	} {
		got, ok := c.Price(tc.key, tc.w)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Price(%d, %d) = %d %v, want %d %v", tc.key, tc.w, got, ok, tc.want, tc.ok)
		}
	}
}

func TestNextPickup(t *testing.T) {
	s := Service{CutoffMinute: 15 * 60, Days: WeekdaysMF, Cutoffs: []Cutoff{{"late", 20 * 60}}}
	day := int64(1705276800) * 1e9 // Monday 2024-01-15 00:00 UTC
	for _, tc := range []struct {
		name  string
		loc   string
		off   int32
		ready int64
		want  int64
	}{
		{"before cutoff", "x", 0, day + 10*hour, day + 15*hour},
		{"at cutoff", "x", 0, day + 15*hour, day + 15*hour},
		{"after cutoff", "x", 0, day + 15*hour + 1, day + 24*hour + 15*hour},
		{"location override", "late", 0, day + 16*hour, day + 20*hour},
		{"friday evening to monday", "x", 0, day + 4*24*hour + 16*hour, day + 7*24*hour + 15*hour},
		{"saturday to monday", "x", 0, day + 5*24*hour, day + 7*24*hour + 15*hour},
		// At UTC+2 the local cutoff 15:00 is 13:00 UTC: ready at 14:00 UTC misses it.
		{"offset", "x", 120, day + 14*hour, day + 24*hour + 13*hour},
		// At UTC-5, Monday 02:00 UTC is still Sunday locally: the first pickup is Monday 15:00 local.
		{"offset across midnight", "x", -300, day + 2*hour, day + 20*hour},
	} {
		got, ok := s.NextPickup(tc.loc, tc.off, tc.ready)
		if !ok || got != tc.want {
			t.Errorf("%s: pickup %d (%+.1fh), want %+.1fh", tc.name, got, float64(got-day)/float64(hour), float64(tc.want-day)/float64(hour))
		}
	}
}

func TestChoose(t *testing.T) {
	sel := mustSelector(t, fiveServices())
	base := Shipment{Location: "wh-1", ReadyAt: t0, DistanceM: 30_000, Zone: 1, WeightG: 800}
	for _, tc := range []struct {
		name    string
		by      int64
		mut     func(*Shipment)
		want    string
		atRisk  bool
		wantErr error
	}{
		// dpd is cheapest (420), but its 72 h (+ margin) misses a 3-day promise; dhl (450)
		// with 48 h + 10% from a 16:00 pickup makes it.
		{name: "no promise: cheapest", by: 0, want: "dpd/classic"},
		{name: "cheapest misses, next cheapest meets", by: t0 + 3*24*hour, want: "dhl/paket"},
		{name: "courier beats express on price", by: t0 + 36*hour, want: "cour/sameday"},
		{name: "only express meets", by: t0 + 36*hour, mut: func(s *Shipment) { s.Zone = 3 }, want: "ups/express"},
		{name: "only the courier meets", by: t0 + 10*hour, want: "cour/sameday"},
		{name: "none meets: fastest at risk", by: t0 + 4*hour, want: "cour/sameday", atRisk: true},
		{name: "zone 3 is beyond the courier", by: t0 + 4*hour, mut: func(s *Shipment) { s.Zone = 3 }, want: "ups/express", atRisk: true},
		{name: "heavy parcel", by: 0, mut: func(s *Shipment) { s.WeightG = 9_000 }, want: "dpd/classic"},
		{name: "too heavy for all", by: 0, mut: func(s *Shipment) { s.WeightG = 20_000 }, wantErr: ErrNoService},
		// gls picks up at 20:00 at wh-late, so a parcel ready at 18:00 still leaves today and
		// arrives by Wednesday 11:36 (36 h + 10% margin); elsewhere it would leave Tuesday.
		{name: "late location cutoff", by: t0 + 50*hour, mut: func(s *Shipment) { s.Location, s.ReadyAt = "wh-late", t0+8*hour },
			want: "gls/business"},
	} {
		sh := base
		sh.DeliverBy = tc.by
		if tc.mut != nil {
			tc.mut(&sh)
		}
		c, err := sel.Choose(&sh)
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: err %v, want %v", tc.name, err, tc.wantErr)
			continue
		}
		if err != nil {
			continue
		}
		if got := c.Carrier + "/" + c.ServiceID; got != tc.want || c.AtRisk != tc.atRisk {
			t.Errorf("%s: chose %s at risk %v, want %s %v (%+v)", tc.name, got, c.AtRisk, tc.want, tc.atRisk, c)
		}
		if !c.AtRisk && tc.by != 0 && c.PromisedAt > tc.by {
			t.Errorf("%s: promised %d after %d", tc.name, c.PromisedAt, tc.by)
		}
	}
}

// Cheapest versus fastest: the cheap service misses the promise, so the dearer one that meets it
// is chosen; once the cheap one's record improves, its risk margin shrinks and it wins again.
func TestStoryCheapestVersusFastest(t *testing.T) {
	cheap := Service{Carrier: "eco", ID: "ground", Rates: card(300, 300, 300, 300), TransitMaxMinutes: 40 * 60,
		CutoffMinute: 17 * 60, Days: Weekdays7, OnTime: NewOnTimeScore(5_000)}
	fast := Service{Carrier: "zip", ID: "express", Rates: card(900, 900, 900, 900), TransitMaxMinutes: 20 * 60,
		CutoffMinute: 17 * 60, Days: Weekdays7, OnTime: NewOnTimeScore(9_900)}
	sel := mustSelector(t, []Service{cheap, fast})
	// Pickup 17:00 Monday; promise Wednesday 12:00 (67 h after the pickup).
	sh := Shipment{Location: "wh", ReadyAt: t0, DistanceM: 10_000, WeightG: 500, DeliverBy: t0 + 7*hour + 43*hour}
	c, _ := sel.Choose(&sh)
	// eco promises 40 h + a 50% risk margin = 60 h after the pickup: 7 h too late.
	if c.Carrier != "zip" || c.AtRisk {
		t.Fatalf("want the fast service, got %+v", c)
	}
	i, _ := sel.Index("eco", "ground")
	for k := 0; k < 40; k++ {
		sel.Observe(i, true)
	}
	if bp := sel.Service(i).OnTime.BP(); bp < 9_000 {
		t.Fatalf("score %d after 40 on-time deliveries", bp)
	}
	c, _ = sel.Choose(&sh)
	if c.Carrier != "eco" || c.RiskMarginMinutes > 4*60 {
		t.Fatalf("want the cheap service once it is reliable, got %+v", c)
	}
}

func TestSelectorConfig(t *testing.T) {
	ok := fiveServices()[0]
	for name, mut := range map[string]func(*Service){
		"no carrier":      func(s *Service) { s.Carrier = "" },
		"basis":           func(s *Service) { s.Rates.Basis = 0 },
		"bands":           func(s *Service) { s.Rates.BandUpTo = []int64{5, 5} },
		"prices":          func(s *Service) { s.Rates.Prices = s.Rates.Prices[:3] },
		"negative price":  func(s *Service) { s.Rates.Prices[0] = -1 },
		"transit":         func(s *Service) { s.TransitMinMinutes = s.TransitMaxMinutes + 1 },
		"cutoff":          func(s *Service) { s.CutoffMinute = 0 },
		"days":            func(s *Service) { s.Days = 0 },
		"dup cutoff":      func(s *Service) { s.Cutoffs = []Cutoff{{"a", 60}, {"a", 90}} },
		"location cutoff": func(s *Service) { s.Cutoffs = []Cutoff{{"a", 1441}} },
	} {
		s := ok
		s.Rates.Prices = append([]int64(nil), ok.Rates.Prices...)
		mut(&s)
		var ce *ConfigError
		if _, err := NewSelector([]Service{s}); !errors.As(err, &ce) {
			t.Errorf("%s: want ConfigError, got %v", name, err)
		}
	}
	if _, err := NewSelector([]Service{ok, ok}); err == nil {
		t.Error("duplicate service accepted")
	}
}

func genServices(t *rapid.T) []Service {
	n := rapid.IntRange(1, 6).Draw(t, "services")
	out := make([]Service, n)
	for i := range out {
		p := rapid.SliceOfN(rapid.Int64Range(100, 2000), 4, 4).Draw(t, "prices")
		tmin := rapid.Int64Range(60, 48*60).Draw(t, "tmin")
		out[i] = Service{
			Carrier: rapid.SampledFrom([]string{"a", "b", "c"}).Draw(t, "carrier"), ID: string(rune('p' + i)),
			Rates: card(p...), TransitMinMinutes: tmin, TransitMaxMinutes: tmin + rapid.Int64Range(0, 48*60).Draw(t, "spread"),
			CutoffMinute: int32(rapid.IntRange(1, DayMinutes).Draw(t, "cutoff")),
			Days:         Weekdays(rapid.IntRange(1, 127).Draw(t, "days")),
			OnTime:       NewOnTimeScore(int32(rapid.IntRange(0, BasisPoints).Draw(t, "score"))),
		}
	}
	return out
}

func genShipment(t *rapid.T) Shipment {
	return Shipment{
		Location: "wh", UTCOffsetMinutes: int32(rapid.IntRange(-600, 600).Draw(t, "off")),
		ReadyAt:   t0 + rapid.Int64Range(0, 7*24*60).Draw(t, "ready")*MinuteNanos,
		DeliverBy: t0 + rapid.Int64Range(0, 10*24*60).Draw(t, "by")*MinuteNanos,
		DistanceM: rapid.Int64Range(0, 600_000).Draw(t, "d"), WeightG: rapid.Int64Range(0, 12_000).Draw(t, "w"),
	}
}

// When some service meets DeliverBy, the one chosen does and none meeting it is cheaper;
// otherwise the choice is the fastest and flagged at risk.
func TestPropertyChoiceMeetsPromiseWhenPossible(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		svcs := genServices(t)
		for i := range svcs {
			svcs[i].ID += string(rune('0' + i)) // unique
		}
		sel := mustSelector(t, svcs)
		sh := genShipment(t)
		c, err := sel.Choose(&sh)
		meets, any := false, false
		for i := 0; i < sel.Len(); i++ {
			q, ok := sel.Quote(i, &sh)
			if !ok {
				continue
			}
			any = true
			if q.PromisedAt <= sh.DeliverBy {
				meets = true
				if err == nil && !c.AtRisk && q.PriceMinor < c.PriceMinor {
					t.Fatalf("%s/%s meets the promise for %d, chose %+v", q.Carrier, q.ServiceID, q.PriceMinor, c)
				}
			}
			if err == nil && c.AtRisk && q.PromisedAt < c.PromisedAt {
				t.Fatalf("at risk but %s/%s is faster", q.Carrier, q.ServiceID)
			}
		}
		switch {
		case !any:
			if !errors.Is(err, ErrNoService) {
				t.Fatalf("want ErrNoService, got %v", err)
			}
		case meets:
			if err != nil || c.AtRisk || c.PromisedAt > sh.DeliverBy {
				t.Fatalf("a service meets the promise but chose %+v (%v)", c, err)
			}
		default:
			if err != nil || !c.AtRisk {
				t.Fatalf("none meets the promise, want at risk, got %+v (%v)", c, err)
			}
		}
	})
}

func TestPropertyChoiceIndependentOfServiceOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		svcs := genServices(t)
		for i := range svcs {
			svcs[i].ID += string(rune('0' + i))
		}
		perm := rapid.Permutation(svcs).Draw(t, "perm")
		a, b := mustSelector(t, svcs), mustSelector(t, perm)
		sh := genShipment(t)
		ca, ea := a.Choose(&sh)
		cb, eb := b.Choose(&sh)
		if ca != cb || ea != eb {
			t.Fatalf("order changed the choice: %+v vs %+v", ca, cb)
		}
	})
}
