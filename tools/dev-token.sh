#!/usr/bin/env bash
# The development token issuer: prints a bearer token (JWT, RS256) for a user, for local runs.
#   tools/dev-token.sh alice            # valid for 12 hours
#   tools/dev-token.sh alice 600        # valid for 600 seconds (at most 86400: the apps refuse longer)
#   tools/dev-token.sh --admin ops      # with groups ["todo-admin"]: may read other users' audit,
#                                       # notifications and stats (a back-office role)
#   curl -H "Authorization: Bearer $(tools/dev-token.sh alice)" localhost:8081/tasks
#   live page: http://localhost:8085/#token=$(tools/dev-token.sh alice)
# The signing key pair is made on first use in .runtime/dev-issuer/ (git-ignored, never
# committed); tools/run.sh points the apps at its public key (MP_JWT_VERIFY_PUBLICKEY_LOCATION)
# and issuer todo-events-dev. Tokens made here are accepted by a local run only: on a cluster
# the apps trust your identity provider instead (k8s/README.md).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RT=${TODO_RUNTIME_DIR:-$ROOT/.runtime}
DIR="$RT/dev-issuer"
die() { printf '[dev-token] ERROR: %s\n' "$*" >&2; exit 1; }

command -v openssl >/dev/null 2>&1 || die "openssl is not installed (Debian: apt-get install openssl)."
groups=""
if [[ "${1:-}" == "--admin" ]]; then
  groups=',"groups":["todo-admin"]'
  shift
fi
if [[ "${1:-}" == "--init" ]]; then
  user=""
else
  user=${1:-}
  [[ -n "$user" ]] || die "usage: tools/dev-token.sh [--admin] <user-id> [ttl-seconds]   (or --init to make the key pair only)"
  [[ "$user" =~ ^[A-Za-z0-9._@-]{1,128}$ ]] || die "user id '$user': use 1-128 letters, digits, . _ @ -"
fi
ttl=${2:-43200}
[[ "$ttl" =~ ^[0-9]+$ ]] || die "ttl '$ttl' is not a number of seconds"
# The apps refuse a token that lives longer than 24 h (smallrye.jwt.time-to-live, docs/security.md).
(( ttl >= 1 && ttl <= 86400 )) || die "ttl $ttl: use 1 to 86400 seconds (the apps refuse tokens that live longer than 24 h)"

if [[ ! -s "$DIR/private.pem" || ! -s "$DIR/public.pem" ]]; then
  mkdir -p "$DIR"
  (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$DIR/private.pem" 2>/dev/null) \
    || die "openssl could not make an RSA key in $DIR"
  openssl pkey -in "$DIR/private.pem" -pubout -out "$DIR/public.pem"
  printf '[dev-token] made the dev issuer key pair in %s\n' "$DIR" >&2
fi
[[ -z "$user" ]] && exit 0

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
jti=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
header=$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)
claims=$(printf '{"iss":"todo-events-dev","aud":"todo-events","sub":"%s","iat":%d,"exp":%d,"jti":"%s"%s}' \
  "$user" "$now" "$((now + ttl))" "$jti" "$groups" | b64url)
signature=$(printf '%s.%s' "$header" "$claims" | openssl dgst -sha256 -sign "$DIR/private.pem" -binary | b64url)
printf '%s.%s.%s\n' "$header" "$claims" "$signature"
