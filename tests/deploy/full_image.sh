#!/usr/bin/env bash
# deploy-full.image-from-source: deploy/docker/Dockerfile as users build it, from the sources
# (the build stage installs the toolchain from Debian's mirror, compiles, packs the .deb; the
# runtime stage installs it). Not in CI (minutes of compiling on 2 cores); run before
# resolving: `ctest --preset deploy-full`. --layers=false leaves no build-stage images behind.
# The result must look like the CI image (same metadata) and pass its health check and a
# graceful stop.
source "$(dirname "$0")/lib.sh"
deploy_init image-from-source

require "the Debian base images exist" "$deploy_here/base-image"
image=localhost/isapi-fcgi:full-$(tree_tag)
start=$SECONDS
require "the multi-stage build from source" podman build --pull=never --format docker --layers=false --force-rm \
    --iidfile "$work/image.id" -f "$src/deploy/docker/Dockerfile" -t "$image" "$src"
echo "     built in $((SECONDS - start)) s"
track_image "$(cat "$work/image.id")"
echo "     image size: $(podman image inspect -f '{{.Size}}' "$image") bytes"

inspect() { podman image inspect -f '{{.Config.User}} {{.Config.StopSignal}} {{json .Config.Healthcheck.Test}} {{json .Config.Entrypoint}} {{json .Config.Cmd}} {{.Config.WorkingDir}}' "$1"; }
check "same user, stop signal, health check, entrypoint, command and workdir as documented" expect_eq \
    '10001:10001 SIGTERM ["CMD","isapi-fcgi","ping","--socket","unix:/run/isapi-fcgi/isapi-fcgi.sock","--path","/ping","--timeout","3s"] ["isapi-fcgi"] ["--config","/etc/isapi-fcgi/isapi-fcgi.yaml"] /var/lib/isapi-fcgi' \
    inspect "$image"
check "it reports this version" expect_eq "isapi-fcgi $ISAPI_FCGI_VERSION" \
    podman_run --rm --network none "$image" --version
check "no compiler in the runtime stage" podman_run --rm --network none --entrypoint sh "$image" -c '! command -v cc c++ g++ cmake'
ctr=$(podman_run -d --network none "$image")
track_container "$ctr"
check "podman healthcheck run: healthy" wait_until 30 "a healthy container" podman healthcheck run "$ctr"
check "podman stop: exit 0" sh -c "podman stop -t 30 '$ctr' >/dev/null && [ \"\$(podman inspect -f '{{.State.ExitCode}}' '$ctr')\" = 0 ]"
deploy_finish
