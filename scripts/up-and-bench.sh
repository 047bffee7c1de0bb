#!/usr/bin/env bash
# Starts a stack with `rinha up`, runs one `rinha bench` against it, stops the stack (by its PID)
# and prints the stack's per-service report (limits, peak memory, CPU, throttling).
#   scripts/up-and-bench.sh "2025 --store redis" "2025-preview"
set -euo pipefail
up_args=$1
bench_args=$2
here=$(cd "$(dirname "$0")/.." && pwd)
log=$(mktemp /tmp/rinha-up-XXXXXX.log)
# shellcheck disable=SC2086
node "$here/bin/rinha.js" up $up_args >"$log" 2>&1 &
up_pid=$!
stop() {
  kill -TERM "$up_pid" 2>/dev/null || true
  wait "$up_pid" 2>/dev/null || true
  grep -E '^\[rinha\] (api|lb|redis|nginx|postgres|processor)' "$log" || true
  rm -f "$log"
}
trap stop EXIT
for _ in $(seq 1 120); do
  grep -q 'ready:' "$log" && break
  kill -0 "$up_pid" 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.5
done
grep -q 'ready:' "$log" || { echo "stack not ready after 60 s"; cat "$log"; exit 1; }
# shellcheck disable=SC2086
node "$here/bin/rinha.js" bench $bench_args
