#!/usr/bin/env bash
# Builds the services' OCI images with no container engine: a Java runtime jlinked from this machine's JDK and the
# C libraries it links, copied from this machine, are the base layer;
# jib-core (infra/images, ServiceImage) adds each Quarkus application on top. Writes infra/images/target/<service>.tar
# (an OCI image layout archive: `podman load -i`, `skopeo copy oci-archive:…`, `ctr images import`, Docker 25+'s
# `docker load`).
#
# Usage: infra/images/build.sh [SERVICE…]            (default: all four)
# Environment: RELAY_IMAGE_PREFIX (relay/), RELAY_IMAGE_TAG (the project version), RELAY_IMAGE_PUSH=1 to push to the
# prefix's registry (credentials from Docker's config) instead of writing tarballs, RELAY_SKIP_BUILD=1 to reuse the
# last build.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../dev/lib.sh
source "$root/infra/dev/lib.sh"
cd "$root"

services=("$@")
[ ${#services[@]} -gt 0 ] || services=(task-service stream-service schedule-service billing-service)
prefix=${RELAY_IMAGE_PREFIX:-relay/}
require jlink "a JDK 17+ (Debian: apt-get install openjdk-17-jdk-headless)"
require jdeps "a JDK 17+ (Debian: apt-get install openjdk-17-jdk-headless)"
require ldd "glibc's ldd (Debian: apt-get install libc-bin)"

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
say "jlinking a Java runtime: $java_modules"
jlink --add-modules "$java_modules" --strip-debug --no-man-pages --no-header-files --compress=2 --output "$rootfs/opt/java"
# Debian's JDK keeps its CA certificates outside the runtime (a symlink): take the file itself
cp -L "$(readlink -f "$(dirname "$(readlink -f "$(command -v java)")")/../lib/security/cacerts")" "$rootfs/opt/java/lib/security/cacerts"

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

builder=(java -cp "infra/images/target/classes:infra/images/target/libs/*" dev.relay.images.ServiceImage)
for service in "${services[@]}"; do
  image="$prefix$service:$tag"
  if [ "${RELAY_IMAGE_PUSH:-0}" = 1 ]; then
    say "pushing $image"
    "${builder[@]}" "$rootfs" "$service/target/quarkus-app" "$image" --registry
  else
    "${builder[@]}" "$rootfs" "$service/target/quarkus-app" "$image" --tar "$out/$service.tar"
    say "$image -> $out/$service.tar ($(du -h "$out/$service.tar" | cut -f1))"
  fi
done
