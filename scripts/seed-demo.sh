#!/usr/bin/env bash
# Seeds the demo scenario on the engine in DOCKER_HOST: compose project "shop" (db recreated once), a standalone
# container with writable-layer changes, a stopped one-off, dangling named and anonymous volumes.
set -euo pipefail
docker=$1 sandbox=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tar=$(bash "$here/scripts/busybox-rootfs.sh")
"$docker" image inspect lastlook-demo/busybox:1 >/dev/null 2>&1 ||
  "$docker" import -c 'CMD ["/bin/sh"]' "$tar" lastlook-demo/busybox:1
"$docker" image inspect lastlook-demo/busybox-vol:1 >/dev/null 2>&1 ||
  "$docker" import -c 'CMD ["/bin/sh"]' -c 'VOLUME /data' "$tar" lastlook-demo/busybox-vol:1

project="$sandbox/shop"
mkdir -p "$project"
cp "$here/scripts/demo/compose.yaml" "$project/compose.yaml"
# The compose project and the standalone containers are independent: seed them side by side.
(
  cd "$project"
  "$docker" compose up -d --quiet-pull
  # One recreate: db's anonymous volumes are now passed to the new container by name, so down -v leaves them.
  "$docker" compose up -d --force-recreate db
) &
compose=$!

# A standalone container that changed its filesystem, and stopped.
"$docker" run --name scratchpad -v notes:/notes lastlook-demo/busybox:1 sh -c '
  mkdir -p /srv/app/cache /var/log/app && dd if=/dev/urandom of=/srv/app/cache/blob.bin bs=1024 count=1500 2>/dev/null
  echo "debug=true" >> /etc/profile; rm -f /bin/vi; echo hello > /root/notes.txt
  sed -i "s#nobody:/:/bin/false#nobody:/nonexistent:/bin/false#" /etc/passwd
  echo "app:x:1000:1000:app:/srv/app:/bin/sh" >> /etc/passwd
  for i in $(seq 1 40); do echo "line $i" > /var/log/app/run-$i.log; done
  echo draft > /notes/todo.md'
# A running one with an anonymous volume, a bind mount and a tmpfs.
mkdir -p "$sandbox/bind-src"
"$docker" run -d --name worker -v /cache -v "$sandbox/bind-src:/src:ro" --tmpfs /run/worker \
  lastlook-demo/busybox:1 sh -c 'echo warm > /cache/state; touch /tmp/worker.pid; trap "exit 0" TERM; sleep 2147483647 & wait'
# Dangling volumes: a named one with data, and an anonymous one left by `docker rm` without -v.
"$docker" volume create old-reports
"$docker" run --rm -v old-reports:/r lastlook-demo/busybox:1 sh -c 'dd if=/dev/zero of=/r/2025-q4.csv bs=1024 count=700 2>/dev/null'
"$docker" run --name tmpjob -v /work lastlook-demo/busybox:1 sh -c 'echo partial > /work/out.txt'
"$docker" rm tmpjob
wait "$compose"
