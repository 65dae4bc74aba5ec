package main

import (
	"testing"

	"dagger/go-build/internal/clisurface"
)

// TestCLISurface reads the functions of go-build and of its tests and bench
// modules from their Go source, as `dagger call` will show them, and fails
// on an argument named like one of dagger's own flags, an undocumented
// argument, or a doc whose first line is not a sentence.
func TestCLISurface(t *testing.T) {
	for _, dir := range []string{".", "tests", "bench"} {
		funcs, err := clisurface.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(funcs) == 0 {
			t.Fatalf("no functions found in %s", dir)
		}
		if err := clisurface.Check(funcs); err != nil {
			t.Errorf("module %s:\n%v", dir, err)
		}
	}
}
