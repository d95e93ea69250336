#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Hostile: a LAN client connects to the gateway broker with the bridge's own client id. Mosquitto
# hands it the id and closes the bridge's connection; the impostor (tests/tools/impostor)
# subscribes to the gateway's request topic and to every device's, and answers each request at
# once with the platform's time shifted by an hour, in the platform's dialect, naming the
# request as the platform would (Alibaba's deviceSendTime echoed, say). It does so twice,
# with QoS 0 answers and then, on a new connection, with QoS 1 answers, each for several polls.
# Only the broker's own bridge connection may be trusted: no sample chronyd gets may be off the
# platform (a tap counts them), no status may report another offset (while the impostor holds
# the id, the gateway's requests go to it and sync may lapse), the plugin counts the
# answers as dropped_by.impostor and logs the impostor once, a LAN device that speaks the
# platform's protocol never gets a forged answer, a LAN NTP client still gets the platform's
# time, and once the impostor has left the bridge is back by itself, without a restart. In the
# dialect of CHAIN_PLATFORM (tests/lib/chain.sh), Alibaba's by default.
#   bridge_id_takeover_cannot_move_time.sh REPO_ROOT PLUGIN_SO
set -euo pipefail
# shellcheck source=../lib/chain.sh
. "$1/tests/lib/chain.sh"
chain_test_args "$@"

TOLERANCE_MS=5
POLL_S=5
PHASE_S=$((3 * POLL_S)) # each impostor's connection: three polls
SHIFT_S=3600            # what the impostor adds to the platform's time
# A genuine answer's offset is off by half its round trip at most, well under a second even on a
# loaded machine; a forged one is SHIFT_S off.
FORGED_MS=1000
MAX_ANSWERS=2000 # per impostor connection, a bound only
LAN_MAX=120      # LAN device requests at most, one a second
chain_poll_every "$POLL_S"
chain_use_tap

CHAIN_IMPOSTOR_BIN=${CHAIN_IMPOSTOR_BIN:-$CHAIN_ROOT/build/tests/tools/impostor}
[ -x "$CHAIN_IMPOSTOR_BIN" ] || chain_die "CHAIN_IMPOSTOR_BIN must name the built impostor, not '$CHAIN_IMPOSTOR_BIN'"
BRIDGE_ID=$(awk '$1 == "local_clientid" { print $2 }' "$CHAIN_ROOT/config/mosquitto/gateway.conf")
[ -n "$BRIDGE_ID" ] || chain_die "config/mosquitto/gateway.conf sets no local_clientid"
# How the broker logs a client taking over the bridge's id: Mosquitto 2.0, then 2.1.
TAKEOVER_LINE="Client $BRIDGE_ID already connected, closing old connection."
TAKEOVER_LINE_21="Client $BRIDGE_ID [ADDRESS] disconnected: session taken over."

# The checks after the attack all run (chain_fail_later), so a failing run shows everything the
# attack achieved; the test fails at the end if any did.

chain_setup
OWN_REQUEST=$CHAIN_REQUEST_TOPIC
OWN_RESPONSE=$CHAIN_RESPONSE_TOPIC
lan_product=lanpk
[ "$(chain_device_args | cut -d' ' -f1)" != - ] || lan_product=-
chain_topics "$lan_product" landev
LAN_REQUEST=$CHAIN_REQUEST_TOPIC
LAN_RESPONSE=$CHAIN_RESPONSE_TOPIC
chain_start_platform_random
chain_start_chronyd
chain_start_tap
chain_start_gateway

chain_wait 90 chain_status_synced || chain_die "plugin status never said synced: $(chain_status)"
chain_wait 120 chain_chrony_synced || chain_die "chronyd never selected the IOT refclock: $(tail -5 "$CHAIN_DIR/chronyd.log")"
platform_ms=$(awk -v o="$CHAIN_PLATFORM_OFFSET" 'BEGIN { printf "%.0f", o * 1000 }')
shift_ms=$((platform_ms + SHIFT_S * 1000))

# Observers, from before the attack to the end: every status the plugin publishes, and every
# answer on any device's response topic (who may read a forged one). The LAN device below
# records its own answers. Each line starts with the time it was received.
chain_spawn statuses stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" \
	-i iotntp-test-statuses -t iotntp/status -F '%U %p'
chain_spawn responses stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" \
	-i iotntp-test-responses -t "$CHAIN_RESPONSE_FILTER" -F '%U %t %p'
: >"$CHAIN_DIR/lan_sub.log"
has_lines() { [ -s "$1" ]; }
# The retained status arrives once the subscription is in place; the platform's next answer
# shows the response watcher's.
chain_wait 10 has_lines "$CHAIN_DIR/statuses.log" || chain_die "the status recorder got no status"
chain_wait $((3 * POLL_S + 10)) has_lines "$CHAIN_DIR/responses.log" ||
	chain_die "the response watcher saw none of the platform's answers"

# The LAN device asks once a second until told to stop, one connection a request, so that a
# request leaves within milliseconds of the send time it carries. At QoS 1: an answered QoS 0 request
# goes no further than the gateway, and only a request that is routed on reaches the impostor's
# subscription too, which lets it try to answer the device. Its answers come to it alone, so
# it records them itself (mosquitto_rr: subscribed to its response topic, which a forged answer
# would reach, it prints the first message there).
lan_device() {
	local i now request
	for ((i = 0; i < LAN_MAX; i++)); do
		[ ! -e "$CHAIN_DIR/lan.stop" ] || break
		now=${EPOCHREALTIME/./}
		now=$((now / 1000))
		echo "$now" >>"$CHAIN_DIR/lan_requests.txt"
		request=$(chain_dialect request "$now" "$i")
		timeout 10 mosquitto_rr -V mqttv311 -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" -i lan-landev \
			-q 1 -t "$LAN_REQUEST" -e "$LAN_RESPONSE" -m "$request" \
			-W 5 -F '%U %p' >>"$CHAIN_DIR/lan_sub.log" || true
		sleep 1 # the device's pace, not a wait for readiness
	done
}
chain_spawn lan_pub lan_device
chain_wait 15 has_lines "$CHAIN_DIR/lan_sub.log" || chain_die "the LAN device got no answer before the attack: $(chain_status)"

status=$(chain_status)
chain_log "synced: $status"
impostor_before=$(chain_field "$status" impostor || true)
[ -n "$impostor_before" ] || chain_fail_later "the status has no dropped_by.impostor counter: $status"
impostor_before=${impostor_before:-0}

takeovers() {
	awk -v a="$TAKEOVER_LINE" -v b="Client $BRIDGE_ID [" -v c="] disconnected: session taken over." '
		index($0, a) || (index($0, b) && substr($0, length($0) - length(c) + 1) == c) { n++ }
		END { printf "%d", n }' "$CHAIN_DIR/gateway.log"
}

# A field of an impostor's summary line, or of its line for one response topic.
impostor_field() {
	grep '^impostor: id=' "$CHAIN_DIR/$1.log" | grep -o " $2=[0-9]*" | cut -d= -f2 || true
}
impostor_topic_field() {
	grep -F "impostor: topic=$2 " "$CHAIN_DIR/$1.log" | grep -o " $3=[0-9]*" | cut -d= -f2 || true
}

status_grew() {
	local s
	s=$(chain_status)
	[ -n "$s" ] && [ "$(chain_field "$s" answered)" -gt "$1" ] &&
		[ "$(chain_field "$s" samples_to_chrony)" -gt "$2" ]
}

# After an impostor has left: one status more, so that whatever it caused is counted, then the
# platform's answers must arrive through the bridge again and samples must reach chrony. The
# bridge's connection alone is not enough: Mosquitto 2.0 keys a topic's subscribers by client
# id, so a bridge that reconnects while the impostor is subscribed to the gateway's request topic
# has its own subscription taken for the impostor's, and loses it when the impostor leaves; the
# gateway's requests must reach the bridge all the same.
bridge_back() {
	local s
	s=$(chain_status)
	chain_wait $((POLL_S + 10)) chain_status_cmp polls -gt "$(chain_field "$s" polls)" || return 1
	s=$(chain_status)
	chain_wait $((3 * POLL_S + 15)) status_grew "$(chain_field "$s" answered)" "$(chain_field "$s" samples_to_chrony)"
}

# The impostor's answers to the gateway's own topic that certainly reached the broker: all of
# them when its connection ended with its own DISCONNECT (sent after every answer, over one TCP
# stream); if the broker closed it first, only the acknowledged ones (QoS 1).
reached_broker() {
	if [ "$(impostor_field "$1" disconnects)" -eq 0 ]; then
		impostor_topic_field "$1" "$OWN_RESPONSE" answers
	else
		impostor_topic_field "$1" "$OWN_RESPONSE" acked
	fi
}

impostor_answers=0
impostor_own_min=0
for qos in 0 1; do
	name=impostor_qos$qos
	before=$(takeovers)
	chain_log "impostor as '$BRIDGE_ID' answering at QoS $qos for $PHASE_S s"
	"$CHAIN_IMPOSTOR_BIN" --port "$CHAIN_GATEWAY_PORT" --id "$BRIDGE_ID" \
		--topic "$OWN_REQUEST" --topic "$CHAIN_REQUEST_FILTER" --shift-ms "$shift_ms" \
		--platform "$CHAIN_PLATFORM" --qos "$qos" --seconds "$PHASE_S" --max-answers "$MAX_ANSWERS" >"$CHAIN_DIR/$name.log" 2>&1 ||
		chain_die "the impostor did not connect: $(cat "$CHAIN_DIR/$name.log")"
	cat "$CHAIN_DIR/$name.log" >&2
	[ "$(takeovers)" -gt "$before" ] ||
		chain_die "the QoS $qos impostor did not take the bridge's id over: neither '$TAKEOVER_LINE' nor '$TAKEOVER_LINE_21' in the gateway's log"
	requests=$(impostor_field "$name" requests)
	answers=$(impostor_field "$name" answers)
	own=$(impostor_topic_field "$name" "$OWN_RESPONSE" answers)
	if [ "${requests:-0}" -eq 0 ] || [ "${own:-0}" -eq 0 ]; then
		chain_die "the QoS $qos impostor answered none of the gateway's requests: $(tail -3 "$CHAIN_DIR/$name.log")"
	fi
	impostor_answers=$((impostor_answers + ${answers:-0}))
	reached=$(reached_broker "$name")
	impostor_own_min=$((impostor_own_min + ${reached:-0}))
	bridge_back || chain_fail_later "after the QoS $qos impostor left, no answer came through the bridge: $(chain_status)"
done

touch "$CHAIN_DIR/lan.stop"
# Its current request may take up to its 10 s timeout.
chain_wait 15 eval '! chain_alive lan_pub' || chain_die "the LAN device did not stop"
last_request=$(tail -n 1 "$CHAIN_DIR/lan_requests.txt")
# Where the platform's answers echo no send time (Tencent's), any answer will do.
lan_answered_last() {
	chain_dialect answers <"$CHAIN_DIR/lan_sub.log" |
		awk -v t="$last_request" '$2 == t || $2 == "-" { f = 1 } END { exit !f }'
}
chain_wait 10 lan_answered_last || chain_log "the LAN device's last request got no answer: $(chain_status)"
figures_add bad_inputs "$impostor_answers"

# Every forged answer counted: at least those known to have reached the broker.
chain_wait $((3 * POLL_S + 10)) chain_status_cmp impostor -ge $((impostor_before + impostor_own_min)) ||
	true
status=$(chain_status)
impostor_now=$(chain_field "$status" impostor || true)
impostor_drops=$((${impostor_now:-0} - impostor_before))
if [ -z "$impostor_now" ] || [ "$impostor_drops" -lt "$impostor_own_min" ] || [ "$impostor_drops" -eq 0 ]; then
	chain_fail_later "dropped_by.impostor grew by $impostor_drops; at least $impostor_own_min impostor answers to $OWN_RESPONSE reached the broker"
fi

impostor_lines=$(grep -c 'iotntp:.*impostor' "$CHAIN_DIR/gateway.log" || true)
if [ "$impostor_lines" -ne 1 ]; then
	chain_fail_later "the gateway's log has $impostor_lines plugin lines about the impostor, not 1: $(grep 'iotntp:.*impostor' "$CHAIN_DIR/gateway.log" | head -3)"
elif ! grep 'iotntp:.*impostor' "$CHAIN_DIR/gateway.log" | grep -qF 127.0.0.1; then
	chain_fail_later "the plugin's impostor line does not name the client's address 127.0.0.1: $(grep 'iotntp:.*impostor' "$CHAIN_DIR/gateway.log")"
fi

# Answers as "RECEIVED [TOPIC] PAYLOAD" lines, read by the platform's dialect: the offset from
# the four timestamps (the send time echoed, the server's two, receipt) against the platform's;
# where the answer echoes no send time, from the server's send stamp and receipt alone, off by
# the way down at most, far less than a forged answer's shift. Prints "answers forged
# worst_genuine_ms"; the forged ones, as "RECEIVED T1 T2 T3", go to FILE.forged.
classify_answers() {
	: >"$1.forged"
	chain_dialect answers <"$1" | awk -v p="$platform_ms" -v f="$FORGED_MS" -v forged_file="$1.forged" '
		{
			t1 = $2; t2 = $3; t3 = $4; t4 = $1 * 1000
			if (t1 == "-") e = t3 - t4 - p
			else e = ((t2 - t1) + (t3 - t4)) / 2 - p
			if (e < 0) e = -e
			n++
			if (e > f) { forged++; print > forged_file } else if (e > worst) worst = e
		}
		END { printf "%d %d %.1f\n", n, forged, worst }'
}
read -r lan_answers lan_forged lan_worst_ms < <(classify_answers "$CHAIN_DIR/lan_sub.log")
read -r watched watched_forged _ < <(classify_answers "$CHAIN_DIR/responses.log")
forged_reads=$((lan_forged + watched_forged))
figures_add forged_reads "$forged_reads"
lan_impostor=0
for qos in 0 1; do
	n=$(impostor_topic_field "impostor_qos$qos" "$LAN_RESPONSE" answers)
	lan_impostor=$((lan_impostor + ${n:-0}))
done
chain_log "LAN device: $lan_answers answers, $lan_forged forged, worst genuine ${lan_worst_ms} ms;" \
	"the impostor answered $lan_impostor of its requests; watcher: $watched answers, $watched_forged forged"
figures_add lan_device_answers "$lan_answers"
[ "$lan_answers" -gt 0 ] || chain_fail_later "the LAN device got no answer at all"
[ "$lan_impostor" -gt 0 ] || chain_fail_later "the impostor answered none of the LAN device's requests: its check proves nothing"
[ "$lan_forged" -eq 0 ] ||
	chain_fail_later "the LAN device got $lan_forged forged answers, the first: $(head -n 1 "$CHAIN_DIR/lan_sub.log.forged")"
[ "$watched_forged" -eq 0 ] ||
	chain_fail_later "a subscriber on the response topics got $watched_forged forged answers, the first: $(head -n 1 "$CHAIN_DIR/responses.log.forged")"

# Every status published from before the attack to now carries the platform's offset: the
# offset never moves. While the impostor holds the bridge's id the gateway's requests go to it
# (they are sent to that client id) and no sample comes, so the status may say unsynced then,
# with the last sample's offset; those are counted, not failed. Statuses off the platform, or
# with no offset at all, go to bad_statuses.log.
read -r statuses bad_statuses unsynced_statuses worst_status < <(awk -v p="$CHAIN_PLATFORM_OFFSET" \
	-v t="$TOLERANCE_MS" -v bad_file="$CHAIN_DIR/bad_statuses.log" '
	{
		n++
		if ($0 !~ /"synced":true/) unsynced++
		o = ""; if (match($0, /"offset_s":-?[0-9.]+/)) o = substr($0, RSTART + 11, RLENGTH - 11)
		if (o == "") { bad++; print > bad_file; next }
		e = (o - p) * 1000; if (e < 0) e = -e
		if (e > t) { bad++; print > bad_file }
		if (e > worst) worst = e
	}
	END { printf "%d %d %d %.3f\n", n, bad, unsynced, worst }' "$CHAIN_DIR/statuses.log")
chain_log "statuses recorded: $statuses, $bad_statuses off the platform (worst ${worst_status} ms), $unsynced_statuses unsynced"
[ "$bad_statuses" -eq 0 ] ||
	chain_fail_later "$bad_statuses of $statuses statuses had no offset or one more than ${TOLERANCE_MS} ms off the platform (worst ${worst_status} ms), the first: $(head -n 1 "$CHAIN_DIR/bad_statuses.log")"

chain_chrony_synced || chain_wait 60 chain_chrony_synced ||
	chain_fail_later "chronyd lost the IOT refclock: $(tail -5 "$CHAIN_DIR/chronyd.log")"
chain_client_within 60 "$TOLERANCE_MS" ||
	chain_fail_later "LAN client after the attack: offset '${CHAIN_CLIENT_OFFSET:-}' s, ${CHAIN_ERROR_MS:-no answer} ms off the platform"

for p in platform gateway chronyd tap; do
	chain_alive "$p" || chain_fail_later "$p is no longer running: $(tail -3 "$CHAIN_DIR/$p.log")"
done
chain_status_synced || chain_fail_later "status unsynced at the end: $(chain_status)"

wrong=$(chain_wrong_samples "$TOLERANCE_MS")
tapped=$(chain_tapped_samples)
figures_add wrong_samples_to_chrony "$wrong"
figures_add takeover_wrong_samples "$wrong"
[ "$wrong" -eq 0 ] ||
	chain_fail_later "$wrong of $tapped samples sent to chrony were more than ${TOLERANCE_MS} ms off the platform: $(awk '!/^#/' "$CHAIN_DIR/tap.samples" | tail -n 3)"

echo "fault: bridge_id_takeover_cannot_move_time impostor_answers=$impostor_answers" \
	"impostor_drops=$impostor_drops wrong_samples=$wrong lan_forged=$lan_forged" \
	"error_ms=${CHAIN_ERROR_MS#+} takeovers=$(takeovers) lan_answers=$lan_answers" \
	"lan_worst_genuine_ms=$lan_worst_ms forged_reads=$forged_reads statuses=$statuses" \
	"unsynced_statuses=$unsynced_statuses tapped_samples=$tapped"
chain_end_checks
figures_add faults_survived 1
