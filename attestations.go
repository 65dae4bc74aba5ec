package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/containerd/platforms"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"dagger/go-build/internal/attest"
	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/fanout"
	"dagger/go-build/internal/ocilayout"
	"dagger/go-build/internal/platform"
	"dagger/go-build/internal/sbom"
)

// sbomTool names go-build as the SBOMs' creator.
const sbomTool = "go-build"

// imageAttestations says which attestations image and publish attach.
type imageAttestations struct {
	SBOM, Provenance bool
}

// imageBuild is what the runtime containers of one image were built from.
type imageBuild struct {
	plan    *buildPlan
	targets []platform.Target
	created time.Time
	static  bool
	// bins are each target's binaries, built and stripped, and names
	// their file names, in the order of targets. Nothing is checked
	// until verifyImage or verifyExported.
	bins  []*dagger.Directory
	names [][]string
	// shipped is, per platform (platformKey), the files of binDir as the
	// assembled image holds them, read once by verifyImage for the check
	// and the attestations.
	shipped map[string]map[string][]byte
}

// rules are what verification demands of the build's binaries.
func (b *imageBuild) rules() binaryRules {
	rules := b.plan.m.rules()
	rules.static = b.static
	return rules
}

// verifyExported checks every target's binaries by exporting them (verify),
// the targets side by side: for containers handed out as they are, and to
// name the platform and output of a failed build.
func (b *imageBuild) verifyExported(ctx context.Context) error {
	return forEachTarget(ctx, b.targets, fanout.EveryResult, func(ctx context.Context, i int, t platform.Target) error {
		if b.bins[i] == nil {
			return nil
		}
		return verify(ctx, b.bins[i], t, b.rules())
	})
}

// verifyImage checks every target's binaries as the assembled image layout
// holds them in binDir, and keeps those files for the attestations.
func (b *imageBuild) verifyImage(layout *ocilayout.Layout) error {
	descs, err := layout.PlatformManifests()
	if err != nil {
		return fmt.Errorf("reading the assembled image: %w", err)
	}
	b.shipped = map[string]map[string][]byte{}
	for _, desc := range descs {
		files, err := layout.Files(desc, binDir)
		if err != nil {
			return fmt.Errorf("reading the assembled image: %w", err)
		}
		b.shipped[descriptorKey(*desc.Platform)] = files
	}
	var errs []error
	for i, t := range b.targets {
		files, ok := b.shipped[platformKey(t.String())]
		if !ok {
			return fmt.Errorf("the assembled image holds no image for %s", t)
		}
		errs = append(errs, verifyFiles(files, b.names[i], t, b.rules()))
	}
	return errors.Join(errs...)
}

// attest attaches to every platform manifest of layout, the way BuildKit
// does, an SPDX SBOM of the Go binaries the image holds (read back from its
// layers, so what is described is what ships) and a SLSA provenance
// statement of their build. Statements name no image (subject "_" with the
// manifest digest), so the image and publish give one digest whatever the
// reference; nothing in them depends on the clock.
func (m *GoBuild) attest(ctx context.Context, b *imageBuild, layout *ocilayout.Layout, want imageAttestations) error {
	if !want.SBOM && !want.Provenance {
		return nil
	}
	// A single platform comes as a bare manifest: attestations need an
	// index to stand next to it.
	if err := layout.EnsureImageIndex(); err != nil {
		return err
	}
	manifests, err := layout.IndexManifests()
	if err != nil {
		return err
	}
	targets := map[string]platform.Target{}
	for _, t := range b.targets {
		targets[platformKey(t.String())] = t
	}
	var builder builderRef
	if want.Provenance {
		builder = m.resolveBuilder(ctx)
	}
	predicates := map[string][]attest.Predicate{}
	for _, desc := range manifests {
		if desc.Platform == nil {
			continue
		}
		key := descriptorKey(*desc.Platform)
		t, ok := targets[key]
		if !ok {
			return fmt.Errorf("the assembled image holds platform %s, which was not built", key)
		}
		bins, err := imageBinaries(b.shipped[key])
		if err != nil {
			return fmt.Errorf("image for %s: %v", t, err)
		}
		cpkgs, err := b.plan.targetCPackages(ctx, t)
		if err != nil {
			return err
		}
		for i := range bins {
			bins[i].CPackages = cpkgs
		}
		if want.SBOM {
			doc, err := sbom.Generate(sbom.Input{Binaries: bins, Created: b.created, Tool: sbomTool})
			if err != nil {
				return fmt.Errorf("SBOM for %s: %v", t, err)
			}
			data, err := doc.JSON()
			if err != nil {
				return err
			}
			predicates[key] = append(predicates[key], attest.Predicate{Type: attest.PredicateSPDX, Body: data})
		}
		if want.Provenance {
			pred, err := m.provenance(b, t, bins, builder).Predicate()
			if err != nil {
				return fmt.Errorf("provenance for %s: %v", t, err)
			}
			predicates[key] = append(predicates[key], pred)
		}
	}
	return attest.Attach(layout, nil, func(p ocispec.Platform) ([]attest.Predicate, error) {
		return predicates[descriptorKey(p)], nil
	})
}

// platformKey is a platform string normalized the way index entries are
// compared (linux/arm64/v8 and linux/arm64 are one platform).
func platformKey(s string) string {
	p, err := platforms.Parse(s)
	if err != nil {
		return s
	}
	return descriptorKey(p)
}

// descriptorKey is the platformKey of an index entry's platform.
func descriptorKey(p ocispec.Platform) string {
	return platforms.Format(platforms.Normalize(p))
}

// imageBinaries reads the Go binaries of files (binDir of a platform
// image, as imageBuild.verifyImage read it), sorted by name. Other files a
// base image keeps there are not Go binaries and are left out.
func imageBinaries(files map[string][]byte) ([]sbom.Binary, error) {
	var bins []sbom.Binary
	for _, name := range slices.Sorted(maps.Keys(files)) {
		bin, err := sbom.FromBytes(name, files[name])
		if err != nil {
			continue
		}
		bins = append(bins, bin)
	}
	if len(bins) == 0 {
		return nil, fmt.Errorf("no Go binary in %s of the image", binDir)
	}
	return bins, nil
}

// builderRef is the builder image as provenance names it.
type builderRef struct{ image, digest string }

// resolveBuilder names the builder image with the digest the engine
// resolved it to. A ready-made toolchain container that does not come from
// an image has no name to give.
func (m *GoBuild) resolveBuilder(ctx context.Context) builderRef {
	ctr := m.BuilderContainer
	image := m.builderImage()
	if ctr == nil || m.Mode != BuildModeCross {
		ctr = dag.Container().From(image)
	} else {
		image = ""
	}
	ref, err := ctr.ImageRef(ctx)
	if err != nil {
		return builderRef{image: image}
	}
	name, digest, ok := strings.Cut(ref, "@")
	if !ok {
		return builderRef{image: image}
	}
	if image == "" {
		image = name
	}
	return builderRef{image: image, digest: digest}
}

// provenance describes how bins were built for t: the source, the packages
// and flags from the binaries' own build info (what go actually used), and
// the builder. Only values that appear in the image anyway go in: no
// credentials, no host paths, no time.
func (m *GoBuild) provenance(b *imageBuild, t platform.Target, bins []sbom.Binary, builder builderRef) attest.Provenance {
	p := attest.Provenance{
		Repository:    b.plan.remote,
		Revision:      b.plan.stamp.Revision,
		Platform:      t.String(),
		Cgo:           m.Cgo,
		Static:        b.static,
		Env:           map[string]string{},
		BuilderImage:  builder.image,
		BuilderDigest: builder.digest,
		GoVersion:     bins[0].Info.GoVersion,
	}
	for _, bin := range bins {
		p.Packages = append(p.Packages, bin.Info.Path)
	}
	for _, s := range bins[0].Info.Settings {
		switch {
		case s.Key == "-tags":
			p.Tags = strings.Split(s.Value, ",")
		case s.Key == "-ldflags":
			p.Ldflags = s.Value
		case isTargetSetting(s):
			p.Env[s.Key] = s.Value
		}
	}
	if p.Ldflags == "" {
		// go leaves -ldflags out of the build info of a -trimpath build
		// (they may hold paths): name the flags go-build gave it.
		p.Ldflags = m.buildOptions().LinkerFlags(b.plan.stamp, t.GOOS, t.GOARCH)
	}
	// What the user set with --go-env is part of the build, whether go
	// records it (GOEXPERIMENT) or not (GODEBUG, GOFLAGS).
	for k, v := range m.goEnvRecord() {
		p.Env[k] = v
	}
	if !strings.HasPrefix(p.Repository, "https://") && !strings.HasPrefix(p.Repository, "http://") {
		// redact.Remote keeps nothing else; a verifier can fetch nothing
		// else either.
		p.Repository = ""
	}
	return p
}

// isTargetSetting tells the build settings that are the target environment
// (GOOS, GOARCH, GOARM, GOAMD64, CGO_ENABLED, CGO_CFLAGS...).
func isTargetSetting(s debug.BuildSetting) bool {
	return strings.HasPrefix(s.Key, "GO") || strings.HasPrefix(s.Key, "CGO_")
}
