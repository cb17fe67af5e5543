#!/usr/bin/env bash
# Operators' dead-letter tool: count, list, show, replay and purge the {topic}-dlq topics.
#   tools/dlq.sh count                      dead letters per topic and reason
#   tools/dlq.sh list --topic task-events-dlq
#   tools/dlq.sh show --event-id <id>
#   tools/dlq.sh replay --all               each record once, to its source topic, same key and event_id
#   tools/dlq.sh purge                      delete what was replayed
# Kafka: --brokers host:port, else $TODO_KAFKA_BROKERS, else 127.0.0.1:9092 (tools/run.sh's).
# Runbook: README.md, "Dead letters".
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR="$ROOT/libs/dlq-tool/target/dlq-tool-0.1.0-SNAPSHOT.jar"
if [[ ! -f "$JAR" || -n "$(find "$ROOT/libs/dlq-tool/src" "$ROOT/libs/event-contracts/src" -newer "$JAR" -type f -print -quit)" ]]; then
  echo "[dlq] building the tool (mvn package -pl libs/dlq-tool -am) ..." >&2
  mvn -B -q -f "$ROOT/pom.xml" -pl libs/dlq-tool -am -DskipTests install >"${TMPDIR:-/tmp}/dlq-build.log" 2>&1 \
    || { tail -n 30 "${TMPDIR:-/tmp}/dlq-build.log" >&2; echo "[dlq] build failed" >&2; exit 1; }
fi
exec java -cp "$JAR:$ROOT/libs/dlq-tool/target/lib/*" dev.todoevents.dlq.DlqTool "$@"
