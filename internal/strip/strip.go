// Package strip decides where a binary is stripped and gives the commands
// that do it. Stripping in a container of the target platform (TARGET, the
// default) uses the target's own binutils, like the strip stage of Rancher's
// image builds; NATIVE uses llvm-strip on the build platform and needs no
// emulation.
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
