#!/usr/bin/env bash
# Consumer lag per group and DLQ depth per topic, from Kafka's own offsets (the apps see only
# their sidecars), served for Prometheus:
#   tools/kafka-exporter.sh                 # http://0.0.0.0:9308/metrics, Kafka at $TODO_KAFKA_BROKERS or 127.0.0.1:9092
#   tools/kafka-exporter.sh host:9092 9400
# Metrics: todo_kafka_consumer_lag{group,topic}, todo_kafka_dlq_depth{topic,source_topic},
# todo_kafka_topic_messages{topic}, todo_kafka_exporter_up. Alerts on them: k8s/observability/.
set -euo pipefail
# shellcheck source=java-tool.sh
source "$(dirname "${BASH_SOURCE[0]}")/java-tool.sh"
run_java_tool kafka-exporter dev.todoevents.exporter.KafkaExporter -Xmx64m \
  "${1:-${TODO_KAFKA_BROKERS:-127.0.0.1:9092}}" "${2:-9308}"
