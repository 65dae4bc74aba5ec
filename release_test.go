package main

import (
	"context"
	"slices"
	"testing"

	"dagger/go-build/internal/errtest"
	"dagger/go-build/internal/platform"
	"dagger/go-build/internal/release"
)

// releaseCall is a Release call; the zero value but for platforms is the
// defaults.
type releaseCall struct {
	platforms                                                   []string
	projectName, version, nameTemplate, format, sourceDateEpoch string
	binariesOnly                                                bool
}

func (c releaseCall) args() releaseArgs {
	return releaseArgs{
		platforms: c.platforms, projectName: c.projectName, version: c.version,
		nameTemplate: c.nameTemplate, format: c.format, binariesOnly: c.binariesOnly,
		sbom: true, sourceDateEpoch: c.sourceDateEpoch,
	}
}

var twoPlatforms = []string{"linux/amd64", "linux/arm64"}

// TestReleaseErrors covers the bad input Release rejects before any
// container work (dag is nil here: reaching it would panic the test).
func TestReleaseErrors(t *testing.T) {
	tests := []struct {
		name     string
		change   func(m *GoBuild)
		call     releaseCall
		sentinel error
		wantErr  string
	}{
		{"unknown platform", nil, releaseCall{platforms: []string{"linux/amd64", "sparc64"}}, platform.ErrUnsupported, `"sparc64"`},
		{"malformed platform", nil, releaseCall{platforms: []string{"linux//"}}, platform.ErrInvalid, `"linux//"`},
		{"duplicate platform", nil, releaseCall{platforms: []string{"linux/arm/v7,armv7"}}, platform.ErrDuplicate, "linux/arm/v7"},
		{"empty list", nil, releaseCall{platforms: nil}, platform.ErrEmpty, "linux/amd64,linux/arm64, or all"},
		{"blank entries only", nil, releaseCall{platforms: []string{" , "}}, platform.ErrEmpty, "to release"},
		{"all with others", nil, releaseCall{platforms: []string{"all,linux/amd64"}}, nil, "stands alone"},
		{"cgo for windows", func(m *GoBuild) { m.Cgo = true }, releaseCall{platforms: []string{"linux/amd64,windows/amd64"}}, nil, "cgo cross-compilation for windows/amd64"},
		{"cgo for darwin", func(m *GoBuild) { m.Cgo = true }, releaseCall{platforms: []string{"darwin/arm64"}}, nil, "darwin/arm64"},
		{"emulating windows", func(m *GoBuild) { m.Mode = BuildModeEmulate }, releaseCall{platforms: []string{"windows/amd64"}}, nil, "EMULATE"},
		{"template that ignores the platform", nil, releaseCall{platforms: twoPlatforms, projectName: "app", version: "v1.0.0", nameTemplate: "{{ .ProjectName }}_{{ .Os }}"},
			release.ErrCollision, `"app_linux.tar.gz"`},
		{"template collision shows the stand-ins", nil, releaseCall{platforms: twoPlatforms, version: "v1.0.0", nameTemplate: "{{ .ProjectName }}_{{ .Version }}"},
			release.ErrCollision, `stand-ins "project"`},
		{"arm variants told apart only by a field the template drops", nil, releaseCall{platforms: []string{"linux/arm/v6", "linux/arm/v7"}, version: "1.0.0", nameTemplate: "{{ .ProjectName }}_{{ .Os }}_{{ .Arch }}"},
			release.ErrCollision, "linux/arm/v6"},
		{"template with an unknown field", nil, releaseCall{platforms: twoPlatforms, nameTemplate: "{{ .Nope }}"}, release.ErrTemplate, "Nope"},
		{"template that does not parse", nil, releaseCall{platforms: twoPlatforms, nameTemplate: "{{ .Os "}, release.ErrTemplate, "{{ .Os "},
		{"unknown format", nil, releaseCall{platforms: twoPlatforms, format: "rar"}, release.ErrFormat, `"rar"`},
		{"unsafe project name", nil, releaseCall{platforms: twoPlatforms, projectName: "my app"}, release.ErrUnsafeName, "a space"},
		{"version that is not semantic", nil, releaseCall{platforms: twoPlatforms, version: "latest"}, release.ErrVersion, `"latest"`},
		{"constructor version that is not semantic", func(m *GoBuild) { m.Version = "dev" }, releaseCall{platforms: twoPlatforms}, release.ErrVersion, "constructor's --version"},
		{"source date epoch that is not a number", nil, releaseCall{platforms: twoPlatforms, sourceDateEpoch: "yesterday"}, release.ErrMTime, `"yesterday"`},
		{"source date epoch before zip's 1980", nil, releaseCall{platforms: twoPlatforms, sourceDateEpoch: "0"}, release.ErrMTime, "1980"},
		{"format for a binaries tree", nil, releaseCall{platforms: twoPlatforms, binariesOnly: true, format: "ZIP"}, nil, "binariesOnly writes no archives"},
		{"template for a binaries tree", nil, releaseCall{platforms: twoPlatforms, binariesOnly: true, nameTemplate: "{{ .Os }}"}, nil, "binariesOnly writes no archives"},
		{"every problem at once", nil, releaseCall{platforms: []string{"sparc64"}, format: "rar", sourceDateEpoch: "x"}, release.ErrFormat, "sparc64"},

		{"defaults", nil, releaseCall{platforms: twoPlatforms}, nil, ""},
		{"the issue's platforms", nil, releaseCall{platforms: []string{"linux/amd64,linux/arm64,linux/arm/v7,darwin/arm64,windows/amd64"}}, nil, ""},
		{"all", nil, releaseCall{platforms: []string{"all"}}, nil, ""},
		{"all with cgo", func(m *GoBuild) { m.Cgo = true }, releaseCall{platforms: []string{"ALL"}}, nil, ""},
		{"zip for every platform", nil, releaseCall{platforms: twoPlatforms, format: "ZIP"}, nil, ""},
		{"tar.gz for every platform", nil, releaseCall{platforms: twoPlatforms, format: "TAR_GZ"}, nil, ""},
		{"goreleaser init's template", nil, releaseCall{platforms: []string{"linux/amd64,linux/386,linux/arm/v7,darwin/arm64"},
			nameTemplate: `{{ .ProjectName }}_{{ title .Os }}_{{ if eq .Arch "amd64" }}x86_64{{ else if eq .Arch "386" }}i386{{ else }}{{ .Arch }}{{ end }}{{ with .Arm }}v{{ . }}{{ end }}`}, nil, ""},
		{"binaries tree without a semantic constructor version", func(m *GoBuild) { m.Version = "dev" }, releaseCall{platforms: twoPlatforms, binariesOnly: true}, nil, ""},
		{"module version names the release", func(m *GoBuild) { m.Module = "github.com/mikefarah/yq/v4@v4.44.3" }, releaseCall{platforms: twoPlatforms}, nil, ""},
		{"source date epoch", nil, releaseCall{platforms: twoPlatforms, sourceDateEpoch: "1700000000"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := config()
			if tt.change != nil {
				tt.change(m)
			}
			_, err := m.checkRelease(tt.call.args())
			errtest.Check(t, err, tt.sentinel, tt.wantErr)
		})
	}
}

// TestReleaseFailsBeforeContainerWork calls Release itself: bad input
// returns before anything reaches the (nil) dag.
func TestReleaseFailsBeforeContainerWork(t *testing.T) {
	ctx := context.Background()
	m := config()
	_, err := m.Release(ctx, []string{"linux/amd64", "linux/amd64"}, "", "", "", "", false, true, "", nil, "", "", "", "", "")
	errtest.Check(t, err, platform.ErrDuplicate, "linux/amd64")
	_, err = m.Release(ctx, twoPlatforms, "", "", "", "tar.xz", false, true, "", nil, "", "", "", "", "")
	errtest.Check(t, err, release.ErrFormat, "tar.xz")

	m.Source = nil
	m.NoSourceReason = errNoGoMod.Error()
	_, err = m.Release(ctx, twoPlatforms, "", "", "", "", false, true, "", nil, "", "", "", "", "")
	errtest.Check(t, err, nil, "release needs a Go source")
}

func TestReleaseAll(t *testing.T) {
	names := func(ts []platform.Target) []string {
		var s []string
		for _, t := range ts {
			s = append(s, t.String())
		}
		return s
	}
	tests := []struct {
		name    string
		change  func(m *GoBuild)
		want    []string
		notWant []string
	}{
		{"pure Go: every supported platform", nil, platform.Supported(), nil},
		{"cgo: Linux targets with cgo support", func(m *GoBuild) { m.Cgo = true },
			[]string{"linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/s390x"},
			[]string{"windows/amd64", "darwin/arm64", "linux/mips", "linux/mipsle/softfloat"}},
		{"emulated: Linux targets", func(m *GoBuild) { m.Mode = BuildModeEmulate },
			[]string{"linux/amd64", "linux/mips"}, []string{"windows/amd64", "darwin/arm64", "freebsd/amd64"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := config()
			if tt.change != nil {
				tt.change(m)
			}
			req, err := m.checkRelease(releaseCall{platforms: []string{"all"}}.args())
			if err != nil {
				t.Fatal(err)
			}
			if !req.all {
				t.Error("all is not marked as all")
			}
			got := names(req.targets)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("all lacks %s: %v", w, got)
				}
			}
			for _, n := range tt.notWant {
				if slices.Contains(got, n) {
					t.Errorf("all has %s: %v", n, got)
				}
			}
			for _, tgt := range req.targets {
				if err := m.checkTarget(tgt); err != nil {
					t.Errorf("all has %s, which the configuration rejects: %v", tgt, err)
				}
			}
		})
	}
}

// TestReleaseVersionStamp checks release's own version is stamped: the
// release builds with a copy of the configuration, leaving it unchanged.
func TestReleaseVersionStamp(t *testing.T) {
	m := config()
	m.Version = "v1.0.0"
	req, err := m.checkRelease(releaseCall{platforms: twoPlatforms, version: "v2.0.0-rc.1"}.args())
	if err != nil {
		t.Fatal(err)
	}
	if req.builder == m || req.builder.Version != "v2.0.0-rc.1" || m.Version != "v1.0.0" {
		t.Errorf("builder version %q (same object: %v), configuration's %q", req.builder.Version, req.builder == m, m.Version)
	}
	if req.version == nil || req.version.Name != "2.0.0-rc.1" {
		t.Errorf("release version %+v, want 2.0.0-rc.1", req.version)
	}

	req, err = m.checkRelease(releaseCall{platforms: twoPlatforms}.args())
	if err != nil {
		t.Fatal(err)
	}
	if req.builder != m || req.version == nil || req.version.Name != "1.0.0" {
		t.Errorf("without release's version: builder is the configuration %v, version %+v, want 1.0.0 from --version", req.builder == m, req.version)
	}

	m = config()
	m.Module = "github.com/mikefarah/yq/v4@v4.44.3"
	req, err = m.checkRelease(releaseCall{platforms: twoPlatforms}.args())
	if err != nil {
		t.Fatal(err)
	}
	if req.version == nil || req.version.Name != "4.44.3" {
		t.Errorf("module release version %+v, want 4.44.3", req.version)
	}
}

func TestTargetDir(t *testing.T) {
	for arch, want := range map[string]string{
		"linux/amd64": "linux_amd64", "linux/arm/v7": "linux_arm_v7", "linux/amd64/v3": "linux_amd64_v3",
		"windows/amd64": "windows_amd64", "darwin/arm64": "darwin_arm64",
	} {
		if got := targetDir(platform.MustParse(arch)); got != want {
			t.Errorf("targetDir(%s) = %q, want %q", arch, got, want)
		}
	}
}
