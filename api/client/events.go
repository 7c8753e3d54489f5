package client

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/depothq/depot/api"
)

// Stream reads Server-Sent Events from GET /v1/events.
type Stream struct {
	resp *http.Response
	r    *bufio.Reader
	last uint64
}

// Events opens an event stream of the caller's events after sequence number after, optionally
// only of some kinds. It sends the position as Last-Event-ID, as a reconnecting browser does.
// A position older than the server's event ring is a 410 *Error with code "gone".
func (c *Client) Events(ctx context.Context, after uint64, kinds ...string) (*Stream, error) {
	target := c.base + "/v1/events"
	if len(kinds) > 0 {
		target += "?" + url.Values{"kinds": {strings.Join(kinds, ",")}}.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, fmt.Errorf("depot: events: %w", err)
	}
	req.Header.Set("Authorization", c.auth)
	req.Header.Set("User-Agent", c.ua)
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Last-Event-ID", strconv.FormatUint(after, 10))
	resp, err := c.stream.Do(req)
	if err != nil {
		return nil, fmt.Errorf("depot: events: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		return nil, decodeError(resp)
	}
	return &Stream{resp: resp, r: bufio.NewReaderSize(resp.Body, 64<<10), last: after}, nil
}

// Next returns the next event. It returns io.EOF when the server ends the stream, and an *Error
// with code "gone" when the stream fell further behind than the server keeps events.
func (s *Stream) Next() (api.Event, error) {
	var kind string
	var data []byte
	var id string
	for {
		line, err := s.r.ReadSlice('\n')
		if err != nil {
			if errors.Is(err, bufio.ErrBufferFull) {
				return api.Event{}, fmt.Errorf("depot: events: a line exceeds %d bytes", s.r.Size())
			}
			if errors.Is(err, io.EOF) {
				return api.Event{}, io.EOF
			}
			return api.Event{}, fmt.Errorf("depot: events: %w", err)
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			if data == nil {
				continue // a comment or retry-only message
			}
			if kind == "gone" {
				e := &Error{Status: http.StatusGone}
				if err := json.Unmarshal(data, &e.Problem); err != nil {
					e.Problem = api.Problem{Status: http.StatusGone, Code: api.CodeGone}
				}
				return api.Event{}, e
			}
			var ev api.Event
			if err := json.Unmarshal(data, &ev); err != nil {
				return api.Event{}, fmt.Errorf("depot: events: bad event: %w", err)
			}
			if id != "" {
				if n, err := strconv.ParseUint(id, 10, 64); err == nil {
					s.last = n
				}
			}
			return ev, nil
		}
		if line[0] == ':' {
			continue
		}
		field, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimPrefix(value, []byte(" "))
		switch string(field) {
		case "event":
			kind = string(value)
		case "data":
			if data != nil {
				data = append(data, '\n')
			}
			data = append(data, value...)
		case "id":
			id = string(value)
		}
	}
}

// LastID is the sequence number to resume after: that of the last command whose events were all
// received. Resuming from it never skips an event and repeats at most part of one command.
func (s *Stream) LastID() uint64 { return s.last }

// Close ends the stream.
func (s *Stream) Close() error { return s.resp.Body.Close() }

// Subscribe calls fn for every event after `after`, reconnecting from the last complete command
// when the connection drops, until ctx ends (it then returns nil), fn returns an error, or the
// server answers with a problem (such as 410 gone), which it returns.
func (c *Client) Subscribe(ctx context.Context, after uint64, kinds []string, fn func(api.Event) error) error {
	backoff := 100 * time.Millisecond
	for {
		st, err := c.Events(ctx, after, kinds...)
		if err == nil {
			backoff = 100 * time.Millisecond
			for {
				var ev api.Event
				ev, err = st.Next()
				if err != nil {
					break
				}
				if ferr := fn(ev); ferr != nil {
					st.Close()
					return ferr
				}
			}
			after = st.LastID()
			st.Close()
		}
		if ctx.Err() != nil {
			return nil
		}
		var pe *Error
		if errors.As(err, &pe) && pe.Status != http.StatusServiceUnavailable && pe.Status != http.StatusTooManyRequests {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}
