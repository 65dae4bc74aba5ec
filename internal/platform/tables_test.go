package platform

import (
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"dagger/go-build/internal/binverify"
)

// These tests pin every row of every table through Parse, one concern each.
// TestEveryRowCovered checks that no row escapes them.

var goEnvTests = []struct {
	platform string
	want     string
}{
	{"linux/amd64", "GOOS=linux GOARCH=amd64"},
	{"linux/amd64/v2", "GOOS=linux GOARCH=amd64 GOAMD64=v2"},
	{"linux/amd64/v3", "GOOS=linux GOARCH=amd64 GOAMD64=v3"},
	{"linux/amd64/v4", "GOOS=linux GOARCH=amd64 GOAMD64=v4"},
	{"linux/arm64", "GOOS=linux GOARCH=arm64"},
	{"linux/arm/v5", "GOOS=linux GOARCH=arm GOARM=5"},
	{"linux/arm/v6", "GOOS=linux GOARCH=arm GOARM=6"},
	{"linux/arm/v7", "GOOS=linux GOARCH=arm GOARM=7"},
	{"linux/386", "GOOS=linux GOARCH=386"},
	{"linux/ppc64le", "GOOS=linux GOARCH=ppc64le"},
	{"linux/s390x", "GOOS=linux GOARCH=s390x"},
	{"linux/riscv64", "GOOS=linux GOARCH=riscv64"},
	{"linux/loong64", "GOOS=linux GOARCH=loong64"},
	{"linux/mips", "GOOS=linux GOARCH=mips GOMIPS=hardfloat"},
	{"linux/mips/softfloat", "GOOS=linux GOARCH=mips GOMIPS=softfloat"},
	{"linux/mipsle", "GOOS=linux GOARCH=mipsle GOMIPS=hardfloat"},
	{"linux/mipsle/softfloat", "GOOS=linux GOARCH=mipsle GOMIPS=softfloat"},
	{"linux/mips64", "GOOS=linux GOARCH=mips64 GOMIPS64=hardfloat"},
	{"linux/mips64/softfloat", "GOOS=linux GOARCH=mips64 GOMIPS64=softfloat"},
	{"linux/mips64le", "GOOS=linux GOARCH=mips64le GOMIPS64=hardfloat"},
	{"linux/mips64le/softfloat", "GOOS=linux GOARCH=mips64le GOMIPS64=softfloat"},
	{"windows/amd64", "GOOS=windows GOARCH=amd64"},
	{"windows/arm64", "GOOS=windows GOARCH=arm64"},
	{"windows/386", "GOOS=windows GOARCH=386"},
	{"darwin/amd64", "GOOS=darwin GOARCH=amd64"},
	{"darwin/arm64", "GOOS=darwin GOARCH=arm64"},
	{"freebsd/amd64", "GOOS=freebsd GOARCH=amd64"},
	{"freebsd/arm64", "GOOS=freebsd GOARCH=arm64"},
}

func TestGoEnv(t *testing.T) {
	for _, tt := range goEnvTests {
		if got := strings.Join(MustParse(tt.platform).GoEnv(), " "); got != tt.want {
			t.Errorf("%s.GoEnv() = %s, want %s", tt.platform, got, tt.want)
		}
	}
}

var clangTests = []struct {
	platform string
	triple   string
	linker   string
	cgo      bool
}{
	{"linux/amd64", "x86_64-linux-gnu", "lld", true},
	{"linux/amd64/v2", "x86_64-linux-gnu", "lld", true},
	{"linux/amd64/v3", "x86_64-linux-gnu", "lld", true},
	{"linux/amd64/v4", "x86_64-linux-gnu", "lld", true},
	{"linux/arm64", "aarch64-linux-gnu", "lld", true},
	{"linux/arm/v7", "armv7-linux-gnueabihf", "lld", true},
	{"linux/arm/v6", "armv6-linux-gnueabi", "lld", true},
	{"linux/arm/v5", "armv5te-linux-gnueabi", "lld", true},
	{"linux/386", "i686-linux-gnu", "lld", true},
	{"linux/ppc64le", "powerpc64le-linux-gnu", "lld", true},
	{"linux/s390x", "s390x-linux-gnu", "bfd", true},
	{"linux/riscv64", "riscv64-linux-gnu", "bfd", true},
	{"linux/loong64", "loongarch64-linux-gnu", "lld", true}, // Alpine only
	{"linux/mipsle", "mipsel-linux-gnu", "bfd", true},
	{"linux/mips64le", "mips64el-linux-gnuabi64", "bfd", true},
	{"linux/mips", "", "", false},
	{"linux/mips/softfloat", "", "", false},
	{"linux/mipsle/softfloat", "", "", false},
	{"linux/mips64", "", "", false},
	{"linux/mips64/softfloat", "", "", false},
	{"linux/mips64le/softfloat", "", "", false},
	{"windows/amd64", "", "", false},
	{"windows/arm64", "", "", false},
	{"windows/386", "", "", false},
	{"darwin/amd64", "", "", false},
	{"darwin/arm64", "", "", false},
	{"freebsd/amd64", "", "", false},
	{"freebsd/arm64", "", "", false},
}

func TestClang(t *testing.T) {
	for _, tt := range clangTests {
		tg := MustParse(tt.platform)
		if tg.ClangTriple != tt.triple || tg.Linker != tt.linker || tg.CgoSupported() != tt.cgo {
			t.Errorf("%s: clang --target=%q, linker %q, cgo %v; want %q, %q, %v",
				tt.platform, tg.ClangTriple, tg.Linker, tg.CgoSupported(), tt.triple, tt.linker, tt.cgo)
		}
	}
}

var debianTests = []struct {
	platform string
	triple   string
	arch     string
	suites   string
}{
	{"linux/amd64", "x86_64-linux-gnu", "amd64", "bookworm trixie"},
	{"linux/amd64/v2", "x86_64-linux-gnu", "amd64", "bookworm trixie"},
	{"linux/amd64/v3", "x86_64-linux-gnu", "amd64", "bookworm trixie"},
	{"linux/amd64/v4", "x86_64-linux-gnu", "amd64", "bookworm trixie"},
	{"linux/arm64", "aarch64-linux-gnu", "arm64", "bookworm trixie"},
	{"linux/arm/v7", "arm-linux-gnueabihf", "armhf", "bookworm trixie"},
	{"linux/arm/v6", "arm-linux-gnueabi", "armel", "bookworm trixie"},
	{"linux/arm/v5", "arm-linux-gnueabi", "armel", "bookworm trixie"},
	{"linux/386", "i386-linux-gnu", "i386", "bookworm trixie"},
	{"linux/ppc64le", "powerpc64le-linux-gnu", "ppc64el", "bookworm trixie"},
	{"linux/s390x", "s390x-linux-gnu", "s390x", "bookworm trixie"},
	{"linux/riscv64", "riscv64-linux-gnu", "riscv64", "trixie"},
	{"linux/loong64", "loongarch64-linux-gnu", "loong64", ""},
	{"linux/mipsle", "mipsel-linux-gnu", "mipsel", "bookworm"},
	{"linux/mipsle/softfloat", "mipsel-linux-gnu", "mipsel", "bookworm"},
	{"linux/mips64le", "mips64el-linux-gnuabi64", "mips64el", "bookworm"},
	{"linux/mips64le/softfloat", "mips64el-linux-gnuabi64", "mips64el", "bookworm"},
	{"linux/mips", "", "", ""},
	{"linux/mips/softfloat", "", "", ""},
	{"linux/mips64", "", "", ""},
	{"linux/mips64/softfloat", "", "", ""},
	{"windows/amd64", "", "", ""},
	{"darwin/arm64", "", "", ""},
	{"freebsd/amd64", "", "", ""},
}

func TestDebianPorts(t *testing.T) {
	for _, tt := range debianTests {
		tg := MustParse(tt.platform)
		if suites := strings.Join(tg.DebianSuites, " "); tg.DebianTriple != tt.triple || tg.DebianArch != tt.arch || suites != tt.suites {
			t.Errorf("%s: Debian %q %q [%s], want %q %q [%s]", tt.platform, tg.DebianTriple, tg.DebianArch, suites, tt.triple, tt.arch, tt.suites)
		}
	}
}

// The Debian release facts: the Architectures of each Release file (2026),
// restricted to what go-build builds.
func TestDebianSuiteFacts(t *testing.T) {
	want := map[string][]string{
		bookworm: {"amd64", "arm64", "armel", "armhf", "i386", "mips64el", "mipsel", "ppc64el", "s390x"},
		trixie:   {"amd64", "arm64", "armel", "armhf", "i386", "ppc64el", "riscv64", "s390x"},
	}
	got := map[string][]string{}
	for _, p := range debianPorts {
		for _, s := range p.Suites {
			if !slices.Contains(got[s], p.Arch) {
				got[s] = append(got[s], p.Arch)
			}
		}
	}
	for suite, arches := range want {
		slices.Sort(got[suite])
		if !slices.Equal(got[suite], arches) {
			t.Errorf("%s ports = %v, want %v", suite, got[suite], arches)
		}
	}
	if len(got) != len(want) {
		t.Errorf("suites %v, want only bookworm and trixie", slices.Sorted(maps.Keys(got)))
	}
}

var alpineTests = []struct {
	platform string
	triple   string
	arch     string
}{
	{"linux/amd64", "x86_64-alpine-linux-musl", "x86_64"},
	{"linux/amd64/v2", "x86_64-alpine-linux-musl", "x86_64"},
	{"linux/amd64/v3", "x86_64-alpine-linux-musl", "x86_64"},
	{"linux/amd64/v4", "x86_64-alpine-linux-musl", "x86_64"},
	{"linux/arm64", "aarch64-alpine-linux-musl", "aarch64"},
	{"linux/arm/v7", "armv7-alpine-linux-musleabihf", "armv7"},
	{"linux/arm/v6", "armv6-alpine-linux-musleabihf", "armhf"},
	{"linux/arm/v5", "", ""},
	{"linux/386", "i586-alpine-linux-musl", "x86"},
	{"linux/ppc64le", "powerpc64le-alpine-linux-musl", "ppc64le"},
	{"linux/s390x", "s390x-alpine-linux-musl", "s390x"},
	{"linux/riscv64", "riscv64-alpine-linux-musl", "riscv64"},
	{"linux/loong64", "loongarch64-alpine-linux-musl", "loongarch64"},
	{"linux/mips", "", ""},
	{"linux/mipsle", "", ""},
	{"linux/mips64", "", ""},
	{"linux/mips64le", "", ""},
	{"linux/mips64le/softfloat", "", ""},
	{"windows/amd64", "", ""},
	{"darwin/arm64", "", ""},
	{"freebsd/arm64", "", ""},
}

func TestAlpinePorts(t *testing.T) {
	for _, tt := range alpineTests {
		tg := MustParse(tt.platform)
		if tg.AlpineTriple != tt.triple || tg.AlpineArch != tt.arch {
			t.Errorf("%s: Alpine %q %q, want %q %q", tt.platform, tg.AlpineTriple, tg.AlpineArch, tt.triple, tt.arch)
		}
	}
}

func elfWant(m elf.Machine, c elf.Class, d elf.Data) binverify.Expect {
	return binverify.Expect{Format: binverify.FormatELF, Machine: m, Class: c, Data: d}
}

var binaryTests = []struct {
	platform  string
	want      binverify.Expect
	signature string
}{
	{"linux/amd64", elfWant(elf.EM_X86_64, elf.ELFCLASS64, elf.ELFDATA2LSB), "ELF 64-bit LSB executable, x86-64"},
	{"linux/amd64/v3", elfWant(elf.EM_X86_64, elf.ELFCLASS64, elf.ELFDATA2LSB), "ELF 64-bit LSB executable, x86-64"},
	{"linux/arm64", elfWant(elf.EM_AARCH64, elf.ELFCLASS64, elf.ELFDATA2LSB), "ELF 64-bit LSB executable, ARM aarch64"},
	{"linux/arm/v7", elfWant(elf.EM_ARM, elf.ELFCLASS32, elf.ELFDATA2LSB), "ELF 32-bit LSB executable, ARM, EABI5"},
	{"linux/arm/v6", elfWant(elf.EM_ARM, elf.ELFCLASS32, elf.ELFDATA2LSB), "ELF 32-bit LSB executable, ARM, EABI5"},
	{"linux/arm/v5", elfWant(elf.EM_ARM, elf.ELFCLASS32, elf.ELFDATA2LSB), "ELF 32-bit LSB executable, ARM, EABI5"},
	{"linux/386", elfWant(elf.EM_386, elf.ELFCLASS32, elf.ELFDATA2LSB), "ELF 32-bit LSB executable, Intel i386"},
	{"linux/ppc64le", elfWant(elf.EM_PPC64, elf.ELFCLASS64, elf.ELFDATA2LSB), "ELF 64-bit LSB executable, 64-bit PowerPC or cisco 7500"},
	{"linux/s390x", elfWant(elf.EM_S390, elf.ELFCLASS64, elf.ELFDATA2MSB), "ELF 64-bit MSB executable, IBM S/390"},
	{"linux/riscv64", elfWant(elf.EM_RISCV, elf.ELFCLASS64, elf.ELFDATA2LSB), "ELF 64-bit LSB executable, UCB RISC-V"},
	{"linux/loong64", elfWant(elf.EM_LOONGARCH, elf.ELFCLASS64, elf.ELFDATA2LSB), "ELF 64-bit LSB executable, LoongArch"},
	{"linux/mips", elfWant(elf.EM_MIPS, elf.ELFCLASS32, elf.ELFDATA2MSB), "ELF 32-bit MSB executable, MIPS, MIPS32"},
	{"linux/mips/softfloat", elfWant(elf.EM_MIPS, elf.ELFCLASS32, elf.ELFDATA2MSB), "ELF 32-bit MSB executable, MIPS, MIPS32"},
	{"linux/mipsle", elfWant(elf.EM_MIPS, elf.ELFCLASS32, elf.ELFDATA2LSB), "ELF 32-bit LSB executable, MIPS, MIPS32"},
	{"linux/mips64", elfWant(elf.EM_MIPS, elf.ELFCLASS64, elf.ELFDATA2MSB), "ELF 64-bit MSB executable, MIPS, MIPS-III"},
	{"linux/mips64le", elfWant(elf.EM_MIPS, elf.ELFCLASS64, elf.ELFDATA2LSB), "ELF 64-bit LSB executable, MIPS, MIPS-III"},
	{"linux/mips64le/softfloat", elfWant(elf.EM_MIPS, elf.ELFCLASS64, elf.ELFDATA2LSB), "ELF 64-bit LSB executable, MIPS, MIPS-III"},
	{"freebsd/amd64", freebsdWant(elf.EM_X86_64), "ELF 64-bit LSB executable, x86-64, version 1 (FreeBSD)"},
	{"freebsd/arm64", freebsdWant(elf.EM_AARCH64), "ELF 64-bit LSB executable, ARM aarch64, version 1 (FreeBSD)"},
	{"windows/amd64", binverify.Expect{Format: binverify.FormatPE, PEMachine: pe.IMAGE_FILE_MACHINE_AMD64}, "PE32+ executable for MS Windows 6.01 (console), x86-64"},
	{"windows/arm64", binverify.Expect{Format: binverify.FormatPE, PEMachine: pe.IMAGE_FILE_MACHINE_ARM64}, "PE32+ executable for MS Windows 6.01 (console), ARM64"},
	{"windows/386", binverify.Expect{Format: binverify.FormatPE, PEMachine: pe.IMAGE_FILE_MACHINE_I386}, "PE32 executable for MS Windows 6.01 (console), Intel i386"},
	{"darwin/amd64", binverify.Expect{Format: binverify.FormatMachO, MachOCPU: macho.CpuAmd64}, "Mach-O 64-bit x86_64 executable"},
	{"darwin/arm64", binverify.Expect{Format: binverify.FormatMachO, MachOCPU: macho.CpuArm64}, "Mach-O 64-bit arm64 executable"},
}

// freebsdWant is a 64-bit little-endian FreeBSD ELF expectation: the OS ABI
// is what tells it from a Linux binary of the same machine.
func freebsdWant(m elf.Machine) binverify.Expect {
	want := elfWant(m, elf.ELFCLASS64, elf.ELFDATA2LSB)
	want.OSABI = elf.ELFOSABI_FREEBSD
	return want
}

func TestBinary(t *testing.T) {
	for _, tt := range binaryTests {
		tg := MustParse(tt.platform)
		if tg.Binary != tt.want {
			t.Errorf("%s: Binary = %+v, want %+v", tt.platform, tg.Binary, tt.want)
		}
		if tg.FileSignature != tt.signature {
			t.Errorf("%s: FileSignature = %q, want %q", tt.platform, tg.FileSignature, tt.signature)
		}
	}
}

// What file 5.46 (Debian trixie) printed for `go build` of a hello-world
// with Go 1.26.8, cut before the linking details: the signature of each
// target must start it.
var file546Outputs = map[string]string{
	"linux/amd64":    "ELF 64-bit LSB executable, x86-64, version 1 (SYSV), statically linked",
	"linux/arm64":    "ELF 64-bit LSB executable, ARM aarch64, version 1 (SYSV), statically linked",
	"linux/arm/v5":   "ELF 32-bit LSB executable, ARM, EABI5 version 1 (SYSV), statically linked",
	"linux/arm/v7":   "ELF 32-bit LSB executable, ARM, EABI5 version 1 (SYSV), statically linked",
	"linux/386":      "ELF 32-bit LSB executable, Intel i386, version 1 (SYSV), statically linked",
	"linux/ppc64le":  "ELF 64-bit LSB executable, 64-bit PowerPC or cisco 7500, OpenPOWER ELF V2 ABI, version 1 (SYSV), statically linked",
	"linux/s390x":    "ELF 64-bit MSB executable, IBM S/390, version 1 (SYSV), statically linked",
	"linux/riscv64":  "ELF 64-bit LSB executable, UCB RISC-V, double-float ABI, version 1 (SYSV), statically linked",
	"linux/loong64":  "ELF 64-bit LSB executable, LoongArch, version 1 (SYSV), statically linked",
	"linux/mips":     "ELF 32-bit MSB executable, MIPS, MIPS32 version 1 (SYSV), statically linked",
	"linux/mipsle":   "ELF 32-bit LSB executable, MIPS, MIPS32 version 1 (SYSV), statically linked",
	"linux/mips64":   "ELF 64-bit MSB executable, MIPS, MIPS-III version 1 (SYSV), statically linked",
	"linux/mips64le": "ELF 64-bit LSB executable, MIPS, MIPS-III version 1 (SYSV), statically linked",
	"freebsd/amd64":  "ELF 64-bit LSB executable, x86-64, version 1 (FreeBSD), statically linked",
	"freebsd/arm64":  "ELF 64-bit LSB executable, ARM aarch64, version 1 (FreeBSD), statically linked",
	"windows/amd64":  "PE32+ executable for MS Windows 6.01 (console), x86-64, 16 sections",
	"windows/arm64":  "PE32+ executable for MS Windows 6.01 (console), ARM64, 14 sections",
	"windows/386":    "PE32 executable for MS Windows 6.01 (console), Intel i386, 14 sections",
	"darwin/amd64":   "Mach-O 64-bit x86_64 executable, flags:<|DYLDLINK|PIE>",
	"darwin/arm64":   "Mach-O 64-bit arm64 executable, flags:<|DYLDLINK|PIE>",
}

func TestFileSignatureMatchesFile546(t *testing.T) {
	for platform, out := range file546Outputs {
		for _, other := range Supported() {
			sig := MustParse(other).FileSignature
			o, p := MustParse(other), MustParse(platform)
			// Same GOOS/GOARCH means the same binary format. A Linux
			// signature has no OS tag, so it also starts the output for
			// a FreeBSD binary of the same machine; like xx-verify, a
			// Linux check must reject the "(FreeBSD)" tag itself.
			same := o.GOARCH == p.GOARCH && (o.GOOS == p.GOOS || o.IsLinux() && p.GOOS == "freebsd")
			if got := strings.HasPrefix(out, sig); got != same {
				t.Errorf("file output of %s %q starts with the signature of %s %q: %v, want %v", platform, out, other, sig, got, same)
			}
		}
	}
}

// TestEveryRowCovered checks that each row of each table is pinned by the
// tests above, and that the per-architecture tables have no row for an
// architecture go-build does not build.
func TestEveryRowCovered(t *testing.T) {
	platformsOf := func(n int, at func(int) string) map[string]bool {
		m := map[string]bool{}
		for i := range n {
			m[at(i)] = true
		}
		return m
	}
	linuxRow := func(k archKey) string { return keyPlatform("linux", k) }
	checkLinux := func(table string, keys []archKey, tested map[string]bool) {
		for _, k := range keys {
			if _, ok := goArches[k]; !ok {
				t.Errorf("%s has a row for %v, which goArches lacks", table, k)
			}
			if !tested[linuxRow(k)] {
				t.Errorf("%s row %s is not tested", table, linuxRow(k))
			}
		}
	}
	goEnv := platformsOf(len(goEnvTests), func(i int) string { return goEnvTests[i].platform })
	clang := platformsOf(len(clangTests), func(i int) string { return clangTests[i].platform })
	debian := platformsOf(len(debianTests), func(i int) string { return debianTests[i].platform })
	alpine := platformsOf(len(alpineTests), func(i int) string { return alpineTests[i].platform })
	binary := platformsOf(len(binaryTests), func(i int) string { return binaryTests[i].platform })

	checkLinux("goArches", slices.Collect(maps.Keys(goArches)), goEnv)
	checkLinux("clangTargets", slices.Collect(maps.Keys(clangTargets)), clang)
	checkLinux("debianPorts", slices.Collect(maps.Keys(debianPorts)), debian)
	checkLinux("alpinePorts", slices.Collect(maps.Keys(alpinePorts)), alpine)
	for goos, keys := range pureGoArches {
		for _, k := range keys {
			if p := keyPlatform(goos, k); !goEnv[p] || !clang[p] {
				t.Errorf("pureGoArches row %s is not tested", p)
			}
		}
	}
	for _, s := range Supported() {
		if !goEnv[s] || !clang[s] {
			t.Errorf("%s is missing from the Go env or clang tests", s)
		}
	}
	binaryRows := map[string]bool{}
	for p := range binary {
		tg := MustParse(p)
		binaryRows[fmt.Sprintf("%s/%s", tg.Binary.Format, tg.GOARCH)] = true
	}
	for goarch := range elfArches {
		if !binaryRows["ELF/"+goarch] {
			t.Errorf("elfArches row %s is not tested", goarch)
		}
	}
	for goarch := range peArches {
		if !binaryRows["PE/"+goarch] {
			t.Errorf("peArches row %s is not tested", goarch)
		}
	}
	for goarch := range machoArches {
		if !binaryRows["Mach-O/"+goarch] {
			t.Errorf("machoArches row %s is not tested", goarch)
		}
	}
	for _, s := range Supported() {
		if MustParse(s).Binary.Format == "" || MustParse(s).FileSignature == "" {
			t.Errorf("%s has no binary expectation", s)
		}
	}
}

// keyPlatform is the platform string of the table row goos/k.
func keyPlatform(goos string, k archKey) string {
	return Target{OS: goos, Architecture: k.arch, Variant: k.variant}.String()
}
