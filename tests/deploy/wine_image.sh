#!/usr/bin/env bash
# deploy-dlls.wine-image: the :<version>-wine image (deploy/docker/Dockerfile, target runtime-wine)
# built as CI builds the plain one (the host's .debs, isapi-fcgi-wine among them), then run as
# a sidecar of the host's nginx serving unmodified PE DLLs: the project's hello.c built by
# mingw-w64 for x86_64 and for i686, each answering exactly as the native example does, from
# the prefix made at build time, beside the master's prefix keeper; `podman stop` exits 0.
# Wine's own stage is kept as a tagged cache image (its ~1.3 GB come from Debian's mirror once).
source "$(dirname "$0")/lib.sh"
deploy_init wine-image
command -v nginx >/dev/null || { echo "nginx is missing (scripts/setup installs it)"; exit 1; }
[ "$wine_package" = 1 ] || { echo "deploy wine-image: this build made no Windows worker (ISAPI_FCGI_WINE_WORKER)"; exit 1; }

tag=$(tree_tag)
image=localhost/isapi-fcgi:$tag-wine
wine_cache=localhost/isapi-fcgi-test-wine:bookworm
build=$ISAPI_FCGI_BUILD_DIR
require "the Debian base images exist (debootstrap, cached)" "$deploy_here/base-image"
mkdir -p "$work/packages"
for name in "${package_names[@]}"; do cp "$(package_file "$name")" "$work/packages/"; done
start=$SECONDS
require "Wine's stage builds (wine64, wine32:i386; layer cache)" \
    build_cached "$wine_cache" --target wine -f "$src/deploy/docker/Dockerfile" "$src"
echo "     Wine's stage in $((SECONDS - start)) s"
start=$SECONDS
require "the runtime-wine target builds with the host's .debs" \
    podman build --pull=never --format docker --force-rm -q --iidfile "$work/image.id" --target runtime-wine \
        --build-context packages="$work/packages" -f "$src/deploy/docker/Dockerfile" -t "$image" "$src"
track_image "$(cat "$work/image.id")"
echo "     runtime-wine in $((SECONDS - start)) s; image $(podman image inspect -f '{{.Size}}' "$image" | numfmt --to=iec)"

inspect() { podman image inspect -f "$1" "$image"; }
in_image() { podman_run --rm --network none --entrypoint "$1" "$image" "${@:2}"; }
check "runs as the non-root user 10001, with the plain image's entry point and health check" expect_eq \
    '10001:10001 ["isapi-fcgi"] ["CMD","isapi-fcgi","ping","--socket","unix:/run/isapi-fcgi/isapi-fcgi.sock","--path","/ping","--timeout","3s"]' \
    inspect '{{.Config.User}} {{json .Config.Entrypoint}} {{json .Config.Healthcheck.Test}}'
check "isapi-fcgi-wine, wine64 and wine32:i386 are installed" in_image sh -c \
    'for p in isapi-fcgi isapi-fcgi-wine wine64 wine32:i386; do
         [ "$(dpkg-query -W -f "\${db:Status-Status}" "$p")" = installed ] || { echo "$p"; exit 1; }; done'
check "both Windows workers are where the server looks" in_image ls \
    /usr/lib/isapi-fcgi/wine/x86_64/isapi-wine-worker.exe /usr/lib/isapi-fcgi/wine/i686/isapi-wine-worker.exe
prefix=/var/lib/isapi-fcgi/.local/share/isapi-fcgi/wine
check "the image's user owns a prefix made after wine32 (its 32-bit half is not empty)" expect_eq "10001 10001" \
    in_image sh -c "echo \$(stat -c %u '$prefix' '$prefix/drive_c/windows/syswow64/kernel32.dll')"
check "... with its registry written out" in_image test -s "$prefix/system.reg"

mkdir -p "$work/dll" "$work/run"
cp "$build/wine/x86_64/hello.dll" "$work/dll/hello64.dll"
cp "$build/wine/i686/hello.dll" "$work/dll/hello32.dll"
chmod 644 "$work/dll"/*.dll
chown 10001:10001 "$work/run"
cat > "$work/isapi-fcgi.yaml" <<'YAML'
shutdown_timeout: 10s
log: { level: info, access_log: stderr }
pools:
  - name: legacy
    listen: unix:/run/isapi-fcgi/isapi-fcgi.sock
    socket: { mode: "0666" }
    ping_path: /ping
    workers: 1
    extensions:
      - { name: hello64, path: /opt/isapi-fcgi/extensions/hello64.dll, urls: /scripts/hello.dll, runtime: wine }
      - { name: hello32, path: /opt/isapi-fcgi/extensions/hello32.dll, urls: /scripts/hello32.dll, runtime: wine }
YAML
chmod 644 "$work/isapi-fcgi.yaml"
mounts=(-v "$work/run:/run/isapi-fcgi" -v "$work/isapi-fcgi.yaml:/etc/isapi-fcgi/isapi-fcgi.yaml:ro"
        -v "$work/dll:/opt/isapi-fcgi/extensions:ro")
check "a configuration with a 64- and a 32-bit DLL passes --check-config in the image" \
    podman_run --rm --network none "${mounts[@]}" "$image" --check-config --config /etc/isapi-fcgi/isapi-fcgi.yaml

sidecar=$(podman_run -d --network none --cap-drop ALL --security-opt no-new-privileges "${mounts[@]}" "$image")
track_container "$sidecar"
require "podman healthcheck run: healthy once the sidecar is up" wait_until 120 "a healthy sidecar" \
    podman healthcheck run "$sidecar"
check "both DLLs loaded under Wine" wait_until 10 "two load lines" sh -c "
    podman logs '$sidecar' 2>&1 | grep -c \"extension 'hello[36][24]' loaded from .* in a Windows worker\" | grep -qx 2"
check "the master keeps the prefix alive" container_log_has "$sidecar" \
    "Wine prefix keeper for the master's user \\(pool legacy\\) started \\(pid [0-9]+\\)"
check "... in the prefix made at build time (Wine made no new one)" bash -c '
    ! podman logs "$1" 2>&1 | grep -E "created the configuration directory|wineboot"' _ "$sidecar"

port=$(free_port)
sed -e "s|@RUNDIR@|$work/run|g" -e "s|@PORT@|$port|g" -e "s|@CONFDIR@|$src/conf|g" \
    "$src/conf/nginx/nginx-demo.conf.in" > "$work/nginx.conf"
nginx -c "$work/nginx.conf" -e "$work/nginx-error.log" &
track_pid $!
require "nginx answers /ping through the sidecar" wait_until 20 "nginx" curl -fsS "http://127.0.0.1:$port/ping"
check "the 64-bit PE hello.dll answers as the native example does" expect_eq "$hello_answer" \
    curl -fsS "http://127.0.0.1:$port/scripts/hello.dll"
check "the 32-bit PE hello.dll too (wine32, the i686 worker)" expect_eq "$hello_answer" \
    curl -fsS "http://127.0.0.1:$port/scripts/hello32.dll"

check "podman stop: a graceful exit 0, the keeper stopped" bash -c '
    podman stop -t 20 "$1" >/dev/null && [ "$(podman inspect -f "{{.State.ExitCode}}" "$1")" = 0 ] &&
    podman logs "$1" 2>&1 | grep -qE "Wine prefix keeper .* stopped"' _ "$sidecar"
deploy_finish
