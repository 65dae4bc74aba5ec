package sbom

import (
	"slices"
	"testing"

	"dagger/go-build/internal/errtest"
)

func TestCPackagesFromDpkg(t *testing.T) {
	tests := []struct {
		name, out string
		want      []CPackage
		errWant   string
	}{
		{
			name: "packages",
			out:  "libc6\t2.41-12\tamd64\nlibc6-dev\t2.41-12\tamd64\n\ntzdata\t2025b-4\tall\nlibssl3t64\t1:3.5.1-1\tarm64\r\n",
			want: []CPackage{
				{ManagerDeb, "libc6", "2.41-12", "amd64"},
				{ManagerDeb, "libc6-dev", "2.41-12", "amd64"},
				{ManagerDeb, "tzdata", "2025b-4", "all"},
				{ManagerDeb, "libssl3t64", "1:3.5.1-1", "arm64"},
			},
		},
		{name: "empty", out: ""},
		{name: "two fields", out: "libc6\t2.41-12\tamd64\nzlib1g\t1:1.3\n", errWant: `dpkg-query line 2 "zlib1g\t1:1.3"`},
		{name: "four fields", out: "libc6\t2.41-12\tamd64\tinstalled\n", errWant: `line 1 "libc6\t2.41-12\tamd64\tinstalled"`},
		{name: "empty version", out: "libc6\t\tamd64\n", errWant: `line 1 "libc6\t\tamd64"`},
		{name: "spaces not tabs", out: "libc6 2.41-12 amd64\n", errWant: `line 1 "libc6 2.41-12 amd64"`},
		{name: "space in a field", out: "libc6\t2.41 12\tamd64\n", errWant: `line 1 "libc6\t2.41 12\tamd64"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CPackagesFromDpkg(tt.out)
			var sentinel error
			if tt.errWant != "" {
				sentinel = ErrBadPackageLine
			}
			errtest.Check(t, err, sentinel, tt.errWant)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestCPackagesFromApk(t *testing.T) {
	tests := []struct {
		name, out string
		want      []CPackage
		errWant   string
	}{
		{
			name: "apk list --installed",
			out: "musl-1.2.5-r10 x86_64 {musl} (MIT) [installed]\n" +
				"ca-certificates-bundle-20250619-r0 x86_64 {ca-certificates} (MPL-2.0 AND MIT) [installed]\n" +
				"py3-setuptools-80.9.0-r0 noarch {py3-setuptools} (MIT) [installed]\n",
			want: []CPackage{
				{ManagerApk, "musl", "1.2.5-r10", "x86_64"},
				{ManagerApk, "ca-certificates-bundle", "20250619-r0", "x86_64"},
				{ManagerApk, "py3-setuptools", "80.9.0-r0", "noarch"},
			},
		},
		{
			name: "apk info -v",
			out:  "musl-1.2.5-r10\n\nlibcrypto3-3.5.1-r0\n",
			want: []CPackage{{ManagerApk, "musl", "1.2.5-r10", ""}, {ManagerApk, "libcrypto3", "3.5.1-r0", ""}},
		},
		{name: "warning line", out: "WARNING: opening /etc/apk/cache: No such file\n", errWant: `apk line 1 "WARNING: opening /etc/apk/cache: No such file"`},
		{name: "no release", out: "musl-1.2.5\n", errWant: `line 1 "musl-1.2.5"`},
		{name: "no version", out: "musl-r10\n", errWant: `line 1 "musl-r10"`},
		{name: "no name", out: "-1.2.5-r0\n", errWant: `line 1 "-1.2.5-r0"`},
		{name: "version not a number", out: "foo-bar-r0 x86_64 {foo}\n", errWant: `line 1 "foo-bar-r0 x86_64 {foo}"`},
		{name: "not apk list form", out: "musl-1.2.5-r10 x86_64 MIT\n", errWant: `line 1 "musl-1.2.5-r10 x86_64 MIT"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CPackagesFromApk(tt.out)
			var sentinel error
			if tt.errWant != "" {
				sentinel = ErrBadPackageLine
			}
			errtest.Check(t, err, sentinel, tt.errWant)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// C packages parsed from both managers go into one valid document.
func TestCPackagesInDocument(t *testing.T) {
	deb, err := CPackagesFromDpkg("libc6\t1:2.41-12\tamd64\n")
	if err != nil {
		t.Fatal(err)
	}
	apk, err := CPackagesFromApk("musl-1.2.5-r10 x86_64 {musl} (MIT) [installed]\nzlib-1.3.1-r2\n")
	if err != nil {
		t.Fatal(err)
	}
	in := fixtureInput(t)
	in.Binaries[0].CPackages = append(deb, apk...)
	doc, _ := mustGenerate(t, in)
	bin := one(t, doc, "app")
	for name, purl := range map[string]string{
		"libc6": "pkg:deb/debian/libc6@1%3A2.41-12?arch=amd64",
		"musl":  "pkg:apk/alpine/musl@1.2.5-r10?arch=x86_64",
		"zlib":  "pkg:apk/alpine/zlib@1.3.1-r2",
	} {
		p := one(t, doc, name)
		if purlOf(p) != purl || p.PrimaryPackagePurpose != "LIBRARY" || !hasRel(doc, bin.SPDXID, "DEPENDS_ON", p.SPDXID) {
			t.Errorf("%s: purl %q, purpose %q, or no DEPENDS_ON from the binary", name, purlOf(p), p.PrimaryPackagePurpose)
		}
	}
}
