package sim

import (
	"github.com/depothq/depot"
)

// actionKind is something the business will do at a simulated instant.
type actionKind uint8

const (
	actArrival          actionKind = iota + 1 // a customer checks out: reserve
	actCommit                                 // payment succeeded: commit the reservation to an order
	actRelease                                // payment failed or the customer cancelled: release
	actShip                                   // the order leaves the building
	actReturn                                 // a customer sends something back
	actInspect                                // returned goods on hold are inspected: restock or write off
	actTick                                   // advance the engine's clock so TTLs expire
	actCount                                  // cycle-count one position
	actReplenish                              // stock ran low: raise a purchase order or a transfer
	actReceive                                // an inbound delivery arrives
	actIncident                               // a step of a labelled incident (incidents.go)
	actAdvance                                // an orchestrated shipment moves one step on
	actCancelOrder                            // the customer cancels an orchestrated order
	actAdReport                               // an ad campaign reports its last period (ads.go)
	actCheckout                               // a quick_app customer pays: the order names the checkout reservation
	actRaiseException                         // an operator holds an orchestrated order (features.go)
	actResolveException                       // the operator releases it
	actTrack                                  // a carrier scan of a shipped parcel
)

// maxCommandsPerAction is the most commands one action emits (a transfer is an adjustment at the
// source plus an expected receipt at the destination).
const maxCommandsPerAction = 2

// action is one scheduled deed. fresh actions read the workload's view of the stock when they
// are emitted, so they must come first in their batch, after every earlier answer was observed.
type action struct {
	at    int64
	seq   uint64
	kind  actionKind
	fresh bool
	index int

	order *order
	pos   *position
	qty   int64
	ref   string    // the inbound id a receipt fulfils
	inc   *incident // the incident an actIncident steps
	shp   *shipment // the shipment an actAdvance moves
	camp  *campaign // the campaign an actAdReport reports

	index0 int    // an incident step's position in a sequence of steps at one instant
	slowed bool   // a shipment a node slowdown already pushed back
	code   string // an actTrack's carrier status code
}

// actionQueue orders actions by (time, scheduling order): a deterministic total order.
type actionQueue []*action

// Len, Less, Swap, Push and Pop implement heap.Interface.
func (q actionQueue) Len() int { return len(q) }
func (q actionQueue) Less(i, j int) bool {
	if q[i].at != q[j].at {
		return q[i].at < q[j].at
	}
	return q[i].seq < q[j].seq
}
func (q actionQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index, q[j].index = i, j
}
func (q *actionQueue) Push(x any) {
	a := x.(*action)
	a.index = len(*q)
	*q = append(*q, a)
}
func (q *actionQueue) Pop() any {
	old := *q
	a := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return a
}

// emit turns a due action into its commands (none when it no longer applies).
func (w *Workload) emit(a *action) []depot.Command {
	switch a.kind {
	case actArrival:
		return w.emitArrival(a)
	case actCommit:
		return w.emitCommit(a)
	case actRelease:
		return w.emitRelease(a)
	case actShip:
		return w.emitShip(a)
	case actReturn:
		return w.emitReturn(a)
	case actInspect:
		return w.emitInspect(a)
	case actTick:
		w.schedule(&action{at: a.at + int64(w.cfg.TickEvery), kind: actTick})
		return []depot.Command{&depot.Tick{}}
	case actCount:
		return w.emitCount(a)
	case actReplenish:
		return w.emitReplenish(a)
	case actReceive:
		return w.emitReceive(a)
	case actIncident:
		return w.emitIncident(a)
	case actAdvance:
		return w.emitAdvance(a)
	case actCancelOrder:
		return w.emitCancelOrder(a)
	case actAdReport:
		return w.emitAdReport(a)
	case actCheckout:
		return w.emitCheckout(a)
	case actRaiseException:
		return w.emitRaiseException(a)
	case actResolveException:
		return w.emitResolveException(a)
	case actTrack:
		return w.emitTrack(a)
	}
	panic("sim: unknown action kind")
}

// observe handles the answer to one step.
func (w *Workload) observe(st *Step, res *depot.Result) {
	w.applyEvents(res.Events)
	if res.Rejection != nil {
		w.metrics.reject(res.Rejection, st.Cmd.Kind() == depot.KindReserve || st.Cmd.Kind() == depot.KindCreateOrder)
	}
	a := st.act
	if a == nil {
		return
	}
	switch a.kind {
	case actArrival:
		if w.cfg.Orchestrate {
			switch st.Cmd.(type) {
			case *depot.CreateOrder:
				w.observeCreateOrder(a, res)
			case *depot.Reserve:
				w.observeCheckoutReserve(a, res)
			}
		} else {
			w.observeReserve(a, res)
		}
	case actCommit:
		w.observeCommit(a, res)
	case actRelease:
		w.observeRelease(a, res)
	case actShip:
		w.observeShip(a, res)
	case actReturn:
		w.observeReturn(a, st, res)
	case actTick:
		w.observeTick(res)
	case actCount:
		w.observeCount(res)
	case actReplenish:
		w.observeReplenish(st, res)
	case actReceive:
		if res.OK() {
			w.metrics.update(func(s *Snapshot) { s.Receipts++ })
		}
	case actInspect:
		w.observeInspect(st, res)
	case actAdvance:
		w.observeAdvance(a, res)
	case actCancelOrder:
		w.observeCancelOrder(a, res)
	case actCheckout:
		w.observeCheckout(a, res)
	case actRaiseException:
		w.observeRaiseException(a, res)
	case actResolveException:
		w.observeResolveException(res)
	case actTrack:
		w.observeTrack(a, res)
	}
	if w.cfg.Orchestrate {
		w.observeOrderEvents(res.Events)
	}
}
