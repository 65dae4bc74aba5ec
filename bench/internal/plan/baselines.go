package plan

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// The baselines: what go-build is measured against besides its own native
// and emulated builds. Each function here is a pure decision the bench's
// Dagger code turns into containers.

// TestPlatforms are the platforms of the test measurement: go-build's
// cross-compiled test binaries against go test run wholly under emulation.
var TestPlatforms = []string{"linux/arm64", "linux/s390x"}

// ReleasePlatforms are the platforms of the release measurement: go-build's
// release against GoReleaser's build of the same six targets.
var ReleasePlatforms = []string{
	"linux/amd64", "linux/arm64", "linux/arm/v7", "darwin/arm64", "windows/amd64", "linux/s390x",
}

// Directories and names the hand-written baselines use, as a user would
// write them in a golang image.
const (
	// GoModCache is the golang image's module cache (GOPATH=/go).
	GoModCache = "/go/pkg/mod"
	// GoBuildCache is the golang image's build cache for root.
	GoBuildCache = "/root/.cache/go-build"
	// ToolBin is where the baselines' tools (ko, goreleaser) are installed.
	ToolBin = "/bench-tools"
	// RegistryAlias is the host name the registry service is bound as in
	// the ko container.
	RegistryAlias = "registry"
	// RegistryPort is the port of the registry image (distribution's
	// registry listens on 5000, plain HTTP).
	RegistryPort = 5000
)

// GoEnv is the Go target environment of a platform os/arch[/variant], as a
// hand-written pipeline sets it: GOOS, GOARCH and, for a variant, GOARM
// (a bare digit: v7 gives 7) or GOAMD64 (v2..v4). CGO_ENABLED is not part
// of it.
func GoEnv(platform string) ([]string, error) {
	parts := strings.Split(platform, "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return nil, fmt.Errorf("platform %q: want os/arch or os/arch/variant", platform)
	}
	env := []string{"GOOS=" + parts[0], "GOARCH=" + parts[1]}
	if len(parts) == 3 {
		variant := parts[2]
		switch parts[1] {
		case "arm":
			env = append(env, "GOARM="+strings.TrimPrefix(variant, "v"))
		case "amd64":
			env = append(env, "GOAMD64="+variant)
		case "arm64":
			// v8 is arm64's only baseline; Go has no variable for it.
		default:
			return nil, fmt.Errorf("platform %q: variant %q of %s is not a Go setting", platform, variant, parts[1])
		}
	}
	return env, nil
}

// PipelineBuild is the go build command line of the hand-written pipeline:
// the flags go-build itself compiles a source without git history with
// (-trimpath, -buildvcs=false, an empty build ID, no stamp, no stripping),
// so the two differ by what go-build adds around the compile, not by the
// compile. Without packages it builds every main package of the module.
func PipelineBuild(packages []string, outDir string) []string {
	args := []string{"go", "build", "-trimpath", "-buildvcs=false", "-ldflags=-buildid=",
		"-o", strings.TrimSuffix(outDir, "/") + "/"}
	if len(packages) == 0 {
		return append(args, "./...")
	}
	return append(args, packages...)
}

// ToolInstall is the go install argument of a tool: path@version.
func ToolInstall(path, version string) string {
	return path + "@" + version
}

// ToolBinary is the name go install gives a tool's binary: the last
// element of its package path, skipping a /vN major-version suffix
// (github.com/goreleaser/goreleaser/v2 gives goreleaser).
func ToolBinary(pkgPath string) string {
	elems := strings.Split(strings.TrimSuffix(pkgPath, "/"), "/")
	name := elems[len(elems)-1]
	if len(elems) > 1 && isMajorSuffix(name) {
		name = elems[len(elems)-2]
	}
	return name
}

// KoRepo is KO_DOCKER_REPO of the ko measurement: a repository of the
// registry service, by the alias it is bound as.
func KoRepo() string {
	return fmt.Sprintf("%s:%d/ko", RegistryAlias, RegistryPort)
}

// KoBase is KO_DEFAULTBASEIMAGE of the ko measurement: the base image as
// seeded into the registry service under repository (e.g. base:latest).
func KoBase(repository string) string {
	return fmt.Sprintf("%s:%d/%s", RegistryAlias, RegistryPort, repository)
}

// KoBuild is the ko command line that builds packages for platforms into
// one multi-platform image each and pushes it to KO_DOCKER_REPO. The
// registry service speaks plain HTTP, hence --insecure-registry (which ko
// applies to the base image's pull too). One package is pushed as
// KO_DOCKER_REPO itself (--bare); several under their base names.
func KoBuild(platforms, packages []string) ([]string, error) {
	if len(platforms) == 0 {
		return nil, errors.New("ko build: no platforms")
	}
	if len(packages) == 0 {
		return nil, errors.New("ko build: name the main packages to build (ko builds import paths, not ./...)")
	}
	args := []string{"ko", "build", "--platform=" + strings.Join(platforms, ","), "--insecure-registry", "--push"}
	if len(packages) == 1 {
		args = append(args, "--bare")
	} else {
		args = append(args, "--base-import-paths")
	}
	return append(args, packages...), nil
}

// GoreleaserConfigFile is where the benchmark writes its GoReleaser
// configuration, relative to the source.
const GoreleaserConfigFile = ".goreleaser.bench.yaml"

// GoreleaserBuild is the GoReleaser command line of the release
// measurement: a snapshot build of every target, the dist directory
// cleaned first, with the benchmark's configuration named explicitly, so
// a project's own .goreleaser.yml (caddy has one, with hooks of its own)
// is not the one read.
func GoreleaserBuild() []string {
	return []string{"goreleaser", "build", "--snapshot", "--clean", "--config", GoreleaserConfigFile}
}

// GitSnapshot is the shell script that makes the source a git repository
// of one commit, as GoReleaser needs one; it runs before the timing.
func GitSnapshot() string {
	return "git init -q && git add -A && " +
		"git -c user.name=bench -c user.email=bench@go-build.invalid commit -q -m bench"
}

// GoreleaserConfig is a minimal .goreleaser.yaml (version 2) that builds
// each of mains (main packages, relative to the module root) for exactly
// platforms, pure Go, with -trimpath like go-build. GoReleaser builds the
// product of goos × goarch (× goarm for arm), so the combinations not in
// platforms are listed under ignore. Its default ldflags (-s -w and the
// main.version/commit/date stamp) are kept: the go-build side of the
// comparison is given -s -w too.
func GoreleaserConfig(projectName string, mains, platforms []string) (string, error) {
	if len(mains) == 0 {
		return "", errors.New("goreleaser config: no main package")
	}
	type target struct{ os, arch, arm string }
	var (
		targets            []target
		oses, arches, arms []string
	)
	for _, p := range platforms {
		parts := strings.Split(p, "/")
		if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
			return "", fmt.Errorf("goreleaser config: platform %q: want os/arch or os/arch/variant", p)
		}
		t := target{os: parts[0], arch: parts[1]}
		if len(parts) == 3 {
			switch {
			case t.arch == "arm":
				t.arm = strings.TrimPrefix(parts[2], "v")
			case t.arch == "arm64" && parts[2] == "v8":
			default:
				return "", fmt.Errorf("goreleaser config: platform %q: only arm variants are supported", p)
			}
		}
		if t.arch == "arm" && t.arm == "" {
			return "", fmt.Errorf("goreleaser config: platform %q: name the arm variant (linux/arm/v7)", p)
		}
		targets = append(targets, t)
		oses = appendNew(oses, t.os)
		arches = appendNew(arches, t.arch)
		if t.arm != "" {
			arms = appendNew(arms, t.arm)
		}
	}
	if len(targets) == 0 {
		return "", errors.New("goreleaser config: no platforms")
	}
	wanted := func(t target) bool {
		for _, w := range targets {
			if w == t {
				return true
			}
		}
		return false
	}
	var ignore []target
	for _, os := range oses {
		for _, arch := range arches {
			if arch != "arm" {
				if t := (target{os: os, arch: arch}); !wanted(t) {
					ignore = append(ignore, t)
				}
				continue
			}
			for _, arm := range arms {
				if t := (target{os: os, arch: arch, arm: arm}); !wanted(t) {
					ignore = append(ignore, t)
				}
			}
		}
	}
	var b strings.Builder
	b.WriteString("# Written by the go-build benchmark: a minimal GoReleaser build.\n")
	b.WriteString("version: 2\n")
	fmt.Fprintf(&b, "project_name: %s\n", yamlString(projectName))
	b.WriteString("builds:\n")
	for i, main := range mains {
		fmt.Fprintf(&b, "  - id: %s\n", yamlString(fmt.Sprintf("build-%d", i)))
		fmt.Fprintf(&b, "    main: %s\n", yamlString(main))
		fmt.Fprintf(&b, "    binary: %s\n", yamlString(binaryName(projectName, main)))
		b.WriteString("    env:\n      - CGO_ENABLED=0\n")
		b.WriteString("    flags:\n      - -trimpath\n")
		writeList(&b, "goos", oses)
		writeList(&b, "goarch", arches)
		if len(arms) > 0 {
			writeList(&b, "goarm", arms)
		}
		if len(ignore) > 0 {
			b.WriteString("    ignore:\n")
			for _, t := range ignore {
				fmt.Fprintf(&b, "      - goos: %s\n        goarch: %s\n", yamlString(t.os), yamlString(t.arch))
				if t.arm != "" {
					fmt.Fprintf(&b, "        goarm: %s\n", yamlString(t.arm))
				}
			}
		}
	}
	return b.String(), nil
}

// binaryName is the binary go build names after a main package: the
// package directory's name, the project's for the module root.
func binaryName(projectName, main string) string {
	clean := path.Clean(main)
	if clean == "." || clean == "/" {
		return projectName
	}
	return path.Base(clean)
}

func writeList(b *strings.Builder, key string, values []string) {
	fmt.Fprintf(b, "    %s:\n", key)
	for _, v := range values {
		fmt.Fprintf(b, "      - %s\n", yamlString(v))
	}
}

// yamlString quotes s as a YAML double-quoted scalar, so that a value such
// as 7 or a name with a colon stays a string.
func yamlString(s string) string {
	return fmt.Sprintf("%q", s)
}

func appendNew(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}

// TestsRan tells whether the error of a go-build test call is a finished
// test run whose tests failed (its text carries the report: the failing
// tests and the summary table), rather than a run that did not happen
// (an image pull, a compile of every package, the engine...). A package
// that did not compile does not count as run.
func TestsRan(errText string) bool {
	return strings.Contains(errText, "tests failed") &&
		strings.Contains(errText, "PLATFORM") && strings.Contains(errText, "PASSED") &&
		!strings.Contains(errText, "[build failed]")
}

// CompleteGoSum is the shell script that completes a source's go.sum for
// testing packages, before any timing: a module zip of a module from before
// Go 1.16 may lack go.sum entries its tests need (gopkg.in/yaml.v3@v3.0.1
// has no go.sum at all), which a checkout being worked on would have. It
// leaves a source whose test dependencies already load untouched, and
// otherwise runs go mod tidy.
func CompleteGoSum(packages []string) string {
	pkgs := packageArgs(packages)
	return "go list -test -deps " + pkgs + " >/dev/null 2>&1 || go mod tidy"
}

// shellQuote single-quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// packageArgs are packages as go command arguments, shell-quoted; none is
// every package of the module, ./... .
func packageArgs(packages []string) string {
	if len(packages) == 0 {
		return "./..."
	}
	quoted := make([]string, len(packages))
	for i, p := range packages {
		quoted[i] = shellQuote(p)
	}
	return strings.Join(quoted, " ")
}
