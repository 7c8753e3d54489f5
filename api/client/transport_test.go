package client

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testServer counts the connections it accepts.
func testServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns
}

func syncClient() *http.Client {
	return &http.Client{Transport: newSyncTransport(&net.Dialer{Timeout: time.Second}, 4)}
}

func get(t *testing.T, c *http.Client, url string) (string, *http.Response) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return string(b), resp
}

func TestSyncTransportReusesConnections(t *testing.T) {
	srv, conns := testServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, r.Method+" "+string(b))
	})
	c := syncClient()
	for i := range 5 {
		body, _ := get(t, c, srv.URL)
		if body != "GET " {
			t.Fatalf("answer %d: %q", i, body)
		}
		resp, err := c.Post(srv.URL, "text/plain", strings.NewReader("hello"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "POST hello" {
			t.Fatalf("answer %q", b)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Fatalf("%d connections for sequential requests, want 1", n)
	}
}

func TestSyncTransportConcurrentCallersAndChunkedAnswers(t *testing.T) {
	big := strings.Repeat("0123456789", 50_000)
	srv, conns := testServer(t, func(w http.ResponseWriter, r *http.Request) {
		// Written in pieces with flushes: a chunked answer.
		for i := 0; i < len(big); i += 100_000 {
			io.WriteString(w, big[i:i+100_000])
			w.(http.Flusher).Flush()
		}
	})
	// As many idle connections kept as there are callers: with fewer, a connection handed back
	// while the pool is full is closed, and a loaded machine makes that happen (10 connections
	// were once seen), which is the pool's bound working, not a leak.
	c := &http.Client{Transport: newSyncTransport(&net.Dialer{Timeout: time.Second}, 8)}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				resp, err := c.Get(srv.URL)
				if err != nil {
					errs <- err
					return
				}
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || string(b) != big {
					errs <- errors.New("a chunked answer came back wrong")
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := conns.Load(); n > 8 {
		t.Fatalf("%d connections for 8 callers", n)
	}
}

// A body closed before its end takes its connection with it: the rest of the answer is still
// on the wire. So does an answer that says Connection: close.
func TestSyncTransportDropsUnfinishedAndClosingConnections(t *testing.T) {
	srv, conns := testServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/close" {
			w.Header().Set("Connection", "close")
		}
		io.WriteString(w, strings.Repeat("x", 100_000))
	})
	c := syncClient()
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Read(make([]byte, 10))
	resp.Body.Close()
	get(t, c, srv.URL+"/close")
	if body, _ := get(t, c, srv.URL); len(body) != 100_000 {
		t.Fatalf("answer of %d bytes", len(body))
	}
	if n := conns.Load(); n != 3 {
		t.Fatalf("%d connections, want 3 (none reused after an unfinished body or Connection: close)", n)
	}
}

// Cancelling a request interrupts it at once, whatever it waits for, and the client goes on.
func TestSyncTransportCancel(t *testing.T) {
	release := make(chan struct{})
	srv, _ := testServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		io.WriteString(w, "quick")
	})
	defer close(release)
	c := syncClient()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/slow", nil)
	if _, err := c.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", err)
	}
	if body, _ := get(t, c, srv.URL); body != "quick" {
		t.Fatalf("after a cancelled request: %q", body)
	}
}

// A pooled connection the server has closed is not used for the next request.
func TestSyncTransportSkipsConnectionsClosedByTheServer(t *testing.T) {
	srv, conns := testServer(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	tr := newSyncTransport(&net.Dialer{Timeout: time.Second}, 4)
	c := &http.Client{Transport: tr}
	get(t, c, srv.URL)
	srv.CloseClientConnections()
	// Make the pooled connection old enough to be probed.
	tr.mu.Lock()
	for _, list := range tr.idle {
		for _, sc := range list {
			sc.lastUsed = time.Now().Add(-2 * syncProbeAfter)
		}
	}
	tr.mu.Unlock()
	deadline := time.Now().Add(5 * time.Second)
	for conns.Load() < 2 && time.Now().Before(deadline) {
		if body, _ := get(t, c, srv.URL); body != "ok" {
			t.Fatalf("answer %q", body)
		}
	}
	if conns.Load() < 2 {
		t.Fatal("the closed connection was reused")
	}
}

func TestSyncTransportRefusesOtherSchemes(t *testing.T) {
	c := syncClient()
	if _, err := c.Get("https://127.0.0.1:1/"); err == nil || !strings.Contains(err.Error(), "plain http") {
		t.Fatalf("err = %v", err)
	}
}

// A transport's own timeout ends an exchange the server does not answer.
func TestSyncTransportTimeout(t *testing.T) {
	release := make(chan struct{})
	srv, _ := testServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	c := &http.Client{Transport: newSyncTransport(&net.Dialer{Timeout: time.Second}, 4).withTimeout(100 * time.Millisecond)}
	_, err := c.Get(srv.URL)
	if err == nil || !strings.Contains(err.Error(), "no answer within 100ms") {
		t.Fatalf("err = %v, want the timeout named", err)
	}
}
