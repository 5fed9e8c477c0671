#!/usr/bin/env bash
# Relay's metering benchmark: BENCH_REPORTS (300000) usage.reported events on task-events, one run on this machine:
#   1. Kafka's own consumer (ConsumerPerformance, same broker, same records): events/s
#   2. the billing service metering them from the same topic (each counted once, ledger committed): events/s from its
#      first ledger row to its last
#   3. PostgreSQL alone inserting as many ledger rows, made up in the database (no Kafka, no Java): the ceiling of
#      any design that keeps one durable row per event on this machine
# Prints the three and the ratios. Environment: BENCH_REPORTS, RELAY_SKIP_BUILD=1.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../dev/lib.sh
source "$root/infra/dev/lib.sh"
export_benchmark_limits
# shellcheck source=lib.sh
source "$root/infra/bench/lib.sh"

count=${BENCH_REPORTS:-300000}
bench_init metering
kafka_cp="$root/infra/kafka/target/libs/*"
bench_cp="$root/infra/bench/target/classes:$root/infra/bench/target/libs/*"
bench() { java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$bench_cp" dev.relay.bench.MeteringBenchmark "$@"; }

bench_kafka

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
say "PostgreSQL alone: the same ledger rows, made up in the database, $count in statements of 2 000"
kill "$service_pid"; wait "$service_pid" 2>/dev/null || true
bench ceiling "$jdbc_url" "$db_user" "$count" | tee "$work/ceiling.log"
pg_rate=$(awk '$2 == "postgres.ledger_rows_per_s" {print $3}' "$work/ceiling.log")
awk -v p="$pg_rate" -v k="${kafka_rate%.*}" 'BEGIN { printf "RESULT postgres.ratio_to_kafka %.2f\n", p / k }'
