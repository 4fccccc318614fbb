#!/usr/bin/env bash
# Campaign throughput and crash safety on the built distribution, end to end over REST:
#   1. the demo shop is generated with PROFILES users (default 100,000) and EVENTS_PER_PROFILE events each on
#      average (default 6: views, carts, purchases in sessions), ingested, and the first model trained;
#   2. a campaign with recommend + generate + outbox delivery runs over all of them: wall time, profiles/s;
#   3. the same campaign runs again and the server is killed with kill -9 in the middle; after a restart the run
#      resumes; the outbox must then hold exactly one line per delivered recipient (no duplicate, no gap).
# Usage (after `mvn -B install -DskipTests`):  benchmarks/campaigns/run.sh [PROFILES] [EVENTS_PER_PROFILE]
# RIALTO_BENCH_JFR=FILE records a Java Flight Recording of the server (profile settings) into FILE.
# RIALTO_BENCH_SET="PID:key=value ..." appends each setting to etc/PID.cfg before the first start (A/B of a setting on
# one build, e.g. RIALTO_BENCH_SET="dev.rialto.retrieval.lucene:knn.rows.max.items=0").
set -euo pipefail
cd "$(dirname "$0")/../.."
profiles=${1:-100000}
per_profile=${2:-6}
dist=$(ls karaf-distribution/target/rialto-distribution-*.tar.gz)
work=$(mktemp -d)
trap 'if [ -n "${home:-}" ]; then "$home/bin/stop" >/dev/null 2>&1 || true; sleep 3; pkill -9 -f "karaf.home=$home" || true; fi; rm -rf "$work"' EXIT
tar xzf "$dist" -C "$work"
home=$(ls -d "$work"/rialto-distribution-*)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo "org.osgi.service.http.port = $port" >> "$home/etc/org.ops4j.pax.web.cfg"
# Written before the first start: the feature installs its own copy of this file only when none exists.
printf 'enabled = true\nseed = 42\nusers = %d\nitems = 2500\nevents = %d\n' "$profiles" $(( profiles * per_profile )) \
  > "$home/etc/dev.rialto.demo.cfg"
for setting in ${RIALTO_BENCH_SET:-}; do
  pid=${setting%%:*}; kv=${setting#*:}
  key=${kv%%=*}
  # The feature writes its etc file only when none exists: start from the shipped one, so only this key differs.
  if [ ! -f "$home/etc/$pid.cfg" ]; then
    shipped=$(ls "$home"/system/dev/rialto/"$pid"/*/"$pid"-*.cfg 2>/dev/null | head -1)
    if [ -n "$shipped" ]; then cp "$shipped" "$home/etc/$pid.cfg"; fi
  fi
  [ -f "$home/etc/$pid.cfg" ] && sed -i "/^${key//./\\.} *=/d" "$home/etc/$pid.cfg"
  printf '%s = %s\n' "$key" "${kv#*=}" >> "$home/etc/$pid.cfg"
done
base="http://127.0.0.1:$port/api/v1"
export RIALTO_ADMIN_PASSWORD="bench-$(date +%s)-$RANDOM"
auth="admin:$RIALTO_ADMIN_PASSWORD"
ms() { date +%s%3N; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1); $(date -u +%FT%TZ)"
if [ -n "${RIALTO_BENCH_JFR:-}" ]; then
  export EXTRA_JAVA_OPTS="-XX:StartFlightRecording=filename=$RIALTO_BENCH_JFR,settings=profile"
fi
"$home/bin/start"
t0=$(ms)
until curl -sf "$base/health" >/dev/null 2>&1; do sleep 0.5; done
until [ -f "$home/inbox/events/.done/demo-events.csv" ] && [ -f "$home/inbox/profiles/.done/demo-profiles.csv" ]; do
  sleep 1
done
echo "demo shop of $profiles profiles and about $(( profiles * per_profile )) events generated and ingested in $(( $(ms) - t0 )) ms"
until curl -sf "$base/health" | grep -q '"model":"'; do sleep 2; done
echo "first model after $(( $(ms) - t0 )) ms"
# Scheduled retraining would compete with the campaign for the two cores: move its cron to 1 January (the route
# file in deploy/ is reloaded on change), then let a training that is already running finish.
sed -i 's/{{rialto.train.cron:[^}]*}}/{{rialto.train.cron:0 0 1 1 *}}/' "$home/deploy/train-models.camel.yaml"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$(pgrep -f "karaf.home=$home" | head -1)/stat"; }
quiet=0; before=$(cpu_ticks)
while [ $quiet -lt 3 ]; do  # three 5-second spells in a row below 0.2 cores busy
  sleep 5; after=$(cpu_ticks)
  if [ $(( after - before )) -gt 100 ]; then quiet=0; else quiet=$(( quiet + 1 )); fi
  before=$after
done
echo "server idle after $(( $(ms) - t0 )) ms"

campaign() {
  cat <<JSON
{"id": "$1", "steps": [{"type": "recommend", "n": 4},
  {"type": "generate", "kind": "${RIALTO_BENCH_KIND:-email_body}", "provider": "template"},
  {"type": "deliver", "channel": "outbox"}],
 "variants": [{"name": "A", "percent": 45}, {"name": "B", "percent": 45}], "holdoutPercent": 10}
JSON
}
run() { curl -sf -u "$auth" -X POST "$base/campaigns/$1/runs" | json 'd["runId"]'; }
report() { curl -sf -u "$auth" "$base/campaigns/runs/$1" 2>/dev/null || true; }
# While the server restarts the endpoint answers nothing or an error: keep asking.
status_of() { report "$1" | python3 -c 'import json,sys
try: print(json.load(sys.stdin)["summary"]["status"])
except Exception: print("?")'; }
wait_done() {
  until status_of "$1" | grep -qE 'COMPLETED|FAILED'; do sleep 1; done
  report "$1"
}

campaign bench-throughput | curl -sf -u "$auth" -H 'Content-Type: application/json' -X POST --data-binary @- "$base/campaigns" >/dev/null
t0=$(ms); c0=$(cpu_ticks)
run1=$(run bench-throughput)
summary=$(wait_done "$run1")
t1=$(ms); c1=$(cpu_ticks)
audience=$(echo "$summary" | json 'd["summary"]["audience"]')
delivered=$(echo "$summary" | json 'd["summary"]["delivered"]')
echo "run 1: $(echo "$summary" | json 'd["summary"]["status"], d["summary"]["skipped"], "failed", d["summary"]["failed"]')"
echo "campaign over $audience profiles (recommend 4 + generate + outbox): $(( t1 - t0 )) ms wall," \
  "$(( audience * 1000 / (t1 - t0) )) profiles/s, $delivered delivered"
if [ -n "${RIALTO_BENCH_JFR:-}" ]; then  # now: the crash test below ends the server with kill -9
  jcmd "$(pgrep -f "karaf.home=$home" | head -1)" JFR.dump filename="$RIALTO_BENCH_JFR" >/dev/null
  echo "flight recording of run 1: $RIALTO_BENCH_JFR"
fi
# CPU time of the server process over the run: what a profile costs whatever else the machine is doing.
ticks=$(getconf CLK_TCK)
echo "server CPU over the run: $(( (c1 - c0) * 1000 / ticks )) ms, $(( (c1 - c0) * 1000000 / ticks / audience )) us" \
  "per profile (2 cores fully used: $(( audience * ticks * 2 / (c1 - c0 + 1) )) profiles/s)"

campaign bench-crash | curl -sf -u "$auth" -H 'Content-Type: application/json' -X POST --data-binary @- "$base/campaigns" >/dev/null
run2=$(run bench-crash)
outbox="$home/data/rialto/outbox/bench-crash/$run2.jsonl"
until [ -f "$outbox" ] && [ "$(wc -l < "$outbox")" -ge $(( audience / 3 )) ]; do sleep 0.2; done
pid=$(pgrep -f "karaf.home=$home" | head -1)
kill -9 "$pid"
lines_at_kill=$(wc -l < "$outbox")
echo "killed the server (kill -9) with $lines_at_kill outbox lines written"
sleep 2
unset EXTRA_JAVA_OPTS  # a second recording would overwrite the first one's file
"$home/bin/start"
until curl -sf "$base/health" >/dev/null 2>&1; do sleep 0.5; done
summary=$(wait_done "$run2")
status=$(echo "$summary" | json 'd["summary"]["status"]')
delivered=$(echo "$summary" | json 'd["summary"]["delivered"]')
skipped=$(echo "$summary" | json 'sum(d["summary"]["skipped"].values())')
failed=$(echo "$summary" | json 'd["summary"]["failed"]')
lines=$(wc -l < "$outbox")
unique=$(python3 -c "import json,sys; print(len({json.loads(l)['deliveryId'] for l in open(sys.argv[1])}))" "$outbox")
echo "after restart: run $status, audience $audience, delivered $delivered, skipped $skipped, failed $failed"
echo "outbox: $lines lines, $unique distinct delivery ids; duplicates $(( lines - unique )); gap $(( audience - delivered - skipped - failed ))"
[ "$status" = COMPLETED ] && [ "$lines" = "$unique" ] && [ "$lines" = "$delivered" ] \
  && [ $(( delivered + skipped + failed )) = "$audience" ] && echo "exactly once: PASS" || { echo "exactly once: FAIL"; exit 1; }
