package koresolve

import (
	"bytes"
	"crypto/sha256"
	"dagger/go-build/internal/golden"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dagger/go-build/internal/koconfig"
)

const project = "testdata/project"

// mains are the fixture's packages as go list would report them.
var mains = map[string]bool{"example.com/shop/cmd/api": true, "example.com/shop/cmd/worker": true, "example.com/shop/internal/store": false}

func isMain(ip string) (bool, error) {
	m, ok := mains[ip]
	if !ok {
		return false, fmt.Errorf("cannot find package %s", ip)
	}
	return m, nil
}

// fakeDigest stands for the pushed image's digest: the same import path
// always gets the same one.
func fakeDigest(ip string) string {
	sum := sha256.Sum256([]byte(ip))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// manifests lists the fixture's config directory as Select receives it.
func manifests(t *testing.T) []string {
	t.Helper()
	var paths []string
	root := filepath.Join(project, "config")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, p)
		paths = append(paths, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return paths
}

// resolveFixture runs the whole pure pipeline on the fixture: select the
// files, read their references, name each image once, and write the YAML.
func resolveFixture(t *testing.T, recursive bool, mode Mode, tags []string) ([]byte, []string) {
	t.Helper()
	var files []*File
	for _, name := range Select("config", true, manifests(t), recursive) {
		data, err := os.ReadFile(filepath.Join(project, name))
		if err != nil {
			t.Fatal(err)
		}
		f, err := Read(name, data, isMain)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	const repo = "registry.example/shop"
	if err := CheckRepo(repo); err != nil {
		t.Fatal(err)
	}
	images := map[string]string{}
	paths := ImportPaths(files...)
	for _, ip := range paths {
		name := Name(repo, ip, mode)
		pushTags, err := Tags(name, tags)
		if err != nil {
			t.Fatal(err)
		}
		if images[ip], err = Reference(name, pushTags, false, fakeDigest(ip)); err != nil {
			t.Fatal(err)
		}
	}
	var out [][]byte
	for _, f := range files {
		b, err := f.Resolve(images)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return Join(out...), paths
}

func TestGoldenResolve(t *testing.T) {
	tests := []struct {
		golden    string
		recursive bool
		mode      Mode
		tags      []string
	}{
		{"resolved.yaml", false, MD5, nil},
		{"resolved-recursive-preserve-tag.yaml", true, PreserveImportPaths, []string{"v1.2.3"}},
		{"resolved-base-import-paths.yaml", false, BaseImportPaths, []string{"v1", "latest"}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			got, paths := resolveFixture(t, tt.recursive, tt.mode, tt.tags)
			if want := "example.com/shop/cmd/api example.com/shop/cmd/worker"; strings.Join(paths, " ") != want {
				t.Errorf("import paths = %q, want %q (each once)", paths, want)
			}
			if bytes.Contains(got, []byte("ko://example.com/shop/cmd/api")) || bytes.Contains(got, []byte("ko://example.com/shop/cmd/worker")) {
				t.Errorf("a reference is left:\n%s", got)
			}
			golden.Check(t, filepath.Join("testdata", "golden", tt.golden), got)
		})
	}
}

// TestGoldenPlan holds what the fixture's .ko.yaml makes of each image: its
// name, base, build entry and go build arguments.
func TestGoldenPlan(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(project, koconfig.FileName))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := koconfig.Parse(koconfig.FileName, data)
	if err != nil {
		t.Fatal(err)
	}
	resolved, err := cfg.Resolve(koconfig.Modules{Roots: map[string]string{".": "example.com/shop"}})
	if err != nil {
		t.Fatal(err)
	}
	_, paths := resolveFixture(t, true, MD5, nil)
	commit := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	tmplData := koconfig.Data{
		Git:  koconfig.Git{Tag: "v1.2.3", ShortCommit: "abc1234", FullCommit: "abc1234" + strings.Repeat("0", 33), CommitDate: commit},
		Date: commit,
	}
	var out strings.Builder
	fmt.Fprintf(&out, "platforms: %s\n", strings.Join(cfg.DefaultPlatforms, ", "))
	for _, ip := range paths {
		b, ok := koconfig.BuildFor(resolved, ip)
		fmt.Fprintf(&out, "\n%s\n  image: %s\n  base: %s\n", ip, Name("registry.example/shop", ip, MD5), cfg.BaseImage(ip, "", "go-build-default"))
		if ok {
			fmt.Fprintf(&out, "  build: %s (line %d, dir %s)\n", b.ID, b.Line, b.Dir)
		} else {
			fmt.Fprintf(&out, "  build: defaults\n")
		}
		for _, p := range cfg.DefaultPlatforms {
			goos, goarch, _ := strings.Cut(p, "/")
			inv, err := cfg.Invocation(b.Build, []string{"GOOS=" + goos, "GOARCH=" + goarch}, tmplData, nil)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&out, "  %s: env %q args %q\n", p, inv.Env, inv.Args())
		}
	}
	golden.Check(t, filepath.Join("testdata", "golden", "plan.txt"), []byte(out.String()))
}
