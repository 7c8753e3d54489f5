package ledger

// chunked is a sequence kept in blocks of chunkLen entries, for the ledger's sequences that reach
// millions of entries: the FIFO of remembered outcomes and the expiry buckets. A plain slice
// copies everything it holds at each growth, into fresh memory, and the collector scans every
// copy and pays a write barrier per pointer moved: a replay spent a tenth of its applier in
// those copies, and a busy second's expiry bucket stalled the writer for milliseconds at each
// doubling. Blocks never move.
//
// Entries are numbered from 0 (the one at head in blocks[0]); every block is chunkLen long, and
// only the last is partly used. It does no I/O and is not safe for concurrent use.
type chunked[T any] struct {
	blocks [][]T
	head   int // where entry 0 sits in blocks[0]
	n      int // entries held
}

const (
	chunkShift = 9
	chunkLen   = 1 << chunkShift
)

func (c *chunked[T]) len() int { return c.n }

// at returns entry i, which must be below len().
func (c *chunked[T]) at(i int) *T {
	k := c.head + i
	return &c.blocks[k>>chunkShift][k&(chunkLen-1)]
}

// push appends v.
func (c *chunked[T]) push(v T) {
	if c.head+c.n == len(c.blocks)*chunkLen {
		c.blocks = append(c.blocks, make([]T, chunkLen))
	}
	c.n++
	*c.at(c.n - 1) = v
}

// pop removes and returns entry 0, dropping its block once the block is used up. The sequence
// must not be empty.
func (c *chunked[T]) pop() T {
	p := c.at(0)
	v := *p
	var zero T
	*p = zero // a block kept alive holds nothing alive through a removed entry
	c.head++
	c.n--
	if c.n == 0 {
		clear(c.blocks)
		c.blocks, c.head = nil, 0
	} else if c.head == chunkLen {
		c.blocks[0] = nil
		c.blocks, c.head = c.blocks[1:], 0
	}
	return v
}

// truncate keeps the first n entries. It keeps one empty block past them, so that a sequence
// whose length hovers at a block boundary does not allocate a block per push.
func (c *chunked[T]) truncate(n int) {
	var zero T
	for i := n; i < c.n; i++ {
		*c.at(i) = zero
	}
	c.n = n
	keep := (c.head+n+chunkLen-1)/chunkLen + 1
	for len(c.blocks) > keep {
		c.blocks[len(c.blocks)-1] = nil
		c.blocks = c.blocks[:len(c.blocks)-1]
	}
}

// reset makes the sequence hold items. Whole blocks are cut from items itself rather than
// copied (a restore hands over millions of entries); the rest is copied into a block of its own,
// so that pushes never write into items' array beyond it.
func (c *chunked[T]) reset(items []T) {
	*c = chunked[T]{n: len(items)}
	whole := len(items) &^ (chunkLen - 1)
	for i := 0; i < whole; i += chunkLen {
		c.blocks = append(c.blocks, items[i:i+chunkLen:i+chunkLen])
	}
	if rest := items[whole:]; len(rest) > 0 {
		b := make([]T, chunkLen)
		copy(b, rest)
		c.blocks = append(c.blocks, b)
	}
}
