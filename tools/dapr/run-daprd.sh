#!/usr/bin/env bash
# Starts daprd with its own app's API tokens (tools/run.sh): the dapr CLI passes a sidecar only
# the CLI's environment, so one pair would serve every sidecar. This reads
# <tokens-dir>/<app-id>.env (DAPR_API_TOKEN, APP_API_TOKEN) for the --app-id daprd is given.
#   run-daprd.sh <daprd> <tokens-dir> <daprd arguments...>
set -euo pipefail
daprd=$1 tokens=$2
shift 2
app=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [[ "${args[$i]}" == --app-id ]] && app=${args[$((i + 1))]:-}
done
[[ -n "$app" && -r "$tokens/$app.env" ]] || { echo "run-daprd: no tokens for app-id '$app' in $tokens" >&2; exit 1; }
set -a
# shellcheck disable=SC1090
source "$tokens/$app.env"
set +a
exec "$daprd" "$@"
