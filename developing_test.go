package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"dagger/go-build/internal/codemap"
)

const developingDoc = "docs/developing.md"

// TestDevelopingLayoutCoversTheTree holds docs/developing.md's layout table
// to the tree: a row for every root file and internal package, and no row
// for one that is gone.
func TestDevelopingLayoutCoversTheTree(t *testing.T) {
	doc, err := os.ReadFile(developingDoc)
	if err != nil {
		t.Fatal(err)
	}
	listed, err := codemap.TablePaths(doc, "## Layout")
	if err != nil {
		t.Fatalf("%s: %v", developingDoc, err)
	}
	files, err := codemap.SourceFiles(".")
	if err != nil {
		t.Fatal(err)
	}
	pkgs, err := codemap.Packages("internal")
	if err != nil {
		t.Fatal(err)
	}
	inDoc := map[string]bool{}
	for _, p := range listed {
		inDoc[strings.TrimSuffix(p, "/")] = true
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s's layout lists %s, which does not exist", developingDoc, p)
		}
	}
	for _, p := range append(files, pkgs...) {
		if !inDoc[p] {
			t.Errorf("%s's layout has no row for %s: add one saying what it holds", developingDoc, p)
		}
	}
}

// TestDevelopingUsesTable holds the "who uses whom" table of
// docs/developing.md to the source. GOBUILD_UPDATE_DOCS=1 rewrites it.
func TestDevelopingUsesTable(t *testing.T) {
	doc, err := os.ReadFile(developingDoc)
	if err != nil {
		t.Fatal(err)
	}
	uses, err := codemap.Uses(".")
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- uses:begin (generated: GOBUILD_UPDATE_DOCS=1 go test -tags daggeralias -run TestDevelopingUsesTable .) -->\n", "<!-- uses:end -->"
	before, rest, ok := bytes.Cut(doc, []byte(begin))
	_, after, ok2 := bytes.Cut(rest, []byte(end))
	if !ok || !ok2 {
		t.Fatalf("%s lacks the markers %q and %q", developingDoc, strings.TrimSpace(begin), end)
	}
	want := codemap.UsesTable(uses)
	if string(rest[:len(rest)-len(after)-len(end)]) == want {
		return
	}
	if os.Getenv("GOBUILD_UPDATE_DOCS") == "1" {
		out := append(append(append(append([]byte{}, before...), begin...), want...), end...)
		out = append(out, after...)
		if err := os.WriteFile(developingDoc, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s's uses table is out of date; regenerate it: GOBUILD_UPDATE_DOCS=1 go test -tags daggeralias -run TestDevelopingUsesTable .", developingDoc)
}
