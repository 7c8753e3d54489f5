package sim_test

import (
	"testing"
	"time"

	"github.com/depothq/depot/sim"
)

func orchestratedConfig(seed int64) sim.Config {
	cfg := smallConfig(seed)
	cfg.Orchestrate = true
	cfg.OrdersPerDay = 8_000
	cfg.Duration = 6 * time.Hour
	cfg.Start = sim.DefaultStart + int64(8*time.Hour) // a working morning: warehouses ship
	return cfg
}

func TestOrchestratedDay(t *testing.T) {
	b := mustRun(t, orchestratedConfig(7))
	b.checkInvariants(t)
	s := b.w.Metrics().Snapshot()
	t.Logf("placed %d allocated %d backordered %d shipments shipped %d orders shipped %d delivered %d cancelled %d at-risk %d breached %d other %v",
		s.OrdersPlaced, s.OrdersAllocated, s.OrdersBackordered, s.ShipmentsShipped, s.Shipped, s.Delivered, s.Cancelled, s.SLAAtRisk, s.SLABreached, s.OtherRejections)
	if s.OrdersPlaced == 0 || s.OrdersAllocated == 0 {
		t.Fatalf("no orders allocated: %+v", s)
	}
	if s.ShipmentsShipped == 0 || s.Shipped == 0 {
		t.Fatalf("no shipments shipped: %+v", s)
	}
	if s.Delivered == 0 {
		t.Errorf("no quick shipment delivered")
	}
}

func TestOrchestratedRunIsAPureFunctionOfTheSeed(t *testing.T) {
	cfg := orchestratedConfig(11)
	cfg.Duration = 2 * time.Hour
	a, b := mustRun(t, cfg), mustRun(t, cfg)
	if ha, hb := a.hash(t), b.hash(t); ha != hb {
		t.Fatalf("same seed, different state: %s vs %s", ha, hb)
	}
	if string(a.rec.stream) != string(b.rec.stream) {
		t.Fatal("same seed, different command streams")
	}
}
