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
}

// ApplyReserves applies n single-line reserves to an in-memory engine over 20,000 deep positions
// and times only the Apply calls. Commands are built in chunks outside the timed sections, so
// that n in the millions needs no gigabytes of prepared commands.
func ApplyReserves(n int) (ApplyResult, error) {
	e := engine.New()
	if err := applyAll(e, benchEpoch, catalogue(catalogueSKUs, catalogueLocations, depot.MaxQty)); err != nil {
		return ApplyResult{}, err
	}
	envs := make([]depot.Envelope, 0, min(n, chunk))
	lines := make([]depot.ReserveLine, min(n, chunk))
	reserves := make([]depot.Reserve, min(n, chunk))
	var took time.Duration
	for done := 0; done < n; {
		envs = envs[:0]
		for k := 0; k < chunk && done+k < n; k++ {
			i := done + k
			lines[k] = depot.ReserveLine{SKU: skuID(i % catalogueSKUs), Location: locID(i / catalogueSKUs % catalogueLocations), Qty: 1}
			reserves[k] = depot.Reserve{Tenant: tenant, Reservation: "r-" + strconv.Itoa(i), Channel: "web", Lines: lines[k : k+1 : k+1]}
			envs = append(envs, depot.Envelope{Seq: e.LastSeq() + uint64(k) + 1, Time: benchEpoch, Cmd: &reserves[k]})
		}
		started := time.Now()
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
	return ApplyResult{Ops: n, Seconds: took.Seconds(), OpsPerSec: rate(n, took)}, nil
}
