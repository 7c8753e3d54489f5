package intel

import "math"

// velocity is an event rate (units per second) at the three half-lives, decayed together to
// the time of the last update. It is the building block of every demand and arrival signal.
type velocity struct {
	at int64
	v  [3]float64
}

// decayFactors returns the decay of each half-life over dt nanoseconds.
func decayFactors(dt int64) (f [3]float64) {
	f[v15m] = math.Exp(-float64(dt) * decayPerNs15m)
	f[v1h] = math.Sqrt(math.Sqrt(f[v15m]))
	f[v4h] = math.Sqrt(math.Sqrt(f[v1h]))
	return f
}

// advance decays the rates to now.
func (x *velocity) advance(now int64) {
	if x.at == 0 {
		x.at = now
		return
	}
	if now <= x.at {
		return
	}
	f := decayFactors(now - x.at)
	x.v[0] *= f[0]
	x.v[1] *= f[1]
	x.v[2] *= f[2]
	x.at = now
}

// add records amount (units or events) at now.
func (x *velocity) add(now int64, amount float64) {
	x.advance(now)
	x.v[0] += amount * gainPerSec[0]
	x.v[1] += amount * gainPerSec[1]
	x.v[2] += amount * gainPerSec[2]
}

// rate reads half-life i's rate per second at now without changing the state, corrected for the
// series' youth: an EWMA started at born has only seen 1 - exp(-age/tau) of its window, so its
// raw value understates the rate by that factor.
func (x *velocity) rate(i int, now, born int64) float64 {
	if x.at == 0 {
		return 0
	}
	v := x.v[i]
	if now > x.at {
		v *= decayFactors(now - x.at)[i]
	}
	// Past twelve half-lives the correction is below 0.03% and is skipped (it costs an exp).
	if age := now - born; age > 0 && age < 12*halfLives[i] {
		w := 1 - decayFactors(age)[i]
		if w > 1e-9 {
			v /= w
		}
	}
	return v
}

// halfLives indexes the half-lives like velocity.v.
var halfLives = [3]int64{halfLife15m, halfLife1h, halfLife4h}

// perHour converts a per-second rate.
func perHour(perSec float64) float64 { return perSec * 3600 }
