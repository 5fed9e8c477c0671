#!/usr/bin/env bash
# Relay's noisy-neighbour benchmark: the whole dev stack on this machine (loopback only, bounded in count and time).
# Organization A queues BENCH_NOISY_RUNS runs at once (created as fast as BENCH_CONCURRENCY clients can, simulated
# runtime), organization B creates one task a second while A's runs drain. Two modes in the same run, side by side:
#   fifo  A's own limit of runs at once lifted to the operator's ceiling: every run starts as its request is read,
#         as before the fair queue;
#   fair  A at the default limit (relay.runs.org-max-active), waiting runs taken round robin across organizations.
# For each: A's throughput alone and with B (runs finished per second, first create to last run finished) and B's
# run start latency p50/p99/max (B's create sent to its run's start). Every created task must have exactly one run,
# completed, claimed once, or the command stops (exit 1) without figures.
# Environment: BENCH_NOISY_RUNS (5000), BENCH_CONCURRENCY (32), BENCH_NOISY_MODES (fifo,fair: one of them alone
# halves the time), RELAY_SKIP_BUILD=1 to reuse the last build.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../dev/lib.sh
source "$root/infra/dev/lib.sh"
export_benchmark_limits
# shellcheck source=lib.sh
source "$root/infra/bench/lib.sh"

runs=${BENCH_NOISY_RUNS:-5000}
concurrency=${BENCH_CONCURRENCY:-32}
# "fifo" lifts organization A's limit this high; no instance limit below it either
ceiling=100000
# the instance's limit fixed at the ceiling too (not adapted to its runs' steps): in fifo mode every run starts at once
export RELAY_RUNS_ORG_MAX_ACTIVE_CEILING=$ceiling RELAY_RUNS_MAX_WORKING=$ceiling RELAY_RUNS_MIN_WORKING=$ceiling
bench_stack noisy
# A is the dev organization (its token is an admin's); B another one, with a token signed by the dev stack's key
token_b=$(mint_token "$root/.relay/jwt" https://relay.dev noisy-b "b@noisy-b.local" 12)
say "organization A queues $runs runs ($concurrency clients), B creates one a second; modes fifo, then fair"
java -Xmx512m -cp "$bench_cp" dev.relay.bench.NoisyNeighbourBenchmark "$base" "$token" "$token" "$token_b" "$jdbc_url" \
  "${RELAY_DB_USER:-postgres}" "$runs" "$concurrency" "$ceiling" "${BENCH_NOISY_MODES:-fifo,fair}"
