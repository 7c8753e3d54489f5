package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/depothq/depot/api"
)

// Order orchestration: carriers, routing, orders and their shipments.

// PutCarrier defines or replaces a carrier and its services.
func (c *Client) PutCarrier(ctx context.Context, carrier string, spec api.CarrierSpec, opts ...CallOption) (*api.Result, error) {
	return call[api.Result](c, ctx, http.MethodPut, "/v1/carriers/"+esc(carrier), spec, opts...)
}

// PutRouting sets how a channel's orders are sourced.
func (c *Client) PutRouting(ctx context.Context, channel string, spec api.RoutingSpec, opts ...CallOption) (*api.Result, error) {
	return call[api.Result](c, ctx, http.MethodPut, "/v1/channels/"+esc(channel)+"/routing", spec, opts...)
}

// CreateOrder ingests an order. A repeat of the same (channel, external id) and content answers
// the original order id with Replayed set.
func (c *Client) CreateOrder(ctx context.Context, o api.OrderRequest, opts ...CallOption) (*api.OrderCreated, error) {
	return call[api.OrderCreated](c, ctx, http.MethodPost, "/v1/orders", o, opts...)
}

// Order returns an order with its lines and shipments.
func (c *Client) Order(ctx context.Context, id string) (*api.Order, error) {
	return call[api.Order](c, ctx, http.MethodGet, "/v1/orders/"+esc(id), nil)
}

// OrderQuery filters and pages GET /v1/orders. Zero fields do not filter; Limit 0 is the
// server's default page size.
type OrderQuery struct {
	Status     string
	Channel    string
	PlacedFrom int64
	PlacedTo   int64
	After      string
	Limit      int
}

func (q OrderQuery) values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("status", q.Status)
	set("channel", q.Channel)
	set("after", q.After)
	if q.PlacedFrom != 0 {
		v.Set("placed_from", strconv.FormatInt(q.PlacedFrom, 10))
	}
	if q.PlacedTo != 0 {
		v.Set("placed_to", strconv.FormatInt(q.PlacedTo, 10))
	}
	if q.Limit != 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}

// Orders returns one page of orders; pass its Next as After for the following page.
func (c *Client) Orders(ctx context.Context, q OrderQuery) (*api.OrderList, error) {
	return call[api.OrderList](c, ctx, http.MethodGet, "/v1/orders", nil, func(o *callOptions) { o.query = q.values() })
}

// AllOrders walks every page of a query and returns the orders of all of them.
func (c *Client) AllOrders(ctx context.Context, q OrderQuery) ([]api.Order, error) {
	var out []api.Order
	for {
		page, err := c.Orders(ctx, q)
		if err != nil {
			return out, err
		}
		out = append(out, page.Orders...)
		if page.Next == "" {
			return out, nil
		}
		q.After = page.Next
	}
}

// CancelOrder cancels an order: the whole of it when body has no lines.
func (c *Client) CancelOrder(ctx context.Context, id string, body api.CancelBody, opts ...CallOption) (*api.Result, error) {
	return call[api.Result](c, ctx, http.MethodPost, "/v1/orders/"+esc(id)+"/cancel", body, opts...)
}

// Shipment returns a shipment of an order with its tracking.
func (c *Client) Shipment(ctx context.Context, id string) (*api.OrderShipment, error) {
	return call[api.OrderShipment](c, ctx, http.MethodGet, "/v1/shipments/"+esc(id), nil)
}

// AdvanceShipment moves a shipment one step on (release, pick, pack, ship with a tracking
// number, deliver).
func (c *Client) AdvanceShipment(ctx context.Context, id, step, tracking string, opts ...CallOption) (*api.Result, error) {
	return call[api.Result](c, ctx, http.MethodPost, "/v1/shipments/"+esc(id)+"/advance", api.AdvanceBody{Step: step, Tracking: tracking}, opts...)
}

// TrackShipment reports a carrier tracking event of a shipped shipment.
func (c *Client) TrackShipment(ctx context.Context, id, status string, at int64, opts ...CallOption) (*api.Result, error) {
	return call[api.Result](c, ctx, http.MethodPost, "/v1/shipments/"+esc(id)+"/tracking", api.TrackingBody{Status: status, At: at}, opts...)
}

// RaiseException puts an order on hold for an operator's exception: a reason code and a note.
func (c *Client) RaiseException(ctx context.Context, order string, body api.ExceptionBody, opts ...CallOption) (*api.Result, error) {
	return call[api.Result](c, ctx, http.MethodPost, "/v1/orders/"+esc(order)+"/exception", body, opts...)
}

// ResolveException resolves an order's open exceptions with a resolution code and a note.
func (c *Client) ResolveException(ctx context.Context, order string, body api.ExceptionBody, opts ...CallOption) (*api.Result, error) {
	return call[api.Result](c, ctx, http.MethodPost, "/v1/orders/"+esc(order)+"/exception/resolve", body, opts...)
}
