package debugdata

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestFind builds a program with the local go for each format, with and
// without -s -w, and checks what Find lists.
func TestFind(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	src := t.TempDir()
	for name, body := range map[string]string{
		"go.mod":  "module example.com/hello\n\ngo 1.21\n",
		"main.go": "package main\n\nfunc main() { println(\"hello\") }\n",
	} {
		if err := os.WriteFile(filepath.Join(src, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		goos, goarch string
		ldflags      string
		want         []string // pieces of what Find lists; none: stripped
	}{
		{"linux", "amd64", "", []string{"DWARF section .debug_info", "symbol table .symtab"}},
		{"linux", "amd64", "-s -w", nil},
		{"linux", "arm64", "-w", []string{"symbol table .symtab"}},
		{"windows", "amd64", "", []string{"DWARF section .zdebug_info", "COFF symbol table"}},
		{"windows", "amd64", "-s -w", nil},
		{"darwin", "arm64", "", []string{"segment __DWARF", "DWARF section __zdebug_info", "LC_SYMTAB with"}},
		{"darwin", "arm64", "-s -w", nil},
	}
	for _, tt := range tests {
		t.Run(tt.goos+"/"+tt.goarch+" "+tt.ldflags, func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(t.TempDir(), "bin")
			cmd := exec.Command("go", "build", "-trimpath", "-ldflags="+tt.ldflags, "-o", out, ".")
			cmd.Dir = src
			cmd.Env = append(os.Environ(), "GOOS="+tt.goos, "GOARCH="+tt.goarch, "CGO_ENABLED=0", "GOFLAGS=", "GOWORK=off")
			if msg, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("go build: %v\n%s", err, msg)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			found, err := Find(data)
			if err != nil {
				t.Fatal(err)
			}
			list := strings.Join(found, "; ")
			if len(tt.want) == 0 && len(found) > 0 {
				t.Errorf("Find = %s, want nothing", list)
			}
			for _, w := range tt.want {
				if !strings.Contains(list, w) {
					t.Errorf("Find = %s, want %q in it", list, w)
				}
			}
		})
	}
}

func TestFindNotExecutable(t *testing.T) {
	if _, err := Find([]byte("#!/bin/sh\n")); !errors.Is(err, ErrNotExecutable) {
		t.Errorf("Find(script) = %v, want ErrNotExecutable", err)
	}
}
