package api

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"testing/iotest"

	"pgregory.net/rapid"
)

// rawQueryGet must read a raw query as url.ParseQuery followed by Get does.
func TestRawQueryGetMatchesParseQuery(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		parts := []string{"events", "false", "true", "=", "&", "%", "%3D", "%66alse", "+", ";", "ev%65nts", "x", ""}
		raw := strings.Join(rapid.SliceOfN(rapid.SampledFrom(parts), 0, 12).Draw(t, "parts"), "")
		key := rapid.SampledFrom([]string{"events", "x", "", "ev ents"}).Draw(t, "key")
		want := ""
		if vals, _ := url.ParseQuery(raw); vals != nil {
			want = vals.Get(key)
		}
		if got := rawQueryGet(raw, key); got != want {
			t.Fatalf("rawQueryGet(%q, %q) = %q, url.ParseQuery gives %q", raw, key, got, want)
		}
	})
}

// readAllSized reads the whole body whatever length was declared.
func TestReadAllSized(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789"), 100)
	for _, declared := range []int64{-1, 0, 1, 999, 1000, 1001, 5000} {
		got, err := readAllSized(iotest.OneByteReader(bytes.NewReader(body)), declared)
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("declared %d: %d bytes, err %v", declared, len(got), err)
		}
	}
}
