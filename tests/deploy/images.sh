#!/usr/bin/env bash
# deploy.images: the images the container, Kubernetes and compose tests run, built as CI
# builds them here (no registry): the Debian base from debootstrap (cached), then
#   - the runtime image: deploy/docker/Dockerfile unchanged, its `packages` stage replaced by
#     the host-built .debs (--build-context packages=DIR), --format docker for HEALTHCHECK;
#   - the example application image: deploy/docker/example/Dockerfile, the README's two
#     lines, FROM the runtime image, with the SDK-built extensions;
#   - a stand-in for the official nginx image (tests/deploy/nginx.Dockerfile), kept as a cache.
source "$(dirname "$0")/lib.sh"
deploy_init images

state=$ISAPI_FCGI_DEPLOY_STATE
deb=$(package_file isapi-fcgi)
tag=$(tree_tag)
runtime=localhost/isapi-fcgi:$tag
example=localhost/isapi-fcgi-example:$tag
build() { podman build --pull=never --format docker --force-rm -q "$@"; }

require "the Debian base images exist (debootstrap, cached)" "$deploy_here/base-image"
mkdir -p "$work/packages"
# All of them: the Dockerfile picks the server's and the runtime libraries' (never isapi-fcgi-wine).
for name in "${package_names[@]}"; do cp "$(package_file "$name")" "$work/packages/"; done
start=$SECONDS
require "deploy/docker/Dockerfile builds with the host's .deb" \
    build --iidfile "$work/runtime.id" --build-context packages="$work/packages" \
        -f "$src/deploy/docker/Dockerfile" -t "$runtime" "$src"
echo "     runtime image built in $((SECONDS - start)) s"
runtime_id=$(cat "$work/runtime.id")
rm -f "$state/images.env"

inspect() { podman image inspect -f "$1" "$runtime"; }
check "runs as the non-root user 10001" expect_eq 10001:10001 inspect '{{.Config.User}}'
check "STOPSIGNAL SIGTERM (a graceful drain)" expect_eq SIGTERM inspect '{{.Config.StopSignal}}'
check "HEALTHCHECK runs isapi-fcgi ping (kept by --format docker)" expect_eq \
    '["CMD","isapi-fcgi","ping","--socket","unix:/run/isapi-fcgi/isapi-fcgi.sock","--path","/ping","--timeout","3s"]' \
    inspect '{{json .Config.Healthcheck.Test}}'
check "ENTRYPOINT and CMD: the server with the documented config path" expect_eq \
    '["isapi-fcgi"] ["--config","/etc/isapi-fcgi/isapi-fcgi.yaml"]' inspect '{{json .Config.Entrypoint}} {{json .Config.Cmd}}'
check "labelled with the package version" expect_eq "$ISAPI_FCGI_VERSION" \
    inspect '{{index .Config.Labels "org.opencontainers.image.version"}}'
in_image() { podman_run --rm --network none --entrypoint "$1" "$runtime" "${@:2}"; }
check "the image holds this build's binary (not a stale layer)" expect_eq \
    "$(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/sbin/isapi-fcgi | md5sum | cut -d' ' -f1)" \
    sh -c "podman run --rm --network none --entrypoint md5sum '$runtime' /usr/sbin/isapi-fcgi | cut -d' ' -f1"
check "the image's configuration passes --check-config" in_image isapi-fcgi --check-config
check "the server and the runtime libraries' packages are installed, not the -dev one" expect_eq \
    "isapi-fcgi libisapi-runtime0 libisapi-win32-0" in_image sh -c \
    "dpkg-query -W -f '\${db:Status-Status} \${Package}\n' ${package_names[*]} 2>/dev/null |
     awk '\$1 == \"installed\" { print \$2 }' | sort | paste -sd' '"
check "libisapi-runtime and libisapi-win32 (what extensions load) are in the image" in_image ls \
    "$multiarch_libdir/libisapi-runtime.so.0" "$multiarch_libdir/libisapi-win32.so.0"
check "no development files in the image (headers, .so links, CMake package, isapi-cc)" in_image sh -c '
    ! ls -d /usr/include/isapi "$1/libisapi-runtime.so" "$1/libisapi-win32.so" "$1/cmake/isapi-fcgi" \
        /usr/bin/isapi-cc 2>/dev/null' _ "$multiarch_libdir"
check "no compiler or build tool in the runtime image" in_image sh -c '! command -v cc c++ g++ cmake make ninja'
check "the extension, socket and data directories exist (socket dir writable by 10001)" in_image sh -c \
    'test -d /opt/isapi-fcgi/extensions && test -w /run/isapi-fcgi && test -w /var/lib/isapi-fcgi'

check "the README's extension Dockerfile is two instructions" expect_eq 2 \
    sh -c "grep -cvE '^[[:space:]]*(#|$)' '$src/deploy/docker/example/Dockerfile'"
require "the example application image builds FROM the runtime image" \
    build --iidfile "$work/example.id" --from "$runtime" -f "$src/deploy/docker/example/Dockerfile" \
        -t "$example" "$state/extensions"
example_id=$(cat "$work/example.id")
check "the example image carries the extensions" podman_run --rm --network none --entrypoint ls "$example" \
    /opt/isapi-fcgi/extensions/hello.so /opt/isapi-fcgi/extensions/workerthread.so

require "the nginx stand-in image builds (layer cache)" \
    build_cached "$nginx_image" -f "$deploy_here/nginx.Dockerfile" "$deploy_here"

cat > "$state/images.env" <<ENV
runtime_image=$runtime
runtime_id=$runtime_id
example_image=$example
example_id=$example_id
ENV
deploy_finish
