package vulnreport

import (
	"bytes"
	"dagger/go-build/internal/golden"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dagger/go-build/internal/errtest"
)

// The inputs are real govulncheck v1.10.0 -format json outputs on a
// fixture module calling (source-called), only importing
// (source-imported) a vulnerable package, and on its binary (binary).
func TestReportGolden(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string
	}{
		{"source-called.json", "GO-2099-0001 (CVE-2099-0001, GHSA-xxxx-yyyy-zzzz) in example.com/vulnlib@v1.0.0 (fixed in example.com/vulnlib@v1.2.0): " +
			"example.com/vulnapp.main (main.go:10:17) -> example.com/vulnapp.run (main.go:14:23) -> example.com/vulnlib.Decode"},
		{"source-imported.json", ""},
		{"binary.json", "GO-2099-0001 (CVE-2099-0001, GHSA-xxxx-yyyy-zzzz) in example.com/vulnlib@v1.0.0 (fixed in example.com/vulnlib@v1.2.0): example.com/vulnlib.Decode"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", tt.in))
			if err != nil {
				t.Fatal(err)
			}
			text, err := Report(in)
			errtest.Check(t, err, ErrVulnerable, tt.wantErr)
			golden.Check(t, filepath.Join("testdata", strings.TrimSuffix(tt.in, ".json")+".txt"), []byte(text))
		})
	}
}

func TestParseConfig(t *testing.T) {
	in, err := os.ReadFile(filepath.Join("testdata", "source-called.json"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if s.Config.ScannerVersion != GovulncheckVersion || s.Config.ScanMode != "source" || s.Config.ScanLevel != "symbol" || len(s.Findings) != 3 || s.OSVs["GO-2099-0001"] == nil {
		t.Errorf("config %+v, %d findings, osvs %v", s.Config, len(s.Findings), s.OSVs)
	}
	v := s.Vulnerabilities()
	if len(v) != 1 || v[0].Level != Reachable || v[0].Module != "example.com/vulnlib" || v[0].Found != "v1.0.0" || v[0].Fixed != "v1.2.0" {
		t.Errorf("vulnerabilities %+v", v)
	}
}

func TestParseErrors(t *testing.T) {
	for in, wantErr := range map[string]string{
		"":                "no config message",
		`{"progress":{}}`: "no config message",
		`{"config":{"protocol_version":"v2.0.0"}}`:                            `protocol version "v2.0.0": want v1.x`,
		`{"config":{"protocol_version":"v1.0.0"}} {`:                          "message 2:",
		`{"config":{"protocol_version":"v1.0.0"}} {"finding":{"osv":"GO-1"}}`: "message 2: a finding without an advisory or a trace",
		`{"config":{"protocol_version":"v1.0.0"}} {"osv":{"summary":"x"}}`:    "message 2: an osv entry without an id",
		"Scanning your code...":                                               "message 1:",
	} {
		_, err := Parse(strings.NewReader(in))
		errtest.Check(t, err, ErrStream, wantErr)
	}
}

func TestLevels(t *testing.T) {
	stream := `{"config":{"protocol_version":"v1.0.0"}}
{"osv":{"id":"GO-2024-0002","aliases":["CVE-1"],"details":"first line\nmore"}}
{"finding":{"osv":"GO-2024-0001","fixed_version":"v1.26.9","trace":[{"module":"stdlib","version":"v1.26.8","package":"net/http"}]}}
{"finding":{"osv":"GO-2024-0002","trace":[{"module":"example.com/a","version":"v0.1.0"}]}}
{"finding":{"osv":"GO-2024-0003","fixed_version":"v2.0.1","trace":[{"module":"example.com/b/v2","version":"v2.0.0","package":"example.com/b/v2/x","function":"Get","receiver":"*Client"},{"module":"example.com/m","package":"example.com/m","function":"main","position":{"filename":"m.go","line":3,"column":4}}]}}
{"finding":{"osv":"GO-2024-0003","fixed_version":"v2.0.1","trace":[{"module":"example.com/b/v2","version":"v2.0.0","package":"example.com/b/v2/x","function":"Put","receiver":"Client"},{"module":"example.com/m","package":"example.com/m","function":"init"}]}}
`
	s, err := Parse(strings.NewReader(stream))
	if err != nil {
		t.Fatal(err)
	}
	v := s.Vulnerabilities()
	if len(v) != 3 || v[0].ID != "GO-2024-0003" || v[1].ID != "GO-2024-0001" || v[2].ID != "GO-2024-0002" {
		t.Fatalf("order %+v: want reachable, imported, required", v)
	}
	if v[0].Level != Reachable || v[1].Level != Imported || v[2].Level != Required {
		t.Errorf("levels %v %v %v", v[0].Level, v[1].Level, v[2].Level)
	}
	want := []string{"example.com/m.main (m.go:3:4) -> example.com/b/v2/x.(*Client).Get", "example.com/m.init -> example.com/b/v2/x.Client.Put"}
	if strings.Join(v[0].CallPaths, "|") != strings.Join(want, "|") {
		t.Errorf("call paths %q, want %q", v[0].CallPaths, want)
	}
	if v[2].Summary != "first line" || v[2].Fixed != "" {
		t.Errorf("required: %+v", v[2])
	}
	text := Text(v)
	for _, s := range []string{
		"GO-2024-0001: \n  module: stdlib@v1.26.8, fixed in stdlib@v1.26.9\n  imported, but no vulnerable function is called (informational)\n",
		"GO-2024-0002 (CVE-1): first line\n  module: example.com/a@v0.1.0, no fixed version\n  required, but no vulnerable package is imported (informational)\n",
		"1 reachable, 1 imported only, 1 required only\n",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("text lacks %q:\n%s", s, text)
		}
	}
	err = Check(v)
	errtest.Check(t, err, ErrVulnerable, "GO-2024-0003 in example.com/b/v2@v2.0.0 (fixed in example.com/b/v2@v2.0.1): example.com/m.main (m.go:3:4) -> example.com/b/v2/x.(*Client).Get; example.com/m.init")
	if strings.Contains(err.Error(), "GO-2024-0001") || strings.Contains(err.Error(), "GO-2024-0002") {
		t.Errorf("informational findings fail: %v", err)
	}
	if Check(nil) != nil {
		t.Error("no findings fail")
	}
}

func TestValidDB(t *testing.T) {
	for db, want := range map[string]string{
		"":                        DefaultDB,
		"https://vuln.go.dev":     "https://vuln.go.dev",
		"http://127.0.0.1:8080/x": "http://127.0.0.1:8080/x",
		"file:///tmp/db":          "file:///tmp/db",
	} {
		got, err := ValidDB(db)
		if err != nil || got != want {
			t.Errorf("ValidDB(%q) = %q, %v; want %q", db, got, err, want)
		}
	}
	for db, wantErr := range map[string]string{
		"file://tmp/db":                   `db "file://tmp/db": want file:///absolute/path (three slashes)`,
		"file:db":                         `db "file:db": want file:///absolute/path`,
		"/tmp/db":                         `db "/tmp/db": want an https:// URL or file:///absolute/path`,
		"ftp://x/db":                      `db "ftp://x/db"`,
		"https://":                        `db "https://": no host`,
		"https://user:s3cret@example.com": "https://user:xxxxx@example.com: credentials in the URL are refused",
	} {
		_, err := ValidDB(db)
		errtest.Check(t, err, ErrInvalidOption, wantErr)
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("the error shows the password: %v", err)
		}
	}
}

var fixtureAdvisory = Advisory{
	ID: "GO-2099-0001", Aliases: []string{"CVE-2099-0001"},
	Summary: "Decode panics on crafted input in example.com/vulnlib", Details: "Decode panics on crafted input.",
	Module: "example.com/vulnlib", Introduced: "0", Fixed: "1.2.0", Symbols: []string{"Decode"},
	Modified: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC),
}

func TestDatabase(t *testing.T) {
	other := fixtureAdvisory
	other.ID, other.Fixed, other.Package, other.Symbols = "GO-2099-0002", "", "example.com/vulnlib/sub", nil
	other.Modified = other.Modified.Add(24 * time.Hour)
	files, err := Database([]Advisory{other, fixtureAdvisory})
	if err != nil {
		t.Fatal(err)
	}
	var all bytes.Buffer
	for _, name := range []string{"index/db.json", "index/modules.json", "ID/GO-2099-0001.json", "ID/GO-2099-0002.json"} {
		if files[name] == nil {
			t.Fatalf("no %s in %v", name, files)
		}
		all.WriteString("== " + name + "\n")
		all.Write(files[name])
		all.WriteString("\n")
	}
	if len(files) != 4 {
		t.Errorf("%d files, want 4", len(files))
	}
	golden.Check(t, filepath.Join("testdata", "database.txt"), all.Bytes())

	for _, tt := range []struct {
		edit    func(*Advisory)
		wantErr string
	}{
		{func(a *Advisory) { a.ID = "CVE-2099-1" }, `advisory "CVE-2099-1": want an ID such as GO-2024-0001`},
		{func(a *Advisory) { a.Module = "" }, "advisory GO-2099-0001: no module"},
		{func(a *Advisory) { a.Fixed = "v1.2.0" }, `fixed "v1.2.0": want a version without v`},
		{func(a *Advisory) { a.Introduced = "" }, `introduced "": want 0 or a version without v`},
		{func(a *Advisory) { a.Modified = time.Time{} }, "no modified time"},
	} {
		a := fixtureAdvisory
		tt.edit(&a)
		_, err := Database([]Advisory{a})
		errtest.Check(t, err, ErrInvalidOption, tt.wantErr)
	}
	_, err = Database([]Advisory{fixtureAdvisory, fixtureAdvisory})
	errtest.Check(t, err, ErrInvalidOption, "advisory GO-2099-0001 given twice")
	_, err = Database(nil)
	errtest.Check(t, err, ErrInvalidOption, "a database needs an advisory")
}

// govulncheck finds the pinned govulncheck on PATH or in GOPATH/bin, or
// installs it from the module proxy into a temporary directory; it skips
// the test when that fails (offline).
func govulncheck(t *testing.T) string {
	t.Helper()
	var candidates []string
	if p, err := exec.LookPath("govulncheck"); err == nil {
		candidates = append(candidates, p)
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		for _, dir := range filepath.SplitList(strings.TrimSpace(string(out))) {
			candidates = append(candidates, filepath.Join(dir, "bin", "govulncheck"))
		}
	}
	for _, c := range candidates {
		if out, err := exec.Command(c, "-version").CombinedOutput(); err == nil && strings.Contains(string(out), "govulncheck@"+GovulncheckVersion) {
			return c
		}
	}
	bin := t.TempDir()
	cmd := exec.Command("go", "install", GovulncheckPackage+"@"+GovulncheckVersion)
	cmd.Env = append(os.Environ(), "GOBIN="+bin, "GOFLAGS=", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("govulncheck %s is not installable here: %v\n%s", GovulncheckVersion, err, out)
	}
	return filepath.Join(bin, "govulncheck")
}

func writeFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRealGovulncheck runs the pinned govulncheck on a fixture module that
// calls example.com/vulnlib's Decode (vendored at v1.0.0, so the module has
// a version with no network), against a local database this test writes
// with one advisory on Decode: the finding is reachable with its call
// path; once the fixture calls Safe instead, it is only imported.
func TestRealGovulncheck(t *testing.T) {
	if testing.Short() {
		t.Skip("runs govulncheck")
	}
	bin := govulncheck(t)
	dir := t.TempDir()
	files, err := Database([]Advisory{fixtureAdvisory})
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, filepath.Join(dir, "db"), files)
	lib := "package vulnlib\n\n// Decode is the vulnerable function.\n//\n//go:noinline\nfunc Decode(s string) string { return s + \"!\" }\n\n" +
		"// Safe is not.\n//\n//go:noinline\nfunc Safe(s string) string { return s }\n"
	app := func(call string) []byte {
		return []byte("package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/vulnlib\"\n)\n\nfunc main() {\n\tfmt.Println(run(\"x\"))\n}\n\n" +
			"func run(s string) string {\n\treturn vulnlib." + call + "(s)\n}\n")
	}
	mod := filepath.Join(dir, "app")
	writeFiles(t, mod, map[string][]byte{
		"go.mod":                            []byte("module example.com/vulnapp\n\ngo 1.22\n\nrequire example.com/vulnlib v1.0.0\n"),
		"vendor/modules.txt":                []byte("# example.com/vulnlib v1.0.0\n## explicit; go 1.22\nexample.com/vulnlib\n"),
		"vendor/example.com/vulnlib/lib.go": []byte(lib),
		"main.go":                           app("Decode"),
	})
	db := "file://" + filepath.ToSlash(filepath.Join(dir, "db"))
	if _, err := ValidDB(db); err != nil {
		t.Fatal(err)
	}
	scan := func(args ...string) *Stream {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"-db", db, "-format", "json"}, args...)...)
		cmd.Dir = mod
		cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off", "GOTOOLCHAIN=local")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("govulncheck %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		s, err := Parse(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return s
	}

	v := scan("./...").Vulnerabilities()
	err = Check(v)
	errtest.Check(t, err, ErrVulnerable, "GO-2099-0001 (CVE-2099-0001) in example.com/vulnlib@v1.0.0 (fixed in example.com/vulnlib@v1.2.0): "+
		"example.com/vulnapp.main (main.go:10:17) -> example.com/vulnapp.run (main.go:14:23) -> example.com/vulnlib.Decode")

	// The binary: the symbol is in it.
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "vulnapp"), ".")
	build.Dir, build.Env = mod, append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	v = scan("-mode", "binary", filepath.Join(dir, "vulnapp")).Vulnerabilities()
	errtest.Check(t, Check(v), ErrVulnerable, "GO-2099-0001 (CVE-2099-0001) in example.com/vulnlib@v1.0.0 (fixed in example.com/vulnlib@v1.2.0): example.com/vulnlib.Decode")

	// The fixture stops calling Decode: imported only, not a failure.
	writeFiles(t, mod, map[string][]byte{"main.go": app("Safe")})
	v = scan("./...").Vulnerabilities()
	if err := Check(v); err != nil {
		t.Errorf("Safe only: %v", err)
	}
	if len(v) != 1 || v[0].ID != "GO-2099-0001" || v[0].Level != Imported {
		t.Errorf("Safe only: %+v, want GO-2099-0001 imported", v)
	}
}
