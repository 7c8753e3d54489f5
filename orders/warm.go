package orders

import (
	"github.com/depothq/depot"
	"github.com/depothq/depot/ledger"
)

// Warm reads, without changing anything, the index slots the create_order commands of cmds will
// touch: the tenant's (channel, external id) index, probed for a repeat, and the ledger's
// allocation index, where the order's allocation is filed under its id. With hundreds of thousands of
// orders each is a trip to memory; warming a run of commands lets the trips overlap instead of
// queueing one after another (see engine.Warm). first is the sequence number of cmds[0]; an
// order's id is "o-<seq>".
func (x *Orders) Warm(first uint64, cmds []depot.Command) {
	ext, alloc := x.warmExt[:0], x.warmAlloc[:0]
	var t *tenant
	for i, c := range cmds {
		co, ok := c.(*depot.CreateOrder)
		if !ok {
			continue
		}
		if t == nil || t.id != co.Tenant {
			// Warm never creates a tenant's orders state: an unknown tenant is skipped.
			if t = x.tenants[co.Tenant]; t == nil {
				continue
			}
		}
		ext = append(ext, t.byExt.Hash(extKey{channel: co.Channel, ext: co.ExternalID}))
		x.scratch = orderID(x.scratch[:0], first+uint64(i))
		alloc = append(alloc, ledger.AllocationHash(x.scratch))
	}
	x.warmExt, x.warmAlloc = ext, alloc
	if t == nil {
		return
	}
	// One tenant's tables, as ledger.Warm: runs mixing tenants warm the last one seen.
	x.warmSink ^= t.byExt.Touch(ext) ^ x.led.TouchAllocations(t.h, alloc)
}
