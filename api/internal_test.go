package api

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/depothq/depot"
	"github.com/depothq/depot/journal"
	"github.com/depothq/depot/sequencer"
)

// newTestServer is a server over a memory journal, without a listener, for tests of internals.
func newTestServer(t *testing.T, logs io.Writer) *Server {
	t.Helper()
	feed := NewFeed(64)
	j := journal.NewMemory()
	seq, err := sequencer.Open(j, sequencer.Options{OnCommit: feed.OnCommit})
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewServer(Config{Sequencer: seq, Feed: feed, TickEvery: -1, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = s.Close()
		_ = seq.Close()
		_ = j.Close()
	})
	return s
}

// TestPanicIsInternal: a handler that panics answers a 500 problem, is logged with its stack, and
// the server keeps serving.
func TestPanicIsInternal(t *testing.T) {
	var logs strings.Builder
	s := newTestServer(t, &logs)
	_, secret, err := s.keys.CreateEphemeral("acme", ScopeRead, "")
	if err != nil {
		t.Fatal(err)
	}
	boom := getRoute("/v1/boom", "boom", "test", ScopeRead, "panics", func(*call) (*Health, error) { panic("boom") })
	s.routes = append(s.routes, boom)
	s.handler = s.buildMux()
	rawPanic := &route{method: "GET", pattern: "/v1/rawboom", raw: func(http.ResponseWriter, *http.Request) { panic("raw boom") }}
	s.routes = append(s.routes, rawPanic)
	s.handler = s.buildMux()
	for _, path := range []string{"/v1/boom", "/v1/rawboom"} {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != 500 || !strings.Contains(rec.Body.String(), `"code":"internal"`) || rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Fatalf("%s answered %d %s", path, rec.Code, rec.Body)
		}
	}
	if !strings.Contains(logs.String(), "panic in handler") {
		t.Fatal("the panic was not logged")
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if rec.Code != 200 {
		t.Fatalf("after a panic healthz answered %d", rec.Code)
	}
}

func TestIdempotencyStore(t *testing.T) {
	now := time.Unix(1000, 0)
	s := newIdemStore(func() time.Time { return now })
	s.maxEntries = 2
	fp := func(x string) [32]byte { return sha256.Sum256([]byte(x)) }

	stored, e1, p := s.begin(context.Background(), "t", "k1", fp("a"))
	if stored != nil || p != nil || e1 == nil {
		t.Fatal("a new key was not claimed")
	}
	// While the first runs, a retry that gives up is told the key is in use.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, p := s.begin(ctx, "t", "k1", fp("a")); p == nil || p.Code != CodeIdempotencyKeyInUse || p.Status != 409 {
		t.Fatalf("retry during the first answered %+v", p)
	}
	s.complete("t", e1, &idemAnswer{status: 200, body: []byte("one")})
	if stored, _, _ := s.begin(context.Background(), "t", "k1", fp("a")); stored == nil || string(stored.body) != "one" {
		t.Fatal("the answer was not replayed")
	}
	// A 5xx is not final: the retry runs.
	_, e2, _ := s.begin(context.Background(), "t", "k2", fp("b"))
	s.complete("t", e2, &idemAnswer{status: 503})
	if stored, e, _ := s.begin(context.Background(), "t", "k2", fp("b")); stored != nil || e == nil {
		t.Fatal("a 503 was replayed")
	} else {
		s.complete("t", e, &idemAnswer{status: 200, body: []byte("two")})
	}
	// Bounded: a third key evicts the oldest.
	_, e3, _ := s.begin(context.Background(), "t", "k3", fp("c"))
	s.complete("t", e3, &idemAnswer{status: 200, body: []byte("three")})
	if _, e, _ := s.begin(context.Background(), "t", "k1", fp("other")); e == nil {
		t.Fatal("the oldest key was not evicted")
	}
	// Expired entries go.
	now = now.Add(IdempotencyTTL + time.Second)
	if _, e, p := s.begin(context.Background(), "t", "k3", fp("other")); e == nil || p != nil {
		t.Fatal("an expired key still counted")
	}
}

func TestSequencerProblems(t *testing.T) {
	for err, code := range map[error]string{
		sequencer.ErrOverloaded:                                CodeOverloaded,
		fmt.Errorf("x: %w", sequencer.ErrClosed):               CodeUnavailable,
		fmt.Errorf("%w: disk", sequencer.ErrFailed):            CodeUnavailable,
		fmt.Errorf("wait: %w", context.DeadlineExceeded):       CodeTimeout,
		fmt.Errorf("%w: 9000 commands", sequencer.ErrTooLarge): codeLimitExceeded,
		errors.New("something else"):                           CodeInternal,
	} {
		if p := sequencerProblem(err); p.Code != code || p.Status != StatusOf(code) {
			t.Errorf("%v became %+v, want %s", err, p, code)
		}
	}
	if p := asProblem(errors.New("secret path /etc/x")); p.Code != CodeInternal || strings.Contains(p.Detail, "/etc") {
		t.Fatalf("an internal error leaked its text: %+v", p)
	}
	if p := asProblem(depot.Reject(depot.CodeExpired, "id", "gone")); p.Code != "expired" || p.Status != 409 {
		t.Fatalf("a rejection became %+v", p)
	}
}

func TestCheckJSON(t *testing.T) {
	for _, good := range []string{
		`{}`, ` {"a":1} `, `{"a":[1,2,{"b":"c"}],"d":null,"e":true,"f":false,"g":-0.5e+3}`,
		`{"s":"\u00e9\ud83d\ude00\n\"\\\/"}`, "{\"s\":\"é😀\"}",
	} {
		if p := checkJSON([]byte(good)); p != nil {
			t.Errorf("%s refused: %v", good, p)
		}
	}
	for _, bad := range []string{
		``, `{`, `}`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{,}`, `{"a":01}`, `{"a":-}`, `{"a":1.}`, `{"a":.5}`, `{"a":1e}`,
		`{"a":tru}`, `{"a":"\x"}`, `{"a":"\u12"}`, `{"a":"\udc00"}`, `{"a":"\ud800\u0041"}`, `{"a":1}]`,
		`{"a":[1,]}`, `{"a":[1 2]}`, `{"A":1}`, `{"a":1,"a":2}`, `{"_a":1}`, "{\"a\":\"\t\"}",
	} {
		if p := checkJSON([]byte(bad)); p == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestFeedRing(t *testing.T) {
	f := NewFeed(4)
	f.start(10)
	ev := func(seq uint64, tenant string) depot.Event {
		return depot.Event{Seq: seq, Tenant: tenant, Kind: depot.EventReceived}
	}
	f.OnCommit(&sequencer.Batch{FirstSeq: 11, LastSeq: 12, Events: []depot.Event{ev(11, "a"), ev(11, "a"), ev(12, "b")}})
	if _, _, gone := f.read(nil, "a", 9, nil, 10); !gone {
		t.Fatal("a cursor before the start is not gone")
	}
	got, through, gone := f.read(nil, "a", 10, nil, 10)
	if gone || len(got) != 2 || through != 12 {
		t.Fatalf("read %v through %d gone %v", got, through, gone)
	}
	// Whole seqs only: a limit of 1 still returns both events of seq 11.
	got, through, _ = f.read(nil, "a", 10, nil, 1)
	if len(got) != 2 || through != 11 {
		t.Fatalf("limited read %v through %d", got, through)
	}
	f.OnCommit(&sequencer.Batch{FirstSeq: 13, LastSeq: 14, Events: []depot.Event{ev(13, "a"), ev(14, "a")}})
	if f.Floor() != 11 {
		t.Fatalf("floor %d after evicting one event of seq 11, want 11", f.Floor())
	}
	if _, _, gone := f.read(nil, "a", 10, nil, 10); !gone {
		t.Fatal("reading a half-evicted seq is not gone")
	}
	got, _, _ = f.read(nil, "a", 11, nil, 10)
	if len(got) != 2 || got[0].Seq != 13 {
		t.Fatalf("after the floor: %v", got)
	}
}

// A carrier's collections through the day reach its define_carrier as given.
func TestCarrierCommandCarriesCollections(t *testing.T) {
	c := &Carrier{Carrier: "kurier", CarrierSpec: CarrierSpec{Services: []CarrierService{{Service: "city", DistanceUpToM: []int64{50_000},
		WeightUpToG: []int64{2_000}, PricesMinor: []int64{300}, TransitMaxMinutes: 45, CutoffMinute: 20 * 60,
		PickupEveryMinutes: 15, PickupFromMinute: 8 * 60, Days: []string{"mon", "sat"}}}}}
	cmd, p := c.command("acme")
	if p != nil {
		t.Fatal(p)
	}
	s := cmd.(*depot.DefineCarrier).Services[0]
	if s.PickupEveryMinutes != 15 || s.PickupFromMinute != 8*60 || s.Days != 0x42 {
		t.Fatalf("service %+v", s)
	}
	if r := cmd.Validate(); r != nil {
		t.Fatal(r)
	}
}
