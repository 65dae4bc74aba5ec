package release

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"dagger/go-build/internal/errtest"
	"dagger/go-build/internal/platform"
)

func targets(t *testing.T, specs ...string) []platform.Target {
	t.Helper()
	out, err := platform.ParseList(specs)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestNewPlanGoReleaserNames checks the default names against what
// GoReleaser v2 names the same targets with its default archive
// name_template and GoReleaser's field values (its archive pipe test
// expects foobar_0.0.1_linux_amd64v3, _linux_armv7, _linux_mips_softfloat,
// _darwin_amd64 for amd64 v1).
func TestNewPlanGoReleaserNames(t *testing.T) {
	tests := []struct {
		platform string
		archive  string
		binary   string
		exe      string
	}{
		{"linux/amd64", "yq_4.44.1_linux_amd64.tar.gz", "linux_amd64/yq", "yq"},
		{"linux/amd64/v2", "yq_4.44.1_linux_amd64v2.tar.gz", "linux_amd64_v2/yq", "yq"},
		{"linux/amd64/v3", "yq_4.44.1_linux_amd64v3.tar.gz", "linux_amd64_v3/yq", "yq"},
		{"linux/amd64/v4", "yq_4.44.1_linux_amd64v4.tar.gz", "linux_amd64_v4/yq", "yq"},
		{"linux/arm64", "yq_4.44.1_linux_arm64.tar.gz", "linux_arm64/yq", "yq"},
		{"linux/arm/v5", "yq_4.44.1_linux_armv5.tar.gz", "linux_arm_v5/yq", "yq"},
		{"linux/arm/v6", "yq_4.44.1_linux_armv6.tar.gz", "linux_arm_v6/yq", "yq"},
		{"linux/arm/v7", "yq_4.44.1_linux_armv7.tar.gz", "linux_arm_v7/yq", "yq"},
		{"linux/386", "yq_4.44.1_linux_386.tar.gz", "linux_386/yq", "yq"},
		{"linux/ppc64le", "yq_4.44.1_linux_ppc64le.tar.gz", "linux_ppc64le/yq", "yq"},
		{"linux/s390x", "yq_4.44.1_linux_s390x.tar.gz", "linux_s390x/yq", "yq"},
		{"linux/riscv64", "yq_4.44.1_linux_riscv64.tar.gz", "linux_riscv64/yq", "yq"},
		{"linux/loong64", "yq_4.44.1_linux_loong64.tar.gz", "linux_loong64/yq", "yq"},
		{"linux/mips", "yq_4.44.1_linux_mips_hardfloat.tar.gz", "linux_mips/yq", "yq"},
		{"linux/mips/softfloat", "yq_4.44.1_linux_mips_softfloat.tar.gz", "linux_mips_softfloat/yq", "yq"},
		{"linux/mipsle", "yq_4.44.1_linux_mipsle_hardfloat.tar.gz", "linux_mipsle/yq", "yq"},
		{"linux/mipsle/softfloat", "yq_4.44.1_linux_mipsle_softfloat.tar.gz", "linux_mipsle_softfloat/yq", "yq"},
		{"linux/mips64", "yq_4.44.1_linux_mips64_hardfloat.tar.gz", "linux_mips64/yq", "yq"},
		{"linux/mips64le", "yq_4.44.1_linux_mips64le_hardfloat.tar.gz", "linux_mips64le/yq", "yq"},
		{"linux/mips64le/softfloat", "yq_4.44.1_linux_mips64le_softfloat.tar.gz", "linux_mips64le_softfloat/yq", "yq"},
		{"windows/amd64", "yq_4.44.1_windows_amd64.zip", "windows_amd64/yq.exe", "yq.exe"},
		{"windows/arm64", "yq_4.44.1_windows_arm64.zip", "windows_arm64/yq.exe", "yq.exe"},
		{"windows/386", "yq_4.44.1_windows_386.zip", "windows_386/yq.exe", "yq.exe"},
		{"darwin/amd64", "yq_4.44.1_darwin_amd64.tar.gz", "darwin_amd64/yq", "yq"},
		{"darwin/arm64", "yq_4.44.1_darwin_arm64.tar.gz", "darwin_arm64/yq", "yq"},
		{"freebsd/amd64", "yq_4.44.1_freebsd_amd64.tar.gz", "freebsd_amd64/yq", "yq"},
		{"freebsd/arm64", "yq_4.44.1_freebsd_arm64.tar.gz", "freebsd_arm64/yq", "yq"},
	}
	var specs []string
	for _, tt := range tests {
		specs = append(specs, tt.platform)
	}
	plan, err := NewPlan(Options{ProjectName: "yq", Version: "4.44.1", SBOM: true}, targets(t, specs...))
	if err != nil {
		t.Fatal(err)
	}
	if plan.Checksums != "yq_4.44.1_checksums.txt" {
		t.Errorf("Checksums = %q", plan.Checksums)
	}
	if len(plan.Outputs) != len(tests) {
		t.Fatalf("%d outputs, want %d", len(plan.Outputs), len(tests))
	}
	for i, tt := range tests {
		o := plan.Outputs[i]
		if o.Target.String() != tt.platform {
			t.Errorf("output %d is for %s, want %s (order of targets)", i, o.Target, tt.platform)
		}
		if o.Archive != tt.archive {
			t.Errorf("%s: Archive = %q, want %q", tt.platform, o.Archive, tt.archive)
		}
		if want := strings.TrimSuffix(strings.TrimSuffix(tt.archive, ".tar.gz"), ".zip") + ".sbom.spdx.json"; o.SBOM != want {
			t.Errorf("%s: SBOM = %q, want %q", tt.platform, o.SBOM, want)
		}
		if o.BinaryPath != tt.binary {
			t.Errorf("%s: BinaryPath = %q, want %q", tt.platform, o.BinaryPath, tt.binary)
		}
		if o.Executable != tt.exe {
			t.Errorf("%s: Executable = %q, want %q", tt.platform, o.Executable, tt.exe)
		}
		wantFormat := TarGz
		if strings.HasSuffix(tt.archive, ".zip") {
			wantFormat = Zip
		}
		if o.Format != wantFormat {
			t.Errorf("%s: Format = %q, want %q", tt.platform, o.Format, wantFormat)
		}
	}
}

func TestNewPlanOptions(t *testing.T) {
	// goreleaserInit is the archive name_template `goreleaser init`
	// writes (internal/static/config.yaml), on one line.
	const goreleaserInit = `{{ .ProjectName }}_{{- title .Os }}_{{- if eq .Arch "amd64" }}x86_64{{- else if eq .Arch "386" }}i386{{- else }}{{ .Arch }}{{ end }}{{- if .Arm }}v{{ .Arm }}{{ end }}`
	tests := []struct {
		name      string
		opts      Options
		platforms []string
		archives  []string
		uploads   []string
	}{
		{
			name:      "goreleaser init template",
			opts:      Options{ProjectName: "app", Version: "1.0.0", NameTemplate: goreleaserInit},
			platforms: []string{"linux/amd64", "linux/arm/v7", "darwin/arm64", "windows/386"},
			archives:  []string{"app_Linux_x86_64.tar.gz", "app_Linux_armv7.tar.gz", "app_Darwin_arm64.tar.gz", "app_Windows_i386.zip"},
			uploads:   []string{"app_1.0.0_checksums.txt", "app_Darwin_arm64.tar.gz", "app_Linux_armv7.tar.gz", "app_Linux_x86_64.tar.gz", "app_Windows_i386.zip"},
		},
		{
			name:      "format for all targets",
			opts:      Options{ProjectName: "app", Version: "1.0.0", Format: Zip},
			platforms: []string{"linux/amd64", "windows/amd64"},
			archives:  []string{"app_1.0.0_linux_amd64.zip", "app_1.0.0_windows_amd64.zip"},
			uploads:   []string{"app_1.0.0_checksums.txt", "app_1.0.0_linux_amd64.zip", "app_1.0.0_windows_amd64.zip"},
		},
		{
			name:      "tar.gz for windows too",
			opts:      Options{ProjectName: "app", Version: "1.0.0", Format: TarGz},
			platforms: []string{"windows/amd64"},
			archives:  []string{"app_1.0.0_windows_amd64.tar.gz"},
			uploads:   []string{"app_1.0.0_checksums.txt", "app_1.0.0_windows_amd64.tar.gz"},
		},
		{
			name:      "GoReleaser Target field",
			opts:      Options{ProjectName: "app", Version: "2.0.0-rc.1+build.5", NameTemplate: "{{ .ProjectName }}-{{ .Target }}"},
			platforms: []string{"linux/amd64", "linux/arm/v6", "linux/arm64", "linux/386", "linux/mips64le/softfloat", "linux/ppc64le", "linux/riscv64", "linux/s390x"},
			archives: []string{"app-linux_amd64_v1.tar.gz", "app-linux_arm_6.tar.gz", "app-linux_arm64_v8.0.tar.gz", "app-linux_386_sse2.tar.gz",
				"app-linux_mips64le_softfloat.tar.gz", "app-linux_ppc64le_power8.tar.gz", "app-linux_riscv64_rva20u64.tar.gz", "app-linux_s390x.tar.gz"},
		},
		{
			name:      "SBOMs are uploaded and checksummed",
			opts:      Options{ProjectName: "app", Version: "1.0.0", SBOM: true},
			platforms: []string{"windows/amd64", "linux/amd64"},
			archives:  []string{"app_1.0.0_windows_amd64.zip", "app_1.0.0_linux_amd64.tar.gz"},
			uploads: []string{"app_1.0.0_checksums.txt", "app_1.0.0_linux_amd64.sbom.spdx.json", "app_1.0.0_linux_amd64.tar.gz",
				"app_1.0.0_windows_amd64.sbom.spdx.json", "app_1.0.0_windows_amd64.zip"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := NewPlan(tt.opts, targets(t, tt.platforms...))
			if err != nil {
				t.Fatal(err)
			}
			var archives []string
			for _, o := range plan.Outputs {
				archives = append(archives, o.Archive)
			}
			if !reflect.DeepEqual(archives, tt.archives) {
				t.Errorf("archives = %q, want %q", archives, tt.archives)
			}
			if tt.uploads != nil && !reflect.DeepEqual(plan.Uploads(), tt.uploads) {
				t.Errorf("Uploads() = %q, want %q", plan.Uploads(), tt.uploads)
			}
		})
	}
}

func TestNewPlanBinaryName(t *testing.T) {
	plan, err := NewPlan(Options{ProjectName: "yq", Version: "4.0.0", Binary: "yq-cli"}, targets(t, "windows/arm64"))
	if err != nil {
		t.Fatal(err)
	}
	o := plan.Outputs[0]
	if o.Archive != "yq_4.0.0_windows_arm64.zip" || o.BinaryPath != "windows_arm64/yq-cli.exe" || o.Executable != "yq-cli.exe" || plan.Binary != "yq-cli" {
		t.Errorf("got %+v (binary %q)", o, plan.Binary)
	}
}

func TestNewPlanRejects(t *testing.T) {
	amd64 := targets(t, "linux/amd64")
	tests := []struct {
		name      string
		opts      Options
		platforms []string
		sentinel  error
		want      string
	}{
		{"space in project", Options{ProjectName: "my app", Version: "1.0.0"}, nil, ErrUnsafeName, `project name "my app" has a space at byte 2`},
		{"slash in project", Options{ProjectName: "org/app", Version: "1.0.0"}, nil, ErrUnsafeName, `project name "org/app" has '/'`},
		{"empty project", Options{Version: "1.0.0"}, nil, ErrUnsafeName, "project name is empty"},
		{"control char in version", Options{ProjectName: "app", Version: "1.0.0\n"}, nil, ErrUnsafeName, `control character U+000A`},
		{"slash in version", Options{ProjectName: "app", Version: "feature/x"}, nil, ErrUnsafeName, `version "feature/x" has '/'`},
		{"hidden project", Options{ProjectName: ".app", Version: "1.0.0"}, nil, ErrUnsafeName, `project name ".app" starts with "."`},
		{"option-like binary", Options{ProjectName: "app", Binary: "-rf", Version: "1.0.0"}, nil, ErrUnsafeName, `binary name "-rf" starts with "-"`},
		{"non-ASCII", Options{ProjectName: "äpp", Version: "1.0.0"}, nil, ErrUnsafeName, `project name "äpp" has 'ä'`},
		{"too long", Options{ProjectName: strings.Repeat("a", 240), Version: "1.0.0"}, nil, ErrUnsafeName, "is 265 bytes long: at most 255"},
		{"bad format", Options{ProjectName: "app", Version: "1.0.0", Format: "tar.xz"}, nil, ErrFormat, `"tar.xz": accepted: tar.gz, zip`},
		{"template does not parse", Options{ProjectName: "app", Version: "1.0.0", NameTemplate: "{{ .Os "}, nil, ErrTemplate, `"{{ .Os "`},
		{"template unknown field", Options{ProjectName: "app", Version: "1.0.0", NameTemplate: "{{ .ProjectName }}_{{ .Commit }}"}, nil, ErrTemplate, `for linux/amd64: `},
		{"template unknown func", Options{ProjectName: "app", Version: "1.0.0", NameTemplate: "{{ envOrDefault .Os }}"}, nil, ErrTemplate, `function "envOrDefault" not defined`},
		{"template gives a directory", Options{ProjectName: "app", Version: "1.0.0", NameTemplate: "{{ .Os }}/{{ .Arch }}"}, nil, ErrUnsafeName, `archive name of linux/amd64 "linux/amd64.tar.gz" has '/'`},
		{"template gives empty", Options{ProjectName: "app", Version: "1.0.0", NameTemplate: `{{ if eq .Os "linux" }}{{ else }}x{{ end }}`}, nil, ErrUnsafeName, `archive name of linux/amd64 ".tar.gz" starts with "."`},
		{
			"template drops the amd64 level", Options{ProjectName: "app", Version: "1.0.0", NameTemplate: "{{ .ProjectName }}_{{ .Os }}_{{ .Arch }}"},
			[]string{"linux/amd64", "linux/amd64/v3"}, ErrCollision,
			`the archive of linux/amd64 and the archive of linux/amd64/v3 would both be named "app_linux_amd64.tar.gz"`,
		},
		{
			"template drops the float mode", Options{ProjectName: "app", Version: "1.0.0", NameTemplate: "{{ .ProjectName }}_{{ .Os }}_{{ .Arch }}"},
			[]string{"linux/mips", "linux/mips/softfloat"}, ErrCollision, `would both be named "app_linux_mips.tar.gz"`,
		},
		{
			"names differ only in case", Options{ProjectName: "app", Version: "1.0.0", NameTemplate: `{{ if eq .Arch "arm64" }}{{ toupper .ProjectName }}{{ else }}{{ .ProjectName }}{{ end }}`},
			[]string{"linux/amd64", "linux/arm64"}, ErrCollision,
			`the archive of linux/amd64 ("app.tar.gz") and the archive of linux/arm64 ("APP.tar.gz") differ only in case`,
		},
		{"platform listed twice", Options{ProjectName: "app", Version: "1.0.0"}, []string{"linux/amd64", "linux/arm64", "linux/amd64"}, ErrCollision,
			"platform linux/amd64 is listed twice (targets 1 and 3)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := amd64
			if tt.platforms != nil {
				// Parsed one by one: ParseList refuses duplicates.
				ts = nil
				for _, p := range tt.platforms {
					ts = append(ts, platform.MustParse(p))
				}
			}
			_, err := NewPlan(tt.opts, ts)
			errtest.Check(t, err, tt.sentinel, tt.want)
		})
	}
}

func TestNewPlanNoTargets(t *testing.T) {
	_, err := NewPlan(Options{ProjectName: "app", Version: "1.0.0"}, nil)
	if !errors.Is(err, ErrNoTargets) {
		t.Fatalf("error = %v, want ErrNoTargets", err)
	}
}

// TestNewPlanReportsAll checks that one run reports every problem, not
// just the first, so a user fixes them in one go.
func TestNewPlanReportsAll(t *testing.T) {
	_, err := NewPlan(Options{ProjectName: "my app", Version: "v/1", Format: "rar"}, targets(t, "linux/amd64"))
	for _, want := range []string{`"my app"`, `"v/1"`, `"rar"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v, want it to mention %s", err, want)
		}
	}
	if !errors.Is(err, ErrUnsafeName) || !errors.Is(err, ErrFormat) {
		t.Errorf("error = %v, want it to wrap ErrUnsafeName and ErrFormat", err)
	}
}

func TestTemplateFields(t *testing.T) {
	got := TemplateFields("app", "1.0.0", platform.MustParse("linux/arm/v6"))
	want := map[string]string{
		"ProjectName": "app", "Version": "1.0.0", "Os": "linux", "Arch": "arm",
		"Amd64": "", "I386": "", "Arm": "6", "Arm64": "", "Mips": "", "Ppc64": "", "Riscv64": "",
		"Target": "linux_arm_6",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("TemplateFields = %v, want %v", got, want)
	}
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in   string
		want Format
		err  string
	}{
		{"tar.gz", TarGz, ""},
		{" zip ", Zip, ""},
		{"tgz", "", `"tgz": accepted: tar.gz, zip`},
		{"", "", `"": accepted`},
		{"ZIP", "", `"ZIP"`},
	}
	for _, tt := range tests {
		got, err := ParseFormat(tt.in)
		errtest.Check(t, err, ErrFormat, tt.err)
		if got != tt.want {
			t.Errorf("ParseFormat(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCheckTemplate(t *testing.T) {
	errtest.Check(t, CheckTemplate(DefaultNameTemplate), nil, "")
	errtest.Check(t, CheckTemplate("{{ if }}"), ErrTemplate, "missing value for if")
}

func TestPlanAddFiles(t *testing.T) {
	plan, err := NewPlan(Options{ProjectName: "app", Version: "1.0.0", SBOM: true}, []platform.Target{platform.MustParse("linux/amd64")})
	if err != nil {
		t.Fatal(err)
	}
	if err := plan.AddFiles("package", []string{"app_1.0.0_linux_amd64.deb", "app_1.0.0_linux_amd64.deb.sbom.spdx.json"}); err != nil {
		t.Fatal(err)
	}
	want := []string{"app_1.0.0_linux_amd64.deb", "app_1.0.0_linux_amd64.deb.sbom.spdx.json", "app_1.0.0_linux_amd64.sbom.spdx.json", "app_1.0.0_linux_amd64.tar.gz"}
	if got := plan.Checksummed(); !slices.Equal(got, want) {
		t.Errorf("Checksummed() = %q, want %q", got, want)
	}
	if got := plan.Uploads(); len(got) != 5 || got[0] != "app_1.0.0_checksums.txt" {
		t.Errorf("Uploads() = %q", got)
	}
	err = plan.AddFiles("package", []string{"APP_1.0.0_linux_amd64.tar.gz", "app_1.0.0_linux_amd64.deb", "app_1.0.0_checksums.txt", "a b"})
	if !errors.Is(err, ErrCollision) || !errors.Is(err, ErrUnsafeName) || strings.Count(err.Error(), "has the name of another output") != 3 {
		t.Errorf("AddFiles of taken and unsafe names = %v", err)
	}
}
