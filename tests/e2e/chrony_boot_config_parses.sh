#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The boot sequence as shipped parses in a real chronyd: the gateway's chrony.conf (Debian's own,
# when this machine has it, with its confdir pointed at iotntp.conf and iotntp-boot.conf) passes
# chronyd -p; what chronyd ends up with is makestep 1 3 and one driftfile, the file Debian's
# chronyd writes; and chronyd accepts the options of default-chrony, -s among them.
#   chrony_boot_config_parses.sh REPO_ROOT
set -euo pipefail
root=$1
chrony_dir=$root/config/chrony

fail() {
	echo "FAIL: $*"
	exit 1
}

command -v chronyd >/dev/null || fail "chronyd is not installed"
dir=$(mktemp -d /tmp/iotntp-chrony-boot.XXXXXX)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/conf.d"
cp "$chrony_dir/iotntp.conf" "$chrony_dir/iotntp-boot.conf" "$dir/conf.d/"

debian=/etc/chrony/chrony.conf
if [ -f "$debian" ] && grep -q '^confdir /etc/chrony/conf.d$' "$debian"; then
	sed 's|^confdir /etc/chrony/conf.d$|confdir '"$dir"'/conf.d|' "$debian" >"$dir/chrony.conf"
	echo "gateway chrony.conf: $debian, confdir $dir/conf.d"
else
	printf 'confdir %s/conf.d\n' "$dir" >"$dir/chrony.conf"
	echo "gateway chrony.conf: confdir $dir/conf.d alone ($debian not found or without confdir)"
fi

# -x: whatever the options, this chronyd never touches this machine's clock (-p exits after
# parsing anyway).
# shellcheck source=../../config/chrony/default-chrony
. "$chrony_dir/default-chrony"
[ -n "${DAEMON_OPTS:-}" ] || fail "default-chrony sets no DAEMON_OPTS"
[[ " $DAEMON_OPTS " == *" -s "* ]] || fail "default-chrony's DAEMON_OPTS has no -s: $DAEMON_OPTS"
# shellcheck disable=SC2086 # DAEMON_OPTS is split into options, as chrony.service does
parsed=$(chronyd $DAEMON_OPTS -x -p -f "$dir/chrony.conf" 2>"$dir/stderr") ||
	fail "chronyd $DAEMON_OPTS -p refused the configuration: $(cat "$dir/stderr")"
printf '%s\n' "$parsed" >"$dir/parsed"

grep -q '^refclock SOCK /run/chrony.iotntp.sock refid IOT ' "$dir/parsed" ||
	fail "no IOT refclock in chronyd -p: $parsed"
# chronyd keeps the last makestep it reads: with Debian's chrony.conf that is Debian's own line,
# read after conf.d. It must be the one iotntp-boot.conf asks for.
want_step=$(grep '^makestep ' "$chrony_dir/iotntp-boot.conf")
got_step=$(grep '^makestep ' "$dir/parsed" | tail -1)
[ "$got_step" = "$want_step" ] || fail "chronyd ends up with '$got_step', iotntp-boot.conf has '$want_step'"
# -s restores the time from the driftfile's mtime: the file must be the one chronyd writes.
drifts=$(grep '^driftfile ' "$dir/parsed" | sort -u)
[ "$(grep -c . <<<"$drifts")" -eq 1 ] || fail "more than one driftfile: $drifts"
[ "$drifts" = "$(grep '^driftfile ' "$chrony_dir/iotntp-boot.conf")" ] ||
	fail "chronyd writes '$drifts', iotntp-boot.conf names another file"

# An option chronyd does not know is refused: the check above means something.
if chronyd -x -p -Z -f "$dir/chrony.conf" >/dev/null 2>&1; then
	fail "chronyd accepted an unknown option"
fi
echo "chrony boot: options '$DAEMON_OPTS' accepted; $got_step; $drifts"
echo "PASS"
