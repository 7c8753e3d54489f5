package engine_test

import (
	"fmt"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
)

// Benchmarks of order orchestration inside the engine (the targets: the whole flow for
// 3-line orders across 20 locations and 5 carrier services >= 300,000 orders/s on one core; a
// quick-commerce assignment among 50 dark stores <= 20 us at p99). Commands are built in chunks
// with the timer stopped, as in bench_test.go.

// lcg is a tiny deterministic generator for fixtures.
type lcg uint64

func (g *lcg) next(n int64) int64 {
	*g = *g*6364136223846793005 + 1442695040888963407
	return int64(uint64(*g)>>33) % n
}

const (
	benchLat   = int64(52_520_000)
	benchLon   = int64(13_405_000)
	benchKmLat = int64(8_993)
	benchKmLon = int64(14_780)
)

// orderFlowEngine builds 20 warehouses spread over about 600 x 600 km around Berlin, 1,000 SKUs
// each stocked at a warehouse with probability 0.7 (plenty of units, so nothing runs out during
// the run), a channel fed by all of them, and five carrier services. Nobody picks during the
// run, so the warehouses pick a million orders an hour: otherwise the growing queues would make
// every order at risk, which is not the flow being measured.
func orderFlowEngine(b testing.TB) *engine.Engine {
	e := engine.New()
	apply := func(c depot.Command) {
		if res := e.Apply(&depot.Envelope{Seq: e.LastSeq() + 1, Time: t0, Cmd: c}); !res.OK() {
			b.Fatalf("setup: %s rejected: %v", c.Kind(), res.Rejection)
		}
	}
	g := lcg(1)
	const skus, locs = 1000, 20
	for i := range skus {
		apply(&depot.DefineSKU{Tenant: tenant, SKU: skuID(i), WeightGrams: 100 + g.next(900)})
	}
	all := make([]string, locs)
	for j := range locs {
		all[j] = "wh-" + strconv.Itoa(j)
		apply(&depot.DefineLocation{Tenant: tenant, Location: all[j], Type: depot.LocationWarehouse, Status: depot.LocationOpen,
			LatE6: benchLat + (g.next(600)-300)*benchKmLat, LonE6: benchLon + (g.next(600)-300)*benchKmLon,
			UTCOffsetMinutes: 60, CutoffMinute: 17 * 60, CapacityPerHour: 1_000_000})
	}
	apply(&depot.DefineChannel{Tenant: tenant, Channel: "web", Locations: all})
	n := 0
	for i := range skus {
		for j := range locs {
			if g.next(10) < 7 {
				n++
				apply(&depot.Receive{Tenant: tenant, ID: "rcv-" + strconv.Itoa(n), SKU: skuID(i), Location: all[j], Qty: depot.MaxQty})
			}
		}
	}
	for _, c := range benchCarriers() {
		apply(c)
	}
	apply(&depot.DefineRouting{Tenant: tenant, Channel: "web", AllowSplitLines: true, SplitPenaltyMinor: 400, LatePenaltyPerHourMinor: 20})
	return e
}

func benchCarriers() []depot.Command {
	card := func(id string, transitH int64, cutoffH int32, days uint8, p ...int64) depot.CarrierService {
		return depot.CarrierService{Service: id, DistanceUpToM: []int64{100_000, 1_000_000}, WeightUpToG: []int64{2_000, 30_000},
			Prices: p, TransitMinMinutes: transitH * 30, TransitMaxMinutes: transitH * 60, CutoffMinute: cutoffH * 60, Days: days}
	}
	return []depot.Command{
		&depot.DefineCarrier{Tenant: tenant, Carrier: "dhl", Services: []depot.CarrierService{card("paket", 48, 16, 0x7e, 450, 650, 550, 750)}},
		&depot.DefineCarrier{Tenant: tenant, Carrier: "dpd", Services: []depot.CarrierService{card("classic", 72, 15, 0x3e, 420, 620, 600, 800)}},
		&depot.DefineCarrier{Tenant: tenant, Carrier: "ups", Services: []depot.CarrierService{card("express", 24, 17, 0x3e, 1200, 1500, 1400, 1800)}},
		&depot.DefineCarrier{Tenant: tenant, Carrier: "gls", Services: []depot.CarrierService{card("business", 36, 14, 0x3e, 480, 680, 580, 780)}},
		&depot.DefineCarrier{Tenant: tenant, Carrier: "hermes", Services: []depot.CarrierService{card("std", 96, 13, 0x3e, 390, 590, 690, 890)}},
	}
}

// cpuTime is the process's user and system CPU time. The benchmarks report CPU time per order
// next to wall time: on a shared machine other processes stretch wall time, not CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// prepare does the callers' share of sequencing for envs, as Submit does on each caller's
// goroutine: it validates, encodes (into buf, reused) and fingerprints every command, so the
// engine gets them as the sequencer's writer does. It returns buf for reuse.
func prepare(b *testing.B, envs []depot.Envelope, buf []byte) []byte {
	buf = buf[:0]
	for k := range envs {
		if err := envs[k].Cmd.Validate(); err != nil {
			b.Fatal(err)
		}
		from := len(buf)
		buf = depot.AppendCommand(buf, envs[k].Cmd)
		envs[k].Validated, envs[k].Encoded = true, buf[from:len(buf):len(buf)]
		envs[k].Fingerprint = depot.Fingerprint(envs[k].Encoded)
	}
	return buf
}

// BenchmarkOrderFlow3Lines20Locations5Carriers measures create_order end to end in the engine:
// idempotency check, validation, sourcing across 20 warehouses (exact search), allocation in
// the ledger, a carrier choice among 5 services per shipment, SLA timers, events. Commands reach
// the engine as they reach the sequencer's writer: validated and encoded by their callers (whose
// cost is reported apart as caller-ns/order), and warmed a run at a time.
func BenchmarkOrderFlow3Lines20Locations5Carriers(b *testing.B) {
	e := orderFlowEngine(b)
	g := lcg(2)
	envs := make([]depot.Envelope, 0, benchChunk)
	cmds := make([]depot.CreateOrder, benchChunk)
	lines := make([]depot.OrderLine, 3*benchChunk)
	var encoded []byte
	seq, now := e.LastSeq(), e.Now()
	shipments, backordered := 0, 0
	var cpu, callers time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; {
		b.StopTimer()
		envs = envs[:0]
		for k := 0; k < benchChunk && i+k < b.N; k++ {
			n := i + k
			seq++
			now += 1e6 // 1,000 orders per logical second
			ls := lines[3*k : 3*k+3 : 3*k+3]
			for j := range ls {
				ls[j] = depot.OrderLine{SKU: skuID(int(g.next(1000))), Qty: 1 + g.next(2), UnitPriceMinor: 999}
			}
			cmds[k] = depot.CreateOrder{Tenant: tenant, Channel: "web", ExternalID: "ext-" + strconv.Itoa(n), Lines: ls,
				ShipToLatE6: benchLat + (g.next(600)-300)*benchKmLat, ShipToLonE6: benchLon + (g.next(600)-300)*benchKmLon,
				Level: depot.LevelStandard, Priority: g.next(3)}
			envs = append(envs, depot.Envelope{Seq: seq, Time: now, Cmd: &cmds[k]})
		}
		began := time.Now()
		encoded = prepare(b, envs, encoded)
		callers += time.Since(began)
		b.StartTimer()
		start := cpuTime()
		for k := range envs {
			// As the sequencer's writer does: warm each run of WarmRun commands first.
			if k%engine.WarmRun == 0 {
				e.WarmEnvelopes(envs[k:min(k+engine.WarmRun, len(envs))])
			}
			res := e.Apply(&envs[k])
			if !res.OK() {
				b.Fatalf("order %d rejected: %v", i+k, res.Rejection)
			}
			for j := range res.Events {
				switch res.Events[j].Kind {
				case depot.EventShipmentPlanned:
					shipments++
				case depot.EventBackordered:
					backordered++
				}
			}
		}
		cpu += cpuTime() - start
		i += len(envs)
	}
	reportRate(b, "orders/s")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/order")
	b.ReportMetric(float64(callers.Nanoseconds())/float64(b.N), "caller-ns/order")
	b.ReportMetric(float64(shipments)/float64(b.N), "shipments/order")
	b.ReportMetric(float64(backordered)/float64(b.N), "backordered/order")
}

// BenchmarkQuickAssign50DarkStores measures quick-commerce orders (1 to 5 lines, 15 minute
// promise) over 50 dark stores on a 10 x 5 grid 1.5 km apart with 3 km radii and rider fleets:
// sourcing to the nearest store(s), allocation and a rider slot. It reports the p50 and p99 of
// per-order apply times. As in the flow benchmark, commands reach the engine validated, encoded
// and fingerprinted by their callers (untimed here: the figure is the writer's decision), and
// nobody picks during the run, so the stores' pick rate is set high enough that their queues do
// not make every order late.
func BenchmarkQuickAssign50DarkStores(b *testing.B) {
	e := engine.New()
	apply := func(c depot.Command) {
		if res := e.Apply(&depot.Envelope{Seq: e.LastSeq() + 1, Time: t0, Cmd: c}); !res.OK() {
			b.Fatalf("setup: %s rejected: %v", c.Kind(), res.Rejection)
		}
	}
	g := lcg(3)
	const skus, stores = 200, 50
	for i := range skus {
		apply(&depot.DefineSKU{Tenant: tenant, SKU: skuID(i), WeightGrams: 300})
	}
	ids := make([]string, stores)
	for j := range stores {
		ids[j] = fmt.Sprintf("ds-%02d", j)
		apply(&depot.DefineLocation{Tenant: tenant, Location: ids[j], Type: depot.LocationDarkStore, Status: depot.LocationOpen,
			LatE6: benchLat + int64(j/10)*3*benchKmLat/2, LonE6: benchLon + int64(j%10)*3*benchKmLon/2,
			ServiceRadiusM: 3_000, RidersPerSlot: depot.MaxRidersPerSlot, CapacityPerHour: 1_000_000})
	}
	apply(&depot.DefineChannel{Tenant: tenant, Channel: "app", Locations: ids})
	n := 0
	for i := range skus {
		for j := range stores {
			if g.next(100) < 85 {
				n++
				apply(&depot.Receive{Tenant: tenant, ID: "rcv-" + strconv.Itoa(n), SKU: skuID(i), Location: ids[j], Qty: depot.MaxQty})
			}
		}
	}
	envs := make([]depot.Envelope, 0, benchChunk)
	cmds := make([]depot.CreateOrder, benchChunk)
	lines := make([]depot.OrderLine, 5*benchChunk)
	lat := make([]time.Duration, 0, b.N)
	var encoded []byte
	seq, now := e.LastSeq(), e.Now()
	shipments, backordered := 0, 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; {
		b.StopTimer()
		envs = envs[:0]
		for k := 0; k < benchChunk && i+k < b.N; k++ {
			seq++
			now += 1e7 // 100 orders per logical second
			nl := 1 + int(g.next(5))
			ls := lines[5*k : 5*k+nl : 5*k+nl]
			for j := range ls {
				// Distinct SKUs: one pick per SKU, as an app's basket.
				ls[j] = depot.OrderLine{SKU: skuID((int(g.next(40)) + 40*j) % skus), Qty: 1 + g.next(2)}
			}
			cmds[k] = depot.CreateOrder{Tenant: tenant, Channel: "app", ExternalID: "q-" + strconv.Itoa(i+k), Lines: ls,
				ShipToLatE6: benchLat + g.next(6*benchKmLat), ShipToLonE6: benchLon + g.next(14*benchKmLon),
				Level: depot.LevelQuick, PromiseMinutes: 15}
			envs = append(envs, depot.Envelope{Seq: seq, Time: now, Cmd: &cmds[k]})
		}
		encoded = prepare(b, envs, encoded)
		b.StartTimer()
		for k := range envs {
			start := time.Now()
			res := e.Apply(&envs[k])
			lat = append(lat, time.Since(start))
			if !res.OK() {
				b.Fatalf("order rejected: %v", res.Rejection)
			}
			for j := range res.Events {
				switch res.Events[j].Kind {
				case depot.EventShipmentPlanned:
					shipments++
				case depot.EventBackordered:
					backordered++
				}
			}
		}
		i += len(envs)
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
	reportRate(b, "orders/s")
	b.ReportMetric(float64(shipments)/float64(b.N), "shipments/order")
	b.ReportMetric(float64(backordered)/float64(b.N), "backordered/order")
}
