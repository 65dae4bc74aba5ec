package binverify

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// linkFlags are the -ldflags of the stripping cases, by name.
var linkFlags = map[string]string{
	"default":     "",            // DWARF and a symbol table
	"-s -w":       "-s -w",       // what go-build links with
	"-w":          "-w",          // no DWARF, a symbol table
	"-s -w=false": "-s -w=false", // DWARF, no symbol table
}

// buildLinked builds the pure Go program for the named target with the
// named linkFlags.
func buildLinked(t testing.TB, target, flags string) string {
	t.Helper()
	if flags == "default" {
		return buildFor(t, target)
	}
	tg, ok := targetByName(target)
	if !ok {
		t.Fatalf("no target %q", target)
	}
	return goBuild(t, target+" ldflags "+flags, "pure", tg.pureEnv(), "-ldflags="+linkFlags[flags])
}

// TestStrippedRealBinaries checks, on binaries the local Go toolchain links
// for every format, what Go's -s and -w leave and that Check with Stripped
// accepts exactly the binaries with neither DWARF nor a symbol table.
func TestStrippedRealBinaries(t *testing.T) {
	needGo(t)
	tests := []struct {
		target, flags       string
		wantDWARF, wantSyms bool
		// inGot is a piece of the mismatch's Got.
		inGot string
	}{
		{"linux/amd64", "default", true, true, "DWARF sections .debug_"},
		{"linux/amd64", "-s -w", false, false, ""},
		{"linux/amd64", "-w", false, true, "a symbol table (.symtab) of"},
		{"linux/amd64", "-s -w=false", true, false, "DWARF sections .debug_abbrev"},
		{"linux/arm64", "default", true, true, "(.symtab)"},
		{"linux/arm64", "-s -w", false, false, ""},
		{"linux/arm/v7", "-s -w", false, false, ""},
		{"linux/s390x", "-s -w", false, false, ""},
		{"windows/amd64", "default", true, true, "DWARF sections .zdebug_"},
		{"windows/amd64", "-s -w", false, false, ""},
		{"windows/amd64", "-w", false, true, "a COFF symbol table of"},
		{"windows/amd64", "-s -w=false", true, false, "DWARF sections .zdebug_abbrev"},
		{"windows/arm64", "default", true, true, "COFF symbol table"},
		{"windows/arm64", "-s -w", false, false, ""},
		{"darwin/arm64", "default", true, true, "DWARF sections __DWARF,__zdebug_"},
		{"darwin/arm64", "-s -w", false, false, ""},
		{"darwin/arm64", "-w", false, true, "defined or debugging symbols in LC_SYMTAB"},
		{"darwin/arm64", "-s -w=false", true, false, "__DWARF,__zdebug_abbrev"},
		{"darwin/amd64", "default", true, true, "LC_SYMTAB"},
		{"darwin/amd64", "-s -w", false, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.target+" "+tc.flags, func(t *testing.T) {
			t.Parallel()
			path := buildLinked(t, tc.target, tc.flags)
			checkStripping(t, path, wantOf(t, tc.target), tc.wantDWARF, tc.wantSyms, tc.inGot)
		})
	}
}

// checkStripping checks what Inspect finds in path and what Check with
// Stripped says of it.
func checkStripping(t *testing.T, path string, want Expect, wantDWARF, wantSyms bool, inGot string) {
	t.Helper()
	info := inspectFile(t, path)
	if got := len(info.DWARF) > 0; got != wantDWARF {
		t.Errorf("DWARF sections %q, want some: %v", info.DWARF, wantDWARF)
	}
	if got := info.Symbols > 0; got != wantSyms {
		t.Errorf("%d symbols, want some: %v", info.Symbols, wantSyms)
	}
	if err := CheckFile(path, want); err != nil {
		t.Errorf("Check without Stripped: %v", err)
	}
	want.Stripped = true
	err := CheckFile(path, want)
	if !wantDWARF && !wantSyms {
		if err != nil {
			t.Errorf("Check with Stripped: %v", err)
		}
		return
	}
	var me *MismatchError
	if !errors.As(err, &me) || !errors.Is(err, ErrMismatch) {
		t.Fatalf("Check with Stripped: got %v, want a *MismatchError", err)
	}
	if me.Field != FieldStripping || me.Want != "no DWARF and no symbol table" || !strings.Contains(me.Got, inGot) {
		t.Errorf("Check with Stripped: got %#v, want Field %q and %q in Got", *me, FieldStripping, inGot)
	}
	t.Logf("%v", err)
}

// TestStrippedCgo checks cgo binaries, linked by the external linker (gcc):
// Go passes -s to it, so the C objects' symbols and debug data go too.
func TestStrippedCgo(t *testing.T) {
	tests := []struct {
		key                 string
		wantDWARF, wantSyms bool
	}{
		{"cgo-dynamic", true, true},
		{"cgo-dynamic-s-w", false, false},
		{"cgo-static-s-w", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			t.Parallel()
			path := buildCgo(t, tc.key)
			checkStripping(t, path, wantOf(t, "linux/amd64"), tc.wantDWARF, tc.wantSyms, "(.symtab)")
		})
	}
}

// TestStripTools checks what the strip tools make of unstripped binaries:
// GNU strip and llvm-strip strip ELF, but llvm-strip leaves Go's
// compressed DWARF (.zdebug_*) in a PE file, which is why go-build strips
// Go binaries at link time rather than with llvm-strip.
func TestStripTools(t *testing.T) {
	needGo(t)
	tests := []struct {
		tool, target        string
		wantDWARF, wantSyms bool
	}{
		{"strip", "linux/amd64", false, false},
		{"llvm-strip", "linux/amd64", false, false},
		{"llvm-strip", "linux/arm64", false, false},
		{"llvm-strip", "windows/amd64", true, false},
	}
	for _, tc := range tests {
		t.Run(tc.tool+" "+tc.target, func(t *testing.T) {
			t.Parallel()
			tool, err := exec.LookPath(tc.tool)
			if err != nil {
				t.Skipf("%s is not on PATH", tc.tool)
			}
			if tc.tool == "strip" && !strings.Contains(tc.target, "amd64") {
				t.Skip("GNU strip strips the host's architecture only")
			}
			path := filepath.Join(t.TempDir(), "bin")
			if err := os.WriteFile(path, readFile(t, buildFor(t, tc.target)), 0o755); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(tool, path).CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", tc.tool, err, out)
			}
			checkStripping(t, path, wantOf(t, tc.target), tc.wantDWARF, tc.wantSyms, ".zdebug_")
		})
	}
}

func TestDebugDataText(t *testing.T) {
	tests := []struct {
		info Info
		want string
	}{
		{Info{Format: FormatELF}, "no DWARF and no symbol table"},
		{Info{Format: FormatELF, Symbols: 12}, "a symbol table (.symtab) of 12 entries"},
		{Info{Format: FormatPE, DWARF: []string{".zdebug_info", ".zdebug_line"}, Symbols: 3},
			"DWARF sections .zdebug_info, .zdebug_line and a COFF symbol table of 3 symbols"},
		{Info{Format: FormatMachO, DWARF: []string{"a", "b", "c", "d", "e"}},
			"DWARF sections a, b, c, ... (5 in all)"},
		{Info{Format: FormatMachO, Symbols: 2}, "2 defined or debugging symbols in LC_SYMTAB"},
	}
	for _, tc := range tests {
		if got := tc.info.debugData(); got != tc.want {
			t.Errorf("debugData(%+v) = %q, want %q", tc.info, got, tc.want)
		}
		if got, want := tc.info.Stripped(), tc.want == "no DWARF and no symbol table"; got != want {
			t.Errorf("Stripped(%+v) = %v, want %v", tc.info, got, want)
		}
	}
}
