package faultproxy

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestParseSpec(t *testing.T) {
	for _, tc := range []struct {
		query   string
		want    Spec
		wantErr string
	}{
		{"", Spec{Do: None, Every: 1, Match: "write"}, ""},
		{"do=503&every=4", Spec{Do: Unavailable, Every: 4, Match: "write"}, ""},
		{"do=500&match=tag", Spec{Do: Refuse, Every: 1, Match: "tag"}, ""},
		{"do=stall&match=any&after=2", Spec{Do: Stall, Every: 1, Match: "any", After: 2}, ""},
		{"do=cut&every=5&limit=3", Spec{Do: Cut, Every: 5, Match: "write", Limit: 3}, ""},
		{"do=drip&match=tag", Spec{Do: Drip, Every: 1, Match: "tag"}, ""},
		{"do=endless&match=tag", Spec{Do: Endless, Every: 1, Match: "tag"}, ""},
		{"do=418", Spec{}, `do="418"`},
		{"do=503&every=0", Spec{}, `every="0"`},
		{"do=503&match=blobs", Spec{}, `match="blobs"`},
		{"do=503&limit=-1", Spec{}, `limit="-1"`},
	} {
		q, _ := url.ParseQuery(tc.query)
		got, err := ParseSpec(q)
		if tc.wantErr != "" {
			if !errors.Is(err, ErrSpec) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseSpec(%q) error %v, want one naming %s", tc.query, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseSpec(%q) = %+v, %v; want %+v", tc.query, got, err, tc.want)
		}
	}
}

func TestProxyInjects(t *testing.T) {
	var hosts []string
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hosts = append(hosts, r.Host)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer upstream.Close()
	target, _ := url.Parse(upstream.URL)
	p := New(target)
	defer p.Close()
	srv := httptest.NewServer(p)
	defer srv.Close()
	p.Set(Spec{Do: Unavailable, Every: 2, Match: "write"})
	var got []int
	for _, method := range []string{http.MethodPost, http.MethodHead, http.MethodPatch, http.MethodPut, http.MethodPut} {
		req, _ := http.NewRequest(method, srv.URL+"/v2/app/blobs/uploads/u", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		got = append(got, resp.StatusCode)
	}
	// Writes 2 and 4 (the PATCH and the second PUT) get the 503.
	if want := []int{202, 202, 503, 202, 503}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("answers %v, want %v", got, want)
	}
	s := p.Stats()
	if s.Injected != 2 || s.Commits != 1 || s.Requests["PUT upload"] != 2 {
		t.Errorf("stats %+v: want 2 injected, 1 commit passed on, 2 PUT upload", s)
	}
	if srvHost := strings.TrimPrefix(srv.URL, "http://"); len(hosts) == 0 || hosts[0] != srvHost {
		t.Errorf("the registry saw Host %v, want the proxy's %s", hosts, srvHost)
	}

	p.Set(Spec{Do: Cut, Every: 1, Match: "any"})
	if _, err := http.Get(srv.URL + "/v2/"); err == nil {
		t.Error("a cut connection answered")
	}
}

// TestProxyDripsAndNeverEnds reads answers the proxy never ends: the
// dripping one a byte at a time, the endless one as fast as it is read.
func TestProxyDripsAndNeverEnds(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer upstream.Close()
	target, _ := url.Parse(upstream.URL)
	p := New(target)
	defer p.Close()
	srv := httptest.NewServer(p)
	defer srv.Close()
	for _, tc := range []struct {
		fault Fault
		read  int
	}{{Drip, 3}, {Endless, 1 << 20}} {
		p.Set(Spec{Do: tc.fault, Every: 1, Match: "tag"})
		req, _ := http.NewRequest(http.MethodPut, srv.URL+"/v2/app/manifests/1", strings.NewReader("{}"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.ReadFull(resp.Body, make([]byte, tc.read))
		resp.Body.Close()
		if resp.StatusCode != http.StatusInternalServerError || err != nil {
			t.Errorf("%s: %d, read %d bytes, %v; want a 500 with at least %d bytes", tc.fault, resp.StatusCode, n, err, tc.read)
		}
		if s := p.Stats(); s.Injected != 1 {
			t.Errorf("%s: stats %+v, want 1 injected", tc.fault, s)
		}
	}
}
