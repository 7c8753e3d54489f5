// Package sourcing owns the decision of where an order ships from: which locations are
// candidates (open, stocked, in range, with capacity, allowed by the merchant's routing rules),
// how the order's lines are assigned to them, and why every other location was passed over.
//
// A Planner takes a Request (the order, copies of the candidate locations and their available
// units, the routing rules as data and a shipping-cost Estimator) and returns a Plan: per line
// (and per split part) the location, the shipments, the cost breakdown and the exclusions.
// Assignments are searched exactly (branch and bound over partitions of the lines) when the
// search space is small and greedily beyond it; quick-commerce orders take a fast path over
// dark stores. No plan ever takes more units of a SKU from a location than it has.
//
// The package is pure and deterministic. It must never do I/O, read a clock, start a goroutine,
// use randomness, mutate its Request, or let the order of the candidate locations or of a map
// iteration reach its output: every tie is broken by location id. Times are unix nanoseconds
// and arrive in the Request, money is minor units, distances metres, weights grams and
// coordinates micro-degrees; distances are computed in integer arithmetic (see Distance).
package sourcing
