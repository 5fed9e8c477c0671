# Shared by the benchmark commands (sourced after infra/dev/lib.sh): a database of their own, a work directory,
# cleanup on exit, and a Kafka broker.

# bench_init NAME: sets db_host, db_port, db_user, db_name, jdbc_url, work and pids; builds unless RELAY_SKIP_BUILD=1;
# creates the database; drops it, stops what was started and removes the broker's data on exit
bench_init() {
  db_host=${RELAY_DB_HOST:-127.0.0.1}
  db_port=${RELAY_DB_PORT:-5432}
  db_user=${RELAY_DB_USER:-postgres}
  db_name=relay_bench_$1_$$
  jdbc_url="jdbc:postgresql://$db_host:$db_port/$db_name"
  work=$(mktemp -d "/tmp/relay-$1.XXXXXX")
  pids=()
  trap bench_cleanup INT TERM EXIT
  if [ "${RELAY_SKIP_BUILD:-0}" != 1 ]; then
    say "building (./mvnw install -DskipTests)"
    (cd "$root" && ./mvnw -B -q install -DskipTests)
  fi
  ensure_postgres "$db_host" "$db_port" "$work/postgres" "$work/postgres.log"
  postgres_tool create-database "$db_host" "$db_port" "$db_user" "$db_name"
}

bench_cleanup() {
  trap - INT TERM EXIT
  postgres_tool drop-database "$db_host" "$db_port" "$db_user" "$db_name" >/dev/null 2>&1 || true
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work/kafka" "$work/postgres"
}

# bench_kafka: starts a broker on free ports (data and log in $work) and sets bootstrap
bench_kafka() {
  local kafka_port controller_port
  kafka_port=$(free_port); controller_port=$(free_port)
  say "starting Kafka on 127.0.0.1:$kafka_port (logs in $work)"
  "$root/infra/kafka/broker.sh" "$work/kafka" "$kafka_port" "$controller_port" >"$work/kafka.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do listening "$kafka_port" && break; sleep 0.25; done
  bootstrap=127.0.0.1:$kafka_port
}
