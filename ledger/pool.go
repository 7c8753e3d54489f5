package ledger

// recordChunk is how many records one allocation of a recordPool holds.
const recordChunk = 1024

// recordPool hands out records (reservations, remembered ids) from chunks of recordChunk and
// takes back the ones retention forgets. At millions of records, one heap object per record was
// a malloc per command and a separate object for the collector to find and mark; chunks make
// both a thousand times rarer. A record is freed only once nothing refers to it any more (its
// index entry and FIFO entry are gone, and for a reservation the expiry index never holds a
// finished one).
type recordPool[T any] struct {
	chunk []T
	freed []*T
	reset T // what a freed record is set to
}

func (p *recordPool[T]) alloc() *T {
	if n := len(p.freed); n > 0 {
		r := p.freed[n-1]
		p.freed[n-1] = nil
		p.freed = p.freed[:n-1]
		return r
	}
	if len(p.chunk) == 0 {
		p.chunk = make([]T, recordChunk)
	}
	r := &p.chunk[0]
	p.chunk = p.chunk[1:]
	return r
}

func (p *recordPool[T]) free(r *T) {
	*r = p.reset
	p.freed = append(p.freed, r)
}
