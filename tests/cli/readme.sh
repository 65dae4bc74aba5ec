#!/usr/bin/env bash
# Runs every `dagger call` line of README.md as a user would type it, against
# a real Dagger engine, in a small Go repository this script creates, and
# stops at the first line that fails, printing it.
#
#   tests/cli/readme.sh               # every line (slow: toolchains, publishes)
#   READMESH_ONLY='release|image' tests/cli/readme.sh   # only lines matching the regex
#
# Lines that cannot run as written (a placeholder registry, an interactive
# terminal, an image that is not public) run as the twin listed in twin()
# below; each twin says why. Pushes go to the registry at $READMESH_REGISTRY
# (default 127.0.0.1:5000, a plain-HTTP registry on the machine running
# dagger), reached from the engine with --registry-service tcp://...
# The benchmark's lines take about an hour; they run only with
# READMESH_BENCH=1 and are otherwise listed as not run.
#
# Without an engine it says so and exits 0, without claiming a pass.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
registry=${READMESH_REGISTRY:-127.0.0.1:5000}
only=${READMESH_ONLY:-}

if ! command -v dagger >/dev/null 2>&1; then
  echo "readme.sh: no dagger CLI on PATH: the README's commands were NOT run." >&2
  exit 0
fi
if ! echo '{ defaultPlatform }' | timeout 300 dagger query --no-mod >/dev/null 2>&1; then
  echo "readme.sh: no Dagger engine answered (dagger query failed): the README's commands were NOT run." >&2
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fixture="$work/app"

# make_fixture writes a small Go repository: two commands, a test, the
# files a release packs, and a git history with a tag and a remote.
make_fixture() {
  mkdir -p "$fixture/cmd/app" "$fixture/cmd/server" "$fixture/greet"
  cd "$fixture"
  printf 'module example.com/readme-fixture\n\ngo 1.22\n' > go.mod
  cat > cmd/app/main.go <<'GO'
package main

import (
	"fmt"
	"runtime"

	"example.com/readme-fixture/greet"
)

var version = "unset"

func main() { fmt.Println(greet.Hello("app"), runtime.GOOS+"/"+runtime.GOARCH, version) }
GO
  cat > cmd/server/main.go <<'GO'
package main

import (
	"fmt"
	"net/http"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	_ = http.ListenAndServe(":8080", nil)
}
GO
  cat > greet/greet.go <<'GO'
// Package greet says hello.
package greet

// Hello greets name.
func Hello(name string) string { return "hello " + name }
GO
  cat > greet/greet_test.go <<'GO'
package greet

import "testing"

func TestHello(t *testing.T) {
	if got := Hello("x"); got != "hello x" {
		t.Fatalf("Hello = %q", got)
	}
}
GO
  echo "MIT License (fixture)" > LICENSE
  # What the README's commands export is output, not source.
  printf 'bin/\ndist/\n*.tar\n' > .gitignore
  echo "# readme fixture" > README.md
  git init -q
  git add -A
  GIT_AUTHOR_DATE=2025-01-01T00:00:00Z GIT_COMMITTER_DATE=2025-01-01T00:00:00Z \
    git -c user.name=readme -c user.email=readme@example.com commit -q -m fixture
  git tag v1.2.3
  git remote add origin https://github.com/example/readme-fixture
  cd - >/dev/null
}

# readme_lines prints the README's `dagger call` command lines, one per
# line: inside ``` blocks, continuation lines joined, trailing comments cut.
readme_lines() {
  awk '
    /^```/ { inblock = !inblock; next }
    !inblock { next }
    {
      line = $0
      if (cont != "") { line = cont " " line; cont = "" }
      if (line ~ /\\$/) { sub(/[ ]*\\$/, "", line); cont = line; next }
      sub(/^[ ]+/, "", line)
      if (line !~ /^dagger call/) next
      sub(/[ ]+#.*$/, "", line)
      gsub(/[ ]+/, " ", line)
      print line
    }' "$repo/README.md"
}

# twin prints the command to run for a README line: the line itself, or a
# runnable twin of it.
twin() {
  local line=$1 reg="--registry-service tcp://$registry"
  case "$line" in
    *"-m path/to/go-build"*) line=${line//-m path\/to\/go-build/-m $repo} ;;
  esac
  # The caller's docker login: a config written here, with an auths entry
  # for the placeholder registry (the local registry takes any login).
  line=${line//file:\$HOME\/.docker\/config.json/file:$work/docker/config.json}
  case "$line" in
    # Placeholder registry: push to the local registry, under the same repository and tag.
    *"publish --image registry.example/"*|*" publish --image registry.example/"*)
      line="$line $reg --insecure" ;;
    # publish-toolchain: the engine pushes through the service; a versions
    # file would download Go from go.dev, so the twin names the versions.
    *"publish-toolchain --image registry.example/go-build"*)
      line="dagger call --go-version 1.26.8 --llvm-version 19 publish-toolchain --image localhost:5000/go-build-readme --platforms linux/amd64,linux/arm64 --registry-service tcp://$registry" ;;
    # An interactive terminal: run a command in the container instead.
    *" terminal") line="${line% terminal} with-exec --args go,version stdout" ;;
    # calico/go-build is not in every registry: any Go builder image is a ready-made toolchain.
    *"--toolchain calico/go-build:"*) line=$(sed -E 's#--toolchain calico/go-build:[^ ]+#--toolchain golang:1.26-bookworm#' <<<"$line") ;;
  esac
  printf '%s\n' "$line"
}

make_fixture
mkdir -p "$work/docker"
printf '{"auths":{"registry.example":{"auth":"%s"}}}\n' "$(printf 'me:readme-token' | base64)" > "$work/docker/config.json"
export REGISTRY_TOKEN=readme-token
export DAGGER_MODULE="$repo"
ran=0 skipped=0
while IFS= read -r line; do
  if [ -n "$only" ] && ! [[ "$line" =~ $only ]]; then continue; fi
  cmd=$(twin "$line")
  dir=$fixture
  case "$cmd" in
    *"-m bench"*)
      if [ "${READMESH_BENCH:-}" != 1 ]; then echo "== not run (benchmark, READMESH_BENCH=1 runs it): $line"; skipped=$((skipped+1)); continue; fi
      dir=$repo ;;
    *"-m tests"*) dir=$repo ;;
  esac
  # A command's output may end without a newline: start on a line of our own.
  echo
  if [ "$cmd" = "$line" ]; then echo "== $line"; else echo "== $line"; echo "   as: $cmd"; fi
  if ! (cd "$dir" && eval "$cmd" </dev/null); then
    echo "readme.sh: FAILED: $line" >&2
    [ "$cmd" = "$line" ] || echo "readme.sh: (ran as: $cmd)" >&2
    exit 1
  fi
  ran=$((ran+1))
done < <(readme_lines)
echo
echo "readme.sh: $ran README commands passed, $skipped not run"
