// Package carriers owns what Depot knows about moving a parcel once it leaves a location:
// carrier services with their rate cards, transit times, pickup cutoffs, collections through the
// day and days of operation; the choice of a service per shipment against a delivery promise, and
// the promise counted again from the collection that takes a parcel after its hand-over
// (Selector.PromiseFrom); the rider fleets of dark
// stores with their capacity per time slot; the normalisation of carrier tracking statuses; and
// the on-time score each service earns from its tracking outcomes.
//
// The package is pure and deterministic. It must never do I/O, read a clock, start a goroutine,
// use randomness or let the order of a map iteration reach its output: every time arrives as an
// int64 of unix nanoseconds inside the arguments, local calendars come from a fixed UTC offset
// per location (integer arithmetic, no time package), money is in minor units, distances in
// metres, weights in grams and scores in basis points. Maps are used only for lookups.
//
// The hot path (Selector.Choose, RiderFleet.Book, Normalizer.Normalize) does not allocate.
package carriers
