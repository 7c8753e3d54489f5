package orders

import (
	"github.com/depothq/depot"
	"github.com/depothq/depot/carriers"
	"github.com/depothq/depot/internal/chunked"
	"github.com/depothq/depot/internal/idtable"
	"github.com/depothq/depot/ledger"
	"github.com/depothq/depot/sourcing"
)

// tenant is the orders state of one tenant. Its ledger handle addresses SKUs and locations by
// their dense index.
type tenant struct {
	id string
	h  ledger.Handle

	// bySeq holds the orders in sequence-number order (an order id is "o-<seq>", and orders
	// are created in sequence order, so it is append-only), with nil where an order was
	// forgotten until the next compaction: lookups are binary searches, and growing it never
	// rehashes a map. byExt is keyed by the channel and external id (the idempotency key of
	// create_order), in an idtable, which never pauses to rehash as orders accumulate.
	bySeq chunked.Seq[seqEntry] // in blocks: a million orders never copy the index at once
	holes int                   // entries whose order is nil
	byExt idtable.Table[extKey, *order]

	// nodes is per ledger location index: what orders know of the location beyond the ledger.
	nodes []node

	carriers []*carrierDef // by carrier id
	sel      *carriers.Selector
	est      *estimator
	norm     *carriers.Normalizer // the carriers' tracking code tables; nil when none has one

	routing map[string]*routing // by channel
	held    map[string]*order   // ship-complete orders holding their checkout reservation, by reservation; nil when none

	// waiting is the backorder queue per stocked SKU: the orders with a waiting line that needs
	// the SKU, by priority (highest first) then age (sequence number).
	waiting map[ledger.SKURef][]*order

	// skuPos indexes the ledger's positions by SKU, so the availability of a line over the
	// channel's locations is a walk of the SKU's positions rather than a map lookup per
	// location. The ledger only appends positions; indexed says how many are in the index.
	skuPos  [][]skuAt
	indexed int
	// col maps a location to its column in the cached request locations when it is open (-1
	// when it is not there or not open), so the availability of a line is gathered from the
	// open locations without reading each one's status.
	col []int32
	// version changes whenever a location, a channel or a routing changes, invalidating the
	// cached request locations.
	version uint64
}

// seqEntry is one entry of a tenant's sequence index: an order's sequence number, kept for
// holes too, and the order (nil once forgotten, until the next compaction).
type seqEntry struct {
	seq uint64
	o   *order
}

// skuAt is a position of a SKU: the location and the ledger's position index.
type skuAt struct {
	loc ledger.LocRef
	pos ledger.PosRef
}

// node is a location as orders see it: its local clock and cutoff, its rider fleet, the
// shipments planned in the current hour (capacity) and its pick queue (backlog).
type node struct {
	utcOffset   int32
	cutoff      int32
	riders      int32 // per slot; 0 means no fleet limit
	slotMinutes int32
	fleet       *carriers.RiderFleet

	hour    int64 // the hour window planned counts, floor(now / 1h)
	planned int64

	// open holds the shipments allocated or released here and not yet picked, in no particular
	// order (shipment.openIdx is the position); its length is the backlog.
	open []*shipment
}

func (n *node) isDefault() bool {
	return n.utcOffset == 0 && n.cutoff == 0 && n.riders == 0 && n.slotMinutes == 0 && n.planned == 0 && n.hour == 0
}

// routing is a channel's define_routing, resolved.
type routing struct {
	rules                   []sourcing.Rule
	own                     []ledger.LocRef // sorted
	ownIDs                  []string        // as defined, for the snapshot
	allowSplit              bool
	splitPenalty, latePenal int64
	backorder               depot.BackorderPolicy // for the channel's orders that name none
}

var defaultRouting = routing{allowSplit: true, splitPenalty: defaultSplitPenaltyMinor, latePenal: defaultLatePenaltyPerHourMinor}

// shipStatus is where a shipment is in its life. Values are stored in snapshots: never renumber.
type shipStatus uint8

const (
	shipAllocated shipStatus = iota + 1
	shipReleased
	shipPicked
	shipPacked
	shipShipped
	shipDelivered
	shipCancelled
)

var shipStatusNames = [...]string{
	shipAllocated: "allocated", shipReleased: "released", shipPicked: "picked", shipPacked: "packed",
	shipShipped: "shipped", shipDelivered: "delivered", shipCancelled: "cancelled",
}

func (s shipStatus) String() string {
	if int(s) < len(shipStatusNames) && s > 0 {
		return shipStatusNames[s]
	}
	return "unknown"
}

// live reports whether the shipment still holds or carries units.
func (s shipStatus) live() bool { return s >= shipAllocated && s <= shipDelivered }

// unshipped reports whether its units are still allocated in the ledger.
func (s shipStatus) unshipped() bool { return s >= shipAllocated && s <= shipPacked }

// order is one order. Lines, shipments and parts use inline arrays for the common small order,
// so ingesting a typical order costs one allocation for the order and one per id string.
type order struct {
	seq uint64
	id1 string // the first shipment's id, "<order id>-1": the order's id is its prefix (id)
	t   *tenant
	ch  ledger.ChannelRef // channels are never deleted, so the reference stays valid

	ext string
	fp  uint64 // fingerprint of the create_order, for idempotent repeats

	lines  []line
	inline [3]line

	latE6, lonE6    int64
	postal, country string
	promiseMinutes  int64
	placedAt        int64
	shipBy          int64
	deliverBy       int64
	priority        int64
	more            *orderMore // what few orders have; nil for most

	ships      []*shipment
	shipInline [1]*shipment

	// SLA state: the instant each deadline's risk check is due, which events were emitted, and
	// where the order's timer sits in the heap (-1 when not queued).
	shipRiskAt, deliverRiskAt int64
	// The one-byte fields and the timer's index share a word, and the rare fields live in
	// orderMore: an order is 376 bytes (TestSlabsFillTheirSizeClass holds the slab to it).
	sla      slaFlags
	level    depot.ServiceLevel
	policy   depot.BackorderPolicy // the create_order's, else its channel's (0 is lines)
	timerIdx int32

	finishedAt int64  // when every unit was delivered or cancelled; 0 while open
	mark       uint64 // scratch: the refill pass that last saw this order
}

// orderMore holds what few orders have, so the common order stays small: the create_order's
// free-form attributes, the checkout reservation it consumed or holds ("" if none), the
// operator's open exception ("" when none), what came back of it, and the SKUs it waits for
// while backordered (sorted; nil when none).
type orderMore struct {
	attrs            []depot.Attribute
	reservation      string
	rsvHeld          bool // the order ships complete and holds the reservation, not yet converted
	excCode, excNote string
	excAt            int64
	returns          []returned
	waitSKUs         []ledger.SKURef
}

// encodedEmpty reports whether m's fields in the order's encoding before its returns are all
// zero (a restore then leaves the order without an orderMore).
func (m *orderMore) encodedEmpty() bool {
	return len(m.attrs) == 0 && m.reservation == "" && !m.rsvHeld && m.excCode == "" && m.excNote == "" && m.excAt == 0
}

var noMore orderMore

// waitSKUs is the sorted SKUs the order waits for (queued on), nil when none.
func (o *order) waitSKUs() []ledger.SKURef { return o.extra().waitSKUs }

// extra is the order's rarely set fields, for reading (never write through it).
func (o *order) extra() *orderMore {
	if o.more == nil {
		return &noMore
	}
	return o.more
}

// setMore is the order's rarely set fields, for writing.
func (o *order) setMore() *orderMore {
	if o.more == nil {
		o.more = &orderMore{}
	}
	return o.more
}

// slaFlags records which SLA events an order has had, so each is emitted at most once.
type slaFlags uint8

const (
	shipAtRisk slaFlags = 1 << iota
	shipBreached
	deliverAtRisk
	deliverBreached
	slaAll = shipAtRisk | shipBreached | deliverAtRisk | deliverBreached
)

// line is one order line. qty = cancelled + waiting + the parts of its live shipments.
type line struct {
	sku       ledger.SKURef
	weightG   int32 // per unit, fixed when the order was created (at most sourcing.MaxWeightG)
	qty       int64
	price     int64
	cancelled int64
	waiting   int64
}

// returned is what came back of an order at a location (stocked SKUs).
type returned struct {
	sku ledger.SKURef
	loc ledger.LocRef
	qty int64
}

// shipment is what one location sends for an order.
type shipment struct {
	o  *order
	id string

	// The small fields share words (n, loc, status here; the flags and openIdx below): a
	// shipment is 272 bytes (TestSlabsFillTheirSizeClass holds the slab to it).
	n         int32 // 1-based number within the order
	loc       ledger.LocRef
	status    shipStatus
	distanceM int64
	weightG   int64

	parts  []part
	inline [3]part

	carrier, service string // riderCarrier for riders, "" when none could be chosen
	tracking         string
	priceMinor       int64
	readyAt          int64 // when the parcel was projected ready to leave, at planning
	pickupAt         int64 // carrier pickup, or rider departure
	promisedAt       int64 // the promised delivery (with the service's risk margin)
	dueAt            int64 // the carrier's own promise (pickup + maximum transit), 0 if none
	riderSlot        int64

	shippedAt   int64
	deliveredAt int64
	lastEventAt int64
	exception   string // why it cannot proceed (re-sourcing failed, carrier exception)

	openIdx    int32 // index in its node's open list, -1 when not there
	lastStatus carriers.Status
	hasSlot    bool
	settled    bool // its outcome was folded into the service's on-time score
	stuck      bool // a stuck delay was raised
}

// part is qty units of an order line in a shipment.
type part struct {
	line int32
	qty  int64
}

func (sh *shipment) units() int64 {
	var n int64
	for _, p := range sh.parts {
		n += p.qty
	}
	return n
}

// orderStatus is an order's status, derived from its lines and shipments.
type orderStatus uint8

const (
	statusAllocated orderStatus = iota + 1
	statusBackordered
	statusReleased
	statusPicked
	statusPacked
	statusShipped
	statusDelivered // some units delivered, nothing else pending: completed
	statusCancelled
	statusException
)

var orderStatusNames = [...]string{
	statusAllocated: "allocated", statusBackordered: "backordered", statusReleased: "released",
	statusPicked: "picked", statusPacked: "packed", statusShipped: "shipped", statusDelivered: "completed",
	statusCancelled: "cancelled", statusException: "exception",
}

func (s orderStatus) String() string {
	if int(s) < len(orderStatusNames) && s > 0 {
		return orderStatusNames[s]
	}
	return "unknown"
}

// status derives the order's status: cancelled or completed when finished; exception when an
// operator's exception is open or a live shipment cannot proceed; backordered while units wait;
// else the least advanced live shipment's step.
func (o *order) status() orderStatus {
	var waiting, cancelled, total int64
	for i := range o.lines {
		waiting += o.lines[i].waiting
		cancelled += o.lines[i].cancelled
		total += o.lines[i].qty
	}
	if cancelled == total {
		return statusCancelled
	}
	if o.more != nil && o.more.excCode != "" && o.finishedAt == 0 {
		return statusException
	}
	least := shipDelivered
	for _, sh := range o.ships {
		if !sh.status.live() {
			continue
		}
		if sh.exception != "" {
			return statusException
		}
		least = min(least, sh.status)
	}
	if waiting > 0 {
		return statusBackordered
	}
	switch least {
	case shipAllocated:
		return statusAllocated
	case shipReleased:
		return statusReleased
	case shipPicked:
		return statusPicked
	case shipPacked:
		return statusPacked
	case shipShipped:
		return statusShipped
	}
	return statusDelivered
}

// waitingUnits is the units still waiting for stock.
func (o *order) waitingUnits() int64 {
	var n int64
	for i := range o.lines {
		n += o.lines[i].waiting
	}
	return n
}

// shipDone reports whether nothing of the order is left to ship: no units wait and every live
// shipment has shipped.
func (o *order) shipDone() bool {
	if o.waitingUnits() > 0 {
		return false
	}
	for _, sh := range o.ships {
		if sh.status.unshipped() {
			return false
		}
	}
	return true
}

// deliverDone reports whether every unit is delivered or cancelled.
func (o *order) deliverDone() bool {
	if o.waitingUnits() > 0 {
		return false
	}
	for _, sh := range o.ships {
		if sh.status.live() && sh.status != shipDelivered {
			return false
		}
	}
	return true
}

// id is the order's id, "o-<seq>": the first shipment's id without its "-1", so that one string
// serves both.
func (o *order) id() string { return o.id1[:len(o.id1)-2] }

// channel is the id of the channel the order came from.
func (o *order) channel() string { return o.ch.ID() }
