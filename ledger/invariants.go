package ledger

import (
	"fmt"
	"slices"

	"github.com/depothq/depot"
)

// CheckInvariants verifies every invariant of the ledger and returns the first violation found,
// walking tenants in id order so the report is the same on every machine:
//
//   - on_hand >= 0 and every bucket >= 0;
//   - reserved + allocated + held <= on_hand (nothing is promised twice);
//   - each position's reserved equals the sum of its live reservations' lines, allocated the sum
//     of allocation lines, inbound the sum of open inbound receipts;
//   - conservation: received + adjustments + returns - shipments = on_hand;
//   - the live-reservation count and the expiry index agree with the reservations.
//
// It costs a walk of the whole state; tests call it after every step, `depot verify` once.
func (l *Ledger) CheckInvariants() error { return l.checkInvariants(nil) }

// claimSums are what one tenant's live reservations and allocations hold per position, with the
// number of live reservations: the figures CheckInvariants adds up by walking every record. A
// restore adds them up while it decodes the records instead, in the same pass.
type claimSums struct {
	reserved, allocated []int64
	active              int
	bad                 error // the first malformed line met
}

// add adds lines to sums (reserved or allocated), noting the first line that no record may
// hold. Positions are in range: the decoder bounds-checks them.
func (c *claimSums) add(sums []int64, lines []line) {
	for _, ln := range lines {
		if ln.qty <= 0 || ln.pos < 0 || int(ln.pos) >= len(sums) {
			if c.bad == nil {
				c.bad = fmt.Errorf("ledger: a reservation or allocation holds a bad line %+v", ln)
			}
			continue
		}
		sums[ln.pos] += ln.qty
	}
}

// checkInvariants is CheckInvariants; decoded, when a tenant has an entry, gives its claim sums
// added up by the decoder, and its reservations and allocations are not walked again (a restore
// put every live reservation in the expiry index itself).
func (l *Ledger) checkInvariants(decoded map[*tenant]*claimSums) error {
	active := 0
	for _, id := range l.tenantIDs() {
		t := l.tenants[id]
		inbound := make([]int64, len(t.positions))
		var reserved, allocated []int64
		if c := decoded[t]; c != nil {
			if c.bad != nil {
				return fmt.Errorf("%w (tenant %q)", c.bad, id)
			}
			reserved, allocated = c.reserved, c.allocated
			active += c.active
		} else {
			var err error
			var n int
			reserved, allocated, n, err = l.walkClaims(id, t)
			if err != nil {
				return err
			}
			active += n
		}
		for _, in := range t.inbound {
			if in.pos < 0 || int(in.pos) >= len(t.positions) || in.remaining <= 0 || in.remaining > in.qty {
				return fmt.Errorf("ledger: tenant %q inbound %q is malformed", id, in.id)
			}
			inbound[in.pos] += in.remaining
		}
		indexed := 0
		for _, s := range t.skuList {
			indexed += len(s.at)
		}
		if indexed != len(t.positions) {
			return fmt.Errorf("ledger: tenant %q indexes %d positions by SKU, holds %d", id, indexed, len(t.positions))
		}
		for i := range t.positions {
			p := &t.positions[i]
			// Named only on failure: formatting a million positions would dominate a restore.
			name := func() string {
				return fmt.Sprintf("tenant %q position (%s, %s)", id, t.skuList[p.sku].id, t.locList[p.loc].id)
			}
			if k, ok := t.skuList[p.sku].find(p.loc); !ok || t.skuList[p.sku].at[k].pos != int32(i) {
				return fmt.Errorf("ledger: %s is missing from its SKU's index", name())
			}
			switch {
			case p.onHand < 0 || p.reserved < 0 || p.allocated < 0 || p.held < 0 || p.inbound < 0:
				return fmt.Errorf("ledger: %s has a negative bucket: %+v", name(), *p)
			case p.reserved+p.allocated+p.held > p.onHand:
				return fmt.Errorf("ledger: %s is oversold: reserved %d + allocated %d + held %d > on hand %d",
					name(), p.reserved, p.allocated, p.held, p.onHand)
			case p.reserved != reserved[i]:
				return fmt.Errorf("ledger: %s reserved %d but its live reservations hold %d", name(), p.reserved, reserved[i])
			case p.allocated != allocated[i]:
				return fmt.Errorf("ledger: %s allocated %d but its allocations hold %d", name(), p.allocated, allocated[i])
			case p.inbound != inbound[i]:
				return fmt.Errorf("ledger: %s inbound %d but its open receipts expect %d", name(), p.inbound, inbound[i])
			case p.received+p.adjusted+p.returned-p.shipped != p.onHand:
				return fmt.Errorf("ledger: %s breaks conservation: received %d + adjusted %d + returned %d - shipped %d != on hand %d",
					name(), p.received, p.adjusted, p.returned, p.shipped, p.onHand)
			}
		}
	}
	if active != l.active || active != l.expiry.len() {
		return fmt.Errorf("ledger: %d live reservations, counter says %d, expiry index holds %d", active, l.active, l.expiry.len())
	}
	if l.rememberedCount() > depot.MaxRemembered {
		return fmt.Errorf("ledger: %d outcomes remembered, limit %d", l.rememberedCount(), depot.MaxRemembered)
	}
	return nil
}

func (l *Ledger) tenantIDs() []string {
	ids := make([]string, 0, len(l.tenants))
	for id := range l.tenants {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// walkClaims adds up what t's live reservations and allocations hold per position, walking every
// record, and counts the live reservations; it reports the first malformed record.
func (l *Ledger) walkClaims(id string, t *tenant) (reserved, allocated []int64, active int, bad error) {
	reserved = make([]int64, len(t.positions))
	allocated = make([]int64, len(t.positions))
	t.reservations.each(func(r *reservation) {
		if bad != nil || r.status != depot.ReservationActive {
			return
		}
		active++
		if !l.expiry.holds(r) {
			bad = fmt.Errorf("ledger: tenant %q reservation %q is live but not in the expiry index", id, r.id)
			return
		}
		for _, ln := range r.lines {
			if ln.pos < 0 || int(ln.pos) >= len(t.positions) || ln.qty <= 0 {
				bad = fmt.Errorf("ledger: tenant %q reservation %q has a bad line %+v", id, r.id, ln)
				return
			}
			reserved[ln.pos] += ln.qty
		}
	})
	if bad != nil {
		return nil, nil, 0, bad
	}
	t.allocations.each(func(a *allocation) {
		for _, ln := range a.lines {
			if ln.pos < 0 || int(ln.pos) >= len(t.positions) || ln.qty <= 0 {
				if bad == nil {
					bad = fmt.Errorf("ledger: tenant %q allocation %q has a bad line %+v", id, a.order, ln)
				}
				return
			}
			allocated[ln.pos] += ln.qty
		}
	})
	if bad != nil {
		return nil, nil, 0, bad
	}
	return reserved, allocated, active, nil
}
