package sim

import (
	"testing"
	"time"
)

// The simulated carriers collect by their timetables, in the city's local time: the bike
// courier every five minutes from 06:00 to midnight, the express services three times a day,
// ground services once, at their cutoff.
func TestCollections(t *testing.T) {
	sc := &Scenario{City: berlin, Carriers: defaultCarriers()}
	day := DefaultStart // Monday 2 June 2025, 00:00 in Berlin
	at := func(h, m int) int64 { return day + int64(h)*int64(time.Hour) + int64(m)*int64(time.Minute) }
	for _, tc := range []struct {
		carrier, service string
		handed, want     int64
	}{
		{"stadtkurier", "kurier-instant", at(0, 10), at(6, 0)},
		{"stadtkurier", "kurier-instant", at(6, 0), at(6, 0)},
		{"stadtkurier", "kurier-instant", at(14, 1), at(14, 5)},
		{"stadtkurier", "kurier-instant", at(23, 57), at(24, 0)},
		{"stadtkurier", "kurier-same-day", at(17, 59), at(18, 0)},
		{"stadtkurier", "kurier-same-day", at(18, 1), at(24+8, 0)},
		{"dhl", "dhl-express", at(11, 1), at(14, 0)},
		{"dhl", "dhl-express", at(17, 1), at(24+11, 0)},
		{"dhl", "dhl-paket", at(9, 0), at(18, 0)},
		{"hermes", "hermes-standard", at(16, 1), at(24+16, 0)},
	} {
		svc := sc.carrierService(tc.carrier, tc.service)
		if got := sc.collection(svc, tc.handed); got != tc.want {
			t.Errorf("%s handed over at %s: collected %s, want %s", tc.service, time.Unix(0, tc.handed).In(berlin.TimeZone()).Format("15:04"),
				time.Unix(0, got).In(berlin.TimeZone()).Format("Mon 15:04"), time.Unix(0, tc.want).In(berlin.TimeZone()).Format("Mon 15:04"))
		}
	}
}
