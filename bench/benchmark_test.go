package bench_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/depothq/depot/bench"
)

// The go test -bench wrappers: each runs the workload once per iteration at the default sizes
// and reports its own measured figures (ns/op then covers setup too; read the custom metrics).
// Run them with -benchtime 1x, for example:
//
//	go test ./bench -run '^$' -bench . -benchtime 1x

func BenchmarkApplyReserves(b *testing.B) {
	for b.Loop() {
		r, err := bench.ApplyReserves(bench.DefaultSizes().ApplyOps)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(r.OpsPerSec, "ops/s")
	}
}

func BenchmarkDurableReserves(b *testing.B) {
	s := bench.DefaultSizes()
	for b.Loop() {
		r, err := bench.DurableReserves(context.Background(), b.TempDir(), s.DurableOps, s.Callers)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(r.OpsPerSec, "ops/s")
		b.ReportMetric(r.P50Ms, "p50_ms")
		b.ReportMetric(r.P99Ms, "p99_ms")
	}
}

func BenchmarkReplayAndStartup(b *testing.B) {
	s := bench.DefaultSizes()
	dir := b.TempDir()
	if _, err := bench.BuildHistory(dir, s.History, s.SnapshotEvery); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		r, err := bench.Replay(dir)
		if err != nil {
			b.Fatal(err)
		}
		st, err := bench.Startup(dir)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(r.CommandsPerSec, "replay_cmds/s")
		b.ReportMetric(st.Seconds, "startup_s")
	}
}

func BenchmarkMemoryPerPosition(b *testing.B) {
	for b.Loop() {
		r, err := bench.MemoryPerPosition(bench.DefaultSizes().Positions)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(r.BytesPerPosition, "bytes/position")
	}
}

func BenchmarkDepotOrders(b *testing.B) {
	s := bench.DefaultSizes()
	orders := bench.GenerateOrders(1, s.Orders)
	for b.Loop() {
		r, err := bench.DepotOrders(context.Background(), b.TempDir(), orders, s.Callers)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(r.OrdersPerSec, "orders/s")
		b.ReportMetric(r.P99Ms, "p99_ms")
	}
}

func BenchmarkHTTPOrders(b *testing.B) {
	s := bench.DefaultSizes()
	orders := bench.GenerateOrders(1, s.Orders)
	for b.Loop() {
		r, err := bench.HTTPOrders(context.Background(), b.TempDir(), orders, s.HTTPClients, s.HTTPOrdersPerRequest)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(r.OrdersPerSec, "orders/s")
		b.ReportMetric(r.P99Ms, "request_p99_ms")
	}
}

// BenchmarkSingleOrders is row (j) at the default sizes (10,000 orders a second offered for 10 s
// from 64 clients); the figure to read is p99_ms, from the intended send time.
func BenchmarkSingleOrders(b *testing.B) {
	s := bench.DefaultSizes()
	for b.Loop() {
		r, err := bench.SingleOrders(context.Background(), b.TempDir(), s.SingleClients, s.SingleRate, s.SingleSeconds)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(r.AchievedPerSec, "orders/s")
		b.ReportMetric(r.P50Ms, "p50_ms")
		b.ReportMetric(r.P99Ms, "p99_ms")
		b.ReportMetric(r.MaxMs, "max_ms")
		b.ReportMetric(float64(r.Errors), "errors")
	}
}

func BenchmarkPostgresBaseline(b *testing.B) {
	s := bench.DefaultSizes()
	dsn := os.Getenv("DEPOT_DSN")
	if dsn == "" {
		dsn = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	orders := bench.GenerateOrders(1, s.PGOrders)
	for b.Loop() {
		r, err := bench.Postgres(context.Background(), dsn, orders, s.PGConns)
		if errors.Is(err, bench.ErrPostgresUnavailable) {
			b.Skipf("PostgreSQL baseline skipped: %v", err)
		}
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(r.OrdersPerSec, "orders/s")
		b.ReportMetric(r.P99Ms, "p99_ms")
	}
}
