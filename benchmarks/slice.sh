#!/usr/bin/env bash
# The first slice, measured end to end on the built distribution:
#   distribution size, cold boot until /api/v1/health answers, time until the demo shop is ingested and a
#   trained model serves, idle RSS, and REST recommendation latency (sequential, loopback).
# Usage (after `mvn -B install -DskipTests`):  benchmarks/slice.sh [REQUESTS]
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-300}
dist=$(ls karaf-distribution/target/rialto-distribution-*.tar.gz)
work=$(mktemp -d)
trap 'if [ -n "${home:-}" ]; then "$home/bin/stop" >/dev/null 2>&1 || true; sleep 3; pkill -f "$home" || true; fi; rm -rf "$work"' EXIT
tar xzf "$dist" -C "$work"
home=$(ls -d "$work"/rialto-distribution-*)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18181)
cfg="$home/etc/org.ops4j.pax.web.cfg"
if [ -f "$cfg" ] && grep -q '^org.osgi.service.http.port' "$cfg"; then
  sed -i "s/^org.osgi.service.http.port.*/org.osgi.service.http.port = $port/" "$cfg"
else
  echo "org.osgi.service.http.port = $port" >> "$cfg"
fi
base="http://127.0.0.1:$port/api/v1"
ms() { date +%s%3N; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m), $(java -version 2>&1 | head -1)"
echo "distribution: $(du -m "$dist" | cut -f1) MB packed, $(du -sm "$home" | cut -f1) MB unpacked"

export RIALTO_ADMIN_PASSWORD="bench-$(date +%s)-$RANDOM"
t0=$(ms)
"$home/bin/start"
until curl -sf "$base/health" >/dev/null 2>&1; do sleep 0.2; done
t1=$(ms)
echo "cold boot until /health answers: $(( t1 - t0 )) ms"
until curl -sf "$base/health" | grep -q '"model":"'; do sleep 1; done
t2=$(ms)
echo "first start until a trained model serves (demo generated, ingested, indexed, trained): $(( t2 - t0 )) ms"
curl -s "$base/health"; echo
pid=$(pgrep -f "karaf.home=$home" | head -1)
sleep 10
echo "RSS 10 s after the first model: $(( $(ps -o rss= -p "$pid") / 1024 )) MB"
sleep 60
echo "idle RSS 70 s after the first model: $(( $(ps -o rss= -p "$pid") / 1024 )) MB"

auth="admin:$RIALTO_ADMIN_PASSWORD"
# One curl process for all requests, on one kept-alive connection: the figures are the server's, not curl's start-up.
urls() { for i in $(seq 1 "$1"); do printf '%s/recommendations?user=u%04d&n=10\n' "$base" $(( (i * 7) % 1000 + 1 )); done; }
urls 50 | xargs curl -s -u "$auth" >/dev/null
urls "$requests" | xargs curl -s -u "$auth" -w '\n@@%{time_total}\n' | sed -n 's/^@@//p' \
  | sort -n | awk '{a[NR]=$1} END {printf "recommendations over REST (n=10, %d sequential requests on one connection): p50 %.1f ms, p95 %.1f ms, p99 %.1f ms\n", NR, a[int(NR*0.5)]*1000, a[int(NR*0.95)]*1000, a[int(NR*0.99)]*1000}'
echo "RSS after the requests: $(( $(ps -o rss= -p "$pid") / 1024 )) MB"
