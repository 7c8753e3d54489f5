package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/depothq/depot/api"
	"github.com/depothq/depot/api/client"
	"github.com/depothq/depot/journal"
)

func TestEventStream(t *testing.T) {
	b := newBundle(t)
	seed(t, b.admin)
	start := must[*api.Stats](t)(b.admin.Stats(ctx)).DurableSeq

	st := must[*client.Stream](t)(b.admin.Events(ctx, start))
	defer st.Close()
	// A reservation of two SKUs is one command with two events sharing a seq.
	res := must[*api.Result](t)(b.admin.Reserve(ctx, api.ReservationRequest{ID: "r1", Channel: "web", Lines: []api.ReserveLine{{SKU: "tee", Qty: 1}, {SKU: "mug", Qty: 1}}}))
	ok(t, errOf(b.admin.Receive(ctx, api.Receipt{ID: "rc-late", SKU: "tee", Location: "st1", Qty: 4})))
	if len(res.Events) != 2 {
		t.Fatalf("reserve of two lines gave %d events", len(res.Events))
	}
	first := must[api.Event](t)(st.Next())
	if first.Seq != res.Seq || first.Kind != "reserved" {
		t.Fatalf("first event %+v, want reserved at seq %d", first, res.Seq)
	}
	// Half-way through a command the resume point is still before it.
	if st.LastID() != start {
		t.Fatalf("after the first of two events LastID is %d, want %d", st.LastID(), start)
	}
	resume := st.LastID()
	second := must[api.Event](t)(st.Next())
	if second.Seq != res.Seq || st.LastID() != res.Seq {
		t.Fatalf("second event %+v, LastID %d", second, st.LastID())
	}
	third := must[api.Event](t)(st.Next())
	if third.Kind != "received" || third.Ref != "rc-late" {
		t.Fatalf("third event %+v", third)
	}
	st.Close()

	// Resuming from a partly read command repeats all of it and skips nothing.
	st2 := must[*client.Stream](t)(b.admin.Events(ctx, resume))
	defer st2.Close()
	var got []api.Event
	for range 3 {
		got = append(got, must[api.Event](t)(st2.Next()))
	}
	if !slices.Equal(got, []api.Event{first, second, third}) {
		t.Fatalf("resumed stream %+v, want %+v", got, []api.Event{first, second, third})
	}
	st2.Close()

	// Resuming after the last complete command gives only what follows.
	st3 := must[*client.Stream](t)(b.admin.Events(ctx, res.Seq))
	defer st3.Close()
	if ev := must[api.Event](t)(st3.Next()); ev != third {
		t.Fatalf("resumed after seq %d got %+v, want %+v", res.Seq, ev, third)
	}
	st3.Close()

	// A kinds filter.
	st4 := must[*client.Stream](t)(b.admin.Events(ctx, 0, "received"))
	defer st4.Close()
	for range 3 {
		if ev := must[api.Event](t)(st4.Next()); ev.Kind != "received" {
			t.Fatalf("filtered stream gave %+v", ev)
		}
	}
	st4.Close()
	wantCode(t, errOf(b.admin.Events(ctx, 0, "teleported")), "invalid_argument")

	// The query form, raw, as curl would use it.
	secret := b.key("acme", api.ScopeRead)
	req, _ := http.NewRequest("GET", b.url+"/v1/events?after=nope", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp := must[*http.Response](t)(http.DefaultClient.Do(req))
	resp.Body.Close()
	if resp.StatusCode != 422 {
		t.Fatalf("after=nope answered %d", resp.StatusCode)
	}
}

// TestSubscribeDelivers checks the client's reconnecting subscription delivers and stops cleanly.
func TestSubscribeDelivers(t *testing.T) {
	b := newBundle(t)
	seed(t, b.admin)
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events := make(chan api.Event, 100)
	done := make(chan error, 1)
	go func() {
		done <- b.admin.Subscribe(sctx, 0, []string{"received"}, func(ev api.Event) error {
			events <- ev
			return nil
		})
	}()
	for i := range 2 { // the two receipts of seed
		ev := <-events
		if ev.Kind != "received" {
			t.Fatalf("event %d: %+v", i, ev)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("subscribe ended with %v", err)
	}
}

// receiver is a webhook endpoint that fails on purpose: the first failures attempts of each
// delivery get a 500.
type receiver struct {
	t        *testing.T
	failures int // per delivery id; -1 fails forever

	mu         sync.Mutex
	secret     string
	attempts   map[string]int
	delivered  []api.Event
	signatures int
	notify     chan struct{}
}

func newReceiver(t *testing.T, failures int) (*receiver, *httptest.Server) {
	r := &receiver{t: t, failures: failures, attempts: map[string]int{}, notify: make(chan struct{}, 1000)}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return r, srv
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer func() {
		r.mu.Unlock()
		r.notify <- struct{}{}
	}()
	if err := api.VerifySignature(r.secret, req.Header.Get(api.SignatureHeader), body, time.Now(), 5*time.Minute); err != nil {
		r.t.Errorf("delivery with a bad signature: %v", err)
		w.WriteHeader(400)
		return
	}
	r.signatures++
	id := req.Header.Get("Depot-Delivery-Id")
	r.attempts[id]++
	if r.failures < 0 || r.attempts[id] <= r.failures {
		w.WriteHeader(500)
		return
	}
	var d api.WebhookDelivery
	if err := json.Unmarshal(body, &d); err != nil {
		r.t.Errorf("delivery body: %v", err)
	}
	r.delivered = append(r.delivered, d.Events...)
	w.WriteHeader(204)
}

func (r *receiver) setSecret(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secret = s
}

func (r *receiver) snapshot() ([]api.Event, map[string]int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	attempts := map[string]int{}
	for k, v := range r.attempts {
		attempts[k] = v
	}
	return slices.Clone(r.delivered), attempts
}

func TestWebhooks(t *testing.T) {
	b := newBundle(t, bundleOptions{config: func(c *api.Config) { c.WebhookAttempts = 3 }})
	seed(t, b.admin)

	flaky, flakySrv := newReceiver(t, 2)
	hook := must[*api.Webhook](t)(b.admin.CreateWebhook(ctx, api.WebhookSpec{URL: flakySrv.URL + "/hook?token=abc", Events: []string{"received", "reserved"}}))
	flaky.setSecret(hook.Secret)
	if hook.Secret == "" || hook.ID == "" {
		t.Fatalf("created webhook %+v", hook)
	}
	dead, deadSrv := newReceiver(t, -1)
	deadHook := must[*api.Webhook](t)(b.admin.CreateWebhook(ctx, api.WebhookSpec{URL: deadSrv.URL}))
	dead.setSecret(deadHook.Secret)

	res := must[*api.Result](t)(b.admin.Receive(ctx, api.Receipt{ID: "rc-hook", SKU: "tee", Location: "wh1", Qty: 1}))
	ok(t, errOf(b.admin.Adjust(ctx, api.Adjustment{ID: "adj-hook", SKU: "tee", Location: "wh1", Delta: 1}))) // filtered out of hook

	eventually(t, "the flaky receiver to accept", func() bool {
		got, _ := flaky.snapshot()
		return len(got) > 0
	})
	got, attempts := flaky.snapshot()
	if len(got) != 1 || got[0].Kind != "received" || got[0].Ref != "rc-hook" || got[0].Seq != res.Seq {
		t.Fatalf("flaky receiver got %+v", got)
	}
	for id, n := range attempts {
		if n != 3 {
			t.Fatalf("delivery %s took %d attempts, want 3 (two failures, then success)", id, n)
		}
	}
	eventually(t, "the cursor to pass the receipt", func() bool {
		w := must[*api.Webhook](t)(b.admin.Webhook(ctx, hook.ID))
		return w.Cursor >= res.Seq && w.Secret == ""
	})

	eventually(t, "a dead letter", func() bool {
		return len(must[[]api.DeadLetter](t)(b.admin.DeadLetters(ctx, deadHook.ID))) > 0
	})
	dl := must[[]api.DeadLetter](t)(b.admin.DeadLetters(ctx, deadHook.ID))
	if dl[0].Attempts != 3 || len(dl[0].Events) == 0 || dl[0].Events[0].Seq != res.Seq || dl[0].LastError == "" {
		t.Fatalf("dead letter %+v", dl[0])
	}
	if contains(dl[0].LastError, "token=abc") || contains(b.logs.String(), "token=abc") {
		t.Fatal("a webhook URL's query leaked into an error or the logs")
	}

	list := must[[]api.Webhook](t)(b.admin.Webhooks(ctx))
	if len(list) != 2 {
		t.Fatalf("listed %d webhooks", len(list))
	}
	ok(t, b.admin.DeleteWebhook(ctx, deadHook.ID))
	wantCode(t, errOf(b.admin.Webhook(ctx, deadHook.ID)), api.CodeNotFound)

	for _, spec := range []api.WebhookSpec{
		{URL: "ftp://example.com"}, {URL: "/relative"}, {URL: "http://user:pw@example.com"}, {URL: "http://x", Events: []string{"nope"}},
	} {
		wantCode(t, errOf(b.admin.CreateWebhook(ctx, spec)), "invalid_argument")
	}
}

func TestSignature(t *testing.T) {
	body := []byte(`{"webhook":"wh","events":[]}`)
	now := time.Unix(1_900_000_000, 0)
	h := api.Sign("whsec_s", now, body)
	ok(t, api.VerifySignature("whsec_s", h, body, now, time.Minute))
	for name, err := range map[string]error{
		"other secret": api.VerifySignature("whsec_t", h, body, now, time.Minute),
		"other body":   api.VerifySignature("whsec_s", h, append(body, ' '), now, time.Minute),
		"stale":        api.VerifySignature("whsec_s", h, body, now.Add(time.Hour), time.Minute),
		"garbage":      api.VerifySignature("whsec_s", "t=1,v1=zz", body, now, 0),
		"empty":        api.VerifySignature("whsec_s", "", body, now, 0),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestWebhookCursorSurvivesRestart stops a server while a webhook is behind and starts a new one
// on the same data: the events the first never delivered arrive, rebuilt from the journal.
func TestWebhookCursorSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	mem := journal.NewMemory()
	down, downSrv := newReceiver(t, -1)
	// Retries never run out while the receiver is down, so the cursor stays before the receipt.
	b := newBundle(t, bundleOptions{journal: mem, dataDir: dir, keepOpen: true, config: func(c *api.Config) { c.WebhookAttempts = 1 << 30 }})
	seed(t, b.admin)
	hook := must[*api.Webhook](t)(b.admin.CreateWebhook(ctx, api.WebhookSpec{URL: downSrv.URL, Events: []string{"received"}}))
	down.setSecret(hook.Secret)
	res := must[*api.Result](t)(b.admin.Receive(ctx, api.Receipt{ID: "rc-before", SKU: "tee", Location: "wh1", Qty: 1}))
	<-down.notify // at least one attempt failed
	b.close()

	up, upSrv := newReceiver(t, 0)
	up.setSecret(hook.Secret)
	// Point the stored subscription at the receiver that is up, as an operator fixing the URL
	// would; the cursor stays where it was.
	rewriteWebhookURL(t, dir, downSrv.URL, upSrv.URL)
	b2 := newBundle(t, bundleOptions{journal: mem.Reopen(), dataDir: dir})
	eventually(t, "the delivery after the restart", func() bool {
		got, _ := up.snapshot()
		return slices.ContainsFunc(got, func(e api.Event) bool { return e.Seq == res.Seq })
	})
	got, _ := up.snapshot()
	for _, e := range got {
		if e.Kind != "received" {
			t.Fatalf("filtered subscription got %+v after the restart", e)
		}
	}
	w := must[*api.Webhook](t)(b2.client("acme", api.ScopeAdmin).Webhook(ctx, hook.ID))
	if w.ID != hook.ID {
		t.Fatalf("subscription after restart %+v", w)
	}
}

// rewriteWebhookURL edits the stored subscriptions while no server runs.
func rewriteWebhookURL(t *testing.T, dir, from, to string) {
	t.Helper()
	path := filepath.Join(dir, "webhooks.json")
	data := must[[]byte](t)(os.ReadFile(path))
	if !bytes.Contains(data, []byte(from)) {
		t.Fatalf("%s does not hold %s", path, from)
	}
	ok(t, os.WriteFile(path, bytes.ReplaceAll(data, []byte(from), []byte(to)), 0o600))
}
