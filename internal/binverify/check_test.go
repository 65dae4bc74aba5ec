package binverify

import (
	"debug/elf"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestRealBinaries builds each target and checks it against its own
// Expect (also with Static, which CGO_ENABLED=0 builds satisfy) and against
// every other platform's Expect.
func TestRealBinaries(t *testing.T) {
	needGo(t)
	startBuilds()
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			t.Parallel()
			path := buildFor(t, tg.name)
			if err := CheckFile(path, tg.want); err != nil {
				t.Fatalf("CheckFile against its own Expect: %v", err)
			}
			static := tg.want
			static.Static = true
			if err := CheckFile(path, static); err != nil {
				t.Fatalf("CheckFile against its own Expect with Static: %v", err)
			}
			info := inspectFile(t, path)
			if tg.want.Format == FormatELF && (!info.Static || info.Interpreter != "" || len(info.Needed) != 0) {
				t.Errorf("CGO_ENABLED=0 build is not static: %+v", info)
			}

			others := map[string]Expect{}
			for _, o := range targets {
				others[o.name] = o.want
			}
			for name, w := range otherWants {
				others[name] = w
			}
			for name, w := range others {
				err := CheckFile(path, w)
				field := firstDiff(tg.want, w)
				if field == "" {
					if err != nil {
						t.Errorf("against %s (same Expect): %v", name, err)
					}
					continue
				}
				var me *MismatchError
				if !errors.As(err, &me) || !errors.Is(err, ErrMismatch) {
					t.Errorf("against %s: got %v, want a *MismatchError", name, err)
					continue
				}
				if me.Field != field || me.File != path {
					t.Errorf("against %s: got File %q Field %q, want %q %q", name, me.File, me.Field, path, field)
				}
			}
		})
	}
}

// firstDiff is the Field that Check must report for a binary matching have
// checked against want, or "" when they agree.
func firstDiff(have, want Expect) string {
	switch {
	case have.Format != want.Format:
		return FieldFormat
	case have.Machine != want.Machine, have.PEMachine != want.PEMachine, have.MachOCPU != want.MachOCPU:
		return FieldMachine
	case have.Class != want.Class:
		return FieldClass
	case have.Data != want.Data:
		return FieldByteOrder
	}
	return ""
}

func TestMismatch(t *testing.T) {
	needGo(t)
	tests := []struct {
		bin, against     string
		modify           func(*Expect)
		field, want, got string
	}{
		{bin: "linux/amd64", against: "linux/arm64",
			field: "machine", want: "EM_AARCH64 (aarch64)", got: "EM_X86_64 (x86-64)"},
		{bin: "linux/386", against: "linux/amd64",
			field: "machine", want: "EM_X86_64 (x86-64)", got: "EM_386 (i386)"},
		{bin: "linux/arm/v7", against: "linux/arm64",
			field: "machine", want: "EM_AARCH64 (aarch64)", got: "EM_ARM (arm)"},
		{bin: "linux/arm/v6", against: "linux/arm/v7", modify: func(e *Expect) { e.Class = elf.ELFCLASS64 },
			field: "class", want: "ELFCLASS64 (64-bit)", got: "ELFCLASS32 (32-bit)"},
		{bin: "linux/mips64le", against: "linux/mipsle",
			field: "class", want: "ELFCLASS32 (32-bit)", got: "ELFCLASS64 (64-bit)"},
		{bin: "linux/mips", against: "linux/mipsle",
			field: "byte order", want: "ELFDATA2LSB (little-endian)", got: "ELFDATA2MSB (big-endian)"},
		{bin: "linux/ppc64le", against: "linux/ppc64",
			field: "byte order", want: "ELFDATA2MSB (big-endian)", got: "ELFDATA2LSB (little-endian)"},
		{bin: "linux/arm64", against: "linux/arm64",
			modify: func(e *Expect) { e.Machine, e.Class, e.Data = elf.EM_ARM, elf.ELFCLASS32, elf.ELFDATA2MSB },
			field:  "machine", want: "EM_ARM (arm)", got: "EM_AARCH64 (aarch64)"},
		{bin: "linux/amd64", against: "windows/amd64",
			field: "format", want: "PE", got: "ELF 64-bit LSB x86-64, statically linked"},
		{bin: "windows/amd64", against: "linux/amd64",
			field: "format", want: "ELF", got: "PE amd64"},
		{bin: "darwin/amd64", against: "windows/amd64",
			field: "format", want: "PE", got: "Mach-O amd64"},
		{bin: "darwin/arm64", against: "linux/arm64",
			field: "format", want: "ELF", got: "Mach-O arm64"},
		{bin: "windows/arm64", against: "windows/amd64",
			field: "machine", want: "IMAGE_FILE_MACHINE_AMD64 (amd64)", got: "IMAGE_FILE_MACHINE_ARM64 (arm64)"},
		{bin: "windows/amd64", against: "windows/386",
			field: "machine", want: "IMAGE_FILE_MACHINE_I386 (386)", got: "IMAGE_FILE_MACHINE_AMD64 (amd64)"},
		{bin: "darwin/arm64", against: "darwin/amd64",
			field: "machine", want: "CpuAmd64 (amd64)", got: "CpuArm64 (arm64)"},
	}
	for _, tc := range tests {
		t.Run(tc.bin+"_vs_"+tc.against, func(t *testing.T) {
			t.Parallel()
			want := wantOf(t, tc.against)
			if tc.modify != nil {
				tc.modify(&want)
			}
			f, err := os.Open(buildFor(t, tc.bin))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			err = Check("bin/app", f, want)
			var me *MismatchError
			if !errors.As(err, &me) {
				t.Fatalf("Check: got %v, want a *MismatchError", err)
			}
			if !errors.Is(err, ErrMismatch) {
				t.Errorf("errors.Is(%v, ErrMismatch) = false", err)
			}
			if errors.Is(err, ErrUnknownFormat) {
				t.Errorf("errors.Is(%v, ErrUnknownFormat) = true", err)
			}
			wantErr := &MismatchError{File: "bin/app", Field: tc.field, Want: tc.want, Got: tc.got}
			if *me != *wantErr {
				t.Errorf("Check: got %#v, want %#v", *me, *wantErr)
			}
			if msg := "bin/app: " + tc.field + ": want " + tc.want + ", found " + tc.got; err.Error() != msg {
				t.Errorf("Error() = %q, want %q", err.Error(), msg)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	err := error(&MismatchError{File: "bin/app", Field: "machine", Want: "EM_AARCH64 (aarch64)", Got: "EM_X86_64 (x86-64)"})
	if got, want := err.Error(), "bin/app: machine: want EM_AARCH64 (aarch64), found EM_X86_64 (x86-64)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, ErrMismatch) {
		t.Error("MismatchError does not wrap ErrMismatch")
	}
}

// TestLinking builds a cgo program natively with gcc: dynamic by default,
// static with an external static link (plain and PIE).
func TestLinking(t *testing.T) {
	if why := cgoSkipReason(false); why != "" {
		t.Skip(why)
	}
	host := wantOf(t, "linux/amd64")
	static := host
	static.Static = true

	t.Run("dynamic", func(t *testing.T) {
		t.Parallel()
		path := buildCgo(t, "cgo-dynamic")
		info := inspectFile(t, path)
		if info.Static || info.Interpreter == "" || !slices.Contains(info.Needed, "libc.so.6") {
			t.Fatalf("cgo build: got %+v, want an interpreter and libc.so.6 needed", info)
		}
		if err := CheckFile(path, host); err != nil {
			t.Errorf("CheckFile without Static: %v", err)
		}
		err := CheckFile(path, static)
		var me *MismatchError
		if !errors.As(err, &me) || !errors.Is(err, ErrMismatch) {
			t.Fatalf("CheckFile with Static: got %v, want a *MismatchError", err)
		}
		if me.Field != "linking" || me.Want != "statically linked" || me.File != path {
			t.Errorf("got %#v, want File %q Field linking Want \"statically linked\"", *me, path)
		}
		if !strings.Contains(me.Got, "interpreter "+info.Interpreter) || !strings.Contains(me.Got, "libc.so.6") {
			t.Errorf("Got = %q, want it to name the interpreter and libc.so.6", me.Got)
		}
		t.Logf("%v", err)

		// Stripping the section headers must not hide the libraries: they
		// are read from the program headers, as the dynamic loader does.
		stripped := filepath.Join(t.TempDir(), "stripped")
		if err := os.WriteFile(stripped, dropSectionHeaders(readFile(t, path)), 0o755); err != nil {
			t.Fatal(err)
		}
		sinfo := inspectFile(t, stripped)
		if sinfo.Interpreter != info.Interpreter || strings.Join(sinfo.Needed, ",") != strings.Join(info.Needed, ",") {
			t.Errorf("without section headers: got %+v, want %+v", sinfo, info)
		}
	})

	for _, name := range []string{"static", "static-pie"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := buildCgo(t, "cgo-"+name)
			info := inspectFile(t, path)
			if !info.Static || info.Interpreter != "" || len(info.Needed) != 0 {
				t.Errorf("got %+v, want static", info)
			}
			if err := CheckFile(path, static); err != nil {
				t.Errorf("CheckFile with Static: %v", err)
			}
		})
	}
}

func TestBadExpect(t *testing.T) {
	needGo(t)
	path := buildFor(t, "linux/amd64")
	for name, want := range map[string]Expect{
		"zero":        {},
		"bad format":  {Format: "COFF", Machine: elf.EM_X86_64},
		"no machine":  {Format: FormatELF, Class: elf.ELFCLASS64, Data: elf.ELFDATA2LSB},
		"no class":    {Format: FormatELF, Machine: elf.EM_X86_64, Data: elf.ELFDATA2LSB},
		"no data":     {Format: FormatELF, Machine: elf.EM_X86_64, Class: elf.ELFCLASS64},
		"no PE":       {Format: FormatPE},
		"no Mach-O":   {Format: FormatMachO},
		"ELF as PE":   {Format: FormatPE, Machine: elf.EM_X86_64},
		"PE as Macho": {Format: FormatMachO, PEMachine: 0x8664},
	} {
		err := CheckFile(path, want)
		if !errors.Is(err, ErrBadExpect) || errors.Is(err, ErrMismatch) || !strings.HasPrefix(err.Error(), path+": ") {
			t.Errorf("%s: got %v, want ErrBadExpect naming the file", name, err)
		}
	}
}

func TestCheckFileMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent")
	err := CheckFile(path, wantOf(t, "linux/amd64"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Errorf("got %v, want a not-exist error naming %s", err, path)
	}
}

func inspectFile(t testing.TB, path string) Info {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, err := Inspect(f)
	if err != nil {
		t.Fatalf("Inspect(%s): %v", path, err)
	}
	return info
}
