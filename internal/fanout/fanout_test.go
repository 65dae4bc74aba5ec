package fanout

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

func TestRunBoundsConcurrency(t *testing.T) {
	for _, tc := range []struct {
		name     string
		n, limit int
		want     int // the most jobs that may run at once
	}{
		{"limited", 12, 3, 3},
		{"limit above n", 2, 8, 2},
		{"unbounded", 5, 0, 5},
		{"one at a time", 4, 1, 1},
	} {
		for _, rule := range []Rule{FirstErrorCancels, EveryResult} {
			t.Run(fmt.Sprintf("%s/%v", tc.name, rule), func(t *testing.T) {
				var running, most atomic.Int32
				ran := make([]bool, tc.n)
				// The first jobs wait until want of them run at once, so
				// the peak is exactly the bound: above it the limit
				// leaked, below it Run serialised what it may not.
				full := make(chan struct{})
				var fullOnce sync.Once
				err := Run(context.Background(), tc.n, tc.limit, rule, func(_ context.Context, i int) error {
					now := running.Add(1)
					for {
						m := most.Load()
						if now <= m || most.CompareAndSwap(m, now) {
							break
						}
					}
					if int(now) >= tc.want {
						fullOnce.Do(func() { close(full) })
					}
					<-full
					ran[i] = true
					running.Add(-1)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if got := int(most.Load()); got != tc.want {
					t.Errorf("%d jobs ran at once, want %d", got, tc.want)
				}
				for i, ok := range ran {
					if !ok {
						t.Errorf("job %d did not run", i)
					}
				}
			})
		}
	}
}

func TestFirstErrorCancels(t *testing.T) {
	boom := errors.New("linux/s390x failed")
	var started atomic.Int32
	var sawCancel atomic.Bool
	err := Run(context.Background(), 10, 2, FirstErrorCancels, func(ctx context.Context, i int) error {
		started.Add(1)
		switch i {
		case 0:
			// Waits for the failure's cancellation: the other job's
			// error must reach it.
			<-ctx.Done()
			sawCancel.Store(true)
			return ctx.Err()
		case 1:
			return boom
		default:
			return nil
		}
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Run = %v, want the first failure %v", err, boom)
	}
	if !sawCancel.Load() {
		t.Error("the running job's context was not cancelled")
	}
	if n := started.Load(); n != 2 {
		t.Errorf("%d jobs started; with limit 2 and the second failing, want 2 (no new job after a failure)", n)
	}
}

func TestEveryResultRunsAllAndJoinsInOrder(t *testing.T) {
	var ran atomic.Int32
	err := Run(context.Background(), 6, 2, EveryResult, func(ctx context.Context, i int) error {
		ran.Add(1)
		if ctx.Err() != nil {
			t.Errorf("job %d got a cancelled context", i)
		}
		if i%2 == 1 {
			return fmt.Errorf("platform %d failed", i)
		}
		return nil
	})
	if ran.Load() != 6 {
		t.Errorf("%d jobs ran, want 6", ran.Load())
	}
	want := "platform 1 failed\nplatform 3 failed\nplatform 5 failed"
	if err == nil || err.Error() != want {
		t.Errorf("Run = %q, want %q", err, want)
	}
}

func TestRunEdges(t *testing.T) {
	if err := Run(context.Background(), 0, 4, FirstErrorCancels, func(context.Context, int) error {
		t.Fatal("no job expected")
		return nil
	}); err != nil {
		t.Errorf("n=0: %v", err)
	}
	if err := Run(context.Background(), 1, 1, Rule(7), func(context.Context, int) error { return nil }); err == nil {
		t.Error("an unknown rule was accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Run(ctx, 3, 1, FirstErrorCancels, func(ctx context.Context, i int) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled caller: Run = %v, want context.Canceled", err)
	}
}
