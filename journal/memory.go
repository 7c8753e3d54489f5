package journal

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
)

// Memory is the in-memory backend, for tests and the deterministic simulator. Every Append is
// durable at once: it models a perfect disk. It applies the same checks and limits as the file
// backend and is safe for concurrent use.
type Memory struct {
	store *memoryStore

	mu     sync.Mutex
	closed bool
}

// memoryStore is what survives a "restart": the state Reopen hands to a new Memory.
type memoryStore struct {
	mu        sync.Mutex
	entries   [][]byte // entries[i] is the data of seq i+1; never modified once appended
	snapshots []memorySnapshot
}

type memorySnapshot struct {
	seq  uint64
	data []byte
}

var _ Journal = (*Memory)(nil)

// NewMemory returns an empty in-memory journal.
func NewMemory() *Memory { return &Memory{store: &memoryStore{}} }

// Reopen returns a new, open journal over the same stored entries and snapshots, as a restarted
// process would find them. The receiver is left as it is, usually closed.
func (m *Memory) Reopen() *Memory { return &Memory{store: m.store} }

func (m *Memory) isClosed() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.closed
}

// Append implements Journal. The data is copied: the caller may reuse its buffers.
func (m *Memory) Append(entries []Entry) error {
	if m.isClosed() {
		return ErrClosed
	}
	if len(entries) == 0 {
		return nil
	}
	s := m.store
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := checkBatch(entries, uint64(len(s.entries)), EntryMaxBytesDefault); err != nil {
		return err
	}
	for i := range entries {
		s.entries = append(s.entries, slices.Clone(entries[i].Data))
	}
	return nil
}

// LastSeq implements Journal.
func (m *Memory) LastSeq() uint64 {
	m.store.mu.Lock()
	defer m.store.mu.Unlock()
	return uint64(len(m.store.entries))
}

// Replay implements Journal. Data is handed out in a reused scratch buffer, as the file backend
// does, so that a caller keeping e.Data past the call breaks here too, not only in production.
func (m *Memory) Replay(from uint64, fn func(e Entry) error) error {
	if m.isClosed() {
		return ErrClosed
	}
	m.store.mu.Lock()
	entries := m.store.entries // elements are immutable and only appended: safe to read unlocked
	m.store.mu.Unlock()
	var scratch []byte
	for seq := max(from, 1); seq <= uint64(len(entries)); seq++ {
		scratch = append(scratch[:0], entries[seq-1]...)
		if err := fn(Entry{Seq: seq, Data: scratch}); err != nil {
			return err
		}
	}
	return nil
}

// SaveSnapshot implements Journal. Like the file backend, it keeps the newest
// KeepSnapshotsDefault snapshots.
func (m *Memory) SaveSnapshot(seq uint64, data []byte) error {
	if m.isClosed() {
		return ErrClosed
	}
	s := m.store
	s.mu.Lock()
	defer s.mu.Unlock()
	if last := uint64(len(s.entries)); seq > last {
		return fmt.Errorf("%w: snapshot seq %d, last seq %d", ErrSnapshotAhead, seq, last)
	}
	if len(data) > SnapshotMaxBytes {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrSnapshotTooLarge, len(data), SnapshotMaxBytes)
	}
	s.snapshots = slices.DeleteFunc(s.snapshots, func(sn memorySnapshot) bool { return sn.seq == seq })
	s.snapshots = append(s.snapshots, memorySnapshot{seq: seq, data: slices.Clone(data)})
	slices.SortFunc(s.snapshots, func(a, b memorySnapshot) int { return cmp.Compare(a.seq, b.seq) })
	if n := len(s.snapshots) - KeepSnapshotsDefault; n > 0 {
		s.snapshots = slices.Delete(s.snapshots, 0, n)
	}
	return nil
}

// LatestSnapshot implements Journal.
func (m *Memory) LatestSnapshot() (uint64, []byte, bool, error) {
	if m.isClosed() {
		return 0, nil, false, ErrClosed
	}
	s := m.store
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.snapshots) == 0 {
		return 0, nil, false, nil
	}
	latest := s.snapshots[len(s.snapshots)-1]
	return latest.seq, slices.Clone(latest.data), true, nil
}

// Close implements Journal.
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}
