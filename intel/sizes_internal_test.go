package intel

import (
	"testing"
	"unsafe"
)

// The package doc states the bytes per series and Stats reports them from constants (the core
// may not import unsafe); this keeps both equal to the structs' real sizes.
func TestSeriesSizesMatchTheDoc(t *testing.T) {
	for _, tc := range []struct {
		name     string
		constant int64
		real     uintptr
		extra    int64
	}{
		{"position", sizePosition, unsafe.Sizeof(position{}), 0},
		{"demand series", sizeDemand, unsafe.Sizeof(demandSeries{}), 0},
		{"channel", sizeChannel, unsafe.Sizeof(channelSeries{}), 0},
		{"location", sizeLocation, unsafe.Sizeof(locationSeries{}), 0},
		{"carrier service", sizeCarrier, unsafe.Sizeof(carrierSeries{}), 0},
		{"alert", sizeAlert, unsafe.Sizeof(alert{}), 16},
		{"demand ref", demandRefBytes, unsafe.Sizeof(demandRef{}), 0},
		{"ad series", sizeAd, unsafe.Sizeof(adSeries{}), 0},
		{"lane", sizeLane, unsafe.Sizeof(laneSeries{}), 0},
		{"parcel timer", sizeParcelTimer, unsafe.Sizeof(parcelTimer{}), 0},
		{"parcel (map value)", 16, unsafe.Sizeof(parcel{}), 0},
		{"channel fulfilment window", fulfilBytes, unsafe.Sizeof(channelFulfilment{}), 0},
		{"ad map key", 12, unsafe.Sizeof(adKey{}), 0},
		{"demand variance (in position)", 32, unsafe.Sizeof(demandVar{}), 0},
	} {
		if got := int64(tc.real) + tc.extra; got != tc.constant {
			t.Errorf("%s is %d bytes, the constant (and the package doc) says %d: update both", tc.name, got, tc.constant)
		}
	}
}
