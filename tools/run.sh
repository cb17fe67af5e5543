#!/usr/bin/env bash
# Starts the whole system in the foreground: Kafka, Jaeger, Prometheus, Sentry, then every app with
# its daprd, on the dev ports (dapr.yaml for the apps and sidecars; DevPorts in tools/local-runtime
# for the rest). Prints "[run] ready" once every app answers its health check; Ctrl-C (or SIGTERM)
# stops everything it started.
#   tools/run.sh              bootstrap .runtime/, build (tests skipped), run
#   tools/run.sh --clean      the same from empty data (.runtime/data: Kafka log, H2, Dapr state)
#   tools/run.sh --no-build   run what is built already (no network); fails if something is missing
#   tools/run.sh --dev APP    the same, with APP's sidecar but not APP: run it with tools/dev.sh APP
#                             (quarkus dev, live reload)
# Either way the YAML linter (tools/lint.sh) runs first and stops the start on a problem.
# TODO_BROKER=redis|rabbitmq|jetstream puts that broker (Debian's package) in Kafka's place: the
# sidecars load components/brokers/$TODO_BROKER. The launcher, dev.todoevents.runtime.LocalRun,
# starts the system with the code the e2e tests use (LocalSystem).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RT=${TODO_RUNTIME_DIR:-$ROOT/.runtime}
cd "$ROOT"
say() { printf '[run] %s\n' "$*" >&2; }
die() { printf '[run] ERROR: %s\n' "$*" >&2; exit 1; }

BUILD=1
ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --clean) ARGS+=(--clean) ;;
    --dev) [[ -n "${2:-}" ]] || die "--dev needs an app, e.g. --dev task-service"; ARGS+=(--dev "$2"); shift ;;
    *) die "unknown option $1 (use --clean, --no-build, --dev APP)" ;;
  esac
  shift
done

if ((BUILD)); then
  # --with-promtool: Debian's prometheus package, whose server scrapes the local run.
  if [[ "${TODO_BROKER:-kafka}" == kafka ]]; then
    "$ROOT/tools/bootstrap.sh" --with-promtool
  else
    "$ROOT/tools/bootstrap.sh" --with-promtool --with-brokers
  fi
  mkdir -p "$RT/logs"
  say "building the services (mvn install, tests skipped) ..."
  "$ROOT/mvnw" -B -q -DskipTests install >"$RT/logs/run-build.log" 2>&1 \
    || { tail -n 40 "$RT/logs/run-build.log" >&2; die "build failed (log: $RT/logs/run-build.log)"; }
else
  for f in tools/local-runtime/target/classes/dev/todoevents/runtime/LocalRun.class \
    "$RT/dapr/.dapr/bin/daprd" services/*/target/quarkus-app/quarkus-run.jar; do
    [[ -e "$f" ]] || die "--no-build: $f is missing; run tools/run.sh once without --no-build"
  done
fi

# Fail fast on the YAML an operator edits (tools/lint.sh: components/, subscriptions/, resiliency/,
# dapr.yaml): a wrong component or policy stops here with file:line, not in a sidecar's log.
"$ROOT/tools/lint.sh" >&2 || die "the Dapr YAML has problems (above, file:line): fix them and start again"

exec java -Xmx96m -Dtodo.project.root="$ROOT" \
  -cp "$ROOT/tools/local-runtime/target/classes:$ROOT/tools/local-runtime/target/lib/*" \
  dev.todoevents.runtime.LocalRun "${ARGS[@]}"
