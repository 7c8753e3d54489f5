package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/depothq/depot/sim"
)

// The README's demo command with a short --for: it must seed the business, play part of the day,
// stop cleanly and leave a data directory that verify accepts with the same state hash.
func TestDemoRunsAndVerifies(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"demo", "--for", "2s", "--speed", "3600", "--data", dir}, &out, &errOut)
	if err != nil {
		t.Fatalf("demo: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errOut.String())
	}
	summary := out.String()
	for _, want := range []string{"API        http://127.0.0.1:", "Depot demo summary", "orders", "fill rate",
		"oversells prevented", "SLA health", "quick orders from checkout reservations", "operator exceptions raised",
		"carrier scans (DPD codes and common statuses)", "state hash", "depot verify --data " + dir} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	m := regexp.MustCompile(`orders     ([0-9,]+) placed`).FindStringSubmatch(summary)
	if m == nil || m[1] == "0" {
		t.Errorf("no orders placed:\n%s", summary)
	}
	hash := regexp.MustCompile(`state hash ([0-9a-f]{64})`).FindStringSubmatch(summary)
	if hash == nil {
		t.Fatalf("no state hash in the summary:\n%s", summary)
	}
	report, err := verifyData(context.Background(), dir)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if !strings.Contains(report, "invariants    ok") || !strings.Contains(report, hash[1]) {
		t.Fatalf("verify disagrees with the demo's state hash %s:\n%s", hash[1], report)
	}
}

// Ctrl-C (a cancelled context) ends the demo with a summary, not an error.
func TestDemoStopsCleanlyOnCancel(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	var out bytes.Buffer
	dir := t.TempDir()
	if err := run(ctx, []string{"demo", "--data", dir, "--orders", "5000", "--skus", "100", "--dark-stores", "4"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "Depot demo summary") {
		t.Fatalf("no summary after cancel:\n%s", out.String())
	}
	if _, err := verifyData(context.Background(), dir); err != nil {
		t.Fatalf("verify after cancel: %v", err)
	}
}

func TestDemoRefusesADirectoryWithHistory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "something"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"demo", "--data", dir, "--for", "1s"}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("demo on a non-empty directory: %v", err)
	}
}

// --ledger-orders falls back to the ledger-level flow: reserves, commits and shipments.
func TestDemoLedgerOrdersFallback(t *testing.T) {
	var out bytes.Buffer
	dir := filepath.Join(t.TempDir(), "demo")
	err := run(context.Background(), []string{"demo", "--ledger-orders", "--for", "1s", "--speed", "3600", "--data", dir,
		"--orders", "5000", "--skus", "100", "--dark-stores", "4"}, &out, &bytes.Buffer{})
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	if strings.Contains(out.String(), "orchestr.") || !strings.Contains(out.String(), "Depot demo summary") {
		t.Fatalf("ledger-level demo summary:\n%s", out.String())
	}
}

// TestDemoIntelUsesTheCityOffset: the demo's intelligence learns hours of day in the simulated
// city's local time, as the evaluation does.
func TestDemoIntelUsesTheCityOffset(t *testing.T) {
	w, err := sim.New(sim.Config{Seed: 1, OrdersPerDay: 100, SKUs: 50, DarkStores: 2})
	if err != nil {
		t.Fatal(err)
	}
	off := w.Scenario().City.UTCOffsetSeconds
	if got := demoIntelConfig(w.Scenario()).UTCOffset; off == 0 || got != int64(off) {
		t.Fatalf("demo intel UTC offset %d s, the city's is %d s", got, off)
	}
}
