package intel

import "math"

// position is one SKU x location: its stock as the ledger's events moved it, its sales velocity,
// and its pending receipts. Its detector is stockout_before_receipt.
type position struct {
	sku, loc uint32
	alerting bool
	events   uint32 // sales seen (reserve and allocate events)
	born     int64

	onHand, reserved, allocated, held int64

	vel velocity  // units sold per second
	dem demandVar // units sold per clock hour: mean and variance (safety.go)

	pending  [MaxPendingInbound]pendingReceipt // earliest ETAs first; qty 0 marks a free slot
	overflow int64                             // inbound units beyond the slots, without an ETA
}

// pendingReceipt is an expected receipt not yet (fully) received.
type pendingReceipt struct {
	ref uint64
	qty int64
	eta int64
}

// available is what the position can still promise.
func (p *position) available() int64 { return p.onHand - p.reserved - p.allocated - p.held }

// inbound is every unit still expected.
func (p *position) inbound() int64 {
	n := p.overflow
	for _, r := range p.pending {
		n += r.qty
	}
	return n
}

// expect adds a pending receipt, keeping the slots sorted by ETA; when they are full the latest
// ETA is folded into overflow.
func (p *position) expect(ref uint64, qty, eta int64) {
	if qty <= 0 {
		return
	}
	r := pendingReceipt{ref: ref, qty: qty, eta: eta}
	for i := range p.pending {
		if p.pending[i].qty == 0 {
			p.pending[i] = r
			p.sortPending()
			return
		}
	}
	last := &p.pending[len(p.pending)-1]
	if eta < last.eta {
		p.overflow += last.qty
		*last = r
		p.sortPending()
		return
	}
	p.overflow += qty
}

// receive books units against a pending receipt (a receipt without a known slot reduces the
// overflow).
func (p *position) receive(ref uint64, qty int64) {
	for i := range p.pending {
		r := &p.pending[i]
		if r.qty > 0 && r.ref == ref {
			r.qty -= min(qty, r.qty)
			if r.qty == 0 {
				*r = pendingReceipt{}
				p.sortPending()
			}
			return
		}
	}
	p.overflow -= min(qty, p.overflow)
}

// sortPending orders the used slots by ETA (then ref), free slots last: an insertion sort of
// three elements.
func (p *position) sortPending() {
	s := &p.pending
	less := func(a, b pendingReceipt) bool {
		if (a.qty == 0) != (b.qty == 0) {
			return b.qty == 0
		}
		if a.eta != b.eta {
			return a.eta < b.eta
		}
		return a.ref < b.ref
	}
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && less(s[j], s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// nextReceipt is the earliest pending receipt, if any.
func (p *position) nextReceipt() (pendingReceipt, bool) {
	if p.pending[0].qty > 0 {
		return p.pending[0], true
	}
	return pendingReceipt{}, false
}

// position returns the series of (sku, loc), creating it unless a limit is reached.
func (in *Intel) position(t *tenant, sku, loc string, now int64) *position {
	if sku == "" || loc == "" {
		return nil
	}
	s, ok1 := t.skus.id(sku)
	l, ok2 := t.locs.id(loc)
	if !ok1 || !ok2 {
		in.stats.Dropped++
		return nil
	}
	k := pairKey(s, l)
	if i, ok := t.posIdx[k]; ok {
		return &t.positions[i]
	}
	if len(t.positions) >= MaxPositions {
		in.stats.Dropped++
		return nil
	}
	i := int32(len(t.positions))
	t.positions = append(t.positions, position{sku: s, loc: l, born: now})
	t.posIdx[k] = i
	for len(t.skuPos) <= int(s) {
		t.skuPos = append(t.skuPos, nil)
	}
	t.skuPos[s] = append(t.skuPos[s], i)
	in.location(t, loc)
	return &t.positions[i]
}

// sale records units sold (reserved or allocated) at a position.
func (in *Intel) sale(t *tenant, p *position, qty int64, now int64) {
	p.vel.add(now, float64(qty))
	p.dem.add(now, float64(qty))
	p.events++
	in.checkStockout(t, p, now)
}

// stockoutProjection is what checkStockout computes, for alerts and views.
type stockoutProjection struct {
	available   int64
	ratePerSec  float64 // 1-hour velocity
	coverNs     int64   // until available stock runs out at the velocity (MaxInt64: never)
	receiptAt   int64   // the next receipt's ETA (0: none)
	receiptQty  int64
	gapNs       int64   // from stockout to receipt
	lostUnits   float64 // sales missed in the gap
	trustworthy bool    // enough sales seen to trust the velocity
}

// project computes the stockout projection at now.
func (in *Intel) project(p *position, now int64) stockoutProjection {
	pr := stockoutProjection{available: p.available(), coverNs: math.MaxInt64}
	// The smaller of the 1-hour and 4-hour velocities: a projection hours ahead made at the
	// evening peak would otherwise assume the peak lasts all night.
	pr.ratePerSec = min(p.vel.rate(v1h, now, p.born), p.vel.rate(v4h, now, p.born))
	pr.trustworthy = p.events >= in.cfg.StockoutMinEvents
	if pr.ratePerSec > 0 {
		cover := float64(max(pr.available, 0)) / pr.ratePerSec * 1e9
		if cover < float64(math.MaxInt64/2) {
			pr.coverNs = int64(cover)
		}
	}
	if r, ok := p.nextReceipt(); ok {
		pr.receiptAt, pr.receiptQty = r.eta, r.qty
		if pr.coverNs != math.MaxInt64 {
			// A receipt already overdue is still the next one: it arrives "now" at the earliest.
			pr.gapNs = max(r.eta, now) - (now + pr.coverNs)
			if pr.gapNs > 0 {
				pr.lostUnits = pr.ratePerSec * float64(pr.gapNs) / 1e9
			}
		}
	}
	return pr
}

// checkStockout raises or clears stockout_before_receipt for p. Hysteresis: an open alert clears
// only when the gap or the units lost fall to half the thresholds, or no receipt is pending.
func (in *Intel) checkStockout(t *tenant, p *position, now int64) {
	if p.pending[0].qty == 0 && !p.alerting {
		return // nothing to run out before; the common case costs nothing
	}
	pr := in.project(p, now)
	key := alertKey{kind: KindStockoutBeforeReceipt, a: p.sku, b: p.loc}
	hit := pr.trustworthy && pr.receiptAt != 0 && pr.gapNs >= in.cfg.StockoutMinGap && pr.lostUnits >= in.cfg.StockoutMinUnits
	if !hit {
		if p.alerting && (pr.receiptAt == 0 || pr.gapNs < in.cfg.StockoutMinGap/2 || pr.lostUnits < in.cfg.StockoutMinUnits/2) {
			in.resolve(t, key, now)
			p.alerting = false
		}
		if !p.alerting {
			return
		}
	}
	f := finding{
		units: pr.lostUnits, minor: int64(pr.lostUnits * float64(t.priceOf(p.sku))),
		tti: min(pr.coverNs, pr.receiptAt-now), window: halfLife1h,
		ev: [evidenceSlots]float64{float64(pr.available), perHour(pr.ratePerSec), hours(pr.coverNs), hours(pr.receiptAt - now), pr.lostUnits, float64(pr.receiptQty)},
	}
	f.tti = max(f.tti, 0)
	if in.raise(t, key, &f, now) {
		p.alerting = true
	}
}

// hours converts nanoseconds to hours (MaxInt64 reads as +Inf).
func hours(ns int64) float64 {
	if ns == math.MaxInt64 {
		return math.Inf(1)
	}
	return float64(ns) / float64(hourNs)
}
