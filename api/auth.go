package api

import (
	"net/http"
	"strings"
)

// authenticate finds the key of a request: a bearer token in the Authorization header. Missing
// and unknown keys get the same answer, so a caller learns nothing about which keys exist.
func (s *Server) authenticate(r *http.Request) (KeyInfo, *Problem) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return KeyInfo{}, problemf(CodeUnauthorized, "", "send Authorization: Bearer <API key>; `depot keys create` makes one")
	}
	key, ok := s.keys.Authenticate(strings.TrimSpace(token))
	if !ok {
		return KeyInfo{}, problemf(CodeUnauthorized, "", "the API key is unknown or revoked")
	}
	return key, nil
}

// authorize checks a key against the scope a route needs and the key's request budget.
func (s *Server) authorize(key KeyInfo, need Scope) *Problem {
	if key.Scope < need {
		return problemf(CodeForbidden, "", "this key has scope "+key.Scope.String()+"; the route needs "+need.String())
	}
	if !s.limiter.allow(key.ID) {
		return problemf(CodeRateLimited, "", "this key is over its request rate; retry after a second")
	}
	return nil
}
