#!/usr/bin/env bash
# deploy.systemd: the package on a Debian 12 machine booted by a real systemd (PID 1 of a
# privileged podman container), with nginx and Apache and the package's example sites:
#  - the package's maintainer scripts enabled and started isapi-fcgi.socket and the service;
#    the service is up only after READY=1 (Type=notify) and shows the master's STATUS=;
#  - it runs as a dynamic user, sandboxed (read-only system, its state directory writable),
#    behind the socket root:www-data 0660 that nginx's and Apache's www-data workers use;
#  - `systemctl reload` (`isapi-fcgi reload`: check, SIGHUP, the master's verdict) brings in an
#    extension, and fails for a broken file and for one the master refuses, while the running
#    generation keeps serving;
#  - the watchdog is fed; `systemctl stop` exits 0; the socket starts it again on demand;
#  - systemd-analyze verify finds nothing in the installed units, and the security exposure
#    stays low; `dpkg -r` stops and removes everything, `dpkg --purge` the configuration.
source "$(dirname "$0")/lib.sh"
deploy_init systemd

tag=$(tree_tag)
require "the Debian base images exist" "$deploy_here/base-image"
mkdir -p "$work/packages"
# All of them: the Dockerfile picks the server's and the runtime libraries' (never isapi-fcgi-wine).
for name in "${package_names[@]}"; do cp "$(package_file "$name")" "$work/packages/"; done
build() { podman build --pull=never --format docker --force-rm -q "$@"; }
# The machine (systemd, nginx) is kept as the cache of the next run; the package layer is not.
require "the machine image builds (layer cache)" build_cached localhost/isapi-fcgi-test-systemd:bookworm \
    --target machine -f "$deploy_here/systemd.Dockerfile" "$deploy_here"
require "the package installs on it" build --iidfile "$work/image.id" --build-context packages="$work/packages" \
    -f "$deploy_here/systemd.Dockerfile" -t "localhost/isapi-fcgi-test-systemd:$tag-deb" "$deploy_here"
track_image "$(cat "$work/image.id")"

port=$(free_port)
machine=$(podman_run -d --systemd=always --privileged -p "127.0.0.1:$port:80" "localhost/isapi-fcgi-test-systemd:$tag-deb")
track_container "$machine"
on_machine() { podman exec "$machine" "$@"; }
booted() { case $(on_machine systemctl is-system-running 2>/dev/null) in running | degraded) return 0 ;; esac; return 1; }
require "systemd boots" wait_until 60 "systemd in the container" booted
check "no unit failed" bash -c 'out=$(podman exec "$1" systemctl --failed --plain --no-legend); [ -z "$out" ] || { echo "$out"; exit 1; }' _ "$machine"
show() { on_machine systemctl show -p "$2" --value "$1"; }
check "the package enabled and started the socket and the service" expect_eq "active active enabled enabled" \
    sh -c "podman exec $machine systemctl is-active isapi-fcgi.socket isapi-fcgi.service | tr '\n' ' '; podman exec $machine systemctl is-enabled isapi-fcgi.socket isapi-fcgi.service | tr '\n' ' ' | sed 's/ \$//'"
check "Type=notify: running after READY=1, with the master's STATUS=" expect_match '^default: 2 worker\(s\)' \
    show isapi-fcgi.service StatusText
check "the socket is root:www-data 0660" expect_eq "root:www-data 660" on_machine stat -c '%U:%G %a' /run/isapi-fcgi/isapi-fcgi.sock
url=http://127.0.0.1:$port
check "nginx (www-data) reaches the sidecar through the socket" wait_until 20 "nginx" curl -fsS "$url/ping"
pid=$(show isapi-fcgi.service MainPID)
check "the master runs as a dynamic user, not root" bash -c '
    uid=$(podman exec "$1" stat -c %u /proc/"$2"); [ "$uid" -ge 61184 ] && [ "$uid" -le 65519 ] || { echo "uid $uid"; exit 1; }' _ "$machine" "$pid"
check "its file system is read-only but for its state, cache, logs and tmp" bash -c '
    m=$(podman exec "$1" cat /proc/"$2"/mountinfo)
    grep -qE "^[0-9]+ [0-9]+ [^ ]+ / / ro," <<<"$m" || { echo "/ is not read-only"; exit 1; }
    for d in /var/lib/private/isapi-fcgi /var/cache/private/isapi-fcgi /var/log/private/isapi-fcgi /tmp; do
        grep -qE " $d rw," <<<"$m" || { echo "$d is not writable"; exit 1; }
    done' _ "$machine" "$pid"
check "systemd-analyze verify: nothing to say about the installed units" bash -c '
    out=$(podman exec "$1" systemd-analyze verify --man=no isapi-fcgi.socket isapi-fcgi.service 2>&1); rc=$?
    [ $rc -eq 0 ] && [ -z "$out" ] || { echo "rc=$rc $out"; exit 1; }' _ "$machine"
score=$(on_machine systemd-analyze security --no-pager isapi-fcgi.service | tail -n 1)
echo "     systemd-analyze security: ${score#→ }"
check "security exposure at most 2.0" bash -c '
    n=$(grep -oE "level for [^:]+: [0-9.]+" <<<"$1" | awk "{print \$NF}"); awk -v n="$n" "BEGIN {exit !(n <= 2.0)}"' _ "$score"

# Reload: an extension appears; a broken file is refused and changes nothing.
on_machine mkdir -p /opt/app
podman cp "$ISAPI_FCGI_DEPLOY_STATE/extensions/hello.so" "$machine:/opt/app/hello.so"
on_machine chmod 644 /opt/app/hello.so
on_machine sed -i 's|^    extensions: \[\]$|    extensions:\n      - { name: hello, path: /opt/app/hello.so, urls: /scripts/hello.dll }|' \
    /etc/isapi-fcgi/isapi-fcgi.yaml
check "the example configuration's extension list is where the test edits it" on_machine grep -q /opt/app/hello.so /etc/isapi-fcgi/isapi-fcgi.yaml
check "systemctl reload succeeds" on_machine systemctl reload isapi-fcgi.service
check "the reloaded configuration serves the extension" wait_until 20 "hello after the reload" \
    sh -c "curl -fsS '$url/scripts/hello.dll' | grep -q '^Hello from ISAPI!'"
check "the reload kept the master (SIGHUP, not a restart)" expect_eq "$pid" show isapi-fcgi.service MainPID
on_machine sh -c 'echo "no_such_key: 1" >> /etc/isapi-fcgi/isapi-fcgi.yaml'
check "systemctl reload refuses a broken file" bash -c '! podman exec "$1" systemctl reload isapi-fcgi.service' _ "$machine"
check "... and the running generation still serves" expect_eq "$hello_answer" curl -fsS "$url/scripts/hello.dll"
check "... and the service stays active" expect_eq active on_machine systemctl is-active isapi-fcgi.service
on_machine sed -i '/^no_such_key: 1$/d' /etc/isapi-fcgi/isapi-fcgi.yaml
# A file the check passes but the master cannot take (port 80 is nginx's): the verdict comes
# from the master, through `isapi-fcgi reload` (ExecReload) and its state_file.
on_machine sed -i 's|^    listen: systemd:isapi-fcgi$|    listen: [systemd:isapi-fcgi, "tcp:127.0.0.1:80"]|' /etc/isapi-fcgi/isapi-fcgi.yaml
check "the example configuration's listen line is where the test edits it" on_machine grep -q 'tcp:127.0.0.1:80' /etc/isapi-fcgi/isapi-fcgi.yaml
check "systemctl reload fails when the master refuses the reload" bash -c '! podman exec "$1" systemctl reload isapi-fcgi.service' _ "$machine"
check "... the journal has the cause from ExecReload" wait_until 10 "the reload command's line" \
    sh -c "podman exec $machine journalctl -u isapi-fcgi.service --no-pager | grep -q 'isapi-fcgi reload: reload failed: .*127.0.0.1:80'"
check "... the state file says so" on_machine grep -q '^last_reload: failed$' /var/lib/isapi-fcgi/master.state
check "... the running generation still serves" expect_eq "$hello_answer" curl -fsS "$url/scripts/hello.dll"
check "... and the master is the same" expect_eq "$pid" show isapi-fcgi.service MainPID
on_machine sed -i 's|^    listen: \[systemd:isapi-fcgi, "tcp:127.0.0.1:80"\]$|    listen: systemd:isapi-fcgi|' /etc/isapi-fcgi/isapi-fcgi.yaml
check "systemctl reload succeeds again once the file is fixed" on_machine systemctl reload isapi-fcgi.service
check "... and the state file says so" on_machine grep -q '^last_reload: ok$' /var/lib/isapi-fcgi/master.state

# Apache (www-data too) in nginx's place, with the package's site and conf/apache's file.
require "Apache replaces nginx on port 80" on_machine sh -c 'systemctl stop nginx && systemctl start apache2'
check "an extension answers through Apache and the socket" wait_until 20 "Apache" \
    sh -c "curl -fsS '$url/scripts/hello.dll' | grep -q '^Hello from ISAPI!'"
check "... and it is Apache answering" expect_match 'Apache' sh -c "curl -fsSI '$url/scripts/hello.dll' | grep -i '^Server:'"
on_machine sh -c 'systemctl stop apache2 && systemctl start nginx'


# The watchdog, with WatchdogSec shortened by a drop-in (pings at half of it).
on_machine mkdir -p /etc/systemd/system/isapi-fcgi.service.d
on_machine sh -c 'printf "[Service]\nWatchdogSec=2s\n" > /etc/systemd/system/isapi-fcgi.service.d/watchdog.conf'
on_machine systemctl daemon-reload
require "the service restarts with the drop-in" on_machine systemctl restart isapi-fcgi.service
first=$(show isapi-fcgi.service WatchdogTimestampMonotonic)
check "WATCHDOG=1 keeps arriving" wait_until 10 "a newer watchdog timestamp" \
    sh -c "[ \"\$(podman exec $machine systemctl show -p WatchdogTimestampMonotonic --value isapi-fcgi.service)\" != '$first' ]"
check "... and the watchdog never fired" expect_eq 0 show isapi-fcgi.service NRestarts

check "systemctl stop: a clean exit" bash -c '
    podman exec "$1" systemctl stop isapi-fcgi.service &&
    r=$(podman exec "$1" systemctl show -p Result,ExecMainStatus --value isapi-fcgi.service | tr "\n" " ") &&
    [ "$r" = "success 0 " ] || { echo "$r"; exit 1; }' _ "$machine"
check "the socket still listens" expect_eq active on_machine systemctl is-active isapi-fcgi.socket
check "a connection starts the service again (socket activation)" expect_eq pong curl -fsS "$url/ping"
check "... which is running again" expect_eq active on_machine systemctl is-active isapi-fcgi.service

check "dpkg -r stops the service and the socket and removes the socket file" bash -c '
    podman exec "$1" dpkg -r isapi-fcgi >/dev/null &&
    [ "$(podman exec "$1" systemctl is-active isapi-fcgi.service isapi-fcgi.socket | tr "\n" " ")" = "inactive inactive " ] &&
    ! podman exec "$1" test -e /run/isapi-fcgi/isapi-fcgi.sock' _ "$machine"
check "... and keeps the configuration until --purge" bash -c '
    podman exec "$1" test -f /etc/isapi-fcgi/isapi-fcgi.yaml &&
    podman exec "$1" dpkg --purge isapi-fcgi >/dev/null && ! podman exec "$1" test -e /etc/isapi-fcgi/isapi-fcgi.yaml' _ "$machine"

deploy_finish
