package orders

import (
	"runtime"
	"testing"
	"unsafe"
)

// TestSlabsFillTheirSizeClass checks that a slab of orders and one of shipments take no more
// than 3% beyond their records: the allocator rounds a slab up to a size class, and a record
// that grows or shrinks can make the rounding cost a tenth of every record (see orderSlabLen).
// The size of an allocation is read from the runtime's allocation counter, the smallest of a
// few tries, so that nothing else allocating at the same time can pass for waste.
func TestSlabsFillTheirSizeClass(t *testing.T) {
	allocated := func(alloc func()) uint64 {
		best := ^uint64(0)
		for range 5 {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			alloc()
			runtime.ReadMemStats(&after)
			best = min(best, after.TotalAlloc-before.TotalAlloc)
		}
		return best
	}
	for _, c := range []struct {
		name    string
		records uint64
		alloc   func()
	}{
		{"orders", uint64(unsafe.Sizeof(order{})) * orderSlabLen, func() { keepOrders = make([]order, orderSlabLen) }},
		{"shipments", uint64(unsafe.Sizeof(shipment{})) * shipSlabLen, func() { keepShipments = make([]shipment, shipSlabLen) }},
	} {
		got := allocated(c.alloc)
		if got < c.records || got > c.records*103/100 {
			t.Errorf("a slab of %s takes %d bytes for %d of records (%.1f%% more); pick a slab length that fills a size class",
				c.name, got, c.records, 100*float64(got-c.records)/float64(c.records))
		}
	}
}

// The slabs are kept in package variables so that the compiler cannot drop the allocations.
var (
	keepOrders    []order
	keepShipments []shipment
)
