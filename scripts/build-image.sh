#!/usr/bin/env bash
# Builds the lastlook image without a registry or a base image: a root filesystem holding the single executable
# (dist/lastlook-linux-x64, from scripts/build-binary.mjs) and the C libraries it links (as `ldd` lists them), made
# into an image with `docker import`, the way the test images are made.
#
#   scripts/build-image.sh [TAG]          import into the engine the docker CLI reaches (default tag lastlook:latest)
#   scripts/build-image.sh --tar FILE     only write the root filesystem as a tar (for `docker import` elsewhere)
#
# Environment: DOCKER (the docker CLI to use, default `docker`), DOCKER_HOST as for that CLI, LASTLOOK_EXE (the
# executable to put in, default dist/lastlook-linux-x64).
# Run it: docker run --rm -it -v /var/run/docker.sock:/var/run/docker.sock lastlook
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
exe="${LASTLOOK_EXE:-$here/dist/lastlook-linux-x64}"
die() { printf 'build-image.sh: %s\n' "$*" >&2; exit 2; }

tar_out=""
tag="lastlook:latest"
case "${1:-}" in
  --tar) [ -n "${2:-}" ] || die "--tar needs a file name"; tar_out=$2 ;;
  -h | --help) sed -n '2,12p' "${BASH_SOURCE[0]}"; exit 0 ;;
  "") ;;
  -*) die "unknown option $1" ;;
  *) tag=$1 ;;
esac
[ -x "$exe" ] || die "$exe is missing: run npm run binary first (or npm run image, which builds it)"

rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
install -m 0755 "$exe" "$rootfs/lastlook"
# Every library the executable links, at the path the dynamic loader looks for it, and the loader itself.
ldd "$exe" | awk '/=> \// {print $3} /^\t\/[^ ]+ \(/ {print $1}' | while read -r lib; do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done
[ -e "$rootfs/lib64/ld-linux-x86-64.so.2" ] || die "ldd did not name the dynamic loader of $exe"
mkdir -p "$rootfs/etc" "$rootfs/root" "$rootfs/tmp"
chmod 1777 "$rootfs/tmp"
printf 'root:x:0:0:root:/root:/lastlook\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\n' >"$rootfs/etc/group"

make_tar() { tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -cf - .; }
if [ -n "$tar_out" ]; then
  make_tar >"$tar_out"
  printf '%s\n' "$tar_out"
  exit 0
fi
# The docker socket is mounted at the path lastlook (like the docker CLI) tries last: /var/run/docker.sock.
make_tar | "${DOCKER:-docker}" import \
  -c 'ENTRYPOINT ["/lastlook"]' \
  -c 'ENV HOME=/root' \
  -c 'WORKDIR /root' \
  -m 'lastlook: the single executable and the libraries it links' \
  - "$tag" >/dev/null
printf '%s\n' "$tag"
