package binverify

import (
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
)

var (
	// ErrMismatch is wrapped by every MismatchError.
	ErrMismatch = errors.New("binary does not match its target")
	// ErrBadExpect is returned for an Expect that leaves a field of its
	// Format unset, so that a forgotten field fails loudly instead of
	// being skipped.
	ErrBadExpect = errors.New("incomplete binary expectation")
)

// Fields of a MismatchError, in the order Check compares them.
const (
	FieldFormat    = "format"
	FieldMachine   = "machine"
	FieldClass     = "class"
	FieldByteOrder = "byte order"
	FieldOSABI     = "OS ABI"
	FieldLinking   = "linking"
	FieldStripping = "stripping"
)

// MismatchError says how a binary differs from its target. Want and Got
// name the constant and its short name, such as "EM_AARCH64 (aarch64)";
// for a format mismatch Got describes the whole binary (Info.String), and
// for linking it lists the interpreter and needed libraries; for stripping
// it names the DWARF sections and counts the symbols.
type MismatchError struct {
	File  string // the name given to Check
	Field string // one of the Field* constants
	Want  string
	Got   string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("%s: %s: want %s, found %s", e.File, e.Field, e.Want, e.Got)
}

// Unwrap returns ErrMismatch.
func (e *MismatchError) Unwrap() error { return ErrMismatch }

// Check reads the binary r, called name in errors, and compares it with
// want: format, then machine, class and byte order (ELF), then linking
// (ELF only; PE and Mach-O Go binaries are pure Go), then stripping (every
// format) when want.Stripped is set. The first difference
// is returned as a *MismatchError. Input that is not an executable gives an
// error wrapping ErrUnknownFormat; every error names the file.
func Check(name string, r io.ReaderAt, want Expect) error {
	if err := want.validate(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	info, err := Inspect(r)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	mismatch := func(field, want, got string) error {
		return &MismatchError{File: name, Field: field, Want: want, Got: got}
	}
	if info.Format != want.Format {
		return mismatch(FieldFormat, string(want.Format), info.String())
	}
	switch want.Format {
	case FormatELF:
		switch {
		case info.Machine != want.Machine:
			return mismatch(FieldMachine, describeELFMachine(want.Machine), describeELFMachine(info.Machine))
		case info.Class != want.Class:
			return mismatch(FieldClass, describeClass(want.Class), describeClass(info.Class))
		case info.Data != want.Data:
			return mismatch(FieldByteOrder, describeData(want.Data), describeData(info.Data))
		case !osABIMatches(want.OSABI, info.OSABI):
			return mismatch(FieldOSABI, want.OSABI.String(), info.OSABI.String())
		case want.Static && !info.Static:
			return mismatch(FieldLinking, "statically linked", info.linking(true))
		}
	case FormatPE:
		if info.PEMachine != want.PEMachine {
			return mismatch(FieldMachine, describePEMachine(want.PEMachine), describePEMachine(info.PEMachine))
		}
	case FormatMachO:
		if info.MachOCPU != want.MachOCPU {
			return mismatch(FieldMachine, describeMachOCPU(want.MachOCPU), describeMachOCPU(info.MachOCPU))
		}
	}
	if want.Stripped && !info.Stripped() {
		return mismatch(FieldStripping, "no DWARF and no symbol table", info.debugData())
	}
	return nil
}

// CheckFile is Check on the file at path, named by path in errors.
func CheckFile(path string, want Expect) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return Check(path, f, want)
}

// validate reports a field of want's Format left at its zero value.
func (want Expect) validate() error {
	var missing string
	switch want.Format {
	case FormatELF:
		switch {
		case want.Machine == 0:
			missing = "ELF machine"
		case want.Class == 0:
			missing = "ELF class"
		case want.Data == 0:
			missing = "ELF byte order"
		}
	case FormatPE:
		if want.PEMachine == 0 {
			missing = "PE machine"
		}
	case FormatMachO:
		if want.MachOCPU == 0 {
			missing = "Mach-O CPU"
		}
	default:
		return fmt.Errorf("%w: format %q", ErrBadExpect, want.Format)
	}
	if missing != "" {
		return fmt.Errorf("%w: no %s", ErrBadExpect, missing)
	}
	return nil
}

// osABIMatches compares ELF OS ABIs; a Linux binary may carry either
// ELFOSABI_NONE (Go, dynamic glibc) or ELFOSABI_LINUX (static glibc with
// GNU extensions).
func osABIMatches(want, got elf.OSABI) bool {
	if want == elf.ELFOSABI_NONE || want == elf.ELFOSABI_LINUX {
		return got == elf.ELFOSABI_NONE || got == elf.ELFOSABI_LINUX
	}
	return got == want
}
