package linuxpkg

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"dagger/go-build/internal/platform"
)

// The architecture tables, one per format, are what GoReleaser's nfpm step
// writes for each Go architecture: it hands nFPM GOARCH with GOARM appended
// (arm7) and nFPM v2.48.0 maps that through archToDebian (deb/deb.go),
// archToRPM (rpm/rpm.go) and archToAlpine (apk/apk.go), passing a name it
// does not know through unchanged. The values are spelled out here, keyed
// by that same name (see archKey), and given to nFPM explicitly, so the
// field does not hang on nFPM's defaults; linuxpkg's tests check each one
// against nFPM's own mapping.
//
// Two things in them are GoReleaser's choice, not the only possible one:
// arm/v6 is armhf in a deb, as Raspberry Pi OS names its ARMv6 hard-float
// port (Debian's own armhf starts at ARMv7, and its armel has no FPU a
// GOARM=6 binary needs); and GOAMD64 v2 to v4 stay amd64, with the level in
// the deb's Architecture-Variant field (amd64v3).
var (
	debArches = map[string]string{
		"amd64":    "amd64",
		"386":      "i386",
		"arm64":    "arm64",
		"arm5":     "armel",
		"arm6":     "armhf",
		"arm7":     "armhf",
		"ppc64le":  "ppc64el",
		"s390x":    "s390x",
		"riscv64":  "riscv64",
		"loong64":  "loong64",
		"mips":     "mips",
		"mipsle":   "mipsel",
		"mips64":   "mips64",
		"mips64le": "mips64el",
	}
	rpmArches = map[string]string{
		"amd64":    "x86_64",
		"386":      "i386",
		"arm64":    "aarch64",
		"arm5":     "armv5tel",
		"arm6":     "armv6hl",
		"arm7":     "armv7hl",
		"ppc64le":  "ppc64le",
		"s390x":    "s390x",
		"riscv64":  "riscv64",
		"loong64":  "loongarch64",
		"mips":     "mips",
		"mipsle":   "mipsel",
		"mips64":   "mips64",
		"mips64le": "mips64el",
	}
	// apkArches has no ARMv5 and no MIPS: Alpine has no such port, and
	// nFPM would write the Go name (arm5, mips), which apk refuses.
	apkArches = map[string]string{
		"amd64":   "x86_64",
		"386":     "x86",
		"arm64":   "aarch64",
		"arm6":    "armhf",
		"arm7":    "armv7",
		"ppc64le": "ppc64le",
		"s390x":   "s390x",
		"riscv64": "riscv64",
		"loong64": "loongarch64",
	}
)

// arches is each format's table.
var arches = map[Format]map[string]string{Deb: debArches, RPM: rpmArches, APK: apkArches}

// archKey is the name GoReleaser gives nFPM for t's architecture: GOARCH,
// with GOARM appended for arm (arm7). GOMIPS is appended too, and nFPM
// strips it again, so it is left out here.
func archKey(t platform.Target) string {
	return t.GOARCH + t.GOARM
}

// Arch is the architecture field of t's package in format f, e.g. armhf for
// linux/arm/v7 in a deb, armv7hl in an rpm, armv7 in an apk. It fails,
// wrapping ErrArch, for a platform that is not Linux or that f's
// distributions have no port for, naming the platforms f accepts.
func Arch(f Format, t platform.Target) (string, error) {
	table, ok := arches[f]
	if !ok {
		return "", fmt.Errorf("%w %q: accepted: deb, rpm, apk", ErrFormat, f)
	}
	if !t.IsLinux() {
		return "", fmt.Errorf("%w: %s is not Linux: packages are for Linux platforms only", ErrArch, t)
	}
	arch, ok := table[archKey(t)]
	if !ok {
		return "", fmt.Errorf("%w for %s in %s packages: %s has no such port; %s packages are made for %s",
			ErrArch, t, f, distributions[f], f, strings.Join(Platforms(f), ", "))
	}
	return arch, nil
}

// distributions name who installs each format, for messages.
var distributions = map[Format]string{Deb: "Debian", RPM: "RPM-based Linux", APK: "Alpine"}

// ArchVariant is the deb Architecture-Variant of t (amd64v3 for
// linux/amd64/v3, as GoReleaser sets it); empty for every other format and
// platform, and for amd64 v1, the baseline.
func ArchVariant(f Format, t platform.Target) string {
	if f != Deb || t.GOARCH != "amd64" || t.GOAMD64 == "" || t.GOAMD64 == "v1" {
		return ""
	}
	return "amd64" + t.GOAMD64
}

// Platforms are the Linux platforms go-build builds that f has an
// architecture for, sorted.
func Platforms(f Format) []string {
	var out []string
	for _, s := range platform.Supported() {
		t := platform.MustParse(s)
		if _, ok := arches[f][archKey(t)]; ok && t.IsLinux() {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// archKeys are the keys of every table, for tests.
func archKeys() []string {
	keys := map[string]bool{}
	for _, table := range arches {
		for k := range maps.Keys(table) {
			keys[k] = true
		}
	}
	return slices.Sorted(maps.Keys(keys))
}
