#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# TLS end to end. The emulated platform listens with a server certificate for 127.0.0.1 from a
# CA this test makes with openssl; the gateway's bridge verifies it against a CA file, as
# iotntp-config's fragment has it (bridge_cafile, bridge_insecure false, tlsv1.2).
#   - First the bridge is given an unrelated CA: it cannot connect (the gateway log shows the
#     TLS failure, again at each retry), no answer is taken, the status says unsynced, chronyd
#     never selects IOT and a LAN client gets no time.
#   - Then the gateway restarts with the platform's CA: the plugin syncs and a LAN client gets
#     the platform's time within 5 ms.
# The wrong CA comes first so that chronyd has never had a sample: whatever it served then
# could only have come through the unverified peer.
#
# With the wrong CA the bridge reaches the platform through a delay proxy, 5 ms each way, as
# over a real uplink. On loopback the platform's certificate can already be there when the
# bridge first calls SSL_connect(); when verification fails inside that call, Mosquitto 2.0.11
# (Debian 12) closes the socket without dropping it from its socket table, and a later
# reconnect leaves the broker looping at 100% CPU (fixed upstream in 2.0.15). With the answer
# a few ms away the failure is seen on a later read, which disconnects the bridge cleanly.
#   tls_bridge_verifies_the_platform.sh REPO_ROOT PLUGIN_SO
set -euo pipefail
# shellcheck source=../lib/chain.sh
. "$1/tests/lib/chain.sh"
chain_test_args "$@"

TOLERANCE_MS=5
# How long the bridge gets with the wrong CA; with restart_timeout 2 30 it retries within it.
WRONG_CA_S=40
TLS_ERROR='OpenSSL Error|certificate verify failed'

CHAIN_PROXY_BIN=${CHAIN_PROXY_BIN:-$CHAIN_ROOT/build/tests/tools/delay_proxy}
command -v openssl >/dev/null || chain_die "openssl is not installed"
[ -x "$CHAIN_PROXY_BIN" ] || chain_die "CHAIN_PROXY_BIN must name the built delay_proxy, not '$CHAIN_PROXY_BIN'"
chain_setup

# The broker drops to user mosquitto; the platform's listener and the gateway's bridge read
# these files as that user.
pki=$CHAIN_DIR/pki
install -d -m 0755 "$pki"

# new_ca NAME: a self-signed CA, NAME.key and NAME.pem.
new_ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj "/CN=iotntp test $1" -addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign \
		-keyout "$pki/$1.key" -out "$pki/$1.pem" 2>>"$CHAIN_DIR/openssl.log" ||
		chain_die "openssl could not make CA $1: $(tail -3 "$CHAIN_DIR/openssl.log")"
}
new_ca platform-ca
new_ca other-ca
printf '%s\n' 'subjectAltName=IP:127.0.0.1,DNS:localhost' 'basicConstraints=CA:FALSE' \
	'keyUsage=critical,digitalSignature' 'extendedKeyUsage=serverAuth' >"$pki/server.ext"
{
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost \
		-keyout "$pki/server.key" -out "$pki/server.csr" &&
		openssl x509 -req -in "$pki/server.csr" -CA "$pki/platform-ca.pem" \
			-CAkey "$pki/platform-ca.key" -CAcreateserial -days 2 -extfile "$pki/server.ext" \
			-out "$pki/server.pem"
} 2>>"$CHAIN_DIR/openssl.log" || chain_die "openssl could not make the server certificate: $(tail -3 "$CHAIN_DIR/openssl.log")"
openssl verify -CAfile "$pki/platform-ca.pem" "$pki/server.pem" >/dev/null ||
	chain_die "the server certificate does not verify against its own CA"
if openssl verify -CAfile "$pki/other-ca.pem" "$pki/server.pem" >/dev/null 2>&1; then
	chain_die "the server certificate verifies against the other CA"
fi
chmod 0644 "$pki"/*.pem
chgrp mosquitto "$pki/server.key"
chmod 0640 "$pki/server.key"

# TLS for the platform's listener: in platform-emulator.conf allow_anonymous follows the
# listener line, so options added after it apply to that listener.
CHAIN_PLATFORM_EDITS=("allow_anonymous true" "allow_anonymous true
cafile $pki/platform-ca.pem
certfile $pki/server.pem
keyfile $pki/server.key
tls_version tlsv1.2")

# gateway_tls CA: the bridge verifies the platform against CA, as iotntp-config writes it.
gateway_tls() {
	CHAIN_GATEWAY_EDITS=("restart_timeout 2 30" "restart_timeout 2 30
bridge_cafile $1
bridge_insecure false
bridge_tls_version tlsv1.2")
}

chain_start_platform_random
chain_start_chronyd

# --- The wrong CA: nothing is taken from a platform the bridge cannot verify --------------------

tls_failed() {
	grep -qE "$TLS_ERROR" "$CHAIN_DIR/gateway.log"
}
# Each attempt of the bridge to connect logs this line.
bridge_attempts() {
	grep -c "Connecting bridge (step 1)" "$CHAIN_DIR/gateway.log" || true
}
# The gateway stops answering if Mosquitto's loop is stuck (see above): say so, not just
# that the status is missing.
gateway_state() {
	echo "gateway broker CPU time $(ps -o time= -p "$(chain_pid gateway)" 2>/dev/null || echo gone)," \
		"log: $(tail -3 "$CHAIN_DIR/gateway.log")"
}
# Port 0: the proxy takes a free port itself and names it in its start line.
proxy_port() {
	CHAIN_BRIDGE_PORT=$(sed -n 's/^delay_proxy: listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$CHAIN_DIR/proxy.log")
	[ -n "$CHAIN_BRIDGE_PORT" ]
}
chain_spawn proxy "$CHAIN_PROXY_BIN" --listen 0 --to "127.0.0.1:$CHAIN_PLATFORM_PORT" --up 5 --down 5
chain_wait 10 proxy_port || chain_die "delay proxy did not start: $(tail -3 "$CHAIN_DIR/proxy.log")"
gateway_tls "$pki/other-ca.pem"
chain_start_gateway
chain_wait 30 tls_failed ||
	chain_die "no TLS failure in the gateway log: $(tail -5 "$CHAIN_DIR/gateway.log")"
chain_log "gateway log: $(grep -m 1 -E "$TLS_ERROR" "$CHAIN_DIR/gateway.log")"

# chronyd must not select IOT at any time within the window.
if chain_wait "$WRONG_CA_S" chain_chrony_synced; then
	chain_die "chronyd selected IOT through a bridge that failed verification"
fi
# The status after several polls, not just the first.
chain_wait 20 chain_status_cmp polls -ge 3 || chain_die "no status after several polls: $(gateway_state)"
status=$(chain_status)
chain_log "wrong CA status: $status"
wrong_answered=$(chain_field "$status" answered)
wrong_samples=$(chain_field "$status" samples_to_chrony)
wrong_synced=$(chain_field "$status" synced)
[ "$wrong_answered" = 0 ] || chain_die "$wrong_answered answers taken through an unverified bridge: $status"
[ "$wrong_samples" = 0 ] || chain_die "$wrong_samples samples went to chrony with the wrong CA: $status"
[ "$wrong_synced" = false ] || chain_die "status says synced with the wrong CA: $status"
attempts=$(bridge_attempts)
[ "$attempts" -ge 2 ] || chain_die "the bridge did not retry: $attempts attempts in ${WRONG_CA_S} s"
failures=$(grep -cE "$TLS_ERROR" "$CHAIN_DIR/gateway.log" || true)
if grep -q "iotntp: synchronised" "$CHAIN_DIR/gateway.log"; then
	chain_die "the plugin logged sync with the wrong CA"
fi
offset_seen=$(chain_client_offset)
[ -z "$offset_seen" ] || chain_die "a LAN client got time ($offset_seen s) with the wrong CA"
chain_log "wrong CA: $attempts bridge attempts, $failures TLS failures logged; nothing answered, LAN client got no time"
cp "$CHAIN_DIR/gateway.log" "$CHAIN_DIR/gateway-other-ca.log"
chain_stop_one gateway
chain_stop_one proxy
unset CHAIN_BRIDGE_PORT

# --- The platform's CA: the chain syncs through the verified bridge -----------------------------

gateway_tls "$pki/platform-ca.pem"
chain_start_gateway
chain_wait 90 chain_status_synced || chain_die "plugin status never said synced: $(chain_status) $(tail -5 "$CHAIN_DIR/gateway.log")"
chain_log "plugin status: $(chain_status)"
! grep -qE "$TLS_ERROR" "$CHAIN_DIR/gateway.log" ||
	chain_die "TLS errors with the platform's CA: $(grep -m 3 -E "$TLS_ERROR" "$CHAIN_DIR/gateway.log")"
chain_wait 120 chain_chrony_synced || chain_die "chronyd never selected the IOT refclock: $(tail -5 "$CHAIN_DIR/chronyd.log")"
chain_client_within 60 "$TOLERANCE_MS" ||
	chain_die "LAN client: offset '${CHAIN_CLIENT_OFFSET:-}' s, ${CHAIN_ERROR_MS:-no answer} ms off the platform (tolerance ${TOLERANCE_MS} ms)"

echo "tls: right_ca_error_ms=${CHAIN_ERROR_MS#+} wrong_ca_answered=$wrong_answered wrong_ca_synced=$wrong_synced"
