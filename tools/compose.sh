#!/usr/bin/env bash
# The system on Docker (tools/compose/compose.yaml): the images of tools/images.sh loaded into the
# engine, each app with its daprd sidecar container, Kafka, PostgreSQL.
#   tools/compose.sh up             load the images, make the tokens and the database password
#                                   (random, once, in .runtime/compose/env), start, and wait until
#                                   every app answers /q/health/ready on its host port
#   tools/compose.sh down           stop and remove the containers, networks and volumes
#   tools/compose.sh ps | logs [SERVICE] | port SERVICE PORT     docker-compose's own
# Users' tokens: tools/dev-token.sh alice (its public key is TODO_AUTH_KEY, default
# .runtime/dev-issuer/public.pem). Host ports 8081-8086, or TASK_SERVICE_PORT=0 ... (a free one).
# Needs Docker (Debian: apt-get install docker.io docker-compose) and the images: ./mvnw -B -q
# -DskipTests install && tools/images.sh && tools/images.sh postgres. DOCKER_HOST is honoured.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RT=${TODO_RUNTIME_DIR:-$ROOT/.runtime}
ENV_FILE=${TODO_COMPOSE_DIR:-$RT/compose}/env # and the logs of up
mapfile -t APPS < <(grep -v "^#" "$ROOT/tools/apps.txt")
declare -A PORT=([task-service]=8081 [audit-service]=8082 [recurring-task-service]=8083
  [notification-service]=8084 [realtime-service]=8085 [stats-service]=8086)
say() { printf '[compose] %s\n' "$*" >&2; }
die() { printf '[compose] ERROR: %s\n' "$*" >&2; exit 1; }

command -v docker >/dev/null 2>&1 || die "docker is not installed: apt-get install docker.io"
command -v docker-compose >/dev/null 2>&1 || die "docker-compose is not installed: apt-get install docker-compose"
export TODO_AUTH_KEY=${TODO_AUTH_KEY:-$RT/dev-issuer/public.pem}

env_file() { # the secrets, made once
  [[ -f "$ENV_FILE" ]] && return
  mkdir -p "$(dirname "$ENV_FILE")"
  (umask 077
    echo "TODO_DB_PASSWORD=$(openssl rand -hex 16)"
    for app in "${APPS[@]}"; do
      local v=${app//-/_}; v=${v^^}
      echo "${v}_DAPR_API_TOKEN=$(openssl rand -hex 32)"
      echo "${v}_APP_API_TOKEN=$(openssl rand -hex 32)"
    done) >"$ENV_FILE.partial"
  mv "$ENV_FILE.partial" "$ENV_FILE"
}

COMPOSE() {
  env_file
  docker-compose -p todo-events --env-file "$ENV_FILE" -f "$ROOT/tools/compose/compose.yaml" "$@"
}

up() {
  docker info >/dev/null 2>&1 || die "no Docker engine answers (DOCKER_HOST=${DOCKER_HOST:-unix:///var/run/docker.sock}): start dockerd"
  [[ -s "$TODO_AUTH_KEY" ]] || die "no users' key at $TODO_AUTH_KEY: tools/dev-token.sh --init (or TODO_AUTH_KEY=<a public key PEM>)"
  local t0=$SECONDS
  env_file
  for image in "${APPS[@]}" kafka postgres daprd dapr; do
    [[ -f "$RT/images/$image.tar" ]] || die "no image $image: tools/images.sh $image (docs/containers.md)"
    docker load -q -i "$RT/images/$image.tar" >/dev/null
  done
  say "images loaded in $((SECONDS - t0)) s"
  # Sentry first: its root certificate (made on its first start, kept in its volume) is every
  # sidecar's DAPR_TRUST_ANCHORS, which daprd reads from its environment only.
  COMPOSE up -d sentry >"${ENV_FILE%/*}/up.log" 2>&1 || { tail -n 20 "${ENV_FILE%/*}/up.log" >&2; die "docker-compose up sentry failed (log: ${ENV_FILE%/*}/up.log)"; }
  local ca=""
  for _ in $(seq 60); do
    ca=$(docker cp todo-events_sentry_1:/var/lib/dapr/credentials/ca.crt - 2>/dev/null | tar -xO 2>/dev/null || true)
    [[ -n "$ca" ]] && break; sleep 1
  done
  [[ -n "$ca" ]] || die "Sentry made no root certificate in 60 s: tools/compose.sh logs sentry"
  export DAPR_TRUST_ANCHORS=$ca
  COMPOSE up -d >>"${ENV_FILE%/*}/up.log" 2>&1 || { tail -n 20 "${ENV_FILE%/*}/up.log" >&2; die "docker-compose up failed (log: ${ENV_FILE%/*}/up.log)"; }
  for app in "${APPS[@]}"; do
    local url=""
    for _ in $(seq 300); do
      # docker, not docker-compose: this asks every second.
      local hostport; hostport=$(docker port "todo-events_${app}_1" "${PORT[$app]}" 2>/dev/null | head -n 1 || true)
      url="http://127.0.0.1:${hostport##*:}"
      [[ -n "$hostport" ]] && curl -sf "$url/q/health/ready" >/dev/null 2>&1 && break
      url=""; sleep 1
    done
    [[ -n "$url" ]] || die "$app is not ready after 300 s: tools/compose.sh logs $app ${app}-dapr"
    say "$app ready at $url"
  done
  say "system ready in $((SECONDS - t0)) s"
}

case "${1:-}" in
  up) up ;;
  down) COMPOSE down -v --remove-orphans ;;
  ps|logs|port) COMPOSE "$@" ;;
  *) sed -n '2,12p' "$0"; exit 2 ;;
esac
