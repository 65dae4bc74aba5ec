package gotest

import (
	"slices"
	"strings"
	"testing"

	"dagger/go-build/internal/errtest"
)

func TestListCommand(t *testing.T) {
	tests := []struct {
		opts Options
		want string
	}{
		{Options{}, "go list -f " + listFormat + " ./..."},
		{Options{Packages: []string{"./a", "./b/..."}, Tags: []string{"x", "y"}}, "go list -tags x,y -f " + listFormat + " ./a ./b/..."},
	}
	for _, tt := range tests {
		if got := strings.Join(tt.opts.ListCommand(), " "); got != tt.want {
			t.Errorf("ListCommand() = %q, want %q", got, tt.want)
		}
	}
}

func TestParseList(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		output  string
		want    []Package
		wantErr string
	}{
		{
			name: "root, nested, without tests, xtest only",
			output: "example.com/m\t1\t0\t/src\n" +
				"example.com/m/a/b\t2\t0\t/src/a/b\n" +
				"example.com/m/none\t0\t0\t/src/none\n" +
				"example.com/m/x\t0\t1\t/src/x\n",
			want: []Package{
				{"example.com/m", ".", true},
				{"example.com/m/a/b", "a/b", true},
				{"example.com/m/none", "none", false},
				{"example.com/m/x", "x", true},
			},
		},
		{name: "CRLF and blank lines", output: "\r\nexample.com/m\t1\t0\t/src\r\n\n", want: []Package{{"example.com/m", ".", true}}},
		{name: "directory with a tab", output: "example.com/m/t\t1\t0\t/src/a\tb\n", want: []Package{{"example.com/m/t", "a\tb", true}}},
		{name: "no match names the default pattern", output: "", wantErr: "patterns ./... matched no packages"},
		{name: "no match names the patterns", opts: Options{Packages: []string{"./linuxonly/...", "./x"}}, output: "\n", wantErr: "patterns ./linuxonly/... ./x matched no packages"},
		{name: "standard library package", output: "fmt\t0\t5\t/usr/local/go/src/fmt\n", wantErr: "package fmt is in /usr/local/go/src/fmt, outside the module root /src"},
		{name: "sibling directory", output: "example.com/other\t1\t0\t/src2\n", wantErr: "outside the module root"},
		{name: "too few fields", output: "example.com/m\t1\n", wantErr: `line 1 "example.com/m\t1"`},
		{name: "counts not numbers", output: "example.com/m\tx\t0\t/src\n", wantErr: "counts are not numbers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.opts.ParseList(tt.output, "/src")
			sentinel := ErrList
			if strings.Contains(tt.wantErr, "matched no packages") {
				sentinel = ErrNoPackages
			}
			errtest.Check(t, err, sentinel, tt.wantErr)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("ParseList() = %+v, want %+v", got, tt.want)
			}
		})
	}
}
