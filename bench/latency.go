package bench

import (
	"slices"
	"time"
)

// Latency summarises the per-operation latencies callers saw, exactly (from every sample).
type Latency struct {
	P50Ms float64 `json:"p50_ms"`
	P99Ms float64 `json:"p99_ms"`
	MaxMs float64 `json:"max_ms"`
}

// summarise merges the callers' samples and reads the quantiles off the sorted whole.
func summarise(perCaller [][]time.Duration) Latency {
	all := slices.Concat(perCaller...)
	if len(all) == 0 {
		return Latency{}
	}
	slices.Sort(all)
	at := func(q float64) float64 {
		i := min(len(all)-1, int(q*float64(len(all))))
		return float64(all[i]) / 1e6
	}
	return Latency{P50Ms: at(0.50), P99Ms: at(0.99), MaxMs: float64(all[len(all)-1]) / 1e6}
}

func rate(n int, d time.Duration) float64 { return float64(n) / max(d.Seconds(), 1e-9) }
