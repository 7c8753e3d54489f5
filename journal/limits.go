package journal

// Every bound the journal enforces lives here, so that a reviewer can check the back-of-the-envelope
// numbers in one place. Sizes are in bytes unless the name says otherwise.
const (
	// SegmentMaxBytesDefault is the size at which the file backend rolls to a new segment. 64 MiB
	// keeps a segment scan on open well under a second and the number of files small.
	SegmentMaxBytesDefault = 64 << 20

	// PreallocateBytesDefault is how far ahead of the last entry the active segment is kept
	// zero-filled (FileOptions.PreallocateBytes): at this VM's busiest (about 30 MB of journal a
	// second) a quarter of a second of appends, refilled a megabyte at a time.
	PreallocateBytesDefault = 8 << 20
	// PreallocateBytesLimit bounds FileOptions.PreallocateBytes.
	PreallocateBytesLimit = 256 << 20

	// SegmentMaxBytesLimit bounds FileOptions.SegmentMaxBytes, so that one segment always fits in a
	// few seconds of sequential I/O during recovery.
	SegmentMaxBytesLimit = 1 << 30

	// EntryMaxBytesDefault is the default limit on the payload of one entry. A command that does not
	// fit in 1 MiB is almost certainly a bug upstream.
	EntryMaxBytesDefault = 1 << 20

	// EntryMaxBytesCeiling is the hard limit on the payload of one entry, whatever the options say.
	// The reader treats any frame that claims more as corrupt, so that a damaged length field can
	// never make it allocate more than this.
	EntryMaxBytesCeiling = 16 << 20

	// AppendMaxBytes bounds the encoded size of one Append call (one write, one fsync). It keeps the
	// reusable encode buffer, and the amount of data at risk in one torn write, bounded.
	AppendMaxBytes = 64 << 20

	// KeepSnapshotsDefault is how many snapshots the file backend keeps: two, so that a damaged newest
	// snapshot can fall back to the one before it.
	KeepSnapshotsDefault = 2

	// KeepSnapshotsMax bounds FileOptions.KeepSnapshots.
	KeepSnapshotsMax = 64

	// SnapshotMaxBytes bounds the payload of one snapshot; LatestSnapshot reads a snapshot into
	// memory whole, and a damaged length field must not make it try to read more. It must hold
	// the engine at its count limits (depot.MaxLiveOrders and the rest), about 5 GiB of typical
	// records: a bound below that made SaveSnapshot refuse every snapshot of a business past
	// about five million live orders (engine's TestASnapshotHoldsTheEngineAtItsCountLimits
	// measures it). Such an engine needs tens of GiB of memory, so the machine runs out first.
	SnapshotMaxBytes = 1 << 33

	// frameHeaderBytes is the fixed part of a frame: crc (u32), length (u32), seq (u64).
	frameHeaderBytes = 16

	// EntryOverheadBytes is what an entry costs beyond its data in AppendMaxBytes (its frame
	// header), for callers that merge batches and must stay under the limit.
	EntryOverheadBytes = frameHeaderBytes

	// snapshotHeaderBytes is the fixed part of a snapshot file: magic (8), crc (u32), version (u32),
	// seq (u64), length (u64).
	snapshotHeaderBytes = 32

	// replayBufferBytes is the size of one read during Replay and recovery scans. 1 MiB amortises the
	// read syscall over ~13,000 frames of 60 bytes; the buffer grows only for a frame larger than it.
	replayBufferBytes = 1 << 20
)
