// Package ledger owns every unit of stock and every claim on it: positions per (tenant, SKU,
// location), reservations with TTLs, allocations against orders, inbound receipts, channel
// availability with buffers, and the memory of command ids that makes retries harmless.
//
// The ledger is a pure, deterministic state machine. It must never do I/O, read a clock, start a
// goroutine, use randomness or let the order of a map iteration reach its output: time arrives
// as the envelope's Time, and every iteration that matters walks sorted keys or ordered slices.
// A command is validated completely before the first mutation, so a rejected command changes
// nothing, and the invariants (see CheckInvariants) hold after every step.
package ledger

import (
	"slices"

	"github.com/depothq/depot"
	"github.com/depothq/depot/internal/chunked"
)

// Ledger is the inventory state of all tenants. It is not safe for concurrent use: the
// sequencer is its single writer, and readers synchronise with it.
type Ledger struct {
	now     int64
	lastSeq uint64

	tenants map[string]*tenant

	// Counters enforce the global limits without walking the state.
	positions int
	active    int

	expiry expiryIndex
	due    []*reservation // scratch for tick

	// reservations allocates reservation records in chunks and reuses forgotten ones.
	reservations recordPool[reservation]
	memos        recordPool[memo]

	// memory is the FIFO of remembered outcomes (finished reservations and command ids), pruned
	// by age and by count; fifoNext numbers its entries so a snapshot can rebuild it exactly.
	memory   chunked.Seq[memoRef]
	fifoNext uint64

	// curCmd and curEncoded are the command being applied and its encoding when the envelope
	// carried one (see fingerprint). They are copied out of the envelope rather than pointing at
	// it, so that callers' envelopes can stay on their stacks.
	curCmd     depot.Command
	curEncoded []byte
	curFP      uint64 // the envelope's Fingerprint of curEncoded; 0 when not given

	// Scratch space reused by every command so the hot path does not allocate.
	need    []need
	scratch []byte
	events  []depot.Event
	cur     step // the command being applied
	// sink, when set by ApplyTo, is where the next Apply appends its events instead of events.
	sink    []depot.Event
	sinkSet bool
	own     []depot.Event // events' own buffer while a sink is in use
	// restored collects the remembered outcomes while a snapshot is decoded (see rebuildMemory).
	restored []memoRef
	// decodedClaims holds each tenant's claim sums added up while a snapshot is decoded, so that
	// the restore's invariant check need not walk millions of records again (checkInvariants).
	decodedClaims map[*tenant]*claimSums
	// warmRes, warmAlloc and warmMemos are Warm's scratch hashes; warmSink keeps what it read.
	warmSink           uint64
	forgetCountdown    int     // forgets until the next read-ahead burst (readAheadForgetting)
	lastTenant         *tenant // the apply path's last tenant (applyTenant)
	warmRes, warmAlloc []uint64
	warmMemos          []memoHash
}

type tenant struct {
	id        string
	skus      map[string]*sku
	locations map[string]*location
	channels  map[string]*channel
	skuList   []*sku
	locList   []*location

	// positions is append-only so reservation and allocation lines can hold stable indexes.
	positions []position

	reservations idIndex[*reservation]
	allocations  idIndex[*allocation]
	inbound      map[string]*inbound
	memos        memoTable

	// lastChannel is the channel the apply path last looked up (applyChannel).
	lastChannel *channel
}

// applyChannel is t.channels[id] for the apply path (see lastHit).
func (t *tenant) applyChannel(id string) *channel {
	return lastHit(&t.lastChannel, t.channels, id, func(ch *channel) string { return ch.id })
}

// lastHit is m[id], answered from *last when it holds id and remembered there on a hit: a run
// of commands names one tenant and one channel, and a string comparison is cheaper than a map
// probe. Tenants and channels are updated in place, never replaced, so *last cannot go stale.
// Only the apply path uses it; readers, which run beside the writer under a read lock, use the
// maps.
func lastHit[T any](last **T, m map[string]*T, id string, idOf func(*T) string) *T {
	if v := *last; v != nil && idOf(v) == id {
		return v
	}
	v := m[id]
	if v != nil {
		*last = v
	}
	return v
}

type sku struct {
	id          string
	idx         uint32
	name        string
	weightGrams int64
	priceMinor  int64
	components  []component // non-empty for kits
	// at lists the SKU's positions by location index, sorted: a SKU is stocked at a handful of
	// locations, so finding one is a short scan of memory next to the SKU rather than a probe
	// into a tenant-wide map (which was a cache miss per line on the reserve path).
	at []skuPos
}

// skuPos is one position of a SKU: the location's index and the position's.
type skuPos struct {
	loc uint32
	pos int32
}

type component struct {
	sku *sku
	qty int64
}

type location struct {
	id              string
	idx             uint32
	name            string
	kind            depot.LocationKind
	status          depot.LocationStatus
	latE6, lonE6    int64
	serviceRadiusM  int64
	capacityPerHour int64
	groups          []string
}

type channel struct {
	id        string
	name      string
	locations []*location
	buffer    depot.Buffer
	overrides map[*sku]depot.Buffer
}

// position is the stock of one SKU at one location. The four flow counters exist for the
// conservation invariant: onHand == received + adjusted + returned - shipped.
type position struct {
	sku, loc  uint32
	onHand    int64
	reserved  int64
	allocated int64
	held      int64
	inbound   int64
	received  int64
	adjusted  int64
	returned  int64
	shipped   int64
}

func (p *position) atp() int64 { return p.onHand - p.reserved - p.allocated - p.held }

type reservation struct {
	id          string
	tenant      *tenant
	channel     string
	status      depot.ReservationStatus
	order       string
	expiresAt   int64
	createdSeq  uint64
	fingerprint uint64
	lines       []line
	// inline holds the lines of the common single-line reservation without a second allocation.
	inline     [1]line
	slot       int32 // index in its expiry bucket; -1 when not indexed
	finishedAt int64
	fifo       uint64
}

// line is a quantity at a position (an index into tenant.positions).
type line struct {
	pos int32
	qty int64
}

type allocation struct {
	order string
	lines []line
}

type inbound struct {
	id          string
	pos         int32
	qty         int64
	remaining   int64
	eta         int64
	fingerprint uint64
}

type memoKey struct {
	kind depot.CommandKind
	id   string
}

type memo struct {
	id          string
	fingerprint uint64
	seq         uint64
	finishedAt  int64
	fifo        uint64
}

// memoRef is one entry of the remembered-outcomes FIFO. kind KindReserve points at a finished
// reservation; any other kind at a command memo. h is the key's idHash: forgetting an entry
// looks it up, reads ahead for the next ones and removes it, and hashing the id each time was
// a tenth of a replay's time once the FIFO was full.
type memoRef struct {
	tenant *tenant
	key    memoKey
	at     int64
	fifo   uint64
	h      uint64
}

// need is the demand of one command on one position, summed over all its lines and kit
// components before anything is checked, so two lines can never pass on the same units.
type need struct {
	pos   int32
	qty   int64
	sku   *sku
	loc   *location
	fresh bool // the position does not exist yet
}

// New returns an empty ledger.
func New() *Ledger {
	return &Ledger{tenants: make(map[string]*tenant), reservations: recordPool[reservation]{reset: reservation{slot: -1}}}
}

// Now is the logical time of the last applied command, in unix nanoseconds.
func (l *Ledger) Now() int64 { return l.now }

// LastSeq is the sequence number of the last applied command.
func (l *Ledger) LastSeq() uint64 { return l.lastSeq }

// Apply applies one sequenced command and returns its outcome. The returned events alias a
// buffer owned by the ledger and are valid until the next call to Apply; copy what you keep.
func (l *Ledger) Apply(env *depot.Envelope) depot.Result {
	start := l.useSink()
	l.curCmd, l.curEncoded, l.curFP = env.Cmd, env.Encoded, env.Fingerprint
	// Time only moves forward: a sequencer whose clock stepped back must not be able to revive
	// expired reservations or reorder retention.
	if env.Time > l.now {
		l.now = env.Time
	}
	if env.Seq > l.lastSeq {
		l.lastSeq = env.Seq
	}
	res := depot.Result{Seq: env.Seq}
	if env.Cmd == nil {
		res.Rejection = depot.Reject(depot.CodeInvalidArgument, "", "empty command")
		return res
	}
	if !env.Validated {
		if r := env.Cmd.Validate(); r != nil {
			res.Rejection = r
			return res
		}
	}
	// The step lives in the ledger: handlers are called through method values, which escape
	// analysis cannot see through, so a local would be a heap allocation per command.
	l.cur = step{seq: env.Seq, now: l.now}
	st := &l.cur
	var rej *depot.Rejection
	switch c := env.Cmd.(type) {
	case *depot.DefineSKU:
		rej = l.defineSKU(st, c)
	case *depot.DefineLocation:
		rej = l.defineLocation(st, c)
	case *depot.DefineChannel:
		rej = l.defineChannel(st, c)
	case *depot.ExpectInbound:
		rej, st.replayed = l.expectInbound(st, c)
	case *depot.Receive:
		rej, st.replayed = l.remembered(st, c, c.ID, l.receive)
	case *depot.Adjust:
		rej, st.replayed = l.remembered(st, c, c.ID, l.adjust)
	case *depot.Count:
		rej, st.replayed = l.remembered(st, c, c.ID, l.count)
	case *depot.Hold:
		rej, st.replayed = l.remembered(st, c, c.ID, l.hold)
	case *depot.Ship:
		rej, st.replayed = l.remembered(st, c, c.ID, l.ship)
	case *depot.Return:
		rej, st.replayed = l.remembered(st, c, c.ID, l.returnStock)
	case *depot.Reserve:
		rej, st.replayed = l.reserve(st, c)
	case *depot.Extend:
		rej = l.extend(st, c)
	case *depot.Release:
		rej, st.replayed = l.release(st, c)
	case *depot.Commit:
		rej, st.replayed = l.commit(st, c)
	case *depot.Tick:
		l.tick(st)
	default:
		rej = depot.Reject(depot.CodeInvalidArgument, "", "unsupported command %T", c)
	}
	res.Rejection = rej
	res.Replayed = st.replayed
	if rej == nil {
		res.Events = l.events[start:len(l.events):len(l.events)]
	} else if len(l.events) != start {
		// A handler that emitted events and then rejected has half-applied a command.
		panic("ledger: rejected command emitted events")
	}
	return res
}

// Handles reports whether c is one of the ledger's own commands (Apply refuses the others as
// unsupported). It must list exactly the cases of Apply's switch.
func Handles(c depot.Command) bool {
	switch c.(type) {
	case *depot.DefineSKU, *depot.DefineLocation, *depot.DefineChannel, *depot.ExpectInbound, *depot.Receive,
		*depot.Adjust, *depot.Count, *depot.Hold, *depot.Ship, *depot.Return, *depot.Reserve, *depot.Extend,
		*depot.Release, *depot.Commit, *depot.Tick:
		return true
	}
	return false
}

// ApplyTo applies env like Apply but appends the result's events to dst, which it returns
// grown; the result's events alias it. A caller collecting the events of many commands (the
// sequencer's batch) saves copying each event out of the ledger's own buffer.
func (l *Ledger) ApplyTo(env *depot.Envelope, dst []depot.Event) (depot.Result, []depot.Event) {
	l.sink, l.sinkSet = dst, true
	res := l.Apply(env)
	out := l.events
	l.events, l.own, l.sink, l.sinkSet = l.own[:0], nil, nil, false
	if res.Rejection != nil {
		return res, out[:len(dst)]
	}
	return res, out
}

// useSink points events at the sink, if one is set, or empties the ledger's own buffer; it
// returns where this command's events start.
func (l *Ledger) useSink() int {
	if !l.sinkSet {
		l.events = l.events[:0]
		return 0
	}
	l.own, l.events = l.events, l.sink
	return len(l.sink)
}

// step carries what one command's handlers share: its sequence number, the logical time and
// whether it turned out to be an idempotent repeat.
type step struct {
	seq      uint64
	now      int64
	replayed bool
}

func (l *Ledger) emit(st *step, t *tenant, ev depot.Event) {
	ev.Seq = st.seq
	ev.Time = st.now
	ev.Tenant = t.id
	l.events = append(l.events, ev)
}

func (l *Ledger) tenantOf(id string) *tenant { return l.tenants[id] }

// applyTenant is l.tenants[id] for the apply path (see lastHit).
func (l *Ledger) applyTenant(id string) *tenant {
	return lastHit(&l.lastTenant, l.tenants, id, func(t *tenant) string { return t.id })
}

func (l *Ledger) ensureTenant(id string) (*tenant, *depot.Rejection) {
	if t := l.tenants[id]; t != nil {
		return t, nil
	}
	if len(l.tenants) >= depot.MaxTenants {
		return nil, depot.Reject(depot.CodeLimitExceeded, "tenant", "at most %d tenants", depot.MaxTenants)
	}
	t := newTenant(id)
	l.tenants[id] = t
	return t, nil
}

func newTenant(id string) *tenant {
	return &tenant{
		id:           id,
		skus:         make(map[string]*sku),
		locations:    make(map[string]*location),
		channels:     make(map[string]*channel),
		reservations: newIndex(func(r *reservation) string { return r.id }),
		allocations:  newIndex(func(a *allocation) string { return a.order }),
		inbound:      make(map[string]*inbound),
	}
}

// positionOf returns the index of the position of (s, loc), or -1 if it does not exist yet.
func (t *tenant) positionOf(s *sku, loc *location) int32 {
	if i, ok := s.find(loc.idx); ok {
		return s.at[i].pos
	}
	return -1
}

// find returns where location loc is, or would be inserted, in s.at.
func (s *sku) find(loc uint32) (int, bool) {
	if len(s.at) <= 16 {
		for i, p := range s.at {
			if p.loc >= loc {
				return i, p.loc == loc
			}
		}
		return len(s.at), false
	}
	// Written out: slices.BinarySearchFunc calls its comparison through a closure at every step,
	// and every reserve and sourcing round finds positions here.
	lo, hi := 0, len(s.at)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.at[m].loc < loc {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(s.at) && s.at[lo].loc == loc
}

// addPosition records that position pos holds s at loc; it reports false if one already did.
func (s *sku) addPosition(loc uint32, pos int32) bool {
	i, found := s.find(loc)
	if found {
		return false
	}
	s.at = slices.Insert(s.at, i, skuPos{loc: loc, pos: pos})
	return true
}

// ensurePosition returns the index of the position, creating it. Callers check the position
// limit first (see canCreatePosition) so creation never fails half way through a command.
func (l *Ledger) ensurePosition(t *tenant, s *sku, loc *location) int32 {
	if i := t.positionOf(s, loc); i >= 0 {
		return i
	}
	i := int32(len(t.positions))
	t.positions = append(t.positions, position{sku: s.idx, loc: loc.idx})
	s.addPosition(loc.idx, i)
	l.positions++
	return i
}

func (l *Ledger) canCreatePosition(t *tenant, s *sku, loc *location) *depot.Rejection {
	if t.positionOf(s, loc) >= 0 {
		return nil
	}
	if l.positions >= depot.MaxPositions {
		return depot.Reject(depot.CodeLimitExceeded, "location", "at most %d positions", depot.MaxPositions)
	}
	return nil
}

// lookupStocked finds a stock-keeping SKU and a location; kits have no stock of their own.
func (t *tenant) lookupStocked(skuID, locID string) (*sku, *location, *depot.Rejection) {
	s := t.skus[skuID]
	if s == nil {
		return nil, nil, depot.Reject(depot.CodeUnknownSKU, "sku", "unknown SKU %q", skuID)
	}
	if len(s.components) > 0 {
		return nil, nil, depot.Reject(depot.CodeInvalidArgument, "sku", "SKU %q is a kit and holds no stock of its own; use its components", skuID)
	}
	loc := t.locations[locID]
	if loc == nil {
		return nil, nil, depot.Reject(depot.CodeUnknownLocation, "location", "unknown location %q", locID)
	}
	return s, loc, nil
}

// Fingerprint identifies a command's content (depot.Fingerprint), using the encoding and
// fingerprint of the envelope last given to Apply or Stamp when c is its command. Orders, which
// the ledger stamps, uses it too, so the two never disagree on how a command is fingerprinted.
func (l *Ledger) Fingerprint(c depot.Command) uint64 {
	if l.curEncoded != nil && l.curCmd == c {
		if l.curFP != 0 {
			return l.curFP
		}
		return depot.Fingerprint(l.curEncoded)
	}
	l.scratch = depot.AppendCommand(l.scratch[:0], c)
	return depot.Fingerprint(l.scratch)
}
