package orders_test

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts under testdata/")

const (
	tenant = "acme"
	// t0 is Monday 2024-01-15 09:00 UTC.
	t0     = int64(1705309200) * 1e9
	minute = int64(60e9)
	hour   = 60 * minute
)

// tb is what the harness needs of *testing.T, so rapid's *rapid.T can drive it too.
type tb interface {
	Helper()
	Fatalf(format string, args ...any)
}

// harness drives an engine the way the sequencer does (contiguous sequence numbers, stamped
// times), checks after every command what must hold after every command (the invariants of
// ledger and orders; a rejected or replayed command changed nothing), and keeps a transcript.
type harness struct {
	t       tb
	eng     *engine.Engine
	now     int64
	envs    []depot.Envelope
	results []depot.Result
	log     strings.Builder
}

func newHarness(t tb) *harness {
	return &harness{t: t, eng: engine.New(), now: t0}
}

// apply sequences one command at the harness's time and checks what must hold.
func (h *harness) apply(c depot.Command) depot.Result {
	h.t.Helper()
	env := depot.Envelope{Seq: h.eng.LastSeq() + 1, Time: h.now, Cmd: c}
	before := h.eng.AppendSnapshot(nil)
	res := h.eng.Apply(&env)
	res.Events = slices.Clone(res.Events)
	if err := h.eng.CheckInvariants(); err != nil {
		h.t.Fatalf("after %s: %v", c.Kind(), err)
	}
	if !res.OK() || res.Replayed {
		if len(res.Events) != 0 {
			h.t.Fatalf("%s rejected or replayed with events %+v", c.Kind(), res.Events)
		}
		// Only the clock and the sequence number may move.
		if !sameBut(before, h.eng.AppendSnapshot(nil)) {
			h.t.Fatalf("%s rejected or replayed but the state changed", c.Kind())
		}
	}
	h.envs = append(h.envs, env)
	h.results = append(h.results, res)
	h.record(&env, &res)
	return res
}

// sameBut compares two snapshots taken around a command that changed nothing: they may differ
// only in the ledger's clock and last sequence number, the two varints after the headers.
func sameBut(a, b []byte) bool {
	rest := func(s []byte) []byte {
		s = s[len("DPEN")+1+len("DPLG")+1:]
		_, n := binary.Varint(s)
		s = s[n:]
		_, n = binary.Uvarint(s)
		return s[n:]
	}
	return bytes.Equal(rest(a), rest(b))
}

// ok applies commands that must be accepted.
func (h *harness) ok(cmds ...depot.Command) []depot.Event {
	h.t.Helper()
	var evs []depot.Event
	for _, c := range cmds {
		res := h.apply(c)
		if !res.OK() {
			h.t.Fatalf("%s rejected: %v", c.Kind(), res.Rejection)
		}
		evs = append(evs, res.Events...)
	}
	return evs
}

// order applies a create_order that must be accepted and returns the order id.
func (h *harness) order(c *depot.CreateOrder) string {
	h.t.Helper()
	res := h.apply(c)
	if !res.OK() || res.Ref == "" {
		h.t.Fatalf("create_order %s: %+v", c.ExternalID, res.Rejection)
	}
	return res.Ref
}

// reject applies a command that must be rejected with code.
func (h *harness) reject(c depot.Command, code depot.Code) *depot.Rejection {
	h.t.Helper()
	res := h.apply(c)
	if res.OK() {
		h.t.Fatalf("%s accepted, want %s", c.Kind(), code)
	}
	if res.Rejection.Code != code {
		h.t.Fatalf("%s rejected with %v, want %s", c.Kind(), res.Rejection, code)
	}
	return res.Rejection
}

// at moves the clock to t0 + d and ticks.
func (h *harness) tickAt(d int64) []depot.Event {
	h.t.Helper()
	h.now = t0 + d
	return h.ok(&depot.Tick{})
}

// note adds a line of prose to the transcript.
func (h *harness) note(format string, args ...any) {
	fmt.Fprintf(&h.log, "\n# "+format+"\n", args...)
}

// record appends one command and its outcome to the transcript.
func (h *harness) record(env *depot.Envelope, res *depot.Result) {
	fmt.Fprintf(&h.log, "> %d %s %s%s\n", env.Seq, clock(env.Time), env.Cmd.Kind(), summary(env.Cmd))
	switch {
	case res.Rejection != nil:
		fmt.Fprintf(&h.log, "  rejected %s\n", res.Rejection.Error())
	case res.Replayed && res.Ref != "":
		fmt.Fprintf(&h.log, "  replayed %s\n", res.Ref)
	case res.Replayed:
		fmt.Fprintf(&h.log, "  replayed\n")
	}
	for i := range res.Events {
		fmt.Fprintf(&h.log, "  %s\n", eventLine(&res.Events[i]))
	}
}

// summary renders the identifying fields of a command.
func summary(c depot.Command) string {
	switch c := c.(type) {
	case *depot.CreateOrder:
		var ls []string
		for _, l := range c.Lines {
			ls = append(ls, fmt.Sprintf("%dx%s", l.Qty, l.SKU))
		}
		return fmt.Sprintf(" %s %s %s [%s]", c.Channel, c.ExternalID, c.Level, strings.Join(ls, " "))
	case *depot.AdvanceShipment:
		s := " " + c.Shipment + " " + c.Step.String()
		if c.Tracking != "" {
			s += " " + c.Tracking
		}
		return s
	case *depot.CancelOrder:
		return " " + c.Order
	case *depot.TrackShipment:
		return fmt.Sprintf(" %s %q %s", c.Shipment, c.Status, clock(c.At))
	case *depot.DefineLocation:
		return " " + c.Location + " " + c.Status.String()
	case *depot.Receive:
		return fmt.Sprintf(" %dx%s at %s", c.Qty, c.SKU, c.Location)
	case *depot.DefineCarrier:
		return " " + c.Carrier
	}
	return ""
}

// eventLine renders an event with its non-empty fields.
func eventLine(e *depot.Event) string {
	var b strings.Builder
	b.WriteString(e.Kind.String())
	field := func(k, v string) {
		if v != "" {
			b.WriteString(" " + k + "=" + v)
		}
	}
	field("ref", e.Ref)
	if e.Order != e.Ref {
		field("order", e.Order)
	}
	field("sku", e.SKU)
	field("loc", e.Location)
	field("channel", e.Channel)
	if e.Qty != 0 {
		field("qty", strconv.FormatInt(e.Qty, 10))
	}
	switch {
	case e.Kind == depot.EventLocationDefined && e.At != 0:
		field("at", strconv.FormatInt(e.At, 10)+"min") // the UTC offset, not a time
	case e.At != 0:
		field("at", clock(e.At))
	}
	field("carrier", e.Carrier)
	field("service", e.Service)
	field("tracking", e.Tracking)
	if e.Reason != "" {
		b.WriteString(" reason=" + strconv.Quote(e.Reason))
	}
	return b.String()
}

// clock renders an instant as day offset and time from t0's day, "d0 09:00".
func clock(ns int64) string {
	d := ns - (t0 - 9*hour)
	day := d / (24 * hour)
	rem := d - day*24*hour
	return fmt.Sprintf("d%d %02d:%02d", day, rem/hour, rem%hour/minute)
}

// golden compares the transcript with testdata/<name>.golden (or rewrites it with -update).
func (h *harness) golden(t *testing.T, name string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	got := []byte(strings.TrimLeft(h.log.String(), "\n"))
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update and review the diff):\n%s", path, diff(string(want), string(got)))
	}
}

// diff shows the first differing lines.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\nwant %s\n got %s", i+1, a, b)
		}
	}
	return ""
}

// replayCheck replays the harness's envelopes into a fresh engine, and from a snapshot taken
// half way plus the tail, and demands the same results and the same hash.
func (h *harness) replayCheck() {
	h.t.Helper()
	fresh := engine.New()
	var mid []byte
	for i := range h.envs {
		if i == len(h.envs)/2 {
			mid = fresh.AppendSnapshot(nil)
		}
		data := depot.AppendEnvelope(nil, &h.envs[i])
		env, err := depot.DecodeEnvelope(data)
		if err != nil {
			h.t.Fatalf("decode %d: %v", i, err)
		}
		res := fresh.Apply(&env)
		if !sameResult(&res, &h.results[i]) {
			h.t.Fatalf("replay of %d (%s) decided differently:\n got %+v\nwant %+v", env.Seq, env.Cmd.Kind(), res, h.results[i])
		}
	}
	if fresh.Hash() != h.eng.Hash() {
		h.t.Fatalf("replay hash differs")
	}
	if mid == nil {
		return
	}
	r, err := engine.Restore(mid)
	if err != nil {
		h.t.Fatalf("restore: %v", err)
	}
	for i := len(h.envs) / 2; i < len(h.envs); i++ {
		res := r.Apply(&h.envs[i])
		if !sameResult(&res, &h.results[i]) {
			h.t.Fatalf("snapshot + tail at %d (%s) decided differently:\n got %+v\nwant %+v", h.envs[i].Seq, h.envs[i].Cmd.Kind(), res, h.results[i])
		}
	}
	if r.Hash() != h.eng.Hash() {
		h.t.Fatalf("snapshot + tail hash differs")
	}
}

func sameResult(a, b *depot.Result) bool {
	if a.OK() != b.OK() || a.Replayed != b.Replayed || a.Ref != b.Ref || !slices.Equal(a.Events, b.Events) {
		return false
	}
	return a.OK() || (a.Rejection.Code == b.Rejection.Code && a.Rejection.Message == b.Rejection.Message)
}
