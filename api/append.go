package api

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// Hand-written JSON encoders for the commands clients send by the hundred thousand (reserve and
// commit in batches): encoding/json's reflection costs more than the server's whole decode of
// the same bytes. Their output is byte for byte what encoding/json produces (a test holds them
// to it), so they are an optimisation, not a second format.

// fieldAppender is a batch command that appends its own JSON fields (without braces).
type fieldAppender interface {
	appendFields(dst []byte) []byte
}

func (r *ReservationRequest) appendFields(dst []byte) []byte {
	dst = append(dst, `"id":`...)
	dst = appendJSONString(dst, r.ID)
	dst = append(dst, `,"channel":`...)
	dst = appendJSONString(dst, r.Channel)
	if r.TTLNs != 0 {
		dst = append(dst, `,"ttl_ns":`...)
		dst = strconv.AppendInt(dst, r.TTLNs, 10)
	}
	dst = append(dst, `,"lines":`...)
	if r.Lines == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i := range r.Lines {
		if i > 0 {
			dst = append(dst, ',')
		}
		l := &r.Lines[i]
		dst = append(dst, `{"sku":`...)
		dst = appendJSONString(dst, l.SKU)
		if l.Location != "" {
			dst = append(dst, `,"location":`...)
			dst = appendJSONString(dst, l.Location)
		}
		dst = append(dst, `,"qty":`...)
		dst = strconv.AppendInt(dst, l.Qty, 10)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

func (c *Commit) appendFields(dst []byte) []byte {
	dst = append(dst, `"id":`...)
	dst = appendJSONString(dst, c.ID)
	dst = append(dst, `,"order":`...)
	return appendJSONString(dst, c.Order)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as encoding/json does with HTML escaping on (its default):
// control characters, quote, backslash, <, > and & escaped, invalid UTF-8 replaced by U+FFFD,
// and U+2028 and U+2029 escaped for JavaScript.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// jsonAppender is an answer that appends its own JSON; the server uses it instead of
// encoding/json, which would call a MarshalJSON and then compact its output all over again.
type jsonAppender interface {
	AppendJSON(dst []byte) ([]byte, error)
}

// AppendJSON appends the answer's JSON, byte for byte what encoding/json writes for it (a test
// holds it to that). Items without events or a problem, all of a bench's, are written by hand;
// the rest through encoding/json.
func (r *BatchResponse) AppendJSON(dst []byte) ([]byte, error) {
	dst = append(dst, `{"accepted":`...)
	dst = strconv.AppendInt(dst, int64(r.Accepted), 10)
	dst = append(dst, `,"rejected":`...)
	dst = strconv.AppendInt(dst, int64(r.Rejected), 10)
	dst = append(dst, `,"results":`...)
	if r.Results == nil {
		return append(dst, "null}"...), nil
	}
	dst = append(dst, '[')
	for i := range r.Results {
		if i > 0 {
			dst = append(dst, ',')
		}
		it := &r.Results[i]
		if len(it.Events) > 0 || it.Problem != nil {
			b, err := json.Marshal(it)
			if err != nil {
				return nil, err
			}
			dst = append(dst, b...)
			continue
		}
		dst = append(dst, `{"ok":`...)
		dst = strconv.AppendBool(dst, it.OK)
		if it.Seq != 0 {
			dst = append(dst, `,"seq":`...)
			dst = strconv.AppendUint(dst, it.Seq, 10)
		}
		if it.Replayed {
			dst = append(dst, `,"replayed":true`...)
		}
		if it.Ref != "" {
			dst = append(dst, `,"ref":`...)
			dst = appendJSONString(dst, it.Ref)
		}
		dst = append(dst, '}')
	}
	return append(dst, "]}"...), nil
}

// UnmarshalJSON decodes a batch answer. Answers shaped as the server writes them for a batch
// without events (every item holding only ok, seq, replayed and ref) are read by a small
// scanner, because a client sending hundreds of thousands of commands a second spent as long in
// encoding/json's reflection as the server spent deciding them; anything else (events,
// problems, escapes, unknown fields) is decoded by encoding/json. A test holds the two to the
// same results.
func (r *BatchResponse) UnmarshalJSON(data []byte) error {
	if fast, ok := scanBatchResponse(data); ok {
		*r = fast
		return nil
	}
	type plain BatchResponse // without this method
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	*r = BatchResponse(p)
	return nil
}

// batchScanner reads the fast shape of a batch answer; any surprise makes ok false.
type batchScanner struct {
	b  []byte
	i  int
	ok bool
}

func (s *batchScanner) space() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

func (s *batchScanner) byte(c byte) {
	s.space()
	if s.ok && s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return
	}
	s.ok = false
}

// peek reports whether the next non-space byte is c, consuming it if so.
func (s *batchScanner) peek(c byte) bool {
	s.space()
	if s.ok && s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// str reads a string without escapes.
func (s *batchScanner) str() string {
	s.byte('"')
	start := s.i
	for s.ok && s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '"':
			v := string(s.b[start:s.i])
			s.i++
			return v
		case c == '\\' || c < 0x20 || c >= 0x80:
			s.ok = false // escapes and non-ASCII take the general path
		default:
			s.i++
		}
	}
	s.ok = false
	return ""
}

// uint reads a non-negative integer that fits in max.
func (s *batchScanner) uint(max uint64) uint64 {
	s.space()
	start := s.i
	var v uint64
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		d := uint64(s.b[s.i] - '0')
		if v > (max-d)/10 {
			s.ok = false
			return 0
		}
		v = v*10 + d
		s.i++
	}
	if s.i == start || (s.b[start] == '0' && s.i-start > 1) {
		s.ok = false
	}
	return v
}

func (s *batchScanner) bool() bool {
	s.space()
	switch {
	case len(s.b)-s.i >= 4 && string(s.b[s.i:s.i+4]) == "true":
		s.i += 4
		return true
	case len(s.b)-s.i >= 5 && string(s.b[s.i:s.i+5]) == "false":
		s.i += 5
		return false
	}
	s.ok = false
	return false
}

func scanBatchResponse(data []byte) (BatchResponse, bool) {
	s := &batchScanner{b: data, ok: true}
	var r BatchResponse
	seen := 0
	s.byte('{')
	for s.ok && !s.peek('}') {
		if seen > 0 {
			s.byte(',')
		}
		seen++
		key := s.str()
		s.byte(':')
		switch key {
		case "accepted":
			r.Accepted = int(s.uint(1 << 62))
		case "rejected":
			r.Rejected = int(s.uint(1 << 62))
		case "results":
			s.byte('[')
			r.Results = make([]BatchItem, 0, s.countItems())
			for s.ok && !s.peek(']') {
				if len(r.Results) > 0 {
					s.byte(',')
				}
				r.Results = append(r.Results, s.item())
			}
		default:
			s.ok = false
		}
	}
	s.space()
	if !s.ok || s.i != len(s.b) || r.Results == nil {
		return BatchResponse{}, false
	}
	return r, true
}

func (s *batchScanner) item() BatchItem {
	var it BatchItem
	s.byte('{')
	for n := 0; s.ok && !s.peek('}'); n++ {
		if n > 0 {
			s.byte(',')
		}
		key := s.str()
		s.byte(':')
		switch key {
		case "ok":
			it.OK = s.bool()
		case "seq":
			it.Seq = s.uint(^uint64(0))
		case "replayed":
			it.Replayed = s.bool()
		case "ref":
			it.Ref = s.str()
		default:
			s.ok = false
		}
	}
	return it
}

// countItems guesses how many items the results array ahead holds, from the '{' bytes left in
// the answer (one per item; a '{' inside a ref only over-counts), capped at the batch limit. The
// guess sizes the results slice: a fixed guess either wasted kilobytes on a one-order answer or
// regrew on a large batch.
func (s *batchScanner) countItems() int {
	return min(bytes.Count(s.b[s.i:], []byte{'{'}), MaxBatchCommands)
}
