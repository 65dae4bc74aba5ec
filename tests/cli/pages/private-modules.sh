# shellcheck shell=bash disable=SC2154 # $repo and $work are readme.sh's
# Setup of docs/private-modules.md for tests/cli/readme.sh, sourced in the
# fixture directory before the page's first line ($repo, $work are
# readme.sh's).
#
# The page's lines build tests/testdata/private/app against a module proxy
# (127.0.0.1:8443, as mods.internal) and a git server (127.0.0.1:443, as
# git.internal), both HTTPS with their own CA and a login, that the bash
# block of its "Try it on this machine" section starts. That block runs
# here as the page has it (read from the page, so the steps checked are
# the steps documented), from $repo, its two servers in the background;
# readme.sh's exit stops them (its EXIT trap is extended, the removal of
# $work kept) and prints their log when a line failed.
#
# page_twin runs each line in the app's directory (the page's last step
# cds there), and maps the recipes naming hosts that do not exist here to
# the same options against the local servers; see page_twin.

privmods_dir=/tmp/privmods
privmods_app=$repo/tests/testdata/private/app
privmods_log=$work/privmods-servers.log
privmods_pids=()
privmods_created=
[ -e "$privmods_dir" ] || privmods_created=1

# privmods_stop stops the servers this file started and, when readme.sh
# fails, prints their log; it runs first on readme.sh's exit.
privmods_stop() {
  local rc=$? pid
  for pid in "${privmods_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${privmods_pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "$rc" != 0 ] && [ -s "$privmods_log" ]; then
    echo "== the private module servers' log ($privmods_log):" >&2
    tail -n 40 "$privmods_log" >&2
  fi
  # /tmp/privmods is the page's: removed only when this run made it.
  if [ -n "$privmods_created" ]; then rm -rf "$privmods_dir"; fi
  return "$rc"
}
privmods_prev_exit=$(trap -p EXIT)
privmods_prev_exit=${privmods_prev_exit#"trap -- "}
privmods_prev_exit=${privmods_prev_exit%" EXIT"}
eval "privmods_prev_exit=$privmods_prev_exit"
# shellcheck disable=SC2064 # the previous trap's command, expanded now
trap "privmods_stop; $privmods_prev_exit" EXIT

for privmods_port in 8443 443; do
  if [ -n "$(ss -Hltn "sport = :$privmods_port")" ]; then
    echo "readme.sh: tests/cli/pages/private-modules.sh: port $privmods_port is in use; docs/private-modules.md's servers need it:" >&2
    ss -ltnp "sport = :$privmods_port" >&2
    exit 1
  fi
done

# The page's block: the bash block of "## Try it on this machine".
privmods_steps=$(awk '
  /^## / { in_section = ($0 == "## Try it on this machine") }
  in_section && /^```bash$/ { inblock = 1; next }
  inblock && /^```/ { exit }
  inblock { print }' "$repo/docs/private-modules.md")
if [ -z "$privmods_steps" ] || [[ "$privmods_steps" != *"privserver proxy"* ]]; then
  echo "readme.sh: tests/cli/pages/private-modules.sh: no bash block starting the servers under \"## Try it on this machine\" in docs/private-modules.md" >&2
  exit 1
fi
echo "== setup: docs/private-modules.md's \"Try it on this machine\" steps, from $repo (servers' log: $privmods_log):"
printf '%s\n' "$privmods_steps" | sed 's/^/   /'
cd "$repo" || exit 1
privmods_jobs_before=$(jobs -p)
# set -e holds in the steps: the first that fails stops readme.sh.
eval "$privmods_steps" >>"$privmods_log" 2>&1
for privmods_pid in $(jobs -p); do
  grep -qx "$privmods_pid" <<<"$privmods_jobs_before" || privmods_pids+=("$privmods_pid")
done
if [ "${#privmods_pids[@]}" != 2 ]; then
  echo "readme.sh: tests/cli/pages/private-modules.sh: the steps started ${#privmods_pids[@]} background processes, want 2 (the proxy and the git server)" >&2
  exit 1
fi
if [ "$PWD" != "$privmods_app" ]; then
  echo "readme.sh: tests/cli/pages/private-modules.sh: the steps end in $PWD, want $privmods_app" >&2
  exit 1
fi

# Both servers answer, under the names the certificate gives them and the
# CA the steps wrote: the proxy a 401 without a login, the git server the
# go-get page of git.internal/words.
privmods_up() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$privmods_dir/ca.pem" --resolve mods.internal:8443:127.0.0.1 https://mods.internal:8443/mods.internal/greet/@v/list)" = 401 ] &&
    curl -fsS --cacert "$privmods_dir/ca.pem" --resolve git.internal:443:127.0.0.1 'https://git.internal/words?go-get=1' 2>/dev/null | grep -q 'go-import" content="git.internal/words git https://git.internal/words.git"'
}
for _ in $(seq 60); do
  privmods_up && break
  sleep 0.5
done
if ! privmods_up; then
  echo "readme.sh: tests/cli/pages/private-modules.sh: the servers do not answer on 127.0.0.1:8443 and 127.0.0.1:443:" >&2
  cat "$privmods_log" >&2
  exit 1
fi
echo "== setup: the proxy (127.0.0.1:8443) and the git server (127.0.0.1:443) answer"

# A copy of the app that needs only the git-served module, for the GitHub
# and GitLab recipes: they fetch their private modules with git alone,
# and mods.internal/greet has no git repository (only the proxy serves it).
privmods_gitapp=$work/privmods-gitapp
mkdir -p "$privmods_gitapp"
printf 'module example.com/gitapp\n\ngo 1.22\n\nrequire git.internal/words v1.0.0\n' >"$privmods_gitapp/go.mod"
grep '^git.internal/words ' "$privmods_app/go.sum" >"$privmods_gitapp/go.sum"
cat >"$privmods_gitapp/main.go" <<'GO'
// Command gitapp needs one private module, from an authenticating git server.
package main

import (
	"fmt"

	"git.internal/words"
)

func main() { fmt.Println(words.Word()) }
GO

# privmods_check_arm64 checks that file is a linux/arm64 ELF binary (the
# lines' --arch arm64): ELF magic, e_machine 183.
privmods_check_arm64() {
  # What export printed (the path) ends without a newline.
  echo
  if [ "$(od -An -tx1 -N4 "$1" | tr -d ' ')" != 7f454c46 ] || [ "$(od -An -tu2 -j18 -N2 "$1" | tr -d ' ')" != 183 ]; then
    echo "private-modules check: $1 is no linux/arm64 binary" >&2
    return 1
  fi
  echo "private-modules check: $1 is a linux/arm64 binary"
}

# privmods_check_privapp checks what the app prints: what the two private
# modules return, as the page says.
privmods_check_privapp() {
  local out want="hello from the private module mods.internal/greet and from git.internal/words"
  out=$("$1")
  if [ "$out" != "$want" ]; then
    echo "private-modules check: $1 printed \"$out\", want \"$want\"" >&2
    return 1
  fi
  echo "private-modules check: $1 printed \"$out\""
}

page_twin() {
  local cmd=$1 dir=$privmods_app bin=privapp env=""
  local proxy="with-service-binding --alias mods.internal --service tcp://127.0.0.1:8443"
  local git="with-service-binding --alias git.internal --service tcp://127.0.0.1:443"
  case "$cmd" in
    *"https://artifactory.corp.example.com/"*)
      # Artifactory: no such host here. The local proxy is the Go virtual
      # repository (it serves both modules; privserver serves at its root,
      # not under a path), with the page's netrc and CA for ~/.netrc and
      # ./corp-ca.pem, bound under its name as the page's first line does.
      # '*.internal' is a glob as '*.corp.example.com' is.
      cmd=${cmd/"--goprivate '*.corp.example.com'"/"--goprivate '*.internal'"}
      cmd=${cmd/"--goproxy https://artifactory.corp.example.com/artifactory/api/go/go-virtual"/"--goproxy https://mods.internal:8443"}
      cmd=${cmd/"--netrc file:\$HOME/.netrc"/"--netrc file:$privmods_dir/netrc"}
      cmd=${cmd/"--ca-certificates ./corp-ca.pem"/"--ca-certificates $privmods_dir/ca.pem"}
      cmd=${cmd/" build "/" $proxy build "} ;;
    *"https://athens.corp.example.com "*)
      # Athens: as Artifactory. The local proxy always asks for a login
      # (the page: "add --netrc when Athens sits behind basic auth"), so
      # the twin adds the page's netrc. That makes it the Artifactory
      # line's twin exactly (only the proxy's URL told them apart), which
      # readme.sh runs once and lists as repeated.
      cmd=${cmd/"--goprivate '*.corp.example.com'"/"--goprivate '*.internal'"}
      cmd=${cmd/"--goproxy https://athens.corp.example.com"/"--goproxy https://mods.internal:8443"}
      cmd=${cmd/"--gonoproxy none"/"--gonoproxy none --netrc file:$privmods_dir/netrc"}
      cmd=${cmd/"--ca-certificates ./corp-ca.pem"/"--ca-certificates $privmods_dir/ca.pem"}
      cmd=${cmd/" build "/" $proxy build "} ;;
    *"--goprivate github.com/acme "*)
      # GitHub: no private github.com/acme here. The local git server is
      # the organization's host: the same git token, from GITHUB_TOKEN
      # (the page's git-token file), for git.internal, with the page's CA
      # and binding. privserver checks the user name, which GitHub
      # ignores: --username me. The app needs only the git-served module.
      cmd=${cmd/"--goprivate github.com/acme"/"--goprivate git.internal --ca-certificates $privmods_dir/ca.pem"}
      cmd=${cmd/"with-git-token --host github.com --token env:GITHUB_TOKEN"/"with-git-token --host git.internal --token env:GITHUB_TOKEN --username me $git"}
      env="GITHUB_TOKEN=\$(cat $privmods_dir/git-token) " dir=$privmods_gitapp bin=gitapp ;;
    *"--goprivate gitlab.com/acme "*)
      # GitLab: as GitHub, with the page's netrc form in GITLAB_NETRC
      # (machine <host> login <user> password <token>) for git.internal,
      # whose user is me; GITLAB_TOKEN the same token.
      cmd=${cmd/"--goprivate gitlab.com/acme"/"--goprivate git.internal --ca-certificates $privmods_dir/ca.pem"}
      cmd=${cmd/"with-git-token --host gitlab.com --token env:GITLAB_TOKEN"/"with-git-token --host git.internal --token env:GITLAB_TOKEN --username me $git"}
      env="GITLAB_NETRC=\"machine git.internal login me password \$(cat $privmods_dir/git-token)\" GITLAB_TOKEN=\$(cat $privmods_dir/git-token) "
      dir=$privmods_gitapp bin=gitapp ;;
  esac
  # A fresh --cache-namespace for each line of each run: the module cache
  # would otherwise hold the private modules an earlier line or run
  # fetched, and go would build without asking the servers, checking none
  # of the line's options (the page says so at its end).
  local ns
  ns="readme-privmods-${work##*.}-$(cksum <<<"$cmd" | cut -d' ' -f1)"
  cmd=${cmd/#"dagger call -m $repo "/"dagger call -m $repo --cache-namespace $ns "}
  case "$cmd" in
    *"build --arch arm64 export --path ./bin")
      # What the line writes: ./bin/<app>, for arm64.
      printf 'cd %q && rm -rf bin && %s%s && privmods_check_arm64 bin/%s\n' "$dir" "$env" "$cmd" "$bin" ;;
    *"file --path privapp export --path ./privapp")
      # The page's next line runs it: it prints what the private modules return.
      printf 'cd %q && rm -f privapp && %s%s && echo && privmods_check_privapp ./privapp\n' "$dir" "$env" "$cmd" ;;
    *) printf 'cd %q && %s%s\n' "$dir" "$env" "$cmd" ;;
  esac
}
