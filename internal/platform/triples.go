package platform

// This file holds what cgo cross-compilation needs on Linux: the clang target
// and linker, and the Debian and Alpine ports that provide the target's C
// libraries. Architectures missing from a table have no such support. Only
// linux/* targets are looked up here.

// clangTarget is how clang is driven for one architecture.
type clangTarget struct {
	// Triple is passed as clang --target=. It is the Debian (glibc)
	// triple; Alpine builders use the port's own triple, alpinePort.Triple.
	Triple string
	// Linker is "lld", or "bfd" (the target's GNU ld) where lld fails.
	Linker string
}

// clangTargets follows the triples xx-info prints on Debian
// (tonistiigi/xx src/xx-info, src/test-info-debian.bats) and the linker
// choice of xx-cc, with these differences:
//
//   - arm/v7 passes armv7-linux-gnueabihf, which xx gives with
//     ARM_TARGET_ARCH=armv7, rather than xx's default arm-linux-gnueabihf:
//     only Debian's patched clang reads plain "arm" with gnueabihf as
//     ARMv7; upstream clang picks an ARMv6 CPU for it.
//   - arm/v6 passes armv6-linux-gnueabi where xx passes arm-linux-gnueabi,
//     which clang compiles for ARMv4T (arm7tdmi). xx itself prefixes the
//     sub-architecture on Alpine (armv6-alpine-linux-musleabihf); the prefix
//     makes the C code ARMv6 like the Go code, and keeps the soft-float
//     calling convention of Debian's armel libraries.
//   - arm/v5 passes armv5te-linux-gnueabi for the same reason: ARMv5TE is
//     the baseline Debian's armel port is built for, so no smaller CPU can
//     run its libc anyway.
//   - mips and mips64 (big endian) have no entry: neither Debian nor Alpine
//     has a port to link against, so they build as pure Go only.
//   - the softfloat mips variants have no entry: Go compiles their C code
//     with -msoft-float, which cannot link with the hard-float libraries
//     of Debian's mipsel and mips64el ports.
//
// clang finds the Debian multiarch directories (/usr/lib/arm-linux-gnueabi,
// /usr/lib/gcc/arm-linux-gnueabi/N) for the prefixed ARM triples as for
// plain arm- ones.
//
// lld links everything except s390x, which lld does not support, and
// riscv64, where it fails with "relocation R_RISCV_ALIGN requires
// unimplemented linker relaxation" (both reasons from xx-cc), and mipsle
// and mips64le, where it fails on gcc's objects with "section type
// mismatch for .debug_abbrev" (SHT_MIPS_DWARF; seen on a v0.21.8 engine
// with bookworm's libraries). loong64
// needs a recent lld: xx's tests skip its cgo build on Alpine before 3.21.
var clangTargets = map[archKey]clangTarget{
	{"amd64", ""}:    {"x86_64-linux-gnu", "lld"},
	{"amd64", "v2"}:  {"x86_64-linux-gnu", "lld"},
	{"amd64", "v3"}:  {"x86_64-linux-gnu", "lld"},
	{"amd64", "v4"}:  {"x86_64-linux-gnu", "lld"},
	{"arm64", ""}:    {"aarch64-linux-gnu", "lld"},
	{"arm", "v7"}:    {"armv7-linux-gnueabihf", "lld"},
	{"arm", "v6"}:    {"armv6-linux-gnueabi", "lld"},
	{"arm", "v5"}:    {"armv5te-linux-gnueabi", "lld"},
	{"386", ""}:      {"i686-linux-gnu", "lld"},
	{"ppc64le", ""}:  {"powerpc64le-linux-gnu", "lld"},
	{"s390x", ""}:    {"s390x-linux-gnu", "bfd"},
	{"riscv64", ""}:  {"riscv64-linux-gnu", "bfd"},
	{"loong64", ""}:  {"loongarch64-linux-gnu", "lld"},
	{"mipsle", ""}:   {"mipsel-linux-gnu", "bfd"},
	{"mips64le", ""}: {"mips64el-linux-gnuabi64", "bfd"},
}

// debianPort is the Debian architecture whose packages run a target.
type debianPort struct {
	// Triple is the multiarch triple, the directory under /usr/lib and
	// /usr/include (dpkg-architecture -qDEB_HOST_MULTIARCH).
	Triple string
	// Arch is the dpkg architecture name.
	Arch string
	// Suites are the releases go-build supports that ship the port.
	Suites []string
}

// Debian releases, in release order.
const (
	bookworm = "bookworm"
	trixie   = "trixie"
)

// debianPorts follows XX_DEBIAN_ARCH in xx-info, checked against the
// Architectures field of the bookworm and trixie Release files:
//
//	bookworm: amd64 arm64 armel armhf i386 mips64el mipsel ppc64el s390x
//	trixie:   amd64 arm64 armel armhf i386 ppc64el riscv64 s390x
//
// Differences from xx:
//
//   - mips and mips64 (big endian) have no entry where xx prints "mips" and
//     "mips64": Debian dropped mips after buster and never had mips64.
//   - loong64 is in sid only, so it has no supported suite.
//   - the multiarch triple of i386 is i386-linux-gnu, not the GNU triple
//     i686-linux-gnu that xx prints and clang is given.
//
// arm/v6 and arm/v5 both map to armel, as in xx: Debian has no ARMv6
// hard-float port (that is Raspbian), and armel's soft-float libraries run
// on both.
var debianPorts = map[archKey]debianPort{
	{"amd64", ""}:   {"x86_64-linux-gnu", "amd64", []string{bookworm, trixie}},
	{"amd64", "v2"}: {"x86_64-linux-gnu", "amd64", []string{bookworm, trixie}},
	{"amd64", "v3"}: {"x86_64-linux-gnu", "amd64", []string{bookworm, trixie}},
	{"amd64", "v4"}: {"x86_64-linux-gnu", "amd64", []string{bookworm, trixie}},
	{"arm64", ""}:   {"aarch64-linux-gnu", "arm64", []string{bookworm, trixie}},
	{"arm", "v7"}:   {"arm-linux-gnueabihf", "armhf", []string{bookworm, trixie}},
	{"arm", "v6"}:   {"arm-linux-gnueabi", "armel", []string{bookworm, trixie}},
	{"arm", "v5"}:   {"arm-linux-gnueabi", "armel", []string{bookworm, trixie}},
	{"386", ""}:     {"i386-linux-gnu", "i386", []string{bookworm, trixie}},
	{"ppc64le", ""}: {"powerpc64le-linux-gnu", "ppc64el", []string{bookworm, trixie}},
	{"s390x", ""}:   {"s390x-linux-gnu", "s390x", []string{bookworm, trixie}},
	{"riscv64", ""}: {"riscv64-linux-gnu", "riscv64", []string{trixie}},
	{"loong64", ""}: {"loongarch64-linux-gnu", "loong64", nil},

	{"mipsle", ""}:            {"mipsel-linux-gnu", "mipsel", []string{bookworm}},
	{"mipsle", "softfloat"}:   {"mipsel-linux-gnu", "mipsel", []string{bookworm}},
	{"mips64le", ""}:          {"mips64el-linux-gnuabi64", "mips64el", []string{bookworm}},
	{"mips64le", "softfloat"}: {"mips64el-linux-gnuabi64", "mips64el", []string{bookworm}},
}

// alpinePort is the Alpine architecture whose packages run a target.
type alpinePort struct {
	// Triple is the target triple of Alpine's toolchain, which is also
	// what clang is given against an Alpine sysroot.
	Triple string
	// Arch is the apk architecture name.
	Arch string
}

// alpinePorts follows xx-info on Alpine (src/test-info-alpine.bats), except
// that architectures Alpine does not build have no entry where xx still
// prints a name: arm/v5 ("alpine does not actually support v5", says
// xx-info) and the mips family.
//
// Alpine's "armhf" is ARMv6 hard-float, unlike Debian's armhf (ARMv7).
var alpinePorts = map[archKey]alpinePort{
	{"amd64", ""}:   {"x86_64-alpine-linux-musl", "x86_64"},
	{"amd64", "v2"}: {"x86_64-alpine-linux-musl", "x86_64"},
	{"amd64", "v3"}: {"x86_64-alpine-linux-musl", "x86_64"},
	{"amd64", "v4"}: {"x86_64-alpine-linux-musl", "x86_64"},
	{"arm64", ""}:   {"aarch64-alpine-linux-musl", "aarch64"},
	{"arm", "v7"}:   {"armv7-alpine-linux-musleabihf", "armv7"},
	{"arm", "v6"}:   {"armv6-alpine-linux-musleabihf", "armhf"},
	{"386", ""}:     {"i586-alpine-linux-musl", "x86"},
	{"ppc64le", ""}: {"powerpc64le-alpine-linux-musl", "ppc64le"},
	{"s390x", ""}:   {"s390x-alpine-linux-musl", "s390x"},
	{"riscv64", ""}: {"riscv64-alpine-linux-musl", "riscv64"},
	{"loong64", ""}: {"loongarch64-alpine-linux-musl", "loongarch64"},
}
