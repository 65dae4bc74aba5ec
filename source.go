package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"dagger/go-build/internal/buildopts"
	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/gomodule"
	"dagger/go-build/internal/imagecfg"
)

const (
	moduleSrcDir = "/module-src"
	// moduleRecordFile is where the download leaves the go command's
	// record of a --module's version (the version's time).
	moduleRecordFile = "/module-record.json"
)

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
	src, _, err := m.downloadModule(ctx, m.builder(native), module)
	return src, err
}

// source is the tree to build: the module given with --module, else Source.
// For a --module it also returns the go command's record of the version
// (gomodule.Record), else nil.
func (m *GoBuild) source(ctx context.Context, builder *dagger.Container) (*dagger.Directory, *dagger.File, error) {
	if m.Module == "" {
		return m.Source, nil, m.requireSource("building")
	}
	return m.downloadModule(ctx, builder, m.Module)
}

// downloadModule fetches module's source and the go command's record of
// its version.
func (m *GoBuild) downloadModule(ctx context.Context, builder *dagger.Container, module string) (*dagger.Directory, *dagger.File, error) {
	spec, err := gomodule.ParseSpec(module)
	if err != nil {
		return nil, nil, err
	}
	downloaded, err := builder.
		WithExec([]string{"sh", "-c", spec.DownloadScript(moduleSrcDir, moduleRecordFile)}).
		Sync(ctx)
	if err != nil {
		return nil, nil, withStderr(err)
	}
	return downloaded.Directory(moduleSrcDir), downloaded.File(moduleRecordFile), nil
}

// readStamp reads the version information the binaries were stamped with,
// for the image labels, release names and attestations: from the source's
// git checkout when it is one (in an exec of builder, as the build script
// reads it), else from the configuration alone, with no container.
func (p *buildPlan) readStamp(ctx context.Context, builder *dagger.Container) error {
	isGit, err := p.src.Exists(ctx, ".git")
	if err != nil {
		return fmt.Errorf("reading the source's git stamp: %w", err)
	}
	if !isGit {
		if err := p.setStamp(""); err != nil {
			return err
		}
		return p.setModuleTime(ctx)
	}
	out, err := p.m.withSource(builder, p.src).WithExec([]string{"sh", "-c", buildopts.StampScript}).Stdout(ctx)
	if err != nil {
		return fmt.Errorf("reading the source's git stamp: %w", withStderr(err))
	}
	return p.setStamp(out)
}

// setStamp takes the stamp from stampScript's output: the version (the
// configured one, else git describe, else a --module's version), the commit
// and its time, and the remote.
func (p *buildPlan) setStamp(out string) error {
	info := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			info[k] = strings.TrimSpace(v)
		}
	}
	p.stamp = buildopts.Stamp{Version: p.m.fixedVersion(), Revision: info["revision"]}
	if p.stamp.Version == "" {
		p.stamp.Version = info["describe"]
	}
	p.commitTS = info["time"]
	if info["time"] != "" {
		t, err := imagecfg.ParseGitCommitTime(info["time"])
		if err != nil {
			return err
		}
		p.stamp.Date = t.UTC().Format("2006-01-02T15:04:05Z")
	}
	p.remote = info["remote"]
	return nil
}

// setModuleTime takes the source time of a --module from the module
// proxy's record of its version (the .info Time: for a tag, its commit's
// time), so its release files and image are dated as a git checkout of the
// tag dates them. Only the time: the binaries carry no commit stamp of a
// --module, so none is recorded for them.
func (p *buildPlan) setModuleTime(ctx context.Context) error {
	if p.moduleRecord == nil {
		return nil
	}
	spec, err := gomodule.ParseSpec(p.m.Module)
	if err != nil {
		return err
	}
	data, err := p.moduleRecord.Contents(ctx)
	if err != nil {
		return fmt.Errorf("reading the go command's record of %s: %w", spec, err)
	}
	record, err := gomodule.ParseRecord([]byte(data), spec)
	if err != nil {
		return err
	}
	if !record.Time.IsZero() {
		p.commitTS = strconv.FormatInt(record.Time.Unix(), 10)
	}
	return nil
}

// fixedVersion is the version stamped in place of git describe: --version,
// else a --module's version, else none.
func (m *GoBuild) fixedVersion() string {
	if m.Version != "" {
		return m.Version
	}
	if m.Module != "" {
		if spec, err := gomodule.ParseSpec(m.Module); err == nil {
			return spec.Version
		}
	}
	return ""
}
