package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/depothq/depot"
)

// Problem is an RFC 9457 problem detail, the body of every error answer (content type
// application/problem+json). Clients branch on Code, which is stable; Title and Detail are for
// people and may change.
type Problem struct {
	Type       string      `json:"type" doc:"URI naming the problem type: urn:depot:problem:<code>"`
	Title      string      `json:"title" doc:"short summary of the problem type"`
	Status     int         `json:"status" doc:"the HTTP status code"`
	Detail     string      `json:"detail,omitempty" doc:"what went wrong in this occurrence"`
	Code       string      `json:"code" doc:"stable machine-readable code; see the code table"`
	Field      string      `json:"field,omitempty" doc:"the offending field, as a dotted JSON path"`
	Shortfalls []Shortfall `json:"shortfalls,omitempty" doc:"for insufficient_stock: what each line lacked"`
}

// Error implements error so a problem can travel through error returns to the writer.
func (p *Problem) Error() string {
	s := p.Code
	if p.Field != "" {
		s += " (" + p.Field + ")"
	}
	if p.Detail != "" {
		s += ": " + p.Detail
	}
	return s
}

// API codes, next to the engine's rejection codes (depot.Code.String()).
const (
	CodeMalformedJSON         = "malformed_json"
	CodeUnauthorized          = "unauthorized"
	CodeForbidden             = "forbidden"
	CodeNotFound              = "not_found"
	CodeMethodNotAllowed      = "method_not_allowed"
	CodeGone                  = "gone"
	CodePayloadTooLarge       = "payload_too_large"
	CodeUnsupportedMediaType  = "unsupported_media_type"
	CodeIdempotencyKeyReused  = "idempotency_key_reused"
	CodeIdempotencyKeyInvalid = "idempotency_key_invalid"
	CodeIdempotencyKeyInUse   = "idempotency_key_in_use"
	CodeRateLimited           = "rate_limited"
	CodeOverloaded            = "overloaded"
	CodeUnavailable           = "unavailable"
	CodeTimeout               = "timeout"
	CodeInternal              = "internal"
)

// The engine codes the HTTP layer answers itself, so that an over-long array or a missing field
// has the same code whether the decoder or the engine sees it first.
var (
	codeLimitExceeded   = depot.CodeLimitExceeded.String()
	codeInvalidArgument = depot.CodeInvalidArgument.String()
)

// codeInfo is one row of the code table.
type codeInfo struct {
	status int
	title  string
}

// codeTable maps every code to its HTTP status. It is the only place that does: handlers return
// codes, never statuses. 409 is for conflicts with the current state of stock or an entity; 422
// for requests that are well-formed JSON but say something the engine cannot accept.
var codeTable = map[string]codeInfo{
	// Engine rejections.
	depot.CodeInvalidArgument.String():     {http.StatusUnprocessableEntity, "Invalid argument"},
	depot.CodeInvalidQuantity.String():     {http.StatusUnprocessableEntity, "Invalid quantity"},
	depot.CodeLimitExceeded.String():       {http.StatusUnprocessableEntity, "Limit exceeded"},
	depot.CodeUnknownSKU.String():          {http.StatusUnprocessableEntity, "Unknown SKU"},
	depot.CodeUnknownLocation.String():     {http.StatusUnprocessableEntity, "Unknown location"},
	depot.CodeUnknownChannel.String():      {http.StatusUnprocessableEntity, "Unknown channel"},
	depot.CodeUnknownReservation.String():  {http.StatusNotFound, "Unknown reservation"},
	depot.CodeUnknownOrder.String():        {http.StatusNotFound, "Unknown order"},
	depot.CodeInsufficientStock.String():   {http.StatusConflict, "Insufficient stock"},
	depot.CodeDuplicate.String():           {http.StatusConflict, "Duplicate"},
	depot.CodeExpired.String():             {http.StatusConflict, "Expired"},
	depot.CodeInvalidState.String():        {http.StatusConflict, "Invalid state"},
	depot.CodeLocationUnavailable.String(): {http.StatusConflict, "Location unavailable"},

	// The HTTP layer.
	CodeMalformedJSON:         {http.StatusBadRequest, "Malformed JSON"},
	CodeIdempotencyKeyInvalid: {http.StatusBadRequest, "Invalid Idempotency-Key"},
	CodeUnauthorized:          {http.StatusUnauthorized, "Unauthorized"},
	CodeForbidden:             {http.StatusForbidden, "Forbidden"},
	CodeNotFound:              {http.StatusNotFound, "Not found"},
	CodeMethodNotAllowed:      {http.StatusMethodNotAllowed, "Method not allowed"},
	CodeIdempotencyKeyInUse:   {http.StatusConflict, "Idempotency key in use"},
	CodeGone:                  {http.StatusGone, "Gone"},
	CodePayloadTooLarge:       {http.StatusRequestEntityTooLarge, "Payload too large"},
	CodeUnsupportedMediaType:  {http.StatusUnsupportedMediaType, "Unsupported media type"},
	CodeIdempotencyKeyReused:  {http.StatusUnprocessableEntity, "Idempotency key reused"},
	CodeRateLimited:           {http.StatusTooManyRequests, "Rate limited"},
	CodeInternal:              {http.StatusInternalServerError, "Internal error"},
	CodeOverloaded:            {http.StatusServiceUnavailable, "Overloaded"},
	CodeUnavailable:           {http.StatusServiceUnavailable, "Unavailable"},
	CodeTimeout:               {http.StatusGatewayTimeout, "Timeout"},
}

// StatusOf returns the HTTP status of a code (500 for a code missing from the table, which a
// test forbids).
func StatusOf(code string) int {
	if info, ok := codeTable[code]; ok {
		return info.status
	}
	return http.StatusInternalServerError
}

// Codes lists every code of the table, engine codes first, for documentation and tests.
func Codes() []string {
	out := make([]string, 0, len(codeTable))
	for _, c := range depot.Codes() {
		out = append(out, c.String())
	}
	for _, c := range []string{
		CodeMalformedJSON, CodeIdempotencyKeyInvalid, CodeUnauthorized, CodeForbidden, CodeNotFound,
		CodeMethodNotAllowed, CodeIdempotencyKeyInUse, CodeGone, CodePayloadTooLarge, CodeUnsupportedMediaType,
		CodeIdempotencyKeyReused, CodeRateLimited, CodeInternal, CodeOverloaded, CodeUnavailable, CodeTimeout,
	} {
		out = append(out, c)
	}
	return out
}

// problemf builds a problem for a code with a field and a detail.
func problemf(code, field, detail string) *Problem {
	info, ok := codeTable[code]
	if !ok {
		info = codeTable[CodeInternal]
	}
	return &Problem{Type: "urn:depot:problem:" + code, Title: info.title, Status: info.status, Detail: detail, Code: code, Field: field}
}

// rejectionProblem turns an engine rejection into a problem.
func rejectionProblem(r *depot.Rejection) *Problem {
	p := problemf(r.Code.String(), r.Field, r.Message)
	for _, s := range r.Shortfalls {
		p.Shortfalls = append(p.Shortfalls, Shortfall(s))
	}
	return p
}

// asProblem finds the problem in an error, or wraps an unexpected one as internal. Internal
// details are never sent: they may name files or other tenants' data.
func asProblem(err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	var r *depot.Rejection
	if errors.As(err, &r) {
		return rejectionProblem(r)
	}
	return problemf(CodeInternal, "", "the server failed to answer; the error is logged")
}

// writeProblem writes a problem answer. Retry-After accompanies the codes that invite a retry.
func writeProblem(w http.ResponseWriter, p *Problem) {
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	if p.Code == CodeOverloaded || p.Code == CodeRateLimited || p.Code == CodeUnavailable {
		h.Set("Retry-After", strconv.Itoa(RetryAfterSeconds))
	}
	body, err := json.Marshal(p)
	if err != nil {
		// A Problem is plain strings and ints; this cannot fail, but never answer nothing.
		body = []byte(`{"type":"urn:depot:problem:internal","title":"Internal error","status":500,"code":"internal"}`)
	}
	w.WriteHeader(p.Status)
	_, _ = w.Write(append(body, '\n'))
}
