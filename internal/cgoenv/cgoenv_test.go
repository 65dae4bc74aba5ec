package cgoenv

import (
	"errors"
	"strings"
	"testing"

	"dagger/go-build/internal/platform"
)

func TestParseBuilder(t *testing.T) {
	tests := []struct {
		out     string
		want    Builder
		wantErr string
	}{
		{out: "debian bookworm\n", want: Builder{Distro: Debian, Suite: "bookworm"}},
		{out: "debian \n", want: Builder{Distro: Debian}},
		{out: "alpine 3.22.1", want: Builder{Distro: Alpine, Suite: "3.22.1"}},
		{out: "unknown almalinux", wantErr: `neither apt-get nor apk (found "unknown almalinux")`},
		{out: "", wantErr: "could not tell"},
	}
	for _, tt := range tests {
		got, err := ParseBuilder(tt.out)
		if tt.wantErr != "" {
			if err == nil || !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseBuilder(%q) = %v, want error with %q", tt.out, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseBuilder(%q) = %+v, %v; want %+v", tt.out, got, err, tt.want)
		}
	}
}

func TestCheck(t *testing.T) {
	bookworm := Builder{Distro: Debian, Suite: "bookworm"}
	trixie := Builder{Distro: Debian, Suite: "trixie"}
	alpine := Builder{Distro: Alpine, Suite: "3.22"}
	tests := []struct {
		builder Builder
		target  string
		wantErr string
	}{
		{bookworm, "arm64", ""},
		{bookworm, "armv6", ""},
		{bookworm, "s390x", ""},
		{bookworm, "riscv64", "Debian bookworm has no riscv64 port"},
		{trixie, "riscv64", ""},
		{Builder{Distro: Debian}, "riscv64", ""}, // unknown suite: apt decides
		{bookworm, "windows/amd64", "pure Go only"},
		{alpine, "armv7", ""},
		{alpine, "armv5", "Alpine has no port"},
		{Builder{Distro: "nix"}, "arm64", `unknown builder distribution "nix"`},
	}
	for _, tt := range tests {
		err := tt.builder.Check(platform.MustParse(tt.target))
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("%+v.Check(%s) = %v", tt.builder, tt.target, err)
			}
			continue
		}
		if err == nil || !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%+v.Check(%s) = %v, want %q", tt.builder, tt.target, err, tt.wantErr)
		}
	}
}

func TestSetupScript(t *testing.T) {
	debian := Builder{Distro: Debian, Suite: "bookworm"}
	tests := []struct {
		builder Builder
		target  string
		extra   []string
		want    []string
		not     []string
	}{
		{
			builder: debian, target: "arm64", extra: []string{"zlib1g-dev"},
			want: []string{"dpkg --add-architecture arm64", `compilers="clang"`, "$compilers pkg-config", "libc6-dev:arm64", `"libgcc-${gccmajor}-dev":arm64`, "--no-install-recommends -- $compilers pkg-config libc6-dev:arm64", "'zlib1g-dev:arm64'", "gcc -dumpversion"},
			not:  []string{"binutils-"},
		},
		{builder: debian, target: "armv7", want: []string{"dpkg --add-architecture armhf", "libc6-dev:armhf"}},
		{builder: debian, target: "armv6", want: []string{"dpkg --add-architecture armel", "libc6-dev:armel"}},
		{builder: debian, target: "ppc64le", want: []string{"libc6-dev:ppc64el"}},
		{builder: debian, target: "s390x", want: []string{"binutils-s390x-linux-gnu", "libc6-dev:s390x"}},
		{
			builder: Builder{Distro: Alpine}, target: "armv7", extra: []string{"sqlite-dev"},
			want: []string{"apk add --no-cache clang lld pkgconf", "--root /sysroot/armv7 --arch armv7", "--keys-dir /usr/share/apk/keys/armv7", "musl-dev gcc 'sqlite-dev'"},
		},
	}
	for _, tt := range tests {
		script, err := tt.builder.SetupScript(platform.MustParse(tt.target), tt.extra)
		if err != nil {
			t.Fatalf("SetupScript(%s): %v", tt.target, err)
		}
		for _, w := range tt.want {
			if !strings.Contains(script, w) {
				t.Errorf("SetupScript(%s) lacks %q:\n%s", tt.target, w, script)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(script, n) {
				t.Errorf("SetupScript(%s) has %q:\n%s", tt.target, n, script)
			}
		}
	}
	if _, err := debian.SetupScript(platform.MustParse("riscv64"), nil); err == nil {
		t.Error("SetupScript for a port bookworm lacks succeeded")
	}
}

func TestEnv(t *testing.T) {
	env := func(b Builder, target string) map[string]string {
		m := map[string]string{}
		for _, kv := range b.Env(platform.MustParse(target)) {
			m[kv[0]] = kv[1]
		}
		return m
	}
	arm64 := env(Builder{Distro: Debian}, "arm64")
	for k, v := range map[string]string{
		"CGO_ENABLED":       "1",
		"CC":                "clang --target=aarch64-linux-gnu",
		"CXX":               "clang++ --target=aarch64-linux-gnu",
		"CGO_LDFLAGS":       "-fuse-ld=lld",
		"PKG_CONFIG_LIBDIR": "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig",
	} {
		if arm64[k] != v {
			t.Errorf("arm64 %s = %q, want %q", k, arm64[k], v)
		}
	}
	// lld cannot link s390x: no -fuse-ld, clang runs s390x-linux-gnu-ld.
	if s390x := env(Builder{Distro: Debian}, "s390x"); s390x["CGO_LDFLAGS"] != "" {
		t.Errorf("s390x CGO_LDFLAGS = %q, want none", s390x["CGO_LDFLAGS"])
	}
	if v5 := env(Builder{Distro: Debian}, "armv5"); v5["CGO_LDFLAGS"] != "-fuse-ld=lld -latomic" {
		t.Errorf("armv5 CGO_LDFLAGS = %q, want lld and libatomic", v5["CGO_LDFLAGS"])
	}
	if mips := env(Builder{Distro: Debian}, "mips64le"); mips["CGO_LDFLAGS"] != "" {
		t.Errorf("mips64le CGO_LDFLAGS = %q, want none (GNU ld)", mips["CGO_LDFLAGS"])
	}
	alpine := env(Builder{Distro: Alpine}, "armv7")
	if want := "clang --target=armv7-alpine-linux-musleabihf --sysroot=/sysroot/armv7"; alpine["CC"] != want {
		t.Errorf("alpine CC = %q, want %q", alpine["CC"], want)
	}
	if alpine["PKG_CONFIG_SYSROOT_DIR"] != "/sysroot/armv7" {
		t.Errorf("alpine PKG_CONFIG_SYSROOT_DIR = %q", alpine["PKG_CONFIG_SYSROOT_DIR"])
	}
}

func TestNativeSetupScript(t *testing.T) {
	if s := (Builder{Distro: Debian}).NativeSetupScript([]string{"zlib1g-dev"}); !strings.Contains(s, "pkg_run apt-get install -y -q --no-install-recommends -- gcc libc6-dev pkg-config 'zlib1g-dev'\n") {
		t.Errorf("debian native setup:\n%s", s)
	}
	if s := (Builder{Distro: Alpine}).NativeSetupScript(nil); !strings.Contains(s, "pkg_run apk add --no-cache gcc musl-dev pkgconf\n") {
		t.Errorf("alpine native setup:\n%s", s)
	}
}
