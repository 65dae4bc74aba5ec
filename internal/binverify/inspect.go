package binverify

import (
	"bytes"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ErrUnknownFormat is returned for input that is not an ELF, PE or Mach-O
// executable, including empty, truncated and corrupt files.
var ErrUnknownFormat = errors.New("not an executable in a known format")

// Info is what a binary's headers say. Only the fields of its Format are set.
type Info struct {
	Format Format

	// ELF.
	Machine elf.Machine
	Class   elf.Class
	Data    elf.Data
	OSABI   elf.OSABI

	// PE.
	PEMachine uint16

	// Mach-O.
	MachOCPU macho.Cpu

	// ELF linking.
	Interpreter string   // PT_INTERP, "" when none
	Needed      []string // DT_NEEDED, in file order
	// Static is set for an ELF file with no PT_INTERP and no DT_NEEDED;
	// a static-pie binary counts as static. It is never set for PE or
	// Mach-O.
	Static bool

	// Debug data and symbols, every format (see Stripped).
	DWARF   []string // names of the DWARF sections, in file order
	Symbols int      // symbols a strip removes: .symtab entries, COFF symbols, Mach-O defined and stab symbols
}

// Limits on what Inspect reads from a header-described size, so that junk
// cannot make it allocate much.
const (
	maxInterp  = 4 << 10
	maxDynamic = 1 << 20
	maxStrtab  = 4 << 20
)

// Inspect reads the headers of an ELF, PE or Mach-O executable (or shared
// library). Any other input, including object files, universal (fat)
// Mach-O files and truncated or corrupt headers, gives an error wrapping
// ErrUnknownFormat; an I/O error on its first bytes is returned as is.
// Inspect never panics.
func Inspect(r io.ReaderAt) (Info, error) {
	var magic [4]byte
	n, err := r.ReadAt(magic[:], 0)
	if n < len(magic) {
		if err != nil && err != io.EOF {
			return Info{}, err
		}
		return Info{}, fmt.Errorf("%w: %d-byte file", ErrUnknownFormat, n)
	}
	switch {
	case string(magic[:]) == elf.ELFMAG:
		return guard("ELF", func() (Info, error) { return inspectELF(r) })
	case magic[0] == 'M' && magic[1] == 'Z':
		return guard("PE", func() (Info, error) { return inspectPE(r) })
	case isMachO(magic):
		return guard("Mach-O", func() (Info, error) { return inspectMachO(r) })
	}
	return Info{}, fmt.Errorf("%w: starts with %s", ErrUnknownFormat, strconv.Quote(string(magic[:])))
}

// guard runs a parser of the standard library, turning its errors and any
// panic on corrupt input into ErrUnknownFormat.
func guard(format string, parse func() (Info, error)) (info Info, err error) {
	defer func() {
		if p := recover(); p != nil {
			info, err = Info{}, fmt.Errorf("%w: corrupt %s file: %v", ErrUnknownFormat, format, p)
		}
	}()
	info, err = parse()
	if err != nil && !errors.Is(err, ErrUnknownFormat) {
		return Info{}, fmt.Errorf("%w: corrupt %s file: %v", ErrUnknownFormat, format, err)
	}
	return info, err
}

func isMachO(magic [4]byte) bool {
	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		switch bo.Uint32(magic[:]) {
		case macho.Magic32, macho.Magic64:
			return true
		}
	}
	return false
}

func inspectELF(r io.ReaderAt) (Info, error) {
	f, err := elf.NewFile(r)
	if err != nil {
		return Info{}, err
	}
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return Info{}, fmt.Errorf("%w: ELF %v is not an executable", ErrUnknownFormat, f.Type)
	}
	info := Info{
		Format:  FormatELF,
		Machine: f.Machine,
		Class:   f.Class,
		Data:    f.Data,
		OSABI:   f.OSABI,
	}
	for _, p := range f.Progs {
		switch p.Type {
		case elf.PT_INTERP:
			if info.Interpreter, err = readInterp(p); err != nil {
				return Info{}, err
			}
		case elf.PT_DYNAMIC:
			if info.Needed, err = readNeeded(f, p); err != nil {
				return Info{}, err
			}
		}
	}
	info.Static = info.Interpreter == "" && len(info.Needed) == 0
	info.DWARF, info.Symbols = elfDebugInfo(f)
	return info, nil
}

// readInterp returns the NUL-terminated path in a PT_INTERP segment.
func readInterp(p *elf.Prog) (string, error) {
	if p.Filesz == 0 || p.Filesz > maxInterp {
		return "", fmt.Errorf("PT_INTERP of %d bytes", p.Filesz)
	}
	b := make([]byte, p.Filesz)
	if _, err := p.ReadAt(b, 0); err != nil {
		return "", fmt.Errorf("reading PT_INTERP: %v", err)
	}
	s, _, _ := bytes.Cut(b, []byte{0})
	if len(s) == 0 {
		return "", errors.New("empty PT_INTERP")
	}
	return string(s), nil
}

// readNeeded returns the DT_NEEDED entries of a PT_DYNAMIC segment. It reads
// segments as the dynamic loader does, so it also works when the section
// headers are stripped.
func readNeeded(f *elf.File, dyn *elf.Prog) ([]string, error) {
	if dyn.Filesz > maxDynamic {
		return nil, fmt.Errorf("PT_DYNAMIC of %d bytes", dyn.Filesz)
	}
	d := make([]byte, dyn.Filesz)
	if _, err := dyn.ReadAt(d, 0); err != nil {
		return nil, fmt.Errorf("reading PT_DYNAMIC: %v", err)
	}
	entSize := 8
	if f.Class == elf.ELFCLASS64 {
		entSize = 16
	}
	word := func(b []byte) uint64 {
		if entSize == 16 {
			return f.ByteOrder.Uint64(b)
		}
		return uint64(f.ByteOrder.Uint32(b))
	}
	var needed []uint64
	var strtab, strsz uint64
	haveStrtab := false
	for ; len(d) >= entSize; d = d[entSize:] {
		tag, val := elf.DynTag(word(d)), word(d[entSize/2:])
		if tag == elf.DT_NULL {
			break
		}
		switch tag {
		case elf.DT_NEEDED:
			needed = append(needed, val)
		case elf.DT_STRTAB:
			strtab, haveStrtab = val, true
		case elf.DT_STRSZ:
			strsz = val
		}
	}
	if len(needed) == 0 {
		return nil, nil
	}
	if !haveStrtab {
		return nil, errors.New("DT_NEEDED without DT_STRTAB")
	}
	if strsz == 0 || strsz > maxStrtab {
		return nil, fmt.Errorf("DT_STRSZ of %d bytes", strsz)
	}
	tab, err := readVaddr(f, strtab, strsz)
	if err != nil {
		return nil, fmt.Errorf("reading DT_STRTAB: %v", err)
	}
	names := make([]string, 0, len(needed))
	for _, off := range needed {
		if off >= uint64(len(tab)) {
			return nil, fmt.Errorf("DT_NEEDED offset %d outside DT_STRTAB", off)
		}
		name, _, _ := bytes.Cut(tab[off:], []byte{0})
		names = append(names, string(name))
	}
	return names, nil
}

// readVaddr reads size bytes at virtual address addr from the PT_LOAD
// segment holding them.
func readVaddr(f *elf.File, addr, size uint64) ([]byte, error) {
	for _, p := range f.Progs {
		if p.Type != elf.PT_LOAD || addr < p.Vaddr || addr-p.Vaddr >= p.Filesz {
			continue
		}
		off := addr - p.Vaddr
		size = min(size, p.Filesz-off)
		b := make([]byte, size)
		if _, err := p.ReadAt(b, int64(off)); err != nil {
			return nil, err
		}
		return b, nil
	}
	return nil, fmt.Errorf("address %#x is in no loaded segment", addr)
}

func inspectPE(r io.ReaderAt) (Info, error) {
	f, err := pe.NewFile(r)
	if err != nil {
		return Info{}, err
	}
	if f.Characteristics&pe.IMAGE_FILE_EXECUTABLE_IMAGE == 0 {
		return Info{}, fmt.Errorf("%w: PE file is not an executable image", ErrUnknownFormat)
	}
	info := Info{Format: FormatPE, PEMachine: f.Machine}
	info.DWARF, info.Symbols = peDebugInfo(f)
	return info, nil
}

func inspectMachO(r io.ReaderAt) (Info, error) {
	f, err := macho.NewFile(r)
	if err != nil {
		return Info{}, err
	}
	if f.Type != macho.TypeExec && f.Type != macho.TypeDylib && f.Type != macho.TypeBundle {
		return Info{}, fmt.Errorf("%w: Mach-O file type %v is not an executable", ErrUnknownFormat, f.Type)
	}
	info := Info{Format: FormatMachO, MachOCPU: f.Cpu}
	info.DWARF, info.Symbols = machoDebugInfo(f)
	return info, nil
}

// String describes the binary compactly, in the manner of file(1):
//
//	ELF 64-bit LSB aarch64, statically linked
//	ELF 32-bit LSB arm, dynamically linked (interpreter /lib/ld-linux-armhf.so.3)
//	PE amd64
//	Mach-O arm64
func (i Info) String() string {
	switch i.Format {
	case FormatELF:
		return fmt.Sprintf("ELF %s %s %s, %s", className(i.Class), dataName(i.Data),
			elfMachineName(i.Machine), i.linking(false))
	case FormatPE:
		return "PE " + peMachineName(i.PEMachine)
	case FormatMachO:
		return "Mach-O " + machoCPUName(i.MachOCPU)
	case "":
		return "unknown format"
	}
	return string(i.Format)
}

// linking describes how an ELF binary is linked; with libs it also lists
// the needed shared libraries.
func (i Info) linking(libs bool) string {
	if i.Static {
		return "statically linked"
	}
	var parts []string
	if i.Interpreter != "" {
		parts = append(parts, "interpreter "+i.Interpreter)
	}
	if len(i.Needed) > 0 && (libs || i.Interpreter == "") {
		parts = append(parts, "needs "+strings.Join(i.Needed, ", "))
	}
	if len(parts) == 0 {
		return "dynamically linked"
	}
	return "dynamically linked (" + strings.Join(parts, "; ") + ")"
}
