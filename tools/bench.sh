#!/usr/bin/env bash
# The benchmark: publish -> handler through raw Kafka and three Dapr paths, and the user-visible
# POST /tasks -> WebSocket frame on the whole system, open-loop at constant rates, in one run on
# this machine (its own Kafka node, Sentry and sidecars on free ports).
#   tools/bench.sh                          # everything with the defaults (about 10 minutes, plus 2-3 for the system path)
#   tools/bench.sh --paths kafka,dapr-http --rates 500,1000 --sizes 200 --seconds 5
#   tools/bench.sh --repeat 3 --compression lz4 --bulk-await-ms 20 --out /tmp/bench-tuned
#   tools/bench.sh --paths system --system-rates 50,100,200 --seconds 20   # the whole system at rising rates
# Options (defaults): --rates 250,500,1000,2000,4000,8000  --sizes 200,1024  --seconds 10  --warmup 3
#   --repeat 1  --paths kafka,dapr-http,dapr-grpc,dapr-quarkus,dapr-bulk,post-ws,system  --out tools/benchmark/results
#   tuning: --linger-ms 5  --compression none|gzip|snappy|lz4|zstd  --partitions 3  --bulk-max 100
#   --bulk-await-ms 20 (Dapr: 1000)  --publish-batch 100  --ws-rate 200  --app-jvm "-Xmx160m -XX:+UseSerialGC"
#   audit-service's drain rate per broker (audit.md, audit.csv): --audit-brokers kafka,redis,rabbitmq,jetstream
#   --audit-events 5000  --audit-warmup 500  --audit-publishers 4  --audit-await-ms (subscriptions/' value)
#   the system path (its own cold start; --seconds per rate after --warmup; stops at the first rate not kept up):
#   --system-rates 50,100,200,500,1000  --system-users 1000  --system-ws-users 50  --system-audit-samples 50
#   --system-drain-s 30
# Prints markdown tables (results.md), writes every row to results.csv (the system path: system.csv,
# system-usage.csv) and draws latency-vs-rate.png, throughput.png and system-latency-vs-rate.png
# (matplotlib) in the --out folder (git-ignored by default).
# Run it on an idle machine: the figures are only as quiet as the machine.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RT="$ROOT/.runtime"
"$ROOT/tools/bootstrap.sh" >&2

out="$ROOT/tools/benchmark/results"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [[ "${args[$i]}" == "--out" ]] && out="${args[$((i + 1))]}"
done

# post-ws starts the packaged services, dapr-quarkus the packaged tools/benchmark/handler.
if [[ ! -f "$ROOT/tools/benchmark/handler/target/quarkus-app/quarkus-run.jar" ]] \
  || ! ls "$ROOT"/services/*/target/quarkus-app/quarkus-run.jar >/dev/null 2>&1 \
  || [[ $(ls "$ROOT"/services/*/target/quarkus-app/quarkus-run.jar | wc -l) -lt 5 ]]; then
  echo "[bench] packaging the services (mvn install, tests skipped) ..." >&2
  "$ROOT/mvnw" -B -q -f "$ROOT/pom.xml" -DskipTests install >"${TMPDIR:-/tmp}/bench-build.log" 2>&1 \
    || { tail -n 30 "${TMPDIR:-/tmp}/bench-build.log" >&2; echo "[bench] build failed" >&2; exit 1; }
fi

# matplotlib for the plots, in its own venv (tools/benchmark/requirements.txt).
REQ="$ROOT/tools/benchmark/requirements.txt"
stamp=$( (cat "$REQ"; python3 --version 2>&1) | sha256sum | cut -c1-16)
if [[ ! -x "$RT/bench-python/bin/python" || "$(cat "$RT/bench-python/stamp" 2>/dev/null)" != "$stamp" ]]; then
  echo "[bench] making $RT/bench-python with $(grep -v '^#' "$REQ" | tr '\n' ' ')..." >&2
  rm -rf "$RT/bench-python"; mkdir -p "$RT/logs"
  { python3 -m venv "$RT/bench-python" && "$RT/bench-python/bin/pip" install -q -r "$REQ"; } >"$RT/logs/bench-python.log" 2>&1 \
    || { echo "[bench] could not install matplotlib (log: $RT/logs/bench-python.log): needs python3-venv and pip's index (PyPI or PIP_INDEX_URL)" >&2; exit 1; }
  echo "$stamp" >"$RT/bench-python/stamp"
fi

# shellcheck source=java-tool.sh
source "$ROOT/tools/java-tool.sh"
(run_java_tool benchmark dev.todoevents.bench.Benchmark -Xmx768m "$@")
# The audit mode alone writes no results.csv: nothing to plot.
if [[ -f "$out/results.csv" ]]; then
  "$RT/bench-python/bin/python" "$ROOT/tools/benchmark/plot.py" "$out/results.csv"
fi
