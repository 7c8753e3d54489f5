package ledger

import (
	"fmt"

	"github.com/depothq/depot"
	"github.com/depothq/depot/internal/wire"
)

// DecodeStatePrefix is DecodeState for a ledger encoding followed by other bytes (the engine
// appends the orders state after it): it decodes the ledger's encoding at the start of data and
// returns the bytes after it. The same checks apply: bounds, invariants, and that the decoded
// ledger re-encodes to exactly the bytes it was read from.
func DecodeStatePrefix(data []byte) (*Ledger, []byte, error) {
	if len(data) < len(stateMagic)+1 || string(data[:len(stateMagic)]) != stateMagic {
		return nil, nil, fmt.Errorf("ledger: decode state: bad magic")
	}
	if data[len(stateMagic)] != stateVersion {
		return nil, nil, fmt.Errorf("ledger: decode state: unknown version %d", data[len(stateMagic)])
	}
	d := &wire.Decoder{B: data[len(stateMagic)+1:]}
	l := New()
	l.now = d.Varint()
	l.lastSeq = d.Uvarint()
	l.fifoNext = d.Uvarint()
	n := d.Count(depot.MaxTenants)
	prev := ""
	for i := 0; i < n && d.Err == nil; i++ {
		t := decodeTenant(d, l)
		if d.Err != nil {
			break
		}
		if i > 0 && t.id <= prev {
			d.Fail("tenants out of order at %q", t.id)
			break
		}
		prev = t.id
		l.tenants[t.id] = t
	}
	if d.Err != nil {
		return nil, nil, fmt.Errorf("ledger: decode state: %w", d.Err)
	}
	rest := d.B
	used := data[:len(data)-len(rest)]
	l.rebuildMemory()
	if err := l.CheckInvariants(); err != nil {
		return nil, nil, fmt.Errorf("ledger: decode state: %w", err)
	}
	if again := l.AppendState(nil); string(again) != string(used) {
		return nil, nil, fmt.Errorf("ledger: decode state: encoding is not canonical")
	}
	return l, rest, nil
}
