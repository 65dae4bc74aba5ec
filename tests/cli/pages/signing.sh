# shellcheck shell=bash disable=SC2154 # $repo, $work and $registry are readme.sh's
# Setup of docs/signing.md for tests/cli/readme.sh, sourced in the fixture
# directory before the page's first line ($repo, $work, $registry are
# readme.sh's).
#
# The page's lines sign with --key file:$PWD/cosign.key --password
# env:COSIGN_PASSWORD: the real cosign writes that key pair here
# (cosign generate-key-pair in a container, the tests module's
# signing-key-pair), encrypted with a passphrase of this run's: a fresh
# key pair each run, so a signature an earlier run pushed cannot pass.
#
# page_twin runs each line as it is (readme.sh already sends the publishes
# to the local registry) and then checks what it signed, with openssl and
# cosign.pub alone, as `cosign verify --key cosign.pub --insecure-ignore-tlog`
# would: for publish, that the registry (reached through the same
# --registry-service as the image) holds a sha256-<digest>.sig signature
# of the image index by the key pair, and with --attestations of every
# attestation manifest; for release, the checksums file's .sig and
# .bundle, and the checksums themselves.

export COSIGN_PASSWORD="readme.sh test passphrase $(date +%s%N), not a secret"
rm -f cosign.key cosign.pub
echo "== setup: cosign generate-key-pair (dagger call -m tests signing-key-pair)"
dagger call -m "$repo/tests" signing-key-pair --password env:COSIGN_PASSWORD export --path . >/dev/null
if ! grep -q 'ENCRYPTED SIGSTORE PRIVATE KEY' cosign.key || ! grep -q 'BEGIN PUBLIC KEY' cosign.pub; then
  echo "readme.sh: tests/cli/pages/signing.sh: signing-key-pair wrote no cosign.key and cosign.pub in $PWD" >&2
  exit 1
fi
signing_pub=$PWD/cosign.pub

# signing_verify checks that the base64 ECDSA signature sig (a string) of
# file is the key pair's, as cosign verify-blob does.
signing_verify() {
  local sig=$1 file=$2 der
  der=$(mktemp -p "$work")
  base64 -d <<<"$sig" >"$der"
  openssl dgst -sha256 -verify "$signing_pub" -signature "$der" "$file" >/dev/null
}

# signing_registry_get prints what the local registry answers for path
# (under /v2/), asking for OCI and Docker manifests.
signing_registry_get() {
  curl -fsS -H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json' \
    "http://$registry/v2/$1"
}

# signing_check_sig checks the signature of repo@digest in the local
# registry: its sha256-<hex>.sig tag exists and its newest layer is a
# simple-signing payload naming digest, signed by the key pair.
#
# It cannot tell this run's signature from an earlier run's: the engine
# caches signing-key-pair (the same passphrase gives the same key pair
# each run), the same commit gives the same digest, and cosign sign skips
# a signature its key already made over the same payload, so a re-run
# leaves the .sig as the first run pushed it. That the publish pushed a
# signature at all, each run, is publish's own guarantee: it tags the image
# only after cosign sign succeeded.
signing_check_sig() {
  local repo=$1 digest=$2 tag manifest layer payload sig
  tag="sha256-${digest#sha256:}.sig"
  if ! manifest=$(signing_registry_get "$repo/manifests/$tag"); then
    echo "signing check: no signature $tag of $repo@$digest in the registry at $registry" >&2
    return 1
  fi
  layer=$(jq -r '.layers[-1].digest' <<<"$manifest")
  sig=$(jq -r '.layers[-1].annotations["dev.cosignproject.cosign/signature"] // empty' <<<"$manifest")
  payload=$(mktemp -p "$work")
  signing_registry_get "$repo/blobs/$layer" >"$payload"
  if [ "$(jq -r '.critical.image["docker-manifest-digest"]' "$payload")" != "$digest" ]; then
    echo "signing check: the signature $tag does not name $digest: $(cat "$payload")" >&2
    return 1
  fi
  if [ -z "$sig" ] || ! signing_verify "$sig" "$payload"; then
    echo "signing check: the signature $tag of $repo@$digest does not verify with cosign.pub" >&2
    return 1
  fi
  echo "signing check: $repo@$digest: signature $tag verified with cosign.pub"
}

# signing_check_image checks the signatures of what a publish printed
# (<ref>:<tag>@<digest> lines): the image index's and, with attestations,
# every attestation manifest's.
signing_check_image() {
  local out=$1 attestations=${2:-} ref repo digest d
  ref=$(head -n1 <<<"$out")
  digest=${ref##*@}
  repo=${ref%@*}
  repo=${repo#*/}
  repo=${repo%:*}
  case "$digest" in sha256:*) ;; *) echo "signing check: publish printed no digest: $out" >&2; return 1 ;; esac
  signing_check_sig "$repo" "$digest" || return 1
  [ -n "$attestations" ] || return 0
  local n=0
  for d in $(signing_registry_get "$repo/manifests/$digest" | jq -r '.manifests[] | select(.annotations["vnd.docker.reference.type"] == "attestation-manifest") | .digest'); do
    signing_check_sig "$repo" "$d" || return 1
    n=$((n+1))
  done
  if [ "$n" = 0 ]; then
    echo "signing check: --attestations, but $repo@$digest lists no attestation manifest" >&2
    return 1
  fi
}

# signing_check_release checks the signed checksums a release exported to
# dist, as the page's cosign verify-blob and sha256sum lines do.
signing_check_release() {
  local dist=$1 sums
  # What export printed (the path) ends without a newline.
  echo
  sums=$(ls "$dist"/*_checksums.txt)
  signing_verify "$(cat "$sums.sig")" "$sums" || { echo "signing check: $sums.sig does not verify with cosign.pub" >&2; return 1; }
  signing_verify "$(jq -r .base64Signature "$sums.bundle")" "$sums" || { echo "signing check: $sums.bundle does not verify with cosign.pub" >&2; return 1; }
  (cd "$dist" && sha256sum --quiet --check --ignore-missing "$(basename "$sums")")
  echo "signing check: $sums: .sig and .bundle verified with cosign.pub, checksums match"
}

page_twin() {
  local cmd=$1
  case "$cmd" in
    *" publish --image "*)
      local attestations=
      [[ "$cmd" == *" --attestations "* ]] && attestations=" attestations"
      # shellcheck disable=SC2016 # the command to run, expanded when it runs
      printf 'out=$(%s) && printf "%%s\\n" "$out" && signing_check_image "$out"%s\n' "$cmd" "$attestations" ;;
    *" release "*" export --path "*)
      printf '%s && signing_check_release %q\n' "$cmd" "${cmd##* export --path }" ;;
    *) printf '%s\n' "$cmd" ;;
  esac
}
