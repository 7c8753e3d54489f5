// Package orders owns order orchestration: ingesting orders idempotently, sourcing them across
// locations (sourcing.Planner), allocating their stock in the ledger, choosing a carrier service
// or a rider slot per shipment (carriers.Selector, carriers.RiderFleet), following each shipment
// through release, pick, pack, ship and delivery, cancellations, returns, backorders filled in
// queue order when stock arrives, re-sourcing away from paused or closed locations, SLA timers on
// the logical clock, and carrier tracking with its on-time scores.
//
// The ledger keeps the units, this package keeps the orders: every unit an order holds is
// allocated in the ledger under the order's id, at the location of its shipment, until the
// shipment ships; CheckInvariants proves the two agree.
//
// The package is pure and deterministic, like the ledger: it must never do I/O, read a clock,
// start a goroutine, use randomness or let map iteration order reach its output. Time arrives as
// the envelope's Time, ids derive from sequence numbers, every walk over orders is in a defined
// order (sequence number, priority, location index), and a command either fully applies or is
// rejected having changed nothing: all checks come before the first mutation.
package orders
