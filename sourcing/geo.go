package sourcing

import "math"

// Distances use the equirectangular approximation in integer fixed point, so every replica gets
// the same metres on every platform:
//
//	x = Δlon · cos(mean latitude),  y = Δlat,  d = R · sqrt(x² + y²)
//
// with R the mean Earth radius (6,371,008.8 m), the cosine interpolated linearly from a table of
// whole degrees in Q30 (interpolation error below 4e-5, relative), and the square root computed
// exactly on integers. Against the haversine great-circle distance the error is below 0.05% plus
// 2 m up to 100 km at latitudes up to 60° (measured worst 0.016%), and below 0.5% plus 2 m up to
// 500 km at latitudes up to 70° (measured worst 0.22%); geo_test.go checks both. The 2 m are
// the rounding of the two legs to whole metres. The error grows with distance and latitude
// difference, which is why it is fine for radius checks, ranking and rate bands at city and
// regional scale, and not meant for intercontinental lanes.

// metresPerMicroDegQ32 is 2πR/360e6 in Q32: the length of one micro-degree of latitude.
const metresPerMicroDegQ32 = 477_579_233

// cosQ30 is cos(i°) for i = 0..90 in Q30, rounded to nearest (generated once with math.Cos and
// pasted as literals so no platform's floating point can enter a distance).
var cosQ30 = [91]int64{
	1073741824, 1073578288, 1073087729, 1072270298, 1071126243, 1069655912, 1067859754, 1065738315,
	1063292242, 1060522280, 1057429273, 1054014162, 1050277989, 1046221891, 1041847103, 1037154959,
	1032146887, 1026824413, 1021189159, 1015242840, 1008987269, 1002424350, 995556083, 988384560,
	980911966, 973140576, 965072759, 956710970, 948057759, 939115760, 929887697, 920376381,
	910584710, 900515665, 890172315, 879557810, 868675383, 857528349, 846120104, 834454122,
	822533958, 810363241, 797945680, 785285058, 772385229, 759250125, 745883746, 732290163,
	718473518, 704438018, 690187940, 675727625, 661061475, 646193961, 631129609, 615873009,
	600428808, 584801711, 568996477, 553017922, 536870912, 520560366, 504091252, 487468587,
	470697435, 453782903, 436730145, 419544355, 402230767, 384794656, 367241333, 349576144,
	331804471, 313931728, 295963357, 277904834, 259761657, 241539355, 223243478, 204879599,
	186453311, 167970228, 149435979, 130856211, 112236583, 93582766, 74900443, 56195305,
	37473049, 18739379, 0,
}

// cosMicroDeg returns cos of a latitude in micro-degrees, in Q30.
func cosMicroDeg(latE6 int64) int64 {
	if latE6 < 0 {
		latE6 = -latE6
	}
	if latE6 >= 90_000_000 {
		return 0
	}
	// The same value as cosQ30[i] + (cosQ30[i+1]-cosQ30[i])*f/1e6, truncated toward zero, in
	// unsigned arithmetic: the cosine falls, so the step down is non-negative, and unsigned
	// division by a constant needs none of the sign corrections of signed division (this runs
	// for every location of every order).
	u := uint64(latE6)
	i := u / 1_000_000
	f := u - i*1_000_000
	return cosQ30[i] - int64((uint64(cosQ30[i]-cosQ30[i+1])*f)/1_000_000)
}

// offsetM returns the east-west and north-south legs, in metres (non-negative), between two
// points given in micro-degrees.
func offsetM(lat1, lon1, lat2, lon2 int64) (x, y int64) {
	dLat := lat2 - lat1
	dLon := lon2 - lon1
	if dLat < 0 {
		dLat = -dLat
	}
	if dLon < 0 {
		dLon = -dLon
	}
	if dLon > 180_000_000 { // across the antimeridian
		dLon = 360_000_000 - dLon
	}
	c := cosMicroDeg((lat1 + lat2) / 2)
	xDeg := (dLon*c + 1<<29) >> 30
	x = (xDeg*metresPerMicroDegQ32 + 1<<31) >> 32
	y = (dLat*metresPerMicroDegQ32 + 1<<31) >> 32
	return x, y
}

// northSouthM returns the north-south leg of offsetM alone, which costs no cosine: the distance
// is at least this long, so a store this far from the ship-to along the meridian is out of a
// smaller radius whatever the east-west leg.
func northSouthM(lat1, lat2 int64) int64 {
	dLat := lat2 - lat1
	if dLat < 0 {
		dLat = -dLat
	}
	return (dLat*metresPerMicroDegQ32 + 1<<31) >> 32
}

// dist2M returns the squared distance in square metres; comparing squares ranks and checks
// radii without a square root.
func dist2M(lat1, lon1, lat2, lon2 int64) int64 {
	x, y := offsetM(lat1, lon1, lat2, lon2)
	return x*x + y*y
}

// Distance returns the distance in metres between two points given in micro-degrees (see the
// accuracy note above), rounded down.
func Distance(lat1E6, lon1E6, lat2E6, lon2E6 int64) int64 {
	return isqrt(dist2M(lat1E6, lon1E6, lat2E6, lon2E6))
}

// isqrt returns floor(sqrt(n)) for 0 <= n < 2^62. The float square root is only a first guess;
// the integer corrections make the result exact whatever the hardware rounds, so floating point
// cannot reach a decision.
func isqrt(n int64) int64 {
	if n <= 0 {
		return 0
	}
	r := int64(math.Sqrt(float64(n)))
	for r*r > n {
		r--
	}
	for (r+1)*(r+1) <= n {
		r++
	}
	return r
}
