#!/usr/bin/env bash
# deploy-dlls.systemd-wine: deploy/systemd/wine.conf, the service's drop-in for Wine pools, on a
# Debian 12 machine booted by a real systemd (a privileged podman container) with Wine (wine64
# and wine32:i386) and the packages, isapi-fcgi-wine among them:
#  - installed as its header says, systemd-analyze verify has nothing to say about the unit
#    with it, and the security exposure stays low;
#  - `systemctl restart` makes the prefix in the state directory as the dynamic user
#    (ExecStartPre), and the sandboxed service then serves a 64- and a 32-bit PE DLL through
#    nginx, beside the master's prefix keeper; a second restart finds the prefix made;
#  - `systemctl stop` exits cleanly and leaves no Wine process behind.
source "$(dirname "$0")/lib.sh"
deploy_init systemd-wine
[ "$wine_package" = 1 ] || { echo "deploy systemd-wine: this build made no Windows worker (ISAPI_FCGI_WINE_WORKER)"; exit 1; }

tag=$(tree_tag)
build_dir=$ISAPI_FCGI_BUILD_DIR
require "the Debian base images exist" "$deploy_here/base-image"
mkdir -p "$work/packages"
for name in "${package_names[@]}"; do cp "$(package_file "$name")" "$work/packages/"; done
build() { podman build --pull=never --format docker --force-rm -q "$@"; }
start=$SECONDS
require "the machine image with Wine builds (layer cache)" build_cached localhost/isapi-fcgi-test-systemd-wine:bookworm \
    --target wine-machine -f "$deploy_here/systemd.Dockerfile" "$deploy_here"
echo "     the Wine machine in $((SECONDS - start)) s"
require "the packages install on it" build --iidfile "$work/image.id" --target wine \
    --build-context packages="$work/packages" -f "$deploy_here/systemd.Dockerfile" \
    -t "localhost/isapi-fcgi-test-systemd:$tag-wine" "$deploy_here"
track_image "$(cat "$work/image.id")"

port=$(free_port)
machine=$(podman_run -d --systemd=always --privileged -p "127.0.0.1:$port:80" "localhost/isapi-fcgi-test-systemd:$tag-wine")
track_container "$machine"
on_machine() { podman exec "$machine" "$@"; }
booted() { case $(on_machine systemctl is-system-running 2>/dev/null) in running | degraded) return 0 ;; esac; return 1; }
require "systemd boots" wait_until 60 "systemd in the container" booted
show() { on_machine systemctl show -p "$2" --value "$1"; }

# As the drop-in's header says, with two DLLs in the packaged configuration's extension list.
check "the drop-in's header names the path it installs at" grep -q \
    '^#       /etc/systemd/system/isapi-fcgi.service.d/wine.conf$' "$src/deploy/systemd/wine.conf"
require "the package ships the drop-in; it installs as its header says" on_machine install -D -m 644 \
    /usr/share/doc/isapi-fcgi-wine/examples/wine.conf /etc/systemd/system/isapi-fcgi.service.d/wine.conf
check "the drop-in is the repository's file" expect_eq "$(md5sum < "$src/deploy/systemd/wine.conf")" \
    sh -c "podman exec $machine cat /etc/systemd/system/isapi-fcgi.service.d/wine.conf | md5sum"
on_machine mkdir -p /opt/app
podman cp "$build_dir/wine/x86_64/hello.dll" "$machine:/opt/app/hello64.dll"
podman cp "$build_dir/wine/i686/hello.dll" "$machine:/opt/app/hello32.dll"
on_machine chmod 644 /opt/app/hello64.dll /opt/app/hello32.dll
on_machine sed -i 's|^    extensions: \[\]$|    extensions:\n      - { name: hello64, path: /opt/app/hello64.dll, urls: /scripts/hello.dll, runtime: wine }\n      - { name: hello32, path: /opt/app/hello32.dll, urls: /scripts/hello32.dll, runtime: wine }|' \
    /etc/isapi-fcgi/isapi-fcgi.yaml
require "the example configuration's extension list is where the test edits it" on_machine grep -q hello32.dll /etc/isapi-fcgi/isapi-fcgi.yaml
on_machine systemctl daemon-reload
check "systemd-analyze verify: nothing to say about the unit with the drop-in" bash -c '
    out=$(podman exec "$1" systemd-analyze verify --man=no isapi-fcgi.socket isapi-fcgi.service 2>&1); rc=$?
    [ $rc -eq 0 ] && [ -z "$out" ] || { echo "rc=$rc $out"; exit 1; }' _ "$machine"
check "the drop-in is in force" expect_eq "WINEPREFIX=/var/lib/isapi-fcgi/wine HOME=/var/lib/isapi-fcgi" \
    show isapi-fcgi.service Environment
score=$(on_machine systemd-analyze security --no-pager isapi-fcgi.service | tail -n 1)
echo "     systemd-analyze security with the drop-in: ${score#→ }"
check "security exposure at most 2.0" bash -c '
    n=$(grep -oE "level for [^:]+: [0-9.]+" <<<"$1" | awk "{print \$NF}"); awk -v n="$n" "BEGIN {exit !(n <= 2.0)}"' _ "$score"

start=$SECONDS
check "systemctl restart: the prefix is made (ExecStartPre), then the master is ready" on_machine systemctl restart isapi-fcgi.service
echo "     first start with a new prefix: $((SECONDS - start)) s"
journal() { on_machine journalctl -u isapi-fcgi.service --no-pager -o cat; }
check "... by the wine-prefix step, as the dynamic user, in the state directory" bash -c '
    j=$(podman exec "$1" journalctl -u isapi-fcgi.service --no-pager -o cat)
    grep -qE "^pool default: Wine prefix /var/lib/isapi-fcgi/wine for uid [0-9]+$" <<<"$j" &&
    grep -qE "^pool default: Wine prefix ready \([0-9.]+s\)$" <<<"$j" || { tail -n 20 <<<"$j"; exit 1; }' _ "$machine"
pid=$(show isapi-fcgi.service MainPID)
check "the prefix belongs to the service's dynamic user" bash -c '
    uid=$(podman exec "$1" stat -c %u /proc/"$2"); owner=$(podman exec "$1" stat -c %u /var/lib/private/isapi-fcgi/wine)
    [ "$uid" -ge 61184 ] && [ "$uid" = "$owner" ] || { echo "service uid $uid, prefix owner $owner"; exit 1; }' _ "$machine" "$pid"
url=http://127.0.0.1:$port
check "the 64-bit PE DLL answers through nginx" wait_until 60 "hello64" \
    sh -c "curl -fsS '$url/scripts/hello.dll' | grep -q '^Hello from ISAPI!'"
check "the 32-bit PE DLL too (wine32 under SystemCallArchitectures=native x86)" wait_until 60 "hello32" \
    sh -c "curl -fsS '$url/scripts/hello32.dll' | grep -q '^Hello from ISAPI!'"
check "the master keeps the prefix alive" bash -c '
    podman exec "$1" journalctl -u isapi-fcgi.service --no-pager -o cat |
    grep -qE "Wine prefix keeper for the master.s user \(pool default\) started \(pid [0-9]+\)"' _ "$machine"
check "no Windows worker failed" bash -c '! podman exec "$1" journalctl -u isapi-fcgi.service --no-pager -o cat | grep -E "failed to load under Wine|Windows worker .*exited"' _ "$machine"

start=$SECONDS
check "a second restart finds the prefix made" on_machine systemctl restart isapi-fcgi.service
echo "     restart with the prefix made: $((SECONDS - start)) s"
check "... and serves" wait_until 30 "hello64 again" sh -c "curl -fsS '$url/scripts/hello.dll' | grep -q '^Hello from ISAPI!'"

check "systemctl stop: a clean exit, no process left in the service's cgroup" bash -c '
    podman exec "$1" systemctl stop isapi-fcgi.service &&
    r=$(podman exec "$1" systemctl show -p Result,ExecMainStatus --value isapi-fcgi.service | tr "\n" " ") &&
    [ "$r" = "success 0 " ] || { echo "$r"; exit 1; }
    left=$(podman exec "$1" systemd-cgls --no-pager -u isapi-fcgi.service 2>/dev/null | grep -E "[0-9]+ " || true)
    [ -z "$left" ] || { echo "left: $left"; exit 1; }' _ "$machine"
deploy_finish
