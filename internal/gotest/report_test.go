package gotest

import (
	"strings"
	"testing"
	"time"

	"dagger/go-build/internal/errtest"
)

func TestGoTestLines(t *testing.T) {
	tests := []struct {
		name    string
		results []Result
		want    string
	}{
		{name: "nothing", want: ""},
		{
			name: "all passed",
			results: []Result{
				{Package: "example.com/m", Status: Pass, Elapsed: 12 * time.Millisecond},
				{Package: "example.com/m/none", Status: NoTests},
				{Package: "example.com/m/run", Status: Pass, Elapsed: 1500 * time.Millisecond, NoTestsToRun: true},
			},
			want: "ok  \texample.com/m\t0.012s\n" +
				"?   \texample.com/m/none\t[no test files]\n" +
				"ok  \texample.com/m/run\t1.500s [no tests to run]\n",
		},
		{
			name: "failures",
			results: []Result{
				{Package: "example.com/m/a", Status: Fail, Elapsed: 3 * time.Millisecond, Output: "--- FAIL: TestA (0.00s)\nFAIL\n"},
				{Package: "example.com/m/b", Status: Crashed, Elapsed: 2 * time.Second, Output: "qemu-arm: oops"},
				{Package: "example.com/m/c", Status: BuildFailed, Output: "# example.com/m/c\nc.go:1:1: bad\n"},
				{Package: "example.com/m/d", Status: Pass, Elapsed: time.Millisecond},
			},
			want: "--- FAIL: TestA (0.00s)\nFAIL\nFAIL\texample.com/m/a\t0.003s\n" +
				"qemu-arm: oops\nFAIL\texample.com/m/b\t2.000s\n" +
				"# example.com/m/c\nc.go:1:1: bad\nFAIL\texample.com/m/c [build failed]\n" +
				"ok  \texample.com/m/d\t0.001s\n" +
				"FAIL\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := GoTestLines(tt.results); got != tt.want {
				t.Fatalf("GoTestLines() =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestSummaryAndTable(t *testing.T) {
	runs := []PlatformRun{
		{Platform: "linux/amd64", Wall: 12340 * time.Millisecond, Results: []Result{
			{Status: Pass}, {Status: Pass}, {Status: NoTests},
		}},
		{Platform: "linux/arm/v7", Wall: 83 * time.Second, Results: []Result{
			{Status: Pass}, {Status: Fail}, {Status: Crashed}, {Status: BuildFailed}, {Status: NoTests},
		}},
	}
	var sums []Summary
	for _, r := range runs {
		sums = append(sums, r.Summary())
	}
	if want := (Summary{Platform: "linux/arm/v7", Passed: 1, Failed: 3, NoTests: 1, Wall: 83 * time.Second}); sums[1] != want {
		t.Fatalf("Summary() = %+v, want %+v", sums[1], want)
	}
	want := "" +
		"PLATFORM      PASSED  FAILED  NO TESTS   WALL\n" +
		"linux/amd64        2       0         1  12.3s\n" +
		"linux/arm/v7       1       3         1  1m23s\n"
	if got := Table(sums); got != want {
		t.Fatalf("Table() =\n%s\nwant\n%s", got, want)
	}
	if got := Table(nil); got != "PLATFORM  PASSED  FAILED  NO TESTS  WALL\n" {
		t.Fatalf("Table(nil) = %q", got)
	}
}

func TestFailureError(t *testing.T) {
	tests := []struct {
		name string
		runs []PlatformRun
		want string
	}{
		{name: "all passed", runs: []PlatformRun{{Platform: "linux/amd64", Results: []Result{{Status: Pass}, {Status: NoTests}}}}},
		{
			name: "one failing test",
			runs: []PlatformRun{
				{Platform: "linux/amd64", Results: []Result{{Package: "example.com/m/endian", Status: Pass}}},
				{Platform: "linux/s390x", Results: []Result{{Package: "example.com/m/endian", Status: Fail, FailedTests: []string{"TestLittleEndian"}}}},
			},
			want: "tests failed: linux/s390x: example.com/m/endian: TestLittleEndian",
		},
		{
			name: "every kind",
			runs: []PlatformRun{
				{Platform: "linux/arm/v7", Results: []Result{
					{Package: "example.com/m/a", Status: Fail, FailedTests: []string{"TestA/sub", "TestB"}},
					{Package: "example.com/m/b", Status: Crashed, ExitCode: 255, Reason: "qemu-arm: Could not open '/lib/ld-linux.so.3': No such file or directory"},
				}},
				{Platform: "linux/riscv64", Results: []Result{
					{Package: "example.com/m/c", Status: BuildFailed, Reason: "build failed: c.go:1:1: bad"},
					{Package: "example.com/m/d", Status: Fail, ExitCode: 1},
				}},
			},
			want: "tests failed: linux/arm/v7: example.com/m/a: TestA/sub, TestB; " +
				"linux/arm/v7: example.com/m/b: crashed with exit status 255: qemu-arm: Could not open '/lib/ld-linux.so.3': No such file or directory; " +
				"linux/riscv64: example.com/m/c: build failed: c.go:1:1: bad; " +
				"linux/riscv64: example.com/m/d: FAIL (exit status 1)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := FailureError(tt.runs)
			errtest.Check(t, err, ErrTestsFailed, tt.want)
			if err != nil && err.Error() != tt.want {
				t.Fatalf("FailureError() = %q, want %q", err, tt.want)
			}
		})
	}
}

func TestNoTestFiles(t *testing.T) {
	r, ev := NoTestFiles("example.com/m/none")
	if r.Status != NoTests || r.Failed() {
		t.Fatalf("result %+v", r)
	}
	js, err := EventsJSON("linux/arm64", ev)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Action":"start","Package":"example.com/m/none","Platform":"linux/arm64"}
{"Action":"output","Package":"example.com/m/none","Output":"?   \texample.com/m/none\t[no test files]\n","Platform":"linux/arm64"}
{"Action":"skip","Package":"example.com/m/none","Elapsed":0,"Platform":"linux/arm64"}
`
	if string(js) != want {
		t.Fatalf("EventsJSON() =\n%s\nwant\n%s", js, want)
	}
}

func TestBuildFailureEvents(t *testing.T) {
	r, ev := BuildFailure("example.com/m/c", "# example.com/m/c\nc.go:1:1: bad")
	if r.Status != BuildFailed || !r.Failed() || r.Reason != "build failed: c.go:1:1: bad" {
		t.Fatalf("result %+v", r)
	}
	var actions []string
	for _, e := range ev {
		actions = append(actions, e.Action+":"+e.Output+":"+e.FailedBuild)
	}
	want := "start::|output:# example.com/m/c\nc.go:1:1: bad\n:|output:FAIL\texample.com/m/c [build failed]\n:|fail::example.com/m/c"
	if got := strings.Join(actions, "|"); got != want {
		t.Fatalf("events %q, want %q", got, want)
	}
	if r, _ := BuildFailure("p", ""); r.Reason != "build failed" {
		t.Fatalf("reason without output = %q", r.Reason)
	}
}

func TestStatusString(t *testing.T) {
	for s, want := range map[Status]string{Pass: "ok", Fail: "FAIL", NoTests: "no test files", BuildFailed: "build failed", Crashed: "crashed", 9: "Status(9)"} {
		if got := s.String(); got != want {
			t.Errorf("Status(%d).String() = %q, want %q", s, got, want)
		}
	}
}
