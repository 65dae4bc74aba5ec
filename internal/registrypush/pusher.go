package registrypush

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"golang.org/x/sync/errgroup"
)

// uploadJobs is how many blobs are uploaded at once, as
// go-containerregistry's own default.
const uploadJobs = 4

// pusher is go-containerregistry's pusher over the retrying, stall-cutting
// transport, with the tries of every request counted.
type pusher struct {
	*remote.Pusher
	opts   Options
	policy Policy
	// opLimit is the operation deadline.
	opLimit time.Duration
	tries   *tryCounter
	// remote are the options the pusher was made with.
	remote []remote.Option
}

func (o Options) pusher() (*pusher, error) {
	policy := o.Retry
	if policy.Tries == 0 {
		policy = DefaultPolicy
	}
	idle := o.StallTimeout
	if idle == 0 {
		idle = DefaultStallTimeout
	}
	limit := o.RequestTimeout
	if limit == 0 {
		limit = DefaultRequestTimeout
	}
	opLimit := o.OperationTimeout
	if opLimit == 0 {
		opLimit = DefaultOperationTimeout
	}
	// The tries are counted after any wait for a Retry-After: a request
	// whose operation ended while it waited never went out.
	tries := newTryCounter(&cutTransport{base: baseTransport(idle), idle: idle, limit: limit})
	predicate := Transient
	if o.Logf != nil {
		predicate = func(err error) bool {
			transient := Transient(err)
			if transient {
				o.Logf("registry push: %s (transient: tried again while tries are left)", retryLine(err))
			}
			return transient
		}
	}
	opts := []remote.Option{
		remote.WithAuth(o.authenticator()),
		remote.WithUserAgent("go-build"),
		remote.WithTransport(newRetryAfterTransport(tries)),
		remote.WithRetryBackoff(policy.backoff()),
		remote.WithRetryStatusCodes(RetryStatusCodes...),
		remote.WithRetryPredicate(predicate),
		remote.WithJobs(uploadJobs),
	}
	rp, err := remote.NewPusher(opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPush, err)
	}
	return &pusher{Pusher: rp, opts: o, policy: policy, opLimit: opLimit, tries: tries, remote: opts}, nil
}

// operation is one step of a push, and the request that starts each of
// its tries.
type operation struct {
	what         string
	method, path string
}

// opError is an operation that failed, before it is put in terms of the
// reference being pushed.
type opError struct {
	op    operation
	tries int
	err   error
}

func (e *opError) Error() string { return e.op.what + ": " + e.err.Error() }
func (e *opError) Unwrap() error { return e.err }

// ErrOperationDeadline is wrapped by the error of an operation (a blob's
// upload, a manifest's put, a tag's write) not done within the operation
// deadline, its tries and the waits between them included.
var ErrOperationDeadline = errors.New("not done within the operation deadline")

// operationDeadlineError is an operation cut by its deadline, and the
// error its last try met.
type operationDeadlineError struct {
	limit time.Duration
	last  error
}

func (e *operationDeadlineError) Error() string {
	return fmt.Sprintf("%v of %s (last: %v)", ErrOperationDeadline, e.limit, e.last)
}
func (e *operationDeadlineError) Unwrap() error { return ErrOperationDeadline }

// errOperationCut is the cause of an operation's context ending at its
// deadline; it is a context.DeadlineExceeded, as the request it cuts
// short may say.
var errOperationCut = fmt.Errorf("operation deadline: %w", context.DeadlineExceeded)

// do runs an operation within the operation deadline; go-containerregistry
// tries it again as the policy allows.
func (p *pusher) do(ctx context.Context, op operation, f func(context.Context) error) error {
	own := &opState{}
	octx, cancel := context.WithTimeoutCause(withOp(ctx, own), p.opLimit, errOperationCut)
	defer cancel()
	err := f(octx)
	if err == nil {
		return nil
	}
	if ctx.Err() == nil && errors.Is(context.Cause(octx), errOperationCut) {
		err = &operationDeadlineError{limit: p.opLimit, last: err}
	}
	tries := p.tries.count(op.method, op.path)
	if op.method == http.MethodPut && tries == 0 {
		// The existence check before the put failed.
		tries = p.tries.count(http.MethodHead, op.path)
	}
	return &opError{op: op, tries: max(tries, 1), err: err}
}

// fail puts err in the terms of the reference ref being pushed.
func (p *pusher) fail(err error, ref string, repo name.Repository, moved []string) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: %s: %w", ErrPush, ref, err)
	}
	e := &Error{Ref: ref, Registry: repo.RegistryStr(), Repository: repo.RepositoryStr(), Endpoint: p.opts.Endpoint, Err: err, Moved: moved, Tries: 1}
	if own, perr := name.ParseReference(ref, name.Insecure); perr == nil && p.opts.Endpoint != "" {
		// The push went to the endpoint, under the reference's registry.
		e.Registry = own.Context().RegistryStr()
	}
	var oerr *opError
	if errors.As(err, &oerr) {
		e.Operation, e.Tries, e.Err = oerr.op.what, oerr.tries, oerr.err
	}
	e.describe()
	e.refused = p.opts.refused(e.Status)
	return e
}

// content pushes every blob and manifest of img into repo by digest:
// the blobs, then each manifest once everything it names is in, the root
// last. What the registry has already is skipped.
func (p *pusher) content(ctx context.Context, repo name.Repository, img image) error {
	var walk contentWalk
	var root partial.Describable = img.manifest
	if img.index != nil {
		root = img.index
	}
	digest := img.digest
	// A registry holds a manifest only with all it names: with the root
	// in, the image is, e.g. when published to another tag.
	hctx, cancel := context.WithTimeout(ctx, p.opLimit)
	desc, err := remote.Head(repo.Digest(digest.String()), append(p.remote, remote.WithContext(hctx))...)
	cancel()
	if err == nil && desc.Digest == digest {
		return nil
	}
	if err := walk.add(root); err != nil {
		return fmt.Errorf("reading the image layout: %w", err)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(uploadJobs)
	for _, blob := range walk.blobs {
		g.Go(func() error {
			digest, err := blob.Digest()
			if err != nil {
				return err
			}
			size, _ := blob.Size()
			op := operation{what: fmt.Sprintf("uploading blob %s (%d bytes)", digest, size), method: http.MethodHead, path: blobPath(repo, digest.String())}
			return p.do(gctx, op, func(ctx context.Context) error { return p.upload(ctx, repo, blob, op.what) })
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	// Children come before their parents in walk.manifests.
	for _, m := range walk.manifests {
		digest, err := m.Digest()
		if err != nil {
			return err
		}
		op := operation{what: "putting manifest " + digest.String(), method: http.MethodPut, path: manifestPath(repo, digest.String())}
		if err := p.do(ctx, op, func(ctx context.Context) error { return p.Push(ctx, repo.Digest(digest.String()), m) }); err != nil {
			return err
		}
	}
	return nil
}

// upload uploads a blob, each try from its start (existence check, new
// upload session, body, commit), as go-containerregistry does under the
// policy. When all those tries fail while the registry stored other
// operations' content meanwhile (another blob committed, a manifest put),
// the registry is up but flaky: a blob's upload is several writes, each of
// which may meet a fault, so its tries can run out where single requests'
// do not. Then the blob gets another round of tries, up to the policy's
// tries in rounds. The blob's own writes never earn a round: a registry
// that stores no other content meanwhile, e.g. one that commits no blob at
// all, fails the blob after one round. ctx is the upload's operation.
func (p *pusher) upload(ctx context.Context, repo name.Repository, blob v1.Layer, what string) error {
	own := opOf(ctx)
	others := func() int {
		n := p.tries.storedWrites()
		if own != nil {
			n -= int(own.stored.Load())
		}
		return n
	}
	rounds := p.policy.Tries
	for round := 1; ; round++ {
		before := others()
		err := p.Upload(ctx, repo, blob)
		if err == nil || round == rounds || !Transient(err) || ctx.Err() != nil || others() == before {
			return err
		}
		if p.opts.Logf != nil {
			p.opts.Logf("registry push: %s: its tries failed while the registry stored other content; round %d of %d", what, round+1, rounds)
		}
	}
}

// contentWalk lists an image's blobs, each once, and its manifests,
// children before parents.
type contentWalk struct {
	blobs     []v1.Layer
	manifests []manifest
	seen      map[v1.Hash]bool
}

func (w *contentWalk) once(d interface{ Digest() (v1.Hash, error) }) (bool, error) {
	h, err := d.Digest()
	if err != nil {
		return false, err
	}
	if w.seen == nil {
		w.seen = map[v1.Hash]bool{}
	}
	if w.seen[h] {
		return false, nil
	}
	w.seen[h] = true
	return true, nil
}

func (w *contentWalk) add(m partial.Describable) error {
	if first, err := w.once(m); err != nil || !first {
		return err
	}
	switch m := m.(type) {
	case v1.ImageIndex:
		children, err := partial.Manifests(m)
		if err != nil {
			return err
		}
		for _, child := range children {
			if err := w.add(child); err != nil {
				return err
			}
		}
		w.manifests = append(w.manifests, m)
	case v1.Image:
		layers, err := m.Layers()
		if err != nil {
			return err
		}
		config, err := partial.ConfigLayer(m)
		if err != nil {
			return err
		}
		for _, l := range append(layers, config) {
			if first, err := w.once(l); err != nil {
				return err
			} else if first {
				w.blobs = append(w.blobs, l)
			}
		}
		w.manifests = append(w.manifests, m)
	case v1.Layer:
		// A blob an index names directly, e.g. an artifact.
		w.blobs = append(w.blobs, m)
	default:
		return fmt.Errorf("unknown content %T", m)
	}
	return nil
}

func blobPath(repo name.Repository, digest string) string {
	return "/v2/" + repo.RepositoryStr() + "/blobs/" + digest
}

func manifestPath(repo name.Repository, identifier string) string {
	return "/v2/" + repo.RepositoryStr() + "/manifests/" + identifier
}

// refused puts a refused authentication in words: the registry's own
// answer to a HEAD request has no body to say it. It holds no secret.
func (o Options) refused(status int) string {
	if status != http.StatusUnauthorized && status != http.StatusForbidden {
		return ""
	}
	who := "an anonymous push (no credentials given)"
	if o.Auth != (authn.AuthConfig{}) {
		who = "the credentials"
		if o.Auth.Username != "" {
			who = fmt.Sprintf("user %q", o.Auth.Username)
		}
		if o.From != "" {
			who += " from " + o.From
		}
	}
	return fmt.Sprintf("the registry refused %s: %d %s", who, status, http.StatusText(status))
}

// manifest is an image or an index of the layout.
type manifest interface {
	remote.Taggable
	Digest() (v1.Hash, error)
}

// retryLine is a transient failure in a line: the request by method and
// path, and the answer or the connection's error.
func retryLine(err error) string {
	e := &Error{Err: err}
	e.describe()
	what := outcome(err)
	if e.Request == "" {
		return what
	}
	return e.Request + ": " + what
}
