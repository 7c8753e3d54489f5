package ledger

import (
	"cmp"
	"slices"

	"github.com/depothq/depot/internal/chunked"
	"github.com/depothq/depot/internal/heapq"
)

// expiryIndex finds live reservations by expiry: a timer wheel of buckets of 2^30 ns (about a
// second), each an unordered slice, plus a small heap of the bucket numbers in use.
//
// A binary heap of reservations was the first design, but committing or releasing a
// reservation removes it from the middle, and each of the ~20 levels of a heap of a million
// moved an entry whose reservation had to learn its new index: a cache miss per level, the
// largest single cost of a commit. Here inserting appends to a bucket, and removing swaps the
// bucket's last entry into the hole, which touches one other reservation, usually a recent one.
//
// A bucket holds a second of reservations, which at peak is hundreds of thousands: it is a
// chunked sequence, so that it grows without copying (see chunked).
//
// The order in which a tick expires reservations is (expiresAt, createdSeq), a total order
// fixed by the state, so it does not depend on the buckets' internal order (which differs
// between a live ledger and one restored from a snapshot): a tick collects what is due and
// sorts it.
type expiryIndex struct {
	buckets map[int64]*expiryBucket
	keys    heapq.Heap[int64] // the bucket numbers in buckets, each once
	n       int
}

// expiryBucket holds the reservations of one bucket, in no particular order.
type expiryBucket = chunked.Seq[*reservation]

// expiryBucketShift is log2 of a bucket's span in nanoseconds.
const expiryBucketShift = 30

func expiryKey(at int64) int64 { return at >> expiryBucketShift }

func (e *expiryIndex) init() {
	if e.buckets == nil {
		e.buckets = make(map[int64]*expiryBucket)
		e.keys.Less = func(a, b *int64) bool { return *a < *b }
		e.keys.Moved = func(*int64, int) {}
	}
}

func (e *expiryIndex) len() int { return e.n }

// holds reports whether r is indexed where its expiry says.
func (e *expiryIndex) holds(r *reservation) bool {
	b := e.buckets[expiryKey(r.expiresAt)]
	i := int(r.slot)
	return b != nil && i >= 0 && i < b.Len() && *b.At(i) == r
}

func (e *expiryIndex) push(r *reservation) {
	e.init()
	k := expiryKey(r.expiresAt)
	b := e.buckets[k]
	if b == nil {
		b = &expiryBucket{}
		e.buckets[k] = b
		e.keys.Push(k)
	}
	r.slot = int32(b.Len())
	b.Push(r)
	e.n++
}

func (e *expiryIndex) remove(r *reservation) {
	if !e.holds(r) {
		panic("ledger: expiry index lost track of a reservation")
	}
	b := e.buckets[expiryKey(r.expiresAt)]
	last := b.Len() - 1
	if i := int(r.slot); i != last {
		moved := *b.At(last)
		*b.At(i) = moved
		moved.slot = int32(i)
	}
	b.Truncate(last)
	r.slot = -1
	e.n--
}

// reschedule moves r to a new expiry.
func (e *expiryIndex) reschedule(r *reservation, expiresAt int64) {
	e.remove(r)
	r.expiresAt = expiresAt
	e.push(r)
}

// takeDue removes the reservations whose expiry is at or before now and appends them to dst in
// (expiresAt, createdSeq) order. Buckets wholly in the past go at once; the current one is
// filtered in place.
func (e *expiryIndex) takeDue(dst []*reservation, now int64) []*reservation {
	start := len(dst)
	cur := expiryKey(now)
	for e.keys.Len() > 0 && *e.keys.At(0) <= cur {
		k := *e.keys.At(0)
		b := e.buckets[k]
		w := 0
		for i := range b.Len() {
			r := *b.At(i)
			if r.expiresAt <= now {
				r.slot = -1
				dst = append(dst, r)
				continue
			}
			// Only the current bucket keeps any; w never passes the read position.
			r.slot = int32(w)
			*b.At(w) = r
			w++
		}
		e.n -= b.Len() - w
		b.Truncate(w)
		if w > 0 {
			break
		}
		e.keys.Remove(0)
		delete(e.buckets, k)
	}
	slices.SortFunc(dst[start:], func(a, b *reservation) int {
		if c := cmp.Compare(a.expiresAt, b.expiresAt); c != 0 {
			return c
		}
		return cmp.Compare(a.createdSeq, b.createdSeq)
	})
	return dst
}
