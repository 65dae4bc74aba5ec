// Package endian tells the byte order of the platform it runs on.
package endian

import "unsafe"

// Little reports whether the platform stores the least significant byte
// first.
func Little() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}
