package journal

// Entry is one sequenced record. Data is opaque to the journal: it is whatever the sequencer encoded.
type Entry struct {
	// Seq is the entry's position in the log; the first entry has Seq 1 and there are no gaps.
	Seq uint64
	// Data is the encoded payload. In entries passed to Replay's callback it may alias an internal
	// buffer and is only valid during the call.
	Data []byte
}

// Journal is the durable, append-only log of sequenced entries plus snapshots of the state machine
// built from them. Implementations are safe for concurrent use, but the design assumes one writer
// (the sequencer); Replay may run concurrently with Append and sees the entries that were durable
// when it started.
type Journal interface {
	// Append durably writes entries and returns only after they are synced. The file backend does
	// one write and one fsync per call, whatever the number of entries: this is the group commit, so
	// pass whole batches. entries must be contiguous and start at LastSeq()+1, or Append returns an
	// error wrapping ErrNotContiguous and writes nothing. An empty batch is a no-op.
	Append(entries []Entry) error

	// LastSeq is the highest durable sequence number, 0 when the journal is empty.
	LastSeq() uint64

	// Replay calls fn for each entry with Seq >= from, in order, up to the LastSeq at the start of the
	// call. e.Data is only valid during the call. An error from fn stops the replay and is returned
	// as is. Damage met on the way is returned as a *CorruptionError, never skipped. Entries removed
	// by retention give ErrCompacted.
	Replay(from uint64, fn func(e Entry) error) error

	// SaveSnapshot durably stores data as the state after applying entry seq. seq must not exceed
	// LastSeq. Saving is atomic: a crash leaves either the old set of snapshots or the new one.
	SaveSnapshot(seq uint64, data []byte) error

	// LatestSnapshot returns the newest snapshot that validates, falling back to older ones (and
	// logging why); ok is false if there is none. The returned data belongs to the caller.
	LatestSnapshot() (seq uint64, data []byte, ok bool, err error)

	// Close releases the journal. Every later call returns ErrClosed, except Close, which returns
	// nil, and LastSeq, which keeps returning the last value.
	Close() error
}
