package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/depothq/depot/api"
	"github.com/depothq/depot/api/client"
)

func TestOpenAPICoversEveryRoute(t *testing.T) {
	b := newBundle(t)
	st, h, body := b.raw("GET", "/v1/openapi.json", "", "", nil)
	if st != 200 || h.Get("Content-Type") != "application/json" {
		t.Fatalf("openapi answered %d %s", st, h.Get("Content-Type"))
	}
	var doc struct {
		OpenAPI    string                               `json:"openapi"`
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
		Codes map[string]int `json:"x-codes"`
	}
	ok(t, json.Unmarshal(body, &doc))
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method, op := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
			if op["operationId"] == nil || op["responses"] == nil {
				t.Errorf("%s %s lacks an operationId or responses", method, path)
			}
		}
	}
	routes := api.RouteLabels(b.srv)
	slices.Sort(documented)
	slices.Sort(routes)
	if !slices.Equal(documented, routes) {
		t.Fatalf("the document has\n%v\nthe route table has\n%v", documented, routes)
	}
	// Every route of the table is served by the mux: nothing answers with the fallback's 404/405.
	param := regexp.MustCompile(`\{[a-z_]+\}`)
	for _, r := range routes {
		method, pattern, _ := strings.Cut(r, " ")
		st, h, body := b.raw(method, param.ReplaceAllString(pattern, "x"), "", "", nil)
		if st == 404 || st == 405 {
			if p := problemOf(t, h, body); p.Code == api.CodeNotFound || p.Code == api.CodeMethodNotAllowed {
				t.Errorf("%s is in the table but the mux does not serve it (%d %s)", r, st, p.Code)
			}
		}
	}
	// Every $ref resolves, and every batch kind has a schema.
	for _, ref := range regexp.MustCompile(`"#/components/schemas/([A-Za-z]+)"`).FindAllStringSubmatch(string(body), -1) {
		if doc.Components.Schemas[ref[1]] == nil {
			t.Errorf("dangling $ref %s", ref[1])
		}
	}
	for _, name := range []string{"BatchReceipt", "BatchReservationRequest", "BatchSKU", "BatchRelease", "Problem", "Event"} {
		if doc.Components.Schemas[name] == nil {
			t.Errorf("schema %s missing", name)
		}
	}
	for _, code := range api.Codes() {
		if doc.Codes[code] != api.StatusOf(code) {
			t.Errorf("x-codes says %s is %d, the table %d", code, doc.Codes[code], api.StatusOf(code))
		}
	}
}

func TestCodeTable(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range api.Codes() {
		if seen[c] {
			t.Fatalf("code %s listed twice", c)
		}
		seen[c] = true
		if st := api.StatusOf(c); st < 400 || st > 599 {
			t.Fatalf("code %s maps to %d", c, st)
		}
	}
	for code, status := range map[string]int{
		"malformed_json": 400, "unauthorized": 401, "forbidden": 403, "not_found": 404, "insufficient_stock": 409,
		"duplicate": 409, "invalid_state": 409, "expired": 409, "payload_too_large": 413, "unsupported_media_type": 415,
		"invalid_quantity": 422, "idempotency_key_reused": 422, "rate_limited": 429, "overloaded": 503,
	} {
		if api.StatusOf(code) != status {
			t.Errorf("%s maps to %d, want %d", code, api.StatusOf(code), status)
		}
	}
}

func TestOperations(t *testing.T) {
	b := newBundle(t)
	seed(t, b.admin)
	_, _ = b.admin.Receive(ctx, api.Receipt{ID: "bad", SKU: "tee", Location: "wh1", Qty: -1})
	_, _ = b.admin.Reserve(ctx, api.ReservationRequest{ID: "r", Channel: "web", Lines: []api.ReserveLine{{SKU: "tee", Qty: 1 << 20}}})

	st, _, body := b.raw("GET", "/healthz", "", "", nil)
	if st != 200 || !contains(string(body), `"ok"`) {
		t.Fatalf("healthz %d %s", st, body)
	}
	ok(t, b.admin.Ready(ctx))
	wants := []string{
		`depot_http_requests_total{method="POST",route="POST /v1/receipts",status="200"}`,
		`depot_http_request_duration_seconds_bucket{method="PUT",route="PUT /v1/skus/{sku}"`,
		`depot_sequencer_batch_commands_count`,
		`depot_sequencer_fsync_seconds_count`,
		`depot_sequencer_queue_depth`,
		`depot_rejections_total{code="insufficient_stock"} 1`,
		`depot_rejections_total{code="invalid_quantity"} 1`,
		`depot_events_total{kind="received"} 2`,
		`depot_commands_total{kind="define_sku"} 3`,
		`go_goroutines`,
	}
	// Batch metrics are recorded after the callers are answered, so the last batch may still be on
	// its way: wait for it rather than assume.
	var missing []string
	eventually(t, "the metrics", func() bool {
		st, _, body := b.raw("GET", "/metrics", "", "", nil)
		if st != 200 {
			t.Fatalf("metrics %d", st)
		}
		missing = missing[:0]
		for _, want := range wants {
			if !contains(string(body), want) {
				missing = append(missing, want)
			}
		}
		return len(missing) == 0
	})
}

// TestH2C talks unencrypted HTTP/2 to the server, as the client's H2C option does.
func TestH2C(t *testing.T) {
	b := newBundle(t)
	seed(t, b.admin)
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	hc := &http.Client{Transport: &http.Transport{Protocols: &p}}
	resp := must[*http.Response](t)(hc.Get(b.url + "/healthz"))
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Fatalf("answered over %s, want HTTP/2", resp.Proto)
	}
	c := client.New(b.url, b.key("acme", api.ScopeRead), &client.Options{H2C: true})
	if sku := must[*api.SKU](t)(c.GetSKU(ctx, "tee")); sku.Name != "T-shirt" {
		t.Fatalf("over h2c: %+v", sku)
	}
	st := must[*client.Stream](t)(c.Events(ctx, 0))
	defer st.Close()
	if ev := must[api.Event](t)(st.Next()); ev.Kind != "sku_defined" {
		t.Fatalf("first event over h2c %+v", ev)
	}
}

// TestNoSecretsInLogs runs requests with good, revoked and made-up keys, creates keys and
// webhooks, and then greps the server's debug logs for every secret involved.
func TestNoSecretsInLogs(t *testing.T) {
	b := newBundle(t)
	seed(t, b.admin)
	secret := b.key("acme", api.ScopeWrite)
	made := must[*api.Key](t)(b.admin.CreateKey(ctx, api.KeySpec{Scope: "read"}))
	hook := must[*api.Webhook](t)(b.admin.CreateWebhook(ctx, api.WebhookSpec{URL: "http://127.0.0.1:1/x"}))
	fake := "dpk_" + strings.Repeat("Z", 43)
	for _, s := range []string{secret, made.Secret, fake, "not-even-a-key"} {
		b.raw("GET", "/v1/skus/tee", s, "", nil)
		b.raw("POST", "/v1/receipts", s, "application/json", []byte(`{"id":"x"}`))
	}
	ok(t, b.admin.RevokeKey(ctx, made.ID))
	b.raw("GET", "/v1/skus/tee", made.Secret, "", nil)
	logs := b.logs.String()
	if !contains(logs, `"msg":"request"`) {
		t.Fatal("no request was logged; the test would prove nothing")
	}
	for _, s := range []string{secret, made.Secret, fake, "not-even-a-key", hook.Secret} {
		if contains(logs, s) {
			t.Fatalf("the logs hold a secret")
		}
	}
}

// TestKeyFile checks what lands on disk and that a second store (the CLI) and the server agree.
func TestKeyFile(t *testing.T) {
	dir := t.TempDir()
	b := newBundle(t, bundleOptions{dataDir: dir})
	info, secret, err := b.srv.Keys().Create("acme", api.ScopeRead, "on disk")
	ok(t, err)
	path := filepath.Join(dir, "keys.json")
	data := must[[]byte](t)(os.ReadFile(path))
	if contains(string(data), secret) || !contains(string(data), info.ID) {
		t.Fatalf("keys.json holds the secret, or not the key: %s", data)
	}
	if fi := must[os.FileInfo](t)(os.Stat(path)); fi.Mode().Perm() != 0o600 {
		t.Fatalf("keys.json has mode %v", fi.Mode().Perm())
	}
	c := client.New(b.url, secret, nil)
	wantCode(t, errOf(c.GetSKU(ctx, "x")), api.CodeNotFound)

	// The CLI's view: another store on the same directory revokes the key; the server notices.
	cli := must[*api.KeyStore](t)(api.OpenKeyStore(dir))
	if len(cli.List("acme")) != 1 {
		t.Fatalf("the CLI sees %d keys", len(cli.List("acme")))
	}
	other, otherSecret, err := cli.Create("acme", api.ScopeWrite, "from the CLI")
	ok(t, err)
	ok(t, cli.Revoke(info.ID))
	eventually(t, "the server to see the revocation", func() bool {
		return client.CodeOf(errOf(c.GetSKU(ctx, "x"))) == api.CodeUnauthorized
	})
	wantCode(t, errOf(client.New(b.url, otherSecret, nil).GetSKU(ctx, "x")), api.CodeNotFound)
	if err := cli.Revoke(info.ID); err == nil {
		t.Fatal("revoking twice succeeded")
	}
	if k, ok := cli.Authenticate(otherSecret); !ok || k.ID != other.ID {
		t.Fatal("the CLI's store does not authenticate its own key")
	}
}
