#!/bin/bash
# `cmake --install` into a fresh prefix, then the installed pieces find each other with no
# LD_LIBRARY_PATH and no ldconfig: the installed isapi-cc builds an extension against the
# installed headers and libraries, and the installed binary loads and serves it (cgi-fcgi).
# Arguments: BUILD_DIR FIXTURE_DIR (tests/fixtures/isapi_cc).
set -euo pipefail
build=$1
fixtures=$2
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

cat >"$prefix/isapi-fcgi.yaml" <<YAML
allow_root: true
pools:
  - name: app
    listen: unix:$prefix/app.sock
    extensions:
      - { name: counter, path: $prefix/counter.so, urls: /scripts/counter.dll }
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
answer=$(REQUEST_METHOD=GET SCRIPT_NAME=/scripts/counter.dll PATH_INFO=/x REQUEST_URI=/scripts/counter.dll/x \
    SERVER_PROTOCOL=HTTP/1.1 SERVER_NAME=localhost SERVER_PORT=80 GATEWAY_INTERFACE=CGI/1.1 \
    timeout 30 cgi-fcgi -bind -connect "$prefix/app.sock") || fail "cgi-fcgi failed"
echo "$answer" | grep -q "hits=1 last=/x" || fail "unexpected answer: $answer"
echo "install test: installed to $prefix, built and served counter.so: ok"
