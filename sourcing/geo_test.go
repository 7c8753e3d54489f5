package sourcing

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

func TestCosTable(t *testing.T) {
	for i, v := range cosQ30 {
		want := math.Round(math.Cos(float64(i)*math.Pi/180) * (1 << 30))
		if float64(v) != want {
			t.Fatalf("cosQ30[%d] = %d, want %.0f", i, v, want)
		}
	}
	for lat := int64(0); lat <= 90_000_000; lat += 12_345 {
		got := float64(cosMicroDeg(lat)) / (1 << 30)
		want := math.Cos(float64(lat) / 1e6 * math.Pi / 180)
		if math.Abs(got-want) > 4e-5 {
			t.Fatalf("cos(%d µdeg) = %f, want %f", lat, got, want)
		}
	}
}

// TestCosMicroDegIsTheSignedFormula pins cosMicroDeg's unsigned arithmetic to the formula it
// stands for: a distance reaches decisions, so a faster cosine must give the very same numbers.
func TestCosMicroDegIsTheSignedFormula(t *testing.T) {
	signed := func(latE6 int64) int64 {
		if latE6 < 0 {
			latE6 = -latE6
		}
		if latE6 >= 90_000_000 {
			return 0
		}
		i, f := latE6/1_000_000, latE6%1_000_000
		return cosQ30[i] + (cosQ30[i+1]-cosQ30[i])*f/1_000_000
	}
	for _, lat := range []int64{0, 1, 999_999, 1_000_000, 1_000_001, 45_500_000, 89_999_999, 90_000_000, -1, -89_999_999, -90_000_000} {
		if got, want := cosMicroDeg(lat), signed(lat); got != want {
			t.Fatalf("cos(%d) = %d, want %d", lat, got, want)
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		lat := rapid.Int64Range(-MaxLatE6, MaxLatE6).Draw(t, "lat")
		if got, want := cosMicroDeg(lat), signed(lat); got != want {
			t.Fatalf("cos(%d) = %d, want %d", lat, got, want)
		}
	})
}

func haversine(lat1, lon1, lat2, lon2 int64) float64 {
	const r = 6371008.8
	rad := func(e6 int64) float64 { return float64(e6) / 1e6 * math.Pi / 180 }
	dLat, dLon := rad(lat2-lat1), rad(lon2-lon1)
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(rad(lat1))*math.Cos(rad(lat2))*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}

// TestDistanceError measures the documented error bounds against haversine.
func TestDistanceError(t *testing.T) {
	for _, c := range []struct {
		maxLatE6, maxDistM int64
		rel                float64
	}{{60_000_000, 100_000, 0.0005}, {70_000_000, 500_000, 0.005}} {
		worst := 0.0
		rapid.Check(t, func(rt *rapid.T) {
			lat := rapid.Int64Range(-c.maxLatE6, c.maxLatE6).Draw(rt, "lat")
			lon := rapid.Int64Range(-180_000_000, 180_000_000).Draw(rt, "lon")
			// A destination up to maxDistM away in a random direction.
			d := float64(rapid.Int64Range(0, c.maxDistM).Draw(rt, "d"))
			bearing := float64(rapid.IntRange(0, 359).Draw(rt, "b")) * math.Pi / 180
			dLat := int64(d * math.Cos(bearing) / 0.11119508)
			dLon := int64(d * math.Sin(bearing) / 0.11119508 / math.Cos(float64(lat)/1e6*math.Pi/180))
			lat2, lon2 := lat+dLat, lon+dLon
			if lat2 < -c.maxLatE6 || lat2 > c.maxLatE6 {
				return
			}
			if lon2 > 180_000_000 {
				lon2 -= 360_000_000
			} else if lon2 < -180_000_000 {
				lon2 += 360_000_000
			}
			got, want := float64(Distance(lat, lon, lat2, lon2)), haversine(lat, lon, lat2, lon2)
			err := math.Abs(got-want) - 2
			if err > c.rel*want {
				rt.Fatalf("distance %.0f m, haversine %.0f m: error above %.1f%% + 2 m", got, want, c.rel*100)
			}
			if want > 10_000 && math.Abs(got-want)/want > worst {
				worst = math.Abs(got-want) / want
			}
		})
		t.Logf("lat <= %d°, d <= %d km: worst relative error beyond 10 km %.4f%%", c.maxLatE6/1e6, c.maxDistM/1000, worst*100)
	}
}

func TestDistanceCases(t *testing.T) {
	for _, c := range []struct {
		lat1, lon1, lat2, lon2 int64
		want, tol              int64
	}{
		{0, 0, 0, 0, 0, 0},
		{0, 0, 1_000_000, 0, 111_195, 1},                                 // one degree of latitude
		{0, 179_990_000, 0, -179_990_000, 2_224, 1},                      // across the antimeridian
		{52_520_000, 13_405_000, 48_137_000, 11_575_000, 504_000, 2_000}, // Berlin-Munich
		{-90_000_000, 0, 90_000_000, 0, 20_015_114, 5},                   // pole to pole
	} {
		got := Distance(c.lat1, c.lon1, c.lat2, c.lon2)
		if got < c.want-c.tol || got > c.want+c.tol {
			t.Errorf("Distance(%d,%d,%d,%d) = %d, want %d±%d", c.lat1, c.lon1, c.lat2, c.lon2, got, c.want, c.tol)
		}
		if back := Distance(c.lat2, c.lon2, c.lat1, c.lon1); back != got {
			t.Errorf("not symmetric: %d vs %d", got, back)
		}
	}
}

func TestIsqrt(t *testing.T) {
	for n := int64(0); n < 100_000; n++ {
		r := isqrt(n)
		if r*r > n || (r+1)*(r+1) <= n {
			t.Fatalf("isqrt(%d) = %d", n, r)
		}
	}
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.Int64Range(0, 1<<61).Draw(rt, "n")
		r := isqrt(n)
		if r*r > n || (r+1)*(r+1) <= n {
			rt.Fatalf("isqrt(%d) = %d", n, r)
		}
	})
}
