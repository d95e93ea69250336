#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End to end on loopback: a device that asks for the time as the platform's own device SDK does
# (tests/tools/sdk_ntp_client: the string request, no subscription to its response topic, the
# SDK's strict reader and whole-millisecond arithmetic) gets its time from the gateway
# (serve_lan) and from the emulated platform alike, and nobody else reads it. On each:
#   (a) a device that never subscribed to its response topic gets an answer to every request;
#   (b) a device that subscribed gets each answer exactly once;
#   (c) a third client subscribed to that device's response topic receives none of them;
#   (d) the time the SDK's arithmetic makes of every answer is within 3 ms of the platform's
#       (its whole-ms truncations alone cost up to 2 ms), widened by half of any round trip
#       beyond 1 ms: a device that reads its clock late, as on a loaded machine, can be off by
#       half the delay, whatever the answer.
# The emulated platform's own status counts the requests it received and answered.
# Through the bridge the gateway keeps its own sync against a platform that delivers answers
# to the requester alone.
#   sdk_device_gets_its_answer_alone.sh REPO_ROOT PLUGIN_SO
set -euo pipefail
# shellcheck source=../lib/chain.sh
. "$1/tests/lib/chain.sh"
chain_test_args "$@"

TOLERANCE_MS=3
# At most serve_burst (8) from one client id, so that the rate limit answers them all.
REQUESTS=6
PK=sdkProduct
DN=sdk-device-7
RESPONSE_TOPIC=/ext/ntp/$PK/$DN/response

CHAIN_SDK_CLIENT_BIN=${CHAIN_SDK_CLIENT_BIN:-$CHAIN_ROOT/build/tests/tools/sdk_ntp_client}
[ -x "$CHAIN_SDK_CLIENT_BIN" ] || chain_die "CHAIN_SDK_CLIENT_BIN must name the built sdk_ntp_client, not '$CHAIN_SDK_CLIENT_BIN'"

chain_setup
chain_start_platform_random
chain_start_chronyd
chain_start_gateway
chain_wait 120 chain_status_synced || chain_die "plugin status never said synced: $(chain_status) $(tail -5 "$CHAIN_DIR/gateway.log")"

# One field of the client's summary line in FILE.
summary_field() {
	grep '^sdk_ntp_client: id=' "$1" | grep -o " $2=[-0-9.]*" | cut -d= -f2
}

# Checks one run of the client (its output in FILE): complete, every request answered exactly
# once, nothing unreadable or stray, every answer's error within bounds (d).
check_device() {
	local file=$1 what=$2 f
	grep -q '^sdk_ntp_client: .* barrier=1' "$file" || chain_die "$what: the run did not complete: $(tail -3 "$file")"
	for f in requests answered answers; do
		[ "$(summary_field "$file" "$f")" -eq "$REQUESTS" ] ||
			chain_die "$what: $f=$(summary_field "$file" "$f"), not $REQUESTS: $(tail -1 "$file")"
	done
	for f in duplicates strays unreadable others; do
		[ "$(summary_field "$file" "$f")" -eq 0 ] ||
			chain_die "$what: $f=$(summary_field "$file" "$f"): $(tail -1 "$file")"
	done
	awk -v t="$TOLERANCE_MS" '
		/^answer / {
			for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			rtt = v["now"] - v["dst"]
			bound = t + (rtt > 1 ? (rtt - 1) / 2 : 0)
			e = v["error_ms"] + 0; if (e < 0) e = -e
			if (e > bound) { print "error " v["error_ms"] " ms over " bound " ms (round trip " rtt " ms): " $0; bad = 1 }
		}
		END { exit bad }' "$file" >&2 || chain_die "$what: an answer is off the platform's time"
}

# Runs the scenarios against one broker: TARGET (gateway or platform) on PORT.
check_target() {
	local target=$1 port=$2 barrier=iotntp-test/watcher/$RANDOM
	local watcher=watcher_$target reads
	chain_spawn "$watcher" stdbuf -oL mosquitto_sub -d -v -h 127.0.0.1 -p "$port" \
		-i "watcher-$target" -t "$RESPONSE_TOPIC" -t "$barrier"
	chain_wait 10 grep -qs SUBACK "$CHAIN_DIR/$watcher.log" || chain_die "the $target watcher did not subscribe"

	# (a) Never subscribed to the response topic.
	"$CHAIN_SDK_CLIENT_BIN" --port "$port" --id "sdk-unsubscribed-$target" --product-key "$PK" \
		--device-name "$DN" --requests "$REQUESTS" --platform-offset "$CHAIN_PLATFORM_OFFSET" \
		>"$CHAIN_DIR/unsubscribed_$target.out" || true
	check_device "$CHAIN_DIR/unsubscribed_$target.out" "$target, device not subscribed"
	# (b) Subscribed, as the platform's guide says: each answer once.
	"$CHAIN_SDK_CLIENT_BIN" --port "$port" --id "sdk-subscribed-$target" --product-key "$PK" \
		--device-name "$DN" --requests "$REQUESTS" --platform-offset "$CHAIN_PLATFORM_OFFSET" \
		--subscribe >"$CHAIN_DIR/subscribed_$target.out" || true
	check_device "$CHAIN_DIR/subscribed_$target.out" "$target, device subscribed"

	# (c) The watcher gets its own message after the answers: by then it would have had them.
	mosquitto_pub -h 127.0.0.1 -p "$port" -t "$barrier" -m "barrier $target"
	chain_wait 10 grep -q "^$barrier barrier $target\$" "$CHAIN_DIR/$watcher.log" ||
		chain_die "the $target watcher did not get its own message"
	reads=$(grep -c "^$RESPONSE_TOPIC " "$CHAIN_DIR/$watcher.log" || true)
	[ "$reads" -eq 0 ] ||
		chain_die "a third client read $reads of the devices' answers from the $target: $(grep "^$RESPONSE_TOPIC " "$CHAIN_DIR/$watcher.log" | head -1)"
	chain_stop_one "$watcher"

	# Answers to no request of the device's own: the SDK, which matches none, would take them.
	STRAYS=$((STRAYS + $(summary_field "$CHAIN_DIR/unsubscribed_$target.out" strays) +
		$(summary_field "$CHAIN_DIR/subscribed_$target.out" strays)))
	ERRORS[$target]=$(awk '/^answer / { sub(/.*error_ms=/, ""); e = $1 + 0
		if (n++ == 0 || e < lo) lo = e; if (n == 1 || e > hi) hi = e }
		END { printf "%.3f..%.3f", lo, hi }' "$CHAIN_DIR/unsubscribed_$target.out" "$CHAIN_DIR/subscribed_$target.out")
	chain_log "$target: $((2 * REQUESTS)) answers, each to its requester once, none to the watcher; SDK time error ${ERRORS[$target]} ms"
}

declare -A ERRORS
STRAYS=0
check_target gateway "$CHAIN_GATEWAY_PORT"
check_target platform "$CHAIN_PLATFORM_PORT"
figures_add forged_reads "$STRAYS"
# The emulator's own status (plugin_opt_status_topic) counts the devices' requests with the
# gateway's; it follows within a second.
platform_status() {
	mosquitto_sub -h 127.0.0.1 -p "$CHAIN_PLATFORM_PORT" -t iotntp/platform-status -C 1 -W 2 2>/dev/null
}
platform_counted() {
	local st
	st=$(platform_status)
	[ -n "$st" ] && [ "$(chain_field "$st" requests_received)" -ge $((2 * REQUESTS)) ] &&
		[ "$(chain_field "$st" answered)" -ge $((2 * REQUESTS)) ]
}
chain_wait 10 platform_counted || chain_die "the platform's status does not count the devices' requests: $(platform_status)"
# The gateway's own sync goes on through the bridge, against a platform that answers the
# requester alone.
samples_before=$(chain_field "$(chain_status)" samples)
chain_wait 60 chain_status_cmp samples -gt "$samples_before" || chain_die "the gateway took no sample since: $(chain_status)"
chain_status_synced || chain_die "status no longer synced: $(chain_status)"
echo "sdk: platform_offset_s=${CHAIN_PLATFORM_OFFSET#+} gateway_error_ms=${ERRORS[gateway]} platform_error_ms=${ERRORS[platform]} answers_per_target=$((2 * REQUESTS)) third_client_reads=0"
