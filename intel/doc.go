// Package intel owns Depot's operational intelligence: streaming signals computed from the event
// stream, online detectors over them, and the alerts they raise, ranked into an action queue.
//
// It is a pure projection. It is fed depot.Event values in sequence order (Apply), plus the
// rejected reserves the engine answered without an event (ObserveRejection), and derives
// everything from them: the same events always give the same alerts, opened at the same event
// times, with the same evidence. Time comes only from the events (Event.Time); Advance moves it
// without an event. The package must never import time, os, net, log, math/rand or crypto/rand,
// start goroutines, depend on map iteration order (every walk that reaches an output goes over a
// slice in creation order), or decide anything the engine decides: it only observes and
// recommends. It is not safe for concurrent use; the caller serialises Apply and reads.
//
// Floating point is used for rates and scores, always in a fixed evaluation order, so a run is
// bit-for-bit reproducible on one architecture; none of it is part of the engine's state hash.
//
// # Signals and detectors
//
// Each signal keeps a fixed-size state per series and costs one map lookup and a few
// multiplications per update (an exp and two square roots for time decay: the three half-lives
// are 15 minutes, 1 hour and 4 hours, each four times the last, so one exp gives all three).
//
//   - Demand velocity per SKU x channel and SKU x location: units per hour as exponentially
//     weighted rates at three half-lives, bias-corrected while a series is young.
//   - Demand spike (alert demand_spike, per SKU x channel): a Bernoulli
//     CUSUM on the SKU's share of the channel's order lines, counted in the channel's own line
//     clock. Seasonality (hour of day, weekday) moves every SKU of a channel together, so it
//     cancels in the share and needs no Holt-Winters model; the CUSUM is the optimal sequential
//     test for a step change from share p0 to SpikeRatio x p0 and alarms after about
//     SpikeThreshold / (p0 (F ln F - F + 1)) lines. p0 is an EWMA over SpikeShareWindow lines,
//     frozen while the series is alarmed so a spike does not teach itself to be normal. Lines of
//     refused reserves count (ObserveRejection with Lines): demand is what was asked for, and a
//     SKU's share must not jump when another SKU of the same orders comes back in stock. The
//     network-wide series only feed views: their share moves with the channel mix over the day.
//     The threshold is set for the number of series: the false-alarm run length grows as
//     exp(SpikeThreshold) lines of a series, against hundreds of thousands of lines a day.
//   - Days of cover and stockout ETA per SKU x location, counting what is available (on hand
//     minus reserved, allocated and held) against the 1-hour velocity, and the pending inbound
//     receipts with their ETAs. Alert stockout_before_receipt when the position runs out at
//     least StockoutMinGap before its next receipt and the units lost meanwhile reach
//     StockoutMinUnits. A deterministic projection, not a statistical test: it needs
//     StockoutMinEvents sales at the position before it trusts the velocity.
//   - Safety stock and reorder point per SKU x location (views only, PositionView): demand per
//     clock hour as an exponentially weighted mean and variance over about a week of hours (an
//     hour without a sale is a zero; 32 bytes, updated when a sale closes an hour, so a sale
//     costs one comparison). Hours, not events: safety stock covers the variability of demand
//     over the lead time, and for independent hours the variance over L hours is L x the
//     hourly variance, so SS = z x sigma_h x sqrt(L) with z = ServiceZ (1.645: 95% cycle
//     service level) and the reorder point is mean_h x L + SS. L is the time to the earliest
//     pending receipt, or DefaultLeadTime when none is pending. Hour-of-day seasonality inflates
//     sigma_h (a quiet night and a busy evening are both in the spread), which errs on the
//     side of more stock; a seasonal model per position would cost 24 floats per series.
//   - Channel order rate against its expected rate (alert channel_silent): orders arrive as a
//     Poisson process with a rate that varies over the day, so a gap whose expected orders reach
//     SilenceK has probability exp(-SilenceK) under normal operation. The rate at the last order
//     is the smaller of the 15-minute and 1-hour rates then. Hour-of-day seasonality carries it
//     through the gap: per hour of the channel's local day (Config.UTCOffset), the orders that
//     hour takes as an exponentially weighted mean over days (Holt-Winters' multiplicative
//     seasonal component, equal weights over the first seven days, then 1/7 per day; learned
//     online when an order closes an hour, 136 bytes per channel). Once both hours have two
//     days, the expected rate in a later hour of the gap is the smaller of the last rate x the
//     ratio of the hours' means (at most 4) and that hour's own mean: the lagging EWMAs still
//     carry the evening at 22:00, the mean knows the night has begun, so a quiet night is not an
//     outage; an outage at a busy hour is called as before. The level cancels in the ratio, so
//     no separate level is kept; the hour a series was born in and hours spent alarmed are not
//     learned (an outage must not teach the season to be quiet). Taking the smaller rate errs
//     towards calling silence later when the business grew. Before two days of history the test
//     is the flat one (the rate at the last order, conservative when the curve falls).
//   - Rejection rate per channel (alert rejection_surge): insufficient-stock rejections over
//     attempts in 15 minutes against the 4-hour ratio (EWMA control limit: ratio above
//     RejectFactor x baseline and RejectFloor, with RejectMinAttempts in the window).
//   - Cycle-count drift per location (alert count_drift): a one-sided CUSUM of units lost per
//     count, with its reference k = mean + 2 x mean absolute deviation of shrink per count across
//     the tenant (an EWMA approximation of a robust location/scale pair; medians of mostly-zero
//     count drift degenerate to 0). Evidence ages: the statistic decays by k per 30 minutes
//     without counts.
//   - Carrier delays per carrier x service (alert carrier_delay) from shipment_delayed events:
//     delays in the last hour and the on-time score the orchestration reported.
//   - Carrier health per lane (alert carrier_lane_delay): a lane is a carrier service from one
//     origin location (shipment events name the origin, never the destination, so lanes are
//     bounded by locations x services). Every settled shipment is an outcome: delivered on time,
//     or late (past its promise, stuck without tracking news past its timer, returned to
//     sender), read from shipment_shipped, shipment_delivered and shipment_delayed ("late",
//     "stuck", "return to sender"; a carrier exception is a delay, not an outcome). Two
//     sequential tests read them, and either raises the alert:
//     (1) Outcomes are Bernoulli, so the first is a Bernoulli CUSUM of late outcomes tuned for a
//     late rate laneLateRatio x the lane's own baseline (an EWMA over about 200 outcomes,
//     floored at 3%, frozen while alarmed), the same sequential test as demand spikes, counted
//     in the lane's own outcome clock so that volume and hour of day cancel; it catches a lane
//     that has turned unreliable. It is capped at its alarm level LaneThreshold, so a lane back
//     on time clears in about LaneThreshold / ln((1 - p0) / (1 - p1)) outcomes (60 at a 3%
//     baseline), not hours later.
//     (2) A lane that holds its parcels back (a hub down, no riders) stops delivering before any
//     promise passes. shipment_shipped carries the carrier's promise, counted from the collection
//     that takes the parcel after the hand-over, and every parcel shipped with one is watched
//     (parcels.go): its promise window, hand-over to promise, is cut into laneBins bins, with one
//     timer at a time in a heap ordered by time. The lane learns in which bin its on-time
//     deliveries arrive (an EWMA profile over about 200 deliveries, frozen while alarmed), which
//     gives the usual probability S(k) that a parcel is still undelivered after bin k. A parcel
//     that runs through bin k undelivered adds (1 - laneHoldRho) ln(S(k+1) / S(k)), the bin's
//     usual cumulative hazard, to a running-late CUSUM; one delivered in bin k takes
//     ln(1 / laneHoldRho): it is the log-likelihood ratio of a hold (deliveries at laneHoldRho
//     times the usual hazard) against the lane's usual service, read a bin at a time. Under
//     usual service it drifts down by at least 1.4 per parcel (a parcel's cumulative hazard at
//     its delivery is a unit exponential, so it adds at most 0.9 on average against 2.3); a hold
//     adds up to 0.9 ln(1 / late share) per parcel held, most of it near the promise. It alarms at LaneHoldThreshold once the profile has LaneMinOutcomes
//     deliveries. Both the evidence and the outcomes are counted at the ends of bins: a parcel
//     that ran through a bin and one delivered in it are folded at the bin's end, and a watched
//     parcel's on-time outcome at its promise, so the parcels a carrier collected together
//     (which share a promise) are folded together in hand-over order. Counted as they became
//     known, a collection's on-time deliveries would first run a CUSUM down to its floor and its
//     late parcels, by definition the last known, then land at once: a large collection with its
//     usual few late parcels (the morning's first) would look like a burst.
//     A watched parcel whose promise passes undelivered is a late outcome then (overdue, Lane
//     view Overdue), at the first event time past it, not when it finally arrives; its arrival
//     and the late delay the engine reports with it, a stuck delay or a return to sender count
//     no second outcome (the parcel is remembered until it arrives, at most a week). Parcels
//     without a promise (riders, services withdrawn, or beyond MaxLaneParcelTimers) settle when
//     they arrive. A delivery reported after its promise but dated before it was counted late
//     at the promise, though the engine finds it on time: the carrier's scan came late.
//     The recent on-time rate is an EWMA over about 20 outcomes. The action is "switch lane L to
//     carrier K", K the service from the same origin with the best recent on-time record
//     (LaneMinOutcomes outcomes, not itself alarmed); the evidence names delay clusters: other
//     lanes of the same service late (carrier-wide) and other services late from the same origin
//     (the node's hand-over), and both statistics (cusum, running_late). Carriers
//     (Intel.Carriers) shows on-time rates per service and lane with stuck, in-flight and overdue
//     shipments. How early a hold is seen depends on the lane's volume and how its deliveries
//     spread over the promise window: in sim's evaluation the bike courier (collections every
//     five minutes, promised 25 minutes after, about 40 parcels an hour) was called a median
//     6m45s into its holds over 20 seeds, every one by the running-late statistic (the CUSUM of
//     late outcomes was then at 0 to 5.3: a hold shows as parcels running late first); with
//     promises that were one instant a day per lane (the service's daily pickup plus its longest
//     transit), the same holds were called only at 00:27, hours after.
//   - Node slowdown per location (alert node_slowdown): picks are shipments leaving the location
//     (the ledger's shipped events, one pick per shipment), its backlog the units committed or
//     allocated there and not yet shipped, and the work arriving the units committed or
//     allocated there. Picks are a point process, so the test is a Poisson CUSUM for a drop of
//     the pick rate to NodeSlowdownRatio x its usual rate: each gap adds (1 - ratio) x usual rate
//     x gap (a gap counts at most five usual inter-pick times), each pick takes ln(1/ratio).
//     Picking is not Poisson at the scale of a day, and the usual rate is built to withstand its
//     shapes: it is the larger of the 15-minute and 1-hour pick rates (following the morning's
//     rise, slow to forget when the pace drops; frozen while alarmed), counted only from 30
//     minutes after the location opened (its first pick after two hours without one), because
//     the opening wave ships the night's orders at full capacity; and it is capped by the rate
//     of work arriving (the larger of its 15-minute and 1-hour rates, in shipments at the 4-hour
//     units per shipment), a smooth customer-driven stream that bounds any pace the location can
//     sustain. Nothing is judged for 90 minutes after opening, and the alert needs the backlog to
//     be growing (work arriving over 15 minutes at least the units shipped): picking that fades
//     with the evening's orders does not qualify. It is raised only at a pick, so a location that
//     stops (closing time, orders arriving overnight) raises nothing, and its statistic restarts
//     when it reopens. Waves (minutes without a shipment, then dozens) are no false alarm, since
//     a capped gap is worth at most three units; the flip side is that a slowdown that keeps the
//     wave sizes and only spaces the waves out is not found: that needs backlog growth against
//     inflow as its own statistic. Locations below NodeMinPerHour usual shipments an hour are
//     not judged: at 100 an hour a drop to 40% needs about 20 minutes to tell from chance.
//     Evidence: pick rates, backlog, and the hours to clear the backlog at the current and the
//     usual pace (how far the node's work slips). The action is "re-source orders away from N".
//   - Cutoff risk per location (alert cutoff_risk): the location's daily pick cutoff (a local
//     minute of day) and UTC offset come with its location_defined event (Qty and At). The
//     projection is deterministic, not statistical: at the 15-minute units-shipped rate, the
//     backlog left unpicked at the next cutoff (units short) and how long picking runs past it
//     (time short), shown per location (NodeView). The alert is judged in the time-driven sweep,
//     only against the cutoff of the location's current local day and only while it is picking
//     (a pick within two hours: without shipping hours a closed location cannot be told from a
//     stopped one, so a location that never starts its day is not caught); it needs
//     CutoffMinUnits units and CutoffMinShort of picking past the cutoff, and resolves when the
//     backlog fits before the cutoff, when the cutoff passes, or when picking stops. It counts
//     only the backlog already there (work still to arrive makes it worse) and all of it,
//     including orders not due today, which the events do not tell apart. Impact: the units
//     short, at the mean price; time to impact: the time to the cutoff. The action is "re-source
//     orders away from N or add pick capacity before cutoff". No simulated incident scores it:
//     the simulated business defines no pick cutoffs (TestCutoffRisk covers it).
//   - SLA risk per tenant (alert sla_risk) from sla_at_risk events per hour.
//   - Advertising per campaign x SKU x channel, from ad_metrics_recorded events (the journaled
//     record_ad_metrics command): the latest report's spend rate (spend over its period), a
//     time-decayed baseline of earlier reports' rates (2-hour half-life, bias-corrected), totals
//     of spend, impressions, clicks and attributed orders, and the channel's latest answer for
//     the SKU. A report of the period already held restates it (its figures replace the earlier
//     ones), so retries and platform restatements change nothing twice. Reports arrive every few
//     minutes to hours, so a rate per report is the right reading; an EWMA of reports as events
//     would saw-tooth between them.
//   - Ad-driven demand spikes: a campaign is rising when its latest rate is AdSpendRise times its
//     baseline, or it launched within the baseline's half-life. A demand_spike raised while a
//     campaign for the SKU on that channel is rising (or that sees one rise while it is open) is
//     labelled ad_driven (Alert.Cause; the spend and its multiple join the evidence), otherwise
//     organic. A rising campaign is also prior evidence: the spike test then needs AdSpikePrior
//     fewer log-likelihood units, which the false-alarm rate of those few series can afford.
//   - Ad spend on stock the business cannot ship (alert ad_spend_out_of_stock, per campaign and
//     SKU): the campaign is active (it reported spend within AdActiveWindow) and either the
//     channel has nothing to sell (its latest answer: a report recorded with no channel
//     availability, or a refused reserve whose channel-wide shortfall had nothing available,
//     since the SKU last sold there) or the SKU's network-wide cover (available over the smaller
//     of the 1-hour and 4-hour velocities) is below its lead time (until the earliest pending
//     receipt, or DefaultLeadTime when none is pending). The impact is the spend at stake: the
//     spend rate until the SKU can be sold again (capped at a day); the action is "pause
//     campaign C". It is re-judged on every report, sale or refusal on the channel and stock
//     movement of the SKU, and clears when the campaign stops, the channel sells the SKU again
//     and the cover regains the lead time by AdCoverMargin. A refusal at a named location (a
//     quick-commerce order's dark store) says nothing about the channel and is not counted.
//   - Channel fulfilment rates against marketplace limits (alerts cancellation_rate and
//     late_shipment_rate, per channel): the share of the channel's orders cancelled, and the
//     share whose ship_by was breached (the engine's sla_breached), over the last seven days in
//     daily buckets, exact rather than smoothed because a marketplace computes the same ratio
//     over a fixed window. A channel with FulfilMinOrders orders in the window alerts above
//     CancelRateLimit (2.5%) or LateShipRateLimit (4%) and resolves below 80% of the limit; the
//     evidence gives the counts and the clean orders it takes to be back under. Every
//     cancellation counts: the command's reason is free text, so buyer-requested cancellations
//     cannot be told from the seller's, and the rate errs on the side of warning.
//
// # Alerts
//
// Alerts are entities keyed by (kind, subject): raising an open key updates it, so there is never
// more than one open alert per key. They are opened, updated, acknowledged by an operator, and
// resolved by the detector when its condition clears (with hysteresis, so they do not flap).
// Each carries its evidence (named numbers and the window they cover), the units and money at
// stake (prices come from SetPrice: events do not carry them), the time to impact, and a
// recommended action rendered from the current state (a transfer from the location with the most
// spare stock, a channel integration check, a recount). ActionQueue ranks open alerts:
// unacknowledged first, then by score = value at stake / (1 + hours to impact).
//
// # Memory
//
// Per series, the struct sizes (64-bit) are: position (SKU x location) 200 bytes (32 of them the hourly demand variance of safety stock) plus a map entry
// (a series measured at about 264 heap bytes by BenchmarkApply), demand (SKU x channel and SKU
// network-wide) 88 bytes plus an 8-byte index entry, channel 272 (136 of them hour-of-day seasonality), location (count drift, node
// health and the pick cutoff, which fills padding) 248, carrier service 64, lane (carrier service x origin) 256 bytes (128 of them its delivery
// profile) plus a map entry and a 4-byte location index, a parcel watched against its promise
// a 32-byte timer (two while it is settled and its bin timer has not lapsed) and a map entry of
// a uint64 key and a 16-byte value (MaxLaneParcelTimers timers per lane at most: about 10 MB for
// a lane at the limit, three days of 1,800 parcels an hour), ad series (campaign x SKU x channel) 152 bytes plus a 12-byte-key map entry and a 4-byte SKU
// index; a channel's fulfilment window 144 bytes; an alert 192 bytes while held (TestSeriesSizesMatchTheDoc keeps these figures true). Stats
// reports the totals. Limits (limits.go) bound every table per tenant; updates that would pass a
// limit are counted in Stats.Dropped, never grown.
//
// # Cost
//
// BenchmarkApply feeds events on one core into 105,000 series (100,000 positions, 5,000 demand
// series), each reserved line updating four series (position, SKU x channel, SKU network-wide,
// channel), with no allocation per event. Earlier branches measured 1.15 to 1.54 M events per
// second (README); one run on branch intel-gaps4 measured 0.81 M while other work shared the
// machine's two cores. About 233 state bytes per
// series. A SKU without campaigns pays one bounds check for advertising per line.
package intel
