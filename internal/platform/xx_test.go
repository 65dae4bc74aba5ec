package platform

import (
	"debug/elf"
	"errors"
	"strings"
	"testing"

	"dagger/go-build/internal/binverify"
)

// The tables in this file are the expectations of tonistiigi/xx's own tests
// (commit edd277897e9463813a936d20950b560de39eddba), turned into Go. A row
// where go-build deliberately differs from xx says so in `differs`, and then
// gives go-build's value; every other row must equal xx's.

// From src/test-info-debian.bats: TARGETPLATFORM -> `xx-info triple`,
// `xx-info pkg-arch` (the Debian arch) and `xx-info variant` on Debian.
// The xx triple is what xx-cc passes to clang, so it is ClangTriple here.
func TestXXInfoDebian(t *testing.T) {
	tests := []struct {
		platform        string
		xxTriple        string
		xxArch          string
		xxVariant       string
		differs         string
		triple, debArch string // go-build's values where differs is set
	}{
		{platform: "linux/amd64", xxTriple: "x86_64-linux-gnu", xxArch: "amd64"},
		{platform: "linux/arm64", xxTriple: "aarch64-linux-gnu", xxArch: "arm64"},
		{platform: "linux/arm", xxTriple: "arm-linux-gnueabihf", xxArch: "armhf", xxVariant: "v7",
			differs: "the explicit ARMv7 triple xx gives with ARM_TARGET_ARCH=armv7 (also in this bats test)",
			triple:  "armv7-linux-gnueabihf", debArch: "armhf"},
		{platform: "linux/arm/v6", xxTriple: "arm-linux-gnueabi", xxArch: "armel", xxVariant: "v6",
			differs: "armv6- prefix so clang builds ARMv6, not ARMv4T",
			triple:  "armv6-linux-gnueabi", debArch: "armel"},
		{platform: "linux/arm/v5", xxTriple: "arm-linux-gnueabi", xxArch: "armel", xxVariant: "v5",
			differs: "armv5te- prefix: armel's baseline, not ARMv4T",
			triple:  "armv5te-linux-gnueabi", debArch: "armel"},
		{platform: "linux/386", xxTriple: "i686-linux-gnu", xxArch: "i386"},
		{platform: "linux/ppc64le", xxTriple: "powerpc64le-linux-gnu", xxArch: "ppc64el"},
		{platform: "linux/s390x", xxTriple: "s390x-linux-gnu", xxArch: "s390x"},
		{platform: "linux/riscv64", xxTriple: "riscv64-linux-gnu", xxArch: "riscv64"},
		{platform: "linux/loong64", xxTriple: "loongarch64-linux-gnu", xxArch: "loong64"},
		{platform: "linux/mips", xxTriple: "mips-linux-gnu", xxArch: "mips",
			differs: "Debian has no mips port since buster: pure Go only"},
		{platform: "linux/mipsle", xxTriple: "mipsel-linux-gnu", xxArch: "mipsel"},
		{platform: "linux/mips64", xxTriple: "mips64-linux-gnuabi64", xxArch: "mips64",
			differs: "Debian never had a mips64 port: pure Go only"},
		{platform: "linux/mips64le", xxTriple: "mips64el-linux-gnuabi64", xxArch: "mips64el"},
	}
	for _, tt := range tests {
		wantTriple, wantArch := tt.xxTriple, tt.xxArch
		if tt.differs != "" {
			wantTriple, wantArch = tt.triple, tt.debArch
		}
		tg := MustParse(tt.platform)
		if tg.ClangTriple != wantTriple || tg.DebianArch != wantArch {
			t.Errorf("%s: ClangTriple %q, DebianArch %q; want %q, %q (xx: %q, %q)",
				tt.platform, tg.ClangTriple, tg.DebianArch, wantTriple, wantArch, tt.xxTriple, tt.xxArch)
		}
		if tt.xxVariant != "" && tg.Variant != tt.xxVariant {
			t.Errorf("%s: Variant %q, want %q", tt.platform, tg.Variant, tt.xxVariant)
		}
	}
}

// From src/test-info-alpine.bats: TARGETPLATFORM -> `xx-info triple`,
// `xx-info pkg-arch` (the Alpine arch) and `xx-info variant` on Alpine.
func TestXXInfoAlpine(t *testing.T) {
	tests := []struct {
		platform  string
		xxTriple  string
		xxArch    string
		xxVariant string
		differs   string // go-build has no Alpine port where set
	}{
		{platform: "linux/amd64", xxTriple: "x86_64-alpine-linux-musl", xxArch: "x86_64"},
		{platform: "linux/amd64/v2", xxTriple: "x86_64-alpine-linux-musl", xxArch: "x86_64", xxVariant: "v2"},
		{platform: "linux/amd64/v3", xxTriple: "x86_64-alpine-linux-musl", xxArch: "x86_64", xxVariant: "v3"},
		{platform: "linux/amd64/v4", xxTriple: "x86_64-alpine-linux-musl", xxArch: "x86_64", xxVariant: "v4"},
		{platform: "linux/arm64", xxTriple: "aarch64-alpine-linux-musl", xxArch: "aarch64"},
		{platform: "linux/arm", xxTriple: "armv7-alpine-linux-musleabihf", xxArch: "armv7", xxVariant: "v7"},
		{platform: "linux/arm/v7", xxTriple: "armv7-alpine-linux-musleabihf", xxArch: "armv7", xxVariant: "v7"},
		{platform: "linux/arm/v6", xxTriple: "armv6-alpine-linux-musleabihf", xxArch: "armhf", xxVariant: "v6"},
		{platform: "linux/arm/v5", xxTriple: "armv5-alpine-linux-musleabi", xxArch: "armel", xxVariant: "v5",
			differs: "Alpine has no ARMv5 port (xx-info says so itself)"},
		{platform: "linux/386", xxTriple: "i586-alpine-linux-musl", xxArch: "x86"},
		{platform: "linux/ppc64le", xxTriple: "powerpc64le-alpine-linux-musl", xxArch: "ppc64le"},
		{platform: "linux/s390x", xxTriple: "s390x-alpine-linux-musl", xxArch: "s390x"},
		{platform: "linux/riscv64", xxTriple: "riscv64-alpine-linux-musl", xxArch: "riscv64"},
		{platform: "linux/loong64", xxTriple: "loongarch64-alpine-linux-musl", xxArch: "loongarch64"},
		{platform: "linux/mips", xxTriple: "mips-alpine-linux-musl", xxArch: "mips", differs: "Alpine has no mips port"},
		{platform: "linux/mipsle", xxTriple: "mipsel-alpine-linux-musl", xxArch: "mipsle", differs: "Alpine has no mipsle port"},
		{platform: "linux/mips64", xxTriple: "mips64-alpine-linux-muslabi64", xxArch: "mips64", differs: "Alpine has no mips64 port"},
		{platform: "linux/mips64le", xxTriple: "mips64el-alpine-linux-muslabi64", xxArch: "mips64le", differs: "Alpine has no mips64le port"},
		{platform: "darwin/amd64", xxTriple: "x86_64-apple-macos10.6", differs: "darwin builds as pure Go"},
		{platform: "darwin/arm64", xxTriple: "arm64-apple-macos11.0", differs: "darwin builds as pure Go"},
	}
	for _, tt := range tests {
		wantTriple, wantArch := tt.xxTriple, tt.xxArch
		if tt.differs != "" {
			wantTriple, wantArch = "", ""
		}
		tg := MustParse(tt.platform)
		if tg.AlpineTriple != wantTriple || tg.AlpineArch != wantArch {
			t.Errorf("%s: AlpineTriple %q, AlpineArch %q; want %q, %q (xx: %q, %q)",
				tt.platform, tg.AlpineTriple, tg.AlpineArch, wantTriple, wantArch, tt.xxTriple, tt.xxArch)
		}
		if tt.xxVariant != "" && tg.Variant != tt.xxVariant {
			t.Errorf("%s: Variant %q, want %q", tt.platform, tg.Variant, tt.xxVariant)
		}
	}
}

// From src/test-go.bats: TARGETOS, TARGETARCH and TARGETVARIANT -> the
// variables `xx-go env` must print (testEnv). xx checks them as substrings;
// here the whole of GoEnv must equal them.
func TestXXGoEnv(t *testing.T) {
	tests := []struct {
		os, arch, variant string
		want              string
	}{
		{"linux", "amd64", "", "GOOS=linux GOARCH=amd64"},
		{"linux", "amd64", "v2", "GOOS=linux GOARCH=amd64 GOAMD64=v2"},
		{"linux", "amd64", "v3", "GOOS=linux GOARCH=amd64 GOAMD64=v3"},
		{"linux", "amd64", "v4", "GOOS=linux GOARCH=amd64 GOAMD64=v4"},
		{"linux", "arm64", "", "GOOS=linux GOARCH=arm64"},
		{"linux", "arm", "v5", "GOOS=linux GOARCH=arm GOARM=5"},
		{"linux", "arm", "", "GOOS=linux GOARCH=arm GOARM=7"},
		{"linux", "arm", "v6", "GOOS=linux GOARCH=arm GOARM=6"},
		{"linux", "arm", "v7", "GOOS=linux GOARCH=arm GOARM=7"},
		{"linux", "riscv64", "", "GOOS=linux GOARCH=riscv64"},
		{"linux", "s390x", "", "GOOS=linux GOARCH=s390x"},
		{"linux", "ppc64le", "", "GOOS=linux GOARCH=ppc64le"},
		{"linux", "loong64", "", "GOOS=linux GOARCH=loong64"},
		{"linux", "mips", "", "GOOS=linux GOARCH=mips GOMIPS=hardfloat"},
		{"linux", "mips", "softfloat", "GOOS=linux GOARCH=mips GOMIPS=softfloat"},
		{"linux", "mipsle", "", "GOOS=linux GOARCH=mipsle GOMIPS=hardfloat"},
		{"linux", "mipsle", "softfloat", "GOOS=linux GOARCH=mipsle GOMIPS=softfloat"},
		{"linux", "mips64", "", "GOOS=linux GOARCH=mips64 GOMIPS64=hardfloat"},
		{"linux", "mips64", "softfloat", "GOOS=linux GOARCH=mips64 GOMIPS64=softfloat"},
		{"linux", "mips64le", "", "GOOS=linux GOARCH=mips64le GOMIPS64=hardfloat"},
		{"linux", "mips64le", "softfloat", "GOOS=linux GOARCH=mips64le GOMIPS64=softfloat"},
		{"darwin", "amd64", "", "GOOS=darwin GOARCH=amd64"},
		{"darwin", "arm64", "", "GOOS=darwin GOARCH=arm64"},
		{"windows", "386", "", "GOOS=windows GOARCH=386"},
		{"windows", "amd64", "", "GOOS=windows GOARCH=amd64"},
		{"windows", "arm64", "", "GOOS=windows GOARCH=arm64"},
	}
	for _, tt := range tests {
		platform := tt.os + "/" + tt.arch
		if tt.variant != "" {
			platform += "/" + tt.variant
		}
		tg, err := Parse(platform)
		if err != nil {
			t.Errorf("Parse(%q): %v", platform, err)
			continue
		}
		if got := strings.Join(tg.GoEnv(), " "); got != tt.want {
			t.Errorf("%s: GoEnv() = %s, want %s", platform, got, tt.want)
		}
	}
}

// From src/test-verify.bats: a file(1) output (XX_VERIFY_FILE_CMD_OUTPUT),
// a TARGETPLATFORM and whether xx-verify accepts the pair. For each pair of
// a platform go-build builds, the Binary expectation must agree with the
// format, word size and byte order file printed, and FileSignature must be
// in the output exactly when xx-verify accepts it. Outputs from file older
// than 5.46 (oldFile) word the machine or layout differently (see
// binary.go); for them only the header fields are compared. A platform
// go-build does not build must be ErrUnsupported.
func TestXXVerify(t *testing.T) {
	const (
		amd64ELF    = ": ELF 64-bit LSB executable, x86-64, version 1 (SYSV), dynamically linked, interpreter /lib64/ld-linux-x86-64.so.2, stripped"
		arm64ELF    = ": ELF 64-bit LSB executable, ARM aarch64, version 1 (SYSV), dynamically linked, interpreter /lib/ld-linux-aarch64.so.1, stripped"
		armELF      = ": ELF 32-bit LSB executable, ARM, EABI5 version 1 (SYSV), statically linked, Go BuildID=9SFsUdDWBnHFg66bZmbU/swMmjBFa_SysaP8A8W_u/X4c8ljiSZkLzFJZnxQ69/BRIIL6S2KBBMnmo4nsZZ, not stripped"
		i386ELF     = ": ELF 32-bit LSB executable, Intel i386, version 1 (SYSV), statically linked, Go BuildID=GUb5psm2_Qmc_LlEF7GP/wcIHIg_4MjQh8NC5wfep/LSmTmWKKZ5smuAQbfeFE/FBYRjFmbJQpV--JKtz4i, not stripped"
		i80386ELF   = ": ELF 32-bit LSB executable, Intel 80386, version 1 (SYSV), statically linked, Go BuildID=GUb5psm2_Qmc_LlEF7GP/wcIHIg_4MjQh8NC5wfep/LSmTmWKKZ5smuAQbfeFE/FBYRjFmbJQpV--JKtz4i, not stripped"
		riscvELF    = ": ELF 64-bit LSB executable, UCB RISC-V, version 1 (SYSV), statically linked, Go BuildID=UQcwUow8zf8eT1LVTlSd/oF4-1H5Bw_QMKx9FnmaO/CQKB2Ez22hbE9YYvWKd7/Ur6aiNESa-AIP6Ro1rJl, not stripped"
		s390xELF    = ": ELF 64-bit MSB executable, IBM S/390, version 1 (SYSV), statically linked, Go BuildID=qwRVuYDyb9tpvSA7lQYY/qVoTrD4RSf27VhrBT3PC/JoZWbzgRDaFm7oTKdd6z/yZwLvl0-pkyydk5jlTy-, not stripped"
		loongELF    = ": ELF 64-bit LSB executable, LoongArch, version 1 (SYSV), statically linked, BuildID[sha1]=4d126b33c220ba2efd23ed68a46ef0db96c31f76, not stripped"
		ppc64leELF  = ": ELF 64-bit LSB executable, 64-bit PowerPC or cisco 7500, version 1 (SYSV), statically linked, Go BuildID=G9tFhO-5w5V1jGY1nq03/ZBZGDzsQwa9qsqYoGAHs/iVDG5nvtXloF0ZsBbrVc/xceZ8JFoRhBEBWj-bHWq, not stripped"
		ppc64ELF    = ": ELF 64-bit MSB executable, 64-bit PowerPC or cisco 7500, version 1 (SYSV), statically linked, Go BuildID=NTJCtXHD7Nu0ME2rlJPD/9fIhp9NVHkc4NCQefR-5/WLWGdt9Rg5U7LQ-S5oRq/3Ntbm4FkyjDaDAcnCrR0, not stripped"
		mips64ELF   = ": ELF 64-bit MSB executable, MIPS, MIPS-III version 1 (SYSV), statically linked, Go BuildID=77Ws5TiC_9ZYe25BIAM4/a1_qVyPawMwkNHvvV4ll/SIu3yPYvbmNdJGGtpi28/lAelXiZun7P04qEv_cbD, not stripped"
		mips64leELF = ": ELF 64-bit LSB executable, MIPS, MIPS-III version 1 (SYSV), statically linked, Go BuildID=W27AyLn63oLqRLBKCEUh/BmXyAlBlNNBVj1GSGPWV/dCa4j32KRGxwTzCf2DYV/cgmNcrUYqSXyjQZ_AsjA, not stripped"
		fbsdAmd64   = ": ELF 64-bit LSB executable, x86-64, version 1 (FreeBSD), statically linked, Go BuildID=JzHsKKvTrpHA0kte6HY_/RDYVwSF6JCS9Yi-Nonvh/IVJmyepFXpNmoQZjTkjJ/bRVzwhsiIAOGiEWLblTC, not stripped"
		fbsdArm64   = ": ELF 64-bit LSB executable, ARM aarch64, version 1 (FreeBSD), statically linked, Go BuildID=uHHgkDH8Of6DIoAgIgww/iFrsc3ZJfITXmb5sCrU1/RmnlnenMLKWBig-zBWc0/SJ8iqVFe1pByQojEwcI6, not stripped"
		nbsdAmd64   = ": ELF 64-bit LSB executable, x86-64, version 1 (NetBSD), statically linked, for NetBSD 7.0, Go BuildID=r2whhMpyaCx0vBCzBIWB/PE1mEok8YniJDTokl5Yq/4x-cFXAeCQ6aBV6mHXhX/Q4W3dIg4a4DMNjZHVI6s, not stripped"
		machoAmd64  = ": Mach-O 64-bit executable x86_64"
		machoArm64  = ": Mach-O 64-bit executable arm64"
		peAmd64     = ": PE32+ executable (console) x86-64 (stripped to external PDB), for MS Windows"
		peARM64     = ": PE32+ executable (console) ARM64 (stripped to external PDB), for MS Windows"
		peAarch64   = ": PE32+ executable (console) Aarch64 (stripped to external PDB), for MS Windows"
		peARMv7     = ": PE32 executable (console) ARMv7 Thumb (stripped to external PDB), for MS Windows"
		peI386      = ": PE32 executable (console) Intel i386 (stripped to external PDB), for MS Windows"
		pe80386     = ": PE32 executable (console) Intel 80386 (stripped to external PDB), for MS Windows"
	)
	tests := []struct {
		out      string
		platform string
		ok       bool
		oldFile  bool
	}{
		// @test "linux"
		{amd64ELF, "linux/amd64", true, false},
		{amd64ELF, "linux/arm64", false, false},
		{amd64ELF, "darwin/amd64", false, false},
		{amd64ELF, "windows/amd64", false, false},
		{amd64ELF, "freebsd/amd64", false, false},
		{arm64ELF, "linux/arm64", true, false},
		{arm64ELF, "linux/arm", false, false},
		{armELF, "linux/arm", true, false},
		{armELF, "linux/arm/v6", true, false},
		{armELF, "linux/arm64", false, false},
		{i386ELF, "linux/386", true, false},
		{i80386ELF, "linux/386", true, true},
		{i80386ELF, "linux/amd64", false, true},
		{riscvELF, "linux/riscv64", true, false},
		{riscvELF, "linux/amd64", false, false},
		{s390xELF, "linux/s390x", true, false},
		{s390xELF, "linux/amd64", false, false},
		{loongELF, "linux/loong64", true, false},
		{loongELF, "linux/amd64", false, false},
		// @test "powerpc"
		{ppc64leELF, "linux/ppc64le", true, false},
		{ppc64leELF, "linux/ppc64", false, false},
		{ppc64leELF, "freebsd/ppc64le", false, false},
		{ppc64leELF, "linux/amd64", false, false},
		{ppc64ELF, "linux/ppc64", true, false},
		{ppc64ELF, "linux/ppc64le", false, false},
		// @test "mips"
		{mips64ELF, "linux/mips64", true, false},
		{mips64ELF, "linux/mips", false, false},
		{mips64ELF, "freebsd/mips64le", false, false},
		{mips64ELF, "linux/amd64", false, false},
		{mips64leELF, "linux/mips64le", true, false},
		{mips64leELF, "linux/mips64", false, false},
		// @test "bsd"
		{fbsdAmd64, "freebsd/amd64", true, false},
		{fbsdAmd64, "freebsd/arm64", false, false},
		{fbsdAmd64, "darwin/amd64", false, false},
		{fbsdAmd64, "netbsd/amd64", false, false},
		{fbsdArm64, "freebsd/arm64", true, false},
		{fbsdArm64, "freebsd/amd64", false, false},
		{nbsdAmd64, "netbsd/amd64", true, false},
		{nbsdAmd64, "freebsd/amd64", false, false},
		{nbsdAmd64, "linux/amd64", false, false},
		// @test "darwin"
		{machoAmd64, "darwin/amd64", true, true},
		{machoAmd64, "darwin/arm64", false, true},
		{machoAmd64, "linux/amd64", false, true},
		{machoAmd64, "windows/amd64", false, true},
		{machoArm64, "darwin/amd64", false, true},
		{machoArm64, "darwin/arm64", true, true},
		{machoArm64, "darwin/arm", false, true},
		// @test "windows"
		{peAmd64, "windows/amd64", true, true},
		{peAmd64, "windows/arm64", false, true},
		{peAmd64, "darwin/amd64", false, true},
		{peARM64, "windows/arm64", true, true},
		{peAarch64, "windows/arm64", true, true},
		{peAarch64, "windows/arm", false, true},
		{peARMv7, "windows/arm", true, true},
		{peARMv7, "windows/arm64", false, true},
		{peARMv7, "linux/arm", false, true},
		{peI386, "windows/386", true, true},
		{pe80386, "windows/386", true, true},
		{pe80386, "windows/amd64", false, true},
		{pe80386, "linux/386", false, true},
	}
	// The checks xx-verify also makes: no BSD tag for Linux.
	bsdTagged := func(out string) bool {
		return strings.Contains(out, "(FreeBSD)") || strings.Contains(out, "(NetBSD)") || strings.Contains(out, "(OpenBSD)")
	}
	for _, tt := range tests {
		tg, err := Parse(tt.platform)
		if err != nil {
			if !errors.Is(err, ErrUnsupported) {
				t.Errorf("Parse(%q): %v, want ErrUnsupported or success", tt.platform, err)
			}
			continue
		}
		if tt.ok && !headerMatches(tt.out, tg.Binary) {
			t.Errorf("%s: Binary %+v does not match %q", tt.platform, tg.Binary, tt.out)
		}
		if tt.oldFile {
			continue
		}
		got := strings.Contains(tt.out, tg.FileSignature) && !(tg.IsLinux() && bsdTagged(tt.out))
		if got != tt.ok {
			t.Errorf("%s: signature %q matches %q: %v, xx-verify says %v", tt.platform, tg.FileSignature, tt.out, got, tt.ok)
		}
	}
}

// headerMatches reports whether a file(1) output agrees with the format,
// word size and byte order of want.
func headerMatches(out string, want binverify.Expect) bool {
	switch want.Format {
	case binverify.FormatELF:
		bits := map[elf.Class]string{elf.ELFCLASS32: "32-bit", elf.ELFCLASS64: "64-bit"}[want.Class]
		order := map[elf.Data]string{elf.ELFDATA2LSB: "LSB", elf.ELFDATA2MSB: "MSB"}[want.Data]
		return strings.Contains(out, "ELF "+bits+" "+order+" ")
	case binverify.FormatPE:
		return strings.Contains(out, "PE32")
	case binverify.FormatMachO:
		return strings.Contains(out, "Mach-O 64-bit")
	}
	return false
}
