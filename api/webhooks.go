package api

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/depothq/depot"
)

// Webhooks: each subscription has a goroutine that reads its tenant's matching events from the
// feed after its cursor, POSTs them in batches of up to MaxWebhookBatch, and advances the cursor
// only after a 2xx. A failed delivery is retried with exponential backoff and jitter; after the
// last attempt it goes to the subscription's dead letters and the cursor moves on, so one bad
// batch never blocks the rest forever. Delivery is at least once: the cursor is written to
// DIR/webhooks.json about once a second, so after a crash the receiver may see a delivery again
// and deduplicates on the events' sequence numbers.
//
// Deliveries carry Depot-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>"> under
// the subscription's secret; receivers check it with VerifySignature.

// SignatureHeader is the header that carries a delivery's signature.
const SignatureHeader = "Depot-Signature"

// webhooksFile is the subscription store in the data directory.
const webhooksFile = "webhooks.json"

// Sign returns the signature header value for a body sent at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(signature(secret, ts, body))
}

func signature(secret, ts string, body []byte) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return mac.Sum(nil)
}

// ErrBadSignature is returned by VerifySignature for a missing, malformed, stale or wrong
// signature.
var ErrBadSignature = errors.New("api: bad webhook signature")

// VerifySignature checks a Depot-Signature header against the body, in constant time, and refuses
// timestamps further than tolerance from now (replayed deliveries), unless tolerance is 0.
func VerifySignature(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return fmt.Errorf("%w: malformed header", ErrBadSignature)
	}
	if tolerance > 0 {
		if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
			return fmt.Errorf("%w: timestamp outside the tolerance", ErrBadSignature)
		}
	}
	got, err := hex.DecodeString(sig)
	if err != nil || !hmac.Equal(got, signature(secret, ts, body)) {
		return fmt.Errorf("%w: signature mismatch", ErrBadSignature)
	}
	return nil
}

// webhookRecord is one subscription as persisted.
type webhookRecord struct {
	ID          string       `json:"id"`
	Tenant      string       `json:"tenant"`
	URL         string       `json:"url"`
	Events      []string     `json:"events,omitempty"`
	Description string       `json:"description,omitempty"`
	Secret      string       `json:"secret"`
	CreatedAt   int64        `json:"created_at"`
	Cursor      uint64       `json:"cursor"`
	DeadLetters []DeadLetter `json:"dead_letters,omitempty"`
}

type webhooksDoc struct {
	Version  int              `json:"version"`
	Webhooks []*webhookRecord `json:"webhooks"`
}

// subscription is a live subscription: its record (guarded by webhooks.mu) and its goroutine.
type subscription struct {
	rec    *webhookRecord
	match  func(depot.EventKind) bool
	cancel context.CancelFunc
	done   chan struct{}
}

// webhooks owns the subscriptions and their dispatchers.
type webhooks struct {
	srv      *Server
	path     string // "" keeps subscriptions in memory only
	client   *http.Client
	base     time.Duration
	maxDelay time.Duration
	attempts int
	log      *slog.Logger

	mu    sync.Mutex
	subs  map[string]*subscription
	dirty bool

	saveMu sync.Mutex // serialises file writes
	stop   chan struct{}
	wg     sync.WaitGroup
}

func newWebhooks(s *Server, dir string, cfg *Config) (*webhooks, error) {
	ws := &webhooks{
		srv: s, client: cfg.WebhookClient, base: cfg.WebhookRetryBase, maxDelay: cfg.WebhookRetryMax,
		attempts: cfg.WebhookAttempts, log: s.log, subs: make(map[string]*subscription), stop: make(chan struct{}),
	}
	if ws.client == nil {
		ws.client = &http.Client{
			Timeout: WebhookTimeout,
			// Never follow redirects: a receiver must answer at the URL it registered, and a
			// redirect must not steer deliveries somewhere the admin did not choose.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if dir == "" {
		return ws, nil
	}
	ws.path = filepath.Join(dir, webhooksFile)
	data, err := os.ReadFile(ws.path)
	if errors.Is(err, os.ErrNotExist) {
		return ws, nil
	}
	if err != nil {
		return nil, fmt.Errorf("api: read %s: %w", ws.path, err)
	}
	var doc webhooksDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("api: parse %s: %w", ws.path, err)
	}
	if doc.Version != 1 {
		return nil, fmt.Errorf("api: %s has unknown version %d", ws.path, doc.Version)
	}
	for _, rec := range doc.Webhooks {
		match, p := parseKinds(rec.Events, "events")
		if p != nil || rec.ID == "" || rec.Secret == "" {
			return nil, fmt.Errorf("api: %s: subscription %q is malformed", ws.path, rec.ID)
		}
		ws.subs[rec.ID] = &subscription{rec: rec, match: match}
	}
	return ws, nil
}

// minCursor is the oldest cursor, which the feed must reach back to after a restart.
func (ws *webhooks) minCursor() (uint64, bool) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	var least uint64
	found := false
	for _, sub := range ws.subs {
		if !found || sub.rec.Cursor < least {
			least, found = sub.rec.Cursor, true
		}
	}
	return least, found
}

// start launches the dispatchers and the cursor flusher.
func (ws *webhooks) start() {
	ws.mu.Lock()
	for _, sub := range ws.subs {
		ws.launchLocked(sub)
	}
	ws.mu.Unlock()
	ws.wg.Add(1)
	go ws.flusher()
}

func (ws *webhooks) launchLocked(sub *subscription) {
	ctx, cancel := context.WithCancel(context.Background())
	sub.cancel, sub.done = cancel, make(chan struct{})
	ws.wg.Add(1)
	go func() {
		defer ws.wg.Done()
		defer close(sub.done)
		ws.dispatch(ctx, sub)
	}()
}

// close stops every dispatcher (an in-flight delivery is cancelled and will be repeated after a
// restart) and writes the cursors.
func (ws *webhooks) close() error {
	close(ws.stop)
	ws.mu.Lock()
	for _, sub := range ws.subs {
		sub.cancel()
	}
	ws.mu.Unlock()
	ws.wg.Wait()
	return ws.save()
}

func (ws *webhooks) flusher() {
	defer ws.wg.Done()
	t := time.NewTicker(WebhookCursorFlush)
	defer t.Stop()
	for {
		select {
		case <-ws.stop:
			return
		case <-t.C:
			ws.mu.Lock()
			dirty := ws.dirty
			ws.mu.Unlock()
			if dirty {
				if err := ws.save(); err != nil {
					ws.log.Error("webhook cursors not saved", "err", err)
				}
			}
		}
	}
}

// save writes every subscription with its cursor and dead letters.
func (ws *webhooks) save() error {
	if ws.path == "" {
		return nil
	}
	ws.saveMu.Lock()
	defer ws.saveMu.Unlock()
	ws.mu.Lock()
	doc := webhooksDoc{Version: 1}
	for _, sub := range ws.subs {
		rec := *sub.rec
		rec.DeadLetters = slices.Clone(rec.DeadLetters)
		doc.Webhooks = append(doc.Webhooks, &rec)
	}
	ws.dirty = false
	ws.mu.Unlock()
	slices.SortFunc(doc.Webhooks, func(a, b *webhookRecord) int { return strings.Compare(a.ID, b.ID) })
	data, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("api: encode webhooks: %w", err)
	}
	if err := writeFileAtomic(ws.path, data, 0o600); err != nil {
		ws.mu.Lock()
		ws.dirty = true
		ws.mu.Unlock()
		return fmt.Errorf("api: save webhooks: %w", err)
	}
	return nil
}

// checkWebhookURL accepts absolute http and https URLs without credentials.
func checkWebhookURL(raw string) *Problem {
	if len(raw) > MaxWebhookURLLen {
		return problemf(codeLimitExceeded, "url", fmt.Sprintf("the URL is longer than %d bytes", MaxWebhookURLLen))
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return problemf(codeInvalidArgument, "url", "the URL must be an absolute http or https URL")
	}
	if u.User != nil {
		return problemf(codeInvalidArgument, "url", "the URL must not carry credentials; verify the signature instead")
	}
	return nil
}

// create adds a subscription whose cursor is the present: it receives events committed from now.
func (ws *webhooks) create(tenant string, spec *WebhookSpec) (Webhook, *Problem) {
	if p := checkWebhookURL(spec.URL); p != nil {
		return Webhook{}, p
	}
	if err := validText(spec.Description, depot.MaxNameLen); err != nil {
		return Webhook{}, problemf(codeInvalidArgument, "description", "description "+err.Error())
	}
	if len(spec.Events) > 64 {
		return Webhook{}, problemf(codeLimitExceeded, "events", "at most 64 event kinds")
	}
	match, p := parseKinds(spec.Events, "events")
	if p != nil {
		return Webhook{}, p
	}
	var id, secret [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return Webhook{}, asProblem(fmt.Errorf("api: draw webhook id: %w", err))
	}
	if _, err := rand.Read(secret[:]); err != nil {
		return Webhook{}, asProblem(fmt.Errorf("api: draw webhook secret: %w", err))
	}
	rec := &webhookRecord{
		ID: "wh_" + hex.EncodeToString(id[:8]), Tenant: tenant, URL: spec.URL, Events: slices.Clone(spec.Events),
		Description: spec.Description, Secret: "whsec_" + base64.RawURLEncoding.EncodeToString(secret[:]),
		CreatedAt: time.Now().UnixNano(), Cursor: ws.srv.seq.DurableSeq(),
	}
	ws.mu.Lock()
	n := 0
	for _, sub := range ws.subs {
		if sub.rec.Tenant == tenant {
			n++
		}
	}
	if n >= MaxWebhooksPerTenant {
		ws.mu.Unlock()
		return Webhook{}, problemf(codeLimitExceeded, "", fmt.Sprintf("a tenant has at most %d webhooks", MaxWebhooksPerTenant))
	}
	sub := &subscription{rec: rec, match: match}
	ws.subs[rec.ID] = sub
	ws.launchLocked(sub)
	w := webhookView(rec)
	ws.mu.Unlock()
	if err := ws.save(); err != nil {
		// Not durable, so not created: take it back rather than deliver for a subscription that
		// would vanish at the next restart.
		ws.log.Error("webhook not saved", "webhook", rec.ID, "err", err)
		ws.mu.Lock()
		delete(ws.subs, rec.ID)
		ws.mu.Unlock()
		sub.cancel()
		<-sub.done
		return Webhook{}, asProblem(err)
	}
	w.Secret = rec.Secret
	return w, nil
}

func webhookView(rec *webhookRecord) Webhook {
	return Webhook{
		ID: rec.ID, URL: rec.URL, Events: slices.Clone(rec.Events), Description: rec.Description,
		CreatedAt: rec.CreatedAt, Cursor: rec.Cursor, DeadLetters: len(rec.DeadLetters),
	}
}

// lookupLocked finds a tenant's subscription; another tenant's id is simply not found.
func (ws *webhooks) lookupLocked(tenant, id string) *subscription {
	sub := ws.subs[id]
	if sub == nil || sub.rec.Tenant != tenant {
		return nil
	}
	return sub
}

func (ws *webhooks) list(tenant string) []Webhook {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	out := []Webhook{}
	for _, sub := range ws.subs {
		if sub.rec.Tenant == tenant {
			out = append(out, webhookView(sub.rec))
		}
	}
	slices.SortFunc(out, func(a, b Webhook) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func (ws *webhooks) get(tenant, id string) (Webhook, bool) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	sub := ws.lookupLocked(tenant, id)
	if sub == nil {
		return Webhook{}, false
	}
	return webhookView(sub.rec), true
}

func (ws *webhooks) deadLetters(tenant, id string) ([]DeadLetter, bool) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	sub := ws.lookupLocked(tenant, id)
	if sub == nil {
		return nil, false
	}
	out := slices.Clone(sub.rec.DeadLetters)
	if out == nil {
		out = []DeadLetter{}
	}
	return out, true
}

func (ws *webhooks) delete(tenant, id string) bool {
	ws.mu.Lock()
	sub := ws.lookupLocked(tenant, id)
	if sub == nil {
		ws.mu.Unlock()
		return false
	}
	delete(ws.subs, id)
	ws.mu.Unlock()
	sub.cancel()
	<-sub.done
	if err := ws.save(); err != nil {
		ws.log.Error("webhook deletion not saved", "webhook", id, "err", err)
	}
	return true
}

// dispatch is one subscription's delivery loop.
func (ws *webhooks) dispatch(ctx context.Context, sub *subscription) {
	ws.mu.Lock()
	cursor, tenant := sub.rec.Cursor, sub.rec.Tenant
	ws.mu.Unlock()
	var events []depot.Event
	for {
		wake := ws.srv.feed.wait()
		var through uint64
		var gone bool
		events, through, gone = ws.srv.feed.read(events[:0], tenant, cursor, sub.match, MaxWebhookBatch)
		if gone {
			floor := ws.srv.feed.Floor()
			ws.srv.metrics.webhooks.WithLabelValues("gap").Inc()
			ws.log.Warn("webhook fell behind the event ring; events skipped", "webhook", sub.rec.ID, "after", cursor, "resumed_at", floor)
			ws.advance(sub, floor, &DeadLetter{
				LastError: fmt.Sprintf("events after seq %d up to seq %d left memory before delivery", cursor, floor),
				FailedAt:  time.Now().UnixNano(),
			})
			cursor = floor
			continue
		}
		if len(events) > 0 {
			dead, ok := ws.deliverWithRetry(ctx, sub, events)
			if !ok {
				return // stopped; the cursor stays, so the batch is delivered again after a restart
			}
			ws.advance(sub, through, dead)
			cursor = through
			continue
		}
		if through != cursor {
			cursor = through
			ws.advance(sub, cursor, nil)
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return
		}
	}
}

// advance moves a subscription's cursor and records a dead letter, if any.
func (ws *webhooks) advance(sub *subscription, cursor uint64, dead *DeadLetter) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	sub.rec.Cursor = cursor
	if dead != nil {
		if len(sub.rec.DeadLetters) >= MaxDeadLetters {
			sub.rec.DeadLetters = slices.Delete(sub.rec.DeadLetters, 0, 1)
		}
		sub.rec.DeadLetters = append(sub.rec.DeadLetters, *dead)
	}
	ws.dirty = true
}

// deliverWithRetry tries a batch until it is accepted or the attempts run out; it returns the dead
// letter in the second case, and ok=false if ctx ended first.
func (ws *webhooks) deliverWithRetry(ctx context.Context, sub *subscription, events []depot.Event) (dead *DeadLetter, ok bool) {
	body, err := json.Marshal(WebhookDelivery{Webhook: sub.rec.ID, Events: eventViews(events)})
	if err != nil {
		return &DeadLetter{Events: eventViews(events), LastError: "encode: " + err.Error(), FailedAt: time.Now().UnixNano()}, true
	}
	deliveryID := fmt.Sprintf("%s-%d-%d", sub.rec.ID, events[0].Seq, events[len(events)-1].Seq)
	var lastErr error
	for attempt := 1; ; attempt++ {
		lastErr = ws.deliver(ctx, sub, deliveryID, body)
		if lastErr == nil {
			ws.srv.metrics.webhooks.WithLabelValues("ok").Inc()
			return nil, true
		}
		if ctx.Err() != nil {
			return nil, false
		}
		ws.srv.metrics.webhooks.WithLabelValues("failed").Inc()
		if attempt >= ws.attempts {
			break
		}
		ws.log.Info("webhook delivery failed; retrying", "webhook", sub.rec.ID, "delivery", deliveryID, "attempt", attempt, "err", lastErr)
		t := time.NewTimer(ws.backoff(attempt))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, false
		}
	}
	ws.srv.metrics.webhooks.WithLabelValues("dead_letter").Inc()
	ws.log.Warn("webhook delivery dead-lettered", "webhook", sub.rec.ID, "delivery", deliveryID, "attempts", ws.attempts, "err", lastErr)
	return &DeadLetter{Events: eventViews(events), Attempts: ws.attempts, LastError: lastErr.Error(), FailedAt: time.Now().UnixNano()}, true
}

// backoff is base * 2^(attempt-1), capped, with jitter in [d/2, d] so that receivers coming back
// from an outage are not hit by every subscription in the same instant.
func (ws *webhooks) backoff(attempt int) time.Duration {
	d := ws.base
	for i := 1; i < attempt && d < ws.maxDelay; i++ {
		d *= 2
	}
	d = min(d, ws.maxDelay)
	half := int64(d / 2)
	if half <= 0 {
		return d
	}
	return time.Duration(half + mrand.Int64N(half+1))
}

// deliver makes one attempt.
func (ws *webhooks) deliver(ctx context.Context, sub *subscription, deliveryID string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.rec.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "depot-webhooks/1")
	req.Header.Set("Depot-Webhook-Id", sub.rec.ID)
	req.Header.Set("Depot-Delivery-Id", deliveryID)
	req.Header.Set(SignatureHeader, Sign(sub.rec.Secret, time.Now(), body))
	resp, err := ws.client.Do(req)
	if err != nil {
		// The URL is left out: it may carry a token of the receiver's, and errors reach the logs.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("post: %w", err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("receiver answered %s", resp.Status)
	}
	return nil
}
