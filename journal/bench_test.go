package journal_test

import (
	"fmt"
	"testing"

	"github.com/depothq/depot/journal"
)

// noSyncFS skips fsync, to build large benchmark fixtures quickly. Never for measured appends.
type noSyncFS struct{ journal.OSFS }

type noSyncFile struct{ journal.FSFile }

func (noSyncFile) Sync() error { return nil }

func (f noSyncFS) Create(path string) (journal.FSFile, error) {
	file, err := f.OSFS.Create(path)
	return noSyncFile{file}, err
}

func (noSyncFS) SyncDir(string) error { return nil }

func benchBatch(n, size int) []journal.Entry {
	entries := make([]journal.Entry, n)
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i)
	}
	for i := range entries {
		entries[i].Data = data
	}
	return entries
}

func stamp(entries []journal.Entry, first uint64) {
	for i := range entries {
		entries[i].Seq = first + uint64(i)
	}
}

// BenchmarkFileAppend measures group commit: one write and one fsync per batch of 64-byte entries.
func BenchmarkFileAppend(b *testing.B) {
	for _, n := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("batch=%d", n), func(b *testing.B) {
			j := MustOpenFile(b, b.TempDir(), journal.FileOptions{})
			entries := benchBatch(n, 64)
			b.SetBytes(int64(n * 64))
			batches := 0
			for b.Loop() {
				stamp(entries, j.LastSeq()+1)
				if err := j.Append(entries); err != nil {
					b.Fatal(err)
				}
				batches++
			}
			b.ReportMetric(float64(batches*n)/b.Elapsed().Seconds(), "entries/s")
		})
	}
}

// BenchmarkFileReplay measures recovery speed over 1,000,000 entries of 60 bytes (76 MB of frames).
func BenchmarkFileReplay(b *testing.B) {
	const total, size, batch = 1_000_000, 60, 10_000
	dir := b.TempDir()
	w := MustOpenFile(b, dir, journal.FileOptions{FS: noSyncFS{}})
	entries := benchBatch(batch, size)
	for w.LastSeq() < total {
		stamp(entries, w.LastSeq()+1)
		if err := w.Append(entries); err != nil {
			b.Fatal(err)
		}
	}
	w.Close()
	j := MustOpenFile(b, dir, journal.FileOptions{})
	b.SetBytes(total * size)
	replays := 0
	for b.Loop() {
		var n, sum uint64
		err := j.Replay(1, func(e journal.Entry) error {
			n++
			sum += uint64(len(e.Data))
			return nil
		})
		if err != nil || n != total || sum != total*size {
			b.Fatalf("replayed %d entries (%d bytes): %v", n, sum, err)
		}
		replays++
	}
	b.ReportMetric(float64(replays*total)/b.Elapsed().Seconds(), "entries/s")
}

// BenchmarkMemoryAppend measures the in-memory backend, the simulator's journal.
func BenchmarkMemoryAppend(b *testing.B) {
	for _, n := range []int{1, 100} {
		b.Run(fmt.Sprintf("batch=%d", n), func(b *testing.B) {
			j := journal.NewMemory()
			entries := benchBatch(n, 64)
			batches := 0
			for b.Loop() {
				stamp(entries, j.LastSeq()+1)
				if err := j.Append(entries); err != nil {
					b.Fatal(err)
				}
				batches++
			}
			b.ReportMetric(float64(batches*n)/b.Elapsed().Seconds(), "entries/s")
		})
	}
}
