#!/usr/bin/env bash
# deploy.package: builds the .deb from this build tree with CPack and checks it: lintian finds
# nothing (overrides in deploy/debian/lintian-overrides, each explained), the files
# extension authors and administrators need are in it, its control data is right. Every
# later deploy test installs this file.
source "$(dirname "$0")/lib.sh"
deploy_init package

build=$ISAPI_FCGI_BUILD_DIR
rm -f "$build"/package/isapi-fcgi_*.deb
require "cpack writes the package" cpack --config "$build/CPackConfig.cmake" -B "$build/package"
debs=("$build"/package/isapi-fcgi_"$ISAPI_FCGI_VERSION"_*.deb)
require "one package named after the version" test -f "${debs[0]}" -a ${#debs[@]} -eq 1
deb=${debs[0]}
echo "     $deb ($(stat -c %s "$deb") bytes)"

contents=$work/contents
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' > "$contents"
has_file() { grep -qxF "$1" "$contents" || fail "missing from the package: $1"; }
check "the server" has_file /usr/sbin/isapi-fcgi
check "the libraries extensions link, with their development links, in Debian's multiarch directory" bash -c '
    for f in libisapi-runtime.so.0 libisapi-win32.so.0 libisapi-runtime.so libisapi-win32.so; do
        grep -qxF "$2/$f" "$1" || { echo "missing: $2/$f"; exit 1; }
    done' _ "$contents" "$multiarch_libdir"
check "no library or CMake package outside the multiarch directory (one layout, not two)" bash -c '
    ! grep -E "^/usr/lib/(libisapi|cmake/)" "$1"' _ "$contents"
check "the headers, compatibility headers included" bash -c '
    for f in /usr/include/isapi/httpext.h /usr/include/isapi/isapi_runtime.h /usr/include/isapi/win32/windows.h \
             /usr/include/isapi/win32/httpext.h /usr/include/isapi/win32/strsafe.h; do
        grep -qxF "$f" "$1" || { echo "missing: $f"; exit 1; }
    done' _ "$contents"
check "the CMake package and isapi_add_extension()" bash -c '
    for f in isapi-fcgiConfig.cmake isapi-fcgiConfigVersion.cmake isapi-fcgi-targets.cmake IsapiExtension.cmake; do
        grep -qxF "$2/cmake/isapi-fcgi/$f" "$1" || { echo "missing: $f"; exit 1; }
    done' _ "$contents" "$multiarch_libdir"
check "the systemd units" bash -c 'grep -qxF /lib/systemd/system/isapi-fcgi.socket "$1" && grep -qxF /lib/systemd/system/isapi-fcgi.service "$1"' _ "$contents"
check "the configuration and the logrotate file in /etc, conffiles" expect_eq "$(printf '%s\n' /etc/isapi-fcgi/isapi-fcgi.yaml /etc/logrotate.d/isapi-fcgi)" \
    sh -c "dpkg-deb --ctrl-tarfile '$deb' | tar -xO ./conffiles"
check "the logrotate file is in the package" bash -c 'grep -qxF /etc/logrotate.d/isapi-fcgi "$1"' _ "$contents"
check "the nginx snippet at its stable path, the manual pages, copyright and changelog" bash -c '
    for f in /usr/share/isapi-fcgi/nginx/isapi-fcgi.conf /usr/share/man/man8/isapi-fcgi.8.gz /usr/share/man/man5/isapi-fcgi.yaml.5.gz \
             /usr/share/doc/isapi-fcgi/copyright /usr/share/doc/isapi-fcgi/changelog.gz \
             /usr/share/doc/isapi-fcgi/examples/isapi-fcgi.yaml /usr/share/doc/isapi-fcgi/examples/nginx-site.conf; do
        grep -qxF "$f" "$1" || { echo "missing: $f"; exit 1; }
    done' _ "$contents"
check "the Apache and HAProxy files (conf/apache, conf/haproxy) and the Apache example site" bash -c '
    for f in /usr/share/isapi-fcgi/apache/isapi-fcgi.conf /usr/share/isapi-fcgi/apache/isapi-fcgi-sethandler.conf \
             /usr/share/isapi-fcgi/haproxy/isapi-fcgi.cfg /usr/share/doc/isapi-fcgi/examples/apache-site.conf; do
        grep -qxF "$f" "$1" || { echo "missing: $f"; exit 1; }
    done' _ "$contents"
check "nothing from the build or test trees (tests, bench, static libraries, example .so)" \
    bash -c '! grep -E "/(tests?|bench)/|\.a$" "$1"' _ "$contents"
for f in nginx/isapi-fcgi.conf apache/isapi-fcgi.conf; do
    check "the packaged $f is conf/$f" cmp <(dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/share/isapi-fcgi/$f") "$src/conf/$f"
done
check "the packaged units are deploy/systemd's" cmp \
    <(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./lib/systemd/system/isapi-fcgi.service) "$src/deploy/systemd/isapi-fcgi.service"
check "binaries are stripped" bash -c '
    dpkg-deb --fsys-tarfile "$1" | tar -xO ./usr/sbin/isapi-fcgi > "$2/bin"
    file "$2/bin" | grep -q ", stripped"' _ "$deb" "$work"

# A plain `cmake --install` is the other layout (docs/deployment.md, "Two layouts"): the build
# tree's prefix (CMake's /usr/local unless configured otherwise) with GNUInstallDirs' libdir
# for it, nothing outside the prefix (DESTDIR catches absolute destinations such as /etc), none
# of the package's own files. sdk.sh builds an extension against it.
cached() { sed -n "s|^$1:[A-Z]*=||p" "$build/CMakeCache.txt"; }
prefix=$(cached CMAKE_INSTALL_PREFIX)
libdir=$(cached CMAKE_INSTALL_LIBDIR)
echo "     build tree: CMAKE_INSTALL_PREFIX=$prefix CMAKE_INSTALL_LIBDIR=$libdir"
plain=$ISAPI_FCGI_DEPLOY_STATE/plain-install
rm -rf "$plain"
require "cmake --install (into a DESTDIR)" env DESTDIR="$plain" cmake --install "$build"
( cd "$plain" && find . -mindepth 1 ! -type d | sed 's|^\.||' | sort ) > "$work/plain"
# (prints the paths that do not start with $2 and fails if there are any)
outside() { awk -v p="$2" 'index($0, p) != 1 { print; bad = 1 } END { exit bad }' "$1"; }
check "the plain install writes only below its prefix" outside "$work/plain" "$prefix/"
check "the plain install: the server, libraries, headers and CMake package at the prefix's libdir" bash -c '
    for f in sbin/isapi-fcgi "$3/libisapi-runtime.so.0" "$3/libisapi-win32.so" "$3/cmake/isapi-fcgi/isapi-fcgiConfig.cmake" \
             include/isapi/win32/windows.h; do
        grep -qxF "$2/$f" "$1" || { echo "missing: $2/$f"; exit 1; }
    done' _ "$work/plain" "$prefix" "$libdir"
check "the plain install: no units, configuration or lintian overrides" bash -c '! grep -E "systemd|/etc/|lintian" "$1"' _ "$work/plain"
check "the plain install: the libraries and CMake package in one libdir" \
    outside <(grep -E "/(libisapi|cmake/isapi-fcgi/)" "$work/plain") "$prefix/$libdir/"

control() { dpkg-deb -f "$deb" "$1"; }
check "Depends lists the runtime libraries (shlibdeps)" expect_match \
    'libpugixml.*libspdlog.*libyaml-cpp0\.7' control Depends
check "Depends holds no -dev package" bash -c '! dpkg-deb -f "$1" Depends | grep -q -- "-dev"' _ "$deb"
check "shlibs names both libraries" expect_match 'libisapi-runtime 0 isapi-fcgi.*libisapi-win32 0 isapi-fcgi' \
    sh -c "dpkg-deb --ctrl-tarfile '$deb' | tar -xO ./shlibs | tr '\n' ' '"
check "maintainer scripts enable the units the debhelper way" bash -c '
    dpkg-deb --ctrl-tarfile "$1" | tar -xO ./postinst | grep -q "deb-systemd-helper enable"' _ "$deb"
check "maintainer scripts pass shellcheck" shellcheck -s sh "$src"/deploy/debian/postinst "$src"/deploy/debian/prerm "$src"/deploy/debian/postrm

# lintian's errors and warnings fail; its informational and pedantic tags are listed (the
# hardening and strip ones come from the project's compiler flags, see docs/deployment.md).
lintian --pedantic --display-info --show-overrides "$deb" > "$work/lintian" 2>&1 || true
check "lintian: no errors or warnings" bash -c '! grep -E "^[EW]: " "$1"' _ "$work/lintian"
echo "     lintian --pedantic --display-info --show-overrides:"
grep -E '^[A-Z]: ' "$work/lintian" | grep -v '^N:' | sed 's/^/       /'

deploy_finish
