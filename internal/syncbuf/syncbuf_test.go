package syncbuf

import (
	"strings"
	"sync"
	"testing"
)

// TestConcurrentWritesKeepEveryByte writes from many goroutines at once (run with -race): every
// write lands whole.
func TestConcurrentWritesKeepEveryByte(t *testing.T) {
	var b Buffer
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				b.Write([]byte("ab\n"))
			}
		}()
	}
	wg.Wait()
	if got := b.String(); strings.Count(got, "ab\n") != 800 || len(got) != 2400 {
		t.Fatalf("%d bytes, %d whole writes; want 2400 and 800", len(got), strings.Count(got, "ab\n"))
	}
}
