package koconfig

import (
	"reflect"
	"testing"

	"dagger/go-build/internal/errtest"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want *Config
		err  string
	}{
		{name: "empty", yaml: "", want: &Config{}},
		{name: "comment only", yaml: "# nothing\n", want: &Config{}},
		{name: "null document", yaml: "~\n", want: &Config{}},
		{
			name: "ko's documented example",
			yaml: `defaultBaseImage: registry.example.com/base/image
baseImageOverrides:
  github.com/my-user/my-repo/cmd/app: registry.example.com/base/for/app
  github.com/My-User/my-repo/cmd/foo: registry.example.com/base/for/foo
defaultPlatforms:
- linux/arm64
- linux/amd64
defaultEnv:
- FOO=foo
defaultFlags:
- -v
defaultLdflags:
- -s
builds:
- id: foo
  dir: .
  main: ./foobar/foo
  env:
  - GOPRIVATE=git.internal.example.com,source.developers.google.com
  flags:
  - -tags
  - netgo
  ldflags:
  - -s -w
  - -extldflags "-static"
  - -X main.version={{.Env.VERSION}}
- id: bar
  dir: ./bar
  ldflags: -s
  flags: -tags netgo
  env: FOO=bar baz
  linux_capabilities: net_bind_service
- main: ./cmd/third
`,
			want: &Config{
				DefaultBaseImage: "registry.example.com/base/image",
				BaseImageOverrides: map[string]string{
					"github.com/my-user/my-repo/cmd/app": "registry.example.com/base/for/app",
					"github.com/my-user/my-repo/cmd/foo": "registry.example.com/base/for/foo",
				},
				DefaultPlatforms: []string{"linux/arm64", "linux/amd64"},
				DefaultEnv:       []string{"FOO=foo"},
				DefaultFlags:     []string{"-v"},
				DefaultLdflags:   []string{"-s"},
				Builds: []Build{
					{ID: "foo", Dir: ".", Main: "./foobar/foo", Line: 15,
						Env:     []string{"GOPRIVATE=git.internal.example.com,source.developers.google.com"},
						Flags:   []string{"-tags", "netgo"},
						Ldflags: []string{"-s -w", `-extldflags "-static"`, "-X main.version={{.Env.VERSION}}"}},
					{ID: "bar", Dir: "./bar", Main: ".", Line: 27, Ldflags: []string{"-s"}, Flags: []string{"-tags", "netgo"},
						Env: []string{"FOO=bar baz"}, LinuxCapabilities: []string{"net_bind_service"}},
					{ID: "#2", Dir: ".", Main: "./cmd/third", Line: 33},
				},
			},
		},
		{
			name: "keys without regard to case, single strings split on spaces",
			yaml: "DefaultBaseImage: alpine\ndefaultplatforms: all\ndefaultEnv: FOO=bar\ndefaultFlags: -tags netgo\ndefaultLdflags: -s -w\n",
			want: &Config{DefaultBaseImage: "alpine", DefaultPlatforms: []string{"all"}, DefaultEnv: []string{"FOO=bar"},
				DefaultFlags: []string{"-tags", "netgo"}, DefaultLdflags: []string{"-s", "-w"}},
		},
		{
			name: "platforms normalized, commas split",
			yaml: "defaultPlatforms: [linux/arm, 'linux/amd64,linux/arm64/v8']\n",
			want: &Config{DefaultPlatforms: []string{"linux/arm/v7", "linux/amd64", "linux/arm64"}},
		},
		{
			name: "null values are unset",
			yaml: "defaultBaseImage:\nbuilds:\n- id: x\n  dir: ~\n",
			want: &Config{Builds: []Build{{ID: "x", Dir: ".", Main: ".", Line: 3}}},
		},
		{
			name: "anchors and aliases",
			yaml: "defaultLdflags: &l [-s, -w]\nbuilds:\n- main: ./cmd/a\n  ldflags: *l\n",
			want: &Config{DefaultLdflags: []string{"-s", "-w"}, Builds: []Build{{ID: "#0", Dir: ".", Main: "./cmd/a", Line: 3, Ldflags: []string{"-s", "-w"}}}},
		},
		{name: "unknown top-level key", yaml: "defaultBaseImage: alpine\ndefaultBase: alpine\n", err: `.ko.yaml:2: unknown key "defaultBase" in the file; want one of defaultBaseImage`},
		{name: "goreleaser key ko ignores", yaml: "builds:\n- id: a\n  goos: [linux]\n", err: `.ko.yaml:3: unknown key "goos" in builds entry #0; want one of id, dir, main`},
		{name: "key twice in another case", yaml: "defaultEnv: [A=1]\nDefaultEnv: [A=2]\n", err: ".ko.yaml:2: defaultEnv is given twice in the file (first at line 1"},
		{name: "override twice in another case", yaml: "baseImageOverrides:\n  example.com/A: aa\n  example.com/a: bb\n", err: ".ko.yaml:3: baseImageOverrides names example.com/a twice (first at line 2"},
		{name: "bad default base", yaml: "defaultBaseImage: 'Not An Image'\n", err: `.ko.yaml:1: defaultBaseImage: "Not An Image" is not an image reference`},
		{name: "bad override", yaml: "baseImageOverrides:\n  example.com/a: 'x y'\n", err: `.ko.yaml:2: baseImageOverrides[example.com/a]: "x y" is not an image reference`},
		{name: "override is a list", yaml: "baseImageOverrides: [a]\n", err: ".ko.yaml:1: baseImageOverrides is a list; want a mapping"},
		{name: "bad platform", yaml: "defaultPlatforms:\n- linux/mips99\n", err: `.ko.yaml:2: defaultPlatforms: `},
		{name: "list of mappings", yaml: "defaultFlags:\n- {a: b}\n", err: ".ko.yaml:2: defaultFlags holds a mapping; want a list of strings"},
		{name: "builds is a mapping", yaml: "builds:\n  id: a\n", err: ".ko.yaml:2: builds is a mapping; want a list of builds"},
		{name: "build entry is a string", yaml: "builds:\n- ./cmd/a\n", err: ".ko.yaml:2: builds entry #0 is a string; want a mapping of id, dir"},
		{name: "messages name the entry by its id, wherever it is", yaml: "builds:\n- env: {a: b}\n  id: api\n", err: ".ko.yaml:2: builds[api].env is a mapping; want a list of strings or one string"},
		{name: "build dir is a list", yaml: "builds:\n- id: a\n  dir: [x]\n", err: ".ko.yaml:3: builds[a].dir is a list; want a string"},
		{name: "root is a list", yaml: "- a\n", err: ".ko.yaml:1: the file is a list; want a mapping of defaultBaseImage"},
		{name: "two documents", yaml: "defaultBaseImage: a\n---\ndefaultBaseImage: b\n", err: ".ko.yaml:2: a second YAML document; ko reads one"},
		{name: "not YAML", yaml: "a: [\n", err: ".ko.yaml: yaml: line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(".ko.yaml", []byte(tt.yaml))
			errtest.Check(t, err, ErrConfig, tt.err)
			if tt.err != "" {
				return
			}
			tt.want.File = ".ko.yaml"
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse =\n%#v\nwant\n%#v", got, tt.want)
			}
		})
	}
}

func TestBaseImage(t *testing.T) {
	c := &Config{DefaultBaseImage: "registry.example/default", BaseImageOverrides: map[string]string{"github.com/foo/bar/cmd/baz": "registry.example/baz-base"}}
	tests := []struct {
		name              string
		cfg               *Config
		ip, cli, fallback string
		want              string
	}{
		{"override, case ignored", c, "ko://github.com/Foo/bar/cmd/baz", "cli", "fb", "registry.example/baz-base"},
		{"command line beats defaultBaseImage", c, "github.com/foo/bar/cmd/other", "cli", "fb", "cli"},
		{"defaultBaseImage", c, "github.com/foo/bar/cmd/other", "", "fb", "registry.example/default"},
		{"go-build's default", &Config{}, "github.com/foo/bar/cmd/other", "", "fb", "fb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cfg.BaseImage(tt.ip, tt.cli, tt.fallback); got != tt.want {
				t.Errorf("BaseImage = %q, want %q", got, tt.want)
			}
		})
	}
}
