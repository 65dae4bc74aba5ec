# shellcheck shell=bash disable=SC2154 # $repo is readme.sh's
# Setup of README.md for tests/cli/readme.sh: its signing lines need the
# key pair docs/signing.md's setup writes, and get that page's checks of
# what they signed; every other line runs as it is.

# shellcheck source=signing.sh
. "$repo/tests/cli/pages/signing.sh"
eval "$(declare -f page_twin | sed '1s/^page_twin/signing_page_twin/')"
page_twin() {
  case "$1" in
    *"with-signing-key "*) signing_page_twin "$1" ;;
    *) printf '%s\n' "$1" ;;
  esac
}
