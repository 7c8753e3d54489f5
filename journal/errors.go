package journal

import (
	"errors"
	"fmt"
)

// Errors callers branch on. They are wrapped with context, so test them with errors.Is.
var (
	// ErrClosed is returned by every operation on a journal after Close.
	ErrClosed = errors.New("journal: closed")

	// ErrFailed is returned by Append (and SaveSnapshot) after a write or sync of the log failed.
	// The on-disk state is then unknown (a failed fsync may have dropped dirty pages, see PostgreSQL's
	// "fsyncgate"), so retrying is unsafe: the process must close the journal, reopen it and recover
	// from what is really on disk. The error also wraps the first underlying failure.
	ErrFailed = errors.New("journal: failed, reopen to recover")

	// ErrNotContiguous is returned by Append when the entries do not start at LastSeq()+1 or are not
	// consecutive. Nothing is written.
	ErrNotContiguous = errors.New("journal: entries not contiguous")

	// ErrEntryTooLarge is returned by Append when an entry's data exceeds the entry size limit.
	// Nothing is written.
	ErrEntryTooLarge = errors.New("journal: entry too large")

	// ErrBatchTooLarge is returned by Append when the encoded batch exceeds AppendMaxBytes. Nothing is
	// written; the caller should split the batch.
	ErrBatchTooLarge = errors.New("journal: batch too large")

	// ErrSnapshotAhead is returned by SaveSnapshot for a seq beyond LastSeq: a snapshot must describe
	// state that the log can reproduce.
	ErrSnapshotAhead = errors.New("journal: snapshot seq beyond last durable seq")

	// ErrSnapshotTooLarge is returned by SaveSnapshot when data exceeds SnapshotMaxBytes.
	ErrSnapshotTooLarge = errors.New("journal: snapshot too large")

	// ErrCompacted is returned by Replay when entries at or after from were removed by retention.
	// Recover from a snapshot instead.
	ErrCompacted = errors.New("journal: entries compacted away")
)

// CorruptionError reports damage to the log that recovery must not paper over: a bad frame that is
// not a torn tail, a sequence gap, or a segment that ends inside a frame. Find it with errors.As.
type CorruptionError struct {
	// Segment is the path of the damaged segment file.
	Segment string
	// Offset is the byte offset in Segment of the first frame that does not validate.
	Offset int64
	// Reason says what is wrong, for an operator.
	Reason string
}

// Error implements error.
func (e *CorruptionError) Error() string {
	return fmt.Sprintf("journal: corrupt segment %s at offset %d: %s", e.Segment, e.Offset, e.Reason)
}
