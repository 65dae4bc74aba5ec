// Package debugdata lists the DWARF and symbol tables a binary carries, for
// the checks that released and imaged binaries are stripped. It reads ELF,
// PE and Mach-O with the standard library alone, apart from go-build's own
// verification, so the checks do not take go-build's word for it.
package debugdata

import (
	"bytes"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"errors"
	"fmt"
	"strings"
)

// ErrNotExecutable is returned for data that is not ELF, PE or Mach-O.
var ErrNotExecutable = errors.New("not an ELF, PE or Mach-O file")

// Find lists what a strip removes that the binary data still holds:
// DWARF sections (.debug_*, .zdebug_*; Mach-O's __DWARF segment) and
// symbol tables (ELF .symtab, PE COFF symbols, Mach-O LC_SYMTAB entries
// other than the undefined ones dyld binds). Nothing found means stripped.
func Find(data []byte) ([]string, error) {
	r := bytes.NewReader(data)
	if f, err := elf.NewFile(r); err == nil {
		var found []string
		for _, s := range f.Sections {
			switch {
			case isDWARF(s.Name):
				found = append(found, "DWARF section "+s.Name)
			case s.Type == elf.SHT_SYMTAB:
				found = append(found, fmt.Sprintf("symbol table %s (%d bytes)", s.Name, s.Size))
			}
		}
		return found, nil
	}
	if f, err := pe.NewFile(r); err == nil {
		var found []string
		for _, s := range f.Sections {
			if isDWARF(s.Name) {
				found = append(found, "DWARF section "+s.Name)
			}
		}
		if f.NumberOfSymbols > 0 {
			found = append(found, fmt.Sprintf("COFF symbol table (%d symbols)", f.NumberOfSymbols))
		}
		return found, nil
	}
	if f, err := macho.NewFile(r); err == nil {
		var found []string
		if f.Segment("__DWARF") != nil {
			found = append(found, "segment __DWARF")
		}
		for _, s := range f.Sections {
			if isDWARF(s.Name) {
				found = append(found, "DWARF section "+s.Name)
			}
		}
		if f.Symtab != nil {
			defined := 0
			for _, s := range f.Symtab.Syms {
				// N_STAB bits, or a type (N_TYPE) other than undefined.
				if s.Type&0xe0 != 0 || s.Type&0x0e != 0 && s.Name != "__mh_execute_header" {
					defined++
				}
			}
			if defined > 0 {
				found = append(found, fmt.Sprintf("LC_SYMTAB with %d defined or debugging symbols", defined))
			}
		}
		return found, nil
	}
	return nil, ErrNotExecutable
}

func isDWARF(name string) bool {
	for _, p := range []string{".debug_", ".zdebug_", "__debug_", "__zdebug_"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
