package ledger

import (
	"github.com/depothq/depot"
	"github.com/depothq/depot/internal/hash"
	"github.com/depothq/depot/internal/idtable"
)

// Warm reads, without changing anything, the reservation and allocation index slots that cmds
// will look up, so that applying them finds those slots in cache. With millions of reservations
// an index lookup is a trip to memory that costs more than the rest of a reserve; the sequencer
// warms a run of commands before applying it, and the trips of the whole run overlap instead of
// queueing one after another. What it reads is kept in warmSink, so the loads stay.
func (l *Ledger) Warm(cmds []depot.Command) {
	res, alloc, memos := l.warmRes[:0], l.warmAlloc[:0], l.warmMemos[:0]
	var t *tenant
	tenantID := ""
	for _, c := range cmds {
		if c == nil {
			continue
		}
		if id := c.TenantID(); t == nil || id != tenantID {
			t, tenantID = l.tenants[id], id
		}
		if t == nil {
			continue
		}
		switch c := c.(type) {
		case *depot.Receive:
			memos = t.memos.hashFor(memos, depot.KindReceive, c.ID)
		case *depot.Adjust:
			memos = t.memos.hashFor(memos, depot.KindAdjust, c.ID)
		case *depot.Count:
			memos = t.memos.hashFor(memos, depot.KindCount, c.ID)
		case *depot.Hold:
			memos = t.memos.hashFor(memos, depot.KindHold, c.ID)
		case *depot.Return:
			memos = t.memos.hashFor(memos, depot.KindReturn, c.ID)
		case *depot.Reserve:
			res = append(res, t.reservations.t.Hash(c.Reservation))
		case *depot.Commit:
			res = append(res, t.reservations.t.Hash(c.Reservation))
			alloc = append(alloc, t.allocations.t.Hash(c.Order))
		case *depot.Release:
			res = append(res, t.reservations.t.Hash(c.Reservation))
		case *depot.Extend:
			res = append(res, t.reservations.t.Hash(c.Reservation))
		case *depot.Ship:
			alloc = append(alloc, t.allocations.t.Hash(c.Order))
			memos = t.memos.hashFor(memos, depot.KindShip, c.ID)
		}
	}
	l.warmRes, l.warmAlloc, l.warmMemos = res, alloc, memos
	if t == nil {
		return
	}
	// One tenant's tables: the common case of a run from one tenant. Runs mixing tenants are
	// warmed for the last one seen, which is only a missed opportunity. The hashes were all
	// computed first so that the loads below follow each other closely enough for the
	// processor to have many in flight at once.
	l.warmSink ^= t.reservations.t.Touch(res) ^ t.allocations.t.Touch(alloc) ^ t.memos.touchAll(memos)
}

// AllocationHash is the hash the allocation index files the order reference id under, for
// TouchAllocations; id is in bytes so a caller can warm references it has not built yet.
func AllocationHash(id []byte) uint64 { return idtable.Filed(hash.Bytes(id)) }

// TouchAllocations reads the allocation index slots of hashes (AllocationHash values) in h's
// tenant, as Warm does for the commands it knows, and returns a value to discard. It changes
// nothing.
func (l *Ledger) TouchAllocations(h Handle, hashes []uint64) uint64 {
	if h.t == nil {
		return 0
	}
	return h.t.allocations.t.Touch(hashes)
}
