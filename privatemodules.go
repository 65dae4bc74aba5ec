package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/privmod"
)

// GitToken is a token git presents over HTTPS for one host, set by
// withGitToken.
type GitToken struct {
	// Host, or host:port, the token is for.
	Host string
	// User name sent with the token.
	Username string
	// The token.
	Token *dagger.Secret
}

// ServiceBinding is a service reachable under a host name from every
// container that fetches modules, set by withServiceBinding.
type ServiceBinding struct {
	// Host name the service answers to.
	Alias string
	// The service.
	Service *dagger.Service
}

// Where the credentials are mounted in the builders: the paths are named
// in the environment and git's configuration; the contents never are.
const (
	netrcPath    = "/root/.netrc"
	gitTokenDir  = "/run/go-build"
	systemCADir  = "/etc/ssl/certs"
	companyCADir = "/usr/local/share/go-build/ca-certificates"
	// companyCAFile is the CA bundle, in a directory of its own.
	companyCAFile = companyCADir + "/company-ca.pem"
)

// WithGitToken gives git a token for a host's HTTPS repositories.
//
// Modules under --goprivate that no proxy serves are fetched with git; git
// asks a credential helper for the host's login, and the helper reads the
// token from a secret file when git asks: the token is in no environment
// variable, layer or log. Chain it once per host, e.g.
// `with-git-token --host github.com --token env:GITHUB_TOKEN`.
func (m *GoBuild) WithGitToken(
	// Host, or host:port when not 443, e.g. github.com, gitlab.corp.example.com or git.internal:8443.
	host string,
	// The token, e.g. env:GITHUB_TOKEN (a GitHub or GitLab personal access token).
	token *dagger.Secret,
	// User name sent with the token: GitHub and GitLab take any name with a
	// personal access token; GitLab CI's job token wants gitlab-ci-token.
	// +default="oauth2"
	username string,
) (*GoBuild, error) {
	host, err := privmod.ParseGitHost(host)
	if err != nil {
		return nil, err
	}
	if token == nil {
		return nil, fmt.Errorf("with-git-token --host %s: want --token, a secret (e.g. env:GITHUB_TOKEN)", host)
	}
	next := *m
	next.GitTokens = append(slices.Clone(m.GitTokens), GitToken{Host: host, Username: username, Token: token})
	if _, err := next.gitConfig(); err != nil {
		return nil, err
	}
	return &next, nil
}

// WithServiceBinding makes a service answer under a host name in every module fetch.
//
// The builders (native and EMULATE), test, release, image and publish all
// reach it, e.g. a module proxy running on the machine that runs dagger:
// `with-service-binding --alias mods.internal --service tcp://127.0.0.1:8443`
// makes https://mods.internal:8443 answer from there. Chain it once per
// host. The binding is no secret; logins stay in --netrc and with-git-token.
func (m *GoBuild) WithServiceBinding(
	// Host name the service answers to, e.g. mods.internal. The server's
	// certificate must name it.
	alias string,
	// The service, e.g. tcp://127.0.0.1:8443 (a port on the machine that
	// runs dagger) or a service of another module.
	service *dagger.Service,
) (*GoBuild, error) {
	if err := privmod.CheckAlias(alias); err != nil {
		return nil, err
	}
	if service == nil {
		return nil, fmt.Errorf("with-service-binding --alias %s: want --service, e.g. tcp://127.0.0.1:8443", alias)
	}
	next := *m
	next.ServiceBindings = append(slices.Clone(m.ServiceBindings), ServiceBinding{Alias: alias, Service: service})
	return &next, nil
}

// privateSettings is the go command's module settings.
func (m *GoBuild) privateSettings() privmod.Settings {
	return privmod.Settings{
		Private: m.GoPrivate, Proxy: m.GoProxy, NoProxy: m.GoNoProxy,
		NoSumDB: m.GoNoSumDB, SumDB: m.GoSumDB,
	}
}

// checkCABundle reads the CA bundle, before any work, so one that is not
// PEM certificates fails naming the option. Given as a file or as a
// secret, not both.
func checkCABundle(ctx context.Context, f *dagger.File, secret *dagger.Secret) error {
	var data string
	var err error
	switch {
	case f != nil && secret != nil:
		return fmt.Errorf("--ca-certificates and --ca-certificates-secret: give the CA bundle once, as a file or as a secret")
	case f != nil:
		data, err = f.Contents(ctx)
	case secret != nil:
		data, err = secret.Plaintext(ctx)
	default:
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the CA bundle: %v", err)
	}
	return privmod.CheckCABundle(data)
}

// gitConfig is git's configuration in the builders, as (key, value): the
// source's directory is safe to read (it belongs to another user than the
// builder's), and each token host asks the credential helper that reads
// its token file.
func (m *GoBuild) gitConfig() ([][2]string, error) {
	config := [][2]string{{"safe.directory", "*"}}
	for i, tok := range m.GitTokens {
		key, value, err := privmod.GitToken{Host: tok.Host, Username: tok.Username, TokenFile: gitTokenFile(i)}.GitConfig()
		if err != nil {
			return nil, err
		}
		config = append(config, [2]string{key, value})
	}
	return config, nil
}

func gitTokenFile(i int) string {
	return gitTokenDir + "/git-token-" + strconv.Itoa(i)
}

// withCompanyCA adds the company's CA certificates to what go and git
// trust, beside the system bundle (the public CAs stay trusted): a file in
// a directory of its own, which go reads as one of SSL_CERT_DIR's and git
// (curl, GnuTLS or OpenSSL) as its CA path. The system bundle itself is not
// edited: the engine installs its own CAs into it for each exec and puts
// the file back afterwards, which drops anything an exec appended. It comes
// before caches and the source, so its layer is shared by every build of
// the same image and bundle.
func (m *GoBuild) withCompanyCA(ctr *dagger.Container) *dagger.Container {
	switch {
	case m.CACertificates != nil:
		ctr = ctr.WithFile(companyCAFile, m.CACertificates)
	case m.CACertificatesSecret != nil:
		ctr = ctr.WithMountedSecret(companyCAFile, m.CACertificatesSecret, dagger.ContainerWithMountedSecretOpts{Mode: 0o444})
	default:
		return ctr
	}
	return ctr.
		WithEnvVariable("SSL_CERT_DIR", systemCADir+":"+companyCADir).
		WithEnvVariable("GIT_SSL_CAPATH", companyCADir)
}

// withModuleAccess gives ctr what fetching private modules needs: go's
// module settings, the netrc and git tokens as secret files, git's
// configuration and the service bindings. Nothing here puts a credential
// in the environment: only the files' paths are named.
func (m *GoBuild) withModuleAccess(ctr *dagger.Container) *dagger.Container {
	for _, kv := range m.privateSettings().Env() {
		ctr = ctr.WithEnvVariable(kv[0], kv[1])
	}
	if m.Netrc != nil {
		// go reads $NETRC (else $HOME/.netrc), git's curl $HOME/.netrc.
		ctr = ctr.WithMountedSecret(netrcPath, m.Netrc).WithEnvVariable("NETRC", netrcPath)
	}
	for i, tok := range m.GitTokens {
		ctr = ctr.WithMountedSecret(gitTokenFile(i), tok.Token)
	}
	// Checked by withGitToken: no error here.
	config, _ := m.gitConfig()
	ctr = ctr.WithEnvVariable("GIT_CONFIG_COUNT", strconv.Itoa(len(config)))
	for i, kv := range config {
		ctr = ctr.
			WithEnvVariable("GIT_CONFIG_KEY_"+strconv.Itoa(i), kv[0]).
			WithEnvVariable("GIT_CONFIG_VALUE_"+strconv.Itoa(i), kv[1])
	}
	for _, b := range m.ServiceBindings {
		ctr = ctr.WithServiceBinding(b.Alias, b.Service)
	}
	return ctr
}
