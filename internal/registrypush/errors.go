package registrypush

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Error is a push that failed: at which registry and repository, doing
// what, with which answer, after how many tries. It holds no secret: the
// request is named by its method and path, without its query.
type Error struct {
	// Ref is the reference being pushed, as given.
	Ref string
	// Registry is the reference's registry host.
	Registry string
	// Endpoint is where the push connected instead of Registry, if not
	// there.
	Endpoint string
	// Repository is the repository within the registry.
	Repository string
	// Operation is what failed, e.g. "uploading blob sha256:…" or
	// "writing tag 1.0.0".
	Operation string
	// Request is the failed request's method and path, when known.
	Request string
	// Status is the registry's HTTP status; 0 when no answer came.
	Status int
	// Tries is how many times the operation was tried.
	Tries int
	// Err is the last try's error.
	Err error
	// Moved lists the tags already written before this one failed.
	Moved []string
	// refused puts a refused login in words.
	refused string
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v: %s: %s in repository %s at registry %s", ErrPush, e.Ref, e.Operation, e.Repository, e.Registry)
	if e.Endpoint != "" && e.Endpoint != e.Registry {
		fmt.Fprintf(&b, " (reached at %s)", e.Endpoint)
	}
	b.WriteString(": ")
	if e.Request != "" {
		b.WriteString(e.Request + ": ")
	}
	switch {
	case e.refused != "":
		b.WriteString(e.refused)
	case e.Status != 0:
		b.WriteString(answer(e.Status, e.Err))
	default:
		b.WriteString(cause(e.Err))
	}
	if e.Tries == 1 {
		b.WriteString(", after 1 try")
	} else {
		fmt.Fprintf(&b, ", after %d tries", e.Tries)
	}
	if len(e.Moved) > 0 {
		fmt.Fprintf(&b, "; tags already moved: %s", strings.Join(e.Moved, ", "))
	}
	return b.String()
}

func (e *Error) Unwrap() []error { return []error{ErrPush, e.Err} }

// describe fills Request and Status from the last try's error. An
// operation cut by its deadline is named by the request its last try made,
// with no status: the deadline is what ended it.
func (e *Error) describe() {
	var oerr *operationDeadlineError
	var terr *transport.Error
	var serr *stallError
	var derr *deadlineError
	var uerr *url.Error
	switch {
	case errors.As(e.Err, &oerr):
		last := &Error{Err: oerr.last}
		last.describe()
		e.Request = last.Request
	case errors.As(e.Err, &terr):
		e.Status = terr.StatusCode
		if terr.Request != nil {
			e.Request = terr.Request.Method + " " + terr.Request.URL.Path
		}
	case errors.As(e.Err, &serr):
		e.Request = serr.method + " " + serr.path
	case errors.As(e.Err, &derr):
		e.Request = derr.method + " " + derr.path
	case errors.As(e.Err, &uerr):
		e.Request = strings.ToUpper(uerr.Op)
		if u, err := url.Parse(uerr.URL); err == nil {
			e.Request += " " + u.Path
		}
	}
}

// answer is a registry's answer in words: its status, its error codes and
// messages, and whether its body was cut at MaxErrorBody.
func answer(status int, err error) string {
	s := fmt.Sprintf("%d %s", status, http.StatusText(status))
	if d := diagnostics(err); d != "" {
		s += " (" + d + ")"
	}
	var terr *transport.Error
	if errors.As(err, &terr) && bodyCut(terr.Request) {
		s += fmt.Sprintf(" (its body cut at %d KiB, unread beyond)", MaxErrorBody>>10)
	}
	return s
}

// outcome is what a request's error says: the registry's answer, or what
// went wrong when none came.
func outcome(err error) string {
	var terr *transport.Error
	if errors.As(err, &terr) && terr.StatusCode != 0 {
		return answer(terr.StatusCode, err)
	}
	return cause(err)
}

// diagnostics is the registry's error codes and messages, as the
// distribution spec structures them.
func diagnostics(err error) string {
	var terr *transport.Error
	if !errors.As(err, &terr) {
		return ""
	}
	var ds []string
	for _, d := range terr.Errors {
		ds = append(ds, strings.TrimSuffix(fmt.Sprintf("%s: %s", d.Code, d.Message), ": "))
	}
	return strings.Join(ds, "; ")
}

// cause is what went wrong when no answer came: the connection's error
// without the request's URL, which the message names already.
func cause(err error) string {
	var oerr *operationDeadlineError
	if errors.As(err, &oerr) {
		s := fmt.Sprintf("%v of %s, its tries and the waits between them included", ErrOperationDeadline, oerr.limit)
		if !errors.Is(oerr.last, context.DeadlineExceeded) && !errors.Is(oerr.last, context.Canceled) {
			// The deadline passed while it waited to try again.
			s += " (its last try: " + outcome(oerr.last) + ")"
		}
		return s
	}
	var serr *stallError
	if errors.As(err, &serr) {
		return fmt.Sprintf("%v for %s, cut", ErrStalled, serr.idle)
	}
	var derr *deadlineError
	if errors.As(err, &derr) {
		return fmt.Sprintf("%v of %s, cut", ErrRequestDeadline, derr.limit)
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err.Error()
	}
	return err.Error()
}
