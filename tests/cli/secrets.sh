#!/usr/bin/env bash
# No credential in the log: go-build's build, release, image and publish run
# through `dagger --progress=plain call` on a git checkout whose origin
# carries a token (as GitLab CI clones it:
# https://gitlab-ci-token:<token>@gitlab.example.com/group/project.git), with
# a netrc secret holding another token. Every line dagger prints, every
# exported file (archives and the image tarball unpacked, SBOMs, checksums)
# and everything the registry holds of the pushed image (manifests, configs,
# attestations) is searched for both tokens; the script exits 1 naming each
# place one was found. It also wants the image's source label reduced to
# https://gitlab.example.com/group/project, and the errors of a --goproxy
# holding a third token (once with a password url.Parse refuses) to show no
# token.
#
#   tests/cli/secrets.sh                 # needs dagger (an engine), git, curl, jq, tar
#   SECRETSSH_REGISTRY=127.0.0.1:5000 tests/cli/secrets.sh   # push there (plain HTTP)
#   SECRETSSH_FLAGS=-vvv tests/cli/secrets.sh                # more of the trace in the log
#
# Pushes go to a registry of its own (crane registry serve on a free port)
# when crane is installed, else to $SECRETSSH_REGISTRY (default
# 127.0.0.1:5000), reached from the engine with --registry-service tcp://...
# The logs stay in $SECRETSSH_LOGS (default: a temporary directory, removed
# at the end). Without an engine it says so and exits 0, without claiming a
# pass.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
flags=${SECRETSSH_FLAGS:-}
crane=${CRANE:-$(command -v crane || { [ -x "$HOME/go/bin/crane" ] && echo "$HOME/go/bin/crane"; } || true)}

for tool in git curl jq tar; do
  command -v "$tool" >/dev/null 2>&1 || { echo "secrets.sh: needs $tool" >&2; exit 2; }
done
if ! command -v dagger >/dev/null 2>&1; then
  echo "secrets.sh: no dagger CLI on PATH: nothing was checked." >&2
  exit 0
fi
if ! echo '{ defaultPlatform }' | timeout 300 dagger query --no-mod >/dev/null 2>&1; then
  echo "secrets.sh: no Dagger engine answered (dagger query failed): nothing was checked." >&2
  exit 0
fi

work=$(mktemp -d)
logs=${SECRETSSH_LOGS:-$work/logs}
mkdir -p "$logs"
registry_pid=
cleanup() {
  [ -z "$registry_pid" ] || kill "$registry_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

token() { od -An -N20 -tx1 /dev/urandom | tr -d ' \n'; }
origin_token=gbtok-$(token)
netrc_token=gbnetrc-$(token)
flag_token=gbflag-$(token)
# redact hides the tokens in what it copies.
redact() { sed -e "s/$origin_token/<origin token>/g" -e "s/$netrc_token/<netrc token>/g" -e "s/$flag_token/<flag token>/g"; }

# The registry.
if [ -n "$crane" ] && [ -z "${SECRETSSH_REGISTRY:-}" ]; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 5301)
  "$crane" registry serve --address "127.0.0.1:$port" >"$logs/registry.log" 2>&1 &
  registry_pid=$!
  registry=127.0.0.1:$port
  for _ in $(seq 50); do curl -fs -o /dev/null "http://$registry/v2/" && break; sleep 0.2; done
else
  registry=${SECRETSSH_REGISTRY:-127.0.0.1:5000}
fi
curl -fs -o /dev/null "http://$registry/v2/" || { echo "secrets.sh: no registry answers at http://$registry/v2/" >&2; exit 2; }

# make_fixture DIR PASSWORD: the checks' pure-Go program, a git checkout
# whose origin is https://gitlab-ci-token:PASSWORD@gitlab.example.com/...
# printf is the shell's own: the token is in no command's arguments. The
# value is quoted: unquoted, git reads a '#' as the start of a comment.
make_fixture() {
  cp -r "$repo/tests/testdata/purego" "$1"
  (
    cd "$1"
    git -c init.defaultBranch=main init -q
    git add -A
    git -c user.name=check -c user.email=check@example.com commit -q -m fixture
    git tag v1.0.0
    printf '[remote "origin"]\n\turl = "https://gitlab-ci-token:%s@gitlab.example.com/group/project.git"\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n' \
      "$2" >>.git/config
    [ "$(git config --get remote.origin.url)" = "https://gitlab-ci-token:$2@gitlab.example.com/group/project.git" ] ||
      { echo "secrets.sh: git does not read the origin remote written for $1" >&2; exit 2; }
  )
}
fixture=$work/app
make_fixture "$fixture" "$origin_token"
# The same with a password url.Parse refuses (a '#' in it): the remote
# is dropped whole.
bad_fixture=$work/bad
make_fixture "$bad_fixture" "pa#$origin_token"
printf 'machine gitlab.example.com login gitlab-ci-token password %s\n' "$netrc_token" >"$work/netrc"

gobuild=(dagger --progress=plain $flags call -m "$repo" --source "$fixture" --netrc "file:$work/netrc"
  --builder-image golang:1.26-bookworm --strip-image debian:trixie-slim --go-version 1.26
  --cache-namespace secrets-cli)
platforms=linux/amd64,linux/arm64
image=$registry/go-build-secrets-check/app:1.0.0
failed=0

# call NAME CMD... runs a dagger call, its log in $logs/NAME.log.
call() {
  local name=$1
  shift
  echo "secrets.sh: $name"
  if ! "$@" >"$logs/$name.log" 2>&1; then
    echo "secrets.sh: $name failed; its log ends:" >&2
    tail -n 20 "$logs/$name.log" | redact >&2
    failed=1
  fi
}
# fails NAME WANT CMD... runs a call that must fail, saying WANT.
fails() {
  local name=$1 want=$2
  shift 2
  echo "secrets.sh: $name (must fail)"
  if "$@" >"$logs/$name.log" 2>&1; then
    echo "secrets.sh: $name passed, want an error" >&2
    failed=1
  elif ! grep -qF -- "$want" "$logs/$name.log"; then
    echo "secrets.sh: the error of $name does not say: $want" >&2
    failed=1
  fi
}

mkdir -p "$work/out"
call build "${gobuild[@]}" build --arch arm64 export --path "$work/out/build"
call release "${gobuild[@]}" release --platforms "$platforms" export --path "$work/out/dist"
call image "${gobuild[@]}" image --platforms "$platforms" export --path "$work/out/image.tar"
call publish "${gobuild[@]}" publish --image "$image" --platforms "$platforms" --registry-service "tcp://$registry"
# Without provenance (which refuses a remote with credentials itself),
# only the labels and annotations stand between the token and the image.
bad=("${gobuild[@]}")
for i in "${!bad[@]}"; do [ "${bad[$i]}" != "$fixture" ] || bad[$i]=$bad_fixture; done
call image-bad-origin "${bad[@]}" image --platforms linux/amd64 --provenance=false export --path "$work/out/bad-image.tar"
fails goproxy-password 'gitlab-ci-token:xxxxx@proxy.example' \
  "${gobuild[@]}" --goproxy "https://gitlab-ci-token:$flag_token@proxy.example/" build --arch arm64 entries
fails goproxy-unparsable '--goproxy (its value is not shown' \
  "${gobuild[@]}" --goproxy "https://gitlab-ci-token:pa#$flag_token@proxy.example/" build --arch arm64 entries

# What the calls left: exported files unpacked, the registry's documents.
unpack() {
  local dir=$1 f
  while IFS= read -r -d '' f; do
    case $f in
    *.tar.gz | *.tgz) mkdir -p "$f.d" && tar -xzf "$f" -C "$f.d" ;;
    *.tar) mkdir -p "$f.d" && tar -xf "$f" -C "$f.d" ;;
    *.zip) mkdir -p "$f.d" && (cd "$f.d" && python3 -m zipfile -e "$f" . 2>/dev/null || unzip -q "$f") ;;
    esac
  done < <(find "$dir" -type f \( -name '*.tar.gz' -o -name '*.tgz' -o -name '*.tar' -o -name '*.zip' \) -print0)
  # OCI blobs: gunzip the layers beside them.
  while IFS= read -r -d '' f; do
    if [ "$(head -c 2 "$f" | od -An -tx1 | tr -d ' ')" = 1f8b ]; then
      gzip -dc "$f" >"$f.gunzipped" 2>/dev/null || true
    fi
  done < <(find "$dir" -path '*/blobs/*' -type f -print0)
}
[ -d "$work/out" ] && unpack "$work/out"
pulled=$work/registry
mkdir -p "$pulled"
accept='application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json'
pull() { # pull KIND REF
  local out="$pulled/$1-${2//[:\/]/_}"
  [ -e "$out" ] && return 0
  curl -fsS -H "Accept: $accept" "http://$registry/v2/go-build-secrets-check/app/$1/$2" -o "$out" || { echo "secrets.sh: GET $1/$2 failed" >&2; failed=1; return 0; }
  if [ "$1" = manifests ]; then
    local d
    for d in $(jq -r '.manifests[]?.digest' "$out"); do pull manifests "$d"; done
    for d in $(jq -r '.config.digest // empty, .layers[]?.digest' "$out"); do pull blobs "$d"; done
  elif [ "$(head -c 2 "$out" | od -An -tx1 | tr -d ' ')" = 1f8b ]; then
    gzip -dc "$out" >"$out.gunzipped" 2>/dev/null || true
  fi
}
if grep -q '@sha256:' "$logs/publish.log" 2>/dev/null; then
  pull manifests 1.0.0
fi

# search WHAT FILE... prints each line of FILE holding a token (of a
# binary file, how many).
leaks=0
search() {
  local what=$1 f t n
  shift
  for f in "$@"; do
    for t in "$origin_token:the origin token" "$netrc_token:the netrc token"; do
      n=$(grep -a -c -F -- "${t%%:*}" "$f" 2>/dev/null || true)
      [ "${n:-0}" -gt 0 ] || continue
      echo "secrets.sh: ${t#*:} in $what ${f#$work/}:" >&2
      if grep -I -q -F -- "${t%%:*}" "$f"; then
        grep -n -F -- "${t%%:*}" "$f" | head -n 3 | cut -c1-400 | redact | sed 's/^/    /' >&2
      else
        echo "    (a binary file: $n lines hold it)" >&2
      fi
      leaks=1
    done
  done
}
mapfile -d '' outputs < <(find "$work/out" "$pulled" -type f -print0)
search "the log" "$logs"/*.log
search "the output" "${outputs[@]}"
# The flag token: the error text must not hold it. dagger prints the
# command line it was given (the user's own input), so only the error
# lines are read: those after the first "Error:" or naming go-build's
# setting.
for name in goproxy-password goproxy-unparsable; do
  hit=$(sed -n '/Error\|invalid private-module setting/,$p' "$logs/$name.log" | grep -n -F -- "$flag_token" | head -n 3 || true)
  if [ -n "$hit" ]; then
    echo "secrets.sh: the --goproxy token in the error of $name:" >&2
    printf '%s\n' "$hit" | redact | sed 's/^/    /' >&2
    leaks=1
  fi
done

# The source label: the remote, reduced.
source_label=org.opencontainers.image.source
if ! grep -a -h -o "\"$source_label\": *\"[^\"]*\"" -r "$pulled" "$work/out" 2>/dev/null | sort -u | grep -q '"https://gitlab.example.com/group/project"$'; then
  echo "secrets.sh: no $source_label https://gitlab.example.com/group/project in the image or the registry" >&2
  failed=1
fi
if grep -a -h -o "\"$source_label\": *\"[^\"]*\"" -r "$pulled" "$work/out" 2>/dev/null | sort -u | grep -v '"https://gitlab.example.com/group/project"$' | redact >&2; then
  echo "secrets.sh: another $source_label than https://gitlab.example.com/group/project (above)" >&2
  failed=1
fi

# The image of the origin url.Parse refuses: no trace of the remote.
if [ -d "$work/out/bad-image.tar.d" ] && grep -a -r -l -F gitlab.example.com "$work/out/bad-image.tar.d" >&2; then
  echo "secrets.sh: the image of an origin url.Parse refuses names gitlab.example.com (files above): want the remote dropped" >&2
  failed=1
fi

searched=$(( ${#outputs[@]} + $(ls "$logs"/*.log | wc -l) ))
if [ "$leaks" = 1 ]; then
  echo "secrets.sh: FAIL: a credential reached an output (above); $searched files searched" >&2
  exit 1
fi
if [ "$failed" = 1 ]; then
  echo "secrets.sh: FAIL: a call failed or an output is missing (above); no token found in the $searched files searched" >&2
  exit 1
fi
echo "secrets.sh: ok: neither token in the $(cat "$logs"/*.log | wc -l) lines of the $(ls "$logs"/*.log | wc -l) logs (dagger calls and the registry) nor in the ${#outputs[@]} exported and pushed files"
