package endian

import "testing"

// TestLittleEndian passes only on little-endian platforms: it fails on
// s390x (and other big-endian platforms) by design.
func TestLittleEndian(t *testing.T) {
	if !Little() {
		t.Fatal("this platform is big-endian")
	}
}
