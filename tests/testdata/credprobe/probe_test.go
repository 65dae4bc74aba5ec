package credprobe

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// marker is the name of the file TestCacheWrites writes into every module
// and build cache it can find; the check then looks for it in the caches
// the builders share.
var marker = flag.String("marker", "", "file name written into the module and build caches")

// plantedReversed are the credentials the check plants (the module proxy's
// password in the netrc, the git token of with-git-token; see
// tests/privatemodules.go), reversed, so the test binary holds no copy of
// them for the file scan to find.
var plantedReversed = []string{"wp-etav1rp-kcehc-dliub-og", "nek0t-t1g-kcehc-dliub-og"}

func planted() []string {
	var out []string
	for _, s := range plantedReversed {
		r := []byte(s)
		slices.Reverse(r)
		out = append(out, string(r))
	}
	return out
}

func TestGreeting(t *testing.T) {
	if got := Greeting(); !strings.Contains(got, "mods.internal/greet") || !strings.Contains(got, "git.internal/words") {
		t.Errorf("Greeting() = %q", got)
	}
}

// The files go-build's builders hold credentials in: the netrc, the git
// token files, and the netrc wherever $HOME or $NETRC say.
func TestNoCredentialFiles(t *testing.T) {
	paths := []string{"/root/.netrc", "/run/go-build"}
	if home, err := os.UserHomeDir(); err == nil {
		paths = append(paths, filepath.Join(home, ".netrc"))
	}
	if n := os.Getenv("NETRC"); n != "" {
		paths = append(paths, n)
	}
	for i, p := range paths {
		if slices.Contains(paths[:i], p) {
			continue
		}
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s exists: test code can read a credential file", p)
		}
	}
}

// The environment the builders fetch private modules with: go's module
// settings, the netrc's path, git's configuration (its credential helper
// reads the token files), and any variable holding a planted credential.
func TestNoCredentialEnv(t *testing.T) {
	names := []string{"NETRC", "GOAUTH", "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOSUMDB", "GOPROXY", "GOINSECURE",
		"GIT_CONFIG_COUNT", "GIT_ASKPASS"}
	secrets := planted()
	for _, kv := range os.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		if slices.Contains(names, name) || strings.HasPrefix(name, "GIT_CONFIG_KEY_") || strings.HasPrefix(name, "GIT_CONFIG_VALUE_") {
			t.Errorf("$%s is set: test code sees the private modules' settings", name)
		}
		for _, s := range secrets {
			if strings.Contains(value, s) {
				t.Errorf("$%s holds a planted credential", name)
			}
		}
	}
}

// No readable file where credentials are kept holds a planted credential.
func TestNoSecretInFiles(t *testing.T) {
	secrets := planted()
	home, _ := os.UserHomeDir()
	skip := map[string]bool{}
	for _, d := range []string{os.Getenv("GOCACHE"), filepath.Join(home, ".cache"), "/root/.cache"} {
		if d != "" {
			skip[filepath.Clean(d)] = true
		}
	}
	roots := []string{"/root", "/run", "/tmp", "/etc", "/home", "/usr/local/share/go-build"}
	if home != "" && !slices.Contains(roots, home) {
		roots = append(roots, home)
	}
	scanned := 0
	for _, root := range roots {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() {
				if skip[p] {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() {
				return nil
			}
			if info, err := d.Info(); err != nil || info.Size() > 1<<20 {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return nil
			}
			scanned++
			for _, s := range secrets {
				if bytes.Contains(data, []byte(s)) {
					t.Errorf("%s holds a planted credential", p)
				}
			}
			return nil
		})
	}
	t.Logf("scanned %d files", scanned)
}

// Writes into the module cache (a dependency's extracted files, and the
// root) and the build cache, wherever go would put them. Whether a write
// succeeds is logged, not judged: it may land in a throwaway copy. The
// check looks for the marker in the caches the builders share afterwards.
func TestCacheWrites(t *testing.T) {
	if *marker == "" {
		t.Skip("no -marker given")
	}
	home, _ := os.UserHomeDir()
	var modCaches, buildCaches []string
	add := func(list *[]string, dir string) {
		if dir != "" && !slices.Contains(*list, dir) {
			*list = append(*list, dir)
		}
	}
	add(&modCaches, os.Getenv("GOMODCACHE"))
	gopath := filepath.Join(home, "go")
	if list := filepath.SplitList(os.Getenv("GOPATH")); len(list) > 0 && list[0] != "" {
		gopath = list[0]
	}
	add(&modCaches, filepath.Join(gopath, "pkg", "mod"))
	add(&modCaches, "/go/pkg/mod") // go-build's builders
	add(&buildCaches, os.Getenv("GOCACHE"))
	if d, err := os.UserCacheDir(); err == nil {
		add(&buildCaches, filepath.Join(d, "go-build"))
	}
	add(&buildCaches, "/root/.cache/go-build") // go-build's builders
	for _, dir := range modCaches {
		write(t, filepath.Join(dir, "mods.internal", "greet@v1.0.0", *marker))
		write(t, filepath.Join(dir, *marker))
	}
	for _, dir := range buildCaches {
		write(t, filepath.Join(dir, *marker))
	}
}

func write(t *testing.T, file string) {
	err := os.MkdirAll(filepath.Dir(file), 0o755)
	if err == nil {
		err = os.WriteFile(file, []byte("written by the credprobe fixture's test\n"), 0o644)
	}
	if err != nil {
		t.Logf("refused: %s: %v", file, err)
	} else {
		t.Logf("wrote: %s", file)
	}
}

// TestNoGitMetadata fails when a .git is in the test's directory or above
// it: the check plants one whose config holds a token in the origin URL,
// as a CI checkout leaves it, and test code must not be able to read it.
func TestNoGitMetadata(t *testing.T) {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			t.Errorf("%s exists", filepath.Join(dir, ".git"))
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return
		}
		dir = parent
	}
}
