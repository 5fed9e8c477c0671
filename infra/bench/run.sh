#!/usr/bin/env bash
# Relay's stream benchmark: one run, side by side, on this machine (loopback only, bounded in count and time).
#   1. raw Kafka ceiling: Kafka's ProducerPerformance and EndToEndLatency (300-byte records, acks=all)
#   2. Relay pipeline: events on task-events for many tasks -> stream service -> SSE viewers and the log,
#      at a fixed 1,000 events/s and at the maximum (a closed loop: at most 20,000 events published and not yet
#      both delivered and stored; an event counts once it reached its viewer and the log)
#   3. nchan (nginx module) with the same subscribers and message size, and RSS per idle connection for
#      nchan and the stream service at N = 1,000 and 10,000
# Prints every figure and each Relay figure as a ratio to its reference. Each load checks itself first: a stream
# that did not answer 200, or an event not delivered or not stored exactly once, stops the command (exit 1) with why.
# Each load first runs unmeasured for BENCH_WARMUP seconds (the JVMs compile their hot paths meanwhile).
# Environment: BENCH_TASKS (100), BENCH_SECONDS (20), BENCH_WARMUP (30), BENCH_IDLE ("1000 10000"), RELAY_SKIP_BUILD=1,
# BENCH_PARTS ("kafka pipeline nchan idle": the parts to run; the summary prints the figures of those that ran).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../dev/lib.sh
source "$root/infra/dev/lib.sh"
export_benchmark_limits
# shellcheck source=lib.sh
source "$root/infra/bench/lib.sh"

tasks=${BENCH_TASKS:-100}
seconds=${BENCH_SECONDS:-20}
warmup=${BENCH_WARMUP:-30}
idle_counts=${BENCH_IDLE:-1000 10000}
parts=" ${BENCH_PARTS:-kafka pipeline nchan idle} "
part() { [[ $parts == *" $1 "* ]]; }
kafka_rate="" kafka_p99=""
org=bench
user=bench@relay.local
issuer=https://relay.dev/bench

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
ensure_packages nginx-light libnginx-mod-nchan
bench_init stream
results="$work/results"
kafka_cp="$root/infra/kafka/target/libs/*"
bench_cp="$root/infra/bench/target/classes:$root/infra/bench/target/libs/*"
bench() { java -Xmx1g -cp "$bench_cp" dev.relay.bench.Benchmark "$@" | tee -a "$results"; }
result() { awk -v key="$1" '$1 == "RESULT" && $2 == key {print $3}' "$results" | tail -1; }

# --- infrastructure ---------------------------------------------------------------------------------------------
bench_kafka
make_keys "$work/jwt"
token=$(mint_token "$work/jwt" "$issuer" "$org" "$user" 2)
stream_port=$(free_port)
say "starting stream-service on 127.0.0.1:$stream_port"
RELAY_SERVICE_HEAP=512m start_service "$root" stream-service "$stream_port" "$work/stream-service.log" \
  KAFKA_BOOTSTRAP_SERVERS="$bootstrap" RELAY_DB_REACTIVE_URL="postgresql://$db_host:$db_port/$db_name" \
  RELAY_DB_JDBC_URL="$jdbc_url" RELAY_DB_USER="$db_user" \
  RELAY_JWT_PUBLIC_KEY="file:$work/jwt/public.pem" RELAY_JWT_ISSUER="$issuer" \
  RELAY_STREAM_LINK_SECRET="$(openssl rand -hex 32)" \
  RELAY_STREAM_MAX_CONNECTIONS_PER_ORG=20000 QUARKUS_LOG_LEVEL=WARN
stream_pid=$service_pid
pids+=("$stream_pid")

# --- 1. raw Kafka ---------------------------------------------------------------------------------------------------
if part kafka; then
say "raw Kafka: ProducerPerformance (300 000 x 300 B, acks=all)"
java -cp "$kafka_cp" org.apache.kafka.tools.ProducerPerformance --topic bench-raw --num-records 300000 --record-size 300 \
  --throughput -1 --producer-props bootstrap.servers="$bootstrap" acks=all linger.ms=1 >"$work/producer-perf.log" 2>&1
tail -1 "$work/producer-perf.log"
kafka_rate=$(tail -1 "$work/producer-perf.log" | sed -E 's/.* ([0-9.]+) records\/sec.*/\1/')
echo "RESULT kafka.records_per_s $kafka_rate" >>"$results"
say "raw Kafka: EndToEndLatency (10 000 x 300 B, acks=all)"
java -cp "$kafka_cp" org.apache.kafka.tools.EndToEndLatency --bootstrap-server "$bootstrap" --topic bench-e2e \
  --num-records 10000 --producer-acks all --record-size 300 >"$work/e2e.log" 2>&1 \
  || java -cp "$kafka_cp" org.apache.kafka.tools.EndToEndLatency "$bootstrap" bench-e2e 10000 all 300 >"$work/e2e.log" 2>&1
grep -E "Avg latency|Percentiles" "$work/e2e.log"
kafka_p99=$(grep -E "Percentiles" "$work/e2e.log" | sed -E 's/.*99th = ([0-9.]+).*/\1/')
echo "RESULT kafka.e2e_p99_ms $kafka_p99" >>"$results"
fi

# --- 2. Relay pipeline ------------------------------------------------------------------------------------------------
if part pipeline; then
say "Relay pipeline: $tasks tasks, 1 000 events/s for ${seconds}s"
bench pipeline "$bootstrap" "http://127.0.0.1:$stream_port" "$jdbc_url" "$db_user" "$token" "$org" "$user" "$tasks" 1000 "$seconds" "$warmup" \
  | sed 's/^RESULT pipeline/RESULT fixed/' >>"$results.fixed"
say "Relay pipeline: $tasks tasks, as fast as it delivers and stores (closed loop) for ${seconds}s"
bench pipeline "$bootstrap" "http://127.0.0.1:$stream_port" "$jdbc_url" "$db_user" "$token" "$org" "$user" "$tasks" 0 "$seconds" "$warmup" \
  | sed 's/^RESULT pipeline/RESULT max/' >>"$results.max"
cat "$results.fixed" "$results.max" >>"$results"
fi

# --- 3. nchan ---------------------------------------------------------------------------------------------------------
nchan_port=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<NGINX
load_module /usr/share/nginx/modules/ngx_nchan_module.so;
worker_processes 1;
worker_rlimit_nofile 65536;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 30000; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$nchan_port;
    location = /pub { nchan_publisher; nchan_channel_id \$arg_id; nchan_message_buffer_length 1000; }
    location ~ /sub/(\w+)$ { nchan_subscriber eventsource; nchan_channel_id \$1; }
  }
}
NGINX
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" >"$work/nginx.log" 2>&1 &
nginx_master=$!
pids+=("$nginx_master")
for _ in $(seq 1 40); do listening "$nchan_port" && break; sleep 0.25; done
if part nchan; then
say "nchan: $tasks channels, 1 000 messages/s for ${seconds}s"
bench nchan "http://127.0.0.1:$nchan_port/pub" "http://127.0.0.1:$nchan_port/sub" "$tasks" 1000 "$seconds" "$warmup" \
  | sed 's/^RESULT nchan/RESULT nchanfixed/' >>"$results.nfixed"
say "nchan: $tasks channels, as fast as it delivers (closed loop) for ${seconds}s"
bench nchan "http://127.0.0.1:$nchan_port/pub" "http://127.0.0.1:$nchan_port/sub" "$tasks" 0 "$seconds" "$warmup" \
  | sed 's/^RESULT nchan/RESULT nchanmax/' >>"$results.nmax"
cat "$results.nfixed" "$results.nmax" >>"$results"
fi

# --- idle connections ----------------------------------------------------------------------------------------------------
nginx_pids() { echo "$nginx_master" $(pgrep -P "$nginx_master"); }
part idle && idle_task=$(java -cp "$bench_cp" dev.relay.bench.Benchmark seed "$bootstrap" "$jdbc_url" "$db_user" "$org" "$user" | tail -1)
live_heap() { # live_heap PID NAME: bytes of the JVM's live objects (after the full GC a class histogram makes), the histogram kept in NAME
  local jcmd total
  jcmd="$(dirname "$(readlink -f "/proc/$1/exe")")/jcmd" # the JDK the service runs on
  [ -x "$jcmd" ] || jcmd=jcmd
  "$jcmd" "$1" GC.class_histogram >"$work/$2.histo" 2>&1 || fail "no class histogram of pid $1; see $work/$2.histo"
  total=$(awk '$1 == "Total" {print $3}' "$work/$2.histo")
  [[ $total =~ ^[0-9]+$ ]] || fail "no live-heap total in $work/$2.histo"
  echo "$total"
}
hold() { # hold URL TOKEN N PID…: RSS growth per connection while N idle streams are open; for a JVM (HOLD_JVM=1) also
  # its live heap's growth per connection (RESULT idle.relay_live_heap_per_conn.N; the histograms stay in the work dir)
  local url=$1 tok=$2 n=$3; shift 3
  local before after client heap_before=0 heap_after
  if [ "${HOLD_JVM:-0}" = 1 ]; then heap_before=$(live_heap "$1" "histo-$n-before"); fi
  before=$(rss_kib "$@")
  java -Xmx1g -cp "$bench_cp" dev.relay.bench.Benchmark idle "$url" "$tok" "$n" 600 >"$work/idle.out" 2>&1 &
  client=$!
  for _ in $(seq 1 600); do grep -q READY "$work/idle.out" && break; kill -0 "$client" 2>/dev/null || break; sleep 0.5; done
  grep -q READY "$work/idle.out" || { cat "$work/idle.out" >&2; fail "the idle streams did not all open"; }
  grep RESULT "$work/idle.out" >&2 || true
  sleep 3
  after=$(rss_kib "$@")
  if [ "${HOLD_JVM:-0}" = 1 ]; then
    heap_after=$(live_heap "$1" "histo-$n-after")
    echo "RESULT idle.relay_live_heap_per_conn.$n $(( (heap_after - heap_before) / n ))" >>"$results"
  fi
  kill "$client" 2>/dev/null; wait "$client" 2>/dev/null || true
  sleep 3
  echo $(( (after - before) * 1024 / n ))
}
part idle || idle_counts=""
for n in $idle_counts; do
  say "idle: $n SSE connections to the stream service"
  relay_bytes=$(HOLD_JVM=1 hold "http://127.0.0.1:$stream_port/api/preview/agents/$org/tasks/$idle_task/events/stream" "$token" "$n" "$stream_pid")
  echo "RESULT idle.relay_bytes_per_conn.$n $relay_bytes" | tee -a "$results"
  echo "live heap per connection: $(result idle.relay_live_heap_per_conn.$n) B"
  say "idle: $n SSE connections to nchan"
  # shellcheck disable=SC2046
  nchan_bytes=$(hold "http://127.0.0.1:$nchan_port/sub/idle" - "$n" $(nginx_pids))
  echo "RESULT idle.nchan_bytes_per_conn.$n $nchan_bytes" | tee -a "$results"
done

# --- summary -----------------------------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }
echo
echo "Relay stream benchmark ($(nproc) cores, $tasks tasks/channels, ${seconds}s per load)"
printf '%-58s %14s %14s %8s %s\n' figure Relay reference ratio target
printf '%-58s %14s %14s %8s %s\n' "pipeline max events/s (delivered+stored) vs Kafka records/s" "$(result max.through_per_s)" "$kafka_rate" \
  "$(ratio "$(result max.through_per_s)" "$kafka_rate")" ">= 0.9"
printf '%-58s %14s %14s %8s %s\n' "live p99 ms at 1000/s vs Kafka end-to-end p99 ms" "$(result fixed.p99_ms)" "$kafka_p99" \
  "$(ratio "$(result fixed.p99_ms)" "$kafka_p99")" "<= 1.0"
printf '%-58s %14s %14s %8s %s\n' "max deliveries/s (delivered+stored) vs nchan deliveries/s" "$(result max.through_per_s)" "$(result nchanmax.delivered_per_s)" \
  "$(ratio "$(result max.through_per_s)" "$(result nchanmax.delivered_per_s)")" ">= 2"
for n in $idle_counts; do
  printf '%-58s %14s %14s %8s %s\n' "RSS bytes per idle connection, N=$n, vs nchan" "$(result idle.relay_bytes_per_conn.$n)" \
    "$(result idle.nchan_bytes_per_conn.$n)" "$(ratio "$(result idle.relay_bytes_per_conn.$n)" "$(result idle.nchan_bytes_per_conn.$n)")" "<= 0.5"
  printf '%-58s %14s\n' "  of which live heap (after a full GC), N=$n" "$(result idle.relay_live_heap_per_conn.$n)"
done
echo
echo "at 1000/s: Relay p50/p99/p99.9 ms $(result fixed.p50_ms)/$(result fixed.p99_ms)/$(result fixed.p999_ms) ($(result fixed.delivered) delivered);" \
  "nchan $(result nchanfixed.p50_ms)/$(result nchanfixed.p99_ms)/$(result nchanfixed.p999_ms)"
echo "at max: Relay published $(result max.published) at $(result max.publish_rate)/s, delivered $(result max.delivered)" \
  "($(result max.delivered_per_s)/s), stored $(result max.stored) ($(result max.stored_per_s)/s); p50/p99 ms $(result max.p50_ms)/$(result max.p99_ms);" \
  "nchan delivered $(result nchanmax.delivered) at $(result nchanmax.delivered_per_s)/s, p50/p99 ms $(result nchanmax.p50_ms)/$(result nchanmax.p99_ms)"
echo "raw results: $results"
