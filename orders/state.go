package orders

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/depothq/depot"
	"github.com/depothq/depot/carriers"
	"github.com/depothq/depot/internal/wire"
	"github.com/depothq/depot/ledger"
	"github.com/depothq/depot/sourcing"
)

// The canonical encoding of the orders state: the engine's snapshot appends it after the
// ledger's, and the state hash covers both. Everything is written in an order the state fixes
// (tenants and carriers and routing by id, orders by sequence number, nodes by location index)
// and only what cannot be derived: order and shipment ids, the idempotency index, the backorder
// queues, the pick queues, the timer heap and the retention FIFO are rebuilt on decoding.

const (
	stateMagic = "DPOR"
	// stateVersion 2 adds each order's backorder policy, consumed reservation and operator
	// exception, and carriers' zone charts and code tables (inside their define_carrier, whose
	// layout changed with them). Version 3 adds each channel's default backorder policy (inside
	// its define_routing, whose layout changed with it). Earlier versions are not read: their
	// carriers or routing no longer decode. Version 3 also adds whether a ship-complete order
	// holds its checkout reservation unconverted. Version 4 adds carrier services' collections
	// through the day (inside their define_carrier, whose layout changed with them); shipped
	// parcels' pickup and promises, counted again from the hand-over, are where they were.
	stateVersion = 4
	// maxStateCount bounds any one collection, as a sanity limit for decoding.
	maxStateCount = 1 << 28
)

// AppendState appends the canonical encoding of the orders state to dst.
func (x *Orders) AppendState(dst []byte) []byte {
	e := wire.Encoder{B: append(dst, stateMagic...)}
	e.Byte(stateVersion)
	e.Varint(x.lastHour)
	ids := x.tenantIDs()
	e.Uvarint(uint64(len(ids)))
	for _, id := range ids {
		x.tenants[id].encode(&e)
	}
	return e.B
}

func (x *Orders) tenantIDs() []string {
	ids := make([]string, 0, len(x.tenants))
	for id := range x.tenants {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// sortedOrders returns the tenant's orders by sequence number.
func sortedOrders(t *tenant) []*order {
	out := make([]*order, 0, t.bySeq.Len()-t.holes)
	for i := range t.bySeq.Len() {
		if o := t.bySeq.At(i).o; o != nil {
			out = append(out, o)
		}
	}
	return out
}

func (t *tenant) encode(e *wire.Encoder) {
	e.String(t.id)
	var nodes []int
	for i := range t.nodes {
		if !t.nodes[i].isDefault() {
			nodes = append(nodes, i)
		}
	}
	e.Uvarint(uint64(len(nodes)))
	for _, i := range nodes {
		n := &t.nodes[i]
		e.Uvarint(uint64(i))
		e.Varint(int64(n.utcOffset))
		e.Varint(int64(n.cutoff))
		e.Varint(int64(n.riders))
		e.Varint(int64(n.slotMinutes))
		e.Varint(n.hour)
		e.Varint(n.planned)
		var slots []carriers.SlotUse
		if n.fleet != nil {
			slots = n.fleet.AppendSlots(nil)
		}
		e.Uvarint(uint64(len(slots)))
		for _, s := range slots {
			e.Varint(s.Slot)
			e.Varint(int64(s.Used))
		}
	}
	e.Uvarint(uint64(len(t.carriers)))
	for _, d := range t.carriers {
		e.String(string(depot.AppendEnvelope(nil, &depot.Envelope{Cmd: d.command(t.id)})))
		for _, s := range d.services {
			i, _ := t.sel.Index(d.id, s.Service)
			acc, samples := t.sel.Service(i).OnTime.State()
			e.Varint(acc)
			e.Uvarint(uint64(samples))
		}
	}
	chans := make([]string, 0, len(t.routing))
	for ch := range t.routing {
		chans = append(chans, ch)
	}
	slices.Sort(chans)
	e.Uvarint(uint64(len(chans)))
	for _, ch := range chans {
		r := t.routing[ch]
		cmd := depot.DefineRouting{Tenant: t.id, Channel: ch, Own: r.ownIDs, AllowSplitLines: r.allowSplit,
			SplitPenaltyMinor: r.splitPenalty, LatePenaltyPerHourMinor: r.latePenal, Backorder: r.backorder}
		for _, rule := range r.rules {
			cmd.Rules = append(cmd.Rules, depot.RoutingRule{Kind: depot.RuleKind(rule.Kind), Group: rule.Group})
		}
		e.String(string(depot.AppendEnvelope(nil, &depot.Envelope{Cmd: &cmd})))
	}
	orders := sortedOrders(t)
	e.Uvarint(uint64(len(orders)))
	for _, o := range orders {
		o.encode(e)
	}
}

func (o *order) encode(e *wire.Encoder) {
	e.Uvarint(o.seq)
	e.String(o.channel())
	e.String(o.ext)
	e.Uvarint(o.fp)
	e.Uvarint(uint64(len(o.lines)))
	for i := range o.lines {
		l := &o.lines[i]
		e.Uvarint(uint64(l.sku))
		for _, v := range [...]int64{l.qty, l.price, l.cancelled, l.waiting, int64(l.weightG)} {
			e.Varint(v)
		}
	}
	e.Varint(o.latE6)
	e.Varint(o.lonE6)
	e.String(o.postal)
	e.String(o.country)
	e.Byte(uint8(o.level))
	for _, v := range [...]int64{o.promiseMinutes, o.placedAt, o.shipBy, o.deliverBy, o.priority, o.shipRiskAt, o.deliverRiskAt, o.finishedAt} {
		e.Varint(v)
	}
	e.Byte(uint8(o.sla))
	m := o.extra()
	e.Uvarint(uint64(len(m.attrs)))
	for _, a := range m.attrs {
		e.String(a.Key)
		e.String(a.Value)
	}
	e.Byte(uint8(o.policy))
	e.String(m.reservation)
	e.String(m.excCode)
	e.String(m.excNote)
	e.Varint(m.excAt)
	e.Bool(m.rsvHeld)
	e.Uvarint(uint64(len(m.returns)))
	for _, r := range m.returns {
		e.Uvarint(uint64(r.sku))
		e.Uvarint(uint64(r.loc))
		e.Varint(r.qty)
	}
	e.Uvarint(uint64(len(o.ships)))
	for _, sh := range o.ships {
		e.Uvarint(uint64(sh.loc))
		e.Byte(uint8(sh.status))
		e.Uvarint(uint64(len(sh.parts)))
		for _, p := range sh.parts {
			e.Uvarint(uint64(p.line))
			e.Varint(p.qty)
		}
		e.String(sh.carrier)
		e.String(sh.service)
		e.String(sh.tracking)
		e.String(sh.exception)
		for _, v := range [...]int64{sh.distanceM, sh.weightG, sh.priceMinor, sh.readyAt, sh.pickupAt, sh.promisedAt, sh.dueAt, sh.riderSlot,
			sh.shippedAt, sh.deliveredAt, sh.lastEventAt} {
			e.Varint(v)
		}
		e.Byte(uint8(sh.lastStatus))
		var flags uint8
		for i, b := range [...]bool{sh.hasSlot, sh.settled, sh.stuck} {
			if b {
				flags |= 1 << i
			}
		}
		e.Byte(flags)
	}
}

// DecodeState rebuilds the orders state over led (decoded from the same snapshot) from its
// canonical encoding. Hostile or damaged bytes yield an error, never a panic: every index is
// checked against the ledger, the result must pass CheckInvariants and re-encode to exactly
// the input.
func DecodeState(data []byte, led *ledger.Ledger) (*Orders, error) {
	x, err := decodeState(data, led, true)
	if err != nil {
		return nil, fmt.Errorf("orders: decode state: %w", err)
	}
	return x, nil
}

// DecodeTrustedState is DecodeState without the final re-encoding, for snapshots this code wrote
// and the journal's checksum vouches for (start-up). Bounds and invariants are still checked.
func DecodeTrustedState(data []byte, led *ledger.Ledger) (*Orders, error) {
	x, err := decodeState(data, led, false)
	if err != nil {
		return nil, fmt.Errorf("orders: decode state: %w", err)
	}
	return x, nil
}

func decodeState(data []byte, led *ledger.Ledger, canonical bool) (x *Orders, err error) {
	if len(data) < len(stateMagic)+1 || string(data[:len(stateMagic)]) != stateMagic {
		return nil, fmt.Errorf("bad magic")
	}
	if data[len(stateMagic)] != stateVersion {
		return nil, fmt.Errorf("unknown version %d", data[len(stateMagic)])
	}
	d := &wire.Decoder{B: data[len(stateMagic)+1:]}
	x = New(led)
	x.lastHour = d.Varint()
	n := d.Count(depot.MaxTenants)
	prev := ""
	for i := 0; i < n && d.Err == nil; i++ {
		id := d.String(depot.MaxIDLen)
		if i > 0 && id <= prev {
			d.Fail("tenants out of order at %q", id)
			break
		}
		prev = id
		t := x.tenantOf(id)
		if t == nil {
			d.Fail("tenant %q is not in the ledger", id)
			break
		}
		x.decodeTenant(d, t)
	}
	d.Done()
	if d.Err != nil {
		return nil, d.Err
	}
	x.rebuild()
	if err := x.CheckInvariants(); err != nil {
		return nil, err
	}
	if !canonical {
		return x, nil
	}
	if again := x.AppendState(nil); string(again) != string(data) {
		return nil, fmt.Errorf("encoding is not canonical")
	}
	return x, nil
}

func (x *Orders) decodeTenant(d *wire.Decoder, t *tenant) {
	nn := d.Count(depot.MaxLocations)
	prevLoc := -1
	for i := 0; i < nn && d.Err == nil; i++ {
		idx := d.Uvarint()
		if idx >= uint64(t.h.LocationCount()) || int(idx) <= prevLoc {
			d.Fail("node %d out of range or order", idx)
			return
		}
		prevLoc = int(idx)
		n := t.node(ledger.LocRef(idx))
		off, cut, riders, slotMin := d.Varint(), d.Varint(), d.Varint(), d.Varint()
		n.hour, n.planned = d.Varint(), d.Varint()
		loc := depot.DefineLocation{Tenant: t.id, Location: t.h.LocationID(ledger.LocRef(idx)), Type: depot.LocationWarehouse, Status: depot.LocationOpen,
			UTCOffsetMinutes: int32(off), CutoffMinute: int32(cut), RidersPerSlot: int32(riders), RiderSlotMinutes: int32(slotMin)}
		if int64(loc.UTCOffsetMinutes) != off || int64(loc.CutoffMinute) != cut || int64(loc.RidersPerSlot) != riders ||
			int64(loc.RiderSlotMinutes) != slotMin || loc.Validate() != nil || n.planned < 0 || n.planned > depot.MaxQty {
			d.Fail("node %d has bad settings", idx)
			return
		}
		n.utcOffset, n.cutoff, n.riders, n.slotMinutes = loc.UTCOffsetMinutes, loc.CutoffMinute, loc.RidersPerSlot, loc.RiderSlotMinutes
		ns := d.Count(carriers.MaxRiderSlots)
		var slots []carriers.SlotUse
		for j := 0; j < ns && d.Err == nil; j++ {
			slot, used := d.Varint(), d.Varint()
			if used < 0 || used > depot.MaxRidersPerSlot {
				d.Fail("bad rider slot")
				return
			}
			slots = append(slots, carriers.SlotUse{Slot: slot, Used: int32(used)})
		}
		if d.Err != nil {
			return
		}
		n.fleet = newFleet(loc.Location, n.riders, n.slotMinutes, nil)
		if n.fleet == nil && ns > 0 {
			d.Fail("node %d has rider slots but no fleet", idx)
			return
		}
		if n.fleet != nil {
			if err := n.fleet.RestoreSlots(slots); err != nil {
				d.Fail("node %d: %v", idx, err)
				return
			}
		}
		if n.isDefault() {
			d.Fail("node %d is written with default settings", idx)
			return
		}
	}
	nc := d.Count(depot.MaxCarriers)
	type score struct {
		carrier, service string
		s                carriers.OnTimeScore
	}
	var scores []score
	for i := 0; i < nc && d.Err == nil; i++ {
		env, err := depot.DecodeEnvelope([]byte(d.String(depot.MaxCommandBytes)))
		c, ok := env.Cmd.(*depot.DefineCarrier)
		if err != nil || !ok || env.Seq != 0 || env.Time != 0 || c.Tenant != t.id || c.Validate() != nil || len(c.Services) == 0 ||
			(i > 0 && c.Carrier <= t.carriers[i-1].id) {
			d.Fail("carrier %d is malformed or out of order", i)
			return
		}
		t.carriers = append(t.carriers, &carrierDef{id: c.Carrier, services: c.Services, zones: c.Zones, codes: c.Codes})
		for _, s := range c.Services {
			acc, samples := d.Varint(), d.Uvarint()
			sc, ok := carriers.OnTimeScoreFromState(acc, uint32(samples))
			if !ok || samples > 1<<32-1 || (acc == 0 && samples == 0) {
				d.Fail("carrier %q has a bad score", c.Carrier)
				return
			}
			scores = append(scores, score{c.Carrier, s.Service, sc})
		}
	}
	if d.Err != nil {
		return
	}
	sel, err := buildSelector(t.carriers, nil)
	if err != nil {
		d.Fail("carriers: %v", err)
		return
	}
	if sel != nil {
		// NewSelector sets default scores; build again with the decoded ones.
		svcs := make([]carriers.Service, sel.Len())
		for i := range svcs {
			svcs[i] = sel.Service(i)
			for _, sc := range scores {
				if sc.carrier == svcs[i].Carrier && sc.service == svcs[i].ID {
					svcs[i].OnTime = sc.s
				}
			}
		}
		if sel, err = carriers.NewSelector(svcs); err != nil {
			d.Fail("carriers: %v", err)
			return
		}
	}
	norm, err := buildNormalizer(t.carriers)
	if err != nil {
		d.Fail("carrier codes: %v", err)
		return
	}
	t.sel, t.est, t.norm = sel, newEstimator(sel), norm
	nr := d.Count(depot.MaxChannels)
	prevCh := ""
	for i := 0; i < nr && d.Err == nil; i++ {
		env, err := depot.DecodeEnvelope([]byte(d.String(depot.MaxCommandBytes)))
		c, ok := env.Cmd.(*depot.DefineRouting)
		if err != nil || !ok || env.Seq != 0 || env.Time != 0 || c.Tenant != t.id || c.Validate() != nil || (i > 0 && c.Channel <= prevCh) {
			d.Fail("routing %d is malformed or out of order", i)
			return
		}
		prevCh = c.Channel
		if rej := t.setRouting(c); rej != nil {
			d.Fail("routing of %q: %v", c.Channel, rej)
			return
		}
	}
	no := d.Count(maxStateCount)
	var prevSeq uint64
	for i := 0; i < no && d.Err == nil; i++ {
		o := x.decodeOrder(d, t)
		if d.Err != nil {
			return
		}
		if o.seq <= prevSeq {
			d.Fail("orders out of order at %d", o.seq)
			return
		}
		prevSeq = o.seq
		extH := t.byExt.Hash(orderExtKey(o))
		if t.byExternalIDHashed(extH, o.channel(), o.ext) != nil {
			d.Fail("two orders for external id %q", o.ext)
			return
		}
		if o.extra().rsvHeld && len(o.ships) > 0 {
			d.Fail("order %s holds its reservation but has shipments", o.id())
			return
		}
		t.index(o, extH)
		if o.extra().rsvHeld {
			t.hold(o)
		}
		x.live++
	}
}

func (x *Orders) decodeOrder(d *wire.Decoder, t *tenant) *order {
	o := &order{seq: d.Uvarint(), t: t}
	channel := d.String(depot.MaxIDLen)
	o.ext, o.fp = d.String(depot.MaxIDLen), d.Uvarint()
	if o.seq == 0 {
		d.Fail("order with sequence 0")
		return o
	}
	o.id1 = string(append(orderID(nil, o.seq), "-1"...))
	ch, ok := t.h.Channel(channel)
	if !ok {
		if d.Err == nil {
			d.Fail("order %s has unknown channel %q", o.id(), channel)
		}
		return o
	}
	o.ch = ch
	nl := d.Count(depot.MaxLines)
	if nl == 0 && d.Err == nil {
		d.Fail("order %s has no lines", o.id())
		return o
	}
	if nl <= len(o.inline) {
		o.lines = o.inline[:nl]
	} else {
		o.lines = make([]line, nl)
	}
	for i := range o.lines {
		l := &o.lines[i]
		s := d.Uvarint()
		if s >= uint64(t.h.SKUCount()) {
			d.Fail("order %s line %d has a bad SKU", o.id(), i)
			return o
		}
		l.sku = ledger.SKURef(s)
		var w int64
		l.qty, l.price, l.cancelled, l.waiting, w = d.Varint(), d.Varint(), d.Varint(), d.Varint(), d.Varint()
		l.weightG = int32(w)
		if l.qty < 1 || l.qty > depot.MaxQty || l.price < 0 || l.cancelled < 0 || l.waiting < 0 || l.cancelled+l.waiting > l.qty ||
			w < 0 || w > sourcing.MaxWeightG {
			d.Fail("order %s line %d is out of range", o.id(), i)
			return o
		}
	}
	o.latE6, o.lonE6, o.postal, o.country = d.Varint(), d.Varint(), d.String(depot.MaxPostalCodeLen), d.String(2)
	o.level = depot.ServiceLevel(d.Byte())
	o.promiseMinutes, o.placedAt, o.shipBy, o.deliverBy, o.priority = d.Varint(), d.Varint(), d.Varint(), d.Varint(), d.Varint()
	o.shipRiskAt, o.deliverRiskAt, o.finishedAt = d.Varint(), d.Varint(), d.Varint()
	o.sla = slaFlags(d.Byte())
	var m orderMore
	if na := d.Count(depot.MaxAttributes); na > 0 {
		m.attrs = make([]depot.Attribute, na)
		for i := range m.attrs {
			m.attrs[i] = depot.Attribute{Key: d.String(depot.MaxAttributeKeyLen), Value: d.String(depot.MaxAttributeValueLen)}
		}
	}
	o.policy = depot.BackorderPolicy(d.Byte())
	m.reservation = d.String(depot.MaxIDLen)
	m.excCode, m.excNote, m.excAt = d.String(depot.MaxIDLen), d.String(depot.MaxExceptionNoteLen), d.Varint()
	m.rsvHeld = d.Bool()
	if !m.encodedEmpty() {
		o.more = &m
	}
	// The order's shape is the create_order's: its checks apply, and the exception's those of
	// raise_exception.
	shape := depot.CreateOrder{Tenant: t.id, Channel: o.channel(), ExternalID: o.ext, Lines: []depot.OrderLine{{SKU: "x", Qty: 1}},
		ShipToLatE6: o.latE6, ShipToLonE6: o.lonE6, PostalCode: o.postal, Country: o.country, Level: o.level,
		PromiseMinutes: o.promiseMinutes, PlacedAt: o.placedAt, ShipBy: o.shipBy, DeliverBy: o.deliverBy, Priority: o.priority,
		Attributes: m.attrs, Backorder: o.policy, Reservation: m.reservation}
	exc := depot.RaiseException{Tenant: t.id, Order: o.id(), Code: m.excCode, Note: m.excNote}
	badExc := (m.excCode == "") != (m.excAt == 0) || (m.excCode == "" && m.excNote != "") || (m.excCode != "" && exc.Validate() != nil)
	badHeld := m.rsvHeld && (m.reservation == "" || o.policy != depot.BackorderShipComplete || o.finishedAt != 0 || t.held[m.reservation] != nil)
	if d.Err == nil && (shape.Validate() != nil || o.sla&^slaAll != 0 || o.finishedAt < 0 || badExc || badHeld) {
		d.Fail("order %s is out of range", o.id())
		return o
	}
	nr := d.Count(maxStateCount)
	for i := 0; i < nr && d.Err == nil; i++ {
		r := returned{sku: ledger.SKURef(d.Uvarint()), loc: ledger.LocRef(d.Uvarint()), qty: d.Varint()}
		if r.sku < 0 || int(r.sku) >= t.h.SKUCount() || r.loc < 0 || int(r.loc) >= t.h.LocationCount() || r.qty <= 0 {
			d.Fail("order %s has a bad return", o.id())
			return o
		}
		rm := o.setMore()
		rm.returns = append(rm.returns, r)
	}
	o.timerIdx = -1
	ns := d.Count(maxShipmentsPerOrder)
	for i := 0; i < ns && d.Err == nil; i++ {
		loc := d.Uvarint()
		if loc >= uint64(t.h.LocationCount()) {
			d.Fail("order %s shipment %d has a bad location", o.id(), i+1)
			return o
		}
		sh := x.newShipment(o, i+1, ledger.LocRef(loc))
		sh.id = x.shipmentID(o, i+1)
		sh.status = shipStatus(d.Byte())
		np := d.Count(depot.MaxLines * depot.MaxComponents)
		for j := 0; j < np && d.Err == nil; j++ {
			p := part{line: int32(d.Uvarint()), qty: d.Varint()}
			if p.line < 0 || int(p.line) >= len(o.lines) || p.qty <= 0 || p.qty > depot.MaxQty {
				d.Fail("order %s shipment %d has a bad part", o.id(), i+1)
				return o
			}
			sh.parts = append(sh.parts, p)
		}
		sh.carrier, sh.service, sh.tracking = d.String(depot.MaxIDLen), d.String(depot.MaxIDLen), d.String(depot.MaxIDLen)
		sh.exception = d.String(depot.MaxCommandBytes)
		sh.distanceM, sh.weightG, sh.priceMinor, sh.readyAt = d.Varint(), d.Varint(), d.Varint(), d.Varint()
		sh.pickupAt, sh.promisedAt = d.Varint(), d.Varint()
		sh.dueAt, sh.riderSlot, sh.shippedAt, sh.deliveredAt, sh.lastEventAt = d.Varint(), d.Varint(), d.Varint(), d.Varint(), d.Varint()
		sh.lastStatus = carriers.Status(d.Byte())
		flags := d.Byte()
		sh.hasSlot, sh.settled, sh.stuck = flags&1 != 0, flags&2 != 0, flags&4 != 0
		if d.Err == nil && (sh.status < shipAllocated || sh.status > shipCancelled || flags > 7 ||
			sh.lastStatus > carriers.StatusCancelled || (sh.lastStatus == carriers.StatusUnknown) != (sh.lastEventAt == 0)) {
			d.Fail("order %s shipment %d is out of range", o.id(), i+1)
			return o
		}
	}
	return o
}

// rebuild derives what the encoding leaves out: pick queues, backorder queues, timers and the
// retention FIFO.
func (x *Orders) rebuild() {
	var finished []*order
	for _, id := range x.tenantIDs() {
		t := x.tenants[id]
		for _, o := range sortedOrders(t) {
			for _, sh := range o.ships {
				if sh.status == shipAllocated || sh.status == shipReleased {
					x.openAt(t, sh)
				}
			}
			if o.finishedAt == 0 {
				x.indexWaiting(o)
			} else {
				finished = append(finished, o)
			}
			x.syncTimers(o)
		}
	}
	slices.SortFunc(finished, func(a, b *order) int {
		return cmp.Or(cmp.Compare(a.finishedAt, b.finishedAt), cmp.Compare(a.seq, b.seq))
	})
	x.finished.Reset(finished)
}
