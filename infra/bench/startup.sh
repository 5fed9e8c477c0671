#!/usr/bin/env bash
# Relay's start-and-memory benchmark: for each service, the time from launch to ready (/q/health/ready answers 200)
# and its resident memory once idle, on JDK 17 and on JDK 25 with an ahead-of-time cache (Project Leyden, JEP
# 483/514/515), printed side by side. The cache comes from a training run of the same jar on JDK 25
# (-XX:AOTCacheOutput): started, asked what its API serves (BENCH_TRAINING requests), stopped; the JVM writes the
# cache as it exits. Each figure is the median of BENCH_STARTS starts. Loopback only: one broker, this machine's
# PostgreSQL (or an embedded one), a database of its own dropped at the end.
# A third column, JDK 25 + aot-jar: the same service packaged as Quarkus's aot-jar (its classes on the JDK's class
# path, where the cache can hold them; built into target/aot), trained and measured the same way.
# The task service's resident memory is also taken after BENCH_CREATES (1000) creates whose runs have all completed,
# and the stream service's with BENCH_IDLE (10000; 0: not measured) idle SSE streams open to it (one seeded task).
# Every JVM starts as the dev stack's do (infra/dev/lib.sh, service_java): -Xms32m, serial GC, MALLOC_ARENA_MAX=2.
# Environment: BENCH_SERVICES (all four), BENCH_STARTS (3), BENCH_TRAINING (200), BENCH_HEAP (256m), BENCH_CREATES (1000), BENCH_IDLE (10000), JDK25_HOME
# (/usr/lib/jvm/temurin-25-jdk-amd64), BENCH_AOT_JAR (1; 0 leaves the third column out), RELAY_SKIP_BUILD=1 to reuse
# the last build (the aot-jar packaging is built when missing).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../dev/lib.sh
source "$root/infra/dev/lib.sh"
export_benchmark_limits
# shellcheck source=lib.sh
source "$root/infra/bench/lib.sh"

starts=${BENCH_STARTS:-3}
training=${BENCH_TRAINING:-200}
heap=${BENCH_HEAP:-256m}
creates=${BENCH_CREATES:-1000}
idle=${BENCH_IDLE:-10000}
jdk25=${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
aot_jar=${BENCH_AOT_JAR:-1}
issuer=https://relay.dev/bench
services=${BENCH_SERVICES:-task-service stream-service schedule-service billing-service}
[ -x "$jdk25/bin/java" ] || fail "no JDK 25 at $jdk25 (JDK25_HOME)"

# thousands of idle streams: a descriptor each, on both ends
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
bench_init startup
bench_cp="$root/infra/bench/target/classes:$root/infra/bench/target/libs/*"
idle_task=
bench_kafka
make_keys "$work/jwt"
token=$(mint_token "$work/jwt" "$issuer" bench bench@relay.local 2)
link_secret=$(openssl rand -hex 32)
secrets_key=$(openssl rand -base64 32)

# the application directory launch starts from: fast-jar's (quarkus-app) or aot-jar's (aot)
app=quarkus-app

# launch JAVA NAME PORT LOG [JVM option…]: starts the service ($app); sets launched_pid and ready_ms (launch to ready)
launch() {
  local java=$1 name=$2 port=$3 log=$4; shift 4
  local started ended
  service_java "$java" "$heap" "$root/$name/target/$app/quarkus-run.jar" "$@"
  started=$(date +%s%N)
  env QUARKUS_HTTP_PORT="$port" KAFKA_BOOTSTRAP_SERVERS="$bootstrap" \
    RELAY_DB_REACTIVE_URL="postgresql://$db_host:$db_port/$db_name" RELAY_DB_JDBC_URL="$jdbc_url" RELAY_DB_USER="$db_user" \
    RELAY_JWT_PUBLIC_KEY="file:$work/jwt/public.pem" RELAY_JWT_ISSUER="$issuer" RELAY_STREAM_LINK_SECRET="$link_secret" \
    RELAY_SECRETS_KEY="$secrets_key" RELAY_STREAM_SERVICE_URL="http://127.0.0.1:1" QUARKUS_LOG_LEVEL=WARN QUARKUS_LOG_CATEGORY__IO_QUARKUS__LEVEL=INFO \
    "${service_java[@]}" >"$log" 2>&1 &
  launched_pid=$!
  pids+=("$launched_pid") # stopped on exit, a failure's too
  # a training run (recording its cache) of the aot-jar took 15 s to start here
  await_ready "$name" "$port" "$launched_pid" 90 "$log" 0.01
  ended=$(date +%s%N)
  ready_ms=$(( (ended - started) / 1000000 ))
}

# stop PID: SIGTERM, and waits for the JVM to exit (a training run writes its cache then)
stop() {
  local kept=() pid
  kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true
  for pid in "${pids[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
  pids=("${kept[@]}")
}


# load PORT: BENCH_CREATES creates, 8 at a time, then waits until their runs have completed; fails unless each
# create was answered 202 and each run completed (a training run's runs that its stop cut off resume here as well)
load() {
  local port=$1 accepted before since state
  sql() { psql -h "$db_host" -p "$db_port" -U "$db_user" -d "$db_name" -Atc "$1"; }
  before=$(sql "SELECT count(*) FROM task.task_run WHERE status = 'completed'")
  since=$(sql "SELECT now()")
  accepted=$(seq 1 "$creates" | xargs -P 8 -I{} curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d '{"task":"load {}","response_format":"json"}' "http://127.0.0.1:$port/api/v1/tasks" | grep -c '^202$' || true)
  [ "$accepted" = "$creates" ] || fail "$accepted of $creates creates were accepted"
  for _ in $(seq 1 600); do
    state=$(sql "SELECT (SELECT count(*) FROM task.task_run WHERE status = 'completed') - $before,
      (SELECT count(*) FROM task.task_run WHERE status IN ('pending', 'active', 'suspended', 'queued')),
      (SELECT count(*) FROM task.task_run WHERE status IN ('error', 'aborted') AND created_at >= '$since')")
    [ "${state#*|*|}" = 0 ] || fail "runs of the load failed: $state (completed|unfinished|failed)"
    [ "${state%%|*}" -ge "$creates" ] && [ "$(echo "$state" | cut -d'|' -f2)" = 0 ] && return 0
    sleep 0.5
  done
  fail "the load's runs had not completed 5 minutes after the creates: $state (completed|unfinished|failed)"
}

# hold_idle PORT PID: opens BENCH_IDLE idle SSE streams to the stream service on PORT (a task seeded on first use) and
# sets idle_kib to its RSS once they are all open; fails unless every stream was answered 200
hold_idle() {
  local port=$1 pid=$2 client
  [ -n "$idle_task" ] || idle_task=$(java -cp "$bench_cp" dev.relay.bench.Benchmark seed "$bootstrap" "$jdbc_url" "$db_user" bench bench@relay.local | tail -1)
  java -Xmx1g -cp "$bench_cp" dev.relay.bench.Benchmark idle \
    "http://127.0.0.1:$port/api/preview/agents/bench/tasks/$idle_task/events/stream" "$token" "$idle" 600 >"$work/idle.out" 2>&1 &
  client=$!
  for _ in $(seq 1 600); do grep -q READY "$work/idle.out" && break; kill -0 "$client" 2>/dev/null || break; sleep 0.5; done
  grep -q READY "$work/idle.out" || { cat "$work/idle.out" >&2; fail "the $idle idle streams did not all open"; }
  sleep 3
  idle_kib=$(rss_kib "$pid")
  stop "$client"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# measure JAVA NAME LABEL [JVM option…]: BENCH_STARTS starts, each to ready then idle for 5 s; prints the medians
measure() {
  local java=$1 name=$2 label=$3; shift 3
  local times=() rss=() loaded=() started=() held=() port
  for n in $(seq 1 "$starts"); do
    port=$(free_port)
    launch "$java" "$name" "$port" "$work/$name-$label-$n.log" "$@"
    times+=("$ready_ms")
    # Quarkus's own figure: launch to listening, before the consumers have joined their groups (readiness waits for that)
    started+=("$(grep -o 'started in [0-9.]*s' "$work/$name-$label-$n.log" | head -1 | tr -dc '0-9.' | awk '{printf "%d", $1 * 1000}')")
    sleep 5
    rss+=("$(rss_kib "$launched_pid")")
    if [ "$name" = task-service ]; then
      load "$port"
      sleep 5
      loaded+=("$(rss_kib "$launched_pid")")
    fi
    if [ "$name" = stream-service ] && [ "$idle" -gt 0 ]; then
      hold_idle "$port" "$launched_pid"
      held+=("$idle_kib")
    fi
    stop "$launched_pid"
  done
  printf '%s\n' "${times[@]}" | median >"$work/$name-$label.ms"
  printf '%s\n' "${rss[@]}" | median >"$work/$name-$label.kb"
  printf '%s\n' "${started[@]}" | median >"$work/$name-$label.started"
  [ ${#loaded[@]} -gt 0 ] && printf '%s\n' "${loaded[@]}" | median >"$work/$name-$label.loaded"
  [ ${#held[@]} -gt 0 ] && printf '%s\n' "${held[@]}" | median >"$work/$name-$label.idle"
  say "$name on $label: ready in $(cat "$work/$name-$label.ms") ms, $(( $(cat "$work/$name-$label.kb") / 1024 )) MiB RSS idle (median of $starts: ${times[*]} ms)"
}

# the migrations and topics exist before anything is timed: a service's first start in a new database migrates it
for name in $services; do
  launch java "$name" "$(free_port)" "$work/$name-first.log"
  stop "$launched_pid"
done

# train LABEL NAME: a training run of the service on JDK 25 writing $work/NAME-LABEL.aot, then its measure with it
train_and_measure() {
  local label=$1 name=$2 cache="$work/$2-$1.aot" port
  port=$(free_port)
  say "$name ($app): training run on JDK 25 ($training rounds of requests) writing $cache"
  launch "$jdk25/bin/java" "$name" "$port" "$work/$name-$label-training.log" -XX:AOTCacheOutput="$cache"
  exercise_service "$port" "$token" "$training"
  stop "$launched_pid"
  [ -s "$cache" ] || fail "the training run of $name wrote no AOT cache; see $work/$name-$label-training.log"
  measure "$jdk25/bin/java" "$name" "$label" -XX:AOTCache="$cache"
}

if [ "$aot_jar" = 1 ]; then
  missing=
  for name in $services; do
    [ -f "$root/$name/target/aot/quarkus-run.jar" ] && [ "${RELAY_SKIP_BUILD:-0}" = 1 ] || missing="$missing,$name"
  done
  if [ -n "$missing" ]; then
    say "packaging ${missing#,} as aot-jar (target/aot)"
    (cd "$root" && ./mvnw -B -q -o package -DskipTests -Dquarkus.package.jar.type=aot-jar \
      -Dquarkus.package.output-directory=aot -pl "${missing#,}")
  fi
fi

for name in $services; do
  app=quarkus-app
  measure java "$name" jdk17
  train_and_measure jdk25-aot "$name"
  if [ "$aot_jar" = 1 ]; then
    app=aot
    train_and_measure jdk25-aotjar "$name"
  fi
done

labels="jdk17 jdk25-aot"
[ "$aot_jar" = 1 ] && labels="$labels jdk25-aotjar"
echo
for figure in started ms kb loaded idle; do
  case $figure in started) what="started (ms)";; ms) what="ready (ms)";; kb) what="RSS idle (MiB)";; loaded) what="RSS after $creates creates (MiB)";;
    idle) what="RSS, $idle idle streams (MiB)";; esac
  ls "$work"/*-jdk17."$figure" >/dev/null 2>&1 || continue # a figure of a service not measured
  printf '%-30s' "$what"
  for label in $labels; do printf ' %16s' "$label"; done
  echo
  for name in $services; do
    [ -f "$work/$name-jdk17.$figure" ] || continue
    printf '%-30s' "$name"
    for label in $labels; do
      value=$(cat "$work/$name-$label.$figure")
      case $figure in kb|loaded|idle) value=$(( value / 1024 ));; esac
      printf ' %16s' "$value"
    done
    echo
  done
done
echo "(started: Quarkus's 'started in'; ready: launch to /q/health/ready 200, consumers in their groups; RSS 5 s after ready;"
echo " -Xms32m -Xmx$heap -XX:+UseSerialGC, MALLOC_ARENA_MAX=2; $(nproc) cores; jdk17 and jdk25-aot: fast-jar; jdk25-aotjar: aot-jar; medians of $starts starts)"
