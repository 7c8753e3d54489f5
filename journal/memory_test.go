package journal_test

import (
	"sync"
	"testing"

	"github.com/depothq/depot/journal"
	"github.com/depothq/depot/journal/journaltest"
)

func TestMemoryConformance(t *testing.T) {
	var mu sync.Mutex
	stores := map[string]*journal.Memory{} // one store per dir, so that reopening finds the data
	journaltest.Run(t, func(t *testing.T, dir string) journal.Journal {
		mu.Lock()
		defer mu.Unlock()
		m, ok := stores[dir]
		if ok {
			m = m.Reopen()
		} else {
			m = journal.NewMemory()
		}
		stores[dir] = m
		return m
	})
}
