#!/usr/bin/env bash
# End to end on loopback: a LAN device that speaks the platform's protocol asks the gateway's
# broker for the time, as it would ask the platform.
#   (a) before the gateway has the platform's time, it gets no answer, and the status counts it;
#   (b) once synced, the answer's serverRecvTime is the platform's time;
#   (c) a client id asking 50 times at once gets about serve_burst answers, the rest counted;
#   (d) a local client publishing a forged answer on a LAN device's response topic is denied;
#   (e) an answered QoS 0 request goes no further (a local subscriber to the request topic does
#       not see it), while unanswered and QoS 1 requests are routed as any message.
#   lan_device_gets_time_from_gateway.sh REPO_ROOT PLUGIN_SO
set -euo pipefail
# shellcheck source=../lib/chain.sh
. "$1/tests/lib/chain.sh"
chain_test_args "$@"

TOLERANCE_MS=50
FLOOD=50
FORGED=3
# Answers over serve_burst that refill may add while a flood is being sent (2/s).
REFILL_MARGIN=2
REQUEST_TOPIC=/ext/ntp/lanpk/landev/request
RESPONSE_TOPIC=/ext/ntp/lanpk/landev/response

BURST=$(sed -n 's/^plugin_opt_serve_burst \([0-9]*\)$/\1/p' "$CHAIN_ROOT/config/mosquitto/gateway.conf")
grep -q '^plugin_opt_serve_lan true$' "$CHAIN_ROOT/config/mosquitto/gateway.conf" ||
	chain_die "the shipped gateway.conf no longer serves the LAN"
[ -n "$BURST" ] || chain_die "the shipped gateway.conf sets no plugin_opt_serve_burst"

# A poll every 4 s rather than 16: the status, which carries the lan counters, follows sooner.
chain_poll_every 5

# Whether the kernel says its clock is synchronised (adjtimex(2), x86_64, read only): the gateway
# then answers from the system clock before it has the platform's time, rightly.
kernel_clock_synced() {
	perl -e '$b = "\0" x 512; $s = syscall(159, $b); $st = unpack("x40 i", $b);
		exit(($s >= 0 && $s != 5 && !($st & 0x40)) ? 0 : 1)'
}

# One of the status's lan counters, or nothing (the status has an "answered" of its own).
lan_counter() {
	chain_status | sed -n 's/.*"lan":{\([^}]*\)}.*/\1/p' | grep -o "\"$1\":[0-9]*" | cut -d: -f2
}

lan_counter_ge() {
	local v
	v=$(lan_counter "$1")
	[ -n "$v" ] && [ "$v" -ge "$2" ]
}

lan_counters_sum_ge() {
	local a r
	a=$(lan_counter answered)
	r=$(lan_counter rate_limited)
	[ -n "$a" ] && [ -n "$r" ] && [ $((a + r)) -ge "$1" ]
}

# A LAN device's request with deviceSendTime ID, as client id CLIENT.
lan_request() {
	mosquitto_pub -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" -i "$1" -t "$REQUEST_TOPIC" \
		-m "{\"deviceSendTime\":\"$2\"}"
}

# The answer to the request with deviceSendTime ID, as the LAN device's subscriber got it.
answer_to() {
	grep -F "{\"deviceSendTime\":\"$1\"," "$CHAIN_DIR/lan_sub.log"
}

answered() {
	answer_to "$1" >/dev/null
}

# Whether the subscriber, which also listens on the request topic, saw request ID itself. It
# gets messages in the order the broker routes them, and a request is routed (or not) before
# its answer exists: once the answer is in, so is the request if it was routed.
request_seen() {
	grep -qxF "{\"deviceSendTime\":\"$1\"}" "$CHAIN_DIR/lan_sub.log"
}

chain_setup
if kernel_clock_synced; then
	chain_log "this kernel's clock is marked synchronised: the gateway answers from it before" \
		"sync, so (a) cannot be observed here"
	skip_unsynced=1
fi
offset=$(chain_random_offset)
chain_log "platform clock offset ${offset} s"
chain_start_chronyd
# The platform is not up yet: the gateway cannot know the time.
chain_start_gateway

# The LAN device listens for its answers from now to the end.
chain_spawn lan_sub stdbuf -oL mosquitto_sub -d -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" \
	-i lan-device-1-sub -t "$RESPONSE_TOPIC" -t "$REQUEST_TOPIC"
chain_wait 10 grep -q SUBACK "$CHAIN_DIR/lan_sub.log" || chain_die "the LAN device's subscriber did not subscribe"

# (a) Unsynced: no answer, and counted.
if [ -z "${skip_unsynced:-}" ]; then
	early=$(date +%s%3N)
	lan_request lan-device-1 "$early"
	chain_wait 30 lan_counter_ge unsynced 1 ||
		chain_die "the unsynced request was not counted: $(chain_status)"
	! chain_wait 3 answered "$early" || chain_die "answered before sync: $(answer_to "$early")"
	chain_wait 10 request_seen "$early" || chain_die "the unanswered request was not routed"
	chain_status_synced && chain_die "status says synced without a platform"
	grep -q "iotntp: not answering LAN time requests" "$CHAIN_DIR/gateway.log" ||
		chain_die "the gateway's log does not say it is not answering: $(tail -3 "$CHAIN_DIR/gateway.log")"
	chain_log "(a) before sync: no answer, lan.unsynced=$(lan_counter unsynced)"
fi

chain_start_platform "$offset"
chain_wait 120 chain_status_synced || chain_die "plugin status never said synced: $(chain_status) $(tail -5 "$CHAIN_DIR/gateway.log")"

# (b) Synced: the answer carries the platform's time. The device's clock is this machine's.
offset_ms=$(awk -v o="$offset" 'BEGIN { printf "%.0f", o * 1000 }')
worst_ms=0
for _ in 1 2 3; do
	sent=$(date +%s%3N)
	lan_request lan-device-1 "$sent"
	chain_wait 10 answered "$sent" || chain_die "no answer to a LAN request after sync: $(chain_status)"
	recv=$(answer_to "$sent" | sed -n 's/.*"serverRecvTime":"\([0-9]*\)".*/\1/p')
	[ -n "$recv" ] || chain_die "answer without a serverRecvTime: $(answer_to "$sent")"
	error_ms=$((recv - sent - offset_ms))
	chain_log "(b) sent $sent, serverRecvTime $recv: ${error_ms} ms from the platform's time"
	[ "${error_ms#-}" -le "$TOLERANCE_MS" ] ||
		chain_die "serverRecvTime is ${error_ms} ms off the platform's time (tolerance ${TOLERANCE_MS} ms)"
	[ "${error_ms#-}" -le "${worst_ms#-}" ] || worst_ms=$error_ms
	! request_seen "$sent" || chain_die "an answered QoS 0 request was routed to a subscriber"
done
# (e) A QoS 1 request is answered and routed all the same.
sent=$(date +%s%3N)
mosquitto_pub -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" -i lan-device-1 -q 1 -t "$REQUEST_TOPIC" \
	-m "{\"deviceSendTime\":\"$sent\"}"
chain_wait 10 answered "$sent" || chain_die "no answer to a QoS 1 LAN request: $(chain_status)"
chain_wait 10 request_seen "$sent" || chain_die "an answered QoS 1 request was not routed"
answered_b=4
if [ -z "${skip_unsynced:-}" ]; then
	grep -q "iotntp: answering LAN time requests" "$CHAIN_DIR/gateway.log" ||
		chain_die "the gateway's log does not say it answers again: $(tail -3 "$CHAIN_DIR/gateway.log")"
fi

# (c) One client id floods: about serve_burst answers, the rest refused and counted.
# Ids ${ms}001 to ${ms}050: three digits longer than any other request's.
ms=$(date +%s%3N)
for i in $(seq 1 "$FLOOD"); do
	printf '{"deviceSendTime":"%s%03d"}\n' "$ms" "$i"
done >"$CHAIN_DIR/flood.txt"
mosquitto_pub -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" -i lan-device-2 -t "$REQUEST_TOPIC" -l <"$CHAIN_DIR/flood.txt"
chain_wait 30 lan_counters_sum_ge $((answered_b + FLOOD)) ||
	chain_die "the flood was not all answered or counted: $(chain_status)"
answered_c=$(($(lan_counter answered) - answered_b))
limited=$(lan_counter rate_limited)
[ $((answered_c + limited)) -eq "$FLOOD" ] ||
	chain_die "$answered_c answered and $limited rate-limited of $FLOOD requests: $(chain_status)"
flood_answers() {
	grep -cE "^\\{\"deviceSendTime\":\"${ms}[0-9]{3}\"," "$CHAIN_DIR/lan_sub.log" || true
}
flood_seen() {
	[ "$(flood_answers)" -ge "$answered_c" ]
}
flood_requests_routed() {
	grep -cE "^\{\"deviceSendTime\":\"${ms}[0-9]{3}\"\}$" "$CHAIN_DIR/lan_sub.log" || true
}
chain_wait 10 flood_seen || chain_die "status says $answered_c answers, the device saw $(flood_answers)"
seen=$(flood_answers)
chain_log "(c) $FLOOD requests from one client: $seen answered, $limited rate-limited"
[ "$seen" -eq "$answered_c" ] || chain_die "the device saw $seen answers, the status says $answered_c"
if [ "$seen" -lt "$BURST" ] || [ "$seen" -gt $((BURST + REFILL_MARGIN)) ]; then
	chain_die "$seen answers to a flood of $FLOOD (serve_burst $BURST)"
fi
[ "$limited" -gt 0 ] || chain_die "nothing counted as rate-limited: $(chain_status)"

# (d) A local client forges answers on the LAN device's response topic: denied and counted.
for i in $(seq 1 "$FORGED"); do
	mosquitto_pub -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" -i lan-forger -t "$RESPONSE_TOPIC" \
		-m "{\"deviceSendTime\":\"$i\",\"serverRecvTime\":\"4000000000000\",\"serverSendTime\":\"4000000000000\",\"forged\":$i}"
done
# A real request after them: once its answer is in, so would the forged ones be.
last=$(date +%s%3N)
lan_request lan-device-1 "$last"
chain_wait 10 answered "$last" || chain_die "no answer to a LAN request after the forged answers"
# (e) The flood's requests were all handled before this answer: only the refused ones went on.
routed=$(flood_requests_routed)
[ "$routed" -eq "$limited" ] ||
	chain_die "$routed of the flood's requests were routed; $limited were refused and $answered_c answered"
chain_log "(e) answered QoS 0 requests stop at the gateway; $routed refused ones and a QoS 1 one were routed"
chain_wait 30 lan_counter_ge forged_answer "$FORGED" ||
	chain_die "forged answers not counted: $(chain_status)"
if grep -q forged "$CHAIN_DIR/lan_sub.log"; then
	chain_die "the LAN device received a forged answer: $(grep forged "$CHAIN_DIR/lan_sub.log" | head -1)"
fi
figures_add bad_inputs "$FORGED"
chain_log "(d) $FORGED forged answers denied, lan.forged_answer=$(lan_counter forged_answer)"

chain_wait 30 lan_counter_ge answered $((answered_b + answered_c + 1)) ||
	chain_die "the last answer was not counted: $(chain_status)"
echo "lan: answered=$(lan_counter answered) rate_limited=$(lan_counter rate_limited) error_ms=$worst_ms"
