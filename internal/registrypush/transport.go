package registrypush

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ErrStalled is wrapped by the error of a request cut because it made no
// progress: no byte of the request sent, no byte of the answer received.
var ErrStalled = errors.New("no progress")

// ErrRequestDeadline is wrapped by the error of a request cut because it
// was not done within the request deadline, however steadily it moved.
var ErrRequestDeadline = errors.New("not done within the request deadline")

// DefaultStallTimeout is how long a request may make no progress before it
// is cut and tried again. A registry verifying a large blob may take a
// while before it answers its upload's last request.
const DefaultStallTimeout = 60 * time.Second

// DefaultRequestTimeout is how long one request may take in all, from its
// first byte sent to its answer's last byte read, before it is cut and
// tried again: a 2 GB layer at about 1.1 MB/s, a registry that sends its
// answer one byte at a time (which the stall timeout never cuts) for half
// an hour at most.
const DefaultRequestTimeout = 30 * time.Minute

// MaxRetryAfter bounds the wait a registry's Retry-After asks for: a
// longer one, or one that is no wait at all (negative, or too large to
// count), is waited for this long, and the try after it decides.
const MaxRetryAfter = 60 * time.Second

// MaxErrorBody is how much of an error answer's body is read: the
// registry's error codes and messages fit in far less, and a body that
// never ends would otherwise be read into memory without end.
const MaxErrorBody = 64 << 10

// stallError is the error of a request cut by the stall timeout.
type stallError struct {
	method, path string
	idle         time.Duration
}

func (e *stallError) Error() string {
	return fmt.Sprintf("%s %s: %v for %s", e.method, e.path, ErrStalled, e.idle)
}
func (e *stallError) Unwrap() error   { return ErrStalled }
func (e *stallError) Timeout() bool   { return true }
func (e *stallError) Temporary() bool { return true }

// deadlineError is the error of a request cut by the request deadline.
type deadlineError struct {
	method, path string
	limit        time.Duration
}

func (e *deadlineError) Error() string {
	return fmt.Sprintf("%s %s: %v of %s", e.method, e.path, ErrRequestDeadline, e.limit)
}
func (e *deadlineError) Unwrap() error   { return ErrRequestDeadline }
func (e *deadlineError) Timeout() bool   { return true }
func (e *deadlineError) Temporary() bool { return true }

// cutTransport cuts a request that makes no progress for idle, or that is
// not done within limit, and reads at most MaxErrorBody of an error
// answer's body. A watchdog, reset by every read of the request body (the
// connection took the bytes before it) and of the answer's body, cancels
// the request when it fires; a request waiting for its answer makes no
// progress. The deadline is never reset: a registry that sends one byte
// at a time keeps the watchdog quiet, not the deadline.
type cutTransport struct {
	base  http.RoundTripper
	idle  time.Duration
	limit time.Duration
}

func (t *cutTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(req.Context())
	w := &watchdog{}
	w.idle = time.AfterFunc(t.idle, func() { w.stalled.Store(true); cancel() })
	w.deadline = time.AfterFunc(t.limit, func() { w.overdue.Store(true); cancel() })
	cut := func(err error) error {
		switch {
		case w.overdue.Load():
			return &deadlineError{method: req.Method, path: req.URL.Path, limit: t.limit}
		case w.stalled.Load():
			return &stallError{method: req.Method, path: req.URL.Path, idle: t.idle}
		}
		return err
	}
	// The answer's request carries the mark, for the error made of the
	// answer to say its body was cut.
	bodyCut := &atomic.Bool{}
	out := req.Clone(context.WithValue(ctx, bodyCutKey{}, bodyCut))
	if req.Body != nil && req.Body != http.NoBody {
		out.Body = &progressReader{ReadCloser: req.Body, w: w, idle: t.idle, cut: cut}
	}
	if req.GetBody != nil {
		out.GetBody = func() (io.ReadCloser, error) {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			return &progressReader{ReadCloser: body, w: w, idle: t.idle, cut: cut}, nil
		}
	}
	resp, err := t.base.RoundTrip(out)
	if err != nil {
		w.stop()
		cancel()
		return nil, cut(err)
	}
	w.idle.Reset(t.idle)
	body := resp.Body
	if resp.StatusCode >= http.StatusBadRequest {
		body = &boundedBody{ReadCloser: body, left: MaxErrorBody, cut: bodyCut}
	}
	resp.Body = &progressReader{ReadCloser: body, w: w, idle: t.idle, cut: cut, done: func() { w.stop(); cancel() }}
	return resp, nil
}

type watchdog struct {
	idle, deadline   *time.Timer
	stalled, overdue atomic.Bool
}

func (w *watchdog) stop() {
	w.idle.Stop()
	w.deadline.Stop()
}

// progressReader resets the watchdog on every read that moved bytes.
type progressReader struct {
	io.ReadCloser
	w    *watchdog
	idle time.Duration
	cut  func(error) error
	// done ends the request when its answer is closed.
	done func()
}

func (r *progressReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	if n > 0 && !r.w.stalled.Load() {
		r.w.idle.Reset(r.idle)
	}
	if err != nil && err != io.EOF {
		err = r.cut(err)
	}
	return n, err
}

func (r *progressReader) Close() error {
	err := r.ReadCloser.Close()
	if r.done != nil {
		r.done()
	}
	return err
}

// bodyCutKey marks, in the context of a request, whether its answer's
// body was cut at MaxErrorBody.
type bodyCutKey struct{}

// bodyCut reports whether the answer to req had its body cut.
func bodyCut(req *http.Request) bool {
	if req == nil {
		return false
	}
	cut, _ := req.Context().Value(bodyCutKey{}).(*atomic.Bool)
	return cut != nil && cut.Load()
}

// boundedBody reads at most left bytes of a body, then ends it, marking
// cut if there was more: the byte after the bound tells a body that ends
// there from one that goes on.
type boundedBody struct {
	io.ReadCloser
	left int64
	cut  *atomic.Bool
	over bool
}

func (b *boundedBody) Read(p []byte) (int, error) {
	if b.over {
		return 0, io.EOF
	}
	if b.left <= 0 {
		var one [1]byte
		for {
			n, err := b.ReadCloser.Read(one[:])
			if n > 0 {
				b.over = true
				b.cut.Store(true)
				return 0, io.EOF
			}
			if err != nil {
				return 0, err
			}
		}
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}

// retryAfterTransport honours a registry's Retry-After: after an answer
// 429 or 503 that carries one, no request goes to that host before the
// time it names (at most MaxRetryAfter away). The requests held back go
// out spread over a tenth of the wait after it, not all at one instant:
// the concurrent uploads would otherwise meet the registry in the same
// order each time, and the same one meet its limit.
type retryAfterTransport struct {
	base http.RoundTripper
	now  func() time.Time
	// sleep waits d or until ctx ends.
	sleep func(ctx context.Context, d time.Duration) error
	// spread is the extra wait of one request held back for d.
	spread func(d time.Duration) time.Duration

	mu        sync.Mutex
	notBefore map[string]time.Time
}

func newRetryAfterTransport(base http.RoundTripper) *retryAfterTransport {
	return &retryAfterTransport{base: base, now: time.Now, sleep: sleepContext, spread: spreadWait, notBefore: map[string]time.Time{}}
}

func (t *retryAfterTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.mu.Lock()
	wait := t.notBefore[req.URL.Host].Sub(t.now())
	t.mu.Unlock()
	if wait > 0 {
		if err := t.sleep(req.Context(), wait+t.spread(wait)); err != nil {
			return nil, err
		}
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), t.now(), MaxRetryAfter); ok {
			t.mu.Lock()
			if until := t.now().Add(min(d, MaxRetryAfter)); until.After(t.notBefore[req.URL.Host]) {
				t.notBefore[req.URL.Host] = until
			}
			t.mu.Unlock()
		}
	}
	return resp, nil
}

// parseRetryAfter reads a Retry-After header, delay-seconds or an
// HTTP-date (RFC 9110 10.2.3), as a wait of at most limit. A number of
// seconds that is negative or too large for a time.Duration (9223372037
// seconds and more) is limit, as any wait longer than limit: it asked for
// a wait, only not one to count on. A date in the past is no wait. ok is
// false when the header is absent or neither form.
func parseRetryAfter(v string, now time.Time, limit time.Duration) (wait time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if isInteger(v) {
		s, err := strconv.ParseInt(v, 10, 64)
		if err != nil || s < 0 || s > int64(limit/time.Second) {
			return limit, true
		}
		return min(time.Duration(s)*time.Second, limit), true
	}
	if t, err := http.ParseTime(v); err == nil {
		// Sub saturates: a date centuries away does not overflow.
		return min(max(t.Sub(now), 0), limit), true
	}
	return 0, false
}

// isInteger reports whether v is digits with an optional sign.
func isInteger(v string) bool {
	if v[0] == '+' || v[0] == '-' {
		v = v[1:]
	}
	if v == "" {
		return false
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// spreadWait is a random extra wait up to a tenth of d.
func spreadWait(d time.Duration) time.Duration {
	return rand.N(d/10 + 1)
}

func sleepContext(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// tryCounter counts the requests that went out, by method and path: a blob upload
// starts each try with the HEAD of its blob, a manifest is put once a try,
// so the counts are the tries. It also counts the writes that stored
// content, in all and by operation.
type tryCounter struct {
	base http.RoundTripper
	mu   sync.Mutex
	n    map[string]int
	// stored counts the writes by which the registry stored content: a
	// blob's commit or a manifest's put (PUT), or a blob mounted or
	// uploaded in one request (POST answered 201 Created). While it grows,
	// the registry is up, if flaky. Opening and filling an upload session
	// (POST answered 202, PATCH) stores nothing: a registry that commits no
	// blob accepts those too.
	stored int
}

func newTryCounter(base http.RoundTripper) *tryCounter {
	return &tryCounter{base: base, n: map[string]int{}}
}

func (c *tryCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		// Its operation ended before it went out (go-containerregistry
		// waits between tries without looking at the context): no try.
		return nil, err
	}
	c.mu.Lock()
	c.n[req.Method+" "+req.URL.Path]++
	c.mu.Unlock()
	resp, err := c.base.RoundTrip(req)
	if err == nil && storedContent(req.Method, resp.StatusCode) {
		c.mu.Lock()
		c.stored++
		c.mu.Unlock()
		if op := opOf(req.Context()); op != nil {
			op.stored.Add(1)
		}
	}
	return resp, err
}

// storedContent reports whether a write answered status stored content.
func storedContent(method string, status int) bool {
	switch method {
	case http.MethodPut:
		return status < http.StatusBadRequest
	case http.MethodPost:
		return status == http.StatusCreated
	}
	return false
}

// storedWrites is how many writes stored content, in all.
func (c *tryCounter) storedWrites() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stored
}

// opState is what the requests of one operation tell of it.
type opState struct {
	// stored counts the operation's own writes that stored content.
	stored atomic.Int64
}

type opKey struct{}

func withOp(ctx context.Context, op *opState) context.Context {
	return context.WithValue(ctx, opKey{}, op)
}

// opOf is the operation ctx is a request of; nil if none.
func opOf(ctx context.Context) *opState {
	op, _ := ctx.Value(opKey{}).(*opState)
	return op
}

func (c *tryCounter) count(method, path string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[method+" "+path]
}

// baseTransport is go-containerregistry's default transport with every
// phase of a connection bounded by the stall timeout.
func baseTransport(idle time.Duration) *http.Transport {
	return &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: idle, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:   true,
		MaxIdleConns:        100,
		MaxIdleConnsPerHost: 50,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: min(idle, 10*time.Second),
		// The watchdog cuts a silent answer first, with its own message;
		// this bounds the wait should the watchdog ever be bypassed.
		ResponseHeaderTimeout: idle + time.Second,
		ExpectContinueTimeout: time.Second,
	}
}
