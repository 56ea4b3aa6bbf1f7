#!/bin/bash
# `cmake --install` into a fresh prefix, then the installed pieces find each other with no
# LD_LIBRARY_PATH and no ldconfig: the installed isapi-cc builds an extension against the
# installed headers and libraries; a CMake project finds the installed package and builds
# another with isapi_add_extension (case-insensitive includes, a .def file); the installed binary
# loads and serves both (cgi-fcgi). A .def naming an undefined function fails the CMake build.
# Arguments: BUILD_DIR FIXTURE_DIR (tests/fixtures/isapi_cc) CMAKE_PROJECT (tests/fixtures/cmake_package).
set -euo pipefail
build=$1
fixtures=$2
cmake_project=$3
prefix=$(mktemp -d /tmp/isapi-fcgi-install-XXXXXX)
server=
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$prefix"
}
trap cleanup EXIT
fail() { echo "install test: $*" >&2; [ -f "$prefix/server.log" ] && tail -20 "$prefix/server.log" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >"$prefix/install.log" 2>&1 || { cat "$prefix/install.log" >&2; fail "cmake --install failed"; }
unset LD_LIBRARY_PATH
"$prefix/sbin/isapi-fcgi" --version | grep -q '^isapi-fcgi ' || fail "the installed binary does not run"
readelf -d "$prefix/sbin/isapi-fcgi" | grep -q 'RUNPATH.*\$ORIGIN/\.\./lib' || fail "no \$ORIGIN/../lib RUNPATH"

"$prefix/bin/isapi-cc" -o "$prefix/counter.so" "$fixtures/counter_main.c" "$fixtures/counter_stats.c" \
    "$fixtures/counter.def" || fail "the installed isapi-cc cannot build"
# Built against the installed tree, not the build tree.
readelf -d "$prefix/counter.so" | grep RUNPATH | grep -q "$prefix" || fail "counter.so's RUNPATH misses the prefix"
readelf -d "$prefix/counter.so" | grep RUNPATH | grep -q "$build" && fail "counter.so points into the build tree"

# The CMake package: find_package(isapi-fcgi) from the prefix, isapi_add_extension with the
# project's sources as they were written for Windows.
cmake_build() {  # <build-dir> [cmake -D...]
    local dir=$1; shift
    cmake -S "$cmake_project" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" "$@" \
        >"$dir.log" 2>&1 && cmake --build "$dir" >>"$dir.log" 2>&1
}
cmake_build "$prefix/greeter-build" || { cat "$prefix/greeter-build.log" >&2; fail "isapi_add_extension through the installed package failed"; }
grep -q -- "$prefix/bin/isapi-cc --case-insensitive-includes=" "$prefix/greeter-build/CMakeFiles/rules.ninja" \
    || fail "the CMake build did not compile through the installed isapi-cc"
greeter=$prefix/greeter-build/greeter.so
exports=$(nm -D --defined-only "$greeter" | awk '{print $3}' | sort | tr '\n' ' ')
[ "$exports" = "GetExtensionVersion GetGreetingCount HttpExtensionProc " ] || fail "greeter.so exports: $exports (want exactly greeter.def's)"
if cmake_build "$prefix/greeter-missing" -DGREETER_DEF=greeter_missing.def; then
    fail "a .def exporting an undefined function built"
fi
grep -q "greeter_missing.def exports 'GetGreetingTotal', which no source defines" "$prefix/greeter-missing.log" \
    || { cat "$prefix/greeter-missing.log" >&2; fail "the failed build does not name the undefined export"; }
[ ! -e "$prefix/greeter-missing/greeter.so" ] || fail "the failed build left greeter.so behind"

cat >"$prefix/isapi-fcgi.yaml" <<YAML
allow_root: true
pools:
  - name: app
    listen: unix:$prefix/app.sock
    extensions:
      - { name: counter, path: $prefix/counter.so, urls: /scripts/counter.dll }
      - { name: greeter, path: $greeter, urls: /scripts/greeter.dll }
YAML
"$prefix/sbin/isapi-fcgi" -t -c "$prefix/isapi-fcgi.yaml" 2>"$prefix/check.log" || { cat "$prefix/check.log" >&2; fail "--check-config refused the installed extension"; }

"$prefix/sbin/isapi-fcgi" --single-process -c "$prefix/isapi-fcgi.yaml" >"$prefix/server.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do
    grep -q "listening on" "$prefix/server.log" && break
    kill -0 "$server" 2>/dev/null || fail "the installed server exited"
    sleep 0.1
done
grep -q "listening on" "$prefix/server.log" || fail "the installed server did not start in 60s"
get() {  # <script> <path-info> <query>
    REQUEST_METHOD=GET SCRIPT_NAME=$1 PATH_INFO=$2 QUERY_STRING=$3 REQUEST_URI=$1$2?$3 \
        SERVER_PROTOCOL=HTTP/1.1 SERVER_NAME=localhost SERVER_PORT=80 GATEWAY_INTERFACE=CGI/1.1 \
        timeout 30 cgi-fcgi -bind -connect "$prefix/app.sock"
}
answer=$(get /scripts/counter.dll /x "") || fail "cgi-fcgi failed"
echo "$answer" | grep -q "hits=1 last=/x" || fail "unexpected answer: $answer"
# Both files' definitions of Phrases.h's counter are one variable.
answer=$(get /scripts/greeter.dll "" fr) || fail "cgi-fcgi failed"
echo "$answer" | grep -q "^bonjour #1" || fail "unexpected greeter answer: $answer"
answer=$(get /scripts/greeter.dll "" de) || fail "cgi-fcgi failed"
echo "$answer" | grep -q "^hallo #2" || fail "unexpected greeter answer: $answer"
echo "install test: installed to $prefix, built and served counter.so (isapi-cc) and greeter.so (CMake): ok"
