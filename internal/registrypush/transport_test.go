package registrypush

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

func TestTransient(t *testing.T) {
	status := func(code int, body string) error {
		req, _ := http.NewRequest(http.MethodPut, "http://r.example/v2/app/manifests/1", nil)
		resp := &http.Response{StatusCode: code, Request: req, Body: io.NopCloser(strings.NewReader(body))}
		return transport.CheckError(resp, http.StatusCreated)
	}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"408", status(408, ""), true},
		{"429 without a body", status(429, ""), true},
		{"500", status(500, ""), true},
		{"502", status(502, "<html>bad gateway</html>"), true},
		{"503 UNAVAILABLE", status(503, `{"errors":[{"code":"UNAVAILABLE"}]}`), true},
		{"504", status(504, ""), true},
		{"400 TOOMANYREQUESTS", status(400, `{"errors":[{"code":"TOOMANYREQUESTS"}]}`), true},
		{"400 DIGEST_INVALID", status(400, `{"errors":[{"code":"DIGEST_INVALID"}]}`), false},
		{"401", status(401, ""), false},
		{"403", status(403, `{"errors":[{"code":"DENIED"}]}`), false},
		{"404", status(404, ""), false},
		{"connection reset", &url.Error{Op: "Patch", URL: "http://r/x", Err: &net.OpError{Op: "read", Err: syscall.ECONNRESET}}, true},
		{"broken pipe", &url.Error{Op: "Patch", URL: "http://r/x", Err: &net.OpError{Op: "write", Err: syscall.EPIPE}}, true},
		{"unexpected EOF", fmt.Errorf("reading: %w", io.ErrUnexpectedEOF), true},
		{"EOF", &url.Error{Op: "Put", URL: "http://r/x", Err: io.EOF}, true},
		{"stalled", &url.Error{Op: "Put", URL: "http://r/x", Err: &stallError{method: "PUT", path: "/x", idle: time.Second}}, true},
		{"past the request deadline", &url.Error{Op: "Get", URL: "http://r/x", Err: &deadlineError{method: "GET", path: "/x", limit: time.Second}}, true},
		{"past the operation deadline", &operationDeadlineError{limit: time.Minute, last: &transport.Error{StatusCode: 503}}, false},
		{"dial timeout", &url.Error{Op: "Get", URL: "http://r/x", Err: &net.OpError{Op: "dial", Err: timeoutErr{}}}, true},
		{"connection refused", &url.Error{Op: "Get", URL: "http://r/x", Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}, false},
		{"cancelled", &url.Error{Op: "Put", URL: "http://r/x", Err: context.Canceled}, false},
		{"deadline", context.DeadlineExceeded, false},
		{"no such host", &net.DNSError{Err: "no such host", Name: "r"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Transient(tc.err); got != tc.want {
				t.Errorf("Transient(%v) = %t, want %t", tc.err, got, tc.want)
			}
		})
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestPolicy(t *testing.T) {
	for _, tc := range []struct {
		policy Policy
		want   time.Duration
	}{
		{DefaultPolicy, 15 * time.Second},
		{Policy{Tries: 1, First: time.Second, Factor: 2}, 0},
		{Policy{Tries: 3, First: time.Second, Factor: 3}, 4 * time.Second},
	} {
		if got := tc.policy.MaxWait(); got != tc.want {
			t.Errorf("%+v: MaxWait = %s, want %s", tc.policy, got, tc.want)
		}
		if b := tc.policy.backoff(); b.Steps != tc.policy.Tries || b.Cap != 0 {
			t.Errorf("%+v: backoff %+v: want Steps = Tries and no Cap, which would end the tries early", tc.policy, b)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	const limit = 60 * time.Second
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"soon", 0, false},
		{"1.5", 0, false},
		{"0", 0, true},
		{"7", 7 * time.Second, true},
		{" 7 ", 7 * time.Second, true},
		{"60", limit, true},
		{"61", limit, true},
		{"600", limit, true},
		// time.Duration counts nanoseconds in an int64: 9223372037
		// seconds and more overflowed into a negative wait.
		{"9223372036", limit, true},
		{"9223372037", limit, true},
		{"9223372037000", limit, true},
		{"9223372036854775807", limit, true},
		{"9223372036854775808", limit, true},              // beyond int64
		{"99999999999999999999999999999999", limit, true}, // far beyond
		{"-1", limit, true},
		{"-9223372037", limit, true},
		{"-99999999999999999999999999999999", limit, true},
		{now.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), limit, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"Fri, 31 Dec 9999 23:59:59 GMT", limit, true},
		{"Mon, 01 Jan 0001 00:00:00 GMT", 0, true},
		{now.Add(45 * time.Second).Format(time.RFC850), 45 * time.Second, true},
		{now.Add(20 * time.Second).Format(time.ANSIC), 20 * time.Second, true},
	} {
		got, ok := parseRetryAfter(tc.in, now, limit)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %s, %t; want %s, %t", tc.in, got, ok, tc.want, tc.ok)
		}
		if got < 0 || got > limit {
			t.Errorf("parseRetryAfter(%q) = %s: out of [0, %s]", tc.in, got, limit)
		}
	}
}

func TestRetryAfterTransport(t *testing.T) {
	answers := []struct {
		status     int
		retryAfter string
	}{{429, "3"}, {200, ""}, {503, "600"}, {200, ""}, {500, "5"}, {200, ""},
		{429, "9223372037"}, {200, ""}, {503, "-5"}, {200, ""}, {429, "Fri, 31 Dec 9999 23:59:59 GMT"}, {200, ""}}
	var i int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := answers[i]
		i++
		if a.retryAfter != "" {
			w.Header().Set("Retry-After", a.retryAfter)
		}
		w.WriteHeader(a.status)
	}))
	defer srv.Close()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var waits []time.Duration
	rt := newRetryAfterTransport(http.DefaultTransport)
	rt.now = func() time.Time { return now }
	rt.spread = func(time.Duration) time.Duration { return 0 }
	rt.sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); now = now.Add(d); return nil }
	for range answers {
		req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	// 429's 3s is waited; 503's 600s is capped; a 500's Retry-After is not
	// one the spec gives it; a number of seconds that overflows a
	// time.Duration, a negative one and a date in the year 9999 are each
	// the longest wait, never a negative one.
	want := []time.Duration{3 * time.Second, MaxRetryAfter, MaxRetryAfter, MaxRetryAfter, MaxRetryAfter}
	if fmt.Sprint(waits) != fmt.Sprint(want) {
		t.Errorf("waited %v, want %v", waits, want)
	}
}

func TestRetryAfterTransportCancelled(t *testing.T) {
	rt := newRetryAfterTransport(http.DefaultTransport)
	rt.notBefore["r.example"] = time.Now().Add(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://r.example/v2/", nil)
	if _, err := rt.RoundTrip(req); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want the wait for Retry-After cancelled", err)
	}
}

func TestStallTransport(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/silent":
			// No answer at all.
			<-release
		case "/trickle":
			// Headers, then a body that stops half-way.
			w.Header().Set("Content-Length", "10")
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, "12345")
			w.(http.Flusher).Flush()
			<-release
		case "/slow":
			// A byte every 20ms: slow, never silent for the timeout.
			for range 10 {
				io.WriteString(w, "x")
				w.(http.Flusher).Flush()
				time.Sleep(20 * time.Millisecond)
			}
		case "/unread":
			// The request body is never read.
			<-release
		}
	}))
	defer srv.Close()
	defer close(release) // before Close, which waits for the handlers
	const idle = 150 * time.Millisecond
	client := &http.Client{Transport: &cutTransport{base: baseTransport(idle), idle: idle, limit: time.Hour}}
	for _, tc := range []struct {
		path    string
		body    io.Reader
		wantErr bool
	}{
		{"/silent", nil, true},
		{"/trickle", nil, true},
		{"/slow", nil, false},
		{"/unread", strings.NewReader(strings.Repeat("x", 64<<20)), true},
	} {
		t.Run(tc.path, func(t *testing.T) {
			method := http.MethodGet
			if tc.body != nil {
				method = http.MethodPatch
			}
			req, _ := http.NewRequest(method, srv.URL+tc.path, tc.body)
			resp, err := client.Do(req)
			if err == nil {
				_, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			if !tc.wantErr {
				if err != nil {
					t.Fatalf("a slow but moving answer was cut: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrStalled) || !Transient(err) {
				t.Fatalf("err = %v, want a transient ErrStalled", err)
			}
			if want := method + " " + tc.path + ": no progress for 150ms"; !strings.Contains(err.Error(), want) {
				t.Errorf("err = %v, want it to say %q", err, want)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPut, "http://10.0.0.5:5000/v2/team/app/manifests/1.0?secret=x", nil)
	refused := &transport.Error{StatusCode: 500, Request: req}
	for _, tc := range []struct {
		name string
		err  *Error
		want string
	}{
		{"status", &Error{Ref: "r.example/team/app:1.0", Registry: "r.example", Repository: "team/app", Operation: "writing tag 1.0", Tries: 5, Err: refused},
			"pushing the image: r.example/team/app:1.0: writing tag 1.0 in repository team/app at registry r.example: PUT /v2/team/app/manifests/1.0: 500 Internal Server Error, after 5 tries"},
		{"through an endpoint, tags moved", &Error{Ref: "r.example/team/app:latest", Registry: "r.example", Endpoint: "10.0.0.5:5000", Repository: "team/app", Operation: "writing tag latest", Tries: 1,
			Err: refused, Moved: []string{"r.example/team/app:1.0"}},
			"pushing the image: r.example/team/app:latest: writing tag latest in repository team/app at registry r.example (reached at 10.0.0.5:5000): PUT /v2/team/app/manifests/1.0: 500 Internal Server Error, after 1 try; tags already moved: r.example/team/app:1.0"},
		{"no answer", &Error{Ref: "r.example/app:1", Registry: "r.example", Repository: "app", Operation: "uploading blob sha256:ab (3 bytes)", Tries: 5,
			Err: &url.Error{Op: "Patch", URL: "http://r.example/v2/app/blobs/uploads/u?_state=s", Err: &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}}},
			"pushing the image: r.example/app:1: uploading blob sha256:ab (3 bytes) in repository app at registry r.example: PATCH /v2/app/blobs/uploads/u: read tcp: connection reset by peer, after 5 tries"},
		{"stalled", &Error{Ref: "r.example/app:1", Registry: "r.example", Repository: "app", Operation: "putting manifest sha256:cd", Tries: 5,
			Err: &url.Error{Op: "Put", URL: "http://r.example/v2/app/manifests/sha256:cd", Err: &stallError{method: "PUT", path: "/v2/app/manifests/sha256:cd", idle: time.Minute}}},
			"pushing the image: r.example/app:1: putting manifest sha256:cd in repository app at registry r.example: PUT /v2/app/manifests/sha256:cd: no progress for 1m0s, cut, after 5 tries"},
		{"past the request deadline", &Error{Ref: "r.example/app:1", Registry: "r.example", Repository: "app", Operation: "writing tag 1", Tries: 5,
			Err: &url.Error{Op: "Put", URL: "http://r.example/v2/app/manifests/1", Err: &deadlineError{method: "PUT", path: "/v2/app/manifests/1", limit: 30 * time.Minute}}},
			"pushing the image: r.example/app:1: writing tag 1 in repository app at registry r.example: PUT /v2/app/manifests/1: not done within the request deadline of 30m0s, cut, after 5 tries"},
		{"past the operation deadline while waiting", &Error{Ref: "r.example/app:1", Registry: "r.example", Repository: "app", Operation: "writing tag 1", Tries: 40,
			Err: &operationDeadlineError{limit: 2 * time.Hour, last: refused}},
			"pushing the image: r.example/app:1: writing tag 1 in repository app at registry r.example: PUT /v2/team/app/manifests/1.0: not done within the operation deadline of 2h0m0s, its tries and the waits between them included (its last try: 500 Internal Server Error), after 40 tries"},
		{"past the operation deadline in a request", &Error{Ref: "r.example/app:1", Registry: "r.example", Repository: "app", Operation: "writing tag 1", Tries: 3,
			Err: &operationDeadlineError{limit: 2 * time.Hour, last: &url.Error{Op: "Put", URL: "http://r.example/v2/app/manifests/1", Err: errOperationCut}}},
			"pushing the image: r.example/app:1: writing tag 1 in repository app at registry r.example: PUT /v2/app/manifests/1: not done within the operation deadline of 2h0m0s, its tries and the waits between them included, after 3 tries"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.err.describe()
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			if strings.Contains(tc.err.Error(), "secret") || strings.Contains(tc.err.Error(), "_state") {
				t.Errorf("the message holds the request's query: %s", tc.err)
			}
			if !errors.Is(tc.err, ErrPush) {
				t.Error("the error does not wrap ErrPush")
			}
		})
	}
}

func TestRetryLine(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPatch, "http://r.example/v2/app/blobs/uploads/u?_state=s", nil)
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&transport.Error{StatusCode: 503, Request: req, Errors: []transport.Diagnostic{{Code: "UNAVAILABLE", Message: "busy"}}}, "PATCH /v2/app/blobs/uploads/u: 503 Service Unavailable (UNAVAILABLE: busy)"},
		{&url.Error{Op: "Patch", URL: req.URL.String(), Err: io.EOF}, "PATCH /v2/app/blobs/uploads/u: EOF"},
		{io.ErrUnexpectedEOF, "unexpected EOF"},
	} {
		if got := retryLine(tc.err); got != tc.want {
			t.Errorf("retryLine(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
