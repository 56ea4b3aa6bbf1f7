#!/usr/bin/env bash
# deploy.sdk: an extension author's build against the packages alone. isapi-fcgi-dev and the
# two libraries it depends on (and nothing of the server's package) are unpacked into a directory, a separate CMake project finds it with find_package(isapi-fcgi) and builds two
# of examples/ with isapi_add_extension(), and a fresh IIS-style sample (tests/fixtures/
# cmake_package: includes in any case, a .def file); the examples (state/extensions/*.so) are what the
# container, Kubernetes, compose and systemd tests serve. The same project also builds against
# the other layout, a plain `cmake --install` prefix (state/plain-install, from deploy.package).
source "$(dirname "$0")/lib.sh"
deploy_init sdk

state=$ISAPI_FCGI_DEPLOY_STATE
root=$state/sdk-root
rm -rf "$root" "$state/extensions"
mkdir -p "$root" "$state/extensions"
for name in isapi-fcgi-dev libisapi-runtime0 libisapi-win32-0; do
    require "$name unpacks" dpkg-deb -x "$(package_file "$name")" "$root"
done
check "the server's package is not needed to build (nothing of it unpacked)" test ! -e "$root/usr/sbin/isapi-fcgi"
require "configure: find_package(isapi-fcgi) from isapi-fcgi-dev" \
    cmake -S "$deploy_here/sdk-project" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_PREFIX_PATH="$root/usr" -DEXAMPLES_DIR="$src/examples" -DGREETER_DIR="$src/tests/fixtures/cmake_package" \
        -DISAPI_FCGI_VERSION="$ISAPI_FCGI_VERSION" \
        -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
require "build: isapi_add_extension(hello, workerthread, greeter)" cmake --build "$work/build"
require "install" cmake --install "$work/build" --prefix "$work/installed"
check "the compatibility headers came from the package" bash -c '
    grep -q -- "-I$1/usr/include/isapi/win32" "$2/compile_commands.json" || grep -q -- "-isystem $1/usr/include/isapi/win32" "$2/compile_commands.json"
    ! grep -q -- "$3/include" "$2/compile_commands.json"' _ "$root" "$work/build" "$src"
check "greeter compiled through the package's isapi-cc (includes in any case, its .def)" bash -c '
    grep -q -- "$1/usr/bin/isapi-cc --case-insensitive-includes=" "$2/CMakeFiles/rules.ninja" &&
    [ "$(nm -D --defined-only "$2/greeter.so" | awk "{print \$3}" | sort | tr "\n" " ")" = "GetExtensionVersion GetGreetingCount HttpExtensionProc " ]' \
    _ "$root" "$work/build"
for ext in hello workerthread greeter; do
    so=$work/installed/extensions/$ext.so
    # (--as-needed drops the layer's libraries when an extension calls nothing from them.)
    check "$ext.so: RUNPATH \$ORIGIN only, no library beyond libc and the layer's" bash -c '
        d=$(readelf -d "$1")
        grep -q "RUNPATH.*\[\$ORIGIN\]$" <<<"$d" || { echo "$d"; exit 1; }
        other=$(grep NEEDED <<<"$d" | grep -vE "\[(libc\.so\.6|libisapi-win32\.so\.0|libisapi-runtime\.so\.0)\]" || true)
        [ -z "$other" ] || { echo "$other"; exit 1; }' _ "$so"
    check "$ext.so exports the ISAPI entry points and hides the rest" bash -c '
        syms=$(nm -D --defined-only "$1" | awk "{print \$3}" | sort | tr "\n" " ")
        [[ $syms == *GetExtensionVersion*HttpExtensionProc* ]] || { echo "exports: $syms"; exit 1; }
        n=$(wc -w <<<"$syms"); [ "$n" -le 5 ] || { echo "too many exports: $syms"; exit 1; }' _ "$so"
    # (The images serve hello and workerthread.)
    [ "$ext" = greeter ] || cp "$so" "$state/extensions/"
done

plain=$state/plain-install/usr/local
check "find_package(isapi-fcgi) from a plain cmake --install prefix: hello builds" bash -c '
    cmake -S "$1/sdk-project" -B "$2" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$3" \
        -DEXAMPLES_DIR="$4/examples" -DGREETER_DIR="$4/tests/fixtures/cmake_package" -DISAPI_FCGI_VERSION="$5" \
        -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null &&
    cmake --build "$2" --target hello >/dev/null' _ "$deploy_here" "$work/build-plain" "$plain" "$src" "$ISAPI_FCGI_VERSION"
check "... with the prefix's headers and its lib/ libraries" bash -c '
    grep -qE -- "(-I|-isystem )$1/include/isapi/win32" "$2/compile_commands.json" &&
    grep -qF -- "$1/lib/libisapi-win32.so" "$2/build.ninja"' _ "$plain" "$work/build-plain"
deploy_finish
