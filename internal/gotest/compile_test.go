package gotest

import (
	"slices"
	"testing"

	"dagger/go-build/internal/platform"
)

func TestManifest(t *testing.T) {
	tests := []struct {
		name   string
		target string
		pkgs   []Package
		want   []Binary
	}{
		{
			name:   "packages without tests get no binary",
			target: "linux/arm64",
			pkgs:   []Package{{"example.com/m", ".", true}, {"example.com/m/none", "none", false}},
			want:   []Binary{{"example.com/m", ".", "example.com_m.test"}},
		},
		{
			name:   "same last element",
			target: "linux/amd64",
			pkgs:   []Package{{"example.com/m/a/util", "a/util", true}, {"example.com/m/b/util", "b/util", true}},
			want: []Binary{
				{"example.com/m/a/util", "a/util", "example.com_m_a_util.test"},
				{"example.com/m/b/util", "b/util", "example.com_m_b_util.test"},
			},
		},
		{
			name:   "import paths that sanitize alike",
			target: "linux/amd64",
			pkgs: []Package{
				{"example.com/m/a/b_c", "a/b_c", true},
				{"example.com/m/a_b/c", "a_b/c", true},
				{"example.com/m/a_b_c", "a_b_c", true},
			},
			want: []Binary{
				{"example.com/m/a/b_c", "a/b_c", "example.com_m_a_b_c.test"},
				{"example.com/m/a_b/c", "a_b/c", "example.com_m_a_b_c.2.test"},
				{"example.com/m/a_b_c", "a_b_c", "example.com_m_a_b_c.3.test"},
			},
		},
		{
			name:   "odd characters",
			target: "linux/amd64",
			pkgs:   []Package{{"example.com/~user/m+x", ".", true}},
			want:   []Binary{{"example.com/~user/m+x", ".", "example.com__user_m_x.test"}},
		},
		{
			name:   "windows executables",
			target: "windows/amd64",
			pkgs:   []Package{{"example.com/m", ".", true}},
			want:   []Binary{{"example.com/m", ".", "example.com_m.test.exe"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Manifest(platform.MustParse(tt.target), tt.pkgs); !slices.Equal(got, tt.want) {
				t.Fatalf("Manifest() =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestGoTestBinaryName(t *testing.T) {
	linux, windows := platform.MustParse("linux/amd64"), platform.MustParse("windows/amd64")
	tests := []struct {
		target     platform.Target
		importPath string
		want       string
	}{
		{linux, "example.com/m/util", "util.test"},
		{linux, "example.com/m/v2", "m.test"},
		{linux, "example.com/m/v2/util", "util.test"},
		{linux, "example.com/m/v1", "v1.test"},
		{linux, "example.com/m/v0", "v0.test"},
		{linux, "example.com/m/v2x", "v2x.test"},
		{linux, "v2", "v2.test"},
		{linux, "m", "m.test"},
		{windows, "example.com/m", "m.test.exe"},
	}
	for _, tt := range tests {
		if got := goTestBinaryName(tt.target, tt.importPath); got != tt.want {
			t.Errorf("goTestBinaryName(%s, %s) = %q, want %q", tt.target, tt.importPath, got, tt.want)
		}
	}
}

func TestCompileScript(t *testing.T) {
	target := platform.MustParse("linux/arm64")
	bins := Manifest(target, []Package{
		{"example.com/m/a/util", "a/util", true},
		{"example.com/m/b/util", "b/util", true},
		{"example.com/m/c/util", "c/util", true},
		{"example.com/m/v2", ".", true},
	})
	got := Options{Tags: []string{"a", "b"}, Race: true}.CompileScript(target, bins, "/out dir/")
	want := `set -u
status=0
out='/out dir'
mkdir -p "$out"
rm -rf "$out"/.batch1
go test -c -o "$out"/.batch1/ -tags a,b -race example.com/m/a/util example.com/m/v2 || status=1
if [ -f "$out"/.batch1/util.test ]; then mv -f "$out"/.batch1/util.test "$out"/example.com_m_a_util.test; else status=1; fi
if [ -f "$out"/.batch1/m.test ]; then mv -f "$out"/.batch1/m.test "$out"/example.com_m_v2.test; else status=1; fi
rm -rf "$out"/.batch1
rm -rf "$out"/.batch2
go test -c -o "$out"/.batch2/ -tags a,b -race example.com/m/b/util || status=1
if [ -f "$out"/.batch2/util.test ]; then mv -f "$out"/.batch2/util.test "$out"/example.com_m_b_util.test; else status=1; fi
rm -rf "$out"/.batch2
rm -rf "$out"/.batch3
go test -c -o "$out"/.batch3/ -tags a,b -race example.com/m/c/util || status=1
if [ -f "$out"/.batch3/util.test ]; then mv -f "$out"/.batch3/util.test "$out"/example.com_m_c_util.test; else status=1; fi
rm -rf "$out"/.batch3
exit $status
`
	if got != want {
		t.Fatalf("CompileScript() =\n%s\nwant\n%s", got, want)
	}
}

func TestBuilt(t *testing.T) {
	bins := []Binary{{"a", ".", "a.test"}, {"b", "b", "b.test"}, {"c", "c", "c.test"}}
	built, failed := Built(bins, []string{"c.test", "a.test", ".batch1/", "other"})
	if !slices.Equal(built, []Binary{bins[0], bins[2]}) || !slices.Equal(failed, []Binary{bins[1]}) {
		t.Fatalf("Built() = %v, %v", built, failed)
	}
}

func TestBuildOutput(t *testing.T) {
	stderr := "# example.com/m/a [example.com/m/a.test]\n" +
		"a/a_test.go:3:27: undefined: x\n" +
		"# example.com/m/a_test [example.com/m/a.test]\n" +
		"a/x_test.go:3:27: undefined: y\n" +
		"# example.com/m/ab\n" +
		"ab/ab.go:1:1: syntax error\n"
	tests := []struct {
		pkg, want string
	}{
		{"example.com/m/a", "# example.com/m/a [example.com/m/a.test]\na/a_test.go:3:27: undefined: x\n# example.com/m/a_test [example.com/m/a.test]\na/x_test.go:3:27: undefined: y\n"},
		{"example.com/m/ab", "# example.com/m/ab\nab/ab.go:1:1: syntax error\n"},
		{"example.com/m/uses/ab", stderr}, // failed through a dependency
	}
	for _, tt := range tests {
		if got := BuildOutput(stderr, tt.pkg); got != tt.want {
			t.Errorf("BuildOutput(%s) =\n%s\nwant\n%s", tt.pkg, got, tt.want)
		}
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"example.com/m": "example.com/m",
		"-tags":         "-tags",
		"a b":           "'a b'",
		"it's":          `'it'\''s'`,
		"":              "''",
		"$HOME":         "'$HOME'",
		"a;b":           "'a;b'",
	} {
		if got := ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
