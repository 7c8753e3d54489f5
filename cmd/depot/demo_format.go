package main

import (
	"fmt"
	"strconv"
	"time"
)

// Number formatting shared by the demo's and the bench's human output.

// commas formats n with thousands separators: 1234567 -> 1,234,567.
func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

func percent(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }

func millis(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/1e6) }
