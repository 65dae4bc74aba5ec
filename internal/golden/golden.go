// Package golden holds the one golden-file assertion the table tests
// share: an output is compared with a file under the test's testdata/, and
// `go test ./internal/<pkg> -update` rewrites the file instead.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// Updating reports whether this run rewrites golden files (-update), for
// tests that write several files of their own.
func Updating() bool { return *update }

// Check fails t unless got equals the file at path (relative to the test's
// package directory, e.g. testdata/plan.golden); with -update it writes got
// there first, creating the directories.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run %s -update writes it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (go test -run %s -update rewrites it); got:\n%s", path, t.Name(), got)
	}
}
