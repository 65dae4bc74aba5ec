package gotest

import (
	"encoding/json"
	"slices"
	"testing"
	"time"
)

func TestConvert(t *testing.T) {
	const pkg = "example.com/m"
	tests := []struct {
		name       string
		raw        string
		exit       int
		want       Status
		failed     []string
		norun      bool
		output     string // Result.Output
		reason     string
		eventsLike []string // "action test output" of every event, when set
	}{
		{
			name: "failing test, exact events",
			raw:  "\x16=== RUN   TestA\n    a_test.go:1: msg\n\x16--- FAIL: TestA (0.50s)\n\x16FAIL\n",
			exit: 1, want: Fail, failed: []string{"TestA"},
			output: "--- FAIL: TestA (0.50s)\n    a_test.go:1: msg\nFAIL\n",
			eventsLike: []string{
				"start  ",
				"run TestA ",
				"output TestA === RUN   TestA\n",
				"output TestA     a_test.go:1: msg\n",
				"output TestA --- FAIL: TestA (0.50s)\n",
				"fail TestA ",
				"output  FAIL\n",
				"output  FAIL\texample.com/m\t1.234s\n",
				"fail  ",
			},
		},
		{
			name: "qemu cannot find the loader",
			raw:  "qemu-arm: Could not open '/lib/ld-linux.so.3': No such file or directory\n",
			exit: 255, want: Crashed,
			output: "qemu-arm: Could not open '/lib/ld-linux.so.3': No such file or directory\n",
			reason: "qemu-arm: Could not open '/lib/ld-linux.so.3': No such file or directory",
		},
		{
			name: "killed without output", exit: 137, want: Crashed,
			output: "exit status 137\n", reason: "exit status 137",
			eventsLike: []string{"start  ", "output  exit status 137\n", "output  FAIL\texample.com/m\t1.234s\n", "fail  "},
		},
		{
			name: "timeout",
			raw:  "\x16=== RUN   TestSlow\npanic: test timed out after 1s\n\trunning tests:\n\t\tTestSlow (1s)\n",
			exit: 2, want: Crashed,
			output: "panic: test timed out after 1s\n\trunning tests:\n\t\tTestSlow (1s)\n",
			reason: "panic: test timed out after 1s",
		},
		{
			name: "TestMain fails without a failed test",
			raw:  "setup failed\n\x16FAIL\n", exit: 1, want: Fail,
			output: "setup failed\nFAIL\n",
		},
		{
			name: "no tests to run",
			raw:  "testing: warning: no tests to run\n\x16PASS\n", want: Pass, norun: true,
			eventsLike: []string{
				"start  ",
				"output  testing: warning: no tests to run\n",
				"output  PASS\n",
				"output  ok  \texample.com/m\t1.234s [no tests to run]\n",
				"pass  ",
			},
		},
		{
			name: "test output imitating framing",
			raw:  "\x16=== RUN   TestA\n--- FAIL: TestFake (0.00s)\n\x16--- PASS: TestA (0.00s)\n\x16PASS\n", want: Pass,
			eventsLike: []string{
				"start  ", "run TestA ", "output TestA === RUN   TestA\n", "output TestA --- FAIL: TestFake (0.00s)\n",
				"output TestA --- PASS: TestA (0.00s)\n", "pass TestA ", "output  PASS\n", "output  ok  \texample.com/m\t1.234s\n", "pass  ",
			},
		},
		{
			name: "partial line before a framing line",
			raw:  "\x16=== RUN   TestA\nno newline\x16--- PASS: TestA (0.00s)\n\x16PASS\nlast",
			want: Pass,
			eventsLike: []string{
				"start  ", "run TestA ", "output TestA === RUN   TestA\n", "output TestA no newline",
				"output TestA --- PASS: TestA (0.00s)\n", "pass TestA ", "output  PASS\n", "output  last\n",
				"output  ok  \texample.com/m\t1.234s\n", "pass  ",
			},
		},
		{
			name: "parallel subtests fail, parent keeps its log",
			raw: "\x16=== RUN   TestP\n" +
				"\x16=== RUN   TestP/a\n\x16=== PAUSE TestP/a\n" +
				"\x16=== RUN   TestP/b\n\x16=== PAUSE TestP/b\n" +
				"\x16=== NAME  TestP\n    p_test.go:9: parent log\n" +
				"\x16=== CONT  TestP/a\n\x16=== CONT  TestP/b\n    p_test.go:5: b failed\n" +
				"\x16--- FAIL: TestP/b (0.00s)\n" +
				"\x16=== NAME  TestP/a\n    p_test.go:5: a failed\n" +
				"\x16--- FAIL: TestP/a (0.00s)\n" +
				"\x16--- FAIL: TestP (0.00s)\n" +
				"\x16FAIL\n",
			exit: 1, want: Fail, failed: []string{"TestP/b", "TestP/a"},
			output: "--- FAIL: TestP (0.00s)\n    p_test.go:9: parent log\n" +
				"    --- FAIL: TestP/b (0.00s)\n        p_test.go:5: b failed\n" +
				"    --- FAIL: TestP/a (0.00s)\n        p_test.go:5: a failed\nFAIL\n",
		},
		{
			name: "skipped and passing logs are dropped from the output",
			raw: "\x16=== RUN   TestS\n    s_test.go:1: skipping\n\x16--- SKIP: TestS (0.00s)\n" +
				"\x16=== RUN   TestF\n\x16--- FAIL: TestF (0.00s)\n\x16FAIL\n",
			exit: 1, want: Fail, failed: []string{"TestF"},
			output: "--- FAIL: TestF (0.00s)\nFAIL\n",
		},
		{
			name: "attributes",
			raw:  "\x16=== RUN   TestA\n\x16=== ATTR  TestA key some value\n\x16--- PASS: TestA (0.00s)\n\x16PASS\n",
			want: Pass,
			eventsLike: []string{
				"start  ", "run TestA ", "output TestA === RUN   TestA\n", "attr TestA key=some value",
				"output TestA === ATTR  TestA key some value\n", "output TestA --- PASS: TestA (0.00s)\n",
				"pass TestA ", "output  PASS\n", "output  ok  \texample.com/m\t1.234s\n", "pass  ",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, events := Convert(pkg, []byte(tt.raw), tt.exit, 1234*time.Millisecond)
			if r.Package != pkg || r.Status != tt.want || !slices.Equal(r.FailedTests, tt.failed) || r.NoTestsToRun != tt.norun ||
				r.Output != tt.output || r.Reason != tt.reason || r.ExitCode != tt.exit || r.Elapsed != 1234*time.Millisecond {
				t.Fatalf("result = %+v\nwant status %v, failed %q, norun %v, reason %q, output:\n%s", r, tt.want, tt.failed, tt.norun, tt.reason, tt.output)
			}
			var got []string
			for _, e := range events {
				if e.Package != pkg || e.Time != nil {
					t.Fatalf("event %+v: want package %s and no time", e, pkg)
				}
				s := e.Action + " " + e.Test + " " + e.Output
				if e.Key != "" {
					s += e.Key + "=" + e.Value
				}
				got = append(got, s)
			}
			if tt.eventsLike != nil && !slices.Equal(got, tt.eventsLike) {
				t.Fatalf("events =\n%q\nwant\n%q", got, tt.eventsLike)
			}
			last := events[len(events)-1]
			if wantAction := map[bool]string{true: "pass", false: "fail"}[tt.exit == 0]; last.Action != wantAction || last.Test != "" || last.Elapsed == nil || *last.Elapsed != 1.234 {
				t.Fatalf("last event %+v, want %s of the package after 1.234s", last, wantAction)
			}
		})
	}
}

func TestConvertElapsedOfTests(t *testing.T) {
	_, events := Convert("p", []byte("\x16=== RUN   TestA\n\x16--- PASS: TestA (2.50s)\n\x16PASS\n"), 0, time.Second)
	js, err := json.Marshal(events[4])
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"Action":"pass","Package":"p","Test":"TestA","Elapsed":2.5}`; string(js) != want {
		t.Fatalf("event = %s, want %s", js, want)
	}
}
