package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// route is one entry of the route table. The table drives everything about a route: the mux
// pattern, the scope check, the body limit, metrics labels, and its entry in the OpenAPI document,
// so none of them can drift from the others.
type route struct {
	method  string
	pattern string
	op      string // OpenAPI operationId
	summary string
	tag     string
	scope   Scope // 0: public, no key needed
	in      reflect.Type
	out     reflect.Type
	status  int
	limit   int64
	query   []queryParam
	stream  bool // text/event-stream of Event
	content string
	serve   func(c *call) (any, error)
	raw     http.HandlerFunc
}

// queryParam documents a query parameter.
type queryParam struct {
	name, typ, doc string
}

// call is what a handler sees of a request.
type call struct {
	s    *Server
	r    *http.Request
	ctx  context.Context
	key  KeyInfo
	body []byte
}

// tenant is the caller's tenant, from its key: never from the body or the path.
func (c *call) tenant() string { return c.key.Tenant }

func (c *call) path(name string) string { return c.r.PathValue(name) }

// bodyRoute declares a route that decodes a JSON body of type In and answers Out.
func bodyRoute[In, Out any](method, pattern, op, tag string, scope Scope, status int, summary string, fn func(*call, *In) (*Out, error)) *route {
	return &route{
		method: method, pattern: pattern, op: op, tag: tag, scope: scope, status: status, summary: summary,
		in: reflect.TypeFor[In](), out: reflect.TypeFor[Out](), limit: MaxBodyBytes,
		serve: func(c *call) (any, error) {
			in := new(In)
			if p := decodeStrict(c.body, in); p != nil {
				return nil, p
			}
			return fn(c, in)
		},
	}
}

// getRoute declares a route without a body that answers Out.
func getRoute[Out any](pattern, op, tag string, scope Scope, summary string, fn func(*call) (*Out, error)) *route {
	return &route{
		method: http.MethodGet, pattern: pattern, op: op, tag: tag, scope: scope, status: http.StatusOK, summary: summary,
		out: reflect.TypeFor[Out](),
		serve: func(c *call) (any, error) {
			return fn(c)
		},
	}
}

// deleteRoute declares a DELETE that answers 204.
func deleteRoute(pattern, op, tag string, scope Scope, summary string, fn func(*call) error) *route {
	return &route{
		method: http.MethodDelete, pattern: pattern, op: op, tag: tag, scope: scope, status: http.StatusNoContent, summary: summary,
		serve: func(c *call) (any, error) { return nil, fn(c) },
	}
}

func (rt *route) withQuery(q ...queryParam) *route {
	rt.query = append(rt.query, q...)
	return rt
}

func (rt *route) withLimit(n int64) *route {
	rt.limit = n
	return rt
}

// label is the route's name in metrics and logs.
func (rt *route) label() string { return rt.method + " " + rt.pattern }

// buildMux registers every route, and a fallback that answers unknown paths with a 404 problem
// and known paths with a wrong method with a 405 problem (ServeMux's own answers are plain text).
func (s *Server) buildMux() http.Handler {
	mux := http.NewServeMux()
	paths := http.NewServeMux()
	allowed := map[string][]string{}
	for _, rt := range s.routes {
		mux.Handle(rt.label(), s.handle(rt))
		if _, seen := allowed[rt.pattern]; !seen {
			paths.Handle(rt.pattern, http.NotFoundHandler())
		}
		allowed[rt.pattern] = append(allowed[rt.pattern], rt.method)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		p := problemf(CodeNotFound, "", "no such route; see /v1/openapi.json")
		if _, pattern := paths.Handler(r); pattern != "" {
			methods := allowed[pattern]
			w.Header().Set("Allow", strings.Join(methods, ", "))
			p = problemf(CodeMethodNotAllowed, "", "this route takes "+strings.Join(methods, ", "))
		}
		writeProblem(w, p)
		s.metrics.observeRequest("unmatched", "", p.Status, time.Since(start))
	})
	return s.recoverer(mux)
}

// recoverer is the last resort: a panic anywhere in a handler is logged with its stack and
// answered with a 500 problem instead of killing the connection (or the process).
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic in handler", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				writeProblem(w, problemf(CodeInternal, "", "the server failed to answer; the error is logged"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status for metrics and logs; Unwrap keeps ResponseController (flush,
// deadlines) working through it.
type statusWriter struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the first status.
func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write records an implicit 200.
func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap exposes the writer underneath to http.ResponseController.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// handle runs one route: authenticate, authorise and rate-limit, read the body, consult the
// Idempotency-Key store, run the handler, answer, record.
func (s *Server) handle(rt *route) http.HandlerFunc {
	label := rt.label()
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		var key KeyInfo
		defer func() {
			took := time.Since(start)
			s.metrics.observeRequest(label, rt.method, sw.status, took)
			s.logRequest(r, label, key, sw.status, took)
		}()
		if rt.raw != nil {
			rt.raw(sw, r)
			return
		}
		if rt.scope != 0 {
			var p *Problem
			if key, p = s.authenticate(r); p != nil {
				sw.Header().Set("WWW-Authenticate", `Bearer realm="depot"`)
				writeProblem(sw, p)
				return
			}
			if p := s.authorize(key, rt.scope); p != nil {
				writeProblem(sw, p)
				return
			}
		}
		if rt.stream {
			if p := s.serveEvents(sw, r, key); p != nil {
				writeProblem(sw, p)
			}
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
		defer cancel()
		c := &call{s: s, r: r, ctx: ctx, key: key}
		if rt.method == http.MethodGet {
			writeAnswer(sw, s.run(c, rt))
			return
		}
		body, p := readBody(sw, r, rt.limit)
		if p != nil {
			writeProblem(sw, p)
			return
		}
		c.body = body
		idemKey := r.Header.Get("Idempotency-Key")
		if idemKey == "" {
			writeAnswer(sw, s.run(c, rt))
			return
		}
		if p := checkIdempotencyKey(idemKey); p != nil {
			writeProblem(sw, p)
			return
		}
		stored, entry, p := s.idem.begin(ctx, key.Tenant, idemKey, fingerprint(r, body))
		switch {
		case p != nil:
			writeProblem(sw, p)
		case stored != nil:
			s.metrics.idemHits.Inc()
			sw.Header().Set("Idempotent-Replayed", "true")
			writeAnswer(sw, stored)
		default:
			a := s.run(c, rt)
			s.idem.complete(key.Tenant, entry, a)
			writeAnswer(sw, a)
		}
	}
}

// run calls the handler and renders its answer (a body or a problem) to bytes, so the answer can
// be stored for an idempotent retry before it is written.
func (s *Server) run(c *call, rt *route) (a *idemAnswer) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic in handler", "route", rt.label(), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			a = problemAnswer(problemf(CodeInternal, "", "the server failed to answer; the error is logged"))
		}
	}()
	out, err := rt.serve(c)
	if err != nil {
		p := asProblem(err)
		if p.Code == CodeInternal {
			s.log.Error("request failed", "route", rt.label(), "tenant", c.tenant(), "err", err)
		}
		return problemAnswer(p)
	}
	if rt.status == http.StatusNoContent {
		return &idemAnswer{status: http.StatusNoContent}
	}
	var body []byte
	if a, ok := out.(jsonAppender); ok {
		// Rendered into a pooled scratch buffer and copied out at its exact size: the answer
		// outlives the request when it is kept for an idempotent retry, and a fresh 4 KiB
		// buffer per answer was the largest garbage of a single-order request.
		scratch := renderPool.Get().(*[]byte)
		var out []byte
		out, err = a.AppendJSON((*scratch)[:0])
		if err == nil {
			body = make([]byte, len(out), len(out)+1)
			copy(body, out)
		}
		if cap(out) <= maxPooledRender {
			*scratch = out
			renderPool.Put(scratch)
		}
	} else {
		body, err = json.Marshal(out)
	}
	if err != nil {
		s.log.Error("encode answer", "route", rt.label(), "err", err)
		return problemAnswer(problemf(CodeInternal, "", "the server failed to encode its answer"))
	}
	return &idemAnswer{status: rt.status, contentType: "application/json", body: append(body, '\n')}
}

// renderPool holds scratch buffers for rendering answers; buffers grown past maxPooledRender
// (a large batch answer) are left to the collector rather than kept.
var renderPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

const maxPooledRender = 1 << 20

func problemAnswer(p *Problem) *idemAnswer {
	body, _ := json.Marshal(p)
	return &idemAnswer{status: p.Status, contentType: "application/problem+json", body: append(body, '\n')}
}

// writeAnswer writes a rendered answer.
func writeAnswer(w http.ResponseWriter, a *idemAnswer) {
	h := w.Header()
	if a.contentType != "" {
		h.Set("Content-Type", a.contentType)
	}
	h.Set("Cache-Control", "no-store")
	if a.status == http.StatusServiceUnavailable || a.status == http.StatusTooManyRequests {
		h.Set("Retry-After", strconv.Itoa(RetryAfterSeconds))
	}
	w.WriteHeader(a.status)
	if len(a.body) > 0 {
		_, _ = w.Write(a.body)
	}
}

// logRequest logs one request: successes at debug (the bench makes hundreds of thousands),
// client errors at info, server errors at error. Only the key's id is logged, never its secret,
// and never a body or a header value.
func (s *Server) logRequest(r *http.Request, route string, key KeyInfo, status int, took time.Duration) {
	level := slogLevel(status)
	if !s.log.Enabled(r.Context(), level) {
		return
	}
	s.log.Log(r.Context(), level, "request", "route", route, "path", r.URL.Path, "status", status,
		"took", took, "tenant", key.Tenant, "key", key.ID, "proto", r.Proto)
}

// buildRoutes is the route table: the whole HTTP surface of Depot in one list.
func (s *Server) buildRoutes() []*route {
	const (
		catalogue = "catalogue"
		stock     = "stock"
		reserve   = "reservations"
		events    = "events"
		admin     = "admin"
		ops       = "operations"
	)
	routes := []*route{
		// Catalogue.
		bodyRoute("PUT", "/v1/skus/{sku}", "putSKU", catalogue, ScopeWrite, 200, "Define or replace a SKU (kits list components)", s.putSKU),
		getRoute("/v1/skus/{sku}", "getSKU", catalogue, ScopeRead, "Get a SKU", s.getSKU),
		bodyRoute("PUT", "/v1/locations/{location}", "putLocation", catalogue, ScopeWrite, 200, "Define or replace a location", s.putLocation),
		getRoute("/v1/locations/{location}", "getLocation", catalogue, ScopeRead, "Get a location", s.getLocation),
		bodyRoute("PUT", "/v1/channels/{channel}", "putChannel", catalogue, ScopeWrite, 200, "Define or replace a channel, its feeding locations and buffers", s.putChannel),
		getRoute("/v1/channels/{channel}", "getChannel", catalogue, ScopeRead, "Get a channel", s.getChannel),

		// Stock.
		getRoute("/v1/inventory/{sku}", "getInventory", stock, ScopeRead, "Every position of a SKU", s.getInventory),
		getRoute("/v1/inventory/{sku}/{location}", "getPosition", stock, ScopeRead, "The position of a SKU at a location", s.getPosition),
		getRoute("/v1/channels/{channel}/availability/{sku}", "getAvailability", stock, ScopeRead, "What a channel may still sell of a SKU", s.getAvailability),
		bodyRoute("POST", "/v1/receipts", "postReceipt", stock, ScopeWrite, 200, "Receive units into on-hand stock", commandHandler[Receipt](s)),
		bodyRoute("POST", "/v1/adjustments", "postAdjustment", stock, ScopeWrite, 200, "Adjust on-hand stock by a signed delta", commandHandler[Adjustment](s)),
		bodyRoute("POST", "/v1/counts", "postCount", stock, ScopeWrite, 200, "Record a cycle count", commandHandler[Count](s)),
		bodyRoute("POST", "/v1/holds", "postHold", stock, ScopeWrite, 200, "Hold or unhold units", commandHandler[Hold](s)),
		bodyRoute("POST", "/v1/inbound", "postInbound", stock, ScopeWrite, 200, "Expect an inbound receipt", commandHandler[Inbound](s)),
		bodyRoute("POST", "/v1/shipments", "postShipment", stock, ScopeWrite, 200, "Ship allocated units of an order", commandHandler[Shipment](s)),
		bodyRoute("POST", "/v1/returns", "postReturn", stock, ScopeWrite, 200, "Return units to a location", commandHandler[Return](s)),

		// Reservations.
		bodyRoute("POST", "/v1/reservations", "postReservation", reserve, ScopeWrite, 200, "Reserve stock for a channel (all lines or none)", commandHandler[ReservationRequest](s)),
		getRoute("/v1/reservations/{id}", "getReservation", reserve, ScopeRead, "Get a reservation", s.getReservation),
		bodyRoute("POST", "/v1/reservations/{id}/extend", "extendReservation", reserve, ScopeWrite, 200, "Extend a live reservation", s.extend),
		bodyRoute("POST", "/v1/reservations/{id}/release", "releaseReservation", reserve, ScopeWrite, 200, "Release a live reservation", s.release),
		bodyRoute("POST", "/v1/reservations/{id}/commit", "commitReservation", reserve, ScopeWrite, 200, "Commit a reservation to an order", s.commit),

		// Many commands in one request.
		bodyRoute("POST", "/v1/batch", "postBatch", stock, ScopeWrite, 200, "Apply up to 1,000 commands in one group commit, answering each", s.batch).
			withLimit(MaxBatchBodyBytes).
			withQuery(queryParam{"events", "boolean", "false omits the events of each result (smaller answers for bulk loads)"}),

		// Events.
		{
			method: "GET", pattern: "/v1/events", op: "streamEvents", tag: events, scope: ScopeRead, status: 200, stream: true,
			summary: "Stream committed events as Server-Sent Events, resumable with Last-Event-ID",
			out:     reflect.TypeFor[Event](),
			query: []queryParam{
				{"after", "integer", "sequence number to resume after (Last-Event-ID wins); default: now"},
				{"kinds", "string", "comma-separated event kinds to include; default: all"},
			},
		},
		bodyRoute("POST", "/v1/webhooks", "createWebhook", events, ScopeAdmin, 201, "Subscribe a URL to events (the answer shows the signing secret once)", s.createWebhook),
		getRoute("/v1/webhooks", "listWebhooks", events, ScopeAdmin, "List webhook subscriptions", s.listWebhooks),
		getRoute("/v1/webhooks/{id}", "getWebhook", events, ScopeAdmin, "Get a webhook subscription", s.getWebhook),
		deleteRoute("/v1/webhooks/{id}", "deleteWebhook", events, ScopeAdmin, "Delete a webhook subscription", s.deleteWebhook),
		getRoute("/v1/webhooks/{id}/dead-letters", "listDeadLetters", events, ScopeAdmin, "Deliveries that failed every attempt", s.listDeadLetters),

		// Keys and stats.
		bodyRoute("POST", "/v1/keys", "createKey", admin, ScopeAdmin, 201, "Create an API key for this tenant (the answer shows the secret once)", s.createKey),
		getRoute("/v1/keys", "listKeys", admin, ScopeAdmin, "List this tenant's API keys", s.listKeys),
		deleteRoute("/v1/keys/{id}", "revokeKey", admin, ScopeAdmin, "Revoke an API key", s.revokeKey),
		getRoute("/v1/stats", "getStats", ops, ScopeRead, "Counts of this tenant and the server's progress", s.getStats),

		// Operations, without a key.
		getRoute("/healthz", "health", ops, 0, "Liveness: the process answers", s.health),
		getRoute("/readyz", "ready", ops, 0, "Readiness: the sequencer takes commands", s.readiness),
		{method: "GET", pattern: "/metrics", op: "metrics", tag: ops, summary: "Prometheus metrics", status: 200, content: "text/plain",
			raw: promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{ErrorLog: slogErrorLog{s.log}}).ServeHTTP},
		{method: "GET", pattern: "/v1/openapi.json", op: "openapi", tag: ops, summary: "This API's OpenAPI 3.1 document", status: 200, content: "application/json",
			raw: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(s.openapi)
			}},
	}
	routes = append(routes, s.intelRoutes()...)
	routes = append(routes, s.orderRoutes()...)
	routes = append(routes, s.adRoutes()...)
	slices.SortStableFunc(routes, func(a, b *route) int { return strings.Compare(a.pattern, b.pattern) })
	return routes
}

// slogErrorLog adapts the logger for promhttp.
type slogErrorLog struct {
	log interface{ Error(string, ...any) }
}

// Println logs a metrics handler error.
func (l slogErrorLog) Println(v ...any) { l.log.Error("metrics", "err", fmt.Sprint(v...)) }
