package koconfig

import (
	"reflect"
	"testing"

	"dagger/go-build/internal/errtest"
)

// tree is a repository with two modules: the root one and ./app, as ko's
// own test data (pkg/commands/options/testdata/paths) lays them out.
var tree = Modules{
	Roots: map[string]string{".": "example.com/repo", "app": "example.com/app"},
	Files: map[string]bool{"cmd/a/main.go": true, "app/cmd/foo/main.go": true},
}

func TestModulesImportPath(t *testing.T) {
	tests := []struct {
		dir, want, err string
	}{
		{dir: ".", want: "example.com/repo"},
		{dir: "./cmd/a", want: "example.com/repo/cmd/a"},
		{dir: "app", want: "example.com/app"},
		{dir: "app/cmd/foo/", want: "example.com/app/cmd/foo"},
		{dir: "application/cmd", want: "example.com/repo/application/cmd"},
		{dir: "../x", err: "../x is outside the source"},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			got, err := tree.ImportPath(tt.dir)
			errtest.Check(t, err, nil, tt.err)
			if got != tt.want {
				t.Errorf("ImportPath(%q) = %q, want %q", tt.dir, got, tt.want)
			}
		})
		if _, err := (Modules{Roots: map[string]string{"app": "example.com/app"}}).ImportPath("cmd/x"); err == nil {
			t.Error("a directory outside every module has an import path")
		}
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name   string
		builds []Build
		want   map[string]string // import path -> build ID
		err    string
	}{
		{
			name: "dir and main as ko joins them; main may be a file",
			builds: []Build{
				{ID: "foo", Dir: "./app", Main: "./cmd/foo"},
				{ID: "a", Dir: ".", Main: "./cmd/a/main.go"},
			},
			want: map[string]string{"example.com/app/cmd/foo": "foo", "example.com/repo/cmd/a": "a"},
		},
		{
			name:   "a later entry for the same package wins",
			builds: []Build{{ID: "first", Dir: ".", Main: "cmd/a"}, {ID: "second", Dir: "cmd", Main: "a"}},
			want:   map[string]string{"example.com/repo/cmd/a": "second"},
		},
		{name: "dir leaves the source", builds: []Build{{ID: "x", Dir: "../other", Main: ".", Line: 4}}, err: `.ko.yaml:4: builds entry x: dir "../other" leaves the source`},
		{name: "main leaves the source", builds: []Build{{ID: "x", Dir: ".", Main: "../../y", Line: 5}}, err: `.ko.yaml:5: builds entry x: main "../../y" leaves the source`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Config{File: ".ko.yaml", Builds: tt.builds}
			got, err := c.Resolve(tree)
			errtest.Check(t, err, ErrConfig, tt.err)
			if tt.err != "" {
				return
			}
			ids := map[string]string{}
			for ip, m := range got {
				if m.ImportPath != ip {
					t.Errorf("entry %s: ImportPath %q under key %q", m.ID, m.ImportPath, ip)
				}
				ids[ip] = m.ID
			}
			if !reflect.DeepEqual(ids, tt.want) {
				t.Errorf("Resolve = %v, want %v", ids, tt.want)
			}
		})
	}
}

func TestBuildFor(t *testing.T) {
	c := &Config{File: ".ko.yaml", Builds: []Build{{ID: "foo", Dir: "./app", Main: "./cmd/foo"}}}
	resolved, err := c.Resolve(tree)
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := BuildFor(resolved, "ko://example.com/app/cmd/foo"); !ok || m.ID != "foo" {
		t.Errorf("BuildFor(ko://example.com/app/cmd/foo) = %v, %v; want foo", m, ok)
	}
	// ko matches the import path exactly: another case is another package.
	if m, ok := BuildFor(resolved, "example.com/App/cmd/foo"); ok {
		t.Errorf("BuildFor(example.com/App/cmd/foo) = %v; want none", m)
	}
	if got := ImportPaths(resolved); !reflect.DeepEqual(got, []string{"example.com/app/cmd/foo"}) {
		t.Errorf("ImportPaths = %v", got)
	}
}

func TestResolveNamesAMissingPackage(t *testing.T) {
	c := &Config{File: ".ko.yaml", Builds: []Build{{ID: "gone", Dir: ".", Main: "./cmd/gone", Line: 7}}}
	pkgs := Modules{Roots: map[string]string{"app": "example.com/app"}}
	_, err := c.Resolve(pkgs)
	errtest.Check(t, err, ErrConfig, `.ko.yaml:7: builds entry gone (dir ".", main "./cmd/gone") names no package: no go.mod holds cmd/gone`)
}
