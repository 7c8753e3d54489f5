package carriers

import (
	"testing"
	"time"

	"pgregory.net/rapid"
)

// The integer calendar must agree with the time package for every instant and offset.
func TestLocalDayMatchesTimePackage(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ts := rapid.Int64Range(-4e18, 4e18).Draw(t, "t")
		off := int32(rapid.IntRange(-MaxUTCOffsetMinutes, MaxUTCOffsetMinutes).Draw(t, "off"))
		day, minute := LocalDay(ts, off)
		lt := time.Unix(0, ts).In(time.FixedZone("x", int(off)*60))
		if got := int(minute); got != lt.Hour()*60+lt.Minute() {
			t.Fatalf("minute %d, time says %d", got, lt.Hour()*60+lt.Minute())
		}
		if Weekday(day) != int(lt.Weekday()) {
			t.Fatalf("weekday %d, time says %d", Weekday(day), lt.Weekday())
		}
		mid := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, lt.Location())
		if DayStart(day, off) != mid.UnixNano() {
			t.Fatalf("day start %d, time says %d", DayStart(day, off), mid.UnixNano())
		}
	})
}

func TestWeekdays(t *testing.T) {
	if d, _ := LocalDay(t0, 0); Weekday(d) != 1 {
		t.Fatalf("t0 is a Monday, got %d", Weekday(d))
	}
	if !WeekdaysMF.Has(1) || WeekdaysMF.Has(0) || WeekdaysMF.Has(6) || !WeekdaysMSa.Has(6) || !Weekdays7.Has(0) {
		t.Fatal("weekday masks")
	}
}
