# A Debian 12 machine in a container, booted by systemd (podman run --systemd=always
# --privileged), with nginx, Apache (stopped: both want port 80) and the host-built isapi-fcgi
# packages installed as an administrator would: `apt-get install ./isapi-fcgi_*.deb` with the
# runtime libraries' packages beside it (the -dev package is not needed to serve), then the
# package's example nginx and Apache sites. Used by
# tests/deploy/systemd.sh to run the packaged units under a real systemd; the `wine` target
# (isapi-fcgi-wine too, on a machine with Wine) by tests/deploy/systemd_wine.sh.
# The packages come from the named build context `packages` (a directory holding the .debs);
# the `machine` stage is tagged on its own, so that its layers stay cached between runs.
FROM debian:bookworm AS machine
RUN apt-get update \
 && apt-get install -y --no-install-recommends systemd systemd-sysv dbus nginx-light apache2 \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default \
 && a2dissite 000-default && a2enmod proxy proxy_fcgi env \
 && systemctl disable apache2 \
 && systemctl mask getty.target console-getty.service systemd-logind.service \
      systemd-timesyncd.service apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer
# deploy.systemd-wine's machine: the same plus Wine, 64- and 32-bit, cached on its own.
FROM machine AS wine-machine
RUN dpkg --add-architecture i386 \
 && apt-get update \
 && apt-get install -y --no-install-recommends wine64 wine32:i386 \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/*
FROM wine-machine AS wine
COPY --from=packages / /tmp/packages/
RUN apt-get update \
 && apt-get install -y --no-install-recommends /tmp/packages/isapi-fcgi_*.deb \
      /tmp/packages/libisapi-runtime0_*.deb /tmp/packages/libisapi-win32-0_*.deb \
      /tmp/packages/isapi-fcgi-wine_*.deb \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /tmp/packages \
 && cp /usr/share/doc/isapi-fcgi/examples/nginx-site.conf /etc/nginx/sites-available/isapi-fcgi \
 && ln -s ../sites-available/isapi-fcgi /etc/nginx/sites-enabled/isapi-fcgi
STOPSIGNAL SIGRTMIN+3
CMD ["/sbin/init"]
FROM machine
# COPY, not RUN --mount: buildah's layer cache does not look at a bind mount's content.
COPY --from=packages / /tmp/packages/
RUN apt-get update \
 && apt-get install -y --no-install-recommends /tmp/packages/isapi-fcgi_*.deb \
      /tmp/packages/libisapi-runtime0_*.deb /tmp/packages/libisapi-win32-0_*.deb \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /tmp/packages \
 && cp /usr/share/doc/isapi-fcgi/examples/nginx-site.conf /etc/nginx/sites-available/isapi-fcgi \
 && ln -s ../sites-available/isapi-fcgi /etc/nginx/sites-enabled/isapi-fcgi \
 && cp /usr/share/doc/isapi-fcgi/examples/apache-site.conf /etc/apache2/sites-available/isapi-fcgi.conf \
 && a2ensite isapi-fcgi
STOPSIGNAL SIGRTMIN+3
CMD ["/sbin/init"]
