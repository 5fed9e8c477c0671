#!/usr/bin/env bash
# Builds Relay and starts the whole system locally: a Kafka broker (KRaft), the services, and an nginx gateway
# in front of them, against the PostgreSQL on RELAY_DB_HOST:RELAY_DB_PORT; when none answers there (and neither was
# set), an embedded PostgreSQL 17 from Maven Central. Prints the base URL, a dev token and a curl to try.
# Kafka's and the embedded PostgreSQL's data stay in .relay/ across restarts. Ctrl-C stops everything it started.
#
# Environment (all optional): RELAY_GATEWAY_PORT (8080), RELAY_TASK_PORT (8081), RELAY_STREAM_PORT (8082),
# RELAY_SCHEDULE_PORT (8083), RELAY_BILLING_PORT (8084), RELAY_KAFKA_PORT (9092), RELAY_DB_HOST (127.0.0.1), RELAY_DB_PORT (5432), RELAY_DB_USER (postgres),
# RELAY_DB_NAME (relay), RELAY_SKIP_BUILD=1 to reuse the last build, QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT to export
# traces to an OTLP collector (http/protobuf), RELAY_LLM_BASE_URL / RELAY_LLM_API_KEY / RELAY_LLM_DEFAULT_MODEL for a
# real model provider (OpenAI-compatible; the services inherit them; unset: the simulated agent), and likewise
# RELAY_TOOLS_HTTP_ALLOWED_HOSTS for its http_request tool. The gateway's per-address limits: RELAY_GATEWAY_RATE
# (requests a second, 50) and RELAY_GATEWAY_BURST (100), and for stream opens RELAY_GATEWAY_STREAM_RATE (10) and
# RELAY_GATEWAY_STREAM_BURST (20); beyond them it answers 429 (the benchmarks raise them: all their load is one address).
# The services run on the JDK 25 at RELAY_JDK25_HOME (/usr/lib/jvm/temurin-25-jdk-amd64) when there is one, each
# with its ahead-of-time cache (RELAY_AOT=0: on the java on the PATH, as the benchmarks do): the first start after a
# build records the caches, written to .relay/aot as the services stop; later starts use them (infra/dev/lib.sh).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
run_dir="$root/.relay"
gateway_port=${RELAY_GATEWAY_PORT:-8080}
gateway_rate=${RELAY_GATEWAY_RATE:-50}
gateway_burst=${RELAY_GATEWAY_BURST:-100}
gateway_stream_rate=${RELAY_GATEWAY_STREAM_RATE:-10}
gateway_stream_burst=${RELAY_GATEWAY_STREAM_BURST:-20}
task_port=${RELAY_TASK_PORT:-8081}
stream_port=${RELAY_STREAM_PORT:-8082}
schedule_port=${RELAY_SCHEDULE_PORT:-8083}
billing_port=${RELAY_BILLING_PORT:-8084}
kafka_port=${RELAY_KAFKA_PORT:-9092}
controller_port=$((kafka_port + 1))
db_host=${RELAY_DB_HOST:-127.0.0.1}
db_port=${RELAY_DB_PORT:-5432}
db_user=${RELAY_DB_USER:-postgres}
db_name=${RELAY_DB_NAME:-relay}
org=${RELAY_DEV_ORG:-dev}
user_email=${RELAY_DEV_USER:-dev@relay.local}
issuer=https://relay.dev
export RELAY_AOT=${RELAY_AOT:-1}

# shellcheck source=lib.sh
source "$root/infra/dev/lib.sh"

pids=()
infra_pids=0 # how many of pids are the database and the broker, which stop last
cleanup() {
  trap - INT TERM EXIT
  if [ ${#pids[@]} -gt 0 ]; then
    say "stopping ${#pids[@]} processes"
    # the gateway and the services at once (one recording its ahead-of-time cache takes a while to stop), then the
    # broker and the database, newest first: the services leave their consumer groups while the broker runs (a
    # restarted broker would otherwise wait out their sessions)
    local i
    for ((i = ${#pids[@]} - 1; i >= infra_pids; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
      ((i < infra_pids)) && { kill "${pids[i]}" 2>/dev/null || true; }
      wait "${pids[i]}" 2>/dev/null || true
    done
  fi
}
trap cleanup INT TERM EXIT

for port in "$gateway_port" "$task_port" "$stream_port" "$schedule_port" "$billing_port" "$kafka_port" "$controller_port"; do
  listening "$port" && fail "port $port is in use; stop what listens there or set RELAY_*_PORT (see the top of $0)"
done
require java "a JDK 17 or newer (Debian: apt-get install openjdk-17-jdk-headless)"
require openssl "apt-get install openssl"
require curl "apt-get install curl (the commands printed below use it)"
command -v nginx >/dev/null || ensure_packages nginx-light
mkdir -p "$run_dir/logs"

# --- Build -------------------------------------------------------------------------------------------------------
if [ "${RELAY_SKIP_BUILD:-0}" != 1 ]; then
  say "building (./mvnw install -DskipTests); the first build downloads dependencies"
  (cd "$root" && ./mvnw -B -q install -DskipTests)
fi

# --- PostgreSQL ----------------------------------------------------------------------------------------------------
ensure_postgres "$db_host" "$db_port" "$run_dir/postgres/data" "$run_dir/logs/postgres.log"
postgres_tool create-database "$db_host" "$db_port" "$db_user" "$db_name" || fail "could not create database $db_name on $db_host:$db_port"

# --- Dev keys and token (generated here, never committed) ---------------------------------------------------------
make_keys "$run_dir/jwt"
# the dev user is an admin of the dev organization (it may set the organization's token budget)
token=$(mint_token "$run_dir/jwt" "$issuer" "$org" "$user_email" 12 '["user","admin"]')
printf '%s\n' "$token" >"$run_dir/dev-token"
[ -s "$run_dir/stream-link-secret" ] || openssl rand -hex 32 >"$run_dir/stream-link-secret"
[ -s "$run_dir/secrets-key" ] || openssl rand -base64 32 >"$run_dir/secrets-key"

# --- Kafka ---------------------------------------------------------------------------------------------------------
say "starting Kafka (KRaft) on 127.0.0.1:$kafka_port"
# its data stays in .relay/kafka across restarts, as the database's does (delete both to start afresh)
"$root/infra/kafka/broker.sh" "$run_dir/kafka" "$kafka_port" "$controller_port" >"$run_dir/logs/kafka.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do listening "$kafka_port" && break; sleep 0.25; done
listening "$kafka_port" || fail "Kafka did not start; see $run_dir/logs/kafka.log"
infra_pids=${#pids[@]}

# --- Services (started one after another: CPU is the constraint on small machines) -----------------------------
service_jvm "$root" task-service
case "${service_jvm[*]}" in
  *AOTCache=*) say "the services run on $(dirname "$(dirname "${service_jvm[2]}")") with their ahead-of-time caches (.relay/aot)";;
  *AOTCacheOutput=*) say "the services run on $(dirname "$(dirname "${service_jvm[2]}")"), recording ahead-of-time caches: the first stop after a build writes them to .relay/aot (a minute or two)";;
esac
common_env=(
  # only the gateway listens beyond loopback's reach; the services cannot be called around it
  QUARKUS_HTTP_HOST=127.0.0.1
  KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$kafka_port"
  RELAY_DB_REACTIVE_URL="postgresql://$db_host:$db_port/$db_name"
  RELAY_DB_JDBC_URL="jdbc:postgresql://$db_host:$db_port/$db_name"
  RELAY_DB_USER="$db_user"
  RELAY_JWT_PUBLIC_KEY="file:$run_dir/jwt/public.pem"
  RELAY_JWT_ISSUER="$issuer"
  RELAY_STREAM_LINK_SECRET="$(cat "$run_dir/stream-link-secret")"
  RELAY_PUBLIC_URL="http://127.0.0.1:$gateway_port"
  # readable log lines here; the prod profile's JSON lines are for a log collector
  QUARKUS_LOG_CONSOLE_JSON_ENABLED=false
)
# traces go to an OTLP collector when one is named (http/protobuf, e.g. http://127.0.0.1:4318)
[ -n "${QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT:-}" ] && common_env+=(QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT="$QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT")
say "starting stream-service on 127.0.0.1:$stream_port"
start_service "$root" stream-service "$stream_port" "$run_dir/logs/stream-service.log" "${common_env[@]}"
pids+=("$service_pid")
say "starting task-service on 127.0.0.1:$task_port"
start_service "$root" task-service "$task_port" "$run_dir/logs/task-service.log" "${common_env[@]}" \
  RELAY_SECRETS_KEY="$(cat "$run_dir/secrets-key")" \
  RELAY_STREAM_SERVICE_URL="http://127.0.0.1:$stream_port"
pids+=("$service_pid")
say "starting schedule-service on 127.0.0.1:$schedule_port"
start_service "$root" schedule-service "$schedule_port" "$run_dir/logs/schedule-service.log" "${common_env[@]}"
pids+=("$service_pid")
say "starting billing-service on 127.0.0.1:$billing_port"
start_service "$root" billing-service "$billing_port" "$run_dir/logs/billing-service.log" "${common_env[@]}"
pids+=("$service_pid")

# --- Gateway -------------------------------------------------------------------------------------------------------
for limit in "$gateway_rate" "$gateway_burst" "$gateway_stream_rate" "$gateway_stream_burst"; do
  [[ $limit =~ ^[1-9][0-9]*$ ]] || fail "RELAY_GATEWAY_RATE, _BURST, _STREAM_RATE and _STREAM_BURST are positive whole numbers (got '$limit')"
done
mkdir -p "$run_dir/gateway"
sed -e "s#@RUN_DIR@#$run_dir/gateway#g" -e "s#@GATEWAY_PORT@#$gateway_port#g" \
    -e "s#@TASK_PORT@#$task_port#g" -e "s#@STREAM_PORT@#$stream_port#g" -e "s#@SCHEDULE_PORT@#$schedule_port#g" -e "s#@BILLING_PORT@#$billing_port#g" \
    -e "s#@GATEWAY_RATE@#$gateway_rate#g" -e "s#@GATEWAY_BURST@#$gateway_burst#g" \
    -e "s#@GATEWAY_STREAM_RATE@#$gateway_stream_rate#g" -e "s#@GATEWAY_STREAM_BURST@#$gateway_stream_burst#g" \
    "$root/infra/gateway/nginx.conf.template" >"$run_dir/gateway/nginx.conf"
nginx -p "$run_dir/gateway" -c "$run_dir/gateway/nginx.conf" >"$run_dir/logs/gateway.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 40); do listening "$gateway_port" && break; sleep 0.25; done
listening "$gateway_port" || fail "the gateway did not start; see $run_dir/logs/gateway.log"

base="http://127.0.0.1:$gateway_port"
cat <<MSG

  Relay is up.
    Base URL   $base
    Org / user $org / $user_email
    Dev token  (also in $run_dir/dev-token, valid 12 h)
$token

  Create a task and watch its event stream (SSE):
    curl -N -H "Authorization: Bearer \$(cat $run_dir/dev-token)" -H 'Content-Type: application/json' \\
      -d '{"task":"Check the TLS setup of example.com"}' $base/api/v1/tasks

  Or create it with a JSON acknowledgement, then stream it and read its details:
    curl -s -H "Authorization: Bearer \$(cat $run_dir/dev-token)" -H 'Content-Type: application/json' \\
      -d '{"task":"hello","response_format":"json"}' $base/api/v1/tasks
    curl -N -H "Authorization: Bearer \$(cat $run_dir/dev-token)" $base/api/preview/agents/$org/tasks/TASK_ID/events/stream
    curl -s -H "Authorization: Bearer \$(cat $run_dir/dev-token)" $base/api/v1/tasks/TASK_ID

  Schedules: a create with "schedule":{"schedule_type":"recurring","scan_frequency":"daily","start_time":"09:00"};
    curl -s -H "Authorization: Bearer \$(cat $run_dir/dev-token)" $base/api/v1/schedules

  Token budget (the dev user is an admin of $org):
    curl -s -X PUT -H "Authorization: Bearer \$(cat $run_dir/dev-token)" -H 'Content-Type: application/json' \\
      -d '{"windowKind":"individual","baseAllowanceTokens":100000,"windowDays":30}' $base/api/orgs/$org/neo/token-budget
    curl -s -H "Authorization: Bearer \$(cat $run_dir/dev-token)" $base/api/orgs/$org/neo/token-budget

  OpenAPI: http://127.0.0.1:$task_port/q/openapi, http://127.0.0.1:$stream_port/q/openapi,
    http://127.0.0.1:$schedule_port/q/openapi, http://127.0.0.1:$billing_port/q/openapi
  Logs: $run_dir/logs/   Ctrl-C stops everything.

MSG
wait -n "${pids[@]}" || true
say "a process exited; stopping the rest (logs in $run_dir/logs/)"
