#!/usr/bin/env bash
# The Debian package: built with cpack from a fresh build tree, installed with dpkg on this
# machine, its iotntp-config runs and its plugin loads in a broker; then it is purged again
# (dpkg -r alone would leave a config-files record behind: the package has a postrm).
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

cmake -S "$root" -B "$dir/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
	>"$dir/cmake.log" 2>&1 || fail "cmake: $(tail -5 "$dir/cmake.log")"
cmake --build "$dir/build" -j "$(nproc)" >"$dir/build.log" 2>&1 ||
	fail "build: $(tail -20 "$dir/build.log")"
(cd "$dir/build" && cpack -G DEB) >"$dir/cpack.log" 2>&1 || fail "cpack: $(tail -10 "$dir/cpack.log")"
debs=("$dir"/build/iotntp_*.deb)
[ -f "${debs[0]}" ] || fail "cpack made no .deb: $(tail -5 "$dir/cpack.log")"
deb=${debs[0]}

depends=$(dpkg-deb -f "$deb" Depends)
for dep in mosquitto chrony libcjson1 libssl3; do
	grep -Eq "(^|, )$dep( |,|$)" <<<"$depends" || fail "Depends lacks $dep: $depends"
done
echo "package: $(basename "$deb"), Depends: $depends"

# --- Install it --------------------------------------------------------------------------------

dpkg -i "$deb" >"$dir/dpkg.log" 2>&1 || {
	installed=1
	fail "dpkg -i: $(tail -10 "$dir/dpkg.log")"
}
installed=1
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
plugin=/usr/lib/$multiarch/mosquitto_iotntp.so
for f in /usr/bin/iotntp-config "$plugin" /usr/libexec/iotntp/iotntp-chrony-socket-access \
	/lib/systemd/system/chrony.service.d/iotntp.conf /usr/share/iotntp/chrony/iotntp.conf \
	/usr/share/iotntp/mosquitto/gateway.conf; do
	dpkg -S "$f" >/dev/null 2>&1 || fail "$f does not belong to the package"
	[ -f "$f" ] || fail "$f is not installed"
done
[ -x /usr/libexec/iotntp/iotntp-chrony-socket-access ] || fail "socket-access helper not executable"
grep -q "^ExecStartPost=-/usr/libexec/iotntp/iotntp-chrony-socket-access " \
	/lib/systemd/system/chrony.service.d/iotntp.conf || fail "the drop-in names another helper"
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
kill "$broker"
wait "$broker" 2>/dev/null || true
broker=

# --- Purge it ----------------------------------------------------------------------------------

dpkg -P iotntp >"$dir/dpkg-P.log" 2>&1 || fail "dpkg -P: $(tail -5 "$dir/dpkg-P.log")"
installed=0
for f in /usr/bin/iotntp-config "$plugin" /lib/systemd/system/chrony.service.d/iotntp.conf; do
	[ ! -e "$f" ] || fail "$f is still there after dpkg -P"
done
if dpkg-query -W iotntp >/dev/null 2>&1; then
	fail "dpkg still knows iotntp: $(dpkg-query -W -f='${Status}' iotntp)"
fi
echo "removed: dpkg -P iotntp left none of its files and no record"
echo "PASS"
