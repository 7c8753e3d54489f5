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
	// The order features: partial shipment asked for, checkout reservations consumed on the
	// quick channel, operator exceptions raised and resolved, DPD (priced by zone) chosen and
	// its scans forwarded with its own codes, and no command the engine refused for them.
	t.Logf("partial %d checkout %d (consumed %d) exceptions %d/%d scans %d planned by carrier %v",
		b.rec.partialOrders, b.rec.checkoutOrders, s.CheckoutOrders, s.ExceptionsRaised, s.ExceptionsResolved, s.TrackingEvents, b.rec.plannedBy)
	if b.rec.partialOrders == 0 || b.rec.checkoutOrders == 0 || s.CheckoutOrders == 0 {
		t.Errorf("no partial or checkout orders: %d partial, %d naming a reservation, %d consumed one", b.rec.partialOrders, b.rec.checkoutOrders, s.CheckoutOrders)
	}
	if s.ExceptionsRaised == 0 || s.ExceptionsResolved == 0 {
		t.Errorf("exceptions raised %d, resolved %d", s.ExceptionsRaised, s.ExceptionsResolved)
	}
	if b.rec.plannedBy["dpd"] == 0 || s.TrackingEvents == 0 {
		t.Errorf("DPD planned %d shipments and reported %d scans", b.rec.plannedBy["dpd"], s.TrackingEvents)
	}
	if len(s.OtherRejections) > 0 {
		t.Errorf("the engine refused operator commands: %v", s.OtherRejections)
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
