package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/depothq/depot/sim"
)

// simClock formats a simulated instant in the scenario city's local time.
func simClock(t int64, tz *time.Location) string {
	if t == 0 {
		return "sim --- --:--:--"
	}
	return "sim " + time.Unix(0, t).In(tz).Format("Mon 15:04:05")
}

func printDemoHeader(w io.Writer, sc *sim.Scenario, o demoOptions, dir, url, key string) {
	kinds := map[string]int{}
	for _, l := range sc.Locations {
		kinds[l.KindName]++
	}
	skus, kits := 0, 0
	for i := range sc.SKUs {
		if sc.SKUs[i].IsKit() {
			kits++
		} else {
			skus++
		}
	}
	var channels []string
	for _, c := range sc.Channels {
		channels = append(channels, c.ID)
	}
	fmt.Fprintf(w, `Depot demo (seed %d): a commerce business in %s, %d simulated day(s) at %gx
  business   %d SKUs and %d kits; %d warehouses, %d dark stores, %d stores; channels %s; %d carriers
  volume     %s orders a day
  data       %s
  API        %s   (key: %s)
             try: curl -H "Authorization: Bearer %s" %s/v1/stats
                  %s/v1/openapi.json describes every route
`, o.seed, sc.City.Name, o.days, o.speed, skus, kits, kinds["warehouse"], kinds["dark_store"], kinds["store"],
		strings.Join(channels, ", "), len(sc.Carriers), commas(int64(sc.OrdersPerDay)), dir, url, key, key, url, url)
}

// demoSummary is what the demo reports when it stops.
type demoSummary struct {
	snap    sim.Snapshot
	start   int64
	wall    time.Duration
	speed   float64
	hash    string
	lastSeq uint64
	dir     string
}

func printDemoSummary(w io.Writer, d demoSummary) {
	s := &d.snap
	simulated := time.Duration(0)
	if s.SimTime > 0 {
		simulated = time.Duration(s.SimTime - d.start)
	}
	var rejections []string
	for _, r := range s.Rejections {
		label := r.Code
		if r.Code == "insufficient_stock" {
			label += " (oversells prevented)"
		}
		rejections = append(rejections, fmt.Sprintf("%s %s", commas(r.Count), label))
	}
	if orchestrated(s) {
		rejections = append(rejections, fmt.Sprintf("%s orders backordered rather than sold from missing stock (oversells prevented)", commas(s.OrdersBackordered)))
	}
	if len(rejections) == 0 {
		rejections = []string{"none"}
	}
	var channels []string
	for _, c := range s.Channels {
		channels = append(channels, fmt.Sprintf("%s %s/%s", c.Channel, commas(c.Reserved), commas(c.Placed)))
	}
	var other string
	if len(s.OtherRejections) > 0 {
		var parts []string
		for _, r := range s.OtherRejections {
			parts = append(parts, fmt.Sprintf("%s %s", commas(r.Count), r.Code))
		}
		other = fmt.Sprintf("  other      %s rejected operator commands (another client changed the stock?)\n", strings.Join(parts, ", "))
	}
	var fulfilment string
	if orchestrated(s) {
		fulfilment = fmt.Sprintf("  orchestr.  %s orders allocated, %s backordered; %s shipments shipped, %s delivered;\n             SLA events: %s at risk, %s breached; %s quick orders from checkout reservations;\n             %s operator exceptions raised, %s resolved; %s carrier scans (DPD codes and common statuses)\n",
			commas(s.OrdersAllocated), commas(s.OrdersBackordered), commas(s.ShipmentsShipped), commas(s.Delivered),
			commas(s.SLAAtRisk), commas(s.SLABreached), commas(s.CheckoutOrders), commas(s.ExceptionsRaised),
			commas(s.ExceptionsResolved), commas(s.TrackingEvents))
	}
	rate := float64(s.Commands) / max(d.wall.Seconds(), 1e-9)
	fmt.Fprintf(w, `
Depot demo summary: %s of simulated time in %s of wall time
  orders     %s placed, %s fully reserved: fill rate %s
  channels   reserved/placed: %s
  rejections %s
  lifecycle  %s committed, %s shipped, SLA health %s shipped within promise;
             %s abandoned carts expired, %s payments failed, %s cancelled, %s returns
%s  operations %s purchase orders, %s transfers, %s receipts, %s cycle counts (%s units of drift)
%s  commands   %s in %s batches: %s commands/s, batch latency p50 %s, p99 %s
  state hash %s (seq %d)
  data       %s
  verify     depot verify --data %s
`, simulated.Round(time.Second), d.wall.Round(time.Millisecond),
		commas(s.OrdersPlaced), commas(s.OrdersReserved), percent(s.FillRate()),
		strings.Join(channels, ", "), strings.Join(rejections, ", "),
		commas(s.Committed), commas(s.Shipped), percent(s.SLAHealth()),
		commas(s.Expired), commas(s.Released), commas(s.Cancelled), commas(s.Returns),
		fulfilment, commas(s.PurchaseOrders), commas(s.Transfers), commas(s.Receipts), commas(s.Counts), commas(s.CountDrift),
		other, commas(s.Commands), commas(s.Batches), commas(int64(rate)), millis(s.LatencyP50), millis(s.LatencyP99),
		d.hash, d.lastSeq, d.dir, d.dir)
}
