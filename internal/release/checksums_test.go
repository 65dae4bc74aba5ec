package release

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"dagger/go-build/internal/errtest"
)

const (
	// sha256 of "" and of "abc" (FIPS 180-2 test vector).
	emptySum = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	abcSum   = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
)

func TestSums(t *testing.T) {
	if got := SumBytes("a.zip", []byte("abc")); got != (Sum{"a.zip", abcSum}) {
		t.Errorf("SumBytes = %+v", got)
	}
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := SumFile("a.zip", p)
	if err != nil || got != (Sum{"a.zip", abcSum}) {
		t.Errorf("SumFile = %+v, %v", got, err)
	}
	if _, err := SumFile("a.zip", p+"-missing"); err == nil {
		t.Error("SumFile of a missing file did not fail")
	}
}

func TestChecksums(t *testing.T) {
	tests := []struct {
		name string
		sums []Sum
		want string
		err  string
	}{
		{
			name: "sorted by name, two spaces, trailing newline",
			sums: []Sum{{"yq_1.0.0_windows_amd64.zip", abcSum}, {"yq_1.0.0_linux_amd64.tar.gz", emptySum}, {"yq_1.0.0_linux_amd64.sbom.spdx.json", abcSum}},
			want: abcSum + "  yq_1.0.0_linux_amd64.sbom.spdx.json\n" +
				emptySum + "  yq_1.0.0_linux_amd64.tar.gz\n" +
				abcSum + "  yq_1.0.0_windows_amd64.zip\n",
		},
		{name: "none", err: "no files to list"},
		{name: "twice", sums: []Sum{{"a.zip", abcSum}, {"a.zip", emptySum}}, err: `"a.zip" is listed twice`},
		{name: "upper-case hex", sums: []Sum{{"a.zip", strings.ToUpper(abcSum)}}, err: `SHA-256 of "a.zip" is "BA7816`},
		{name: "short digest", sums: []Sum{{"a.zip", "abc"}}, err: `is "abc": want 64 lower-case hex digits`},
		{name: "name with newline", sums: []Sum{{"a\nb", abcSum}}, err: "control character U+000A"},
		{name: "name with directory", sums: []Sum{{"dist/a.zip", abcSum}}, err: `"dist/a.zip" has '/'`},
		{name: "empty name", sums: []Sum{{"", abcSum}}, err: "checksummed file is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Checksums(tt.sums)
			errtest.Check(t, err, ErrChecksums, tt.err)
			if got != tt.want {
				t.Errorf("Checksums = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseChecksums(t *testing.T) {
	tests := []struct {
		name string
		text string
		want map[string]string
		err  string
	}{
		{
			name: "GoReleaser's format",
			text: emptySum + "  a.tar.gz\n" + abcSum + "  b.zip\n",
			want: map[string]string{"a.tar.gz": emptySum, "b.zip": abcSum},
		},
		{name: "empty", text: "", err: "empty checksums file"},
		{name: "no final newline", text: abcSum + "  b.zip", err: "does not end in a newline"},
		{name: "one space", text: abcSum + " b.zip\n", err: `line 1 "` + abcSum + ` b.zip": want "<sha256 hex>  <file name>"`},
		{name: "binary marker", text: abcSum + " *b.zip\n", err: "line 1"},
		{name: "blank line", text: abcSum + "  b.zip\n\n", err: `line 2 "": want`},
		{name: "CRLF", text: abcSum + "  b.zip\r\n", err: "line 1: invalid checksums: unsafe file name: checksummed file \"b.zip\\r\" has control character U+000D"},
		{name: "bad digest", text: "xyz  b.zip\n", err: `line 1: invalid checksums: SHA-256 of "b.zip" is "xyz"`},
		{name: "unsorted", text: abcSum + "  b.zip\n" + emptySum + "  a.zip\n", err: `line 2: "a.zip" comes after "b.zip": want names sorted`},
		{name: "twice", text: abcSum + "  b.zip\n" + emptySum + "  b.zip\n", err: `line 2: "b.zip" is listed twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseChecksums(tt.text)
			errtest.Check(t, err, ErrChecksums, tt.err)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseChecksums = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestChecksumsRoundTrip(t *testing.T) {
	sums := []Sum{SumBytes("c.zip", []byte("c")), SumBytes("a.tar.gz", []byte("a")), SumBytes("b.sbom.spdx.json", nil)}
	text, err := Checksums(sums)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseChecksums(text)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, s := range sums {
		want[s.Name] = s.SHA256
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip = %v, want %v", got, want)
	}
}

// TestRelease plans a release, writes its archives and checksums file from
// binaries on disk, and verifies it the way a download script would.
func TestRelease(t *testing.T) {
	src, bins, dist := t.TempDir(), t.TempDir(), t.TempDir()
	for _, name := range []string{"LICENSE", "README.md", "main.go", "go.mod"} {
		if err := os.WriteFile(filepath.Join(src, name), []byte(name+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	docs := DefaultFiles([]string{"LICENSE", "README.md", "main.go", "go.mod"})
	project, err := ProjectName("github.com/example/app/v2")
	if err != nil {
		t.Fatal(err)
	}
	version, err := FromDescribe("v2.1.0", "")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := NewPlan(Options{ProjectName: project, Version: version.Name},
		targets(t, "linux/amd64", "linux/arm/v7", "windows/amd64"))
	if err != nil {
		t.Fatal(err)
	}
	var sums []Sum
	for _, o := range plan.Outputs {
		bin := filepath.Join(bins, filepath.FromSlash(o.BinaryPath))
		if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(bin, []byte("binary for "+o.Target.String()), 0o755); err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(filepath.Join(dist, o.Archive))
		if err != nil {
			t.Fatal(err)
		}
		err = WriteArchive(out, o.Format, ArchiveFiles(o.Executable, bin, src, docs), testMTime)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
		s, err := SumFile(o.Archive, filepath.Join(dist, o.Archive))
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, s)
	}
	text, err := Checksums(sums)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dist, plan.Checksums), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}

	entries, err := os.ReadDir(dist)
	if err != nil {
		t.Fatal(err)
	}
	var written []string
	for _, e := range entries {
		written = append(written, e.Name())
	}
	wantUploads := []string{"app_2.1.0_checksums.txt", "app_2.1.0_linux_amd64.tar.gz", "app_2.1.0_linux_armv7.tar.gz", "app_2.1.0_windows_amd64.zip"}
	if !reflect.DeepEqual(written, wantUploads) || !reflect.DeepEqual(plan.Uploads(), wantUploads) {
		t.Errorf("wrote %q, planned %q, want %q", written, plan.Uploads(), wantUploads)
	}
	text2, err := os.ReadFile(filepath.Join(dist, plan.Checksums))
	if err != nil {
		t.Fatal(err)
	}
	listed, err := ParseChecksums(string(text2))
	if err != nil {
		t.Fatal(err)
	}
	if len(listed) != len(plan.Checksummed()) {
		t.Errorf("checksums list %d files, want %d", len(listed), len(plan.Checksummed()))
	}
	for _, name := range plan.Checksummed() {
		s, err := SumFile(name, filepath.Join(dist, name))
		if err != nil {
			t.Fatal(err)
		}
		if listed[name] != s.SHA256 {
			t.Errorf("%s: checksum %q, file has %q", name, listed[name], s.SHA256)
		}
	}
}
