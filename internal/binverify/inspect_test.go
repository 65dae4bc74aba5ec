package binverify

import (
	"bytes"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

func TestInfoString(t *testing.T) {
	tests := []struct {
		info Info
		want string
	}{
		{Info{Format: FormatELF, Machine: elf.EM_AARCH64, Class: elf.ELFCLASS64, Data: elf.ELFDATA2LSB, Static: true},
			"ELF 64-bit LSB aarch64, statically linked"},
		{Info{Format: FormatELF, Machine: elf.EM_ARM, Class: elf.ELFCLASS32, Data: elf.ELFDATA2LSB,
			Interpreter: "/lib/ld-linux-armhf.so.3", Needed: []string{"libc.so.6"}},
			"ELF 32-bit LSB arm, dynamically linked (interpreter /lib/ld-linux-armhf.so.3)"},
		{Info{Format: FormatELF, Machine: elf.EM_S390, Class: elf.ELFCLASS64, Data: elf.ELFDATA2MSB,
			Needed: []string{"libc.so.6", "libm.so.6"}},
			"ELF 64-bit MSB s390, dynamically linked (needs libc.so.6, libm.so.6)"},
		{Info{Format: FormatELF, Machine: elf.EM_68K, Class: 7, Data: 9, Static: true},
			"ELF class 7 data 9 machine 4, statically linked"},
		{Info{Format: FormatELF, Machine: elf.EM_RISCV, Class: elf.ELFCLASS64, Data: elf.ELFDATA2LSB},
			"ELF 64-bit LSB riscv, dynamically linked"},
		{Info{Format: FormatPE, PEMachine: pe.IMAGE_FILE_MACHINE_AMD64}, "PE amd64"},
		{Info{Format: FormatPE, PEMachine: pe.IMAGE_FILE_MACHINE_ARMNT}, "PE arm"},
		{Info{Format: FormatPE, PEMachine: 0x1234}, "PE machine 0x1234"},
		{Info{Format: FormatMachO, MachOCPU: macho.CpuArm64}, "Mach-O arm64"},
		{Info{Format: FormatMachO, MachOCPU: macho.CpuAmd64}, "Mach-O amd64"},
		{Info{}, "unknown format"},
	}
	for _, tc := range tests {
		if got := tc.info.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.info, got, tc.want)
		}
	}
}

func TestInfoStringReal(t *testing.T) {
	needGo(t)
	for name, want := range map[string]string{
		"linux/arm64":   "ELF 64-bit LSB aarch64, statically linked",
		"linux/arm/v7":  "ELF 32-bit LSB arm, statically linked",
		"linux/s390x":   "ELF 64-bit MSB s390, statically linked",
		"linux/mips":    "ELF 32-bit MSB mips, statically linked",
		"windows/amd64": "PE amd64",
		"windows/arm64": "PE arm64",
		"darwin/arm64":  "Mach-O arm64",
		"darwin/amd64":  "Mach-O amd64",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := inspectFile(t, buildFor(t, name)).String(); got != want {
				t.Errorf("String() = %q, want %q", got, want)
			}
		})
	}
}

// TestJunk feeds Inspect and Check input that is no executable.
func TestJunk(t *testing.T) {
	needGo(t)
	elfBin := readFile(t, buildFor(t, "linux/amd64"))
	peBin := readFile(t, buildFor(t, "windows/amd64"))
	machoBin := readFile(t, buildFor(t, "darwin/arm64"))
	rnd := make([]byte, 8192)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range rnd {
		rnd[i] = byte(r.Uint32())
	}
	relocatable := dropSectionHeaders(elfBin[:4096]) // parses: no section headers to read
	relocatable[16] = byte(elf.ET_REL)               // e_type, little-endian
	notImage := bytes.Clone(peBin)
	coff := binary.LittleEndian.Uint32(notImage[0x3c:]) + 4
	notImage[coff+18] &^= byte(pe.IMAGE_FILE_EXECUTABLE_IMAGE) // Characteristics
	machoObj := bytes.Clone(machoBin)
	binary.LittleEndian.PutUint32(machoObj[12:], uint32(macho.TypeObj)) // filetype
	tests := map[string][]byte{
		"empty":              nil,
		"one byte":           {0x7f},
		"ELF magic only":     []byte("\x7fELF"),
		"truncated ELF":      elfBin[:40],
		"ELF header only":    elfBin[:64],
		"ELF first 4 KiB":    elfBin[:4096],
		"ELF object":         relocatable,
		"PE not an image":    notImage,
		"Mach-O object":      machoObj,
		"random":             rnd,
		"zeros":              make([]byte, 4096),
		"shell script":       []byte("#!/bin/sh\necho hello\n"),
		"text":               []byte("hello, world\n"),
		"MZ only":            []byte("MZ"),
		"DOS stub":           append([]byte("MZ"), make([]byte, 200)...),
		"truncated PE":       peBin[:100],
		"Mach-O magic only":  machoBin[:4],
		"truncated Mach-O":   machoBin[:40],
		"fat Mach-O / class": {0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2},
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := Inspect(bytes.NewReader(data)); !errors.Is(err, ErrUnknownFormat) {
				t.Errorf("Inspect: got %v, want ErrUnknownFormat", err)
			}
			err := Check("dist/junk", bytes.NewReader(data), wantOf(t, "linux/amd64"))
			if !errors.Is(err, ErrUnknownFormat) || errors.Is(err, ErrMismatch) {
				t.Errorf("Check: got %v, want ErrUnknownFormat", err)
			} else if !strings.HasPrefix(err.Error(), "dist/junk: ") {
				t.Errorf("Check error %q does not name the file", err)
			}
			t.Log(err)
		})
	}
}

// TestTruncated cuts real binaries at many lengths: Inspect must not panic,
// and must fail with ErrUnknownFormat when it fails.
func TestTruncated(t *testing.T) {
	needGo(t)
	for _, name := range []string{"linux/amd64", "linux/mips", "windows/amd64", "darwin/arm64"} {
		data := readFile(t, buildFor(t, name))
		for n := 0; n < len(data); n += 1 + n/4 {
			if _, err := Inspect(bytes.NewReader(data[:n])); err != nil && !errors.Is(err, ErrUnknownFormat) {
				t.Errorf("%s cut at %d: got %v, want ErrUnknownFormat", name, n, err)
			}
		}
	}
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
