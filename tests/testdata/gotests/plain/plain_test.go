package plain

import "testing"

// TestGreeting reads testdata/ by a relative path, as go test allows: it
// passes only when the test binary runs in the package's directory.
func TestGreeting(t *testing.T) {
	got, err := Greeting("testdata/greeting.txt")
	if err != nil {
		t.Fatal(err)
	}
	if want := "hello from testdata"; got != want {
		t.Fatalf("greeting %q, want %q", got, want)
	}
}
