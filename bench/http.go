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
	c, stop, err := startHTTP(ctx, dir)
	if err != nil {
		return res, err
	}
	defer func() {
		if serr := stop(); err == nil {
			err = serr
		}
	}()

	var requests [][]api.Command
	for start := 0; start < len(orders); start += perRequest {
		var cmds []api.Command
		for _, o := range orders[start:min(start+perRequest, len(orders))] {
			cmds = append(cmds, orderCommands(o)...)
		}
		requests = append(requests, cmds)
	}
	lat, took, err := drive(ctx, len(requests), clients, func(i int) error {
		resp, err := c.Batch(ctx, requests[i], client.WithoutEvents())
		if err != nil {
			return err
		}
		if resp.Rejected > 0 {
			return fmt.Errorf("request %d: %d commands rejected (%s): %w", i, resp.Rejected, firstProblem(resp), errRejected)
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

// orderCommands is one order as the HTTP workloads send it: its 3-line Reserve and its Commit.
func orderCommands(o Order) []api.Command {
	lines := make([]api.ReserveLine, orderLines)
	for k, l := range o.Lines {
		lines[k] = api.ReserveLine{SKU: l.SKU, Location: orderLocation, Qty: l.Qty}
	}
	return []api.Command{&api.ReservationRequest{ID: "r-" + o.ID, Channel: "web", Lines: lines},
		&api.Commit{ID: "r-" + o.ID, Order: o.ID}}
}

// startHTTP is the fixture of the HTTP workloads: a sequencer on a file journal in dir (fsync
// on) seeded with the order catalogue (SKUs, one location, channel "web"; no carriers or
// routing, so orders are taken as reserve + commit, not through POST /v1/orders), and the real
// API server over it on a loopback port, with no rate limit. It returns a client with a write
// key, and stop, which closes the server, then the sequencer and journal, and reports the first
// error.
func startHTTP(ctx context.Context, dir string) (c *client.Client, stop func() error, err error) {
	var stats batchStats
	quiet := slog.New(slog.DiscardHandler)
	feed := api.NewFeed(0)
	s, j, err := openSequencerWith(dir, &stats, feed.OnCommit)
	if err != nil {
		return nil, nil, err
	}
	closeStore := func() error { return closeSequencer(s, j) }
	if err := submitAll(ctx, s, orderCatalogue()); err != nil {
		closeStore()
		return nil, nil, err
	}
	srv, err := api.NewServer(api.Config{Sequencer: s, Feed: feed, Logger: quiet, TickEvery: -1, RatePerSecond: -1})
	if err != nil {
		closeStore()
		return nil, nil, fmt.Errorf("bench: start the API: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		srv.Close()
		closeStore()
		return nil, nil, fmt.Errorf("bench: listen: %w", err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	stop = func() error {
		srv.Close()
		var err error
		if serr := <-served; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
			err = fmt.Errorf("bench: API: %w", serr)
		}
		if cerr := closeStore(); err == nil {
			err = cerr
		}
		return err
	}
	_, key, err := srv.Keys().CreateEphemeral(tenant, api.ScopeWrite, "bench")
	if err != nil {
		stop()
		return nil, nil, fmt.Errorf("bench: create a key: %w", err)
	}
	return client.New("http://"+ln.Addr().String(), key, nil), stop, nil
}

// firstProblem describes the first rejected item of a batch answer, for the error a rejected
// workload command ends the run with.
func firstProblem(resp *api.BatchResponse) string {
	for i, it := range resp.Results {
		if it.Problem != nil {
			return fmt.Sprintf("item %d: %s: %s", i, it.Problem.Code, it.Problem.Detail)
		}
	}
	return "no problem given"
}
