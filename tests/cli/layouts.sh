#!/usr/bin/env bash
# Builds Go repositories laid out the way real ones are, from the directories
# users run dagger in, with `dagger call -m <this checkout>` as a user types
# it, and checks what comes out:
#
#   mono/   a module whose go.mod replaces a sibling (replace ... => ../lib),
#           built from the module's directory;
#   work/   a go.work at the root (no go.mod there) using two modules, built
#           from the root and from inside one of its modules.
#
#   tests/cli/layouts.sh                  # every case
#   LAYOUTS_ONLY='work' tests/cli/layouts.sh   # only cases matching the regex
#
# Without an engine it says so and exits 0, without claiming a pass.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
only=${LAYOUTS_ONLY:-}

if ! command -v dagger >/dev/null 2>&1; then
  echo "layouts.sh: no dagger CLI on PATH: the layout checks were NOT run." >&2
  exit 0
fi
if ! echo '{ defaultPlatform }' | timeout 300 dagger query --no-mod >/dev/null 2>&1; then
  echo "layouts.sh: no Dagger engine answered (dagger query failed): the layout checks were NOT run." >&2
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0

# commit DIR makes DIR a git repository with one tagged commit.
commit() {
  git -C "$1" init -q
  git -C "$1" -c user.name=t -c user.email=t@example.invalid add -A
  git -C "$1" -c user.name=t -c user.email=t@example.invalid commit -qm layout
  git -C "$1" tag v1.2.3
}

# greeter DIR MODULE LIB writes a command that prints LIB's greeting and its
# GOARCH, and a test of it.
greeter() {
  mkdir -p "$1/cmd/greeter"
  cat >"$1/cmd/greeter/main.go" <<GO
package main

import (
	"fmt"
	"runtime"

	"$3"
)

func main() { fmt.Println(lib.Greeting(), runtime.GOARCH) }
GO
  cat >"$1/cmd/greeter/main_test.go" <<GO
package main

import (
	"testing"

	"$3"
)

func TestGreeting(t *testing.T) {
	if lib.Greeting() != "hello from lib" {
		t.Fatal(lib.Greeting())
	}
}
GO
}

# library DIR MODULE writes the library module the greeter imports.
library() {
  mkdir -p "$1"
  printf 'module %s\n\ngo 1.22\n' "$2" >"$1/go.mod"
  printf 'package lib\n\n// Greeting is what the greeter prints.\nfunc Greeting() string { return "hello from lib" }\n' >"$1/lib.go"
}

make_mono() {
  local m="$work/mono"
  library "$m/lib" example.com/mono/lib
  mkdir -p "$m/app" "$m/unrelated"
  printf 'module example.com/mono/app\n\ngo 1.22\n\nrequire example.com/mono/lib v0.0.0\n\nreplace example.com/mono/lib => ../lib\n' >"$m/app/go.mod"
  greeter "$m/app" example.com/mono/app example.com/mono/lib
  echo MIT >"$m/app/LICENSE"
  echo "not part of the build" >"$m/unrelated/notes.txt"
  # A module that replaces a directory outside the repository.
  mkdir -p "$m/escapes"
  printf 'module example.com/mono/escapes\n\ngo 1.22\n\nreplace example.com/outside => ../../outside\n' >"$m/escapes/go.mod"
  printf 'package main\n\nfunc main() {}\n' >"$m/escapes/main.go"
  commit "$m"
}

make_work() {
  local w="$work/work"
  library "$w/lib" example.com/work/lib
  mkdir -p "$w/app"
  printf 'module example.com/work/app\n\ngo 1.22\n\nrequire example.com/work/lib v0.0.0\n' >"$w/app/go.mod"
  greeter "$w/app" example.com/work/app example.com/work/lib
  printf 'go 1.22\n\nuse (\n\t./app\n\t./lib\n)\n' >"$w/go.work"
  echo "# work" >"$w/README.md"
  commit "$w"
}

# check NAME DIR CMD...: runs CMD in DIR, keeping its output in $out; a
# failing CMD fails the case.
out=""
check() {
  local name=$1 dir=$2
  shift 2
  if [ -n "$only" ] && ! [[ $name =~ $only ]]; then return 0; fi
  echo "== $name: (cd ${dir#"$work"/} && $*)" >&2
  if out=$(cd "$dir" && "$@" 2>&1); then
    return 0
  fi
  echo "$out" | tail -n 30 >&2
  fail "$name" "the command failed"
  return 1
}
pass() { echo "ok   $1" >&2; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2" >&2; failed=$((failed + 1)); }
# want NAME WHAT TEXT: TEXT is in $out.
want() {
  if grep -qF -- "$3" <<<"$out"; then pass "$1: $2"; else
    echo "$out" | tail -n 20 >&2
    fail "$1" "$2: no \"$3\" in the output"
  fi
}
# elf_machine FILE prints the ELF e_machine of FILE in hex (b7: arm64, 3e: amd64).
elf_machine() { od -An -tx1 -j18 -N1 "$1" | tr -d ' \n'; }
selected() { [ -z "$only" ] || [[ $1 =~ $only ]]; }

# make_vendored writes a module whose dependency no proxy has, vendored,
# and a command that embeds an asset.
make_vendored() {
  local v="$work/vendored"
  mkdir -p "$v/cmd/shout" "$v/vendor/example.com/notonproxy"
  printf 'module example.com/vendored\n\ngo 1.22\n\nrequire example.com/notonproxy v1.0.0\n' >"$v/go.mod"
  printf '# example.com/notonproxy v1.0.0\n## explicit\nexample.com/notonproxy\n' >"$v/vendor/modules.txt"
  printf 'package notonproxy\n\n// Word is vendored only.\nconst Word = "vendored"\n' >"$v/vendor/example.com/notonproxy/word.go"
  echo "embedded asset" >"$v/cmd/shout/asset.txt"
  cat >"$v/cmd/shout/main.go" <<'GO'
package main

import (
	_ "embed"
	"fmt"
	"strings"

	"example.com/notonproxy"
)

//go:embed asset.txt
var asset string

func main() { fmt.Println(notonproxy.Word, strings.TrimSpace(asset)) }
GO
  commit "$v"
}

make_mono
make_work
make_vendored
m="$work/mono" w="$work/work" v="$work/vendored"

if selected mono-build && check mono-build "$m/app" dagger call -m "$repo" build --arch arm64 export --path ./bin; then
  if [ "$(elf_machine "$m/app/bin/greeter")" = b7 ]; then pass "mono-build: arm64 greeter"; else fail mono-build "bin/greeter is no arm64 ELF"; fi
fi
if selected mono-native && check mono-native "$m/app" dagger call -m "$repo" build export --path ./native; then
  out=$("$m/app/native/greeter")
  want mono-native "the sibling's code runs" "hello from lib amd64"
fi
if selected mono-source && check mono-source "$m/app" dagger call -m "$repo" builder directory --path /src entries; then
  want mono-source "the module is uploaded" "app/"
  want mono-source "the replaced sibling is uploaded" "lib/"
  if grep -q unrelated <<<"$out"; then fail mono-source "an unrelated directory was uploaded: $out"; else pass "mono-source: nothing else"; fi
fi
if selected mono-test && check mono-test "$m/app" dagger call -m "$repo" test --platforms linux/amd64,linux/arm64; then
  want mono-test "the greeter's test passes" "example.com/mono/app/cmd/greeter"
fi
if selected mono-release && check mono-release "$m/app" dagger call -m "$repo" release --platforms linux/arm64 export --path ./dist; then
  if [ -f "$m/app/dist/app_1.2.3_linux_arm64.tar.gz" ]; then pass "mono-release: the archive is named after the module"; else
    fail mono-release "no dist/app_1.2.3_linux_arm64.tar.gz: $(ls "$m/app/dist")"
  fi
  if tar -tzf "$m/app/dist/app_1.2.3_linux_arm64.tar.gz" | grep -qx LICENSE; then pass "mono-release: the module's LICENSE is packed"; else fail mono-release "no LICENSE in the archive"; fi
fi
if selected mono-escape; then
  if out=$(cd "$m/escapes" && dagger call -m "$repo" build 2>&1); then fail mono-escape "a replacement outside the repository built"; else
    want mono-escape "the error names the replacement" "replace example.com/outside => ../../outside"
    want mono-escape "the error says why" "outside the repository"
  fi
fi

if selected work-build && check work-build "$w" dagger call -m "$repo" build --arch arm64 export --path ./bin; then
  if [ "$(elf_machine "$w/bin/greeter")" = b7 ]; then pass "work-build: arm64 greeter from the go.work root"; else fail work-build "bin/greeter is no arm64 ELF"; fi
fi
if selected work-inner && check work-inner "$w/app" dagger call -m "$repo" build export --path ./bin; then
  out=$("$w/app/bin/greeter")
  want work-inner "built from inside a module of the go.work" "hello from lib amd64"
fi
if selected work-test && check work-test "$w" dagger call -m "$repo" test --platforms linux/arm64; then
  want work-test "every module's tests run" "example.com/work/app/cmd/greeter"
fi
if selected work-release && check work-release "$w" dagger call -m "$repo" release --platforms linux/amd64,linux/arm64 export --path ./dist; then
  if [ -f "$w/dist/app_1.2.3_linux_arm64.tar.gz" ]; then pass "work-release: archives named after the first module"; else
    fail work-release "no dist/app_1.2.3_linux_arm64.tar.gz: $(ls "$w/dist")"
  fi
  if tar -tzf "$w/dist/app_1.2.3_linux_amd64.tar.gz" | grep -qx README.md; then pass "work-release: the workspace's README is packed"; else fail work-release "no README.md in the archive"; fi
fi
if selected work-emulate && check work-emulate "$w" dagger call -m "$repo" --mode EMULATE build --arch arm64 export --path ./emulated; then
  if [ "$(elf_machine "$w/emulated/greeter")" = b7 ]; then pass "work-emulate: built under emulation"; else fail work-emulate "emulated/greeter is no arm64 ELF"; fi
fi
if selected work-image && check work-image "$w" dagger call -m "$repo" image --platforms linux/amd64,linux/arm64 export --path ./app.tar; then
  if tar -tf "$w/app.tar" | grep -q index.json; then pass "work-image: an image layout"; else fail work-image "app.tar holds no index.json"; fi
fi
if selected work-off; then
  out=$(cd "$w/app" && dagger call -m "$repo" --gowork off build 2>&1 || true)
  want work-off "--gowork off builds the module alone (its lib is not published)" "example.com/work/lib"
fi

if selected vendored-build && check vendored-build "$v" dagger call -m "$repo" build export --path ./bin; then
  out=$("$v/bin/shout")
  want vendored-build "a vendored dependency and an embedded asset" "vendored embedded asset"
fi
if selected vendored-arm64 && check vendored-arm64 "$v" dagger call -m "$repo" build --arch arm64 export --path ./arm64; then
  if [ "$(elf_machine "$v/arm64/shout")" = b7 ]; then pass "vendored-arm64: arm64 shout"; else fail vendored-arm64 "arm64/shout is no arm64 ELF"; fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
