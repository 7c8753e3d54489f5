// Package hash is the one non-cryptographic 64-bit hash of Depot's core: command fingerprints
// (part of the state), id indexes and idempotency-key tables (memory only). It mixes eight bytes
// at a time with splitmix64's finaliser, in the style of wyhash. Its values reach snapshots
// through fingerprints, so it must never change for the same input.
package hash

import "encoding/binary"

// Bytes hashes b.
func Bytes(b []byte) uint64 {
	n := len(b)
	h := uint64(n) * 0x9e3779b97f4a7c15
	rest := b
	for len(rest) >= 8 {
		h = Mix(h ^ binary.LittleEndian.Uint64(rest))
		rest = rest[8:]
	}
	// The tail's bytes, little-endian, read with whole-word loads rather than byte by byte (a
	// tenth of a replay hashes ids, most of them 9 to 15 bytes): the same value either way.
	var tail uint64
	switch r := len(rest); {
	case r == 0:
	case n >= 8:
		// The tail is the top of the input's last eight bytes.
		tail = binary.LittleEndian.Uint64(b[n-8:]) >> (64 - 8*r)
	case r >= 4:
		// Two four-byte words that overlap in the middle.
		tail = uint64(binary.LittleEndian.Uint32(rest)) | uint64(binary.LittleEndian.Uint32(rest[r-4:]))<<(8*(r-4))
	default:
		tail = uint64(rest[0]) | uint64(rest[r/2])<<(8*(r/2)) | uint64(rest[r-1])<<(8*(r-1))
	}
	return Mix(h ^ tail ^ uint64(len(rest))<<56)
}

// String hashes s exactly as Bytes hashes its bytes, without converting it.
func String(s string) uint64 {
	n := len(s)
	h := uint64(n) * 0x9e3779b97f4a7c15
	rest := s
	for len(rest) >= 8 {
		h = Mix(h ^ le64(rest))
		rest = rest[8:]
	}
	var tail uint64
	switch r := len(rest); {
	case r == 0:
	case n >= 8:
		tail = le64(s[n-8:]) >> (64 - 8*r)
	case r >= 4:
		tail = uint64(le32(rest)) | uint64(le32(rest[r-4:]))<<(8*(r-4))
	default:
		tail = uint64(rest[0]) | uint64(rest[r/2])<<(8*(r/2)) | uint64(rest[r-1])<<(8*(r-1))
	}
	return Mix(h ^ tail ^ uint64(len(rest))<<56)
}

// le64 and le32 read s's first bytes as a little-endian word (the compiler makes each one load).
func le64(s string) uint64 {
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func le32(s string) uint32 {
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// Mix is splitmix64's finaliser: every input bit affects every output bit.
func Mix(h uint64) uint64 {
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 31
	h *= 0x94d049bb133111eb
	h ^= h >> 29
	return h
}
