package coverage

import (
	"bytes"
	"dagger/go-build/internal/golden"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dagger/go-build/internal/errtest"
)

func mustParse(t *testing.T, name, text string) *Profile {
	t.Helper()
	p, err := Parse(name, strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // Format of the result
		wantErr  string
	}{
		{name: "sorted by file and position",
			in:   "mode: set\nb.go:3.1,4.2 1 1\na.go:9.1,9.5 1 0\na.go:2.10,3.2 2 1\n",
			want: "mode: set\na.go:2.10,3.2 2 1\na.go:9.1,9.5 1 0\nb.go:3.1,4.2 1 1\n"},
		{name: "concatenated profiles of one mode, a block twice (set ORs)",
			in:   "mode: set\na.go:1.1,2.2 1 0\nmode: set\na.go:1.1,2.2 1 1\n\n",
			want: "mode: set\na.go:1.1,2.2 1 1\n"},
		{name: "count adds a block listed twice",
			in:   "mode: count\na.go:1.1,2.2 1 3\na.go:1.1,2.2 1 4\n",
			want: "mode: count\na.go:1.1,2.2 1 7\n"},
		{name: "a Windows path keeps its colon",
			in:   "mode: atomic\nC:/src/m/a.go:1.1,2.2 1 3\n",
			want: "mode: atomic\nC:/src/m/a.go:1.1,2.2 1 3\n"},
		{name: "empty", in: "", wantErr: "x.out: empty, want a \"mode:\" line first"},
		{name: "block before mode", in: "a.go:1.1,2.2 1 1\n", wantErr: `x.out line 1: "a.go:1.1,2.2 1 1" before the "mode:" line`},
		{name: "unknown mode", in: "mode: often\n", wantErr: `x.out line 1: mode "often": want one of set, count, atomic`},
		{name: "two modes", in: "mode: set\nmode: count\n", wantErr: "x.out line 2: mode count after mode set"},
		{name: "missing field", in: "mode: set\na.go:1.1,2.2 1\n", wantErr: `x.out line 2: "a.go:1.1,2.2 1": want file:startLine.startCol,endLine.endCol numStmts count`},
		{name: "no file", in: "mode: set\n:1.1,2.2 1 1\n", wantErr: "no file name"},
		{name: "bad position", in: "mode: set\na.go:1.1-2.2 1 1\n", wantErr: `position "1.1-2.2": want startLine.startCol,endLine.endCol`},
		{name: "bad column", in: "mode: set\na.go:1.x,2.2 1 1\n", wantErr: `position "1.x": want line.column`},
		{name: "backwards", in: "mode: set\na.go:5.1,2.2 1 1\n", wantErr: `position "5.1,2.2" ends before it starts`},
		{name: "negative count", in: "mode: count\na.go:1.1,2.2 1 -1\n", wantErr: `count "-1": want a count`},
		{name: "set count above 1", in: "mode: set\na.go:1.1,2.2 1 2\n", wantErr: "count 2 in a set profile: want 0 or 1"},
		{name: "same block, other statements", in: "mode: set\na.go:1.1,2.2 1 1\na.go:1.1,2.2 2 1\n", wantErr: "a.go: block 1.1,2.2 has 1 statements and 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse("x.out", strings.NewReader(tt.in))
			errtest.Check(t, err, ErrProfile, tt.wantErr)
			if err == nil && string(p.Format()) != tt.want {
				t.Errorf("Format:\n%s\nwant:\n%s", p.Format(), tt.want)
			}
		})
	}
}

func TestMergeModes(t *testing.T) {
	a := "a.go:1.1,2.2 2 %s\n"
	line := func(c string) string { return strings.Replace(a, "%s", c, 1) }
	tests := []struct {
		name     string
		profiles []PlatformProfile
		want     string
		wantErr  string
	}{
		{name: "set ORs",
			profiles: []PlatformProfile{
				{"linux/amd64", mustParse(t, "a", "mode: set\n"+line("0"))},
				{"linux/arm64", mustParse(t, "b", "mode: set\n"+line("1"))},
			},
			want: "mode: set\n" + line("1")},
		{name: "set stays 0 when no platform ran it",
			profiles: []PlatformProfile{
				{"linux/amd64", mustParse(t, "a", "mode: set\n"+line("0"))},
				{"linux/arm64", mustParse(t, "b", "mode: set\n"+line("0"))},
			},
			want: "mode: set\n" + line("0")},
		{name: "count sums",
			profiles: []PlatformProfile{
				{"linux/amd64", mustParse(t, "a", "mode: count\n"+line("3"))},
				{"linux/arm64", mustParse(t, "b", "mode: count\n"+line("4"))},
			},
			want: "mode: count\n" + line("7")},
		{name: "atomic sums",
			profiles: []PlatformProfile{
				{"linux/amd64", mustParse(t, "a", "mode: atomic\n"+line("3"))},
				{"linux/arm64", mustParse(t, "b", "mode: atomic\n"+line("0"))},
			},
			want: "mode: atomic\n" + line("3")},
		{name: "mixed modes refused",
			profiles: []PlatformProfile{
				{"linux/amd64", mustParse(t, "a", "mode: set\n"+line("1"))},
				{"linux/arm64", mustParse(t, "b", "mode: count\n"+line("4"))},
			},
			wantErr: "linux/arm64's profile is -covermode=count, linux/amd64's is set: test every platform with one -covermode"},
		{name: "count and atomic refused too",
			profiles: []PlatformProfile{
				{"linux/amd64", mustParse(t, "a", "mode: atomic\n"+line("1"))},
				{"linux/arm64", mustParse(t, "b", "mode: count\n"+line("4"))},
			},
			wantErr: "linux/arm64's profile is -covermode=count, linux/amd64's is atomic"},
		{name: "different sources",
			profiles: []PlatformProfile{
				{"linux/amd64", mustParse(t, "a", "mode: set\na.go:1.1,2.2 2 1\n")},
				{"linux/s390x", mustParse(t, "b", "mode: set\na.go:1.1,2.2 3 1\n")},
			},
			wantErr: "a.go (in the profiles of linux/amd64, linux/s390x): block 1.1,2.2 has 2 statements and 3: the profiles are of different sources"},
		{name: "a platform twice",
			profiles: []PlatformProfile{
				{"linux/amd64", mustParse(t, "a", "mode: set\n"+line("1"))},
				{"linux/amd64", mustParse(t, "b", "mode: set\n"+line("1"))},
			},
			wantErr: "linux/amd64's profile given twice"},
		{name: "none", wantErr: "no profiles to merge"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Merge(tt.profiles)
			errtest.Check(t, err, ErrMerge, tt.wantErr)
			if err == nil && string(m.Profile.Format()) != tt.want {
				t.Errorf("merged:\n%s\nwant:\n%s", m.Profile.Format(), tt.want)
			}
		})
	}
}

func readProfiles(t *testing.T) []PlatformProfile {
	t.Helper()
	var out []PlatformProfile
	for _, plat := range []string{"linux/amd64", "linux/arm64", "linux/s390x"} {
		name := filepath.Join("testdata", strings.ReplaceAll(plat, "/", "-")+".out")
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Parse(name, f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, PlatformProfile{plat, p})
	}
	return out
}

// TestMergeGolden merges three platforms' profiles: greet.go on all of
// them, order_little.go on the little-endian ones, order_big.go on s390x
// only and simd_arm64.go on arm64 only.
func TestMergeGolden(t *testing.T) {
	profiles := readProfiles(t)
	m, err := Merge(profiles)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "merged.out"), m.Profile.Format())
	golden.Check(t, filepath.Join("testdata", "merged-summary.txt"), []byte(m.Summary().Text(len(profiles))))
	var each strings.Builder
	for _, p := range profiles {
		each.WriteString("== " + p.Platform + "\n" + Summarize(p.Profile).Text(0) + "\n")
	}
	golden.Check(t, filepath.Join("testdata", "platform-summaries.txt"), []byte(each.String()))

	// Merging in another order gives the same profile.
	slices.Reverse(profiles)
	again, err := Merge(profiles)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Profile.Format(), m.Profile.Format()) {
		t.Errorf("merge depends on the order of the platforms")
	}
}

func TestMergedPlatformOnlyFiles(t *testing.T) {
	m, err := Merge(readProfiles(t))
	if err != nil {
		t.Fatal(err)
	}
	s := m.Summary()
	get := func(file string) FileSummary {
		for _, f := range s.Files {
			if f.File == file {
				return f
			}
		}
		t.Fatalf("no %s in the summary", file)
		return FileSummary{}
	}
	simd := get("example.com/m/simd/simd_arm64.go")
	if !slices.Equal(simd.Platforms, []string{"linux/arm64"}) || simd.Statements != 4 || simd.Covered != 1 {
		t.Errorf("simd_arm64.go: %+v, want 1 of 4 statements on linux/arm64 only", simd)
	}
	big := get("example.com/m/endian/order_big.go")
	if !slices.Equal(big.Platforms, []string{"linux/s390x"}) || big.Percent() != 100 {
		t.Errorf("order_big.go: %+v, want 100%% on linux/s390x only", big)
	}
	greet := get("example.com/m/greet/greet.go")
	if len(greet.Platforms) != 3 || greet.Covered != 4 {
		t.Errorf("greet.go: %+v, want all 4 statements covered, on 3 platforms", greet)
	}
	// The arm64-only block keeps its count exactly.
	if b := m.Profile.Files["example.com/m/simd/simd_arm64.go"]; len(b) != 2 || b[0].Count != 7 || b[1].Count != 0 {
		t.Errorf("simd_arm64.go blocks %+v, want counts 7 and 0", b)
	}
}

func TestFormatRoundTrip(t *testing.T) {
	for _, p := range readProfiles(t) {
		again := mustParse(t, p.Platform, string(p.Profile.Format()))
		if !bytes.Equal(again.Format(), p.Profile.Format()) {
			t.Errorf("%s: Format does not read back", p.Platform)
		}
	}
}

func TestPercent(t *testing.T) {
	for _, tt := range []struct {
		f    FileSummary
		want float64
	}{
		{FileSummary{Statements: 0}, 0},
		{FileSummary{Statements: 4, Covered: 1}, 25},
		{FileSummary{Statements: 3, Covered: 3}, 100},
	} {
		if got := tt.f.Percent(); got != tt.want {
			t.Errorf("%+v: %v%%, want %v%%", tt.f, got, tt.want)
		}
	}
}

func TestFlags(t *testing.T) {
	tests := []struct {
		mode     string
		race     bool
		coverPkg string
		pkgs     []string
		want     string
		wantErr  string
	}{
		{want: "-cover -covermode=set -coverpkg=./..."},
		{race: true, want: "-cover -covermode=atomic -coverpkg=./..."},
		{mode: "count", pkgs: []string{"./greet/...", "./endian"}, want: "-cover -covermode=count -coverpkg=./greet/...,./endian"},
		{mode: "atomic", race: true, coverPkg: "example.com/m/...", pkgs: []string{"./..."}, want: "-cover -covermode=atomic -coverpkg=example.com/m/..."},
		{mode: "often", wantErr: `covermode "often": want one of set, count, atomic`},
		{mode: "count", race: true, wantErr: `covermode "count" with --race: the race detector needs atomic counters`},
		{coverPkg: "./a,,./b", wantErr: `coverpkg "": want Go package patterns separated by commas`},
		{coverPkg: "-x", wantErr: `coverpkg "-x"`},
		{coverPkg: "./...,std", wantErr: `coverpkg "std": the standard library is not the project's code`},
		{pkgs: []string{"all"}, wantErr: `coverpkg "all"`},
	}
	for _, tt := range tests {
		got, err := Flags(tt.mode, tt.race, tt.coverPkg, tt.pkgs)
		errtest.Check(t, err, ErrInvalidOption, tt.wantErr)
		if err == nil && strings.Join(got, " ") != tt.want {
			t.Errorf("Flags(%q, %v, %q, %q) = %q, want %q", tt.mode, tt.race, tt.coverPkg, tt.pkgs, got, tt.want)
		}
	}
}

// TestRealProfiles runs go test -coverprofile on a module with a file built
// only for 386 (which runs natively on amd64) and one built for every
// other architecture, for both, and merges the real profiles.
func TestRealProfiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test twice")
	}
	if out, err := exec.Command("go", "env", "GOHOSTARCH").Output(); err != nil || strings.TrimSpace(string(out)) != "amd64" {
		t.Skip("needs an amd64 host, where 386 binaries run natively")
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":        "module example.com/cov\n\ngo 1.22\n",
		"word.go":       "package cov\n\nfunc Word() int { return wordSize() }\n\nfunc Unused() int {\n\treturn 0\n}\n",
		"word_386.go":   "package cov\n\nfunc wordSize() int { return 4 }\n\nfunc only386() int {\n\treturn 32\n}\n",
		"word_other.go": "//go:build !386\n\npackage cov\n\nfunc wordSize() int {\n\treturn 8\n}\n",
		"word_test.go":  "package cov\n\nimport \"testing\"\n\nfunc TestWord(t *testing.T) {\n\tif Word() == 0 {\n\t\tt.Fatal(0)\n\t}\n}\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	flags, err := Flags("count", false, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var profiles []PlatformProfile
	for _, arch := range []string{"amd64", "386"} {
		out := filepath.Join(dir, arch+".out")
		cmd := exec.Command("go", append(append([]string{"test"}, flags...), "-coverprofile="+out, "./...")...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOARCH="+arch, "GOFLAGS=", "GOWORK=off", "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			if arch == "386" && strings.Contains(string(b), "exec format error") {
				t.Skip("this kernel does not run 386 binaries")
			}
			t.Fatalf("go test on %s: %v\n%s", arch, err, b)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Parse(out, f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		profiles = append(profiles, PlatformProfile{"linux/" + arch, p})
	}
	m, err := Merge(profiles)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range m.Summary().Files {
		got[filepath.Base(f.File)] = fmt.Sprintf("%s %.0f", strings.Join(f.Platforms, ","), f.Percent())
	}
	want := map[string]string{
		"word.go":       "linux/amd64,linux/386 50",
		"word_386.go":   "linux/386 50",
		"word_other.go": "linux/amd64 100",
	}
	for file, w := range want {
		if got[file] != w {
			t.Errorf("%s: %q, want %q (platforms, percent)\n%s", file, got[file], w, m.Summary().Text(2))
		}
	}
	// The merged word.go counts Word's block on both platforms: twice.
	if b := m.Profile.Files["example.com/cov/word.go"]; len(b) != 2 || b[0].Count != 2 {
		t.Errorf("word.go blocks %+v, want Word's count 2 (once per platform)", b)
	}
}
