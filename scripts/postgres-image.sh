#!/usr/bin/env bash
# Builds (once) a root filesystem tar for a real PostgreSQL 15 from Debian's own binaries, without any registry
# (../shared/ENGINE.md): the server and client programs, every shared library they and the server's modules load
# (with their paths, plus the dynamic loader), the share files, a `postgres` user (uid 999), /tmp and busybox for a
# shell. Prints the tar's path and nothing else on success; on failure says what failed, with the tool's output.
#
#   scripts/postgres-image.sh                 build (or reuse) .cache/postgres-image/rootfs-15-<recipe>.tar
#   scripts/postgres-image.sh --import [NAME] also import it as NAME (default lltest/postgres:15) into the engine
#                                             that $DOCKER (default: docker) reaches through the caller's DOCKER_HOST;
#                                             skipped when that image already holds this exact tar
#
# Binaries come from this machine when Debian's postgresql-15 is installed; otherwise (and with
# LASTLOOK_PG_FROM_DEBS=1) `apt-get download` fetches postgresql-15, postgresql-client-15, libpq5 and the library
# packages they need that are not installed (LASTLOOK_PG_FROM_DEBS=all: all of them), and `dpkg -x` unpacks them
# under .cache: nothing is installed.
# The image's name must contain `postgres`: that is how lastlook recognises the database.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache="$here/.cache/postgres-image"
major=15
# Named after this script's own hash: a changed recipe builds a new tar instead of reusing a stale one.
recipe=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)
tar="$cache/rootfs-$major-$recipe.tar"
bindir=/usr/lib/postgresql/$major/bin
pkglibdir=/usr/lib/postgresql/$major/lib
sharedir=/usr/share/postgresql/$major
log=$(mktemp)
work=""
cleanup() {
  rm -f "$log"
  if [ -n "$work" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

die() {
  echo "postgres-image.sh: $*" >&2
  if [ -s "$log" ]; then sed 's/^/  | /' "$log" >&2; fi
  exit 1
}
# Runs a command quietly; on failure prints its output and stops.
quiet() { "$@" >"$log" 2>&1 || die "failed: $*"; : >"$log"; }

import=0
image=lltest/postgres:$major
if [ "${1:-}" = "--import" ]; then
  import=1
  image=${2:-$image}
elif [ -n "${1:-}" ]; then
  die "unknown argument $1 (usage: postgres-image.sh [--import [NAME]])"
fi
case "$image" in *postgres*) ;; *) die "image name $image must contain 'postgres' (lastlook recognises it by name)" ;; esac

# LASTLOOK_PG_FROM_DEBS=all also downloads library packages that are installed (what a bare machine would need).
installed() {
  [ "${LASTLOOK_PG_FROM_DEBS:-}" != all ] && [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# Fetches and unpacks packages into $src (never installs them). Updates apt's lists once if a download fails.
fetch() {
  mkdir -p "$cache/debs"
  if ! (cd "$cache/debs" && apt-get download "$@" >"$log" 2>&1); then
    quiet apt-get update
    (cd "$cache/debs" && apt-get download "$@" >"$log" 2>&1) || die "apt-get download $* failed"
  fi
  local p f
  for p in "$@"; do
    f=$(ls -t "$cache/debs/${p}_"*.deb 2>/dev/null | head -n1)
    [ -n "$f" ] || die "apt-get download $p left no .deb in $cache/debs"
    quiet dpkg -x "$f" "$src"
  done
}

build() {
  src=/
  if [ -n "${LASTLOOK_PG_FROM_DEBS:-}" ] || [ ! -x "$bindir/postgres" ] || [ ! -x "$bindir/pg_dumpall" ] ||
    [ ! -f "$sharedir/postgres.bki" ]; then
    src="$cache/src"
    rm -rf "$src"
    mkdir -p "$src"
    command -v apt-get >/dev/null || die "Debian's postgresql-$major is not here and apt-get is missing"
    # The programs, then every library package they depend on (transitively through lib* packages) that is not
    # installed here; ldd below says if anything is still missing.
    local want=(postgresql-$major postgresql-client-$major libpq5) queue=() seen=" " p d
    queue=("${want[@]}")
    while [ ${#queue[@]} -gt 0 ]; do
      p=${queue[0]}
      queue=("${queue[@]:1}")
      for d in $(apt-cache depends --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces \
        --no-enhances "$p" 2>/dev/null | sed -n 's/^ *|\{0,1\}Depends: \(lib[^<>]*\)$/\1/p'); do
        case "$seen" in *" $d "*) continue ;; esac
        seen="$seen$d "
        case "$d" in libc6 | libllvm*) continue ;; esac # libc is the host's own; LLVM serves only JIT, left out
        if ! installed "$d"; then
          want+=("$d")
          queue+=("$d")
        fi
      done
    done
    # Time zone data (postgresql-15 needs it; it is not a lib* package).
    if [ ! -d /usr/share/zoneinfo ] || [ "${LASTLOOK_PG_FROM_DEBS:-}" = all ]; then want+=(tzdata); fi
    fetch "${want[@]}"
  fi
  local busybox=/bin/busybox
  if [ ! -x "$busybox" ]; then
    [ "$src" != / ] || { src="$cache/src" && mkdir -p "$src"; }
    fetch busybox-static
    busybox="$src/bin/busybox"
  fi
  [ -x "$src$bindir/postgres" ] || die "no $bindir/postgres under $src"

  work=$(mktemp -d)
  local root="$work/root"
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,var/lib/postgresql/data,var/run/postgresql}
  mkdir -m 1777 "$root/tmp"

  # Programs, server modules (all but LLVM's JIT, which needs a 100 MB library and is optional) and share files.
  mkdir -p "$root$bindir" "$root$pkglibdir" "$root$(dirname "$sharedir")"
  cp -a "$src$bindir/." "$root$bindir/"
  (cd "$src$pkglibdir" && find . -maxdepth 1 -name '*.so' ! -name 'llvmjit*' -exec cp -a {} "$root$pkglibdir/" \;)
  cp -a "$src$sharedir" "$root$sharedir"
  # Time zone data: the server runs in UTC; the full set lets SET TIME ZONE work too.
  if [ -d "$src/usr/share/zoneinfo" ]; then
    mkdir -p "$root/usr/share"
    cp -a "$src/usr/share/zoneinfo" "$root/usr/share/zoneinfo"
  elif [ -d /usr/share/zoneinfo ]; then
    mkdir -p "$root/usr/share"
    cp -a /usr/share/zoneinfo "$root/usr/share/zoneinfo"
  fi

  # Every shared library the ELF files load, copied with its path (symlink chains kept), plus the loader.
  local libpath
  libpath="$src/usr/lib/x86_64-linux-gnu:$src/lib/x86_64-linux-gnu:$src$pkglibdir"
  local elfs lib missing=""
  elfs=$(find "$root$bindir" "$root$pkglibdir" -type f)
  local libs
  libs=$(for f in $elfs; do LD_LIBRARY_PATH=$libpath ldd "$f" 2>/dev/null || true; done |
    awk '/not found/ { print "MISSING " $1; next } $2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
    sort -u)
  missing=$(printf '%s\n' "$libs" | sed -n 's/^MISSING //p' | sort -u | tr '\n' ' ')
  [ -z "$missing" ] || die "libraries not found for the PostgreSQL programs: $missing"
  for lib in $libs; do
    # Copy the path ldd named (often a symlink) and what it resolves to, under the path the loader will use.
    local dest=${lib#"$src"}
    dest=/${dest#/}
    mkdir -p "$root$(dirname "$dest")"
    cp -L "$lib" "$root$dest"
  done
  # The loader at its ABI path (/lib64 is a symlink to usr/lib64 or lib64 on the host; make it a real folder).
  if [ ! -e "$root/lib64/ld-linux-x86-64.so.2" ]; then
    mkdir -p "$root/lib64"
    cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
  fi
  # Debian's merged /usr: /lib/x86_64-linux-gnu and /usr/lib/x86_64-linux-gnu are the same folder at run time.
  if [ -d "$root/lib/x86_64-linux-gnu" ]; then
    mkdir -p "$root/usr/lib/x86_64-linux-gnu"
    cp -a "$root/lib/x86_64-linux-gnu/." "$root/usr/lib/x86_64-linux-gnu/"
    rm -rf "$root/lib/x86_64-linux-gnu"
  fi
  mkdir -p "$root/lib"
  ln -s ../usr/lib/x86_64-linux-gnu "$root/lib/x86_64-linux-gnu"

  # busybox for a shell, one link per applet where the programs above left the name free.
  cp "$busybox" "$root/bin/busybox"
  local applet
  for applet in $("$root/bin/busybox" --list-full); do
    [ -e "$root/$applet" ] || [ -L "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
  done

  printf 'root:x:0:0:root:/root:/bin/sh\npostgres:x:999:999:PostgreSQL administrator:/var/lib/postgresql:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\npostgres:x:999:\nnogroup:x:65534:\n' >"$root/etc/group"
  chown -R 999:999 "$root/var/lib/postgresql" "$root/var/run/postgresql"
  chmod 700 "$root/var/lib/postgresql/data"

  # Smoke test before the tar counts: the server and the dump tool start and find their libraries and files.
  local v
  v=$(chroot "$root" "$bindir/postgres" -V 2>&1) || die "postgres -V fails inside the new root: $v"
  case "$v" in *"PostgreSQL) $major."*) ;; *) die "postgres -V inside the new root says: $v" ;; esac
  v=$(chroot "$root" "$bindir/pg_dumpall" -V 2>&1) || die "pg_dumpall -V fails inside the new root: $v"

  mkdir -p "$cache"
  rm -f "$cache"/rootfs-"$major"-*.tar "$cache"/rootfs-"$major"-*.tar.sha256 "$cache"/rootfs-"$major"-*.tar.tmp
  tar --numeric-owner -C "$root" -cf "$tar.tmp" . || die "tar of $root failed"
  sha256sum "$tar.tmp" | cut -d' ' -f1 >"$tar.sha256"
  mv "$tar.tmp" "$tar"
}

if [ ! -s "$tar" ] || [ ! -s "$tar.sha256" ]; then build; fi
sum=$(cat "$tar.sha256")

if [ "$import" = 1 ]; then
  docker=${DOCKER:-docker}
  have=$("$docker" image inspect --format '{{index .Config.Labels "lastlook.rootfs"}}' "$image" 2>/dev/null || true)
  if [ "$have" != "$sum" ]; then
    "$docker" import \
      -c 'USER postgres' \
      -c "ENV PATH=$bindir:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin" \
      -c 'ENV PGDATA=/var/lib/postgresql/data' \
      -c 'ENV PGHOST=/tmp' \
      -c 'ENV TZ=UTC' \
      -c "LABEL lastlook.rootfs=$sum" \
      -c 'VOLUME /var/lib/postgresql/data' \
      -c 'CMD ["sh", "-c", "[ -s \"$PGDATA/PG_VERSION\" ] || initdb -D \"$PGDATA\" -U postgres --auth=trust --locale=C -E UTF8 >/dev/null && exec postgres -D \"$PGDATA\" -k /tmp -c listen_addresses="]' \
      - "$image" <"$tar" >"$log" 2>&1 || die "docker import into $image failed"
  fi
fi
printf '%s\n' "$tar"
