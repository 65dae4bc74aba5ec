package platform

import (
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"fmt"

	"dagger/go-build/internal/binverify"
)

// This file says what a binary built for a target looks like: the header
// fields binverify checks, and the file(1) description xx-verify matches
// (tonistiigi/xx src/xx-verify, src/test-verify.bats).
//
// The descriptions are those file 5.46 (Debian trixie) prints for a default
// `go build` (buildmode exe) of Go 1.26, up to the machine name. A Linux one
// carries no OS tag, so it also starts the description of a FreeBSD binary
// of the same machine, which file(1) tags "version 1 (FreeBSD)": like
// xx-verify, a Linux check must reject BSD tags by itself. Older file
// versions word some of them differently: file 5.44 (bookworm) prints
// "Intel 80386" for i386, "Aarch64" for PE arm64, and puts "(console)"
// before the machine of a PE file.

// elfArch is an architecture's ELF header and how file(1) names it.
type elfArch struct {
	Machine elf.Machine
	Class   elf.Class
	Data    elf.Data
	// File is file(1)'s machine name, with the ABI it prints right after
	// it for ARM and MIPS.
	File string
}

// elfArches, by GOARCH, for the ELF operating systems (linux, freebsd).
var elfArches = map[string]elfArch{
	"amd64":    {elf.EM_X86_64, elf.ELFCLASS64, elf.ELFDATA2LSB, "x86-64"},
	"arm64":    {elf.EM_AARCH64, elf.ELFCLASS64, elf.ELFDATA2LSB, "ARM aarch64"},
	"arm":      {elf.EM_ARM, elf.ELFCLASS32, elf.ELFDATA2LSB, "ARM, EABI5"},
	"386":      {elf.EM_386, elf.ELFCLASS32, elf.ELFDATA2LSB, "Intel i386"},
	"ppc64le":  {elf.EM_PPC64, elf.ELFCLASS64, elf.ELFDATA2LSB, "64-bit PowerPC or cisco 7500"},
	"s390x":    {elf.EM_S390, elf.ELFCLASS64, elf.ELFDATA2MSB, "IBM S/390"},
	"riscv64":  {elf.EM_RISCV, elf.ELFCLASS64, elf.ELFDATA2LSB, "UCB RISC-V"},
	"loong64":  {elf.EM_LOONGARCH, elf.ELFCLASS64, elf.ELFDATA2LSB, "LoongArch"},
	"mips":     {elf.EM_MIPS, elf.ELFCLASS32, elf.ELFDATA2MSB, "MIPS, MIPS32"},
	"mipsle":   {elf.EM_MIPS, elf.ELFCLASS32, elf.ELFDATA2LSB, "MIPS, MIPS32"},
	"mips64":   {elf.EM_MIPS, elf.ELFCLASS64, elf.ELFDATA2MSB, "MIPS, MIPS-III"},
	"mips64le": {elf.EM_MIPS, elf.ELFCLASS64, elf.ELFDATA2LSB, "MIPS, MIPS-III"},
}

// peArch is an architecture's PE header and how file(1) names it.
type peArch struct {
	Machine uint16
	// Format is PE32 for 32-bit images, PE32+ for 64-bit ones.
	Format string
	File   string
}

// peArches, by GOARCH, for windows.
var peArches = map[string]peArch{
	"amd64": {pe.IMAGE_FILE_MACHINE_AMD64, "PE32+", "x86-64"},
	"arm64": {pe.IMAGE_FILE_MACHINE_ARM64, "PE32+", "ARM64"},
	"386":   {pe.IMAGE_FILE_MACHINE_I386, "PE32", "Intel i386"},
}

// machoArch is an architecture's Mach-O CPU and how file(1) names it.
type machoArch struct {
	CPU  macho.Cpu
	File string
}

// machoArches, by GOARCH, for darwin.
var machoArches = map[string]machoArch{
	"amd64": {macho.CpuAmd64, "x86_64"},
	"arm64": {macho.CpuArm64, "arm64"},
}

// binaryFor gives the header expectation and file(1) description of a
// goos/goarch binary; ok is false for a pair no table covers.
func binaryFor(goos, goarch string) (want binverify.Expect, signature string, ok bool) {
	switch goos {
	case "linux", "freebsd":
		a, ok := elfArches[goarch]
		if !ok {
			return binverify.Expect{}, "", false
		}
		bits, order := 64, "LSB"
		if a.Class == elf.ELFCLASS32 {
			bits = 32
		}
		if a.Data == elf.ELFDATA2MSB {
			order = "MSB"
		}
		signature = fmt.Sprintf("ELF %d-bit %s executable, %s", bits, order, a.File)
		if goos == "freebsd" {
			// Go marks FreeBSD binaries with the FreeBSD OS ABI; this
			// is what tells them from Linux ones for file(1).
			signature += ", version 1 (FreeBSD)"
		}
		want := binverify.Expect{Format: binverify.FormatELF, Machine: a.Machine, Class: a.Class, Data: a.Data}
		if goos == "freebsd" {
			want.OSABI = elf.ELFOSABI_FREEBSD
		}
		return want, signature, true
	case "windows":
		a, ok := peArches[goarch]
		if !ok {
			return binverify.Expect{}, "", false
		}
		// 6.01 is the subsystem version the Go linker writes.
		signature = a.Format + " executable for MS Windows 6.01 (console), " + a.File
		return binverify.Expect{Format: binverify.FormatPE, PEMachine: a.Machine}, signature, true
	case "darwin":
		a, ok := machoArches[goarch]
		if !ok {
			return binverify.Expect{}, "", false
		}
		return binverify.Expect{Format: binverify.FormatMachO, MachOCPU: a.CPU}, "Mach-O 64-bit " + a.File + " executable", true
	}
	return binverify.Expect{}, "", false
}
