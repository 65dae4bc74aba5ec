// Package pointer tells the pointer size of the platform it runs on.
package pointer

import "unsafe"

// Bits is the size of a pointer in bits.
func Bits() int { return int(unsafe.Sizeof(uintptr(0))) * 8 }
