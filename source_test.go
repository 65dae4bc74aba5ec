package main

import (
	"dagger/go-build/internal/buildopts"
	"os/exec"
	"strings"
	"testing"
)

func TestSetStamp(t *testing.T) {
	tests := []struct {
		name             string
		version          string
		known            buildopts.Stamp
		out, remote      string
		wantVersion      string
		wantRevision     string
		wantDate         string
		wantRemote       string
		wantCommitSecond string
	}{
		{
			name: "no git checkout",
		},
		{
			name:         "module source without git: the module's version and commit",
			known:        buildopts.Stamp{Tag: "v0.1.4", Revision: "0123abc", Date: "2023-11-14T22:13:20Z"},
			wantVersion:  "v0.1.4",
			wantRevision: "0123abc",
			wantDate:     "2023-11-14T22:13:20Z",
		},
		{
			name:             "module source dated by the proxy's record of its version",
			known:            buildopts.Stamp{Tag: "v0.1.4", Date: "2020-08-06T02:32:57Z", Time: "1596681177"},
			wantVersion:      "v0.1.4",
			wantDate:         "2020-08-06T02:32:57Z",
			wantCommitSecond: "1596681177",
		},
		{
			name:             "git checkout",
			out:              "revision=0123abc\ndescribe=v1.2.3-4-g0123abc\ntime=1700000000\ndate=2023-11-14T22:13:20Z\n",
			remote:           "https://github.com/example/app.git\n",
			wantVersion:      "v1.2.3-4-g0123abc",
			wantRevision:     "0123abc",
			wantDate:         "2023-11-14T22:13:20Z",
			wantRemote:       "https://github.com/example/app",
			wantCommitSecond: "1700000000",
		},
		{
			name:             "a remote with a token: the token is dropped",
			out:              "revision=0123abc\ndescribe=v1.2.3\ntime=1700000000\ndate=2023-11-14T22:13:20Z\n",
			remote:           "https://gitlab-ci-token:SECRET@gitlab.example.com/group/project.git\n",
			wantVersion:      "v1.2.3",
			wantRevision:     "0123abc",
			wantDate:         "2023-11-14T22:13:20Z",
			wantRemote:       "https://gitlab.example.com/group/project",
			wantCommitSecond: "1700000000",
		},
		{
			name:             "a remote url.Parse refuses is dropped",
			out:              "revision=0123abc\ndescribe=v1.2.3\ntime=1700000000\ndate=2023-11-14T22:13:20Z\n",
			remote:           "https://user:pa#SECRET@gitlab.example.com/group/project.git\n",
			wantVersion:      "v1.2.3",
			wantRevision:     "0123abc",
			wantDate:         "2023-11-14T22:13:20Z",
			wantCommitSecond: "1700000000",
		},
		{
			name:             "the configured version wins over git describe",
			version:          "v9.9.9",
			out:              "revision=0123abc\ndescribe=v1.2.3\ntime=1700000000\ndate=2023-11-14T22:13:20Z\nremote=\n",
			wantVersion:      "v9.9.9",
			wantRevision:     "0123abc",
			wantDate:         "2023-11-14T22:13:20Z",
			wantCommitSecond: "1700000000",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := config()
			m.Version = tt.version
			p := &buildPlan{m: m, known: tt.known}
			if err := p.setStamp(tt.out, tt.remote); err != nil {
				t.Fatal(err)
			}
			if p.stamp.Version != tt.wantVersion || p.stamp.Revision != tt.wantRevision || p.stamp.Date != tt.wantDate {
				t.Errorf("stamp = %+v, want version %q, revision %q, date %q", p.stamp, tt.wantVersion, tt.wantRevision, tt.wantDate)
			}
			if p.remote != tt.wantRemote || p.commitTS != tt.wantCommitSecond {
				t.Errorf("remote, commit time = %q, %q; want %q, %q",
					p.remote, p.commitTS, tt.wantRemote, tt.wantCommitSecond)
			}
		})
	}
}

func TestSetStampBadTime(t *testing.T) {
	p := &buildPlan{m: config()}
	if err := p.setStamp("revision=abc\ntime=yesterday\n", ""); err == nil {
		t.Fatal("a commit time that is no number was accepted")
	}
}

// TestStampScriptOutsideGit runs the stamp script as readStamp's exec does,
// in a directory that is no git checkout: it must print nothing and let the
// commands after it run.
func TestStampScriptOutsideGit(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	cmd := exec.Command("sh", "-c", buildopts.StampScript+` && echo after`)
	cmd.Dir = t.TempDir()
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != "after" {
		t.Errorf("output = %q, want only the command after the stamp", got)
	}
}
