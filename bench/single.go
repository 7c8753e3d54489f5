package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/depothq/depot/api"
	"github.com/depothq/depot/api/client"
)

// SingleResult is the latency of single-order requests offered at a fixed rate over HTTP.
type SingleResult struct {
	// Clients is the concurrent HTTP clients; OfferedPerSec and Seconds the timetable.
	Clients       int     `json:"clients"`
	OfferedPerSec float64 `json:"offered_per_sec"`
	Seconds       float64 `json:"seconds"`
	// Requests were offered (one order each); Completed were answered with every command
	// accepted; Errors missed: a transport error, an error answer or a rejected command.
	Requests   int    `json:"requests"`
	Completed  int    `json:"completed"`
	Errors     int    `json:"errors"`
	FirstError string `json:"first_error,omitempty"`
	// Latency is over the completed requests, each from its intended send time on the
	// timetable to its answer, so a request sent late because the run fell behind is charged
	// for the wait.
	Latency
	// AchievedPerSec is the completed orders over the time from the timetable's start to the
	// last answer.
	AchievedPerSec float64 `json:"achieved_per_sec"`
	// Shape says what one request carries.
	Shape string `json:"shape"`
}

// singleShape is the request of SingleOrders: the HTTP fixture has no carriers or routing, so
// an order is taken as workload (g) takes it, a reserve and a commit, here one order per batch.
const singleShape = "POST /v1/batch with one order (reserve + commit)"

// SingleOrders starts the HTTP fixture of HTTPOrders in dir and offers one 3-line order per
// request, at perSec requests a second for seconds, from clients concurrent clients. The load
// is open-loop: request i is due at start + i/perSec whatever happened to the requests before it.
// Each client takes the next request of the timetable, waits until it is due (or sends at once
// if it is already late) and sends it. Latency is measured from the intended send time, not from
// the actual one, to avoid coordinated omission: when the server stalls and all the clients are
// busy, the requests that queue behind them carry the stall in their figures instead of being
// quietly sent later (the client's own timer lateness is charged as well, which can only make
// the figure worse). Errors are counted and do not stop the run.
func SingleOrders(ctx context.Context, dir string, clients int, perSec int, seconds float64) (res SingleResult, err error) {
	n := int(float64(perSec) * seconds)
	switch {
	case clients < 1 || clients > MaxCallers:
		return res, errf("single-order clients must be between 1 and %d", MaxCallers)
	case perSec < 1 || perSec > MaxSingleRate:
		return res, errf("single-order rate must be between 1 and %d a second", MaxSingleRate)
	case n < 1 || n > MaxSingleRequests:
		return res, errf("single-order run must offer between 1 and %d requests (rate x seconds)", MaxSingleRequests)
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
	// The timetable holds each request's body already encoded, as a load generator does: a
	// hundred thousand requests held as command structs were the largest thing in the process
	// for the collector to mark, in the same process as the server it measures.
	requests := make([][]byte, n)
	for i, o := range GenerateOrders(singleOrderSeed, n) {
		body, err := api.BatchRequest{Commands: orderCommands(o)}.AppendJSON(nil)
		if err != nil {
			return res, err
		}
		requests[i] = body
	}

	var (
		next     atomic.Int64
		errs     atomic.Int64
		firstErr atomic.Pointer[string]
		lastDone atomic.Int64 // nanoseconds after start of the latest answer
		wg       sync.WaitGroup
	)
	lat := make([][]time.Duration, clients)
	interval := float64(time.Second) / float64(perSec)
	start := time.Now().Add(10 * time.Millisecond) // let every client reach its first wait
	for w := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			samples := make([]time.Duration, 0, n/clients+1)
			defer func() { lat[w] = samples }()
			// One timer a client, reset for each wait: a timer per request was the load
			// generator's own garbage, collected in the process it measures.
			wait := time.NewTimer(time.Hour)
			defer wait.Stop()
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				due := start.Add(time.Duration(float64(i) * interval))
				if d := time.Until(due); d > 0 {
					wait.Reset(d)
					select {
					case <-ctx.Done():
						return
					case <-wait.C:
					}
				} else if ctx.Err() != nil {
					return
				}
				resp, err := c.BatchJSON(ctx, requests[i], client.WithoutEvents())
				done := time.Now()
				if err == nil && resp.Rejected > 0 {
					err = fmt.Errorf("request %d: %d commands rejected: %w", i, resp.Rejected, errRejected)
				}
				for {
					last := lastDone.Load()
					at := int64(done.Sub(start))
					if at <= last || lastDone.CompareAndSwap(last, at) {
						break
					}
				}
				if err != nil {
					errs.Add(1)
					msg := err.Error()
					firstErr.CompareAndSwap(nil, &msg)
					continue
				}
				samples = append(samples, done.Sub(due))
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("bench: single-order requests: %w", err)
	}
	res = SingleResult{
		Clients: clients, OfferedPerSec: float64(perSec), Seconds: seconds, Requests: n,
		Errors: int(errs.Load()), Latency: summarise(lat), Shape: singleShape,
	}
	res.Completed = n - res.Errors
	res.AchievedPerSec = rate(res.Completed, time.Duration(lastDone.Load()))
	if p := firstErr.Load(); p != nil {
		res.FirstError = *p
	}
	return res, nil
}

const (
	// MaxSingleRate and MaxSingleRequests bound the single-order timetable (and its memory: the
	// requests are built before the run).
	MaxSingleRate     = 1_000_000
	MaxSingleRequests = 10_000_000
	// singleOrderSeed draws the single-order workload's orders.
	singleOrderSeed = 3
)
