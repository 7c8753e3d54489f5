package sequencer

import (
	"runtime/debug"
	"sync"
	"testing"
)

// Recovery paces the collector and puts the pacing back, also when recoveries overlap, and
// leaves a lazier setting alone.
func TestPacedForRecoveryRestoresPacing(t *testing.T) {
	prev := debug.SetGCPercent(150)
	defer debug.SetGCPercent(prev)
	var wg sync.WaitGroup
	inside := make(chan int, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pacedForRecovery(func() error {
				p := debug.SetGCPercent(recoveryGCPercent)
				inside <- p
				return nil
			})
		}()
	}
	wg.Wait()
	close(inside)
	for p := range inside {
		if p != recoveryGCPercent {
			t.Fatalf("during recovery the GC percent was %d, want %d", p, recoveryGCPercent)
		}
	}
	if got := debug.SetGCPercent(150); got != 150 {
		t.Fatalf("after recovery the GC percent is %d, want 150 back", got)
	}

	debug.SetGCPercent(-1)
	pacedForRecovery(func() error {
		if got := debug.SetGCPercent(-1); got != -1 {
			t.Fatalf("recovery turned a disabled collector on (%d)", got)
		}
		return nil
	})
	if got := debug.SetGCPercent(150); got != -1 {
		t.Fatalf("after recovery the GC percent is %d, want -1 back", got)
	}
}
