package linuxpkg

import (
	"dagger/go-build/internal/golden"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"dagger/go-build/internal/platform"
	"dagger/go-build/internal/release"
)

func targets(names ...string) []platform.Target {
	var out []platform.Target
	for _, n := range names {
		out = append(out, platform.MustParse(n))
	}
	return out
}

// TestPlanNames writes the plan of a release of several platforms in every
// format, SBOMs included, to a golden file: GoReleaser's file names (the
// Go architecture, v7 run in), the SBOM beside each, no package for
// windows.
func TestPlanNames(t *testing.T) {
	plan, err := NewPlan(Options{Name: "yq", Version: "1.2.3", Formats: Formats, SBOM: true},
		targets("linux/amd64", "linux/amd64/v3", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/386",
			"linux/ppc64le", "linux/s390x", "linux/riscv64", "linux/mipsle/softfloat", "windows/amd64"), true)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, o := range plan.Outputs {
		fmt.Fprintf(&b, "%s %s arch=%s", o.Target, o.Format, o.Arch)
		if o.ArchVariant != "" {
			fmt.Fprintf(&b, " variant=%s", o.ArchVariant)
		}
		fmt.Fprintf(&b, "\n  %s\n  %s\n", o.File, o.SBOM)
	}
	golden.Check(t, filepath.Join("testdata", "plan.txt"), []byte(b.String()))
	if got, want := len(plan.Files()), 2*len(plan.Outputs); got != want {
		t.Errorf("Files() has %d names, want %d", got, want)
	}
}

func TestPlanSnapshotVersionAndNoSBOM(t *testing.T) {
	plan, err := NewPlan(Options{Name: "app", Version: "1.2.3-SNAPSHOT-abc1234", Formats: []Format{RPM}}, targets("linux/arm64"), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Outputs) != 1 || plan.Outputs[0].File != "app_1.2.3-SNAPSHOT-abc1234_linux_arm64.rpm" || plan.Outputs[0].SBOM != "" {
		t.Errorf("plan = %+v", plan.Outputs)
	}
	if files := plan.Files(); len(files) != 1 {
		t.Errorf("Files() = %q, want the package alone", files)
	}
}

func TestPlanNoFormatsIsEmpty(t *testing.T) {
	plan, err := NewPlan(Options{Name: "Not A Name!", Version: "1.0.0"}, targets("windows/amd64"), false)
	if err != nil || len(plan.Outputs) != 0 {
		t.Errorf("NewPlan without formats = %+v, %v; want nothing and no error", plan, err)
	}
}

func TestPlanErrors(t *testing.T) {
	for _, c := range []struct {
		name    string
		opts    Options
		targets []platform.Target
		all     bool
		is      error
		want    []string
	}{
		{"apk of arm/v5 listed", Options{Name: "app", Version: "1.0.0", Formats: []Format{Deb, APK}}, targets("linux/arm/v5", "linux/mips"), false,
			ErrArch, []string{"linux/arm/v5", "linux/mips", "apk"}},
		{"no Linux", Options{Name: "app", Version: "1.0.0", Formats: []Format{Deb}}, targets("darwin/arm64", "windows/amd64"), false,
			ErrNoLinux, []string{"darwin/arm64,windows/amd64", "linux/amd64"}},
		{"no Linux even for all", Options{Name: "app", Version: "1.0.0", Formats: []Format{Deb}}, targets("darwin/arm64"), true,
			ErrNoLinux, nil},
		{"upper-case name", Options{Name: "MyApp", Version: "1.0.0", Formats: []Format{Deb}}, targets("linux/amd64"), false,
			ErrMetadata, []string{`"MyApp"`, "'M'", "projectName"}},
		{"underscore", Options{Name: "my_app", Version: "1.0.0", Formats: []Format{Deb}}, targets("linux/amd64"), false,
			ErrMetadata, []string{`'_'`}},
		{"one letter", Options{Name: "a", Version: "1.0.0", Formats: []Format{Deb}}, targets("linux/amd64"), false,
			ErrMetadata, []string{"2 to 128"}},
		{"bad version", Options{Name: "app", Version: "1.0 beta", Formats: []Format{Deb}}, targets("linux/amd64"), false,
			release.ErrUnsafeName, []string{"a space"}},
	} {
		_, err := NewPlan(c.opts, c.targets, c.all)
		if !errors.Is(err, c.is) {
			t.Errorf("%s: NewPlan = %v, want %v", c.name, err, c.is)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v does not name %q", c.name, err, w)
			}
		}
	}
}

func TestPlanAllSkipsWhatAFormatCannotHold(t *testing.T) {
	plan, err := NewPlan(Options{Name: "app", Version: "1.0.0", Formats: []Format{APK}}, targets("linux/arm/v5", "linux/arm/v7"), true)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Outputs) != 1 || plan.Outputs[0].Target.String() != "linux/arm/v7" {
		t.Errorf("outputs = %+v, want the arm/v7 apk alone", plan.Outputs)
	}
}

func TestCheckName(t *testing.T) {
	for _, ok := range []string{"yq", "go-build", "lib2to3", "g++", "a.b", "0ad"} {
		if err := CheckName(ok); err != nil {
			t.Errorf("CheckName(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "x", "-app", "App", "my app", "my_app", "é1", strings.Repeat("a", 129)} {
		if err := CheckName(bad); !errors.Is(err, ErrMetadata) {
			t.Errorf("CheckName(%q) = %v, want ErrMetadata", bad, err)
		}
	}
}
