#!/usr/bin/env bash
# The development token issuer: prints a bearer token (JWT, RS256) for a user, for local runs.
#   tools/dev-token.sh alice            # valid for 12 hours
#   tools/dev-token.sh alice 600        # valid for 600 seconds (at most 86400: the apps refuse longer)
#   tools/dev-token.sh --admin ops      # with groups ["todo-admin"]: may read other users' audit,
#                                       # notifications and stats (a back-office role)
#   tools/dev-token.sh --init           # only make the key pair
#   curl -H "Authorization: Bearer $(tools/dev-token.sh alice)" localhost:8081/tasks
#   live page: http://localhost:8085/#token=$(tools/dev-token.sh alice)
# The signer is DevIssuer (tools/local-runtime), the tests' own; its key pair is made on first use
# in .runtime/dev-issuer/ (git-ignored, never committed) and tools/run.sh points the apps at its
# public key, issuer todo-events-dev. Tokens made here are accepted by a local run only: on a
# cluster the apps trust your identity provider instead (k8s/README.md).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLASSES="$ROOT/tools/local-runtime/target/classes"
[[ -f "$CLASSES/dev/todoevents/runtime/DevIssuer.class" ]] || {
  printf '[dev-token] ERROR: %s\n' "tools/local-runtime is not built: run tools/run.sh (or ./mvnw -B -q -DskipTests install -pl tools/local-runtime -am) first" >&2
  exit 1
}
exec java -Xmx32m -XX:TieredStopAtLevel=1 -Dtodo.project.root="$ROOT" \
  -cp "$CLASSES:$ROOT/tools/local-runtime/target/lib/*" dev.todoevents.runtime.DevIssuer "$@"
