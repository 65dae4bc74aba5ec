package plan

import (
	"errors"
	"fmt"
	"strings"
)

// The scaling measurement: go-build's release, GoReleaser and a plain go
// build loop of one project, as the number of target platforms grows.

// ScalingPlatforms are the targets of the scaling measurement, in order: a
// measurement of n platforms builds the first n (ScalingTargets). Each is a
// pure-Go target that GoReleaser, go-build and a plain go build all build.
var ScalingPlatforms = []string{
	"linux/amd64", "linux/arm64", "linux/arm/v7", "linux/s390x",
	"linux/ppc64le", "darwin/arm64", "windows/amd64", "linux/riscv64",
}

// DefaultScalingCounts are the numbers of platforms the scaling
// measurement takes by default (and in run): 1, 2, 4 and 8. The bench's
// scaling function repeats them in its +default pragma.
var DefaultScalingCounts = []int{1, 2, 4, 8}

// ScalingTargets is the first n of ScalingPlatforms: the targets of the
// scaling measurement of n platforms.
func ScalingTargets(n int) ([]string, error) {
	if n < 1 || n > len(ScalingPlatforms) {
		return nil, fmt.Errorf("scaling: %d platforms: want 1 to %d", n, len(ScalingPlatforms))
	}
	return append([]string(nil), ScalingPlatforms[:n]...), nil
}

// CheckScalingCounts rejects counts the scaling measurement cannot take:
// none at all, a count outside 1..len(ScalingPlatforms), or a count named
// twice (its measurements would share cache namespaces, so the second
// would not be cold).
func CheckScalingCounts(counts []int) error {
	if len(counts) == 0 {
		return errors.New("scaling: no counts of platforms")
	}
	seen := map[int]bool{}
	for _, n := range counts {
		if _, err := ScalingTargets(n); err != nil {
			return err
		}
		if seen[n] {
			return fmt.Errorf("scaling: %d platforms named twice", n)
		}
		seen[n] = true
	}
	return nil
}

// BuildLoop is the shell script of the plain go build loop: what a user's
// Makefile runs on their own machine. One go build per platform, one after
// the other, pure Go (CGO_ENABLED=0), -trimpath and -ldflags='-s -w' (the
// flags GoReleaser links with by default), each into
// <outDir>/<platform>/. Without packages it builds every main package of
// the module. The first failing build stops the script.
func BuildLoop(platforms, packages []string, outDir string) (string, error) {
	if len(platforms) == 0 {
		return "", errors.New("build loop: no platforms")
	}
	pkgs := packageArgs(packages)
	out := strings.TrimSuffix(outDir, "/")
	lines := []string{"set -e"}
	for _, p := range platforms {
		env, err := GoEnv(p)
		if err != nil {
			return "", fmt.Errorf("build loop: %w", err)
		}
		lines = append(lines, fmt.Sprintf("%s CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o %s %s",
			strings.Join(env, " "), shellQuote(out+"/"+p+"/"), pkgs))
	}
	return strings.Join(lines, "\n") + "\n", nil
}
