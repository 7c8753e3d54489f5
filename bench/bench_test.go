package bench_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/bench"
)

// The workloads at quick sizes: each runs, and each figure is positive. No timing thresholds:
// the machine is shared and the race detector slows everything.

func TestWorkloadsMeasure(t *testing.T) {
	q := bench.QuickSizes()
	ctx := context.Background()
	dir := t.TempDir()

	apply, err := bench.ApplyReserves(q.ApplyOps)
	if err != nil || apply.Ops != q.ApplyOps || apply.OpsPerSec <= 0 {
		t.Fatalf("apply: %+v, %v", apply, err)
	}
	durable, err := bench.DurableReserves(ctx, filepath.Join(dir, "durable"), q.DurableOps, 100)
	if err != nil || durable.OpsPerSec <= 0 || durable.P99Ms < durable.P50Ms || durable.P50Ms <= 0 || durable.CommandsPerBatch < 1 {
		t.Fatalf("durable: %+v, %v", durable, err)
	}
	history := filepath.Join(dir, "history")
	h, err := bench.BuildHistory(history, q.History, q.SnapshotEvery)
	if err != nil || h.Commands != q.History || h.JournalBytes <= 0 || h.SnapshotSeq != uint64(q.History)-uint64(q.SnapshotEvery) {
		t.Fatalf("history: %+v, %v", h, err)
	}
	replay, err := bench.Replay(history)
	if err != nil || replay.Commands != q.History || replay.CommandsPerSec <= 0 {
		t.Fatalf("replay: %+v, %v", replay, err)
	}
	start, err := bench.Startup(history)
	if err != nil || start.Commands != q.History || start.SnapshotSeq != h.SnapshotSeq || start.TailReplay != int(q.SnapshotEvery) || start.Seconds <= 0 {
		t.Fatalf("start-up: %+v, %v", start, err)
	}
	mem, err := bench.MemoryPerPosition(q.Positions)
	if err != nil || mem.Positions != q.Positions || mem.BytesPerPosition <= 0 {
		t.Fatalf("memory: %+v, %v", mem, err)
	}
	orders, err := bench.DepotOrders(ctx, filepath.Join(dir, "orders"), bench.GenerateOrders(1, 500), 50)
	if err != nil || orders.Orders != 500 || orders.OrdersPerSec <= 0 || orders.P50Ms <= 0 {
		t.Fatalf("orders: %+v, %v", orders, err)
	}
	overHTTP, err := bench.HTTPOrders(ctx, filepath.Join(dir, "http"), bench.GenerateOrders(2, 500), 4, 50)
	if err != nil || overHTTP.Orders != 500 || overHTTP.OrdersPerSec <= 0 || overHTTP.P50Ms <= 0 || overHTTP.OrdersPerRequest != 50 {
		t.Fatalf("orders over HTTP: %+v, %v", overHTTP, err)
	}
	single, err := bench.SingleOrders(ctx, filepath.Join(dir, "single"), 16, 1000, 0.3)
	if err != nil || single.Requests != 300 || single.Completed+single.Errors != 300 || single.Completed == 0 ||
		single.AchievedPerSec <= 0 || single.P50Ms <= 0 || single.P99Ms < single.P50Ms || single.MaxMs < single.P99Ms ||
		single.OfferedPerSec != 1000 || single.Clients != 16 || single.Shape == "" {
		t.Fatalf("single-order requests: %+v, %v", single, err)
	}
	// An open-loop run takes about as long as its timetable, however fast the server answers.
	if single.AchievedPerSec > 1500 {
		t.Fatalf("single-order requests ran ahead of the timetable: %+v", single)
	}
}

func TestGenerateOrdersIsSeededAndSkewed(t *testing.T) {
	a, b := bench.GenerateOrders(7, 2000), bench.GenerateOrders(7, 2000)
	hits := map[string]int{}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("order %d differs between two generations of seed 7", i)
		}
		for k, l := range a[i].Lines {
			if k > 0 && a[i].Lines[k-1].SKU >= l.SKU {
				t.Fatalf("order %d lines are not distinct and sorted: %+v", i, a[i].Lines)
			}
			hits[l.SKU]++
		}
	}
	// The hottest SKU is a hot row: far above the 6 lines an even spread would give it.
	top := 0
	for _, n := range hits {
		top = max(top, n)
	}
	if top < 200 {
		t.Fatalf("the hottest SKU has %d of 6,000 lines; demand is not skewed", top)
	}
}

func TestPostgresBaseline(t *testing.T) {
	dsn := os.Getenv("DEPOT_DSN")
	if dsn == "" {
		dsn = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	res, err := bench.Postgres(context.Background(), dsn, bench.GenerateOrders(1, 200), 8)
	if errors.Is(err, bench.ErrPostgresUnavailable) {
		t.Skipf("PostgreSQL baseline skipped: %v (start PostgreSQL or set DEPOT_DSN)", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if res.Orders != 200 || res.OrdersPerSec <= 0 || res.P50Ms <= 0 || res.Server == "" || res.Fsync == "" {
		t.Fatalf("baseline: %+v", res)
	}
}

func TestPostgresUnreachableIsReportedAsSuch(t *testing.T) {
	// Port 1 on loopback refuses at once.
	_, err := bench.Postgres(context.Background(), "postgres://postgres:secret@127.0.0.1:1/test?sslmode=disable", bench.GenerateOrders(1, 1), 1)
	if !errors.Is(err, bench.ErrPostgresUnavailable) {
		t.Fatalf("got %v, want ErrPostgresUnavailable", err)
	}
	if got := err.Error(); strings.Contains(got, "secret") {
		t.Fatalf("the error shows the password: %s", got)
	}
}

func TestSizesValidate(t *testing.T) {
	if err := bench.DefaultSizes().Validate(); err != nil {
		t.Fatal(err)
	}
	if err := bench.QuickSizes().Validate(); err != nil {
		t.Fatal(err)
	}
	bad := bench.QuickSizes()
	bad.Positions = 150
	if bad.Validate() == nil {
		t.Fatal("150 positions (not a multiple of 100) accepted")
	}
	bad = bench.QuickSizes()
	bad.SingleSeconds = 0
	if bad.Validate() == nil {
		t.Fatal("a single-order run of 0 seconds accepted")
	}
	edge := bench.QuickSizes()
	edge.DurableOps = depot.MaxActiveReservations
	if err := edge.Validate(); err != nil {
		t.Fatalf("as many durable reserves as the engine holds refused: %v", err)
	}
	edge.DurableOps++
	if edge.Validate() == nil {
		t.Fatal("more durable reserves than the engine holds accepted")
	}
}
