#!/usr/bin/env bash
# Runs every `dagger call` line of README.md and docs/*.md as a user would
# type it, against a real Dagger engine, in a small Go repository this
# script creates, and stops at the first line that fails, printing its
# file:line.
#
#   tests/cli/readme.sh               # every line (slow: toolchains, publishes)
#   READMESH_FILES=docs/releases.md tests/cli/readme.sh   # one page (or several, space-separated)
#   READMESH_ONLY='release|image' tests/cli/readme.sh     # only lines matching the regex
#   READMESH_LIST=1 tests/cli/readme.sh                   # print file:line and what would run; no engine
#
# A line is a `dagger call` command in a ``` block (continuation lines
# joined, a trailing # comment cut), or a `dagger call ...` code span in a
# table row. The same command twice runs once.
#
# Lines that cannot run as written (a placeholder registry, an interactive
# terminal, an image that is not public) run as the twin listed in twin()
# below; each twin says why. Pushes go to the registry at $READMESH_REGISTRY
# (default 127.0.0.1:5000, a plain-HTTP registry on the machine running
# dagger), reached from the engine with --registry-service tcp://...
# The benchmark's lines take about an hour; they run only with
# READMESH_BENCH=1 and are otherwise listed as not run.
# READMESH_MISSING_PLATFORMS (e.g. linux/s390x,linux/ppc64le) names
# platforms the engine's image mirror has no images for: lines naming one
# are listed as not run, with the reason, rather than failed.
#
# A page whose lines need more (keys, a server, files) gets a setup file,
# tests/cli/pages/<page>.sh for docs/<page>.md (readme.sh for README.md).
# It is sourced once, in the fixture directory, before the page's first
# line; it may export variables, write files under $work, and define
# page_twin, which gets each of the page's lines (after twin()) and prints
# the command to run. docs/developing.md describes it.
#
# Without an engine it says so and exits 0, without claiming a pass.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
registry=${READMESH_REGISTRY:-127.0.0.1:5000}
only=${READMESH_ONLY:-}
list=${READMESH_LIST:-}

# doc_files prints the files to read, relative to the repository.
doc_files() {
  if [ -n "${READMESH_FILES:-}" ]; then
    local f
    for f in ${READMESH_FILES//,/ }; do
      [ -f "$repo/$f" ] || { echo "readme.sh: READMESH_FILES names $f, which is not a file of $repo" >&2; exit 2; }
      printf '%s\n' "$f"
    done
    return
  fi
  echo README.md
  (cd "$repo" && ls docs/*.md 2>/dev/null) || true
}

if [ -z "$list" ] && ! command -v dagger >/dev/null 2>&1; then
  echo "readme.sh: no dagger CLI on PATH: the README's commands were NOT run." >&2
  exit 0
fi
if [ -z "$list" ] && ! echo '{ defaultPlatform }' | timeout 300 dagger query --no-mod >/dev/null 2>&1; then
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

# doc_lines prints the `dagger call` lines of file, one per line, as
# <file>:<line><TAB><command>: inside ``` blocks, continuation lines joined
# (the line number is the first one's), trailing comments cut; and the
# `dagger call ...` code spans of table rows.
doc_lines() {
  awk -v file="$1" '
    function emit(n, line) {
      sub(/^[ ]+/, "", line)
      if (line !~ /^dagger call /) return
      sub(/[ ]+#.*$/, "", line)
      gsub(/[ ]+/, " ", line)
      printf "%s:%d\t%s\n", file, n, line
    }
    /^[ ]*```/ { inblock = !inblock; cont = ""; next }
    inblock {
      line = $0
      if (cont != "") { line = cont " " line; cont = "" } else start = NR
      if (line ~ /\\$/) { sub(/[ ]*\\$/, "", line); cont = line; next }
      emit(start, line)
      next
    }
    /^[ ]*\|/ {
      rest = $0
      while (match(rest, /`dagger call [^`]*`/)) {
        emit(NR, substr(rest, RSTART + 1, RLENGTH - 2))
        rest = substr(rest, RSTART + RLENGTH)
      }
    }' "$repo/$1"
}

# twin prints the command to run for a README line: the line itself, or a
# runnable twin of it.
twin() {
  local line=$1 reg="--registry-service tcp://$registry"
  # go-build's own address (a placeholder: where you got it from): this checkout.
  line=$(sed -E "s#-m (path/to/go-build|github\.com/<[a-z]+>/go-build)( |\$)#-m $repo\2#" <<<"$line")
  # The caller's docker login: a config written here, with an auths entry
  # for the placeholder registry (the local registry takes any login).
  line=${line//file:\$HOME\/.docker\/config.json/file:$work/docker/config.json}
  case "$line" in
    # Placeholder registry: push to the local registry, under the same repository and tag.
    *"publish --image registry.example/"*)
      line="$line $reg --insecure" ;;
    # publish-toolchain: go-build pushes through the service; a versions
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

# page_setup sources the setup file of file's page, if it has one.
page_setup() {
  local page
  page=$(basename "$1" .md)
  [ "$1" = README.md ] && page=readme
  unset -f page_twin
  if [ -f "$repo/tests/cli/pages/$page.sh" ]; then
    echo "== setup: tests/cli/pages/$page.sh"
    cd "$fixture"
    # shellcheck source=/dev/null
    . "$repo/tests/cli/pages/$page.sh"
    cd "$repo"
  fi
}

make_fixture
mkdir -p "$work/docker"
printf '{"auths":{"registry.example":{"auth":"%s"}}}\n' "$(printf 'me:readme-token' | base64)" > "$work/docker/config.json"
export REGISTRY_TOKEN=readme-token
export DAGGER_MODULE="$repo"
# missing_platform prints the first of READMESH_MISSING_PLATFORMS that cmd
# names (as linux/s390x or s390x), if any.
missing_platform() {
  local p arch
  # --platforms all names every platform.
  if [ -n "${READMESH_MISSING_PLATFORMS:-}" ] && [[ " $1 " == *" --platforms all "* ]]; then
    printf '%s\n' "${READMESH_MISSING_PLATFORMS%%,*}"; return
  fi
  for p in ${READMESH_MISSING_PLATFORMS:+${READMESH_MISSING_PLATFORMS//,/ }}; do
    arch=${p#*/}
    if [[ " $1 " =~ [\ ,=]($p|$arch)[\ ,] ]]; then printf '%s\n' "$p"; return; fi
  done
}

ran=0 skipped=0 same=0
declare -A passed=()
current=""
while IFS=$'\t' read -r where line; do
  if [ -n "$only" ] && ! [[ "$line" =~ $only ]]; then continue; fi
  file=${where%:*}
  if [ "$file" != "$current" ]; then
    current=$file
    [ -n "$list" ] || page_setup "$file"
  fi
  cmd=$(twin "$line")
  if declare -F page_twin >/dev/null; then cmd=$(page_twin "$cmd"); fi
  if [ -n "$list" ]; then
    if [ "$cmd" = "$line" ]; then echo "$where: $line"; else echo "$where: $line"; echo "   as: $cmd"; fi
    continue
  fi
  dir=$fixture
  case "$cmd" in
    *"-m bench"*)
      if [ "${READMESH_BENCH:-}" != 1 ]; then echo "== not run (benchmark, READMESH_BENCH=1 runs it): $where: $line"; skipped=$((skipped+1)); continue; fi
      dir=$repo ;;
    *"-m tests"*) dir=$repo ;;
  esac
  missing=$(missing_platform "$cmd")
  if [ -n "$missing" ]; then
    echo "== not run (READMESH_MISSING_PLATFORMS: no $missing images): $where: $line"
    skipped=$((skipped+1))
    continue
  fi
  if [ -n "${passed[$cmd]:-}" ]; then
    echo "== $where: the same command as ${passed[$cmd]}, which passed"
    same=$((same+1))
    continue
  fi
  # A command's output may end without a newline: start on a line of our own.
  echo
  if [ "$cmd" = "$line" ]; then echo "== $where: $line"; else echo "== $where: $line"; echo "   as: $cmd"; fi
  if ! (cd "$dir" && eval "$cmd" </dev/null); then
    echo "readme.sh: FAILED at $where: $line" >&2
    [ "$cmd" = "$line" ] || echo "readme.sh: (ran as: $cmd)" >&2
    exit 1
  fi
  passed[$cmd]=$where
  ran=$((ran+1))
done < <(doc_files | while read -r f; do doc_lines "$f"; done)
[ -n "$list" ] && exit 0
echo
echo "readme.sh: $ran commands passed, $same repeated, $skipped not run ($(doc_files | tr '\n' ' '))"
