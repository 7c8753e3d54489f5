package sim

import (
	"math"
	"slices"
	"sync"
	"time"

	"github.com/depothq/depot"
)

// Metrics are the figures a commerce operation watches, counted from the answers the workload
// observes. The workload updates them on the runner's goroutine; Snapshot may be called from any
// goroutine (the demo's progress line does).
type Metrics struct {
	mu       sync.Mutex
	s        Snapshot
	rejected map[depot.Code]int64 // reserves, by code
	other    map[depot.Code]int64 // every other command, by code
	latency  Histogram
}

// Snapshot is a copy of the metrics at one moment.
type Snapshot struct {
	// SimTime is the last simulated instant whose answers were observed.
	SimTime int64 `json:"sim_time"`
	// OrdersPlaced counts checkouts attempted (reserves answered); OrdersReserved those whose
	// every line was reserved.
	OrdersPlaced   int64 `json:"orders_placed"`
	OrdersReserved int64 `json:"orders_reserved"`
	// Rejections counts rejected reserves (and create_orders) by code; insufficient_stock is an
	// oversell prevented.
	Rejections []CodeCount `json:"rejections"`
	// OtherRejections counts rejections of every other command by code. The workload only asks
	// for what its view of the ledger allows, so anything here means that view and the engine
	// disagree (or another client changed the stock).
	OtherRejections []CodeCount `json:"other_rejections"`
	Committed       int64       `json:"committed"`
	Released        int64       `json:"released"`  // payment failed
	Cancelled       int64       `json:"cancelled"` // the customer cancelled before checkout
	Expired         int64       `json:"expired"`   // abandoned carts released by TTL
	Shipped         int64       `json:"shipped"`
	// Orchestrated orders (Config.Orchestrate): orders whose every unit was allocated (at
	// creation or later), orders that had units backordered at creation, shipments shipped and
	// delivered, and the engine's SLA signals. OrdersReserved then counts orders fully
	// allocated at creation, so FillRate keeps its meaning.
	OrdersAllocated   int64 `json:"orders_allocated"`
	OrdersBackordered int64 `json:"orders_backordered"`
	ShipmentsShipped  int64 `json:"shipments_shipped"`
	Delivered         int64 `json:"shipments_delivered"`
	SLAAtRisk         int64 `json:"sla_at_risk"`
	SLABreached       int64 `json:"sla_breached"`
	ShippedOnTime     int64 `json:"shipped_on_time"`
	// CheckoutOrders counts quick_app orders that consumed their checkout reservation;
	// ExceptionsRaised and ExceptionsResolved the operator's holds; TrackingEvents the carrier
	// scans forwarded (DPD's own codes, the common statuses for the others). Delivered also
	// counts parcels their carrier scanned delivered.
	CheckoutOrders     int64 `json:"checkout_orders"`
	ExceptionsRaised   int64 `json:"exceptions_raised"`
	ExceptionsResolved int64 `json:"exceptions_resolved"`
	TrackingEvents     int64 `json:"tracking_events"`
	Returns            int64 `json:"returns"`
	ReturnsHeld        int64 `json:"returns_held"`
	WrittenOff         int64 `json:"written_off_units"`
	PurchaseOrders     int64 `json:"purchase_orders"`
	Transfers          int64 `json:"transfers"`
	Receipts           int64 `json:"receipts"`
	Counts             int64 `json:"counts"`
	CountDrift         int64 `json:"count_drift_units"`
	// Commands and Batches count what was submitted; SubmitTime is the wall time spent waiting
	// for answers, and the latencies are per batch.
	Commands   int64         `json:"commands"`
	Batches    int64         `json:"batches"`
	SubmitTime time.Duration `json:"submit_time_ns"`
	LatencyP50 time.Duration `json:"latency_p50_ns"`
	LatencyP99 time.Duration `json:"latency_p99_ns"`
	LatencyMax time.Duration `json:"latency_max_ns"`
	// Channels breaks orders down by channel, in scenario order.
	Channels []ChannelCount `json:"channels"`
}

// CodeCount is how many rejections carried one code.
type CodeCount struct {
	Code  string `json:"code"`
	Count int64  `json:"count"`
}

// ChannelCount is the orders of one channel.
type ChannelCount struct {
	Channel  string `json:"channel"`
	Placed   int64  `json:"placed"`
	Reserved int64  `json:"reserved"`
}

// FillRate is the share of placed orders whose every line was reserved (1 when none was placed).
func (s *Snapshot) FillRate() float64 { return ratio(s.OrdersReserved, s.OrdersPlaced) }

// SLAHealth is the share of shipped orders that left within their promise (1 when none shipped).
func (s *Snapshot) SLAHealth() float64 { return ratio(s.ShippedOnTime, s.Shipped) }

// OversellsPrevented counts reserves refused for insufficient stock: each would have sold units
// that were not there.
func (s *Snapshot) OversellsPrevented() int64 { return s.Rejected(depot.CodeInsufficientStock) }

// Rejected returns the reserves rejected with the code.
func (s *Snapshot) Rejected(c depot.Code) int64 {
	for _, r := range s.Rejections {
		if r.Code == c.String() {
			return r.Count
		}
	}
	return 0
}

func ratio(n, d int64) float64 {
	if d == 0 {
		return 1
	}
	return float64(n) / float64(d)
}

func newMetrics(channels []Channel) *Metrics {
	m := &Metrics{rejected: map[depot.Code]int64{}, other: map[depot.Code]int64{}}
	for _, c := range channels {
		m.s.Channels = append(m.s.Channels, ChannelCount{Channel: c.ID})
	}
	return m
}

// Snapshot returns a copy of the current figures.
func (m *Metrics) Snapshot() Snapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.s
	s.Channels = slices.Clone(m.s.Channels)
	s.Rejections = codeCounts(m.rejected)
	s.OtherRejections = codeCounts(m.other)
	s.LatencyP50 = m.latency.Quantile(0.50)
	s.LatencyP99 = m.latency.Quantile(0.99)
	s.LatencyMax = m.latency.Max()
	return s
}

// codeCounts lists the counts in code order, so that output never depends on map order.
func codeCounts(by map[depot.Code]int64) []CodeCount {
	var out []CodeCount
	for _, c := range depot.Codes() {
		if n := by[c]; n > 0 {
			out = append(out, CodeCount{Code: c.String(), Count: n})
		}
	}
	return out
}

// update runs fn with the figures locked.
func (m *Metrics) update(fn func(s *Snapshot)) {
	m.mu.Lock()
	fn(&m.s)
	m.mu.Unlock()
}

func (m *Metrics) reject(rej *depot.Rejection, reserve bool) {
	m.mu.Lock()
	if reserve {
		m.rejected[rej.Code]++
	} else {
		m.other[rej.Code]++
	}
	m.mu.Unlock()
}

// RecordBatch adds one submitted batch of n commands that took d to answer.
func (m *Metrics) RecordBatch(n int, d time.Duration) {
	m.mu.Lock()
	m.s.Commands += int64(n)
	m.s.Batches++
	m.s.SubmitTime += d
	m.latency.Record(d)
	m.mu.Unlock()
}

// Histogram counts durations in logarithmic buckets, histBucketsPerDoubling per doubling (about
// 9% wide) from 1 µs up to about 18 minutes, so that quantiles cost constant memory however long
// a run is. Quantile answers with the upper edge of the bucket, an overestimate of at most 9%.
type Histogram struct {
	counts [histBuckets]int64
	n      int64
	max    time.Duration
}

const (
	histBucketsPerDoubling = 8
	histBuckets            = 30*histBucketsPerDoubling + 2
	histFloor              = time.Microsecond
)

func histBucket(d time.Duration) int {
	if d <= histFloor {
		return 0
	}
	i := int(math.Ceil(math.Log2(float64(d)/float64(histFloor))*histBucketsPerDoubling)) + 1
	return min(i, histBuckets-1)
}

func histUpper(i int) time.Duration {
	if i == 0 {
		return histFloor
	}
	return time.Duration(float64(histFloor) * math.Exp2(float64(i-1)/histBucketsPerDoubling))
}

// Record adds one duration.
func (h *Histogram) Record(d time.Duration) {
	h.counts[histBucket(d)]++
	h.n++
	h.max = max(h.max, d)
}

// Count is the number of durations recorded.
func (h *Histogram) Count() int64 { return h.n }

// Max is the largest duration recorded.
func (h *Histogram) Max() time.Duration { return h.max }

// Quantile returns an upper bound of the q-quantile (0 < q <= 1), never above Max; 0 when empty.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(h.n)))
	var seen int64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(histUpper(i), h.max)
		}
	}
	return h.max
}
