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
	"sync"
	"sync/atomic"
	"time"
)

// ErrStalled is wrapped by the error of a request cut because it made no
// progress: no byte of the request sent, no byte of the answer received.
var ErrStalled = errors.New("no progress")

// DefaultStallTimeout is how long a request may make no progress before it
// is cut and tried again. A registry verifying a large blob may take a
// while before it answers its upload's last request.
const DefaultStallTimeout = 60 * time.Second

// MaxRetryAfter bounds the wait a registry's Retry-After asks for: a
// longer one is waited for this long, and the try after it decides.
const MaxRetryAfter = 60 * time.Second

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

// stallTransport cuts a request that makes no progress for idle: a
// watchdog, reset by every read of the request body (the connection took
// the bytes before it) and of the answer's body, cancels the request when
// it fires. A request waiting for its answer makes no progress.
type stallTransport struct {
	base http.RoundTripper
	idle time.Duration
}

func (t *stallTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(req.Context())
	w := &watchdog{}
	w.timer = time.AfterFunc(t.idle, func() { w.fired.Store(true); cancel() })
	stalled := func(err error) error {
		if w.fired.Load() {
			return &stallError{method: req.Method, path: req.URL.Path, idle: t.idle}
		}
		return err
	}
	out := req.Clone(ctx)
	if req.Body != nil && req.Body != http.NoBody {
		out.Body = &progressReader{ReadCloser: req.Body, w: w, idle: t.idle, stalled: stalled}
	}
	if req.GetBody != nil {
		out.GetBody = func() (io.ReadCloser, error) {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			return &progressReader{ReadCloser: body, w: w, idle: t.idle, stalled: stalled}, nil
		}
	}
	resp, err := t.base.RoundTrip(out)
	if err != nil {
		w.timer.Stop()
		cancel()
		return nil, stalled(err)
	}
	w.timer.Reset(t.idle)
	resp.Body = &progressReader{ReadCloser: resp.Body, w: w, idle: t.idle, stalled: stalled, done: cancel}
	return resp, nil
}

type watchdog struct {
	timer *time.Timer
	fired atomic.Bool
}

// progressReader resets the watchdog on every read that moved bytes.
type progressReader struct {
	io.ReadCloser
	w       *watchdog
	idle    time.Duration
	stalled func(error) error
	// done ends the request when its answer is closed.
	done func()
}

func (r *progressReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	if n > 0 && !r.w.fired.Load() {
		r.w.timer.Reset(r.idle)
	}
	if err != nil && err != io.EOF {
		err = r.stalled(err)
	}
	return n, err
}

func (r *progressReader) Close() error {
	err := r.ReadCloser.Close()
	if r.done != nil {
		r.w.timer.Stop()
		r.done()
	}
	return err
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
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), t.now()); ok {
			t.mu.Lock()
			if until := t.now().Add(min(d, MaxRetryAfter)); until.After(t.notBefore[req.URL.Host]) {
				t.notBefore[req.URL.Host] = until
			}
			t.mu.Unlock()
		}
	}
	return resp, nil
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an
// HTTP-date (RFC 9110 10.2.3).
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil {
		return time.Duration(max(s, 0)) * time.Second, s >= 0
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
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

// tryCounter counts the requests made, by method and path: a blob upload
// starts each try with the HEAD of its blob, a manifest is put once a try,
// so the counts are the tries.
type tryCounter struct {
	base http.RoundTripper
	mu   sync.Mutex
	n    map[string]int
	// accepted counts the writes (POST, PATCH, PUT) the registry
	// accepted: while it grows, the registry is up, if flaky.
	accepted int
}

func newTryCounter(base http.RoundTripper) *tryCounter {
	return &tryCounter{base: base, n: map[string]int{}}
}

func (c *tryCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.n[req.Method+" "+req.URL.Path]++
	c.mu.Unlock()
	resp, err := c.base.RoundTrip(req)
	if err == nil && resp.StatusCode < http.StatusBadRequest && req.Method != http.MethodGet && req.Method != http.MethodHead {
		c.mu.Lock()
		c.accepted++
		c.mu.Unlock()
	}
	return resp, err
}

func (c *tryCounter) acceptedWrites() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.accepted
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
