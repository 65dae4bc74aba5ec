// Package binverify checks that a built binary is what its target platform
// needs: the right executable format, machine, word size and byte order,
// static linking when it was asked for, and no DWARF or symbol table when
// it was to be stripped. It reads headers and section tables only and has
// no Dagger dependency, so the rules are unit-tested on real Go binaries.
package binverify

import (
	"debug/elf"
	"debug/macho"
)

// Format is an executable file format.
type Format string

const (
	FormatELF   Format = "ELF"
	FormatPE    Format = "PE"
	FormatMachO Format = "Mach-O"
)

// Expect describes the binary a target platform runs. Only the fields of the
// chosen Format are read, and all of them must be set: Check rejects an
// Expect with a zero machine, class or byte order (ErrBadExpect) rather
// than skip the comparison.
type Expect struct {
	Format Format

	// ELF (linux and the BSDs).
	Machine elf.Machine
	Class   elf.Class
	Data    elf.Data
	// OSABI tells Linux from FreeBSD ELF binaries of the same machine.
	// ELFOSABI_NONE, the Linux expectation, also accepts ELFOSABI_LINUX,
	// which static glibc binaries carry.
	OSABI elf.OSABI

	// PE (windows).
	PEMachine uint16 // pe.IMAGE_FILE_MACHINE_*

	// Mach-O (darwin).
	MachOCPU macho.Cpu

	// Static asks for a statically linked ELF binary: no program
	// interpreter and no needed shared libraries (static-pie qualifies).
	// It is not checked for PE and Mach-O, whose Go binaries are pure Go.
	Static bool

	// Stripped asks for a binary without DWARF and without a symbol
	// table, every format (strip.go says what each format may keep).
	Stripped bool
}
