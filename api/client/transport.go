package client

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// syncTransport is the client's HTTP/1.1 transport for plain-http servers: each exchange runs on
// the calling goroutine over a pool of keep-alive connections. net/http's Transport gives every
// connection a reader and a writer goroutine and hands each request and answer across them;
// with tens of thousands of small requests a second (the bench's single-order load, sharing two
// cores with the server it measures) those hand-offs cost as much CPU as the server's own work.
// Requests are written and answers parsed by net/http itself (Request.Write, ReadResponse), so
// framing, chunked bodies and Connection: close follow the standard library.
//
// Like the rest of the client it never retries: a request that fails on a reused connection is
// reported, and connections idle longer than syncIdleTimeout are closed rather than reused, so
// that a server's idle timeout does not turn into failed commands.
type syncTransport struct {
	*syncPool
	// timeout bounds each exchange (0: none), as http.Client.Timeout would; kept here because
	// the client's wrapper costs a context and a timer per request, and a connection deadline
	// costs nothing.
	timeout time.Duration
}

// syncPool is the dialer and idle connections that a client's transports (with and without a
// timeout) share.
type syncPool struct {
	dialer *net.Dialer

	mu      sync.Mutex
	idle    map[string][]*syncConn // by host:port, most recently used last
	maxIdle int                    // per host
}

// syncIdleTimeout is how long an idle connection may be reused; the server's idle timeout
// (api.IdleTimeout) is longer.
const syncIdleTimeout = 30 * time.Second

// syncProbeAfter is the idle time after which a pooled connection is checked before reuse: a
// server or proxy may have closed it meanwhile, and a command sent on it would fail.
const syncProbeAfter = time.Second

// longAgo is a deadline in the past, set to interrupt a blocked read or write on cancellation.
var longAgo = time.Unix(1, 0)

type syncConn struct {
	addr     string
	conn     net.Conn
	br       *bufio.Reader
	bw       *bufio.Writer
	lastUsed time.Time
}

func newSyncTransport(dialer *net.Dialer, maxIdlePerHost int) *syncTransport {
	return &syncTransport{syncPool: &syncPool{dialer: dialer, idle: make(map[string][]*syncConn), maxIdle: maxIdlePerHost}}
}

// withTimeout returns a transport over the same connections whose exchanges end after d.
func (t *syncTransport) withTimeout(d time.Duration) *syncTransport {
	return &syncTransport{syncPool: t.syncPool, timeout: d}
}

// RoundTrip implements http.RoundTripper.
func (t *syncTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != "http" {
		closeBody(req)
		return nil, fmt.Errorf("depot client: transport speaks plain http, not %q", req.URL.Scheme)
	}
	ctx := req.Context()
	addr := canonicalAddr(req.URL.Host)
	sc, err := t.get(ctx, addr)
	if err != nil {
		closeBody(req)
		return nil, err
	}
	var deadline time.Time
	if t.timeout > 0 {
		deadline = time.Now().Add(t.timeout)
	}
	if dl, ok := ctx.Deadline(); ok && (deadline.IsZero() || dl.Before(deadline)) {
		deadline = dl
	}
	if err := sc.conn.SetDeadline(deadline); err != nil {
		closeBody(req)
		sc.conn.Close()
		return nil, err
	}
	// Cancelling the context interrupts whatever the exchange is blocked on; the connection is
	// then closed, never reused. A context that cannot be cancelled needs no watch.
	stop := noWatch
	if ctx.Done() != nil {
		stop = context.AfterFunc(ctx, func() { sc.conn.SetDeadline(longAgo) })
	}
	fail := func(err error) (*http.Response, error) {
		stop()
		sc.conn.Close()
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		// The connection's deadline may fire a moment before the context's.
		if !deadline.IsZero() && !time.Now().Before(deadline) {
			if dl, ok := ctx.Deadline(); ok && !dl.After(deadline) {
				return nil, context.DeadlineExceeded
			}
			return nil, fmt.Errorf("depot client: no answer within %s: %w", t.timeout, err)
		}
		return nil, err
	}
	if err := req.Write(sc.bw); err != nil {
		return fail(err)
	}
	if err := sc.bw.Flush(); err != nil {
		return fail(err)
	}
	resp, err := http.ReadResponse(sc.br, req)
	if err != nil {
		return fail(err)
	}
	resp.Body = &syncBody{rc: resp.Body, t: t, sc: sc, stop: stop, reusable: !resp.Close && !req.Close}
	return resp, nil
}

// noWatch is the stop function of an exchange whose context cannot be cancelled.
func noWatch() bool { return true }

// closeBody closes a request body RoundTrip will not send, as the RoundTripper contract asks.
func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// get returns an idle connection to addr, or dials one.
func (t *syncTransport) get(ctx context.Context, addr string) (*syncConn, error) {
	now := time.Now()
	t.mu.Lock()
	for list := t.idle[addr]; len(list) > 0; list = t.idle[addr] {
		sc := list[len(list)-1]
		list[len(list)-1] = nil
		t.idle[addr] = list[:len(list)-1]
		if idle := now.Sub(sc.lastUsed); idle < syncIdleTimeout {
			t.mu.Unlock()
			if idle < syncProbeAfter || alive(sc) {
				return sc, nil
			}
			sc.conn.Close()
			t.mu.Lock()
			continue
		}
		sc.conn.Close()
	}
	t.mu.Unlock()
	conn, err := t.dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	return &syncConn{addr: addr, conn: conn, br: bufio.NewReaderSize(conn, 16<<10), bw: bufio.NewWriterSize(conn, 16<<10)}, nil
}

// put returns a connection whose last answer was read to its end to the idle pool.
func (t *syncTransport) put(sc *syncConn) {
	sc.lastUsed = time.Now()
	t.mu.Lock()
	if len(t.idle[sc.addr]) < t.maxIdle {
		t.idle[sc.addr] = append(t.idle[sc.addr], sc)
		sc = nil
	}
	t.mu.Unlock()
	if sc != nil {
		sc.conn.Close()
	}
}

// CloseIdleConnections closes the pooled connections (http.Client.CloseIdleConnections calls it).
func (t *syncTransport) CloseIdleConnections() {
	t.mu.Lock()
	idle := t.idle
	t.idle = make(map[string][]*syncConn)
	t.mu.Unlock()
	for _, list := range idle {
		for _, sc := range list {
			sc.conn.Close()
		}
	}
}

// syncBody is an answer's body; closing it after reading it to the end returns the connection
// to the pool, closing it earlier closes the connection.
type syncBody struct {
	rc       io.ReadCloser
	t        *syncTransport
	sc       *syncConn
	stop     func() bool
	reusable bool
	eof      bool
	closed   bool
}

func (b *syncBody) Read(p []byte) (int, error) {
	if b.closed {
		return 0, errors.New("depot client: read on a closed answer body")
	}
	n, err := b.rc.Read(p)
	if err == io.EOF {
		b.eof = true
	}
	return n, err
}

func (b *syncBody) Close() error {
	if b.closed {
		return nil
	}
	b.closed = true
	if !b.eof || !b.reusable {
		// The connection goes first: closing net/http's body reads an unfinished body to its
		// end, which for an event stream is never.
		b.stop()
		b.sc.conn.Close()
		b.rc.Close()
		return nil
	}
	err := b.rc.Close()
	// stop reports false once the cancellation has fired: the deadline was then spoiled.
	if stopped := b.stop(); stopped && err == nil {
		b.t.put(b.sc)
		return nil
	}
	b.sc.conn.Close()
	return err
}

// canonicalAddr adds the default port to a host without one.
func canonicalAddr(host string) string {
	if _, _, err := net.SplitHostPort(host); err == nil {
		return host
	}
	return net.JoinHostPort(host, "80")
}
