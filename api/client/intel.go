package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/depothq/depot/api"
)

// IntelCarriers returns the health of the tenant's carrier services: on-time rates per service
// and lane (origin location), stuck shipments and delayed lanes.
func (c *Client) IntelCarriers(ctx context.Context) (*api.IntelCarriers, error) {
	return call[api.IntelCarriers](c, ctx, http.MethodGet, "/v1/intel/carriers", nil)
}

// IntelLocations returns the count drift and fulfilment health (backlog, pick rate, slowdown,
// cutoff risk) of the tenant's locations.
func (c *Client) IntelLocations(ctx context.Context) (*api.IntelLocations, error) {
	return call[api.IntelLocations](c, ctx, http.MethodGet, "/v1/intel/locations", nil)
}

// IntelSKU returns the intelligence view of one SKU: demand per channel and network-wide, and
// per location its stock, cover, stockout projection, safety stock and reorder point, with its
// open alerts and ad campaigns.
func (c *Client) IntelSKU(ctx context.Context, sku string) (*api.IntelSKU, error) {
	return call[api.IntelSKU](c, ctx, http.MethodGet, "/v1/intel/skus/"+url.PathEscape(sku), nil)
}
