// Package engine composes Depot's pure state machines behind one Apply: the ledger (every unit
// and every claim on it) and order orchestration (orders, which use sourcing and carriers and
// keep their stock in the ledger). It owns the snapshot format and the state hash.
//
// Like everything it composes, the engine is pure and deterministic: no I/O, no clock, no
// goroutines, no randomness. Feeding the same envelopes to a fresh engine, or to one restored
// from a snapshot taken part way, yields the same results and the same hash, bit for bit.
package engine

import (
	"crypto/sha256"
	"fmt"

	"github.com/depothq/depot"
	"github.com/depothq/depot/ledger"
	"github.com/depothq/depot/orders"
)

const (
	snapshotMagic = "DPEN"
	// snapshotVersion 2 appends the orders state after the ledger's. Version 1 (the ledger
	// alone) is not read: a restored state must re-encode to its snapshot, and journals from
	// before orders do not decode either (define_location gained fields).
	snapshotVersion = 2
)

// Engine is the whole deterministic state. It is not safe for concurrent use.
type Engine struct {
	ledger  *ledger.Ledger
	orders  *orders.Orders
	warmRun []depot.Command // WarmEnvelopes scratch
	events  []depot.Event   // the engine's own events (advertising), reused per Apply
}

// New returns an empty engine.
func New() *Engine {
	l := ledger.New()
	return &Engine{ledger: l, orders: orders.New(l)}
}

// Apply applies one sequenced command. Sequence numbers must increase; a gap or a step back
// means the caller replayed the wrong journal, which would silently fork the state, so it is a
// panic rather than a rejection. The result's events are valid until the next Apply.
//
// Order orchestration commands go to orders. The ledger's own commands are first offered to
// orders to refuse (one that would go behind an orchestrated order's back), then applied by the
// ledger, then orders react to what changed (re-sourcing away from a paused location, filling
// backorders from new stock, SLA timers on a tick), all within the same command.
func (e *Engine) Apply(env *depot.Envelope) depot.Result {
	if last := e.ledger.LastSeq(); env.Seq != last+1 {
		panic(fmt.Sprintf("engine: sequence %d after %d", env.Seq, last))
	}
	if env.Cmd != nil && orders.IsCommand(env.Cmd) {
		return e.orders.Apply(env)
	}
	if c, ok := env.Cmd.(*depot.RecordAdMetrics); ok {
		return e.recordAdMetrics(env, c)
	}
	if env.Cmd != nil {
		if rej := e.orders.Guard(env); rej != nil {
			e.ledger.Stamp(env)
			return depot.Result{Seq: env.Seq, Rejection: rej}
		}
	}
	return e.orders.After(env, e.ledger.Apply(env))
}

// ApplyTo applies env like Apply and appends its events to dst, returning dst grown; the
// result's events alias it. The sequencer collects a batch's events in one slab this way, and
// the ledger's commands (the hot path) write theirs there directly instead of being copied out
// of the engine's buffer.
func (e *Engine) ApplyTo(env *depot.Envelope, dst []depot.Event) (depot.Result, []depot.Event) {
	if env.Cmd == nil || !ledger.Handles(env.Cmd) {
		res := e.Apply(env)
		grown := append(dst, res.Events...)
		res.Events = grown[len(dst):len(grown):len(grown)]
		return res, grown
	}
	if last := e.ledger.LastSeq(); env.Seq != last+1 {
		panic(fmt.Sprintf("engine: sequence %d after %d", env.Seq, last))
	}
	if rej := e.orders.Guard(env); rej != nil {
		e.ledger.Stamp(env)
		return depot.Result{Seq: env.Seq, Rejection: rej}, dst
	}
	res, grown := e.ledger.ApplyTo(env, dst)
	out := e.orders.After(env, res)
	if len(out.Events) == len(res.Events) && (len(res.Events) == 0 || &out.Events[0] == &res.Events[0]) {
		return out, grown
	}
	// Orders reacted (filled backorders, re-sourced) and returned events of its own buffer,
	// starting with the ledger's: they replace the ledger's in dst.
	grown = append(grown[:len(dst)], out.Events...)
	out.Events = grown[len(dst):len(grown):len(grown)]
	return out, grown
}

// Warm prepares for applying cmds soon, without changing anything: it reads the index slots
// they will look up, all at once, so that the memory accesses of the run overlap and applying
// each command finds them in cache. Callers that apply runs of commands warm WarmRun of them at a
// time. first is the sequence number cmds[0] will be applied under (the ids of the orders they
// create derive from it); a wrong one only warms the wrong slots.
func (e *Engine) Warm(first uint64, cmds []depot.Command) {
	e.ledger.Warm(cmds)
	e.orders.Warm(first, cmds)
}

// WarmEnvelopes is Warm for the commands of envs, which carry consecutive sequence numbers.
func (e *Engine) WarmEnvelopes(envs []depot.Envelope) {
	if len(envs) == 0 {
		return
	}
	e.warmRun = e.warmRun[:0]
	for i := range envs {
		e.warmRun = append(e.warmRun, envs[i].Cmd)
	}
	e.Warm(envs[0].Seq, e.warmRun)
	clear(e.warmRun)
}

// WarmRun is how many commands callers warm at a time: enough for the processor to keep its
// outstanding memory reads busy, few enough that what was fetched is still in cache.
const WarmRun = 32

// LastSeq is the sequence number of the last applied command (0 for a fresh engine).
func (e *Engine) LastSeq() uint64 { return e.ledger.LastSeq() }

// Now is the engine's logical time: the latest envelope time it has seen.
func (e *Engine) Now() int64 { return e.ledger.Now() }

// Ledger gives read access to the inventory state. Callers must not read it concurrently with
// Apply.
func (e *Engine) Ledger() *ledger.Ledger { return e.ledger }

// Orders gives read access to the orders state. Callers must not read it concurrently with
// Apply.
func (e *Engine) Orders() *orders.Orders { return e.orders }

// CheckInvariants verifies the invariants of every part, and that they agree with each other.
func (e *Engine) CheckInvariants() error {
	if err := e.ledger.CheckInvariants(); err != nil {
		return err
	}
	return e.orders.CheckInvariants()
}

// AppendSnapshot appends the canonical encoding of the whole state to dst: the ledger's, then
// the orders'.
func (e *Engine) AppendSnapshot(dst []byte) []byte {
	dst = append(dst, snapshotMagic...)
	dst = append(dst, snapshotVersion)
	dst = e.ledger.AppendState(dst)
	return e.orders.AppendState(dst)
}

// Restore rebuilds an engine from a snapshot written by AppendSnapshot, refusing anything that
// is not exactly the canonical encoding of a valid state.
func Restore(data []byte) (*Engine, error) {
	return restore(data, ledger.DecodeStatePrefix, orders.DecodeState)
}

// RestoreTrusted is Restore for a snapshot the journal read back with its checksum intact, so
// one that this code wrote: it skips re-encoding the ledger to prove the bytes canonical, the
// largest cost of start-up, and still checks bounds and every invariant.
func RestoreTrusted(data []byte) (*Engine, error) {
	return restore(data, ledger.DecodeTrustedStatePrefix, orders.DecodeTrustedState)
}

func restore(data []byte, decodeLedger func([]byte) (*ledger.Ledger, []byte, error),
	decodeOrders func([]byte, *ledger.Ledger) (*orders.Orders, error)) (*Engine, error) {
	if len(data) < len(snapshotMagic)+1 || string(data[:len(snapshotMagic)]) != snapshotMagic {
		return nil, fmt.Errorf("engine: restore: not a snapshot")
	}
	if v := data[len(snapshotMagic)]; v != snapshotVersion {
		return nil, fmt.Errorf("engine: restore: unknown snapshot version %d", v)
	}
	l, rest, err := decodeLedger(data[len(snapshotMagic)+1:])
	if err != nil {
		return nil, fmt.Errorf("engine: restore: %w", err)
	}
	o, err := decodeOrders(rest, l)
	if err != nil {
		return nil, fmt.Errorf("engine: restore: %w", err)
	}
	return &Engine{ledger: l, orders: o}, nil
}

// Hash is the SHA-256 of the canonical encoding: equal hashes mean equal states.
func (e *Engine) Hash() [32]byte { return sha256.Sum256(e.AppendSnapshot(nil)) }

// recordAdMetrics applies record_ad_metrics. Ad figures are observations, not claims on stock:
// the engine keeps no state for them (the journal holds the command, and projections read its
// event), so the state hash moves only by the sequence number and the clock, as for a rejected
// command. It checks that the SKU and the channel exist and that the period is not in the
// future, and records the channel's availability of the SKU at this point in the sequence in
// the event, so that a projection sees what the campaign was selling against.
func (e *Engine) recordAdMetrics(env *depot.Envelope, c *depot.RecordAdMetrics) depot.Result {
	e.ledger.Stamp(env)
	res := depot.Result{Seq: env.Seq}
	if !env.Validated {
		if r := c.Validate(); r != nil {
			res.Rejection = r
			return res
		}
	}
	now := e.ledger.Now()
	if c.PeriodEnd > now+depot.MaxAdReportAhead {
		res.Rejection = depot.Reject(depot.CodeInvalidArgument, "period_end",
			"the period ends %d ns after the engine's clock: a report cannot cover the future", c.PeriodEnd-now)
		return res
	}
	atp, rej := e.ledger.ChannelATP(c.Tenant, c.Channel, c.SKU)
	if rej != nil {
		res.Rejection = rej
		return res
	}
	m := c.AdMetrics
	e.events = append(e.events[:0], depot.Event{
		Seq: env.Seq, Time: now, Kind: depot.EventAdMetricsRecorded, Tenant: c.Tenant, Ref: c.Campaign,
		SKU: c.SKU, Channel: c.Channel, Qty: atp, At: m.PeriodEnd, Ad: &m,
	})
	res.Events = e.events
	return res
}
