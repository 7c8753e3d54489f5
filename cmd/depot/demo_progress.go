package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/depothq/depot/sim"
)

// How often the progress line is redrawn: often on a terminal, where it rewrites itself, and
// rarely elsewhere (logs, CI), where each update is a new line.
const (
	demoProgressTTY  = 250 * time.Millisecond
	demoProgressLog  = 5 * time.Second
	demoStatsTimeout = time.Second
)

// demoProgress prints the live progress line until stopped.
type demoProgress struct {
	done chan struct{}
	wg   sync.WaitGroup
}

func startDemoProgress(out io.Writer, m *sim.Metrics, driver sim.Driver, tz *time.Location) *demoProgress {
	p := &demoProgress{done: make(chan struct{})}
	tty := isTerminal(out)
	every := demoProgressLog
	if tty {
		every = demoProgressTTY
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		last, lastAt := m.Snapshot(), time.Now()
		for {
			select {
			case <-p.done:
				if tty {
					fmt.Fprintln(out)
				}
				return
			case now := <-t.C:
				s := m.Snapshot()
				rate := float64(s.Commands-last.Commands) / now.Sub(lastAt).Seconds()
				line := demoProgressLine(&s, tz, rate, demoQueueDepth(driver))
				if tty {
					fmt.Fprintf(out, "\r%s\x1b[K", line)
				} else {
					fmt.Fprintln(out, line)
				}
				last, lastAt = s, now
			}
		}
	}()
	return p
}

// stop ends the progress line and waits until it is no longer writing.
func (p *demoProgress) stop() {
	close(p.done)
	p.wg.Wait()
}

func demoQueueDepth(d sim.Driver) int {
	ctx, cancel := context.WithTimeout(context.Background(), demoStatsTimeout)
	defer cancel()
	st, err := d.Stats(ctx)
	if err != nil {
		return -1
	}
	return st.QueueDepth
}

// demoProgressLine is one update: the simulated clock and what an operations lead watches.
func demoProgressLine(s *sim.Snapshot, tz *time.Location, cmdsPerSec float64, queue int) string {
	if orchestrated(s) {
		return fmt.Sprintf("%s | orders %s: %s allocated, %s backordered | shipped %s | SLA %s, %s at risk, %s breached | %s cmd/s, p99 %s, queue %d",
			simClock(s.SimTime, tz), commas(s.OrdersPlaced), commas(s.OrdersAllocated), commas(s.OrdersBackordered),
			commas(s.ShipmentsShipped), percent(s.SLAHealth()), commas(s.SLAAtRisk), commas(s.SLABreached),
			commas(int64(cmdsPerSec)), millis(s.LatencyP99), queue)
	}
	return fmt.Sprintf("%s | orders %s | fill %s | oversells prevented %s | SLA %s | %s cmd/s, p99 %s, queue %d",
		simClock(s.SimTime, tz), commas(s.OrdersPlaced), percent(s.FillRate()), commas(s.OversellsPrevented()),
		percent(s.SLAHealth()), commas(int64(cmdsPerSec)), millis(s.LatencyP99), queue)
}

// orchestrated reports whether the figures come from orchestrated orders (the ledger-level
// flow never allocates, backorders or ships a shipment).
func orchestrated(s *sim.Snapshot) bool {
	return s.OrdersAllocated+s.OrdersBackordered+s.ShipmentsShipped > 0
}

// isTerminal reports whether w is a terminal, where a line can be redrawn with \r.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
