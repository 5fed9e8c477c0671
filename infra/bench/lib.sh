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

# bench_stack NAME: the whole dev stack (broker, the four services, gateway) on free ports with a database of its
# own, for benchmarks through the gateway; sets work, db_name, jdbc_url, base, token (the dev organization's admin),
# bench_cp and stack_pid; builds unless RELAY_SKIP_BUILD=1; stops the stack and drops the database on exit.
# Every request of a benchmark comes from one address: the gateway's per-address limits must not be what is measured.
bench_stack() {
  bench_extra_pids=(${bench_extra_pids[@]+"${bench_extra_pids[@]}"})
  work=$(mktemp -d "/tmp/relay-$1.XXXXXX")
  db_name=relay_bench_$1_$$
  export RELAY_GATEWAY_PORT=$(free_port) RELAY_TASK_PORT=$(free_port) RELAY_STREAM_PORT=$(free_port) RELAY_SCHEDULE_PORT=$(free_port) RELAY_BILLING_PORT=$(free_port) RELAY_DB_NAME=$db_name
  local kafka_port
  kafka_port=$(free_port)
  while listening $((kafka_port + 1)); do kafka_port=$(free_port); done
  export RELAY_KAFKA_PORT=$kafka_port
  # the JVM the figures have always been measured on (startup.sh measures the JDK 25 caches on their own)
  export RELAY_AOT=${RELAY_AOT:-0}
  export RELAY_GATEWAY_RATE=${RELAY_GATEWAY_RATE:-100000} RELAY_GATEWAY_BURST=${RELAY_GATEWAY_BURST:-100000}
  export RELAY_GATEWAY_STREAM_RATE=${RELAY_GATEWAY_STREAM_RATE:-100000} RELAY_GATEWAY_STREAM_BURST=${RELAY_GATEWAY_STREAM_BURST:-100000}
  stack_pid=
  trap bench_stack_cleanup INT TERM EXIT
  if [ "${RELAY_SKIP_BUILD:-0}" != 1 ]; then
    say "building (./mvnw install -DskipTests)"
    (cd "$root" && ./mvnw -B -q install -DskipTests)
  fi
  say "starting the dev stack (log in $work/stack.log)"
  RELAY_SKIP_BUILD=1 "$root/infra/dev/start.sh" >"$work/stack.log" 2>&1 &
  stack_pid=$!
  for _ in $(seq 1 480); do grep -q "Relay is up" "$work/stack.log" && break; kill -0 "$stack_pid" || break; sleep 0.25; done
  grep -q "Relay is up" "$work/stack.log" || { cat "$work/stack.log"; fail "the dev stack did not start"; }
  token=$(cat "$root/.relay/dev-token")
  base=http://127.0.0.1:$RELAY_GATEWAY_PORT
  bench_cp="$root/infra/bench/target/classes:$root/infra/bench/target/libs/*"
  jdbc_url="jdbc:postgresql://${RELAY_DB_HOST:-127.0.0.1}:${RELAY_DB_PORT:-5432}/$db_name"
}

bench_stack_cleanup() {
  trap - INT TERM EXIT
  [ -n "$stack_pid" ] && kill "$stack_pid" 2>/dev/null && wait "$stack_pid" 2>/dev/null || true
  # what the benchmark started beside the stack (creates.sh's fake model provider)
  [ ${#bench_extra_pids[@]} -gt 0 ] && kill "${bench_extra_pids[@]}" 2>/dev/null || true
  postgres_tool drop-database "${RELAY_DB_HOST:-127.0.0.1}" "${RELAY_DB_PORT:-5432}" "${RELAY_DB_USER:-postgres}" "$db_name" \
    >/dev/null 2>&1 || true
}
