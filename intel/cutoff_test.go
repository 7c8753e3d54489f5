package intel_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/intel"
)

// localDay returns the offset from t0 of the first local midnight after t0 at a UTC offset in
// minutes.
func localDay(offsetMin int64) int64 {
	const day = 24 * hour
	off := offsetMin * minute
	local := t0 + off
	next := local - local%day + day // local midnight after t0, in local time
	return next - off - t0
}

func TestCutoffRisk(t *testing.T) {
	const every = 30 * second // one shipment of two units: 240 units per hour
	for _, tc := range []struct {
		name      string
		offset    int64 // minutes east of UTC
		cutoff    int64 // local minute of day, 0: none
		backlog   int64 // units committed at 08:00 local
		pickFrom  int64 // local hour picking starts (0: never)
		fastFrom  int64 // local hour the pace goes to five times (0: never)
		wantOpen  int
		wantShort float64 // units short at 12:00 local in the view (-1: not checked)
	}{
		{"clears before the cutoff", 120, 16 * 60, 200, 8, 0, 0, 0},
		{"twelve hours of work, eight to the cutoff", 120, 16 * 60, 3000, 8, 0, 1, 3000 - 240*4 - 240*4},
		{"west of UTC, cutoff at midnight", -300, 1440, 4500, 8, 0, 1, 4500 - 240*4 - 240*12},
		{"pick capacity added at 10:00", 120, 16 * 60, 3000, 8, 10, 1, -1},
		{"no cutoff", 120, 0, 3000, 8, 0, 0, 0},
		{"not picking: closed or not started", 120, 16 * 60, 3000, 0, 0, 0, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStream(t, intel.DefaultConfig())
			mid := localDay(tc.offset)
			s.at(mid + 7*hour)
			s.emit(depot.Event{Kind: depot.EventLocationDefined, Ref: "wh1", Location: "wh1", Reason: "open", Qty: tc.cutoff, At: tc.offset})
			s.at(mid + 8*hour)
			for range tc.backlog / 2 {
				s.emit(depot.Event{Kind: depot.EventCommitted, SKU: "tee", Location: "wh1", Qty: 2, Ref: "r"})
			}
			n, left := 0, tc.backlog
			for at := mid + 8*hour; at < mid+25*hour; {
				step := every
				if tc.fastFrom > 0 && at >= mid+tc.fastFrom*hour {
					step = every / 5
				}
				at += step
				s.at(at)
				if tc.pickFrom == 0 || at < mid+tc.pickFrom*hour || left <= 0 {
					s.in.Advance(t0 + at)
				} else {
					n++
					left -= 2
					s.emit(depot.Event{Kind: depot.EventShipped, SKU: "tee", Location: "wh1", Qty: 2, Ref: fmt.Sprintf("s%d", n)})
				}
				if at == mid+12*hour {
					v := s.in.Locations("acme")[0].Node
					if v.CutoffMinute != int32(tc.cutoff) || v.UTCOffsetMinutes != int32(tc.offset) {
						t.Fatalf("view %+v: cutoff and offset not taken from location_defined", v)
					}
					if tc.cutoff == 0 && (v.CutoffInHours != -1 || v.CutoffUnitsShort != 0) {
						t.Fatalf("view %+v: a location without a cutoff has no cutoff risk", v)
					}
					if tc.cutoff != 0 && math.Abs(v.CutoffInHours-float64(tc.cutoff-12*60)/60) > 1e-9 {
						t.Fatalf("cutoff in %.3f h at 12:00, want %.3f", v.CutoffInHours, float64(tc.cutoff-12*60)/60)
					}
					// The 15-minute rate read between discrete picks is within about 1% of the pace.
					if tc.wantShort >= 0 && math.Abs(v.CutoffUnitsShort-tc.wantShort) > 0.02*float64(v.Backlog) {
						t.Fatalf("units short at 12:00 %.1f, want about %.0f (view %+v)", v.CutoffUnitsShort, tc.wantShort, v)
					}
					if tc.wantShort > 0 && (!v.CutoffRisk || v.CutoffHoursShort <= 0) {
						t.Fatalf("view %+v: short of the cutoff without an open cutoff_risk", v)
					}
				}
			}
			got := s.opened(intel.KindCutoffRisk)
			if len(got) != tc.wantOpen {
				t.Fatalf("want %d cutoff_risk alerts, got %d: %+v", tc.wantOpen, len(got), got)
			}
			if tc.wantOpen == 0 {
				return
			}
			a := got[0]
			if a.Location != "wh1" || a.Subject != "wh1" || a.OpenedAt > t0+mid+8*hour+5*minute {
				t.Fatalf("alert %+v opened %s after 08:00", a, fmt.Sprint((a.OpenedAt-t0-mid-8*hour)/second, "s"))
			}
			if a.Action.Verb != "resource_orders" || a.Action.Location != "wh1" ||
				!strings.Contains(a.Action.Text, "Re-source orders away from wh1 or add pick capacity before cutoff") {
				t.Fatalf("action %+v", a.Action)
			}
			ev := map[string]float64{}
			for _, m := range a.Evidence.Values {
				ev[m.Name] = m.Value
			}
			if ev["units_short"] != a.ImpactUnits || ev["units_short"] < 20 || ev["time_short"] < 0.25 ||
				ev["cutoff_local"] != float64(tc.cutoff) || ev["utc_offset"] != float64(tc.offset) || a.TimeToImpactNs <= 0 ||
				math.Abs(hoursOf(a.TimeToImpactNs)-ev["cutoff_in"]) > 1e-9 {
				t.Fatalf("evidence %v, alert %+v", ev, a)
			}
			// Resolved: by the added capacity, or when the cutoff passed.
			if s.resolved(intel.KindCutoffRisk) != 1 {
				t.Fatal("cutoff_risk did not resolve")
			}
			var resolvedAt int64
			for _, c := range s.changes {
				if c.To == intel.StateResolved && c.Alert.Kind == intel.KindCutoffRisk {
					resolvedAt = c.Alert.ResolvedAt - t0 - mid
				}
			}
			want := tc.cutoff * minute
			if tc.fastFrom > 0 {
				// 3000 - 480 units at 1,200 an hour from 10:00 clear by 12:06: well before 16:00.
				want = tc.fastFrom*hour + 20*minute
			}
			if resolvedAt < want-20*minute || resolvedAt > want+minute {
				t.Fatalf("resolved at %s local, want about %s", fmt.Sprint(resolvedAt/minute, "min"), fmt.Sprint(want/minute, "min"))
			}
		})
	}
}

// hoursOf converts nanoseconds to hours.
func hoursOf(ns int64) float64 { return float64(ns) / float64(hour) }
