#!/usr/bin/env bash
# The event contracts in a schema registry (the Confluent API: Apicurio, Confluent Cloud, Redpanda).
#   tools/schemas.sh subjects                           the subjects and their schema files
#   tools/schemas.sh check    --registry URL            would the registry accept them? (exit 1: no)
#   tools/schemas.sh register --registry URL            each under its subject, rule BACKWARD
# URL: the registry's Confluent API, e.g. http://127.0.0.1:8080/apis/ccompat/v7 (Apicurio), else
# $TODO_SCHEMA_REGISTRY_URL; credentials (Confluent Cloud API key, Redpanda user) as
# TODO_SCHEMA_REGISTRY_AUTH=key:secret. Docs: docs/events.md, "Schema registry".
set -euo pipefail
# shellcheck source=java-tool.sh
source "$(dirname "${BASH_SOURCE[0]}")/java-tool.sh"
run_java_tool dlq-tool dev.todoevents.dlq.SchemasTool "$@"
