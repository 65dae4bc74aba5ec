// Package strip decides how a binary is stripped of its symbol table and
// DWARF, and gives the commands of the strip step.
//
// Every mode but NONE links with -s -w (buildopts.Options.Strip): Go's
// linker then writes no symbol table and no DWARF, in ELF, PE and Mach-O
// alike, and passes -s on to the external linker of a cgo build. For a
// pure-Go binary that is the whole strip: a strip tool run afterwards
// finds nothing more to remove (GNU strip only moves the ELF section
// headers; llvm-strip would even leave DWARF in a PE file, see
// binverify), so no strip step runs and TARGET and NATIVE give the same
// binary.
//
// A cgo binary comes out of the C toolchain's linker, and is stripped
// once more by a strip step after the link, the one place the mode
// chooses where: in a container of the target platform with the target's
// own binutils (TARGET, the default, like the strip stage of Rancher's
// image builds) or with llvm-strip on the build platform (NATIVE, no
// emulation). Verification checks the result either way. Go passes -s on
// to the external linker, so the strip step finds little left: on the
// checks' cgo fixture for linux/arm64 (clang and lld) the link leaves no
// DWARF and no .symtab, and the target's strip only rewrites the section
// name table (8 bytes smaller).
package strip

import (
	"slices"

	"dagger/go-build/internal/pkgscript"
	"dagger/go-build/internal/platform"
)

// Mode mirrors the module's StripMode enum.
type Mode string

const (
	Target Mode = "TARGET"
	Native Mode = "NATIVE"
	None   Mode = "NONE"
)

// DefaultImageSuite is the Debian release of the default strip image
// (debian:trixie-slim): TARGET stripping needs an image of the target
// platform, and Debian publishes one for the ports of that release.
const DefaultImageSuite = "trixie"

// AtLink says whether the link strips (go build -ldflags "-s -w"): in
// every mode but NONE.
func AtLink(m Mode) bool { return m != None }

// Step is the strip step that runs after the link of t's binaries: None
// for pure Go (the link stripped them) and with NONE, else the mode that
// runs for t (Resolve).
func Step(m Mode, t platform.Target, cgo, defaultImage bool) Mode {
	if !cgo {
		return None
	}
	return Resolve(m, t, defaultImage)
}

// Resolve turns the requested mode into the one that runs for t. A target
// with no image to strip in (non-Linux targets, or architectures the default
// image lacks) falls back to NATIVE rather than failing a build the user did
// not ask to strip in a special way.
func Resolve(m Mode, t platform.Target, defaultImage bool) Mode {
	if m != Target {
		return m
	}
	if !t.IsLinux() {
		return Native
	}
	if defaultImage && !slices.Contains(t.DebianSuites, DefaultImageSuite) {
		return Native
	}
	return Target
}

// InstallTargetStrip installs binutils in the strip image when it has no
// strip; kept apart from the strip itself so the install is cached once per
// platform.
func InstallTargetStrip() []string {
	return []string{"sh", "-c", `set -eu
` + pkgscript.Prelude + `command -v strip >/dev/null 2>&1 && exit 0
if command -v apk >/dev/null 2>&1; then pkg_run apk add --no-cache binutils
elif command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  pkg_run apt-get update -q && pkg_run apt-get install -y -q --no-install-recommends binutils
else echo "the strip image has no strip, apt-get or apk" >&2; exit 1; fi`}
}

// InstallNativeStrip makes llvm-strip available on the builder.
func InstallNativeStrip() []string {
	return []string{"sh", "-c", `set -eu
` + pkgscript.Prelude + `command -v llvm-strip >/dev/null 2>&1 && exit 0
for c in /usr/lib/llvm-*/bin/llvm-strip; do [ -x "$c" ] && ln -s "$c" /usr/local/bin/llvm-strip && exit 0; done
if command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  pkg_run apt-get update -q && pkg_run apt-get install -y -q --no-install-recommends llvm
  command -v llvm-strip >/dev/null 2>&1 || ln -s "$(ls /usr/lib/llvm-*/bin/llvm-strip | tail -n 1)" /usr/local/bin/llvm-strip
elif command -v apk >/dev/null 2>&1; then pkg_run apk add --no-cache llvm
else echo "the builder has no llvm-strip, apt-get or apk" >&2; exit 1; fi`}
}

// Command strips every file in dir in place, with strip (TARGET) or
// llvm-strip (NATIVE).
func Command(m Mode, dir string) []string {
	tool := "strip"
	if m == Native {
		tool = "llvm-strip"
	}
	return []string{"sh", "-c", `set -eu; for f in "$1"/*; do if [ -f "$f" ]; then "$0" "$f"; fi; done`, tool, dir}
}
