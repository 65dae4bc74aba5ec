package registrypush

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// RetryStatusCodes are the answers a registry gives when it may accept the
// same request a moment later: go-containerregistry's own list, with 429
// (Docker Hub's rate limit) added.
var RetryStatusCodes = []int{
	http.StatusRequestTimeout,      // 408
	http.StatusTooManyRequests,     // 429
	http.StatusInternalServerError, // 500
	http.StatusBadGateway,          // 502
	http.StatusServiceUnavailable,  // 503
	http.StatusGatewayTimeout,      // 504
}

// Policy bounds how a failed request, or a failed blob upload, is tried
// again: at most Tries times in all, waiting First after the first
// failure and Factor times longer after each next one.
type Policy struct {
	// Tries is the number of tries in all, the first included.
	Tries int
	// First is the wait after the first failure.
	First time.Duration
	// Factor multiplies the wait after each failure.
	Factor float64
}

// DefaultPolicy tries 5 times, waiting 1s, 2s, 4s and 8s between tries
// (with up to 10% jitter): a registry that is back within 15 seconds is
// waited for, one that is not fails the push within a bounded time.
var DefaultPolicy = Policy{Tries: 5, First: time.Second, Factor: 2}

// MaxWait is the longest wait between two tries the policy allows, its
// bound in time.
func (p Policy) MaxWait() time.Duration {
	var total, wait time.Duration = 0, p.First
	for i := 1; i < p.Tries; i++ {
		total += wait
		wait = time.Duration(float64(wait) * p.Factor)
	}
	return total
}

// backoff is the policy as go-containerregistry's retry loops take it.
// Cap is left unset: reaching it would end the loop early.
func (p Policy) backoff() remote.Backoff {
	return remote.Backoff{Duration: p.First, Factor: p.Factor, Jitter: 0.1, Steps: p.Tries}
}

// Transient reports whether the request that failed with err may succeed
// when made again: a retryable status, a registry error code the
// distribution spec calls temporary, a cut connection, an unexpected end of
// the answer, a timeout, a stall or a request cut by the request deadline.
// A cancelled push, or an operation past its deadline, is never retried.
func Transient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, ErrOperationDeadline) {
		return false
	}
	if errors.Is(err, ErrStalled) || errors.Is(err, ErrRequestDeadline) {
		return true
	}
	var terr *transport.Error
	if errors.As(err, &terr) {
		for _, code := range RetryStatusCodes {
			if terr.StatusCode == code {
				return true
			}
		}
		return terr.Temporary()
	}
	for _, cut := range []error{io.ErrUnexpectedEOF, io.EOF, syscall.ECONNRESET, syscall.EPIPE, syscall.ECONNABORTED, net.ErrClosed} {
		if errors.Is(err, cut) {
			return true
		}
	}
	var nerr net.Error
	return errors.As(err, &nerr) && nerr.Timeout()
}
