package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"dagger/tests/internal/dagger"
)

// stampTemplate overrides go-build's main.version with every kind of
// template field.
const stampTemplate = "-X main.version={{.Version}}+{{.ShortCommit}}.{{.Os}}.{{.Arch}}.{{.CommitTimestamp}}"

// StampTemplates checks --ldflags templates and --go-env on a git checkout and their errors.
//
// The pure-Go fixture, a git checkout (see gitFixture), is built for amd64
// and arm64 with --ldflags stampTemplate and --go-env
// GOFIPS140=v1.0.0; each binary must print its own platform in the
// expanded version and run, and its build info must show GOFIPS140. An
// unknown field, a go-env variable go-build sets, a {{.Tag}} of an
// untagged checkout and a {{.Commit}} of a source that is no git checkout
// must each fail, saying so.
// +check
func (m *Tests) StampTemplates(ctx context.Context) error {
	src, rev, err := m.gitFixture(ctx, "purego")
	if err != nil {
		return err
	}
	gb := m.goBuildOf(src, dagger.GoBuildOpts{Ldflags: []string{stampTemplate}, GoEnv: []string{"GOFIPS140=v1.0.0"}})
	for _, p := range []string{"linux/amd64", "linux/arm64"} {
		bin := gb.Build(dagger.GoBuildBuildOpts{Arch: p}).File("purego")
		out, err := m.run(ctx, p, bin)
		if err != nil {
			return fmt.Errorf("running the %s binary: %s", p, errorText(err))
		}
		goos, goarch, _ := strings.Cut(p, "/")
		want := fmt.Sprintf("purego %s version=%s+%s.%s.%s.1735689600\n", p, strings.TrimPrefix(stampedVersion, "v"), rev[:7], goos, goarch)
		if out != want {
			return fmt.Errorf("the %s binary printed %q, want %q", p, out, want)
		}
		info, err := dag.Container().From(m.BuilderImage).
			WithFile("/bin/purego", bin).
			WithExec([]string{"go", "version", "-m", "/bin/purego"}).
			Stdout(ctx)
		if err != nil {
			return fmt.Errorf("go version -m of the %s binary: %s", p, errorText(err))
		}
		if !strings.Contains(info, "\tGOFIPS140=v1.0.0") {
			return fmt.Errorf("go version -m of the %s binary lacks GOFIPS140=v1.0.0:\n%s", p, info)
		}
	}

	var errs []error
	for _, c := range []struct {
		name string
		gb   *dagger.GoBuild
		want []string
	}{
		{"an unknown field", m.goBuildOf(src, dagger.GoBuildOpts{Ldflags: []string{"-X main.version={{.Commmit}}"}}),
			[]string{"unknown field {{.Commmit}}", "{{.ShortCommit}}"}},
		{"a variable go-build sets", m.goBuildOf(src, dagger.GoBuildOpts{GoEnv: []string{"GOARCH=arm64"}}),
			[]string{"GOARCH is set by go-build"}},
		{"the tag of an untagged checkout", m.goBuildOf(src, dagger.GoBuildOpts{Version: "{{.Tag}}"}),
			[]string{"needs a git tag"}},
		{"the commit of a source without git", m.goBuild("purego", dagger.GoBuildOpts{Ldflags: []string{"-X main.version={{.Commit}}"}}),
			[]string{"{{.Commit}}", "no git checkout"}},
	} {
		_, err := c.gb.Build(dagger.GoBuildBuildOpts{Arch: "arm64"}).Entries(ctx)
		msg := errorText(err)
		for _, w := range c.want {
			if err == nil || !strings.Contains(msg, w) {
				errs = append(errs, fmt.Errorf("building with %s: error %q, want one containing %q", c.name, msg, w))
				break
			}
		}
	}
	return errors.Join(errs...)
}
