#!/usr/bin/env bash
# Packs this machine's espeak-ng, flite and sox (binaries, their shared libraries, espeak-ng's
# voice data) into one relocatable tarball, for synthesizing the corpus on a machine that has
# none of them and no package registry (a lent GPU machine). glibc itself stays behind: the
# target's must be as new or newer (Debian 12 -> Ubuntu 24.04 works).
#
# Usage (from training/):  local/pack_synth_tools.sh OUT.tar.xz
# On the target:           mkdir -p T && tar xJf OUT.tar.xz -C T && source T/env.sh
set -euo pipefail
out=$(realpath -m "$1")
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/bin" "$tree/lib" "$tree/share"
for b in espeak-ng flite sox; do
  cp "$(command -v $b)" "$tree/bin/"
  ldd "$(command -v $b)" | awk '$3 ~ /^\// {print $3}' \
    | grep -Ev '/(libc|libm|libpthread|libdl|librt|ld-linux[^/]*)\.so' \
    | while read -r lib; do cp -L "$lib" "$tree/lib/"; done
done
cp -rL /usr/lib/x86_64-linux-gnu/espeak-ng-data "$tree/share/"
cat > "$tree/env.sh" <<'ENV'
# source me: puts the packed espeak-ng, flite and sox first
_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export PATH=$_here/bin:$PATH
export LD_LIBRARY_PATH=$_here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export ESPEAK_DATA_PATH=$_here/share
ENV
# every library the binaries load must come from the tree (or be glibc)
for b in "$tree"/bin/*; do
  if LD_LIBRARY_PATH=$tree/lib ldd "$b" | awk '$3 ~ /^\// {print $3}' \
      | grep -Ev "^$tree/lib/|/(libc|libm|libpthread|libdl|librt|ld-linux[^/]*)\.so"; then
    echo "$b loads a library from outside the tree (above)" >&2; exit 1
  fi
done
tar cJf "$out" -C "$tree" .
echo "packed $(du -h "$out" | cut -f1) into $out"
