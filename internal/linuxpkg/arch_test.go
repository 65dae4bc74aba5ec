package linuxpkg

import (
	"dagger/go-build/internal/golden"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/goreleaser/nfpm/v2"

	"dagger/go-build/internal/platform"
)

// linuxTargets are every Linux platform go-build builds.
func linuxTargets() []platform.Target {
	var out []platform.Target
	for _, s := range platform.Supported() {
		if t := platform.MustParse(s); t.IsLinux() {
			out = append(out, t)
		}
	}
	return out
}

// TestArchTable writes every Linux platform's architecture field in each
// format to a golden file, so a change to the tables shows as a diff.
func TestArchTable(t *testing.T) {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "platform\tdeb\trpm\tapk")
	for _, target := range linuxTargets() {
		row := []string{target.String()}
		for _, f := range Formats {
			arch, err := Arch(f, target)
			if err != nil {
				if !errors.Is(err, ErrArch) {
					t.Errorf("Arch(%s, %s): %v does not wrap ErrArch", f, target, err)
				}
				arch = "-"
			}
			if v := ArchVariant(f, target); v != "" {
				arch += " (Architecture-Variant " + v + ")"
			}
			row = append(row, arch)
		}
		fmt.Fprintln(w, strings.Join(row, "\t"))
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "arches.txt"), []byte(b.String()))
}

// TestArchMatchesNFPM checks every table entry against nFPM's own
// mapping: nFPM is given what GoReleaser gives it (GOARCH, GOARM and GOMIPS
// run together, no per-format architecture) and its conventional file
// name, which carries the architecture it would write, must name the
// table's. A platform apk has no port for would get its Go name from nFPM.
func TestArchMatchesNFPM(t *testing.T) {
	for _, target := range linuxTargets() {
		goreleaserArch := target.GOARCH + target.GOARM + target.GOMIPS + target.GOMIPS64
		for _, f := range Formats {
			packager, err := nfpm.Get(string(f))
			if err != nil {
				t.Fatal(err)
			}
			info := nfpm.WithDefaults(&nfpm.Info{Name: "app", Version: "1.2.3", Arch: goreleaserArch})
			name := packager.ConventionalFileName(info)
			arch, err := Arch(f, target)
			if err != nil {
				if f != APK {
					t.Errorf("%s %s: %v", f, target, err)
				}
				if !strings.Contains(name, target.GOARCH) {
					t.Errorf("apk %s: nFPM names it %s; the table leaves it out because nFPM passes the Go name through", target, name)
				}
				continue
			}
			var want string
			switch f {
			case Deb:
				want = "app_1.2.3_" + arch + ".deb"
			case RPM:
				want = "app-1.2.3-1." + arch + ".rpm"
			case APK:
				want = "app_1.2.3_" + arch + ".apk"
			}
			if name != want {
				t.Errorf("%s %s: nFPM's conventional name is %s, the table's architecture %s gives %s", f, target, name, arch, want)
			}
		}
	}
}

// TestArchErrors checks the errors name the platform and what is accepted.
func TestArchErrors(t *testing.T) {
	for _, c := range []struct {
		f      Format
		target string
		want   []string
	}{
		{APK, "linux/arm/v5", []string{"linux/arm/v5", "Alpine", "linux/arm/v7", "linux/amd64"}},
		{APK, "linux/mips64le", []string{"linux/mips64le", "apk packages are made for"}},
		{Deb, "darwin/arm64", []string{"darwin/arm64", "not Linux"}},
		{"msi", "linux/amd64", []string{`"msi"`, "deb, rpm, apk"}},
	} {
		_, err := Arch(c.f, platform.MustParse(c.target))
		if err == nil {
			t.Errorf("Arch(%s, %s) passed", c.f, c.target)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Arch(%s, %s) = %v: does not name %q", c.f, c.target, err, w)
			}
		}
	}
}

func TestArchKeysAreGoArches(t *testing.T) {
	known := map[string]bool{}
	for _, target := range linuxTargets() {
		known[archKey(target)] = true
	}
	for _, k := range archKeys() {
		if !known[k] {
			t.Errorf("table key %q is no Linux platform's", k)
		}
	}
}

func TestParseFormats(t *testing.T) {
	for _, c := range []struct {
		in      []string
		want    string
		wantErr string
	}{
		{[]string{"deb,rpm,apk"}, "deb rpm apk", ""},
		{[]string{"APK", "deb"}, "deb apk", ""},
		{[]string{"rpm", "rpm,"}, "rpm", ""},
		{nil, "", ""},
		{[]string{"deb,msi", "zip"}, "", `"msi"`},
	} {
		got, err := ParseFormats(c.in)
		if c.wantErr != "" {
			if err == nil || !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), c.wantErr) || !strings.Contains(err.Error(), `"zip"`) {
				t.Errorf("ParseFormats(%q) = %v, want an ErrFormat naming %s and zip", c.in, err, c.wantErr)
			}
			continue
		}
		var s []string
		for _, f := range got {
			s = append(s, string(f))
		}
		if err != nil || strings.Join(s, " ") != c.want {
			t.Errorf("ParseFormats(%q) = %v, %v, want %s", c.in, s, err, c.want)
		}
	}
}
