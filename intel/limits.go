package intel

import "math"

// Limits of the projection, in one place. They bound memory per tenant: an update that would
// create a series beyond a limit is dropped and counted (Stats.Dropped), never grown.
const (
	// MaxTenants bounds the tenants one Intel tracks.
	MaxTenants = 1 << 16
	// MaxNamesPerKind bounds the SKUs, locations, channels and carrier services of one tenant.
	MaxNamesPerKind = 1 << 20
	// MaxPositions bounds the SKU x location series of one tenant.
	MaxPositions = 1 << 22
	// MaxDemandSeries bounds the SKU x channel (and SKU network-wide) series of one tenant.
	MaxDemandSeries = 1 << 22
	// MaxOpenAlerts bounds the open alerts of one tenant; MaxResolvedAlerts the resolved ones
	// kept for reading (the oldest go first).
	MaxOpenAlerts     = 4096
	MaxResolvedAlerts = 1024
	// MaxPendingInbound is the number of pending receipts a position remembers with their ETA;
	// further ones still count as inbound units, without an ETA.
	MaxPendingInbound = 3
	// MaxQueue bounds the alerts one ActionQueue call returns.
	MaxQueue = 1000
	// MaxAdSeries bounds the campaign x SKU x channel series of one tenant.
	MaxAdSeries = 1 << 16
	// MaxLanes bounds the carrier service x origin location series of one tenant.
	MaxLanes = 1 << 16
	// MaxLaneParcelTimers bounds the parcel timers of one lane (parcels.go): its parcels in
	// flight watched against their promise and its settled ones awaiting arrival. 131,072 is
	// three days of a lane shipping 1,800 parcels an hour; beyond it a parcel is not watched
	// (it settles when it arrives) and a settled one is forgotten at once (its arrival may then
	// count again).
	MaxLaneParcelTimers = 1 << 17
)

// adBaseHalfLife is the half-life of a campaign's baseline spend rate: two hours, so that a
// boost stands out against the afternoon's spend and a launch counts as a rise for as long.
const adBaseHalfLife = 2 * hourNs

// Half-lives of the velocity EWMAs, in nanoseconds. Each is four times the last, so the decay
// factors of the longer two are square roots of square roots of the shortest's (one exp per
// update for all three).
const (
	halfLife15m = int64(15 * 60 * 1e9)
	halfLife1h  = 4 * halfLife15m
	halfLife4h  = 4 * halfLife1h
	minuteNs    = int64(60 * 1e9)
	hourNs      = 60 * minuteNs
)

// Velocity indexes into the three half-lives.
const (
	v15m = iota
	v1h
	v4h
)

// decayPerNs15m is ln 2 / (15 minutes), the exponent per nanosecond of the shortest EWMA.
var decayPerNs15m = math.Ln2 / float64(halfLife15m)

// gainPerSec is the weight one event adds to each rate, 1/tau in seconds, so that a rate reads
// in events (or units) per second.
var gainPerSec = [3]float64{
	math.Ln2 / (float64(halfLife15m) / 1e9),
	math.Ln2 / (float64(halfLife1h) / 1e9),
	math.Ln2 / (float64(halfLife4h) / 1e9),
}

// Config holds the detectors' parameters. DefaultConfig gives the values the package doc and
// the simulator's evaluation were tuned with; the zero value of a field means its default.
type Config struct {
	// SpikeRatio is the share multiple the demand CUSUM is tuned to detect; SpikeThreshold its
	// alarm level (log-likelihood units); SpikeShareWindow the lines of the share baseline;
	// SpikeMinLines the SKU's lines and SpikeMinChannelLines the channel's lines before a series
	// may alarm.
	SpikeRatio           float64
	SpikeThreshold       float64
	SpikeShareWindow     float64
	SpikeMinLines        uint32
	SpikeMinChannelLines uint64
	// SilenceK is the gap, in expected inter-arrival times, that makes a channel silent;
	// SilenceMinGap the shortest gap ever called silence (ns); SilenceMinOrders the orders a
	// channel must have taken before it is judged.
	SilenceK         float64
	SilenceMinGap    int64
	SilenceMinOrders uint32
	// UTCOffset is the channels' local time in seconds east of UTC: their order rates' hours
	// of day (the seasonality channel silence learns) are hours of that local day. 0 is UTC.
	UTCOffset int64
	// StockoutMinGap is how long before its next receipt a position must run out (ns), and
	// StockoutMinUnits how many units it must lose meanwhile, to alert; StockoutMinEvents the
	// sales a position needs before its velocity is trusted.
	StockoutMinGap    int64
	StockoutMinUnits  float64
	StockoutMinEvents uint32
	// DriftThreshold is the count-drift CUSUM's alarm level in units; DriftMinK the smallest
	// reference (units per count) it subtracts.
	DriftThreshold float64
	DriftMinK      float64
	// RejectFloor, RejectFactor and RejectMinAttempts shape the rejection-surge limit.
	RejectFloor       float64
	RejectFactor      float64
	RejectMinAttempts float64
	// CarrierMinDelays is the delays per hour, and CarrierMaxScoreBps the on-time score at or
	// below which, a carrier service alerts.
	CarrierMinDelays   float64
	CarrierMaxScoreBps int64
	// SLAMinAtRisk is the orders at risk per hour that raise sla_risk.
	SLAMinAtRisk float64
	// AdActiveWindow is how long after its latest report's period a campaign still counts as
	// spending (ns); AdSpendRise the multiple of its baseline spend rate that makes a boost (and
	// a spike at the same time ad-driven); AdCoverMargin the multiple of the lead time the cover
	// must regain before a low-cover ad alert clears. DefaultLeadTime is the replenishment lead
	// time (ns) of a SKU with no pending receipt.
	AdActiveWindow int64
	AdSpendRise    float64
	// AdSpikePrior is how much lower (log-likelihood units) the demand-spike threshold is for a
	// SKU whose campaign on the channel is rising: the boost is prior evidence of a spike.
	AdSpikePrior    float64
	AdCoverMargin   float64
	DefaultLeadTime int64
	// NodeThreshold is the node_slowdown CUSUM's alarm level (log-likelihood units);
	// NodeMinPicks the shipments a location must have picked, and NodeMinPerHour its usual
	// shipments per hour, before it is judged.
	NodeThreshold  float64
	NodeMinPicks   uint32
	NodeMinPerHour float64
	// CutoffMinUnits is the units of a location's backlog that must be left over at today's
	// pick cutoff at its current pace, and CutoffMinShort how long (ns) past the cutoff its
	// picking must run, to raise cutoff_risk.
	CutoffMinUnits float64
	CutoffMinShort int64
	// LaneThreshold is the carrier_lane_delay CUSUM's alarm level (log-likelihood units),
	// LaneHoldThreshold its running-late statistic's; LaneMinOutcomes the settled shipments a
	// lane needs before it is judged (and before it is offered as the alternative), and the
	// on-time deliveries its delivery profile needs before parcels running late count.
	LaneThreshold     float64
	LaneHoldThreshold float64
	LaneMinOutcomes   uint32
	// CancelRateLimit and LateShipRateLimit are the marketplace limits of a channel's share of
	// orders cancelled, and of orders past their ship_by, over seven days (2.5% and 4% by
	// default); FulfilMinOrders the orders in the window before a channel is judged.
	CancelRateLimit   float64
	LateShipRateLimit float64
	FulfilMinOrders   uint32
	// ServiceZ is the safety factor z of safety stock (z x sigma x sqrt(L)): the standard normal
	// quantile of the cycle service level, 1.645 for 95%.
	ServiceZ float64
	// SweepEvery is how often (event time, ns) time-driven checks run: silence, and the decay of
	// open alerts whose series see no events.
	SweepEvery int64
}

// DefaultConfig returns the default parameters.
func DefaultConfig() Config {
	return Config{
		SpikeRatio: 3, SpikeThreshold: 14, SpikeShareWindow: 5000, SpikeMinLines: 30, SpikeMinChannelLines: 3000,
		SilenceK: 14, SilenceMinGap: 2 * minuteNs, SilenceMinOrders: 200,
		StockoutMinGap: 30 * minuteNs, StockoutMinUnits: 10, StockoutMinEvents: 8,
		DriftThreshold: 6, DriftMinK: 1,
		RejectFloor: 0.15, RejectFactor: 3, RejectMinAttempts: 30,
		CarrierMinDelays: 5, CarrierMaxScoreBps: 9000,
		SLAMinAtRisk:   10,
		AdActiveWindow: 2 * hourNs, AdSpendRise: 1.5, AdSpikePrior: 5, AdCoverMargin: 1.2, DefaultLeadTime: 48 * hourNs,
		NodeThreshold: 8, NodeMinPicks: 50, NodeMinPerHour: 100,
		CutoffMinUnits: 20, CutoffMinShort: 15 * minuteNs,
		LaneThreshold: 6, LaneHoldThreshold: 10, LaneMinOutcomes: 20,
		CancelRateLimit: 0.025, LateShipRateLimit: 0.04, FulfilMinOrders: 200,
		ServiceZ:   1.645,
		SweepEvery: 15 * 1e9,
	}
}

// withDefaults fills zero fields from DefaultConfig.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	setF := func(v *float64, def float64) {
		if *v <= 0 {
			*v = def
		}
	}
	setI := func(v *int64, def int64) {
		if *v <= 0 {
			*v = def
		}
	}
	setF(&c.SpikeRatio, d.SpikeRatio)
	setF(&c.SpikeThreshold, d.SpikeThreshold)
	setF(&c.SpikeShareWindow, d.SpikeShareWindow)
	if c.SpikeMinLines == 0 {
		c.SpikeMinLines = d.SpikeMinLines
	}
	if c.SpikeMinChannelLines == 0 {
		c.SpikeMinChannelLines = d.SpikeMinChannelLines
	}
	setF(&c.SilenceK, d.SilenceK)
	setI(&c.SilenceMinGap, d.SilenceMinGap)
	if c.SilenceMinOrders == 0 {
		c.SilenceMinOrders = d.SilenceMinOrders
	}
	setI(&c.StockoutMinGap, d.StockoutMinGap)
	setF(&c.StockoutMinUnits, d.StockoutMinUnits)
	if c.StockoutMinEvents == 0 {
		c.StockoutMinEvents = d.StockoutMinEvents
	}
	setF(&c.DriftThreshold, d.DriftThreshold)
	setF(&c.DriftMinK, d.DriftMinK)
	setF(&c.RejectFloor, d.RejectFloor)
	setF(&c.RejectFactor, d.RejectFactor)
	setF(&c.RejectMinAttempts, d.RejectMinAttempts)
	setF(&c.CarrierMinDelays, d.CarrierMinDelays)
	setI(&c.CarrierMaxScoreBps, d.CarrierMaxScoreBps)
	setF(&c.SLAMinAtRisk, d.SLAMinAtRisk)
	setI(&c.AdActiveWindow, d.AdActiveWindow)
	setF(&c.AdSpendRise, d.AdSpendRise)
	setF(&c.AdSpikePrior, d.AdSpikePrior)
	setF(&c.AdCoverMargin, d.AdCoverMargin)
	setI(&c.DefaultLeadTime, d.DefaultLeadTime)
	setF(&c.NodeThreshold, d.NodeThreshold)
	if c.NodeMinPicks == 0 {
		c.NodeMinPicks = d.NodeMinPicks
	}
	setF(&c.NodeMinPerHour, d.NodeMinPerHour)
	setF(&c.CutoffMinUnits, d.CutoffMinUnits)
	setI(&c.CutoffMinShort, d.CutoffMinShort)
	setF(&c.LaneThreshold, d.LaneThreshold)
	setF(&c.LaneHoldThreshold, d.LaneHoldThreshold)
	if c.LaneMinOutcomes == 0 {
		c.LaneMinOutcomes = d.LaneMinOutcomes
	}
	setF(&c.CancelRateLimit, d.CancelRateLimit)
	setF(&c.LateShipRateLimit, d.LateShipRateLimit)
	if c.FulfilMinOrders == 0 {
		c.FulfilMinOrders = d.FulfilMinOrders
	}
	setF(&c.ServiceZ, d.ServiceZ)
	setI(&c.SweepEvery, d.SweepEvery)
	return c
}
