package sim

import (
	"container/heap"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/depothq/depot"
)

// Step is one command of the stream at its simulated instant (unix nanoseconds).
type Step struct {
	At  int64
	Cmd depot.Command

	act *action // what the workload does with the answer; nil for setup
}

// Workload turns a scenario into a simulated stretch of operations: it first creates the
// business, then emits the orders, payments, shipments, returns, receipts, counts and ticks of
// the day, instant by instant, and reacts to the answers as the business would (a rejected cart
// is lost, a committed order is picked and shipped, low stock is replenished).
//
// It is not safe for concurrent use: one runner calls Next, submits, then Observe, in turn.
type Workload struct {
	sc      *Scenario
	cfg     Config
	rng     *rand.Rand
	feat    *rand.Rand // the order features' choices (features.go)
	track   *rand.Rand // carrier scans of shipped parcels (features.go)
	metrics *Metrics

	queue     actionQueue
	actionSeq uint64
	now       int64 // the instant last handed out
	end       int64
	setup     []depot.Command
	inflight  bool // Next handed out steps that Observe has not seen yet

	channels   []*channelState
	rateByHour [24]float64 // orders per second, all channels
	rateMax    float64
	arrivalAt  float64 // the exact time of the next arrival, in seconds after Start
	zipfAll    *rand.Zipf
	zipfQuick  *rand.Zipf
	darkStores []*Location

	stockView                          // the workload's view of the stock, from the answers it observed
	calendars map[string]*pickCalendar // per location: its picking slots (orders.go)
	ids       idCounters
	orders    map[string]*order // orchestrated orders by the engine's id
	inc       incidentState     // labelled incidents (incidents.go); empty unless injected
	lanes     laneState         // lanes delivered and lane delays (lanes.go)
	ads       adState           // ad campaigns (ads.go); none unless incidents are injected
}

type idCounters struct {
	order, ship, ret, count, po, transfer, receipt, hold, adjust, tracking int
}

// channelState is a channel and its index in the metrics.
type channelState struct {
	Channel
	idx int
}

// New builds the scenario and the workload of a Config.
func New(cfg Config) (*Workload, error) {
	sc, err := NewScenario(cfg)
	if err != nil {
		return nil, err
	}
	return NewWorkload(sc, cfg)
}

// NewWorkload returns the workload of a scenario. cfg must be the one the scenario was built
// from (its Seed, sizes and Start); its Duration, Quantum and pacing fields shape the workload.
func NewWorkload(sc *Scenario, cfg Config) (*Workload, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if cfg.Seed != sc.Seed || cfg.Start != sc.Start || cfg.Tenant != sc.Tenant {
		return nil, fmt.Errorf("sim: workload config (seed %d, tenant %q) does not match the scenario (seed %d, tenant %q)",
			cfg.Seed, cfg.Tenant, sc.Seed, sc.Tenant)
	}
	w := &Workload{
		sc: sc, cfg: cfg, rng: rand.New(rand.NewPCG(uint64(cfg.Seed), streamWorkload)),
		feat:    rand.New(rand.NewPCG(uint64(cfg.Seed), streamFeatures)),
		track:   rand.New(rand.NewPCG(uint64(cfg.Seed), streamTracking)),
		metrics: newMetrics(sc.Channels), now: sc.Start, end: sc.Start + int64(cfg.Duration),
		setup: sc.Commands(), calendars: map[string]*pickCalendar{}, orders: map[string]*order{},
	}
	w.stockView.init(sc)
	for i := range sc.Channels {
		w.channels = append(w.channels, &channelState{Channel: sc.Channels[i], idx: i})
	}
	for i := range sc.Locations {
		if sc.Locations[i].Kind == depot.LocationDarkStore {
			w.darkStores = append(w.darkStores, &sc.Locations[i])
		}
	}
	w.zipfAll = rand.NewZipf(w.rng, zipfS, zipfV, uint64(len(sc.rankAll)-1))
	if len(sc.rankQuick) > 0 {
		w.zipfQuick = rand.NewZipf(w.rng, zipfS, zipfV, uint64(len(sc.rankQuick)-1))
	}
	w.initRates()
	w.scheduleArrival()
	w.schedule(&action{at: sc.Start + int64(cfg.TickEvery), kind: actTick})
	w.schedule(&action{at: sc.Start + int64(cfg.CountEvery), kind: actCount, fresh: true})
	for _, in := range sc.Inbound {
		// Suppliers are early or late by up to an hour, and deliver 90% to 105% of the order.
		at := in.ETA + w.rng.Int64N(int64(90*time.Minute)) - int64(30*time.Minute)
		qty := max(1, in.Qty*int64(90+w.rng.IntN(16))/100)
		w.schedule(&action{at: max(at, sc.Start+int64(cfg.Quantum)), kind: actReceive,
			pos: w.position(in.SKU, in.Location), qty: qty, ref: in.ID})
	}
	return w, nil
}

// Scenario returns the business the workload runs.
func (w *Workload) Scenario() *Scenario { return w.sc }

// Start is the first simulated instant; End the instant the workload stops before.
func (w *Workload) Start() int64 { return w.sc.Start }

// End is the first simulated instant the workload no longer emits.
func (w *Workload) End() int64 { return w.end }

// Metrics returns the live metrics of the run.
func (w *Workload) Metrics() *Metrics { return w.metrics }

// Next returns the commands of the earliest pending instant, at most max of them (at least 2),
// and the instant. ok is false once nothing is due before End. The answers to the steps must be
// passed to Observe before Next is called again: later steps depend on them.
//
// An instant with more than max commands, or holding an action that must see every earlier
// answer first (a cycle count or a transfer computed from the stock), is handed out over several
// calls with the same instant.
func (w *Workload) Next(max int) (at int64, steps []Step, ok bool) {
	if w.inflight {
		panic("sim: Workload.Next called before the previous steps were observed")
	}
	if max < maxCommandsPerAction {
		max = maxCommandsPerAction
	}
	if len(w.setup) > 0 {
		n := min(max, len(w.setup))
		for _, c := range w.setup[:n] {
			steps = append(steps, Step{At: w.sc.Start, Cmd: c})
		}
		w.setup = w.setup[n:]
		w.inflight = true
		return w.sc.Start, steps, true
	}
	for len(w.queue) > 0 {
		a := w.queue[0]
		if a.at >= w.end {
			break
		}
		if len(steps) > 0 && (a.at != at || a.fresh || len(steps)+maxCommandsPerAction > max) {
			break
		}
		heap.Pop(&w.queue)
		at = a.at
		w.now = a.at
		for _, c := range w.emit(a) {
			steps = append(steps, Step{At: a.at, Cmd: c, act: a})
		}
	}
	if len(steps) == 0 {
		return 0, nil, false
	}
	w.inflight = true
	return at, steps, true
}

// Observe takes the answers to the steps Next handed out, in order, and updates the
// workload's view of the stock, schedules what follows and counts the metrics.
func (w *Workload) Observe(steps []Step, results []depot.Result) error {
	if len(steps) != len(results) {
		return fmt.Errorf("sim: %d answers for %d steps", len(results), len(steps))
	}
	w.inflight = false
	for i := range steps {
		w.observe(&steps[i], &results[i])
	}
	if len(steps) > 0 {
		at := steps[len(steps)-1].At
		w.metrics.update(func(s *Snapshot) { s.SimTime = at })
	}
	return nil
}

// quantise rounds a time up to the next instant boundary, and never before the current
// instant: what is scheduled from an answer can at the earliest join a later batch of the same
// instant, after that answer.
func (w *Workload) quantise(t int64) int64 {
	q := int64(w.cfg.Quantum)
	off := t - w.sc.Start
	if r := off % q; r != 0 {
		off += q - r
	}
	return max(w.sc.Start+off, w.now)
}

// schedule queues an action at its quantised time.
func (w *Workload) schedule(a *action) {
	a.at = w.quantise(a.at)
	w.actionSeq++
	a.seq = w.actionSeq
	heap.Push(&w.queue, a)
}

// between returns a uniformly random duration in [lo, hi].
func (w *Workload) between(lo, hi time.Duration) int64 {
	if hi <= lo {
		return int64(lo)
	}
	return int64(lo) + w.rng.Int64N(int64(hi-lo)+1)
}

// id formats an invented id with the run's prefix.
func (w *Workload) id(kind string, n int) string {
	return fmt.Sprintf("%s%s-%07d", w.cfg.IDPrefix, kind, n)
}

// localMinute is the minute of the local day at t.
func (w *Workload) localMinute(t int64) int {
	sec := (t/1e9 + int64(w.sc.City.UTCOffsetSeconds)) % 86400
	if sec < 0 {
		sec += 86400
	}
	return int(sec / 60)
}
