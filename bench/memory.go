package bench

import (
	"runtime"
	"strconv"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
)

// MemoryResult is the heap the engine holds per position.
type MemoryResult struct {
	Positions int `json:"positions"`
	// BytesPerPosition is measured after the receipts' command ids left the retention window,
	// which is the steady state; WithIDsBytesPerPosition while they are still remembered.
	BytesPerPosition        float64 `json:"bytes_per_position"`
	WithIDsBytesPerPosition float64 `json:"with_ids_bytes_per_position"`
}

// MemoryPerPosition builds positions positions (SKUs x 100 locations, one receipt each) and
// measures the live heap they add, after full garbage collections.
func MemoryPerPosition(positions int) (MemoryResult, error) {
	skus := positions / positionLocations
	e := engine.New()
	var defs []depot.Command
	for i := range skus {
		defs = append(defs, &depot.DefineSKU{Tenant: tenant, SKU: skuID(i)})
	}
	for j := range positionLocations {
		defs = append(defs, &depot.DefineLocation{Tenant: tenant, Location: locID(j), Type: depot.LocationWarehouse, Status: depot.LocationOpen})
	}
	if err := applyAll(e, benchEpoch, defs); err != nil {
		return MemoryResult{}, err
	}
	defs = nil
	base := liveHeap()
	for i := range skus {
		for j := range positionLocations {
			env := depot.Envelope{Seq: e.LastSeq() + 1, Time: benchEpoch, Cmd: &depot.Receive{Tenant: tenant,
				ID: "rcv-" + strconv.Itoa(i*positionLocations+j), SKU: skuID(i), Location: locID(j), Qty: 10}}
			if res := e.Apply(&env); !res.OK() {
				return MemoryResult{}, errf("receipt: %v: %w", res.Rejection, errRejected)
			}
		}
	}
	withIDs := liveHeap()
	e.Apply(&depot.Envelope{Seq: e.LastSeq() + 1, Time: benchEpoch + depot.Retention + 1, Cmd: &depot.Tick{}})
	pruned := liveHeap()
	if got := e.Ledger().Stats().Positions; got != positions {
		return MemoryResult{}, errf("built %d positions, want %d", got, positions)
	}
	runtime.KeepAlive(e)
	per := func(heap uint64) float64 { return float64(int64(heap)-int64(base)) / float64(positions) }
	return MemoryResult{Positions: positions, BytesPerPosition: per(pruned), WithIDsBytesPerPosition: per(withIDs)}, nil
}

// liveHeap is the heap in use after two full collections (the second frees what finalisers of
// the first released).
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
