package ledger_test

import (
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
)

const (
	tenant = "acme"
	t0     = int64(1_700_000_000_000_000_000)
	sec    = int64(1e9)
)

// harness drives an engine the way the sequencer does (contiguous seqs, stamped times) and
// checks after every command what must hold after every command: the invariants, and that a
// rejected or replayed command changed nothing.
type harness struct {
	t   tb
	eng *engine.Engine
	seq uint64
	now int64

	last depot.Envelope // the envelope of the last apply, for tests that record the stream
}

// tb is what the harness needs of *testing.T, so rapid's *rapid.T can drive it too.
type tb interface {
	Helper()
	Fatalf(format string, args ...any)
}

func mustEngine(t tb) *harness {
	return &harness{t: t, eng: engine.New(), now: t0}
}

// mustFixture is the catalogue most tables start from:
//
//	SKUs      tee, mug, cap, bolt (plain); kit = 3 cap + 1 bolt
//	locations ams, ber (open), par (paused), osl (closed)
//	channels  web fed by [ber, ams]; shop fed by [par, ams]; no buffers
//	stock     tee: ams 10, ber 4, par 7; mug: ams 6; cap: ams 5; bolt: ams 5
func mustFixture(t tb) *harness {
	h := mustEngine(t)
	h.ok(
		defSKU("tee"), defSKU("mug"), defSKU("cap"), defSKU("bolt"),
		defSKU("kit", depot.Component{SKU: "cap", Qty: 3}, depot.Component{SKU: "bolt", Qty: 1}),
		defLoc("ams", depot.LocationOpen), defLoc("ber", depot.LocationOpen),
		defLoc("par", depot.LocationOpen), defLoc("osl", depot.LocationOpen),
		defChan("web", depot.Buffer{}, "ber", "ams"), defChan("shop", depot.Buffer{}, "par", "ams"),
		rcv("f-1", "tee", "ams", 10), rcv("f-2", "tee", "ber", 4), rcv("f-3", "tee", "par", 7),
		rcv("f-4", "mug", "ams", 6), rcv("f-5", "cap", "ams", 5), rcv("f-6", "bolt", "ams", 5),
		// Paused and closed after receiving, as happens in practice: the stock stays put.
		defLoc("par", depot.LocationPaused), defLoc("osl", depot.LocationClosed),
	)
	return h
}

// apply sequences one command at the harness's time.
func (h *harness) apply(c depot.Command) depot.Result {
	h.t.Helper()
	h.seq++
	env := depot.Envelope{Seq: h.seq, Time: h.now, Cmd: c}
	h.last = env
	before := h.eng.AppendSnapshot(nil)
	res := h.eng.Apply(&env)
	res.Events = slices.Clone(res.Events) // they alias the engine's buffer
	if res.Seq != env.Seq {
		h.t.Fatalf("result seq %d for envelope %d", res.Seq, env.Seq)
	}
	if err := h.eng.CheckInvariants(); err != nil {
		h.t.Fatalf("after %s: %v", c.Kind(), err)
	}
	if !res.OK() || res.Replayed {
		if len(res.Events) != 0 {
			h.t.Fatalf("%s rejected or replayed with events %+v", c.Kind(), res.Events)
		}
		assertOnlyClockMoved(h.t, before, &env, h.eng)
	}
	return res
}

// assertOnlyClockMoved checks that eng is the state encoded in before, except that the envelope
// advanced the sequence number and the clock. Those two are part of the state (and so of the
// hash) and every command moves them, accepted or not, so "the hash is unchanged" means: equal
// to the hash of the old state after an envelope that carries no command at all.
func assertOnlyClockMoved(t tb, before []byte, env *depot.Envelope, eng *engine.Engine) {
	t.Helper()
	twin, err := engine.Restore(before)
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	if res := twin.Apply(&depot.Envelope{Seq: env.Seq, Time: env.Time}); res.OK() {
		t.Fatalf("an envelope without a command was accepted")
	}
	if twin.Hash() != eng.Hash() {
		t.Fatalf("%s was rejected or replayed but changed the state", env.Cmd.Kind())
	}
}

// ok applies commands that must be accepted and returns the events of the last one.
func (h *harness) ok(cmds ...depot.Command) []depot.Event {
	h.t.Helper()
	var evs []depot.Event
	for _, c := range cmds {
		res := h.apply(c)
		if !res.OK() {
			h.t.Fatalf("%s %+v rejected: %v", c.Kind(), c, res.Rejection)
		}
		evs = res.Events
	}
	return evs
}

// raw applies without the per-step checks, for bulk setup where they would cost seconds.
func (h *harness) raw(c depot.Command) depot.Result {
	h.seq++
	return h.eng.Apply(&depot.Envelope{Seq: h.seq, Time: h.now, Cmd: c})
}

func (h *harness) advance(d int64) { h.now += d }

func (h *harness) tick() []depot.Event { h.t.Helper(); return h.ok(&depot.Tick{}) }

func (h *harness) pos(s, loc string) depot.Position {
	h.t.Helper()
	p, ok := h.eng.Ledger().Position(tenant, s, loc)
	if !ok {
		h.t.Fatalf("no position (%s, %s)", s, loc)
	}
	return p
}

// wantPos checks the buckets of one position (ATP is derived and checked too).
func (h *harness) wantPos(s, loc string, onHand, reserved, allocated, held, inbound int64) {
	h.t.Helper()
	want := depot.Position{SKU: s, Location: loc, OnHand: onHand, Reserved: reserved, Allocated: allocated,
		Held: held, Inbound: inbound, ATP: onHand - reserved - allocated - held}
	if got := h.pos(s, loc); got != want {
		h.t.Fatalf("position (%s, %s):\n got %+v\nwant %+v", s, loc, got, want)
	}
}

// stamp fills in what every event of the command shares, so tables list only what differs.
func stamp(evs []depot.Event, seq uint64, time int64) []depot.Event {
	out := slices.Clone(evs)
	for i := range out {
		out[i].Seq, out[i].Time = seq, time
		if out[i].Tenant == "" {
			out[i].Tenant = tenant
		}
	}
	return out
}

// cmdCase is one row of a per-command table: setup on the fixture, the command, and either the
// exact events (code 0) or the rejection with its field and shortfalls.
type cmdCase struct {
	name     string
	setup    func(h *harness)
	cmd      depot.Command
	want     []depot.Event
	replayed bool
	code     depot.Code
	field    string
	short    []depot.Shortfall
	check    func(h *harness)
	bare     bool // start from an empty engine instead of the fixture
}

func runCases(t *testing.T, cases []cmdCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var h *harness
			if tc.bare {
				h = mustEngine(t)
			} else {
				h = mustFixture(t)
			}
			if tc.setup != nil {
				tc.setup(h)
			}
			res := h.apply(tc.cmd)
			switch {
			case tc.code != 0:
				if res.OK() {
					t.Fatalf("accepted with events %+v, want %s", res.Events, tc.code)
				}
				r := res.Rejection
				if r.Code != tc.code || (tc.field != "" && r.Field != tc.field) {
					t.Fatalf("rejected with %s on %q (%s), want %s on %q", r.Code, r.Field, r.Message, tc.code, tc.field)
				}
				if !reflect.DeepEqual(r.Shortfalls, tc.short) {
					t.Fatalf("shortfalls:\n got %+v\nwant %+v", r.Shortfalls, tc.short)
				}
				if res.Replayed {
					t.Fatalf("a rejection is marked replayed")
				}
			case tc.replayed:
				if !res.OK() || !res.Replayed {
					t.Fatalf("got ok=%v replayed=%v (%v), want a replay", res.OK(), res.Replayed, res.Rejection)
				}
			default:
				if !res.OK() {
					t.Fatalf("rejected: %v", res.Rejection)
				}
				if res.Replayed {
					t.Fatalf("fresh command marked replayed")
				}
				if want := stamp(tc.want, res.Seq, h.now); !reflect.DeepEqual(res.Events, want) {
					t.Fatalf("events:\n got %+v\nwant %+v", res.Events, want)
				}
			}
			if tc.check != nil {
				tc.check(h)
			}
		})
	}
}

// Builders: one per command, taking only what tests vary.

func defSKU(id string, comps ...depot.Component) *depot.DefineSKU {
	return &depot.DefineSKU{Tenant: tenant, SKU: id, Components: comps}
}

func defLoc(id string, status depot.LocationStatus) *depot.DefineLocation {
	return &depot.DefineLocation{Tenant: tenant, Location: id, Type: depot.LocationWarehouse, Status: status}
}

func defChan(id string, b depot.Buffer, locs ...string) *depot.DefineChannel {
	return &depot.DefineChannel{Tenant: tenant, Channel: id, Locations: locs, Default: b}
}

func expect(id, s, loc string, qty, eta int64) *depot.ExpectInbound {
	return &depot.ExpectInbound{Tenant: tenant, ID: id, SKU: s, Location: loc, Qty: qty, ETA: eta}
}

func rcv(id, s, loc string, qty int64) *depot.Receive {
	return &depot.Receive{Tenant: tenant, ID: id, SKU: s, Location: loc, Qty: qty}
}

func rcvFor(id, s, loc string, qty int64, inbound string) *depot.Receive {
	c := rcv(id, s, loc, qty)
	c.Inbound = inbound
	return c
}

func adj(id, s, loc string, delta int64) *depot.Adjust {
	return &depot.Adjust{Tenant: tenant, ID: id, SKU: s, Location: loc, Delta: delta, Reason: "damage"}
}

func cnt(id, s, loc string, onHand int64) *depot.Count {
	return &depot.Count{Tenant: tenant, ID: id, SKU: s, Location: loc, OnHand: onHand}
}

func hold(id, s, loc string, delta int64) *depot.Hold {
	return &depot.Hold{Tenant: tenant, ID: id, SKU: s, Location: loc, Delta: delta, Reason: "qa"}
}

func ln(s, loc string, qty int64) depot.ReserveLine {
	return depot.ReserveLine{SKU: s, Location: loc, Qty: qty}
}

func rsv(id, ch string, lines ...depot.ReserveLine) *depot.Reserve {
	return &depot.Reserve{Tenant: tenant, Reservation: id, Channel: ch, Lines: lines}
}

func rsvTTL(id, ch string, ttl int64, lines ...depot.ReserveLine) *depot.Reserve {
	c := rsv(id, ch, lines...)
	c.TTL = ttl
	return c
}

func ext(id string, ttl int64) *depot.Extend {
	return &depot.Extend{Tenant: tenant, Reservation: id, TTL: ttl}
}

func rel(id string) *depot.Release { return &depot.Release{Tenant: tenant, Reservation: id} }

func commit(id, order string) *depot.Commit {
	return &depot.Commit{Tenant: tenant, Reservation: id, Order: order}
}

func sl(s, loc string, qty int64) depot.ShipLine {
	return depot.ShipLine{SKU: s, Location: loc, Qty: qty}
}

func ship(id, order string, lines ...depot.ShipLine) *depot.Ship {
	return &depot.Ship{Tenant: tenant, ID: id, Order: order, Lines: lines}
}

func ret(id, order, s, loc string, qty int64, restock bool, reason string) *depot.Return {
	return &depot.Return{Tenant: tenant, ID: id, Order: order, SKU: s, Location: loc, Qty: qty, Restock: restock, Reason: reason}
}

// Event builders for the kinds tables assert most.

func reserved(ref, s, loc, ch string, qty, at int64) depot.Event {
	return depot.Event{Kind: depot.EventReserved, Ref: ref, SKU: s, Location: loc, Channel: ch, Qty: qty, At: at}
}

func released(kind depot.EventKind, ref, s, loc, ch string, qty int64) depot.Event {
	return depot.Event{Kind: kind, Ref: ref, SKU: s, Location: loc, Channel: ch, Qty: qty}
}

func itoa(i int) string { return strconv.Itoa(i) }
