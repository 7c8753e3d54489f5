package main

import (
	"runtime"
	"testing"
)

func TestDefaultMemoryLimit(t *testing.T) {
	limit := defaultMemoryLimit()
	if runtime.GOOS != "linux" {
		if limit != 0 {
			t.Fatalf("limit %d where the machine's memory cannot be read", limit)
		}
		return
	}
	// Any machine that runs the tests has more than 64 MiB and less than 64 TiB.
	if limit < 64<<20 || limit > 64<<40 {
		t.Fatalf("limit %d bytes", limit)
	}
}
