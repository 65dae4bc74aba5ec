package registrypush

import (
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
		fmt.Fprintf(&b, "%d %s", e.Status, http.StatusText(e.Status))
		if d := diagnostics(e.Err); d != "" {
			b.WriteString(" (" + d + ")")
		}
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

// describe fills Request and Status from the last try's error.
func (e *Error) describe() {
	var terr *transport.Error
	var serr *stallError
	var uerr *url.Error
	switch {
	case errors.As(e.Err, &terr):
		e.Status = terr.StatusCode
		if terr.Request != nil {
			e.Request = terr.Request.Method + " " + terr.Request.URL.Path
		}
	case errors.As(e.Err, &serr):
		e.Request = serr.method + " " + serr.path
	case errors.As(e.Err, &uerr):
		e.Request = strings.ToUpper(uerr.Op)
		if u, err := url.Parse(uerr.URL); err == nil {
			e.Request += " " + u.Path
		}
	}
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
	var serr *stallError
	if errors.As(err, &serr) {
		return fmt.Sprintf("%v for %s, cut", ErrStalled, serr.idle)
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err.Error()
	}
	return err.Error()
}
