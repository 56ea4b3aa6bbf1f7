#!/usr/bin/env bash
# deploy.images-cleanup: removes, by id, the images deploy.images built for this build tree
# (the nginx stand-in and the Debian base stay: they are the cache of the next run).
source "$(dirname "$0")/lib.sh"
deploy_init images-cleanup
env=$ISAPI_FCGI_DEPLOY_STATE/images.env
if [ -f "$env" ]; then
    load_images
    for id in "$example_id" "$runtime_id"; do
        check "image ${id:0:12} removed" podman rmi -f "$id"
    done
    rm -f "$env"
fi
check "no image of this tree is left" bash -c '[ -z "$(podman images -q --filter reference="*:$1")" ]' _ "$(tree_tag)"
deploy_finish
