package sim

import (
	"context"
	"fmt"
	"time"

	"github.com/depothq/depot"
)

// Runner feeds a workload to a driver instant by instant: it paces simulated time against the
// wall clock, sets the simulated clock, submits the instant's batch, and hands the answers back
// to the workload. Only one batch is in flight at a time, which is what makes a run a pure
// function of its seed.
type Runner struct {
	Driver   Driver
	Workload *Workload
	// Clock, when set, is moved to each instant before its batch is submitted; give the same
	// clock to the sequencer (Options.Clock) so that the engine lives in simulated time.
	Clock *Clock
	// Speed is simulated seconds per wall second (60 plays a day in 24 minutes); 0 runs as
	// fast as the driver answers.
	Speed float64
	// MaxBatch bounds the commands per submission (default depot.MaxBatch).
	MaxBatch int
	// OnBatch, if set, is called after each batch is observed, on the runner's goroutine.
	OnBatch func(at int64, commands int)
}

// Run drives the workload until it ends or ctx is cancelled; it returns ctx's error in the
// latter case. A batch already submitted when ctx ends is still answered and observed, so the
// metrics always match what the engine holds. A workload whose run stopped cannot be resumed.
func (r *Runner) Run(ctx context.Context) error {
	if r.Driver == nil || r.Workload == nil {
		return fmt.Errorf("sim: runner needs a driver and a workload")
	}
	maxBatch := r.MaxBatch
	if maxBatch <= 0 || maxBatch > depot.MaxBatch {
		maxBatch = depot.MaxBatch
	}
	w := r.Workload
	wallStart := time.Now()
	cmds := make([]depot.Command, 0, maxBatch)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		at, steps, ok := w.Next(maxBatch)
		if !ok {
			return nil
		}
		if r.Speed > 0 {
			due := wallStart.Add(time.Duration(float64(at-w.Start()) / r.Speed))
			if err := sleepUntil(ctx, due); err != nil {
				// Nothing of this instant was submitted. A stopped run does not resume, so its
				// steps are simply dropped.
				return err
			}
		}
		if r.Clock != nil {
			r.Clock.Set(at)
		}
		cmds = cmds[:0]
		for i := range steps {
			cmds = append(cmds, steps[i].Cmd)
		}
		started := time.Now()
		// A stop must not abandon a batch half-way: the answer is awaited even after ctx ends.
		results, err := r.Driver.SubmitBatch(context.WithoutCancel(ctx), cmds)
		took := time.Since(started)
		if err != nil {
			return fmt.Errorf("sim: submit %d commands at %s: %w", len(cmds), time.Unix(0, at).UTC().Format(time.RFC3339), err)
		}
		if err := w.Observe(steps, results); err != nil {
			return err
		}
		w.Metrics().RecordBatch(len(cmds), took)
		if r.OnBatch != nil {
			r.OnBatch(at, len(cmds))
		}
	}
}

func sleepUntil(ctx context.Context, due time.Time) error {
	d := time.Until(due)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
