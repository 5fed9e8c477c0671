#!/usr/bin/env bash
# Relay's schedule benchmark: BENCH_SCHEDULES (10000) one-time jobs due at the same instant, side by side on the same
# PostgreSQL, one run each:
#   1. db-scheduler 16.12.0 (lock-and-fetch polling, 1 s polling interval, BENCH_THREADS (20) threads), 1 instance
#   2. Relay's schedule service, 1 replica, then 2 replicas (fire interval 1 s), with a broker; fired = trigger published
# Prints per system: seconds from the due instant until all fired, firings/s, lag p50/p99/max, duplicates.
# Environment: BENCH_SCHEDULES, BENCH_THREADS, BENCH_DB_SCHEDULER_INSTANCES ("1 2"), RELAY_SKIP_BUILD=1.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../dev/lib.sh
source "$root/infra/dev/lib.sh"
export_benchmark_limits
# shellcheck source=lib.sh
source "$root/infra/bench/lib.sh"

count=${BENCH_SCHEDULES:-10000}
threads=${BENCH_THREADS:-20}
db_instances=${BENCH_DB_SCHEDULER_INSTANCES:-1 2}
bench_init schedules
bench_cp="$root/infra/bench/target/classes:$root/infra/bench/target/libs/*"
bench() { java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$bench_cp" dev.relay.bench.ScheduleBenchmark "$@"; }

for instances in $db_instances; do
  say "db-scheduler: $count one-time tasks due at once, $instances instance(s) of $threads threads"
  bench dbscheduler "$jdbc_url" "$db_user" "$count" "$instances" "$threads"
done

bench_kafka
make_keys "$work/jwt"
service_env=(
  KAFKA_BOOTSTRAP_SERVERS="$bootstrap" RELAY_DB_REACTIVE_URL="postgresql://$db_host:$db_port/$db_name"
  RELAY_DB_JDBC_URL="$jdbc_url" RELAY_DB_USER="$db_user"
  RELAY_JWT_PUBLIC_KEY="file:$work/jwt/public.pem" RELAY_JWT_ISSUER=https://relay.dev/bench QUARKUS_LOG_LEVEL=WARN
)
first_port=$(free_port)
say "starting schedule-service (log in $work/schedule-service-1.log)"
start_service "$root" schedule-service "$first_port" "$work/schedule-service-1.log" "${service_env[@]}"
pids+=("$service_pid")
say "Relay, 1 replica: $count schedules due at once"
bench relay "$jdbc_url" "$db_user" "$bootstrap" "$count" one-replica

second_port=$(free_port)
say "starting a second schedule-service replica (log in $work/schedule-service-2.log)"
start_service "$root" schedule-service "$second_port" "$work/schedule-service-2.log" "${service_env[@]}"
pids+=("$service_pid")
say "Relay, 2 replicas: $count schedules due at once"
bench relay "$jdbc_url" "$db_user" "$bootstrap" "$count" two-replicas
