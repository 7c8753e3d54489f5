package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// Strict decoding. encoding/json is lenient in ways that matter for an API that must never guess:
// it accepts duplicate keys (the last wins), matches field names case-insensitively, replaces
// invalid UTF-8 and lone surrogates with U+FFFD, and has no limits on depth, array length or
// string size. It is also slow for bulk: a batch would be scanned five times. So requests are
// decoded by this one-pass decoder, which validates and assigns together: exactly one JSON object,
// valid UTF-8, surrogates in pairs, snake_case keys that name a field of the target (no unknown
// fields, no duplicates), values of the field's type, and every limit of limits.go. It decodes
// into the wire types only (structs, embedded structs, strings, integers, booleans, slices, and
// the batch's Command elements) and answers a *Problem naming the field as a JSON path
// (lines[2].qty). Responses are still encoded with encoding/json.

// readBody reads a request body up to limit bytes, checking the content type first. An empty body
// reads as an empty object so that commands without fields (release) need none.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, *Problem) {
	if r.ContentLength > limit {
		return nil, problemf(CodePayloadTooLarge, "", fmt.Sprintf("the body is %d bytes, the limit is %d", r.ContentLength, limit))
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" && r.ContentLength == 0 {
		return []byte("{}"), nil
	}
	if p := checkContentType(ct); p != nil {
		return nil, p
	}
	body, err := readAllSized(http.MaxBytesReader(w, r.Body, limit), r.ContentLength)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, problemf(CodePayloadTooLarge, "", fmt.Sprintf("the body exceeds the limit of %d bytes", limit))
		}
		return nil, problemf(CodeMalformedJSON, "", "the body could not be read: "+err.Error())
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return []byte("{}"), nil
	}
	return body, nil
}

// readAllSized is io.ReadAll for a body whose length the client declared: one allocation of that
// size rather than a buffer grown from 512 bytes (a declared length is only a hint: a shorter
// or longer body is read all the same, as the limit allows).
func readAllSized(r io.Reader, declared int64) ([]byte, error) {
	if declared <= 0 {
		return io.ReadAll(r)
	}
	buf := make([]byte, 0, declared+1) // +1: the read that finds the end needs room
	for {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // grow
		}
	}
}

// checkContentType accepts application/json with an optional utf-8 charset, nothing else.
func checkContentType(ct string) *Problem {
	if ct == "application/json" {
		return nil // what every client sends; ParseMediaType would allocate its parameters
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return problemf(CodeUnsupportedMediaType, "", "send Content-Type: application/json")
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return problemf(CodeUnsupportedMediaType, "", "JSON must be UTF-8")
	}
	return nil
}

// decodeStrict decodes one JSON object from data into v, a pointer to a wire struct.
func decodeStrict(data []byte, v any) *Problem {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		panic(fmt.Sprintf("api: decodeStrict into %T", v))
	}
	return decodeInto(data, rv.Elem())
}

// checkJSON validates data as decodeStrict would, without a target.
func checkJSON(data []byte) *Problem { return decodeInto(data, reflect.Value{}) }

func decodeInto(data []byte, v reflect.Value) *Problem {
	if !utf8.Valid(data) {
		return problemf(CodeMalformedJSON, "", "the body is not valid UTF-8")
	}
	d := decoder{data: data}
	d.skipSpace()
	if d.i >= len(data) || data[d.i] != '{' {
		return problemf(CodeMalformedJSON, "", "the body must be a JSON object")
	}
	if p := d.value(0, v); p != nil {
		return p
	}
	d.skipSpace()
	if d.i != len(data) {
		return problemf(CodeMalformedJSON, "", fmt.Sprintf("unexpected data after the JSON value at byte %d", d.i))
	}
	return nil
}

// maxNumberLen bounds a number literal; int64 needs 20 characters.
const maxNumberLen = 32

// pathElem is one step of the path to the value being decoded: a key, or an index when key is nil.
type pathElem struct {
	key   []byte
	index int
}

type decoder struct {
	data []byte
	i    int
	path []pathElem
	// kindDepth, when positive, asks object to note the string "kind" member at that depth (a
	// batch command's first pass); allowKind lets a command's object skip its "kind" member.
	kindDepth int
	kind      string
	kindFound bool
	allowKind int
}

func (d *decoder) field() string {
	var b strings.Builder
	for _, e := range d.path {
		if e.key == nil {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.index))
			b.WriteByte(']')
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.Write(e.key)
	}
	return b.String()
}

func (d *decoder) fail(format string, args ...any) *Problem {
	return problemf(CodeMalformedJSON, d.field(), fmt.Sprintf(format, args...))
}

func (d *decoder) skipSpace() {
	for d.i < len(d.data) {
		switch d.data[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// value decodes the value at d.i into v; an invalid v only validates.
func (d *decoder) value(depth int, v reflect.Value) *Problem {
	d.skipSpace()
	if d.i >= len(d.data) {
		return d.fail("unexpected end of the body")
	}
	switch c := d.data[d.i]; {
	case c == '{':
		if depth >= MaxJSONDepth {
			return d.fail("nesting deeper than %d levels", MaxJSONDepth)
		}
		if v.IsValid() && v.Kind() != reflect.Struct {
			return d.typeError(v, "an object")
		}
		return d.object(depth+1, v)
	case c == '[':
		if depth >= MaxJSONDepth {
			return d.fail("nesting deeper than %d levels", MaxJSONDepth)
		}
		if v.IsValid() && v.Kind() != reflect.Slice {
			return d.typeError(v, "an array")
		}
		return d.array(depth+1, v)
	case c == '"':
		raw, escaped, p := d.str()
		if p != nil {
			return p
		}
		if v.IsValid() {
			if v.Kind() != reflect.String {
				return d.typeError(v, "a string")
			}
			if escaped {
				v.SetString(unescape(raw))
			} else {
				v.SetString(string(raw))
			}
		}
		return nil
	case c == 't' || c == 'f':
		lit := "true"
		if c == 'f' {
			lit = "false"
		}
		if p := d.literal(lit); p != nil {
			return p
		}
		if v.IsValid() {
			if v.Kind() != reflect.Bool {
				return d.typeError(v, "a boolean")
			}
			v.SetBool(c == 't')
		}
		return nil
	case c == 'n':
		// null leaves the zero value, as encoding/json does.
		return d.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		lit, p := d.number()
		if p != nil || !v.IsValid() {
			return p
		}
		switch v.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			n, err := strconv.ParseInt(string(lit), 10, v.Type().Bits())
			if err != nil {
				return d.typeError(v, "number "+string(lit))
			}
			v.SetInt(n)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			n, err := strconv.ParseUint(string(lit), 10, v.Type().Bits())
			if err != nil {
				return d.typeError(v, "number "+string(lit))
			}
			v.SetUint(n)
		default:
			return d.typeError(v, "number "+string(lit))
		}
		return nil
	default:
		return d.fail("unexpected character %q at byte %d", c, d.i)
	}
}

func (d *decoder) typeError(v reflect.Value, got string) *Problem {
	want := v.Kind().String()
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		want = "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		want = "a non-negative integer"
	case reflect.String:
		want = "a string"
	case reflect.Bool:
		want = "a boolean"
	case reflect.Slice:
		want = "an array"
	case reflect.Struct, reflect.Interface:
		want = "an object"
	}
	return d.fail("expected %s, got %s", want, got)
}

func (d *decoder) object(depth int, v reflect.Value) *Problem {
	d.i++ // {
	var info *structInfo
	if v.IsValid() {
		info = structInfoOf(v.Type())
	}
	var keys [MaxJSONObjectKeys][]byte
	n := 0
	d.skipSpace()
	if d.i < len(d.data) && d.data[d.i] == '}' {
		d.i++
		return nil
	}
	for {
		d.skipSpace()
		if d.i >= len(d.data) || d.data[d.i] != '"' {
			return d.fail("expected a quoted key at byte %d", d.i)
		}
		key, _, p := d.str()
		if p != nil {
			return p
		}
		if !snakeCase(key) {
			return d.fail("unknown field %q", truncate(string(key)))
		}
		if n == MaxJSONObjectKeys {
			return d.fail("an object has at most %d keys", MaxJSONObjectKeys)
		}
		d.skipSpace()
		if d.i >= len(d.data) || d.data[d.i] != ':' {
			return d.fail("expected ':' at byte %d", d.i)
		}
		d.i++
		d.path = append(d.path, pathElem{key: key})
		// A duplicate is refused wherever it is, so that no reader of the same bytes can take the
		// other value.
		for _, k := range keys[:n] {
			if bytes.Equal(k, key) {
				return d.fail("duplicate key %q", key)
			}
		}
		keys[n] = key
		n++
		var target reflect.Value
		switch {
		case depth == d.allowKind && string(key) == "kind":
			// A batch command's kind was read in the first pass.
		case info != nil:
			f, ok := info.names[string(key)]
			if !ok {
				return d.fail("unknown field %q", key)
			}
			target = v.FieldByIndex(info.fields[f])
		}
		if depth == d.kindDepth && string(key) == "kind" {
			d.skipSpace()
			if d.i < len(d.data) && d.data[d.i] == '"' {
				raw, escaped, p := d.str()
				if p != nil {
					return p
				}
				d.kind, d.kindFound = string(raw), true
				if escaped {
					d.kind = unescape(raw)
				}
			} else if p := d.value(depth, reflect.Value{}); p != nil {
				return p
			} else {
				return d.fail("kind must be a string")
			}
		} else if p := d.value(depth, target); p != nil {
			return p
		}
		d.path = d.path[:len(d.path)-1]
		d.skipSpace()
		if d.i >= len(d.data) {
			return d.fail("unexpected end of the body")
		}
		switch d.data[d.i] {
		case ',':
			d.i++
		case '}':
			d.i++
			return nil
		default:
			return d.fail("expected ',' or '}' at byte %d", d.i)
		}
	}
}

var commandType = reflect.TypeFor[Command]()

func (d *decoder) array(depth int, v reflect.Value) *Problem {
	d.i++ // [
	d.skipSpace()
	if v.IsValid() {
		v.SetLen(0)
	}
	if d.i < len(d.data) && d.data[d.i] == ']' {
		d.i++
		if v.IsValid() {
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		}
		return nil
	}
	commands := v.IsValid() && v.Type().Elem() == commandType
	for n := 0; ; n++ {
		if n == MaxJSONArrayLen {
			return problemf(codeLimitExceeded, d.field(), fmt.Sprintf("an array has at most %d elements", MaxJSONArrayLen))
		}
		d.path = append(d.path, pathElem{index: n})
		var elem reflect.Value
		if v.IsValid() {
			if n == v.Cap() {
				grown := reflect.MakeSlice(v.Type(), n, max(4, 2*n))
				reflect.Copy(grown, v)
				v.Set(grown)
			}
			v.SetLen(n + 1)
			elem = v.Index(n)
		}
		var p *Problem
		if commands {
			p = d.command(depth, elem)
		} else {
			p = d.value(depth, elem)
		}
		if p != nil {
			return p
		}
		d.path = d.path[:len(d.path)-1]
		d.skipSpace()
		if d.i >= len(d.data) {
			return d.fail("unexpected end of the body")
		}
		switch d.data[d.i] {
		case ',':
			d.i++
		case ']':
			d.i++
			return nil
		default:
			return d.fail("expected ',' or ']' at byte %d", d.i)
		}
	}
}

// command decodes one batch command into the interface slot v: a first pass validates the object
// and finds its kind, a second decodes it into the kind's type with "kind" skipped.
func (d *decoder) command(depth int, v reflect.Value) *Problem {
	d.skipSpace()
	if d.i >= len(d.data) || d.data[d.i] != '{' {
		if p := d.value(depth, reflect.Value{}); p != nil {
			return p
		}
		return d.fail("a batch command must be an object")
	}
	if depth >= MaxJSONDepth {
		return d.fail("nesting deeper than %d levels", MaxJSONDepth)
	}
	start := d.i
	savedDepth := d.kindDepth
	d.kindDepth, d.kind, d.kindFound = depth+1, "", false
	p := d.object(depth+1, reflect.Value{})
	kind, found := d.kind, d.kindFound
	d.kindDepth = savedDepth
	if p != nil {
		return p
	}
	if !found {
		d.path = append(d.path, pathElem{key: []byte("kind")})
		return problemf(codeInvalidArgument, d.field(), "kind is required")
	}
	cmd := newCommand(kind)
	if cmd == nil {
		d.path = append(d.path, pathElem{key: []byte("kind")})
		return d.fail("unknown command kind %q", truncate(kind))
	}
	end := d.i
	d.i = start
	savedAllow := d.allowKind
	d.allowKind = depth + 1
	p = d.object(depth+1, reflect.ValueOf(cmd).Elem())
	d.allowKind = savedAllow
	if p != nil {
		return p
	}
	if d.i != end {
		panic("api: batch command decoded to a different length than it validated")
	}
	v.Set(reflect.ValueOf(cmd))
	return nil
}

// strSpecial marks the bytes str must look at: the quote, the backslash and control characters.
var strSpecial = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// str scans a string and returns its raw content, reporting whether it holds escapes.
func (d *decoder) str() ([]byte, bool, *Problem) {
	start := d.i + 1
	escaped := false
	for d.i = start; d.i < len(d.data); d.i++ {
		c := d.data[d.i]
		if !strSpecial[c] {
			continue
		}
		switch {
		case c == '"':
			raw := d.data[start:d.i]
			d.i++
			if len(raw) > MaxJSONStringBytes {
				return nil, false, problemf(codeLimitExceeded, d.field(), fmt.Sprintf("a string has at most %d bytes", MaxJSONStringBytes))
			}
			return raw, escaped, nil
		case c == '\\':
			escaped = true
			if p := d.escape(); p != nil {
				return nil, false, p
			}
		default:
			return nil, false, d.fail("control character in a string at byte %d", d.i)
		}
	}
	return nil, false, d.fail("unterminated string")
}

// escape checks one escape sequence starting at the backslash, leaving d.i on its last byte.
// Surrogates must come in valid pairs: encoding/json would silently turn a lone one into U+FFFD.
func (d *decoder) escape() *Problem {
	if d.i+1 >= len(d.data) {
		return d.fail("unterminated escape")
	}
	d.i++
	switch d.data[d.i] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return nil
	case 'u':
		r, ok := hex4(d.data, d.i+1)
		if !ok {
			return d.fail("bad \\u escape at byte %d", d.i)
		}
		d.i += 4
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return d.fail("lone low surrogate at byte %d", d.i)
		case r >= 0xD800 && r <= 0xDBFF:
			if d.i+6 >= len(d.data) || d.data[d.i+1] != '\\' || d.data[d.i+2] != 'u' {
				return d.fail("lone high surrogate at byte %d", d.i)
			}
			lo, ok := hex4(d.data, d.i+3)
			if !ok || lo < 0xDC00 || lo > 0xDFFF {
				return d.fail("lone high surrogate at byte %d", d.i)
			}
			d.i += 6
		}
		return nil
	}
	return d.fail("bad escape at byte %d", d.i)
}

func hex4(b []byte, at int) (rune, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[at : at+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}

// unescape decodes the content of a string that str validated.
func unescape(raw []byte) string {
	var b strings.Builder
	b.Grow(len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		switch raw[i] {
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, _ := hex4(raw, i+1)
			i += 4
			if utf16.IsSurrogate(r) {
				lo, _ := hex4(raw, i+3)
				r = utf16.DecodeRune(r, lo)
				i += 6
			}
			b.WriteRune(r)
		default: // " \ /
			b.WriteByte(raw[i])
		}
	}
	return b.String()
}

func (d *decoder) literal(lit string) *Problem {
	if !bytes.HasPrefix(d.data[d.i:], []byte(lit)) {
		return d.fail("unexpected token at byte %d", d.i)
	}
	d.i += len(lit)
	return nil
}

// number checks the JSON number grammar -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and
// returns the literal.
func (d *decoder) number() ([]byte, *Problem) {
	start := d.i
	if d.data[d.i] == '-' {
		d.i++
	}
	digits := func() int {
		n := 0
		for d.i < len(d.data) && d.data[d.i] >= '0' && d.data[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	if d.i < len(d.data) && d.data[d.i] == '0' {
		d.i++
	} else if digits() == 0 {
		return nil, d.fail("bad number at byte %d", start)
	}
	if d.i < len(d.data) && d.data[d.i] == '.' {
		d.i++
		if digits() == 0 {
			return nil, d.fail("bad number at byte %d", start)
		}
	}
	if d.i < len(d.data) && (d.data[d.i] == 'e' || d.data[d.i] == 'E') {
		d.i++
		if d.i < len(d.data) && (d.data[d.i] == '+' || d.data[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			return nil, d.fail("bad number at byte %d", start)
		}
	}
	if d.i-start > maxNumberLen {
		return nil, d.fail("number longer than %d characters", maxNumberLen)
	}
	return d.data[start:d.i], nil
}

// snakeCase reports whether a raw key is a plausible field name: lower-case letters, digits and
// underscores, starting with a letter. Every field of every request type is one, and refusing
// the rest means no escape or case trick can name a field in a second way.
func snakeCase(key []byte) bool {
	if len(key) == 0 || key[0] < 'a' || key[0] > 'z' || len(key) > 64 {
		return false
	}
	for _, c := range key[1:] {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// structInfo maps the JSON names of a struct's fields, embedded structs flattened as
// encoding/json does, to their index paths.
type structInfo struct {
	names  map[string]int
	fields [][]int
}

var structInfos sync.Map // reflect.Type -> *structInfo

func structInfoOf(t reflect.Type) *structInfo {
	if info, ok := structInfos.Load(t); ok {
		return info.(*structInfo)
	}
	info := &structInfo{names: map[string]int{}}
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			at := append(append([]int(nil), index...), i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				walk(f.Type, at)
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" || name == "" {
				continue
			}
			info.names[name] = len(info.fields)
			info.fields = append(info.fields, at)
		}
	}
	walk(t, nil)
	actual, _ := structInfos.LoadOrStore(t, info)
	return actual.(*structInfo)
}

// UnmarshalJSON decodes a batch with the strict decoder, so that a client or test decoding a
// batch with encoding/json gets the server's rules.
func (b *BatchRequest) UnmarshalJSON(data []byte) error {
	if p := decodeStrict(data, b); p != nil {
		return p
	}
	return nil
}

// MarshalJSON encodes each command as its fields with "kind" first.
func (b BatchRequest) MarshalJSON() ([]byte, error) { return b.AppendJSON(nil) }

// AppendJSON appends MarshalJSON's encoding to dst. Clients that send many batches use it to
// encode into a reused buffer.
func (b BatchRequest) AppendJSON(dst []byte) ([]byte, error) {
	dst = append(dst, `{"commands":[`...)
	for i, c := range b.Commands {
		if i > 0 {
			dst = append(dst, ',')
		}
		if c == nil {
			return nil, fmt.Errorf("api: batch command %d is nil", i)
		}
		dst = append(dst, `{"kind":`...)
		dst = appendJSONString(dst, c.CommandKind())
		if a, ok := c.(fieldAppender); ok {
			dst = append(dst, ',')
			dst = append(a.appendFields(dst), '}')
			continue
		}
		body, err := json.Marshal(c)
		if err != nil {
			return nil, fmt.Errorf("api: batch command %d: %w", i, err)
		}
		if len(body) > 2 {
			dst = append(dst, ',')
			dst = append(dst, body[1:]...)
		} else {
			dst = append(dst, '}')
		}
	}
	return append(dst, `]}`...), nil
}

// rawQueryGet is url.Values.Get of a raw query without building the map of every parameter (the
// batch endpoint reads one flag on every request): the first value of key, unescaped.
func rawQueryGet(raw, key string) string {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if strings.Contains(pair, ";") {
			continue // as url.ParseQuery, which refuses semicolons
		}
		k, v, _ := strings.Cut(pair, "=")
		if strings.ContainsAny(k, "%+") {
			uk, err := url.QueryUnescape(k)
			if err != nil {
				continue // as url.ParseQuery, which skips what it cannot unescape
			}
			k = uk
		}
		if k != key {
			continue
		}
		if strings.ContainsAny(v, "%+") {
			uv, err := url.QueryUnescape(v)
			if err != nil {
				continue
			}
			v = uv
		}
		return v
	}
	return ""
}
