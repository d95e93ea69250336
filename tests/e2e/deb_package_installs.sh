#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Debian package: built by config/packaging/build-deb in a fresh build tree, installed with
# dpkg on this machine, its iotntp-config runs, its plugin loads in a broker and its
# iotntp-status reaches that broker; then it is purged again (dpkg -r alone would leave a
# config-files record behind: the package has a postrm).
# The machine must not have iotntp installed already (the test would remove it): then it is
# skipped.
#   deb_package_installs.sh REPO_ROOT
set -euo pipefail
root=$1
# shellcheck source=../lib/free_port.sh
. "$root/tests/lib/free_port.sh"
# shellcheck source=../lib/wait_alive.sh
. "$root/tests/lib/wait_alive.sh"
skip=77

[ "$(id -u)" -eq 0 ] || {
	echo "FAIL: needs root (dpkg -i)"
	exit 1
}
if dpkg-query -W -f='${Status}' iotntp 2>/dev/null | grep -q 'install ok installed'; then
	echo "SKIP: the iotntp package is installed on this machine; this test would remove it"
	exit "$skip"
fi

dir=$(mktemp -d /tmp/iotntp-deb-test.XXXXXX)
installed=0
broker=
cleanup() {
	if [ -n "$broker" ]; then
		kill "$broker" 2>/dev/null || true
		wait "$broker" 2>/dev/null || true
	fi
	if [ "$installed" -eq 1 ]; then
		dpkg -P iotntp >/dev/null 2>&1 || echo "cleanup: dpkg -P iotntp failed" >&2
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
chmod 0755 "$dir"

fail() {
	echo "FAIL: $*"
	exit 1
}

# --- Build the package -------------------------------------------------------------------------

IOTNTP_DEB_BUILD=$dir/build "$root/config/packaging/build-deb" "$(dpkg --print-architecture)" \
	>"$dir/build.log" 2>&1 || fail "build-deb: $(tail -20 "$dir/build.log")"
deb=$(tail -1 "$dir/build.log")
[ -f "$deb" ] || fail "build-deb made no .deb: $(tail -5 "$dir/build.log")"

depends=$(dpkg-deb -f "$deb" Depends)
for dep in mosquitto chrony libcjson1 libssl3 libmosquitto1; do
	grep -Eq "(^|, )$dep( |,|$)" <<<"$depends" || fail "Depends lacks $dep: $depends"
done
echo "package: $(basename "$deb"), Depends: $depends"
# Debian 13 wants packages to ship under /usr only (config/packaging/CMakeLists.txt says why).
outside=$(dpkg-deb -c "$deb" | awk '{ print $6 }' | grep -v -e '^\./usr/' -e '^\./$' || true)
[ -z "$outside" ] || fail "the package ships paths outside /usr: $outside"

# --- Install it --------------------------------------------------------------------------------

dpkg -i "$deb" >"$dir/dpkg.log" 2>&1 || {
	installed=1
	fail "dpkg -i: $(tail -10 "$dir/dpkg.log")"
}
installed=1
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
plugin=/usr/lib/$multiarch/mosquitto_iotntp.so
for f in /usr/bin/iotntp-config /usr/bin/iotntp-status "$plugin" \
	/usr/libexec/iotntp/iotntp-chrony-socket-access \
	/usr/lib/systemd/system/chrony.service.d/iotntp.conf /usr/share/iotntp/chrony/iotntp.conf \
	/usr/share/iotntp/mosquitto/gateway.conf; do
	dpkg -S "$f" >/dev/null 2>&1 || fail "$f does not belong to the package"
	[ -f "$f" ] || fail "$f is not installed"
done
[ -x /usr/libexec/iotntp/iotntp-chrony-socket-access ] || fail "socket-access helper not executable"
grep -q "^ExecStartPost=-/usr/libexec/iotntp/iotntp-chrony-socket-access " \
	/usr/lib/systemd/system/chrony.service.d/iotntp.conf || fail "the drop-in names another helper"
for conf in gateway.conf platform-emulator.conf; do
	grep -qx "plugin $plugin" "/usr/share/iotntp/mosquitto/$conf" ||
		fail "the installed $conf does not name $plugin"
done
echo "installed: $(dpkg -L iotntp | grep -c .) paths"

# --- Its tool runs -----------------------------------------------------------------------------

help=$(/usr/bin/iotntp-config --help) || fail "iotntp-config --help failed"
grep -q "^Usage: iotntp-config mosquitto" <<<"$help" || fail "unexpected --help: $help"
# The fragment it writes names the plugin the package installed.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-subj /CN=iotntp-test-ca -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
fragment=$(printf 'PkgTestSecret\n' | /usr/bin/iotntp-config mosquitto --product-key a1B2c3D4e5F \
	--device-name gw-01 --secret-file - --region cn-shanghai --ca-file "$dir/ca.pem")
grep -qx "plugin $plugin" <<<"$fragment" || fail "the fragment does not name $plugin"
echo "iotntp-config: --help and a fragment naming $plugin"

# --- Its plugin loads --------------------------------------------------------------------------

port=$(free_port tcp) || fail "no free port"
cat >"$dir/broker.conf" <<EOF
listener $port 127.0.0.1
allow_anonymous true
per_listener_settings false
plugin $plugin
plugin_opt_role serve
plugin_opt_authoritative true
EOF
mosquitto -c "$dir/broker.conf" >"$dir/broker.log" 2>&1 &
broker=$!
wait_alive "$broker" 10 grep -q "iotntp: serve role" "$dir/broker.log" ||
	fail "no 'iotntp: serve role' line: $(tail -5 "$dir/broker.log")"
echo "plugin: $(grep -m1 'iotntp: serve role' "$dir/broker.log" | sed 's/^[0-9]*: //')"
# The status tool reaches the broker; a serve-role broker publishes no status.
wait_alive "$broker" 10 grep -q "mosquitto version .* running" "$dir/broker.log" ||
	fail "the broker does not run: $(tail -5 "$dir/broker.log")"
rc=0
out=$(/usr/bin/iotntp-status -h 127.0.0.1 -p "$port" -W 2 2>&1) || rc=$?
if [ "$rc" -ne 2 ] || ! grep -q "^iotntp-status: no status on iotntp/status at 127.0.0.1:$port" <<<"$out"; then
	fail "iotntp-status against a broker without a status: exit $rc: $out"
fi
echo "iotntp-status: exit 2, '$out'"
kill "$broker"
wait "$broker" 2>/dev/null || true
broker=

# --- Purge it ----------------------------------------------------------------------------------

dpkg -P iotntp >"$dir/dpkg-P.log" 2>&1 || fail "dpkg -P: $(tail -5 "$dir/dpkg-P.log")"
installed=0
for f in /usr/bin/iotntp-config /usr/bin/iotntp-status "$plugin" \
	/usr/lib/systemd/system/chrony.service.d/iotntp.conf; do
	[ ! -e "$f" ] || fail "$f is still there after dpkg -P"
done
if dpkg-query -W iotntp >/dev/null 2>&1; then
	fail "dpkg still knows iotntp: $(dpkg-query -W -f='${Status}' iotntp)"
fi
echo "removed: dpkg -P iotntp left none of its files and no record"
echo "PASS"
