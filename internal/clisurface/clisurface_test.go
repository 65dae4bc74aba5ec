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
