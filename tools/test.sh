#!/usr/bin/env bash
# Runs every test: contract and REST unit tests, the PostgreSQL test on a real server, the Dapr
# YAML linter, the end-to-end tests on real Kafka + daprd + the packaged apps, and the k8s/
# manifests on a real kube-apiserver, the broker matrix on real Redis, RabbitMQ and NATS servers,
# and README's walkthrough (mechanical-markdown runs it against a real tools/run.sh), and the
# images of tools/images.sh with the system run from them under runc, on Docker (compose) and on a
# single-node Kubernetes (as root).
# Installs what it needs first.
# A subset: tools/test.sh -pl libs/event-contracts   (any Maven arguments are passed on)
#           tools/test.sh -DskipITs                  (everything but the end-to-end tests)
#           tools/test.sh -DexcludedGroups=slow      (without the slow fault-injection tests)
#           tools/test.sh -pl tools/e2e-tests -Dgroups=containers -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
#                                                    (the images and the system run from them)
#           tools/test.sh -pl tools/e2e-tests -Dgroups=cluster -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
#                                                    (the system on a single-node Kubernetes)
# The broker behind `pubsub` in the end-to-end tests: TODO_BROKER=redis|rabbitmq|jetstream
# (default kafka); BrokerMatrixIT always runs the main flows on all four.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
"$ROOT/tools/bootstrap.sh" --with-postgres --with-browser --with-k8s --with-promtool --with-brokers --with-docs --with-cluster --with-registry
exec "$ROOT/mvnw" -B verify "$@"
