package carriers

import (
	"testing"

	"pgregory.net/rapid"
)

// Collections through the day: the schedule's edges, each against the instant it must give.
func TestPickupSchedule(t *testing.T) {
	day := int64(1705276800) * 1e9 // Monday 2024-01-15 00:00 UTC
	const m = MinuteNanos
	// Every 15 minutes from 08:00 to the 18:10 cutoff (off the grid), Monday to Friday; at
	// "late" the last collection is 20:00.
	courier := Service{CutoffMinute: 18*60 + 10, PickupEveryMinutes: 15, PickupFromMinute: 8 * 60, Days: WeekdaysMF,
		Cutoffs: []Cutoff{{"late", 20 * 60}}}
	// A night service: every hour from 22:00 to 03:00, in windows opening Monday to Friday.
	night := Service{CutoffMinute: 3 * 60, PickupEveryMinutes: 60, PickupFromMinute: 22 * 60, Days: WeekdaysMF}
	// Round the clock: every 30 minutes from 00:00 to 24:00, every day.
	allDay := Service{CutoffMinute: DayMinutes, PickupEveryMinutes: 30, Days: Weekdays7}
	for _, tc := range []struct {
		name  string
		s     *Service
		loc   string
		off   int32
		ready int64
		want  int64
	}{
		{"before the first collection", &courier, "x", 0, day + 6*hour, day + 8*hour},
		{"at the first collection", &courier, "x", 0, day + 8*hour, day + 8*hour},
		{"just after a collection", &courier, "x", 0, day + 8*hour + 1, day + 8*hour + 15*m},
		{"on the grid", &courier, "x", 0, day + 12*hour + 45*m, day + 12*hour + 45*m},
		{"between the grid and the cutoff", &courier, "x", 0, day + 18*hour + 1, day + 18*hour + 10*m},
		{"at the cutoff", &courier, "x", 0, day + 18*hour + 10*m, day + 18*hour + 10*m},
		{"after the last collection", &courier, "x", 0, day + 18*hour + 10*m + 1, day + 24*hour + 8*hour},
		{"location cutoff extends the day", &courier, "late", 0, day + 19*hour + 50*m, day + 20*hour},
		{"friday evening to monday", &courier, "x", 0, day + 4*24*hour + 19*hour, day + 7*24*hour + 8*hour},
		{"sunday to monday", &courier, "x", 0, day + 6*24*hour + 12*hour, day + 7*24*hour + 8*hour},
		// At UTC+2 the window 08:00-18:10 local is 06:00-16:10 UTC.
		{"offset", &courier, "x", 120, day + 7*hour + 1, day + 7*hour + 15*m},
		{"offset after the last", &courier, "x", 120, day + 16*hour + 11*m, day + 24*hour + 6*hour},
		{"night: before it opens", &night, "x", 0, day + 20*hour, day + 22*hour},
		{"night: after midnight, yesterday's window", &night, "x", 0, day + 24*hour + 1*hour + 30*m, day + 24*hour + 2*hour},
		{"night: its last collection after midnight", &night, "x", 0, day + 24*hour + 2*hour + 1, day + 24*hour + 3*hour},
		{"night: closed until the evening", &night, "x", 0, day + 24*hour + 3*hour + 1, day + 24*hour + 22*hour},
		// Monday 01:00 belongs to Sunday's window, which does not open (Monday to Friday).
		{"night: a window of a day off", &night, "x", 0, day + 1*hour, day + 22*hour},
		// Saturday 01:00 belongs to Friday's window.
		{"night: friday's window on saturday", &night, "x", 0, day + 5*24*hour + 1*hour, day + 5*24*hour + 1*hour},
		{"night: saturday evening to monday", &night, "x", 0, day + 5*24*hour + 21*hour, day + 7*24*hour + 22*hour},
		{"all day: midnight", &allDay, "x", 0, day, day},
		{"all day: the last of the day is the next's first", &allDay, "x", 0, day + 23*hour + 30*m + 1, day + 24*hour},
	} {
		got, ok := tc.s.NextPickup(tc.loc, tc.off, tc.ready)
		if !ok || got != tc.want {
			t.Errorf("%s: pickup %+.2fh (ok %v), want %+.2fh", tc.name, float64(got-day)/float64(hour), ok, float64(tc.want-day)/float64(hour))
		}
	}
}

func TestPickupScheduleValidation(t *testing.T) {
	base := Service{Carrier: "c", ID: "s", Rates: card(1, 1, 1, 1), TransitMaxMinutes: 60, CutoffMinute: 18 * 60, Days: Weekdays7}
	for _, tc := range []struct {
		name        string
		every, from int32
		ok          bool
	}{
		{"daily", 0, 0, true},
		{"every 5 minutes", MinPickupEveryMinutes, 7 * 60, true},
		{"every 12 hours", MaxPickupEveryMinutes, 0, true},
		{"from the last minute of the day", 60, DayMinutes - 1, true},
		{"from without an interval", 0, 60, false},
		{"too often", MinPickupEveryMinutes - 1, 0, false},
		{"too seldom", MaxPickupEveryMinutes + 1, 0, false},
		{"negative interval", -15, 0, false},
		{"from midnight at the end", 60, DayMinutes, false},
		{"negative from", 60, -1, false},
	} {
		s := base
		s.PickupEveryMinutes, s.PickupFromMinute = tc.every, tc.from
		if _, err := NewSelector([]Service{s}); (err == nil) != tc.ok {
			t.Errorf("%s: err %v, want ok %v", tc.name, err, tc.ok)
		}
	}
}

// pickupService draws a valid service's schedule: once a day or through the day, windows within
// the day or through midnight, any weekdays and location cutoffs.
func pickupService(t *rapid.T) Service {
	s := Service{Carrier: "c", ID: "s", Rates: card(1, 1, 1, 1),
		CutoffMinute: int32(rapid.IntRange(1, DayMinutes).Draw(t, "cutoff")),
		Days:         Weekdays(rapid.IntRange(1, int(Weekdays7)).Draw(t, "days"))}
	if rapid.Bool().Draw(t, "through the day") {
		s.PickupEveryMinutes = int32(rapid.IntRange(MinPickupEveryMinutes, MaxPickupEveryMinutes).Draw(t, "every"))
		s.PickupFromMinute = int32(rapid.IntRange(0, DayMinutes-1).Draw(t, "from"))
	}
	if rapid.Bool().Draw(t, "location cutoff") {
		s.Cutoffs = []Cutoff{{Location: "loc", Minute: int32(rapid.IntRange(1, DayMinutes).Draw(t, "loc cutoff"))}}
	}
	s.TransitMinMinutes = int64(rapid.IntRange(0, 3*DayMinutes).Draw(t, "transit min"))
	s.TransitMaxMinutes = s.TransitMinMinutes + int64(rapid.IntRange(0, 3*DayMinutes).Draw(t, "transit spread"))
	return s
}

// collections lists the service's collections at location in the local days [first, last] by
// walking every window minute by minute: the schedule as its definition reads, with none of
// nextPickup's arithmetic.
func collections(s *Service, location string, off int32, first, last int64) []int64 {
	var out []int64
	cut := int64(s.cutoffAt(location))
	for d := first; d <= last; d++ {
		if !s.Days.Has(Weekday(d)) {
			continue
		}
		start := DayStart(d, off)
		if s.PickupEveryMinutes == 0 {
			out = append(out, start+cut*MinuteNanos)
			continue
		}
		from, end := int64(s.PickupFromMinute), cut
		if end < from {
			end += DayMinutes
		}
		for mi := from; mi <= end; mi++ {
			if (mi-from)%int64(s.PickupEveryMinutes) == 0 || mi == end {
				out = append(out, start+mi*MinuteNanos)
			}
		}
	}
	return out
}

// The next pickup is the first collection at or after the hand-over, as a minute-by-minute walk
// of the schedule finds it; so the carrier's promise is never before the hand-over plus the
// minimum transit, and never before its collection plus the maximum.
func TestPromiseFollowsTheParcel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := pickupService(t)
		sel, err := NewSelector([]Service{s})
		if err != nil {
			t.Fatalf("drawn service invalid: %v", err)
		}
		loc := rapid.SampledFrom([]string{"loc", "other"}).Draw(t, "location")
		off := int32(rapid.IntRange(-MaxUTCOffsetMinutes, MaxUTCOffsetMinutes).Draw(t, "offset"))
		handed := t0 + rapid.Int64Range(0, 14*DayNanos).Draw(t, "handed over")
		p, ok := sel.PromiseFrom(0, loc, off, handed)
		if !ok {
			t.Fatal("a service collecting on some weekday found no collection")
		}
		day, _ := LocalDay(handed, off)
		want := int64(-1)
		for _, at := range collections(&s, loc, off, day-1, day+MaxPickupSearchDays) {
			if at >= handed {
				want = at
				break
			}
		}
		if p.PickupAt != want {
			t.Fatalf("pickup %d, the schedule's first collection at or after %d is %d", p.PickupAt, handed, want)
		}
		sv := sel.Service(0)
		if p.EarliestAt < handed+sv.TransitMinMinutes*MinuteNanos || p.DueAt != p.PickupAt+sv.TransitMaxMinutes*MinuteNanos ||
			p.PromisedAt < p.DueAt || p.DueAt < p.EarliestAt {
			t.Fatalf("promise %+v for a parcel handed over at %d (transit %d..%d min)", p, handed, sv.TransitMinMinutes, sv.TransitMaxMinutes)
		}
	})
}

// Selection plans with the collections: a courier calling every 30 minutes promises a parcel
// ready at 10:05 for 11:30 plus margin and meets a noon promise, where the same courier calling
// once a day at its 18:00 cutoff would not; the cheaper once-a-day service wins when the promise
// allows it.
func TestChoosePlansWithCollections(t *testing.T) {
	cheap := Service{Carrier: "bike", ID: "daily", Rates: card(300, 300, 300, 300), TransitMinMinutes: 10, TransitMaxMinutes: 60,
		CutoffMinute: 18 * 60, Days: Weekdays7}
	courier := cheap
	courier.ID, courier.Rates = "collect", card(400, 400, 400, 400)
	courier.PickupEveryMinutes, courier.PickupFromMinute = 30, 8*60
	sel := mustSelector(t, []Service{cheap, courier})
	sh := Shipment{Location: "wh-1", ReadyAt: t0 + 5*MinuteNanos, DistanceM: 1_000, WeightG: 500}
	sh.DeliverBy = t0 + 2*hour
	c, err := sel.Choose(&sh)
	if err != nil || c.ServiceID != "collect" || c.AtRisk || c.PickupAt != t0+30*MinuteNanos {
		t.Fatalf("a noon promise: %+v %v, want the courier's 10:30 collection", c, err)
	}
	sh.DeliverBy = t0 + 12*hour
	if c, err := sel.Choose(&sh); err != nil || c.ServiceID != "daily" || c.PickupAt != t0+8*hour {
		t.Fatalf("an evening promise: %+v %v, want the daily 18:00 collection", c, err)
	}
}
