package api

import "github.com/depothq/depot"

// AdMetricsReport is one ad campaign's figures for one SKU it promotes on one channel, as totals
// of the period [period_start, period_end) (POST /v1/ads/metrics, batch kind record_ad_metrics).
// A later report of the same campaign, SKU and period_start restates the earlier one and
// replaces it, so a retry changes nothing. The SKU and the channel must exist.
type AdMetricsReport struct {
	Campaign         string `json:"campaign" required:"true"`
	SKU              string `json:"sku" required:"true"`
	Channel          string `json:"channel" required:"true"`
	PeriodStart      int64  `json:"period_start" required:"true" doc:"unix nanoseconds"`
	PeriodEnd        int64  `json:"period_end" required:"true" doc:"unix nanoseconds, after period_start, at most one day later and not in the future"`
	SpendMinor       int64  `json:"spend_minor" doc:"money spent in the period, minor units"`
	Impressions      int64  `json:"impressions,omitempty"`
	Clicks           int64  `json:"clicks,omitempty"`
	AttributedOrders int64  `json:"attributed_orders,omitempty" doc:"orders the platform attributes to the campaign in the period"`
}

// AdFigures are the figures of an ad_metrics_recorded event.
type AdFigures struct {
	PeriodStart      int64 `json:"period_start"`
	PeriodEnd        int64 `json:"period_end"`
	SpendMinor       int64 `json:"spend_minor"`
	Impressions      int64 `json:"impressions"`
	Clicks           int64 `json:"clicks"`
	AttributedOrders int64 `json:"attributed_orders"`
}

// CommandKind implements Command (KindRecordAdMetrics).
func (*AdMetricsReport) CommandKind() string { return depot.KindRecordAdMetrics.String() }

func (c *AdMetricsReport) command(tenant string) (depot.Command, *Problem) {
	return &depot.RecordAdMetrics{Tenant: tenant, Campaign: c.Campaign, SKU: c.SKU, Channel: c.Channel, AdMetrics: depot.AdMetrics{
		PeriodStart: c.PeriodStart, PeriodEnd: c.PeriodEnd, SpendMinor: c.SpendMinor, Impressions: c.Impressions,
		Clicks: c.Clicks, AttributedOrders: c.AttributedOrders}}, nil
}

// adRoutes are the advertising rows of the route table.
func (s *Server) adRoutes() []*route {
	return []*route{
		bodyRoute("POST", "/v1/ads/metrics", "postAdMetrics", "advertising", ScopeWrite, 200,
			"Record a campaign's ad metrics for a SKU on a channel over a period (a report of the same period restates it)",
			commandHandler[AdMetricsReport](s)),
	}
}
