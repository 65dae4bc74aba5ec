// Package fanout runs one job per item, a bounded number at a time, under
// one of two failure rules that a caller names instead of re-deriving:
//
//   - FirstErrorCancels: an answer is only useful whole (a release, an image
//     index, a set of toolchains), so the first failure cancels the jobs still
//     running, starts no new one, and is the error returned.
//   - EveryResult: each item's outcome is wanted on its own (tests on every
//     platform), so every job runs to its end and every failure is reported,
//     joined in item order.
package fanout

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Rule says what one job's failure does to the others.
type Rule int

const (
	// FirstErrorCancels cancels the other jobs' context at the first
	// failure, starts no further job, and returns that failure.
	FirstErrorCancels Rule = iota
	// EveryResult runs every job to its end and returns all failures,
	// joined in item order (nil when none failed).
	EveryResult
)

func (r Rule) String() string {
	switch r {
	case FirstErrorCancels:
		return "first error cancels"
	case EveryResult:
		return "every result"
	default:
		return fmt.Sprintf("Rule(%d)", int(r))
	}
}

// Run calls job(ctx, i) for i in [0, n), at most limit at a time (no bound
// when limit <= 0), and applies rule to their failures. Jobs must write
// their results into slots of their own (index i): Run gives no ordering
// between jobs.
func Run(ctx context.Context, n, limit int, rule Rule, job func(ctx context.Context, i int) error) error {
	if rule != FirstErrorCancels && rule != EveryResult {
		return fmt.Errorf("fanout: unknown rule %v", rule)
	}
	if n <= 0 {
		return nil
	}
	if limit <= 0 || limit > n {
		limit = n
	}
	jobCtx, cancel := context.WithCancel(ctx)
	defer cancel()

	errs := make([]error, n)
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	slots := make(chan struct{}, limit)
	for i := range n {
		slots <- struct{}{}
		if rule == FirstErrorCancels && jobCtx.Err() != nil {
			<-slots
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-slots; wg.Done() }()
			err := job(jobCtx, i)
			errs[i] = err
			if err != nil && rule == FirstErrorCancels {
				once.Do(func() { first = err; cancel() })
			}
		}()
	}
	wg.Wait()
	if rule == FirstErrorCancels {
		if first == nil && ctx.Err() != nil {
			return ctx.Err()
		}
		return first
	}
	return errors.Join(errs...)
}
