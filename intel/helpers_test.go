package intel_test

import (
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/intel"
)

const (
	second = int64(1e9)
	minute = 60 * second
	hour   = 60 * minute
	t0     = int64(1_900_000_000) * second
)

// stream builds events in sequence order for one tenant and applies them, recording alert
// changes.
type stream struct {
	t       testing.TB
	in      *intel.Intel
	tenant  string
	seq     uint64
	now     int64
	changes []intel.Change
}

func newStream(t testing.TB, cfg intel.Config) *stream {
	s := &stream{t: t, tenant: "acme", now: t0}
	s.in = intel.New(intel.Options{Config: cfg, OnChange: func(c intel.Change) { s.changes = append(s.changes, c) }})
	return s
}

// at moves time forward to t0 + d.
func (s *stream) at(d int64) *stream {
	if t0+d > s.now {
		s.now = t0 + d
	}
	return s
}

// emit applies one event as its own command.
func (s *stream) emit(ev depot.Event) {
	s.seq++
	ev.Seq, ev.Time = s.seq, s.now
	if ev.Tenant == "" {
		ev.Tenant = s.tenant
	}
	s.in.Apply(&ev)
}

func (s *stream) reserve(ch, sku, loc string, qty int64) {
	s.emit(depot.Event{Kind: depot.EventReserved, Channel: ch, SKU: sku, Location: loc, Qty: qty, Ref: "r"})
}

// opened returns the alerts of kind opened so far, in order.
func (s *stream) opened(k intel.Kind) []intel.Alert {
	var out []intel.Alert
	for _, c := range s.changes {
		if c.To == intel.StateOpen && c.Alert.Kind == k {
			out = append(out, c.Alert)
		}
	}
	return out
}

// resolved counts resolutions of kind.
func (s *stream) resolved(k intel.Kind) int {
	n := 0
	for _, c := range s.changes {
		if c.To == intel.StateResolved && c.Alert.Kind == k {
			n++
		}
	}
	return n
}
