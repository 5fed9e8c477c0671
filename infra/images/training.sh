# Sourced by infra/images/build.sh (after infra/dev/lib.sh): records a service's ahead-of-time cache from the files
# its image is made of. The JVM accepts a cache only for the runtime and jars it was recorded with (path, size and
# time), so the training run starts from a root file system laid out as the image is (the jlinked runtime at
# /opt/java, the application at /app, every file at Jib's time, 1 s after the epoch), chrooted, as user 10001, with
# its own process and mount namespaces, as ImageRunTest starts an image. It runs against a broker and a database on
# loopback, is asked the API's reads (exercise_service), and is stopped; the JVM writes the cache as it exits.

training_rounds=${RELAY_IMAGE_TRAINING:-30}
training_work=$(mktemp -d /tmp/relay-images.XXXXXX)
training_issuer=https://relay.dev/images
training_db=
pids=()

training_cleanup() {
  trap - INT TERM EXIT
  # unshare --fork keeps SIGTERM from itself while its child runs: its child, the JVM, is stopped first
  local pid
  for pid in ${pids[@]+"${pids[@]}"}; do
    pkill -TERM -P "$pid" 2>/dev/null || true
  done
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  [ -n "$training_db" ] && postgres_tool drop-database "$db_host" "$db_port" "$db_user" "$training_db" >/dev/null 2>&1 || true
  rm -rf "$training_work"
}
trap training_cleanup INT TERM EXIT

# The broker and database: the environment's when it names both, else a broker and a database of the training's own
if [ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ] && [ -n "${RELAY_DB_REACTIVE_URL:-}" ] && [ -n "${RELAY_DB_JDBC_URL:-}" ]; then
  training_env=(KAFKA_BOOTSTRAP_SERVERS="$KAFKA_BOOTSTRAP_SERVERS" RELAY_DB_REACTIVE_URL="$RELAY_DB_REACTIVE_URL"
    RELAY_DB_JDBC_URL="$RELAY_DB_JDBC_URL" RELAY_DB_USER="${RELAY_DB_USER:-postgres}" RELAY_DB_PASSWORD="${RELAY_DB_PASSWORD:-}")
else
  kafka_port=$(free_port)
  controller_port=$(free_port)
  say "training runs: starting Kafka on 127.0.0.1:$kafka_port (log in $training_work)"
  "$root/infra/kafka/broker.sh" "$training_work/kafka" "$kafka_port" "$controller_port" >"$training_work/kafka.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 240); do listening "$kafka_port" && break; sleep 0.25; done
  listening "$kafka_port" || fail "the training runs' broker did not start; see $training_work/kafka.log"
  db_host=${RELAY_DB_HOST:-127.0.0.1}
  db_port=${RELAY_DB_PORT:-5432}
  db_user=${RELAY_DB_USER:-postgres}
  ensure_postgres "$db_host" "$db_port" "$training_work/postgres" "$training_work/postgres.log"
  training_db=relay_images_$$
  postgres_tool create-database "$db_host" "$db_port" "$db_user" "$training_db"
  training_env=(KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$kafka_port" RELAY_DB_REACTIVE_URL="postgresql://$db_host:$db_port/$training_db"
    RELAY_DB_JDBC_URL="jdbc:postgresql://$db_host:$db_port/$training_db" RELAY_DB_USER="$db_user" RELAY_DB_PASSWORD="${RELAY_DB_PASSWORD:-}")
fi
make_keys "$training_work/jwt"
training_token=$(mint_token "$training_work/jwt" "$training_issuer" bench training@relay.local 1)

# image_tree SERVICE TREE: lays SERVICE's image out at TREE (the runtime, the application, Jib's file times) with what
# a container runtime adds (container-root.sh) and the training's public key at /tmp/jwt-public.pem
image_tree() {
  local service=$1 tree=$2
  rm -rf "$tree"
  cp -a "$rootfs" "$tree"
  cp -a "$service/target/${packaging:-quarkus-app}/." "$tree/app/"
  find "$tree" -exec touch -h -d @1 {} +
  "$root/infra/images/container-root.sh" "$tree"
  cp "$training_work/jwt/public.pem" "$tree/tmp/jwt-public.pem"
  chmod 644 "$tree/tmp/jwt-public.pem"
}

# start_image_tree TREE PORT LOG [JVM option…]: starts the application of TREE as ImageRunTest starts an image (chroot,
# user 10001, its own process and mount namespaces, the image's environment and a deployment's, nothing of this
# shell's) on loopback PORT; leaves the launcher's pid (unshare, whose child is the JVM) in $launcher
start_image_tree() {
  local tree=$1 port=$2 log=$3; shift 3
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin JAVA_HOME=/opt/java LANG=C.UTF-8 QUARKUS_HTTP_PORT="$port" "${training_env[@]}" \
    RELAY_JWT_PUBLIC_KEY=file:/tmp/jwt-public.pem RELAY_JWT_ISSUER="$training_issuer" \
    RELAY_STREAM_LINK_SECRET="$(openssl rand -hex 32)" RELAY_SECRETS_KEY="$(openssl rand -base64 32)" \
    RELAY_STREAM_SERVICE_URL=http://127.0.0.1:1 \
    unshare --mount --pid --fork --mount-proc="$tree/proc" chroot --userspec=10001:10001 "$tree" \
    /opt/java/bin/java "$@" -jar /app/quarkus-run.jar >"$log" 2>&1 &
  launcher=$!
  pids+=("$launcher")
}

# stop_image_tree: SIGTERM to the JVM of the last start_image_tree (a training run writes its cache then), and waits
stop_image_tree() {
  kill -TERM "$(pgrep -P "$launcher" | head -1)"
  wait "$launcher" || true
  # ended: its pid may be reused, so the cleanup must not signal it
  local pid running=()
  for pid in "${pids[@]}"; do
    [ "$pid" = "$launcher" ] || running+=("$pid")
  done
  pids=(${running[@]+"${running[@]}"})
}

# record_aot_cache SERVICE OUTPUT: a training run of SERVICE from its image's files; the cache it leaves goes to OUTPUT
record_aot_cache() {
  local service=$1 output=$2 tree="$training_work/root" port log="$training_work/$1-training.log"
  image_tree "$service" "$tree"
  port=$(free_port)
  say "$service: training run from the image's files ($training_rounds rounds of requests; log in $log)"
  start_image_tree "$tree" "$port" "$log" -Xms32m -Xmx256m -XX:+UseSerialGC -XX:AOTCacheOutput=/tmp/app.aot
  await_ready "the training run of $service" "$port" "$launcher" 90 "$log"
  exercise_service "$port" "$training_token" "$training_rounds"
  # the JVM (unshare's child, its namespace's first process) writes the cache as it exits on SIGTERM; unshare ends with it
  stop_image_tree
  [ -s "$tree/tmp/app.aot" ] || fail "the training run of $service wrote no ahead-of-time cache; see $log"
  cp "$tree/tmp/app.aot" "$output"
  say "$service: ahead-of-time cache $(du -h "$output" | cut -f1)"
}
