package intel

import (
	"slices"
)

// Kind is what an alert is about. Values are stable: only append.
type Kind uint8

// The alert kinds; the package doc says which detector raises each.
const (
	KindDemandSpike Kind = iota + 1
	KindChannelSilent
	KindStockoutBeforeReceipt
	KindCountDrift
	KindRejectionSurge
	KindCarrierDelay
	KindSLARisk
	KindAdSpendOutOfStock
	KindCarrierLaneDelay
	KindNodeSlowdown
	KindCancellationRate
	KindLateShipmentRate
	KindCutoffRisk
)

var kindNames = [...]string{
	KindDemandSpike: "demand_spike", KindChannelSilent: "channel_silent",
	KindStockoutBeforeReceipt: "stockout_before_receipt", KindCountDrift: "count_drift",
	KindRejectionSurge: "rejection_surge", KindCarrierDelay: "carrier_delay", KindSLARisk: "sla_risk",
	KindAdSpendOutOfStock: "ad_spend_out_of_stock", KindCarrierLaneDelay: "carrier_lane_delay", KindNodeSlowdown: "node_slowdown",
	KindCancellationRate: "cancellation_rate", KindLateShipmentRate: "late_shipment_rate", KindCutoffRisk: "cutoff_risk",
}

// Kinds lists every alert kind.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kindNames)-1)
	for k := 1; k < len(kindNames); k++ {
		out = append(out, Kind(k))
	}
	return out
}

// String returns the wire name of the kind.
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "unknown"
}

// MarshalText writes the wire name.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// ParseKind maps a wire name to a kind.
func ParseKind(s string) (Kind, bool) {
	for k := 1; k < len(kindNames); k++ {
		if kindNames[k] == s {
			return Kind(k), true
		}
	}
	return 0, false
}

// State is where an alert is in its lifecycle.
type State uint8

// The states: open (raised, maybe updated since), acknowledged (an operator has seen it; it
// stays in the queue, ranked after unacknowledged ones, until its condition clears), resolved.
const (
	StateOpen State = iota + 1
	StateAcknowledged
	StateResolved
)

var stateNames = [...]string{StateOpen: "open", StateAcknowledged: "acknowledged", StateResolved: "resolved"}

// String returns the wire name of the state.
func (s State) String() string {
	if int(s) < len(stateNames) && stateNames[s] != "" {
		return stateNames[s]
	}
	return "unknown"
}

// MarshalText writes the wire name.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// alertKey is the deduplication key: (kind, subject), the subject being one or two ids whose
// meaning depends on the kind (SKU and channel, SKU and location, a channel, a location, a
// carrier service, a campaign and SKU, or nothing for the tenant-wide SLA risk).
type alertKey struct {
	kind Kind
	a, b uint32
}

// alert is an alert as stored: numbers only. Rendering (names, evidence labels, the recommended
// action) happens when it is read, so that an update per event costs no allocation.
type alert struct {
	id                                     uint64
	key                                    alertKey
	state                                  State
	openedAt, updatedAt, ackedAt, resolved int64
	updates                                uint32
	finding
}

// finding is what a detector reports when it raises: the units and money at stake, the time
// until the impact starts (0: already happening), the window of the evidence (0 when the
// evidence is cumulative), and the kind's evidence values (see evidenceNames).
type finding struct {
	units  float64
	minor  int64
	tti    int64
	window int64
	ev     [evidenceSlots]float64
	cause  uint8 // demand spikes: causeOrganic or causeAdDriven
}

// evidenceSlots is the evidence values one finding holds.
const evidenceSlots = 9

// The causes of a demand spike.
const (
	causeOrganic uint8 = iota
	causeAdDriven
)

// book holds a tenant's alerts.
type book struct {
	open     []*alert // in opening order
	byKey    map[alertKey]*alert
	resolved []*alert // oldest first, at most MaxResolvedAlerts
	nextID   uint64
}

// Change is an alert's lifecycle transition, reported to Options.OnChange.
type Change struct {
	Tenant string
	Alert  Alert
	// To is the new state (open for a newly raised alert).
	To State
}

// raise opens the alert of key, or updates it if open. It reports whether the alert is open
// afterwards (false only when the tenant's open alerts are at their limit).
func (in *Intel) raise(t *tenant, key alertKey, f *finding, now int64) bool {
	if a := t.alerts.byKey[key]; a != nil {
		a.finding = *f
		a.updatedAt = now
		a.updates++
		return true
	}
	if len(t.alerts.open) >= MaxOpenAlerts {
		in.stats.Dropped++
		return false
	}
	t.alerts.nextID++
	a := &alert{id: t.alerts.nextID, key: key, state: StateOpen, openedAt: now, updatedAt: now, finding: *f}
	t.alerts.open = append(t.alerts.open, a)
	t.alerts.byKey[key] = a
	if in.notify != nil {
		in.notify(Change{Tenant: t.name, Alert: in.render(t, a, now), To: StateOpen})
	}
	return true
}

// resolve closes the alert of key if it is open.
func (in *Intel) resolve(t *tenant, key alertKey, now int64) {
	a := t.alerts.byKey[key]
	if a == nil {
		return
	}
	delete(t.alerts.byKey, key)
	if i := slices.Index(t.alerts.open, a); i >= 0 {
		t.alerts.open = slices.Delete(t.alerts.open, i, i+1)
	}
	a.state = StateResolved
	a.resolved = now
	a.updatedAt = now
	if len(t.alerts.resolved) >= MaxResolvedAlerts {
		t.alerts.resolved = slices.Delete(t.alerts.resolved, 0, 1)
	}
	t.alerts.resolved = append(t.alerts.resolved, a)
	if in.notify != nil {
		in.notify(Change{Tenant: t.name, Alert: in.render(t, a, now), To: StateResolved})
	}
}

// Acknowledge marks an open alert of a tenant as seen by an operator. It reports whether such an
// open alert exists. The alert stays in the queue until its condition clears.
func (in *Intel) Acknowledge(tenantName string, id uint64) bool {
	t := in.lookupTenant(tenantName)
	if t == nil {
		return false
	}
	for _, a := range t.alerts.open {
		if a.id == id {
			if a.state == StateOpen {
				a.state = StateAcknowledged
				a.ackedAt = in.now
				if in.notify != nil {
					in.notify(Change{Tenant: t.name, Alert: in.render(t, a, in.now), To: StateAcknowledged})
				}
			}
			return true
		}
	}
	return false
}

// score is the ranking value: money at stake (units at the tenant's mean price when the money is
// unknown, units alone when no price is known), discounted by the hours until the impact.
func (t *tenant) score(a *alert) float64 {
	value := float64(t.minor(a))
	if value <= 0 {
		value = a.units * float64(max(t.meanPrice(), 1))
	}
	return value / (1 + float64(a.tti)/float64(hourNs))
}

// ActionQueue returns a tenant's open alerts, ranked: unacknowledged before acknowledged, then
// by score (value at stake over 1 + hours to impact), then oldest first, then by id. limit <= 0
// or above MaxQueue means MaxQueue.
func (in *Intel) ActionQueue(tenantName string, limit int) []Alert {
	t := in.lookupTenant(tenantName)
	if t == nil {
		return nil
	}
	if limit <= 0 || limit > MaxQueue {
		limit = MaxQueue
	}
	type ranked struct {
		a     *alert
		score float64
	}
	rs := make([]ranked, len(t.alerts.open))
	for i, a := range t.alerts.open {
		rs[i] = ranked{a, t.score(a)}
	}
	slices.SortFunc(rs, func(x, y ranked) int {
		if (x.a.state == StateAcknowledged) != (y.a.state == StateAcknowledged) {
			if x.a.state == StateAcknowledged {
				return 1
			}
			return -1
		}
		switch {
		case x.score > y.score:
			return -1
		case x.score < y.score:
			return 1
		case x.a.openedAt != y.a.openedAt:
			return cmpInt(x.a.openedAt, y.a.openedAt)
		}
		return cmpInt(int64(x.a.id), int64(y.a.id))
	})
	out := make([]Alert, 0, min(len(rs), limit))
	for i := 0; i < len(rs) && i < limit; i++ {
		out = append(out, in.render(t, rs[i].a, in.now))
	}
	return out
}

// Resolved returns a tenant's most recently resolved alerts, newest first, at most limit.
func (in *Intel) Resolved(tenantName string, limit int) []Alert {
	t := in.lookupTenant(tenantName)
	if t == nil {
		return nil
	}
	if limit <= 0 || limit > MaxResolvedAlerts {
		limit = MaxResolvedAlerts
	}
	var out []Alert
	for i := len(t.alerts.resolved) - 1; i >= 0 && len(out) < limit; i-- {
		out = append(out, in.render(t, t.alerts.resolved[i], in.now))
	}
	return out
}

// minor is the money at stake in an alert: for SKU alerts from the current price (a price set
// after the alert opened counts at once), for the others as the detector valued it.
func (t *tenant) minor(a *alert) int64 {
	switch a.key.kind {
	case KindDemandSpike, KindStockoutBeforeReceipt:
		return int64(a.units * float64(t.priceOf(a.key.a)))
	}
	return a.minor
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Sizes of the per-series state, for Stats and the package doc. They are written out because
// the core may not import unsafe; TestSeriesSizesMatchTheDoc checks them against unsafe.Sizeof.
// mapEntryBytes estimates a Go map entry of a uint64 key and an int32 value with the map's load
// factor and overhead (adMapBytes one of a 12-byte key); an alert adds 16 bytes of index.
const (
	sizePosition   = 200
	sizeDemand     = 88
	sizeChannel    = 272
	sizeLocation   = 248
	sizeLane       = 256
	sizeCarrier    = 64
	sizeAlert      = 176 + 16
	sizeAd         = 152
	adMapBytes     = 48
	mapEntryBytes  = 40
	demandRefBytes = 8
	// sizeParcelTimer is one timer of the parcel heap; a watched parcel also holds a map entry
	// of a uint64 key and an 8-byte value (estimated as mapEntryBytes).
	sizeParcelTimer = 32
)

// OpenAlerts counts the open alerts of a kind over all tenants (a headline gauge).
func (in *Intel) OpenAlerts(k Kind) int {
	n := 0
	for _, t := range in.order {
		for _, a := range t.alerts.open {
			if a.key.kind == k {
				n++
			}
		}
	}
	return n
}

// Unpriced returns up to limit SKUs named by a tenant's open alerts whose price is unknown, so
// that a caller with access to the catalogue can SetPrice them before reading the queue.
func (in *Intel) Unpriced(tenantName string, limit int) []string {
	t := in.lookupTenant(tenantName)
	if t == nil {
		return nil
	}
	var out []string
	for _, a := range t.alerts.open {
		if len(out) >= limit {
			break
		}
		if a.key.kind != KindDemandSpike && a.key.kind != KindStockoutBeforeReceipt {
			continue
		}
		if t.priceOf(a.key.a) == 0 && !slices.Contains(out, t.skus.name(a.key.a)) {
			out = append(out, t.skus.name(a.key.a))
		}
	}
	return out
}
