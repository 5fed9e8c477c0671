#!/usr/bin/env bash
# Starts a single-node Apache Kafka broker in KRaft mode (combined broker + controller) in the foreground.
# Usage: broker.sh DATA_DIR PORT CONTROLLER_PORT
# The jars come from infra/kafka/target/libs (built by `./mvnw -pl infra/kafka generate-resources`).
set -euo pipefail
data_dir=${1:?data dir}
port=${2:?broker port}
controller_port=${3:?controller port}
here=$(cd "$(dirname "$0")" && pwd)
libs=${RELAY_KAFKA_LIBS:-$here/target/libs}
[ -d "$libs" ] || { echo "no Kafka jars in $libs: run ./mvnw -pl infra/kafka generate-resources" >&2; exit 2; }
java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java

mkdir -p "$data_dir/logs"
cat > "$data_dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$data_dir/logs
num.partitions=6
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=-1
PROPS

cp -n "$here/log4j2.yaml" "$data_dir/log4j2.yaml" 2>/dev/null || true
opts=(-Xms256m -Xmx512m -XX:+UseSerialGC -Dlog4j2.configurationFile="$data_dir/log4j2.yaml" -Dkafka.logs.dir="$data_dir")
if [ ! -f "$data_dir/logs/meta.properties" ]; then
  "$java_bin" "${opts[@]}" -cp "$libs/*" kafka.tools.StorageTool format --standalone \
    -t "$(cat /proc/sys/kernel/random/uuid | tr -d - | head -c 22)" -c "$data_dir/server.properties" >/dev/null
fi
exec "$java_bin" "${opts[@]}" -cp "$libs/*" kafka.Kafka "$data_dir/server.properties"
