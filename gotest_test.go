package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	"dagger/go-build/internal/errtest"
	"dagger/go-build/internal/gotest"
	"dagger/go-build/internal/platform"
)

// testArgs are Test's arguments after ctx, so each case changes only what
// it is about.
type testArgs struct {
	platforms, packages []string
	run, skip           string
	short               bool
	count               int
	timeout             string
	testTags            []string
	race                bool
	args                []string
	runImage            string
	format              TestOutputFormat
}

func (a testArgs) call(m *GoBuild) (string, error) {
	return m.Test(context.Background(), a.platforms, a.packages, a.run, a.skip, a.short, a.count, a.timeout,
		a.testTags, a.race, a.args, a.runImage, a.format)
}

// Bad input fails before any container work (dag is nil here: reaching it
// would panic the test), naming the value.
func TestTestErrors(t *testing.T) {
	amd64 := []string{"linux/amd64"}
	tests := []struct {
		name    string
		change  func(m *GoBuild)
		args    testArgs
		wantErr string
	}{
		{"no source", func(m *GoBuild) { m.Source, m.NoSourceReason = nil, errNoGoMod.Error() }, testArgs{platforms: amd64}, "test needs a Go source"},
		{"unknown format", nil, testArgs{platforms: amd64, format: "XML"}, `format "XML": want TEXT or JSON`},
		{"negative count", nil, testArgs{platforms: amd64, count: -1}, "count -1"},
		{"bad timeout", nil, testArgs{platforms: amd64, timeout: "soon"}, `timeout "soon"`},
		{"bad run pattern", nil, testArgs{platforms: amd64, run: "Test("}, `run "Test("`},
		{"bad skip pattern", nil, testArgs{platforms: amd64, skip: "[a"}, `skip "[a"`},
		{"bad test tag", nil, testArgs{platforms: amd64, testTags: []string{"a b"}}, `build tag "a b"`},
		{"flag as package", nil, testArgs{platforms: amd64, packages: []string{"-v"}}, `package "-v"`},
		{"unknown platform", nil, testArgs{platforms: []string{"linux/amd64", "linux/sparc"}}, "linux/sparc"},
		{"duplicate platform", nil, testArgs{platforms: []string{"arm64", "linux/arm64"}}, "duplicate"},
		{"windows", nil, testArgs{platforms: []string{"windows/amd64"}}, "test binaries run in Linux containers"},
		{"darwin", nil, testArgs{platforms: []string{"linux/amd64,darwin/arm64"}}, "darwin/arm64"},
		{"cgo without a C toolchain for the target", func(m *GoBuild) { m.Cgo = true }, testArgs{platforms: []string{"linux/mips64"}}, "cgo cross-compilation for linux/mips64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := config()
			if tt.change != nil {
				tt.change(m)
			}
			if tt.args.format == "" {
				tt.args.format = TestOutputFormatText
			}
			_, err := tt.args.call(m)
			errtest.Check(t, err, nil, tt.wantErr)
		})
	}
}

func TestTestTargets(t *testing.T) {
	tests := []struct {
		name      string
		mode      BuildMode
		platforms []string
		race      bool
		native    string
		want      []string
		wantErr   string
		sentinel  error
	}{
		{name: "default is the engine's platform", native: "linux/arm64", want: []string{"linux/arm64"}},
		{name: "order kept", platforms: []string{"s390x,amd64", "armv7"}, native: "linux/amd64", want: []string{"linux/s390x", "linux/amd64", "linux/arm/v7"}},
		{name: "race natively", platforms: []string{"linux/amd64"}, race: true, native: "linux/amd64", want: []string{"linux/amd64"}},
		{name: "race on the native arm64", platforms: []string{"arm64"}, race: true, native: "linux/arm64", want: []string{"linux/arm64"}},
		{name: "race emulated", platforms: []string{"linux/amd64", "linux/s390x"}, race: true, native: "linux/amd64", wantErr: "--race on linux/s390x: the race detector runs only natively", sentinel: gotest.ErrRace},
		{name: "race where Go has none", platforms: []string{"linux/arm/v7"}, race: true, native: "linux/amd64", wantErr: "--race on linux/arm/v7", sentinel: gotest.ErrRace},
		{name: "race in EMULATE mode, natively", mode: BuildModeEmulate, platforms: []string{"amd64"}, race: true, native: "linux/amd64", want: []string{"linux/amd64"}},
		{name: "windows", platforms: []string{"windows/arm64"}, native: "linux/amd64", wantErr: "windows/arm64", sentinel: gotest.ErrNotRunnable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := config()
			if tt.mode != "" {
				m.Mode = tt.mode
			}
			asked := 0
			native := func() (platform.Target, error) {
				asked++
				return platform.MustParse(tt.native), nil
			}
			got, err := m.testTargets(tt.platforms, gotest.Options{Race: tt.race}, native)
			errtest.Check(t, err, tt.sentinel, tt.wantErr)
			if tt.wantErr != "" {
				return
			}
			var names []string
			for _, g := range got {
				names = append(names, g.String())
			}
			if !slices.Equal(names, tt.want) {
				t.Errorf("targets %v, want %v", names, tt.want)
			}
			if len(tt.platforms) > 0 && !tt.race && asked > 0 {
				t.Errorf("asked the engine's platform %d times without need", asked)
			}
		})
	}
}

// The run container of the test binaries has no directory where the
// builders keep a credential or mount a shared cache, and those places
// cover every credential file withModuleAccess and withCompanyCA mount.
func TestTestRunLayout(t *testing.T) {
	bins := []gotest.Binary{
		{Package: "example.com/m", Dir: ".", File: "example.com_m.test"},
		{Package: "example.com/m/a", Dir: "a", File: "example.com_m_a.test"},
	}
	run, err := gotest.Options{}.PlanRun(platform.MustParse("linux/arm64"), "debian:trixie-slim", bins, testRunLayout)
	if err != nil {
		t.Fatal(err)
	}
	if at := run.Overlaps(builderOnlyPaths()); at != "" {
		t.Errorf("the run container has a directory at %s, a builder's credential or cache path", at)
	}
	for _, cred := range []string{netrcPath, gitTokenFile(0), gitTokenFile(7), companyCAFile, goModCache + "/cache/download", goBuildCache + "/00"} {
		if !slices.ContainsFunc(builderOnlyPaths(), func(p string) bool { return cred == p || strings.HasPrefix(cred, p+"/") }) {
			t.Errorf("%s is in none of builderOnlyPaths %v", cred, builderOnlyPaths())
		}
	}
}
