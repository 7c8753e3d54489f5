package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/depothq/depot"
)

// Server-Sent Events: GET /v1/events streams the caller's committed events in sequence order.
// Each event is one SSE message whose event type is the event kind and whose data is the Event
// JSON. The id field carries the sequence number and is sent only on the last event of each
// command (events of one command share a seq): a client that reconnects with Last-Event-ID
// therefore resumes after the last complete command, and never skips half of one.

// eventsQuery is the parsed query of an events stream.
type eventsQuery struct {
	after uint64
	match func(depot.EventKind) bool
}

// parseEventsQuery reads after (or Last-Event-ID, which wins: it is what a reconnecting
// EventSource sends) and the kinds filter. Without either, the stream starts at the present.
func (s *Server) parseEventsQuery(r *http.Request) (eventsQuery, *Problem) {
	q := eventsQuery{after: s.seq.DurableSeq()}
	if v := r.URL.Query().Get("after"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return q, problemf(codeInvalidArgument, "after", "after must be a sequence number")
		}
		q.after = n
	}
	if v := r.Header.Get("Last-Event-ID"); v != "" {
		n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return q, problemf(codeInvalidArgument, "Last-Event-ID", "Last-Event-ID must be a sequence number")
		}
		q.after = n
	}
	if v := r.URL.Query().Get("kinds"); v != "" {
		match, p := parseKinds(strings.Split(v, ","), "kinds")
		if p != nil {
			return q, p
		}
		q.match = match
	}
	return q, nil
}

// parseKinds turns event kind names into a filter (nil for none).
func parseKinds(names []string, field string) (func(depot.EventKind) bool, *Problem) {
	if len(names) == 0 {
		return nil, nil
	}
	var set [256]bool
	for _, n := range names {
		k, ok := depot.ParseEventKind(strings.TrimSpace(n))
		if !ok {
			return nil, problemf(codeInvalidArgument, field, fmt.Sprintf("unknown event kind %q", truncate(n)))
		}
		set[k] = true
	}
	return func(k depot.EventKind) bool { return set[k] }, nil
}

// serveEvents is the handler of GET /v1/events; authentication happened before.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request, key KeyInfo) *Problem {
	q, p := s.parseEventsQuery(r)
	if p != nil {
		return p
	}
	if q.after < s.feed.Floor() {
		return problemf(CodeGone, "after", fmt.Sprintf("events up to seq %d are no longer in memory; resume from %d or later", s.feed.Floor(), s.feed.Floor()))
	}
	if !s.streams.acquire(key.Tenant) {
		return problemf(CodeRateLimited, "", fmt.Sprintf("at most %d event streams per tenant", MaxStreamsPerTenant))
	}
	defer s.streams.release(key.Tenant)
	s.metrics.streams.Inc()
	defer s.metrics.streams.Dec()

	rc := http.NewResponseController(w)
	// A stream outlives the server's read and write timeouts by design; it sets its own write
	// deadline per message instead, and clears the read deadline, which would otherwise cancel
	// the request once it passes.
	_ = rc.SetReadDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	var buf bytes.Buffer
	buf.WriteString("retry: 1000\n\n")
	if !s.flushStream(w, rc, &buf) {
		return nil
	}

	heartbeat := time.NewTicker(SSEHeartbeat)
	defer heartbeat.Stop()
	cursor := q.after
	var events []depot.Event
	for {
		wake := s.feed.wait()
		var through uint64
		var gone bool
		events, through, gone = s.feed.read(events[:0], key.Tenant, cursor, q.match, SSEChunk)
		if gone {
			p := problemf(CodeGone, "", fmt.Sprintf("the stream fell more than the event ring behind; reconnect after seq %d or later", s.feed.Floor()))
			data, _ := json.Marshal(p)
			fmt.Fprintf(&buf, "event: gone\ndata: %s\n\n", data)
			s.flushStream(w, rc, &buf)
			return nil
		}
		if len(events) > 0 {
			writeSSE(&buf, events)
			if !s.flushStream(w, rc, &buf) {
				return nil
			}
		}
		cursor = through
		if len(events) >= SSEChunk {
			continue // more may be waiting; read on before sleeping
		}
		select {
		case <-wake:
		case <-heartbeat.C:
			buf.WriteString(": ping\n\n")
			if !s.flushStream(w, rc, &buf) {
				return nil
			}
		case <-r.Context().Done():
			return nil
		case <-s.closing:
			return nil
		}
	}
}

// writeSSE formats events as SSE messages, with an id only on the last event of each seq.
func writeSSE(buf *bytes.Buffer, events []depot.Event) {
	for i := range events {
		e := &events[i]
		data, err := json.Marshal(eventView(e))
		if err != nil {
			continue
		}
		buf.WriteString("event: ")
		buf.WriteString(e.Kind.String())
		buf.WriteString("\ndata: ")
		buf.Write(data)
		if i == len(events)-1 || events[i+1].Seq != e.Seq {
			buf.WriteString("\nid: ")
			buf.WriteString(strconv.FormatUint(e.Seq, 10))
		}
		buf.WriteString("\n\n")
	}
}

// flushStream writes and flushes buf under a fresh write deadline, reporting whether the client
// is still there.
func (s *Server) flushStream(w http.ResponseWriter, rc *http.ResponseController, buf *bytes.Buffer) bool {
	_ = rc.SetWriteDeadline(time.Now().Add(SSEWriteTimeout))
	_, err := w.Write(buf.Bytes())
	buf.Reset()
	if err == nil {
		err = rc.Flush()
	}
	return err == nil
}

// streamCounter bounds concurrent streams per tenant.
type streamCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *streamCounter) acquire(tenant string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = make(map[string]int)
	}
	if c.n[tenant] >= MaxStreamsPerTenant {
		return false
	}
	c.n[tenant]++
	return true
}

func (c *streamCounter) release(tenant string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n[tenant]--; c.n[tenant] <= 0 {
		delete(c.n, tenant)
	}
}
