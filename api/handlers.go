package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
	"github.com/depothq/depot/sequencer"
)

// Handlers. Each builds engine commands for the caller's tenant, submits them through the
// sequencer, and renders the result; or reads through Sequencer.Read, which answers only once
// everything read is durable. Every lookup is by (tenant, id), so another tenant's ids are simply
// not found: isolation needs no checks of its own that could be forgotten.

// submit sequences one command and renders its result; a rejection becomes its problem.
func (c *call) submit(cmd Command) (*Result, error) {
	dc, p := cmd.command(c.tenant())
	if p != nil {
		return nil, p
	}
	res, err := c.s.seq.Submit(c.ctx, dc)
	if err != nil {
		return nil, sequencerProblem(err)
	}
	if res.Rejection != nil {
		if res.Seq == 0 {
			// Refused by validation before sequencing; the batch metrics never see it.
			c.s.metrics.reject(res.Rejection.Code)
		}
		return nil, rejectionProblem(res.Rejection)
	}
	return &Result{Seq: res.Seq, Replayed: res.Replayed, Ref: res.Ref, Events: eventViews(res.Events)}, nil
}

// read runs fn against the engine for the caller, translating sequencer failures.
func (c *call) read(fn func(*engine.Engine)) error {
	if err := c.s.seq.Read(c.ctx, fn); err != nil {
		return sequencerProblem(err)
	}
	return nil
}

// sequencerProblem maps the sequencer's errors to problems.
func sequencerProblem(err error) *Problem {
	switch {
	case errors.Is(err, sequencer.ErrOverloaded):
		return problemf(CodeOverloaded, "", "the command queue is full; retry after a second")
	case errors.Is(err, sequencer.ErrClosed):
		return problemf(CodeUnavailable, "", "the server is shutting down")
	case errors.Is(err, sequencer.ErrFailed):
		return problemf(CodeUnavailable, "", "the journal failed; the server must restart to recover")
	case errors.Is(err, sequencer.ErrTooLarge):
		return problemf(codeLimitExceeded, "commands", err.Error())
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return problemf(CodeTimeout, "", "the command was not answered in time; it may still be applied, so retry it with the same id")
	}
	return &Problem{Type: "urn:depot:problem:internal", Title: "Internal error", Status: http.StatusInternalServerError, Code: CodeInternal,
		Detail: "the server failed to answer; the error is logged"}
}

// commandHandler is the handler of a POST whose body is a command.
func commandHandler[T any, P interface {
	*T
	Command
}](s *Server) func(*call, *T) (*Result, error) {
	return func(c *call, in *T) (*Result, error) { return c.submit(P(in)) }
}

func notFound(field, what, id string) *Problem {
	return problemf(CodeNotFound, field, fmt.Sprintf("no %s %q", what, truncate(id)))
}

func (s *Server) putSKU(c *call, in *SKUSpec) (*Result, error) {
	return c.submit(&SKU{SKU: c.path("sku"), SKUSpec: *in})
}

func (s *Server) getSKU(c *call) (*SKU, error) {
	var out SKU
	var ok bool
	err := c.read(func(e *engine.Engine) {
		var d depot.DefineSKU
		if d, ok = e.Ledger().SKU(c.tenant(), c.path("sku")); ok {
			out = skuView(d)
		}
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("sku", "SKU", c.path("sku"))
	}
	return &out, nil
}

func (s *Server) putLocation(c *call, in *LocationSpec) (*Result, error) {
	return c.submit(&Location{Location: c.path("location"), LocationSpec: *in})
}

func (s *Server) getLocation(c *call) (*Location, error) {
	var out Location
	var ok bool
	err := c.read(func(e *engine.Engine) {
		var d depot.DefineLocation
		if d, ok = e.Ledger().Location(c.tenant(), c.path("location")); ok {
			e.Orders().LocationSettings(&d)
			out = locationView(d)
		}
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("location", "location", c.path("location"))
	}
	return &out, nil
}

func (s *Server) putChannel(c *call, in *ChannelSpec) (*Result, error) {
	return c.submit(&Channel{Channel: c.path("channel"), ChannelSpec: *in})
}

func (s *Server) getChannel(c *call) (*Channel, error) {
	var out Channel
	var ok bool
	err := c.read(func(e *engine.Engine) {
		var d depot.DefineChannel
		if d, ok = e.Ledger().Channel(c.tenant(), c.path("channel")); ok {
			out = channelView(d)
		}
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("channel", "channel", c.path("channel"))
	}
	return &out, nil
}

func (s *Server) getInventory(c *call) (*Inventory, error) {
	sku := c.path("sku")
	out := Inventory{SKU: sku, Positions: []Position{}}
	var ok bool
	err := c.read(func(e *engine.Engine) {
		l := e.Ledger()
		if _, ok = l.SKU(c.tenant(), sku); !ok {
			return
		}
		for _, p := range l.Positions(c.tenant(), sku) {
			out.Positions = append(out.Positions, Position(p))
			out.OnHand += p.OnHand
			out.ATP += p.ATP
		}
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("sku", "SKU", sku)
	}
	return &out, nil
}

func (s *Server) getPosition(c *call) (*Position, error) {
	var out Position
	var ok bool
	err := c.read(func(e *engine.Engine) {
		var p depot.Position
		if p, ok = e.Ledger().Position(c.tenant(), c.path("sku"), c.path("location")); ok {
			out = Position(p)
		}
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("", "position for SKU", c.path("sku")+"@"+c.path("location"))
	}
	return &out, nil
}

func (s *Server) getAvailability(c *call) (*Availability, error) {
	out := Availability{Channel: c.path("channel"), SKU: c.path("sku")}
	var rej *depot.Rejection
	err := c.read(func(e *engine.Engine) {
		out.ATP, rej = e.Ledger().ChannelATP(c.tenant(), out.Channel, out.SKU)
	})
	if err != nil {
		return nil, err
	}
	if rej != nil {
		// Unknown channel or SKU in the path: the resource is not there.
		return nil, problemf(CodeNotFound, rej.Field, rej.Message)
	}
	return &out, nil
}

func (s *Server) getReservation(c *call) (*Reservation, error) {
	var out Reservation
	var ok bool
	err := c.read(func(e *engine.Engine) {
		var r depot.Reservation
		if r, ok = e.Ledger().Reservation(c.tenant(), c.path("id")); ok {
			out = reservationView(r)
		}
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("id", "reservation", c.path("id"))
	}
	return &out, nil
}

func (s *Server) extend(c *call, in *ExtendBody) (*Result, error) {
	return c.submit(&Extend{ID: c.path("id"), TTLNs: in.TTLNs})
}

func (s *Server) release(c *call, _ *ReleaseBody) (*Result, error) {
	return c.submit(&Release{ID: c.path("id")})
}

func (s *Server) commit(c *call, in *CommitBody) (*Result, error) {
	return c.submit(&Commit{ID: c.path("id"), Order: in.Order})
}

// batch submits the commands that convert in one SubmitBatch (one group commit when the queue
// allows) and answers each in order.
func (s *Server) batch(c *call, in *BatchRequest) (*BatchResponse, error) {
	if len(in.Commands) == 0 {
		return nil, problemf(codeInvalidArgument, "commands", "a batch needs at least one command")
	}
	withEvents := rawQueryGet(c.r.URL.RawQuery, "events") != "false"
	out := &BatchResponse{Results: make([]BatchItem, len(in.Commands))}
	valid := make([]depot.Command, 0, len(in.Commands))
	index := make([]int, 0, len(in.Commands))
	for i, cmd := range in.Commands {
		dc, p := cmd.command(c.tenant())
		if p != nil {
			out.Results[i] = BatchItem{Problem: p}
			continue
		}
		valid = append(valid, dc)
		index = append(index, i)
	}
	results, err := s.seq.SubmitBatch(c.ctx, valid)
	if err != nil {
		return nil, sequencerProblem(err)
	}
	for k, i := range index {
		res := &results[k]
		if res.Rejection != nil {
			if res.Seq == 0 {
				s.metrics.reject(res.Rejection.Code)
			}
			out.Results[i] = BatchItem{Problem: rejectionProblem(res.Rejection)}
			continue
		}
		item := BatchItem{OK: true, Seq: res.Seq, Replayed: res.Replayed, Ref: res.Ref}
		if withEvents {
			item.Events = eventViews(res.Events)
		}
		out.Results[i] = item
	}
	for i := range out.Results {
		if out.Results[i].OK {
			out.Accepted++
		} else {
			out.Rejected++
		}
	}
	return out, nil
}

func (s *Server) getStats(c *call) (*Stats, error) {
	var out Stats
	err := c.read(func(e *engine.Engine) {
		out.Tenant = TenantStats(e.Ledger().TenantStats(c.tenant()))
	})
	if err != nil {
		return nil, err
	}
	out.DurableSeq = s.seq.DurableSeq()
	out.QueueDepth = s.seq.QueueDepth()
	return &out, nil
}

func (s *Server) health(*call) (*Health, error) { return &Health{Status: "ok"}, nil }

func (s *Server) readiness(*call) (*Health, error) {
	if err := s.ready(); err != nil {
		return nil, problemf(CodeUnavailable, "", "not ready: "+err.Error())
	}
	return &Health{Status: "ok"}, nil
}

// Webhooks and keys: admin routes, always within the caller's tenant.

func (s *Server) hooksOrUnavailable() (*webhooks, error) {
	if ws := s.webhookStore(); ws != nil {
		return ws, nil
	}
	return nil, problemf(CodeUnavailable, "", "the server is shutting down")
}

func (s *Server) createWebhook(c *call, in *WebhookSpec) (*Webhook, error) {
	ws, err := s.hooksOrUnavailable()
	if err != nil {
		return nil, err
	}
	w, p := ws.create(c.tenant(), in)
	if p != nil {
		return nil, p
	}
	s.log.Info("webhook created", "tenant", c.tenant(), "webhook", w.ID, "key", c.key.ID)
	return &w, nil
}

func (s *Server) listWebhooks(c *call) (*WebhookList, error) {
	ws, err := s.hooksOrUnavailable()
	if err != nil {
		return nil, err
	}
	return &WebhookList{Webhooks: ws.list(c.tenant())}, nil
}

func (s *Server) getWebhook(c *call) (*Webhook, error) {
	ws, err := s.hooksOrUnavailable()
	if err != nil {
		return nil, err
	}
	w, ok := ws.get(c.tenant(), c.path("id"))
	if !ok {
		return nil, notFound("id", "webhook", c.path("id"))
	}
	return &w, nil
}

func (s *Server) deleteWebhook(c *call) error {
	ws, err := s.hooksOrUnavailable()
	if err != nil {
		return err
	}
	if !ws.delete(c.tenant(), c.path("id")) {
		return notFound("id", "webhook", c.path("id"))
	}
	s.log.Info("webhook deleted", "tenant", c.tenant(), "webhook", c.path("id"), "key", c.key.ID)
	return nil
}

func (s *Server) listDeadLetters(c *call) (*DeadLetterList, error) {
	ws, err := s.hooksOrUnavailable()
	if err != nil {
		return nil, err
	}
	dl, ok := ws.deadLetters(c.tenant(), c.path("id"))
	if !ok {
		return nil, notFound("id", "webhook", c.path("id"))
	}
	return &DeadLetterList{DeadLetters: dl}, nil
}

func keyView(k KeyInfo) Key {
	return Key{ID: k.ID, Tenant: k.Tenant, Scope: k.Scope.String(), Name: k.Name, CreatedAt: k.CreatedAt.UnixNano()}
}

func (s *Server) createKey(c *call, in *KeySpec) (*Key, error) {
	scope, ok := ParseScope(in.Scope)
	if !ok {
		return nil, problemf(codeInvalidArgument, "scope", "scope must be read, write or admin")
	}
	if err := validText(in.Name, depot.MaxNameLen); err != nil {
		return nil, problemf(codeInvalidArgument, "name", "name "+err.Error())
	}
	info, secret, err := s.keys.Create(c.tenant(), scope, in.Name)
	if err != nil {
		return nil, problemf(codeLimitExceeded, "", err.Error())
	}
	s.log.Info("key created", "tenant", c.tenant(), "new_key", info.ID, "scope", scope.String(), "key", c.key.ID)
	k := keyView(info)
	k.Secret = secret
	return &k, nil
}

func (s *Server) listKeys(c *call) (*KeyList, error) {
	out := KeyList{Keys: []Key{}}
	for _, k := range s.keys.List(c.tenant()) {
		out.Keys = append(out.Keys, keyView(k))
	}
	return &out, nil
}

func (s *Server) revokeKey(c *call) error {
	id := c.path("id")
	k, ok := s.keys.Lookup(id)
	if !ok || k.Tenant != c.tenant() {
		return notFound("id", "key", id)
	}
	if err := s.keys.Revoke(id); err != nil {
		if errors.Is(err, ErrKeyNotFound) {
			return notFound("id", "key", id)
		}
		return err
	}
	s.log.Info("key revoked", "tenant", c.tenant(), "revoked_key", id, "key", c.key.ID)
	return nil
}

// slogLevel picks the log level of a request by its status.
func slogLevel(status int) slog.Level {
	switch {
	case status >= 500:
		return slog.LevelError
	case status >= 400:
		return slog.LevelInfo
	}
	return slog.LevelDebug
}
