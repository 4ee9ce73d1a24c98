#!/usr/bin/env bash
# Builds (once) a root filesystem tar with Debian's static busybox and one link per applet: piped into
# `docker import` it is a working image without any registry (../shared/ENGINE.md). Prints the tar's path.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tar="$here/.cache/busybox-rootfs.tar"
if [ -s "$tar" ]; then printf '%s\n' "$tar"; exit 0; fi
[ -x /bin/busybox ] || { echo "busybox-rootfs.sh: /bin/busybox missing: apt-get install busybox-static" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root,var,srv}
chmod 1777 "$dir/tmp"
cp /bin/busybox "$dir/bin/busybox"
for applet in $(/bin/busybox --list-full); do
  [ -e "$dir/$applet" ] || ln -s /bin/busybox "$dir/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$dir/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$dir/etc/group"
mkdir -p "$(dirname "$tar")"
tar -C "$dir" -cf "$tar.tmp" .
mv "$tar.tmp" "$tar"
printf '%s\n' "$tar"
