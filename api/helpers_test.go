package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/depothq/depot/api"
	"github.com/depothq/depot/api/client"
	"github.com/depothq/depot/engine"
	"github.com/depothq/depot/internal/syncbuf"
	"github.com/depothq/depot/journal"
	"github.com/depothq/depot/sequencer"
)

// bundle is a real server on a random loopback port with everything a test needs around it.
type bundle struct {
	t     testing.TB
	j     journal.Journal
	seq   *sequencer.Sequencer
	feed  *api.Feed
	srv   *api.Server
	url   string
	clock *fakeClock
	logs  *syncbuf.Buffer
	// admin is an admin client of tenant "acme".
	admin *client.Client
}

// bundleOptions tune newBundle.
type bundleOptions struct {
	journal  journal.Journal // default a fresh memory journal
	dataDir  string
	ring     int
	queue    int
	config   func(*api.Config)
	keepOpen bool // the test closes the bundle itself
}

// fakeClock is the sequencer's clock: tests move time explicitly, so nothing depends on how long
// a step took.
type fakeClock struct{ ns atomic.Int64 }

func (c *fakeClock) now() int64              { return c.ns.Load() }
func (c *fakeClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

func newBundle(t testing.TB, opts ...bundleOptions) *bundle {
	t.Helper()
	var o bundleOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.journal == nil {
		o.journal = journal.NewMemory()
	}
	b := &bundle{t: t, j: o.journal, clock: &fakeClock{}, logs: &syncbuf.Buffer{}}
	b.clock.ns.Store(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	log := slog.New(slog.NewJSONHandler(b.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	b.feed = api.NewFeed(o.ring)
	seq, err := sequencer.Open(o.journal, sequencer.Options{Clock: b.clock.now, Logger: log, OnCommit: b.feed.OnCommit, QueueSize: o.queue})
	if err != nil {
		t.Fatalf("open sequencer: %v", err)
	}
	b.seq = seq
	cfg := api.Config{
		Sequencer: seq, Feed: b.feed, Journal: o.journal, DataDir: o.dataDir, Logger: log,
		TickEvery: -1, WebhookRetryBase: time.Millisecond, WebhookRetryMax: 4 * time.Millisecond,
	}
	if o.config != nil {
		o.config(&cfg)
	}
	srv, err := api.NewServer(cfg)
	if err != nil {
		t.Fatalf("new server: %v", err)
	}
	b.srv = srv
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	b.url = "http://" + ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	if !o.keepOpen {
		t.Cleanup(b.close)
	}
	b.admin = b.client("acme", api.ScopeAdmin)
	return b
}

// close stops the server, the sequencer and the journal, in that order.
func (b *bundle) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.srv.Shutdown(ctx); err != nil {
		b.t.Errorf("shutdown: %v", err)
	}
	if err := b.seq.Close(); err != nil && !errors.Is(err, sequencer.ErrFailed) {
		b.t.Errorf("close sequencer: %v", err)
	}
	_ = b.j.Close()
}

// key makes an in-memory key and returns its secret.
func (b *bundle) key(tenant string, scope api.Scope) string {
	b.t.Helper()
	_, secret, err := b.srv.Keys().CreateEphemeral(tenant, scope, "test")
	if err != nil {
		b.t.Fatalf("create key: %v", err)
	}
	return secret
}

// client returns a client for a new key of tenant and scope.
func (b *bundle) client(tenant string, scope api.Scope) *client.Client {
	return client.New(b.url, b.key(tenant, scope), nil)
}

// hash is the engine's state hash, read the way the server reads.
func (b *bundle) hash() [32]byte {
	b.t.Helper()
	var h [32]byte
	if err := b.seq.Read(context.Background(), func(e *engine.Engine) { h = e.Hash() }); err != nil {
		b.t.Fatalf("read hash: %v", err)
	}
	return h
}

// raw sends a request with a raw body and returns status, headers and body.
func (b *bundle) raw(method, path, secret, contentType string, body []byte, header ...string) (int, http.Header, []byte) {
	b.t.Helper()
	req, err := http.NewRequest(method, b.url+path, bytes.NewReader(body))
	if err != nil {
		b.t.Fatalf("request: %v", err)
	}
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatalf("read answer: %v", err)
	}
	return resp.StatusCode, resp.Header, data
}

// problemOf decodes a problem answer, failing the test if it is not one.
func problemOf(t testing.TB, h http.Header, body []byte) api.Problem {
	t.Helper()
	if ct := h.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q, want application/problem+json; body %s", ct, body)
	}
	var p api.Problem
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("decode problem %s: %v", body, err)
	}
	if p.Type == "" || p.Title == "" || p.Status == 0 || p.Code == "" {
		t.Fatalf("incomplete problem %s", body)
	}
	return p
}

// wantCode fails unless err is a client error with the code and the status the table gives it.
func wantCode(t testing.TB, err error, code string) *client.Error {
	t.Helper()
	var e *client.Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %v, want problem %s", err, code)
	}
	if e.Problem.Code != code {
		t.Fatalf("got %v, want code %s", err, code)
	}
	if e.Status != api.StatusOf(code) || e.Problem.Status != e.Status {
		t.Fatalf("code %s answered %d (problem says %d), the table says %d", code, e.Status, e.Problem.Status, api.StatusOf(code))
	}
	return e
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

func ok(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

var ctx = context.Background()

// seed defines a small business for tenant acme (or the client's tenant): two SKUs and a kit,
// a warehouse and a store, a web channel fed by both, and stock.
func seed(t testing.TB, c *client.Client) {
	t.Helper()
	ok(t, errOf(c.PutSKU(ctx, "tee", api.SKUSpec{Name: "T-shirt", WeightGrams: 200, PriceMinor: 1500})))
	ok(t, errOf(c.PutSKU(ctx, "mug", api.SKUSpec{Name: "Mug", PriceMinor: 900})))
	ok(t, errOf(c.PutSKU(ctx, "bundle", api.SKUSpec{Name: "Tee and mug", Components: []api.Component{{SKU: "tee", Qty: 1}, {SKU: "mug", Qty: 2}}})))
	ok(t, errOf(c.PutLocation(ctx, "wh1", api.LocationSpec{Name: "Warehouse", Type: "warehouse", LatE6: 52_520_000, LonE6: 13_405_000})))
	ok(t, errOf(c.PutLocation(ctx, "st1", api.LocationSpec{Name: "Store", Type: "store", Status: "open", LatE6: 52_500_000, LonE6: 13_400_000})))
	ok(t, errOf(c.PutChannel(ctx, "web", api.ChannelSpec{Name: "Web shop", Locations: []string{"wh1", "st1"}, Buffer: api.Buffer{Units: 1}})))
	ok(t, errOf(c.Receive(ctx, api.Receipt{ID: "rc-tee", SKU: "tee", Location: "wh1", Qty: 100})))
	ok(t, errOf(c.Receive(ctx, api.Receipt{ID: "rc-mug", SKU: "mug", Location: "wh1", Qty: 50})))
}

func errOf[T any](_ T, err error) error { return err }

// eventually polls cond until it holds or the test's deadline nears. It never asserts how long
// anything took; it only bounds how long the test waits.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
