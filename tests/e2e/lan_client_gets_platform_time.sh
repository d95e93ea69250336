#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End to end on loopback, real processes only: an emulated platform whose clock is off by a
# random offset, a gateway broker (as user mosquitto) whose bridge and plugin take the
# platform's time, chronyd serving it, and a LAN NTP client that must see the platform's offset.
#   lan_client_gets_platform_time.sh REPO_ROOT PLUGIN_SO
set -euo pipefail
# shellcheck source=../lib/chain.sh
. "$1/tests/lib/chain.sh"
chain_test_args "$@"

TOLERANCE_MS=5

chain_setup
chain_start_platform_random
offset=$CHAIN_PLATFORM_OFFSET
chain_start_chronyd
chain_start_gateway

user=$(ps -o user= -p "$(chain_pid gateway)" | tr -d ' ')
[ "$user" = mosquitto ] || chain_die "gateway broker runs as '$user', not mosquitto"

chain_wait 90 chain_status_synced || chain_die "plugin status never said synced: $(chain_status) $(tail -5 "$CHAIN_DIR/gateway.log")"
chain_log "plugin status: $(chain_status)"
chain_wait 120 chain_chrony_synced || chain_die "chronyd never selected the IOT refclock: $(tail -5 "$CHAIN_DIR/chronyd.log")"

chain_measure_client 60 || chain_die "the NTP client got no answer from chronyd: $(tail -3 "$CHAIN_DIR/client.log")"
client=$CHAIN_CLIENT_OFFSET
error_ms=$(chain_error_ms "$client" "$offset")
echo "e2e: platform_offset_s=${offset#+} lan_client_offset_s=$client error_ms=${error_ms#+}"
awk -v e="$error_ms" -v t="$TOLERANCE_MS" 'BEGIN { exit !(e <= t && e >= -t) }' ||
	chain_die "LAN client is ${error_ms} ms off the platform (tolerance ${TOLERANCE_MS} ms)"

# A local client that publishes a forged answer is denied: no subscriber sees it, it is
# counted, and the time stays the platform's.
response_topic=/ext/ntp/$CHAIN_PK/$CHAIN_DN/response
: >"$CHAIN_DIR/sub.out"
stdbuf -oL mosquitto_sub -d -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" -t "$response_topic" -W 60 >"$CHAIN_DIR/sub.out" 2>&1 &
sub_pid=$!
chain_wait 10 grep -q SUBACK "$CHAIN_DIR/sub.out" || chain_die "subscriber did not subscribe"
forged='{"deviceSendTime":"1","serverRecvTime":"4000000000000","serverSendTime":"4000000000000","forged":1}'
for _ in 1 2 3; do
	mosquitto_pub -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" -t "$response_topic" -m "$forged"
done
figures_add bad_inputs 3
local_client_drops() {
	chain_status | grep -qE '"local_client":([3-9]|[1-9][0-9]+)'
}
chain_wait 60 local_client_drops || chain_die "forged answers not counted: $(chain_status)"
kill "$sub_pid" 2>/dev/null || true
wait "$sub_pid" 2>/dev/null || true
if grep -q forged "$CHAIN_DIR/sub.out"; then
	chain_die "a subscriber received a forged answer"
fi
chain_status_synced || chain_die "status no longer synced: $(chain_status)"
chain_measure_client 60 || chain_die "the NTP client got no answer after the forged answers"
after_ms=$(chain_error_ms "$CHAIN_CLIENT_OFFSET" "$offset")
awk -v e="$after_ms" -v t="$TOLERANCE_MS" 'BEGIN { exit !(e <= t && e >= -t) }' ||
	chain_die "after forged answers the LAN client is ${after_ms} ms off"
chain_log "forged local answers denied and counted; LAN client still ${after_ms} ms off"
