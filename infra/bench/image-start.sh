#!/usr/bin/env bash
# Start and memory of a service's image, started from its layers as ImageRunTest starts it (the image's JDK 25
# runtime at /opt/java, the application at /app, chroot as user 10001 in its own namespaces; infra/images/training.sh):
# the time from launch to ready (/q/health/ready answers 200) and the JVM's resident memory 5 s after an authenticated
# read answered 200, with the image's ahead-of-time cache (-XX:AOTMode=on: the JVM refuses to start when the cache
# does not fit its runtime and jars) and without it (-XX:AOTMode=off), side by side. Each figure is the median of
# BENCH_STARTS starts. Every JVM as the training run's: -Xms32m -Xmx256m, serial GC (what the JVM picks in a container
# under 1792 MiB). Loopback only: a broker and a database of its own (or the environment's, as training.sh says).
# Needs infra/images/build.sh to have run as root on JDK 25 (its runtime and caches in infra/images/target).
# Environment: BENCH_SERVICES (billing-service), BENCH_STARTS (3).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# shellcheck source=../dev/lib.sh
source infra/dev/lib.sh

out=infra/images/target
rootfs=$out/rootfs
services=${BENCH_SERVICES:-billing-service}
packaging=aot # what build.sh puts in an image with a cache
starts=${BENCH_STARTS:-3}
[ "$(id -u)" = 0 ] || fail "starting an image's files (chroot, unshare) needs root"
[ -x "$rootfs/opt/java/bin/java" ] || fail "no image runtime in $rootfs: run infra/images/build.sh first"
for service in $services; do
  [ -s "$out/$service.aot" ] || fail "no cache $out/$service.aot: run infra/images/build.sh $service (as root, JDK 25) first"
done
# shellcheck source=../images/training.sh
source infra/images/training.sh

# an authenticated read each service answers 200 when it works (its database and its token check)
read_path() {
  case $1 in
    task-service) echo /api/v1/tasks ;;
    schedule-service) echo /api/v1/schedules ;;
    billing-service) echo /api/v1/usage ;;
    *) echo /q/health/live ;;
  esac
}

# measure SERVICE TREE LABEL [JVM option…]: BENCH_STARTS starts of TREE; sets ready_median and rss_median (MiB)
measure() {
  local service=$1 tree=$2 label=$3; shift 3
  local i port log started ready code java_pid rss quarkus times=() rsses=() quarkus_times=()
  for i in $(seq 1 "$starts"); do
    port=$(free_port)
    log="$training_work/$service-$label-$i.log"
    started=$(date +%s%N)
    start_image_tree "$tree" "$port" "$log" -Xms32m -Xmx256m -XX:+UseSerialGC "$@"
    await_ready "$service ($label)" "$port" "$launcher" 60 "$log" 0.01
    ready=$(( ($(date +%s%N) - started) / 1000000 ))
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $training_token" "http://127.0.0.1:$port$(read_path "$service")")
    [ "$code" = 200 ] || fail "$service ($label) answered $code to $(read_path "$service"); see $log"
    quarkus=$(grep -o 'started in [0-9.]*s' "$log" | head -1 | tr -dc '0-9.' || true)
    sleep 5
    java_pid=$(pgrep -P "$launcher" | head -1)
    rss=$(awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$java_pid/status")
    stop_image_tree
    times+=("$ready")
    quarkus_times+=("${quarkus:-?} s")
    rsses+=("$rss")
  done
  ready_median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (starts + 1) / 2 ))p")
  rss_median=$(printf '%s\n' "${rsses[@]}" | sort -n | sed -n "$(( (starts + 1) / 2 ))p")
  say "$service image, $label: ready ${times[*]} ms (Quarkus's 'started in': ${quarkus_times[*]}), RSS ${rsses[*]} MiB"
}

rows=()
for service in $services; do
  tree="$training_work/$service-image"
  image_tree "$service" "$tree"
  cp "$out/$service.aot" "$tree/app/app.aot"
  touch -h -d @1 "$tree/app/app.aot"
  measure "$service" "$tree" "with its cache" -XX:AOTCache=/app/app.aot -XX:AOTMode=on
  with="$ready_median ms, $rss_median MiB"
  measure "$service" "$tree" "without a cache" -XX:AOTMode=off
  rows+=("$(printf '%-18s %-22s %-22s' "$service" "$with" "$ready_median ms, $rss_median MiB")")
done

echo
echo "Images started from their layers, JDK $("$rootfs/opt/java/bin/java" -version 2>&1 | awk -F'"' '/version/ {print $2}') runtime, median of $starts starts (ready: launch to /q/health/ready 200; RSS 5 s after a read answered 200)"
printf '%-18s %-22s %-22s\n' service "with the AOT cache" "without"
printf '%s\n' "${rows[@]}"
