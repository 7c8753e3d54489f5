package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/depothq/depot"
	"github.com/depothq/depot/intel"
	"github.com/depothq/depot/journal"
	"github.com/depothq/depot/sequencer"
)

// Config configures a Server. Sequencer and Feed are required; everything else has a default.
type Config struct {
	// Sequencer is the single writer the server submits to and reads from. The caller owns it and
	// closes it after the server.
	Sequencer *sequencer.Sequencer
	// Feed must be the feed whose OnCommit the sequencer was opened with; it carries committed
	// events to event streams, webhooks and metrics.
	Feed *Feed
	// Journal, when set, lets the server rebuild events that a restart took out of memory for
	// webhooks whose cursor is behind, by replaying it. Without it such webhooks get a gap.
	Journal journal.Journal
	// DataDir holds keys.json and webhooks.json. Empty keeps keys and webhooks in memory only.
	DataDir string
	// Keys is the key store; default OpenKeyStore(DataDir).
	Keys *KeyStore
	// Logger receives structured logs (default slog.Default()). No secret is ever logged.
	Logger *slog.Logger
	// Registry receives the metrics; default a new registry with the Go and process collectors.
	Registry *prometheus.Registry
	// RatePerSecond and RateBurst are the token bucket of each API key (defaults
	// DefaultRatePerSecond and DefaultRateBurst; a negative rate disables limiting).
	RatePerSecond float64
	RateBurst     int
	// RequestTimeout bounds how long a request waits for the sequencer (default 10 s). A command
	// that times out may still be applied; retrying it with the same id is safe.
	RequestTimeout time.Duration
	// TickEvery is how often the server submits a Tick so reservations expire (default
	// DefaultTickEvery; negative disables, for tests that drive time themselves).
	TickEvery time.Duration
	// WebhookRetryBase, WebhookRetryMax and WebhookAttempts shape webhook retries (defaults in
	// limits.go); WebhookClient sends deliveries (default: a client with WebhookTimeout that never
	// follows redirects).
	WebhookRetryBase time.Duration
	WebhookRetryMax  time.Duration
	WebhookAttempts  int
	WebhookClient    *http.Client
	// Clock is the wall clock for rate limits and idempotency expiry (default time.Now).
	Clock func() time.Time
	// ReadTimeout bounds reading a whole request, body included, so a client trickling its body
	// cannot hold a connection and a handler forever (default ReadTimeout).
	ReadTimeout time.Duration
	// Intel is the operational intelligence projection the /v1/intel routes serve; the server
	// feeds it every committed batch. Default: a new one with intel's default parameters.
	Intel *Intel
}

// Server is Depot's HTTP API over a sequencer. Create it with NewServer, serve it with Serve (or
// mount Handler in your own http.Server), and stop it with Shutdown or Close before closing the
// sequencer.
type Server struct {
	readTimeout time.Duration
	cfg         Config
	seq         *sequencer.Sequencer
	feed        *Feed
	keys        *KeyStore
	log         *slog.Logger
	reg         *prometheus.Registry
	metrics     *metrics
	limiter     *limiter
	idem        *idemStore
	hooks       *webhooks
	streams     streamCounter
	intel       *Intel

	routes  []*route
	handler http.Handler
	openapi []byte

	closing   chan struct{}
	closeOnce sync.Once
	bg        sync.WaitGroup

	mu      sync.Mutex
	servers []*http.Server
}

// NewServer builds a server and starts its background work (webhook dispatchers and the tick).
func NewServer(cfg Config) (*Server, error) {
	if cfg.Sequencer == nil {
		return nil, errors.New("api: Config.Sequencer is required")
	}
	if cfg.Feed == nil {
		return nil, errors.New("api: Config.Feed is required: create it with NewFeed and open the sequencer with Options.OnCommit = feed.OnCommit")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.RatePerSecond == 0 {
		cfg.RatePerSecond = DefaultRatePerSecond
	}
	if cfg.RateBurst <= 0 {
		cfg.RateBurst = DefaultRateBurst
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 10 * time.Second
	}
	if cfg.TickEvery == 0 {
		cfg.TickEvery = DefaultTickEvery
	}
	if cfg.WebhookRetryBase <= 0 {
		cfg.WebhookRetryBase = DefaultWebhookRetryBase
	}
	if cfg.WebhookRetryMax <= 0 {
		cfg.WebhookRetryMax = DefaultWebhookRetryMax
	}
	if cfg.WebhookAttempts <= 0 {
		cfg.WebhookAttempts = DefaultWebhookAttempts
	}
	s := &Server{
		cfg: cfg, seq: cfg.Sequencer, feed: cfg.Feed, log: cfg.Logger, reg: cfg.Registry,
		limiter: newLimiter(cfg.RatePerSecond, cfg.RateBurst, cfg.Clock),
		idem:    newIdemStore(cfg.Clock),
		closing: make(chan struct{}),
	}
	s.keys = cfg.Keys
	if s.keys == nil {
		ks, err := OpenKeyStore(cfg.DataDir)
		if err != nil {
			return nil, err
		}
		s.keys = ks
	}
	if s.reg == nil {
		s.reg = prometheus.NewRegistry()
		registerRuntime(s.reg)
	}
	s.metrics = newMetrics(s.reg, s.seq)
	s.feed.observe(s.metrics.observeBatch)
	s.readTimeout = cfg.ReadTimeout
	if s.readTimeout <= 0 {
		s.readTimeout = ReadTimeout
	}
	s.intel = cfg.Intel
	if s.intel == nil {
		s.intel = NewIntel(intel.Options{})
	}
	s.feed.observe(s.intel.observe)
	registerIntelMetrics(s.reg, s.intel)
	s.feed.start(s.seq.DurableSeq())

	hooks, err := newWebhooks(s, cfg.DataDir, &cfg)
	if err != nil {
		return nil, err
	}
	s.hooks = hooks
	if least, ok := hooks.minCursor(); ok && least < s.feed.Floor() {
		if cfg.Journal == nil {
			s.log.Warn("webhooks are behind the events in memory and no journal was given to rebuild them; they will skip", "cursor", least, "floor", s.feed.Floor())
		} else if err := s.feed.backfill(cfg.Journal, least); err != nil {
			s.log.Error("could not rebuild events for webhooks; they will skip", "err", err)
		} else {
			s.log.Info("rebuilt events for webhooks from the journal", "after", least, "floor", s.feed.Floor())
		}
	}

	s.routes = s.buildRoutes()
	s.handler = s.buildMux()
	doc, err := s.buildOpenAPI()
	if err != nil {
		return nil, fmt.Errorf("api: build the OpenAPI document: %w", err)
	}
	s.openapi = doc

	hooks.start()
	if cfg.TickEvery > 0 {
		s.bg.Add(1)
		go s.ticker(cfg.TickEvery)
	}
	return s, nil
}

// Handler returns the HTTP handler: every route, with recovery, auth, limits and metrics.
func (s *Server) Handler() http.Handler { return s.handler }

// Keys returns the key store, so an embedding program (the demo) can make itself a key.
func (s *Server) Keys() *KeyStore { return s.keys }

// Registry returns the Prometheus registry the server's metrics are on.
func (s *Server) Registry() *prometheus.Registry { return s.reg }

// Serve answers HTTP/1.1 and unencrypted HTTP/2 (h2c, prior knowledge) on l until Shutdown or
// Close, with the timeouts and header limit of limits.go. It returns http.ErrServerClosed after
// a clean stop.
func (s *Server) Serve(l net.Listener) error {
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       s.readTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		Protocols:         &protocols,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.mu.Lock()
	select {
	case <-s.closing:
		s.mu.Unlock()
		return http.ErrServerClosed
	default:
	}
	s.servers = append(s.servers, hs)
	s.mu.Unlock()
	return hs.Serve(l)
}

// Shutdown stops accepting connections, ends event streams, waits for requests in flight (until
// ctx ends), then stops the webhook dispatchers and the tick and saves the webhook cursors. The
// sequencer is the caller's to close afterwards.
func (s *Server) Shutdown(ctx context.Context) error {
	s.beginClose()
	var errs []error
	for _, hs := range s.httpServers() {
		if err := hs.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("api: shutdown: %w", err))
		}
	}
	errs = append(errs, s.stopBackground())
	return errors.Join(errs...)
}

// Close stops at once: connections are closed, streams end, background work stops.
func (s *Server) Close() error {
	s.beginClose()
	var errs []error
	for _, hs := range s.httpServers() {
		if err := hs.Close(); err != nil {
			errs = append(errs, fmt.Errorf("api: close: %w", err))
		}
	}
	errs = append(errs, s.stopBackground())
	return errors.Join(errs...)
}

func (s *Server) beginClose() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closeOnce.Do(func() { close(s.closing) })
}

func (s *Server) httpServers() []*http.Server {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*http.Server(nil), s.servers...)
}

// stopBackground stops the tick and the webhooks once.
func (s *Server) stopBackground() error {
	s.mu.Lock()
	hooks := s.hooks
	s.hooks = nil
	s.mu.Unlock()
	if hooks == nil {
		return nil
	}
	s.bg.Wait()
	return hooks.close()
}

// webhooks returns the webhook store, or nil once the server is stopping.
func (s *Server) webhookStore() *webhooks {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hooks
}

// ticker submits a Tick every interval so that reservations expire on time even when no other
// command arrives. The engine expires by the envelope's time; only a command moves that time.
func (s *Server) ticker(every time.Duration) {
	defer s.bg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.closing:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), s.cfg.RequestTimeout)
			_, err := s.seq.Submit(ctx, &depot.Tick{})
			cancel()
			if err != nil && !errors.Is(err, sequencer.ErrOverloaded) {
				s.log.Debug("tick not applied", "err", err)
			}
		}
	}
}

// ready reports whether the server can take commands.
func (s *Server) ready() error {
	select {
	case <-s.closing:
		return errors.New("shutting down")
	default:
	}
	return s.seq.Err()
}
