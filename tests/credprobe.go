package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"dagger/tests/internal/dagger"
)

// credprobeTests are the credprobe fixture's tests that must pass on every
// platform: each checks one thing test code must not see or change.
var credprobeTests = []string{"TestGreeting", "TestNoCredentialFiles", "TestNoCredentialEnv", "TestNoSecretInFiles", "TestCacheWrites", "TestNoGitMetadata"}

// TestCredentialIsolation runs test code that looks for credentials and writes into the caches.
//
// The credprobe fixture needs both private modules of the private-module
// checks, so its tests compile only with the proxy's login (in --netrc) and
// the git server's token (with-git-token). Its tests fail when they see a
// netrc, a git token file, go's private-module settings, git's
// configuration, a .git (the fixture gets one whose origin holds the git
// token, as a CI checkout leaves it), or a planted credential in the
// environment or in a file;
// and they write a marker file into every module and build cache they can
// find. Under --mode CROSS (linux/amd64 natively, linux/arm64 emulated) and
// --mode EMULATE (linux/arm64) every test must pass, and afterwards no
// marker may be in the module or build cache volumes go-build's builders
// share. A control first runs the same tests with go test inside go-build's
// builder, where the credentials are: they must fail there, and the control
// marker must be found in the shared module cache, so neither the probe nor
// the search passes for want of looking. No output holds a credential.
// +check
func (m *Tests) TestCredentialIsolation(ctx context.Context) error {
	if err := m.checkCredprobeSecrets(ctx); err != nil {
		return err
	}
	srv, err := m.startPrivServers(ctx)
	if err != nil {
		return err
	}
	defer srv.stop(ctx)
	run := fmt.Sprintf("credprobe-%d", time.Now().UnixNano())

	cross := m.credprobeGoBuild(srv, dagger.GoBuildBuildModeCross)
	if err := credprobeControl(ctx, cross, run+"-control"); err != nil {
		return err
	}
	cases := []struct {
		mode      dagger.GoBuildBuildMode
		gb        *dagger.GoBuild
		platforms []string
	}{
		{dagger.GoBuildBuildModeCross, cross, []string{"linux/amd64", "linux/arm64"}},
		{dagger.GoBuildBuildModeEmulate, m.credprobeGoBuild(srv, dagger.GoBuildBuildModeEmulate), []string{"linux/arm64"}},
	}
	var problems []string
	for _, c := range cases {
		marker := fmt.Sprintf("%s-%s", run, strings.ToLower(string(c.mode)))
		problems = append(problems, m.credprobeRun(ctx, c.gb, string(c.mode), c.platforms, marker)...)
		// The build caches are per builder platform: the engine's in
		// CROSS mode, each target's in EMULATE.
		inspect := []string{""}
		if c.mode == dagger.GoBuildBuildModeEmulate {
			inspect = c.platforms
		}
		for _, arch := range inspect {
			found, err := findMarker(ctx, c.gb, arch, marker)
			if err != nil {
				return err
			}
			if len(found) > 0 {
				problems = append(problems, fmt.Sprintf("--mode %s: the test wrote into the caches go-build's builders share (removed again): %s",
					c.mode, strings.Join(found, ", ")))
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("test code was not isolated from the credentials and shared caches:\n%s", strings.Join(problems, "\n"))
	}
	return nil
}

// checkCredprobeSecrets fails when the fixture's planted credentials (kept
// reversed) are not the ones the private-module servers accept: the probe
// would look for the wrong strings.
func (m *Tests) checkCredprobeSecrets(ctx context.Context) error {
	src, err := dag.CurrentModule().Source().File("testdata/credprobe/probe_test.go").Contents(ctx)
	if err != nil {
		return err
	}
	for _, s := range []struct{ what, value string }{{"the proxy password", privPassword}, {"the git token", privGitToken}} {
		r := []byte(s.value)
		slices.Reverse(r)
		if !strings.Contains(src, `"`+string(r)+`"`) {
			return fmt.Errorf("testdata/credprobe/probe_test.go does not plant %s (reversed) of tests/privatemodules.go", s.what)
		}
	}
	return nil
}

// credprobeGoBuild is go-build for the credprobe fixture in mode, with the
// proxy's login in --netrc and the git server's as a git token, its caches
// in a namespace of their own.
func (m *Tests) credprobeGoBuild(srv *privServers, mode dagger.GoBuildBuildMode) *dagger.GoBuild {
	netrc := fmt.Sprintf("machine %s:%d login %s password %s\n", privProxyHost, privProxyPort, privUser, privPassword)
	opts := srv.opts("credprobe", srv.ca, netrc)
	opts.Mode = mode
	// A .git whose origin carries the git token, as a CI checkout leaves
	// it: the test binaries must not see it (TestNoGitMetadata).
	source := dag.CurrentModule().Source().Directory("testdata/credprobe").
		WithNewFile(".git/config", fmt.Sprintf("[remote \"origin\"]\n\turl = https://%s:%s@%s/group/credprobe.git\n", privUser, privGitToken, privGitHost))
	return srv.bind(m.goBuildOf(source, opts)).
		WithGitToken(privGitHost, dag.SetSecret("go-build-check-credprobe-git-token", privGitToken),
			dagger.GoBuildWithGitTokenOpts{Username: privUser})
}

// credprobeRun runs the fixture's tests with go-build's test and returns
// what is wrong: a test that did not pass on a platform (with its output),
// or a credential in the output.
func (m *Tests) credprobeRun(ctx context.Context, gb *dagger.GoBuild, mode string, platforms []string, marker string) []string {
	out, err := gb.Test(ctx, dagger.GoBuildTestOpts{
		Platforms: platforms,
		RunImage:  m.RunImage,
		Format:    dagger.GoBuildTestOutputFormat("JSON"),
		Args:      []string{"-marker=" + marker},
	})
	text := out
	if err != nil {
		text = errorText(err)
	}
	if leak := noPrivSecret("the output of test --mode "+mode, text); leak != nil {
		return []string{leak.Error()}
	}
	passed := map[string]bool{}
	output := map[string][]string{}
	for _, e := range parseTestOutput(text) {
		key := e.Platform + " " + e.Test
		switch e.Action {
		case "pass":
			passed[key] = true
		case "output":
			output[key] = append(output[key], strings.TrimRight(e.Output, "\n"))
		}
	}
	var problems []string
	for _, p := range platforms {
		for _, name := range credprobeTests {
			key := p + " " + name
			if passed[key] {
				continue
			}
			problems = append(problems, fmt.Sprintf("--mode %s, %s: %s did not pass:\n  %s", mode, p, name, strings.Join(output[key], "\n  ")))
		}
	}
	if len(problems) > 0 && len(passed) == 0 {
		problems = append(problems, fmt.Sprintf("--mode %s: no test passed; the output:\n%s", mode, text))
	}
	return problems
}

// testOutputEvent is a go test -json event with its output.
type testOutputEvent struct {
	testEvent
	Output string
}

// parseTestOutput reads the go test -json events, one a line, in text.
func parseTestOutput(text string) []testOutputEvent {
	var events []testOutputEvent
	for _, line := range strings.Split(text, "\n") {
		i := strings.Index(line, "{\"")
		if i < 0 {
			continue
		}
		var e testOutputEvent
		if json.Unmarshal([]byte(line[i:]), &e) == nil && e.Action != "" {
			events = append(events, e)
		}
	}
	return events
}

// credprobeControl runs the fixture's tests with go test in go-build's own
// builder (engine's platform), where the netrc, the git token and the
// shared caches are: the probe must fail there naming the netrc and the
// token files, and its marker must be found in the shared module cache.
func credprobeControl(ctx context.Context, gb *dagger.GoBuild, marker string) error {
	ran := gb.Builder().
		WithExec([]string{"go", "test", "-count=1", "-v", ".", "-args", "-marker=" + marker},
			dagger.ContainerWithExecOpts{Expect: dagger.ReturnTypeAny})
	code, err := ran.ExitCode(ctx)
	if err != nil {
		return fmt.Errorf("control: go test of the credprobe fixture in go-build's builder: %s", errorText(err))
	}
	out, err := ran.Stdout(ctx)
	if err != nil {
		return fmt.Errorf("control: %s", errorText(err))
	}
	if leak := noPrivSecret("the control's output", out); leak != nil {
		return leak
	}
	for _, want := range []string{"--- FAIL: TestNoCredentialFiles", "/root/.netrc exists", "/run/go-build exists",
		"--- FAIL: TestNoCredentialEnv", "$GOPRIVATE is set", "--- FAIL: TestNoSecretInFiles", "/root/.netrc holds a planted credential",
		"--- FAIL: TestNoGitMetadata", ".git exists"} {
		if code == 0 || !strings.Contains(out, want) {
			return fmt.Errorf("control: go test of the credprobe fixture in go-build's builder (which holds the credentials) exited %d without %q: the probe cannot see credentials; its output:\n%s",
				code, want, out)
		}
	}
	found, err := findMarker(ctx, gb, "", marker)
	if err != nil {
		return err
	}
	if len(found) == 0 {
		return fmt.Errorf("control: the marker %s written by go test in go-build's builder is not in the shared caches: the search cannot find a write; go test's output:\n%s", marker, out)
	}
	return nil
}

// findMarker lists, and removes, the files named marker in the module cache
// and the build cache of go-build's builder for arch ("" for the engine's
// platform), from a fresh container of that builder.
func findMarker(ctx context.Context, gb *dagger.GoBuild, arch, marker string) ([]string, error) {
	out, err := gb.Builder(dagger.GoBuildBuilderOpts{Arch: arch}).
		WithEnvVariable("MARKER", marker).
		WithExec([]string{"sh", "-c", `find "$GOMODCACHE" "$GOCACHE" -name "$MARKER" -print -exec rm -f {} +`}).
		Stdout(ctx)
	if err != nil {
		return nil, fmt.Errorf("looking for the marker %s in the shared caches (builder %q): %s", marker, arch, errorText(err))
	}
	return strings.Fields(out), nil
}
