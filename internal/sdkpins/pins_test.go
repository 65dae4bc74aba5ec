package sdkpins

import (
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"dagger.io/dagger"
	"golang.org/x/mod/modfile"
)

// moduleDirs are the Dagger modules of this repository, relative to its root:
// each is loaded by the engine, so each go.mod must pin the generated imports.
var moduleDirs = []string{".", "tests", "bench"}

// generatedFiles are where `dagger develop` writes the bindings in a module;
// when a developer has them (after an engine load), their imports are checked
// against imports.go, so a Dagger upgrade that imports something new fails
// here instead of at load time.
var generatedFiles = []string{"dagger.gen.go", "internal/dagger/dagger.gen.go"}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// fileImports returns the import paths of a Go file, whatever its build tags.
func fileImports(t *testing.T, path string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, imp := range f.Imports {
		p, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// pinnedImports are the generated code's imports, read from imports.go.
func pinnedImports(t *testing.T) []string {
	t.Helper()
	imports := fileImports(t, "imports.go")
	if len(imports) == 0 {
		t.Fatal("imports.go has no imports")
	}
	return imports
}

func readGoMod(t *testing.T, path string) *modfile.File {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.Parse(path, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// providingModule is the required module an import path belongs to: the
// longest module path that is the import path or a prefix of it.
func providingModule(f *modfile.File, importPath string) *modfile.Require {
	var best *modfile.Require
	for _, r := range f.Require {
		p := r.Mod.Path
		if importPath == p || strings.HasPrefix(importPath, p+"/") {
			if best == nil || len(p) > len(best.Mod.Path) {
				best = r
			}
		}
	}
	return best
}

func TestProvidingModule(t *testing.T) {
	f, err := modfile.Parse("go.mod", []byte(`module m
require (
	go.opentelemetry.io/otel v1.43.0
	go.opentelemetry.io/otel/sdk v1.43.0
	github.com/dagger/otel-go v1.43.1-0.20260515012101-af7cd0684887
)
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ imp, want string }{
		{"go.opentelemetry.io/otel", "go.opentelemetry.io/otel"},
		{"go.opentelemetry.io/otel/semconv/v1.40.0", "go.opentelemetry.io/otel"},
		{"go.opentelemetry.io/otel/sdk/resource", "go.opentelemetry.io/otel/sdk"},
		{"github.com/dagger/otel-go", "github.com/dagger/otel-go"},
		{"github.com/dagger/otel", ""},
		{"github.com/dagger/querybuilder", ""},
	} {
		got := ""
		if r := providingModule(f, tc.imp); r != nil {
			got = r.Mod.Path
		}
		if got != tc.want {
			t.Errorf("providingModule(%q) = %q, want %q", tc.imp, got, tc.want)
		}
	}
}

// TestGoModsRequireGeneratedImports fails when a module's go.mod lacks a
// requirement for something the generated bindings import: the engine's
// `go mod tidy` would then pick that module's newest version at load time.
func TestGoModsRequireGeneratedImports(t *testing.T) {
	root := repoRoot(t)
	imports := pinnedImports(t)
	for _, dir := range moduleDirs {
		gomod := filepath.Join(root, dir, "go.mod")
		f := readGoMod(t, gomod)
		for _, imp := range imports {
			if providingModule(f, imp) == nil {
				t.Errorf("%s does not require the module of %s, which Dagger's generated code imports: "+
					"the engine's go mod tidy would resolve it to its newest version at every load; "+
					"pin it as docs/developing.md says (Moving the SDK pins)", rel(root, gomod), imp)
			}
		}
	}
}

// TestGeneratedImportsArePinned checks bindings that a local `dagger develop`
// wrote against imports.go: every third-party import they have must be in it.
func TestGeneratedImportsArePinned(t *testing.T) {
	root := repoRoot(t)
	pinned := map[string]bool{}
	for _, imp := range pinnedImports(t) {
		pinned[imp] = true
	}
	seen := 0
	for _, dir := range moduleDirs {
		modPath := readGoMod(t, filepath.Join(root, dir, "go.mod")).Module.Mod.Path
		for _, name := range generatedFiles {
			path := filepath.Join(root, dir, name)
			if _, err := os.Stat(path); err != nil {
				continue
			}
			seen++
			for _, imp := range fileImports(t, path) {
				if pinned[imp] || imp == "dagger.io/dagger" || isStdlib(imp) ||
					imp == modPath || strings.HasPrefix(imp, modPath+"/") {
					continue
				}
				t.Errorf("%s imports %s, which internal/sdkpins/imports.go does not list: add it there and pin its module",
					rel(root, path), imp)
			}
		}
	}
	if seen == 0 {
		t.Skip("no generated bindings in this checkout (they appear after `dagger develop`); imports.go is checked against go.mod only")
	}
}

// TestPinnedSetBuildsWithSDKReplaces does what the engine does at load, in a
// throwaway module: each go.mod's requirements, plus the replace directives
// of the Go SDK's own go.mod for the modules required (as the SDK's codegen
// adds them), a file importing what the generated code imports, `go mod
// tidy`, then `go build`. It fails when the pins do not build together (the
// otel-go that needed otel/log v0.17 against the SDK's v0.16.0 replace: an
// import cycle), or when tidy has to move a pin.
func TestPinnedSetBuildsWithSDKReplaces(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds the pinned modules")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	sdkMod, err := modfile.Parse("dagger.io/dagger/go.mod", dagger.GoMod, nil)
	if err != nil {
		t.Fatal(err)
	}
	root := repoRoot(t)
	imports := pinnedImports(t)
	for _, dir := range moduleDirs {
		t.Run(dir, func(t *testing.T) {
			src := filepath.Join(root, dir)
			work := t.TempDir()
			mod := throwawayGoMod(t, readGoMod(t, filepath.Join(src, "go.mod")), sdkMod)
			if sum, err := os.ReadFile(filepath.Join(src, "go.sum")); err == nil {
				writeFile(t, filepath.Join(work, "go.sum"), sum)
			}
			writeFile(t, filepath.Join(work, "go.mod"), mod)
			writeFile(t, filepath.Join(work, "main.go"), []byte(importingMain(imports)))

			before := readGoMod(t, filepath.Join(work, "go.mod"))
			runGo(t, goBin, work, "mod", "tidy")
			after := readGoMod(t, filepath.Join(work, "go.mod"))
			moved := map[string]bool{}
			for _, imp := range imports {
				was, now := providingModule(before, imp), providingModule(after, imp)
				if was == nil || now == nil || was.Mod.Path != now.Mod.Path ||
					was.Mod.Version == now.Mod.Version || moved[now.Mod.Path] {
					continue
				}
				moved[now.Mod.Path] = true
				t.Errorf("%s/go.mod: with the SDK's replaces applied, go mod tidy moves %s from %s to %s: "+
					"the pins do not hold together (see docs/developing.md, Moving the SDK pins)",
					dir, now.Mod.Path, was.Mod.Version, now.Mod.Version)
			}
			runGo(t, goBin, work, "build", "./...")
		})
	}
}

// throwawayGoMod is a go.mod named pincheck with src's go line, requirements
// and replaces, and the SDK's replaces of modules src requires.
func throwawayGoMod(t *testing.T, src, sdk *modfile.File) []byte {
	t.Helper()
	out := &modfile.File{}
	if err := out.AddModuleStmt("pincheck"); err != nil {
		t.Fatal(err)
	}
	if src.Go != nil {
		if err := out.AddGoStmt(src.Go.Version); err != nil {
			t.Fatal(err)
		}
	}
	required := map[string]bool{}
	for _, r := range src.Require {
		required[r.Mod.Path] = true
		out.AddNewRequire(r.Mod.Path, r.Mod.Version, r.Indirect)
	}
	for _, r := range src.Replace {
		if err := out.AddReplace(r.Old.Path, r.Old.Version, r.New.Path, r.New.Version); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range sdk.Replace {
		if !required[r.Old.Path] {
			continue
		}
		if err := out.AddReplace(r.Old.Path, r.Old.Version, r.New.Path, r.New.Version); err != nil {
			t.Fatal(err)
		}
	}
	out.Cleanup()
	data, err := out.Format()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func importingMain(imports []string) string {
	all := append([]string{"dagger.io/dagger"}, imports...)
	sort.Strings(all)
	var b strings.Builder
	b.WriteString("package main\n\nimport (\n")
	for _, imp := range all {
		b.WriteString("\t_ " + strconv.Quote(imp) + "\n")
	}
	b.WriteString(")\n\nfunc main() {}\n")
	return b.String()
}

func runGo(t *testing.T, goBin, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command(goBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s in the throwaway module: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func isStdlib(importPath string) bool {
	first, _, _ := strings.Cut(importPath, "/")
	return !strings.Contains(first, ".")
}

func rel(root, path string) string {
	if r, err := filepath.Rel(root, path); err == nil {
		return r
	}
	return path
}
