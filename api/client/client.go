// Package client is the typed Go client of Depot's HTTP API, used by the CLI, the demo, the bench
// and the API's own tests. It speaks the wire types of package api, so it cannot disagree with
// the server about a field, and returns every error answer as an *Error carrying the problem.
//
// The client owns connection reuse and request encoding; it must never retry a command on its
// own (a caller that wants safe retries passes WithIdempotencyKey or reuses the command id, which
// the engine deduplicates) and never log or expose the API key.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/depothq/depot/api"
)

// Options tune a client. The zero value suits most uses.
type Options struct {
	// HTTPClient replaces the client's own; Timeout, H2C and MaxConnsPerHost are then ignored.
	HTTPClient *http.Client
	// H2C speaks unencrypted HTTP/2 with prior knowledge: every request multiplexed on one
	// connection. The default is HTTP/1.1 with a pool of keep-alive connections, each exchange
	// on the caller's goroutine (transport.go) for http:// servers reached without a proxy.
	H2C bool
	// MaxConnsPerHost bounds the idle connections kept per host (default 1024, so that a bench
	// with many goroutines never reconnects).
	MaxConnsPerHost int
	// Timeout bounds each request other than event streams (default 30 s).
	Timeout time.Duration
	// UserAgent is sent with every request (default depot-go-client/1).
	UserAgent string
}

// Client calls one Depot server with one API key. It is safe for concurrent use.
type Client struct {
	base   string
	auth   string
	hc     *http.Client
	stream *http.Client // the same transport without a timeout, for event streams
	ua     string
}

// New returns a client for the server at baseURL (such as http://127.0.0.1:7070) that
// authenticates with key.
func New(baseURL, key string, opts *Options) *Client {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.MaxConnsPerHost <= 0 {
		o.MaxConnsPerHost = 1024
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.UserAgent == "" {
		o.UserAgent = "depot-go-client/1"
	}
	c := &Client{base: strings.TrimRight(baseURL, "/"), auth: "Bearer " + key, ua: o.UserAgent}
	if o.HTTPClient != nil {
		c.hc, c.stream = o.HTTPClient, o.HTTPClient
		return c
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	if u, err := url.Parse(c.base); err == nil && u.Scheme == "http" && !o.H2C && !proxied(u) {
		// The timeout is the transport's own connection deadline (transport.go).
		st := newSyncTransport(dialer, o.MaxConnsPerHost)
		c.hc = &http.Client{Transport: st.withTimeout(o.Timeout)}
		c.stream = &http.Client{Transport: st}
		return c
	}
	tr := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         dialer.DialContext,
		MaxIdleConns:        o.MaxConnsPerHost,
		MaxIdleConnsPerHost: o.MaxConnsPerHost,
		IdleConnTimeout:     90 * time.Second,
	}
	if o.H2C {
		var p http.Protocols
		p.SetUnencryptedHTTP2(true)
		tr.Protocols = &p
	}
	c.hc = &http.Client{Transport: tr, Timeout: o.Timeout}
	c.stream = &http.Client{Transport: tr}
	return c
}

// proxied reports whether the environment sends requests to u through a proxy; the client's own
// transport (transport.go) speaks to the server directly, so such clients keep net/http's.
func proxied(u *url.URL) bool {
	p, err := http.ProxyFromEnvironment(&http.Request{URL: u})
	return err != nil || p != nil
}

// Error is an error answer from the server: its status and problem document.
type Error struct {
	Status  int
	Problem api.Problem
}

// Error implements error.
func (e *Error) Error() string {
	s := fmt.Sprintf("depot: %d %s", e.Status, e.Problem.Code)
	if e.Problem.Field != "" {
		s += " (" + e.Problem.Field + ")"
	}
	if e.Problem.Detail != "" {
		s += ": " + e.Problem.Detail
	}
	return s
}

// Code returns the problem's stable code, such as "insufficient_stock".
func (e *Error) Code() string { return e.Problem.Code }

// Field returns the offending field, if the server named one.
func (e *Error) Field() string { return e.Problem.Field }

// CodeOf returns the problem code of an error from this client, or "" for other errors.
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Problem.Code
	}
	return ""
}

// CallOption adjusts one call.
type CallOption func(*callOptions)

type callOptions struct {
	idempotencyKey string
	query          url.Values
	// noEvents is WithoutEvents, kept apart from query so that the bench's hot call builds no
	// url.Values to encode.
	noEvents bool
}

// WithIdempotencyKey sends an Idempotency-Key: a retry with the same key and body is answered
// with the first answer instead of running again.
func WithIdempotencyKey(key string) CallOption {
	return func(o *callOptions) { o.idempotencyKey = key }
}

// WithoutEvents asks a batch to leave out the events of each result, for bulk loads.
func WithoutEvents() CallOption {
	return withoutEvents
}

func withoutEvents(o *callOptions) { o.noEvents = true }

// bufPool recycles request buffers: the bench encodes hundreds of thousands of commands a second.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// appender is implemented by request types that append their own compact JSON (the batch
// request): encoding/json would call MarshalJSON and then re-scan the output to compact and
// validate it, which at the bench's rates costs as much as encoding it.
type appender interface {
	AppendJSON(dst []byte) ([]byte, error)
}

// encodeBody writes body's JSON to buf.
func encodeBody(buf *bytes.Buffer, body any) error {
	if a, ok := body.(appender); ok {
		b, err := a.AppendJSON(buf.AvailableBuffer())
		if err != nil {
			return err
		}
		buf.Write(b)
		return nil
	}
	return json.NewEncoder(buf).Encode(body)
}

// Do sends one request and decodes a JSON answer into out (nil to discard it). body, if not nil,
// is encoded as JSON. It is the escape hatch under the typed methods.
func (c *Client) Do(ctx context.Context, method, path string, body, out any, opts ...CallOption) error {
	var o callOptions
	for _, fn := range opts {
		fn(&o)
	}
	target := c.base + path
	switch q := o.query; {
	case o.noEvents && len(q) > 0:
		q = maps.Clone(q)
		q.Set("events", "false")
		target += "?" + q.Encode()
	case o.noEvents:
		target += "?events=false"
	case len(q) > 0:
		target += "?" + q.Encode()
	}
	var rd io.Reader
	var buf *bytes.Buffer
	if body != nil {
		buf = bufPool.Get().(*bytes.Buffer)
		buf.Reset()
		defer bufPool.Put(buf)
		if err := encodeBody(buf, body); err != nil {
			return fmt.Errorf("depot: encode %s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(buf.Bytes())
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return fmt.Errorf("depot: %s %s: %w", method, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", c.auth)
	req.Header.Set("User-Agent", c.ua)
	req.Header.Set("Accept", "application/json")
	if o.idempotencyKey != "" {
		req.Header.Set("Idempotency-Key", o.idempotencyKey)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("depot: %s %s: %w", method, path, err)
	}
	defer func() {
		// Drain so the connection goes back to the pool.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
	}()
	if resp.StatusCode >= 300 {
		return decodeError(resp)
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	if u, ok := out.(json.Unmarshaler); ok {
		// Types with their own decoder (the batch answer) get the bytes directly: a
		// json.Decoder would scan the whole value once before handing it over.
		buf := bufPool.Get().(*bytes.Buffer)
		buf.Reset()
		defer bufPool.Put(buf)
		if _, err := buf.ReadFrom(io.LimitReader(resp.Body, maxAnswerBytes+1)); err != nil {
			return fmt.Errorf("depot: read answer of %s %s: %w", method, path, err)
		}
		if buf.Len() > maxAnswerBytes {
			return fmt.Errorf("depot: answer of %s %s exceeds %d bytes", method, path, maxAnswerBytes)
		}
		if err := u.UnmarshalJSON(buf.Bytes()); err != nil {
			return fmt.Errorf("depot: decode answer of %s %s: %w", method, path, err)
		}
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("depot: decode answer of %s %s: %w", method, path, err)
	}
	return nil
}

// maxAnswerBytes bounds an answer read whole: a batch of the most commands with their events
// stays far below it.
const maxAnswerBytes = 64 << 20

// decodeError reads a problem answer; a body that is not one still yields an *Error with the
// status, so callers can always branch on Status.
func decodeError(resp *http.Response) error {
	e := &Error{Status: resp.StatusCode}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err := json.Unmarshal(data, &e.Problem); err != nil || e.Problem.Code == "" {
		e.Problem = api.Problem{Status: resp.StatusCode, Code: "http_" + fmt.Sprint(resp.StatusCode), Detail: strings.TrimSpace(string(data))}
	}
	return e
}

func esc(s string) string { return url.PathEscape(s) }

// call makes a request and returns the decoded answer, or nil and the error.
func call[T any](c *Client, ctx context.Context, method, path string, body any, opts ...CallOption) (*T, error) {
	out := new(T)
	if err := c.Do(ctx, method, path, body, out, opts...); err != nil {
		return nil, err
	}
	return out, nil
}

// Catalogue.

// PutSKU defines or replaces a SKU.
func (c *Client) PutSKU(ctx context.Context, sku string, spec api.SKUSpec, opts ...CallOption) (*api.Result, error) {
	return call[api.Result](c, ctx, http.MethodPut, "/v1/skus/"+esc(sku), spec, opts...)
}

// GetSKU returns a SKU.
func (c *Client) GetSKU(ctx context.Context, sku string) (*api.SKU, error) {
	return call[api.SKU](c, ctx, http.MethodGet, "/v1/skus/"+esc(sku), nil)
}

// PutLocation defines or replaces a location.
func (c *Client) PutLocation(ctx context.Context, location string, spec api.LocationSpec, opts ...CallOption) (*api.Result, error) {
	return call[api.Result](c, ctx, http.MethodPut, "/v1/locations/"+esc(location), spec, opts...)
}

// GetLocation returns a location.
func (c *Client) GetLocation(ctx context.Context, location string) (*api.Location, error) {
	return call[api.Location](c, ctx, http.MethodGet, "/v1/locations/"+esc(location), nil)
}

// PutChannel defines or replaces a channel.
func (c *Client) PutChannel(ctx context.Context, channel string, spec api.ChannelSpec, opts ...CallOption) (*api.Result, error) {
	return call[api.Result](c, ctx, http.MethodPut, "/v1/channels/"+esc(channel), spec, opts...)
}

// GetChannel returns a channel.
func (c *Client) GetChannel(ctx context.Context, channel string) (*api.Channel, error) {
	return call[api.Channel](c, ctx, http.MethodGet, "/v1/channels/"+esc(channel), nil)
}

// Stock.

// Inventory returns every position of a SKU.
func (c *Client) Inventory(ctx context.Context, sku string) (*api.Inventory, error) {
	return call[api.Inventory](c, ctx, http.MethodGet, "/v1/inventory/"+esc(sku), nil)
}

// Position returns the position of a SKU at a location.
func (c *Client) Position(ctx context.Context, sku, location string) (*api.Position, error) {
	return call[api.Position](c, ctx, http.MethodGet, "/v1/inventory/"+esc(sku)+"/"+esc(location), nil)
}

// Availability returns what a channel may still sell of a SKU.
func (c *Client) Availability(ctx context.Context, channel, sku string) (*api.Availability, error) {
	return call[api.Availability](c, ctx, http.MethodGet, "/v1/channels/"+esc(channel)+"/availability/"+esc(sku), nil)
}

func (c *Client) command(ctx context.Context, path string, body any, opts []CallOption) (*api.Result, error) {
	return call[api.Result](c, ctx, http.MethodPost, path, body, opts...)
}

// Receive adds units to on-hand stock.
func (c *Client) Receive(ctx context.Context, r api.Receipt, opts ...CallOption) (*api.Result, error) {
	return c.command(ctx, "/v1/receipts", r, opts)
}

// Adjust changes on-hand stock by a signed delta.
func (c *Client) Adjust(ctx context.Context, a api.Adjustment, opts ...CallOption) (*api.Result, error) {
	return c.command(ctx, "/v1/adjustments", a, opts)
}

// Count records a cycle count.
func (c *Client) Count(ctx context.Context, n api.Count, opts ...CallOption) (*api.Result, error) {
	return c.command(ctx, "/v1/counts", n, opts)
}

// Hold moves units into or out of the held bucket.
func (c *Client) Hold(ctx context.Context, h api.Hold, opts ...CallOption) (*api.Result, error) {
	return c.command(ctx, "/v1/holds", h, opts)
}

// ExpectInbound records an expected receipt.
func (c *Client) ExpectInbound(ctx context.Context, in api.Inbound, opts ...CallOption) (*api.Result, error) {
	return c.command(ctx, "/v1/inbound", in, opts)
}

// Ship ships allocated units of an order.
func (c *Client) Ship(ctx context.Context, s api.Shipment, opts ...CallOption) (*api.Result, error) {
	return c.command(ctx, "/v1/shipments", s, opts)
}

// Return brings units back to a location.
func (c *Client) Return(ctx context.Context, r api.Return, opts ...CallOption) (*api.Result, error) {
	return c.command(ctx, "/v1/returns", r, opts)
}

// Reservations.

// Reserve holds stock for a channel, all lines or none.
func (c *Client) Reserve(ctx context.Context, r api.ReservationRequest, opts ...CallOption) (*api.Result, error) {
	return c.command(ctx, "/v1/reservations", r, opts)
}

// Reservation returns a reservation.
func (c *Client) Reservation(ctx context.Context, id string) (*api.Reservation, error) {
	return call[api.Reservation](c, ctx, http.MethodGet, "/v1/reservations/"+esc(id), nil)
}

// Extend moves a live reservation's expiry to now + ttl.
func (c *Client) Extend(ctx context.Context, id string, ttl time.Duration, opts ...CallOption) (*api.Result, error) {
	return c.command(ctx, "/v1/reservations/"+esc(id)+"/extend", api.ExtendBody{TTLNs: int64(ttl)}, opts)
}

// Release gives a live reservation's stock back.
func (c *Client) Release(ctx context.Context, id string, opts ...CallOption) (*api.Result, error) {
	return c.command(ctx, "/v1/reservations/"+esc(id)+"/release", api.ReleaseBody{}, opts)
}

// Commit allocates a live reservation to an order.
func (c *Client) Commit(ctx context.Context, id, order string, opts ...CallOption) (*api.Result, error) {
	return c.command(ctx, "/v1/reservations/"+esc(id)+"/commit", api.CommitBody{Order: order}, opts)
}

// Batch applies up to api.MaxBatchCommands commands in one request and answers each.
func (c *Client) Batch(ctx context.Context, cmds []api.Command, opts ...CallOption) (*api.BatchResponse, error) {
	return call[api.BatchResponse](c, ctx, http.MethodPost, "/v1/batch", api.BatchRequest{Commands: cmds}, opts...)
}

// BatchJSON sends a batch whose body the caller already encoded (an api.BatchRequest's
// AppendJSON, or JSON from elsewhere), for load generators and integrations that hold their
// requests as bytes: bytes are one object the collector never scans, where a batch of command
// structs is thousands of pointers.
func (c *Client) BatchJSON(ctx context.Context, body []byte, opts ...CallOption) (*api.BatchResponse, error) {
	return call[api.BatchResponse](c, ctx, http.MethodPost, "/v1/batch", rawJSON(body), opts...)
}

// rawJSON is a request body already encoded.
type rawJSON []byte

func (r rawJSON) AppendJSON(dst []byte) ([]byte, error) { return append(dst, r...), nil }

// Stats returns the tenant's counts and the server's progress.
func (c *Client) Stats(ctx context.Context) (*api.Stats, error) {
	return call[api.Stats](c, ctx, http.MethodGet, "/v1/stats", nil)
}

// Webhooks.

// CreateWebhook subscribes a URL; the answer holds the signing secret, shown only here.
func (c *Client) CreateWebhook(ctx context.Context, spec api.WebhookSpec, opts ...CallOption) (*api.Webhook, error) {
	return call[api.Webhook](c, ctx, http.MethodPost, "/v1/webhooks", spec, opts...)
}

// Webhooks lists the tenant's subscriptions.
func (c *Client) Webhooks(ctx context.Context) ([]api.Webhook, error) {
	out, err := call[api.WebhookList](c, ctx, http.MethodGet, "/v1/webhooks", nil)
	if err != nil {
		return nil, err
	}
	return out.Webhooks, nil
}

// Webhook returns one subscription.
func (c *Client) Webhook(ctx context.Context, id string) (*api.Webhook, error) {
	return call[api.Webhook](c, ctx, http.MethodGet, "/v1/webhooks/"+esc(id), nil)
}

// DeleteWebhook removes a subscription.
func (c *Client) DeleteWebhook(ctx context.Context, id string) error {
	return c.Do(ctx, http.MethodDelete, "/v1/webhooks/"+esc(id), nil, nil)
}

// DeadLetters returns the deliveries of a subscription that failed every attempt.
func (c *Client) DeadLetters(ctx context.Context, id string) ([]api.DeadLetter, error) {
	out, err := call[api.DeadLetterList](c, ctx, http.MethodGet, "/v1/webhooks/"+esc(id)+"/dead-letters", nil)
	if err != nil {
		return nil, err
	}
	return out.DeadLetters, nil
}

// Keys.

// CreateKey makes a key for the caller's tenant; the answer holds the secret, shown only here.
func (c *Client) CreateKey(ctx context.Context, spec api.KeySpec, opts ...CallOption) (*api.Key, error) {
	return call[api.Key](c, ctx, http.MethodPost, "/v1/keys", spec, opts...)
}

// Keys lists the tenant's keys.
func (c *Client) Keys(ctx context.Context) ([]api.Key, error) {
	out, err := call[api.KeyList](c, ctx, http.MethodGet, "/v1/keys", nil)
	if err != nil {
		return nil, err
	}
	return out.Keys, nil
}

// RevokeKey revokes a key of the tenant.
func (c *Client) RevokeKey(ctx context.Context, id string) error {
	return c.Do(ctx, http.MethodDelete, "/v1/keys/"+esc(id), nil, nil)
}

// Operations.

// Ready returns nil when the server takes commands.
func (c *Client) Ready(ctx context.Context) error {
	return c.Do(ctx, http.MethodGet, "/readyz", nil, nil)
}

// RecordAdMetrics records a campaign's ad metrics for a SKU on a channel over a period.
func (c *Client) RecordAdMetrics(ctx context.Context, m api.AdMetricsReport, opts ...CallOption) (*api.Result, error) {
	return c.command(ctx, "/v1/ads/metrics", m, opts)
}
