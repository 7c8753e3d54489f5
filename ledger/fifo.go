package ledger

// memoFIFO is the FIFO of remembered outcomes, held in blocks of fifoBlock entries. A plain
// slice of millions of entries copied all of them at each growth (about five copies per entry
// over a replay), and the collector scanned every copy and paid a write barrier per pointer
// moved; blocks never move, and forgetting drops a whole block once its last entry is gone.
//
// Every block but the last is full; the first starts at head. It does no I/O and is not safe
// for concurrent use.
type memoFIFO struct {
	blocks [][]memoRef
	head   int // the first live entry of blocks[0]
	n      int // live entries
}

const (
	fifoBlockShift = 10
	fifoBlock      = 1 << fifoBlockShift // 48 KiB of entries
)

func (f *memoFIFO) len() int { return f.n }

// at returns the i-th live entry, 0 being the oldest. i must be below len().
func (f *memoFIFO) at(i int) *memoRef {
	k := f.head + i
	return &f.blocks[k>>fifoBlockShift][k&(fifoBlock-1)]
}

// push appends r as the newest entry.
func (f *memoFIFO) push(r memoRef) {
	if len(f.blocks) == 0 || len(f.blocks[len(f.blocks)-1]) == fifoBlock {
		f.blocks = append(f.blocks, make([]memoRef, 0, fifoBlock))
	}
	last := &f.blocks[len(f.blocks)-1]
	*last = append(*last, r)
	f.n++
}

// pop removes and returns the oldest entry. The FIFO must not be empty.
func (f *memoFIFO) pop() memoRef {
	b := f.blocks[0]
	r := b[f.head]
	// Cleared, so that a block kept alive holds no tenant or id alive through it.
	b[f.head] = memoRef{}
	f.head++
	f.n--
	// Only the last block can be short, and the FIFO is then empty.
	if f.head == len(b) {
		f.blocks[0] = nil
		f.blocks = f.blocks[1:]
		f.head = 0
		if len(f.blocks) == 0 {
			f.blocks = nil
		}
	}
	return r
}

// reset makes the FIFO hold refs, oldest first. Full blocks are cut from refs itself rather than
// copied (a restore hands over millions of entries); the partial last one is copied into a block
// of its own, so that pushes append to it without reaching into refs' array.
func (f *memoFIFO) reset(refs []memoRef) {
	*f = memoFIFO{}
	full := len(refs) &^ (fifoBlock - 1)
	for i := 0; i < full; i += fifoBlock {
		f.blocks = append(f.blocks, refs[i:i+fifoBlock:i+fifoBlock])
	}
	if rest := refs[full:]; len(rest) > 0 {
		f.blocks = append(f.blocks, append(make([]memoRef, 0, fifoBlock), rest...))
	}
	f.n = len(refs)
}
