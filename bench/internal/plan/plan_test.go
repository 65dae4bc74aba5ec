package plan

import (
	"strings"
	"testing"
)

func TestArch(t *testing.T) {
	for in, want := range map[string]string{
		"linux/amd64":  "amd64",
		"linux/arm/v7": "arm/v7",
		"arm64":        "arm64",
		"":             "",
	} {
		if got := Arch(in); got != want {
			t.Errorf("Arch(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestForeign(t *testing.T) {
	for in, want := range map[string]string{
		"linux/amd64":    "linux/arm64",
		"linux/arm64":    "linux/amd64",
		"linux/arm64/v8": "linux/amd64",
		"linux/s390x":    "linux/arm64",
	} {
		if got := Foreign(in); got != want {
			t.Errorf("Foreign(%q) = %q, want %q", in, got, want)
		}
		if Foreign(in) == in {
			t.Errorf("Foreign(%q) is the native platform", in)
		}
	}
}

func TestShortAndDisplayName(t *testing.T) {
	tests := []struct{ module, short, display string }{
		{"github.com/coredns/coredns@v1.11.3", "coredns", "coredns@v1.11.3"},
		{"github.com/mattn/go-sqlite3@v1.14.24", "go-sqlite3", "go-sqlite3@v1.14.24"},
		{"github.com/foo/Bar_Baz/v2@v2.0.1", "bar-baz", "bar-baz@v2.0.1"},
		{"github.com/foo/bar", "bar", "bar"},
		{"v2@v2.0.0", "v2", "v2@v2.0.0"},
		{"example.com/x@", "x", "x"},
	}
	for _, tt := range tests {
		if got := ShortName(tt.module); got != tt.short {
			t.Errorf("ShortName(%q) = %q, want %q", tt.module, got, tt.short)
		}
		if got := DisplayName(tt.module); got != tt.display {
			t.Errorf("DisplayName(%q) = %q, want %q", tt.module, got, tt.display)
		}
	}
}

func TestNamespace(t *testing.T) {
	tests := []struct {
		runID string
		parts []string
		want  string
	}{
		{"lx3k9", []string{"coredns", "native"}, "bench-lx3k9-coredns-native"},
		{"Run 1", []string{"go-sqlite3", "cross linux/arm64"}, "bench-run-1-go-sqlite3-cross-linux-arm64"},
		{"r", []string{"", "--", "image"}, "bench-r-image"},
		{"r", nil, "bench-r"},
	}
	for _, tt := range tests {
		if got := Namespace(tt.runID, tt.parts...); got != tt.want {
			t.Errorf("Namespace(%q, %q) = %q, want %q", tt.runID, tt.parts, got, tt.want)
		}
	}
	// Distinct measurements of one run never share a namespace.
	seen := map[string]bool{}
	for _, project := range []string{"coredns", "go-sqlite3"} {
		for _, c := range []string{"native", "cross", "emulated", "strip", "image", "single-amd64", "single-arm64"} {
			ns := Namespace("run", project, c)
			if seen[ns] {
				t.Errorf("namespace %q used twice", ns)
			}
			seen[ns] = true
		}
	}
}

func TestTouch(t *testing.T) {
	tests := []struct{ in, want string }{
		{"package main\n", "package main\n// go-build bench: warm run n1\n"},
		{"package main", "package main\n// go-build bench: warm run n1\n"},
		{"", "// go-build bench: warm run n1\n"},
	}
	for _, tt := range tests {
		if got := Touch(tt.in, "n1"); got != tt.want {
			t.Errorf("Touch(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if Touch("package main\n", "a") == Touch("package main\n", "b") {
		t.Error("different nonces give the same contents")
	}
	// The existing lines keep their numbers.
	in := "package main\n\nfunc main() {}\n"
	if got := Touch(in, "x"); !strings.HasPrefix(got, in) {
		t.Errorf("Touch changed the existing lines: %q", got)
	}
}

func TestBuildIDFlag(t *testing.T) {
	for n, want := range map[uint64]string{
		0:                  "-B=0x0000000000000000",
		0xabc:              "-B=0x0000000000000abc",
		0xffffffffffffffff: "-B=0xffffffffffffffff",
	} {
		got := BuildIDFlag(n)
		if got != want {
			t.Errorf("BuildIDFlag(%#x) = %q, want %q", n, got, want)
		}
		// The linker wants 0x and an even number of hex digits.
		if hex := strings.TrimPrefix(got, "-B=0x"); len(hex)%2 != 0 {
			t.Errorf("BuildIDFlag(%#x) has an odd number of hex digits", n)
		}
	}
}
