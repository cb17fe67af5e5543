#!/usr/bin/env bash
# Operators' dead-letter tool: count, list, show, replay and purge the {topic}-dlq topics.
#   tools/dlq.sh count                      dead letters per topic and reason
#   tools/dlq.sh list --topic task-events-dlq
#   tools/dlq.sh show --event-id <id>
#   tools/dlq.sh replay --all               each record once, to its source topic, same key and event_id
#   tools/dlq.sh purge                      delete what was replayed
# Kafka: --brokers host:port, else $TODO_KAFKA_BROKERS, else 127.0.0.1:9092 (tools/run.sh's).
# Runbook: docs/operations.md, "Dead letters and replay".
set -euo pipefail
# shellcheck source=java-tool.sh
source "$(dirname "${BASH_SOURCE[0]}")/java-tool.sh"
run_java_tool dlq-tool dev.todoevents.dlq.DlqTool "$@"
