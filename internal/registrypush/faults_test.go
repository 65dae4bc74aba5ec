package registrypush

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// fastPolicy retries as the default does, without the waits.
var fastPolicy = Policy{Tries: 5, First: time.Millisecond, Factor: 2}

// fault is what a faultyRegistry does to one request instead of passing
// it on; "" passes it on.
type fault string

const (
	pass        fault = ""
	unavailable fault = "503"  // a 503 with the registry's UNAVAILABLE code
	tooMany     fault = "429"  // a 429 with Retry-After: 0
	internal    fault = "500"  // a 500 with no body
	badRequest  fault = "400"  // a 400 DIGEST_INVALID: permanent
	cut         fault = "cut"  // the connection closed with no answer
	stall       fault = "hang" // no answer until the client gives up
	stallRead   fault = "slow" // the request body left unread, no answer
	drip        fault = "drip" // a 500 whose body comes a byte every millisecond, forever
	endless     fault = "long" // a 500 whose body never ends
	// tooManyForever is a 429 asking for a wait of 9223372037 seconds,
	// which overflows a time.Duration.
	tooManyForever fault = "429-overflow"
)

// faultyRegistry is an in-memory registry behind a proxy that asks rule
// what to do to each request; write is the request's 1-based number among
// the writes (POST, PATCH, PUT), 0 for reads.
type faultyRegistry struct {
	host     string
	mu       sync.Mutex
	writes   int
	injected int
	requests map[string]int // by method and kind: "POST upload", "PUT tag", ...
	// committed are the digests of the blob commits passed on.
	committed []string
	// commits counts the blob commits by digest, passed on or not.
	commits map[string]int
	rule    func(r *http.Request, write int) fault
	// hold, when set, is called with every request before anything else,
	// outside the lock: it may hold the request back.
	hold func(r *http.Request)
	// passed, when set, is called with every request passed on, once the
	// registry answered it, outside the lock.
	passed func(r *http.Request)
}

func newFaultyRegistry(t *testing.T) *faultyRegistry {
	t.Helper()
	reg := &faultyRegistry{requests: map[string]int{}, commits: map[string]int{}, rule: func(*http.Request, int) fault { return pass }}
	upstream := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	stop := make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reg.mu.Lock()
		hold := reg.hold
		reg.mu.Unlock()
		if hold != nil {
			hold(r)
		}
		reg.mu.Lock()
		write := 0
		if r.Method == http.MethodPost || r.Method == http.MethodPatch || r.Method == http.MethodPut {
			reg.writes++
			write = reg.writes
		}
		reg.requests[r.Method+" "+kind(r)]++
		if r.Method == http.MethodPut && kind(r) == "upload" {
			reg.commits[r.URL.Query().Get("digest")]++
		}
		f := reg.rule(r, write)
		if f != pass {
			reg.injected++
		} else if r.Method == http.MethodPut && kind(r) == "upload" {
			reg.committed = append(reg.committed, r.URL.Query().Get("digest"))
		}
		reg.mu.Unlock()
		switch f {
		case unavailable:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"errors":[{"code":"UNAVAILABLE","message":"service unavailable"}]}`)
		case tooMany:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
		case tooManyForever:
			w.Header().Set("Retry-After", "9223372037")
			w.WriteHeader(http.StatusTooManyRequests)
		case internal:
			w.WriteHeader(http.StatusInternalServerError)
		case badRequest:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"errors":[{"code":"DIGEST_INVALID","message":"provided digest did not match uploaded content"}]}`)
		case cut:
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		case drip, endless:
			w.WriteHeader(http.StatusInternalServerError)
			chunk := []byte("x")
			if f == endless {
				chunk = []byte(strings.Repeat("x", 32<<10))
			}
			for {
				if _, err := w.Write(chunk); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				if f == endless {
					continue
				}
				select {
				case <-r.Context().Done():
					return
				case <-stop:
					return
				case <-time.After(time.Millisecond):
				}
			}
		case stall, stallRead:
			if f == stall {
				io.Copy(io.Discard, r.Body)
			}
			select {
			case <-r.Context().Done():
			case <-stop:
			}
		default:
			upstream.ServeHTTP(w, r)
			reg.mu.Lock()
			passed := reg.passed
			reg.mu.Unlock()
			if passed != nil {
				passed(r)
			}
		}
	}))
	var conns atomic.Int64
	srv.Config.ConnContext = func(ctx context.Context, _ net.Conn) context.Context {
		return context.WithValue(ctx, connKey{}, conns.Add(1))
	}
	srv.Start()
	t.Cleanup(func() { close(stop); srv.Close() })
	reg.host = strings.TrimPrefix(srv.URL, "http://")
	return reg
}

type connKey struct{}

// connOf numbers the connection r came on.
func connOf(r *http.Request) int64 { return r.Context().Value(connKey{}).(int64) }

func (r *faultyRegistry) setRule(rule func(*http.Request, int) fault) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rule, r.writes, r.injected, r.committed = rule, 0, 0, nil
	clear(r.requests)
	clear(r.commits)
}

func (r *faultyRegistry) count(key string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests[key]
}

// kind names what a registry request is about.
func kind(r *http.Request) string {
	p := r.URL.Path
	switch {
	case strings.Contains(p, "/blobs/uploads/"):
		return "upload"
	case strings.Contains(p, "/blobs/"):
		return "blob"
	case strings.Contains(p, "/manifests/sha256:"):
		return "manifest"
	case strings.Contains(p, "/manifests/"):
		return "tag"
	}
	return "other"
}

// every is a rule that answers every nth write with f.
func every(n int, f fault) func(*http.Request, int) fault {
	return func(_ *http.Request, write int) fault {
		if write > 0 && write%n == 0 {
			return f
		}
		return pass
	}
}

// first is a rule that answers the first n requests rule picks with f.
func first(n int, f fault, pick func(*http.Request) bool) func(*http.Request, int) fault {
	var seen atomic.Int32
	return func(r *http.Request, _ int) fault {
		if pick(r) && seen.Add(1) <= int32(n) {
			return f
		}
		return pass
	}
}

func isKind(method, k string) func(*http.Request) bool {
	return func(r *http.Request) bool { return r.Method == method && kind(r) == k }
}

func TestPushSurvivesTransientFaults(t *testing.T) {
	for _, tc := range []struct {
		name string
		rule func(*http.Request, int) fault
	}{
		{"503 on every 4th write", every(4, unavailable)},
		{"429 with Retry-After on every 4th write", every(4, tooMany)},
		{"500 on every 5th write", every(5, internal)},
		{"connection cut on every 5th write", every(5, cut)},
		{"blob uploads cut twice", first(2, cut, isKind(http.MethodPatch, "upload"))},
		{"existence checks cut twice", first(2, cut, isKind(http.MethodHead, "blob"))},
		{"a manifest put stalls", first(1, stall, isKind(http.MethodPut, "manifest"))},
		{"a blob upload stops being read", first(1, stallRead, isKind(http.MethodPatch, "upload"))},
		{"the tag put stalls twice", first(2, stall, isKind(http.MethodPut, "tag"))},
		{"the tag put 503 four times", first(4, unavailable, isKind(http.MethodPut, "tag"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := newFaultyRegistry(t)
			dir, want := indexLayout(t)
			ref := reg.host + "/team/app:1"
			reg.setRule(tc.rule)
			got, err := Push(context.Background(), dir, []string{ref}, Options{Insecure: true, Retry: fastPolicy, StallTimeout: 200 * time.Millisecond})
			if err != nil {
				t.Fatalf("push failed: %v", err)
			}
			if reg.injected == 0 {
				t.Fatal("no fault was injected: the case tests nothing")
			}
			if got != want.String() {
				t.Errorf("pushed %s, want the fault-free digest %s", got, want)
			}
			reg.setRule(every(1, pass))
			if d := pushedDigest(t, ref); d != want.String() {
				t.Errorf("the tag is %s, want %s", d, want)
			}
		})
	}
}

func TestPushPermanentFaultKeepsTag(t *testing.T) {
	for _, tc := range []struct {
		name string
		rule func(*http.Request, int) fault
		// want are the parts the error must hold, besides the registry,
		// the repository and the reference.
		want []string
	}{
		{"the tag put refused", first(99, internal, isKind(http.MethodPut, "tag")),
			[]string{"writing tag 1", "PUT /v2/team/app/manifests/1", "500 Internal Server Error", "after 5 tries"}},
		{"the tag put stalls every time", first(99, stall, isKind(http.MethodPut, "tag")),
			[]string{"writing tag 1", "PUT /v2/team/app/manifests/1", "no progress for 100ms, cut", "after 5 tries"}},
		{"every write 503", every(1, unavailable),
			[]string{"uploading blob sha256:", "503 Service Unavailable (UNAVAILABLE: service unavailable)", "after 5 tries"}},
		{"a blob refused as invalid", first(99, badRequest, isKind(http.MethodPut, "upload")),
			[]string{"uploading blob sha256:", "PUT /v2/team/app/blobs/uploads/", "400 Bad Request (DIGEST_INVALID: provided digest did not match uploaded content)", "after 1 try"}},
		{"a manifest put refused", first(99, internal, isKind(http.MethodPut, "manifest")),
			[]string{"putting manifest sha256:", "500 Internal Server Error", "after 5 tries"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := newFaultyRegistry(t)
			ref := reg.host + "/team/app:1"
			before, _ := indexLayout(t)
			opts := Options{Insecure: true, Retry: fastPolicy, StallTimeout: 100 * time.Millisecond,
				Auth: authn.AuthConfig{Username: "ci", Password: "s3cret-token"}}
			previous, err := Push(context.Background(), before, []string{ref}, opts)
			if err != nil {
				t.Fatal(err)
			}
			dir, _ := indexLayout(t)
			reg.setRule(tc.rule)
			_, err = Push(context.Background(), dir, []string{ref}, opts)
			var perr *Error
			if !errors.Is(err, ErrPush) || !errors.As(err, &perr) {
				t.Fatalf("err = %v, want an *Error wrapping ErrPush", err)
			}
			msg := err.Error()
			for _, part := range append(tc.want, ref, "in repository team/app at registry "+reg.host) {
				if !strings.Contains(msg, part) {
					t.Errorf("the error lacks %q:\n%s", part, msg)
				}
			}
			if strings.Contains(msg, "s3cret-token") {
				t.Errorf("the error holds the password:\n%s", msg)
			}
			reg.setRule(every(1, pass))
			if d := pushedDigest(t, ref); d != previous {
				t.Errorf("the tag moved to %s after a failed push, want its previous value %s", d, previous)
			}
		})
	}
}

// TestPushResumesAfterCancel cancels a push once two blobs are in, and
// checks the tag did not move and the next push uploads only the rest.
func TestPushResumesAfterCancel(t *testing.T) {
	reg := newFaultyRegistry(t)
	ref := reg.host + "/team/app:1"
	dir, want := indexLayout(t) // 2 images: 2 layers and 2 configs
	ctx, cancel := context.WithCancel(context.Background())
	var commits atomic.Int32
	var mu sync.Mutex
	firstConns := map[int64]bool{}
	reg.setRule(func(r *http.Request, _ int) fault {
		mu.Lock()
		firstConns[connOf(r)] = true
		mu.Unlock()
		if r.Method == http.MethodPut && kind(r) == "upload" && commits.Add(1) > 2 {
			// Two blobs are in: the user presses ^C.
			cancel()
			return stall
		}
		return pass
	})
	_, err := Push(ctx, dir, []string{ref}, Options{Insecure: true, Retry: fastPolicy})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want the push cancelled", err)
	}
	reg.mu.Lock()
	before := slices.Clone(reg.committed)
	reg.mu.Unlock()
	// A request of the first push may reach the registry late: it is cut,
	// as the cancelled push's connections were.
	reg.setRule(func(r *http.Request, _ int) fault {
		mu.Lock()
		defer mu.Unlock()
		if firstConns[connOf(r)] {
			return cut
		}
		return pass
	})
	if _, err := remoteHead(mustRef(t, ref)); err == nil {
		t.Fatalf("the tag %s exists after a cancelled push", ref)
	}
	got, err := Push(context.Background(), dir, []string{ref}, Options{Insecure: true, Retry: fastPolicy})
	if err != nil || got != want.String() {
		t.Fatalf("the push after the cancelled one: %s, %v", got, err)
	}
	reg.mu.Lock()
	after := slices.Clone(reg.committed)
	reg.mu.Unlock()
	if len(before) != 2 {
		t.Fatalf("the cancelled push committed %v, want 2 blobs", before)
	}
	for _, d := range after {
		if slices.Contains(before, d) {
			t.Errorf("the second push uploaded %s again: the first had it in", d)
		}
	}
	if n := len(before) + len(after); n != 4 {
		t.Errorf("the two pushes committed %v and %v, want the 4 blobs once each", before, after)
	}
}

func TestPushSkipsWhatIsThere(t *testing.T) {
	reg := newFaultyRegistry(t)
	dir, _ := indexLayout(t)
	if _, err := Push(context.Background(), dir, []string{reg.host + "/app:1"}, Options{Insecure: true}); err != nil {
		t.Fatal(err)
	}
	reg.setRule(every(1, pass))
	// The same image to another tag: the index is found by digest, and
	// only the tag is written (its put checks the index's two children).
	if _, err := Push(context.Background(), dir, []string{reg.host + "/app:2"}, Options{Insecure: true}); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]int{"HEAD blob": 0, "POST upload": 0, "PUT manifest": 0, "PUT tag": 1, "HEAD manifest": 3} {
		if n := reg.count(key); n != want {
			t.Errorf("%d %s requests, want %d", n, key, want)
		}
	}
}

func TestPushTagsLast(t *testing.T) {
	reg := newFaultyRegistry(t)
	dir, _ := indexLayout(t)
	var order []string
	var mu sync.Mutex
	reg.setRule(func(r *http.Request, write int) fault {
		if write > 0 {
			mu.Lock()
			order = append(order, r.Method+" "+kind(r))
			mu.Unlock()
		}
		return pass
	})
	refs := []string{reg.host + "/app:1", reg.host + "/app:latest"}
	if _, err := Push(context.Background(), dir, refs, Options{Insecure: true}); err != nil {
		t.Fatal(err)
	}
	n := len(order)
	if n < 3 || order[n-1] != "PUT tag" || order[n-2] != "PUT tag" {
		t.Fatalf("writes %v: want the two tags last", order)
	}
	for _, w := range order[:n-2] {
		if w == "PUT tag" {
			t.Fatalf("writes %v: a tag was written before the content was in", order)
		}
	}
}

func remoteHead(r name.Reference) (*v1.Descriptor, error) { return remote.Head(r) }

// TestPushManyBlobsSurviveEveryFourthWriteFailing pushes a four-platform
// index (12 blobs, uploaded 4 at once) while every 4th write fails, ten
// times over: a blob's upload is several writes, so its own tries can run
// out where the registry is only flaky; it then gets another round.
func TestPushManyBlobsSurviveEveryFourthWriteFailing(t *testing.T) {
	policy := Policy{Tries: 5, First: 5 * time.Millisecond, Factor: 2}
	for _, f := range []fault{unavailable, tooMany, cut} {
		t.Run(string(f), func(t *testing.T) {
			var rounds atomic.Int32
			logf := func(format string, args ...any) {
				if strings.Contains(format, "round %d of %d") {
					rounds.Add(1)
				}
			}
			for i := 0; i < 10; i++ {
				reg := newFaultyRegistry(t)
				idx, err := random.Index(256, 2, 4)
				if err != nil {
					t.Fatal(err)
				}
				dir := writeLayout(t, mutate.AppendManifests(empty.Index, mutate.IndexAddendum{Add: idx}))
				reg.setRule(every(4, f))
				got, err := Push(context.Background(), dir, []string{reg.host + "/team/app:1"}, Options{Insecure: true, Retry: policy, StallTimeout: 200 * time.Millisecond, Logf: logf})
				if err != nil {
					t.Fatalf("push %d failed: %v", i+1, err)
				}
				if want := mustDigest(t, idx).String(); got != want {
					t.Fatalf("push %d pushed %s, want %s", i+1, got, want)
				}
			}
			t.Logf("%d blobs needed another round of tries", rounds.Load())
		})
	}
}
