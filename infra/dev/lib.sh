# Shell functions shared by infra/dev/start.sh and infra/bench/run.sh (sourced, not run).

say() { printf '\033[1m[relay]\033[0m %s\n' "$*"; }
fail() { printf '\033[31m[relay]\033[0m %s\n' "$*" >&2; exit 1; }
listening() { (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port: a loopback port nothing listens on
free_port() {
  local port
  while :; do
    # below the ephemeral range (32768 and up), where an outgoing connection may hold a port nothing listens on
    port=$((20000 + RANDOM % 12000))
    listening "$port" || { echo "$port"; return; }
  done
}

# make_keys DIR: an RSA key pair for signing dev tokens (private.pem, public.pem), kept if present
make_keys() {
  mkdir -p "$1"
  if [ ! -f "$1/private.pem" ]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1/private.pem" 2>/dev/null
    openssl pkey -in "$1/private.pem" -pubout -out "$1/public.pem"
  fi
}

# mint_token KEY_DIR ISSUER ORG EMAIL HOURS [GROUPS]: an RS256 JWT the services accept; GROUPS a JSON list
# (default ["user"]); its audience is RELAY_JWT_AUDIENCE (default relay), as the services expect
mint_token() {
  local b64url='openssl base64 -A | tr "+/" "-_" | tr -d "="'
  local now header payload signature
  now=$(date +%s)
  header=$(printf '{"alg":"RS256","typ":"JWT"}' | eval "$b64url")
  payload=$(printf '{"iss":"%s","aud":"%s","sub":"%s","upn":"%s","org":"%s","groups":%s,"iat":%d,"exp":%d}' \
    "$2" "${RELAY_JWT_AUDIENCE:-relay}" "$4" "$4" "$3" "${6:-[\"user\"]}" "$now" $((now + $5 * 3600)) | eval "$b64url")
  signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$1/private.pem" -binary | eval "$b64url")
  printf '%s.%s.%s\n' "$header" "$payload" "$signature"
}

# answers HOST PORT: whether something accepts connections on HOST:PORT
answers() { (echo >"/dev/tcp/$1/$2") 2>/dev/null; }

# postgres_tool ARGS…: the embedded PostgreSQL's launcher (infra/postgres), which also creates and drops databases,
# so no psql is needed
postgres_tool() {
  java -Xmx256m -XX:+UseSerialGC -cp "$root/infra/postgres/target/classes:$root/infra/postgres/target/libs/*" dev.relay.postgres.LocalPostgres "$@"
}

# ensure_postgres HOST PORT DATA_DIR LOG: uses the PostgreSQL on HOST:PORT; when none answers there and neither
# RELAY_DB_HOST nor RELAY_DB_PORT was set, starts an embedded PostgreSQL 17 on PORT with its data in DATA_DIR (kept
# across restarts) and appends its pid to pids
ensure_postgres() {
  [ -d "$root/infra/postgres/target/libs" ] || fail "the embedded PostgreSQL is not built: run without RELAY_SKIP_BUILD once"
  if answers "$1" "$2"; then
    say "using the PostgreSQL on $1:$2"
  elif [ -n "${RELAY_DB_HOST:-}${RELAY_DB_PORT:-}" ]; then
    fail "no PostgreSQL answers on $1:$2 (RELAY_DB_HOST/RELAY_DB_PORT); start it, or unset both for an embedded one"
  else
    say "no PostgreSQL on 127.0.0.1:$2: starting an embedded PostgreSQL 17 (data in $3)"
    # java itself in the background (not the function, whose subshell would take the signal in its stead)
    java -Xmx256m -XX:+UseSerialGC -cp "$root/infra/postgres/target/classes:$root/infra/postgres/target/libs/*" \
      dev.relay.postgres.LocalPostgres serve "$3" "$2" >"$4" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 240); do listening "$2" && break; sleep 0.25; done
    listening "$2" || fail "the embedded PostgreSQL did not start; see $4"
  fi
}

# require COMMAND HOW: fails, saying how to get COMMAND, when it is missing
require() { command -v "$1" >/dev/null || fail "$1 is required: $2"; }

# ensure_packages PACKAGE…: installs missing Debian packages when running as root
ensure_packages() {
  local missing=()
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    fail "please install: ${missing[*]}"
  fi
}

# service_java JAVA HEAP JAR [JVM option…]: the command a packaged service runs with, in the array service_java, for
# the dev stack and the benchmarks alike. The heap starts small and grows to HEAP: an initial heap of 1/64 of the
# machine's memory (a whole 256 MiB heap on 16 GiB and more) is resident from the start although an idle service uses
# a tenth of it; glibc keeps two malloc arenas instead of eight per core. RELAY_GC_FLAGS adds collector options (a
# measurement of them: docs/benchmarks.md, "Idle connections").
service_java() {
  local java=$1 heap=$2 jar=$3; shift 3
  service_java=(env MALLOC_ARENA_MAX=2 "$java" -Xms32m -Xmx"$heap" -XX:+UseSerialGC ${RELAY_GC_FLAGS:-} "$@" -jar "$jar")
}

# service_jvm ROOT NAME: the dev stack's command for a service (service_java, heap RELAY_SERVICE_HEAP, 256m), in the
# array service_jvm. With RELAY_AOT=1 and a JDK 25 at RELAY_JDK25_HOME (/usr/lib/jvm/temurin-25-jdk-amd64), the
# service runs there with its ahead-of-time cache (JEP 483/514/515) from ROOT/.relay/aot; the first start of a build
# has none and records one, which the JVM writes as it stops (a few seconds then), for the next start. Otherwise the
# java on the PATH (17 or newer), as before.
service_jvm() {
  local root=$1 name=$2 jar="$1/$2/target/quarkus-app/quarkus-run.jar"
  local jdk25=${RELAY_JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64} java=java cache options=()
  if [ "${RELAY_AOT:-0}" = 1 ] && [ -x "$jdk25/bin/java" ]; then
    java=$jdk25/bin/java
    # the aot-jar packaging puts the application's classes where the cache holds them too
    has_aot_jar "$1/$2" && jar="$1/$2/target/aot/quarkus-run.jar"
    mkdir -p "$root/.relay/aot"
    # a cache holds for the jar it was recorded with (the JVM checks its size and time); a new build records anew
    cache="$root/.relay/aot/$name-$(stat -c '%s-%Y' "$jar").aot"
    if [ -s "$cache" ]; then
      options=(-XX:AOTCache="$cache")
    else
      rm -f "$root/.relay/aot/$name-"*.aot
      options=(-XX:AOTCacheOutput="$cache")
    fi
  fi
  service_java "$java" "${RELAY_SERVICE_HEAP:-256m}" "$jar" ${options[@]+"${options[@]}"}
  service_jvm=("${service_java[@]}")
}

# has_aot_jar MODULE: whether MODULE's last build wrote the aot-jar packaging (target/aot, the second quarkus:build),
# not one left over from an earlier build made with -Drelay.aot-jar.skip
has_aot_jar() {
  [ -f "$1/target/aot/quarkus-run.jar" ] && ! [ "$1/target/aot/quarkus-run.jar" -ot "$1/target/quarkus-app/quarkus-run.jar" ]
}

# start_service ROOT NAME PORT LOG [ENV=VALUE…]: runs a packaged service in the background (on service_jvm), waits
# until ready (at most 120 s: a first start on JDK 25 records its cache, slower), and leaves its pid in $service_pid
start_service() {
  local root=$1 name=$2 port=$3 log=$4; shift 4
  service_jvm "$root" "$name"
  env QUARKUS_HTTP_PORT="$port" "$@" "${service_jvm[@]}" >"$log" 2>&1 &
  service_pid=$!
  await_ready "$name" "$port" "$service_pid" 120 "$log"
}

# await_ready NAME PORT PID SECONDS LOG [POLL]: returns once the service on loopback PORT answers /q/health/ready with
# 200, polling every POLL seconds (0.05); fails when PID has exited first or after SECONDS (and stops PID then)
await_ready() {
  local name=$1 port=$2 pid=$3 seconds=$4 log=$5 poll=${6:-0.05}
  local deadline=$(( $(date +%s) + seconds ))
  until curl -fs -o /dev/null "http://127.0.0.1:$port/q/health/ready"; do
    kill -0 "$pid" 2>/dev/null || fail "$name exited; see $log"
    if [ "$(date +%s)" -ge "$deadline" ]; then
      kill "$pid" 2>/dev/null || true
      fail "$name was not ready in $seconds s; see $log"
    fi
    sleep "$poll"
  done
}

# exercise_service PORT TOKEN ROUNDS: what a training run of a service's ahead-of-time cache is asked, ROUNDS times:
# every read of the services' APIs a user makes (each service answers its own, 404 the others'), the health checks,
# and a create (infra/bench/startup.sh, infra/images/build.sh)
exercise_service() {
  local port=$1 token=$2 rounds=$3 i path
  for i in $(seq 1 "$rounds"); do
    for path in /q/health/ready /q/health/live /q/metrics /api/v1/tasks/00000000-0000-0000-0000-000000000000 \
        /api/preview/agents/bench/tasks /api/v1/schedules /api/v1/usage /api/orgs/bench/neo/token-budget \
        /api/preview/agents/bench/tasks/00000000-0000-0000-0000-000000000000/events; do
      curl -s -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path" || true
    done
    curl -s -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d '{"task":"train","response_format":"json"}' "http://127.0.0.1:$port/api/v1/tasks" || true
  done
}

# rss_kib PID…: the summed resident set size of the processes
rss_kib() {
  local total=0 pid value
  for pid in "$@"; do
    value=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    total=$((total + ${value:-0}))
  done
  echo "$total"
}

# export_benchmark_limits: one user is a benchmark's whole load, so the rate limits (still counted, as in production)
# and the per-user and per-organization stream caps are set far above anything a benchmark sends; the services started
# after inherit them
export_benchmark_limits() {
  local class who
  for class in RUNS SETTINGS READS STREAMS; do
    for who in USER ORG; do
      export "RELAY_RATE_LIMITS_${class}_${who}_BURST=100000000" "RELAY_RATE_LIMITS_${class}_${who}_PER_MINUTE=1000000000"
    done
  done
  export RELAY_STREAM_MAX_CONNECTIONS_PER_USER=1000000 RELAY_STREAM_MAX_CONNECTIONS_PER_ORG=1000000
}
