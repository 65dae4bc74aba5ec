package koresolve

import (
	"reflect"
	"strings"
	"testing"

	"dagger/go-build/internal/errtest"
)

func TestRead(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []Ref
		err  string
	}{
		{name: "empty file", yaml: ""},
		{name: "no reference", yaml: "a: example.com/shop/cmd/api\n"},
		{
			name: "values at any depth, in order, one per occurrence",
			yaml: "a:\n  b: [x, ko://example.com/shop/cmd/api]\nc: ko://example.com/shop/cmd/worker\nd: ko://example.com/shop/cmd/api\n",
			want: []Ref{{"example.com/shop/cmd/api", 2}, {"example.com/shop/cmd/worker", 3}, {"example.com/shop/cmd/api", 4}},
		},
		{name: "keys too", yaml: "ko://example.com/shop/cmd/api: x\n", want: []Ref{{"example.com/shop/cmd/api", 1}}},
		{name: "trailing space trimmed", yaml: "a: \"ko://example.com/shop/cmd/api  \"\n", want: []Ref{{"example.com/shop/cmd/api", 1}}},
		{name: "leading space is no reference", yaml: "a: \" ko://example.com/shop/cmd/api\"\n"},
		{name: "inside text is no reference", yaml: "a: run ko://example.com/shop/cmd/api\n"},
		{name: "comment is no reference", yaml: "a: b # ko://example.com/shop/cmd/api\n"},
		{name: "not a string", yaml: "a: !!binary a28vL2Zvbw==\n"},
		{name: "an anchor counts once", yaml: "a: &x ko://example.com/shop/cmd/api\nb: *x\n", want: []Ref{{"example.com/shop/cmd/api", 1}}},
		{name: "every document", yaml: "a: ko://example.com/shop/cmd/api\n---\n---\nb: ko://example.com/shop/cmd/worker\n", want: []Ref{{"example.com/shop/cmd/api", 1}, {"example.com/shop/cmd/worker", 4}}},
		{name: "not a main package", yaml: "a: 1\nb: ko://example.com/shop/internal/store\n", err: "config/app.yaml:2: ko://example.com/shop/internal/store: is not a main package"},
		{name: "unknown package", yaml: "b: ko://example.com/nope\n", err: "config/app.yaml:1: ko://example.com/nope: loading example.com/nope: cannot find package example.com/nope"},
		{name: "empty reference", yaml: "b: 'ko://'\n", err: "config/app.yaml:1: ko://: no import path after ko://"},
		{name: "malformed", yaml: "b: 'ko://example.com/a b'\n", err: "config/app.yaml:1: ko://example.com/a b: is not an import path"},
		{name: "not YAML", yaml: "a: [\n", err: "config/app.yaml: yaml: line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Read("config/app.yaml", []byte(tt.yaml), isMain)
			errtest.Check(t, err, ErrReference, tt.err)
			if err != nil {
				return
			}
			if !reflect.DeepEqual(f.Refs, tt.want) {
				t.Errorf("Refs = %v, want %v", f.Refs, tt.want)
			}
		})
	}
}

func TestReadLocalImportPath(t *testing.T) {
	// ko accepts a local import path after ko://; go list qualifies it.
	f, err := Read("a.yaml", []byte("image: ko://./cmd/api\n"), func(ip string) (bool, error) { return ip == "./cmd/api", nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Refs) != 1 || f.Refs[0].ImportPath != "./cmd/api" {
		t.Errorf("Refs = %v", f.Refs)
	}
}

func TestResolve(t *testing.T) {
	images := map[string]string{
		"example.com/shop/cmd/api":    "registry.example/shop/api@" + digest,
		"example.com/shop/cmd/worker": "registry.example/shop/worker:v1@" + digest,
	}
	tests := []struct {
		name, yaml, want, err string
		images                map[string]string
	}{
		{
			name: "styles, comments, anchors and documents kept as yaml.v3 writes them (it quotes a colon in a flow mapping)",
			yaml: "# head\na: &x ko://example.com/shop/cmd/api # line\nb: *x\nc: \"ko://example.com/shop/cmd/worker \"\nlist:\n- 'ko://example.com/shop/cmd/api'\n---\nflow: {k: ko://example.com/shop/cmd/api}\n",
			want: "# head\na: &x registry.example/shop/api@" + digest + " # line\nb: *x\nc: \"registry.example/shop/worker:v1@" + digest + "\"\nlist:\n  - 'registry.example/shop/api@" + digest + "'\n---\nflow: {k: 'registry.example/shop/api@" + digest + "'}\n",
		},
		{name: "no references: re-encoded as ko does", yaml: "a:    1\nb:\n    - x\n", want: "a: 1\nb:\n  - x\n"},
		{name: "empty file", yaml: "", want: ""},
		{name: "missing image", yaml: "a: 1\nb: ko://example.com/shop/cmd/api\n", images: map[string]string{}, err: "config/app.yaml:2: ko://example.com/shop/cmd/api: no image was published for it"},
		{name: "bad image", yaml: "b: ko://example.com/shop/cmd/api\n", images: map[string]string{"example.com/shop/cmd/api": "Not An Image"}, err: `config/app.yaml:1: ko://example.com/shop/cmd/api: image "Not An Image"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Read("config/app.yaml", []byte(tt.yaml), isMain)
			if err != nil {
				t.Fatal(err)
			}
			imgs := images
			if tt.images != nil {
				imgs = tt.images
			}
			got, err := f.Resolve(imgs)
			errtest.Check(t, err, ErrReference, tt.err)
			if string(got) != tt.want {
				t.Errorf("Resolve =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestResolveTwiceGivesTheSameBytes(t *testing.T) {
	f, err := Read("a.yaml", []byte("a: ko://example.com/shop/cmd/api\n"), isMain)
	if err != nil {
		t.Fatal(err)
	}
	images := map[string]string{"example.com/shop/cmd/api": "registry.example/shop/api@" + digest}
	first, _ := f.Resolve(images)
	second, err := f.Resolve(images)
	if err != nil || string(first) != string(second) || strings.Contains(string(second), "ko://") {
		t.Errorf("second Resolve = %q, %v; first %q", second, err, first)
	}
}

func TestImportPaths(t *testing.T) {
	a := &File{Refs: []Ref{{"example.com/b", 1}, {"example.com/a", 2}, {"example.com/b", 3}}}
	b := &File{Refs: []Ref{{"example.com/a", 1}, {"example.com/c", 2}}}
	if got, want := ImportPaths(a, b), []string{"example.com/a", "example.com/b", "example.com/c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ImportPaths = %q, want %q", got, want)
	}
	if got := ImportPaths(); got != nil {
		t.Errorf("ImportPaths() = %q, want none", got)
	}
}

func TestJoin(t *testing.T) {
	if got, want := string(Join([]byte("a: 1\n"), []byte(""), []byte("b: 2\n---\nc: 3\n"))), "a: 1\n\n---\n\n---\nb: 2\n---\nc: 3\n\n---\n"; got != want {
		t.Errorf("Join = %q, want %q", got, want)
	}
}

func TestSelect(t *testing.T) {
	tree := []string{"b.yaml", "a/x.yaml", "a.json", "a/b/y.yaml", "c.yml", "d.txt", "a.yaml"}
	tests := []struct {
		name      string
		given     string
		isDir     bool
		recursive bool
		want      []string
	}{
		{"a file, whatever its name", "config/app.yml", false, false, []string{"config/app.yml"}},
		{"the directory's own .yaml and .json", "config", true, false, []string{"config/a.json", "config/a.yaml", "config/b.yaml"}},
		{"recursive, in filepath.Walk's order", "config", true, true, []string{"config/a/b/y.yaml", "config/a/x.yaml", "config/a.json", "config/a.yaml", "config/b.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Select(tt.given, tt.isDir, tree, tt.recursive); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Select = %q, want %q", got, tt.want)
			}
		})
	}
}
