package registrypush

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The tests of this file check that pushes always end: a request at the
// request deadline, an operation at the operation deadline, an error
// answer's body at MaxErrorBody, a blob's upload after the rounds the
// registry earns. Their deadlines are milliseconds; none times anything:
// each checks that the push ended, and with which error.

// TestCutTransportRequestDeadline sends requests to a server that answers
// one byte every millisecond, forever: every byte resets the stall
// watchdog, the request deadline cuts the request all the same.
func TestCutTransportRequestDeadline(t *testing.T) {
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		for {
			if _, err := io.WriteString(w, "x"); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}))
	defer srv.Close()
	defer close(stop)
	const limit = 50 * time.Millisecond
	client := &http.Client{Transport: &cutTransport{base: baseTransport(time.Hour), idle: time.Hour, limit: limit}}
	resp, err := client.Get(srv.URL + "/v2/app/blobs/sha256:ab")
	if err != nil {
		t.Fatalf("the answer's headers: %v", err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if !errors.Is(err, ErrRequestDeadline) || errors.Is(err, ErrStalled) || !Transient(err) {
		t.Fatalf("read %d bytes, then err = %v; want a transient ErrRequestDeadline", n, err)
	}
	if want := "GET /v2/app/blobs/sha256:ab: not done within the request deadline of 50ms"; !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want it to say %q", err, want)
	}
	if n == 0 {
		t.Error("no byte came before the cut: the case tests a silent answer, not a dripping one")
	}
}

// TestBoundedBody reads error bodies of several lengths: at most
// MaxErrorBody bytes come out, and one more is taken from the body to tell
// whether it was cut.
func TestBoundedBody(t *testing.T) {
	for _, tc := range []struct {
		name string
		size int64 // -1: endless
		want int64
		cut  bool
	}{
		{"empty", 0, 0, false},
		{"short", 100, 100, false},
		{"exactly the bound", MaxErrorBody, MaxErrorBody, false},
		{"one byte over", MaxErrorBody + 1, MaxErrorBody, true},
		{"endless", -1, MaxErrorBody, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := &countingReader{left: tc.size}
			var cut atomic.Bool
			got, err := io.ReadAll(&boundedBody{ReadCloser: io.NopCloser(src), left: MaxErrorBody, cut: &cut})
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(got)) != tc.want || cut.Load() != tc.cut {
				t.Errorf("read %d bytes, cut %t; want %d, %t", len(got), cut.Load(), tc.want, tc.cut)
			}
			if src.read > MaxErrorBody+1 {
				t.Errorf("took %d bytes from the body, want at most %d", src.read, MaxErrorBody+1)
			}
		})
	}
}

// countingReader is a body of left bytes (-1: endless) that counts what
// was read of it.
type countingReader struct {
	left, read int64
}

func (r *countingReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	if r.left > 0 {
		n = min(n, r.left)
		r.left -= n
	}
	for i := range p[:n] {
		p[i] = 'x'
	}
	r.read += n
	return int(n), nil
}

// TestPushEnds pushes to registries that would keep a push going without
// end, or with a body read into memory without end, and checks each push
// ended with the error that says why.
func TestPushEnds(t *testing.T) {
	tagPut := isKind(http.MethodPut, "tag")
	forever := Policy{Tries: 1 << 20, First: time.Millisecond, Factor: 1}
	for _, tc := range []struct {
		name string
		rule func(*http.Request, int) fault
		opts Options
		// is is the error errors.Is must find, besides ErrPush.
		is   error
		want []string
		// injected, when not 0, is how many faults the registry must have
		// injected.
		injected int
		// content is whether the push has blobs to upload; otherwise its
		// content is put in first, for the push to write only the tag.
		content bool
	}{
		{
			// Every byte resets the stall watchdog; the 500's body would
			// take 64 s to reach MaxErrorBody at a byte a millisecond.
			name: "the tag put answered a byte at a time",
			rule: first(99, drip, tagPut),
			opts: Options{Retry: fastPolicy, StallTimeout: time.Hour, RequestTimeout: 100 * time.Millisecond},
			is:   ErrRequestDeadline,
			want: []string{"writing tag 1", "PUT /v2/team/app/manifests/1: not done within the request deadline of 100ms, cut", "after 5 tries"},
		},
		{
			name: "the tag put answered 500 with an endless body",
			rule: first(99, endless, tagPut),
			opts: Options{Retry: fastPolicy},
			want: []string{"writing tag 1", "PUT /v2/team/app/manifests/1: 500 Internal Server Error (its body cut at 64 KiB, unread beyond)", "after 5 tries"},
		},
		{
			// The policy would try for 17 minutes.
			name: "the tag put answered 503, tried without end",
			rule: first(1<<30, unavailable, tagPut),
			opts: Options{Retry: forever, OperationTimeout: 300 * time.Millisecond},
			is:   ErrOperationDeadline,
			want: []string{"writing tag 1", "PUT /v2/team/app/manifests/1: not done within the operation deadline of 300ms, its tries and the waits between them included"},
		},
		{
			// The wait asked for overflowed into no wait at all, and the
			// tag was put again at once; now it is MaxRetryAfter, a
			// minute, which the operation deadline cuts: the registry
			// sees one put.
			name:     "the tag put answered 429 with Retry-After 9223372037",
			rule:     first(1<<30, tooManyForever, tagPut),
			opts:     Options{Retry: forever, OperationTimeout: 300 * time.Millisecond},
			is:       ErrOperationDeadline,
			want:     []string{"writing tag 1", "PUT /v2/team/app/manifests/1: not done within the operation deadline of 300ms", "after 1 try"},
			injected: 1,
		},
		{
			name:    "every blob upload dripped, tried without end",
			rule:    first(1<<30, drip, isKind(http.MethodPatch, "upload")),
			opts:    Options{Retry: forever, StallTimeout: time.Hour, RequestTimeout: 20 * time.Millisecond, OperationTimeout: 300 * time.Millisecond},
			is:      ErrOperationDeadline,
			want:    []string{"uploading blob sha256:", "not done within the operation deadline of 300ms"},
			content: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := newFaultyRegistry(t)
			ref := reg.host + "/team/app:1"
			before, _ := indexLayout(t)
			previous, err := Push(context.Background(), before, []string{ref}, Options{Insecure: true})
			if err != nil {
				t.Fatal(err)
			}
			dir, _ := indexLayout(t)
			if !tc.content {
				// The deadlines apply to every request and operation; the
				// ones that would pass are out of the way.
				if _, err := Push(context.Background(), dir, []string{reg.host + "/team/app:content"}, Options{Insecure: true}); err != nil {
					t.Fatal(err)
				}
			}
			reg.setRule(tc.rule)
			opts := tc.opts
			opts.Insecure = true
			_, err = Push(context.Background(), dir, []string{ref}, opts)
			var perr *Error
			if !errors.As(err, &perr) || !errors.Is(err, ErrPush) {
				t.Fatalf("err = %v, want an *Error", err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("err = %v, want it to wrap %v", err, tc.is)
			}
			if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
				t.Errorf("err = %v: a deadline of the push's own is not the caller's context ending", err)
			}
			for _, part := range append(tc.want, "in repository team/app at registry "+reg.host) {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("the error lacks %q:\n%s", part, err)
				}
			}
			reg.mu.Lock()
			injected := reg.injected
			reg.mu.Unlock()
			if injected == 0 {
				t.Fatal("no fault was injected: the case tests nothing")
			}
			if tc.injected != 0 && injected != tc.injected {
				t.Errorf("the registry injected %d faults, want %d", injected, tc.injected)
			}
			if !tc.content {
				// The tries the error counts are the puts the registry saw.
				m := regexp.MustCompile(`after (\d+) tr`).FindStringSubmatch(err.Error())
				if puts := reg.count("PUT tag"); m == nil || m[1] != strconv.Itoa(puts) {
					t.Errorf("the error counts %v tries, the registry saw %d puts of the tag:\n%s", m, puts, err)
				}
			}
			reg.setRule(every(1, pass))
			if d := pushedDigest(t, ref); d != previous {
				t.Errorf("the tag moved to %s after a failed push, want its previous value %s", d, previous)
			}
		})
	}
}

var blobInError = regexp.MustCompile(`uploading blob (sha256:[0-9a-f]{64})`)

// TestBlobRoundsNeedOtherContentStored checks the rule for another round
// of a blob's tries: the registry stored another operation's content
// during the round. The blob's own accepted writes (its upload session
// opened, its body sent) earn nothing.
func TestBlobRoundsNeedOtherContentStored(t *testing.T) {
	t.Run("a registry that commits no blob", func(t *testing.T) {
		// Before the rule, each blob was uploaded 25 times: 5 rounds, as
		// its own POST and PATCH were accepted.
		reg := newFaultyRegistry(t)
		dir, _ := indexLayout(t) // 4 blobs
		var rounds atomic.Int32
		reg.setRule(first(1<<30, internal, isKind(http.MethodPut, "upload")))
		_, err := Push(context.Background(), dir, []string{reg.host + "/team/app:1"}, Options{Insecure: true, Retry: fastPolicy, Logf: countRounds(&rounds)})
		m := blobInError.FindStringSubmatch(errorString(err))
		if m == nil {
			t.Fatalf("err = %v, want a blob's upload to fail", err)
		}
		if !strings.Contains(err.Error(), "500 Internal Server Error, after 5 tries") {
			t.Errorf("err = %v, want the blob failed after 5 tries", err)
		}
		reg.mu.Lock()
		defer reg.mu.Unlock()
		// The failed blob was uploaded once a try of one round; the others
		// were stopped with the push, at most as far.
		if n := reg.commits[m[1]]; n != fastPolicy.Tries {
			t.Errorf("the failed blob %s was uploaded %d times, want %d: one round", m[1], n, fastPolicy.Tries)
		}
		for d, n := range reg.commits {
			if n > fastPolicy.Tries {
				t.Errorf("blob %s was uploaded %d times, want at most %d", d, n, fastPolicy.Tries)
			}
		}
		if n := rounds.Load(); n != 0 {
			t.Errorf("%d more rounds were granted, want none", n)
		}
	})

	t.Run("a registry that commits every blob but one", func(t *testing.T) {
		reg := newFaultyRegistry(t)
		dir, _ := indexLayout(t) // 4 blobs, uploaded at once
		// The first blob commit to come is the one that fails; it is held
		// until the other three are committed, so their commits fall in
		// its first round. Its second round has no other content to see:
		// the manifests wait for every blob.
		var mu sync.Mutex
		var victim string
		victimCommits := 0
		others := map[string]bool{}
		othersIn := make(chan struct{})
		var closeOnce sync.Once
		isCommit := isKind(http.MethodPut, "upload")
		reg.hold = func(r *http.Request) {
			if !isCommit(r) {
				return
			}
			d := r.URL.Query().Get("digest")
			mu.Lock()
			if victim == "" {
				victim = d
			}
			if d == victim {
				victimCommits++
			}
			first := d == victim && victimCommits == 1
			mu.Unlock()
			if first {
				select {
				case <-othersIn:
				case <-r.Context().Done():
				}
			}
		}
		reg.setRule(func(r *http.Request, _ int) fault {
			if !isCommit(r) {
				return pass
			}
			mu.Lock()
			defer mu.Unlock()
			if d := r.URL.Query().Get("digest"); d != victim {
				others[d] = true
				return pass
			}
			return internal
		})
		// A commit passed on is in once the registry answered it.
		var passedCommits atomic.Int32
		reg.passed = func(r *http.Request) {
			if isCommit(r) && passedCommits.Add(1) == 3 {
				closeOnce.Do(func() { close(othersIn) })
			}
		}
		var rounds atomic.Int32
		_, err := Push(context.Background(), dir, []string{reg.host + "/team/app:1"}, Options{Insecure: true, Retry: fastPolicy, Logf: countRounds(&rounds)})
		m := blobInError.FindStringSubmatch(errorString(err))
		if m == nil || m[1] != victim {
			t.Fatalf("err = %v, want the upload of %s to fail", err, victim)
		}
		want := 2 * fastPolicy.Tries
		if !strings.Contains(err.Error(), "500 Internal Server Error, after 10 tries") {
			t.Errorf("err = %v, want the blob failed after %d tries", err, want)
		}
		reg.mu.Lock()
		defer reg.mu.Unlock()
		if n := reg.commits[victim]; n != want {
			t.Errorf("the failing blob was uploaded %d times, want %d: two rounds", n, want)
		}
		if len(reg.committed) != 3 {
			t.Errorf("committed %v, want the 3 other blobs", reg.committed)
		}
		if n := rounds.Load(); n != 1 {
			t.Errorf("%d more rounds were granted, want 1", n)
		}
	})
}

func countRounds(n *atomic.Int32) func(string, ...any) {
	return func(format string, args ...any) {
		if strings.Contains(format, "round %d of %d") {
			n.Add(1)
		}
	}
}

func errorString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestPushRejectsNegativeDeadlines(t *testing.T) {
	dir, _ := indexLayout(t)
	for _, opts := range []Options{{RequestTimeout: -time.Second}, {OperationTimeout: -time.Minute}} {
		_, err := Push(context.Background(), dir, []string{"registry.example/app:1"}, opts)
		if !errors.Is(err, ErrPush) || !strings.Contains(err.Error(), "want none negative") {
			t.Errorf("%+v: err = %v, want the negative deadline refused", opts, err)
		}
	}
}
