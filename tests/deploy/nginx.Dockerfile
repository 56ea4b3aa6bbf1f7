# A stand-in for the official nginx image (no registry is reachable in CI), built on the local
# Debian base with Debian's nginx-light, keeping that image's contract: /etc/nginx/conf.d/*.conf
# included, /etc/nginx/fastcgi_params, logs to stdout/stderr, STOPSIGNAL SIGQUIT,
# `nginx -g 'daemon off;'`. /run/isapi-fcgi exists world-writable because podman initialises
# an emptyDir from the first container that mounts it (Kubernetes makes it 0777).
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx-light \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default \
 && ln -sf /dev/stdout /var/log/nginx/access.log \
 && ln -sf /dev/stderr /var/log/nginx/error.log \
 && mkdir -p /run/isapi-fcgi \
 && chmod 1777 /run/isapi-fcgi
EXPOSE 8080
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
