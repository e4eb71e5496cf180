#!/usr/bin/env bash
# Usage: docker/local/build.sh [--force]
#
# Builds local stand-ins for the official base images, for machines that reach Debian's package
# archive but no container registry (CI here):
#   leapformer/base:bookworm         Debian 12 (mmdebstrap, else debootstrap; minbase) with
#                                    ca-certificates, libssl3 (.NET's crypto) and nginx
#   leapformer/sdk-local:10.0        base + this machine's .NET SDK and its local trust anchors
#                                    (/usr/local/share/ca-certificates)  (for SDK_IMAGE)
#   leapformer/aspnet-local:10.0     base + its .NET and ASP.NET Core runtimes (for RUNTIME_IMAGE)
#   leapformer/nginx-local:stable    base's nginx in the foreground   (for NGINX_IMAGE)
# An image that exists already is kept (delete it, or pass --force, to rebuild it); the trust
# anchors are laid on every run, so a changed certificate is picked up.
#
#   DEBIAN_MIRROR           the archive to bootstrap from (default: the first bookworm archive
#                           in this machine's apt sources)
#   DOTNET_SDK_DIR          the .NET install to copy (default: the folder of `dotnet` on PATH)
#   LEAPFORMER_BUILD_LOCK   if set, a lock file: each docker build runs under flock on it
set -euo pipefail
cd "$(dirname "$0")"

BASE=leapformer/base:bookworm
SDK_BARE=leapformer/sdk-local-bare:10.0
SDK=leapformer/sdk-local:10.0
ASPNET=leapformer/aspnet-local:10.0
NGINX=leapformer/nginx-local:stable
force=false
[[ ${1:-} == --force ]] && force=true

log() { printf '==> %s\n' "$*" >&2; }
locked() { if [[ -n ${LEAPFORMER_BUILD_LOCK:-} ]]; then flock "$LEAPFORMER_BUILD_LOCK" "$@"; else "$@"; fi; }
have() { [[ $force == false ]] && docker image inspect "$1" >/dev/null 2>&1; }

# The bookworm archive apt uses here: deb822 .sources stanzas first, then one-line .list entries.
debian_mirror() {
  if [[ -n ${DEBIAN_MIRROR:-} ]]; then echo "$DEBIAN_MIRROR"; return; fi
  local uri
  uri=$(awk 'BEGIN { RS = "" }
    /(^|\n)Suites:[^\n]*[ \t]bookworm([ \t\n]|$)/ && match($0, /URIs:[ \t]*[^ \t\n]+/) {
      u = substr($0, RSTART, RLENGTH); sub(/URIs:[ \t]*/, "", u); print u; exit }' \
      /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  if [[ -z $uri ]]; then
    uri=$(awk '$1 == "deb" { line = $0; sub(/^deb[ \t]+(\[[^]]*\][ \t]+)?/, "", line); split(line, f, /[ \t]+/)
                             if (f[2] == "bookworm") { print f[1]; exit } }' \
        /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
  fi
  [[ -n $uri ]] || { echo "error: no bookworm archive in /etc/apt/sources.list*; set DEBIAN_MIRROR" >&2; return 1; }
  echo "$uri"
}

if have "$BASE"; then
  log "$BASE exists"
else
  mirror=$(debian_mirror)
  packages=ca-certificates,libssl3,nginx
  log "Bootstrapping Debian 12 (bookworm) from $mirror into $BASE"
  if command -v mmdebstrap >/dev/null; then
    # Straight into a tarball; no man pages, docs or translations in the image. Debian's own
    # PATH: mmdebstrap's helpers are python3 scripts, and another python3 (pyenv's shims) may
    # come first on ours.
    PATH=/usr/sbin:/usr/bin:/sbin:/bin mmdebstrap --variant=minbase --include="$packages" \
      --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
      --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
      bookworm - "$mirror" </dev/null | docker import - "$BASE"
  elif command -v debootstrap >/dev/null; then
    rootfs=$(mktemp -d "${TMPDIR:-/tmp}/leapformer-rootfs.XXXXXX")
    trap 'rm -rf "$rootfs"' EXIT
    PATH=/usr/sbin:/usr/bin:/sbin:/bin debootstrap --variant=minbase --include="$packages" bookworm "$rootfs" "$mirror"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -c . | docker import - "$BASE"
    rm -rf "$rootfs"
  else
    echo "error: neither mmdebstrap nor debootstrap is installed (apt-get install mmdebstrap)" >&2
    exit 1
  fi
fi

if have "$SDK_BARE"; then
  log "$SDK_BARE exists"
else
  sdk_dir=${DOTNET_SDK_DIR:-$(dirname "$(readlink -f "$(command -v dotnet)")")}
  [[ -x $sdk_dir/dotnet && -d $sdk_dir/sdk ]] || { echo "error: no .NET SDK in $sdk_dir; set DOTNET_SDK_DIR" >&2; exit 1; }
  log "Building $SDK_BARE from the .NET SDK in $sdk_dir"
  locked docker build -q -t "$SDK_BARE" --build-arg BASE_IMAGE="$BASE" -f "$PWD/sdk.Dockerfile" "$sdk_dir" >/dev/null
fi

log "Building $SDK: $SDK_BARE + this machine's local trust anchors"
anchors=$(mktemp -d "${TMPDIR:-/tmp}/leapformer-anchors.XXXXXX")
if [[ -d /usr/local/share/ca-certificates ]]; then
  cp -R /usr/local/share/ca-certificates/. "$anchors/"
fi
locked docker build -q -t "$SDK" --build-arg FROM_IMAGE="$SDK_BARE" -f "$PWD/trust.Dockerfile" "$anchors" >/dev/null
rm -rf "$anchors"

if have "$ASPNET"; then
  log "$ASPNET exists"
else
  log "Building $ASPNET"
  locked docker build -q -t "$ASPNET" --build-arg BASE_IMAGE="$BASE" --build-arg SDK_IMAGE="$SDK_BARE" -f aspnet.Dockerfile . >/dev/null
fi

if have "$NGINX"; then
  log "$NGINX exists"
else
  log "Building $NGINX"
  locked docker build -q -t "$NGINX" --build-arg BASE_IMAGE="$BASE" -f nginx.Dockerfile . >/dev/null
fi
