#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End to end on loopback, real processes only: an emulated platform whose clock is off by a
# random offset, a gateway broker (as user mosquitto) whose bridge and plugin take the
# platform's time, chronyd serving it, and a LAN NTP client that must see the platform's offset.
# A LAN device that speaks the platform's protocol then gets the platform's time from the
# gateway (serve_lan), and forged answers from a local client are denied. In the dialect of
# CHAIN_PLATFORM (tests/lib/chain.sh), Alibaba's by default.
#   lan_client_gets_platform_time.sh REPO_ROOT PLUGIN_SO
set -euo pipefail
# shellcheck source=../lib/chain.sh
. "$1/tests/lib/chain.sh"
chain_test_args "$@"

TOLERANCE_MS=5
# A LAN device's answer against the platform's time: loopback and the platform's whole-ms
# stamps, with room for a loaded machine.
LAN_TOLERANCE_MS=50
LAN_REQUESTS=3

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
figures_add e2e_error_ms "${error_ms#+}"
awk -v e="$error_ms" -v t="$TOLERANCE_MS" 'BEGIN { exit !(e <= t && e >= -t) }' ||
	chain_die "LAN client is ${error_ms} ms off the platform (tolerance ${TOLERANCE_MS} ms)"

# A LAN device asks the gateway in the platform's protocol, as it would ask the platform, on
# one connection per request (mosquitto_rr, subscribed to its response topic): every request
# is answered, with the platform's time.
# A system of another architecture (tests/release/run) runs none of this machine's tools: the
# device is asked in the runs on this machine alone.
if chain_has_dialect; then
	platform_ms=$(awk -v o="$offset" 'BEGIN { printf "%.0f", o * 1000 }')
	lan_product=lanpk
	[ "$(chain_device_args | cut -d' ' -f1)" != - ] || lan_product=-
	own_request=$CHAIN_REQUEST_TOPIC
	own_response=$CHAIN_RESPONSE_TOPIC
	chain_topics "$lan_product" landev
	: >"$CHAIN_DIR/lan_device.log"
	for i in $(seq 1 "$LAN_REQUESTS"); do
		now=${EPOCHREALTIME/./}
		request=$(chain_dialect request $((now / 1000)) "$i")
		timeout 10 mosquitto_rr -V mqttv311 -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" -i lan-landev \
			-t "$CHAIN_REQUEST_TOPIC" -e "$CHAIN_RESPONSE_TOPIC" -m "$request" -W 5 -F '%U %p' \
			>>"$CHAIN_DIR/lan_device.log" || chain_log "LAN request $i got no answer"
	done
	# Each answer's send stamp against its receipt: the platform's offset, within the tolerance.
	read -r lan_answers lan_worst_ms < <(chain_dialect answers <"$CHAIN_DIR/lan_device.log" |
		awk -v p="$platform_ms" '{ e = $4 - $1 * 1000 - p; if (e < 0) e = -e; if (e > w) w = e; n++ }
			END { printf "%d %.1f\n", n, w }')
	figures_add lan_device_answers "$lan_answers"
	chain_log "LAN device on $CHAIN_REQUEST_TOPIC: $lan_answers of $LAN_REQUESTS requests answered, worst ${lan_worst_ms} ms off the platform"
	[ "$lan_answers" -eq "$LAN_REQUESTS" ] ||
		chain_die "the LAN device got $lan_answers answers to $LAN_REQUESTS requests: $(cat "$CHAIN_DIR/lan_device.log") $(chain_status)"
	awk -v e="$lan_worst_ms" -v t="$LAN_TOLERANCE_MS" 'BEGIN { exit !(e <= t) }' ||
		chain_die "a LAN device's answer was ${lan_worst_ms} ms off the platform's time: $(cat "$CHAIN_DIR/lan_device.log")"
	CHAIN_REQUEST_TOPIC=$own_request
	CHAIN_RESPONSE_TOPIC=$own_response
else
	chain_log "no dialect_tool runs here: the LAN device is not asked"
fi

# A local client that publishes a forged answer is denied: no subscriber sees it, it is
# counted, and the time stays the platform's. The forged answer is the platform's own form,
# stamped 4000000000000 (2096): it shows as 4000000000 wherever a subscriber got it.
response_topic=$CHAIN_RESPONSE_TOPIC
: >"$CHAIN_DIR/sub.out"
stdbuf -oL mosquitto_sub -d -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" -t "$response_topic" -W 60 >"$CHAIN_DIR/sub.out" 2>&1 &
sub_pid=$!
chain_wait 10 grep -q SUBACK "$CHAIN_DIR/sub.out" || chain_die "subscriber did not subscribe"
if chain_has_dialect; then
	forged=$(chain_dialect answer 4000000000000 4000000000000 "$(chain_dialect request 1 1)")
else
	forged='{"deviceSendTime":"1","serverRecvTime":"4000000000000","serverSendTime":"4000000000000"}'
fi
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
forged_reads=$(grep -c 4000000000 "$CHAIN_DIR/sub.out" || true)
figures_add forged_reads "$forged_reads"
[ "$forged_reads" -eq 0 ] || chain_die "a subscriber received $forged_reads forged answers"
chain_status_synced || chain_die "status no longer synced: $(chain_status)"
chain_measure_client 60 || chain_die "the NTP client got no answer after the forged answers"
after_ms=$(chain_error_ms "$CHAIN_CLIENT_OFFSET" "$offset")
awk -v e="$after_ms" -v t="$TOLERANCE_MS" 'BEGIN { exit !(e <= t && e >= -t) }' ||
	chain_die "after forged answers the LAN client is ${after_ms} ms off"
chain_log "forged local answers denied and counted; LAN client still ${after_ms} ms off"
