package sourcing

import "strconv"

// RequestError says which field of a Request is invalid; nothing was searched.
type RequestError struct {
	Field  string
	Reason string
}

// Error implements error.
func (e *RequestError) Error() string { return "sourcing: invalid " + e.Field + ": " + e.Reason }

// InfeasibleError says no assignment can ship the order from the candidates. Line is the first
// line that cannot be served (-1 when every line can be served alone but not all together, as
// when lines sharing a SKU compete for the same units), Missing how many of its units no
// candidate can supply (0 when the units exist but only split across locations and line splits
// are not allowed). The Plan returned with it still lists the exclusions.
type InfeasibleError struct {
	Line    int
	SKU     string
	Missing int64
}

// Error implements error.
func (e *InfeasibleError) Error() string {
	if e.Line < 0 {
		return "sourcing: no feasible assignment of the order's lines"
	}
	s := "sourcing: line " + strconv.Itoa(e.Line) + " (" + e.SKU + ") cannot be served"
	if e.Missing > 0 {
		s += ": " + strconv.FormatInt(e.Missing, 10) + " units short"
	} else {
		s += " from one location and line splits are not allowed"
	}
	return s
}
