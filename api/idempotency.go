package api

import (
	"context"
	"crypto/sha256"
	"net/http"
	"sync"
	"time"
)

// The Idempotency-Key store remembers the first answer to each (tenant, key) so that a retry
// with the same key and the same request gets that answer again, byte for byte, without running
// twice; the same key with another request is refused. It lives in memory and is bounded per
// tenant by entries, bytes and age: it makes retries within a client's retry window safe and
// cheap. What survives a restart is the engine's own idempotency on command and reservation ids,
// which every command carries.

// idemStore is the store of all tenants.
type idemStore struct {
	ttl        time.Duration
	maxEntries int
	maxBytes   int
	now        func() time.Time

	mu      sync.Mutex
	tenants map[string]*idemTenant
}

type idemTenant struct {
	entries map[string]*idemEntry
	fifo    []*idemEntry // insertion order, for expiry and eviction
	head    int
	bytes   int
}

type idemEntry struct {
	key         string
	fingerprint [sha256.Size]byte
	expires     time.Time
	done        chan struct{} // closed when the answer is stored or abandoned
	answer      *idemAnswer   // nil until done; nil after done means abandoned
	evicted     bool
}

// idemAnswer is a stored answer.
type idemAnswer struct {
	status      int
	contentType string
	body        []byte
}

func newIdemStore(now func() time.Time) *idemStore {
	return &idemStore{ttl: IdempotencyTTL, maxEntries: MaxIdempotencyEntries, maxBytes: MaxIdempotencyBytes, now: now, tenants: make(map[string]*idemTenant)}
}

// fingerprint identifies a request: method, path with query, and body.
func fingerprint(r *http.Request, body []byte) [sha256.Size]byte {
	h := sha256.New()
	h.Write([]byte(r.Method))
	h.Write([]byte{0})
	h.Write([]byte(r.URL.RequestURI()))
	h.Write([]byte{0})
	h.Write(body)
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out
}

// checkIdempotencyKey accepts 1 to MaxIdempotencyKeyLen printable ASCII characters.
func checkIdempotencyKey(k string) *Problem {
	if len(k) == 0 || len(k) > MaxIdempotencyKeyLen {
		return problemf(CodeIdempotencyKeyInvalid, "Idempotency-Key", "the key must be 1 to 255 printable ASCII characters")
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return problemf(CodeIdempotencyKeyInvalid, "Idempotency-Key", "the key must be 1 to 255 printable ASCII characters")
		}
	}
	return nil
}

// begin claims a key. It returns either a stored answer to replay, a problem (the key was used
// for another request), or an entry the caller must finish with complete or abandon. A second
// request with the key while the first runs waits for the first's answer.
func (s *idemStore) begin(ctx context.Context, tenant, key string, fp [sha256.Size]byte) (*idemAnswer, *idemEntry, *Problem) {
	for {
		s.mu.Lock()
		t := s.tenants[tenant]
		if t == nil {
			t = &idemTenant{entries: make(map[string]*idemEntry)}
			s.tenants[tenant] = t
		}
		now := s.now()
		s.expire(t, now)
		e := t.entries[key]
		if e == nil {
			e = &idemEntry{key: key, fingerprint: fp, expires: now.Add(s.ttl), done: make(chan struct{})}
			t.entries[key] = e
			t.fifo = append(t.fifo, e)
			s.evict(t)
			s.mu.Unlock()
			return nil, e, nil
		}
		s.mu.Unlock()
		if e.fingerprint != fp {
			return nil, nil, problemf(CodeIdempotencyKeyReused, "Idempotency-Key", "this key was used with a different request; use a new key for a new request")
		}
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, nil, problemf(CodeIdempotencyKeyInUse, "Idempotency-Key", "a request with this key is still running")
		}
		if e.answer != nil {
			return e.answer, nil, nil
		}
		// The first request gave up without a final answer (a 5xx); this one runs instead.
	}
}

// complete stores the answer of a claimed key. Answers that invite a retry (5xx) are not final
// and are not kept, so the retry runs for real.
func (s *idemStore) complete(tenant string, e *idemEntry, a *idemAnswer) {
	if a.status >= 500 {
		s.abandon(tenant, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e.answer = a
	close(e.done)
	if t := s.tenants[tenant]; t != nil && !e.evicted {
		t.bytes += len(a.body)
		s.evict(t)
	}
}

// abandon releases a claimed key without an answer.
func (s *idemStore) abandon(tenant string, e *idemEntry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.tenants[tenant]; t != nil && t.entries[e.key] == e {
		delete(t.entries, e.key)
		e.evicted = true
	}
	close(e.done)
}

// expire drops entries past their TTL from the front of the FIFO.
func (s *idemStore) expire(t *idemTenant, now time.Time) {
	for t.head < len(t.fifo) && !t.fifo[t.head].expires.After(now) {
		s.drop(t)
	}
}

// evict drops the oldest entries while the tenant is over its bounds.
func (s *idemStore) evict(t *idemTenant) {
	for t.head < len(t.fifo) && (len(t.entries) > s.maxEntries || t.bytes > s.maxBytes) {
		s.drop(t)
	}
	// Compact the FIFO once its dead prefix dominates, so it does not grow without bound.
	if t.head > 1024 && t.head*2 > len(t.fifo) {
		t.fifo = append(t.fifo[:0], t.fifo[t.head:]...)
		t.head = 0
	}
}

func (s *idemStore) drop(t *idemTenant) {
	e := t.fifo[t.head]
	t.fifo[t.head] = nil
	t.head++
	if e.evicted {
		return
	}
	e.evicted = true
	if t.entries[e.key] == e {
		delete(t.entries, e.key)
	}
	if e.answer != nil {
		t.bytes -= len(e.answer.body)
	}
}
