package depot

import "github.com/depothq/depot/internal/wire"

// Advertising: what ad platforms report about the campaigns that promote SKUs. Depot does not
// run campaigns; it journals their figures so that intelligence can tell an ad-driven demand
// spike from an organic one and flag campaigns that spend on SKUs the business cannot ship.

// AdMetrics are one campaign's figures for one SKU over the period [PeriodStart, PeriodEnd)
// (unix nanoseconds), as totals of the period.
type AdMetrics struct {
	PeriodStart      int64 `json:"period_start"`
	PeriodEnd        int64 `json:"period_end"`
	SpendMinor       int64 `json:"spend_minor"`
	Impressions      int64 `json:"impressions"`
	Clicks           int64 `json:"clicks"`
	AttributedOrders int64 `json:"attributed_orders"`
}

// RecordAdMetrics reports a campaign's metrics for one SKU it promotes on one channel. A later
// report of the same campaign, SKU and PeriodStart restates the earlier one (platforms revise
// their figures as attribution settles): it replaces it, so a retried report changes nothing.
// It moves no stock; the engine checks that the SKU and the channel exist and records the
// channel's availability of the SKU at that moment in its event (ad_metrics_recorded).
type RecordAdMetrics struct {
	Tenant   string `json:"-"`
	Campaign string `json:"campaign"`
	SKU      string `json:"sku"`
	Channel  string `json:"channel"`
	AdMetrics
}

// Kind implements Command.
func (*RecordAdMetrics) Kind() CommandKind { return KindRecordAdMetrics }

// TenantID implements Command.
func (c *RecordAdMetrics) TenantID() string { return c.Tenant }

// newAdCommand returns an empty advertising command of the kind, or nil.
func newAdCommand(k CommandKind) Command {
	if k == KindRecordAdMetrics {
		return &RecordAdMetrics{}
	}
	return nil
}

// Validate implements Command.
func (c *RecordAdMetrics) Validate() *Rejection {
	if r := first(checkID("tenant", c.Tenant), checkID("campaign", c.Campaign), checkID("sku", c.SKU), checkID("channel", c.Channel)); r != nil {
		return r
	}
	m := &c.AdMetrics
	if m.PeriodStart < 0 {
		return Reject(CodeInvalidArgument, "period_start", "period_start must be a unix time in nanoseconds, got %d", m.PeriodStart)
	}
	if m.PeriodEnd <= m.PeriodStart {
		return Reject(CodeInvalidArgument, "period_end", "period_end must be after period_start")
	}
	if m.PeriodEnd-m.PeriodStart > MaxAdPeriod {
		return Reject(CodeLimitExceeded, "period_end", "a report covers at most %d nanoseconds (one day), got %d", MaxAdPeriod, m.PeriodEnd-m.PeriodStart)
	}
	if m.SpendMinor < 0 || m.SpendMinor > MaxAdSpendMinor {
		return Reject(CodeInvalidArgument, "spend_minor", "spend must be between 0 and %d minor units, got %d", MaxAdSpendMinor, m.SpendMinor)
	}
	for _, f := range [...]struct {
		name string
		v    int64
	}{{"impressions", m.Impressions}, {"clicks", m.Clicks}, {"attributed_orders", m.AttributedOrders}} {
		if f.v < 0 || f.v > MaxAdCount {
			return Reject(CodeInvalidArgument, f.name, "%s must be between 0 and %d, got %d", f.name, MaxAdCount, f.v)
		}
	}
	return nil
}

func (c *RecordAdMetrics) encode(e *wire.Encoder) {
	e.String(c.Tenant)
	e.String(c.Campaign)
	e.String(c.SKU)
	e.String(c.Channel)
	e.Varint(c.PeriodStart)
	e.Varint(c.PeriodEnd)
	e.Varint(c.SpendMinor)
	e.Varint(c.Impressions)
	e.Varint(c.Clicks)
	e.Varint(c.AttributedOrders)
}

func (c *RecordAdMetrics) decode(d *wire.Decoder) {
	c.Tenant, c.Campaign, c.SKU, c.Channel = d.Symbol(MaxIDLen), d.Symbol(MaxIDLen), d.Symbol(MaxIDLen), d.Symbol(MaxIDLen)
	c.PeriodStart, c.PeriodEnd = d.Varint(), d.Varint()
	c.SpendMinor, c.Impressions, c.Clicks, c.AttributedOrders = d.Varint(), d.Varint(), d.Varint(), d.Varint()
}
