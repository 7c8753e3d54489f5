package ledger_test

import (
	"bytes"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
)

// The property tests drive random command streams over a small catalogue, where collisions
// (shared components, contested positions, repeated ids, expiries racing commits) are common:
//
//	SKUs       s1, s2, s3 plain; kit = 2 s1 + 1 s2; kit2 flips between plain and 1 s1 + 2 s3
//	locations  L1, L2, L3, whose status changes at random
//	channels   web [L1, L2] withholding 1 unit; app [L2, L3, L1] withholding 20% capped at 50,
//	           with s3 unbuffered
//
// Arguments are mostly valid, some not (unknown ids, zero quantities, kits where stock is
// meant, bad TTLs), and the clock moves forward by seconds to days with ticks in between.

var (
	propSKUs      = []string{"s1", "s2", "s3", "kit", "kit2"}
	propLocations = []string{"L1", "L2", "L3"}
)

// propModel is an independent projection of the stream's events: it rebuilds every position's
// buckets from events alone, which is what read views downstream do, so it also proves that the
// events tell the whole story.
type propModel struct {
	pos      map[[2]string]*depot.Position
	inbound  map[string]int64 // remaining units per open inbound receipt
	received int64
	adjusted int64
	returned int64
	shipped  int64

	live     []string                       // reservations holding stock
	finished []string                       // reservations released, expired or committed
	alloc    map[string]map[[2]string]int64 // open orders: units allocated per (SKU, location)
	inbounds map[string][2]string           // inbound receipts ever expected: their (SKU, location)
	history  []depot.Command                // every command drawn, for exact repeats
	next     int
}

func newPropModel() *propModel {
	return &propModel{pos: make(map[[2]string]*depot.Position), inbound: make(map[string]int64),
		alloc: make(map[string]map[[2]string]int64), inbounds: make(map[string][2]string)}
}

func (m *propModel) at(s, loc string) *depot.Position {
	k := [2]string{s, loc}
	p := m.pos[k]
	if p == nil {
		p = &depot.Position{SKU: s, Location: loc}
		m.pos[k] = p
	}
	return p
}

func (m *propModel) observe(evs []depot.Event) {
	for _, ev := range evs {
		switch ev.Kind {
		case depot.EventInboundExpected:
			m.at(ev.SKU, ev.Location).Inbound += ev.Qty
			m.inbound[ev.Ref] += ev.Qty
			m.inbounds[ev.Ref] = [2]string{ev.SKU, ev.Location}
		case depot.EventReceived:
			p := m.at(ev.SKU, ev.Location)
			p.OnHand += ev.Qty
			m.received += ev.Qty
			if ev.Reason != "" { // the inbound receipt it fulfils
				n := min(ev.Qty, m.inbound[ev.Reason])
				m.inbound[ev.Reason] -= n
				p.Inbound -= n
			}
		case depot.EventAdjusted, depot.EventCounted:
			m.at(ev.SKU, ev.Location).OnHand += ev.Qty
			m.adjusted += ev.Qty
		case depot.EventHeld:
			m.at(ev.SKU, ev.Location).Held += ev.Qty
		case depot.EventReserved:
			m.at(ev.SKU, ev.Location).Reserved += ev.Qty
			if !slices.Contains(m.live, ev.Ref) {
				m.live = append(m.live, ev.Ref)
			}
		case depot.EventReleased, depot.EventExpired:
			m.at(ev.SKU, ev.Location).Reserved -= ev.Qty
			m.finish(ev.Ref)
		case depot.EventCommitted:
			p := m.at(ev.SKU, ev.Location)
			p.Reserved -= ev.Qty
			p.Allocated += ev.Qty
			m.finish(ev.Ref)
			if m.alloc[ev.Order] == nil {
				m.alloc[ev.Order] = make(map[[2]string]int64)
			}
			m.alloc[ev.Order][[2]string{ev.SKU, ev.Location}] += ev.Qty
		case depot.EventShipped:
			p := m.at(ev.SKU, ev.Location)
			p.Allocated -= ev.Qty
			p.OnHand -= ev.Qty
			m.shipped += ev.Qty
			k := [2]string{ev.SKU, ev.Location}
			if m.alloc[ev.Order][k] -= ev.Qty; m.alloc[ev.Order][k] == 0 {
				delete(m.alloc[ev.Order], k)
			}
			if len(m.alloc[ev.Order]) == 0 {
				delete(m.alloc, ev.Order)
			}
		case depot.EventReturned:
			p := m.at(ev.SKU, ev.Location)
			p.OnHand += ev.Qty
			m.returned += ev.Qty
			if strings.HasPrefix(ev.Reason, "hold") {
				p.Held += ev.Qty
			}
		}
	}
}

// check compares every position of the engine with the model, and the conservation sum.
func (m *propModel) check(t *rapid.T, h *harness) {
	var onHand int64
	seen := 0
	for _, s := range propSKUs {
		for _, p := range h.eng.Ledger().Positions(tenant, s) {
			want := *m.at(p.SKU, p.Location)
			want.ATP = want.OnHand - want.Reserved - want.Allocated - want.Held
			if p != want {
				t.Fatalf("position (%s, %s):\n engine %+v\n events %+v", p.SKU, p.Location, p, want)
			}
			onHand += p.OnHand
			seen++
		}
	}
	for k, p := range m.pos {
		if *p != (depot.Position{SKU: k[0], Location: k[1]}) && !h.hasPosition(k[0], k[1]) {
			t.Fatalf("events imply position %+v, the engine has none", *p)
		}
	}
	if want := m.received + m.adjusted + m.returned - m.shipped; onHand != want {
		t.Fatalf("sum of on hand %d != received %d + adjusted %d + returned %d - shipped %d = %d",
			onHand, m.received, m.adjusted, m.returned, m.shipped, want)
	}
}

func (h *harness) hasPosition(s, loc string) bool {
	for _, p := range h.eng.Ledger().Positions(tenant, s) {
		if p.Location == loc {
			return true
		}
	}
	return false
}

func (m *propModel) finish(id string) {
	if i := slices.Index(m.live, id); i >= 0 {
		m.live = slices.Delete(m.live, i, i+1)
	}
	if !slices.Contains(m.finished, id) {
		m.finished = append(m.finished, id)
	}
}

func (m *propModel) fresh(prefix string) string {
	m.next++
	return prefix + strconv.Itoa(m.next)
}

// Generators. Rapid draws small indexes a little more often and shrinks towards them, so the
// common, valid choices come first and the invalid ones last.

// pick returns an index drawn with the given weights.
func pick(t *rapid.T, label string, weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := rapid.IntRange(0, total-1).Draw(t, label)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	panic("unreachable")
}

func drawSKU(t *rapid.T, stocked bool) string {
	if stocked {
		// Mostly plain SKUs; kit2 is stockable only while it is plain; kit never is.
		return []string{"s1", "s2", "s3", "kit2", "kit", "nope"}[pick(t, "sku", 10, 10, 10, 3, 1, 1)]
	}
	return []string{"s1", "s2", "s3", "kit", "kit2", "nope"}[pick(t, "sku", 10, 6, 6, 6, 3, 1)]
}

func drawLoc(t *rapid.T) string {
	return []string{"L1", "L2", "L3", "nope"}[pick(t, "location", 10, 10, 10, 1)]
}

func drawQty(t *rapid.T, maxQty int) int64 {
	if pick(t, "zero qty", 30, 1) == 1 {
		return 0
	}
	return int64(rapid.IntRange(1, maxQty).Draw(t, "qty"))
}

func drawSigned(t *rapid.T, maxAbs int) int64 {
	switch pick(t, "sign", 10, 10, 1) {
	case 0:
		return int64(rapid.IntRange(1, maxAbs).Draw(t, "magnitude"))
	case 1:
		return -int64(rapid.IntRange(1, maxAbs).Draw(t, "magnitude"))
	}
	return 0
}

// drawReservation mostly names a live reservation, sometimes a finished or unknown one.
func drawReservation(t *rapid.T, m *propModel) string {
	switch c := pick(t, "reservation", 12, 3, 1); {
	case c == 0 && len(m.live) > 0:
		return rapid.SampledFrom(m.live).Draw(t, "live")
	case c < 2 && len(m.finished) > 0:
		return rapid.SampledFrom(m.finished).Draw(t, "finished")
	}
	return "r-unknown"
}

func drawCommand(t *rapid.T, m *propModel) depot.Command {
	// The kinds that build up contested state come first: rapid favours small indexes.
	switch pick(t, "kind", 8, 6, 5, 4, 2, 2, 2, 2, 2, 2, 2, 1, 1, 2) {
	case 1:
		c := rcv(m.fresh("rcv-"), drawSKU(t, true), drawLoc(t), drawQty(t, 30))
		if len(m.inbounds) > 0 && pick(t, "against inbound", 3, 1) == 1 {
			ids := make([]string, 0, len(m.inbounds))
			for id := range m.inbounds {
				ids = append(ids, id)
			}
			slices.Sort(ids) // map order must not reach rapid's choices
			c.Inbound = rapid.SampledFrom(ids).Draw(t, "inbound")
			if pick(t, "matching inbound", 6, 1) == 0 {
				c.SKU, c.Location = m.inbounds[c.Inbound][0], m.inbounds[c.Inbound][1]
			}
		}
		return c
	case 6:
		return expect(m.fresh("po-"), drawSKU(t, true), drawLoc(t), drawQty(t, 20), t0)
	case 7:
		return adj(m.fresh("adj-"), drawSKU(t, true), drawLoc(t), drawSigned(t, 10))
	case 8:
		counted := int64(rapid.IntRange(0, 30).Draw(t, "counted"))
		if pick(t, "negative count", 20, 1) == 1 {
			counted = -1
		}
		return cnt(m.fresh("cnt-"), drawSKU(t, true), drawLoc(t), counted)
	case 9:
		return hold(m.fresh("hold-"), drawSKU(t, true), drawLoc(t), drawSigned(t, 5))
	case 0:
		lines := make([]depot.ReserveLine, rapid.IntRange(1, 3).Draw(t, "lines"))
		for i := range lines {
			loc := ""
			if pick(t, "named location", 2, 1) == 1 {
				loc = drawLoc(t)
			}
			lines[i] = ln(drawSKU(t, false), loc, drawQty(t, 4))
		}
		ttl := []int64{60 * sec, 0, 10 * sec, 3600 * sec, sec / 2}[pick(t, "ttl", 4, 4, 4, 2, 1)]
		ch := []string{"web", "app", "nope"}[pick(t, "channel", 10, 10, 1)]
		id := m.fresh("r-")
		if pick(t, "reused id", 10, 1) == 1 {
			id = drawReservation(t, m)
		}
		return rsvTTL(id, ch, ttl, lines...)
	case 5:
		return ext(drawReservation(t, m), []int64{600 * sec, 10 * sec, 0}[pick(t, "ttl", 5, 5, 1)])
	case 4:
		return rel(drawReservation(t, m))
	case 2:
		return commit(drawReservation(t, m), []string{"o-1", "o-2", "o-3", "o-4", "o-5", "o-6"}[pick(t, "order", 1, 1, 1, 1, 1, 1)])
	case 3:
		return drawShip(t, m)
	case 10:
		return ret(m.fresh("ret-"), "", drawSKU(t, true), drawLoc(t), drawQty(t, 5), pick(t, "restock", 1, 1) == 0, "")
	case 11:
		status := []depot.LocationStatus{depot.LocationOpen, depot.LocationPaused, depot.LocationClosed}[pick(t, "status", 3, 1, 1)]
		return defLoc(propLocations[pick(t, "location", 1, 1, 1)], status)
	case 12:
		if pick(t, "kit2 as kit", 1, 1) == 0 {
			return defSKU("kit2", depot.Component{SKU: "s1", Qty: 1}, depot.Component{SKU: "s3", Qty: 2})
		}
		return defSKU("kit2")
	default:
		if len(m.history) == 0 {
			return &depot.Tick{}
		}
		// An exact repeat of an earlier command: a client retrying after a timeout.
		return rapid.SampledFrom(m.history).Draw(t, "repeat")
	}
}

// drawShip mostly ships an open order, whole or by lines drawn from what it holds.
func drawShip(t *rapid.T, m *propModel) depot.Command {
	orders := make([]string, 0, len(m.alloc))
	for o := range m.alloc {
		orders = append(orders, o)
	}
	slices.Sort(orders)
	if len(orders) == 0 || pick(t, "open order", 8, 1) == 1 {
		return ship(m.fresh("shp-"), "o-unknown")
	}
	order := rapid.SampledFrom(orders).Draw(t, "order")
	var lines []depot.ShipLine
	if pick(t, "whole order", 1, 2) == 1 {
		items := make([][2]string, 0, len(m.alloc[order]))
		for k := range m.alloc[order] {
			items = append(items, k)
		}
		slices.SortFunc(items, func(a, b [2]string) int { return strings.Compare(a[0]+"/"+a[1], b[0]+"/"+b[1]) })
		for range rapid.IntRange(1, 2).Draw(t, "ship lines") {
			k := rapid.SampledFrom(items).Draw(t, "item")
			// Up to one more than allocated, so over-shipping is tried too.
			lines = append(lines, sl(k[0], k[1], int64(rapid.IntRange(1, int(m.alloc[order][k])+1).Draw(t, "qty"))))
		}
	}
	return ship(m.fresh("shp-"), order, lines...)
}

// recorded is one applied envelope and its outcome.
type recorded struct {
	data   []byte // the encoded envelope, as the journal holds it
	before []byte // the snapshot just before it
	res    outcome
}

type outcome struct {
	events   []depot.Event
	code     depot.Code
	replayed bool
}

func outcomeOf(r depot.Result) outcome {
	o := outcome{events: slices.Clone(r.Events), replayed: r.Replayed}
	if r.Rejection != nil {
		o.code = r.Rejection.Code
	}
	if len(o.events) == 0 {
		o.events = nil
	}
	return o
}

func TestLedgerProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := mustEngine(t)
		m := newPropModel()
		var steps []recorded
		record := func(c depot.Command) depot.Result {
			before := h.eng.AppendSnapshot(nil)
			res := h.apply(c) // checks invariants, and that rejections and replays change nothing
			steps = append(steps, recorded{data: depot.AppendEnvelope(nil, &h.last), before: before, res: outcomeOf(res)})
			if res.Rejection != nil {
				r := res.Rejection
				if r.Message == "" || r.Code.String() == "unknown" {
					t.Fatalf("malformed rejection %+v", r)
				}
				if (r.Code == depot.CodeInsufficientStock) != (len(r.Shortfalls) > 0) {
					t.Fatalf("%s with shortfalls %+v", r.Code, r.Shortfalls)
				}
			}
			m.observe(res.Events)
			m.check(t, h)
			return res
		}
		// The catalogue goes through record too, so replays start from an empty engine.
		for _, c := range propCatalogue() {
			if res := record(c); !res.OK() {
				t.Fatalf("catalogue %s rejected: %v", c.Kind(), res.Rejection)
			}
		}
		for range rapid.IntRange(20, 150).Draw(t, "steps") {
			switch pick(t, "clock", 6, 6, 2, 3, 1) {
			case 0:
			case 1:
				h.advance(int64(rapid.IntRange(1, 30).Draw(t, "seconds")) * sec)
			case 2:
				h.advance(int64(rapid.IntRange(1, 20).Draw(t, "minutes")) * 60 * sec)
				record(&depot.Tick{})
			case 3:
				h.advance(int64(rapid.IntRange(1, 3).Draw(t, "seconds")) * sec)
				record(&depot.Tick{})
			default:
				// Past the retention window: finished reservations and ids are forgotten.
				h.advance(depot.Retention + int64(rapid.IntRange(1, 3600).Draw(t, "seconds"))*sec)
				record(&depot.Tick{})
			}
			c := drawCommand(t, m)
			m.history = append(m.history, c)
			record(c)
		}
		checkDeterminism(t, h, steps)
	})
}

func propCatalogue() []depot.Command {
	cmds := []depot.Command{defSKU("s1"), defSKU("s2"), defSKU("s3"), defSKU("kit2"),
		defSKU("kit", depot.Component{SKU: "s1", Qty: 2}, depot.Component{SKU: "s2", Qty: 1})}
	for _, l := range propLocations {
		cmds = append(cmds, defLoc(l, depot.LocationOpen))
	}
	cmds = append(cmds, defChan("web", depot.Buffer{Units: 1}, "L1", "L2"),
		&depot.DefineChannel{Tenant: tenant, Channel: "app", Locations: []string{"L2", "L3", "L1"},
			Default: depot.Buffer{Percent: 20, Cap: 50}, Overrides: []depot.SKUBuffer{{SKU: "s3"}}})
	// Opening stock, so that reserves succeed from the first step and contention comes later.
	for _, s := range []string{"s1", "s2", "s3"} {
		for _, l := range propLocations {
			cmds = append(cmds, rcv("open-"+s+"-"+l, s, l, 12))
		}
	}
	return cmds
}

// checkDeterminism replays the recorded stream three ways and demands the live outcome each
// time: into a fresh engine, from a snapshot taken at a random point plus the tail, and through
// a snapshot round trip of the final state.
func checkDeterminism(t *rapid.T, h *harness, steps []recorded) {
	liveHash := h.eng.Hash()

	replay := func(e *engine.Engine, from int, what string) {
		for i := from; i < len(steps); i++ {
			env, err := depot.DecodeEnvelope(steps[i].data)
			if err != nil {
				t.Fatalf("%s: decode step %d: %v", what, i, err)
			}
			if got := outcomeOf(e.Apply(&env)); !reflect.DeepEqual(got, steps[i].res) {
				t.Fatalf("%s: step %d (%s) diverged:\n got %+v\nwant %+v", what, i, env.Cmd.Kind(), got, steps[i].res)
			}
		}
		if e.Hash() != liveHash {
			t.Fatalf("%s: final hash differs from the live engine's", what)
		}
	}

	replay(engine.New(), 0, "full replay")

	k := rapid.IntRange(0, len(steps)-1).Draw(t, "snapshot at")
	mid, err := engine.Restore(steps[k].before)
	if err != nil {
		t.Fatalf("restore snapshot before step %d: %v", k, err)
	}
	replay(mid, k, "snapshot + tail")

	snap := h.eng.AppendSnapshot(nil)
	restored, err := engine.Restore(snap)
	if err != nil {
		t.Fatalf("restore final snapshot: %v", err)
	}
	if again := restored.AppendSnapshot(nil); !bytes.Equal(again, snap) {
		t.Fatalf("restored snapshot re-encodes differently (%d vs %d bytes)", len(again), len(snap))
	}
	if err := restored.CheckInvariants(); err != nil {
		t.Fatalf("restored: %v", err)
	}
}
