package testpki

import (
	"crypto/tls"
	"crypto/x509"
	"strings"
	"testing"
	"time"
)

func TestNewVerifies(t *testing.T) {
	tests := []struct {
		name    string
		names   []string
		verify  string
		wantErr string
	}{
		{"dns name", []string{"mods.internal", "git.internal"}, "git.internal", ""},
		{"ip address", []string{"mods.internal", "127.0.0.1"}, "127.0.0.1", ""},
		{"other name", []string{"mods.internal"}, "evil.internal", "certificate is valid for mods.internal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := New("check CA", tt.names, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			pair, err := tls.X509KeyPair([]byte(p.Cert), []byte(p.Key))
			if err != nil {
				t.Fatal(err)
			}
			leaf, err := x509.ParseCertificate(pair.Certificate[0])
			if err != nil {
				t.Fatal(err)
			}
			roots := x509.NewCertPool()
			if !roots.AppendCertsFromPEM([]byte(p.CA)) {
				t.Fatal("CA does not parse")
			}
			_, err = leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: tt.verify})
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("verify %s: %v, want %q", tt.verify, err, tt.wantErr)
			}
			// Another CA must not verify it.
			other, err := New("other CA", tt.names, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			otherRoots := x509.NewCertPool()
			otherRoots.AppendCertsFromPEM([]byte(other.CA))
			if _, err := leaf.Verify(x509.VerifyOptions{Roots: otherRoots, DNSName: tt.names[0]}); err == nil {
				t.Fatal("a certificate verified against another CA")
			}
		})
	}
}

func TestNewNeedsAName(t *testing.T) {
	if _, err := New("CA", nil, time.Hour); err == nil {
		t.Fatal("New with no names succeeded")
	}
}
