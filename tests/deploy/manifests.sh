#!/usr/bin/env bash
# deploy.manifests: the static checks of deploy/: the systemd configuration passes --check-config; the
# Kubernetes manifests render with kustomize and pass the Kubernetes schemas offline
# (kubernetes-models for types/required/enums, TypeScript against kubernetes-types for
# unknown fields; npm packages pinned by tests/deploy/k8s-schema/package-lock.json), and the
# checks catch a wrong type and an unknown field; the ConfigMap's nginx snippet is
# conf/nginx/isapi-fcgi.conf; the pod's contract holds (k8s-schema/contract.js: what kube play
# ignores, such as preStop, the grace period, resources and the HPA); docker-compose validates
# the compose file (and catches a typo);
# yamllint and shellcheck pass.
source "$(dirname "$0")/lib.sh"
deploy_init manifests

# The container configurations name the image's extensions and socket directory: deploy.container
# checks them inside the image.
check "deploy/systemd/isapi-fcgi.yaml passes --check-config" \
    "$ISAPI_FCGI_BINARY" --check-config --config "$src/deploy/systemd/isapi-fcgi.yaml"
check "the Kubernetes ConfigMap's nginx snippet is conf/nginx/isapi-fcgi.conf" \
    cmp "$src/deploy/kubernetes/nginx/isapi-fcgi.conf" "$src/conf/nginx/isapi-fcgi.conf"

require "kustomize renders deploy/kubernetes" sh -c "kubectl kustomize '$src/deploy/kubernetes' > '$work/k8s.yaml'"
check "it renders a Deployment, a Service, an HPA, a PDB and three ConfigMaps" expect_eq \
    "ConfigMap ConfigMap ConfigMap Deployment HorizontalPodAutoscaler PodDisruptionBudget Service" \
    sh -c "grep '^kind:' '$work/k8s.yaml' | awk '{print \$2}' | sort | tr '\n' ' ' | sed 's/ \$//'"
modules=$("$deploy_here/npm-tools")
schema() { NODE_PATH=$modules node "$deploy_here/k8s-schema/check.js" "$@"; }
check "the manifests pass the Kubernetes schemas (types and unknown fields)" schema "$work/ts-ok" "$work/k8s.yaml"
sed 's/containerPort: 8080/containerPort: "8080"/' "$work/k8s.yaml" > "$work/bad-type.yaml"
check "... which catch a wrong type" expect_match 'containerPort must be integer' \
    sh -c "! NODE_PATH='$modules' node '$deploy_here/k8s-schema/check.js' '$work/ts-type' '$work/bad-type.yaml' 2>&1"
sed 's/      terminationGracePeriodSeconds:/      terminationGracePeriodSecond:/' "$work/k8s.yaml" > "$work/bad-field.yaml"
check "... and an unknown field" expect_match "terminationGracePeriodSecond.*does not exist" \
    sh -c "! NODE_PATH='$modules' node '$deploy_here/k8s-schema/check.js' '$work/ts-field' '$work/bad-field.yaml' 2>&1"

# What podman kube play ignores (preStop, the grace period, resources, the HPA, the Service's
# and PDB's selectors) and the probes' ping path: k8s-schema/contract.js, and what it catches.
contract() { NODE_PATH=$modules node "$deploy_here/k8s-schema/contract.js" "$@" 2>&1; }
check "the pod's contract: preStop + grace > drain, resources, ping probes, shared socket, Service/PDB/HPA targets" \
    contract "$work/k8s.yaml"
sed 's/^      terminationGracePeriodSeconds: .*/      terminationGracePeriodSeconds: 35/' "$work/k8s.yaml" > "$work/short-grace.yaml"
check "... which catches a grace period shorter than preStop + shutdown_timeout" \
    expect_match "terminationGracePeriodSeconds 35 must exceed the sidecar's preStop 10 s \+ shutdown_timeout 30 s" \
    sh -c "! NODE_PATH='$modules' node '$deploy_here/k8s-schema/contract.js' '$work/short-grace.yaml' 2>&1"
sed '/^ *limits:$/,+2d' "$work/k8s.yaml" > "$work/no-limits.yaml"
check "... a container without resource limits" expect_match "isapi-fcgi: resources.limits.cpu and .memory" \
    sh -c "! NODE_PATH='$modules' node '$deploy_here/k8s-schema/contract.js' '$work/no-limits.yaml' 2>&1"
sed 's|^\( *\)ping_path: /ping$|\1ping_path: /health|' "$work/k8s.yaml" > "$work/ping-path.yaml"
check "... and probes that do not ask the pool's ping_path" \
    expect_match "livenessProbe asks /ping, the pool's ping_path is /health" \
    sh -c "! NODE_PATH='$modules' node '$deploy_here/k8s-schema/contract.js' '$work/ping-path.yaml' 2>&1"

check "docker-compose validates deploy/compose/compose.yaml" docker-compose -f "$src/deploy/compose/compose.yaml" config -q
sed 's/^    image: \${NGINX_IMAGE/    imagee: ${NGINX_IMAGE/' "$src/deploy/compose/compose.yaml" > "$work/typo.yaml"
check "... and catches a typo" expect_match "Unsupported config option for services.nginx: 'imagee'" \
    sh -c "! docker-compose -f '$work/typo.yaml' config -q 2>&1"

check "yamllint" yamllint -s -c "$deploy_here/yamllint.yaml" "$deploy_here/yamllint.yaml" \
    "$src/deploy/kubernetes" "$src/deploy/compose" "$src/deploy/docker/isapi-fcgi.yaml" "$src/deploy/systemd/isapi-fcgi.yaml"
# Warnings and errors (the scripts pass code to `bash -c '...'` with "$1" on purpose: SC2016).
check "shellcheck of the deploy scripts" shellcheck -S warning -x -P "$deploy_here" "$deploy_here"/*.sh "$deploy_here/base-image" \
    "$deploy_here/npm-tools" "$deploy_here/clean" "$src/scripts/setup-deploy"
deploy_finish
