package plan

import (
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// parseGoreleaser reads a .goreleaser.yaml GoreleaserConfig wrote.
func parseGoreleaser(t *testing.T, text string) goreleaserFile {
	t.Helper()
	var f goreleaserFile
	if err := yaml.Unmarshal([]byte(text), &f); err != nil {
		t.Fatalf("not YAML: %v\n%s", err, text)
	}
	if len(f.Builds) != 1 {
		t.Fatalf("%d builds, want 1", len(f.Builds))
	}
	return f
}

func TestScalingTargets(t *testing.T) {
	tests := []struct {
		n    int
		want []string
		err  bool
	}{
		{1, []string{"linux/amd64"}, false},
		{2, []string{"linux/amd64", "linux/arm64"}, false},
		{4, []string{"linux/amd64", "linux/arm64", "linux/arm/v7", "linux/s390x"}, false},
		{8, []string{"linux/amd64", "linux/arm64", "linux/arm/v7", "linux/s390x",
			"linux/ppc64le", "darwin/arm64", "windows/amd64", "linux/riscv64"}, false},
		{0, nil, true},
		{-1, nil, true},
		{9, nil, true},
	}
	for _, tt := range tests {
		got, err := ScalingTargets(tt.n)
		if (err != nil) != tt.err {
			t.Errorf("ScalingTargets(%d) error = %v, want error %v", tt.n, err, tt.err)
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("ScalingTargets(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	// A copy: changing it leaves the fixed list alone.
	got, _ := ScalingTargets(1)
	got[0] = "plan9/386"
	if ScalingPlatforms[0] != "linux/amd64" {
		t.Errorf("ScalingTargets returned the list itself")
	}
}

func TestScalingPlatforms(t *testing.T) {
	if len(ScalingPlatforms) != 8 {
		t.Errorf("%d scaling platforms, want 8", len(ScalingPlatforms))
	}
	seen := map[string]bool{}
	for _, p := range ScalingPlatforms {
		if seen[p] {
			t.Errorf("%s listed twice", p)
		}
		seen[p] = true
		if _, err := GoEnv(p); err != nil {
			t.Errorf("GoEnv(%q): %v", p, err)
		}
	}
	// Every prefix is a GoReleaser build of exactly those targets.
	for n := 1; n <= len(ScalingPlatforms); n++ {
		platforms, _ := ScalingTargets(n)
		text, err := GoreleaserConfig("hey", []string{"."}, platforms)
		if err != nil {
			t.Fatalf("GoreleaserConfig of %d platforms: %v", n, err)
		}
		f := parseGoreleaser(t, text)
		want := slices.Clone(platforms)
		slices.Sort(want)
		if got := f.targets(0); !slices.Equal(got, want) {
			t.Errorf("%d platforms: the matrix builds %q, want %q", n, got, want)
		}
	}
	if err := CheckScalingCounts(DefaultScalingCounts); err != nil {
		t.Errorf("the default counts: %v", err)
	}
}

func TestCheckScalingCounts(t *testing.T) {
	tests := []struct {
		counts []int
		err    bool
	}{
		{[]int{1, 2, 4, 8}, false},
		{[]int{1, 2}, false},
		{[]int{8, 3}, false},
		{nil, true},
		{[]int{}, true},
		{[]int{1, 0}, true},
		{[]int{9}, true},
		{[]int{2, 2}, true},
	}
	for _, tt := range tests {
		if err := CheckScalingCounts(tt.counts); (err != nil) != tt.err {
			t.Errorf("CheckScalingCounts(%v) error = %v, want error %v", tt.counts, err, tt.err)
		}
	}
}

func TestBuildLoop(t *testing.T) {
	tests := []struct {
		name      string
		platforms []string
		packages  []string
		out       string
		want      string
		err       bool
	}{
		{
			name:      "two platforms, one package",
			platforms: []string{"linux/amd64", "linux/arm/v7"},
			packages:  []string{"."},
			out:       "/out",
			want: "set -e\n" +
				"GOOS=linux GOARCH=amd64 CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o '/out/linux/amd64/' '.'\n" +
				"GOOS=linux GOARCH=arm GOARM=7 CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o '/out/linux/arm/v7/' '.'\n",
		},
		{
			name:      "every main package, trailing slash",
			platforms: []string{"windows/amd64"},
			out:       "/out/",
			want: "set -e\n" +
				"GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o '/out/windows/amd64/' ./...\n",
		},
		{
			name:      "packages quoted",
			platforms: []string{"darwin/arm64"},
			packages:  []string{"./cmd/a", "it's"},
			out:       "out",
			want: "set -e\n" +
				"GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o 'out/darwin/arm64/' './cmd/a' 'it'\\''s'\n",
		},
		{name: "no platforms", out: "/out", err: true},
		{name: "bad platform", platforms: []string{"linux"}, out: "/out", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := BuildLoop(tt.platforms, tt.packages, tt.out)
			if (err != nil) != tt.err {
				t.Fatalf("BuildLoop error = %v, want error %v", err, tt.err)
			}
			if got != tt.want {
				t.Errorf("BuildLoop =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
	// Every build of the eight platforms is sequential, in the list's order.
	script, err := BuildLoop(ScalingPlatforms, []string{"."}, "/out")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(script, "\n"), "\n")[1:]
	if len(lines) != len(ScalingPlatforms) {
		t.Fatalf("%d builds, want %d:\n%s", len(lines), len(ScalingPlatforms), script)
	}
	for i, l := range lines {
		if !strings.Contains(l, "'/out/"+ScalingPlatforms[i]+"/'") || strings.Contains(l, "&") {
			t.Errorf("build %d = %q, want %s, in the foreground", i, l, ScalingPlatforms[i])
		}
	}
}
