package api

// RouteLabels lists the route table ("METHOD pattern"), so the black-box tests can check the
// OpenAPI document and the mux against it.
func RouteLabels(s *Server) []string {
	out := make([]string, len(s.routes))
	for i, rt := range s.routes {
		out[i] = rt.label()
	}
	return out
}
