package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/depothq/depot/bench"
)

// `depot bench --quick`: every row of the table is printed, and --json carries the same figures,
// all positive. No timing thresholds: the figures of a quick run on a shared machine mean little.
// tinyBench shrinks the quick sizes further: the race detector makes every workload slower.
var tinyBench = []string{"--callers", "200", "--apply-ops", "5000", "--durable-ops", "2000", "--history", "6000",
	"--snapshot-every", "2000", "--positions", "1000", "--orders", "1000", "--startup-same-process"}

func TestBenchQuick(t *testing.T) {
	var out, progress bytes.Buffer
	if err := run(context.Background(), append([]string{"bench", "--quick", "--data", t.TempDir()}, tinyBench...), &out, &progress); err != nil {
		t.Fatalf("bench: %v\n%s", err, progress.String())
	}
	table := out.String()
	for _, name := range benchRowNames {
		if !strings.Contains(table, name) {
			t.Errorf("the table lacks row %q:\n%s", name, table)
		}
	}

	out.Reset()
	if err := run(context.Background(), append([]string{"bench", "--quick", "--json"}, tinyBench...), &out, &progress); err != nil {
		t.Fatalf("bench --json: %v", err)
	}
	var r benchReport
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("bench --json printed no JSON object: %v\n%s", err, out.String())
	}
	for name, v := range map[string]float64{
		"apply ops/s": r.Apply.OpsPerSec, "durable ops/s": r.Durable.OpsPerSec, "durable p99": r.Durable.P99Ms,
		"replay cmds/s": r.Replay.CommandsPerSec, "start-up s": r.Startup.Seconds,
		"bytes/position": r.Memory.BytesPerPosition, "orders/s": r.Orders.OrdersPerSec, "orders p99": r.Orders.P99Ms,
		"http orders/s": r.HTTP.OrdersPerSec, "http p99": r.HTTP.P99Ms,
		"single achieved/s": r.Single.AchievedPerSec, "single p99": r.Single.P99Ms, "single max": r.Single.MaxMs,
		"single offered/s": r.Single.OfferedPerSec, "single requests": float64(r.Single.Requests),
	} {
		if v <= 0 {
			t.Errorf("%s = %v, want a positive measured figure", name, v)
		}
	}
	if r.Single.Completed+r.Single.Errors != r.Single.Requests || r.Single.Clients != 64 {
		t.Errorf("single-order requests do not add up: %+v", r.Single)
	}
	if r.Baseline != nil || r.BaselineSkipped != "" {
		t.Errorf("a baseline appeared without --baseline: %+v %q", r.Baseline, r.BaselineSkipped)
	}
}

// --baseline postgres at tiny sizes: the PostgreSQL rows and the ratio, or a clear skip.
func TestBenchPostgresBaseline(t *testing.T) {
	var out, progress bytes.Buffer
	args := append([]string{"bench", "--quick", "--json", "--baseline", "postgres", "--pg-orders", "200", "--pg-conns", "8"}, tinyBench...)
	if err := run(context.Background(), args, &out, &progress); err != nil {
		t.Fatalf("bench: %v\n%s", err, progress.String())
	}
	var r benchReport
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("no JSON: %v\n%s", err, out.String())
	}
	if r.BaselineSkipped != "" {
		t.Skipf("PostgreSQL baseline skipped: %s", r.BaselineSkipped)
	}
	b := r.Baseline
	if b == nil || b.Postgres.OrdersPerSec <= 0 || b.DepotSameConcurrency.OrdersPerSec <= 0 || b.RatioSameConcurrency <= 0 || b.Ratio <= 0 {
		t.Fatalf("baseline figures: %+v", b)
	}
	if b.Postgres.Orders != 200 || b.DepotSameConcurrency.Orders != 200 || b.DepotSameConcurrency.Concurrency != 8 {
		t.Fatalf("the baseline and Depot did not take the same orders at the same concurrency: %+v", b)
	}
	var table bytes.Buffer
	printBenchTable(&table, &r)
	for _, want := range []string{"(h) PostgreSQL OMS", "(i) Depot, the same orders", "Depot / PostgreSQL"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, table.String())
		}
	}
}

// An unreachable PostgreSQL is a clear skip in the report, never an obscure failure.
func TestBenchBaselineSkipsWhenPostgresIsAbsent(t *testing.T) {
	r := &benchReport{}
	o := benchOptions{dsn: "postgres://postgres@127.0.0.1:1/test?sslmode=disable", sizes: bench.QuickSizes()}
	err := benchBaseline(context.Background(), o, t.TempDir(), bench.GenerateOrders(1, 10), r, func(string) {})
	if err != nil {
		t.Fatalf("an absent PostgreSQL failed the run: %v", err)
	}
	if r.Baseline != nil || !strings.Contains(r.BaselineSkipped, "not reachable") {
		t.Fatalf("report: %+v", r)
	}
	var table bytes.Buffer
	printBenchTable(&table, r)
	if !strings.Contains(table.String(), "baseline skipped: PostgreSQL is not reachable") {
		t.Fatalf("the table does not say the baseline was skipped:\n%s", table.String())
	}
}

func TestBenchRefusesANonEmptyDataDir(t *testing.T) {
	dir := t.TempDir()
	if err := run(context.Background(), []string{"bench", "--quick", "--data", filepath.Dir(dir)}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Fatal("bench accepted a directory with content")
	}
}

// TestBenchStartupInAFreshProcess measures (d) as bench does by default, in a new process of
// this binary (the test binary acts as depot under crashChildEnv), and checks it reports the
// same start-up as the bench's own process: the same commands, snapshot and tail.
func TestBenchStartupInAFreshProcess(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "history")
	if _, err := bench.BuildHistory(dir, 3000, 1000); err != nil {
		t.Fatal(err)
	}
	t.Setenv(crashChildEnv, "1")
	fresh, err := startupInFreshProcess(context.Background(), dir, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	same, err := bench.Startup(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !fresh.FreshProcess || fresh.Commands != same.Commands || fresh.SnapshotSeq != same.SnapshotSeq ||
		fresh.TailReplay != same.TailReplay || fresh.Seconds <= 0 {
		t.Fatalf("fresh process: %+v; this process: %+v", fresh, same)
	}
}
