package sequencer

import (
	"runtime/debug"
	"sync"
)

// recoveryGCPercent paces the collector while recovery rebuilds the state. Nearly everything a
// restore and its replay allocate stays live, so each collection on the way (one per growth of
// the heap by GOGC percent) frees little and marks the whole growing state again, on the core
// the replay's reader needs. At 1000 the 10M-command start-up skips most of them; its peak
// memory is the state itself either way (1.58 GB at GOGC 400 and at 1000, measured with
// /usr/bin/time on bench.Startup), and a memory limit (GOMEMLIMIT) still bounds the heap.
const recoveryGCPercent = 1000

// recoveryGC counts the recoveries running in this process, so that overlapping ones (tests,
// several journals) restore the pacing only when the last one ends.
var recoveryGC struct {
	sync.Mutex
	running int
	prev    int
}

// pacedForRecovery runs fn with the collector paced at recoveryGCPercent, unless the process
// already collects less often (or not at all), and restores the pacing after.
func pacedForRecovery(fn func() error) error {
	recoveryGC.Lock()
	if recoveryGC.running == 0 {
		recoveryGC.prev = debug.SetGCPercent(recoveryGCPercent)
		if recoveryGC.prev < 0 || recoveryGC.prev > recoveryGCPercent {
			debug.SetGCPercent(recoveryGC.prev) // already lazier: leave it
		}
	}
	recoveryGC.running++
	recoveryGC.Unlock()
	defer func() {
		recoveryGC.Lock()
		recoveryGC.running--
		if recoveryGC.running == 0 {
			debug.SetGCPercent(recoveryGC.prev)
		}
		recoveryGC.Unlock()
	}()
	return fn()
}
