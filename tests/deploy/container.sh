#!/usr/bin/env bash
# deploy.container: the runtime image as a sidecar of the host's nginx. The socket directory
# is a host directory mounted at /run/isapi-fcgi, the extensions are mounted read-only at the
# image's extension mount point, the configuration at its documented path; nginx uses
# conf/nginx/ unchanged (the demo's nginx-demo.conf.in and isapi-fcgi.conf).
#  - `podman healthcheck run` (the image's HEALTHCHECK: isapi-fcgi ping) reports healthy, and
#    unhealthy for a sidecar whose ping path is disabled;
#  - an extension answers through nginx;
#  - SIGTERM (podman stop, the image's STOPSIGNAL) during a slow request: the request
#    completes with its whole answer and the container exits 0.
source "$(dirname "$0")/lib.sh"
deploy_init container
load_images
command -v nginx >/dev/null || { echo "nginx is missing (scripts/setup installs it)"; exit 1; }

run=$work/run
mkdir -p "$run"
chown 10001:10001 "$run"  # the sidecar's user creates its socket here
# The Kubernetes sidecar configuration, plus a slow-request log line the test waits for.
sed 's/^    workers: 2$/    workers: 2\n    slowlog_threshold: 300ms/' "$src/deploy/kubernetes/isapi-fcgi.yaml" > "$work/isapi-fcgi.yaml"
grep -q slowlog_threshold "$work/isapi-fcgi.yaml" || { echo "deploy/kubernetes/isapi-fcgi.yaml changed shape"; exit 1; }
chmod 644 "$work/isapi-fcgi.yaml"

# --check-config loads the extensions and looks at the socket directory, so the container
# configurations are checked where they run: in the image, as its user, with its mounts.
for conf in deploy/docker/isapi-fcgi.yaml deploy/kubernetes/isapi-fcgi.yaml; do
    check "$conf passes --check-config in the image" podman_run --rm --network none \
        -v "$run:/run/isapi-fcgi" -v "$src/$conf:/etc/isapi-fcgi/isapi-fcgi.yaml:ro" \
        -v "$ISAPI_FCGI_DEPLOY_STATE/extensions:/opt/isapi-fcgi/extensions:ro" \
        "$runtime_image" --check-config --config /etc/isapi-fcgi/isapi-fcgi.yaml
done

sidecar=$(podman_run -d --network none --read-only --tmpfs /tmp --cap-drop ALL \
    --security-opt no-new-privileges \
    -v "$run:/run/isapi-fcgi" \
    -v "$work/isapi-fcgi.yaml:/etc/isapi-fcgi/isapi-fcgi.yaml:ro" \
    -v "$ISAPI_FCGI_DEPLOY_STATE/extensions:/opt/isapi-fcgi/extensions:ro" \
    "$runtime_image")
track_container "$sidecar"
require "podman healthcheck run: healthy once the sidecar is up" wait_until 30 "a healthy sidecar" podman healthcheck run "$sidecar"
check "the socket is the sidecar's, mode 0666 (nginx runs as another user)" expect_eq "10001 666" stat -c '%u %a' "$run/isapi-fcgi.sock"

port=$(free_port)
sed -e "s|@RUNDIR@|$run|g" -e "s|@PORT@|$port|g" -e "s|@CONFDIR@|$src/conf|g" \
    "$src/conf/nginx/nginx-demo.conf.in" > "$work/nginx.conf"
nginx -c "$work/nginx.conf" -e "$work/nginx-error.log" &
track_pid $!
require "nginx answers /ping through the sidecar" wait_until 20 "nginx" curl -fsS "http://127.0.0.1:$port/ping"
check "an extension answers through nginx and the shared socket" expect_eq "$hello_answer" \
    curl -fsS "http://127.0.0.1:$port/scripts/hello.dll"
check "case-insensitive .dll URLs reach the same extension" expect_eq "$hello_answer" \
    curl -fsS "http://127.0.0.1:$port/SCRIPTS/Hello.DLL"
check "the access log goes to stderr (json)" wait_until 10 "an access line" \
    container_log_has "$sidecar" '"request_method":"GET","request_uri":"/scripts/hello.dll","uri":"/scripts/hello.dll","query_string":"","server_protocol":"HTTP/1.1","status":200'
check "the main log goes to stderr as json too (log.format: json)" wait_until 10 "a main log line" \
    container_log_has "$sidecar" '"level":"info","pid":'

# A slow request in flight, then SIGTERM.
curl -sS -o "$work/slow.body" -w '%{http_code}' "http://127.0.0.1:$port/scripts/workerthread.dll?ms=3000" \
    > "$work/slow.code" 2> "$work/slow.err" &
slow_curl=$!
track_pid "$slow_curl"
require "the slow request is running in the extension" wait_until 15 "the slow-request log line" \
    container_log_has "$sidecar" "slow request: extension 'workerthread'"
stop_started=$SECONDS
podman stop -t 30 "$sidecar" > "$work/stop.out" 2>&1 &
stopper=$!
wait "$slow_curl" || true
wait "$stopper" || true
stop_took=$((SECONDS - stop_started))
check "SIGTERM reached the master (the image's STOPSIGNAL)" container_log_has "$sidecar" \
    'received signal 15; stopping gracefully'
check "the in-flight request completed: 200" expect_eq 200 cat "$work/slow.code"
check "... with its whole answer" expect_match '^worker [0-9]+ finished request [0-9]+ after 3000 ms$' cat "$work/slow.body"
check "the container exited 0" expect_eq "exited 0" podman inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$sidecar"
check "it stopped by itself, well before podman's SIGKILL (30 s)" test "$stop_took" -lt 20
check "the master logged its exit" container_log_has "$sidecar" 'master exiting'

# The health check fails when the ping path does not answer 200.
mkdir -p "$work/run2"
chown 10001:10001 "$work/run2"
sed 's|^    ping_path: /ping$|    ping_path: ""|' "$src/deploy/docker/isapi-fcgi.yaml" > "$work/noping.yaml"
chmod 644 "$work/noping.yaml"
noping=$(podman_run -d --network none -v "$work/run2:/run/isapi-fcgi" \
    -v "$work/noping.yaml:/etc/isapi-fcgi/isapi-fcgi.yaml:ro" "$runtime_image")
track_container "$noping"
require "a sidecar without a ping path starts" wait_until 20 "its ready line" container_log_has "$noping" 'ready: 1 pool'
check "podman healthcheck run: unhealthy without a ping answer" bash -c '
    out=$(podman healthcheck run "$1" 2>&1); rc=$?
    [ $rc -ne 0 ] && [[ $out == *unhealthy* ]] || { echo "rc=$rc $out"; exit 1; }' _ "$noping"

deploy_finish
