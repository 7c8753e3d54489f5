package bench

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
	"github.com/depothq/depot/sequencer"
)

func errf(format string, args ...any) error { return fmt.Errorf("bench: "+format, args...) }

func skuID(i int) string { return "sku-" + strconv.Itoa(i) }
func locID(i int) string { return "loc-" + strconv.Itoa(i) }

// catalogue returns the commands that define skus x locs positions, each received with qty
// units, and a channel "web" fed by every location.
func catalogue(skus, locs int, qty int64) []depot.Command {
	cmds := make([]depot.Command, 0, skus+locs+1+skus*locs)
	for i := range skus {
		cmds = append(cmds, &depot.DefineSKU{Tenant: tenant, SKU: skuID(i)})
	}
	all := make([]string, locs)
	for j := range locs {
		all[j] = locID(j)
		cmds = append(cmds, &depot.DefineLocation{Tenant: tenant, Location: all[j], Type: depot.LocationWarehouse, Status: depot.LocationOpen})
	}
	cmds = append(cmds, &depot.DefineChannel{Tenant: tenant, Channel: "web", Locations: all})
	for i := range skus {
		for j := range locs {
			cmds = append(cmds, &depot.Receive{Tenant: tenant, ID: "rcv-" + strconv.Itoa(i*locs+j), SKU: skuID(i), Location: all[j], Qty: qty})
		}
	}
	return cmds
}

// orderCatalogue is the catalogue of the order workloads: orderSKUs SKUs at orderLocation.
func orderCatalogue() []depot.Command {
	cmds := []depot.Command{
		&depot.DefineLocation{Tenant: tenant, Location: orderLocation, Type: depot.LocationWarehouse, Status: depot.LocationOpen},
		&depot.DefineChannel{Tenant: tenant, Channel: "web", Locations: []string{orderLocation}},
	}
	for i := range orderSKUs {
		cmds = append(cmds, &depot.DefineSKU{Tenant: tenant, SKU: skuID(i)},
			&depot.Receive{Tenant: tenant, ID: "rcv-" + strconv.Itoa(i), SKU: skuID(i), Location: orderLocation, Qty: depot.MaxQty})
	}
	return cmds
}

// applyAll applies setup commands to an engine and fails on the first rejection.
func applyAll(e *engine.Engine, now int64, cmds []depot.Command) error {
	for _, c := range cmds {
		if res := e.Apply(&depot.Envelope{Seq: e.LastSeq() + 1, Time: now, Cmd: c}); !res.OK() {
			return errf("setup %s rejected: %v", c.Kind(), res.Rejection)
		}
	}
	return nil
}

// submitAll sequences setup commands in batches and fails on the first rejection.
func submitAll(ctx context.Context, s *sequencer.Sequencer, cmds []depot.Command) error {
	for batch := range slices.Chunk(cmds, depot.MaxBatch) {
		results, err := s.SubmitBatch(ctx, batch)
		if err != nil {
			return fmt.Errorf("bench: setup: %w", err)
		}
		for i, r := range results {
			if !r.OK() {
				return errf("setup %s rejected: %v", batch[i].Kind(), r.Rejection)
			}
		}
	}
	return nil
}

// errRejected marks a workload command that the engine refused: the workloads are built so that
// none is, so a rejection means the figure would not measure what it claims.
var errRejected = errors.New("bench: a workload command was rejected")
