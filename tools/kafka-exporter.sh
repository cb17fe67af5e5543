#!/usr/bin/env bash
# Consumer lag per group and DLQ depth per topic, from Kafka's own offsets (the apps see only
# their sidecars), served for Prometheus:
#   tools/kafka-exporter.sh                 # http://0.0.0.0:9308/metrics, Kafka at $TODO_KAFKA_BROKERS or 127.0.0.1:9092
#   tools/kafka-exporter.sh host:9092 9400
# Metrics: todo_kafka_consumer_lag{group,topic}, todo_kafka_dlq_depth{topic,source_topic},
# todo_kafka_topic_messages{topic}, todo_kafka_exporter_up. Alerts on them: k8s/observability/.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR="$ROOT/libs/kafka-exporter/target/kafka-exporter-0.1.0-SNAPSHOT.jar"
if [[ ! -f "$JAR" || -n "$(find "$ROOT/libs/kafka-exporter/src" "$ROOT/libs/event-contracts/src" -newer "$JAR" -type f -print -quit)" ]]; then
  echo "[kafka-exporter] building it (mvn install -pl libs/kafka-exporter -am) ..." >&2
  mvn -B -q -f "$ROOT/pom.xml" -pl libs/kafka-exporter -am -DskipTests install >"${TMPDIR:-/tmp}/kafka-exporter-build.log" 2>&1 \
    || { tail -n 30 "${TMPDIR:-/tmp}/kafka-exporter-build.log" >&2; echo "[kafka-exporter] build failed" >&2; exit 1; }
fi
exec java -Xmx64m -cp "$JAR:$ROOT/libs/kafka-exporter/target/lib/*" dev.todoevents.exporter.KafkaExporter \
  "${1:-${TODO_KAFKA_BROKERS:-127.0.0.1:9092}}" "${2:-9308}"
