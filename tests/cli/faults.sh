#!/usr/bin/env bash
# Side by side: go-build publish and crane push of the same two-platform
# image through the same fault-injecting proxy (tests/faultproxy) in front
# of an in-memory registry (crane registry serve), all on this machine, and
# a publish interrupted with ^C half-way then run again. It prints one line
# per fault and tool: the result, the seconds it took, the faults injected.
#
#   tests/cli/faults.sh            # needs dagger (an engine), go, curl, and crane:
#   go install github.com/google/go-containerregistry/cmd/crane@v0.20.7
#
# go-build reaches the proxy as --registry-service tcp://127.0.0.1:$port.
# Every run is cut at $FAULTS_LIMIT seconds (default 600): a hang shows as
# "hung". Each run's output is kept in $FAULTS_LOGS (default: a temporary
# directory, removed at the end).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
limit=${FAULTS_LIMIT:-600}
crane=${CRANE:-$(command -v crane || echo "$HOME/go/bin/crane")}
registry_port=5201 proxy_port=5101 control_port=5102 proxy2_port=5103 control2_port=5104
platforms=linux/amd64,linux/arm64
# The fault checks' builds (dagger call -m tests publish-survives-faults):
# cached once they ran.
version=v1.0.0-a previous_version=v1.0.0-b
work=$(mktemp -d)
logs=${FAULTS_LOGS:-$work}
mkdir -p "$logs"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# fresh_registry starts an empty registry: the in-memory registry finds a
# blob pushed to any repository, so every case gets its own.
registry_pid=
fresh_registry() {
  [ -z "$registry_pid" ] || { kill "$registry_pid"; wait "$registry_pid" 2>/dev/null || true; }
  "$crane" registry serve --address 127.0.0.1:$registry_port >>"$work/registry.log" 2>&1 &
  registry_pid=$!
  pids+=($registry_pid)
  until curl -fs -o /dev/null "http://127.0.0.1:$registry_port/v2/"; do sleep 0.2; done
}
fresh_registry
(cd "$repo/tests" && go build -o "$work/faultproxy" ./faultproxy)
"$work/faultproxy" -listen 127.0.0.1:$proxy_port -control 127.0.0.1:$control_port \
  -upstream http://127.0.0.1:$registry_port >"$work/proxy.log" 2>&1 &
pids+=($!)
"$work/faultproxy" -listen 127.0.0.1:$proxy2_port -control 127.0.0.1:$control2_port \
  -upstream http://127.0.0.1:$registry_port >"$work/proxy2.log" 2>&1 &
pids+=($!)
sleep 1

gobuild=(dagger call -m "$repo" --source "$repo/tests/testdata/purego" --cache-namespace faults-check
  --builder-image golang:1.26-bookworm --strip-image debian:trixie-slim --go-version 1.26)
echo "building the image (once; every publish below reuses the engine's cache)..."
"${gobuild[@]}" --version "$version" image --platforms "$platforms" export --path "$work/app.tar" >/dev/null
mkdir "$work/layout" && tar -xf "$work/app.tar" -C "$work/layout"

fault() { curl -fsS -X PUT "http://127.0.0.1:${2:-$control_port}/fault?$1" >/dev/null; }
stats() { curl -fsS "http://127.0.0.1:${1:-$control_port}/stats"; }
injected() { stats "$@" | sed -n 's/.*"injected":\([0-9]*\).*/\1/p'; }
commits() { stats "$@" | sed -n 's/.*"commits":\([0-9]*\).*/\1/p'; }
tag_digest() {
  curl -sS -o /dev/null -w '%header{docker-content-digest}' -I \
    -H 'Accept: application/vnd.oci.image.index.v1+json' "http://127.0.0.1:$registry_port/v2/$1/manifests/$2"
}

# run NAME CMD... runs CMD under the time limit and prints how it went.
run() {
  local name=$1 start end status=0
  shift
  start=$(date +%s.%N)
  local out="$logs/$n-$name.log"
  timeout "$limit" "$@" >"$out" 2>&1 || status=$?
  end=$(date +%s.%N)
  local how="succeeded"
  if [ "$status" = 124 ]; then how="hung (cut at ${limit}s)"; elif [ "$status" != 0 ]; then how="failed: $(grep -a -o 'pushing the image: .*' "$out" | tail -n 1 | cut -c1-300 || true)"; fi
  [ "$how" != "failed: " ] || how="failed: $(tail -n 3 "$out" | tr '\n' ' ' | cut -c1-300 || true)"
  printf '%-34s %-9s %6.1fs  %3s faults  %s\n' "${fault_spec:-none}" "$name" "$(echo "$end - $start" | bc)" "$(injected)" "$how"
}

n=0
# FAULTS_SPECS: the faults, as the proxy's control API takes them ("none" for none).
for fault_spec in ${FAULTS_SPECS:-none do=503&every=4 do=429&every=4 do=cut&every=5 do=stall&match=manifest&limit=1 do=500&match=tag}; do
  [ "$fault_spec" != none ] || fault_spec=""
  n=$((n + 1))
  fresh_registry
  fault "$fault_spec"
  run crane "$crane" push --insecure "$work/layout" 127.0.0.1:$proxy_port/side/crane-$n:1
  fresh_registry
  fault "$fault_spec"
  run go-build "${gobuild[@]}" --version "$version" publish --image registry.test/side/gobuild-$n:1 --platforms "$platforms" \
    --registry-service tcp://127.0.0.1:$proxy_port
done
fault_spec=""

[ "${FAULTS_RESUME:-1}" = 1 ] || exit 0
echo
echo "interrupting a publish half-way (the proxy holds every request once two blobs are in):"
# A fresh registry: the cases above left the build's blobs in, and a
# publish that finds them all commits none, so it is never held.
fresh_registry
fault ""
"${gobuild[@]}" --version "$previous_version" publish --image registry.test/side/resume:1 --platforms "$platforms" \
  --registry-service tcp://127.0.0.1:$proxy_port >/dev/null
previous=$(tag_digest side/resume 1)
fault "do=stall&match=any&after=2"
"${gobuild[@]}" --version "$version" publish --image registry.test/side/resume:1 --platforms "$platforms" \
  --registry-service tcp://127.0.0.1:$proxy_port >"$work/interrupted" 2>&1 &
publish=$!
until [ "$(commits)" -ge 2 ] && [ "$(injected)" -ge 1 ]; do
  kill -0 "$publish" 2>/dev/null || { echo "  the publish to interrupt ended before two blobs were in:"; tail -n 3 "$work/interrupted"; exit 1; }
  sleep 0.5
done
kill -INT "$publish"
wait "$publish" || true
echo "  interrupted after $(commits) blob commits; the tag: $(tag_digest side/resume 1) (before: $previous)"
# The next publish goes through the second proxy: should the interrupted
# one still run in the engine, it stays held by the first.
fault "" $control2_port
"${gobuild[@]}" --version "$version" publish --image registry.test/side/resume:1 --platforms "$platforms" \
  --registry-service tcp://127.0.0.1:$proxy2_port
echo "  the next publish: $(stats $control2_port)"
echo "  the tag: $(tag_digest side/resume 1)"
