//go:build unix

package client

import (
	"errors"
	"syscall"
)

// alive reports whether the server has not closed an idle pooled connection. It reads the socket
// once without blocking: a live, quiet connection has nothing to read (EAGAIN); a closed one
// reads end of file or an error. Any byte read would break the protocol, so the connection is
// then dropped as well. (A read deadline in the past would not do: Go answers it without
// reading.)
func alive(sc *syncConn) bool {
	if sc.br.Buffered() > 0 {
		return false
	}
	sys, ok := sc.conn.(syscall.Conn)
	if !ok {
		return true
	}
	raw, err := sys.SyscallConn()
	if err != nil {
		return false
	}
	live := false
	var one [1]byte
	err = raw.Read(func(fd uintptr) bool {
		_, rerr := syscall.Read(int(fd), one[:])
		live = errors.Is(rerr, syscall.EAGAIN) || errors.Is(rerr, syscall.EWOULDBLOCK)
		return true // done, whatever the answer: never wait for readiness
	})
	return err == nil && live
}
