package platform

import (
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		// Short names.
		{"amd64", "linux/amd64"},
		{"x86_64", "linux/amd64"},
		{"x86-64", "linux/amd64"},
		{"arm64", "linux/arm64"},
		{"aarch64", "linux/arm64"},
		{"arm", "linux/arm/v7"},
		{"armv7", "linux/arm/v7"},
		{"armhf", "linux/arm/v7"},
		{"armv6", "linux/arm/v6"},
		{"armel", "linux/arm/v6"}, // containerd's reading, see aliases
		{"armv5", "linux/arm/v5"},
		{"386", "linux/386"},
		{"i386", "linux/386"},
		{"x86", "linux/386"},
		{"ppc64le", "linux/ppc64le"},
		{"s390x", "linux/s390x"},
		{"riscv64", "linux/riscv64"},
		{"mips64le", "linux/mips64le"},
		{"mips64", "linux/mips64"},
		{"mipsle", "linux/mipsle"},
		{"mips", "linux/mips"},
		{"loong64", "linux/loong64"},
		{"amd64v2", "linux/amd64/v2"},
		{"amd64v3", "linux/amd64/v3"},
		{"amd64v4", "linux/amd64/v4"},
		{"mipsle-softfloat", "linux/mipsle/softfloat"},
		{"windows-amd64", "windows/amd64"},
		{"darwin-arm64", "darwin/arm64"},
		{" AMD64 ", "linux/amd64"},
		{"ArmV7", "linux/arm/v7"},

		// Full platform strings.
		{"linux/arm/v7", "linux/arm/v7"},
		{"linux/arm", "linux/arm/v7"},
		{"linux/arm/7", "linux/arm/v7"},
		{"linux/armhf", "linux/arm/v7"},
		{"linux/armel", "linux/arm/v6"},
		{"linux/arm/v6", "linux/arm/v6"},
		{"linux/arm/v5", "linux/arm/v5"},
		{"linux/amd64", "linux/amd64"},
		{"linux/amd64/v1", "linux/amd64"},
		{"linux/amd64/v3", "linux/amd64/v3"},
		{"linux/x86_64", "linux/amd64"},
		{"linux/arm64", "linux/arm64"},
		{"linux/arm64/v8", "linux/arm64"},
		{"linux/aarch64", "linux/arm64"},
		{"linux/i386", "linux/386"},
		{"linux/mips/hardfloat", "linux/mips"},
		{"linux/mips64le/softfloat", "linux/mips64le/softfloat"},
		{"linux/mips64le/hardfloat", "linux/mips64le"},
		{"LINUX/ARM/V7", "linux/arm/v7"},
		{"windows/amd64", "windows/amd64"},
		{"windows/arm64", "windows/arm64"},
		{"windows/386", "windows/386"},
		{"darwin/amd64", "darwin/amd64"},
		{"darwin/arm64", "darwin/arm64"},
		{"macos/arm64", "darwin/arm64"},
		{"freebsd/amd64", "freebsd/amd64"},
		{"freebsd/arm64", "freebsd/arm64"},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got.String() != tt.want {
			t.Errorf("Parse(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"", ErrInvalid},
		{"   ", ErrInvalid},
		{"linux", ErrInvalid},
		{"windows", ErrInvalid},
		{"macos", ErrInvalid},
		{"linux//", ErrInvalid},
		{"linux/", ErrInvalid},
		{"/amd64", ErrInvalid},
		{"linux/amd64/", ErrInvalid},
		{"linux/amd64/v3/x", ErrInvalid},
		{"linux/*", ErrInvalid},
		{"linux/arm 64", ErrInvalid},
		{"am d64", ErrInvalid},
		{"amd64,arm64", ErrInvalid}, // lists are ParseList's
		{"linux(5.10/amd64", ErrInvalid},

		{"linux/sparc", ErrUnsupported},
		{"linux/foo", ErrUnsupported},
		{"plan9/amd64", ErrUnsupported},
		{"linux/arm/v9", ErrUnsupported},
		{"linux/arm/v8", ErrUnsupported},
		{"linux/arm64/v9", ErrUnsupported},
		{"linux/amd64/v5", ErrUnsupported},
		{"linux/mips/v2", ErrUnsupported},
		{"linux/ppc64", ErrUnsupported},
		{"linux/wasm", ErrUnsupported},
		{"windows/arm", ErrUnsupported},
		{"windows/amd64/v3", ErrUnsupported},
		{"darwin/arm", ErrUnsupported},
		{"freebsd/386", ErrUnsupported},
		{"netbsd/amd64", ErrUnsupported},
		{"windows(10.0.17763)/amd64", ErrUnsupported},
		{"sparc", ErrUnsupported},
		{"foo", ErrUnsupported},
	}
	supported := strings.Join(Supported(), ", ")
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if !errors.Is(err, tt.want) {
			t.Errorf("Parse(%q) = %v, %v; want an error wrapping %q", tt.in, got, err, tt.want)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, tt.want.Error()+" ") {
			t.Errorf("Parse(%q) error %q does not start with %q", tt.in, msg, tt.want)
		}
		if quoted := `"` + tt.in + `"`; !strings.Contains(msg, quoted) {
			t.Errorf("Parse(%q) error %q does not quote the input", tt.in, msg)
		}
		if tt.want == ErrUnsupported && !strings.HasSuffix(msg, "supported: "+supported) {
			t.Errorf("Parse(%q) error %q does not list the supported platforms", tt.in, msg)
		}
	}
}

func TestParseUnsupportedShowsReading(t *testing.T) {
	_, err := Parse("LINUX/Sparc")
	if err == nil || !strings.Contains(err.Error(), `"LINUX/Sparc" (read as linux/sparc)`) {
		t.Errorf("Parse(LINUX/Sparc) error = %v, want it to show the normalized reading", err)
	}
}

func TestParseReturnsCopy(t *testing.T) {
	t1 := MustParse("amd64")
	t1.DebianSuites[0] = "changed"
	if got := MustParse("amd64").DebianSuites; got[0] != bookworm {
		t.Errorf("changing a parsed target changed the table: DebianSuites = %v", got)
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		r := recover()
		err, ok := r.(error)
		if !ok || !errors.Is(err, ErrUnsupported) {
			t.Errorf("MustParse(linux/sparc) panicked with %v, want an ErrUnsupported error", r)
		}
	}()
	MustParse("linux/sparc")
}

func TestParseList(t *testing.T) {
	got, err := ParseList([]string{"amd64, arm64", " linux/arm/v7 ,386,", "", "windows/amd64"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tg := range got {
		names = append(names, tg.String())
	}
	want := []string{"linux/amd64", "linux/arm64", "linux/arm/v7", "linux/386", "windows/amd64"}
	if !slices.Equal(names, want) {
		t.Errorf("ParseList = %v, want %v (in the order given)", names, want)
	}
}

func TestParseListEmpty(t *testing.T) {
	for _, items := range [][]string{nil, {}, {""}, {" ", ","}, {" , ,"}} {
		got, err := ParseList(items)
		if !errors.Is(err, ErrEmpty) || got != nil {
			t.Errorf("ParseList(%q) = %v, %v; want ErrEmpty", items, got, err)
		}
	}
}

func TestParseListDuplicates(t *testing.T) {
	tests := [][]string{
		{"linux/arm/v7", "armv7"},
		{"linux/arm/v7,armv7"},
		{"arm", "armhf"},
		{"x86_64", "amd64"},
		{"arm64", "linux/arm64/v8"},
		{"mips", "linux/mips/hardfloat"},
		{"amd64", "amd64"},
	}
	for _, items := range tests {
		got, err := ParseList(items)
		if !errors.Is(err, ErrDuplicate) || got != nil {
			t.Errorf("ParseList(%q) = %v, %v; want ErrDuplicate", items, got, err)
			continue
		}
		first, second := items[0], ""
		if len(items) == 1 {
			first, second, _ = strings.Cut(items[0], ",")
		} else {
			second = items[1]
		}
		for _, spelling := range []string{first, second} {
			if !strings.Contains(err.Error(), `"`+spelling+`"`) {
				t.Errorf("ParseList(%q) error %q does not name %q", items, err, spelling)
			}
		}
	}
}

func TestParseListReportsEveryError(t *testing.T) {
	_, err := ParseList([]string{"amd64", "linux/sparc", "linux//", "armv7", "arm"})
	for _, want := range []error{ErrUnsupported, ErrInvalid, ErrDuplicate} {
		if !errors.Is(err, want) {
			t.Errorf("ParseList error %v does not wrap %q", err, want)
		}
	}
}

func TestNames(t *testing.T) {
	want := map[string]string{
		"linux/amd64":              "amd64",
		"linux/amd64/v2":           "amd64v2",
		"linux/amd64/v3":           "amd64v3",
		"linux/amd64/v4":           "amd64v4",
		"linux/arm64":              "arm64",
		"linux/arm/v5":             "armv5",
		"linux/arm/v6":             "armv6",
		"linux/arm/v7":             "armv7",
		"linux/386":                "386",
		"linux/ppc64le":            "ppc64le",
		"linux/s390x":              "s390x",
		"linux/riscv64":            "riscv64",
		"linux/loong64":            "loong64",
		"linux/mips":               "mips",
		"linux/mips/softfloat":     "mips-softfloat",
		"linux/mipsle":             "mipsle",
		"linux/mipsle/softfloat":   "mipsle-softfloat",
		"linux/mips64":             "mips64",
		"linux/mips64/softfloat":   "mips64-softfloat",
		"linux/mips64le":           "mips64le",
		"linux/mips64le/softfloat": "mips64le-softfloat",
		"windows/amd64":            "windows-amd64",
		"windows/arm64":            "windows-arm64",
		"windows/386":              "windows-386",
		"darwin/amd64":             "darwin-amd64",
		"darwin/arm64":             "darwin-arm64",
		"freebsd/amd64":            "freebsd-amd64",
		"freebsd/arm64":            "freebsd-arm64",
	}
	if got := Supported(); !slices.Equal(got, slices.Sorted(maps.Keys(want))) {
		t.Errorf("Supported() = %v, want the platforms of this test", got)
	}
	for platform, name := range want {
		tg := MustParse(platform)
		if got := tg.Name(); got != name {
			t.Errorf("%s.Name() = %q, want %q", platform, got, name)
		}
		if back := MustParse(name); !reflect.DeepEqual(back, tg) {
			t.Errorf("Parse(%q) = %s, want %s", name, back, platform)
		}
	}
}

func TestSupported(t *testing.T) {
	list := Supported()
	if !slices.IsSorted(list) {
		t.Errorf("Supported() is not sorted: %v", list)
	}
	for _, s := range list {
		tg, err := Parse(s)
		if err != nil {
			t.Errorf("Parse(%q) of a supported platform: %v", s, err)
			continue
		}
		if tg.String() != s {
			t.Errorf("Parse(%q).String() = %q", s, tg)
		}
		if tg.GOOS != tg.OS {
			t.Errorf("%s: GOOS = %q, want the OS", s, tg.GOOS)
		}
	}
	list[0] = "changed"
	if Supported()[0] == "changed" {
		t.Error("Supported() returns the package's own slice")
	}
}

func TestZeroTarget(t *testing.T) {
	var z Target
	if z.String() != "" || z.Name() != "" || z.IsLinux() || z.CgoSupported() {
		t.Errorf("zero Target: String %q, Name %q, IsLinux %v, CgoSupported %v", z, z.Name(), z.IsLinux(), z.CgoSupported())
	}
}

func TestExecutable(t *testing.T) {
	tests := []struct {
		platform, name, want string
	}{
		{"windows/amd64", "app", "app.exe"},
		{"windows/arm64", "app.exe", "app.exe"},
		{"windows/386", "APP.EXE", "APP.EXE"},
		{"linux/amd64", "app", "app"},
		{"darwin/arm64", "app", "app"},
		{"freebsd/amd64", "app.exe", "app.exe"},
	}
	for _, tt := range tests {
		if got := MustParse(tt.platform).Executable(tt.name); got != tt.want {
			t.Errorf("%s.Executable(%q) = %q, want %q", tt.platform, tt.name, got, tt.want)
		}
	}
}

func TestIsLinux(t *testing.T) {
	for _, s := range Supported() {
		if got, want := MustParse(s).IsLinux(), strings.HasPrefix(s, "linux/"); got != want {
			t.Errorf("%s.IsLinux() = %v", s, got)
		}
	}
}

// FuzzParse checks that Parse never panics, and that a target it returns
// reads back the same from its String and from its Name.
func FuzzParse(f *testing.F) {
	for _, s := range Supported() {
		f.Add(s)
		f.Add(MustParse(s).Name())
	}
	for _, s := range []string{
		"", " ", "linux", "linux//", "/", "//", "linux/arm/v9", "plan9/amd64",
		"windows(10.0)/amd64", "LINUX/X86_64", "armel", "x86", "linux/arm64/v8",
		"linux/mips/hardfloat", "linux/..", "*", "a,b", "linux/amd64/v3/x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tg, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("Parse(%q) error %v wraps neither ErrInvalid nor ErrUnsupported", s, err)
			}
			return
		}
		for _, again := range []string{tg.String(), tg.Name()} {
			back, err := Parse(again)
			if err != nil {
				t.Fatalf("Parse(%q) = %s, but Parse(%q): %v", s, tg, again, err)
			}
			if !reflect.DeepEqual(back, tg) {
				t.Fatalf("Parse(%q) = %+v, but Parse(%q) = %+v", s, tg, again, back)
			}
		}
	})
}
