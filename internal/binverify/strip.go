package binverify

import (
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"fmt"
	"strings"
)

// What "stripped" means, per format (Info.Stripped). A binary is stripped when it carries
// no DWARF and no symbol table; what a loader needs stays:
//
//   - ELF: no section named .debug_* or .zdebug_*, and no SHT_SYMTAB
//     section (.symtab). The dynamic symbol table (.dynsym) a dynamically
//     linked binary needs is not a symbol table in this sense. Go's
//     -ldflags "-s -w" leaves neither; a binary without section headers
//     has neither.
//   - PE: no section named .debug_* or .zdebug_*, and no COFF symbol
//     (NumberOfSymbols is 0). Go's linker writes a .symtab section even
//     with -s; it then holds only the empty string table (4 bytes), which
//     is allowed. llvm-strip does not remove Go's compressed .zdebug_*
//     sections from a PE file, so it does not strip Go PE binaries.
//   - Mach-O: no __DWARF segment and no section named __debug_* or
//     __zdebug_*, and no defined or debugging (stab) symbol in LC_SYMTAB.
//     The undefined symbols dyld binds (libSystem's functions) stay, as
//     Go's -s and Apple's strip both leave them; so does
//     __mh_execute_header, which Apple's strip keeps.

// machoExecuteHeader is the one defined symbol a stripped Mach-O executable
// may keep.
const machoExecuteHeader = "__mh_execute_header"

// isDWARFSection tells DWARF section names of ELF and PE (.debug_*,
// .zdebug_*) and Mach-O (__debug_*, __zdebug_*).
func isDWARFSection(name string) bool {
	for _, prefix := range []string{".debug_", ".zdebug_", "__debug_", "__zdebug_"} {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

func elfDebugInfo(f *elf.File) (dwarf []string, symbols int) {
	for _, s := range f.Sections {
		if isDWARFSection(s.Name) {
			dwarf = append(dwarf, s.Name)
		}
		if s.Type == elf.SHT_SYMTAB {
			// Entries, counting the null entry that starts every table:
			// a .symtab holding that alone is still a symbol table.
			symbols += int(max(s.Size/max(s.Entsize, 1), 1))
		}
	}
	return dwarf, symbols
}

func peDebugInfo(f *pe.File) (dwarf []string, symbols int) {
	for _, s := range f.Sections {
		if isDWARFSection(s.Name) {
			dwarf = append(dwarf, s.Name)
		}
	}
	return dwarf, int(f.NumberOfSymbols)
}

// Mach-O n_type bits (mach-o/nlist.h).
const (
	machoNStab = 0xe0 // any of these bits: a debugging (stab) entry
	machoNType = 0x0e // the type field
	machoNUndf = 0x00 // undefined
	machoNPbud = 0x0c // prebound undefined
)

func machoDebugInfo(f *macho.File) (dwarf []string, symbols int) {
	for _, l := range f.Loads {
		if s, ok := l.(*macho.Segment); ok && s.Name == "__DWARF" && s.Nsect == 0 {
			dwarf = append(dwarf, s.Name)
		}
	}
	for _, s := range f.Sections {
		if s.Seg == "__DWARF" || isDWARFSection(s.Name) {
			dwarf = append(dwarf, s.Seg+","+s.Name)
		}
	}
	if f.Symtab == nil {
		return dwarf, 0
	}
	for _, s := range f.Symtab.Syms {
		undefined := s.Type&machoNType == machoNUndf || s.Type&machoNType == machoNPbud
		if s.Type&machoNStab != 0 || !undefined && s.Name != machoExecuteHeader {
			symbols++
		}
	}
	return dwarf, symbols
}

// Stripped says whether the binary carries no DWARF and no symbol table,
// as the package documentation defines them for its format.
func (i Info) Stripped() bool { return len(i.DWARF) == 0 && i.Symbols == 0 }

// debugData describes what a binary that is not stripped carries, e.g.
// "DWARF sections .zdebug_abbrev, .zdebug_line, ... (7 in all) and a
// COFF symbol table of 2001 symbols".
func (i Info) debugData() string {
	var parts []string
	if n := len(i.DWARF); n > 0 {
		names := i.DWARF
		if n > 3 {
			names = append(names[:3:3], fmt.Sprintf("... (%d in all)", n))
		}
		parts = append(parts, "DWARF sections "+strings.Join(names, ", "))
	}
	if i.Symbols > 0 {
		table := map[Format]string{
			FormatELF:   "a symbol table (.symtab) of %d entries",
			FormatPE:    "a COFF symbol table of %d symbols",
			FormatMachO: "%d defined or debugging symbols in LC_SYMTAB",
		}[i.Format]
		parts = append(parts, fmt.Sprintf(table, i.Symbols))
	}
	if len(parts) == 0 {
		return "no DWARF and no symbol table"
	}
	return strings.Join(parts, " and ")
}
