// Package cgoenv prepares cgo cross-compilation on a native builder, the way
// tonistiigi/xx does: clang with a --target triple, lld (or the target's GNU
// ld where lld fails), and the target's C libraries installed for the target
// architecture (Debian multiarch, or an Alpine sysroot). It returns shell
// scripts and environment variables; running them is the caller's job.
package cgoenv

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"dagger/go-build/internal/pkgscript"
	"dagger/go-build/internal/platform"
)

// ErrUnsupported is wrapped when a builder cannot cross-compile cgo for a
// target.
var ErrUnsupported = errors.New("cgo cross-compilation not supported")

// Distro is the builder image's package system.
type Distro string

const (
	Debian Distro = "debian"
	Alpine Distro = "alpine"
)

// Builder is what DetectCommand found out about a builder image.
type Builder struct {
	Distro Distro
	// Suite is the Debian codename (bookworm, trixie) or the Alpine
	// version; it may be empty for images that do not say.
	Suite string
}

// DetectCommand prints the builder's package system and release, parsed by
// ParseBuilder.
func DetectCommand() []string {
	return []string{"sh", "-c", `. /etc/os-release 2>/dev/null || true
if command -v apt-get >/dev/null 2>&1; then echo "debian ${VERSION_CODENAME:-}"
elif command -v apk >/dev/null 2>&1; then echo "alpine ${VERSION_ID:-}"
else echo "unknown ${ID:-}"; fi`}
}

// ParseBuilder reads DetectCommand's output.
func ParseBuilder(out string) (Builder, error) {
	fields := strings.Fields(out)
	if len(fields) == 0 {
		return Builder{}, fmt.Errorf("%w: could not tell the builder's package system", ErrUnsupported)
	}
	b := Builder{Distro: Distro(fields[0])}
	if len(fields) > 1 {
		b.Suite = fields[1]
	}
	switch b.Distro {
	case Debian, Alpine:
		return b, nil
	}
	return Builder{}, fmt.Errorf("%w: the builder image has neither apt-get nor apk (found %q); cgo cross-compilation needs a Debian or Alpine based builder", ErrUnsupported, strings.TrimSpace(out))
}

// Sysroot is where an Alpine builder installs a target's libraries.
func Sysroot(t platform.Target) string { return "/sysroot/" + t.Name() }

// Check reports whether b can cross-compile cgo code for t.
func (b Builder) Check(t platform.Target) error {
	if !t.CgoSupported() {
		return fmt.Errorf("%w: %s is built as pure Go only: turn cgo off", ErrUnsupported, t)
	}
	switch b.Distro {
	case Debian:
		if t.DebianArch == "" {
			return fmt.Errorf("%w: Debian has no port for %s: use an Alpine builder or turn cgo off", ErrUnsupported, t)
		}
		if isKnownDebianSuite(b.Suite) && !slices.Contains(t.DebianSuites, b.Suite) {
			return fmt.Errorf("%w: Debian %s has no %s port for %s (it is in %s): use a builder image of that release, e.g. golang:<go>-%s",
				ErrUnsupported, b.Suite, t.DebianArch, t, strings.Join(t.DebianSuites, ", "), lastOr(t.DebianSuites, "trixie"))
		}
	case Alpine:
		if t.AlpineArch == "" {
			return fmt.Errorf("%w: Alpine has no port for %s: use a Debian builder or turn cgo off", ErrUnsupported, t)
		}
	default:
		return fmt.Errorf("%w: unknown builder distribution %q", ErrUnsupported, b.Distro)
	}
	return nil
}

func isKnownDebianSuite(s string) bool { return s == "bookworm" || s == "trixie" }

func lastOr(s []string, def string) string {
	if len(s) == 0 {
		return def
	}
	return s[len(s)-1]
}

// SetupScript is the shell script, run as root on the native builder, that
// installs clang and lld for the build platform and the C essentials (libc
// headers, libgcc) plus extra packages for the target architecture.
func (b Builder) SetupScript(t platform.Target, extra []string) (string, error) {
	if err := b.Check(t); err != nil {
		return "", err
	}
	var s strings.Builder
	s.WriteString("set -eu\n" + pkgscript.Prelude)
	switch b.Distro {
	case Debian:
		native := []string{"$compilers", "pkg-config"}
		if t.Linker == "bfd" {
			// lld cannot link for this architecture: clang runs the
			// target's GNU ld, <triple>-ld, from this package.
			native = append(native, "binutils-"+t.DebianTriple)
		}
		target := []string{"libc6-dev:" + t.DebianArch, `"libgcc-${gccmajor}-dev":` + t.DebianArch}
		// The user's packages (buildopts checks their names) are quoted
		// shell words after --: never options, whatever they hold.
		for _, p := range extra {
			target = append(target, pkgscript.Words([]string{p + ":" + t.DebianArch}))
		}
		fmt.Fprintf(&s, `export DEBIAN_FRONTEND=noninteractive
dpkg --add-architecture %s
pkg_run apt-get update -q
# libgcc-N-dev must match the builder's gcc so the C runtime objects agree.
gccmajor=$(gcc -dumpversion 2>/dev/null | cut -d. -f1 || true)
if [ -z "$gccmajor" ]; then
  gccmajor=$(apt-cache search --names-only '^libgcc-[0-9]+-dev$' | sed -E 's/^libgcc-([0-9]+)-dev .*/\1/' | sort -n | tail -n 1)
fi
# A toolchain image may bring its own clang and lld already.
compilers=""
command -v clang >/dev/null 2>&1 || compilers="clang"
command -v ld.lld >/dev/null 2>&1 || compilers="$compilers lld"
pkg_run apt-get install -y -q --no-install-recommends -- %s %s
`, t.DebianArch, strings.Join(native, " "), strings.Join(target, " "))
	case Alpine:
		root := Sysroot(t)
		target := []string{"musl-dev", "gcc"}
		if len(extra) > 0 {
			target = append(target, pkgscript.Words(extra))
		}
		fmt.Fprintf(&s, `pkg_run apk add --no-cache clang lld pkgconf
mkdir -p %[1]s/etc/apk
cp /etc/apk/repositories %[1]s/etc/apk/repositories
# Scripts of foreign packages cannot run here; the sysroot only needs files.
pkg_run apk add --no-cache --root %[1]s --arch %[2]s --initdb --no-scripts --keys-dir /usr/share/apk/keys/%[2]s %[3]s
`, root, t.AlpineArch, strings.Join(target, " "))
	}
	return s.String(), nil
}

// extraLibs are libraries a target's cgo link needs beyond libc and libgcc.
var extraLibs = map[string][]string{
	// ARMv5 has no atomic instructions: runtime/cgo's __atomic_load_4 and
	// __atomic_store_4 come from libatomic (libgcc-N-dev depends on it).
	// Seen failing without it on a v0.21.8 engine with bookworm's armel.
	"linux/arm/v5": {"-latomic"},
}

// Env is the environment for `go build` with cgo for t on builder b.
func (b Builder) Env(t platform.Target) [][2]string {
	cc := "clang --target=" + t.ClangTriple
	cxx := "clang++ --target=" + t.ClangTriple
	var link []string
	if t.Linker == "lld" {
		// In CGO_LDFLAGS, not CC: cgo probes compile with CC and -Werror,
		// and clang warns that -fuse-ld is unused when only compiling.
		link = append(link, "-fuse-ld=lld")
	}
	link = append(link, extraLibs[t.String()]...)
	ldflags := strings.Join(link, " ")
	env := [][2]string{{"CGO_ENABLED", "1"}}
	switch b.Distro {
	case Alpine:
		root := Sysroot(t)
		cc = "clang --target=" + t.AlpineTriple + " --sysroot=" + root
		cxx = "clang++ --target=" + t.AlpineTriple + " --sysroot=" + root
		env = append(env,
			[2]string{"PKG_CONFIG_SYSROOT_DIR", root},
			[2]string{"PKG_CONFIG_LIBDIR", root + "/usr/lib/pkgconfig:" + root + "/usr/share/pkgconfig"},
		)
	default:
		env = append(env,
			[2]string{"PKG_CONFIG_LIBDIR", "/usr/lib/" + t.DebianTriple + "/pkgconfig:/usr/share/pkgconfig"},
		)
	}
	env = append(env, [2]string{"CC", cc}, [2]string{"CXX", cxx})
	if ldflags != "" {
		env = append(env, [2]string{"CGO_LDFLAGS", ldflags})
	}
	return env
}

// NativeSetupScript installs a C compiler and extra packages for the
// builder's own architecture: what an emulated build (whole build in a
// target container) needs for cgo.
// The extra packages (buildopts checks their names) are quoted shell
// words, after -- for apt-get.
func (b Builder) NativeSetupScript(extra []string) string {
	words := ""
	if len(extra) > 0 {
		words = " " + pkgscript.Words(extra)
	}
	switch b.Distro {
	case Alpine:
		return "set -eu\n" + pkgscript.Prelude + "pkg_run apk add --no-cache gcc musl-dev pkgconf" + words + "\n"
	default:
		return "set -eu\n" + pkgscript.Prelude + "export DEBIAN_FRONTEND=noninteractive\npkg_run apt-get update -q\npkg_run apt-get install -y -q --no-install-recommends -- gcc libc6-dev pkg-config" + words + "\n"
	}
}
