//go:build !linux

package main

// defaultMemoryLimit cannot read the machine's memory here: no limit beyond GOMEMLIMIT's.
func defaultMemoryLimit() int64 { return 0 }
