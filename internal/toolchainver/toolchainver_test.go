package toolchainver

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

const (
	sumAMD64 = "9fa5ffeda4170de60f67f3aa0f824e426421ba724c21e133c1e35d6159ca1bec"
	sumARM64 = "a68e86d4b72c2c2fecf7dfed667680b6c2a071221bbdb6913cf83ce3f80d9ff0"
	sumPPC   = "38c8ac8463537c99fbc1ef368f243b626144446c09db71b1d20634a4237c966d"
	sumS390X = "2482e7b3b924348b120b6d7d7c13035905c009c2a3ecc0c8dc56bf0fd3184a58"
)

// wantErr checks err against a sentinel list and message fragments; no
// sentinels and no fragments means no error is expected.
func wantErr(t *testing.T, err error, is []error, contains ...string) {
	t.Helper()
	if len(is) == 0 && len(contains) == 0 {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("want error %v containing %q, got nil", is, contains)
	}
	for _, s := range is {
		if !errors.Is(err, s) {
			t.Errorf("error %q does not wrap %q", err, s)
		}
	}
	for _, c := range contains {
		if !strings.Contains(err.Error(), c) {
			t.Errorf("error %q does not contain %q", err, c)
		}
	}
}

func TestNewRequested(t *testing.T) {
	inv := []error{ErrInvalidVersion}
	tests := []struct {
		name          string
		goV, llvm, k8 string
		want          Requested
		is            []error
		contains      []string
	}{
		{name: "full", goV: "1.25.4", llvm: "18.1.8", k8: "1.34.1",
			want: Requested{Go: "1.25.4", LLVM: "18.1.8", Kubernetes: "1.34.1"}},
		{name: "partial", goV: "1.26", llvm: "19", k8: "1.34",
			want: Requested{Go: "1.26", LLVM: "19", Kubernetes: "1.34"}},
		{name: "llvm major.minor", goV: "1.26.8", llvm: "19.1", k8: "1.34.1",
			want: Requested{Go: "1.26.8", LLVM: "19.1", Kubernetes: "1.34.1"}},
		{name: "prefixes stripped", goV: "go1.26.8", llvm: "19", k8: "v1.34.1",
			want: Requested{Go: "1.26.8", LLVM: "19", Kubernetes: "1.34.1"}},
		{name: "spaces trimmed", goV: " 1.26 ", llvm: "19\n", k8: "1.34",
			want: Requested{Go: "1.26", LLVM: "19", Kubernetes: "1.34"}},
		{name: "go rc", goV: "1.26rc1", llvm: "19", k8: "1.34",
			want: Requested{Go: "1.26rc1", LLVM: "19", Kubernetes: "1.34"}},
		{name: "go beta", goV: "go1.26beta2", llvm: "19", k8: "1.34",
			want: Requested{Go: "1.26beta2", LLVM: "19", Kubernetes: "1.34"}},

		{name: "go empty", goV: "", llvm: "19", k8: "1.34", is: inv, contains: []string{`invalid version: go version "": empty`}},
		{name: "go garbage", goV: "1.x", llvm: "19", k8: "1.34", is: inv, contains: []string{`invalid version: go version "1.x": component "x" is not a number`}},
		{name: "go major only", goV: "1", llvm: "19", k8: "1.34", is: inv, contains: []string{`go version "1"`, "major.minor"}},
		{name: "go four parts", goV: "1.2.3.4", llvm: "19", k8: "1.34", is: inv, contains: []string{`go version "1.2.3.4"`, "more than 3"}},
		{name: "go leading zero", goV: "1.026", llvm: "19", k8: "1.34", is: inv, contains: []string{`component "026"`}},
		{name: "go semver prerelease", goV: "1.26.0-rc.1", llvm: "19", k8: "1.34", is: inv, contains: []string{`go version "1.26.0-rc.1"`, "1.26rc1"}},
		{name: "go rc0", goV: "1.26rc0", llvm: "19", k8: "1.34", is: inv, contains: []string{`go version "1.26rc0"`}},
		{name: "go patch rc", goV: "1.26.1rc1", llvm: "19", k8: "1.34", is: inv, contains: []string{`go version "1.26.1rc1"`}},
		{name: "go v prefix", goV: "v1.26", llvm: "19", k8: "1.34", is: inv, contains: []string{`go version "v1.26"`}},
		{name: "go major zero", goV: "0.9", llvm: "19", k8: "1.34", is: inv, contains: []string{`go version "0.9"`}},
		{name: "go overflow", goV: "1.99999999999999999999", llvm: "19", k8: "1.34", is: inv, contains: []string{`go version "1.99999999999999999999"`}},

		{name: "llvm empty", goV: "1.26", llvm: "", k8: "1.34", is: inv, contains: []string{`llvm version "": empty`}},
		{name: "llvm garbage", goV: "1.26", llvm: "nineteen", k8: "1.34", is: inv, contains: []string{`llvm version "nineteen"`}},
		{name: "llvm prerelease", goV: "1.26", llvm: "19rc1", k8: "1.34", is: inv, contains: []string{`llvm version "19rc1"`}},
		{name: "llvm v prefix", goV: "1.26", llvm: "v19", k8: "1.34", is: inv, contains: []string{`llvm version "v19"`}},
		{name: "llvm zero", goV: "1.26", llvm: "0", k8: "1.34", is: inv, contains: []string{`llvm version "0"`}},
		{name: "llvm trailing dot", goV: "1.26", llvm: "19.", k8: "1.34", is: inv, contains: []string{`llvm version "19."`}},

		{name: "k8s empty", goV: "1.26", llvm: "19", k8: "", is: inv, contains: []string{`kubernetes version "": empty`}},
		{name: "k8s major only", goV: "1.26", llvm: "19", k8: "1", is: inv, contains: []string{`kubernetes version "1"`, "major.minor"}},
		{name: "k8s v2", goV: "1.26", llvm: "19", k8: "2.0.0", is: inv, contains: []string{`kubernetes version "2.0.0"`, "1.x"}},
		{name: "k8s prerelease", goV: "1.26", llvm: "19", k8: "1.35.0-rc.1", is: inv, contains: []string{`kubernetes version "1.35.0-rc.1"`}},
		{name: "k8s garbage", goV: "1.26", llvm: "19", k8: "latest", is: inv, contains: []string{`kubernetes version "latest"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewRequested(tt.goV, tt.llvm, tt.k8)
			wantErr(t, err, tt.is, tt.contains...)
			if err == nil && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if err == nil {
				if verr := got.Validate(); verr != nil {
					t.Errorf("Validate: %v", verr)
				}
			}
		})
	}
}

func TestValidate(t *testing.T) {
	ok := Requested{Go: "1.25.4", LLVM: "18", Kubernetes: "1.34.1", GoSHA256: map[string]string{"amd64": sumAMD64}, Rerelease: 2}
	tests := []struct {
		name     string
		mod      func(*Requested)
		is       []error
		contains []string
	}{
		{name: "ok", mod: func(*Requested) {}},
		{name: "uppercase sum", mod: func(r *Requested) { r.GoSHA256 = map[string]string{"arm64": strings.ToUpper(sumARM64)} }},
		{name: "bad go", mod: func(r *Requested) { r.Go = "x" }, is: []error{ErrInvalidVersion}, contains: []string{`go version "x"`}},
		{name: "bad llvm", mod: func(r *Requested) { r.LLVM = "" }, is: []error{ErrInvalidVersion}, contains: []string{`llvm version ""`}},
		{name: "bad k8s", mod: func(r *Requested) { r.Kubernetes = "1" }, is: []error{ErrInvalidVersion}, contains: []string{`kubernetes version "1"`}},
		{name: "short sum", mod: func(r *Requested) { r.GoSHA256 = map[string]string{"amd64": "abc"} },
			is: []error{ErrInvalidChecksum}, contains: []string{`invalid checksum: go checksum amd64: "abc" is not 64 hex digits`}},
		{name: "unknown arch", mod: func(r *Requested) { r.GoSHA256 = map[string]string{"aarch64": sumARM64} },
			is: []error{ErrInvalidChecksum}, contains: []string{`unknown Go arch "aarch64"`}},
		{name: "negative rerelease", mod: func(r *Requested) { r.Rerelease = -1 }, is: []error{ErrInvalidVersion}, contains: []string{"rerelease -1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ok
			r.GoSHA256 = map[string]string{"amd64": sumAMD64}
			tt.mod(&r)
			wantErr(t, r.Validate(), tt.is, tt.contains...)
		})
	}
}

func TestRequestedDerived(t *testing.T) {
	tests := []struct {
		r          Requested
		major      int
		branch     string
		codegenVer string
	}{
		{Requested{Go: "1.25.4", LLVM: "18.1.8", Kubernetes: "1.34.1"}, 18, "go1.25", "v0.34.1"},
		{Requested{Go: "1.26", LLVM: "19", Kubernetes: "1.34"}, 19, "go1.26", "v0.34"},
		{Requested{Go: "1.26rc1", LLVM: "19.1", Kubernetes: "1.35.0"}, 19, "go1.26", "v0.35.0"},
		{Requested{Go: "go1.24.11", LLVM: "16.0.6", Kubernetes: "v1.33.5"}, 16, "go1.24", "v0.33.5"},
		{Requested{Go: "1.x", LLVM: "x", Kubernetes: "2.0.0"}, 0, "", ""},
		{Requested{}, 0, "", ""},
	}
	for _, tt := range tests {
		if got := tt.r.LLVMMajor(); got != tt.major {
			t.Errorf("%+v LLVMMajor = %d, want %d", tt.r, got, tt.major)
		}
		if got := tt.r.Branch(); got != tt.branch {
			t.Errorf("%+v Branch = %q, want %q", tt.r, got, tt.branch)
		}
		if got := tt.r.CodeGeneratorVersion(); got != tt.codegenVer {
			t.Errorf("%+v CodeGeneratorVersion = %q, want %q", tt.r, got, tt.codegenVer)
		}
	}
}

func TestKubernetesFromCodeGenerator(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{in: "v0.34.1", want: "1.34.1"},
		{in: "v0.33.10", want: "1.33.10"},
		{in: "0.34.1", bad: true},
		{in: "v1.34.1", bad: true},
		{in: "v0.34", bad: true},
		{in: "v0.34.1-rc.0", bad: true},
		{in: "", bad: true},
	}
	for _, tt := range tests {
		got, err := KubernetesFromCodeGenerator(tt.in)
		if tt.bad {
			wantErr(t, err, []error{ErrInvalidVersion}, tt.in)
			continue
		}
		wantErr(t, err, nil)
		if got != tt.want {
			t.Errorf("KubernetesFromCodeGenerator(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestGoChecksum(t *testing.T) {
	r := Requested{GoSHA256: map[string]string{"amd64": strings.ToUpper(sumAMD64), "arm64": ""}}
	if got, ok := r.GoChecksum("amd64"); !ok || got != sumAMD64 {
		t.Errorf("amd64 = %q, %v", got, ok)
	}
	for _, arch := range []string{"arm64", "s390x"} {
		if got, ok := r.GoChecksum(arch); ok || got != "" {
			t.Errorf("%s = %q, %v; want none", arch, got, ok)
		}
	}
	if _, ok := (Requested{}).GoChecksum("amd64"); ok {
		t.Error("nil map gave a checksum")
	}
}

func TestValidateSHA256(t *testing.T) {
	tests := []struct {
		sum string
		ok  bool
	}{
		{sumAMD64, true},
		{strings.ToUpper(sumAMD64), true},
		{"", false},
		{"abc", false},
		{sumAMD64 + "0", false},
		{sumAMD64[:63], false},
		{"g" + sumAMD64[1:], false},
		{" " + sumAMD64[1:], false},
		{sumAMD64[:63] + "\n", false},
	}
	for _, tt := range tests {
		err := ValidateSHA256("field.x", tt.sum)
		if tt.ok {
			wantErr(t, err, nil)
			continue
		}
		wantErr(t, err, []error{ErrInvalidChecksum}, "invalid checksum: field.x: ", "is not 64 hex digits")
	}
}

func TestParseCalicoVersions(t *testing.T) {
	fixture, err := os.ReadFile("testdata/calico-versions.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseCalicoVersions(fixture)
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	want := Requested{
		Go: "1.25.4", LLVM: "18.1.8", Kubernetes: "1.34.1",
		GoSHA256: map[string]string{"amd64": sumAMD64, "arm64": sumARM64, "ppc64le": sumPPC, "s390x": sumS390X},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("fixture: got %+v\nwant %+v", got, want)
	}
	if got.Branch() != "go1.25" || got.CodeGeneratorVersion() != "v0.34.1" || got.LLVMMajor() != 18 {
		t.Errorf("fixture derived: %s %s %d", got.Branch(), got.CodeGeneratorVersion(), got.LLVMMajor())
	}

	sums := "  checksum:\n    sha256:\n      amd64: " + sumAMD64 + "\n"
	rest := "kubernetes:\n  version: 1.34.1\nllvm:\n  version: 18.1.8\n"
	file := func(goPart string) string { return "golang:\n" + goPart + sums + rest }
	vf := []error{ErrVersionsFile}
	tests := []struct {
		name     string
		yaml     string
		want     *Requested
		is       []error
		contains []string
	}{
		{name: "minimal", yaml: file("  version: 1.26.8\n"),
			want: &Requested{Go: "1.26.8", LLVM: "18.1.8", Kubernetes: "1.34.1", GoSHA256: map[string]string{"amd64": sumAMD64}}},
		{name: "quoted and float-looking versions", yaml: "golang:\n  version: \"1.26\"\n" + sums + "kubernetes:\n  version: 1.30\nllvm:\n  version: 19\n",
			want: &Requested{Go: "1.26", LLVM: "19", Kubernetes: "1.30", GoSHA256: map[string]string{"amd64": sumAMD64}}},
		{name: "digits-only checksum", yaml: "golang:\n  version: 1.26.8\n  checksum:\n    sha256:\n      amd64: " + strings.Repeat("1", 64) + "\n" + rest,
			want: &Requested{Go: "1.26.8", LLVM: "18.1.8", Kubernetes: "1.34.1", GoSHA256: map[string]string{"amd64": strings.Repeat("1", 64)}}},

		{name: "empty file", yaml: "", is: vf, contains: []string{"invalid versions file: golang.version: missing or empty"}},
		{name: "not a mapping", yaml: "- a\n- b\n", is: vf, contains: []string{"invalid versions file: "}},
		{name: "bad yaml", yaml: "golang: [\n", is: vf, contains: []string{"invalid versions file: "}},
		{name: "version is a map", yaml: "golang:\n  version:\n    x: 1\n" + sums + rest, is: vf, contains: []string{"invalid versions file: "}},
		{name: "duplicate key", yaml: "golang:\n  version: 1.25.4\n  version: 1.25.5\n" + sums + rest, is: vf, contains: []string{"already defined"}},
		{name: "missing go version", yaml: file("  verison: 1.25.4\n"), is: vf, contains: []string{"invalid versions file: golang.version: missing or empty"}},
		{name: "bad go version", yaml: file("  version: 1.x\n"), is: []error{ErrVersionsFile, ErrInvalidVersion},
			contains: []string{`invalid versions file: golang.version: invalid version: go version "1.x"`}},
		{name: "missing kubernetes", yaml: "golang:\n  version: 1.25.4\n" + sums + "llvm:\n  version: 18.1.8\n", is: vf,
			contains: []string{"invalid versions file: kubernetes.version: missing or empty"}},
		{name: "bad kubernetes", yaml: "golang:\n  version: 1.25.4\n" + sums + "kubernetes:\n  version: one\nllvm:\n  version: 18.1.8\n",
			is: []error{ErrVersionsFile, ErrInvalidVersion}, contains: []string{`kubernetes.version: invalid version: kubernetes version "one"`}},
		{name: "missing llvm", yaml: "golang:\n  version: 1.25.4\n" + sums + "kubernetes:\n  version: 1.34.1\n", is: vf,
			contains: []string{"invalid versions file: llvm.version: missing or empty"}},
		{name: "bad llvm", yaml: "golang:\n  version: 1.25.4\n" + sums + "kubernetes:\n  version: 1.34.1\nllvm:\n  version: latest\n",
			is: []error{ErrVersionsFile, ErrInvalidVersion}, contains: []string{`llvm.version: invalid version: llvm version "latest"`}},
		{name: "missing checksums", yaml: "golang:\n  version: 1.25.4\n" + rest, is: vf,
			contains: []string{"invalid versions file: golang.checksum.sha256: missing or empty"}},
		{name: "short checksum", yaml: "golang:\n  version: 1.25.4\n  checksum:\n    sha256:\n      amd64: " + sumAMD64 + "\n      arm64: abc\n" + rest,
			is: []error{ErrVersionsFile, ErrInvalidChecksum}, contains: []string{`invalid versions file: golang.checksum.sha256.arm64: "abc" is not 64 hex digits`}},
		{name: "long checksum", yaml: "golang:\n  version: 1.25.4\n  checksum:\n    sha256:\n      amd64: " + sumAMD64 + "ff\n" + rest,
			is: []error{ErrVersionsFile, ErrInvalidChecksum}, contains: []string{`golang.checksum.sha256.amd64: "` + sumAMD64 + `ff" is not 64 hex digits`}},
		{name: "non-hex checksum", yaml: "golang:\n  version: 1.25.4\n  checksum:\n    sha256:\n      s390x: z" + sumS390X[1:] + "\n" + rest,
			is: []error{ErrVersionsFile, ErrInvalidChecksum}, contains: []string{`golang.checksum.sha256.s390x: "z`}},
		{name: "empty checksum", yaml: "golang:\n  version: 1.25.4\n  checksum:\n    sha256:\n      ppc64le:\n" + rest,
			is: []error{ErrVersionsFile, ErrInvalidChecksum}, contains: []string{`golang.checksum.sha256.ppc64le: "" is not 64 hex digits`}},
		{name: "unknown arch", yaml: "golang:\n  version: 1.25.4\n  checksum:\n    sha256:\n      x86_64: " + sumAMD64 + "\n" + rest,
			is: []error{ErrVersionsFile, ErrInvalidChecksum}, contains: []string{`golang.checksum.sha256.x86_64: unknown Go arch "x86_64"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCalicoVersions([]byte(tt.yaml))
			wantErr(t, err, tt.is, tt.contains...)
			if tt.want != nil && !reflect.DeepEqual(got, *tt.want) {
				t.Errorf("got %+v, want %+v", got, *tt.want)
			}
		})
	}
}

func TestParseGoVersion(t *testing.T) {
	tests := []struct {
		out, want string
	}{
		{"go version go1.25.4 linux/arm64", "1.25.4"},
		{"go version go1.25.4 linux/arm64\n", "1.25.4"},
		{"go version go1.26rc1 linux/amd64", "1.26rc1"},
		{"go version go1.26beta1 darwin/arm64", "1.26beta1"},
		{"go version go1.26.0 X:nocoverageredesign linux/amd64", "1.26.0"},
		{"go version go1.20 linux/amd64", "1.20"},
		{"warning: something\ngo version go1.24.11 linux/s390x", "1.24.11"},
	}
	for _, tt := range tests {
		got, err := ParseGoVersion(tt.out)
		if err != nil || got != tt.want {
			t.Errorf("ParseGoVersion(%q) = %q, %v; want %q", tt.out, got, err, tt.want)
		}
	}
	for _, bad := range []string{
		"",
		"go: command not found",
		"go version devel go1.27-abcdef linux/amd64",
		"go version go1.x linux/amd64",
		"go version go1 linux/amd64",
		"go version go1.26.0-rc.1 linux/amd64",
	} {
		_, err := ParseGoVersion(bad)
		wantErr(t, err, []error{ErrInvalidVersion})
	}
}

func TestParseClangVersion(t *testing.T) {
	tests := []struct {
		out, want string
	}{
		{"Debian clang version 16.0.6 (15~deb12u1)\nTarget: x86_64-pc-linux-gnu\nThread model: posix\nInstalledDir: /usr/bin", "16.0.6"},
		{"Debian clang version 19.1.7 (3~deb12u1)", "19.1.7"},
		{"clang version 18.1.8 (https://github.com/llvm/llvm-project 3b5b5c1ec4a3095ab096dd780e84d7ab81f3d7ff)", "18.1.8"},
		{"Ubuntu clang version 18.1.3 (1ubuntu1)\nTarget: aarch64-unknown-linux-gnu", "18.1.3"},
		{"clang version 18.1.8 (Red Hat 18.1.8-1.el9)\nTarget: s390x-redhat-linux-gnu", "18.1.8"},
		{"clang version 20.0.0git (https://github.com/llvm/llvm-project abc)", "20.0.0"},
	}
	for _, tt := range tests {
		got, err := ParseClangVersion(tt.out)
		if err != nil || got != tt.want {
			t.Errorf("ParseClangVersion(%q) = %q, %v; want %q", tt.out, got, err, tt.want)
		}
	}
	for _, bad := range []string{
		"",
		"sh: clang: not found",
		"clang version 18",
		"clang version 018.1.8",
		"gcc (Debian 12.2.0-14) 12.2.0",
	} {
		_, err := ParseClangVersion(bad)
		wantErr(t, err, []error{ErrInvalidVersion})
	}
	// Only the first line of unexpected output is quoted.
	_, err := ParseClangVersion("clang: error: unknown argument\nsecond line")
	wantErr(t, err, []error{ErrInvalidVersion}, `output "clang: error: unknown argument"`)
	if strings.Contains(err.Error(), "second line") {
		t.Errorf("error quotes more than the first line: %v", err)
	}
}

func TestCheck(t *testing.T) {
	in := Installed{Go: "1.26.8", LLVM: "19.1.7", Kubernetes: "1.34.1"}
	mm := []error{ErrVersionMismatch}
	tests := []struct {
		name     string
		r        Requested
		in       Installed
		is       []error
		contains []string
	}{
		{name: "exact", r: Requested{Go: "1.26.8", LLVM: "19.1.7", Kubernetes: "1.34.1"}, in: in},
		{name: "partial", r: Requested{Go: "1.26", LLVM: "19", Kubernetes: "1.34"}, in: in},
		{name: "llvm major.minor", r: Requested{Go: "1.26", LLVM: "19.1", Kubernetes: "1.34.1"}, in: in},
		{name: "prefixes", r: Requested{Go: "go1.26", LLVM: "19", Kubernetes: "v1.34"}, in: in},
		{name: "go rc", r: Requested{Go: "1.26rc1", LLVM: "19", Kubernetes: "1.34"}, in: Installed{Go: "1.26rc1", LLVM: "19.1.7", Kubernetes: "1.34.1"}},
		{name: "old go without patch", r: Requested{Go: "1.20", LLVM: "19", Kubernetes: "1.34"}, in: Installed{Go: "1.20", LLVM: "19.1.7", Kubernetes: "1.34.1"}},
		{name: "x.y.0 equals x.y", r: Requested{Go: "1.20.0", LLVM: "19", Kubernetes: "1.34"}, in: Installed{Go: "1.20", LLVM: "19.1.7", Kubernetes: "1.34.1"}},

		{name: "go patch", r: Requested{Go: "1.26.9", LLVM: "19", Kubernetes: "1.34"}, in: in, is: mm,
			contains: []string{`installed version does not match the requested one: go: requested "1.26.9", installed "1.26.8"`}},
		{name: "go minor", r: Requested{Go: "1.25", LLVM: "19", Kubernetes: "1.34"}, in: in, is: mm, contains: []string{`go: requested "1.25", installed "1.26.8"`}},
		{name: "release vs rc", r: Requested{Go: "1.26", LLVM: "19", Kubernetes: "1.34"}, in: Installed{Go: "1.26rc1", LLVM: "19.1.7", Kubernetes: "1.34.1"},
			is: mm, contains: []string{`go: requested "1.26", installed "1.26rc1"`}},
		{name: "rc vs release", r: Requested{Go: "1.26rc1", LLVM: "19", Kubernetes: "1.34"}, in: Installed{Go: "1.26.0", LLVM: "19.1.7", Kubernetes: "1.34.1"},
			is: mm, contains: []string{`go: requested "1.26rc1", installed "1.26.0"`}},
		{name: "rc1 vs rc2", r: Requested{Go: "1.26rc1", LLVM: "19", Kubernetes: "1.34"}, in: Installed{Go: "1.26rc2", LLVM: "19.1.7", Kubernetes: "1.34.1"},
			is: mm, contains: []string{`requested "1.26rc1", installed "1.26rc2"`}},
		{name: "llvm major", r: Requested{Go: "1.26", LLVM: "18", Kubernetes: "1.34"}, in: in, is: mm, contains: []string{`llvm: requested "18", installed "19.1.7"`}},
		{name: "llvm patch", r: Requested{Go: "1.26", LLVM: "19.1.6", Kubernetes: "1.34"}, in: in, is: mm, contains: []string{`llvm: requested "19.1.6", installed "19.1.7"`}},
		{name: "k8s", r: Requested{Go: "1.26", LLVM: "19", Kubernetes: "1.33"}, in: in, is: mm, contains: []string{`kubernetes: requested "1.33", installed "1.34.1"`}},
		{name: "all three", r: Requested{Go: "1.25", LLVM: "18", Kubernetes: "1.33"}, in: in, is: mm,
			contains: []string{`go: requested "1.25"`, `llvm: requested "18"`, `kubernetes: requested "1.33"`}},

		{name: "installed empty", r: Requested{Go: "1.26", LLVM: "19", Kubernetes: "1.34"}, in: Installed{},
			is: []error{ErrInvalidVersion}, contains: []string{`installed invalid version: go version ""`, `llvm version ""`, `kubernetes version ""`}},
		{name: "installed partial llvm", r: Requested{Go: "1.26", LLVM: "19", Kubernetes: "1.34"}, in: Installed{Go: "1.26.8", LLVM: "19", Kubernetes: "1.34.1"},
			is: []error{ErrInvalidVersion}, contains: []string{`installed invalid version: llvm version "19": needs major.minor.patch`}},
		{name: "requested invalid", r: Requested{Go: "x", LLVM: "19", Kubernetes: "1.34"}, in: in,
			is: []error{ErrInvalidVersion}, contains: []string{`requested invalid version: go version "x"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.r.Check(tt.in)
			wantErr(t, err, tt.is, tt.contains...)
			if len(tt.is) > 0 && !errors.Is(err, ErrVersionMismatch) && tt.is[0] == ErrVersionMismatch {
				t.Errorf("not a mismatch: %v", err)
			}
		})
	}
}

func TestTags(t *testing.T) {
	in := Installed{Go: "1.25.4", LLVM: "18.1.8", Kubernetes: "1.34.1"}
	tests := []struct {
		rerelease int
		want      string
	}{
		{0, "1.25.4-llvm18.1.8-k8s1.34.1"},
		{1, "1.25.4-llvm18.1.8-k8s1.34.1-1"},
		{2, "1.25.4-llvm18.1.8-k8s1.34.1-2"},
		{-1, "1.25.4-llvm18.1.8-k8s1.34.1"},
	}
	for _, tt := range tests {
		if got := Tag(in, tt.rerelease); got != tt.want {
			t.Errorf("Tag(%d) = %q, want %q", tt.rerelease, got, tt.want)
		}
	}
	if got := Tag(Installed{Go: "1.26rc1", LLVM: "19.1.7", Kubernetes: "1.35.0"}, 0); got != "1.26rc1-llvm19.1.7-k8s1.35.0" {
		t.Errorf("rc tag = %q", got)
	}
	tag := Tag(in, 0)
	for _, arch := range DefaultArches {
		if got, want := ArchTag(tag, arch), "1.25.4-llvm18.1.8-k8s1.34.1-"+arch; got != want {
			t.Errorf("ArchTag(%s) = %q, want %q", arch, got, want)
		}
	}
	if got := ArchTag(Tag(in, 2), "arm64"); got != "1.25.4-llvm18.1.8-k8s1.34.1-2-arm64" {
		t.Errorf("rerelease arch tag = %q", got)
	}
}

func TestLLVMPackages(t *testing.T) {
	tests := []struct {
		suite    string
		major    int
		want     []string
		contains []string
	}{
		{suite: "bookworm", major: 19, want: []string{"clang-19", "lld-19", "llvm-19"}},
		{suite: "bookworm", major: 16, want: []string{"clang-16", "lld-16", "llvm-16"}},
		{suite: "bookworm", major: 13, want: []string{"clang-13", "lld-13", "llvm-13"}},
		{suite: "trixie", major: 19, want: []string{"clang-19", "lld-19", "llvm-19"}},
		{suite: "trixie", major: 17, want: []string{"clang-17", "lld-17", "llvm-17"}},
		{suite: "bookworm", major: 18, contains: []string{"LLVM 18 is not in Debian bookworm, which has 13, 14, 15, 16, 19"}},
		{suite: "bookworm", major: 17, contains: []string{"which has 13, 14, 15, 16, 19"}},
		{suite: "trixie", major: 16, contains: []string{"LLVM 16 is not in Debian trixie, which has 17, 18, 19"}},
		{suite: "trixie", major: 0, contains: []string{"LLVM 0 is not in Debian trixie"}},
		{suite: "sid", major: 19, contains: []string{`unknown Debian suite "sid"`, "bookworm (13, 14, 15, 16, 19)", "trixie (17, 18, 19)"}},
		{suite: "", major: 19, contains: []string{`unknown Debian suite ""`}},
	}
	for _, tt := range tests {
		got, err := LLVMPackages(tt.suite, tt.major)
		if tt.want != nil {
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("LLVMPackages(%q, %d) = %v, %v; want %v", tt.suite, tt.major, got, err, tt.want)
			}
			continue
		}
		if got != nil {
			t.Errorf("LLVMPackages(%q, %d) = %v on error", tt.suite, tt.major, got)
		}
		wantErr(t, err, []error{ErrLLVMUnavailable}, tt.contains...)
	}
}

func TestLLVMMajors(t *testing.T) {
	if got, want := LLVMMajors("bookworm"), []int{13, 14, 15, 16, 19}; !reflect.DeepEqual(got, want) {
		t.Errorf("bookworm = %v, want %v", got, want)
	}
	if got, want := LLVMMajors("trixie"), []int{17, 18, 19}; !reflect.DeepEqual(got, want) {
		t.Errorf("trixie = %v, want %v", got, want)
	}
	if got := LLVMMajors("buster"); got != nil {
		t.Errorf("buster = %v, want nil", got)
	}
	// The result is a copy.
	LLVMMajors("bookworm")[0] = 99
	if LLVMMajors("bookworm")[0] != 13 {
		t.Error("LLVMMajors returned the package's own slice")
	}
}

func TestGoArchiveURL(t *testing.T) {
	tests := []struct {
		base, version, goos, goarch, want string
	}{
		{"", "1.25.4", "linux", "amd64", "https://go.dev/dl/go1.25.4.linux-amd64.tar.gz"},
		{"", "1.25.4", "linux", "arm64", "https://go.dev/dl/go1.25.4.linux-arm64.tar.gz"},
		{"", "1.25.4", "linux", "arm", "https://go.dev/dl/go1.25.4.linux-armv6l.tar.gz"},
		{"", "go1.26rc1", "linux", "ppc64le", "https://go.dev/dl/go1.26rc1.linux-ppc64le.tar.gz"},
		{"", "1.25.4", "linux", "s390x", "https://go.dev/dl/go1.25.4.linux-s390x.tar.gz"},
		{"https://dl.google.com/go/", "1.25.4", "linux", "amd64", "https://dl.google.com/go/go1.25.4.linux-amd64.tar.gz"},
		{"", "1.25.4", "darwin", "arm64", "https://go.dev/dl/go1.25.4.darwin-arm64.tar.gz"},
		{"", "1.25.4", "windows", "amd64", "https://go.dev/dl/go1.25.4.windows-amd64.zip"},
	}
	for _, tt := range tests {
		if got := GoArchiveURL(tt.base, tt.version, tt.goos, tt.goarch); got != tt.want {
			t.Errorf("GoArchiveURL(%q, %q, %q, %q) = %q, want %q", tt.base, tt.version, tt.goos, tt.goarch, got, tt.want)
		}
	}
}

func TestDefaultCodeGenerators(t *testing.T) {
	want := []string{"client-gen", "conversion-gen", "deepcopy-gen", "defaulter-gen", "informer-gen", "lister-gen"}
	if len(DefaultCodeGenerators) != len(want) {
		t.Fatalf("DefaultCodeGenerators = %v", DefaultCodeGenerators)
	}
	for i, p := range DefaultCodeGenerators {
		if p != "./cmd/"+want[i] {
			t.Errorf("DefaultCodeGenerators[%d] = %q, want ./cmd/%s", i, p, want[i])
		}
	}
}

func TestCheckDownloadURL(t *testing.T) {
	for _, tt := range []struct {
		in, want string // want: "" for no error, else part of it
	}{
		{"", ""},
		{"https://go.dev/dl", ""},
		{"http://mirror.internal:8080/golang/", ""},
		{"go.dev/dl", `--go-download-url "go.dev/dl" is not an http or https URL`},
		{"ftp://mirror.example/golang", "is not an http or https URL"},
		{"https://me:s3cret@mirror.example/golang", `--go-download-url "https://me:xxxxx@mirror.example/golang" holds a user or password`},
		{"https://s3cret@mirror.example/golang", `--go-download-url "https://xxxxx@mirror.example/golang" holds a user or password`},
		{"https://me:pa#s3cret@mirror.example/golang", "--go-download-url (its value is not shown"},
		{"https://me:%zzs3cret@mirror.example/golang", "--go-download-url (its value is not shown"},
		{"https://mirror.example/golang?token=s3cret", `--go-download-url "https://mirror.example/golang?xxxxx" has a query`},
	} {
		err := CheckDownloadURL(tt.in)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckDownloadURL(%q) = %v, want nil", tt.in, err)
		case tt.want != "" && (!errors.Is(err, ErrInvalidDownloadURL) || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("CheckDownloadURL(%q) = %v, want an error with %q", tt.in, err, tt.want)
		case err != nil && strings.Contains(err.Error(), "s3cret"):
			t.Errorf("CheckDownloadURL(%q) = %v: the error holds the credential", tt.in, err)
		}
	}
}
