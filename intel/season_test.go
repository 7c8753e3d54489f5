package intel_test

import (
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/intel"
)

// perHourOfDay is a channel's orders per hour by hour of its local day: a busy day from 08:00
// to 22:00 and a quiet night.
func perHourOfDay(h int64) int64 {
	if h >= 8 && h < 22 {
		return 360
	}
	return 6
}

// A channel orders with a strong hour-of-day curve (360 orders an hour by day, 6 by night) on
// a local day offset from UTC. Until the seasonality has two days of every hour, the night's
// first long gap after a busy evening looks like an outage; with it learned, a quiet night is
// no outage, and an outage at a busy hour is still called within minutes.
func TestChannelSilenceSeasonality(t *testing.T) {
	const offset = 3600 // local time is UTC+1: local midnight is 23:00 UTC
	// day0 is a local midnight.
	day0 := (t0/(24*hour)+1)*24*hour - offset*second
	for _, tc := range []struct {
		name string
		days int64 // days of normal ordering before the judged one
		// outage silences the channel from this local hour of the judged day for an hour (-1:
		// none).
		outage       int64
		wantNight    bool // a channel_silent opens during the judged day's night (22:00 to 08:00)
		wantOutage   bool // one opens during the outage
		maxDelayMins int64
	}{
		{name: "first day: the night looks like an outage", days: 0, outage: -1, wantNight: true},
		{name: "season learned: a quiet night is not an outage", days: 3, outage: -1, wantNight: false},
		{name: "season learned: an outage at a busy hour is called", days: 3, outage: 15, wantNight: false, wantOutage: true, maxDelayMins: 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := intel.DefaultConfig()
			cfg.UTCOffset = offset
			s := newStream(t, cfg)
			s.emit(depot.Event{Kind: depot.EventReceived, SKU: "tee", Location: "wh1", Qty: 1 << 40})
			judged := day0 + tc.days*24*hour
			// The judged day runs from 08:00 local to 08:00 the next morning.
			end := judged + 32*hour
			outFrom, outTo := int64(-1), int64(-1)
			if tc.outage >= 0 {
				outFrom, outTo = judged+tc.outage*hour, judged+(tc.outage+1)*hour
			}
			for h := day0; h < end; h += hour {
				n := perHourOfDay(((h - day0) / hour) % 24)
				for i := range n {
					at := h + i*hour/n
					if at >= outFrom && at < outTo {
						s.in.Advance(at) // the clock runs on; no order arrives
						continue
					}
					s.now = at
					s.reserve("web", "tee", "wh1", 1)
				}
			}
			var night, outage []intel.Alert
			for _, a := range s.opened(intel.KindChannelSilent) {
				switch {
				case a.OpenedAt >= outFrom && a.OpenedAt < outTo:
					outage = append(outage, a)
				case a.OpenedAt >= judged+22*hour && a.OpenedAt < judged+32*hour:
					night = append(night, a)
				}
			}
			if got := len(night) > 0; got != tc.wantNight {
				t.Errorf("channel_silent during the judged night: %d alerts, want any: %v", len(night), tc.wantNight)
			}
			if got := len(outage) > 0; got != tc.wantOutage {
				t.Fatalf("channel_silent during the outage: %d alerts, want any: %v", len(outage), tc.wantOutage)
			}
			if tc.wantOutage {
				if d := (outage[0].OpenedAt - outFrom) / minute; d > tc.maxDelayMins {
					t.Errorf("the outage was called after %d minutes, want at most %d", d, tc.maxDelayMins)
				}
			}
		})
	}
}
