#!/usr/bin/env bash
# Relay's metering benchmark: BENCH_REPORTS (300000) usage.reported events on task-events, one run on this machine:
#   1. Kafka's own consumer (ConsumerPerformance, same broker, same records): events/s
#   2. the billing service metering them from the same topic (each counted once, ledger committed): events/s from its
#      first ledger row to its last
# Prints both and the ratio. Environment: BENCH_REPORTS, RELAY_SKIP_BUILD=1.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../dev/lib.sh
source "$root/infra/dev/lib.sh"

count=${BENCH_REPORTS:-300000}
db_host=${RELAY_DB_HOST:-127.0.0.1}
db_port=${RELAY_DB_PORT:-5432}
db_user=${RELAY_DB_USER:-postgres}
db_name=relay_bench_metering_$$
jdbc_url="jdbc:postgresql://$db_host:$db_port/$db_name"
work=$(mktemp -d /tmp/relay-metering.XXXXXX)
pids=()

cleanup() {
  trap - INT TERM EXIT
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  psql -h "$db_host" -p "$db_port" -U "$db_user" -d postgres -qc "DROP DATABASE IF EXISTS $db_name WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work/kafka"
}
trap cleanup INT TERM EXIT

ensure_postgres "$db_host" "$db_port"
if [ "${RELAY_SKIP_BUILD:-0}" != 1 ]; then
  say "building (./mvnw install -DskipTests)"
  (cd "$root" && ./mvnw -B -q install -DskipTests)
fi
psql -h "$db_host" -p "$db_port" -U "$db_user" -d postgres -qc "CREATE DATABASE $db_name"
kafka_cp="$root/infra/kafka/target/libs/*"
bench_cp="$root/infra/bench/target/classes:$root/infra/bench/target/libs/*"
bench() { java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$bench_cp" dev.relay.bench.MeteringBenchmark "$@"; }

kafka_port=$(free_port); controller_port=$(free_port)
say "starting Kafka on 127.0.0.1:$kafka_port (logs in $work)"
"$root/infra/kafka/broker.sh" "$work/kafka" "$kafka_port" "$controller_port" >"$work/kafka.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do listening "$kafka_port" && break; sleep 0.25; done
bootstrap=127.0.0.1:$kafka_port

say "writing $count usage reports to task-events"
bench fill "$bootstrap" "$count"

say "Kafka's consumer: ConsumerPerformance over the same $count records"
java -cp "$kafka_cp" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$bootstrap" --topic task-events \
  --messages "$count" --group "bench-perf-$$" --timeout 60000 >"$work/consumer-perf.log" 2>&1
cat "$work/consumer-perf.log" | grep -v WARN | tail -2
kafka_rate=$(tail -1 "$work/consumer-perf.log" | awk -F', *' '{print $NF}')
echo "RESULT kafka.consumer.events_per_s ${kafka_rate%.*} (fetch.nMsg.sec: without the group join)"

make_keys "$work/jwt"
say "starting billing-service: it meters the topic from its beginning"
bench watch "$jdbc_url" "$db_user" "$count" >"$work/watch.log" &
watch_pid=$!
start_service "$root" billing-service "$(free_port)" "$work/billing-service.log" \
  KAFKA_BOOTSTRAP_SERVERS="$bootstrap" RELAY_DB_REACTIVE_URL="postgresql://$db_host:$db_port/$db_name" \
  RELAY_DB_JDBC_URL="$jdbc_url" RELAY_DB_USER="$db_user" \
  RELAY_JWT_PUBLIC_KEY="file:$work/jwt/public.pem" RELAY_JWT_ISSUER=https://relay.dev/bench QUARKUS_LOG_LEVEL=WARN
pids+=("$service_pid")
wait "$watch_pid"
cat "$work/watch.log"
relay_rate=$(awk '$2 == "metering.events_per_s" {print $3}' "$work/watch.log")
awk -v r="$relay_rate" -v k="${kafka_rate%.*}" 'BEGIN { printf "RESULT metering.ratio_to_kafka %.2f\n", r / k }'
