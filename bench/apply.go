package bench

import (
	"strconv"
	"time"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
)

// ApplyResult is the in-memory engine's throughput on single-line reserves, on one goroutine.
type ApplyResult struct {
	Ops       int     `json:"ops"`
	Seconds   float64 `json:"seconds"`
	OpsPerSec float64 `json:"ops_per_sec"`
	// ValidateEncodeSeconds is the time the same commands took to validate and encode, the
	// sequencer callers' share of the work (on their own goroutines), not in Seconds.
	ValidateEncodeSeconds float64 `json:"validate_encode_seconds"`
}

// ApplyReserves applies n single-line reserves to an in-memory engine over 20,000 deep positions
// and times only the Apply calls. Commands are built in chunks outside the timed sections, so
// that n in the millions needs no gigabytes of prepared commands. They reach Apply as they reach
// the sequencer's single writer: validated and encoded (the journal needs the bytes, and the
// engine fingerprints them), which the sequencer does on its callers' goroutines before the
// writer sees them. The figure is thus the writer's own ceiling; ValidateEncodeSeconds reports
// what the callers spent on the same commands.
func ApplyReserves(n int) (ApplyResult, error) {
	e := engine.New()
	if err := applyAll(e, benchEpoch, catalogue(catalogueSKUs, catalogueLocations, depot.MaxQty)); err != nil {
		return ApplyResult{}, err
	}
	envs := make([]depot.Envelope, 0, min(n, chunk))
	lines := make([]depot.ReserveLine, min(n, chunk))
	reserves := make([]depot.Reserve, min(n, chunk))
	var (
		took, upstream time.Duration
		encoded        []byte
		ends           []int
		fps            []uint64
	)
	for done := 0; done < n; {
		envs = envs[:0]
		for k := 0; k < chunk && done+k < n; k++ {
			i := done + k
			lines[k] = depot.ReserveLine{SKU: skuID(i % catalogueSKUs), Location: locID(i / catalogueSKUs % catalogueLocations), Qty: 1}
			reserves[k] = depot.Reserve{Tenant: tenant, Reservation: "r-" + strconv.Itoa(i), Channel: "web", Lines: lines[k : k+1 : k+1]}
		}
		// What the sequencer's callers do before the writer: validate, encode, fingerprint.
		started := time.Now()
		encoded, ends, fps = encoded[:0], ends[:0], fps[:0]
		for k := 0; k < chunk && done+k < n; k++ {
			if r := reserves[k].Validate(); r != nil {
				return ApplyResult{}, errf("reserve %d: %v: %w", done+k, r, errRejected)
			}
			from := len(encoded)
			encoded = depot.AppendCommand(encoded, &reserves[k])
			ends = append(ends, len(encoded))
			fps = append(fps, depot.Fingerprint(encoded[from:]))
		}
		upstream += time.Since(started)
		start := 0
		for k, end := range ends {
			envs = append(envs, depot.Envelope{Seq: e.LastSeq() + uint64(k) + 1, Time: benchEpoch, Cmd: &reserves[k],
				Validated: true, Encoded: encoded[start:end:end], Fingerprint: fps[k]})
			start = end
		}
		started = time.Now()
		for k := range envs {
			// As the sequencer's writer does: warm each run of commands before applying it.
			if k%engine.WarmRun == 0 {
				e.WarmEnvelopes(envs[k:min(k+engine.WarmRun, len(envs))])
			}
			if res := e.Apply(&envs[k]); !res.OK() {
				return ApplyResult{}, errf("reserve %d: %v: %w", done+k, res.Rejection, errRejected)
			}
		}
		took += time.Since(started)
		done += len(envs)
	}
	return ApplyResult{Ops: n, Seconds: took.Seconds(), OpsPerSec: rate(n, took), ValidateEncodeSeconds: upstream.Seconds()}, nil
}
