package sim

import (
	"context"
	"encoding/hex"
	"fmt"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
	"github.com/depothq/depot/ledger"
	"github.com/depothq/depot/sequencer"
)

// Driver is how the simulator reaches a Depot: in process through a sequencer, or over HTTP
// through the API client. Drivers answer every command of a batch in order; a rejected command
// is an answer, an error means the batch's fate is unknown.
type Driver interface {
	// Submit sequences one command and returns its answer once it is durable.
	Submit(ctx context.Context, cmd depot.Command) (depot.Result, error)
	// SubmitBatch sequences the commands in order, as one group commit where the driver can, and
	// answers each.
	SubmitBatch(ctx context.Context, cmds []depot.Command) ([]depot.Result, error)
	// Stats reads the serving side's counters.
	Stats(ctx context.Context) (Stats, error)
}

// Stats is what a driver can tell about the Depot it drives.
type Stats struct {
	// DurableSeq is the last sequence number on disk.
	DurableSeq uint64 `json:"durable_seq"`
	// QueueDepth is the submissions waiting for the sequencer.
	QueueDepth int          `json:"queue_depth"`
	Ledger     ledger.Stats `json:"ledger"`
}

// SequencerDriver drives a sequencer in the same process.
type SequencerDriver struct {
	seq *sequencer.Sequencer
}

var _ Driver = (*SequencerDriver)(nil)

// NewSequencerDriver returns a driver over s. The caller keeps ownership of s.
func NewSequencerDriver(s *sequencer.Sequencer) *SequencerDriver { return &SequencerDriver{seq: s} }

// Submit implements Driver.
func (d *SequencerDriver) Submit(ctx context.Context, cmd depot.Command) (depot.Result, error) {
	return d.seq.Submit(ctx, cmd)
}

// SubmitBatch implements Driver.
func (d *SequencerDriver) SubmitBatch(ctx context.Context, cmds []depot.Command) ([]depot.Result, error) {
	return d.seq.SubmitBatch(ctx, cmds)
}

// Stats implements Driver.
func (d *SequencerDriver) Stats(ctx context.Context) (Stats, error) {
	st := Stats{QueueDepth: d.seq.QueueDepth()}
	err := d.seq.Read(ctx, func(e *engine.Engine) { st.Ledger = e.Ledger().Stats() })
	st.DurableSeq = d.seq.DurableSeq()
	if err != nil {
		return st, fmt.Errorf("sim: read stats: %w", err)
	}
	return st, nil
}

// StateHash returns the engine's state hash in hex and the sequence number it covers. It walks
// the whole state, so call it at the end of a run, not per batch.
func (d *SequencerDriver) StateHash(ctx context.Context) (string, uint64, error) {
	var h [32]byte
	var seq uint64
	if err := d.seq.Read(ctx, func(e *engine.Engine) { h, seq = e.Hash(), e.LastSeq() }); err != nil {
		return "", 0, fmt.Errorf("sim: read state hash: %w", err)
	}
	return hex.EncodeToString(h[:]), seq, nil
}
