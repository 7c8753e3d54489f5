package orders

import (
	"sort"

	"github.com/depothq/depot"
	"github.com/depothq/depot/internal/chunked"
	"github.com/depothq/depot/internal/idtable"
	"github.com/depothq/depot/ledger"
	"github.com/depothq/depot/sourcing"
)

// Orders is the order orchestration state of all tenants, composed with one ledger. It is not
// safe for concurrent use: the engine applies commands to it one at a time.
type Orders struct {
	led     *ledger.Ledger
	tenants map[string]*tenant
	// lastTenant is the tenant the apply path last looked up (applyTenant).
	lastTenant *tenant
	timers     timerHeap
	live       int // orders held, finished ones included until they are forgotten

	// lastHour is the hour window (floor(now / 1h)) of the last tick: a tick in a new hour gives
	// waiting orders another round, as locations have new capacity.
	lastHour int64

	// finished is the FIFO of finished orders in the order they finished (finishedAt never
	// decreases along it); orders older than depot.OrderRetention are forgotten from its head.
	finished chunked.Seq[*order]

	// Scratch space reused by every command so that ingesting an order does not allocate
	// beyond the order itself.
	planner  *sourcing.Planner
	req      sourcing.Request
	locs     []sourcing.Location
	locRefs  []ledger.LocRef
	avail    []int64
	posAt    []ledger.PosRef // per request line and location: the ledger position, -1 for none or a kit
	noPos    []ledger.PosRef // as long as posAt's capacity, all -1: what posAt is reset from
	reqLines []sourcing.Line
	lineOf   []int32  // request line -> order line
	qtyOf    []int64  // per order line: the units this sourcing round tries to place
	whyOf    []string // per order line: why the round could not place it
	want     []ledger.SKURef
	cands    []*order
	claims   []ledger.Claim
	shipIDs  []string // the ids of the shipments of the plan being recorded
	comps    []ledger.Component
	freed    []ledger.SKURef
	scratch  []byte
	// The checkout reservation of the create_order being applied: its claims, what is left of
	// each, and the parts it covers, grouped by location.
	rsv      []ledger.Claim
	rsvLeft  []int64
	rsvParts []rsvPart
	// For ship-complete orders holding their reservation: their waiting units before a round,
	// and the SKUs that reservations converted in the current pass released.
	heldSave  []int64
	heldFreed []ledger.SKURef
	events    []depot.Event
	info      ledger.LocationInfo
	pass      uint64
	// Warm's scratch hashes and what it read (kept so the loads stay).
	warmExt, warmAlloc []uint64
	warmSink           uint64

	// Orders and shipments are carved from slabs: one allocation per slab instead of
	// one per record, which the ingest path and the collector both feel. A forgotten record is
	// zeroed, so a slab kept alive by its other records holds nothing else alive through it.
	orderSlab []order
	shipSlab  []shipment

	// The request locations are cached per (tenant, channel, tenant version); only backlog and
	// capacity are refreshed per order. rate is each column's capacity per hour.
	cacheT   *tenant
	cacheCh  string
	cacheVer uint64
	rate     []int64
}

// New returns an empty orders state over the ledger.
func New(led *ledger.Ledger) *Orders {
	return &Orders{led: led, tenants: make(map[string]*tenant), planner: sourcing.NewPlanner()}
}

// step carries what one command's handlers share.
type step struct {
	seq      uint64
	now      int64
	replayed bool
	ref      string
}

// IsCommand reports whether c is an order orchestration command, applied by Apply rather than
// by the ledger.
func IsCommand(c depot.Command) bool {
	switch c.(type) {
	case *depot.DefineCarrier, *depot.DefineRouting, *depot.CreateOrder, *depot.AdvanceShipment,
		*depot.CancelOrder, *depot.TrackShipment, *depot.RaiseException, *depot.ResolveException:
		return true
	}
	return false
}

// Apply applies one order orchestration command (see IsCommand). It stamps the ledger with the
// envelope, so the caller must not. The returned events alias a buffer owned by Orders and are
// valid until the next call.
func (x *Orders) Apply(env *depot.Envelope) depot.Result {
	x.led.Stamp(env)
	x.events = x.events[:0]
	res := depot.Result{Seq: env.Seq}
	if !env.Validated {
		if r := env.Cmd.Validate(); r != nil {
			res.Rejection = r
			return res
		}
	}
	st := step{seq: env.Seq, now: x.led.Now()}
	var rej *depot.Rejection
	switch c := env.Cmd.(type) {
	case *depot.DefineCarrier:
		rej = x.defineCarrier(&st, c)
	case *depot.DefineRouting:
		rej = x.defineRouting(&st, c)
	case *depot.CreateOrder:
		rej = x.create(&st, c)
	case *depot.AdvanceShipment:
		rej = x.advance(&st, c)
	case *depot.CancelOrder:
		rej = x.cancel(&st, c)
	case *depot.TrackShipment:
		rej = x.track(&st, c)
	case *depot.RaiseException:
		rej = x.raiseException(&st, c)
	case *depot.ResolveException:
		rej = x.resolveException(&st, c)
	default:
		rej = depot.Reject(depot.CodeInvalidArgument, "", "unsupported command %T", c)
	}
	res.Rejection, res.Replayed, res.Ref = rej, st.replayed, st.ref
	if rej == nil {
		res.Events = x.events
	} else if len(x.events) != 0 {
		// A handler that emitted events and then rejected has half-applied a command.
		panic("orders: rejected command emitted events")
	}
	return res
}

func (x *Orders) emit(st *step, t *tenant, ev depot.Event) {
	ev.Seq, ev.Time, ev.Tenant = st.seq, st.now, t.id
	x.events = append(x.events, ev)
}

// orderSlabLen and shipSlabLen are the records per slab: few enough that allocating (and
// zeroing) a slab, which one order in 30 pays for, stays far below the p99 of ingest, and that
// a long-lived order keeps few finished ones' memory; and chosen so that a slab fills its
// allocation size class (TestSlabsFillTheirSizeClass): 32 shipments of 272 bytes took a 9,472-byte
// class, 24 bytes lost per shipment, where 30 fill 8,192.
const (
	orderSlabLen = 32
	shipSlabLen  = 30
)

// newOrder returns a zeroed order from the current slab.
func (x *Orders) newOrder() *order {
	if len(x.orderSlab) == 0 {
		x.orderSlab = make([]order, orderSlabLen)
	}
	o := &x.orderSlab[0]
	x.orderSlab = x.orderSlab[1:]
	return o
}

// newShipmentRecord returns a zeroed shipment from the current slab.
func (x *Orders) newShipmentRecord() *shipment {
	if len(x.shipSlab) == 0 {
		x.shipSlab = make([]shipment, shipSlabLen)
	}
	sh := &x.shipSlab[0]
	x.shipSlab = x.shipSlab[1:]
	return sh
}

// tenantOf returns the orders state of a tenant, creating it when the ledger knows the tenant.
func (x *Orders) tenantOf(id string) *tenant {
	if t := x.applyTenant(id); t != nil {
		return t
	}
	h := x.led.Handle(id)
	if !h.Valid() {
		return nil
	}
	t := &tenant{
		id: id, h: h,
		byExt:   idtable.New(orderExtKey, extKeyHash),
		routing: make(map[string]*routing),
		waiting: make(map[ledger.SKURef][]*order),
	}
	x.tenants[id] = t
	return t
}

// applyTenant is x.tenants[id] for the apply path: a run of commands names one tenant, and
// comparing its id with the last one's costs less than a map probe (the decoder interns ids, so
// the comparison is mostly of two equal pointers). Tenants are never replaced, so lastTenant
// cannot go stale. Readers, which run beside the writer, use the map.
func (x *Orders) applyTenant(id string) *tenant {
	if t := x.lastTenant; t != nil && t.id == id {
		return t
	}
	t := x.tenants[id]
	if t != nil {
		x.lastTenant = t
	}
	return t
}

// order finds an order by id.
func (t *tenant) order(id string) *order {
	seq, ok := parseOrderSeq(id)
	if !ok {
		return nil
	}
	if i := t.seqIndex(seq); i >= 0 {
		return t.bySeq.At(i).o
	}
	return nil
}

// seqSearch returns the index of the first entry of bySeq whose sequence number is at least
// seq, and whether it is seq.
func (t *tenant) seqSearch(seq uint64) (int, bool) {
	n := t.bySeq.Len()
	i := sort.Search(n, func(i int) bool { return t.bySeq.At(i).seq >= seq })
	return i, i < n && t.bySeq.At(i).seq == seq
}

// seqIndex is the index in bySeq of the order with sequence number seq, -1 if none.
func (t *tenant) seqIndex(seq uint64) int {
	i, found := t.seqSearch(seq)
	if !found || t.bySeq.At(i).o == nil {
		return -1
	}
	return i
}

// byExternalID finds the order a channel sent under an external id.
func (t *tenant) byExternalID(channel, ext string) *order {
	return t.byExt.Get(extKey{channel: channel, ext: ext})
}

// byExternalIDHashed is byExternalID for a caller that keeps the key's hash (t.byExt.Hash) for
// index.
func (t *tenant) byExternalIDHashed(h uint64, channel, ext string) *order {
	return t.byExt.GetHashed(h, extKey{channel: channel, ext: ext})
}

// index adds an order to the tenant's indexes. extH is the hash of its (channel, external id)
// key, which the caller has just looked up and not found.
func (t *tenant) index(o *order, extH uint64) {
	if n := t.bySeq.Len(); n > 0 && t.bySeq.At(n-1).seq >= o.seq {
		panic("orders: orders indexed out of sequence order")
	}
	t.bySeq.Push(seqEntry{seq: o.seq, o: o})
	t.byExt.AddHashed(extH, orderExtKey(o), o)
}

// unindex removes an order from the tenant's indexes.
func (t *tenant) unindex(o *order) {
	if i := t.seqIndex(o.seq); i >= 0 && t.bySeq.At(i).o == o {
		t.bySeq.At(i).o = nil
		t.holes++
	}
	// Compact once holes dominate, so the index stays proportional to the orders held.
	if t.holes > 64 && 2*t.holes > t.bySeq.Len() {
		n := 0
		for i := range t.bySeq.Len() {
			if e := *t.bySeq.At(i); e.o != nil {
				*t.bySeq.At(n) = e
				n++
			}
		}
		t.bySeq.Truncate(n)
		t.holes = 0
	}
	if t.byExt.Get(orderExtKey(o)) == o {
		t.byExt.Remove(orderExtKey(o))
	}
}

// node returns the node of a location, growing the node table to the ledger's locations. The
// pointer is valid until the table grows (when a location is defined).
func (t *tenant) node(loc ledger.LocRef) *node {
	if int(loc) >= len(t.nodes) {
		t.growNodes()
	}
	return &t.nodes[loc]
}

// growNodes sizes the node table (and the column map) to the ledger's locations.
func (t *tenant) growNodes() {
	n := t.h.LocationCount()
	for len(t.nodes) < n {
		t.nodes = append(t.nodes, node{})
	}
	for len(t.col) < n {
		t.col = append(t.col, -1)
	}
}
