#!/usr/bin/env bash
# `npm run demo`: a private sandbox engine (Docker 26.1.5, never the system's Docker) with a demo scenario, and
# lastlook opened on it. Re-running reuses the engine and the scenario. `npm run demo -- --reset` starts over,
# `npm run demo -- --stop` stops the sandbox engine.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sandbox="${LASTLOOK_SANDBOX:-/var/tmp/lastlook-sandbox}"
engine="$sandbox/engine"
host="unix://$engine/docker.sock"

case "${1:-}" in
  --stop) bash "$here/scripts/engines.sh" stop "$engine"; exit 0 ;;
  --reset) bash "$here/scripts/engines.sh" stop "$engine"; rm -rf "$sandbox" ;;
  --seed-only|"") ;;
  *) echo "usage: npm run demo [-- --reset | --stop | --seed-only]" >&2; exit 2 ;;
esac

if [ "$(id -u)" != 0 ]; then
  echo "demo: the sandbox engine runs dockerd, which needs root: run 'sudo npm run demo'" >&2
  exit 1
fi

bash "$here/scripts/engines.sh" provision
if [ ! -f "$here/dist/lastlook.cjs" ] || [ -n "$(find "$here/src" -newer "$here/dist/lastlook.cjs" -name '*.ts*' -print -quit)" ]; then
  (cd "$here" && node scripts/build.mjs)
fi
bash "$here/scripts/engines.sh" start modern "$engine"

export DOCKER_CONFIG="$sandbox/docker-config"
mkdir -p "$DOCKER_CONFIG/cli-plugins"
ln -sf "$(bash "$here/scripts/engines.sh" compose)" "$DOCKER_CONFIG/cli-plugins/docker-compose"
[ -f "$DOCKER_CONFIG/config.json" ] || echo '{}' >"$DOCKER_CONFIG/config.json"
export DOCKER_HOST="$host"
docker=$(bash "$here/scripts/engines.sh" cli)

if [ ! -f "$sandbox/.seeded" ]; then
  bash "$here/scripts/seed-demo.sh" "$docker" "$sandbox" >"$sandbox/seed.log" 2>&1 ||
    { cat "$sandbox/seed.log" >&2; echo "demo: seeding failed (log above)" >&2; exit 1; }
  touch "$sandbox/.seeded"
fi

if [ "${1:-}" = "--seed-only" ]; then
  echo "demo engine: $host (DOCKER_CONFIG=$DOCKER_CONFIG)"
  exit 0
fi
echo "lastlook on the sandbox engine $host — the system's Docker is not touched."
exec node "$here/bin/lastlook.js" --host "$host"
