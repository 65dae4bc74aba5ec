package koconfig

import (
	"errors"
	"fmt"
	"time"

	"dagger/go-build/internal/usertmpl"
)

// ErrTemplate is wrapped by every error of a flags or ldflags template.
var ErrTemplate = errors.New("invalid ko template")

// Data is what ko's flags and ldflags templates see: {{.Env.X}},
// {{.GoEnv.GOOS}}, {{.Git.ShortCommit}}, {{.Git.Tag}}, {{.Date}},
// {{.Timestamp}} and the other Git fields, with ko's names and types.
type Data struct {
	// Env is the build's environment (the caller's, then the build's
	// env); LDFLAGS is "" unless set, as in ko.
	Env map[string]string
	// GoEnv is go env's output; a key also in Env takes Env's value.
	GoEnv map[string]string
	// Git is the repository's state.
	Git Git
	// Date is the build date. ko takes SOURCE_DATE_EPOCH or the clock;
	// go-build gives a fixed time (the commit's) so builds are reproducible.
	Date time.Time
}

// Git is the repository state a template sees as .Git.
type Git struct {
	Branch, Tag, ShortCommit, FullCommit string
	CommitDate                           time.Time
	Dirty                                bool
}

// value is d as ko hands it to text/template: maps with ko's keys and
// value types.
func (d Data) value() map[string]any {
	env := map[string]string{"LDFLAGS": ""}
	for k, v := range d.Env {
		env[k] = v
	}
	goEnv := map[string]string{}
	for k, v := range d.GoEnv {
		goEnv[k] = v
	}
	for k, v := range env {
		if _, ok := goEnv[k]; ok {
			goEnv[k] = v
		}
	}
	tree := "clean"
	if d.Git.Dirty {
		tree = "dirty"
	}
	return map[string]any{
		"Env":   env,
		"GoEnv": goEnv,
		"Git": map[string]any{
			"Branch":          d.Git.Branch,
			"Tag":             d.Git.Tag,
			"ShortCommit":     d.Git.ShortCommit,
			"FullCommit":      d.Git.FullCommit,
			"CommitDate":      d.Git.CommitDate.UTC().Format(time.RFC3339),
			"CommitTimestamp": d.Git.CommitDate.UTC().Unix(),
			"IsDirty":         d.Git.Dirty,
			"IsClean":         !d.Git.Dirty,
			"TreeState":       tree,
		},
		"Date":      d.Date.Format(time.RFC3339),
		"Timestamp": d.Date.UTC().Unix(),
	}
}

// Executor expands one template against data. It is the one place a
// template runs, so another bounded executor can take its place.
type Executor func(text string, data any) (string, error)

// Bounds of BoundedExecutor.
const (
	// MaxOutput is the most bytes one expanded template may hold, and
	// the longest template.
	MaxOutput = 64 << 10
	// MaxTime is the longest one template may run.
	MaxTime = 2 * time.Second
)

// koLang is what ko's templates may call: text/template's comparisons,
// lookups and printing, bounded (ko adds no functions of its own).
var koLang = usertmpl.Lang{Funcs: usertmpl.BoundedPrinting, LoopHint: "want fields such as {{.Env.VERSION}}"}

// BoundedExecutor runs a template as ko does (text/template, a missing map
// key is an error) with internal/usertmpl, go-build's one bounded
// executor: at most MaxOutput bytes out and MaxTime of running. The
// constructs that could run without end or allocate without bound before
// any output are refused when parsed: {{range}} (which ranges over numbers
// too), {{define}}, {{template}} and {{block}} (recursion), and printf
// widths, precisions or * past MaxOutput.
func BoundedExecutor(text string, data any) (string, error) {
	limits := usertmpl.Limits{MaxText: MaxOutput, MaxOutput: MaxOutput, Timeout: MaxTime}
	tmpl, err := usertmpl.Parse("ko", text, limits, koLang)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrTemplate, err)
	}
	out, err := tmpl.Execute(data)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrTemplate, err)
	}
	return out, nil
}
