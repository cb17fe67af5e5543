#!/usr/bin/env bash
# Installs what todo-events needs to run, into .runtime/ (git-ignored), and reuses it next time:
#   daprd      built from github.com/dapr/dapr (version in tools/daprd/go.mod), with Sentry (mTLS CA)
#   dapr CLI   built from github.com/dapr/cli  (version in tools/dapr-cli/go.mod)
#   Kafka      broker jars from Maven Central (version in tools/kafka/pom.xml)
#   PostgreSQL server from Debian's packages, only with --with-postgres (tests need it)
#   Chromium + ChromeDriver from Debian's packages, only with --with-browser (the browser test)
#   kube-apiserver, kubectl, etcd built from their Go modules (versions in tools/k8s/go.mod),
#              only with --with-k8s (the manifest tests run a real API server), with the CRDs
#              of Dapr, Strimzi, RabbitMQ's topology operator and KEDA (.runtime/k8s/crds)
#   Jaeger     v2, the OTLP trace backend, built from its Go module (version in tools/jaeger/go.mod;
#              tools/run.sh and the tracing test start it)
#   Apicurio Registry  its distribution from Maven Central, only with --with-registry (the schema
#              registry test; tools/schemas.sh registers the contracts); it needs a Java 21+,
#              found in /usr/lib/jvm or named by TODO_REGISTRY_JAVA
#   Python     a venv for stats-service with its requirements.txt (pip)
#   promtool   from Debian's prometheus package, only with --with-promtool (checks the alert rules;
#              its prometheus server scrapes the local run and the observability test)
#   redis-server, rabbitmq-server, nats-server from Debian's packages, only with --with-brokers
#              (the other brokers behind `pubsub`: TODO_BROKER, the broker matrix test)
#   mechanical-markdown  from PyPI into its own venv, only with --with-docs (runs README's
#              walkthrough as a test: tools/e2e-tests ExecutableDocsIT); with it @asyncapi/parser
#              from npm (AsyncApiDocumentTest validates the event document)
#   debootstrap, runc, docker.io, docker-compose   Debian's, only with --with-containers (tools/images.sh
#              builds the images, ContainerImagesIT runs the system from them)
#   the single node of tools/cluster.sh, only with --with-cluster (implies --with-k8s and
#              --with-containers): kubelet, kube-controller-manager, kube-scheduler, kube-proxy from
#              k8s.io/kubernetes, Dapr's operator and injector, Helm, CoreDNS from their modules;
#              Debian's containerd, containernetworking-plugins, iptables
# Safe to run again: each piece is rebuilt only when its recipe changed.
# Needs: Go >= 1.25, a JDK 17+, Maven 3.8+. Prints what is missing and how to get it.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RT=${TODO_RUNTIME_DIR:-$ROOT/.runtime}
WITH_POSTGRES=0
WITH_BROWSER=0
WITH_K8S=0
WITH_PROMTOOL=0
WITH_BROKERS=0
WITH_DOCS=0
WITH_CONTAINERS=0
WITH_CLUSTER=0
WITH_REGISTRY=0
for arg in "$@"; do
  case "$arg" in
    --with-postgres) WITH_POSTGRES=1 ;;
    --with-browser) WITH_BROWSER=1 ;;
    --with-k8s) WITH_K8S=1 ;;
    --with-promtool) WITH_PROMTOOL=1 ;;
    --with-brokers) WITH_BROKERS=1 ;;
    --with-docs) WITH_DOCS=1 ;;
    --with-containers) WITH_CONTAINERS=1 ;;
    --with-cluster) WITH_CLUSTER=1; WITH_K8S=1; WITH_CONTAINERS=1 ;;
    --with-registry) WITH_REGISTRY=1 ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "bootstrap: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { printf '[bootstrap] %s\n' "$*" >&2; }
die() { printf '[bootstrap] ERROR: %s\n' "$*" >&2; exit 1; }

# ---- toolchains -------------------------------------------------------------------------
command -v go >/dev/null 2>&1 || die "Go is not installed (needed to build daprd and the dapr CLI).
  Install Go 1.25 or newer ('apt-get install golang-go' if your distribution's is new enough, else the
  official Go release archive) and put its bin/ folder on PATH."
command -v java >/dev/null 2>&1 || die "Java is not installed. Install a JDK 17: 'apt-get install openjdk-17-jdk-headless'."
command -v unzip >/dev/null 2>&1 || die "unzip is not installed (./mvnw unpacks Maven with it). Install it: 'apt-get install unzip'."
mvn() { "$ROOT/mvnw" "$@"; } # the pinned Maven of .mvn/wrapper, fetched on first use

go_version=$(go env GOVERSION | sed 's/^go//')
go_major=${go_version%%.*}; go_rest=${go_version#*.}; go_minor=${go_rest%%.*}
if (( go_major < 1 || (go_major == 1 && go_minor < 25) )); then
  die "Go $go_version is too old: daprd needs Go 1.25 or newer (found $(command -v go))."
fi
java_version() { "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}'; }
java_major=$(java_version java)
if [[ -z "$java_major" || "${java_major%%.*}" -lt 17 ]]; then
  die "Java ${java_major:-unknown} is too old: the services need Java 17 or newer (JAVA_HOME=${JAVA_HOME:-unset})."
fi

mkdir -p "$RT" "$RT/logs"

# A stamp is the hash of a recipe's files plus the toolchain; a piece is rebuilt when it changes.
stamp_of() { (cat "$@"; go env GOVERSION) | sha256sum | cut -c1-16; }

build_go() { # name src-dir output version-ldflags [package, default: the src-dir's main]
  local name=$1 dir=$2 out=$3 ldflags=$4 pkg=${5:-.}
  local stamp; stamp=$(stamp_of "$dir"/go.mod "$dir"/go.sum "$dir"/*.go)
  if [[ -x "$out" && -f "$out.stamp" && "$(cat "$out.stamp")" == "$stamp" ]]; then
    say "$name: up to date ($out)"
    return
  fi
  say "$name: building from Go modules (first time on 2 cores: daprd ~8 min, CLI ~4 min, Jaeger ~7 min, kube-apiserver + kubectl + etcd ~7 min) ..."
  mkdir -p "$(dirname "$out")"
  local log="$RT/logs/build-$name.log"; mkdir -p "$RT/logs"
  if ! (cd "$dir" && CGO_ENABLED=0 go build -mod=readonly -trimpath -ldflags "-s -w $ldflags" -o "$out.tmp" "$pkg") >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "$name build failed (full log: $log). If a module download was refused, the Go module proxy
  may not serve that version; check GOPROXY ($(go env GOPROXY)) and network access to it."
  fi
  mv "$out.tmp" "$out"
  echo "$stamp" >"$out.stamp"
  say "$name: built $out"
}

module_version() { awk -v m="$2" '$1 == m || ($1 == "require" && $2 == m) {print ($1 == "require") ? $3 : $2; exit}' "$1"; }

DAPR_VERSION=$(module_version "$ROOT/tools/daprd/go.mod" github.com/dapr/dapr)
CLI_VERSION=$(module_version "$ROOT/tools/dapr-cli/go.mod" github.com/dapr/cli)
[[ -n "$DAPR_VERSION" && -n "$CLI_VERSION" ]] || die "cannot read pinned dapr versions from tools/*/go.mod"

# The dapr CLI looks for daprd in <runtime-path>/.dapr/bin (DAPR_RUNTIME_PATH=$RT/dapr).
build_go daprd "$ROOT/tools/daprd" "$RT/dapr/.dapr/bin/daprd" \
  "-X github.com/dapr/dapr/pkg/buildinfo.version=${DAPR_VERSION#v}"
# Sentry, Dapr's certificate authority, from the same module: it gives every sidecar its mTLS
# identity (SPIFFE ID), which the access-control policy in tools/dapr/task-service-config.yaml reads.
build_go sentry "$ROOT/tools/daprd" "$RT/dapr/.dapr/bin/sentry" \
  "-X github.com/dapr/dapr/pkg/buildinfo.version=${DAPR_VERSION#v}" github.com/dapr/dapr/cmd/sentry
build_go dapr-cli "$ROOT/tools/dapr-cli" "$RT/dapr/bin/dapr" \
  "-X main.version=${CLI_VERSION#v} -X main.apiVersion=1.0"

# ---- Kafka ------------------------------------------------------------------------------
kafka_stamp=$(sha256sum "$ROOT/tools/kafka/pom.xml" | cut -c1-16)
if [[ -f "$RT/kafka/libs.stamp" && "$(cat "$RT/kafka/libs.stamp")" == "$kafka_stamp" ]]; then
  say "kafka: up to date ($RT/kafka/libs)"
else
  say "kafka: fetching broker jars from Maven Central ..."
  rm -rf "$RT/kafka/libs"; mkdir -p "$RT/kafka" "$RT/logs"
  if ! mvn -B -q -f "$ROOT/tools/kafka/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$RT/kafka/libs" >"$RT/logs/kafka-fetch.log" 2>&1; then
    tail -n 20 "$RT/logs/kafka-fetch.log" >&2
    die "could not fetch the Kafka jars (log: $RT/logs/kafka-fetch.log). Maven must reach Maven Central;
  a 404 cached from an earlier try clears with: mvn -U -f tools/kafka/pom.xml dependency:copy-dependencies"
  fi
  echo "$kafka_stamp" >"$RT/kafka/libs.stamp"
  say "kafka: $(ls "$RT/kafka/libs" | wc -l) jars in $RT/kafka/libs"
fi

# ---- Jaeger (the OTLP trace backend of tools/run.sh and the tracing test) --------------------
build_go jaeger "$ROOT/tools/jaeger" "$RT/jaeger/jaeger" "" github.com/jaegertracing/jaeger/cmd/jaeger

# ---- Apicurio Registry (the schema-registry test, tools/schemas.sh) -------------------------
# The Quarkus fast-jar that Apicurio publishes as io.apicurio:apicurio-registry-app:<v>:tar.gz:all
# (in-memory H2 storage by default). It is built for Java 21. $RT/apicurio/launch names the Java
# that runs it and its quarkus-run.jar, a line each (SchemaRegistryServer reads it).
APICURIO_VERSION=3.3.3
if (( WITH_REGISTRY )); then
  registry_java=${TODO_REGISTRY_JAVA:-}
  if [[ -z "$registry_java" ]]; then
    for j in "${JAVA_HOME:-/nonexistent}/bin/java" "$(command -v java)" /usr/lib/jvm/*/bin/java; do
      [[ -x "$j" ]] || continue
      v=$(java_version "$j")
      if [[ -n "$v" && "${v%%.*}" -ge 21 ]]; then registry_java=$j; break; fi
    done
  fi
  [[ -n "$registry_java" && -x "$registry_java" ]] || die "Apicurio Registry $APICURIO_VERSION needs Java 21 or newer, and none was found
  (looked at JAVA_HOME, PATH and /usr/lib/jvm/*). Install one ('apt-get install openjdk-21-jre-headless')
  or name its java with TODO_REGISTRY_JAVA=/path/to/bin/java."
  if [[ -f "$RT/apicurio/$APICURIO_VERSION/quarkus-run.jar" ]]; then
    say "apicurio: up to date ($RT/apicurio/$APICURIO_VERSION)"
  else
    say "apicurio: fetching io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all from Maven Central (158 MB) ..."
    rm -rf "$RT/apicurio/$APICURIO_VERSION.tmp"; mkdir -p "$RT/apicurio/$APICURIO_VERSION.tmp" "$RT/logs"
    if ! (cd "$RT/apicurio" && mvn -B -q dependency:unpack \
        -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" \
        -DoutputDirectory="$RT/apicurio/$APICURIO_VERSION.tmp") >"$RT/logs/apicurio-fetch.log" 2>&1 \
        || [[ ! -f "$RT/apicurio/$APICURIO_VERSION.tmp/quarkus-run.jar" ]]; then
      tail -n 20 "$RT/logs/apicurio-fetch.log" >&2
      die "could not fetch Apicurio Registry (log: $RT/logs/apicurio-fetch.log). Maven must reach Maven Central."
    fi
    rm -rf "$RT/apicurio/$APICURIO_VERSION"; mv "$RT/apicurio/$APICURIO_VERSION.tmp" "$RT/apicurio/$APICURIO_VERSION"
  fi
  printf '%s\n%s\n' "$registry_java" "$RT/apicurio/$APICURIO_VERSION/quarkus-run.jar" >"$RT/apicurio/launch"
  say "apicurio: $APICURIO_VERSION, run by $registry_java"
fi

# ---- Kubernetes API server, kubectl, etcd (the manifest tests only) -------------------------
# ---- Dapr's CRDs (always: the YAML linter checks every Dapr resource against them) ------------
# From the dapr module daprd is built from, so they follow tools/daprd/go.mod.
if [[ -f "$RT/k8s/crds/dapr/.stamp" && "$(cat "$RT/k8s/crds/dapr/.stamp")" == "$DAPR_VERSION" ]]; then
  say "crds: Dapr's up to date ($RT/k8s/crds/dapr)"
else
  rm -rf "$RT/k8s/crds/dapr"; mkdir -p "$RT/k8s/crds/dapr"
  dapr_dir=$(cd "$ROOT/tools/daprd" && go list -m -f '{{.Dir}}' github.com/dapr/dapr) \
    || die "cannot find the github.com/dapr/dapr module (it is downloaded when daprd is built)"
  for crd in components subscription resiliency configuration; do
    cp "$dapr_dir/charts/dapr/crds/$crd.yaml" "$RT/k8s/crds/dapr/" || die "no $crd CRD in $dapr_dir/charts/dapr/crds"
  done
  chmod -R u+w "$RT/k8s/crds/dapr"
  echo "$DAPR_VERSION" >"$RT/k8s/crds/dapr/.stamp"
  say "crds: Dapr's $DAPR_VERSION in $RT/k8s/crds/dapr"
fi

if (( WITH_K8S )); then
  K8S_VERSION=$(module_version "$ROOT/tools/k8s/go.mod" k8s.io/kubernetes)
  [[ -n "$K8S_VERSION" ]] || die "cannot read the pinned k8s.io/kubernetes version from tools/k8s/go.mod"
  k8s_minor=${K8S_VERSION#v1.}; k8s_minor=${k8s_minor%%.*}
  k8s_ldflags="-X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$k8s_minor"
  build_go kube-apiserver "$ROOT/tools/k8s" "$RT/k8s/bin/kube-apiserver" "$k8s_ldflags" k8s.io/kubernetes/cmd/kube-apiserver
  build_go kubectl "$ROOT/tools/k8s" "$RT/k8s/bin/kubectl" "$k8s_ldflags" k8s.io/kubernetes/cmd/kubectl
  build_go etcd "$ROOT/tools/k8s" "$RT/k8s/bin/etcd" "" go.etcd.io/etcd/server/v3
  if (( WITH_CLUSTER )); then
    for cmd in kubelet kube-controller-manager kube-scheduler kube-proxy; do
      build_go "$cmd" "$ROOT/tools/k8s" "$RT/k8s/bin/$cmd" "$k8s_ldflags" "k8s.io/kubernetes/cmd/$cmd"
    done
    # Dapr's control plane (with the Sentry above), Helm for Dapr's chart, CoreDNS for the
    # cluster's names: each from its Go module (tools/helm, tools/coredns pin theirs).
    for cmd in operator injector; do
      build_go "$cmd" "$ROOT/tools/daprd" "$RT/dapr/.dapr/bin/$cmd" \
        "-X github.com/dapr/dapr/pkg/buildinfo.version=${DAPR_VERSION#v}" "github.com/dapr/dapr/cmd/$cmd"
    done
    build_go helm "$ROOT/tools/helm" "$RT/k8s/bin/helm" "" helm.sh/helm/v3/cmd/helm
    build_go coredns "$ROOT/tools/coredns" "$RT/k8s/bin/coredns" "" github.com/coredns/coredns
  fi
  # The CRDs the manifests use, from the projects themselves: Dapr's from the dapr module daprd
  # is built from, Strimzi's from its Maven artifact (tools/k8s/pom.xml), and the RabbitMQ
  # messaging-topology operator's (k8s/rabbitmq) from its Go module.
  TOPOLOGY_OPERATOR_VERSION=v1.16.0
  crd_stamp=$( (cat "$ROOT/tools/k8s/pom.xml"; echo "$DAPR_VERSION $TOPOLOGY_OPERATOR_VERSION") | sha256sum | cut -c1-16)
  if [[ -f "$RT/k8s/crds.stamp" && "$(cat "$RT/k8s/crds.stamp")" == "$crd_stamp" ]]; then
    say "crds: up to date ($RT/k8s/crds)"
  else
    rm -rf "$RT/k8s/crds/strimzi" "$RT/k8s/crds/rabbitmq" "$RT/k8s/crds/keda"
    mkdir -p "$RT/k8s/crds/strimzi" "$RT/k8s/crds/rabbitmq"
    if ! mvn -B -q -f "$ROOT/tools/k8s/pom.xml" dependency:unpack -Dcrds.dir="$RT/k8s/crds/strimzi" \
        >"$RT/logs/strimzi-crds.log" 2>&1; then
      tail -n 20 "$RT/logs/strimzi-crds.log" >&2
      die "could not fetch Strimzi's CRDs (log: $RT/logs/strimzi-crds.log). Maven must reach Maven Central."
    fi
    ls "$RT/k8s/crds/strimzi/"*.yaml >/dev/null 2>&1 \
      || die "Strimzi's CRDs were not unpacked into $RT/k8s/crds/strimzi (log: $RT/logs/strimzi-crds.log)"
    # (from $RT: outside any module, so the download needs no go.mod entry)
    topology_dir=$(cd "$RT" && go mod download -json "github.com/rabbitmq/messaging-topology-operator@$TOPOLOGY_OPERATOR_VERSION" \
      | awk -F'"' '$2 == "Dir" {print $4}') && [[ -n "$topology_dir" ]] \
      || die "could not download github.com/rabbitmq/messaging-topology-operator@$TOPOLOGY_OPERATOR_VERSION (GOPROXY: $(go env GOPROXY))"
    for crd in exchanges queues bindings policies; do
      cp "$topology_dir/config/crd/bases/rabbitmq.com_$crd.yaml" "$RT/k8s/crds/rabbitmq/" \
        || die "no $crd CRD in $topology_dir/config/crd/bases"
    done
    chmod -R u+w "$RT/k8s/crds/strimzi" "$RT/k8s/crds/rabbitmq"
    echo "$crd_stamp" >"$RT/k8s/crds.stamp"
    say "crds: $(ls "$RT/k8s/crds/dapr" "$RT/k8s/crds/strimzi" "$RT/k8s/crds/rabbitmq" | grep -c yaml) CRD files in $RT/k8s/crds"
  fi
  # KEDA's (k8s/components/keda: autoscaling on consumer lag) from its Go module. Its stamp lives
  # inside its folder, so a refetch of the others above (which removes it) refetches it too.
  KEDA_VERSION=v2.21.0
  if [[ -f "$RT/k8s/crds/keda/.stamp" && "$(cat "$RT/k8s/crds/keda/.stamp")" == "$KEDA_VERSION" ]]; then
    say "crds: KEDA up to date ($RT/k8s/crds/keda, $KEDA_VERSION)"
  else
    rm -rf "$RT/k8s/crds/keda"; mkdir -p "$RT/k8s/crds/keda"
    keda_dir=$(cd "$RT" && go mod download -json "github.com/kedacore/keda/v2@$KEDA_VERSION" \
      | awk -F'"' '$2 == "Dir" {print $4}') && [[ -n "$keda_dir" ]] \
      || die "could not download github.com/kedacore/keda/v2@$KEDA_VERSION (GOPROXY: $(go env GOPROXY))"
    for crd in scaledobjects triggerauthentications; do
      cp "$keda_dir/config/crd/bases/keda.sh_$crd.yaml" "$RT/k8s/crds/keda/" \
        || die "no $crd CRD in $keda_dir/config/crd/bases"
    done
    chmod -R u+w "$RT/k8s/crds/keda"
    echo "$KEDA_VERSION" >"$RT/k8s/crds/keda/.stamp"
    say "crds: KEDA $KEDA_VERSION's ScaledObject and TriggerAuthentication in $RT/k8s/crds/keda"
  fi
fi

# ---- PostgreSQL (tests only) ----------------------------------------------------------------
if (( WITH_POSTGRES )); then
  if ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || [[ -n "${PG_BIN:-}" && -x "${PG_BIN}/postgres" ]]; then
    say "postgresql: found $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -1)${PG_BIN:+ (PG_BIN=$PG_BIN)}"
  elif [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "postgresql: installing Debian's postgresql package ..."
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >"$RT/logs/apt-postgresql.log" 2>&1 \
      || die "apt-get install postgresql failed (log: $RT/logs/apt-postgresql.log)"
  else
    die "PostgreSQL server binaries are missing (the PostgreSQL test starts a real server).
  Install them with 'sudo apt-get install postgresql', or set PG_BIN to a folder with postgres and initdb."
  fi
fi

# ---- Chromium + ChromeDriver (the browser test only) ----------------------------------------
if (( WITH_BROWSER )); then
  CHROMIUM=${TODO_CHROMIUM:-/usr/bin/chromium}
  CHROMEDRIVER=${TODO_CHROMEDRIVER:-/usr/bin/chromedriver}
  if [[ -x "$CHROMIUM" && -x "$CHROMEDRIVER" ]]; then
    say "browser: found $("$CHROMEDRIVER" --version 2>/dev/null | cut -d' ' -f1-2)"
  elif [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "browser: installing Debian's chromium and chromium-driver packages ..."
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; } >"$RT/logs/apt-chromium.log" 2>&1 \
      || die "apt-get install chromium chromium-driver failed (log: $RT/logs/apt-chromium.log)"
  else
    die "Chromium and ChromeDriver are missing (the browser test drives a real headless Chromium).
  Install them with 'sudo apt-get install chromium chromium-driver', or set TODO_CHROMIUM and
  TODO_CHROMEDRIVER to a Chromium binary and its matching chromedriver."
  fi
fi

# ---- Python for stats-service (a venv with services/stats-service/requirements.txt) -------------
REQ="$ROOT/services/stats-service/requirements.txt"
py_stamp=$( (cat "$REQ"; python3 --version 2>&1) | sha256sum | cut -c1-16)
if [[ -x "$RT/python/bin/python" && -f "$RT/python/stamp" && "$(cat "$RT/python/stamp")" == "$py_stamp" ]]; then
  say "python: up to date ($RT/python)"
else
  command -v python3 >/dev/null 2>&1 || die "Python 3 is not installed (stats-service is written in it). Install it: 'apt-get install python3 python3-venv'."
  say "python: making a venv in $RT/python with $(grep -v '^#' "$REQ" | tr '\n' ' ')..."
  rm -rf "$RT/python"; mkdir -p "$RT/logs"
  python3 -m venv "$RT/python" >"$RT/logs/python-venv.log" 2>&1 \
    || die "python3 -m venv failed (log: $RT/logs/python-venv.log). On Debian: 'apt-get install python3-venv'."
  "$RT/python/bin/pip" install -q -r "$REQ" >>"$RT/logs/python-venv.log" 2>&1 \
    || die "pip could not install $REQ (log: $RT/logs/python-venv.log); pip must reach its package index (PyPI or PIP_INDEX_URL)."
  echo "$py_stamp" >"$RT/python/stamp"
  say "python: ready ($("$RT/python/bin/python" --version))"
fi

# ---- mechanical-markdown (the executable docs test only) ------------------------------------
# Its own venv, not stats-service's: that one is remade whenever requirements.txt changes.
if (( WITH_DOCS )); then
  MM_VERSION=0.8.0
  MM="$RT/mechanical-markdown"
  mm_stamp=$(echo "$MM_VERSION $(python3 --version 2>&1)" | sha256sum | cut -c1-16)
  if [[ -x "$MM/bin/mm.py" && -f "$MM/stamp" && "$(cat "$MM/stamp")" == "$mm_stamp" ]]; then
    say "docs: mechanical-markdown up to date ($MM)"
  else
    command -v python3 >/dev/null 2>&1 || die "Python 3 is not installed (mechanical-markdown runs on it). Install it: 'apt-get install python3 python3-venv'."
    say "docs: installing mechanical-markdown $MM_VERSION from PyPI into $MM ..."
    rm -rf "$MM"; mkdir -p "$RT/logs"
    python3 -m venv "$MM" >"$RT/logs/mechanical-markdown.log" 2>&1 \
      || die "python3 -m venv failed (log: $RT/logs/mechanical-markdown.log). On Debian: 'apt-get install python3-venv'."
    if ! "$MM/bin/pip" install --disable-pip-version-check -q --retries 2 --timeout 20 \
        "mechanical-markdown==$MM_VERSION" >>"$RT/logs/mechanical-markdown.log" 2>&1; then
      tail -n 5 "$RT/logs/mechanical-markdown.log" >&2
      rm -rf "$MM"
      die "pip could not install mechanical-markdown==$MM_VERSION (log: $RT/logs/mechanical-markdown.log).
  pip must reach PyPI (https://pypi.org) or the index in PIP_INDEX_URL; check the network or proxy."
    fi
    echo "$mm_stamp" >"$MM/stamp"
    say "docs: ready ($("$MM/bin/mm.py" --version 2>&1 | tail -1))"
  fi
fi

# ---- the AsyncAPI parser (AsyncApiDocumentTest validates the event document with it) ----------
if (( WITH_DOCS )); then
  ASYNCAPI_PARSER_VERSION=3.6.6
  AP="$RT/node/asyncapi"
  if [[ -f "$AP/node_modules/@asyncapi/parser/package.json" ]] \
      && grep -q "\"version\": \"$ASYNCAPI_PARSER_VERSION\"" "$AP/node_modules/@asyncapi/parser/package.json"; then
    say "docs: @asyncapi/parser $ASYNCAPI_PARSER_VERSION up to date ($AP)"
  else
    command -v npm >/dev/null 2>&1 || die "npm is not installed (the AsyncAPI parser comes from npm). Install Node.js 18+ with npm: 'apt-get install nodejs npm'."
    say "docs: installing @asyncapi/parser $ASYNCAPI_PARSER_VERSION from npm into $AP ..."
    rm -rf "$AP"; mkdir -p "$AP" "$RT/logs"
    npm install --prefix "$AP" --no-audit --no-fund "@asyncapi/parser@$ASYNCAPI_PARSER_VERSION" >"$RT/logs/asyncapi-parser.log" 2>&1 \
      || { tail -n 5 "$RT/logs/asyncapi-parser.log" >&2; rm -rf "$AP"; die "npm could not install @asyncapi/parser (log: $RT/logs/asyncapi-parser.log); npm must reach its registry (npm config get registry)."; }
    say "docs: @asyncapi/parser $ASYNCAPI_PARSER_VERSION ready"
  fi
fi

# ---- promtool (the alert-rule and dashboard checks only) -------------------------------------
if (( WITH_PROMTOOL )); then
  PROMTOOL=${TODO_PROMTOOL:-/usr/bin/promtool}
  if [[ -x "$PROMTOOL" ]]; then
    say "promtool: found $("$PROMTOOL" --version 2>&1 | head -1 | cut -d' ' -f1-3)"
  elif [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "promtool: installing Debian's prometheus package (for its promtool; no server is started) ..."
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus; } \
      >"$RT/logs/apt-prometheus.log" 2>&1 || die "apt-get install prometheus failed (log: $RT/logs/apt-prometheus.log)"
  else
    die "promtool is missing (the tests check k8s/observability/ with it).
  Install it with 'sudo apt-get install prometheus', or set TODO_PROMTOOL to a promtool binary."
  fi
fi

# ---- the other pubsub brokers (TODO_BROKER, the broker matrix test) ---------------------------
if (( WITH_BROKERS )); then
  missing=()
  for pkg in redis-server:redis-server rabbitmq-server:rabbitmq-server nats-server:nats-server; do
    bin=${pkg%%:*}
    command -v "$bin" >/dev/null 2>&1 || [[ -x "/usr/sbin/$bin" ]] || missing+=("${pkg#*:}")
  done
  if (( ${#missing[@]} == 0 )); then
    say "brokers: found redis-server, rabbitmq-server, nats-server"
  elif [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "brokers: installing Debian's ${missing[*]} (the tests start their own servers; none is left running) ..."
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } \
      >"$RT/logs/apt-brokers.log" 2>&1 || die "apt-get install ${missing[*]} failed (log: $RT/logs/apt-brokers.log)"
  else
    die "${missing[*]} missing (the broker matrix starts real Redis, RabbitMQ and NATS servers).
  Install them with 'sudo apt-get install ${missing[*]}'."
  fi
fi

# ---- containerd, CNI plugins, iptables (tools/cluster.sh's node) -------------------------------
if (( WITH_CLUSTER )); then
  missing=()
  command -v containerd >/dev/null 2>&1 || missing+=(containerd)
  [[ -x /usr/lib/cni/bridge ]] || missing+=(containernetworking-plugins)
  command -v iptables >/dev/null 2>&1 || missing+=(iptables)
  command -v gcc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
  if (( ${#missing[@]} == 0 )); then
    say "cluster: found containerd $(containerd --version | awk '{print $3}'), CNI plugins, iptables"
  elif [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "cluster: installing Debian's ${missing[*]} ..."
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } \
      >"$RT/logs/apt-cluster.log" 2>&1 || die "apt-get install ${missing[*]} failed (log: $RT/logs/apt-cluster.log)"
  else
    die "${missing[*]} missing (tools/cluster.sh's node). Install them with 'sudo apt-get install ${missing[*]}'."
  fi
fi

# ---- debootstrap + runc (the container images and their test) -------------------------------
# (and Docker's engine and compose for the Docker path, tools/compose.sh and ComposeIT)
if (( WITH_CONTAINERS )); then
  if command -v debootstrap >/dev/null 2>&1 && command -v runc >/dev/null 2>&1 \
      && command -v dockerd >/dev/null 2>&1 && command -v docker-compose >/dev/null 2>&1; then
    say "containers: found debootstrap, $(runc --version | head -1), $(dockerd --version), $(docker-compose --version)"
  elif [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "containers: installing Debian's debootstrap, runc, docker.io and docker-compose ..."
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap runc docker.io docker-compose; } \
      >"$RT/logs/apt-containers.log" 2>&1 || die "apt-get install debootstrap runc docker.io docker-compose failed (log: $RT/logs/apt-containers.log)"
  else
    die "debootstrap, runc, docker.io or docker-compose is missing (tools/images.sh builds the images with
  debootstrap, as root; the container tests run them with runc and Docker). Install them with
  'sudo apt-get install debootstrap runc docker.io docker-compose'."
  fi
fi

"$RT/dapr/.dapr/bin/daprd" --version >/dev/null || die "daprd at $RT/dapr/.dapr/bin/daprd does not run"
say "ready: daprd $("$RT/dapr/.dapr/bin/daprd" --version), dapr CLI ${CLI_VERSION#v}, Kafka jars $(basename "$(ls "$RT"/kafka/libs/kafka_2.13-*.jar)" .jar | sed 's/kafka_2.13-//')"
