#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Hostile: a local client floods the gateway with forged platform answers while the plugin is
# synced. The answers are plausible (the platform's own form, its time 10 s off either way,
# whole ms) and aim at requests still outstanding, guessing a send time near the current time
# (Alibaba's deviceSendTime, say): a local subscriber to the gateway's request topic reads none of the plugin's requests,
# which go to the bridge's client id alone. None may move the time: a tap on chronyd's socket
# counts every sample chronyd gets, and none may be off the platform; the plugin counts each
# forged answer as local_client; no subscriber receives one; a LAN client still gets the
# platform's time. (A client that holds the bridge's id gets the real requests:
# bridge_id_takeover_cannot_move_time.sh.) In the dialect of CHAIN_PLATFORM (tests/lib/chain.sh),
# Alibaba's by default.
#   local_flood_cannot_move_time.sh REPO_ROOT PLUGIN_SO
set -euo pipefail
# shellcheck source=../lib/chain.sh
. "$1/tests/lib/chain.sh"
chain_test_args "$@"

TOLERANCE_MS=5
POLL_S=5
FLOOD_MAX=2000 # forged answers at most
FLOOD_S=20     # seconds of flooding at most
BATCH=20       # answers per batch, one batch every 0.2 s: about 100 per second
chain_poll_every "$POLL_S"
chain_use_tap

chain_setup
request_topic=$CHAIN_REQUEST_TOPIC
response_topic=$CHAIN_RESPONSE_TOPIC
chain_start_platform_random
chain_start_chronyd
chain_start_tap
chain_start_gateway

chain_wait 90 chain_status_synced || chain_die "plugin status never said synced: $(chain_status)"
chain_wait 120 chain_chrony_synced || chain_die "chronyd never selected the IOT refclock: $(tail -5 "$CHAIN_DIR/chronyd.log")"

# Local subscribers: one on the gateway's request topic, which must read none of the plugin's
# requests, one on the response topic, where only the platform's genuine answers may appear.
chain_spawn requests stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" -t "$request_topic"
chain_spawn responses stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" -t "$response_topic"
has_lines() { [ -s "$1" ]; }
chain_wait $((3 * POLL_S + 20)) has_lines "$CHAIN_DIR/responses.log" ||
	chain_die "a local subscriber saw none of the platform's answers"

status=$(chain_status)
chain_log "synced: $status"
before_local=$(chain_field "$status" local_client)
before_samples=$(chain_field "$status" samples_to_chrony)
before_tapped=$(chain_tapped_samples)
platform_ms=$(awk -v o="$CHAIN_PLATFORM_OFFSET" 'BEGIN { printf "%d", o * 1000 }')

# The platform's answer with placeholders: the send time it names its request by, and the
# server's two stamps, replaced for each forged answer; "seq":N marks it as forged.
DST_MARK=3333333333333
SRV_MARK=2222222222222
template=$(chain_dialect answer "$SRV_MARK" "$SRV_MARK" "$(chain_dialect request "$DST_MARK" 1)")
template="{\"seq\":SEQ,${template#\{}"
forge() {
	local i=0 n end now dst srv line
	end=$((SECONDS + FLOOD_S))
	while [ "$i" -lt "$FLOOD_MAX" ] && [ "$SECONDS" -lt "$end" ]; do
		for ((n = 0; n < BATCH && i < FLOOD_MAX; n++, i++)); do
			now=${EPOCHREALTIME/./}
			now=$((now / 1000))
			dst=$((now - RANDOM % 4000))
			if [ $((i % 2)) -eq 0 ]; then
				srv=$((now + platform_ms + 10000))
			else
				srv=$((now + platform_ms - 10000))
			fi
			line=${template/SEQ/$i}
			line=${line//$DST_MARK/$dst}
			printf '%s\n' "${line//$SRV_MARK/$srv}"
		done
		sleep 0.2 # pacing, so the flood spans several polls
	done
}

chain_log "flooding $response_topic with forged answers"
flood_start=$SECONDS
forge | tee "$CHAIN_DIR/forged.txt" |
	timeout $((FLOOD_S + 60)) mosquitto_pub -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" -t "$response_topic" -l ||
	chain_die "the flooding client failed"
flood_s=$((SECONDS - flood_start))
sent=$(wc -l <"$CHAIN_DIR/forged.txt")
chain_log "sent $sent forged answers in ${flood_s} s"
figures_add bad_inputs "$sent"
[ "$sent" -gt 0 ] || chain_die "no forged answer was sent"

# Every forged answer is counted once the status is next published.
chain_wait $((3 * POLL_S + 30)) chain_status_cmp local_client -ge $((before_local + sent)) ||
	chain_die "local_client counted $(($(chain_field "$(chain_status)" local_client) - before_local)) of $sent forged answers"
status=$(chain_status)
dropped=$(($(chain_field "$status" local_client) - before_local))
[ "$dropped" -eq "$sent" ] || chain_die "local_client counted $dropped forged answers, $sent were sent: $status"
# Genuine exchanges went on during the flood, and chronyd kept getting samples.
chain_wait $((3 * POLL_S + 20)) chain_status_cmp samples_to_chrony -gt "$before_samples" ||
	chain_die "no sample went to chrony during or after the flood: $(chain_status)"
chain_status_synced || chain_die "status unsynced after the flood: $(chain_status)"
tapped_during=$(($(chain_tapped_samples) - before_tapped))
[ "$tapped_during" -gt 0 ] || chain_die "the tap saw no sample during or after the flood"

# The plugin polled all along (samples went to chrony), and no local subscriber read a request.
requests_seen=$(grep -c . "$CHAIN_DIR/requests.log" || true)
[ "$requests_seen" -eq 0 ] || chain_die "a local subscriber read $requests_seen of the plugin's requests"

forged_delivered=$(grep -c '"seq":' "$CHAIN_DIR/responses.log" || true)
figures_add forged_reads "$forged_delivered"
[ "$forged_delivered" -eq 0 ] || chain_die "a local subscriber received $forged_delivered forged answers"

chain_chrony_synced || chain_wait 120 chain_chrony_synced ||
	chain_die "chronyd lost the IOT refclock: $(tail -5 "$CHAIN_DIR/chronyd.log")"
chain_client_within 60 "$TOLERANCE_MS" ||
	chain_die "LAN client after the flood: offset '${CHAIN_CLIENT_OFFSET:-}' s, ${CHAIN_ERROR_MS:-no answer} ms off the platform"

wrong=$(chain_wrong_samples "$TOLERANCE_MS")
tapped=$(chain_tapped_samples)
figures_add wrong_samples_to_chrony "$wrong"
[ "$wrong" -eq 0 ] || chain_die "$wrong of $tapped samples sent to chrony were more than ${TOLERANCE_MS} ms off the platform: $(cat "$CHAIN_DIR/tap.samples")"

echo "fault: local_flood_cannot_move_time forged_sent=$sent flood_s=$flood_s requests_seen=$requests_seen" \
	"local_client_drops=$dropped forged_delivered=$forged_delivered samples_during_flood=$tapped_during" \
	"tapped_samples=$tapped wrong_samples=$wrong error_ms=${CHAIN_ERROR_MS#+}"
figures_add faults_survived 1
