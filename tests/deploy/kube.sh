#!/usr/bin/env bash
# deploy.kube: deploy/kubernetes under `podman kube play`, through a kustomize overlay that
# changes only what a local run must (the images: the example application image and the nginx
# stand-in; one replica; a hostPort on 127.0.0.1; imagePullPolicy Never). A request through
# the pod's nginx reaches the sidecar over the emptyDir socket; the sidecar's liveness probe
# (isapi-fcgi ping) runs as podman's health check; stopping the pod lets the sidecar exit 0.
source "$(dirname "$0")/lib.sh"
deploy_init kube
load_images
command -v kubectl >/dev/null || { echo "kubectl (kustomize) is missing"; exit 1; }

# Pod, emptyDir and ConfigMap volume names come from the manifests and are global in podman:
# one kube test at a time on this machine.
mkdir -p "$cache_dir"
exec 9>"$cache_dir/kube.lock"
flock -w 150 9

port=$(free_port)
metrics_port=$(free_port)
base=$src/deploy/kubernetes
overlay=$work/overlay
mkdir -p "$overlay"
cat > "$overlay/kustomization.yaml" <<YAML
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - $(realpath --relative-to="$overlay" "$base")
images:
  - name: registry.example.com/isapi-fcgi-app
    newName: ${example_image%:*}
    newTag: ${example_image##*:}
  - name: docker.io/library/nginx
    newName: ${nginx_image%:*}
    newTag: ${nginx_image##*:}
patches:
  - target: {kind: Deployment, name: isapi-fcgi}
    patch: |-
      - {op: replace, path: /spec/replicas, value: 1}
      - {op: add, path: /spec/template/spec/containers/0/ports/0/hostPort, value: $port}
      - {op: add, path: /spec/template/spec/containers/0/ports/0/hostIP, value: 127.0.0.1}
      - {op: add, path: /spec/template/spec/containers/0/ports/1/hostPort, value: $metrics_port}
      - {op: add, path: /spec/template/spec/containers/0/ports/1/hostIP, value: 127.0.0.1}
      - {op: add, path: /spec/template/spec/containers/0/imagePullPolicy, value: Never}
      - {op: add, path: /spec/template/spec/containers/1/imagePullPolicy, value: Never}
YAML
require "kustomize renders the overlay" sh -c "kubectl kustomize '$overlay' > '$work/pod.yaml'"
kubectl kustomize "$base" > "$work/base.yaml"
check "the overlay changes only images, replicas, hostPort and pull policy" bash -c '
    changed=$(diff "$1" "$2" | grep -E "^[<>]" | grep -vE "^[<>] +(- )?(image|replicas|hostPort|hostIP|imagePullPolicy):" || true)
    [ -z "$changed" ] || { echo "$changed"; exit 1; }' _ "$work/base.yaml" "$work/pod.yaml"

# Whatever kube play creates goes again, by name or id, even when it fails half way.
for v in $(awk '/^kind: ConfigMap/ {cm=1} cm && /^  name:/ {print $2; cm=0}' "$work/pod.yaml") socket tmp; do
    track_volume "$v"
done
track_pod isapi-fcgi-pod-0
require "podman kube play starts the pod" sh -c "podman kube play '$work/pod.yaml' > '$work/play.out' 2>&1"
pod=$(awk '/^Pod:/ {getline; print; exit}' "$work/play.out")
track_pod "$pod"
nginx_ctr=$(podman ps -q --filter pod="$pod" --filter name=-nginx)
sidecar=$(podman ps -q --filter pod="$pod" --filter name=-isapi-fcgi)
echo "     pod ${pod:0:12}: nginx ${nginx_ctr:0:12}, sidecar ${sidecar:0:12}, http://127.0.0.1:$port"

url=http://127.0.0.1:$port
require "the pod's nginx answers through the sidecar" wait_until 60 "the pod" curl -fsS "$url/ping"
check "an extension answers through nginx -> emptyDir socket -> sidecar" expect_eq "$hello_answer" \
    curl -fsS "$url/scripts/hello.dll"
check "the slow-work extension answers too" expect_match '^worker [0-9]+ finished request [0-9]+ after 20 ms$' \
    curl -fsS "$url/scripts/workerthread.dll?ms=20"
check "nginx's own liveness path" expect_eq ok curl -fsS "$url/healthz"
check "the annotated metrics port serves the sidecar's /metrics, which Prometheus' parser reads" bash -c '
    curl -fsS "http://127.0.0.1:$1/metrics" > "$2/metrics.txt" &&
    /usr/bin/python3 "$3/tests/ops/check_exposition.py" prometheus "$2/metrics.txt" | grep -q "^gauge process_resident_memory_bytes{"' \
    _ "$metrics_port" "$work" "$src"
check "... and the pod template carries the prometheus.io annotations" bash -c '
    grep -q "prometheus.io/port: \"9180\"" "$1" && grep -q "prometheus.io/scrape: \"true\"" "$1"' _ "$work/pod.yaml"
check "the sidecar's liveness probe (isapi-fcgi ping) passes as a podman health check" \
    wait_until 20 "a healthy sidecar" podman healthcheck run "$sidecar"
check "the sidecar runs as 10001 on a read-only root" expect_eq "10001:10001 true" \
    podman inspect -f '{{.Config.User}} {{.HostConfig.ReadonlyRootfs}}' "$sidecar"
check "the socket in the shared emptyDir is the sidecar's, mode 0666" expect_eq "10001 666" \
    podman exec "$nginx_ctr" stat -c '%u %a' /run/isapi-fcgi/isapi-fcgi.sock
check "nginx includes conf/nginx/isapi-fcgi.conf unchanged (ConfigMap)" bash -c \
    'podman exec "$1" cat /etc/nginx/isapi-fcgi/isapi-fcgi.conf | cmp - "$2"' _ "$nginx_ctr" "$src/conf/nginx/isapi-fcgi.conf"

require "the pod stops" podman pod stop -t 30 "$pod"
check "the sidecar drained and exited 0" expect_eq 0 podman inspect -f '{{.State.ExitCode}}' "$sidecar"
check "the sidecar stopped on its signal" container_log_has "$sidecar" 'received signal 15; stopping gracefully'
check "podman kube play --down removes the pod" sh -c "podman kube play --down '$work/pod.yaml' >/dev/null 2>&1 && ! podman pod exists '$pod'"
deploy_finish
