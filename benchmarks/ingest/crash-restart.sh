#!/usr/bin/env bash
# Crash safety on the built distribution: drop a large events file, kill -9 the server in the middle of it,
# start it again, and check that every record of the file is stored exactly once.
# Usage (after `mvn -B install -DskipTests`):  benchmarks/ingest/crash-restart.sh [EVENTS]
set -euo pipefail
cd "$(dirname "$0")/../.."
events=${1:-300000}
dist=$(ls karaf-distribution/target/rialto-distribution-*.tar.gz)
work=$(mktemp -d)
pid=""
trap 'if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
tar xzf "$dist" -C "$work"
home=$(ls -d "$work"/rialto-distribution-*)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed -i "s/^org.osgi.service.http.port .*/org.osgi.service.http.port = $port/" "$home/etc/org.ops4j.pax.web.cfg"
# No demo shop: the store holds exactly what this script drops. No training: nothing else competes.
printf 'enabled = false\n' > "$home/etc/dev.rialto.demo.cfg"  # the feature's configfile never overwrites it
rm -f "$home/deploy/train-models.camel.yaml"
base="http://127.0.0.1:$port/api/v1"
export RIALTO_ADMIN_PASSWORD="crash-$RANDOM-$RANDOM"
count() { curl -sf "$base/health" | sed -n 's/.*"events":\([0-9]*\).*/\1/p'; }

start() {
  "$home/bin/start"
  until curl -sf "$base/health" >/dev/null 2>&1; do sleep 0.5; done
  pid=$(pgrep -f "karaf.home=$home" | head -1)
}

mkdir -p "$home/inbox/events"
python3 - "$events" "$home/inbox/events/.crash.csv" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    f.write("id,type,user,item,quantity,timestamp\n")
    for i in range(n):
        f.write(f"c{i},view,u{i * 7919 % 20000},i{i * 31 % 5000},1,2026-01-01T00:00:00Z\n")
PY
start
echo "server up (pid $pid); events stored before the drop: $(count)"
mv "$home/inbox/events/.crash.csv" "$home/inbox/events/crash.csv"
# kill -9 once a part of the file is committed
while true; do
  c=$(count || echo 0)
  if [ "${c:-0}" -gt $(( events / 5 )) ]; then break; fi
  sleep 0.2
done
kill -9 "$pid"
echo "killed with -9 after $c of $events events were stored"
pid=""
sleep 1
if [ -f "$home/inbox/events/.done/crash.csv" ]; then
  echo "INCONCLUSIVE: the file was done before the kill; run again with more EVENTS"; exit 2
fi
[ -f "$home/inbox/events/crash.csv" ] && echo "the file is still in the inbox (not marked done)"
start
echo "restarted (pid $pid)"
until [ -f "$home/inbox/events/.done/crash.csv" ] || [ -f "$home/inbox/events/.error/crash.csv" ]; do sleep 0.5; done
final=$(count)
grep -h "Resuming crash.csv\|Ingested crash.csv" "$home/data/log/karaf.log" | sed 's/^.*| //' || true
echo "after the restart: $final events stored, expected $events"
"$home/bin/stop" >/dev/null 2>&1 || true
sleep 3
kill -9 "$pid" 2>/dev/null || true
pid=""
if [ "$final" = "$events" ] && [ -f "$home/inbox/events/.done/crash.csv" ]; then
  echo "PASS: every record stored exactly once"
else
  echo "FAIL"; exit 1
fi
