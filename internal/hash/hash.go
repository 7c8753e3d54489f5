// Package hash is the one non-cryptographic 64-bit hash of Depot's core: command fingerprints
// (part of the state), id indexes and idempotency-key tables (memory only). It mixes eight bytes
// at a time with splitmix64's finaliser, in the style of wyhash. Its values reach snapshots
// through fingerprints, so it must never change for the same input.
package hash

import "encoding/binary"

// Bytes hashes b.
func Bytes(b []byte) uint64 {
	h := uint64(len(b)) * 0x9e3779b97f4a7c15
	for len(b) >= 8 {
		h = Mix(h ^ binary.LittleEndian.Uint64(b))
		b = b[8:]
	}
	var tail uint64
	for i, x := range b {
		tail |= uint64(x) << (8 * i)
	}
	return Mix(h ^ tail ^ uint64(len(b))<<56)
}

// String hashes s exactly as Bytes hashes its bytes, without converting it.
func String(s string) uint64 {
	h := uint64(len(s)) * 0x9e3779b97f4a7c15
	for len(s) >= 8 {
		w := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		h = Mix(h ^ w)
		s = s[8:]
	}
	var tail uint64
	for i := 0; i < len(s); i++ {
		tail |= uint64(s[i]) << (8 * i)
	}
	return Mix(h ^ tail ^ uint64(len(s))<<56)
}

// Mix is splitmix64's finaliser: every input bit affects every output bit.
func Mix(h uint64) uint64 {
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 31
	h *= 0x94d049bb133111eb
	h ^= h >> 29
	return h
}
