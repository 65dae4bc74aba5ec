package clisurface

import (
	"errors"
	"strings"
	"testing"
)

func TestKebab(t *testing.T) {
	for in, want := range map[string]string{
		"workdir":         "workdir",
		"goDownloadUrl":   "go-download-url",
		"goDownloadURL":   "go-download-url",
		"LLMVersion":      "llm-version",
		"registryService": "registry-service",
		"sourceDateEpoch": "source-date-epoch",
		"jsonOutput":      "json-output",
		"with_underscore": "with-underscore",
	} {
		if got := Kebab(in); got != want {
			t.Errorf("Kebab(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSummary(t *testing.T) {
	tests := []struct {
		doc  string
		want bool
	}{
		{"Build compiles the binaries for one platform.\nMore text.", true},
		{"Build compiles the binaries for one platform and returns\nthem, stripped.", false},
		{"", false},
		{"lower case start.", false},
		{"A sentence that goes on and on and on, far longer than any one-line listing in dagger functions could show.", false},
	}
	for _, tt := range tests {
		if _, ok := Summary(tt.doc); ok != tt.want {
			t.Errorf("Summary(%q) ok = %v, want %v", tt.doc, ok, tt.want)
		}
	}
}

func TestCheckFindsEveryProblem(t *testing.T) {
	funcs, err := Load("testdata/clash")
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, f := range funcs {
		labels = append(labels, f.Label())
	}
	if got := strings.Join(labels, ","); got != "New,Thing.Fine,Thing.WithRuntime" {
		t.Fatalf("loaded %s, want New, Thing.Fine and Thing.WithRuntime (not the unexported helper)", got)
	}
	err = Check(funcs)
	if !errors.Is(err, ErrSurface) {
		t.Fatalf("Check = %v, want an error wrapping ErrSurface", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"New (", "argument output becomes --output",
		"Thing.WithRuntime (", "argument workdir becomes --workdir",
		`first doc line "WithRuntime sets the runtime, for one platform and returns"`,
		"argument jsonOutput (--json-output) has no doc comment",
		"argument goDownloadUrl (--go-download-url) has no doc comment",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("Check's error lacks %q:\n%s", want, msg)
		}
	}
	for _, unwanted := range []string{"Thing.Fine", "helper", "argument workdir (--workdir) has no doc"} {
		if strings.Contains(msg, unwanted) {
			t.Errorf("Check's error mentions %q, which is fine:\n%s", unwanted, msg)
		}
	}
}

func TestCheckPassesACleanModule(t *testing.T) {
	funcs, err := Load("testdata/clash")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range funcs {
		if f.Label() == "Thing.Fine" {
			if err := Check([]Function{f}); err != nil {
				t.Fatalf("Check(Fine) = %v, want nil", err)
			}
			return
		}
	}
	t.Fatal("Thing.Fine not loaded")
}

func TestCheckRoot(t *testing.T) {
	funcs := []Function{
		{Object: "Thing", Name: "ModuleSource"},
		{Object: "Thing", Name: "Pipeline"},
		{Object: "Thing", Name: "LoadContainerFromID"},
		{Object: "Thing", Name: "Build"},
		{Object: "Thing", Name: "PipelineBaseline"},
		{Object: "Other", Name: "Container"},
	}
	err := CheckRoot(funcs, "Thing")
	if !errors.Is(err, ErrSurface) {
		t.Fatalf("err = %v, want ErrSurface", err)
	}
	msg := err.Error()
	for _, want := range []string{"Thing.ModuleSource", "moduleSource", "Thing.Pipeline (", "Thing.LoadContainerFromID"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not name %s: %s", want, msg)
		}
	}
	for _, not := range []string{"Build", "PipelineBaseline", "Other.Container"} {
		if strings.Contains(msg, not) {
			t.Errorf("error names %s, which hides nothing: %s", not, msg)
		}
	}
	if err := CheckRoot(funcs[3:], "Thing"); err != nil {
		t.Errorf("CheckRoot = %v, want nil", err)
	}
}

func TestParsePragmas(t *testing.T) {
	for doc, want := range map[string]Pragmas{
		"Text.\n+optional\n":                      {Optional: true},
		"Text.\n+default=\"x\"\n":                 {Default: `"x"`, HasDefault: true},
		"Text.\n  +optional\n  +default=true\n":   {Optional: true, Default: "true", HasDefault: true},
		"Mentions +optional inside a sentence.\n": {},
	} {
		if got := ParsePragmas(doc); got != want {
			t.Errorf("ParsePragmas(%q) = %+v, want %+v", doc, got, want)
		}
	}
}

func TestCheckHelpDocs(t *testing.T) {
	funcs, err := Load("testdata/helpdoc")
	if err != nil {
		t.Fatal(err)
	}
	err = CheckHelpDocs(funcs)
	if !errors.Is(err, ErrHelpDoc) || !errors.Is(err, ErrSurface) {
		t.Fatalf("CheckHelpDocs = %v, want an error wrapping ErrHelpDoc and ErrSurface", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"argument arch (--arch): it is +optional with no +default=",
		`argument arch (--arch): its doc names a format ("platform") but gives no example`,
		"argument tags (--tags): it is +optional with no +default=",
		"argument password (--password): it is +optional with no +default=",
		`argument version (--version): its doc names a format ("Version") but gives no example`,
		`argument env (--env): its doc names a format ("=value") but gives no example`,
		"argument listed (--listed): its +default= is a list, which --help does not show",
		"argument quoted (--quoted): its doc has a backquote",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("CheckHelpDocs' error lacks %q:\n%s", want, msg)
		}
	}
	// Fine: a +default dagger shows, a bool, a default said in words, an
	// example after e.g. or such as, a secret with no format.
	for _, fine := range []string{"--platforms", "--cgo", "--count", "--base", "--image", "--out",
		"argument env (--env): it is +optional", "argument password (--password): its doc names"} {
		if strings.Contains(msg, fine) {
			t.Errorf("CheckHelpDocs' error mentions %q, which is fine:\n%s", fine, msg)
		}
	}
	if n := strings.Count(msg, "\n") + 1; n != 8 {
		t.Errorf("CheckHelpDocs found %d problems, want 8:\n%s", n, msg)
	}
}
