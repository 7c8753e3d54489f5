package sim_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/depothq/depot"
	"github.com/depothq/depot/sim"
)

func TestRunIsAPureFunctionOfTheSeed(t *testing.T) {
	a := mustRun(t, smallConfig(7))
	b := mustRun(t, smallConfig(7))
	c := mustRun(t, smallConfig(8))
	if !bytes.Equal(a.stream, b.stream) {
		t.Fatal("two runs of seed 7 submitted different command streams")
	}
	if ha, hb := a.hash(t), b.hash(t); ha != hb {
		t.Fatalf("two runs of seed 7 ended in different states: %s != %s", ha, hb)
	}
	sa, sb := a.w.Metrics().Snapshot(), b.w.Metrics().Snapshot()
	if sa.OrdersPlaced != sb.OrdersPlaced || sa.Shipped != sb.Shipped || sa.Commands != sb.Commands {
		t.Fatalf("two runs of seed 7 counted differently: %+v vs %+v", sa, sb)
	}
	if a.hash(t) == c.hash(t) {
		t.Fatal("seeds 7 and 8 ended in the same state")
	}
}

func TestRunExercisesTheBusiness(t *testing.T) {
	b := mustRun(t, smallConfig(11))
	b.checkInvariants(t)
	s := b.w.Metrics().Snapshot()
	t.Logf("%d orders, fill %.3f, SLA %.3f, %d oversells prevented, %d commands in %d batches",
		s.OrdersPlaced, s.FillRate(), s.SLAHealth(), s.OversellsPrevented(), s.Commands, s.Batches)
	if len(s.OtherRejections) > 0 {
		// The simulated operators only ask for what their view of the ledger allows.
		t.Errorf("operator commands were rejected: %+v", s.OtherRejections)
	}
	// 3 hours from midnight of a 20,000-a-day business: a few hundred orders.
	if s.OrdersPlaced < 100 || s.OrdersReserved == 0 || s.Committed == 0 || s.Shipped == 0 {
		t.Errorf("too little happened: %+v", s)
	}
	if s.Expired == 0 || s.Released+s.Cancelled == 0 || s.Counts == 0 {
		t.Errorf("expiries, releases or counts missing: %+v", s)
	}
	if f := s.FillRate(); f < 0.5 || f > 1 {
		t.Errorf("fill rate %.3f", f)
	}
	placed, reserved := int64(0), int64(0)
	for _, c := range s.Channels {
		placed += c.Placed
		reserved += c.Reserved
	}
	if placed != s.OrdersPlaced || reserved != s.OrdersReserved {
		t.Errorf("channels add up to %d placed, %d reserved; totals %d, %d", placed, reserved, s.OrdersPlaced, s.OrdersReserved)
	}
	st, err := b.driver.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.DurableSeq != uint64(s.Commands) {
		t.Errorf("durable seq %d, commands submitted %d", st.DurableSeq, s.Commands)
	}
	if st.Ledger.SKUs == 0 || st.Ledger.Positions == 0 {
		t.Errorf("ledger stats %+v", st.Ledger)
	}
}

// A full day shows the whole shape: seasonality, replenishment, returns and missed promises.
func TestFullDay(t *testing.T) {
	if testing.Short() {
		t.Skip("a simulated day takes a few seconds")
	}
	cfg := smallConfig(5)
	cfg.Duration = 24 * time.Hour
	cfg.OrdersPerDay = 8_000
	b := mustRun(t, cfg)
	b.checkInvariants(t)
	s := b.w.Metrics().Snapshot()
	if len(s.OtherRejections) > 0 {
		t.Errorf("operator commands were rejected: %+v", s.OtherRejections)
	}
	if s.OrdersPlaced < 6_000 || s.OrdersPlaced > 10_000 {
		t.Errorf("%d orders in a day of a business that takes 8,000", s.OrdersPlaced)
	}
	if s.PurchaseOrders+s.Transfers == 0 || s.Receipts == 0 || s.Returns == 0 {
		t.Errorf("no replenishment, receipts or returns: %+v", s)
	}
	if s.OversellsPrevented() == 0 {
		t.Error("no oversell was prevented in a day with nearly sold-out SKUs")
	}
	if h := s.SLAHealth(); h < 0.5 || h >= 1 {
		t.Errorf("SLA health %.3f: capacity should make a few orders late, not most", h)
	}
	// Seasonality: the evening peak takes many times the orders of the small hours.
	byHour := b.rec.reservesByHour
	evening, night := byHour[17]+byHour[18]+byHour[19]+byHour[20], byHour[2]+byHour[3]+byHour[4]+byHour[5]
	if evening < 5*night {
		t.Errorf("orders by local hour %v: evening %d is not well above night %d", byHour, evening, night)
	}
	// Skew: the tenth of SKUs ordered most take a large share of the lines.
	counts := make([]int, 0, len(b.rec.linesBySKU))
	total := 0
	for _, n := range b.rec.linesBySKU {
		counts = append(counts, n)
		total += n
	}
	slices.Sort(counts)
	slices.Reverse(counts)
	top := 0
	for _, n := range counts[:cfg.SKUs/10] {
		top += n
	}
	if share := float64(top) / float64(total); share < 0.35 {
		t.Errorf("the top 10%% of SKUs take %.2f of the lines; demand is not skewed", share)
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	w, err := sim.New(smallConfig(1))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	// One simulated second per wall second: the run cannot finish in 200 ms.
	r := &sim.Runner{Driver: acceptAll{}, Workload: w, Speed: 1}
	started := time.Now()
	if err := r.Run(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Run returned %v, want the context's deadline", err)
	}
	if took := time.Since(started); took > 2*time.Second {
		t.Fatalf("Run took %s to notice the cancel", took)
	}
}

// acceptAll answers every command with success and no events, for tests of pacing.
type acceptAll struct{}

func (acceptAll) Submit(context.Context, depot.Command) (depot.Result, error) {
	return depot.Result{}, nil
}

func (acceptAll) SubmitBatch(_ context.Context, cmds []depot.Command) ([]depot.Result, error) {
	return make([]depot.Result, len(cmds)), nil
}

func (acceptAll) Stats(context.Context) (sim.Stats, error) { return sim.Stats{}, nil }

func TestClockOnlyMovesForward(t *testing.T) {
	c := sim.NewClock(100)
	c.Set(50)
	if c.Now() != 100 {
		t.Fatalf("clock stepped back to %d", c.Now())
	}
	c.Set(200)
	if c.Now() != 200 {
		t.Fatalf("clock reads %d, want 200", c.Now())
	}
}

func TestHistogramQuantiles(t *testing.T) {
	var h sim.Histogram
	if h.Quantile(0.5) != 0 {
		t.Fatal("empty histogram has a median")
	}
	for i := 1; i <= 1000; i++ {
		h.Record(time.Duration(i) * time.Microsecond)
	}
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Microsecond}, {0.99, 990 * time.Microsecond}, {1, 1000 * time.Microsecond}} {
		got := h.Quantile(tc.q)
		// An upper bound, at most one bucket (9%) above the true quantile.
		if got < tc.want || float64(got) > float64(tc.want)*1.1 {
			t.Errorf("q%.2f = %s, want within 10%% above %s", tc.q, got, tc.want)
		}
	}
	if h.Count() != 1000 || h.Max() != time.Millisecond {
		t.Errorf("count %d, max %s", h.Count(), h.Max())
	}
}

// A driver whose answers carry no events (a server that leaves them out, or another client's
// data) must not derail the workload: orders still flow to shipment.
func TestRunSurvivesAnswersWithoutEvents(t *testing.T) {
	w, err := sim.New(smallConfig(2))
	if err != nil {
		t.Fatal(err)
	}
	if err := (&sim.Runner{Driver: acceptAll{}, Workload: w}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := w.Metrics().Snapshot(); s.OrdersReserved == 0 || s.Shipped == 0 {
		t.Fatalf("nothing flowed: %+v", s)
	}
}
