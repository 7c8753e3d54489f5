// Package engine composes Depot's pure state machines (today the ledger; orders, sourcing and
// carriers join it) behind one Apply, and owns the snapshot format and the state hash.
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
)

const (
	snapshotMagic   = "DPEN"
	snapshotVersion = 1
)

// Engine is the whole deterministic state. It is not safe for concurrent use.
type Engine struct {
	ledger *ledger.Ledger
}

// New returns an empty engine.
func New() *Engine { return &Engine{ledger: ledger.New()} }

// Apply applies one sequenced command. Sequence numbers must increase; a gap or a step back
// means the caller replayed the wrong journal, which would silently fork the state, so it is a
// panic rather than a rejection. The result's events are valid until the next Apply.
func (e *Engine) Apply(env *depot.Envelope) depot.Result {
	if last := e.ledger.LastSeq(); env.Seq != last+1 {
		panic(fmt.Sprintf("engine: sequence %d after %d", env.Seq, last))
	}
	return e.ledger.Apply(env)
}

// LastSeq is the sequence number of the last applied command (0 for a fresh engine).
func (e *Engine) LastSeq() uint64 { return e.ledger.LastSeq() }

// Now is the engine's logical time: the latest envelope time it has seen.
func (e *Engine) Now() int64 { return e.ledger.Now() }

// Ledger gives read access to the inventory state. Callers must not read it concurrently with
// Apply.
func (e *Engine) Ledger() *ledger.Ledger { return e.ledger }

// CheckInvariants verifies the invariants of every part.
func (e *Engine) CheckInvariants() error { return e.ledger.CheckInvariants() }

// AppendSnapshot appends the canonical encoding of the whole state to dst.
func (e *Engine) AppendSnapshot(dst []byte) []byte {
	dst = append(dst, snapshotMagic...)
	dst = append(dst, snapshotVersion)
	return e.ledger.AppendState(dst)
}

// Restore rebuilds an engine from a snapshot written by AppendSnapshot.
func Restore(data []byte) (*Engine, error) {
	if len(data) < len(snapshotMagic)+1 || string(data[:len(snapshotMagic)]) != snapshotMagic {
		return nil, fmt.Errorf("engine: restore: not a snapshot")
	}
	if v := data[len(snapshotMagic)]; v != snapshotVersion {
		return nil, fmt.Errorf("engine: restore: unknown snapshot version %d", v)
	}
	l, err := ledger.DecodeState(data[len(snapshotMagic)+1:])
	if err != nil {
		return nil, fmt.Errorf("engine: restore: %w", err)
	}
	return &Engine{ledger: l}, nil
}

// Hash is the SHA-256 of the canonical encoding: equal hashes mean equal states.
func (e *Engine) Hash() [32]byte { return sha256.Sum256(e.AppendSnapshot(nil)) }
