#!/usr/bin/env bash
# How soon a streaming create shows its first event: the dev stack (as creates.sh starts it), then BENCH_CREATES
# (150) streaming creates one after the other through the gateway, after BENCH_WARMUP (30) unmeasured ones; each must
# stream from task.created to run.completed (simulated runtime) or the command fails. Loopback only.
# Environment: BENCH_CREATES, BENCH_WARMUP, RELAY_SKIP_BUILD=1 to reuse the last build.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../dev/lib.sh
source "$root/infra/dev/lib.sh"
export_benchmark_limits
# shellcheck source=lib.sh
source "$root/infra/bench/lib.sh"
bench_stack first_event
java -Xmx256m -cp "$bench_cp" dev.relay.bench.FirstEventBenchmark "$base" "$token" "${BENCH_CREATES:-150}" "${BENCH_WARMUP:-30}"
