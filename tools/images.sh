#!/usr/bin/env bash
# Builds the OCI images of todo-events on this machine, from Debian's packages and what the build
# made, with no registry and no Docker engine:
#   todo-events/jre-base, python-base  debootstrap'd Debian bookworm roots (JRE 17 / Python 3)
#   todo-events/<app>                  the five Quarkus apps (task- and audit-service: their
#                                      PostgreSQL package), stats-service, on those bases
#   todo-events/kafka                  Kafka's Maven Central jars on the JRE base (KRaft, one node)
#   todo-events/daprd                  the daprd tools/bootstrap.sh built (static), nothing else
#   todo-events/postgres               Debian's PostgreSQL 15 (the cluster's and compose's database)
#   todo-events/dapr, coredns          tools/cluster.sh's: Dapr's operator, injector and Sentry;
#                                      CoreDNS (only when named: they need bootstrap --with-cluster)
#   todo-events/jaeger                 the Jaeger v2 tools/bootstrap.sh built (static) with
#                                      tools/jaeger/config.yaml: the node cluster's trace backend
#                                      (only when named)
# Each is .runtime/images/<name>.tar: an OCI image layout that is also a `docker save` archive.
# Every image runs as user 10001, Java apps with the local runs' JVM flags (app-jvm.flags).
#   tools/images.sh                     build the 8 images of the system (the apps must be packaged)
#   tools/images.sh task-service kafka  only these
#   tools/images.sh --load containerd   also import them into containerd (namespace k8s.io; another
#                                       socket: CONTAINERD_ADDRESS, which ctr reads)
#   tools/images.sh --load docker       also `docker load` them
# Reproducible: layers are sorted, dated SOURCE_DATE_EPOCH (the last commit's time) and owned by
# number, so the same inputs give the same digests; the Debian roots are cached by their package
# list in ${TODO_CACHE_DIR:-~/.cache/todo-events}/images (delete it to take newer packages).
# Needs root (debootstrap) and Debian's debootstrap: apt-get install debootstrap.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RT=${TODO_RUNTIME_DIR:-$ROOT/.runtime}
CACHE=${TODO_CACHE_DIR:-$HOME/.cache/todo-events}/images
OUT=$RT/images
TAG=0.1.0-SNAPSHOT
SUITE=bookworm
MIRROR=${TODO_DEBIAN_MIRROR:-http://deb.debian.org/debian}
mapfile -t APPS < <(grep -v "^#" "$ROOT/tools/apps.txt")
ALL=("${APPS[@]}" kafka daprd)
# Only when named: the cluster's and compose's own (dapr and coredns need bootstrap --with-cluster).
CLUSTER=(postgres dapr coredns jaeger)
say() { printf '[images] %s\n' "$*" >&2; }
die() { printf '[images] ERROR: %s\n' "$*" >&2; exit 1; }

LOAD=
WANT=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --load) LOAD=${2:-}; shift 2; [[ "$LOAD" == containerd || "$LOAD" == docker ]] || die "--load containerd|docker" ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) [[ " ${ALL[*]} ${CLUSTER[*]} " == *" $1 "* ]] || die "no image $1; the images are: ${ALL[*]} ${CLUSTER[*]}"; WANT+=("$1"); shift ;;
  esac
done
((${#WANT[@]})) || WANT=("${ALL[@]}")

[[ $(id -u) -eq 0 ]] || die "debootstrap needs root: run as root (sudo tools/images.sh)."
command -v debootstrap >/dev/null 2>&1 || die "debootstrap is not installed: apt-get install debootstrap"
command -v python3 >/dev/null 2>&1 || die "Python 3 is not installed: apt-get install python3"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 0)}
IMG="python3 $ROOT/tools/images/image.py"
mkdir -p "$CACHE" "$OUT" "$RT/logs"

# A Debian root with these packages, as one layer: base_layer NAME PACKAGES... The root is
# cached by its package list, the layer also by image.py (a change there re-layers, no download).
base_layer() {
  local name=$1; shift
  local stamp; stamp=$(echo "$SUITE $*" | sha256sum | cut -c1-16)
  local root=$CACHE/$name-$stamp.root
  local layer; layer=$CACHE/$name-$stamp-$(sha256sum "$ROOT/tools/images/image.py" | cut -c1-8).tar.gz
  if [[ -f "$layer" && -f "$layer.json" ]]; then echo "$layer"; return; fi
  if [[ ! -f "$root.packages" ]]; then
    local log=$RT/logs/debootstrap-$name.log
    say "$name: debootstrap $SUITE with $* (first time: a few minutes) ..."
    rm -rf "$root"
    local include; include=$(IFS=,; echo "$*")
    debootstrap --variant=minbase --include="$include" "$SUITE" "$root" "$MIRROR" >"$log" 2>&1 \
      || { tail -n 20 "$log" >&2; die "debootstrap of $name failed (log: $log). It needs $MIRROR (or TODO_DEBIAN_MIRROR)."; }
    # The unprivileged user every image runs as; no package caches, logs or lists in the image.
    echo "app:x:10001:10001:todo-events:/tmp:/usr/sbin/nologin" >>"$root/etc/passwd"
    echo "app:x:10001:" >>"$root/etc/group"
    rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/var/log/* "$root"/var/cache/debconf/*-old \
      "$root"/var/lib/dpkg/*-old "$root"/etc/machine-id "$root"/etc/hostname
    chroot "$root" dpkg-query -W -f '${Package} ${Version}\n' >"$root.packages.partial"
    mv "$root.packages.partial" "$root.packages"
  fi
  rm -f "$CACHE/$name-$stamp"-*.tar.gz*
  $IMG layer "$root" "$layer" --owner keep --exclude dev --exclude proc --exclude sys --exclude tmp --exclude run >/dev/null
  say "$name: $(wc -l <"$root.packages") packages, $(du -h "$layer" | cut -f1) (list: $root.packages)"
  echo "$layer"
}

# One layer of a folder: app_layer NAME SRC PREFIX
app_layer() {
  local layer=$OUT/layers/$1.tar.gz
  mkdir -p "$OUT/layers"
  $IMG layer "$2" "$layer" --prefix "$3" >/dev/null
  echo "$layer"
}

# Empty folders owned by the image's user, for volumes (Docker gives a new named volume the
# ownership of the folder it mounts on): data_layer NAME PARENT DIR... makes PARENT/DIR (PARENT
# itself stays root's; no leading /).
data_layer() {
  local name=$1 parent=$2; shift 2
  local stage=$OUT/stage/$name-data; rm -rf "$stage"; mkdir -p "$stage"
  for d in "$@"; do mkdir -p "$stage/$d"; done
  local layer=$OUT/layers/$name-data.tar.gz
  mkdir -p "$OUT/layers"
  $IMG layer "$stage" "$layer" --prefix "$parent" --owner 10001:10001 >/dev/null
  echo "$layer"
}

image() { # image NAME ARGS... (image.py image's options)
  local name=$1; shift
  local digest; digest=$($IMG image "$OUT/$name.tar" --name "todo-events/$name:$TAG" \
    --label "org.opencontainers.image.source=todo-events" --label "org.opencontainers.image.version=$TAG" "$@")
  echo "$digest" >"$OUT/$name.digest"
  say "$name: todo-events/$name:$TAG $digest ($(du -h "$OUT/$name.tar" | cut -f1))"
}

# An image of static binaries at /, with a CA bundle and the user: static_image NAME [image.py
# options] -- BINARY...
static_image() {
  local name=$1; shift
  local opts=()
  while [[ $1 != -- ]]; do opts+=("$1"); shift; done; shift
  local stage=$OUT/stage/$name; rm -rf "$stage"; mkdir -p "$stage/etc/ssl/certs" "$stage/tmp"
  for bin in "$@"; do
    [[ -x "$bin" ]] || die "no $bin: run tools/bootstrap.sh$([[ $name == daprd || $name == jaeger ]] || echo " --with-cluster") first"
    cp "$bin" "$stage/"
  done
  cp /etc/ssl/certs/ca-certificates.crt "$stage/etc/ssl/certs/" 2>/dev/null || true
  printf 'root:x:0:0:root:/root:/sbin/nologin\napp:x:10001:10001:todo-events:/tmp:/sbin/nologin\n' >"$stage/etc/passwd"
  printf 'root:x:0:\napp:x:10001:\n' >"$stage/etc/group"
  chmod 1777 "$stage/tmp"
  image "$name" --layer "$(app_layer "$name" "$stage" "")" --user 10001:10001 "${opts[@]}"
}

needs_jre=0; needs_python=0
for w in "${WANT[@]}"; do
  case "$w" in stats-service) needs_python=1 ;; daprd|dapr|coredns|postgres|jaeger) ;; *) needs_jre=1 ;; esac
done
((needs_jre)) && JRE=$(base_layer jre-base openjdk-17-jre-headless ca-certificates)
((needs_python)) && PY=$(base_layer python-base python3 ca-certificates)
[[ " ${WANT[*]} " == *" postgres "* ]] && PG=$(base_layer postgres-base postgresql-15)

mapfile -t JVM_FLAGS < <(grep -v '^#' "$ROOT/tools/local-runtime/src/main/resources/dev/todoevents/runtime/app-jvm.flags" | sed '/^\s*$/d')
json_array() { python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' "$@"; }

for w in "${WANT[@]}"; do
  case "$w" in
    task-service|audit-service|recurring-task-service|notification-service|realtime-service)
      pkg=$ROOT/services/$w/target/quarkus-app
      [[ "$w" == task-service || "$w" == audit-service ]] && pkg=$ROOT/services/$w/target/quarkus-app-postgresql
      [[ -f "$pkg/quarkus-run.jar" ]] || die "$w is not packaged ($pkg): ./mvnw -DskipTests package first"
      image "$w" --layer "$JRE" --layer "$(app_layer "$w" "$pkg" app)" --user 10001:10001 --workdir /app \
        --env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
        --entrypoint "$(json_array java "${JVM_FLAGS[@]}" -jar /app/quarkus-run.jar)"
      ;;
    stats-service)
      stage=$OUT/stage/stats-service; rm -rf "$stage"; mkdir -p "$stage/site-packages"
      python3 -m pip install -q --disable-pip-version-check --no-compile --target "$stage/site-packages" \
        -r "$ROOT/services/stats-service/requirements.txt" >"$RT/logs/images-pip.log" 2>&1 \
        || { tail -n 20 "$RT/logs/images-pip.log" >&2; die "pip install of stats-service's requirements failed (log: $RT/logs/images-pip.log)"; }
      cp "$ROOT/services/stats-service/app.py" "$stage/"
      cp -r "$ROOT/libs/event-contracts/src/main/resources/schemas" "$stage/schemas"
      find "$stage" -name __pycache__ -prune -exec rm -rf {} +
      image stats-service --layer "$PY" --layer "$(app_layer stats-service "$stage" app)" --user 10001:10001 \
        --workdir /app --env "PATH=/usr/sbin:/usr/bin:/sbin:/bin" --env PYTHONPATH=/app/site-packages \
        --env PYTHONUNBUFFERED=1 --env PYTHONDONTWRITEBYTECODE=1 --env TODO_SCHEMAS_DIR=/app/schemas \
        --entrypoint '["python3","/app/app.py"]'
      ;;
    kafka)
      [[ -d "$RT/kafka/libs" ]] || die "no Kafka jars in $RT/kafka/libs: run tools/bootstrap.sh first"
      stage=$OUT/stage/kafka; rm -rf "$stage"; mkdir -p "$stage"
      cp -r "$RT/kafka/libs" "$stage/libs"; rm -f "$stage/libs/"*.stamp
      cp "$ROOT/tools/images/kafka-entrypoint.sh" "$stage/entrypoint.sh"; chmod 755 "$stage/entrypoint.sh"
      cp "$ROOT/tools/images/kafka-log4j2.properties" "$stage/log4j2.properties"
      cp "$ROOT/tools/images/kafka-create-topics.sh" "$stage/create-topics.sh"; chmod 755 "$stage/create-topics.sh"
      cp "$ROOT/tools/images/kafka-topics.txt" "$stage/topics.txt"
      image kafka --layer "$JRE" --layer "$(app_layer kafka "$stage" opt/kafka)" \
        --layer "$(data_layer kafka var/lib kafka)" --user 10001:10001 \
        --workdir /opt/kafka --env "PATH=/usr/sbin:/usr/bin:/sbin:/bin" --env KAFKA_DATA=/var/lib/kafka \
        --port 9092 --entrypoint '["/opt/kafka/entrypoint.sh"]'
      ;;
    postgres)
      stage=$OUT/stage/postgres; rm -rf "$stage"; mkdir -p "$stage"
      cp "$ROOT/tools/images/postgres-entrypoint.sh" "$stage/entrypoint.sh"; chmod 755 "$stage/entrypoint.sh"
      image postgres --layer "$PG" --layer "$(app_layer postgres "$stage" usr/local/bin)" \
        --layer "$(data_layer postgres var/lib postgresql/data)" --user 10001:10001 \
        --env "PATH=/usr/lib/postgresql/15/bin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
        --env PGDATA=/var/lib/postgresql/data --port 5432 --entrypoint '["/usr/local/bin/entrypoint.sh"]'
      ;;
    daprd)
      # No entrypoint: Dapr's injector sets the sidecar's args to ["/daprd", ...] with no command,
      # as upstream's image (distroless, /daprd) expects.
      # /var/lib/todo: the Docker path's volumes (compose: state store, notification files).
      static_image daprd --cmd '["/daprd"]' --layer "$(data_layer daprd var/lib todo/state todo/notifications)" \
        -- "$RT/dapr/.dapr/bin/daprd" ;;
    dapr)
      # The control plane tools/cluster.sh installs with Dapr's Helm chart; the chart names the
      # command of each Deployment (/operator, /injector, /sentry).
      # (/var/lib/dapr/credentials: Sentry's issuer on the Docker path, a volume.)
      static_image dapr --layer "$(data_layer dapr var/lib dapr/credentials)" \
        -- "$RT/dapr/.dapr/bin/operator" "$RT/dapr/.dapr/bin/injector" "$RT/dapr/.dapr/bin/sentry" ;;
    jaeger)
      # On every interface at the usual ports (OTLP gRPC 4317, HTTP 4318, query 16686); the same
      # config.yaml as the local runs, which name loopback and free ports.
      stage=$OUT/stage/jaeger-config; rm -rf "$stage"; mkdir -p "$stage"
      cp "$ROOT/tools/jaeger/config.yaml" "$stage/config.yaml"
      static_image jaeger --layer "$(app_layer jaeger-config "$stage" etc/jaeger)" \
        --env JAEGER_HOST=0.0.0.0 --env JAEGER_OTLP_GRPC_PORT=4317 --env JAEGER_OTLP_HTTP_PORT=4318 \
        --env JAEGER_QUERY_HTTP_PORT=16686 --env JAEGER_QUERY_GRPC_PORT=16685 \
        --env JAEGER_HEALTH_PORT=13133 --env JAEGER_METRICS_PORT=8888 \
        --port 4317 --port 4318 --port 16686 --port 13133 \
        --entrypoint '["/jaeger"]' --cmd '["--config","/etc/jaeger/config.yaml"]' -- "$RT/jaeger/jaeger" ;;
    coredns)
      static_image coredns --entrypoint '["/coredns"]' --cmd '["-conf","/etc/coredns/Corefile"]' -- "$RT/k8s/bin/coredns" ;;
  esac
done

case "$LOAD" in
  containerd)
    command -v ctr >/dev/null 2>&1 || die "ctr is not installed: apt-get install containerd"
    for w in "${WANT[@]}"; do ctr -n k8s.io images import --no-unpack=false "$OUT/$w.tar" >/dev/null; done
    say "imported into containerd (namespace k8s.io): ${WANT[*]}" ;;
  docker)
    command -v docker >/dev/null 2>&1 || die "docker is not installed: apt-get install docker.io"
    for w in "${WANT[@]}"; do docker load -q -i "$OUT/$w.tar" >/dev/null; done
    say "loaded into Docker: ${WANT[*]}" ;;
esac
