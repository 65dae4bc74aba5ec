package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"dagger/tests/internal/dagger"
	"dagger/tests/internal/testpki"
)

// The private-module servers accept one login each: privUser with
// privPassword at the module proxy (mods.internal:8443), privUser with
// privGitToken at the git server (git.internal, port 443). The check
// searches every output for each of these values.
const (
	privUser          = "go-build-check"
	privPassword      = "go-build-check-pr1vate-pw"
	privWrongPassword = "go-build-check-wr0ng-pw"
	privGitToken      = "go-build-check-g1t-t0ken"

	privProxyHost = "mods.internal"
	privProxyPort = 8443
	privGitHost   = "git.internal"
	// privOutput is what the fixture prints: both private modules'
	// strings.
	privOutput = "hello from the private module mods.internal/greet and from git.internal/words"
)

// privServers are the two HTTPS servers of a private-module check, with
// the CA that signed their certificate.
type privServers struct {
	ca         string
	proxy, git *dagger.Service
}

// privserver is the tests module's server program (tests/privserver),
// built in the builder image.
func (m *Tests) privserver() *dagger.File {
	src := dag.CurrentModule().Source()
	return dag.Container().From(m.BuilderImage).
		WithMountedCache("/go/pkg/mod", dag.CacheVolume("go-build-tests-privserver-gomod")).
		WithMountedCache("/root/.cache/go-build", dag.CacheVolume("go-build-tests-privserver-gocache")).
		WithDirectory("/src", src, dagger.ContainerWithDirectoryOpts{
			Include: []string{"go.mod", "go.sum", "privserver/*.go", "internal/testpki/*.go"},
			Exclude: []string{"**/*_test.go"},
		}).
		WithWorkdir("/src").
		WithEnvVariable("CGO_ENABLED", "0").
		WithExec([]string{"go", "build", "-o", "/privserver", "./privserver"}).
		File("/privserver")
}

// startPrivServers makes a CA and starts the module proxy serving
// mods.internal/greet and the git server serving git.internal/words, both
// with certificates for their host names signed by the CA.
func (m *Tests) startPrivServers(ctx context.Context) (*privServers, error) {
	pki, err := testpki.New("go-build check CA", []string{privProxyHost, privGitHost}, 24*time.Hour)
	if err != nil {
		return nil, err
	}
	fixtures := dag.CurrentModule().Source().Directory("testdata/private")
	server := dag.Container().From(m.BuilderImage).
		WithFile("/usr/local/bin/privserver", m.privserver()).
		WithNewFile("/certs/cert.pem", pki.Cert).
		WithNewFile("/certs/key.pem", pki.Key)
	proxy, err := server.
		WithMountedSecret("/password", dag.SetSecret("go-build-check-proxy-password", privPassword)).
		WithDirectory("/modules/greet", fixtures.Directory("greet")).
		WithExposedPort(privProxyPort).
		AsService(dagger.ContainerAsServiceOpts{Args: []string{
			"privserver", "proxy", "-addr", fmt.Sprintf(":%d", privProxyPort), "-certs", "/certs",
			"-user", privUser, "-password-file", "/password",
			"-module", "mods.internal/greet@v1.0.0=/modules/greet",
		}}).
		Start(ctx)
	if err != nil {
		return nil, fmt.Errorf("starting the module proxy: %s", errorText(err))
	}
	git, err := server.
		WithMountedSecret("/password", dag.SetSecret("go-build-check-git-password", privGitToken)).
		WithDirectory("/src/words", fixtures.Directory("words")).
		WithExec([]string{"sh", "-c", `set -eu
cd /src/words
git init -q
git add .
git -c user.name=check -c user.email=check@go-build.invalid commit -q -m v1.0.0
git tag v1.0.0
git clone -q --bare /src/words /srv/git/words.git`}).
		WithExposedPort(443).
		AsService(dagger.ContainerAsServiceOpts{Args: []string{
			"privserver", "git", "-addr", ":443", "-certs", "/certs",
			"-user", privUser, "-password-file", "/password",
			"-repos", "/srv/git", "-host", privGitHost,
		}}).
		Start(ctx)
	if err != nil {
		proxy.Stop(ctx)
		return nil, fmt.Errorf("starting the git server: %s", errorText(err))
	}
	return &privServers{ca: pki.CA, proxy: proxy, git: git}, nil
}

func (s *privServers) stop(ctx context.Context) {
	s.proxy.Stop(ctx)
	s.git.Stop(ctx)
}

// privOpts is how the fixture reaches the two servers: both module paths
// private (no checksum database), mods.internal through the proxy and
// git.internal from its repository. ca and netrc may be empty (left out).
func (s *privServers) opts(namespace, ca, netrc string) dagger.GoBuildOpts {
	opts := dagger.GoBuildOpts{
		CacheNamespace: namespace,
		Goprivate:      []string{privProxyHost, privGitHost},
		Goproxy:        []string{fmt.Sprintf("https://%s:%d", privProxyHost, privProxyPort)},
		Gonoproxy:      []string{privGitHost},
	}
	if ca != "" {
		opts.CaCertificates = dag.Directory().WithNewFile("ca.pem", ca).File("ca.pem")
	}
	if netrc != "" {
		opts.Netrc = dag.SetSecret("go-build-check-netrc-"+namespace, netrc)
	}
	return opts
}

// bind binds the two servers under their host names.
func (s *privServers) bind(gb *dagger.GoBuild) *dagger.GoBuild {
	return gb.WithServiceBinding(privProxyHost, s.proxy).WithServiceBinding(privGitHost, s.git)
}

// privSecrets are the credential values no output may hold.
var privSecrets = []struct{ what, value string }{
	{"the proxy password", privPassword},
	{"the wrong password", privWrongPassword},
	{"the git token", privGitToken},
}

// noPrivSecret fails when text holds a credential, naming which without
// showing it.
func noPrivSecret(what, text string) error {
	for _, s := range privSecrets {
		if strings.Contains(text, s.value) {
			return fmt.Errorf("%s appears in %s:\n%s", s.what, what, strings.ReplaceAll(text, s.value, "<"+s.what+">"))
		}
	}
	return nil
}

// PrivateModules builds a module that needs two private modules served over HTTPS with basic auth.
//
// One comes from a module proxy (mods.internal:8443), one from a git
// server over smart HTTP (git.internal, git http-backend, its go-get=1
// page answered), both with certificates of a CA the check makes, reached
// through with-service-binding. With the CA and a netrc holding both
// logins (the proxy's machine with its port, the git server's without),
// the image for amd64 and arm64 builds, and the amd64 binary prints both
// modules' strings. With the git login given by with-git-token instead,
// it builds too. fetch-module fetches the proxy's module. Neither
// password nor token appears in the output, in the builder's environment,
// or in any blob of the image (SBOMs and provenance included).
// +check
func (m *Tests) PrivateModules(ctx context.Context) error {
	srv, err := m.startPrivServers(ctx)
	if err != nil {
		return err
	}
	defer srv.stop(ctx)
	proxyLine := fmt.Sprintf("machine %s:%d login %s password %s\n", privProxyHost, privProxyPort, privUser, privPassword)
	gitLine := fmt.Sprintf("machine %s login %s password %s\n", privGitHost, privUser, privGitToken)
	src := dag.CurrentModule().Source().Directory("testdata/private/app")

	gb := srv.bind(m.goBuildOf(src, srv.opts("private-netrc", srv.ca, proxyLine+gitLine)))
	layout, err := readLayout(ctx, gb.Image())
	if err != nil {
		return fmt.Errorf("the image of the private-module fixture (amd64, arm64) with the CA, the netrc and the bindings: %s", errorText(err))
	}
	for _, s := range privSecrets {
		blobs, err := layout.BlobsContaining(s.value)
		if err != nil {
			return err
		}
		if len(blobs) > 0 {
			return fmt.Errorf("%s appears in the image (its layers, SBOMs or provenance), in %v", s.what, blobs)
		}
	}
	// The SBOMs were searched: they are there and list the private module.
	if blobs, err := layout.BlobsContaining("mods.internal/greet"); err != nil || len(blobs) == 0 {
		return fmt.Errorf("no blob of the image names mods.internal/greet (%v): the SBOM should list the private module", err)
	}
	out, err := m.runPrivApp(ctx, gb)
	if err != nil {
		return err
	}
	if err := noPrivSecret("the program's output", out); err != nil {
		return err
	}
	if !strings.Contains(out, privOutput) {
		return fmt.Errorf("the amd64 binary printed %q, want %q", out, privOutput)
	}
	builder := gb.Builder(dagger.GoBuildBuilderOpts{Arch: "arm64"})
	env, err := builder.EnvVariables(ctx)
	if err != nil {
		return fmt.Errorf("the arm64 builder: %s", errorText(err))
	}
	for _, e := range env {
		name, err := e.Name(ctx)
		if err != nil {
			return err
		}
		value, err := e.Value(ctx)
		if err != nil {
			return err
		}
		if err := noPrivSecret("the builder's environment", name+"="+value); err != nil {
			return err
		}
	}
	fetched, err := gb.FetchModule("mods.internal/greet@v1.0.0").File("greet.go").Contents(ctx)
	if err != nil || !strings.Contains(fetched, "hello from the private module") {
		return fmt.Errorf("fetch-module mods.internal/greet@v1.0.0: greet.go %q, %s", fetched, errorText(err))
	}

	// The git login as a token (its own cold module cache).
	gb = srv.bind(m.goBuildOf(src, srv.opts("private-git-token", srv.ca, proxyLine))).
		WithGitToken(privGitHost, dag.SetSecret("go-build-check-git-token", privGitToken), dagger.GoBuildWithGitTokenOpts{Username: privUser})
	if _, err := gb.Build(dagger.GoBuildBuildOpts{Arch: "arm64"}).Entries(ctx); err != nil {
		text := errorText(err)
		if leak := noPrivSecret("the error of the build with with-git-token", text); leak != nil {
			return leak
		}
		return fmt.Errorf("building for arm64 with the git token given by with-git-token: %s", text)
	}
	return nil
}

// runPrivApp builds the fixture for amd64 and runs it.
func (m *Tests) runPrivApp(ctx context.Context, gb *dagger.GoBuild) (string, error) {
	bins := gb.Build(dagger.GoBuildBuildOpts{Arch: "amd64"})
	out, err := dag.Container(dagger.ContainerOpts{Platform: "linux/amd64"}).From(m.RunImage).
		WithFile("/usr/local/bin/privapp", bins.File("privapp")).
		WithExec([]string{"privapp"}).
		Stdout(ctx)
	if err != nil {
		text := errorText(err)
		if leak := noPrivSecret("the error of the amd64 build", text); leak != nil {
			return "", leak
		}
		return "", fmt.Errorf("building and running the amd64 binary: %s", text)
	}
	return out, nil
}

// PrivateModulesRefused checks that a wrong login or a missing CA fails clearly, without a secret.
//
// A wrong password for the module proxy fails naming the module
// (mods.internal/greet), the host and the server's 401; a missing git
// login fails naming git.internal/words and the refusal; without
// --ca-certificates the build fails naming the certificate problem, the
// host and the option. Each build has a cache of its own, never warmed by
// a build that succeeded, and no error holds a credential.
// +check
func (m *Tests) PrivateModulesRefused(ctx context.Context) error {
	srv, err := m.startPrivServers(ctx)
	if err != nil {
		return err
	}
	defer srv.stop(ctx)
	src := dag.CurrentModule().Source().Directory("testdata/private/app")
	wrongProxy := fmt.Sprintf("machine %s:%d login %s password %s\n", privProxyHost, privProxyPort, privUser, privWrongPassword)
	rightProxy := fmt.Sprintf("machine %s:%d login %s password %s\n", privProxyHost, privProxyPort, privUser, privPassword)
	gitLine := fmt.Sprintf("machine %s login %s password %s\n", privGitHost, privUser, privGitToken)
	cases := []struct {
		name      string
		namespace string
		ca        string
		netrc     string
		want      []string
	}{
		{"a wrong proxy password", "private-wrong-password", srv.ca, wrongProxy + gitLine,
			[]string{"mods.internal:8443 refused the credentials for module mods.internal/greet (401 Unauthorized)", "machine mods.internal:8443"}},
		{"no git login", "private-no-git-login", srv.ca, rightProxy,
			[]string{"git.internal refused the credentials for module git.internal/words", "with-git-token --host git.internal"}},
		{"no CA", "private-no-ca", "", rightProxy + gitLine,
			[]string{"x509: certificate signed by unknown authority", ".internal is not trusted", "--ca-certificates"}},
	}
	for _, c := range cases {
		gb := srv.bind(m.goBuildOf(src, srv.opts(c.namespace, c.ca, c.netrc)))
		_, err := gb.Build(dagger.GoBuildBuildOpts{Arch: "arm64"}).Entries(ctx)
		text := errorText(err)
		if leak := noPrivSecret("the error of the build with "+c.name, text); leak != nil {
			return leak
		}
		if err == nil {
			return fmt.Errorf("the build with %s succeeded; want it to fail", c.name)
		}
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				return fmt.Errorf("the build with %s failed with %q; want an error holding %q", c.name, text, w)
			}
		}
	}
	return nil
}
