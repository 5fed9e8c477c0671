#!/usr/bin/env bash
# Builds the services' OCI images with no container engine: a Java runtime jlinked from this machine's JDK 25 (or,
# without one, the JDK on the PATH) and the C libraries it links, copied from this machine, are the base layer;
# jib-core (infra/images, ServiceImage) adds each Quarkus application on top. On JDK 25, run as root, each image also
# carries an ahead-of-time cache (JEP 483/514/515) recorded by a training run of the service from the image's own
# files (chroot, as user 10001): started against a broker and a database on loopback, asked its API's reads, stopped.
# Writes infra/images/target/<service>.tar (an OCI image layout archive: `podman load -i`, `skopeo copy
# oci-archive:…`, `ctr images import`, Docker 25+'s `docker load`).
#
# Usage: infra/images/build.sh [SERVICE…]            (default: all four)
# Environment: RELAY_IMAGE_PREFIX (relay/), RELAY_IMAGE_TAG (the project version), RELAY_IMAGE_PUSH=1 to push to the
# prefix's registry (credentials from Docker's config) instead of writing tarballs, RELAY_SKIP_BUILD=1 to reuse the
# last build, RELAY_IMAGE_JDK (the JDK to jlink: /usr/lib/jvm/temurin-25-jdk-amd64 when present, else the PATH's),
# RELAY_IMAGE_AOT (1: a cache where the JDK is 25+ and this is root; 0: none), RELAY_IMAGE_TRAINING (30 rounds of
# requests). The training runs use KAFKA_BOOTSTRAP_SERVERS and RELAY_DB_REACTIVE_URL / RELAY_DB_JDBC_URL /
# RELAY_DB_USER / RELAY_DB_PASSWORD when all are set; otherwise a broker of their own and a database of their own on
# the PostgreSQL at RELAY_DB_HOST:RELAY_DB_PORT (127.0.0.1:5432, or an embedded one), dropped at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../dev/lib.sh
source "$root/infra/dev/lib.sh"
cd "$root"

services=("$@")
[ ${#services[@]} -gt 0 ] || services=(task-service stream-service schedule-service billing-service)
prefix=${RELAY_IMAGE_PREFIX:-relay/}
jdk=${RELAY_IMAGE_JDK:-}
if [ -z "$jdk" ]; then
  if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/jlink ]; then
    jdk=/usr/lib/jvm/temurin-25-jdk-amd64
  else
    require jlink "a JDK 17+ (Debian: apt-get install openjdk-17-jdk-headless)"
    jdk=$(dirname "$(dirname "$(readlink -f "$(command -v jlink)")")")
  fi
fi
[ -x "$jdk/bin/jlink" ] || fail "no jlink in $jdk (RELAY_IMAGE_JDK)"
jdk_feature=$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
require ldd "glibc's ldd (Debian: apt-get install libc-bin)"
aot=${RELAY_IMAGE_AOT:-1}
if [ "$aot" = 1 ] && [ "$jdk_feature" -lt 25 ]; then
  say "no ahead-of-time cache: the runtime is JDK $jdk_feature (a cache needs 25+)"
  aot=0
elif [ "$aot" = 1 ] && [ "$(id -u)" != 0 ]; then
  say "no ahead-of-time cache: recording one from the image's files needs root (chroot)"
  aot=0
fi

if [ "${RELAY_SKIP_BUILD:-0}" != 1 ]; then
  modules=$(IFS=,; echo "${services[*]}"),infra/images
  say "building ${services[*]}"
  ./mvnw -B -q package -DskipTests -pl "$modules" -am
fi
tag=${RELAY_IMAGE_TAG:-$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)}
out=infra/images/target
rootfs=$out/rootfs
rm -rf "$rootfs"
mkdir -p "$rootfs/opt" "$rootfs/etc" "$rootfs/tmp" "$rootfs/app" "$rootfs/proc"
chmod 1777 "$rootfs/tmp"

# The Java runtime: the JDK modules Quarkus, Netty, Kafka's client, Hibernate and the PostgreSQL driver use (jdeps
# cannot tell: the applications' jars mix named and automatic modules); a service started from the image (infra/images'
# ImageRunTest) is what proves the list complete
java_modules=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http
java_modules+=,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.crypto.ec,jdk.jfr
java_modules+=,jdk.management,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs
say "jlinking a Java $jdk_feature runtime from $jdk: $java_modules"
# (JDK 21 named the compression levels; 17 knows only the numbers)
compress=zip-6; [ "$jdk_feature" -ge 21 ] || compress=2
"$jdk/bin/jlink" --add-modules "$java_modules" --strip-debug --no-man-pages --no-header-files --compress=$compress --output "$rootfs/opt/java"
# Debian's JDK keeps its CA certificates outside the runtime (a symlink): take the file itself
rm -f "$rootfs/opt/java/lib/security/cacerts"
cp -L "$(readlink -f "$jdk/lib/security/cacerts")" "$rootfs/opt/java/lib/security/cacerts"

# The C libraries the runtime links (glibc, zlib, libstdc++…), with the dynamic loader, at their paths
for lib in $( { find "$rootfs/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} \; 2>/dev/null || true; } \
    | grep -o '/[^ ]*' | grep -v "^$root/" | sort -u); do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done
printf 'root:x:0:0:root:/root:/sbin/nologin\nrelay:x:10001:10001:relay:/app:/sbin/nologin\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nrelay:x:10001:\n' > "$rootfs/etc/group"
printf 'hosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
say "runtime layer: $(du -sh "$rootfs" | cut -f1)"

# shellcheck source=training.sh
[ "$aot" = 1 ] && source "$root/infra/images/training.sh"

# with a cache, the aot-jar packaging (the services' second quarkus:build, target/aot): the application's classes are
# then on the JDK's class path, where the cache holds them too; without one, fast-jar (target/quarkus-app) starts faster
packaging=quarkus-app
[ "$aot" = 1 ] && packaging=aot
builder=(java -cp "infra/images/target/classes:infra/images/target/libs/*" dev.relay.images.ServiceImage)
for service in "${services[@]}"; do
  image="$prefix$service:$tag"
  [ "$packaging" = quarkus-app ] || has_aot_jar "$service" \
    || fail "no $service/target/aot of the last build: build without -Drelay.aot-jar.skip (or RELAY_IMAGE_AOT=0 for an image without a cache)"
  cache=()
  if [ "$aot" = 1 ]; then
    record_aot_cache "$service" "$out/$service.aot"
    cache=(--aot-cache "$out/$service.aot")
  fi
  if [ "${RELAY_IMAGE_PUSH:-0}" = 1 ]; then
    say "pushing $image"
    "${builder[@]}" "$rootfs" "$service/target/$packaging" "$image" --registry ${cache[@]+"${cache[@]}"}
  else
    "${builder[@]}" "$rootfs" "$service/target/$packaging" "$image" --tar "$out/$service.tar" ${cache[@]+"${cache[@]}"}
    say "$image -> $out/$service.tar ($(du -h "$out/$service.tar" | cut -f1))"
  fi
done
