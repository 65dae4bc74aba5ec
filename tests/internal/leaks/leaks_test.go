package leaks

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
)

const token = "gbtok-0123456789abcdef0123456789abcdef"

var secrets = []Secret{{What: "the origin token", Value: token}, {What: "the netrc token", Value: "netrc-fedcba9876543210fedcba98"}}

func tarOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for name, body := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg, Format: tar.FormatUSTAR}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gzipOf(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	if _, err := gz.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func zipOf(t *testing.T, name, body string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(body)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestScan(t *testing.T) {
	clean := tarOf(t, map[string]string{"app/README.md": "nothing here", "app/LICENSE": "MIT"})
	tests := []struct {
		name string
		data []byte
		want string // the findings, joined by "; "; "" for none
	}{
		{"clean text", []byte("org.opencontainers.image.source=https://gitlab.example.com/group/project"), ""},
		{"clean tar.gz", gzipOf(t, clean), ""},
		{"as is", []byte("remote=https://gitlab-ci-token:" + token + "@gitlab.example.com/g/p.git"), "the origin token in f (as is)"},
		{"URL-escaping leaves a hex token as is", []byte(url.QueryEscape("x" + token + "!")), "the origin token in f (as is)"},
		{"base64 at each alignment", []byte(base64.StdEncoding.EncodeToString([]byte("u:" + token))), "the origin token in f (base64)"},
		{"base64 shifted", []byte(base64.StdEncoding.EncodeToString([]byte("user:" + token + "\n"))), "the origin token in f (base64)"},
		{"in a tar in a gzip", gzipOf(t, tarOf(t, map[string]string{"app/sbom.json": `{"source":"` + token + `"}`})),
			"the origin token in f!(gunzipped)!app/sbom.json (as is)"},
		{"in a zip", zipOf(t, "app/netrc", "password netrc-fedcba9876543210fedcba98"), "the netrc token in f!app/netrc (as is)"},
		{"in a gzip of text", gzipOf(t, []byte("a\n"+token)), "the origin token in f!(gunzipped) (as is)"},
		// An OCI tarball: its blobs are gzipped layers, unpacked whole.
		{"in a layer of an OCI tarball", tarOf(t, map[string]string{
			"index.json":        "{}",
			"blobs/sha256/aaaa": string(gzipOf(t, tarOf(t, map[string]string{"usr/bin/app": "clean"}))),
			"blobs/sha256/bbbb": string(gzipOf(t, tarOf(t, map[string]string{"etc/netrc": "password netrc-fedcba9876543210fedcba98"}))),
		}), "the netrc token in f!blobs/sha256/bbbb!(gunzipped)!etc/netrc (as is)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			found, err := Scan("f", tt.data, secrets)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range found {
				got = append(got, f.String())
			}
			if strings.Join(got, "; ") != tt.want {
				t.Fatalf("Scan() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestURLEscaped plants a secret URL escaping changes.
func TestURLEscaped(t *testing.T) {
	s := []Secret{{What: "a password", Value: "pa#ss/w0rd+long"}}
	if got := Text("the log", "https://u:"+url.QueryEscape("pa#ss/w0rd+long")+"@h/", s); len(got) != 1 || got[0].Form != "URL-escaped" {
		t.Fatalf("Text() = %v, want it found URL-escaped", got)
	}
	if got := Redact("x pa#ss/w0rd+long y", s); got != "x <a password> y" {
		t.Fatalf("Redact() = %q", got)
	}
}

func TestBrokenArchive(t *testing.T) {
	data := gzipOf(t, []byte(token))
	_, err := Scan("f", data[:len(data)-6], secrets)
	if err == nil {
		t.Fatal("a truncated gzip was read without error")
	}
}
