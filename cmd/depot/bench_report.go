package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/depothq/depot/bench"
)

// benchReport is every figure of one `depot bench` run; --json prints exactly this.
type benchReport struct {
	Machine         benchMachine         `json:"machine"`
	Sizes           bench.Sizes          `json:"sizes"`
	DataDir         string               `json:"data_dir"`
	Apply           bench.ApplyResult    `json:"apply"`
	Durable         bench.DurableResult  `json:"durable_reserve"`
	History         bench.History        `json:"history"`
	Replay          bench.ReplayResult   `json:"replay"`
	Startup         bench.StartupResult  `json:"startup"`
	Memory          bench.MemoryResult   `json:"memory"`
	Orders          bench.OrdersResult   `json:"orders"`
	HTTP            bench.HTTPResult     `json:"http_orders"`
	Single          bench.SingleResult   `json:"single_orders"`
	Baseline        *benchBaselineReport `json:"baseline,omitempty"`
	BaselineSkipped string               `json:"baseline_skipped,omitempty"`
	Seconds         float64              `json:"seconds"`
}

// benchBaselineReport compares the PostgreSQL OMS with Depot on the same orders.
type benchBaselineReport struct {
	Postgres             bench.PostgresResult `json:"postgres"`
	DepotSameConcurrency bench.OrdersResult   `json:"depot_same_concurrency"`
	// RatioSameConcurrency is Depot's orders per second over PostgreSQL's at the same number of
	// callers; Ratio uses Depot's figure (f) at its own caller count, RatioHTTP its figure (g).
	RatioSameConcurrency float64 `json:"ratio_same_concurrency"`
	Ratio                float64 `json:"ratio"`
	RatioHTTP            float64 `json:"ratio_http"`
}

// benchMachine says where the figures were measured.
type benchMachine struct {
	Go         string `json:"go"`
	OS         string `json:"os"`
	Arch       string `json:"arch"`
	CPUs       int    `json:"cpus"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	CPUModel   string `json:"cpu_model,omitempty"`
}

func benchMachineInfo() benchMachine {
	m := benchMachine{Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH, CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0)}
	// Best effort: only Linux says, and the figure stands without it.
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}

// benchRowNames are the table's first column, in order; the test checks that each is printed.
var benchRowNames = []string{
	"(a) in-memory apply, single-line reserves, 1 goroutine",
	"(b) durable single-line reserves, fsync on",
	"(c) replay from the file journal",
	"(d) start-up with history, snapshots on",
	"(e) memory per position",
	"(f) durable 3-line orders (reserve + commit)",
	"(g) 3-line orders over HTTP, batch endpoint",
	"(j) single-order requests over HTTP, open loop",
}

func printBenchTable(w io.Writer, r *benchReport) {
	m := r.Machine
	cpu := m.CPUModel
	if cpu == "" {
		cpu = "unknown CPU"
	}
	fmt.Fprintf(w, "depot bench: %s %s/%s, %d CPUs (%s), GOMAXPROCS %d, %.1f s\n\n", m.Go, m.OS, m.Arch, m.CPUs, cpu, m.GOMAXPROCS, r.Seconds)
	row := func(name, figure, unit, detail string) {
		fmt.Fprintf(w, "%-56s %13s %-8s  %s\n", name, figure, unit, detail)
	}
	row("workload", "result", "", "detail")
	row(benchRowNames[0], commas(int64(r.Apply.OpsPerSec)), "ops/s",
		fmt.Sprintf("%s reserves in %.2f s, validated and encoded first as the sequencer's callers do (%.2f s)",
			commas(int64(r.Apply.Ops)), r.Apply.Seconds, r.Apply.ValidateEncodeSeconds))
	row(benchRowNames[1], commas(int64(r.Durable.OpsPerSec)), "ops/s",
		fmt.Sprintf("%s callers: p50 %.2f ms, p99 %.2f ms; %.0f commands per fsync (%.2f ms)",
			commas(int64(r.Durable.Callers)), r.Durable.P50Ms, r.Durable.P99Ms, r.Durable.CommandsPerBatch, r.Durable.SyncMsPerBatch))
	row(benchRowNames[2], commas(int64(r.Replay.CommandsPerSec)), "cmds/s",
		fmt.Sprintf("%s commands, %s MB of journal", commas(int64(r.Replay.Commands)), commas(r.History.JournalBytes>>20)))
	row(benchRowNames[3], fmt.Sprintf("%.3f", r.Startup.Seconds), "s",
		fmt.Sprintf("%s commands: snapshot at %s, %s replayed, %s", commas(int64(r.Startup.Commands)),
			commas(int64(r.Startup.SnapshotSeq)), commas(int64(r.Startup.TailReplay)), startupWhere(r.Startup.FreshProcess)))
	row(benchRowNames[4], fmt.Sprintf("%.0f", r.Memory.BytesPerPosition), "bytes",
		fmt.Sprintf("at %s positions (%.0f while their receipt ids are remembered)", commas(int64(r.Memory.Positions)), r.Memory.WithIDsBytesPerPosition))
	row(benchRowNames[5], commas(int64(r.Orders.OrdersPerSec)), "orders/s",
		fmt.Sprintf("%s orders, %s callers: p50 %.2f ms, p99 %.2f ms", commas(int64(r.Orders.Orders)),
			commas(int64(r.Orders.Concurrency)), r.Orders.P50Ms, r.Orders.P99Ms))
	h := r.HTTP
	row(benchRowNames[6], commas(int64(h.OrdersPerSec)), "orders/s",
		fmt.Sprintf("%s orders, %d clients, %d orders a request: request p50 %.2f ms, p99 %.2f ms", commas(int64(h.Orders)),
			h.Concurrency, h.OrdersPerRequest, h.P50Ms, h.P99Ms))
	if b := r.Baseline; b != nil {
		pg := b.Postgres
		row("(h) PostgreSQL OMS, 3-line orders, a transaction each", commas(int64(pg.OrdersPerSec)), "orders/s",
			fmt.Sprintf("%s orders, %d connections: p50 %.2f ms, p99 %.2f ms (%s, fsync %s, synchronous_commit %s)",
				commas(int64(pg.Orders)), pg.Concurrency, pg.P50Ms, pg.P99Ms, pg.Server, pg.Fsync, pg.SynchronousCommit))
		d := b.DepotSameConcurrency
		row("(i) Depot, the same orders", commas(int64(d.OrdersPerSec)), "orders/s",
			fmt.Sprintf("%s orders, %d callers: p50 %.2f ms, p99 %.2f ms", commas(int64(d.Orders)), d.Concurrency, d.P50Ms, d.P99Ms))
		row("    Depot / PostgreSQL", fmt.Sprintf("%.1f", b.RatioSameConcurrency), "x",
			fmt.Sprintf("at %d callers each; %.1fx with Depot at %s callers (f), %.1fx over HTTP (g)", d.Concurrency, b.Ratio,
				commas(int64(r.Orders.Concurrency)), b.RatioHTTP))
	}
	j := r.Single
	row(benchRowNames[7], fmt.Sprintf("%.2f", j.P99Ms), "ms p99",
		fmt.Sprintf("%s/s offered for %g s, %d clients, %s: %s orders/s achieved, p50 %.2f ms, max %.2f ms "+
			"from the intended send time; %s of %s requests missed",
			commas(int64(j.OfferedPerSec)), j.Seconds, j.Clients, j.Shape, commas(int64(j.AchievedPerSec)),
			j.P50Ms, j.MaxMs, commas(int64(j.Errors)), commas(int64(j.Requests))))
	if j.FirstError != "" {
		fmt.Fprintf(w, "%-56s first miss: %s\n", "", j.FirstError)
	}
	if r.BaselineSkipped != "" {
		fmt.Fprintf(w, "\nbaseline skipped: %s\n", r.BaselineSkipped)
	}
}

func startupWhere(fresh bool) string {
	if fresh {
		return "in a fresh process"
	}
	return "in the bench's own process"
}
