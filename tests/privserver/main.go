// Command privserver is the private module servers of go-build's checks, as
// a company runs them: HTTPS with a certificate from its own CA and basic
// auth on every module request.
//
//	privserver certs -dir DIR -names mods.internal,127.0.0.1
//	    writes DIR/ca.pem (the CA to trust), DIR/cert.pem and DIR/key.pem
//	privserver proxy -addr :8443 -certs DIR -user U -password-file F -module PATH@VERSION=SRCDIR ...
//	    a Go module proxy (the GOPROXY protocol: @v/list, .info, .mod, .zip)
//	privserver git -addr :443 -certs DIR -user U -password-file F -repos DIR -host git.internal
//	    git over smart HTTP (git http-backend) for the bare repositories
//	    DIR/<name>.git, and the go-get=1 page of the module path host/<name>
//
// The go-get=1 page answers without a login, as GitHub's and GitLab's do;
// the module's content never does.
package main

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"log"
	"net/http"
	"net/http/cgi"
	"os"
	"path/filepath"
	"strings"
	"time"

	"dagger/tests/internal/testpki"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("privserver: ")
	if len(os.Args) < 2 {
		log.Fatal("usage: privserver certs|proxy|git [flags]")
	}
	var err error
	switch os.Args[1] {
	case "certs":
		err = certs(os.Args[2:])
	case "proxy":
		err = proxy(os.Args[2:])
	case "git":
		err = gitServer(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: want certs, proxy or git", os.Args[1])
	}
	if err != nil {
		log.Fatal(err)
	}
}

func certs(args []string) error {
	fs := flag.NewFlagSet("certs", flag.ExitOnError)
	dir := fs.String("dir", ".", "directory to write ca.pem, cert.pem and key.pem to")
	names := fs.String("names", "mods.internal", "comma-separated host names and addresses of the server certificate")
	fs.Parse(args)
	p, err := testpki.New("privserver CA", strings.Split(*names, ","), 30*24*time.Hour)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	for name, data := range map[string]string{"ca.pem": p.CA, "cert.pem": p.Cert, "key.pem": p.Key} {
		if err := os.WriteFile(filepath.Join(*dir, name), []byte(data), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// server is what both servers share: the address, the TLS files and the
// one login they accept.
type server struct {
	addr, certDir, user, passwordFile string
	password                          string
}

func (s *server) flags(fs *flag.FlagSet, addr string) {
	fs.StringVar(&s.addr, "addr", addr, "address to listen on")
	fs.StringVar(&s.certDir, "certs", ".", "directory holding cert.pem and key.pem")
	fs.StringVar(&s.user, "user", "me", "the user name accepted")
	fs.StringVar(&s.passwordFile, "password-file", "", "file holding the password accepted")
}

func (s *server) serve(h http.Handler) error {
	pw, err := os.ReadFile(s.passwordFile)
	if err != nil {
		return fmt.Errorf("reading -password-file: %w", err)
	}
	s.password = strings.TrimSpace(string(pw))
	if s.password == "" {
		return errors.New("-password-file is empty")
	}
	log.Printf("listening on %s (HTTPS)", s.addr)
	return http.ListenAndServeTLS(s.addr, filepath.Join(s.certDir, "cert.pem"), filepath.Join(s.certDir, "key.pem"), h)
}

// authorized answers 401 (with a Basic challenge, so git asks its
// credential helper) unless the request carries the login.
func (s *server) authorized(w http.ResponseWriter, r *http.Request) bool {
	user, pw, ok := r.BasicAuth()
	if ok && subtle.ConstantTimeCompare([]byte(user), []byte(s.user)) == 1 &&
		subtle.ConstantTimeCompare([]byte(pw), []byte(s.password)) == 1 {
		return true
	}
	log.Printf("401 %s %s (login given: %v)", r.Method, r.URL.Path, ok)
	w.Header().Set("WWW-Authenticate", `Basic realm="privserver"`)
	http.Error(w, "401 Unauthorized: this server wants a login", http.StatusUnauthorized)
	return false
}

// moduleFlags collects -module path@version=dir.
type moduleFlags []string

func (m *moduleFlags) String() string     { return strings.Join(*m, " ") }
func (m *moduleFlags) Set(v string) error { *m = append(*m, v); return nil }

// version is one module version the proxy serves.
type version struct {
	mod   module.Version
	goMod []byte
	zip   []byte
}

func proxy(args []string) error {
	fs := flag.NewFlagSet("proxy", flag.ExitOnError)
	var s server
	s.flags(fs, ":8443")
	var mods moduleFlags
	fs.Var(&mods, "module", "a module version to serve, as path@version=source-directory (repeatable)")
	fs.Parse(args)
	versions := map[string][]version{} // by module path
	for _, spec := range mods {
		v, err := loadVersion(spec)
		if err != nil {
			return err
		}
		versions[v.mod.Path] = append(versions[v.mod.Path], v)
		log.Printf("serving %s", v.mod)
	}
	return s.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(w, r) {
			return
		}
		escaped, rest, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/@v/")
		path, err := module.UnescapePath(escaped)
		if !ok || err != nil || versions[path] == nil {
			http.NotFound(w, r)
			return
		}
		if rest == "list" {
			for _, v := range versions[path] {
				fmt.Fprintln(w, v.mod.Version)
			}
			return
		}
		for _, v := range versions[path] {
			ev, _ := module.EscapeVersion(v.mod.Version)
			switch rest {
			case ev + ".info":
				json.NewEncoder(w).Encode(map[string]string{"Version": v.mod.Version, "Time": "2026-01-01T00:00:00Z"})
				return
			case ev + ".mod":
				w.Write(v.goMod)
				return
			case ev + ".zip":
				w.Write(v.zip)
				return
			}
		}
		http.NotFound(w, r)
	}))
}

// loadVersion zips path@version=dir as the module zip format wants it.
func loadVersion(spec string) (version, error) {
	pv, dir, ok := strings.Cut(spec, "=")
	path, ver, ok2 := strings.Cut(pv, "@")
	if !ok || !ok2 {
		return version{}, fmt.Errorf("-module %q: want path@version=source-directory", spec)
	}
	v := version{mod: module.Version{Path: path, Version: ver}}
	var err error
	if v.goMod, err = os.ReadFile(filepath.Join(dir, "go.mod")); err != nil {
		return version{}, fmt.Errorf("-module %q: %w", spec, err)
	}
	var buf bytes.Buffer
	if err := modzip.CreateFromDir(&buf, v.mod, dir); err != nil {
		return version{}, fmt.Errorf("-module %q: zipping: %w", spec, err)
	}
	v.zip = buf.Bytes()
	return v, nil
}

func gitServer(args []string) error {
	fs := flag.NewFlagSet("git", flag.ExitOnError)
	var s server
	s.flags(fs, ":443")
	repos := fs.String("repos", "/srv/git", "directory of bare repositories <name>.git")
	host := fs.String("host", "git.internal", "host name of the module paths (<host>/<name>)")
	backend := fs.String("http-backend", "/usr/lib/git-core/git-http-backend", "git http-backend")
	fs.Parse(args)
	cgiHandler := &cgi.Handler{
		Path: *backend,
		Env:  []string{"GIT_PROJECT_ROOT=" + *repos, "GIT_HTTP_EXPORT_ALL=1"},
	}
	return s.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.Trim(r.URL.Path, "/")
		if r.URL.Query().Get("go-get") == "1" && !strings.Contains(name, ".git") {
			repo := strings.SplitN(name, "/", 2)[0]
			if _, err := os.Stat(filepath.Join(*repos, repo+".git")); err != nil {
				http.NotFound(w, r)
				return
			}
			root := *host + "/" + repo
			fmt.Fprintf(w, "<!DOCTYPE html>\n<html><head><meta name=\"go-import\" content=\"%s git https://%s.git\"></head><body></body></html>\n",
				html.EscapeString(root), html.EscapeString(root))
			return
		}
		if !s.authorized(w, r) {
			return
		}
		cgiHandler.ServeHTTP(w, r)
	}))
}
