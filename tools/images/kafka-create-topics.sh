#!/bin/bash
# In the todo-events/kafka image: makes the topics of /opt/kafka/topics.txt on a broker, waiting
# for it first; what exists keeps its partitions (as TopicAdmin: growing a live topic moves keys).
#   /opt/kafka/create-topics.sh BOOTSTRAP   (the cluster's Job, the compose file's `topics`)
set -euo pipefail
BOOTSTRAP=${1:?usage: create-topics.sh BOOTSTRAP}
topics() {
  java -Xmx96m -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile=/opt/kafka/log4j2.properties \
    -cp "/opt/kafka/libs/*" org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" "$@"
}
until out=$(topics --list 2>&1); do
  echo "waiting for $BOOTSTRAP: $(echo "$out" | grep -m1 -i error || true)"
  sleep 2
done
grep -v '^#' /opt/kafka/topics.txt | while read -r name partitions retention; do
  [[ -n "$name" ]] || continue
  topics --create --if-not-exists --topic "$name" --partitions "$partitions" \
    --replication-factor 1 --config "retention.ms=$retention"
done
topics --describe | grep -v 'Partition:' || true
