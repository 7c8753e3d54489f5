package main

import "syscall"

// defaultMemoryLimit is memoryLimitShare of the machine's memory (0 if it cannot be read).
func defaultMemoryLimit() int64 {
	var info syscall.Sysinfo_t
	if err := syscall.Sysinfo(&info); err != nil {
		return 0
	}
	total := float64(info.Totalram) * float64(info.Unit)
	return int64(total * memoryLimitShare)
}
