#!/usr/bin/env bash
# deploy.compose: deploy/compose/compose.yaml run by docker-compose (v1, the Debian package)
# against podman's Docker-compatible API (`podman system service` on a socket of this test):
# nginx + the sidecar (the example application image) sharing a named volume; a request
# through nginx reaches an extension; `stop` lets the sidecar drain and exit 0; `down -v`
# leaves no container, volume or network of the project behind.
source "$(dirname "$0")/lib.sh"
deploy_init compose
load_images
command -v docker-compose >/dev/null || { echo "docker-compose is missing (scripts/setup-deploy)"; exit 1; }

compose_file=$src/deploy/compose/compose.yaml
project=isapi-fcgi-ci-$$
port=$(free_port)
metrics_port=$(free_port)
export ISAPI_FCGI_IMAGE=$example_image NGINX_IMAGE=$nginx_image HTTP_PORT=$port METRICS_PORT=$metrics_port
export DOCKER_HOST=unix://$work/podman.sock

podman system service --time=0 "$DOCKER_HOST" > "$work/service.log" 2>&1 &
track_pid $!
require "podman's Docker API answers" wait_until 20 "podman system service" \
    curl -fsS --unix-socket "$work/podman.sock" http://d/_ping
compose() { docker-compose -p "$project" -f "$compose_file" "$@"; }
on_exit "docker-compose -p $project -f $compose_file down -v -t 5 >/dev/null 2>&1 || true"

require "docker-compose up" compose up -d
url=http://127.0.0.1:$port
require "nginx answers through the sidecar" wait_until 60 "the compose project" curl -fsS "$url/ping"
check "an extension answers through nginx and the named volume's socket" expect_eq "$hello_answer" \
    curl -fsS "$url/scripts/hello.dll"
check "the documented metrics port serves /metrics, which Prometheus' parser reads" bash -c '
    curl -fsS "http://127.0.0.1:$1/metrics" > "$2/metrics.txt" &&
    /usr/bin/python3 "$3/tests/ops/check_exposition.py" prometheus "$2/metrics.txt" | grep -q "^counter isapi_fcgi_requests_total{"' \
    _ "$metrics_port" "$work" "$src"
check "two containers run, labelled with the project" expect_eq 2 \
    sh -c "podman ps -q --filter label=com.docker.compose.project=$project | wc -l"
sidecar=$(podman ps -q --filter label=com.docker.compose.project=$project --filter label=com.docker.compose.service=isapi-fcgi)
check "the sidecar runs read-only as 10001" expect_eq "10001:10001 true" \
    podman inspect -f '{{.Config.User}} {{.HostConfig.ReadonlyRootfs}}' "$sidecar"
require "docker-compose stop" compose stop -t 45
check "the sidecar drained and exited 0" expect_eq 0 podman inspect -f '{{.State.ExitCode}}' "$sidecar"
require "docker-compose down -v" compose down -v -t 5
check "nothing of the project is left" bash -c '
    left=$(podman ps -aq --filter label=com.docker.compose.project=$1; podman volume ls -q --filter label=com.docker.compose.project=$1;
           podman network ls -q --filter label=com.docker.compose.project=$1)
    [ -z "$left" ] || { echo "left: $left"; exit 1; }' _ "$project"
deploy_finish
