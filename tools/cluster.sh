#!/usr/bin/env bash
# A single-node Kubernetes on this machine, from the registries: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kubelet and kube-proxy built from their Go modules at
# the pinned version (tools/k8s/go.mod, by tools/bootstrap.sh --with-cluster), Debian's containerd,
# runc and CNI plugins, a pause image built from Kubernetes' pause.c. Everything lives in
# .runtime/cluster (certificates, etcd, containerd's root, kubelet's root, logs; TODO_CLUSTER_DIR
# elsewhere); nothing is pulled. Its ports are picked free on `up` and kept in $C/ports until `down`.
#   tools/cluster.sh up       start it (idempotent), wait until the node is Ready, then install
#                             CoreDNS and Dapr's control plane (Dapr's Helm chart, local images)
#   tools/cluster.sh deploy   import the system's images (tools/images.sh), make the Secrets and
#                             apply k8s/overlays/node; waits until every pod is ready
#   tools/cluster.sh undeploy delete the namespace todo-events
#   tools/cluster.sh down     stop every process and pod it started, remove its network
#   tools/cluster.sh status   what runs, and the node
#   tools/cluster.sh kubectl ARGS...   kubectl with the cluster's admin kubeconfig
# Needs root (kubelet, containerd, iptables). The machine's cgroups are v1: kubelet runs with
# failCgroupV1: false (Kubernetes 1.35+ refuses v1 unless told), and containerd 1.6 is the last
# line Kubernetes 1.37 still accepts.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RT=${TODO_RUNTIME_DIR:-$ROOT/.runtime}
C=${TODO_CLUSTER_DIR:-$RT/cluster}
BIN=$RT/k8s/bin
PKI=$C/pki
# containerd's socket, and its .ttrpc sibling, must fit a unix socket path (104 bytes): not under
# $C, which may be deep (a test's folder), but in /run, named after $C.
SOCK=/run/todo-cluster-$(echo "$C" | sha256sum | cut -c1-12)/containerd.sock
NODE=todo-node
SERVICE_CIDR=10.96.0.0/12
POD_CIDR=10.244.0.0/24
PAUSE_IMAGE=registry.k8s.io/pause:3.10.2
say() { printf '[cluster] %s\n' "$*" >&2; }
die() { printf '[cluster] ERROR: %s\n' "$*" >&2; exit 1; }
KUBECTL() { "$BIN/kubectl" --kubeconfig "$C/admin.kubeconfig" "$@"; }

node_ip() { ip -4 route get 1.1.1.1 2>/dev/null | awk '{for (i = 1; i < NF; i++) if ($i == "src") print $(i + 1)}'; }

need() {
  [[ $(id -u) -eq 0 ]] || die "the node needs root (kubelet, containerd, iptables): run as root."
  for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl helm; do
    [[ -x "$BIN/$b" ]] || die "no $BIN/$b: run tools/bootstrap.sh --with-cluster first."
  done
  for c in containerd runc iptables openssl gcc; do
    command -v "$c" >/dev/null 2>&1 || die "$c is missing: tools/bootstrap.sh --with-cluster installs Debian's containerd, runc, containernetworking-plugins, iptables (and gcc for the pause image)."
  done
  [[ -x /usr/lib/cni/bridge ]] || die "no CNI plugins in /usr/lib/cni: apt-get install containernetworking-plugins"
}

# ---- certificates ---------------------------------------------------------------------------
cert() { # cert NAME SUBJECT [SANs]
  local name=$1 subj=$2 sans=${3:-}
  [[ -f "$PKI/$name.crt" ]] && return
  openssl genrsa -out "$PKI/$name.key" 2048 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  local ext=$PKI/$name.ext
  { echo "basicConstraints=CA:FALSE"; echo "keyUsage=digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=serverAuth,clientAuth"; [[ -n "$sans" ]] && echo "subjectAltName=$sans"; } >"$ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 365 -extfile "$ext" -out "$PKI/$name.crt" 2>/dev/null
}

kubeconfig() { # kubeconfig NAME CERT
  write "$C/$1.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: todo
  cluster: {certificate-authority: $PKI/ca.crt, server: "https://$IP:$API_PORT"}
users:
- name: $1
  user: {client-certificate: $PKI/$2.crt, client-key: $PKI/$2.key}
contexts:
- name: todo
  context: {cluster: todo, user: $1}
current-context: todo
EOF
}

# The node's own ports (etcd, the control plane's, kubelet's, kube-proxy's), free when first picked
# and kept in $C/ports until `down`, so that `up` again finds the same ones.
PORT_NAMES="ETCD_PORT ETCD_PEER_PORT ETCD_METRICS_PORT API_PORT KCM_PORT SCHED_PORT KUBELET_PORT KUBELET_HEALTHZ_PORT PROXY_HEALTHZ_PORT PROXY_METRICS_PORT"
ports() {
  if [[ ! -f "$C/ports" ]]; then
    # shellcheck disable=SC2086
    python3 -c 'import socket, sys
held = []
for name in sys.argv[1:]:
    s = socket.socket(); s.bind(("", 0)); held.append(s); print("%s=%d" % (name, s.getsockname()[1]))' $PORT_NAMES >"$C/ports.partial"
    mv "$C/ports.partial" "$C/ports"
  fi
  # shellcheck disable=SC1091
  source "$C/ports"
}

pki() {
  mkdir -p "$PKI"
  if [[ ! -f "$PKI/ca.crt" ]]; then
    openssl genrsa -out "$PKI/ca.key" 2048 2>/dev/null
    openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=todo-events-cluster-ca" -days 365 -out "$PKI/ca.crt" 2>/dev/null
    openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  fi
  cert apiserver "/CN=kube-apiserver" \
    "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost,IP:10.96.0.1,IP:127.0.0.1,IP:$IP"
  cert admin "/O=system:masters/CN=admin"
  cert kubelet "/O=system:nodes/CN=system:node:$NODE" "DNS:$NODE,IP:$IP"
  cert controller-manager "/CN=system:kube-controller-manager"
  cert scheduler "/CN=system:kube-scheduler"
  cert proxy "/CN=system:kube-proxy"
  for k in admin kubelet controller-manager scheduler proxy; do kubeconfig "$k" "$k"; done
}

# ---- processes ------------------------------------------------------------------------------
# write FILE < content: replaces FILE only when the content differs. kube-proxy exits when its
# config file is written, and `up` again must leave running processes alone.
write() {
  local tmp=$1.new
  cat >"$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; fi
}

start() { # start NAME COMMAND... : in the background, its log and pid in $C
  local name=$1; shift
  if [[ -f "$C/$name.pid" ]] && kill -0 "$(cat "$C/$name.pid")" 2>/dev/null; then return; fi
  setsid "$@" >>"$C/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$C/$name.pid"
}

wait_for() { # wait_for WHAT SECONDS COMMAND...
  local what=$1 secs=$2; shift 2
  for _ in $(seq "$secs"); do "$@" >/dev/null 2>&1 && return; sleep 1; done
  die "$what not ready after ${secs}s (logs: $C/logs)"
}

containerd_up() {
  mkdir -p "$C/containerd" "$C/cni/net.d" "$(dirname "$SOCK")"
  write "$C/containerd/config.toml" <<EOF
version = 2
root = "$C/containerd/root"
state = "$C/containerd/state"
[grpc]
  address = "$SOCK"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  enable_unprivileged_ports = true
  # This machine's root lacks CAP_SYS_RESOURCE, so no process may lower its oom_score_adj, and
  # runc fails on kubelet's -998 for every pod sandbox ("failed to update /proc/self/oom_score_adj:
  # Permission denied"). Clamped to containerd's own score, as rootless containerd does.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$C/cni/net.d"
EOF
  write "$C/cni/net.d/10-bridge.conflist" <<EOF
{"cniVersion": "0.4.0", "name": "todo-pods", "plugins": [
  {"type": "bridge", "bridge": "todo0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_CIDR"}]], "routes": [{"dst": "0.0.0.0/0"}],
            "dataDir": "$C/cni/ipam"}},
  {"type": "portmap", "capabilities": {"portMappings": true}}]}
EOF
  ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  start containerd containerd --config "$C/containerd/config.toml"
  wait_for containerd 30 ctr --address "$SOCK" version
}

pause_image() {
  ctr --address "$SOCK" -n k8s.io images ls -q | grep -qx "$PAUSE_IMAGE" && return
  local src; src=$(cd "$ROOT/tools/k8s" && go list -m -f '{{.Dir}}' k8s.io/kubernetes)/build/pause/linux/pause.c
  [[ -f "$src" ]] || die "no pause.c at $src (the k8s.io/kubernetes module: cd tools/k8s && go mod download)"
  local stage=$C/pause; rm -rf "$stage"; mkdir -p "$stage/root"
  gcc -Os -Wall -Werror -static -DVERSION=v3.10.2 -o "$stage/root/pause" "$src"
  python3 "$ROOT/tools/images/image.py" layer "$stage/root" "$stage/layer.tar.gz" >/dev/null
  python3 "$ROOT/tools/images/image.py" image "$stage/pause.tar" --name "$PAUSE_IMAGE" \
    --layer "$stage/layer.tar.gz" --user 65535:65535 --entrypoint '["/pause"]' >/dev/null
  ctr --address "$SOCK" -n k8s.io images import "$stage/pause.tar" >/dev/null
  say "pause image $PAUSE_IMAGE built from $(basename "$src") and imported"
}

control_plane_up() {
  mkdir -p "$C/etcd"
  start etcd "$BIN/etcd" --name todo --data-dir "$C/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "todo=http://127.0.0.1:$ETCD_PEER_PORT" --listen-metrics-urls "http://127.0.0.1:$ETCD_METRICS_PORT"
  wait_for etcd 30 curl -sf "http://127.0.0.1:$ETCD_METRICS_PORT/health"
  start kube-apiserver "$BIN/kube-apiserver" --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 0.0.0.0 --advertise-address "$IP" --secure-port "$API_PORT" \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --client-ca-file "$PKI/ca.crt" --kubelet-client-certificate "$PKI/admin.crt" --kubelet-client-key "$PKI/admin.key" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" --authorization-mode Node,RBAC \
    --enable-admission-plugins NodeRestriction --enable-aggregator-routing=true --allow-privileged=true \
    --kubelet-preferred-address-types InternalIP
  wait_for kube-apiserver 90 KUBECTL get --raw /readyz
  start kube-controller-manager "$BIN/kube-controller-manager" --kubeconfig "$C/controller-manager.kubeconfig" \
    --leader-elect=false --bind-address 127.0.0.1 --secure-port "$KCM_PORT" --root-ca-file "$PKI/ca.crt" \
    --service-account-private-key-file "$PKI/sa.key" --use-service-account-credentials=true \
    --service-cluster-ip-range "$SERVICE_CIDR" --cluster-signing-cert-file "$PKI/ca.crt" \
    --cluster-signing-key-file "$PKI/ca.key"
  start kube-scheduler "$BIN/kube-scheduler" --kubeconfig "$C/scheduler.kubeconfig" \
    --leader-elect=false --bind-address 127.0.0.1 --secure-port "$SCHED_PORT"
}

node_up() {
  mkdir -p "$C/kubelet"
  write "$C/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
failSwapOn: false
containerRuntimeEndpoint: unix://$SOCK
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
clusterDomain: cluster.local
clusterDNS: ["10.96.0.10"]
resolvConf: /etc/resolv.conf
readOnlyPort: 0
port: $KUBELET_PORT
healthzPort: $KUBELET_HEALTHZ_PORT
protectKernelDefaults: false
# Images cannot be pulled again here: never collect them, and evict on absolute free space only.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "200Mi", nodefs.available: "2Gi", nodefs.inodesFree: "2%", imagefs.available: "2Gi", imagefs.inodesFree: "2%"}
EOF
  sysctl -qw net.ipv4.ip_forward=1
  start kubelet "$BIN/kubelet" --config "$C/kubelet.yaml" --kubeconfig "$C/kubelet.kubeconfig" \
    --root-dir "$C/kubelet" --node-ip "$IP" --hostname-override "$NODE"
  write "$C/proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clusterCIDR: $POD_CIDR
hostnameOverride: $NODE
clientConnection: {kubeconfig: $C/proxy.kubeconfig}
conntrack: {maxPerCore: 0}
healthzBindAddress: 127.0.0.1:$PROXY_HEALTHZ_PORT
metricsBindAddress: 127.0.0.1:$PROXY_METRICS_PORT
EOF
  start kube-proxy "$BIN/kube-proxy" --config "$C/proxy.yaml"
  wait_for "node $NODE Ready" 120 bash -c "'$BIN/kubectl' --kubeconfig '$C/admin.kubeconfig' get node $NODE -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -qx True"
}

# CoreDNS, then Dapr's control plane the way users install it: Dapr's Helm chart (from the dapr
# module the project builds daprd from), its images pointed at the ones tools/images.sh built.
import_images() { # import_images NAME...: .runtime/images/NAME.tar into the node's containerd
  for image in "$@"; do
    [[ -f "$RT/images/$image.tar" ]] || die "no image $image: tools/images.sh $image (docs/containers.md)"
    ctr --address "$SOCK" -n k8s.io images import "$RT/images/$image.tar" >/dev/null
  done
}

addons_up() {
  import_images dapr daprd coredns
  KUBECTL apply -f "$ROOT/tools/cluster/coredns.yaml" >/dev/null
  KUBECTL -n kube-system rollout status deployment/coredns --timeout=120s >/dev/null
  local dapr_version chart
  dapr_version=$(cd "$ROOT/tools/daprd" && go list -m -f '{{.Version}}' github.com/dapr/dapr)
  chart=$(cd "$ROOT/tools/daprd" && go list -m -f '{{.Dir}}' github.com/dapr/dapr)/charts/dapr
  [[ -f "$chart/Chart.yaml" ]] || die "no Dapr chart at $chart (cd tools/daprd && go mod download github.com/dapr/dapr)"
  local tag=0.1.0-SNAPSHOT probes=()
  # The chart's probes allow 15 s (period 3 s x 5, 1 s timeout): on 2 cores, while six JVMs and
  # Kafka start, Sentry's /healthz answered late, kubelet restarted it, and every sidecar asking it
  # for an identity then exited ("failed to retrieve the initial identity"). 60 s here.
  for c in dapr_sentry dapr_operator dapr_sidecar_injector; do
    for p in livenessProbe readinessProbe; do
      probes+=(--set "$c.$p.periodSeconds=10" --set "$c.$p.failureThreshold=6")
    done
  done
  HELM_CACHE_HOME=$C/helm/cache HELM_CONFIG_HOME=$C/helm/config HELM_DATA_HOME=$C/helm/data \
    "$BIN/helm" --kubeconfig "$C/admin.kubeconfig" upgrade --install dapr "$chart" \
    --namespace dapr-system --create-namespace --wait --timeout 5m \
    --set-string global.tag="${dapr_version#v}" \
    --set global.scheduler.enabled=false --set global.actors.enabled=false \
    --set global.imagePullPolicy=Never --set dapr_sidecar_injector.sidecarImagePullPolicy=Never \
    --set dapr_operator.image.name=todo-events/dapr:$tag \
    --set dapr_sentry.image.name=todo-events/dapr:$tag \
    --set dapr_sidecar_injector.injectorImage.name=todo-events/dapr:$tag \
    --set dapr_sidecar_injector.image.name=todo-events/daprd:$tag \
    "${probes[@]}" >"$C/logs/helm.log" 2>&1 \
    || { tail -n 20 "$C/logs/helm.log" >&2; die "helm install of Dapr's chart failed (log: $C/logs/helm.log)"; }
  say "Dapr ${dapr_version#v} installed from its chart: $(KUBECTL -n dapr-system get deploy -o name | tr '\n' ' ')"
}

up() {
  need
  IP=$(node_ip); [[ -n "$IP" ]] || die "cannot tell this machine's IP (ip -4 route get 1.1.1.1)"
  mkdir -p "$C/logs"
  local t0=$SECONDS
  # One node per machine: the bridge, pod network and node name are fixed (see the top).
  if ip link show todo0 >/dev/null 2>&1 && ! { [[ -f "$C/kubelet.pid" ]] && kill -0 "$(cat "$C/kubelet.pid")" 2>/dev/null; }; then
    die "another node of tools/cluster.sh runs here (its bridge todo0 exists): tools/cluster.sh down (with its TODO_CLUSTER_DIR) first"
  fi
  # kubelet makes unix sockets under its root ($C/kubelet/pod-resources/<10 digits>, ...), and a
  # socket path must stay under 104 bytes.
  (( ${#C} <= 60 )) || die "the node's folder $C is longer than 60 characters, too long for the unix sockets kubelet makes in it: set TODO_CLUSTER_DIR to a shorter one (e.g. /var/tmp/todo-cluster)"
  ports
  pki
  containerd_up
  pause_image
  control_plane_up
  node_up
  addons_up
  say "up in $((SECONDS - t0)) s: node $NODE ($IP) Ready; kubectl: tools/cluster.sh kubectl ..."
}

mapfile -t APPS < <(grep -v "^#" "$ROOT/tools/apps.txt")

# The system on the node: its images, the Secrets k8s/ names (made once, random; docs/kubernetes.md
# lists them), DevIssuer's public key for users' tokens (tools/dev-token.sh), the overlay.
deploy() {
  [[ -f "$C/admin.kubeconfig" ]] && KUBECTL get --raw /readyz >/dev/null 2>&1 || die "the cluster is not up: tools/cluster.sh up"
  local t0=$SECONDS key=${TODO_AUTH_KEY:-$RT/dev-issuer/public.pem} ns=(-n todo-events)
  [[ -s "$key" ]] || die "no users' key at $key: tools/dev-token.sh --init (or TODO_AUTH_KEY=<a public key PEM>)"
  import_images "${APPS[@]}" kafka postgres jaeger
  KUBECTL apply -f "$ROOT/k8s/base/namespace.yaml" >/dev/null
  secret() { # secret NAME KEY=VALUE...: created when missing, never replaced (rotation: docs/kubernetes.md)
    local name=$1; shift
    KUBECTL "${ns[@]}" get secret "$name" >/dev/null 2>&1 && return
    KUBECTL "${ns[@]}" create secret generic "$name" "${@/#/--from-literal=}" >/dev/null
  }
  local pw; pw=$(KUBECTL "${ns[@]}" get secret todo-db -o jsonpath='{.data.password}' 2>/dev/null | base64 -d || true)
  [[ -n "$pw" ]] || pw=$(openssl rand -hex 16)
  secret todo-db username=todo password="$pw" \
    task-jdbc-url=jdbc:postgresql://todo-postgres:5432/tasks audit-jdbc-url=jdbc:postgresql://todo-postgres:5432/audit \
    state-connection-string="host=todo-postgres user=todo password=$pw dbname=todo"
  for app in "${APPS[@]}"; do
    secret "$app-dapr-api-token" token="$(openssl rand -hex 32)"
    secret "$app-app-api-token" token="$(openssl rand -hex 32)"
  done
  KUBECTL "${ns[@]}" create configmap todo-auth-key --from-file=public.pem="$key" --dry-run=client -o yaml \
    | KUBECTL apply -f - >/dev/null
  # Kafka, PostgreSQL and the topics first: a sidecar whose broker is not up yet exits (Dapr fails
  # on a component it cannot initialise) and Kubernetes restarts it with a growing back-off.
  # Applying everything at once also converges, only slower.
  apply() { KUBECTL apply -k "$ROOT/k8s/overlays/node" "$@" >>"$C/logs/deploy.log" 2>&1 \
    || { cat "$C/logs/deploy.log" >&2; die "kubectl apply -k k8s/overlays/node failed"; }; }
  : >"$C/logs/deploy.log"
  apply -l 'app.kubernetes.io/name in (todo-kafka,todo-postgres,todo-topics)'
  KUBECTL "${ns[@]}" wait --for=condition=complete job/todo-topics --timeout=300s >/dev/null \
    || die "the topics Job did not finish: tools/cluster.sh kubectl -n todo-events logs job/todo-topics"
  KUBECTL "${ns[@]}" rollout status statefulset/todo-postgres --timeout=120s >/dev/null \
    || die "PostgreSQL is not ready: tools/cluster.sh kubectl -n todo-events logs todo-postgres-0"
  apply
  for app in "${APPS[@]}" jaeger; do
    KUBECTL "${ns[@]}" rollout status "deployment/$app" --timeout=300s >/dev/null \
      || die "$app is not ready: tools/cluster.sh kubectl -n todo-events describe pod -l app.kubernetes.io/name=$app"
  done
  say "system ready in $((SECONDS - t0)) s: $(KUBECTL "${ns[@]}" get pods --no-headers | awk '{print $1 " " $2}' | tr '\n' ' ')"
}

undeploy() {
  KUBECTL delete namespace todo-events --ignore-not-found --timeout=120s >/dev/null
  say "namespace todo-events deleted"
}

down() {
  if [[ -S "$SOCK" ]]; then # pods first, while containerd still runs their shims
    for t in $(ctr --address "$SOCK" -n k8s.io tasks ls -q 2>/dev/null); do
      ctr --address "$SOCK" -n k8s.io tasks kill -s SIGKILL "$t" >/dev/null 2>&1 || true
    done
  fi
  for p in kube-proxy kubelet kube-scheduler kube-controller-manager kube-apiserver etcd containerd; do
    if [[ -f "$C/$p.pid" ]]; then
      local pid; pid=$(cat "$C/$p.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$C/$p.pid"
    fi
  done
  pkill -f "containerd-shim-runc-v2 -namespace k8s.io -id .* -address $SOCK" 2>/dev/null || true
  # A container whose shim went first keeps running, reparented to init (seen after a test's
  # node): whatever is still in the pods' cgroups (cgroupfs driver, one node per machine) goes.
  local left; left=$(find /sys/fs/cgroup/pids/kubepods -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u)
  if [[ -n "$left" ]]; then
    # shellcheck disable=SC2086
    kill -9 $left 2>/dev/null || true
  fi
  # What kubelet and containerd mounted (pod volumes, sandbox shm, root file systems, kubelet's
  # own root), the pods' network namespaces, the bridge, kube-proxy's and the CNI plugins' rules.
  awk -v c="$C" 'index($2, c) == 1 {print $2}' /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  ip netns list 2>/dev/null | awk '/^cni-/ {print $1}' | xargs -r -n1 ip netns del 2>/dev/null || true
  ip link del todo0 2>/dev/null || true
  [[ -x "$BIN/kube-proxy" ]] && "$BIN/kube-proxy" --cleanup >>"$C/logs/kube-proxy.log" 2>&1 || true
  for t in nat filter mangle; do iptables -t $t -X KUBE-KUBELET-CANARY 2>/dev/null || true; done
  rm -f "$C/ports"; rm -rf "$(dirname "$SOCK")"
  # The bridge plugin's masquerade rules: one POSTROUTING rule and one chain per pod of ours.
  local chains; chains=$(iptables -t nat -S POSTROUTING 2>/dev/null | awk '/todo-pods/ {print $NF}' | sort -u)
  iptables -t nat -S POSTROUTING 2>/dev/null | { grep 'todo-pods' || true; } | sed 's/^-A/-D/' \
    | while read -r rule; do eval "iptables -t nat $rule" 2>/dev/null || true; done
  for chain in $chains; do iptables -t nat -F "$chain" 2>/dev/null; iptables -t nat -X "$chain" 2>/dev/null; done || true
  say "down"
}

# Resident memory of the node: its processes and everything its pods run (the shims' trees).
node_rss_mb() {
  local roots; roots=$(cat "$C"/*.pid 2>/dev/null; pgrep -f "containerd-shim-runc-v2 -namespace k8s.io -id .* -address $SOCK" || true)
  ps -eo pid=,ppid=,rss= | awk -v roots="$(echo $roots)" '
    BEGIN { n = split(roots, r, " "); for (i = 1; i <= n; i++) mine[r[i]] = 1 }
    { pid[NR] = $1; ppid[NR] = $2; rss[NR] = $3 }
    END {
      for (grew = 1; grew;) { grew = 0; for (i = 1; i <= NR; i++) if (!(pid[i] in mine) && (ppid[i] in mine)) { mine[pid[i]] = 1; grew = 1 } }
      for (i = 1; i <= NR; i++) if (pid[i] in mine) total += rss[i]
      printf "%.0f\n", total / 1024
    }'
}

status() {
  for p in containerd etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy; do
    if [[ -f "$C/$p.pid" ]] && kill -0 "$(cat "$C/$p.pid")" 2>/dev/null; then
      printf '%-24s running (pid %s)\n' "$p" "$(cat "$C/$p.pid")"
    else
      printf '%-24s stopped\n' "$p"
    fi
  done
  [[ -f "$C/admin.kubeconfig" ]] && KUBECTL get nodes -o wide 2>/dev/null || true
  echo "RSS of the node and its pods: $(node_rss_mb) MB"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  deploy) deploy ;;
  undeploy) undeploy ;;
  status) status ;;
  kubectl) shift; KUBECTL "$@" ;;
  *) sed -n '2,17p' "$0"; exit 2 ;;
esac
