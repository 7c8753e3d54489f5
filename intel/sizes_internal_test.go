package intel

import "testing"

// The package doc states the bytes per series; this keeps it honest when a struct grows.
func TestSeriesSizesMatchTheDoc(t *testing.T) {
	for _, tc := range []struct {
		name      string
		got, want int64
	}{
		{"position", sizePosition, 168},
		{"demand series", sizeDemand, 88},
		{"channel", sizeChannel, 136},
		{"location", sizeLocation, 48},
		{"carrier service", sizeCarrier, 64},
		{"alert", sizeAlert, 160},
	} {
		t.Logf("%s: %d bytes", tc.name, tc.got)
		if tc.got > tc.want {
			t.Errorf("%s is %d bytes, the package doc says %d: update both", tc.name, tc.got, tc.want)
		}
	}
}
