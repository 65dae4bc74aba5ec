package gorepo

import (
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"
)

// repo is a repository's files by workspace path.
type repo map[string]string

func (r repo) read(p string) ([]byte, error) {
	s, ok := r[p]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return []byte(s), nil
}

func TestDiscover(t *testing.T) {
	tests := []struct {
		name          string
		files         repo
		goWork, goMod string
		want          Layout
	}{
		{
			name:  "module at the root",
			files: repo{"/go.mod": "module example.com/app\n"},
			goMod: "/go.mod",
			want:  Layout{Root: "/", Dir: ".", ModulePath: "example.com/app"},
		},
		{
			name:  "module in a subdirectory",
			files: repo{"/svc/api/go.mod": "module example.com/api\n"},
			goMod: "/svc/api/go.mod",
			want:  Layout{Root: "/svc/api", Dir: ".", ModulePath: "example.com/api"},
		},
		{
			name: "sibling replacement",
			files: repo{"/mono/app/go.mod": "module example.com/mono/app\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n",
				"/mono/lib/go.mod": "module example.com/lib\n"},
			goMod: "/mono/app/go.mod",
			want: Layout{Root: "/mono", Include: []string{"app/", "lib/", ".git/"}, Dir: "app",
				ModulePath: "example.com/mono/app"},
		},
		{
			name:  "replacement inside the module and one deeper beside it",
			files: repo{"/a/go.mod": "module example.com/a\n\nreplace (\n\texample.com/x => ./third_party/x\n\texample.com/y => ../b/c/y\n\texample.com/z v1.0.0 => example.com/zz v1.2.0\n)\n"},
			goMod: "/a/go.mod",
			want: Layout{Root: "/", Include: []string{"a/", "b/c/y/", ".git/"}, Dir: "a",
				ModulePath: "example.com/a"},
		},
		{
			name:  "replacement of the parent holds the module",
			files: repo{"/x/sub/go.mod": "module example.com/x/sub\n\nreplace example.com/x => ../\n"},
			goMod: "/x/sub/go.mod",
			want:  Layout{Root: "/x", Dir: "sub", ModulePath: "example.com/x/sub"},
		},
		{
			name: "go.work at the root without a go.mod there",
			files: repo{"/go.work": "go 1.22\n\nuse (\n\t./app\n\t./lib\n)\n",
				"/app/go.mod": "module example.com/app\n", "/lib/go.mod": "module example.com/lib\n"},
			goWork: "/go.work",
			want: Layout{Root: "/", Include: []string{"app/", "lib/", "go.work", "go.work.sum", ".git/"}, Dir: ".", GoWork: true,
				Packages: []string{"./app/...", "./lib/..."}, ModulePath: "example.com/app"},
		},
		{
			name: "go.work found from inside one of its modules",
			files: repo{"/w/go.work": "go 1.22\nuse ./app\nuse ./lib\nreplace example.com/ext => ../vendored/ext\n",
				"/w/app/go.mod": "module example.com/app\nreplace example.com/tools => ../../tools\n", "/w/lib/go.mod": "module example.com/lib\n"},
			goWork: "/w/go.work", goMod: "/w/app/go.mod",
			want: Layout{Root: "/", Include: []string{"tools/", "vendored/ext/", "w/app/", "w/lib/", "w/go.work", "w/go.work.sum", ".git/"}, Dir: "w", GoWork: true,
				Packages: []string{"./app/...", "./lib/..."}, ModulePath: "example.com/app"},
		},
		{
			name: "go.work that uses its own directory",
			files: repo{"/go.work": "go 1.22\nuse .\nuse ./tools\n",
				"/go.mod": "module example.com/root\n", "/tools/go.mod": "module example.com/tools\n"},
			goWork: "/go.work", goMod: "/go.mod",
			want: Layout{Root: "/", Dir: ".", GoWork: true, Packages: []string{"./...", "./tools/..."}, ModulePath: "example.com/root"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Discover(tt.goWork, tt.goMod, tt.files.read)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Discover:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestDiscoverErrors(t *testing.T) {
	tests := []struct {
		name          string
		files         repo
		goWork, goMod string
		want          []string
	}{
		{
			name:  "replacement above the repository",
			files: repo{"/app/go.mod": "module example.com/app\nreplace example.com/lib => ../../lib\n"},
			goMod: "/app/go.mod",
			want:  []string{"replace example.com/lib => ../../lib", "/app/go.mod", "outside the repository"},
		},
		{
			name:  "absolute replacement",
			files: repo{"/go.mod": "module example.com/app\nreplace example.com/lib => /home/me/lib\n"},
			goMod: "/go.mod",
			want:  []string{"replace example.com/lib => /home/me/lib", "absolute path"},
		},
		{
			name:   "go.work use above the repository",
			files:  repo{"/go.work": "go 1.22\nuse ../elsewhere\n"},
			goWork: "/go.work",
			want:   []string{"use ../elsewhere", "/go.work", "outside the repository"},
		},
		{
			name:   "go.work replacement above the repository",
			files:  repo{"/go.work": "go 1.22\nuse ./app\nreplace example.com/x => ../x\n", "/app/go.mod": "module example.com/app\n"},
			goWork: "/go.work",
			want:   []string{"replace example.com/x => ../x", "outside the repository"},
		},
		{
			name:   "module outside the workspace",
			files:  repo{"/go.work": "go 1.22\nuse ./app\n", "/app/go.mod": "module example.com/app\n", "/other/go.mod": "module example.com/other\n"},
			goWork: "/go.work", goMod: "/other/go.mod",
			want: []string{"/other/go.mod", "not one of the modules", "--gowork off"},
		},
		{
			name:   "used module without go.mod",
			files:  repo{"/go.work": "go 1.22\nuse ./gone\n"},
			goWork: "/go.work",
			want:   []string{"reading /gone/go.mod", "file does not exist"},
		},
		{
			name:   "go.work without uses",
			files:  repo{"/go.work": "go 1.22\n"},
			goWork: "/go.work",
			want:   []string{"/go.work uses no module"},
		},
		{
			name:   "broken go.work",
			files:  repo{"/go.work": "go 1.22\nuse (\n"},
			goWork: "/go.work",
			want:   []string{"/go.work:"},
		},
		{
			name: "nothing found",
			want: []string{"no go.mod or go.work"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Discover(tt.goWork, tt.goMod, tt.files.read)
			if err == nil {
				t.Fatal("Discover succeeded, want an error")
			}
			if !errors.Is(err, ErrLayout) {
				t.Errorf("error %q does not wrap ErrLayout", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestRel(t *testing.T) {
	tests := []struct{ base, p, want string }{
		{"/", "/", "."},
		{"/", "/a/b", "a/b"},
		{"/a", "/a/b", "b"},
		{"/a/w", "/a/x", "../x"},
		{"/a/w/v", "/b", "../../../b"},
	}
	for _, tt := range tests {
		if got := rel(tt.base, tt.p); got != tt.want {
			t.Errorf("rel(%q, %q) = %q, want %q", tt.base, tt.p, got, tt.want)
		}
	}
}
