#!/usr/bin/env bash
# deploy.units: deploy/systemd's units under systemd-analyze on this machine (no systemd needs to
# run): `verify` says nothing at all (unknown keys only warn and exit 0, so any output fails),
# checked against copies whose ExecStart names the binary under test and with the package's
# manual page on MANPATH (Documentation=man:isapi-fcgi(8)); a deliberate typo is caught; the
# offline security exposure is reported and bounded; the same for the unit with the Wine
# drop-in (deploy/systemd/wine.conf).
source "$(dirname "$0")/lib.sh"
deploy_init units

units=$work/units
mkdir -p "$units" "$work/man/man8"
for u in isapi-fcgi.socket isapi-fcgi.service; do
    sed "s|/usr/sbin/isapi-fcgi|$ISAPI_FCGI_BINARY|g" "$src/deploy/systemd/$u" > "$units/$u"
done
cp "$ISAPI_FCGI_BUILD_DIR/packaging/isapi-fcgi.8.gz" "$work/man/man8/"
verify() { MANPATH=$work/man systemd-analyze verify "$@" 2>&1; }
check "systemd-analyze verify: no output, exit 0" bash -c '
    out=$(MANPATH="$1/man" systemd-analyze verify "$1/units/isapi-fcgi.socket" "$1/units/isapi-fcgi.service" 2>&1); rc=$?
    [ $rc -eq 0 ] && [ -z "$out" ] || { echo "rc=$rc"; echo "$out"; exit 1; }' _ "$work"
mkdir -p "$work/typo"
sed 's/^NoNewPrivileges=yes$/NoNewPrivilege=yes/' "$units/isapi-fcgi.service" > "$work/typo/isapi-fcgi.service"
cp "$units/isapi-fcgi.socket" "$work/typo/"
check "the gate catches a misspelt key (a warning with exit 0)" expect_match "Unknown key( name)? 'NoNewPrivilege'" \
    verify "$work/typo/isapi-fcgi.socket" "$work/typo/isapi-fcgi.service"
check "the manual page the units name renders" sh -c "MANPATH='$work/man' man -P cat isapi-fcgi 2>/dev/null | grep -q 'FastCGI responder that hosts IIS ISAPI'"
# The drop-in for Wine pools (deploy/systemd/wine.conf), where its header installs it: verify
# reads drop-ins from the unit search path only, so the units and it go in a directory of it.
dropin_root=$work/with-wine
mkdir -p "$dropin_root/isapi-fcgi.service.d"
cp "$units/isapi-fcgi.socket" "$units/isapi-fcgi.service" "$dropin_root/"
sed "s|/usr/sbin/isapi-fcgi|$ISAPI_FCGI_BINARY|g" "$src/deploy/systemd/wine.conf" > "$dropin_root/isapi-fcgi.service.d/wine.conf"
check "with the Wine drop-in: no output, exit 0" bash -c '
    out=$(cd / && SYSTEMD_UNIT_PATH="$1:" MANPATH="$2/man" systemd-analyze verify isapi-fcgi.socket isapi-fcgi.service 2>&1); rc=$?
    [ $rc -eq 0 ] && [ -z "$out" ] || { echo "rc=$rc"; echo "$out"; exit 1; }' _ "$dropin_root" "$work"
check "... and read: security sees its second system call ABI (i386, for wine32)" expect_match \
    "SystemCallArchitectures=.*multiple ABIs" \
    sh -c "cd / && SYSTEMD_UNIT_PATH='$dropin_root:' systemd-analyze security --offline=true --no-pager isapi-fcgi.service"
mkdir -p "$work/typo-wine/isapi-fcgi.service.d"
cp "$units/isapi-fcgi.socket" "$units/isapi-fcgi.service" "$work/typo-wine/"
sed 's/^TimeoutStartSec=/TimeoutStartSecs=/' "$dropin_root/isapi-fcgi.service.d/wine.conf" > "$work/typo-wine/isapi-fcgi.service.d/wine.conf"
check "the gate catches a misspelt key in the drop-in" expect_match "wine.conf:[0-9]+: Unknown key( name)? 'TimeoutStartSecs'" \
    sh -c "cd / && SYSTEMD_UNIT_PATH='$work/typo-wine:' MANPATH='$work/man' systemd-analyze verify isapi-fcgi.socket isapi-fcgi.service 2>&1"
wine_score=$(cd / && SYSTEMD_UNIT_PATH="$dropin_root:" systemd-analyze security --offline=true --no-pager isapi-fcgi.service 2>&1 | tail -n 1)
echo "     systemd-analyze security --offline, with the Wine drop-in: ${wine_score#→ }"
check "... its offline security exposure at most 2.0" sh -c "cd / && SYSTEMD_UNIT_PATH='$dropin_root:' \
    systemd-analyze security --offline=true --threshold=20 --no-pager isapi-fcgi.service"
score=$(systemd-analyze security --offline=true --no-pager "$units/isapi-fcgi.service" 2>&1 | tail -n 1)
echo "     systemd-analyze security --offline: ${score#→ }"
check "offline security exposure at most 2.0" systemd-analyze security --offline=true --threshold=20 --no-pager \
    "$units/isapi-fcgi.service"
deploy_finish
