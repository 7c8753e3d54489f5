package depot

import (
	"fmt"
	"strings"
)

// Code is the stable machine-readable reason a command was rejected. The API maps each code to
// an HTTP status in one table; clients branch on the code, never on the message.
type Code uint8

// The rejection codes.
const (
	CodeInvalidArgument     Code = iota + 1 // a field is malformed, missing or out of range
	CodeInvalidQuantity                     // a quantity is zero, negative or above MaxQty
	CodeLimitExceeded                       // a limit of limits.go would be passed
	CodeUnknownSKU                          // the SKU is not defined
	CodeUnknownLocation                     // the location is not defined
	CodeUnknownChannel                      // the channel is not defined
	CodeUnknownReservation                  // no reservation with that id
	CodeUnknownOrder                        // no allocation for that order
	CodeInsufficientStock                   // not enough available units; see Shortfalls
	CodeDuplicate                           // the id was used before with different content
	CodeExpired                             // the reservation has expired
	CodeInvalidState                        // the entity is not in a state that allows this
	CodeLocationUnavailable                 // the location is paused or closed
)

var codeNames = [...]string{
	CodeInvalidArgument:     "invalid_argument",
	CodeInvalidQuantity:     "invalid_quantity",
	CodeLimitExceeded:       "limit_exceeded",
	CodeUnknownSKU:          "unknown_sku",
	CodeUnknownLocation:     "unknown_location",
	CodeUnknownChannel:      "unknown_channel",
	CodeUnknownReservation:  "unknown_reservation",
	CodeUnknownOrder:        "unknown_order",
	CodeInsufficientStock:   "insufficient_stock",
	CodeDuplicate:           "duplicate",
	CodeExpired:             "expired",
	CodeInvalidState:        "invalid_state",
	CodeLocationUnavailable: "location_unavailable",
}

// String returns the wire name of the code, such as "insufficient_stock".
func (c Code) String() string { return enumName(codeNames[:], int(c)) }

// ParseCode maps a wire name to a code.
func ParseCode(s string) (Code, bool) {
	c, ok := parseEnum(codeNames[:], s)
	return Code(c), ok
}

// Codes lists every rejection code, for documentation and exhaustive tests.
func Codes() []Code {
	out := make([]Code, 0, len(codeNames)-1)
	for c := 1; c < len(codeNames); c++ {
		out = append(out, Code(c))
	}
	return out
}

// Shortfall says how many units one (SKU, location) of a reserve lacked. Location is empty when
// the line let the channel's policy choose and no single feeding location had enough.
type Shortfall struct {
	SKU       string `json:"sku"`
	Location  string `json:"location,omitempty"`
	Requested int64  `json:"requested"`
	Available int64  `json:"available"`
}

// Rejection is the one typed reason a command changed nothing.
type Rejection struct {
	Code       Code        `json:"-"`
	Field      string      `json:"field,omitempty"`
	Message    string      `json:"message"`
	Shortfalls []Shortfall `json:"shortfalls,omitempty"`
}

// Error implements error so a rejection can travel through error-returning APIs.
func (r *Rejection) Error() string {
	var b strings.Builder
	b.WriteString(r.Code.String())
	if r.Field != "" {
		b.WriteString(" (")
		b.WriteString(r.Field)
		b.WriteString(")")
	}
	if r.Message != "" {
		b.WriteString(": ")
		b.WriteString(r.Message)
	}
	return b.String()
}

// Reject builds a rejection with a formatted message.
func Reject(code Code, field, format string, args ...any) *Rejection {
	return &Rejection{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}
