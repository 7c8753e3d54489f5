package journal

import "fmt"

// checkBatch validates a batch for Append before anything is written, so that a rejected batch
// changes nothing. It returns the encoded size of the batch.
func checkBatch(entries []Entry, last uint64, entryMaxBytes int) (int, error) {
	total := 0
	for i := range entries {
		want := last + 1 + uint64(i)
		if entries[i].Seq != want {
			return 0, fmt.Errorf("%w: entry %d has seq %d, want %d", ErrNotContiguous, i, entries[i].Seq, want)
		}
		if len(entries[i].Data) > entryMaxBytes {
			return 0, fmt.Errorf("%w: entry seq %d has %d bytes, limit %d",
				ErrEntryTooLarge, entries[i].Seq, len(entries[i].Data), entryMaxBytes)
		}
		total += frameHeaderBytes + len(entries[i].Data)
		if total > AppendMaxBytes {
			return 0, fmt.Errorf("%w: more than %d bytes at entry %d", ErrBatchTooLarge, AppendMaxBytes, i)
		}
	}
	return total, nil
}
