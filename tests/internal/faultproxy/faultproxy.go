// Package faultproxy is a reverse proxy in front of a registry that
// injects the faults real registries and networks have: error answers,
// cut connections, stalled requests, answers that drip or never end. The publish checks run it as a
// service between go-build and a registry service.
//
// The fault is set, and the requests counted, through a control API on a
// port of its own:
//
//	PUT /fault?do=503&every=4&match=write&limit=0   (resets the counts)
//	GET /stats                                       (Stats as JSON)
package faultproxy

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrSpec is wrapped by the error of a fault the proxy does not know.
var ErrSpec = errors.New("fault spec")

// Fault is what the proxy does to a request instead of passing it on.
type Fault string

const (
	// None passes every request on.
	None Fault = ""
	// Unavailable answers 503 with the registry's UNAVAILABLE code.
	Unavailable Fault = "503"
	// TooMany answers 429 with Retry-After: 1.
	TooMany Fault = "429"
	// Refuse answers 500 with no body.
	Refuse Fault = "500"
	// Cut closes the connection with no answer.
	Cut Fault = "cut"
	// Stall never answers: the request is held until its client gives up.
	Stall Fault = "stall"
	// Drip answers 500 with a body of one byte every DripEvery, forever:
	// never silent long enough for a stall timeout.
	Drip Fault = "drip"
	// Endless answers 500 with a body that never ends, as fast as the
	// client reads it.
	Endless Fault = "endless"
)

// DripEvery is how often a dripping answer sends its next byte.
const DripEvery = 100 * time.Millisecond

var faults = []Fault{None, Unavailable, TooMany, Refuse, Cut, Stall, Drip, Endless}

// Match names the requests a fault may hit.
type Match string

// matches is one mapping table: what each Match picks.
var matches = map[Match]func(method, kind string) bool{
	"write":    func(m, _ string) bool { return m == http.MethodPost || m == http.MethodPatch || m == http.MethodPut },
	"upload":   func(m, k string) bool { return m == http.MethodPatch && k == "upload" },
	"commit":   func(m, k string) bool { return m == http.MethodPut && k == "upload" },
	"manifest": func(m, k string) bool { return m == http.MethodPut && k == "manifest" },
	"tag":      func(m, k string) bool { return m == http.MethodPut && k == "tag" },
	"any":      func(string, string) bool { return true },
}

// Spec is the fault injected: Do on every Every-th request Match picks,
// at most Limit times (0: no limit). After, when not 0, holds the fault
// back until that many blob commits went through.
type Spec struct {
	Do    Fault
	Every int
	Match Match
	Limit int
	After int
}

// ParseSpec reads a spec from the control API's query.
func ParseSpec(q url.Values) (Spec, error) {
	s := Spec{Do: Fault(q.Get("do")), Every: 1, Match: "write"}
	if !contains(faults, s.Do) {
		return s, fmt.Errorf("%w: do=%q: want one of %v", ErrSpec, s.Do, faults[1:])
	}
	if m := q.Get("match"); m != "" {
		s.Match = Match(m)
	}
	if matches[s.Match] == nil {
		return s, fmt.Errorf("%w: match=%q: want write, upload, commit, manifest, tag or any", ErrSpec, s.Match)
	}
	for _, f := range []struct {
		key string
		to  *int
		min int
	}{{"every", &s.Every, 1}, {"limit", &s.Limit, 0}, {"after", &s.After, 0}} {
		if v := q.Get(f.key); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < f.min {
				return s, fmt.Errorf("%w: %s=%q: want a whole number from %d", ErrSpec, f.key, v, f.min)
			}
			*f.to = n
		}
	}
	return s, nil
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// Stats counts what the proxy saw since the spec was set.
type Stats struct {
	// Requests by method and kind, e.g. "PATCH upload", "PUT tag".
	Requests map[string]int `json:"requests"`
	// Injected is the number of faults injected.
	Injected int `json:"injected"`
	// Commits is the number of blob commits passed on.
	Commits int `json:"commits"`
	// Committed are the digests of those commits.
	Committed []string `json:"committed"`
}

// Kind names what a registry request is about: "blob", "upload",
// "manifest" (by digest), "tag" or "other".
func Kind(path string) string {
	switch {
	case strings.Contains(path, "/blobs/uploads/"):
		return "upload"
	case strings.Contains(path, "/blobs/"):
		return "blob"
	case strings.Contains(path, "/manifests/sha256:"):
		return "manifest"
	case strings.Contains(path, "/manifests/"):
		return "tag"
	}
	return "other"
}

// Proxy is the registry proxy and its control API.
type Proxy struct {
	upstream *httputil.ReverseProxy
	// stop ends the stalled requests when the proxy shuts down.
	stop chan struct{}

	mu      sync.Mutex
	spec    Spec
	seen    int // requests the spec matched
	stats   Stats
	stopped bool
}

// New proxies to the registry at upstream, e.g. http://registry:5000.
func New(upstream *url.URL) *Proxy {
	p := &Proxy{stop: make(chan struct{}), stats: Stats{Requests: map[string]int{}}}
	p.upstream = &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(upstream)
		// The registry builds upload locations from the Host its
		// client asked for: the proxy's.
		r.Out.Host = r.In.Host
	}}
	return p
}

// Set replaces the spec and resets the counts.
func (p *Proxy) Set(s Spec) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.spec, p.seen = s, 0
	p.stats = Stats{Requests: map[string]int{}}
}

// Stats is a copy of the counts.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.Requests = make(map[string]int, len(p.stats.Requests))
	for k, v := range p.stats.Requests {
		s.Requests[k] = v
	}
	s.Committed = append([]string(nil), p.stats.Committed...)
	return s
}

// Close ends every stalled request.
func (p *Proxy) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.stopped {
		p.stopped = true
		close(p.stop)
	}
}

// decide counts r and returns the fault for it.
func (p *Proxy) decide(r *http.Request) Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	kind := Kind(r.URL.Path)
	p.stats.Requests[r.Method+" "+kind]++
	s := p.spec
	f := None
	if s.Do != None && matches[s.Match](r.Method, kind) && p.stats.Commits >= s.After {
		p.seen++
		if p.seen%s.Every == 0 && (s.Limit == 0 || p.stats.Injected < s.Limit) {
			f = s.Do
		}
	}
	if f != None {
		p.stats.Injected++
	} else if r.Method == http.MethodPut && kind == "upload" {
		p.stats.Commits++
		p.stats.Committed = append(p.stats.Committed, r.URL.Query().Get("digest"))
	}
	return f
}

// ServeHTTP proxies one registry request, or injects the fault.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch f := p.decide(r); f {
	case Unavailable:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"errors":[{"code":"UNAVAILABLE","message":"injected by faultproxy"}]}`)
	case TooMany:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"errors":[{"code":"TOOMANYREQUESTS","message":"injected by faultproxy"}]}`)
	case Refuse:
		w.WriteHeader(http.StatusInternalServerError)
	case Cut:
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
	case Stall:
		select {
		case <-r.Context().Done():
		case <-p.stop:
		}
	case Drip, Endless:
		w.WriteHeader(http.StatusInternalServerError)
		chunk, every := []byte("x"), DripEvery
		if f == Endless {
			chunk, every = []byte(strings.Repeat("x", 32<<10)), 0
		}
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			if every == 0 {
				continue
			}
			select {
			case <-r.Context().Done():
				return
			case <-p.stop:
				return
			case <-time.After(every):
			}
		}
	default:
		p.upstream.ServeHTTP(w, r)
	}
}

// Control is the control API.
func (p *Proxy) Control() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /fault", func(w http.ResponseWriter, r *http.Request) {
		s, err := ParseSpec(r.URL.Query())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		p.Set(s)
		fmt.Fprintf(w, "%+v\n", s)
	})
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(p.Stats())
	})
	return mux
}
