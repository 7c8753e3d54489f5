// Package journal owns Depot's durable log: a contiguous sequence of opaque, already-encoded
// command payloads, plus snapshots of the state machine built by applying them.
//
// The journal must never interpret a payload, never reorder, skip or invent an entry, never
// acknowledge an Append before it is synced, and never continue past damage silently: a torn tail
// is truncated and logged, anything else is a *CorruptionError. It knows nothing about commands,
// events or the engine, so that a replicated backend (NATS JetStream) can implement the same
// interface later.
//
// # API
//
//	type Entry struct { Seq uint64; Data []byte }
//
//	type Journal interface {
//		Append(entries []Entry) error
//		LastSeq() uint64
//		Replay(from uint64, fn func(e Entry) error) error
//		SaveSnapshot(seq uint64, data []byte) error
//		LatestSnapshot() (seq uint64, data []byte, ok bool, err error)
//		Close() error
//	}
//
//	func OpenFile(dir string, opts FileOptions) (*File, error)   // segmented files, fsync per Append
//	func NewMemory() *Memory                                     // in memory, for tests and the simulator
//	func (m *Memory) Reopen() *Memory                            // same stored state, as after a restart
//
//	type FS interface {       // the disk seam; OSFS{} is the default, a simulator plugs in its own
//		MkdirAll(dir string) error
//		ReadDir(dir string) ([]string, error)
//		Create(path string) (FSFile, error)    // exclusive
//		Open(path string) (FSFile, error)      // read-only
//		OpenWrite(path string) (FSFile, error)
//		Rename(oldpath, newpath string) error
//		Remove(path string) error
//		SyncDir(dir string) error
//	}
//	type FSFile interface { ReadAt; WriteAt; Sync() error; Truncate(int64) error; Size() (int64, error); Close() error }
//
//	type FileOptions struct {
//		SegmentMaxBytes int64   // roll size, default SegmentMaxBytesDefault (64 MiB)
//		EntryMaxBytes   int     // payload limit, default EntryMaxBytesDefault (1 MiB)
//		KeepSnapshots   int     // default KeepSnapshotsDefault (2)
//		Retain          Retain  // RetainAll (default) or RetainSinceSnapshot
//		Logger          *slog.Logger
//		FS              FS      // default OSFS{}; the seam for a simulated, faulty disk
//		PreallocateBytes int64  // zeros kept synced ahead of the last entry (default 8 MiB on OSFS)
//	}
//
// Errors callers branch on: ErrClosed, ErrFailed, ErrNotContiguous, ErrEntryTooLarge,
// ErrBatchTooLarge, ErrSnapshotAhead, ErrSnapshotTooLarge, ErrCompacted and *CorruptionError.
//
// Recovery is: LatestSnapshot, restore the state machine from it, then Replay(seq+1, apply).
// Both backends are safe for concurrent use; a Replay running alongside Append sees the entries
// that were durable when it started. The package journaltest holds the conformance suite every
// backend must pass.
//
// # Preallocated segments (file backend)
//
// A goroutine keeps the active segment written with zeros, and synced, ahead of the last entry,
// so that a group commit's fdatasync flushes data without committing a new file size: on this
// project's VM it halves the sync (prealloc.go has the figures). The zeros after the last frame
// of the last segment are its clean end; a segment is cut back to its frames before the next one
// is created.
//
// # Torn tail versus corruption (file backend)
//
// OpenFile reads only the last segment. A bad frame there (incomplete, bad CRC, zeroed, absurd
// length) with no valid later frame after it is a torn tail from a crash during Append: it is
// truncated and logged with segment and offset. Everything else (a bad frame followed by a valid
// one, a wrong seq, a gap between segments, an older segment ending inside a frame) is a
// *CorruptionError, from OpenFile for the last segment or from Replay for the others. The precise
// rule is in the comment on recover, in file.go. After a failed write or fsync the journal refuses
// further Appends (ErrFailed) until it is reopened, because the state on disk is then unknown.
//
// # On-disk format (file backend)
//
// A directory holds segments named by the seq of their first entry, zero-padded to 20 digits
// (00000000000000000001.seg), and snapshots named snap-<seq, 20 digits>.snap. A segment is a
// sequence of frames, little-endian:
//
//	crc    u32   CRC32C (Castagnoli) of everything after it: length, seq and data
//	length u32   len(data)
//	seq    u64
//	data   [length]byte
//
// The CRC comes first so that it covers one contiguous run of bytes. A snapshot file is a 32-byte
// header (magic "DEPOTSNP", crc u32 over the rest of the file, version u32, seq u64, length u64)
// followed by the data.
package journal
