package bench

import (
	"github.com/depothq/depot"
	"github.com/depothq/depot/api"
	"github.com/depothq/depot/sequencer"
)

// Sizes of the workloads. The defaults finish in well under a minute on the 2-core reference
// machine; the full-size start-up figure needs History 10,000,000 (about 40 seconds to
// build and 800 MB of journal).
type Sizes struct {
	// ApplyOps is the single-line reserves applied in memory.
	ApplyOps int `json:"apply_ops"`
	// DurableOps is the single-line reserves sequenced durably by Callers concurrent callers.
	DurableOps int `json:"durable_ops"`
	Callers    int `json:"callers"`
	// History is the commands written before replay and start-up are measured; snapshots are
	// taken every SnapshotEvery commands strictly below History, so start-up replays a full
	// interval of tail: the worst case between two snapshots.
	History       int   `json:"history"`
	SnapshotEvery int64 `json:"snapshot_every"`
	// Positions is the positions built to measure memory per position.
	Positions int `json:"positions"`
	// Orders is the 3-line orders Depot takes in the order workloads.
	Orders int `json:"orders"`
	// PGOrders and PGConns size the PostgreSQL baseline; Depot takes the same orders with the
	// same number of callers beside it.
	PGOrders int `json:"pg_orders"`
	PGConns  int `json:"pg_conns"`
	// HTTPClients and HTTPOrdersPerRequest shape the HTTP workload: Orders orders through the
	// batch endpoint, HTTPOrdersPerRequest to a request, from HTTPClients concurrent clients.
	HTTPClients          int `json:"http_clients"`
	HTTPOrdersPerRequest int `json:"http_orders_per_request"`
	// SingleClients, SingleRate and SingleSeconds shape the single-order workload: one order a
	// request over HTTP, offered open-loop at SingleRate a second for SingleSeconds, from
	// SingleClients concurrent clients.
	SingleClients int     `json:"single_clients"`
	SingleRate    int     `json:"single_rate"`
	SingleSeconds float64 `json:"single_seconds"`
}

// DefaultSizes are the sizes of a plain `depot bench`.
func DefaultSizes() Sizes {
	return Sizes{
		ApplyOps: 1_000_000, DurableOps: 500_000, Callers: 1000,
		History: 2_000_000, SnapshotEvery: sequencer.DefaultSnapshotEvery,
		Positions: 1_000_000, Orders: 200_000, PGOrders: 20_000, PGConns: 32,
		HTTPClients: 16, HTTPOrdersPerRequest: 250,
		SingleClients: 64, SingleRate: 10_000, SingleSeconds: 10,
	}
}

// QuickSizes are tiny sizes for tests and smoke runs: every workload runs, no figure means much.
func QuickSizes() Sizes {
	return Sizes{
		ApplyOps: 20_000, DurableOps: 5_000, Callers: 1000,
		History: 20_000, SnapshotEvery: 5_000,
		Positions: 10_000, Orders: 5_000, PGOrders: 300, PGConns: 32,
		HTTPClients: 4, HTTPOrdersPerRequest: 50,
		SingleClients: 64, SingleRate: 1000, SingleSeconds: 0.5,
	}
}

// Validate checks the sizes against what the workloads can do.
func (s Sizes) Validate() error {
	switch {
	case s.ApplyOps < 1 || s.DurableOps < 1 || s.Orders < 1 || s.PGOrders < 1:
		return errf("every operation count must be positive")
	case s.DurableOps > depot.MaxActiveReservations:
		// (b)'s reservations are never released: the engine would refuse the rest.
		return errf("durable reserves must be at most %d, the engine's live reservations", depot.MaxActiveReservations)
	case s.Callers < 1 || s.Callers > MaxCallers || s.PGConns < 1 || s.PGConns > MaxCallers:
		return errf("callers and connections must be between 1 and %d", MaxCallers)
	case s.HTTPClients < 1 || s.HTTPClients > MaxCallers || s.HTTPOrdersPerRequest < 1 || 2*s.HTTPOrdersPerRequest > api.MaxBatchCommands:
		return errf("HTTP clients must be between 1 and %d, orders per request between 1 and %d", MaxCallers, api.MaxBatchCommands/2)
	case s.SingleClients < 1 || s.SingleClients > MaxCallers || s.SingleRate < 1 || s.SingleRate > MaxSingleRate:
		return errf("single-order clients must be between 1 and %d, the rate between 1 and %d a second", MaxCallers, MaxSingleRate)
	case !(s.SingleSeconds > 0) || float64(s.SingleRate)*s.SingleSeconds < 1 || float64(s.SingleRate)*s.SingleSeconds > MaxSingleRequests:
		return errf("single-order rate x seconds must be between 1 and %d requests", MaxSingleRequests)
	case s.History < 1 || s.SnapshotEvery < 1:
		return errf("history and snapshot interval must be positive")
	case s.Positions < positionLocations || s.Positions%positionLocations != 0 || s.Positions > depot.MaxPositions:
		return errf("positions must be a multiple of %d up to %d", positionLocations, depot.MaxPositions)
	}
	return nil
}

const (
	// MaxCallers bounds the concurrent callers of a workload.
	MaxCallers = 100_000
	// tenant is the tenant every workload uses.
	tenant = "bench"
	// catalogueSKUs and catalogueLocations shape the catalogue of the reserve workloads: 20,000
	// positions, each stocked so deep that no reserve of any run is refused.
	catalogueSKUs      = 1000
	catalogueLocations = 20
	// historySKUs and historyLocations shape the history's catalogue: small enough that its setup
	// is a sliver of even a quick history.
	historySKUs      = 1000
	historyLocations = 5
	// orderSKUs is the catalogue of the order workloads and the PostgreSQL baseline, at one
	// location, as the design's baseline describes it.
	orderSKUs     = 1000
	orderLocation = "wh-1"
	orderLines    = 3
	// orderZipfS and orderZipfV skew demand so that a few SKUs are hot rows.
	orderZipfS = 1.1
	orderZipfV = 2.0
	// positionLocations is the locations of the memory workload (positions = SKUs x locations).
	positionLocations = 100
	// chunk is how many commands are built, untimed, before a timed run over them.
	chunk = 1 << 16
	// historyMaxRejectedPer1000 is the most refusals per thousand commands a history may hold.
	historyMaxRejectedPer1000 = 10
	// historyTimeStep is the logical time between two commands of the history (1,000 per second).
	historyTimeStep = int64(1e6)
	// benchEpoch is the logical time the fixtures start at: 2025-01-01T00:00:00Z.
	benchEpoch = int64(1_735_689_600) * 1e9
)
