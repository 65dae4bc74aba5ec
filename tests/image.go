package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"dagger/tests/internal/dagger"
	"dagger/tests/internal/ocilayout"
)

// imagePlatforms are the platforms of the image checks, with the ELF
// machine and config variant each binary and manifest must have.
var imagePlatforms = []struct {
	platform string
	machine  elf.Machine
	class    elf.Class
}{
	{"linux/amd64", elf.EM_X86_64, elf.ELFCLASS64},
	{"linux/arm/v7", elf.EM_ARM, elf.ELFCLASS32},
	{"linux/arm64", elf.EM_AARCH64, elf.ELFCLASS64},
}

func imagePlatformList() []string {
	var ps []string
	for _, p := range imagePlatforms {
		ps = append(ps, p.platform)
	}
	return ps
}

// ImageTarball exports the pure-Go fixture's image as an OCI tarball.
//
// The image is for amd64, arm64 and arm/v7, read back: one manifest per platform,
// each config with the right architecture and variant, the binary inside
// each built for that platform, and the OCI created label.
// +check
func (m *Tests) ImageTarball(ctx context.Context) error {
	layout, err := m.readImage(ctx, "image-check")
	if err != nil {
		return err
	}
	imgs, err := layout.Images()
	if err != nil {
		return err
	}
	if len(imgs) != len(imagePlatforms) {
		return fmt.Errorf("the image has %d manifests, want %d", len(imgs), len(imagePlatforms))
	}
	for i, want := range imagePlatforms {
		img := imgs[i]
		if img.Platform() != want.platform {
			return fmt.Errorf("manifest %d is %s, want %s", i, img.Platform(), want.platform)
		}
		if ep := img.Config.Config.Entrypoint; !slices.Equal(ep, []string{"/usr/local/bin/purego"}) {
			return fmt.Errorf("%s: entrypoint %v, want [/usr/local/bin/purego]", want.platform, ep)
		}
		if _, ok := img.Config.Config.Labels["org.opencontainers.image.created"]; !ok {
			return fmt.Errorf("%s: no org.opencontainers.image.created label in %v", want.platform, img.Config.Config.Labels)
		}
		bin, err := layout.File(img, "/usr/local/bin/purego")
		if err != nil {
			return err
		}
		f, err := elf.NewFile(bytes.NewReader(bin))
		if err != nil {
			return fmt.Errorf("%s: the binary is not ELF: %w", want.platform, err)
		}
		if f.Machine != want.machine || f.Class != want.class {
			return fmt.Errorf("%s: the binary is %v %v, want %v %v", want.platform, f.Machine, f.Class, want.machine, want.class)
		}
	}
	return nil
}

// ReproducibleImage checks two cold builds give the same image digests.
//
// It builds the image twice with separate, cold caches and checks both
// tarballs hold the same image: the same index digest, the same manifest
// digest per platform (so the same layers and configs) and, since image
// attaches an SBOM and a provenance attestation per platform by default,
// the same attestation manifest digest per platform (so the same
// statements byte for byte).
// +check
func (m *Tests) ReproducibleImage(ctx context.Context) error {
	var digests, content [2][]string
	for i, ns := range []string{"repro-a", "repro-b"} {
		layout, err := m.readImage(ctx, ns)
		if err != nil {
			return err
		}
		root, err := layout.Root()
		if err != nil {
			return err
		}
		digests[i] = append(digests[i], "index "+root)
		imgs, err := layout.Images()
		if err != nil {
			return err
		}
		platformOf := map[string]string{}
		for _, img := range imgs {
			cfg := img.Config
			platformOf[img.Digest] = img.Platform()
			digests[i] = append(digests[i], img.Platform()+" "+img.Digest)
			content[i] = append(content[i], fmt.Sprintf("%s created=%s layers=%v entrypoint=%v env=%v labels=%v",
				img.Platform(), cfg.Created, cfg.RootFS.DiffIDs, cfg.Config.Entrypoint, cfg.Config.Env, cfg.Config.Labels))
		}
		atts, err := layout.Attestations()
		if err != nil {
			return err
		}
		if len(atts) != len(imgs) {
			return fmt.Errorf("build %d: %d attestation manifests for %d platform manifests, want one each (image attests by default)", i+1, len(atts), len(imgs))
		}
		for _, a := range atts {
			about := cmp.Or(platformOf[a.Manifest], "unknown manifest "+a.Manifest)
			digests[i] = append(digests[i], "attestations of "+about+" "+a.Digest)
			for _, s := range a.Statements {
				sum := sha256.Sum256(s.Predicate)
				content[i] = append(content[i], fmt.Sprintf("attestations of %s: %s predicate sha256:%s", about, s.PredicateType, hex.EncodeToString(sum[:])))
			}
		}
	}
	if !slices.Equal(digests[0], digests[1]) {
		return fmt.Errorf("two builds gave different digests:\n%s\n%s\ncontent:\n%s\n%s",
			strings.Join(digests[0], "\n"), strings.Join(digests[1], "\n"),
			strings.Join(content[0], "\n"), strings.Join(content[1], "\n"))
	}
	return nil
}

// ImageRuns runs each platform's runtime container and checks what it prints.
//
// The containers are scratch with the binary as entrypoint, run under
// emulation.
// +check
func (m *Tests) ImageRuns(ctx context.Context) error {
	ctrs, err := m.goBuild("purego", dagger.GoBuildOpts{}).
		Containers(ctx, dagger.GoBuildContainersOpts{Platforms: imagePlatformList()})
	if err != nil {
		return err
	}
	for i, p := range imagePlatforms {
		out, err := ctrs[i].WithExec(nil, dagger.ContainerWithExecOpts{UseEntrypoint: true}).Stdout(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", p.platform, err)
		}
		goPlatform := strings.TrimSuffix(p.platform, "/v7")
		if want := "purego " + goPlatform + " "; !strings.HasPrefix(out, want) {
			return fmt.Errorf("%s: printed %q, want %q...", p.platform, out, want)
		}
	}
	return nil
}

// readImage builds the fixture image with caches in namespace ns and reads
// its OCI tarball.
func (m *Tests) readImage(ctx context.Context, ns string) (*ocilayout.Layout, error) {
	tarball := m.goBuild("purego", dagger.GoBuildOpts{CacheNamespace: ns}).
		Image(dagger.GoBuildImageOpts{Platforms: imagePlatformList()})
	return readLayout(ctx, tarball)
}

// readLayout exports an OCI tarball into this module's container and reads it.
func readLayout(ctx context.Context, tarball *dagger.File) (*ocilayout.Layout, error) {
	dir, err := os.MkdirTemp("", "oci-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "image.tar")
	if _, err := tarball.Export(ctx, path); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ocilayout.Read(f)
}
