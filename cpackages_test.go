package main

import (
	"os/exec"
	"strings"
	"testing"

	"dagger/go-build/internal/cgoenv"
	"dagger/go-build/internal/platform"
	"dagger/go-build/internal/sbom"
)

func TestCPackagesQuery(t *testing.T) {
	debian, alpine := cgoenv.Builder{Distro: cgoenv.Debian}, cgoenv.Builder{Distro: cgoenv.Alpine}
	arm64 := platform.MustParse("arm64")
	tests := []struct {
		name       string
		b          cgoenv.Builder
		sameSystem bool
		want       string
	}{
		{"foreign debian: every package, filtered by arch later", debian, false, sbom.DpkgQueryCommand},
		{"foreign alpine: the sysroot", alpine, false, sbom.ApkListCommand + " --root /sysroot/arm64"},
		{"native alpine: the named packages", alpine, true, sbom.ApkListCommand + " 'musl' 'musl-dev' 'libgcc' 'zlib-dev'"},
	}
	for _, tt := range tests {
		extra := []string{"zlib-dev"}
		if got := cPackagesQuery(tt.b, arm64, tt.sameSystem, extra); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// The native Debian query runs for real on a Debian host: it lists the
// named packages that are installed, nothing else, in the form
// CPackagesFromDpkg reads.
func TestCPackagesQueryOnThisDebian(t *testing.T) {
	if _, err := exec.LookPath("dpkg-query"); err != nil {
		t.Skip("no dpkg-query: not a Debian host")
	}
	query := cPackagesQuery(cgoenv.Builder{Distro: cgoenv.Debian}, platform.MustParse("amd64"), true, []string{"no-such-package-xyz"})
	out, err := exec.Command("sh", "-c", query).Output()
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	pkgs, err := sbom.CPackagesFromDpkg(string(out))
	if err != nil {
		t.Fatalf("parsing %q: %v", out, err)
	}
	var names []string
	for _, p := range pkgs {
		names = append(names, p.Name)
	}
	if !strings.Contains(" "+strings.Join(names, " ")+" ", " libc6 ") {
		t.Fatalf("the query listed %v, want libc6 among them", names)
	}
	for _, n := range names {
		if n != "libc6" && n != "libc6-dev" && n != "linux-libc-dev" && n != "libgcc-s1" && !strings.HasPrefix(n, "libgcc-") {
			t.Errorf("the query listed %s, which it did not name", n)
		}
	}
}
