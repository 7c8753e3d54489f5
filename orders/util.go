package orders

import (
	"strconv"

	"github.com/depothq/depot"
	"github.com/depothq/depot/internal/hash"
)

// fingerprint identifies a command's content (depot.Fingerprint) so a repeat of the same
// external id can be told apart from a different order reusing it. Apply stamped the ledger
// with the envelope, whose encoding and fingerprint the ledger uses.
func (x *Orders) fingerprint(c depot.Command) uint64 { return x.led.Fingerprint(c) }

// extKey is create_order's idempotency key within a tenant.
type extKey struct{ channel, ext string }

func orderExtKey(o *order) extKey { return extKey{channel: o.channel(), ext: o.ext} }

func extKeyHash(k extKey) uint64 { return extHash(k.channel, k.ext) }

// extHash hashes an idempotency key (channel, external id) to index memory; its value never
// reaches the state. It hashes eight bytes at a time (hash.String): byte-at-a-time FNV took
// 20 ns for a 13-byte key, and an order's key is hashed for the warm-up and for the lookup.
func extHash(channel, ext string) uint64 {
	// The channel's hash, times an odd number, keeps (a, bc) and (ab, c) apart.
	return hash.String(ext) ^ hash.String(channel)*0x9e3779b97f4a7c15
}

// parseOrderSeq returns the sequence number an order id names ("o-<seq>").
func parseOrderSeq(id string) (uint64, bool) {
	if len(id) < 3 || id[0] != 'o' || id[1] != '-' || id[2] < '1' || id[2] > '9' {
		return 0, false
	}
	var v uint64
	i := 2
	for ; i < len(id) && id[i] >= '0' && id[i] <= '9'; i++ {
		if v > (1<<64-1-9)/10 {
			return 0, false
		}
		v = v*10 + uint64(id[i]-'0')
	}
	return v, i == len(id)
}

// orderID formats the id of the order created at seq, "o-<seq>".
func orderID(buf []byte, seq uint64) []byte {
	return strconv.AppendUint(append(buf, "o-"...), seq, 10)
}

// splitShipmentID splits "<order>-<n>" into the order id and the shipment number.
func splitShipmentID(id string) (string, int, bool) {
	for i := len(id) - 1; i > 0; i-- {
		if id[i] == '-' {
			n, err := strconv.Atoi(id[i+1:])
			if err != nil || n < 1 || id[i+1] == '0' {
				return "", 0, false
			}
			return id[:i], n, true
		}
	}
	return "", 0, false
}

// formatTime renders unix nanoseconds as UTC "2006-01-02T15:04Z" for reasons people read,
// with integer civil-calendar arithmetic (the time package is not allowed here).
func formatTime(ns int64) string {
	if ns == maxTime {
		return "never"
	}
	mins := floorDiv(ns, minuteNanos)
	days := floorDiv(mins, 1440)
	m := mins - days*1440
	y, mo, d := civil(days)
	b := make([]byte, 0, 17)
	b = pad(b, y, 4)
	b = append(b, '-')
	b = pad(b, mo, 2)
	b = append(b, '-')
	b = pad(b, d, 2)
	b = append(b, 'T')
	b = pad(b, m/60, 2)
	b = append(b, ':')
	b = pad(b, m%60, 2)
	return string(append(b, 'Z'))
}

func pad(b []byte, v int64, width int) []byte {
	s := strconv.AppendInt(nil, v, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// civil converts days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
// civil_from_days).
func civil(z int64) (y, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }
