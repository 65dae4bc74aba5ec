package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"dagger/go-build/internal/buildopts"
	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/gomodule"
	"dagger/go-build/internal/imagecfg"
	"dagger/go-build/internal/redact"
	"dagger/go-build/internal/stamptmpl"
)

const moduleSrcDir = "/module-src"

// FetchModule fetches a published Go module's source and returns it.
//
// The source comes through the Go module proxy, checksum-verified against
// the checksum database as go mod download does (e.g. to change a file and
// build it as source).
func (m *GoBuild) FetchModule(
	ctx context.Context,
	// The module as path@version, e.g. github.com/coredns/coredns@v1.11.3.
	module string,
) (*dagger.Directory, error) {
	native, err := m.nativeTarget(ctx)
	if err != nil {
		return nil, err
	}
	return m.downloadModule(ctx, m.builder(native), module)
}

// source is the tree to build: the module given with --module, else Source;
// and the stamp known before the build: a module's version, and its commit
// and time from the module proxy's record.
func (m *GoBuild) source(ctx context.Context, builder *dagger.Container) (*dagger.Directory, buildopts.Stamp, error) {
	if m.Module == "" {
		return m.Source, buildopts.Stamp{}, m.requireSource("building")
	}
	spec, err := gomodule.ParseSpec(m.Module)
	if err != nil {
		return nil, buildopts.Stamp{}, err
	}
	// The record is written by the same exec, from the module cache the
	// download filled.
	ran := builder.WithExec([]string{"sh", "-c", spec.DownloadScript(moduleSrcDir) + spec.InfoScript(moduleInfoFile)})
	dir, err := ran.Directory(moduleSrcDir).Sync(ctx)
	if err != nil {
		return nil, buildopts.Stamp{}, withStderr(err)
	}
	data, err := ran.File(moduleInfoFile).Contents(ctx)
	if err != nil {
		return nil, buildopts.Stamp{}, fmt.Errorf("reading the module proxy's record of %s: %v", spec, withStderr(err))
	}
	info, err := gomodule.ParseInfo([]byte(data))
	if err != nil {
		return nil, buildopts.Stamp{}, fmt.Errorf("%s: %v", spec, err)
	}
	known := buildopts.Stamp{Tag: spec.Version}
	if !info.Time.IsZero() {
		known.Date = info.Time.UTC().Format(time.RFC3339)
		known.Time = strconv.FormatInt(info.Time.Unix(), 10)
	}
	commit, why := info.Commit()
	if commit != "" {
		// A module has no repository to ask for a longer unique prefix:
		// git's default abbreviation.
		known.Revision, known.ShortRevision = commit, commit[:7]
	}
	err = m.buildOptions().CheckStamp(known, func(stamptmpl.Source) string {
		return fmt.Sprintf("%s is a --module build, and %s", spec, why)
	})
	return dir, known, err
}

// moduleInfoFile is where the module download writes the proxy's record.
const moduleInfoFile = "/module-info.json"

func (m *GoBuild) downloadModule(ctx context.Context, builder *dagger.Container, module string) (*dagger.Directory, error) {
	spec, err := gomodule.ParseSpec(module)
	if err != nil {
		return nil, err
	}
	dir, err := builder.
		WithExec([]string{"sh", "-c", spec.DownloadScript(moduleSrcDir)}).
		Directory(moduleSrcDir).
		Sync(ctx)
	if err != nil {
		return nil, withStderr(err)
	}
	return dir, nil
}

// checkStampSources fails before any work when a template needs what a
// source that is no git checkout cannot give (the script would fail the
// same way, later). A --module's stamp was checked when it was read.
func (p *buildPlan) checkStampSources(ctx context.Context) error {
	opts := p.m.buildOptions()
	if p.m.Module != "" || len(opts.StampSources()) == 0 {
		return nil
	}
	isGit, err := p.src.Exists(ctx, ".git")
	if err != nil {
		return fmt.Errorf("looking for the source's git checkout: %v", err)
	}
	if isGit {
		return nil
	}
	return opts.CheckStamp(buildopts.Stamp{}, func(src stamptmpl.Source) string {
		if src == stamptmpl.FromVersion {
			return "the source is no git checkout (it has no .git) to describe: set --version"
		}
		return "the source is no git checkout (it has no .git)"
	})
}

// readStamp reads the version information the binaries were stamped with,
// for the image labels, release names and attestations: from the source's
// git checkout when it is one (in an exec of builder, as the build script
// reads it), else from the configuration alone, with no container.
func (p *buildPlan) readStamp(ctx context.Context, builder *dagger.Container) error {
	isGit, err := p.src.Exists(ctx, ".git")
	if err != nil {
		return fmt.Errorf("reading the source's git stamp: %v", err)
	}
	if !isGit {
		return p.setStamp("", "")
	}
	// The remote goes through a file, never the exec's output (the log):
	// it may carry a token.
	read := p.m.withSource(builder, p.src).
		WithExec([]string{"sh", "-c", buildopts.StampScript + "\n" + buildopts.RemoteScript})
	out, err := read.Stdout(ctx)
	if err != nil {
		return fmt.Errorf("reading the source's git stamp: %v", withStderr(err))
	}
	remote, err := read.File(buildopts.RemoteFile).Contents(ctx)
	if err != nil {
		return fmt.Errorf("reading the source's git remote: %v", err)
	}
	return p.setStamp(out, remote)
}

// setStamp takes the stamp from StampScript's output as the build script
// resolves it (the configured version, else git describe, else a --module's
// version), and the commit time; of the git remote, only what
// redact.Remote makes of it (scheme://host/path, or nothing), so no
// credential the remote carries goes further. A --module's source time is
// its version's time in the module proxy's record (for a tag, its commit's
// time), so its release files and image are dated as a git checkout of the
// tag dates them.
func (p *buildPlan) setStamp(out, remote string) error {
	git := buildopts.ParseGitStamp(out)
	if git.Time != "" {
		if _, err := imagecfg.ParseGitCommitTime(git.Time); err != nil {
			return err
		}
	}
	p.stamp = p.m.buildOptions().Stamp(git, p.known)
	p.commitTS = git.Time
	if p.known.Time != "" {
		p.commitTS = p.known.Time
	}
	p.remote = redact.Remote(remote)
	return nil
}
