package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/depothq/depot"
)

// Order is one 3-line order of the order workloads: distinct SKUs sorted by id (the order in
// which a PostgreSQL OMS locks the stock rows, so that concurrent orders never deadlock), with
// skewed demand.
type Order struct {
	ID    string
	Lines [orderLines]OrderLine
}

// OrderLine is one line of an Order.
type OrderLine struct {
	SKU string
	Qty int64
}

// GenerateOrders returns n orders drawn from a Zipf distribution over the order catalogue, the
// same for the same seed, so that Depot and PostgreSQL take exactly the same orders.
func GenerateOrders(seed uint64, n int) []Order {
	rng := rand.New(rand.NewPCG(seed, 0x0bde75))
	zipf := rand.NewZipf(rng, orderZipfS, orderZipfV, orderSKUs-1)
	out := make([]Order, n)
	for i := range out {
		var picked [orderLines]int
		for k := 0; k < orderLines; {
			s := int(zipf.Uint64())
			if slices.Contains(picked[:k], s) {
				continue
			}
			picked[k] = s
			k++
		}
		// Not "o-<n>": those names belong to the orders create_order makes (see orders.Guard).
		out[i].ID = "ord-" + strconv.Itoa(i)
		for k, s := range picked {
			out[i].Lines[k] = OrderLine{SKU: skuID(s), Qty: 1 + int64(rng.IntN(2))}
		}
		slices.SortFunc(out[i].Lines[:], func(a, b OrderLine) int { return strings.Compare(a.SKU, b.SKU) })
	}
	return out
}

// OrdersResult is the throughput and latency of taking 3-line orders durably.
type OrdersResult struct {
	System      string `json:"system"`
	Orders      int    `json:"orders"`
	Concurrency int    `json:"concurrency"`
	Latency
	OrdersPerSec float64 `json:"orders_per_sec"`
}

// DepotOrders takes the orders through a sequencer on a file journal in dir, from callers
// concurrent callers. Each order is one submission of a 3-line Reserve and its Commit: one
// durable round trip, applied in one group commit, like the baseline's one transaction.
func DepotOrders(ctx context.Context, dir string, orders []Order, callers int) (res OrdersResult, err error) {
	var stats batchStats
	s, j, err := openSequencer(dir, &stats)
	if err != nil {
		return res, err
	}
	defer func() {
		if cerr := closeSequencer(s, j); err == nil {
			err = cerr
		}
	}()
	if err := submitAll(ctx, s, orderCatalogue()); err != nil {
		return res, err
	}
	subs := make([][]depot.Command, len(orders))
	for i, o := range orders {
		lines := make([]depot.ReserveLine, orderLines)
		for k, l := range o.Lines {
			lines[k] = depot.ReserveLine{SKU: l.SKU, Location: orderLocation, Qty: l.Qty}
		}
		subs[i] = []depot.Command{
			&depot.Reserve{Tenant: tenant, Reservation: "r-" + o.ID, Channel: "web", Lines: lines},
			&depot.Commit{Tenant: tenant, Reservation: "r-" + o.ID, Order: o.ID},
		}
	}
	lat, took, err := drive(ctx, len(orders), callers, func(i int) error {
		results, err := s.SubmitBatch(ctx, subs[i])
		if err != nil {
			return err
		}
		for _, r := range results {
			if !r.OK() {
				return fmt.Errorf("order %s: %v: %w", orders[i].ID, r.Rejection, errRejected)
			}
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	return OrdersResult{System: "depot", Orders: len(orders), Concurrency: callers, Latency: lat, OrdersPerSec: rate(len(orders), took)}, nil
}
