#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# iotntp-status against real brokers on loopback:
#   - the gateway, synced: exit 0, one line per fact, the platform's offset; --json prints the
#     retained status as mosquitto_sub gets it;
#   - a broker with a retained status that says unsynced: exit 1;
#   - a broker with no status retained, one with something else on the topic, and a port where
#     nothing listens: exit 2 and a one-line error;
#   - a broker that wants a login, over TLS: read with -u/-P and --cafile; refused with a wrong
#     password or a CA that did not sign its certificate, exit 2 and the reason.
#   iotntp_status_reads_the_gateway.sh REPO_ROOT PLUGIN_SO IOTNTP_STATUS
set -euo pipefail
# shellcheck source=../lib/chain.sh
. "$1/tests/lib/chain.sh"
chain_test_args "$@"
STATUS_BIN=${3:-}
[ -x "$STATUS_BIN" ] || chain_die "usage: $0 REPO_ROOT PLUGIN_SO IOTNTP_STATUS"

TOLERANCE_MS=5
chain_poll_every 5

# run_status ARGS...: runs iotntp-status, setting OUT, ERR and RC.
run_status() {
	RC=0
	"$STATUS_BIN" "$@" >"$CHAIN_DIR/status.out" 2>"$CHAIN_DIR/status.err" || RC=$?
	OUT=$(<"$CHAIN_DIR/status.out")
	ERR=$(<"$CHAIN_DIR/status.err")
	chain_log "iotntp-status $*: exit $RC${ERR:+, stderr: $ERR}"
}

expect_rc() {
	[ "$RC" -eq "$1" ] || chain_die "exit status $RC, not $1; stdout: $OUT; stderr: $ERR"
}

# expect_out REGEX: a line of the output matches.
expect_out() {
	grep -Eq "$1" <<<"$OUT" || chain_die "no line matches '$1' in:
$OUT"
}

# expect_error REGEX: stdout is empty, stderr is one line that matches.
expect_error() {
	[ -z "$OUT" ] || chain_die "output on a failure: $OUT"
	[ "$(wc -l <<<"$ERR")" -eq 1 ] || chain_die "the error is not one line: $ERR"
	grep -Eq "^iotntp-status: $1" <<<"$ERR" || chain_die "the error does not say '$1': $ERR"
}

# start_broker NAME CONF_LINES...: a plain broker (no plugin) on a free port; sets BROKER_PORT.
USED_PORTS=()
start_broker() {
	local name=$1
	shift
	BROKER_PORT=$(chain_free_port tcp "$CHAIN_PLATFORM_PORT" "$CHAIN_GATEWAY_PORT" "${USED_PORTS[@]}")
	USED_PORTS+=("$BROKER_PORT")
	printf '%s\n' "listener $BROKER_PORT 127.0.0.1" "$@" >"$CHAIN_DIR/$name.conf"
	chain_spawn "$name" mosquitto -c "$CHAIN_DIR/$name.conf"
	chain_wait 10 chain_listening "$BROKER_PORT" || chain_die "broker $name did not start: $(tail -3 "$CHAIN_DIR/$name.log")"
}

chain_setup
chain_start_platform_random
chain_start_chronyd
chain_start_gateway
gw=(-h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT")

# --- The gateway, synced ------------------------------------------------------------------------

chain_wait 90 chain_status_synced || chain_die "plugin status never said synced: $(chain_status)"
chain_wait 30 chain_status_cmp samples_to_chrony -ge 1 || chain_die "no sample went to chrony: $(chain_status)"
run_status "${gw[@]}"
expect_rc 0
printf '%s\n' "$OUT" >&2
expect_out '^Synchronised      : yes'
expect_out '^Platform offset   : [-+][0-9]+\.[0-9]{9} s \(platform (ahead of|behind) the gateway\)$'
expect_out '^Round trip        : [0-9]+\.[0-9]{3} ms$'
expect_out '^Last sample       : [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]{12} UTC \([0-9]+ s ago\)$'
expect_out '^Samples to chrony : [1-9][0-9]*$'
expect_out '^Refclock          : connected$'
expect_out '^Requests          : ([1-9][0-9]*) sent, [1-9][0-9]* answered, [0-9]+ timed out; \1 in the last 24 h \(at most [1-9][0-9]*\)$'
expect_out '^Polls             : [1-9][0-9]*, [1-9][0-9]* with a sample$'
expect_out '^Poll interval     : [0-9]+\.[0-9] s, steady ones fixed by poll_interval$'
expect_out '^LAN answers       : [0-9]+'
expect_out "^Denied publishes  : 0 on the plugin's own topics$"
if grep -q '"error_bound_ms":[0-9]' <<<"$(chain_status)"; then
	expect_out '^Error bound       : [0-9]+\.[0-9]{3} ms$'
fi
if grep -Eq '^(Synchronised|Platform offset).*\{' <<<"$OUT" || grep -q '"' <<<"$OUT"; then
	chain_die "the view shows JSON: $OUT"
fi
offset=$(sed -n 's/^Platform offset   : \([-+0-9.]*\) s.*/\1/p' <<<"$OUT")
offset_error_ms=$(chain_error_ms "$offset" "$CHAIN_PLATFORM_OFFSET")
awk -v e="$offset_error_ms" -v t="$TOLERANCE_MS" 'BEGIN { exit !(e <= t && e >= -t) }' ||
	chain_die "the view's offset $offset s is $offset_error_ms ms off the platform's $CHAIN_PLATFORM_OFFSET s"

# --json: the retained message itself. A poll may publish a new one between the two reads;
# then the next pair matches.
json_matches() {
	run_status --json "${gw[@]}"
	[ "$RC" -eq 0 ] && [ "$OUT" = "$(chain_status)" ]
}
matched=0
for _ in 1 2 3 4 5; do
	if json_matches; then
		matched=1
		break
	fi
done
[ "$matched" -eq 1 ] || chain_die "--json (exit $RC) is not the retained status: $OUT"
grep -Eq '^\{"synced":true,.*"samples_to_chrony":[1-9][0-9]*.*\}$' <<<"$OUT" ||
	chain_die "--json printed no synced status: $OUT"

# --- Other brokers: unsynced, no status, not a status, nothing listening -------------------------

start_broker plain "allow_anonymous true"
plain=(-h 127.0.0.1 -p "$BROKER_PORT" -W 2)
run_status "${plain[@]}"
expect_rc 2
expect_error "no status on iotntp/status at 127\.0\.0\.1:$BROKER_PORT within 2 s: is the iotntp plugin loaded"

unsynced='{"synced":false,"offset_s":null,"rtt_ms":null,"last_sample_utc":null,"sent":24,"answered":0,"timed_out":24,"rejected":0,"polls":3,"samples":0,"dropped_by":{"expired":0},"refclock_connected":true,"samples_to_chrony":0}'
mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t site-a/iotntp -r -m "$unsynced"
run_status "${plain[@]}" -t site-a/iotntp
expect_rc 1
expect_out '^Synchronised      : no$'
expect_out '^Last sample       : none since the broker started$'
expect_out '^Requests          : 24 sent, 0 answered, 24 timed out$'
run_status "${plain[@]}" -t site-a/iotntp --json
expect_rc 1
[ "$OUT" = "$unsynced" ] || chain_die "--json printed '$OUT', not the retained '$unsynced'"

mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t iotntp/status -r -m 'temperature 21.5'
run_status "${plain[@]}"
expect_rc 2
expect_error "the message on iotntp/status at 127\.0\.0\.1:$BROKER_PORT is not a status: not JSON"
figures_add bad_inputs 1

closed=$(chain_free_port tcp "$BROKER_PORT" "$CHAIN_PLATFORM_PORT" "$CHAIN_GATEWAY_PORT")
run_status -h 127.0.0.1 -p "$closed" -W 2
expect_rc 2
expect_error "cannot connect to 127\.0\.0\.1:$closed: Connection refused$"

run_status -h 127.0.0.1 -p "$closed" --port 1
expect_rc 2
if [ -n "$OUT" ] || [ "$(head -n 1 <<<"$ERR")" != "iotntp-status: --port is given twice" ]; then
	chain_die "bad usage: stdout '$OUT', stderr '$ERR'"
fi

# --- A broker with a login, over TLS ------------------------------------------------------------

command -v openssl >/dev/null || chain_die "openssl is not installed"
pki=$CHAIN_DIR/pki
install -d -m 0755 "$pki"
for ca in broker-ca other-ca; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj "/CN=iotntp test $ca" -addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign \
		-keyout "$pki/$ca.key" -out "$pki/$ca.pem" 2>>"$CHAIN_DIR/openssl.log" ||
		chain_die "openssl could not make $ca: $(tail -3 "$CHAIN_DIR/openssl.log")"
done
printf '%s\n' 'subjectAltName=IP:127.0.0.1,DNS:localhost' 'basicConstraints=CA:FALSE' \
	'keyUsage=critical,digitalSignature' 'extendedKeyUsage=serverAuth' >"$pki/server.ext"
{
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost \
		-keyout "$pki/server.key" -out "$pki/server.csr" &&
		openssl x509 -req -in "$pki/server.csr" -CA "$pki/broker-ca.pem" \
			-CAkey "$pki/broker-ca.key" -CAcreateserial -days 2 -extfile "$pki/server.ext" \
			-out "$pki/server.pem"
} 2>>"$CHAIN_DIR/openssl.log" || chain_die "openssl could not make the server certificate: $(tail -3 "$CHAIN_DIR/openssl.log")"
chmod 0644 "$pki"/*.pem
# The broker drops to user mosquitto before it reads its key and password file.
chgrp mosquitto "$pki/server.key"
chmod 0640 "$pki/server.key"
password=pw-$RANDOM$RANDOM
mosquitto_passwd -c -b "$CHAIN_DIR/passwd" monitor "$password"
chgrp mosquitto "$CHAIN_DIR/passwd"
chmod 0640 "$CHAIN_DIR/passwd"
start_broker secure "allow_anonymous false" "password_file $CHAIN_DIR/passwd" \
	"cafile $pki/broker-ca.pem" "certfile $pki/server.pem" "keyfile $pki/server.key"
secure=(-h 127.0.0.1 -p "$BROKER_PORT" -W 5)
mosquitto_pub "${secure[@]:0:4}" --cafile "$pki/broker-ca.pem" -u monitor -P "$password" \
	-t iotntp/status -r -m "$unsynced"

run_status "${secure[@]}" --cafile "$pki/broker-ca.pem" -u monitor -P "$password"
expect_rc 1
expect_out '^Synchronised      : no$'
run_status "${secure[@]}" --cafile "$pki/broker-ca.pem" -u monitor -P "wrong-$password"
expect_rc 2
expect_error "127\.0\.0\.1:$BROKER_PORT refused the connection: (not authorised|bad user name or password) \(--username, --pw\)$"
grep -q -- "$password" <<<"$ERR" && chain_die "the error repeats the password: $ERR"
run_status "${secure[@]}" --cafile "$pki/other-ca.pem" -u monitor -P "$password"
expect_rc 2
expect_error "cannot connect to 127\.0\.0\.1:$BROKER_PORT: TLS: .*certificate verify failed$"
run_status "${secure[@]}" -u monitor -P "$password"
expect_rc 2
expect_error "127\.0\.0\.1:$BROKER_PORT closed the connection without accepting it: does it want TLS \(--cafile\)\?$"
run_status "${secure[@]}" --cafile "$CHAIN_DIR/no-such-ca.pem"
expect_rc 2
expect_error "--cafile $CHAIN_DIR/no-such-ca\.pem: No such file or directory$"

echo "iotntp-status: synced exit 0 (offset ${offset_error_ms} ms off the platform's), unsynced 1," \
	"no status, not a status, refused port, wrong password, wrong CA 2"
