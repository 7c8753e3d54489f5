package carriers

// Local calendar arithmetic on unix nanoseconds with a fixed UTC offset. The time package is
// forbidden in pure packages, and a fixed offset is all a decision needs: the caller passes the
// offset in force for the location (daylight saving is its concern, not ours).

// Weekdays is a set of days of the week: bit 0 is Sunday, bit 6 Saturday (the numbering of
// Weekday).
type Weekdays uint8

// Common day sets.
const (
	Weekdays7   Weekdays = 0x7f // every day
	WeekdaysMF  Weekdays = 0x3e // Monday to Friday
	WeekdaysMSa Weekdays = 0x7e // Monday to Saturday
)

// Has reports whether weekday wd (0 = Sunday) is in the set.
func (w Weekdays) Has(wd int) bool { return w&(1<<uint(wd)) != 0 }

// LocalDay returns the local day number (days since 1970-01-01 in local time) and the minute of
// that day of the instant t (unix nanoseconds) at a fixed UTC offset in minutes.
func LocalDay(t int64, utcOffsetMinutes int32) (day int64, minute int32) {
	local := t + int64(utcOffsetMinutes)*MinuteNanos
	day = floorDiv(local, DayNanos)
	minute = int32((local - day*DayNanos) / MinuteNanos)
	return day, minute
}

// DayStart returns the instant (unix nanoseconds) of local midnight starting local day day.
func DayStart(day int64, utcOffsetMinutes int32) int64 {
	return day*DayNanos - int64(utcOffsetMinutes)*MinuteNanos
}

// Weekday returns the weekday of a local day number, 0 = Sunday. 1970-01-01 was a Thursday.
func Weekday(day int64) int { return int(floorMod(day+4, 7)) }

// floorDiv divides rounding toward minus infinity, so instants before 1970 land on the right day.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

// ceilDiv divides non-negative a by positive b rounding up.
func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }
