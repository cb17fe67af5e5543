#!/usr/bin/env bash
# The publish -> handler benchmark: raw Kafka client against the Dapr sidecar path, open-loop at
# constant rates, in one run on this machine (its own Kafka node and daprd on free ports).
#   tools/bench.sh                                   # rates 250,500,1000,2000 msg/s; 200 B and 1 KB; 10 s each after 3 s warm-up
#   tools/bench.sh --rates 500 --sizes 200 --seconds 5 --warmup 2 --out /tmp/bench
# Prints a markdown table (p50/p99/p99.9, backlog, CPU and RSS of broker, sidecar and this JVM)
# and writes it with a CSV to libs/benchmark/results/ (git-ignored). Run it on an idle machine.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/tools/bootstrap.sh" >&2
# shellcheck source=java-tool.sh
source "$ROOT/tools/java-tool.sh"
run_java_tool benchmark dev.todoevents.bench.Benchmark -Xmx512m "$@"
