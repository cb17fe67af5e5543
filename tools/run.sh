#!/usr/bin/env bash
# Starts the whole system in the foreground: Kafka (KRaft), then `dapr run -f .` (every app
# with its sidecar). Ctrl-C stops everything it started, the broker included.
# TODO_BROKER=redis|rabbitmq|jetstream puts that broker (Debian's redis-server, rabbitmq-server
# or nats-server, started here) in Kafka's place: the sidecars load components/brokers/$TODO_BROKER
# (pubsub, live-pubsub and pubsub's resiliency target) instead of components/brokers/kafka, and
# Kafka is not started.
# Data (Kafka log, H2 databases, Dapr state) is kept in .runtime/data between runs;
# `tools/run.sh --clean` starts from empty.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RT=${TODO_RUNTIME_DIR:-$ROOT/.runtime}
cd "$ROOT"
say() { printf '[run] %s\n' "$*" >&2; }
die() { printf '[run] ERROR: %s\n' "$*" >&2; exit 1; }
# Wait for a process started in the background to be ready; die, showing its log, if it exits
# first or is not ready within the given seconds.
#   await_line <pid> <log> <text in the log> <what> <seconds>   (the launchers' READY lines)
#   await_http <pid> <url> <log> <what> <seconds>               (health endpoints)
await_line() {
  local pid=$1 log=$2 needle=$3 what=$4 secs=$5
  for _ in $(seq 1 "$secs"); do
    grep -q "$needle" "$log" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { tail -n 40 "$log" >&2; die "$what did not start"; }
    sleep 1
  done
  die "$what not ready after $secs s (log: $log)"
}
await_http() {
  local pid=$1 url=$2 log=$3 what=$4 secs=$5
  for _ in $(seq 1 $((secs * 2))); do
    curl -fs -o /dev/null "$url" && return 0
    kill -0 "$pid" 2>/dev/null || { tail -n 40 "$log" >&2; die "$what did not start"; }
    sleep 0.5
  done
  die "$what not ready after $secs s (log: $log)"
}

if [[ "${1:-}" == "--clean" ]]; then
  say "removing $RT/data"
  rm -rf "$RT/data"
fi

TODO_BROKER=${TODO_BROKER:-kafka}
[[ -f "components/brokers/$TODO_BROKER/pubsub.yaml" ]] \
  || die "TODO_BROKER=$TODO_BROKER has no component file components/brokers/$TODO_BROKER/pubsub.yaml; use one of: $(ls components/brokers | tr '\n' ' ')"
KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093
SENTRY_PORT=50001 # where the dapr CLI sends every sidecar when the Configuration enables mTLS
case "$TODO_BROKER" in
  redis) BROKER_PORTS=(6379) ;;
  rabbitmq) BROKER_PORTS=(5672 25672 4369) ;;
  jetstream) BROKER_PORTS=(4222) ;;
  *) BROKER_PORTS=("$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT") ;;
esac
PORTS=("${BROKER_PORTS[@]}" 9411 9490 9101 9102 9103 9104 9105 9106 8081 8082 8083 8084 8085 8086 3501 3502 3503 3504 3505 3506 3511 3512 3513 3514 3515 3516 50001 50008 50009)

# Fail early, naming the port and who holds it, rather than half-starting.
for port in "${PORTS[@]}"; do
  if holder=$(ss -ltnpH "sport = :$port" 2>/dev/null) && [[ -n "$holder" ]]; then
    who=$(grep -o 'users:(([^)]*' <<<"$holder" | sed 's/users:((//' | head -1)
    die "port $port is in use${who:+ by $who}. Stop that process (or an earlier tools/run.sh) and try again."
  fi
done

# --with-promtool: Debian's prometheus package, whose server scrapes the sidecars and apps here.
if [[ "$TODO_BROKER" == kafka ]]; then
  "$ROOT/tools/bootstrap.sh" --with-promtool
else
  "$ROOT/tools/bootstrap.sh" --with-promtool --with-brokers
fi

say "building the services (mvn package, tests skipped) ..."
"$ROOT/mvnw" -B -q -DskipTests install >"$RT/logs/run-build.log" 2>&1 \
  || { tail -n 40 "$RT/logs/run-build.log" >&2; die "build failed (log: $RT/logs/run-build.log)"; }

mkdir -p "$RT/data" "$RT/logs"
[[ -f tools/dapr/secrets.json ]] || cp tools/dapr/secrets.example.json tools/dapr/secrets.json

export TODO_KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
export TODO_STATE_DB="$RT/data/dapr-state.db"
export TODO_SECRETS_FILE="$ROOT/tools/dapr/secrets.json"
export TODO_DATA_DIR="$RT/data"
export TODO_NOTIFICATIONS_DIR="$RT/data/notifications"
mkdir -p "$TODO_NOTIFICATIONS_DIR"
# API tokens: one pair per app, new for each run, so one app's tokens open nothing else. A
# sidecar refuses API calls without its DAPR_API_TOKEN (its app sends it), and an app refuses
# event deliveries and bindings without its APP_API_TOKEN (its sidecar sends it). They are kept
# in $RT/run/tokens/<app-id>.env (mode 600); to call a sidecar by hand:
#   source .runtime/run/tokens/task-service.env && curl -H "dapr-api-token: $DAPR_API_TOKEN" localhost:3501/...
# The CLI gives daprd only its own environment, so daprd starts through a shim (run-daprd.sh)
# that reads its app's pair; each app gets its pair through the run file's env.
unset DAPR_API_TOKEN APP_API_TOKEN
TOKENS="$RT/run/tokens"
rm -rf "$RT/run" && mkdir -p "$TOKENS" && chmod 700 "$RT/run" "$TOKENS"
random_token() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }
APP_IDS=$(sed -n 's/^\s*- appID: *\([a-z-]*\).*/\1/p' dapr.yaml)
for app in $APP_IDS; do
  (umask 077 && printf 'DAPR_API_TOKEN=%s\nAPP_API_TOKEN=%s\n' "$(random_token)" "$(random_token)" >"$TOKENS/$app.env")
done
mkdir -p "$RT/run/dapr/.dapr/bin"
for f in "$RT/dapr/.dapr/"*; do [[ "$(basename "$f")" == bin ]] || ln -s "$f" "$RT/run/dapr/.dapr/"; done
for f in "$RT/dapr/.dapr/bin/"*; do [[ "$(basename "$f")" == daprd ]] || ln -s "$f" "$RT/run/dapr/.dapr/bin/"; done
cat >"$RT/run/dapr/.dapr/bin/daprd" <<SHIM
#!/usr/bin/env bash
exec "$ROOT/tools/dapr/run-daprd.sh" "$RT/dapr/.dapr/bin/daprd" "$TOKENS" "\$@"
SHIM
chmod +x "$RT/run/dapr/.dapr/bin/daprd"
export DAPR_RUNTIME_PATH="$RT/run/dapr"

# Users: the apps accept bearer tokens of the dev issuer (tools/dev-token.sh <user> prints one).
"$ROOT/tools/dev-token.sh" --init
export MP_JWT_VERIFY_PUBLICKEY_LOCATION="$RT/dev-issuer/public.pem"

KAFKA_PID=""
BROKER_PID=""
ZIPKIN_PID=""
PROMETHEUS_PID=""
SENTRY_PID=""
DAPR_PID=""
cleanup() {
  trap - EXIT INT TERM HUP
  # Stop first, talk after: if our output went to a pipe that Ctrl-C already closed (| tee),
  # a message must not end this function (SIGPIPE) before the processes are stopped.
  trap '' PIPE
  set +e # a child's non-zero exit status must not cut the cleanup short
  # The CLI stops each app and its sidecar on SIGTERM; Kafka's launcher stops the broker.
  [[ -n "$DAPR_PID" ]] && kill -TERM "$DAPR_PID" 2>/dev/null
  [[ -n "$KAFKA_PID" ]] && kill -TERM "$KAFKA_PID" 2>/dev/null
  [[ -n "$BROKER_PID" ]] && kill -TERM "$BROKER_PID" 2>/dev/null
  [[ -n "$ZIPKIN_PID" ]] && kill -TERM "$ZIPKIN_PID" 2>/dev/null
  [[ -n "$PROMETHEUS_PID" ]] && kill -TERM "$PROMETHEUS_PID" 2>/dev/null
  [[ -n "$SENTRY_PID" ]] && kill -TERM "$SENTRY_PID" 2>/dev/null
  [[ -n "$DAPR_PID" ]] && wait "$DAPR_PID" 2>/dev/null
  # Whatever the CLI left running (with `| tee`, Ctrl-C kills tee and the CLI can die on its
  # closed output before stopping its apps: seen here) is in the CLI's process group.
  if [[ -n "$DAPR_PID" ]] && pgrep -g "$DAPR_PID" >/dev/null; then
    kill -TERM -- "-$DAPR_PID" 2>/dev/null
    for _ in $(seq 1 20); do pgrep -g "$DAPR_PID" >/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$DAPR_PID" 2>/dev/null
  fi
  [[ -n "$KAFKA_PID" ]] && wait "$KAFKA_PID" 2>/dev/null
  [[ -n "$BROKER_PID" ]] && wait "$BROKER_PID" 2>/dev/null
  [[ -n "$ZIPKIN_PID" ]] && wait "$ZIPKIN_PID" 2>/dev/null
  [[ -n "$PROMETHEUS_PID" ]] && wait "$PROMETHEUS_PID" 2>/dev/null
  [[ -n "$SENTRY_PID" ]] && wait "$SENTRY_PID" 2>/dev/null
  say "stopped" || true
}
trap cleanup EXIT INT TERM HUP

if [[ "$TODO_BROKER" == kafka ]]; then
  say "starting Kafka on 127.0.0.1:$KAFKA_PORT (log: $RT/data/kafka/kafka.log) ..."
  CP="$ROOT/tools/local-runtime/target/classes:$ROOT/libs/event-contracts/target/classes:$RT/kafka/libs/*"
  java -Xmx64m -cp "$CP" dev.todoevents.runtime.LocalKafka "$RT/data/kafka" "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" \
    >"$RT/logs/local-kafka.log" 2>&1 &
  KAFKA_PID=$!
  await_line "$KAFKA_PID" "$RT/logs/local-kafka.log" "KAFKA READY" Kafka 120
  say "Kafka ready; topics: task-events, reminders, task-updates (+ -dlq)"
else
  BROKER_CP="$ROOT/tools/local-runtime/target/classes:$ROOT/libs/event-contracts/target/classes:$ROOT/tools/local-runtime/target/lib/*"
  say "starting $TODO_BROKER for the component pubsub (log: $RT/logs/local-broker.log) ..."
  java -Xmx64m -cp "$BROKER_CP" dev.todoevents.runtime.LocalBroker "$TODO_BROKER" "$RT/data/$TODO_BROKER" \
    >"$RT/logs/local-broker.log" 2>&1 &
  BROKER_PID=$!
  await_line "$BROKER_PID" "$RT/logs/local-broker.log" "BROKER READY" "$TODO_BROKER" 120
  ready=$(grep -m1 "BROKER READY" "$RT/logs/local-broker.log")
  # The READY line ends with the component's environment (NAME=value ...).
  for kv in $ready; do if [[ "$kv" == TODO_*=* ]]; then export "$kv"; fi; done
  say "$TODO_BROKER ready: ${ready#*BROKER READY }"
fi

# The run file: dapr.yaml with each app's own token pair in its env, the chosen broker's component
# folder, and paths made absolute (the CLI reads them relative to the run file). Mode 600: it
# holds the tokens.
RUN_FILE="$RT/run/dapr.yaml"
(umask 077 && sed -e "s#^\(\s*- \)\./components/brokers/kafka\s*\$#\1$ROOT/components/brokers/$TODO_BROKER#" \
    -e "s#^\(\s*-\? *[A-Za-z]*: \)\./#\1$ROOT/#" -e "s#^\(\s*- \)\./#\1$ROOT/#" dapr.yaml \
  | awk -v dir="$TOKENS" '
      /^[ \t]*- appID:/ { app = $3 }
      { print }
      /^[ \t]+env:[ \t]*$/ {
        indent = $0; sub(/env:.*/, "  ", indent)
        while ((getline line < (dir "/" app ".env")) > 0) { split(line, kv, "="); print indent kv[1] ": \"" kv[2] "\"" }
        close(dir "/" app ".env")
      }' >"$RUN_FILE")
grep -q "components/brokers/$TODO_BROKER" "$RUN_FILE" || die "could not point $RUN_FILE at components/brokers/$TODO_BROKER"
[[ $(grep -c "^ *APP_API_TOKEN: \"" "$RUN_FILE") -eq $(wc -w <<<"$APP_IDS") ]] || die "could not give every app its tokens in $RUN_FILE"

# Zipkin, the trace backend: every sidecar (tools/dapr/config.yaml) and every app (TraceExport)
# sends its spans here. In memory: traces are gone when it stops.
say "starting Zipkin on 127.0.0.1:9411 (log: $RT/logs/zipkin.log) ..."
QUERY_PORT=9411 QUERY_BIND_ADDRESS=127.0.0.1 STORAGE_TYPE=mem \
  java -Xmx256m -jar "$(ls "$RT"/zipkin/zipkin-server-*-exec.jar | head -1)" >"$RT/logs/zipkin.log" 2>&1 &
ZIPKIN_PID=$!
await_http "$ZIPKIN_PID" http://127.0.0.1:9411/health "$RT/logs/zipkin.log" Zipkin 60
export TODO_ZIPKIN_ENDPOINT=http://127.0.0.1:9411/api/v2/spans

# Prometheus: scrapes every sidecar, app and Sentry (tools/prometheus/prometheus.yml) and
# evaluates the cluster's alert rules; its data is kept in $RT/data/prometheus.
PROMETHEUS_BIN=${TODO_PROMETHEUS:-/usr/bin/prometheus}
say "starting Prometheus on 127.0.0.1:9490 (log: $RT/logs/prometheus.log) ..."
mkdir -p "$RT/data/prometheus"
"$PROMETHEUS_BIN" --config.file=tools/prometheus/prometheus.yml --storage.tsdb.path="$RT/data/prometheus" \
  --web.listen-address=127.0.0.1:9490 >"$RT/logs/prometheus.log" 2>&1 &
PROMETHEUS_PID=$!
await_http "$PROMETHEUS_PID" http://127.0.0.1:9490/-/ready "$RT/logs/prometheus.log" Prometheus 30

# Sentry, Dapr's certificate authority: every sidecar gets an mTLS certificate naming its app
# (spiffe://public/ns/todo-events/<app-id>), which task-service's access-control list checks.
# Its root and issuer certificates are created on the first run and kept in $RT/data/sentry.
say "starting Sentry on 127.0.0.1:$SENTRY_PORT (log: $RT/logs/sentry.log) ..."
mkdir -p "$RT/data/sentry"
"$RT/dapr/.dapr/bin/sentry" --config tools/dapr/sentry.yaml --issuer-credentials "$RT/data/sentry" \
  --trust-domain localhost --listen-address 127.0.0.1 --port "$SENTRY_PORT" \
  --healthz-listen-address 127.0.0.1 --healthz-port 50008 \
  --metrics-listen-address 127.0.0.1 --metrics-port 50009 >"$RT/logs/sentry.log" 2>&1 &
SENTRY_PID=$!
await_http "$SENTRY_PID" http://127.0.0.1:50008/healthz "$RT/logs/sentry.log" Sentry 30
[[ -s "$RT/data/sentry/ca.crt" ]] || die "Sentry wrote no root certificate (log: $RT/logs/sentry.log)"
DAPR_TRUST_ANCHORS=$(cat "$RT/data/sentry/ca.crt")
export DAPR_TRUST_ANCHORS
export NAMESPACE=todo-events # the Kubernetes namespace: one access-control policy for both

say "starting the apps with their sidecars: dapr run -f $RUN_FILE (Ctrl-C stops everything)"
say "as a user: curl -H \"Authorization: Bearer \$(tools/dev-token.sh alice)\" localhost:8081/tasks"
say "live page: http://localhost:8085/#token=\$(tools/dev-token.sh alice)"
say "traces: http://localhost:9411/zipkin/ (metrics: localhost:808x/q/metrics, sidecars localhost:910x/metrics; Prometheus: http://localhost:9490/graph)"
# In a process group of its own (job control on for this one job), so that cleanup can stop
# every app and sidecar the CLI started, even if the CLI itself is gone. (setsid would detach it
# from the terminal, and then the CLI starts the sidecars but not the apps: seen here.)
set -m
"$RT/dapr/bin/dapr" run -f "$RUN_FILE" &
DAPR_PID=$!
set +m
wait "$DAPR_PID"
