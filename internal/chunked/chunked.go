// Package chunked holds Seq, a sequence kept in blocks of BlockLen entries, for the engine's
// sequences that reach millions of entries: the ledger's FIFO of remembered outcomes and its
// expiry buckets, and the timer heaps. A plain slice copies everything it holds at each growth,
// into fresh memory, and the collector scans every copy and pays a write barrier per pointer
// moved: a replay spent a tenth of its applier in those copies, and a busy second's expiry bucket
// stalled the writer for milliseconds at each doubling (its fresh pages are faulted in then, all
// at once). Blocks never move.
//
// Entries are numbered from 0 (the one at head in blocks[0]); every block is BlockLen long, and
// only the last is partly used. It does no I/O and is not safe for concurrent use.
package chunked

// Seq is a sequence in blocks; the zero Seq is empty and ready to use.
type Seq[T any] struct {
	blocks [][]T
	head   int // where entry 0 sits in blocks[0]
	n      int // entries held
	// spare is a used-up front block kept for the next push: a sequence used as a FIFO (the
	// ledger's remembered outcomes, two million of them) would otherwise drop a block at the
	// front and allocate a fresh one at the back every BlockLen entries (7% of a replay's cost
	// of remembering in a profile, besides faulting the block in). PopFront cleared its
	// entries, so it is all zero values.
	spare []T
}

const (
	blockShift = 9
	// BlockLen is the number of entries in a block.
	BlockLen = 1 << blockShift
)

// Len is the number of entries.
func (c *Seq[T]) Len() int { return c.n }

// At returns entry i, which must be below Len().
func (c *Seq[T]) At(i int) *T {
	k := c.head + i
	return &c.blocks[k>>blockShift][k&(BlockLen-1)]
}

// Push appends v.
func (c *Seq[T]) Push(v T) {
	if c.head+c.n == len(c.blocks)*BlockLen {
		b := c.spare
		if b == nil {
			b = make([]T, BlockLen)
		}
		c.blocks, c.spare = append(c.blocks, b), nil
	}
	c.n++
	*c.At(c.n - 1) = v
}

// PopFront removes and returns entry 0. A block used up while entries remain is kept as the
// spare (the sequence streams); one emptied by the last entry is dropped with the rest, so an
// empty sequence holds no memory. The sequence must not be empty.
func (c *Seq[T]) PopFront() T {
	p := c.At(0)
	v := *p
	var zero T
	*p = zero // a block kept alive holds nothing alive through a removed entry
	c.head++
	c.n--
	if c.n == 0 {
		clear(c.blocks)
		c.blocks, c.head, c.spare = nil, 0, nil
	} else if c.head == BlockLen {
		c.spare = c.blocks[0]
		c.blocks[0] = nil
		c.blocks, c.head = c.blocks[1:], 0
	}
	return v
}

// Truncate keeps the first n entries. It keeps one empty block past them, so that a sequence
// whose length hovers at a block boundary does not allocate a block per push.
func (c *Seq[T]) Truncate(n int) {
	var zero T
	for i := n; i < c.n; i++ {
		*c.At(i) = zero
	}
	c.n = n
	keep := (c.head+n+BlockLen-1)/BlockLen + 1
	for len(c.blocks) > keep {
		c.blocks[len(c.blocks)-1] = nil
		c.blocks = c.blocks[:len(c.blocks)-1]
	}
}

// Reset makes the sequence hold items. Whole blocks are cut from items itself rather than
// copied (a restore hands over millions of entries); the rest is copied into a block of its own,
// so that pushes never write into items' array beyond it.
func (c *Seq[T]) Reset(items []T) {
	*c = Seq[T]{n: len(items)}
	whole := len(items) &^ (BlockLen - 1)
	for i := 0; i < whole; i += BlockLen {
		c.blocks = append(c.blocks, items[i:i+BlockLen:i+BlockLen])
	}
	if rest := items[whole:]; len(rest) > 0 {
		b := make([]T, BlockLen)
		copy(b, rest)
		c.blocks = append(c.blocks, b)
	}
}
