#!/usr/bin/env bash
# Private Docker engines for lastlook's tests and demo (see ../shared/ENGINE.md).
#
#   scripts/engines.sh provision            install/unpack the three engines (idempotent, quiet on success)
#   scripts/engines.sh start current|modern|legacy|podman DIR   start a private engine rooted at DIR (socket DIR/docker.sock)
#   scripts/engines.sh stop DIR             stop the daemon rooted at DIR (SIGTERM to its pidfile, never by name)
#   scripts/engines.sh bin current|modern|legacy    print the folders holding that engine's dockerd
#   scripts/engines.sh cli [current]        print the path of the docker CLI: 26.1.5 (modern and legacy), 28.5.2 (current)
#   scripts/engines.sh compose [current]    print the path of the Compose plugin: 2.26.1, or 2.40.3 (current)
#
# current: Debian sid's docker.io 28.5.2 + containerd 2.1.9 + docker-cli + docker-compose 2.40.3 + docker-buildx,
#          downloaded and unpacked into .cache/engines/current (never installed into the system).
# modern:  Debian trixie's docker.io 26.1.5 + containerd + docker-cli + docker-compose, unpacked the same way
#          into .cache/engines/modern.
# legacy:  Debian bookworm's docker.io 20.10.24, installed with apt (it also brings runc, used by all three).
# podman:  Debian bookworm's podman 4.3.1 (apt, with the CNI plugins): a private `podman system service` whose
#          storage, runroot, volumes and networks all live under DIR; its Docker-compatible API on DIR/docker.sock.
# No package host is named here: the trixie and sid sources reuse the URI of the machine's own apt sources.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The unpacked engines live in a machine-wide store, so that a fresh clone on the same machine reuses them;
# .cache/engines in the work tree points there (every script and test finds the binaries under that path).
store="${LASTLOOK_ENGINE_STORE:-/var/cache/lastlook/engines}"
cache="$here/.cache/engines"
modern="$cache/modern"
current="$cache/current"

die() { printf 'engines.sh: %s\n' "$*" >&2; exit 1; }
quiet() { # run a command, show its output only if it fails
  local log; log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then cat "$log" >&2; rm -f "$log"; die "failed: $*"; fi
  rm -f "$log"
}

need_root() { [ "$(id -u)" = 0 ] || die "the sandbox engines need root (dockerd runs as root): run with sudo"; }

apt_uri() {
  local uri=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1=="deb" && $0 !~ /security/ {for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list)
  fi
  [ -n "$uri" ] || die "cannot find a Debian mirror URI in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"
  printf '%s\n' "$uri"
}

provision_legacy() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 && dockerd --version 2>/dev/null | grep -q '20\.10\.' || missing+=(docker.io)
  [ -x /usr/sbin/runc ] || missing+=(runc)
  [ -x /bin/busybox ] || missing+=(busybox-static)
  command -v tmux >/dev/null 2>&1 || missing+=(tmux)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v ip >/dev/null 2>&1 || missing+=(iproute2)
  command -v ssh >/dev/null 2>&1 || missing+=(openssh-client)
  [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  command -v podman >/dev/null 2>&1 || missing+=(podman)
  [ -x /usr/lib/cni/bridge ] || missing+=(containernetworking-plugins)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ ! -d /var/lib/apt/lists ] || [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v lock)" ]; then
      quiet apt-get update
    fi
    DEBIAN_FRONTEND=noninteractive quiet apt-get install -y --no-install-recommends "${missing[@]}" ||
      { quiet apt-get update && DEBIAN_FRONTEND=noninteractive quiet apt-get install -y --no-install-recommends "${missing[@]}"; }
  fi
}

link_store() {
  # A real folder from an older layout is kept as it is.
  if [ -d "$cache" ] && [ ! -L "$cache" ]; then return 0; fi
  mkdir -p "$store" "$here/.cache"
  ln -sfn "$store" "$cache"
}

# Downloads SUITE's PACKAGES and unpacks them into DEST (never installing them); VERSION_RE must match dockerd's
# --version. The suite's runc is deleted: it needs a newer glibc than bookworm, whose /usr/sbin/runc is used.
unpack_suite() {
  local suite=$1 dest=$2 version_re=$3; shift 3
  link_store
  if [ -x "$dest/usr/sbin/dockerd" ] && [ -x "$dest/usr/bin/docker" ] &&
     [ -x "$dest/usr/libexec/docker/cli-plugins/docker-compose" ] && [ -f "$dest/.complete" ]; then
    return 0
  fi
  command -v dpkg >/dev/null || die "dpkg not found: the sandbox engines need Debian or Ubuntu"
  local work="$cache/apt-$suite"
  rm -rf "$work" "$dest"
  mkdir -p "$work/lists/partial" "$work/archives/partial" "$dest"
  printf 'deb %s %s main\n' "$(apt_uri)" "$suite" >"$work/sources.list"
  local opts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-"
              -o "Dir::State::Lists=$work/lists" -o "Dir::Cache::archives=$work/archives"
              -o "APT::Get::List-Cleanup=0")
  quiet apt-get "${opts[@]}" update
  (cd "$work" && quiet apt-get "${opts[@]}" download "$@")
  local deb
  for deb in "$work"/*.deb; do quiet dpkg -x "$deb" "$dest"; done
  rm -f "$dest/usr/sbin/runc" "$dest/usr/bin/runc"
  [ -x "$dest/usr/sbin/dockerd" ] || die "unpacked $suite packages hold no usr/sbin/dockerd"
  "$dest/usr/sbin/dockerd" --version | grep -Eq "$version_re" ||
    die "unexpected $suite dockerd: $("$dest/usr/sbin/dockerd" --version)"
  rm -rf "$work"
  touch "$dest/.complete"
}

provision_modern() {
  unpack_suite trixie "$modern" ' 26\.1\.' docker.io containerd docker-cli docker-compose
}

provision_current() {
  unpack_suite sid "$current" ' 28\.' docker.io containerd docker-cli docker-compose docker-buildx
}

engine_bin() {
  case "$1" in
    current) printf '%s\n' "$current/usr/sbin:$current/usr/bin" ;;
    modern) printf '%s\n' "$modern/usr/sbin:$modern/usr/bin" ;;
    legacy) printf '%s\n' "/usr/sbin:/usr/bin" ;;
    *) die "unknown engine '$1' (current, modern or legacy)" ;;
  esac
}

# Podman 4.3.1's service, private: every path under DIR, never the user's storage, runroot or socket. The settings
# come from ENGINE.md: without default_ulimits every container start fails here ("error setting rlimit").
start_podman() {
  local dir=$1
  mkdir -p "$dir"/{root,runroot,tmp,volumes,static,net}
  printf '%s\n' '[containers]' 'netns = "none"' 'default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]' \
    '[engine]' 'cgroup_manager = "cgroupfs"' 'events_logger = "file"' "events_logfile_path = \"$dir/events.log\"" \
    "tmp_dir = \"$dir/tmp\"" "volume_path = \"$dir/volumes\"" "static_dir = \"$dir/static\"" 'runtime = "runc"' \
    '[network]' "network_config_dir = \"$dir/net\"" >"$dir/containers.conf"
  printf '%s\n' '[storage]' 'driver = "overlay"' "graphroot = \"$dir/root\"" "runroot = \"$dir/runroot\"" \
    >"$dir/storage.conf"
  # Podman 4.3 asks dpkg-query which package holds conmon and the runtime on every info and version request (about
  # 1 s of the two cores each, several per docker command): a dpkg-query that knows nothing makes it report
  # "Unknown" package versions, which nothing here reads.
  mkdir -p "$dir/shim"
  printf '#!/bin/sh\nexit 1\n' >"$dir/shim/dpkg-query"
  chmod +x "$dir/shim/dpkg-query"
  # Its own network namespace, as the dockerds: the CNI bridges of the networks it creates stay inside it.
  PATH="$dir/shim:$PATH" CONTAINERS_CONF="$dir/containers.conf" CONTAINERS_STORAGE_CONF="$dir/storage.conf" \
    setsid unshare --net -- sh -c 'ip link set lo up && echo $$ >"$0" && exec "$@"' "$dir/docker.pid" \
    podman system service --time=0 "unix://$dir/docker.sock" >"$dir/dockerd.log" 2>&1 </dev/null &
}

start() {
  local kind=$1 dir=$2
  need_root
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ ${#dir} -lt 80 ] || die "engine folder path too long for a unix socket: $dir"
  if [ -f "$dir/docker.pid" ] && kill -0 "$(cat "$dir/docker.pid")" 2>/dev/null; then
    return 0
  fi
  if [ "$kind" = podman ]; then
    command -v podman >/dev/null || die "podman not found: run scripts/engines.sh provision"
    start_podman "$dir"
    wait_ping "$kind" "$dir"
    return 0
  fi
  local bin; bin=$(engine_bin "$kind")
  local dockerd="${bin%%:*}/dockerd"
  [ -x "$dockerd" ] || die "no $kind dockerd at $dockerd: run scripts/engines.sh provision"
  mkdir -p "$dir/root" "$dir/exec" "$dir/config"
  # Each daemon gets its own containerd (started by dockerd from PATH) and its own network namespace: the bridges
  # its networks create live and die with it, never touch the host's interfaces or routes, and cannot use up
  # the address pools that other engines on this machine draw from. Its socket is a file, reachable as usual.
  PATH="$bin:/usr/sbin:/usr/bin:/sbin:/bin" setsid unshare --net -- sh -c 'ip link set lo up && exec "$@"' sh "$dockerd" \
    --host "unix://$dir/docker.sock" --data-root "$dir/root" --exec-root "$dir/exec" \
    --pidfile "$dir/docker.pid" --iptables=false --ip6tables=false --bridge=none \
    --storage-driver overlay2 --log-level warn >"$dir/dockerd.log" 2>&1 </dev/null &
  wait_ping "$kind" "$dir"
}

wait_ping() {
  local kind=$1 dir=$2 i
  for i in $(seq 1 150); do
    if curl -fsS --unix-socket "$dir/docker.sock" http://localhost/_ping >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  tail -n 30 "$dir/dockerd.log" >&2 || true
  die "$kind engine in $dir did not answer /_ping within 15 s"
}

stop() {
  local dir=$1 pid
  [ -f "$dir/docker.pid" ] || return 0
  pid=$(cat "$dir/docker.pid")
  if [ -f "$dir/containers.conf" ] && kill -0 "$pid" 2>/dev/null; then
    # Podman's containers (their conmon) outlive its service: stop them first, in this engine's storage only.
    CONTAINERS_CONF="$dir/containers.conf" CONTAINERS_STORAGE_CONF="$dir/storage.conf" \
      timeout 60 podman rm -af -t 0 >/dev/null 2>&1 || true
  fi
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    local i
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$dir/docker.pid"
  # A daemon that was killed can leave its container mounts behind; they would make the folder impossible to remove.
  awk -v d="$dir/" 'index($2, d) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
}

case "${1:-}" in
  provision) need_root
             provision_legacy; provision_modern; provision_current ;;
  start) [ $# -eq 3 ] || die "usage: engines.sh start current|modern|legacy|podman DIR"; start "$2" "$3" ;;
  stop) [ $# -eq 2 ] || die "usage: engines.sh stop DIR"; stop "$2" ;;
  bin) engine_bin "${2:-}" ;;
  cli) if [ "${2:-}" = current ]; then printf '%s\n' "$current/usr/bin/docker"; else printf '%s\n' "$modern/usr/bin/docker"; fi ;;
  compose) if [ "${2:-}" = current ]; then d=$current; else d=$modern; fi
           printf '%s\n' "$d/usr/libexec/docker/cli-plugins/docker-compose" ;;
  *) die "usage: engines.sh provision | start current|modern|legacy|podman DIR | stop DIR | bin current|modern|legacy | cli [current] | compose [current]" ;;
esac
