// Package api is Depot's HTTP layer: JSON over HTTP/1.1 and h2c under /v1, bearer API keys scoped
// to one tenant and to read, write or admin, strict decoding, RFC 9457 problems, Idempotency-Key
// replays, a batch endpoint, Server-Sent Events and signed webhooks fed from the committed event
// stream, Prometheus metrics, health checks, and an OpenAPI 3.1 document generated from the same
// types the handlers use. The subpackage client is the typed Go client.
//
// The package owns the translation between HTTP and the engine's commands, and everything about
// callers: who they are (keys.go, auth.go), how fast they may go (ratelimit.go), what they may
// send (decode.go, limits.go) and how they are answered (problem.go). It must never decide
// anything about stock itself: every decision is the engine's, reached through the sequencer, and
// every read goes through Sequencer.Read so nothing not yet durable is ever shown. It must never
// take the tenant from a request body or path, never let one tenant see another's data (every
// lookup is by the key's tenant), never log a secret, and never let bad input reach the engine
// as anything but a command the engine's own validation sees.
//
// Wiring, as cmd/depot does it:
//
//	feed := api.NewFeed(0)
//	seq, _ := sequencer.Open(journal, sequencer.Options{OnCommit: feed.OnCommit})
//	srv, _ := api.NewServer(api.Config{Sequencer: seq, Feed: feed, Journal: journal, DataDir: dir})
//	go srv.Serve(listener)
//	...
//	srv.Shutdown(ctx); seq.Close(); journal.Close()
package api
