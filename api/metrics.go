package api

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/depothq/depot"
	"github.com/depothq/depot/sequencer"
)

// metrics are the server's Prometheus series, on a registry of its own so that several servers
// in one process (tests, the demo) never collide. Per-event and per-command counters are summed
// per batch first and added once per label: at hundreds of thousands of events per second a label
// lookup per event would show up in the profile.
type metrics struct {
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	batchSize prometheus.Histogram
	fsync     prometheus.Histogram
	apply     prometheus.Histogram
	commands  []prometheus.Counter // by depot.CommandKind
	events    []prometheus.Counter // by depot.EventKind
	rejects   []prometheus.Counter // by depot.Code
	streams   prometheus.Gauge
	webhooks  *prometheus.CounterVec
	idemHits  prometheus.Counter
}

func newMetrics(reg *prometheus.Registry, seq *sequencer.Sequencer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "depot_http_requests_total", Help: "HTTP requests by route pattern, method and status code.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "depot_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
		}, []string{"route", "method"}),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "depot_sequencer_batch_commands", Help: "Commands per group commit.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 14),
		}),
		fsync: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "depot_sequencer_fsync_seconds", Help: "Journal append and fsync time per group commit.",
			Buckets: prometheus.ExponentialBuckets(0.00005, 2, 16),
		}),
		apply: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "depot_sequencer_apply_seconds", Help: "Engine apply time per group commit.",
			Buckets: prometheus.ExponentialBuckets(0.00001, 2, 16),
		}),
		streams: prometheus.NewGauge(prometheus.GaugeOpts{Name: "depot_sse_streams", Help: "Open event streams."}),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "depot_webhook_deliveries_total", Help: "Webhook delivery attempts by result (ok, failed, dead_letter, gap).",
		}, []string{"result"}),
		idemHits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "depot_idempotency_replays_total", Help: "Requests answered from the Idempotency-Key store.",
		}),
	}
	commands := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "depot_commands_total", Help: "Sequenced commands by kind."}, []string{"kind"})
	events := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "depot_events_total", Help: "Committed events by kind."}, []string{"kind"})
	rejects := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "depot_rejections_total", Help: "Rejected commands by code."}, []string{"code"})
	m.commands = make([]prometheus.Counter, 256)
	m.events = make([]prometheus.Counter, 256)
	m.rejects = make([]prometheus.Counter, 256)
	for k := 1; k < 256; k++ {
		if name := depot.CommandKind(k).String(); name != "unknown" {
			m.commands[k] = commands.WithLabelValues(name)
		}
		if name := depot.EventKind(k).String(); name != "unknown" {
			m.events[k] = events.WithLabelValues(name)
		}
	}
	for _, c := range depot.Codes() {
		m.rejects[c] = rejects.WithLabelValues(c.String())
	}
	reg.MustRegister(m.requests, m.latency, m.batchSize, m.fsync, m.apply, commands, events, rejects, m.streams, m.webhooks, m.idemHits,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "depot_sequencer_queue_depth", Help: "Submissions waiting for the writer."},
			func() float64 { return float64(seq.QueueDepth()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "depot_sequencer_durable_seq", Help: "Highest sequence number on disk."},
			func() float64 { return float64(seq.DurableSeq()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "depot_sequencer_failed", Help: "1 once the sequencer has failed and needs a restart."},
			func() float64 {
				if seq.Err() != nil {
					return 1
				}
				return 0
			}),
	)
	return m
}

// registerRuntime adds the Go runtime and process collectors.
func registerRuntime(reg *prometheus.Registry) {
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
}

// observeBatch records one group commit. It runs on the sequencer's syncer goroutine.
func (m *metrics) observeBatch(b *sequencer.Batch) {
	m.batchSize.Observe(float64(b.Commands))
	if !b.SharedSync {
		m.fsync.Observe(b.SyncTime.Seconds()) // once per sync, not per batch it covered
	}
	m.apply.Observe(b.ApplyTime.Seconds())
	var kinds, evs, codes [256]int
	for _, k := range b.Kinds {
		kinds[k]++
	}
	for i := range b.Events {
		evs[b.Events[i].Kind]++
	}
	for i := range b.Results {
		if r := b.Results[i].Rejection; r != nil {
			codes[r.Code]++
		}
	}
	add := func(cs []prometheus.Counter, counts *[256]int) {
		for i, n := range counts {
			if n > 0 && cs[i] != nil {
				cs[i].Add(float64(n))
			}
		}
	}
	add(m.commands, &kinds)
	add(m.events, &evs)
	add(m.rejects, &codes)
}

// observeRequest records one HTTP request.
func (m *metrics) observeRequest(route, method string, status int, took time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route, method).Observe(took.Seconds())
}

// reject counts a rejection that never reached a batch (refused by validation before sequencing).
func (m *metrics) reject(code depot.Code) {
	if c := m.rejects[code]; c != nil {
		c.Inc()
	}
}
