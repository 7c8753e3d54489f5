package dst

import (
	"flag"
	"testing"
)

var (
	seedFlag  = flag.Uint64("seed", 0, "run only this simulation seed (reproduces a failure exactly)")
	seedsFlag = flag.Int("seeds", 24, "number of seeds to run, starting at 1")
	stepsFlag = flag.Int("steps", 400, "steps per seed")
)

// TestSimulation runs the deterministic simulation over a fixed set of seeds. A failure prints
// its seed; `go test ./sim/dst -run TestSimulation -seed N` reproduces it step for step, and
// `-seeds 10000` is the local soak.
func TestSimulation(t *testing.T) {
	seeds := []uint64{}
	if *seedFlag != 0 {
		seeds = append(seeds, *seedFlag)
	} else {
		for s := 1; s <= *seedsFlag; s++ {
			seeds = append(seeds, uint64(s))
		}
	}
	var total Report
	for _, seed := range seeds {
		faults := DefaultFaults
		if seed%5 == 0 {
			// Every fifth seed runs out of disk part way: appends must fail stop, never half-apply.
			faults.CapacityBytes = 40 << 10
		}
		rep, err := Run(Config{Seed: seed, Steps: *stepsFlag, Faults: faults, CrashPPM: 20_000, CorruptPPM: 30_000})
		if err != nil {
			t.Fatalf("seed %d: %v\nreport: %+v", seed, err, rep)
		}
		if rep.DataLost != 0 {
			t.Fatalf("seed %d lost %d acknowledged commands", seed, rep.DataLost)
		}
		if (rep.Acknowledged == 0 || rep.OrdersPlaced == 0) && !rep.HaltedOnCorruption {
			t.Fatalf("seed %d acknowledged nothing: the simulation exercised nothing", seed)
		}
		total.Acknowledged += rep.Acknowledged
		total.Crashes += rep.Crashes
		total.FailStops += rep.FailStops
		total.Restarts += rep.Restarts
		total.Corruptions += rep.Corruptions
		total.CorruptionsDetected += rep.CorruptionsDetected
		total.RecoveredUnacked += rep.RecoveredUnacked
		total.OrdersPlaced += rep.OrdersPlaced
		total.Disk.TornWrites += rep.Disk.TornWrites
		total.Disk.SyncErrors += rep.Disk.SyncErrors
		total.Disk.WriteErrors += rep.Disk.WriteErrors
		total.Disk.FullErrors += rep.Disk.FullErrors
	}
	t.Logf("%d seeds: %d acknowledged, %d crashes, %d fail-stops, %d restarts, %d torn writes, %d fsync errors, %d write errors, %d disk-full errors, %d corruptions (%d halted), %d unacknowledged recovered, %d orders placed, 0 lost",
		len(seeds), total.Acknowledged, total.Crashes, total.FailStops, total.Restarts, total.Disk.TornWrites,
		total.Disk.SyncErrors, total.Disk.WriteErrors, total.Disk.FullErrors, total.Corruptions, total.CorruptionsDetected, total.RecoveredUnacked, total.OrdersPlaced)
}

// TestSameSeedSameRun checks the simulation's own determinism: one seed, one run.
func TestSameSeedSameRun(t *testing.T) {
	cfg := Config{Seed: 42, Steps: 200, Faults: DefaultFaults, CrashPPM: 30_000, CorruptPPM: 0}
	a, errA := Run(cfg)
	b, errB := Run(cfg)
	if errA != nil || errB != nil {
		t.Fatalf("runs failed: %v / %v", errA, errB)
	}
	if a != b {
		t.Fatalf("same seed, different runs:\n%+v\n%+v", a, b)
	}
}
