#!/usr/bin/env bash
# Replay by time: re-delivers the records of a topic written in a time range to one consumer,
# through service invocation on that consumer's sidecar (consumers are idempotent by event_id).
#   tools/replay.sh --topic task-events --app audit-service --from PT2H --dry-run   # count only
#   tools/replay.sh --topic task-events --app audit-service --from 2026-12-01T10:00:00Z --to 2026-12-01T11:00:00Z
# The consumer's sidecar: --sidecar URL (else 127.0.0.1:$DAPR_HTTP_PORT) with $DAPR_API_TOKEN; on
# tools/run.sh's system both are read from .runtime/dev/APP.env, which it writes at start.
# Kafka: --brokers host:port, else $TODO_KAFKA_BROKERS, else 127.0.0.1:9092.
# Runbook: docs/operations.md, "Replay a time range to one consumer".
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
app="" prev=""
for arg in "$@"; do
  [[ $prev == --app ]] && app=$arg
  [[ $arg == --app=* ]] && app=${arg#--app=}
  prev=$arg
done
env_file="${TODO_RUNTIME_DIR:-$root/.runtime}/dev/$app.env"
if [[ -n $app && -z ${DAPR_API_TOKEN:-} && -f $env_file ]]; then
  eval "$(grep -E '^(DAPR_HTTP_PORT|DAPR_API_TOKEN)=' "$env_file" | sed 's/^/export /')"
fi
export TODO_SUBSCRIPTIONS_DIR=${TODO_SUBSCRIPTIONS_DIR:-$root/subscriptions}
# shellcheck source=java-tool.sh
source "$root/tools/java-tool.sh"
run_java_tool dlq-tool dev.todoevents.dlq.ReplayTool "$@"
