package api_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/depothq/depot"
	"github.com/depothq/depot/api"
	"github.com/depothq/depot/api/client"
	"github.com/depothq/depot/journal"
)

// gatedJournal holds every Append until opened, or fails it: the way to make the sequencer's
// queue fill, reads wait, or the journal fail, without timing anything.
type gatedJournal struct {
	*journal.Memory
	open     chan struct{}
	openOnce sync.Once
	fail     bool
}

func newGatedJournal(fail bool) *gatedJournal {
	return &gatedJournal{Memory: journal.NewMemory(), open: make(chan struct{}), fail: fail}
}

func (g *gatedJournal) Append(entries []journal.Entry) error {
	if g.fail {
		return errors.New("disk on fire")
	}
	<-g.open
	return g.Memory.Append(entries)
}

func (g *gatedJournal) release() { g.openOnce.Do(func() { close(g.open) }) }

// TestEveryCode produces every code of the table through the real server and checks the status
// the table gives it. Two codes cannot be provoked from outside without racing: internal (a
// handler panic) and idempotency_key_in_use (a retry that gives up while the first still runs);
// the package's internal tests cover them.
func TestEveryCode(t *testing.T) {
	seen := map[string]bool{}
	var mu sync.Mutex
	see := func(t *testing.T, err error, code string) {
		t.Helper()
		wantCode(t, err, code)
		mu.Lock()
		seen[code] = true
		mu.Unlock()
	}
	seeRaw := func(t *testing.T, status int, h http.Header, body []byte, code string) {
		t.Helper()
		p := problemOf(t, h, body)
		if p.Code != code || status != api.StatusOf(code) || p.Status != status {
			t.Fatalf("got %d %+v, want %s (%d)", status, p, code, api.StatusOf(code))
		}
		mu.Lock()
		seen[code] = true
		mu.Unlock()
	}

	t.Run("engine and http", func(t *testing.T) {
		b := newBundle(t)
		c := b.admin
		seed(t, c)
		ok(t, errOf(c.PutLocation(ctx, "closed", api.LocationSpec{Type: "store", Status: "paused"})))
		lines := make([]api.ReserveLine, depot.MaxLines+1)
		for i := range lines {
			lines[i] = api.ReserveLine{SKU: "tee", Qty: 1}
		}
		see(t, errOf(c.Reserve(ctx, api.ReservationRequest{ID: "r", Lines: []api.ReserveLine{{SKU: "tee", Qty: 1}}})), "invalid_argument")
		see(t, errOf(c.Receive(ctx, api.Receipt{ID: "q", SKU: "tee", Location: "wh1", Qty: 0})), "invalid_quantity")
		see(t, errOf(c.Reserve(ctx, api.ReservationRequest{ID: "r", Channel: "web", Lines: lines})), "limit_exceeded")
		see(t, errOf(c.Receive(ctx, api.Receipt{ID: "q", SKU: "ghost", Location: "wh1", Qty: 1})), "unknown_sku")
		see(t, errOf(c.Receive(ctx, api.Receipt{ID: "q", SKU: "tee", Location: "ghost", Qty: 1})), "unknown_location")
		see(t, errOf(c.Reserve(ctx, api.ReservationRequest{ID: "r", Channel: "ghost", Lines: []api.ReserveLine{{SKU: "tee", Qty: 1}}})), "unknown_channel")
		see(t, errOf(c.Release(ctx, "ghost")), "unknown_reservation")
		see(t, errOf(c.Ship(ctx, api.Shipment{ID: "s", Order: "ghost"})), "unknown_order")
		see(t, errOf(c.Reserve(ctx, api.ReservationRequest{ID: "r", Channel: "web", Lines: []api.ReserveLine{{SKU: "tee", Qty: 10_000}}})), "insufficient_stock")
		see(t, errOf(c.Receive(ctx, api.Receipt{ID: "rc-tee", SKU: "tee", Location: "wh1", Qty: 1})), "duplicate")
		ok(t, errOf(c.Reserve(ctx, api.ReservationRequest{ID: "short", Channel: "web", TTLNs: int64(time.Second), Lines: []api.ReserveLine{{SKU: "tee", Qty: 1}}})))
		ok(t, errOf(c.Reserve(ctx, api.ReservationRequest{ID: "gone", Channel: "web", Lines: []api.ReserveLine{{SKU: "tee", Qty: 1}}})))
		ok(t, errOf(c.Release(ctx, "gone")))
		see(t, errOf(c.Commit(ctx, "gone", "o")), "invalid_state")
		b.clock.advance(2 * time.Second)
		see(t, errOf(c.Commit(ctx, "short", "o")), "expired")
		see(t, errOf(c.Reserve(ctx, api.ReservationRequest{ID: "r", Channel: "web", Lines: []api.ReserveLine{{SKU: "tee", Location: "closed", Qty: 1}}})), "location_unavailable")

		w := b.key("acme", api.ScopeWrite)
		r := b.key("acme", api.ScopeRead)
		st, h, body := b.raw("POST", "/v1/receipts", w, "application/json", []byte(`{"id":`))
		seeRaw(t, st, h, body, api.CodeMalformedJSON)
		st, h, body = b.raw("POST", "/v1/receipts", w, "application/json", []byte(`{}`), "Idempotency-Key", "has space")
		seeRaw(t, st, h, body, api.CodeIdempotencyKeyInvalid)
		st, h, body = b.raw("GET", "/v1/skus/tee", "", "", nil)
		seeRaw(t, st, h, body, api.CodeUnauthorized)
		if h.Get("WWW-Authenticate") == "" {
			t.Fatal("401 without WWW-Authenticate")
		}
		st, h, body = b.raw("POST", "/v1/receipts", r, "application/json", []byte(`{}`))
		seeRaw(t, st, h, body, api.CodeForbidden)
		see(t, errOf(c.GetSKU(ctx, "ghost")), api.CodeNotFound)
		st, h, body = b.raw("DELETE", "/v1/receipts", w, "", nil)
		seeRaw(t, st, h, body, api.CodeMethodNotAllowed)
		if h.Get("Allow") != "POST" {
			t.Fatalf("405 with Allow %q", h.Get("Allow"))
		}
		st, h, body = b.raw("GET", "/v2/anything", w, "", nil)
		seeRaw(t, st, h, body, api.CodeNotFound)
		st, h, body = b.raw("POST", "/v1/receipts", w, "application/json", bytes.Repeat([]byte(" "), api.MaxBodyBytes+1))
		seeRaw(t, st, h, body, api.CodePayloadTooLarge)
		st, h, body = b.raw("POST", "/v1/receipts", w, "text/plain", []byte(`{}`))
		seeRaw(t, st, h, body, api.CodeUnsupportedMediaType)
		ok(t, errOf(c.Receive(ctx, api.Receipt{ID: "k1", SKU: "tee", Location: "wh1", Qty: 1}, client.WithIdempotencyKey("key-1"))))
		see(t, errOf(c.Receive(ctx, api.Receipt{ID: "k2", SKU: "tee", Location: "wh1", Qty: 1}, client.WithIdempotencyKey("key-1"))), api.CodeIdempotencyKeyReused)
	})

	t.Run("gone", func(t *testing.T) {
		b := newBundle(t, bundleOptions{ring: 4})
		seed(t, b.admin) // more than 4 events
		see(t, errOf(b.admin.Events(ctx, 0)), api.CodeGone)
	})

	t.Run("rate limited", func(t *testing.T) {
		b := newBundle(t, bundleOptions{config: func(c *api.Config) { c.RatePerSecond = 1e-9; c.RateBurst = 2 }})
		c := b.client("acme", api.ScopeRead)
		wantCode(t, errOf(c.GetSKU(ctx, "x")), api.CodeNotFound)
		wantCode(t, errOf(c.GetSKU(ctx, "x")), api.CodeNotFound)
		see(t, errOf(c.GetSKU(ctx, "x")), api.CodeRateLimited)
		// Another key has its own bucket.
		wantCode(t, errOf(b.client("acme", api.ScopeRead).GetSKU(ctx, "x")), api.CodeNotFound)
	})

	t.Run("overloaded and timeout", func(t *testing.T) {
		j := newGatedJournal(false)
		b := newBundle(t, bundleOptions{journal: j, queue: 1, config: func(c *api.Config) { c.RequestTimeout = 100 * time.Millisecond }})
		defer j.release() // runs before the bundle's cleanup closes the sequencer
		// Feed the pipeline until the writer is stuck behind the held journal and the one-slot queue
		// is full: then a command is refused at once. Until then each command waits in the queue,
		// times out (504) and is applied later; the engine does not care.
		var wg sync.WaitGroup
		defer wg.Wait()
		defer j.release()
		var err error
		for i := 0; ; i++ {
			if i == 200 {
				t.Fatalf("the queue never filled; last answer %v", err)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _ = b.seq.Submit(context.Background(), &depot.Tick{})
			}()
			_, err = b.admin.Receive(ctx, api.Receipt{ID: fmt.Sprint("x", i), SKU: "tee", Location: "wh1", Qty: 1})
			if client.CodeOf(err) == api.CodeOverloaded {
				break
			}
			if code := client.CodeOf(err); code != api.CodeTimeout {
				t.Fatalf("while filling the queue: %v", err)
			}
		}
		see(t, err, api.CodeOverloaded)
		// A read waits until what it saw is durable, which cannot happen while the journal is held.
		see(t, errOf(b.admin.GetSKU(ctx, "tee")), api.CodeTimeout)
	})

	t.Run("unavailable", func(t *testing.T) {
		b := newBundle(t, bundleOptions{journal: newGatedJournal(true)})
		see(t, errOf(b.admin.PutSKU(ctx, "tee", api.SKUSpec{})), api.CodeUnavailable)
		see(t, b.admin.Ready(ctx), api.CodeUnavailable)
	})

	for _, code := range api.Codes() {
		if code == api.CodeInternal || code == api.CodeIdempotencyKeyInUse {
			continue
		}
		if !seen[code] {
			t.Errorf("code %s was never produced", code)
		}
	}
}

// TestBadInput sends hostile bodies through the real server: each must get the documented 4xx
// problem, and the engine's state must be exactly what it was.
func TestBadInput(t *testing.T) {
	b := newBundle(t)
	seed(t, b.admin)
	w := b.key("acme", api.ScopeWrite)
	long := strings.Repeat("x", api.MaxJSONStringBytes+1)
	deep := strings.Repeat("[", 50) + strings.Repeat("]", 50)
	hugeLines := "[" + strings.TrimSuffix(strings.Repeat(`{"sku":"tee","qty":1},`, api.MaxJSONArrayLen+1), ",") + "]"
	tooManyLines := "[" + strings.TrimSuffix(strings.Repeat(`{"sku":"tee","qty":1},`, depot.MaxLines+1), ",") + "]"
	cases := []struct {
		name, path, ct, body string
		status               int
		code, field          string
	}{
		{"truncated", "/v1/receipts", "", `{"id":"a",`, 400, "malformed_json", ""},
		{"not json", "/v1/receipts", "", `hello`, 400, "malformed_json", ""},
		{"array", "/v1/receipts", "", `[1,2]`, 400, "malformed_json", ""},
		{"null", "/v1/receipts", "", `null`, 400, "malformed_json", ""},
		{"trailing object", "/v1/receipts", "", `{"id":"a"}{"id":"b"}`, 400, "malformed_json", ""},
		{"trailing garbage", "/v1/receipts", "", `{"id":"a"} x`, 400, "malformed_json", ""},
		{"qty as string", "/v1/receipts", "", `{"id":"a","sku":"tee","location":"wh1","qty":"5"}`, 400, "malformed_json", "qty"},
		{"qty as float", "/v1/receipts", "", `{"id":"a","sku":"tee","location":"wh1","qty":1.5}`, 400, "malformed_json", "qty"},
		{"id as number", "/v1/receipts", "", `{"id":7,"sku":"tee","location":"wh1","qty":1}`, 400, "malformed_json", "id"},
		{"lines as object", "/v1/reservations", "", `{"id":"r","channel":"web","lines":{"sku":"tee"}}`, 400, "malformed_json", "lines"},
		{"bool as string", "/v1/returns", "", `{"id":"a","sku":"tee","location":"wh1","qty":1,"restock":"yes"}`, 400, "malformed_json", "restock"},
		{"unknown field", "/v1/receipts", "", `{"id":"a","sku":"tee","location":"wh1","qty":1,"colour":"red"}`, 400, "malformed_json", "colour"},
		{"case-folded field", "/v1/receipts", "", `{"ID":"a","sku":"tee","location":"wh1","qty":1}`, 400, "malformed_json", ""},
		{"escaped field name", "/v1/receipts", "", `{"\u0069d":"a","sku":"tee","location":"wh1","qty":1}`, 400, "malformed_json", ""},
		{"missing everything", "/v1/receipts", "", `{}`, 422, "invalid_argument", "id"},
		{"missing qty", "/v1/receipts", "", `{"id":"a","sku":"tee","location":"wh1"}`, 422, "invalid_quantity", "qty"},
		{"empty body", "/v1/receipts", "", ``, 422, "invalid_argument", "id"},
		{"negative qty", "/v1/receipts", "", `{"id":"a","sku":"tee","location":"wh1","qty":-3}`, 422, "invalid_quantity", "qty"},
		{"zero qty", "/v1/receipts", "", `{"id":"a","sku":"tee","location":"wh1","qty":0}`, 422, "invalid_quantity", "qty"},
		{"qty over the limit", "/v1/receipts", "", fmt.Sprintf(`{"id":"a","sku":"tee","location":"wh1","qty":%d}`, depot.MaxQty+1), 422, "invalid_quantity", "qty"},
		{"qty overflowing int64", "/v1/receipts", "", `{"id":"a","sku":"tee","location":"wh1","qty":9223372036854775808}`, 400, "malformed_json", "qty"},
		{"qty with exponent", "/v1/receipts", "", `{"id":"a","sku":"tee","location":"wh1","qty":1e30}`, 400, "malformed_json", "qty"},
		{"very long number", "/v1/receipts", "", `{"id":"a","qty":` + strings.Repeat("9", 100) + `}`, 400, "malformed_json", "qty"},
		{"zero delta", "/v1/adjustments", "", `{"id":"a","sku":"tee","location":"wh1","delta":0}`, 422, "invalid_quantity", "delta"},
		{"negative count", "/v1/counts", "", `{"id":"a","sku":"tee","location":"wh1","on_hand":-1}`, 422, "invalid_quantity", "on_hand"},
		{"huge array", "/v1/reservations", "", `{"id":"r","channel":"web","lines":` + hugeLines + `}`, 422, "limit_exceeded", "lines"},
		{"too many lines", "/v1/reservations", "", `{"id":"r","channel":"web","lines":` + tooManyLines + `}`, 422, "limit_exceeded", "lines"},
		{"deep nesting", "/v1/reservations", "", `{"id":"r","lines":` + deep + `}`, 400, "malformed_json", ""},
		{"very long string", "/v1/receipts", "", `{"id":"` + long + `","sku":"tee","location":"wh1","qty":1}`, 422, "limit_exceeded", "id"},
		{"id over the limit", "/v1/receipts", "", `{"id":"` + strings.Repeat("i", depot.MaxIDLen+1) + `","sku":"tee","location":"wh1","qty":1}`, 422, "limit_exceeded", "id"},
		{"invalid utf-8", "/v1/receipts", "", "{\"id\":\"\xff\xfe\",\"sku\":\"tee\",\"location\":\"wh1\",\"qty\":1}", 400, "malformed_json", ""},
		{"lone surrogate", "/v1/receipts", "", `{"id":"\ud800","sku":"tee","location":"wh1","qty":1}`, 400, "malformed_json", "id"},
		{"control character", "/v1/receipts", "", `{"id":"a\u0001b","sku":"tee","location":"wh1","qty":1}`, 422, "invalid_argument", "id"},
		{"raw control character", "/v1/receipts", "", "{\"id\":\"a\x01b\"}", 400, "malformed_json", "id"},
		{"duplicate key", "/v1/receipts", "", `{"id":"a","sku":"tee","location":"wh1","qty":1,"qty":1000}`, 400, "malformed_json", "qty"},
		{"nested duplicate key", "/v1/reservations", "", `{"id":"r","channel":"web","lines":[{"sku":"tee","qty":1,"sku":"mug"}]}`, 400, "malformed_json", "lines[0].sku"},
		{"bad location type", "/v1/batch", "", `{"commands":[{"kind":"define_location","location":"l","type":1}]}`, 400, "malformed_json", "commands[0].type"},
		{"wrong content type", "/v1/receipts", "text/plain", `{}`, 415, "unsupported_media_type", ""},
		{"wrong charset", "/v1/receipts", "application/json; charset=latin1", `{}`, 415, "unsupported_media_type", ""},
		{"too large", "/v1/receipts", "", `{"id":"` + strings.Repeat("a", api.MaxBodyBytes) + `"}`, 413, "payload_too_large", ""},
		{"batch of nothing", "/v1/batch", "", `{"commands":[]}`, 422, "invalid_argument", "commands"},
		{"batch element not an object", "/v1/batch", "", `{"commands":[1]}`, 400, "malformed_json", "commands[0]"},
		{"batch kind not a string", "/v1/batch", "", `{"commands":[{"kind":1}]}`, 400, "malformed_json", "commands[0].kind"},
	}
	before := b.hash()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ct := tc.ct
			if ct == "" {
				ct = "application/json"
			}
			st, h, body := b.raw("POST", tc.path, w, ct, []byte(tc.body))
			p := problemOf(t, h, body)
			if st != tc.status || p.Code != tc.code || p.Status != st {
				t.Fatalf("answered %d %+v, want %d %s", st, p, tc.status, tc.code)
			}
			if tc.field != "" && p.Field != tc.field {
				t.Fatalf("field %q, want %q (%+v)", p.Field, tc.field, p)
			}
			if api.StatusOf(p.Code) != st {
				t.Fatalf("code %s answered %d but the table says %d", p.Code, st, api.StatusOf(p.Code))
			}
		})
	}
	if after := b.hash(); after != before {
		t.Fatal("bad input changed the engine's state")
	}
}

func TestAuth(t *testing.T) {
	b := newBundle(t)
	seed(t, b.admin)
	read := b.key("acme", api.ScopeRead)
	write := b.key("acme", api.ScopeWrite)
	for _, tc := range []struct {
		name, method, path, secret, auth string
		status                           int
	}{
		{"no header", "GET", "/v1/skus/tee", "", "", 401},
		{"not bearer", "GET", "/v1/skus/tee", "", "Basic " + read, 401},
		{"unknown key", "GET", "/v1/skus/tee", "", "Bearer dpk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 401},
		{"garbage key", "GET", "/v1/skus/tee", "", "Bearer hello", 401},
		{"read can read", "GET", "/v1/skus/tee", read, "", 200},
		{"read cannot write", "PUT", "/v1/skus/tee", read, "", 403},
		{"write can write", "POST", "/v1/receipts", write, "", 422},
		{"write cannot admin", "GET", "/v1/webhooks", write, "", 403},
		{"write cannot make keys", "POST", "/v1/keys", write, "", 403},
		{"health needs no key", "GET", "/healthz", "", "", 200},
		{"openapi needs no key", "GET", "/v1/openapi.json", "", "", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []string
			if tc.auth != "" {
				hdr = []string{"Authorization", tc.auth}
			}
			var body []byte
			ct := ""
			if tc.method != "GET" {
				body, ct = []byte(`{}`), "application/json"
			}
			st, _, _ := b.raw(tc.method, tc.path, tc.secret, ct, body, hdr...)
			if st != tc.status {
				t.Fatalf("answered %d, want %d", st, tc.status)
			}
		})
	}

	// Keys made over the API work at once and die when revoked.
	k := must[*api.Key](t)(b.admin.CreateKey(ctx, api.KeySpec{Scope: "read", Name: "dashboard"}))
	if !strings.HasPrefix(k.Secret, "dpk_") || k.Tenant != "acme" || k.Scope != "read" {
		t.Fatalf("created key %+v", k)
	}
	kc := client.New(b.url, k.Secret, nil)
	ok(t, errOf(kc.GetSKU(ctx, "tee")))
	keys := must[[]api.Key](t)(b.admin.Keys(ctx))
	for _, listed := range keys {
		if listed.Secret != "" {
			t.Fatal("a listed key shows its secret")
		}
	}
	ok(t, b.admin.RevokeKey(ctx, k.ID))
	wantCode(t, errOf(kc.GetSKU(ctx, "tee")), api.CodeUnauthorized)
	wantCode(t, b.admin.RevokeKey(ctx, k.ID), api.CodeNotFound)
	wantCode(t, errOf(b.admin.CreateKey(ctx, api.KeySpec{Scope: "root"})), "invalid_argument")
}

func TestIdempotencyKey(t *testing.T) {
	b := newBundle(t)
	seed(t, b.admin)
	w := b.key("acme", api.ScopeWrite)
	body := []byte(`{"id":"rc-x","sku":"tee","location":"wh1","qty":3}`)
	st1, h1, a1 := b.raw("POST", "/v1/receipts", w, "application/json", body, "Idempotency-Key", "k-1")
	if st1 != 200 || h1.Get("Idempotent-Replayed") != "" {
		t.Fatalf("first answer %d %s", st1, a1)
	}
	hash := b.hash()
	st2, h2, a2 := b.raw("POST", "/v1/receipts", w, "application/json", body, "Idempotency-Key", "k-1")
	if st2 != st1 || !bytes.Equal(a1, a2) || h2.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry answered %d %s, want the first answer %d %s", st2, a2, st1, a1)
	}
	if b.hash() != hash {
		t.Fatal("a replayed answer changed the state")
	}
	// The same key with another body is refused and changes nothing.
	st3, h3, a3 := b.raw("POST", "/v1/receipts", w, "application/json", []byte(`{"id":"rc-y","sku":"tee","location":"wh1","qty":3}`), "Idempotency-Key", "k-1")
	if p := problemOf(t, h3, a3); st3 != 422 || p.Code != api.CodeIdempotencyKeyReused {
		t.Fatalf("reused key answered %d %+v", st3, p)
	}
	// And with another path.
	st3, _, _ = b.raw("POST", "/v1/holds", w, "application/json", body, "Idempotency-Key", "k-1")
	if st3 != 422 {
		t.Fatalf("reused key on another route answered %d", st3)
	}
	if b.hash() != hash {
		t.Fatal("a refused request changed the state")
	}
	// Error answers are remembered too.
	bad := []byte(`{"id":"rc-z","sku":"tee","location":"wh1","qty":0}`)
	st4, _, a4 := b.raw("POST", "/v1/receipts", w, "application/json", bad, "Idempotency-Key", "k-2")
	st5, h5, a5 := b.raw("POST", "/v1/receipts", w, "application/json", bad, "Idempotency-Key", "k-2")
	if st4 != 422 || st5 != 422 || !bytes.Equal(a4, a5) || h5.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("error answer not replayed: %d %s then %d %s", st4, a4, st5, a5)
	}
	// Keys are per tenant: another tenant's k-1 is its own.
	other := b.key("globex", api.ScopeWrite)
	st6, _, a6 := b.raw("PUT", "/v1/skus/tee", other, "application/json", []byte(`{}`), "Idempotency-Key", "k-1")
	if st6 != 200 {
		t.Fatalf("another tenant's use of the key answered %d %s", st6, a6)
	}
	// Concurrent retries with the same key all get one answer.
	var wg sync.WaitGroup
	answers := make([][]byte, 8)
	body7 := []byte(`{"id":"rc-c","sku":"tee","location":"wh1","qty":1}`)
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, answers[i] = b.raw("POST", "/v1/receipts", w, "application/json", body7, "Idempotency-Key", "k-3")
		}()
	}
	wg.Wait()
	for _, a := range answers[1:] {
		if !bytes.Equal(a, answers[0]) {
			t.Fatalf("concurrent retries got different answers: %s and %s", answers[0], a)
		}
	}
}
