#!/usr/bin/env bash
# Relay's create benchmark: the whole dev stack (broker, the four services, gateway) on this machine, tasks created
# through the gateway with their runs executing (simulated runtime), loopback only, bounded in count and time.
#   1. fixed rates (open loop, BENCH_RATES, default "50 100"): creates/s and create latency p50/p99/max
#   2. the maximum (closed loop of BENCH_CONCURRENCY clients, default 32): creates/s and latency
# Each load first runs unmeasured for BENCH_WARMUP seconds. After each load it prints how many runs were still
# unfinished and how long they took to drain (creates/s only count if the runs keep up), and each process's CPU
# over each load: its share of the machine and milliseconds per task (create and run). At the end, each load against
# issue 26's goals (GOAL lines: p99 < 50 ms at 100/s with every run done within 5 s of the load's end, counted from
# when the load was due to end; the maximum >= 800/s). A create refused or not answered, or a run that did not
# complete, stops the command (exit 1).
# BENCH_PROFILE=1 also records a JFR profile of the task service during the maximum and prints its hottest frames.
# Tenancy and runtime, as users take the path:
#   BENCH_ORGS (1): with more, each create comes from the next of that many organizations, each with a token budget
#     set by its admin before the loads (so every run is admitted against its budget: reserved, settled, released);
#   BENCH_RUNTIME (simulated): "model" runs each task on the real agent runtime against the fake model provider
#     (test-support's FakeModelProvider on a loopback port): a streamed tool call (dns_lookup of localhost), its
#     result, a second model call and the streamed answer; every run must have made its tool call.
# Environment: BENCH_SECONDS (20), BENCH_WARMUP (10), BENCH_PRIME (120: seconds of creates at BENCH_PRIME_RATE, 20/s,
# before anything is measured, so the loads meet a JVM past its first minutes of compiling; 0: none), BENCH_REST (10:
# seconds the stack's CPU at rest is measured for before the loads), BENCH_ORG_MAX_ACTIVE (100000: each organization's limit of runs at once, lifted),
# BENCH_MAX_WORKING (the task service's runs at once fixed at that many; unset: adapted, at most
# BENCH_ORG_MAX_ACTIVE), RELAY_SKIP_BUILD=1 to reuse the last build.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../dev/lib.sh
source "$root/infra/dev/lib.sh"
export_benchmark_limits
# shellcheck source=lib.sh
source "$root/infra/bench/lib.sh"

rates=${BENCH_RATES:-50 100}
concurrency=${BENCH_CONCURRENCY:-32}
seconds=${BENCH_SECONDS:-20}
warmup=${BENCH_WARMUP:-10}
# one organization, so its limit of runs at once (relay.runs.org-max-active, default 32) is lifted as a single-tenant
# operator would lift it, and the instance's most too: the instance's limit is the one it adapts to its runs' steps
# (relay.runs.min-working …); BENCH_MAX_WORKING fixes it at that many instead
org_limit=${BENCH_ORG_MAX_ACTIVE:-100000}
export RELAY_RUNS_ORG_MAX_ACTIVE=$org_limit RELAY_RUNS_ORG_MAX_ACTIVE_CEILING=$org_limit RELAY_RUNS_MAX_WORKING=${BENCH_MAX_WORKING:-$org_limit}
if [ -n "${BENCH_MAX_WORKING:-}" ]; then
  export RELAY_RUNS_MIN_WORKING=$BENCH_MAX_WORKING
fi
orgs=${BENCH_ORGS:-1}
runtime=${BENCH_RUNTIME:-simulated}
task_text="Check the TLS setup of example.com"
tool_calls=0
case "$runtime" in
  simulated) ;;
  model)
    # before the stack: the services read the provider's address when they start
    [ "${RELAY_SKIP_BUILD:-0}" = 1 ] || (cd "$root" && ./mvnw -B -q install -DskipTests)
    export RELAY_SKIP_BUILD=1
    provider_port=$(free_port)
    java -Xmx512m -XX:+UseSerialGC -cp "$root/infra/bench/target/fake-model-provider/*:$root/infra/bench/target/libs/*" \
      dev.relay.testsupport.FakeModelProvider "$provider_port" >"/tmp/relay-fake-provider.$$.log" 2>&1 &
    bench_extra_pids=($!)
    for _ in $(seq 1 80); do listening "$provider_port" && break; sleep 0.25; done
    listening "$provider_port" || { kill "${bench_extra_pids[@]}"; fail "the fake model provider did not start (/tmp/relay-fake-provider.$$.log)"; }
    export RELAY_LLM_BASE_URL=http://127.0.0.1:$provider_port/v1 RELAY_LLM_API_KEY=sk-relay-test-0d9f3c
    # the lookup of localhost answers 127.0.0.1 as in the tests (loopback is all this machine may reach)
    export RELAY_EGRESS_ALLOW_CIDRS=127.0.0.1/32
    task_text="Check the TLS setup of example.com (use-dns)"
    tool_calls=1
    ;;
  *) fail "BENCH_RUNTIME must be simulated or model, got $runtime" ;;
esac
bench_stack creates
tokens=$token
if [ "$orgs" -gt 1 ]; then
  # one admin per organization (its tokens signed with the dev stack's key, as the dev token is)
  for i in $(seq 1 "$orgs"); do
    mint_token "$root/.relay/jwt" https://relay.dev "bench-org-$i" "admin@bench-org-$i.example" 2 '["user","admin"]'
  done >"$work/tokens"
  tokens=@$work/tokens
  say "$orgs organizations, each with a token budget"
  java -Xmx256m -cp "$bench_cp" dev.relay.bench.BudgetedOrgs "$base" "$tokens" "$jdbc_url" "${RELAY_DB_USER:-postgres}" 1000000000000
fi
# each load also waits for its tasks' runs to finish and prints how long they took (CreateBenchmark, FinishedRuns)
bench() {
  java -Xmx512m -Drelay.bench.task="$task_text" -Drelay.bench.tool-calls-per-run=$tool_calls -cp "$bench_cp" \
    dev.relay.bench.CreateBenchmark "$base" "$tokens" "$jdbc_url" "${RELAY_DB_USER:-postgres}" "$@"
}
say "runtime: $runtime, organizations: $orgs"

# this stack's processes only (another checkout's stack may run beside it); a service missing stops the command
# exactly one: a second one (a process another command left running) would be measured in this stack's place
pid_of() {
  local found
  found=$(pgrep -f "$root/$1/target/[a-z-]*/quarkus-run.jar" || true)
  [ -n "$found" ] || fail "no $1 process of this stack"
  [ "$(echo "$found" | wc -l)" = 1 ] || fail "more than one $1 process of this checkout ($(echo $found)): stop the others first"
  echo "$found"
}
task_pid=$(pid_of task-service); stream_pid=$(pid_of stream-service)
billing_pid=$(pid_of billing-service); schedule_pid=$(pid_of schedule-service)
kafka_pid=$(pgrep -f "kafka.Kafka .*$RELAY_KAFKA_PORT" | head -1 || true)
[ -n "$kafka_pid" ] || kafka_pid=$(pgrep -f "kafka.Kafka" | head -1)
# a process that ended counts 0, so the figures stay under their names
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() { local total=0; for pid in $(pgrep -f "postgres"); do total=$((total + $(cpu_ticks "$pid"))); done; echo $total; }

hz=$(getconf CLK_TCK)
# every process of the stack but the gateway: the billing service reads every task event too (its CPU was not shown before)
names=(task-service stream-service billing-service schedule-service kafka postgresql)
ticks() { echo "$(cpu_ticks "$task_pid") $(cpu_ticks "$stream_pid") $(cpu_ticks "$billing_pid") $(cpu_ticks "$schedule_pid") $(cpu_ticks "$kafka_pid") $(pg_ticks)"; }
# one load, then each process's CPU over it (warm-up, measured load and the drain of its runs): as a share of the
# machine and per task of the load (create and run), the figure that does not depend on how saturated the load was
measured() {
  local before after started ended tasks
  read -ra before <<<"$(ticks)"
  started=$(date +%s.%N)
  bench "$@" | tee "$work/load.out"
  cat "$work/load.out" >>"$work/loads.out"
  ended=$(date +%s.%N)
  read -ra after <<<"$(ticks)"
  tasks=$(awk '$1 == "RESULT" && $2 ~ /\.tasks$/ {print $3}' "$work/load.out" | tail -1)
  for i in "${!names[@]}"; do
    awk -v n="${names[$i]}" -v b="${before[$i]}" -v a="${after[$i]}" -v hz="$hz" -v s="$started" -v e="$ended" -v t="$tasks" \
      -v rb="${rest_before[$i]}" -v ra="${rest_after[$i]}" -v rs="$rest" \
      'BEGIN { cpu = (a - b) / hz; base = (ra - rb) / hz / rs * (e - s)
               printf "CPU %s %.0f%% of 200%%, %.1f ms per task, %.1f ms above rest (%d tasks)\n", n, 100 * cpu / (e - s), 1000 * cpu / t, 1000 * (cpu - base) / t, t }'
  done
}

# a fresh JVM compiles for minutes (the task service's C2 spent 125-140 s of CPU over its first 2 400 tasks at 20/s),
# so the loads of a stack just started measure its compiler: BENCH_PRIME seconds at BENCH_PRIME_RATE creates/s come
# first, not measured but checked as every load is (0: none, the stack as it starts)
prime=${BENCH_PRIME:-120}
prime_rate=${BENCH_PRIME_RATE:-20}
if [ "$prime" -gt 0 ]; then
  say "priming: $prime_rate creates/s for ${prime}s (not measured: the JIT's first minutes)"
  bench fixed "$prime_rate" "$prime" 0 >"$work/prime.out" 2>&1 || { cat "$work/prime.out"; fail "the priming load failed"; }
fi

# the stack at rest first: what each process spends without load is the base every load's CPU is measured against
rest=${BENCH_REST:-10}
read -ra rest_before <<<"$(ticks)"
sleep "$rest"
read -ra rest_after <<<"$(ticks)"
for i in "${!names[@]}"; do
  awk -v n="${names[$i]}" -v b="${rest_before[$i]}" -v a="${rest_after[$i]}" -v hz="$hz" -v s="$rest" \
    'BEGIN { printf "CPU %s at rest %.1f%% of 200%% (%d s)\n", n, 100 * (a - b) / hz / s, s }'
done

for rate in $rates; do
  say "fixed rate: $rate creates/s for ${seconds}s (after ${warmup}s warm-up)"
  measured fixed "$rate" "$seconds" "$warmup"
done

say "maximum: $concurrency concurrent clients for ${seconds}s (after ${warmup}s warm-up)"
if [ "${BENCH_PROFILE:-0}" = 1 ]; then
  (sleep "$warmup"; jcmd "$task_pid" JFR.start name=creates settings=profile duration="${seconds}s" filename="$work/task-service.jfr" >/dev/null) &
fi
measured max "$concurrency" "$seconds" "$warmup"
if [ "${BENCH_PROFILE:-0}" = 1 ]; then
  sleep 2
  say "hottest frames of the task service (JFR execution samples, top of stack; then by package anywhere in the stack)"
  jfr print --events jdk.ExecutionSample "$work/task-service.jfr" >"$work/samples.txt"
  awk '/stackTrace = \[/ {getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); print}' "$work/samples.txt" \
    | sort | uniq -c | sort -rn | head -25
  echo "profile: $work/task-service.jfr"
fi

# the loads against issue 26's goals: p99 under 50 ms at 100 creates/s with every run done within 5 s of the load's
# end, and 800 creates/s at the maximum (GOAL lines); the other fixed rates the same way without a verdict (AT lines)
say "against the goals (p99 < 50 ms at 100/s with the runs done within 5 s of the load's end; maximum >= 800/s)"
awk '$1 == "RESULT" { n = split($2, k, "."); key = k[n]; v[key] = $3 ($4 != "" && key == "offered" ? " " $4 : "")
    # a load'"'"'s lines end with its tasks; its runs'"'"' figures come before its offered rate
    if (key == "tasks") { l = k[2] " " v["offered"]
      if (k[2] == "fixed" && v["offered"] != "100/s") {
        printf "AT %s: reached %s/s, p99 %s ms, runs done %s s after the load'"'"'s end\n", l, v["per_s"], v["p99_ms"],
          v["runs_done_after_load_end_s"]
      } else if (k[2] == "fixed") {
        hundred = 1
        met = v["p99_ms"] + 0 < 50 && v["runs_done_after_load_end_s"] + 0 <= 5
        printf "GOAL %s: reached %s/s, p99 %s ms, runs done %s s after the load'"'"'s end: %s\n", l, v["per_s"], v["p99_ms"],
          v["runs_done_after_load_end_s"], met ? "met" : "not met"
      } else {
        printf "GOAL %s: %s creates/s (p99 %s ms), runs done %s s after the load'"'"'s end: %s\n", l, v["per_s"], v["p99_ms"],
          v["runs_done_after_load_end_s"], v["per_s"] + 0 >= 800 ? "met" : "not met"
      }
      delete v } }
  END { if (!hundred) print "GOAL fixed 100/s: not run (BENCH_RATES)" }' "$work/loads.out"
