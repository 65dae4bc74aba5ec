package gomodule

import (
	"errors"
	"reflect"
	"testing"
)

func TestParseMainPackages(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{name: "empty", in: "", want: nil},
		{name: "only blank lines from libraries", in: "\n\n\n", want: nil},
		{name: "one", in: "github.com/coredns/coredns\n", want: []string{"github.com/coredns/coredns"}},
		{
			name: "mixed, order kept",
			in:   "\ngithub.com/x/y/cmd/b\n\n  github.com/x/y/cmd/a  \r\n\ngithub.com/x/y\n",
			want: []string{"github.com/x/y/cmd/b", "github.com/x/y/cmd/a", "github.com/x/y"},
		},
		{name: "no trailing newline", in: "a/b\nc/d", want: []string{"a/b", "c/d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseMainPackages(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParseMainPackages(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNoMainPackageError(t *testing.T) {
	err := NoMainPackageError("github.com/x/lib@v1.0.0")
	want := "invalid module: github.com/x/lib@v1.0.0 has no main package to build"
	if !errors.Is(err, ErrInvalidModule) || err.Error() != want {
		t.Fatalf("NoMainPackageError() = %v, want ErrInvalidModule %q", err, want)
	}
}
