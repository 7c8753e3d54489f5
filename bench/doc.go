// Package bench owns the workloads that measure Depot: in-memory apply, durable sequencing with
// many callers, replay, start-up with a long history, memory per position, 3-line order intake,
// and the PostgreSQL OMS baseline the design is measured against. `depot bench` and the
// `go test -bench` wrappers in this package call the same functions, so a figure in the README and
// a figure from a benchmark run come from one implementation.
//
// Every figure a function returns was measured during that call, on the real engine, sequencer
// and file journal; nothing here estimates, extrapolates or assumes a number. Setup (building
// commands, seeding catalogues, writing history) is kept out of the timed sections. The package
// must never be imported by serving code: it writes large fixtures and runs at full load.
package bench
