package sbom

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"dagger/go-build/internal/errtest"
)

// A tiny module, example.com/app, whose one dependency, example.com/dep, is
// replaced by a local directory: the build needs no network and no module
// cache, and still records a dependency and a replacement.
var testModule = map[string]string{
	"dep/go.mod": "module example.com/dep\n\ngo 1.21\n",
	"dep/dep.go": "package dep\n\nfunc Answer() int { return 42 }\n",
	"app/go.mod": "module example.com/app\n\ngo 1.21\n\nrequire example.com/dep v0.0.0\n\nreplace example.com/dep => ../dep\n",
	"app/main.go": "package main\n\nimport (\n\t\"os\"\n\n\t\"example.com/dep\"\n)\n\n" +
		"var version = \"dev\"\n\nfunc main() { os.Exit(dep.Answer() - 42 + len(version) - len(version)) }\n",
}

// buildTestBinary builds the test module into dir/app with the local
// toolchain, pure Go for the host platform.
func buildTestBinary(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not on PATH: cannot build a test binary")
	}
	dir := t.TempDir()
	for name, text := range testModule {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "bin", "app")
	cmd := exec.Command("go", "build", "-o", out, "-tags", "sbomtest", "-ldflags", "-X main.version=1.2.3", ".")
	cmd.Dir = filepath.Join(dir, "app")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-buildvcs=false", "GOWORK=off", "GOTOOLCHAIN=local", "GOPROXY=off")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, msg)
	}
	return out
}

func TestFromFileRealBinary(t *testing.T) {
	path := buildTestBinary(t)
	bin, err := FromFile(path)
	if err != nil {
		t.Fatalf("FromFile: %v", err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	if bin.Name != "app" || bin.SHA256 != hex.EncodeToString(sum[:]) || len(bin.SHA1) != 40 {
		t.Errorf("binary = %q %q %q", bin.Name, bin.SHA256, bin.SHA1)
	}
	inMemory, err := FromBytes("app", raw)
	if err != nil || inMemory.SHA256 != bin.SHA256 || inMemory.SHA1 != bin.SHA1 || inMemory.Info.String() != bin.Info.String() {
		t.Errorf("FromBytes = %+v, %v; want what FromFile read", inMemory, err)
	}
	if _, err := FromBytes("script", []byte("#!/bin/sh\n")); !errors.Is(err, ErrNoBuildInfo) {
		t.Errorf("FromBytes of a script: %v, want ErrNoBuildInfo", err)
	}

	doc, _ := mustGenerate(t, Input{Binaries: []Binary{bin}, Created: fixtureTime, Tool: "go-build test"})
	binPkg := one(t, doc, "app")
	if len(binPkg.Checksums) != 2 || binPkg.Checksums[1] != (Checksum{"SHA256", bin.SHA256}) || binPkg.Checksums[0] != (Checksum{"SHA1", bin.SHA1}) {
		t.Errorf("binary checksums = %+v", binPkg.Checksums)
	}
	main := one(t, doc, "example.com/app")
	dep := one(t, doc, "example.com/dep")
	std := one(t, doc, "stdlib")
	goVersion, _, _ := strings.Cut(runtime.Version(), " ")
	tests := []struct {
		name string
		ok   bool
	}{
		{"main module is devel", main.VersionInfo == "(devel)" && purlOf(main) == "pkg:golang/example.com/app"},
		{"replaced dependency", dep.VersionInfo == "(devel)" && strings.Contains(dep.SourceInfo, "local directory ../dep, replacing example.com/dep v0.0.0")},
		{"stdlib is this toolchain", std.VersionInfo == goVersion && purlOf(std) == "pkg:golang/stdlib@"+strings.TrimPrefix(goVersion, "go")},
		{"binary contains the modules", hasRel(doc, binPkg.SPDXID, "CONTAINS", main.SPDXID) && hasRel(doc, binPkg.SPDXID, "CONTAINS", dep.SPDXID) && hasRel(doc, binPkg.SPDXID, "CONTAINS", std.SPDXID)},
		{"main module depends on the others", hasRel(doc, main.SPDXID, "DEPENDS_ON", dep.SPDXID) && hasRel(doc, main.SPDXID, "DEPENDS_ON", std.SPDXID)},
		{"four packages", len(doc.Packages) == 4},
	}
	for _, tt := range tests {
		if !tt.ok {
			t.Errorf("%s: no", tt.name)
		}
	}
	note := binPkg.Annotations[0].Comment
	for _, want := range []string{
		"build\tGOOS=" + runtime.GOOS + "\n",
		"build\tGOARCH=" + runtime.GOARCH + "\n",
		"build\tCGO_ENABLED=0\n",
		"build\t-tags=sbomtest\n",
		"build\t-ldflags=\"-X main.version=1.2.3\"\n",
		"path\texample.com/app\n",
	} {
		if !strings.Contains(note, want) {
			t.Errorf("build settings lack %q:\n%s", want, note)
		}
	}
	if strings.Contains(note, "dep\t") || strings.Contains(note, "=>") {
		t.Errorf("build settings annotation lists modules:\n%s", note)
	}
}

func TestFromFileErrors(t *testing.T) {
	dir := t.TempDir()
	notGo := filepath.Join(dir, "script.sh")
	if err := os.WriteFile(notGo, []byte("#!/bin/sh\necho hi\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		sentinel   error
		want       string
	}{
		{"not a Go binary", notGo, ErrNoBuildInfo, `binary "` + notGo + `": no Go build info`},
		{"missing", filepath.Join(dir, "absent"), os.ErrNotExist, "absent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromFile(tt.path)
			errtest.Check(t, err, tt.sentinel, tt.want)
		})
	}
}
