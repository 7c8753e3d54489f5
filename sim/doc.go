// Package sim owns Depot's simulated commerce business: a scenario (a tenant with its catalogue,
// warehouses, dark stores and stores around a real city, sales channels with their allocation
// policies, carriers and expected receipts), a workload that turns a simulated day into a
// time-ordered stream of commands, the metrics a business would watch (fill rate, oversells
// prevented, SLA health), a simulated clock, and the drivers that feed the stream to a Depot.
//
// A run is a pure function of one int64 seed: every random choice comes from math/rand/v2 PCG
// streams derived from it, every iteration that reaches the output walks ordered slices, and the
// workload reacts only to the results it is given. Given a driver that applies the stream in
// order (the sequencer driver does, because the runner waits for each batch) and a clock that
// follows simulated time, the same seed yields the same commands, the same results and the same
// state hash, whatever the pacing. sim is a shell package (it may use time for pacing and
// goroutines in its drivers) but it must never let wall-clock time, map order or scheduling
// reach a command, and it must never decide anything the engine decides: it only asks, as a
// channel, a warehouse or an operator would, and counts the answers.
//
// # Time
//
// Simulated time is unix nanoseconds starting at Config.Start (by default a Monday midnight in
// Berlin). The workload quantises it into instants (Config.Quantum, one second by default): all
// commands of an instant are submitted as one batch and stamped with that instant by the clock
// the sequencer reads (Clock), so reservation TTLs, expiries and SLA promises follow simulated
// time. Batch boundaries therefore depend only on simulated time, never on how fast the runner
// is paced.
//
// # Shape
//
//	sc := sim.NewScenario(cfg)             // the business, as data
//	w := sim.NewWorkload(sc, cfg)          // setup commands, then a day of operations
//	r := &sim.Runner{Driver: d, Workload: w, Clock: clk, Speed: 60}
//	err := r.Run(ctx)                      // feeds batches, observes results, updates w.Metrics()
//
// Labelled incidents (incidents.go: demand spikes, channel outages, inventory drift, stockouts
// ahead of receipt; ads.go: ad-driven spikes and ad spend on out-of-stock SKUs, with background
// ad campaigns reporting every ten minutes) act through the workload's seams (arrivals, order
// lines, countDrift, holds, ad reports) from their own random streams, with ground truth; features.go
// exercises what orchestrated orders gained (backorder policies, checkout reservations, operator
// exceptions, a carrier priced by zone with its own tracking codes, collections through the
// day) from a stream of its own; evaluate.go runs days with them through the engine and scores
// the intel projection's alerts against it (`depot intel eval`). Carrier lane delays (lanes.go)
// need tracked parcels, which only orchestrated orders have: the evaluation scores them in a
// second run per seed of the same business with orchestrated orders, where the courier's
// collections every five minutes give each parcel a promise of its own that intelligence
// watches (lanes.go says how that makes them detectable within minutes). Deterministic
// simulation testing wraps the in-process driver around a sequencer on a simulated disk and
// reuses the same workload and clock.
package sim
