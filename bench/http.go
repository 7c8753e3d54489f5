package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"

	"github.com/depothq/depot/api"
	"github.com/depothq/depot/api/client"
)

// HTTPResult is the throughput of 3-line orders through the HTTP API's batch endpoint.
type HTTPResult struct {
	OrdersResult
	// OrdersPerRequest is how many orders (a reserve and a commit each) one request carries;
	// the latencies are per request.
	OrdersPerRequest int `json:"orders_per_request"`
}

// HTTPOrders starts the real HTTP server in this process on a loopback port (file journal in
// dir, fsync on, no rate limit) and takes the orders through POST /v1/batch from clients
// concurrent clients, perRequest orders per request, through the Go client. Each order is its
// Reserve and Commit; events are left out of the answers, as a bulk client would ask.
func HTTPOrders(ctx context.Context, dir string, orders []Order, clients, perRequest int) (res HTTPResult, err error) {
	if perRequest < 1 || 2*perRequest > api.MaxBatchCommands {
		return res, errf("orders per request must be between 1 and %d", api.MaxBatchCommands/2)
	}
	var stats batchStats
	quiet := slog.New(slog.DiscardHandler)
	feed := api.NewFeed(0)
	s, j, err := openSequencerWith(dir, &stats, feed.OnCommit)
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
	srv, err := api.NewServer(api.Config{Sequencer: s, Feed: feed, Logger: quiet, TickEvery: -1, RatePerSecond: -1})
	if err != nil {
		return res, fmt.Errorf("bench: start the API: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		srv.Close()
		return res, fmt.Errorf("bench: listen: %w", err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() {
		srv.Close()
		if serr := <-served; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
			err = fmt.Errorf("bench: API: %w", serr)
		}
	}()
	_, key, err := srv.Keys().CreateEphemeral(tenant, api.ScopeWrite, "bench")
	if err != nil {
		return res, fmt.Errorf("bench: create a key: %w", err)
	}
	c := client.New("http://"+ln.Addr().String(), key, nil)

	var requests [][]api.Command
	for start := 0; start < len(orders); start += perRequest {
		var cmds []api.Command
		for _, o := range orders[start:min(start+perRequest, len(orders))] {
			lines := make([]api.ReserveLine, orderLines)
			for k, l := range o.Lines {
				lines[k] = api.ReserveLine{SKU: l.SKU, Location: orderLocation, Qty: l.Qty}
			}
			cmds = append(cmds, &api.ReservationRequest{ID: "r-" + o.ID, Channel: "web", Lines: lines},
				&api.Commit{ID: "r-" + o.ID, Order: o.ID})
		}
		requests = append(requests, cmds)
	}
	lat, took, err := drive(ctx, len(requests), clients, func(i int) error {
		resp, err := c.Batch(ctx, requests[i], client.WithoutEvents())
		if err != nil {
			return err
		}
		if resp.Rejected > 0 {
			return fmt.Errorf("request %d: %d commands rejected: %w", i, resp.Rejected, errRejected)
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	return HTTPResult{
		OrdersResult:     OrdersResult{System: "depot-http", Orders: len(orders), Concurrency: clients, Latency: lat, OrdersPerSec: rate(len(orders), took)},
		OrdersPerRequest: perRequest,
	}, nil
}
