#!/usr/bin/env bash
# One Java app under quarkus dev (live reload; Dev UI at /q/dev-ui, Swagger UI at /q/swagger-ui)
# with its Dapr sidecar, next to the rest of the system:
#   terminal 1: tools/run.sh --dev task-service    everything and task-service's sidecar, not the app
#   terminal 2: tools/dev.sh task-service          task-service under ./mvnw quarkus:dev, on its port
# Edit services/task-service/src/...: the next request runs the new code. Ctrl-C stops the app; its
# sidecar waits for it (tools/dev.sh again), and Ctrl-C in terminal 1 stops the rest.
# The app gets exactly the environment tools/run.sh would have started it with (.runtime/dev/APP.env:
# ports, Dapr and app tokens, the dev issuer's key, database), in Quarkus' dev profile.
#   tools/dev.sh APP [mvn arguments ...]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RT=${TODO_RUNTIME_DIR:-$ROOT/.runtime}
die() { printf '[dev] ERROR: %s\n' "$*" >&2; exit 1; }

APP=${1:-}
[[ -n "$APP" && -f "$ROOT/services/$APP/pom.xml" ]] || die "usage: tools/dev.sh APP (a Java app: $(cd "$ROOT/services" && ls -d */pom.xml | cut -d/ -f1 | tr '\n' ' '))"
shift
ENV_FILE=$RT/dev/$APP.env
[[ -f "$ENV_FILE" ]] || die "no $ENV_FILE: start the rest first, with $APP's sidecar: tools/run.sh --dev $APP"
set -a
# shellcheck disable=SC1090
source "$ENV_FILE"
set +a
curl -sf "http://127.0.0.1:$DAPR_HTTP_PORT/v1.0/healthz/outbound" >/dev/null \
  || die "$APP's sidecar does not answer on port $DAPR_HTTP_PORT: is 'tools/run.sh --dev $APP' running?"
printf '[dev] %s under quarkus dev on port %s, its sidecar on %s\n' "$APP" "$QUARKUS_HTTP_PORT" "$DAPR_HTTP_PORT" >&2
cd "$ROOT"
exec "$ROOT/mvnw" -B quarkus:dev -pl "services/$APP" "-Dquarkus.http.port=$QUARKUS_HTTP_PORT" "$@"
