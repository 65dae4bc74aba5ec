package main

import (
	"testing"

	"dagger/go-build/internal/clisurface"
)

// TestCLISurface reads the functions of go-build and of its tests and bench
// modules from their Go source, as `dagger call` will show them, and fails
// on an argument named like one of dagger's own flags, an undocumented
// argument, a doc whose first line is not a sentence, or a main-object
// function named like a root field of the core API.
func TestCLISurface(t *testing.T) {
	for _, mod := range []struct{ dir, mainObject string }{
		{".", "GoBuild"},
		{"tests", "Tests"},
		{"bench", "Bench"},
	} {
		funcs, err := clisurface.Load(mod.dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(funcs) == 0 {
			t.Fatalf("no functions found in %s", mod.dir)
		}
		if err := clisurface.Check(funcs); err != nil {
			t.Errorf("module %s:\n%v", mod.dir, err)
		}
		if err := clisurface.CheckRoot(funcs, mod.mainObject); err != nil {
			t.Errorf("module %s:\n%v", mod.dir, err)
		}
	}
}

// TestHelpDocs reads go-build's functions from its Go source and fails on an
// argument whose `dagger call <fn> --help` leaves its default unsaid or
// names a format without an example (clisurface.CheckHelpDocs has the
// rules).
func TestHelpDocs(t *testing.T) {
	funcs, err := clisurface.Load(".")
	if err != nil {
		t.Fatal(err)
	}
	if err := clisurface.CheckHelpDocs(funcs); err != nil {
		t.Error(err)
	}
}
