#!/bin/bash
# The todo-events/kafka image's entrypoint: one KRaft node (broker + controller), its storage
# formatted on first start in $KAFKA_DATA (a volume) and kept across restarts. The settings mirror
# tools/local-runtime's KafkaBroker (one node: every replication factor 1, no topic auto-creation:
# topics are created with their retention by the apps' TopicAdmin or by Strimzi's KafkaTopic).
#   KAFKA_ADVERTISED_HOST  the name clients reach this node by (default: 127.0.0.1)
#   KAFKA_PORT, KAFKA_CONTROLLER_PORT (9092, 9093), KAFKA_HEAP (256m)
#   KAFKA_CFG_SOME_KEY=v   adds some.key=v to server.properties
set -euo pipefail
DATA=${KAFKA_DATA:-/var/lib/kafka}
PORT=${KAFKA_PORT:-9092}
CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
HOST=${KAFKA_ADVERTISED_HOST:-127.0.0.1}
HEAP=${KAFKA_HEAP:-256m}
mkdir -p "$DATA/kraft-logs"
PROPS=$DATA/server.properties
cat >"$PROPS" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://0.0.0.0:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA/kraft-logs
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
for var in $(compgen -e | grep '^KAFKA_CFG_' || true); do
  key=$(echo "${var#KAFKA_CFG_}" | tr 'A-Z_' 'a-z.')
  echo "$key=${!var}" >>"$PROPS"
done
JAVA=(java "-Xms$HEAP" "-Xmx$HEAP" -XX:+UseG1GC -Djava.awt.headless=true
  -Dlog4j2.configurationFile=/opt/kafka/log4j2.properties -cp "/opt/kafka/libs/*")
if [[ ! -f "$DATA/kraft-logs/meta.properties" ]]; then
  # The cluster id is fixed (16 bytes, URL-safe base64), as KafkaBroker's, so a restart reuses it.
  "${JAVA[@]}" kafka.tools.StorageTool format -t dG9kby1ldmVudHMta3JhZg -c "$PROPS" --standalone
fi
exec "${JAVA[@]}" kafka.Kafka "$PROPS"
