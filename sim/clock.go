package sim

import (
	"sync/atomic"
)

// Clock is simulated time in unix nanoseconds. The runner sets it to each instant before
// submitting that instant's batch; the sequencer reads it (Options.Clock = clock.Now) to stamp
// commands, so the engine's TTLs and expiries follow simulated time. It only moves forward.
type Clock struct {
	now atomic.Int64
}

// NewClock returns a clock reading start.
func NewClock(start int64) *Clock {
	c := &Clock{}
	c.now.Store(start)
	return c
}

// Now returns the simulated time. It is safe for concurrent use.
func (c *Clock) Now() int64 { return c.now.Load() }

// Set moves the clock to t; a t earlier than the current reading is ignored, because the
// sequencer must never see time step back.
func (c *Clock) Set(t int64) {
	for {
		cur := c.now.Load()
		if t <= cur || c.now.CompareAndSwap(cur, t) {
			return
		}
	}
}
