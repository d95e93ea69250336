#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End to end on loopback: a LAN device that speaks the platform's protocol asks the gateway's
# broker for the time, as it would ask the platform. The device is tests/tools/sdk_ntp_client,
# which asks as the platform's device SDK does and, like it, does not subscribe to its response
# topic unless told to.
#   (a) before the gateway has the platform's time, it gets no answer, and the status counts it;
#   (b) once synced, the answer's serverRecvTime is the platform's time;
#   (c) a client id asking 50 times at once gets about serve_burst answers, the rest counted;
#   (d) a local client publishing a forged answer on a LAN device's response topic is denied;
#   (e) an answered QoS 0 request goes no further (a local subscriber to the request topic does
#       not see it), while unanswered and QoS 1 requests are routed as any message;
#   (f) every answer goes to the client that asked, and once to a device that subscribed to its
#       response topic: another client subscribed to it receives none.
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
BARRIER_TOPIC=iotntp-test/lan-barrier

CHAIN_SDK_CLIENT_BIN=${CHAIN_SDK_CLIENT_BIN:-$CHAIN_ROOT/build/tests/tools/sdk_ntp_client}
[ -x "$CHAIN_SDK_CLIENT_BIN" ] || chain_die "CHAIN_SDK_CLIENT_BIN must name the built sdk_ntp_client, not '$CHAIN_SDK_CLIENT_BIN'"

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

# The LAN device's run NAME as client id CLIENT, with sdk_ntp_client's options; its output goes
# to $CHAIN_DIR/NAME.out. It ends once every answer queued for it has arrived.
lan_device() {
	local name=$1 client=$2
	shift 2
	"$CHAIN_SDK_CLIENT_BIN" --port "$CHAIN_GATEWAY_PORT" --id "$client" --product-key lanpk \
		--device-name landev "$@" >"$CHAIN_DIR/$name.out" ||
		chain_die "the LAN device's run $name did not complete: $(tail -3 "$CHAIN_DIR/$name.out")"
}

# A field of the summary of the LAN device's run NAME.
device_field() {
	grep '^sdk_ntp_client: id=' "$CHAIN_DIR/$1.out" | grep -o " $2=[0-9]*" | cut -d= -f2
}

# The deviceSendTimes the run NAME sent, one a line.
device_requests() {
	sed -n 's/^request dst=\([0-9]*\)$/\1/p' "$CHAIN_DIR/$1.out"
}

# The request payloads the run NAME sent, one a line.
device_payloads() {
	device_requests "$1" | sed 's/.*/{"deviceSendTime":"&"}/'
}

# Whether the subscriber on the device's topics saw request ID itself.
request_seen() {
	grep -qxF "{\"deviceSendTime\":\"$1\"}" "$CHAIN_DIR/lan_sub.log"
}

# Publishes a message to the subscriber on the device's topics and waits for it: the broker
# sends a client its messages in order, so by then it has every request routed before.
barriers=0
lan_sub_caught_up() {
	barriers=$((barriers + 1))
	mosquitto_pub -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" -t "$BARRIER_TOPIC" -m "lan-barrier $barriers"
	chain_wait 10 grep -qx "lan-barrier $barriers" "$CHAIN_DIR/lan_sub.log" ||
		chain_die "the subscriber on the device's topics did not get its own message"
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

# Another client listens on the device's topics from now to the end: it must receive none of
# the device's answers (f), and it sees which requests are routed (e).
chain_spawn lan_sub stdbuf -oL mosquitto_sub -d -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" \
	-i lan-device-1-sub -t "$RESPONSE_TOPIC" -t "$REQUEST_TOPIC" -t "$BARRIER_TOPIC"
chain_wait 10 grep -q SUBACK "$CHAIN_DIR/lan_sub.log" || chain_die "the subscriber on the device's topics did not subscribe"

# (a) Unsynced: no answer within 3 s, and counted.
if [ -z "${skip_unsynced:-}" ]; then
	lan_device early lan-device-1 --timeout-ms 3000
	early=$(device_requests early)
	[ "$(device_field early answers)" -eq 0 ] ||
		chain_die "answered before sync: $(grep '^answer ' "$CHAIN_DIR/early.out")"
	chain_wait 30 lan_counter_ge unsynced 1 ||
		chain_die "the unsynced request was not counted: $(chain_status)"
	lan_sub_caught_up
	request_seen "$early" || chain_die "the unanswered request was not routed"
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
lan_device synced lan-device-1 --requests 3
[ "$(device_field synced answered)" -eq 3 ] || chain_die "not every LAN request was answered after sync: $(tail -1 "$CHAIN_DIR/synced.out") $(chain_status)"
while read -r sent recv; do
	error_ms=$((recv - sent - offset_ms))
	chain_log "(b) sent $sent, serverRecvTime $recv: ${error_ms} ms from the platform's time"
	[ "${error_ms#-}" -le "$TOLERANCE_MS" ] ||
		chain_die "serverRecvTime is ${error_ms} ms off the platform's time (tolerance ${TOLERANCE_MS} ms)"
	[ "${error_ms#-}" -le "${worst_ms#-}" ] || worst_ms=$error_ms
done < <(sed -n 's/^answer dst=\([0-9]*\) srt=\([0-9]*\) .*/\1 \2/p' "$CHAIN_DIR/synced.out")
# (e) A QoS 1 request is answered and routed all the same.
lan_device qos1 lan-device-1 --qos 1
[ "$(device_field qos1 answered)" -eq 1 ] || chain_die "no answer to a QoS 1 LAN request: $(chain_status)"
lan_sub_caught_up
for sent in $(device_requests synced); do
	! request_seen "$sent" || chain_die "an answered QoS 0 request was routed to a subscriber"
done
request_seen "$(device_requests qos1)" || chain_die "an answered QoS 1 request was not routed"
answered_b=4
if [ -z "${skip_unsynced:-}" ]; then
	grep -q "iotntp: answering LAN time requests" "$CHAIN_DIR/gateway.log" ||
		chain_die "the gateway's log does not say it answers again: $(tail -3 "$CHAIN_DIR/gateway.log")"
fi

# (c) One client id floods: about serve_burst answers, the rest refused and counted. A refused
# request gets no answer, as on the platform; the device waits 3 s for the rest.
lan_device flood lan-device-2 --requests "$FLOOD" --burst --timeout-ms 3000
chain_wait 30 lan_counters_sum_ge $((answered_b + FLOOD)) ||
	chain_die "the flood was not all answered or counted: $(chain_status)"
answered_c=$(($(lan_counter answered) - answered_b))
limited=$(lan_counter rate_limited)
[ $((answered_c + limited)) -eq "$FLOOD" ] ||
	chain_die "$answered_c answered and $limited rate-limited of $FLOOD requests: $(chain_status)"
flood_requests_routed() {
	grep -cxFf <(device_payloads flood) "$CHAIN_DIR/lan_sub.log" || true
}
seen=$(device_field flood answers)
chain_log "(c) $FLOOD requests from one client: $seen answered, $limited rate-limited"
[ "$seen" -eq "$answered_c" ] || chain_die "the device got $seen answers, the status says $answered_c"
[ "$(device_field flood answered)" -eq "$seen" ] || chain_die "the device got more than one answer to a request: $(tail -1 "$CHAIN_DIR/flood.out")"
if [ "$seen" -lt "$BURST" ] || [ "$seen" -gt $((BURST + REFILL_MARGIN)) ]; then
	chain_die "$seen answers to a flood of $FLOOD (serve_burst $BURST)"
fi
[ "$limited" -gt 0 ] || chain_die "nothing counted as rate-limited: $(chain_status)"

# (d) A local client forges answers on the LAN device's response topic: denied and counted.
for i in $(seq 1 "$FORGED"); do
	mosquitto_pub -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" -i lan-forger -t "$RESPONSE_TOPIC" \
		-m "{\"deviceSendTime\":\"$i\",\"serverRecvTime\":\"4000000000000\",\"serverSendTime\":\"4000000000000\",\"forged\":$i}"
done
# A real request after them, by a device that subscribed to its response topic: it gets its
# answer once, and none of the forged ones reached the other subscriber.
lan_device last lan-device-1 --subscribe
[ "$(device_field last answers)" -eq 1 ] ||
	chain_die "a subscribed device got $(device_field last answers) answers to one request: $(tail -1 "$CHAIN_DIR/last.out")"
lan_sub_caught_up
# (e) The flood's requests were all handled before this answer: only the refused ones went on.
routed=$(flood_requests_routed)
[ "$routed" -eq "$limited" ] ||
	chain_die "$routed of the flood's requests were routed; $limited were refused and $answered_c answered"
chain_log "(e) answered QoS 0 requests stop at the gateway; $routed refused ones and a QoS 1 one were routed"
chain_wait 30 lan_counter_ge forged_answer "$FORGED" ||
	chain_die "forged answers not counted: $(chain_status)"
# A forged answer read would be a line with "forged" for the subscriber, a stray for a device.
sub_forged=$(grep -c forged "$CHAIN_DIR/lan_sub.log" || true)
device_strays=0
for run in early synced qos1 flood last; do
	[ -f "$CHAIN_DIR/$run.out" ] || continue
	device_strays=$((device_strays + $(device_field "$run" strays)))
done
figures_add bad_inputs "$FORGED"
figures_add forged_reads $((sub_forged + device_strays))
[ "$sub_forged" -eq 0 ] ||
	chain_die "a subscriber received a forged answer: $(grep forged "$CHAIN_DIR/lan_sub.log" | head -1)"
[ "$device_strays" -eq 0 ] || chain_die "the LAN device got $device_strays answers to no request of its own"
chain_log "(d) $FORGED forged answers denied, lan.forged_answer=$(lan_counter forged_answer)"

# (f) The answers went to the device alone: the other subscriber to its response topic got none.
others=$(grep -c '"serverRecvTime"' "$CHAIN_DIR/lan_sub.log" || true)
[ "$others" -eq 0 ] ||
	chain_die "another client received $others of the device's answers: $(grep '"serverRecvTime"' "$CHAIN_DIR/lan_sub.log" | head -1)"
chain_log "(f) every answer went to the device that asked alone, once to the subscribed one"

chain_wait 30 lan_counter_ge answered $((answered_b + answered_c + 1)) ||
	chain_die "the last answer was not counted: $(chain_status)"
echo "lan: answered=$(lan_counter answered) rate_limited=$(lan_counter rate_limited) error_ms=$worst_ms other_client_answers=$others"
