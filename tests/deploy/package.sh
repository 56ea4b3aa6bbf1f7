#!/usr/bin/env bash
# deploy.package: builds the Debian packages from this build tree with CPack and checks them:
# the split (the server; libisapi-runtime0 and libisapi-win32-0, one shared library each; the
# -dev package with headers, .so links, CMake package and isapi-cc; the optional isapi-fcgi-wine
# with the Windows worker, when the build made it), each file in the package
# that owns it and nowhere else, the control data (dependencies between them, shlibs, triggers,
# conffiles), and lintian finds no error or warning, with no overrides. Every later deploy test
# installs some of them.
source "$(dirname "$0")/lib.sh"
deploy_init package

build=$ISAPI_FCGI_BUILD_DIR
rm -f "$build"/package/*.deb
require "cpack writes the packages" cpack --config "$build/CPackConfig.cmake" -B "$build/package"
check "${#package_names[@]} packages, each named after the version, nothing else" expect_eq \
    "$(printf '%s\n' "${package_names[@]}" | sort | tr '\n' ' ')" \
    sh -c "cd '$build/package' && ls *.deb | sed 's/_${ISAPI_FCGI_VERSION}_.*\.deb\$//' | sort | tr '\n' ' '"
for name in "${package_names[@]}"; do
    require "$name: one .deb" test "$(package_file "$name" | wc -l)" -eq 1
    debfile=$(package_file "$name")
    echo "     $debfile ($(stat -c %s "$debfile") bytes)"
    dpkg-deb -c "$debfile" | awk '$1 !~ /^d/ {print $6}' | sed 's|^\./|/|' > "$work/contents.$name"
done
deb=$(package_file isapi-fcgi)
# in_package NAME FILE...: each FILE is in package NAME.
in_package() {
    local name=$1 f
    shift
    for f in "$@"; do grep -qxF "$f" "$work/contents.$name" || { echo "missing from $name: $f"; return 1; }; done
}
lib=$multiarch_libdir

check "isapi-fcgi: the server, units, configuration, manual pages, web servers' files" in_package isapi-fcgi \
    /usr/sbin/isapi-fcgi /lib/systemd/system/isapi-fcgi.socket /lib/systemd/system/isapi-fcgi.service \
    /etc/isapi-fcgi/isapi-fcgi.yaml /etc/isapi-fcgi/conf.d/example-pool.yaml.example /etc/logrotate.d/isapi-fcgi \
    /usr/share/man/man8/isapi-fcgi.8.gz /usr/share/man/man5/isapi-fcgi.yaml.5.gz \
    /usr/share/isapi-fcgi/nginx/isapi-fcgi.conf /usr/share/isapi-fcgi/apache/isapi-fcgi.conf \
    /usr/share/isapi-fcgi/apache/isapi-fcgi-sethandler.conf /usr/share/isapi-fcgi/haproxy/isapi-fcgi.cfg \
    /usr/share/doc/isapi-fcgi/examples/isapi-fcgi.yaml /usr/share/doc/isapi-fcgi/examples/nginx-site.conf \
    /usr/share/doc/isapi-fcgi/examples/apache-site.conf
check "libisapi-runtime0: the shared library and its soname link only" expect_eq \
    "$lib/libisapi-runtime.so.0 $lib/libisapi-runtime.so.0.1.0" \
    sh -c "grep -v /usr/share/doc/ '$work/contents.libisapi-runtime0' | sort | tr '\n' ' ' | sed 's/ \$//'"
check "libisapi-win32-0: the shared library and its soname link only" expect_eq \
    "$lib/libisapi-win32.so.0 $lib/libisapi-win32.so.0.1.0" \
    sh -c "grep -v /usr/share/doc/ '$work/contents.libisapi-win32-0' | sort | tr '\n' ' ' | sed 's/ \$//'"
check "isapi-fcgi-dev: headers (compatibility headers included), .so links, CMake package, isapi-cc" in_package isapi-fcgi-dev \
    /usr/include/isapi/httpext.h /usr/include/isapi/isapi_runtime.h /usr/include/isapi/win32/windows.h \
    /usr/include/isapi/win32/httpext.h /usr/include/isapi/win32/strsafe.h \
    "$lib/libisapi-runtime.so" "$lib/libisapi-win32.so" \
    "$lib/cmake/isapi-fcgi/isapi-fcgiConfig.cmake" "$lib/cmake/isapi-fcgi/isapi-fcgiConfigVersion.cmake" \
    "$lib/cmake/isapi-fcgi/isapi-fcgi-targets.cmake" "$lib/cmake/isapi-fcgi/IsapiExtension.cmake" \
    /usr/bin/isapi-cc /usr/bin/isapi-c++ /usr/share/man/man1/isapi-cc.1.gz /usr/share/man/man1/isapi-c++.1.gz
if [ "$wine_package" = 1 ]; then
    # The Windows worker (docs/wine.md): beside the server's sbin/, where it looks first.
    check "isapi-fcgi-wine: the Windows worker(s) only, a PE file each, mode 644" bash -c '
        files=$(grep -v /usr/share/doc/ "$1")
        echo "$files" | grep -qxF /usr/lib/isapi-fcgi/wine/x86_64/isapi-wine-worker.exe || { echo "no x86_64 worker"; exit 1; }
        ! echo "$files" | grep -vxE "/usr/lib/isapi-fcgi/wine/(x86_64|i686)/isapi-wine-worker\.exe" || exit 1
        dpkg-deb --fsys-tarfile "$2" | tar -xO ./usr/lib/isapi-fcgi/wine/x86_64/isapi-wine-worker.exe > "$3/worker.exe"
        file "$3/worker.exe" | grep -q "PE32+ executable.*x86-64.*MS Windows" || { file "$3/worker.exe"; exit 1; }
        dpkg-deb -c "$2" | grep -E "isapi-wine-worker\.exe$" | awk "{ print \$1 }" | grep -vqx -- "-rw-r--r--" && exit 1
        cmp "$3/worker.exe" "$4/wine/x86_64/isapi-wine-worker.exe"' \
        _ "$work/contents.isapi-fcgi-wine" "$(package_file isapi-fcgi-wine)" "$work" "$build"
    check "isapi-fcgi-wine Depends on the server of this version and wine64; nothing else depends on it or on Wine" bash -c '
        [ "$(dpkg-deb -f "$(ls "$1"/package/isapi-fcgi-wine_*.deb)" Depends)" = "isapi-fcgi (= $2), wine64" ] || exit 1
        for p in isapi-fcgi libisapi-runtime0 libisapi-win32-0 isapi-fcgi-dev; do
            ! dpkg-deb -f "$(ls "$1"/package/"$p"_*.deb)" Depends Recommends Suggests | grep -qiE "wine" || { echo "$p"; exit 1; }
        done' _ "$build" "$ISAPI_FCGI_VERSION"
    # The packaged server finds the packaged worker (beside its own binary), not the build tree's:
    # both extracted into one root, the build tree's workers hidden by an empty tmpfs (a private
    # mount namespace); the same check without the worker's package fails naming it.
    root=$work/root
    for p in isapi-fcgi libisapi-runtime0 isapi-fcgi-wine; do dpkg-deb -x "$(package_file "$p")" "$root"; done
    mkdir -p "$work/dll" "$work/prefix"
    cp "$build/wine/x86_64/hello.dll" "$work/dll/"
    printf 'allow_root: true\npools:\n  - name: legacy\n    listen: unix:%s/s.sock\n    extensions:\n      - { name: orders, path: %s/dll/hello.dll, urls: /scripts/orders.dll, runtime: wine }\n' \
        "$work" "$work" > "$work/wine.yaml"
    packaged_check() {  # ROOT: --check-config of ROOT's server with the build tree's workers hidden
        unshare -m sh -c 'mount -t tmpfs none "$1/wine" && LD_LIBRARY_PATH="$2$3" WINEPREFIX="$4" \
            "$2/usr/sbin/isapi-fcgi" --check-config --config "$5"' _ "$build" "$1" "$multiarch_libdir" "$work/prefix" "$work/wine.yaml"
    }
    check "the packaged server finds the packaged Windows worker (--check-config)" packaged_check "$root"
    rm -rf "$root/usr/lib/isapi-fcgi"
    missing_worker_named() {  # ROOT: its --check-config fails, naming the worker it lacks
        local out
        if out=$(packaged_check "$1" 2>&1); then echo "--check-config passed without the worker"; return 1; fi
        grep -q "no Windows worker for .* is installed" <<<"$out" || { echo "$out"; return 1; }
    }
    check "without isapi-fcgi-wine the same check fails, naming the missing worker" missing_worker_named "$root"
fi
for name in "${package_names[@]}"; do
    check "$name: its own copyright and changelog" in_package "$name" \
        "/usr/share/doc/$name/copyright" "/usr/share/doc/$name/changelog.gz"
done
check "no file in two packages" bash -c 'd=$(cat "$@" | sort | uniq -d); [ -z "$d" ] || { echo "$d"; exit 1; }' \
    _ "$work"/contents.*
check "no development file outside isapi-fcgi-dev" bash -c '
    ! grep -hE "^/usr/include/|\.so$|/cmake/|/bin/isapi-c" "$@"' _ "$work/contents.isapi-fcgi" \
    "$work/contents.libisapi-runtime0" "$work/contents.libisapi-win32-0"
check "no library or CMake package outside the multiarch directory (one layout, not two)" bash -c '
    ! grep -hE "^/usr/lib/(libisapi|cmake/)" "$@"' _ "$work"/contents.*
check "nothing from the build or test trees (tests, bench, static libraries, example .so)" \
    bash -c '! grep -hE "/(tests?|bench)/|\.a$" "$@"' _ "$work"/contents.*
check "no lintian overrides are shipped" bash -c '! grep -h /usr/share/lintian/ "$@"' _ "$work"/contents.*
check "the configuration, the example pool file and the logrotate file in /etc are conffiles" expect_eq \
    "$(printf '%s\n' /etc/isapi-fcgi/isapi-fcgi.yaml /etc/logrotate.d/isapi-fcgi /etc/isapi-fcgi/conf.d/example-pool.yaml.example)" \
    sh -c "dpkg-deb --ctrl-tarfile '$deb' | tar -xO ./conffiles"
check "the packaged configuration includes conf.d/*.yaml (relative to /etc/isapi-fcgi)" grep -qxF 'include: conf.d/*.yaml' \
    "$src/deploy/systemd/isapi-fcgi.yaml"
for f in nginx/isapi-fcgi.conf apache/isapi-fcgi.conf; do
    check "the packaged $f is conf/$f" cmp <(dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/share/isapi-fcgi/$f") "$src/conf/$f"
done
check "the packaged units are deploy/systemd's" cmp \
    <(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./lib/systemd/system/isapi-fcgi.service) "$src/deploy/systemd/isapi-fcgi.service"
check "binaries and libraries are stripped" bash -c '
    dpkg-deb --fsys-tarfile "$1" | tar -xO ./usr/sbin/isapi-fcgi > "$3/bin"
    dpkg-deb --fsys-tarfile "$2" | tar -xO ".$4/libisapi-win32.so.0.1.0" > "$3/lib"
    file "$3/bin" "$3/lib" | grep -c ", stripped" | grep -qx 2' _ "$deb" "$(package_file libisapi-win32-0)" "$work" "$lib"

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

control() { dpkg-deb -f "$(package_file "$1")" "$2"; }
v=$ISAPI_FCGI_VERSION
check "isapi-fcgi Depends: libisapi-runtime0 of this version and the system libraries (shlibdeps)" expect_match \
    "^libisapi-runtime0 \\(= $v\\), .*libpugixml.*libspdlog.*libyaml-cpp0\\.7" control isapi-fcgi Depends
check "isapi-fcgi Recommends libisapi-win32-0 (what extensions link)" expect_eq "libisapi-win32-0 (= $v)" \
    control isapi-fcgi Recommends
check "no package but -dev depends on a -dev package or on isapi-fcgi-dev" bash -c '
    for p in isapi-fcgi libisapi-runtime0 libisapi-win32-0; do
        ! dpkg-deb -f "$(ls "$1"/package/"$p"_*.deb)" Depends | grep -q -- "-dev" || { echo "$p"; exit 1; }
    done' _ "$build"
check "libisapi-win32-0 Depends on libisapi-runtime0 of this version" expect_match "libisapi-runtime0 \\(= $v\\)" \
    control libisapi-win32-0 Depends
check "isapi-fcgi-dev Depends on both libraries of this version, python3 and a C++ compiler" expect_match \
    "^libisapi-runtime0 \\(= $v\\), libisapi-win32-0 \\(= $v\\), python3, g\\+\\+ \\| c\\+\\+-compiler$" \
    control isapi-fcgi-dev Depends
sections="httpd libs libs libdevel"
[ "$wine_package" = 0 ] || sections="$sections httpd"
check "sections: $sections" expect_eq "$sections" sh -c '
    for p in "$@"; do dpkg-deb -f "$(ls "$0"/package/"$p"_*.deb)" Section; done | tr "\n" " " | sed "s/ \$//"' \
    "$build" "${package_names[@]}"
check "each library package's shlibs names its own library and package" expect_eq \
    "libisapi-runtime 0 libisapi-runtime0 (>= $v)|libisapi-win32 0 libisapi-win32-0 (>= $v)" \
    sh -c "{ dpkg-deb --ctrl-tarfile '$(package_file libisapi-runtime0)' | tar -xO ./shlibs
             dpkg-deb --ctrl-tarfile '$(package_file libisapi-win32-0)' | tar -xO ./shlibs; } | paste -sd'|'"
check "the library packages refresh the linker cache by trigger, without maintainer scripts" bash -c '
    for p in libisapi-runtime0 libisapi-win32-0; do
        f=$(ls "$1"/package/"$p"_*.deb)
        dpkg-deb --ctrl-tarfile "$f" | tar -xO ./triggers | grep -qx "activate-noawait ldconfig" || { echo "$p: no trigger"; exit 1; }
        ! dpkg-deb --ctrl-tarfile "$f" | tar -t | grep -qE "/(pre|post)(inst|rm)$" || { echo "$p: has scripts"; exit 1; }
    done' _ "$build"
check "maintainer scripts enable the units the debhelper way" bash -c '
    dpkg-deb --ctrl-tarfile "$1" | tar -xO ./postinst | grep -q "deb-systemd-helper enable"' _ "$deb"
check "maintainer scripts pass shellcheck" shellcheck -s sh "$src"/deploy/debian/postinst "$src"/deploy/debian/prerm "$src"/deploy/debian/postrm

# lintian's errors and warnings fail (no overrides exist); its informational and pedantic
# tags are listed (see docs/deployment.md).
lintian --pedantic --display-info --show-overrides "$build"/package/*.deb > "$work/lintian" 2>&1 || true
check "lintian: no errors or warnings in any of the packages" bash -c '! grep -E "^[EW]: " "$1"' _ "$work/lintian"
check "lintian: nothing overridden" bash -c '! grep -E "^O: " "$1"' _ "$work/lintian"
echo "     lintian --pedantic --display-info --show-overrides:"
grep -E '^[A-Z]: ' "$work/lintian" | grep -v '^N:' | sed 's/^/       /'

deploy_finish
