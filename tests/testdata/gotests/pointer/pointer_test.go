package pointer

import (
	"testing"
	"unsafe"
)

// TestPointer64 passes only with 64-bit pointers: it fails on arm/v7 (and
// other 32-bit platforms) by design.
func TestPointer64(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Fatalf("pointers have %d bits, want 64", Bits())
	}
}
