#!/usr/bin/env bash
# Builds Relay and starts the whole system locally: a Kafka broker (KRaft), the services, and an nginx gateway
# in front of them, against the local PostgreSQL. Prints the base URL, a dev token and a curl to try.
# Ctrl-C stops everything it started.
#
# Environment (all optional): RELAY_GATEWAY_PORT (8080), RELAY_TASK_PORT (8081), RELAY_STREAM_PORT (8082),
# RELAY_KAFKA_PORT (9092), RELAY_DB_HOST (127.0.0.1), RELAY_DB_PORT (5432), RELAY_DB_USER (postgres),
# RELAY_DB_NAME (relay), RELAY_SKIP_BUILD=1 to reuse the last build.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
run_dir="$root/.relay"
gateway_port=${RELAY_GATEWAY_PORT:-8080}
task_port=${RELAY_TASK_PORT:-8081}
stream_port=${RELAY_STREAM_PORT:-8082}
kafka_port=${RELAY_KAFKA_PORT:-9092}
controller_port=$((kafka_port + 1))
db_host=${RELAY_DB_HOST:-127.0.0.1}
db_port=${RELAY_DB_PORT:-5432}
db_user=${RELAY_DB_USER:-postgres}
db_name=${RELAY_DB_NAME:-relay}
org=${RELAY_DEV_ORG:-dev}
user_email=${RELAY_DEV_USER:-dev@relay.local}
issuer=https://relay.dev

say() { printf '\033[1m[relay]\033[0m %s\n' "$*"; }
fail() { printf '\033[31m[relay]\033[0m %s\n' "$*" >&2; exit 1; }
listening() { (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pids=()
cleanup() {
  trap - INT TERM EXIT
  if [ ${#pids[@]} -gt 0 ]; then
    say "stopping ${#pids[@]} processes"
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap cleanup INT TERM EXIT

for port in "$gateway_port" "$task_port" "$stream_port" "$kafka_port" "$controller_port"; do
  listening "$port" && fail "port $port is in use; stop what listens there or set RELAY_*_PORT (see the top of $0)"
done
command -v java >/dev/null || fail "java (17+) is required"
command -v openssl >/dev/null || fail "openssl is required (apt-get install openssl)"

# --- PostgreSQL -----------------------------------------------------------------------------------------------
if ! listening "$db_port" && [ "$db_host" = 127.0.0.1 ]; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    say "PostgreSQL is not running; starting the local cluster"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  fi
fi
listening "$db_port" || [ "$db_host" != 127.0.0.1 ] || fail "no PostgreSQL on $db_host:$db_port. Install and start one \
(Debian: apt-get install postgresql && pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start), \
or point RELAY_DB_HOST/RELAY_DB_PORT/RELAY_DB_USER at yours."
command -v psql >/dev/null || fail "psql is required to create the '$db_name' database (apt-get install postgresql-client)"
if ! psql -h "$db_host" -p "$db_port" -U "$db_user" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db_name'" | grep -q 1; then
  say "creating database $db_name"
  psql -h "$db_host" -p "$db_port" -U "$db_user" -d postgres -qc "CREATE DATABASE $db_name"
fi

# --- nginx (the gateway) ---------------------------------------------------------------------------------------
if ! command -v nginx >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing nginx (Debian package nginx-light) for the gateway"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
  else
    fail "nginx is required for the gateway: sudo apt-get install nginx-light"
  fi
fi

# --- Build -------------------------------------------------------------------------------------------------------
if [ "${RELAY_SKIP_BUILD:-0}" != 1 ]; then
  say "building (./mvnw install -DskipTests); the first build downloads dependencies"
  (cd "$root" && ./mvnw -B -q install -DskipTests)
fi

# --- Dev keys and token (generated here, never committed) ---------------------------------------------------------
mkdir -p "$run_dir/jwt" "$run_dir/logs"
if [ ! -f "$run_dir/jwt/private.pem" ]; then
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$run_dir/jwt/private.pem" 2>/dev/null
  openssl pkey -in "$run_dir/jwt/private.pem" -pubout -out "$run_dir/jwt/public.pem"
fi
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
header=$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)
payload=$(printf '{"iss":"%s","sub":"%s","upn":"%s","org":"%s","groups":["user"],"iat":%d,"exp":%d}' \
  "$issuer" "$user_email" "$user_email" "$org" "$now" $((now + 12 * 3600)) | b64url)
signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$run_dir/jwt/private.pem" -binary | b64url)
token="$header.$payload.$signature"
printf '%s\n' "$token" >"$run_dir/dev-token"

# --- Kafka ---------------------------------------------------------------------------------------------------------
say "starting Kafka (KRaft) on 127.0.0.1:$kafka_port"
"$root/infra/kafka/broker.sh" "$run_dir/kafka" "$kafka_port" "$controller_port" >"$run_dir/logs/kafka.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do listening "$kafka_port" && break; sleep 0.25; done
listening "$kafka_port" || fail "Kafka did not start; see $run_dir/logs/kafka.log"

# --- Services (started one after another: CPU is the constraint on small machines) -----------------------------
common_env=(
  KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$kafka_port"
  RELAY_DB_REACTIVE_URL="postgresql://$db_host:$db_port/$db_name"
  RELAY_DB_JDBC_URL="jdbc:postgresql://$db_host:$db_port/$db_name"
  RELAY_DB_USER="$db_user"
  RELAY_JWT_PUBLIC_KEY="file:$run_dir/jwt/public.pem"
  RELAY_JWT_ISSUER="$issuer"
)
start_service() {
  local name=$1 port=$2; shift 2
  say "starting $name on 127.0.0.1:$port"
  env "${common_env[@]}" QUARKUS_HTTP_PORT="$port" "$@" \
    java -Xmx256m -XX:+UseSerialGC -jar "$root/$name/target/quarkus-app/quarkus-run.jar" >"$run_dir/logs/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 240); do
    curl -fs "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || fail "$name exited; see $run_dir/logs/$name.log"
    sleep 0.25
  done
  fail "$name was not ready in 60 s; see $run_dir/logs/$name.log"
}
start_service stream-service "$stream_port"
start_service task-service "$task_port" RELAY_STREAM_SERVICE_URL="http://127.0.0.1:$stream_port"

# --- Gateway -------------------------------------------------------------------------------------------------------
mkdir -p "$run_dir/gateway"
sed -e "s#@RUN_DIR@#$run_dir/gateway#g" -e "s#@GATEWAY_PORT@#$gateway_port#g" \
    -e "s#@TASK_PORT@#$task_port#g" -e "s#@STREAM_PORT@#$stream_port#g" \
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

  OpenAPI: http://127.0.0.1:$task_port/q/openapi and http://127.0.0.1:$stream_port/q/openapi
  Logs: $run_dir/logs/   Ctrl-C stops everything.

MSG
wait -n "${pids[@]}" || true
say "a process exited; stopping the rest (logs in $run_dir/logs/)"
