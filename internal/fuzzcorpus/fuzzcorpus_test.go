package fuzzcorpus

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"dagger/go-build/internal/errtest"
)

func TestMarshal(t *testing.T) {
	tests := []struct {
		name   string
		values []any
		want   string
	}{
		{"string and int", []any{"GO0", 18}, "string(\"GO0\")\nint(18)\n"},
		{"bytes, byte, float, bool, rune", []any{[]byte("\xff0"), uint8('V'), 1.5, true, int32(0x1f)},
			"[]byte(\"\\xff0\")\nbyte('V')\nfloat64(1.5)\nbool(true)\nrune('\\x1f')\n"},
		{"sized ints", []any{int8(-8), int16(-16), int64(-64), uint(1), uint16(16), uint32(32), uint64(math.MaxUint64)},
			"int8(-8)\nint16(-16)\nint64(-64)\nuint(1)\nuint16(16)\nuint32(32)\nuint64(18446744073709551615)\n"},
		{"an int32 that is not a rune", []any{int32(-1)}, "int32(-1)\n"},
		{"high bytes", []any{uint8(0xff), uint8(0x80)}, "byte('ÿ')\nbyte('\\u0080')\n"},
		{"floats", []any{float32(0.25), math.Inf(-1), math.NaN(), float32(math.Inf(1))},
			"float32(0.25)\nfloat64(-Inf)\nfloat64(NaN)\nfloat32(+Inf)\n"},
		{"a NaN with its own bits", []any{math.Float64frombits(0x7ff8000000000002), math.Float32frombits(0x7fc00001)},
			"math.Float64frombits(0x7ff8000000000002)\nmath.Float32frombits(0x7fc00001)\n"},
		{"unicode string", []any{"héllo\n\"x\""}, "string(\"héllo\\n\\\"x\\\"\")\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Marshal(tt.values...)
			if err != nil {
				t.Fatal(err)
			}
			if want := Header + "\n" + tt.want; string(got) != want {
				t.Errorf("Marshal:\n%s\nwant:\n%s", got, want)
			}
			back, err := Unmarshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if !sameValues(back, tt.values) {
				t.Errorf("Unmarshal(Marshal(%#v)) = %#v", tt.values, back)
			}
		})
	}
}

// sameValues compares values as Go's corpus does: floats by bits.
func sameValues(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		switch x := a[i].(type) {
		case float64:
			y, ok := b[i].(float64)
			if !ok || math.Float64bits(x) != math.Float64bits(y) {
				return false
			}
		case float32:
			y, ok := b[i].(float32)
			if !ok || math.Float32bits(x) != math.Float32bits(y) {
				return false
			}
		default:
			if !reflect.DeepEqual(a[i], b[i]) {
				return false
			}
		}
	}
	return true
}

func TestMarshalErrors(t *testing.T) {
	_, err := Marshal()
	errtest.Check(t, err, ErrCorpus, "no values")
	_, err = Marshal("x", struct{}{})
	errtest.Check(t, err, ErrCorpus, "value 2: type struct {}: want string, []byte, bool")
}

func TestUnmarshal(t *testing.T) {
	tests := []struct {
		in      string
		want    []any
		wantErr string
	}{
		{in: Header + "\r\nint(-0x10)\n\n  uint8(7)  \nbyte(65)\nrune(-1)\nfloat64(3)\nfloat32(-Inf)\n[]uint8(\"a\")\n",
			want: []any{-16, uint8(7), uint8(65), int32(-1), float64(3), float32(math.Inf(-1)), []byte("a")}},
		{in: "", wantErr: `first line "": want "go test fuzz v1"`},
		{in: "go test fuzz v2\nint(1)\n", wantErr: `first line "go test fuzz v2"`},
		{in: Header + "\n", wantErr: "no values after"},
		{in: Header + "\nint(1\n", wantErr: `line 2 "int(1": not a Go expression`},
		{in: Header + "\n\"x\"\n", wantErr: `want a conversion such as string("x")`},
		{in: Header + "\nint(1, 2)\n", wantErr: "want a conversion"},
		{in: Header + "\ncomplex128(1)\n", wantErr: "type complex128: want string"},
		{in: Header + "\n[4]byte(\"abcd\")\n", wantErr: "want a conversion to a basic type"},
		{in: Header + "\nos.Exit(1)\n", wantErr: "want a conversion to a basic type"},
		{in: Header + "\nmath.Sqrt(1)\n", wantErr: "type math.Sqrt: want string"},
		{in: Header + "\nstring(1)\n", wantErr: "string needs a string literal"},
		{in: Header + "\nbool(1)\n", wantErr: "bool needs true or false"},
		{in: Header + "\nint8(200)\n", wantErr: "int8: value out of range"},
		{in: Header + "\nuint(-1)\n", wantErr: "uint: invalid syntax"},
		{in: Header + "\nbyte('ā')\n", wantErr: "above 0xff"},
		{in: Header + "\nint(!1)\n", wantErr: "operator !"},
		{in: Header + "\nfloat64(x)\n", wantErr: "float64 needs a number, Inf or NaN"},
		{in: Header + "\nint(1.5)\n", wantErr: "int needs an integer literal"},
		{in: Header + "\nmath.Float64frombits(-1)\n", wantErr: "needs an unsigned integer literal"},
	}
	for _, tt := range tests {
		got, err := Unmarshal([]byte(tt.in))
		errtest.Check(t, err, ErrCorpus, tt.wantErr)
		if err == nil && !sameValues(got, tt.want) {
			t.Errorf("Unmarshal(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

// TestRealCorpusFiles reads the inputs go test -fuzz wrote (Go 1.26) and
// writes them back byte for byte.
func TestRealCorpusFiles(t *testing.T) {
	for name, want := range map[string][]any{
		"FuzzParse-5c8af0d2f6d57a78": {"GO0", 13},
		"FuzzBoom-9b79aa4770c06a45":  nil, // checked by the round trip
	} {
		data, err := os.ReadFile(filepath.Join("testdata", "real", name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := Unmarshal(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want != nil && !sameValues(got, want) {
			t.Errorf("%s: %#v, want %#v", name, got, want)
		}
		again, err := Marshal(got...)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, data) {
			t.Errorf("%s does not write back the same:\n%s\nwant:\n%s", name, again, data)
		}
	}
}

func TestParseCrash(t *testing.T) {
	tests := []struct {
		file string
		want Crash
	}{
		{"error-output.txt", Crash{
			Target: "FuzzParse", ID: "5c8af0d2f6d57a78", Input: "testdata/fuzz/FuzzParse/5c8af0d2f6d57a78",
			Message: `fz_test.go:9: Parse("GO0", 13) rejected its input`,
			Report:  "fz_test.go:9: Parse(\"GO0\", 13) rejected its input\n",
			Rerun:   "go test -run=FuzzParse/5c8af0d2f6d57a78",
		}},
		{"exit-output.txt", Crash{
			Target: "FuzzExit", ID: "ca0e90f78103bf43", Input: "testdata/fuzz/FuzzExit/ca0e90f78103bf43",
			Message: "fuzzing process hung or terminated unexpectedly: exit status 3",
			Report:  "fuzzing process hung or terminated unexpectedly: exit status 3\n",
			Rerun:   "go test -run=FuzzExit/ca0e90f78103bf43",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			out, err := os.ReadFile(filepath.Join("testdata", "real", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, ok := ParseCrash(string(out))
			if !ok || got != tt.want {
				t.Errorf("ParseCrash = %+v, %v\nwant %+v", got, ok, tt.want)
			}
		})
	}
	out, err := os.ReadFile(filepath.Join("testdata", "real", "panic-output.txt"))
	if err != nil {
		t.Fatal(err)
	}
	c, ok := ParseCrash(string(out))
	if !ok || c.Target != "FuzzBoom" || c.Input != "testdata/fuzz/FuzzBoom/9b79aa4770c06a45" ||
		c.Message != "testing.go:1927: panic: assignment to entry in nil map" ||
		!strings.Contains(c.Report, "\n    goroutine ") || !strings.Contains(c.Report, "p_test.go:10") {
		t.Errorf("panic crash: %+v, %v", c, ok)
	}
	for _, none := range []string{"seed-failure-output.txt"} {
		out, err := os.ReadFile(filepath.Join("testdata", "real", none))
		if err != nil {
			t.Fatal(err)
		}
		if c, ok := ParseCrash(string(out)); ok {
			t.Errorf("%s: a crash found: %+v", none, c)
		}
	}
	for _, none := range []string{"", "fuzz: elapsed: 1m0s, execs: 100 (1/sec)\nPASS\nok  \texample.com/fz\t60.1s\n",
		"    Failing input written to testdata/fuzz/FuzzX/../../../etc/passwd\n"} {
		if c, ok := ParseCrash(none); ok {
			t.Errorf("ParseCrash(%q) = %+v", none, c)
		}
	}
}

func TestSeedFailures(t *testing.T) {
	out, err := os.ReadFile(filepath.Join("testdata", "real", "seed-failure-output.txt"))
	if err != nil {
		t.Fatal(err)
	}
	got := SeedFailures(string(out))
	if want := []SeedFailure{{"FuzzParse", "5c8af0d2f6d57a78"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("SeedFailures = %v, want %v", got, want)
	}
}

func TestValidTarget(t *testing.T) {
	for name, wantErr := range map[string]string{
		"FuzzParse": "", "Fuzz": "", "Fuzz_x": "", "Fuzz2": "", "FuzzÉcole": "",
		"Fuzzy":      `target "Fuzzy": go test runs only Fuzz followed by an upper-case letter, a digit or _ (FuzzParse), not "Fuzzy"`,
		"TestParse":  `target "TestParse": want a fuzz test's name, starting with Fuzz`,
		"":           `target "": want a fuzz test's name`,
		"FuzzP.*":    `target "FuzzP.*": want a Go function name (letters, digits, _), not a pattern`,
		"FuzzA/seed": `target "FuzzA/seed": want a Go function name`,
		"Fuzz../x":   `target "Fuzz../x"`,
	} {
		errtest.Check(t, ValidTarget(name), ErrInvalidOption, wantErr)
	}
}

func TestValidPackage(t *testing.T) {
	for pkg, wantErr := range map[string]string{
		"./parser": "", ".": "", "example.com/m/parser": "",
		"./...":   `package "./...": go test -fuzz runs one package; name it, such as .`,
		"./p/...": `name it, such as ./p`,
		"./a,./b": `package "./a,./b": want one Go package`,
		"":        `package "": want one Go package`,
		"-o":      `package "-o"`,
		"std":     `package "std": want one package of the project`,
		"./a b":   `package "./a b"`,
	} {
		errtest.Check(t, ValidPackage(pkg), ErrInvalidOption, wantErr)
	}
}

func TestValidFuzztime(t *testing.T) {
	for s, wantErr := range map[string]string{
		"60s": "", "5m": "", "1h30m": "", "10000x": "", "1x": "",
		"":                      `fuzztime "": want a positive duration`,
		"0s":                    `fuzztime "0s": want a positive duration`,
		"-5s":                   `fuzztime "-5s"`,
		"60":                    `fuzztime "60"`,
		"0x":                    `fuzztime "0x": want a positive number of runs`,
		"99999999999999999999x": `fuzztime "99999999999999999999x"`,
		"forever":               `fuzztime "forever"`,
	} {
		errtest.Check(t, ValidFuzztime(s), ErrInvalidOption, wantErr)
	}
}

func TestPaths(t *testing.T) {
	if got := SeedDir("FuzzParse"); got != "testdata/fuzz/FuzzParse" {
		t.Errorf("SeedDir = %q", got)
	}
	if got := CacheDir("/root/.cache/go-build", "example.com/m/parser", "FuzzParse"); got != "/root/.cache/go-build/fuzz/example.com/m/parser/FuzzParse" {
		t.Errorf("CacheDir = %q", got)
	}
	got, err := EntryPath("FuzzParse", "5c8af0d2f6d57a78")
	if err != nil || got != "testdata/fuzz/FuzzParse/5c8af0d2f6d57a78" {
		t.Errorf("EntryPath = %q, %v", got, err)
	}
	_, err = EntryPath("FuzzParse", "../x")
	errtest.Check(t, err, ErrInvalidOption, `corpus entry "../x": want the hexadecimal name`)
	_, err = EntryPath("parse", "5c8af0d2f6d57a78")
	errtest.Check(t, err, ErrInvalidOption, `target "parse"`)
}

// TestRealFuzzCrash runs go test -fuzz on a fuzz target with a planted
// crash in a throwaway module, then reads the crash from its output, the
// input it wrote, and the generated corpus in the fuzz cache.
func TestRealFuzzCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test -fuzz")
	}
	dir := t.TempDir()
	const module = "example.com/gobuildfuzzcrash"
	files := map[string]string{
		"go.mod": "module " + module + "\n\ngo 1.22\n",
		"p/p.go": "package p\n\n// Accept rejects inputs that start with GO and a number above 3.\nfunc Accept(s string, n int) bool {\n" +
			"\treturn !(len(s) > 2 && s[0] == 'G' && s[1] == 'O' && n > 3)\n}\n",
		"p/p_test.go": "package p\n\nimport \"testing\"\n\nfunc FuzzAccept(f *testing.F) {\n\tf.Add(\"hello\", 1)\n" +
			"\tf.Fuzz(func(t *testing.T, s string, n int) {\n\t\tif !Accept(s, n) {\n\t\t\tt.Errorf(\"Accept(%q, %d) is false\", s, n)\n\t\t}\n\t})\n}\n",
	}
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := ValidTarget("FuzzAccept"); err != nil {
		t.Fatal(err)
	}
	// The user's build cache: a fresh one would rebuild the standard
	// library with fuzzing instrumentation. The corpus this run generates
	// there is removed after.
	goenv, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Skipf("go env GOCACHE: %v", err)
	}
	gocache := strings.TrimSpace(string(goenv))
	t.Cleanup(func() { os.RemoveAll(filepath.Join(gocache, "fuzz", module)) })
	cmd := exec.Command("go", "test", "-fuzz=^FuzzAccept$", "-fuzztime=120s", "-parallel=2", "./p")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off", "GOCACHE="+gocache)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("go test -fuzz found no crash in 120s:\n%s", out)
	}
	c, ok := ParseCrash(string(out))
	if !ok {
		t.Fatalf("no crash in the output:\n%s", out)
	}
	if c.Target != "FuzzAccept" || !strings.HasPrefix(c.Message, "p_test.go:") || !strings.Contains(c.Message, "is false") ||
		c.Rerun != "go test -run=FuzzAccept/"+c.ID {
		t.Errorf("crash %+v\nfrom:\n%s", c, out)
	}
	want, err := EntryPath("FuzzAccept", c.ID)
	if err != nil || want != c.Input {
		t.Errorf("EntryPath = %q, %v; go test wrote %s", want, err, c.Input)
	}
	data, err := os.ReadFile(filepath.Join(dir, "p", c.Input))
	if err != nil {
		t.Fatalf("the crash's input: %v", err)
	}
	values, err := Unmarshal(data)
	if err != nil {
		t.Fatalf("%s: %v\n%s", c.Input, err, data)
	}
	s, ok1 := values[0].(string)
	n, ok2 := values[1].(int)
	if len(values) != 2 || !ok1 || !ok2 || !(len(s) > 2 && strings.HasPrefix(s, "GO") && n > 3) {
		t.Errorf("the crash's input %#v does not crash the planted check", values)
	}
	if again, _ := Marshal(values...); !bytes.Equal(again, data) {
		t.Errorf("the input does not write back the same:\n%s\nwant:\n%s", again, data)
	}
	// The generated corpus is where CacheDir says (it may hold no entry
	// when the crash came before any new input).
	if _, err := os.Stat(CacheDir(gocache, module+"/p", "FuzzAccept")); err != nil {
		t.Errorf("the fuzz cache: %v", err)
	}
	// Run again without -fuzz: the committed input now fails as a seed.
	cmd = exec.Command("go", "test", "./p")
	cmd.Dir, cmd.Env = dir, append(os.Environ(), "GOFLAGS=", "GOWORK=off", "GOCACHE="+gocache)
	out, _ = cmd.CombinedOutput()
	if got := SeedFailures(string(out)); len(got) != 1 || got[0] != (SeedFailure{"FuzzAccept", c.ID}) {
		t.Errorf("SeedFailures = %v\n%s", got, out)
	}
}
