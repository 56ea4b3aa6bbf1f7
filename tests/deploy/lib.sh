# shellcheck shell=bash disable=SC2034  # variables are for the scripts that source this
# Shared by the deploy tests (sourced, never run). Each test script:
#   source lib.sh; deploy_init NAME
#   ... check "what" command args...      # counts a pass or a failure, prints why
#   deploy_finish                          # "deploy NAME: N passed, M failed", exit status
# Everything a test creates (containers, pods, images, volumes, processes) is registered with
# track_* as it is created and removed by id at exit, whatever happened. Bounded waits only.
#
# Environment (set by CTest, see CMakeLists.txt): ISAPI_FCGI_SOURCE_DIR, ISAPI_FCGI_BUILD_DIR,
# ISAPI_FCGI_BINARY, ISAPI_FCGI_VERSION, ISAPI_FCGI_DEPLOY_STATE (shared between the tests: the
# packages are $ISAPI_FCGI_BUILD_DIR/package/<name>_<version>_<arch>.deb, see package_names), and
# ISAPI_FCGI_DEPLOY_CACHE (default /var/cache/isapi-fcgi-deploy).
set -euo pipefail

deploy_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=${ISAPI_FCGI_SOURCE_DIR:-$(cd "$deploy_here/../.." && pwd)}
export CONTAINERS_CONF=$deploy_here/containers.conf
cache_dir=${ISAPI_FCGI_DEPLOY_CACHE:-/var/cache/isapi-fcgi-deploy}

passed=0
failed=0
cleanup_cmds=()
test_name=unnamed
work=

deploy_init() {  # NAME
    test_name=$1
    work=$(mktemp -d "/tmp/isapi-fcgi-deploy-$test_name.XXXXXX")
    chmod 755 "$work"
    started=$SECONDS
    trap deploy_cleanup EXIT
    trap 'exit 130' INT TERM
    for tool in podman curl jq; do
        command -v "$tool" >/dev/null || { echo "deploy $test_name: $tool is missing (scripts/setup-deploy installs it)"; exit 1; }
    done
}

# Cleanup actions run in reverse order of registration.
on_exit() { cleanup_cmds+=("$*"); }
track_container() { on_exit "podman rm -f -t 0 $1 >/dev/null 2>&1 || true"; }
track_pod() { on_exit "podman pod rm -f -t 0 $1 >/dev/null 2>&1 || true"; }
track_image() { on_exit "podman rmi -f $1 >/dev/null 2>&1 || true"; }
track_volume() { on_exit "podman volume rm -f $1 >/dev/null 2>&1 || true"; }
track_network() { on_exit "podman network rm -f $1 >/dev/null 2>&1 || true"; }
track_pid() { on_exit "kill_pid $1"; }

kill_pid() {  # PID: TERM, then KILL after 5 s
    local pid=$1
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
}

deploy_cleanup() {
    local rc=$?
    local i
    for ((i = ${#cleanup_cmds[@]} - 1; i >= 0; i--)); do eval "${cleanup_cmds[i]}"; done
    if [ -n "$work" ] && [ "${DEPLOY_KEEP_WORK:-0}" != 1 ]; then rm -rf "$work"; fi
    exit "$rc"
}

deploy_finish() {
    echo "deploy $test_name: $passed passed, $failed failed ($((SECONDS - started)) s)"
    [ "$failed" -eq 0 ]
}

# check DESCRIPTION COMMAND...: runs COMMAND, counts the result, shows its output on failure.
check() {
    local what=$1; shift
    local out
    if out=$("$@" 2>&1); then
        passed=$((passed + 1)); echo "ok   $what"
    else
        failed=$((failed + 1)); echo "FAIL $what"; printf '%s\n' "$out" | sed 's/^/     /' | tail -n 40
    fi
}

# A check that must pass for the rest of the test to mean anything: the test ends if it fails.
require() {
    local before=$failed
    check "$@"
    if [ "$failed" -ne "$before" ]; then deploy_finish || exit 1; fi
}

fail() { echo "$*" >&2; return 1; }

# wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND (every 0.1 s) until it succeeds;
# fails with DESCRIPTION after SECONDS.
wait_until() {
    local limit=$1 what=$2; shift 2
    local end=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        if [ "$SECONDS" -ge "$end" ]; then echo "timed out after ${limit}s waiting for $what" >&2; return 1; fi
        sleep 0.1
    done
}

# A TCP port no socket uses now (other processes on the machine hold ports), below the
# kernel's ephemeral range so that no outgoing connection takes it before the test binds it.
free_port() {
    local p low
    read -r low _ < /proc/sys/net/ipv4/ip_local_port_range
    [ "$low" -gt 12000 ] || low=32768
    for _ in $(seq 200); do
        p=$((10000 + RANDOM % (low - 10000)))
        if [ -z "$(ss -Htan "( sport = :$p )")" ]; then echo "$p"; return 0; fi
    done
    fail "no free port found"
}

# Same containers, same answer: `[ "$(cmd)" = expected ]` with the difference shown.
expect_eq() {  # EXPECTED COMMAND...
    local expected=$1; shift
    local got
    got=$("$@") || { echo "command failed: $*" >&2; return 1; }
    [ "$got" = "$expected" ] || { printf 'expected: %s\n     got: %s\n' "$expected" "$got" >&2; return 1; }
}

expect_match() {  # REGEX COMMAND...
    local regex=$1; shift
    local got
    got=$("$@") || { echo "command failed: $*" >&2; printf '%s\n' "$got" >&2; return 1; }
    [[ $got =~ $regex ]] || { printf 'expected to match: %s\n               got: %s\n' "$regex" "$got" >&2; return 1; }
}

# Per build tree (two checkouts may run their deploy tests at once): the images deploy.images
# builds, named in $ISAPI_FCGI_DEPLOY_STATE/images.env for the tests that use them.
tree_tag() { echo "ci-$(printf '%s' "$ISAPI_FCGI_BUILD_DIR" | sha256sum | cut -c1-10)"; }
runtime_image='' runtime_id='' example_image='' example_id=''
load_images() {
    local env=$ISAPI_FCGI_DEPLOY_STATE/images.env
    [ -f "$env" ] || { echo "deploy $test_name: $env is missing: deploy.images did not run" >&2; exit 1; }
    # shellcheck disable=SC1090
    source "$env"
}
# The Debian packages one build makes (cmake/IsapiFcgiPackaging.cmake): the server, the two
# runtime libraries, the development files; and the optional fifth, the Windows worker
# (runtime: wine), when the build made it (ISAPI_FCGI_WINE_WORKER, on where mingw-w64 is).
package_names=(isapi-fcgi libisapi-runtime0 libisapi-win32-0 isapi-fcgi-dev)
wine_package=0
if grep -qx 'ISAPI_FCGI_WINE_WORKER:BOOL=ON' "${ISAPI_FCGI_BUILD_DIR:-/nonexistent}/CMakeCache.txt" 2>/dev/null; then
    wine_package=1
    package_names+=(isapi-fcgi-wine)
fi
# package_file NAME: the path of that package's .deb in the build tree.
package_file() { ls "$ISAPI_FCGI_BUILD_DIR"/package/"$1"_"$ISAPI_FCGI_VERSION"_*.deb; }
# Where Debian puts a package's libraries (/usr/lib/x86_64-linux-gnu), as the .deb must.
multiarch_libdir=/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)
# What examples/hello.c answers (CRLF-terminated; $(...) drops only the LF).
hello_answer=$'Hello from ISAPI!\r'

# Helper images kept between runs as a cache (rebuilt from their layer cache in a second).
nginx_image=localhost/isapi-fcgi-test-nginx:bookworm

# build_cached TAG ARGS...: podman build -t TAG for an image kept between runs as a cache; the
# image the tag named before, when the build replaced it, is removed by id (if nothing uses it).
build_cached() {
    local tag=$1 old new
    shift
    old=$(podman image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)
    podman build --pull=never --format docker --force-rm -q -t "$tag" "$@" >/dev/null || return 1
    new=$(podman image inspect -f '{{.Id}}' "$tag")
    if [ -n "$old" ] && [ "$old" != "$new" ]; then podman rmi "$old" >/dev/null 2>&1 || true; fi
}

# Containers started by the tests skip podman's healthcheck timers (they need systemd); the
# tests run `podman healthcheck run` themselves.
podman_run() { podman run --health-interval=disable "$@"; }

# True when a line of a container's log matches REGEX; else shows the log's tail.
container_log_has() {  # CONTAINER REGEX
    local log
    log=$(podman logs "$1" 2>&1)
    grep -qE "$2" <<<"$log" || { echo "no line matches: $2; the log ends:" >&2; tail -n 8 <<<"$log" >&2; return 1; }
}
