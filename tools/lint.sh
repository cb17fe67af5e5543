#!/usr/bin/env bash
# The Dapr YAML linter: components/, subscriptions/, resiliency/, tools/dapr/config.yaml,
# dapr.yaml and k8s/, each problem as file:line: error [rule] message.
#   tools/lint.sh                 lint this project (exit 1 if there are problems)
#   tools/lint.sh --format json   the same as a JSON array of {file, line, rule, message}
#   tools/lint.sh --root DIR      lint another checkout
# The rules are listed in tools/ops/dapr-lint/src/main/java/dev/todoevents/lint/DaprLint.java and tools/ops/README.md.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR="$ROOT/tools/ops/dapr-lint/target/dapr-lint-0.1.0-SNAPSHOT.jar"
if [[ ! -f "$JAR" || -n "$(find "$ROOT/tools/ops/dapr-lint/src/main" -newer "$JAR" -type f -print -quit)" ]]; then
  echo "[lint] building the linter (mvn package -pl tools/ops/dapr-lint) ..." >&2
  rm -rf "$ROOT/tools/ops/dapr-lint/target/lib" # copied, never pruned: no jar of an older version
  "$ROOT/mvnw" -B -q -f "$ROOT/pom.xml" -pl tools/ops/dapr-lint -DskipTests package >"${TMPDIR:-/tmp}/dapr-lint-build.log" 2>&1 \
    || { tail -n 30 "${TMPDIR:-/tmp}/dapr-lint-build.log" >&2; echo "[lint] build failed" >&2; exit 2; }
fi
args=("$@")
[[ " $* " == *" --root "* ]] || args=(--root "$ROOT" "${args[@]}")
exec java -cp "$JAR:$ROOT/tools/ops/dapr-lint/target/lib/*" dev.todoevents.lint.DaprLint "${args[@]}"
