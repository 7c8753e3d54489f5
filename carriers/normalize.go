package carriers

import "github.com/depothq/depot"

// Code maps one carrier status string or code to a normalised status.
type Code struct {
	Code   string
	Status Status
}

// CarrierCodes is the mapping table of one carrier. It is consulted before the defaults, so a
// carrier can give a common word its own meaning.
type CarrierCodes struct {
	Carrier string
	Codes   []Code
}

// defaultCodes are the spellings most carriers and aggregators share. Keys are in folded form
// (see fold): lower case, runs of spaces, hyphens, dots and slashes become one underscore.
var defaultCodes = [...]Code{
	{"pre_transit", StatusPreTransit}, {"label_created", StatusPreTransit}, {"label_printed", StatusPreTransit},
	{"info_received", StatusPreTransit}, {"information_received", StatusPreTransit}, {"manifested", StatusPreTransit},
	{"shipment_information_received", StatusPreTransit}, {"awaiting_pickup", StatusPreTransit}, {"pending", StatusPreTransit},
	{"in_transit", StatusInTransit}, {"intransit", StatusInTransit}, {"transit", StatusInTransit},
	{"picked_up", StatusInTransit}, {"pickup", StatusInTransit}, {"accepted", StatusInTransit},
	{"departed", StatusInTransit}, {"arrived", StatusInTransit}, {"arrived_at_facility", StatusInTransit},
	{"departed_facility", StatusInTransit}, {"processed", StatusInTransit}, {"in_transit_to_destination", StatusInTransit},
	{"out_for_delivery", StatusOutForDelivery}, {"with_courier", StatusOutForDelivery}, {"on_vehicle_for_delivery", StatusOutForDelivery},
	{"delivered", StatusDelivered}, {"delivered_to_neighbour", StatusDelivered}, {"delivered_to_neighbor", StatusDelivered},
	{"available_for_pickup", StatusAvailableForPickup}, {"ready_for_pickup", StatusAvailableForPickup},
	{"held_at_pickup_point", StatusAvailableForPickup}, {"at_pickup_point", StatusAvailableForPickup},
	{"delivery_failed", StatusDeliveryFailed}, {"failed_attempt", StatusDeliveryFailed}, {"attempt_fail", StatusDeliveryFailed},
	{"delivery_attempted", StatusDeliveryFailed}, {"undeliverable", StatusDeliveryFailed},
	{"exception", StatusException}, {"delayed", StatusException}, {"damaged", StatusException}, {"lost", StatusException},
	{"on_hold", StatusException}, {"held", StatusException}, {"customs_hold", StatusException}, {"address_issue", StatusException},
	{"return_to_sender", StatusReturnToSender}, {"returned_to_sender", StatusReturnToSender}, {"returned", StatusReturnToSender},
	{"return_in_transit", StatusReturnToSender}, {"rts", StatusReturnToSender},
	{"cancelled", StatusCancelled}, {"canceled", StatusCancelled}, {"voided", StatusCancelled},
}

// Normalizer maps carrier status strings to Status, case-insensitively and ignoring the spelling
// of separators ("Out for Delivery", "OUT-FOR-DELIVERY" and "out_for_delivery" are one code).
// Lookups do not allocate. It is read-only after construction and so safe for concurrent use.
type Normalizer struct {
	// codes is keyed by folded carrier + "\x00" + folded code; the defaults have an empty
	// carrier. A map is fine here: it is only ever looked up, never iterated.
	codes map[string]Status
}

// NewNormalizer builds a normalizer from per-carrier tables on top of the defaults. A code
// listed twice for one carrier (after folding) is a ConfigError, so no table can be ambiguous.
func NewNormalizer(tables []CarrierCodes) (*Normalizer, error) {
	n := &Normalizer{codes: make(map[string]Status, len(defaultCodes))}
	var buf [2*MaxIDLen + 1]byte
	for _, c := range defaultCodes {
		n.codes[string(key(buf[:0], "", c.Code))] = c.Status
	}
	for _, t := range tables {
		if t.Carrier == "" || len(t.Carrier) > MaxIDLen || len(t.Codes) > MaxCodes {
			return nil, &ConfigError{Field: "codes.carrier", Reason: "needs a carrier id and at most MaxCodes codes"}
		}
		seen := make(map[string]bool, len(t.Codes))
		for _, c := range t.Codes {
			if c.Code == "" || len(c.Code) > MaxIDLen || c.Status == StatusUnknown || int(c.Status) >= len(statusNames) {
				return nil, &ConfigError{Field: "codes.code", Reason: "needs a code of 1 to MaxIDLen bytes and a known status"}
			}
			k := string(key(buf[:0], t.Carrier, c.Code))
			if seen[k] {
				return nil, &ConfigError{Field: "codes.code", Reason: "duplicate code " + c.Code + " for " + t.Carrier}
			}
			seen[k] = true
			n.codes[k] = c.Status
		}
	}
	return n, nil
}

// Normalize maps a carrier's status string or code to a Status: the carrier's table first, then
// the defaults. It returns StatusUnknown and false for a code neither knows.
func (n *Normalizer) Normalize(carrier, code string) (Status, bool) {
	if len(carrier) > MaxIDLen || len(code) > MaxIDLen {
		return StatusUnknown, false
	}
	var buf [2*MaxIDLen + 1]byte
	k := key(buf[:0], carrier, code)
	// The compiler turns m[string(b)] into a lookup without a conversion allocation.
	if s, ok := n.codes[string(k)]; ok {
		return s, true
	}
	k = key(buf[:0], "", code)
	if s, ok := n.codes[string(k)]; ok {
		return s, true
	}
	return StatusUnknown, false
}

func key(dst []byte, carrier, code string) []byte {
	dst = fold(dst, carrier)
	dst = append(dst, 0)
	return fold(dst, code)
}

// fold appends s in canonical form (depot.FoldCode).
func fold(dst []byte, s string) []byte { return depot.FoldCode(dst, s) }
