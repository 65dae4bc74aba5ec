package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"dagger/tests/internal/dagger"
	"dagger/tests/internal/faultproxy"
)

// faultPlatforms are the platforms of the fault checks' image: two, so
// the image is an index with attestations, as users publish it.
var faultPlatforms = []string{"linux/amd64", "linux/arm64"}

// faultStallTimeout is the publishes' --stall-timeout: a stalled request
// is cut after it, so a check with stalls takes tens of seconds, not
// minutes.
const faultStallTimeout = "5s"

// faultRepository is where the fault checks push; the host is a name only,
// the image goes to the registry service through the proxy.
const faultRepository = "registry.test/faults/"

// FaultRegistry runs a registry behind the fault-injecting proxy, as a service.
//
// Port 5000 is the registry, port 8080 the proxy's control API: PUT
// /fault?do=503&every=4 (do: 503, 429, 500, cut, stall, drip or endless; match: write,
// upload, commit, manifest, tag or any; limit; after N blob commits), GET
// /stats. For publish and crane from the host, e.g. `up --ports
// 5101:5000,5102:8080`.
func (m *Tests) FaultRegistry(
	// Names the instance: services with the same name are one service.
	// +default="manual"
	instance string,
) *dagger.Service {
	return m.faultProxy(m.registry(instance), instance)
}

// registry is a registry service of its own, named by instance.
func (m *Tests) registry(instance string) *dagger.Service {
	return dag.Container().From(m.RegistryImage).
		WithEnvVariable("INSTANCE", instance).
		WithExposedPort(5000).
		AsService()
}

// faultProxy builds the proxy of tests/faultproxy and runs it in front of
// registry; instance tells proxies of one registry apart.
func (m *Tests) faultProxy(registry *dagger.Service, instance string) *dagger.Service {
	src := dag.CurrentModule().Source().Filter(dagger.DirectoryFilterOpts{Include: []string{"go.mod", "go.sum", "faultproxy/", "internal/faultproxy/"}})
	bin := dag.Container().From(m.BuilderImage).
		WithMountedCache("/root/.cache/go-build", dag.CacheVolume("faultproxy-go-build")).
		WithMountedCache("/go/pkg/mod", dag.CacheVolume("faultproxy-go-mod")).
		WithDirectory("/src", src).
		WithWorkdir("/src").
		WithEnvVariable("CGO_ENABLED", "0").
		WithExec([]string{"go", "build", "-o", "/out/faultproxy", "./faultproxy"}).
		File("/out/faultproxy")
	return dag.Container().From(m.RunImage).
		WithFile("/usr/local/bin/faultproxy", bin).
		WithServiceBinding("registry", registry).
		WithEnvVariable("INSTANCE", instance).
		WithExposedPort(5000).
		WithExposedPort(8080).
		AsService(dagger.ContainerAsServiceOpts{Args: []string{"faultproxy", "-upstream", "http://registry:5000"}})
}

// faultBench is a started registry and proxy, and the control of both.
type faultBench struct {
	registry, proxy   *dagger.Service
	registryURL, ctrl string
}

func (m *Tests) startFaultBench(ctx context.Context, instance string) (*faultBench, error) {
	registry, err := m.registry(instance).Start(ctx)
	if err != nil {
		return nil, fmt.Errorf("starting the registry: %w", err)
	}
	b := &faultBench{registry: registry}
	if b.registryURL, err = registry.Endpoint(ctx, dagger.ServiceEndpointOpts{Scheme: "http"}); err != nil {
		return nil, err
	}
	if b.proxy, b.ctrl, err = m.startProxy(ctx, registry, instance); err != nil {
		return nil, err
	}
	return b, nil
}

func (m *Tests) startProxy(ctx context.Context, registry *dagger.Service, instance string) (*dagger.Service, string, error) {
	proxy, err := m.faultProxy(registry, instance).Start(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("starting the fault proxy: %w", err)
	}
	ctrl, err := proxy.Endpoint(ctx, dagger.ServiceEndpointOpts{Port: 8080, Scheme: "http"})
	return proxy, ctrl, err
}

func (b *faultBench) stop(ctx context.Context) {
	b.proxy.Stop(ctx)
	b.registry.Stop(ctx)
}

// setFault sets the proxy's fault, e.g. "do=503&every=4", and resets its
// counts.
func setFault(ctx context.Context, ctrl, query string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, ctrl+"/fault?"+query, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("setting the fault %s: %w", query, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("setting the fault %s: %s: %s", query, resp.Status, body)
	}
	return nil
}

func proxyStats(ctx context.Context, ctrl string) (faultproxy.Stats, error) {
	var s faultproxy.Stats
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ctrl+"/stats", nil)
	if err != nil {
		return s, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return s, fmt.Errorf("reading the proxy's counts: %w", err)
	}
	defer resp.Body.Close()
	return s, json.NewDecoder(resp.Body).Decode(&s)
}

// publishThrough publishes gb's image to repo:tag through proxy, and
// returns the digest it printed.
func publishThrough(ctx context.Context, gb *dagger.GoBuild, proxy *dagger.Service, repo, tag string) (string, error) {
	ref := faultRepository + repo + ":" + tag
	out, err := gb.Publish(ctx, ref, dagger.GoBuildPublishOpts{
		Platforms: faultPlatforms, RegistryService: proxy, StallTimeout: faultStallTimeout,
	})
	if err != nil {
		return "", err
	}
	digests, err := pushedDigests(out, faultRepository+repo)
	if err != nil {
		return "", err
	}
	if dgst, ok := digests[tag]; ok && len(digests) == 1 {
		return dgst, nil
	}
	return "", fmt.Errorf("publish printed %q, want %s:%s@sha256:…", out, faultRepository+repo, tag)
}

// tagDigest is the digest repo:tag names in the registry, "" if none.
func tagDigest(ctx context.Context, registryURL, repo, tag string) (string, error) {
	resp, err := registryRequest(ctx, http.MethodHead, registryURL, repo, "manifests/"+tag)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		return resp.Header.Get("Docker-Content-Digest"), nil
	case http.StatusNotFound:
		return "", nil
	}
	return "", fmt.Errorf("HEAD %s:%s: %s", repo, tag, resp.Status)
}

func registryRequest(ctx context.Context, method, registryURL, repo, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, registryURL+"/v2/faults/"+repo+"/"+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", strings.Join([]string{
		"application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
		"application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.docker.distribution.manifest.v2+json",
	}, ", "))
	return http.DefaultClient.Do(req)
}

// checkComplete checks that every manifest repo:tag's index names is in
// the registry, with every blob it names.
func checkComplete(ctx context.Context, registryURL, repo, tag string) error {
	var walk func(ref string) error
	walk = func(ref string) error {
		resp, err := registryRequest(ctx, http.MethodGet, registryURL, repo, "manifests/"+ref)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s:%s names manifest %s, which the registry does not have: %s", repo, tag, ref, resp.Status)
		}
		var doc struct {
			Manifests []struct{ Digest string } `json:"manifests"`
			Config    *struct{ Digest string }  `json:"config"`
			Layers    []struct{ Digest string } `json:"layers"`
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			return fmt.Errorf("manifest %s: %w", ref, err)
		}
		for _, m := range doc.Manifests {
			if err := walk(m.Digest); err != nil {
				return err
			}
		}
		blobs := doc.Layers
		if doc.Config != nil {
			blobs = append(blobs, *doc.Config)
		}
		for _, b := range blobs {
			resp, err := registryRequest(ctx, http.MethodHead, registryURL, repo, "blobs/"+b.Digest)
			if err != nil {
				return err
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("%s:%s: manifest %s names blob %s, which the registry does not have: %s", repo, tag, ref, b.Digest, resp.Status)
			}
		}
		return nil
	}
	return walk(tag)
}

// faultBuild is the pure-Go fixture stamped with version: another version
// is another build, with other digests, as another commit would be.
func (m *Tests) faultBuild(version string) *dagger.GoBuild {
	return m.goBuild("purego", dagger.GoBuildOpts{CacheNamespace: "faults-check", Version: version})
}

// PublishSurvivesFaults publishes through a proxy that injects registry faults.
//
// The transient faults (a 503 on every 4th write, a 429 with Retry-After
// on every 4th write, every 5th write's connection cut with no answer, a
// manifest put that never answers) are retried: publish succeeds with the
// digest of the same publish without faults, and the registry holds it.
// The permanent one (every put of the tag answered 500) fails naming the
// registry, the repository, the tag write, the status and the tries, and
// leaves the tag at the value an earlier publish gave it.
// +check
func (m *Tests) PublishSurvivesFaults(ctx context.Context) error {
	b, err := m.startFaultBench(ctx, "survives-faults")
	if err != nil {
		return err
	}
	defer b.stop(ctx)
	gb := m.faultBuild("v1.0.0-a")
	want, err := publishThrough(ctx, gb, b.proxy, "clean", "1")
	if err != nil {
		return fmt.Errorf("the fault-free publish: %w", err)
	}
	for _, tc := range []struct{ repo, fault string }{
		{"unavailable", "do=503&every=4"},
		{"rate-limited", "do=429&every=4"},
		{"cut", "do=cut&every=5"},
		{"stalled", "do=stall&match=manifest&limit=1"},
	} {
		if err := setFault(ctx, b.ctrl, tc.fault); err != nil {
			return err
		}
		got, err := publishThrough(ctx, gb, b.proxy, tc.repo, "1")
		if err != nil {
			return fmt.Errorf("publish with %s failed, want it retried: %w", tc.fault, err)
		}
		stats, err := proxyStats(ctx, b.ctrl)
		if err != nil {
			return err
		}
		if stats.Injected == 0 {
			return fmt.Errorf("%s: the proxy injected no fault, the case tests nothing: %+v", tc.fault, stats)
		}
		if got != want {
			return fmt.Errorf("publish with %s pushed %s, the fault-free publish %s", tc.fault, got, want)
		}
		if in, err := tagDigest(ctx, b.registryURL, tc.repo, "1"); err != nil || in != want {
			return fmt.Errorf("with %s the registry's tag is %q (%v), want %s", tc.fault, in, err, want)
		}
		fmt.Printf("%s (%s): published %s, %d faults injected, %d requests\n", tc.repo, tc.fault, got, stats.Injected, total(stats))
	}

	// The refused tag: an earlier publish of another build set it.
	if err := setFault(ctx, b.ctrl, ""); err != nil {
		return err
	}
	previous, err := publishThrough(ctx, m.faultBuild("v1.0.0-b"), b.proxy, "refused", "1")
	if err != nil {
		return err
	}
	if err := setFault(ctx, b.ctrl, "do=500&match=tag"); err != nil {
		return err
	}
	_, err = publishThrough(ctx, gb, b.proxy, "refused", "1")
	if err == nil {
		return fmt.Errorf("publish succeeded though every tag write was refused")
	}
	msg := errorText(err)
	for _, part := range []string{
		"registry.test/faults/refused:1: writing tag 1 in repository faults/refused at registry registry.test (reached at ",
		"PUT /v2/faults/refused/manifests/1: 500 Internal Server Error, after 5 tries",
	} {
		if !strings.Contains(msg, part) {
			return fmt.Errorf("the refused tag's error lacks %q:\n%s", part, msg)
		}
	}
	if in, err := tagDigest(ctx, b.registryURL, "refused", "1"); err != nil || in != previous {
		return fmt.Errorf("after the refused tag write the tag is %q (%v), want its previous value %s", in, err, previous)
	}
	fmt.Printf("refused (do=500&match=tag): failed as it should, the tag kept %s:\n%s\n", previous, firstLine(msg))
	return nil
}

// PublishEnds publishes through a registry that would keep a push going without end.
//
// Every tag put is answered, in turn: 500 with a body that drips a byte
// every 100 ms, forever, which no stall timeout cuts (--request-timeout
// 2s does, each try); 500 with a body that never ends (read up to 64 KiB
// a try); 503 every time (--operation-timeout 5s ends the tag's write
// before the policy's 5 tries and 15 s of waits). Each publish fails with
// the error that says why, and leaves the tag at the value an earlier
// publish gave it.
// +check
func (m *Tests) PublishEnds(ctx context.Context) error {
	b, err := m.startFaultBench(ctx, "ends")
	if err != nil {
		return err
	}
	defer b.stop(ctx)
	previous, err := publishThrough(ctx, m.faultBuild("v1.0.0-b"), b.proxy, "ends", "1")
	if err != nil {
		return err
	}
	gb := m.faultBuild("v1.0.0-a")
	const tag = "PUT /v2/faults/ends/manifests/1: "
	for _, tc := range []struct {
		fault, request, operation string
		want                      string
	}{
		{"do=drip&match=tag", "2s", "2h", tag + "not done within the request deadline of 2s, cut, after 5 tries"},
		{"do=endless&match=tag", "30m", "2h", tag + "500 Internal Server Error (its body cut at 64 KiB, unread beyond), after 5 tries"},
		{"do=503&match=tag", "30m", "5s", tag + "not done within the operation deadline of 5s, its tries and the waits between them included"},
	} {
		if err := setFault(ctx, b.ctrl, tc.fault); err != nil {
			return err
		}
		_, err := gb.Publish(ctx, faultRepository+"ends:1", dagger.GoBuildPublishOpts{
			Platforms: faultPlatforms, RegistryService: b.proxy, StallTimeout: faultStallTimeout,
			RequestTimeout: tc.request, OperationTimeout: tc.operation,
		})
		if err == nil {
			return fmt.Errorf("publish with %s succeeded, want it failed", tc.fault)
		}
		msg := errorText(err)
		for _, part := range []string{"registry.test/faults/ends:1: writing tag 1 in repository faults/ends at registry registry.test (reached at ", tc.want} {
			if !strings.Contains(msg, part) {
				return fmt.Errorf("publish with %s: the error lacks %q:\n%s", tc.fault, part, msg)
			}
		}
		stats, err := proxyStats(ctx, b.ctrl)
		if err != nil {
			return err
		}
		if in, err := tagDigest(ctx, b.registryURL, "ends", "1"); err != nil || in != previous {
			return fmt.Errorf("after the publish with %s the tag is %q (%v), want its previous value %s", tc.fault, in, err, previous)
		}
		fmt.Printf("%s (--request-timeout %s --operation-timeout %s): failed as it should, %d faults injected, the tag kept %s:\n%s\n",
			tc.fault, tc.request, tc.operation, stats.Injected, previous, firstLine(pushLine(msg)))
	}
	return nil
}

// pushLine is the line of msg that holds the push's error.
func pushLine(msg string) string {
	for _, line := range strings.Split(msg, "\n") {
		if strings.Contains(line, "pushing the image") {
			return line
		}
	}
	return msg
}

// PublishConcurrently publishes two builds to one tag at once, and one build to two tags.
//
// The tag ends naming one of the two indexes, and every manifest and blob
// it names is in the registry. The same build published to a second tag
// uploads no blob and puts no manifest but the tag: the build is the
// engine's cached layout, and every blob and manifest is found in place.
// +check
func (m *Tests) PublishConcurrently(ctx context.Context) error {
	b, err := m.startFaultBench(ctx, "concurrently")
	if err != nil {
		return err
	}
	defer b.stop(ctx)
	digests := make([]string, 2)
	g, gctx := errgroup.WithContext(ctx)
	for i, version := range []string{"v1.0.0-a", "v1.0.0-b"} {
		g.Go(func() (err error) {
			digests[i], err = publishThrough(gctx, m.faultBuild(version), b.proxy, "race", "1")
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("concurrent publishes: %w", err)
	}
	if digests[0] == digests[1] {
		return fmt.Errorf("the two builds have one digest %s: the check tests nothing", digests[0])
	}
	in, err := tagDigest(ctx, b.registryURL, "race", "1")
	if err != nil {
		return err
	}
	if !slices.Contains(digests, in) {
		return fmt.Errorf("after the concurrent publishes of %v the tag is %q, want one of them", digests, in)
	}
	if err := checkComplete(ctx, b.registryURL, "race", "1"); err != nil {
		return err
	}
	fmt.Printf("race: publishes of %v at once: the tag names %s, complete\n", digests, in)

	if err := setFault(ctx, b.ctrl, ""); err != nil {
		return err
	}
	again, err := publishThrough(ctx, m.faultBuild("v1.0.0-a"), b.proxy, "race", "2")
	if err != nil {
		return err
	}
	stats, err := proxyStats(ctx, b.ctrl)
	if err != nil {
		return err
	}
	if again != digests[0] || stats.Commits != 0 || stats.Requests["POST upload"] != 0 || stats.Requests["PUT manifest"] != 0 || stats.Requests["PUT tag"] != 1 {
		return fmt.Errorf("the same build to another tag pushed %s (want %s) with requests %v: want no upload, no manifest put, one tag put", again, digests[0], stats.Requests)
	}
	fmt.Printf("race:2, the same build again: requests %v\n", stats.Requests)
	return nil
}

// PublishResumes interrupts a publish half-way, then publishes again.
//
// The proxy holds every request once two blobs are in, and the publish is
// cancelled there. The tag keeps the value an earlier publish gave it. The
// next publish, through a fresh proxy to the same registry, succeeds and
// commits only blobs the interrupted one had not.
// +check
func (m *Tests) PublishResumes(ctx context.Context) error {
	b, err := m.startFaultBench(ctx, "resumes")
	if err != nil {
		return err
	}
	defer b.stop(ctx)
	previous, err := publishThrough(ctx, m.faultBuild("v1.0.0-b"), b.proxy, "resume", "1")
	if err != nil {
		return err
	}
	if err := setFault(ctx, b.ctrl, "do=stall&match=any&after=2"); err != nil {
		return err
	}
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	gb := m.faultBuild("v1.0.0-a")
	go func() {
		_, err := publishThrough(pctx, gb, b.proxy, "resume", "1")
		done <- err
	}()
	var first faultproxy.Stats
	for first.Commits < 2 || first.Injected == 0 {
		select {
		case err := <-done:
			return fmt.Errorf("the publish to interrupt ended before two blobs were in: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if first, err = proxyStats(ctx, b.ctrl); err != nil {
			return err
		}
	}
	cancel()
	if err := <-done; err == nil {
		return fmt.Errorf("the interrupted publish succeeded")
	}
	if in, err := tagDigest(ctx, b.registryURL, "resume", "1"); err != nil || in != previous {
		return fmt.Errorf("after the interrupted publish the tag is %q (%v), want its previous value %s", in, err, previous)
	}

	// The interrupted publish's proxy stays stalled: should the publish
	// run on in the engine, it cannot finish behind the next one's back.
	proxy, ctrl, err := m.startProxy(ctx, b.registry, "resumes-again")
	if err != nil {
		return err
	}
	defer proxy.Stop(ctx)
	got, err := publishThrough(ctx, gb, proxy, "resume", "1")
	if err != nil {
		return fmt.Errorf("the publish after the interrupted one: %w", err)
	}
	second, err := proxyStats(ctx, ctrl)
	if err != nil {
		return err
	}
	for _, d := range second.Committed {
		if slices.Contains(first.Committed, d) {
			return fmt.Errorf("the second publish uploaded %s again, which the interrupted one had in", d)
		}
	}
	if in, err := tagDigest(ctx, b.registryURL, "resume", "1"); err != nil || in != got {
		return fmt.Errorf("after the second publish the tag is %q (%v), want %s", in, err, got)
	}
	if err := checkComplete(ctx, b.registryURL, "resume", "1"); err != nil {
		return err
	}
	fmt.Printf("resume: the interrupted publish committed %d blobs %v; the next checked %d blobs and committed %d %v\n",
		len(first.Committed), first.Committed, second.Requests["HEAD blob"], len(second.Committed), second.Committed)
	return nil
}

func total(s faultproxy.Stats) int {
	n := 0
	for _, v := range s.Requests {
		n += v
	}
	return n
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}
