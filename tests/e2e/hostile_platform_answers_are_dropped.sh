#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Hostile: malformed and impossible answers arrive through the bridge itself, as a broken or
# compromised platform would send them. Each is dropped and counted by its reason; the bridge
# stays up (the plugin keeps syncing over it), no sample chronyd gets is off the platform (a tap
# on chronyd's socket counts them), and a LAN client still gets the platform's time. On a
# platform whose response topic its other services share, what the plugin cannot read as the
# time service's passes through the bridge untouched. In the dialect of CHAIN_PLATFORM
# (tests/lib/chain.sh), Alibaba's by default.
#   hostile_platform_answers_are_dropped.sh REPO_ROOT PLUGIN_SO
set -euo pipefail
# shellcheck source=../lib/chain.sh
. "$1/tests/lib/chain.sh"
chain_test_args "$@"

TOLERANCE_MS=5
POLL_S=5
chain_poll_every "$POLL_S"
chain_use_tap

chain_setup
chain_start_platform_random
chain_start_chronyd
chain_start_tap
chain_start_gateway
chain_wait 90 chain_status_synced || chain_die "plugin status never said synced: $(chain_status)"
# chronyd serves the platform's time once it has selected the plugin's refclock; before that a
# LAN client reads whatever chronyd had, as in the other tests.
chain_wait 120 chain_chrony_synced || chain_die "chronyd never selected the IOT refclock: $(tail -5 "$CHAIN_DIR/chronyd.log")"

# Plausible times, so only the defect named beside each payload is wrong with it. Each payload
# is the platform's own answer (from its dialect) to a request it never got, its send stamp
# (everywhere it appears: Tuya's time is its send stamp too) replaced by the defect.
now=$(($(date +%s%3N) + ${CHAIN_PLATFORM_OFFSET%.*} * 1000))
later=$((now + 5))
valid=$(chain_dialect answer "$now" "$later" "$(chain_dialect request 1 1)")
# The valid answer with its send stamp, quoted or not, made TEXT.
stamp_as() { sed -E "s/\"?$later\"?/$1/g" <<<"$valid"; }
# Padded over the dialect's largest answer, with every mark of the time service kept.
big=$(printf '%01100d' 0)
# reason|payload: the reason is the status's dropped_by counter that must count it.
cases=(
	"too_large|{\"pad\":\"$big\",${valid#\{}"
	"missing_field|$(stamp_as null)"
	"bad_value|$(stamp_as true)"
	"bad_value|$(stamp_as '[1]')"
	"bad_value|$(stamp_as '{"v":1}')"
	"bad_value|$(stamp_as "-$later")"
	"bad_value|$(stamp_as "$later.5")"
	"bad_value|$(stamp_as "\" $later\"")"
	"bad_value|$(stamp_as '"0x1f"')"
	"bad_value|$(stamp_as 99999999999999999999)"
	"bad_time|$(stamp_as 915148800000 | sed "s/$now/915148800000/g")"
	"bad_time|$(stamp_as 4133980800000 | sed "s/$now/4133980800000/g")"
	"slow_server|$(stamp_as $((now + 60000)))"
)
# A stamp with an exponent: cJSON reads 1.7e12 as 1700000000000, and every dialect checks the
# number's text and refuses it (plugin/json_plain.h).
cases+=("bad_value|$(stamp_as 1.7e12)")
# What no JSON reader takes for one object: on a topic of the time service's alone, counted as
# not_json; on a topic the platform's other services share, another service's business as far
# as the plugin can tell, so it passes untouched and uncounted (the subscriber below checks).
unreadable=(
	"not json at all"
	"${valid%?}"
	"[\"$now\",\"$now\"]"
)
if [ "$CHAIN_RESPONSE_SHARED" = 1 ]; then
	# Another service's message on the shared topic passes untouched too.
	passing=("${unreadable[@]}" '{"iotntp_test_other_service":{"paras":{}}}')
else
	passing=()
	for c in "${unreadable[@]}"; do
		cases+=("not_json|$c")
	done
fi
# An answer naming a request that was never sent; where answers name none (one request in
# flight), the platform's valid answer is taken for the one in flight, rightly: it is the
# platform's.
if [ "$CHAIN_ID_KIND" != none ]; then
	cases+=("unknown_request|$valid")
fi

status=$(chain_status)
declare -A expect
for reason in not_json too_large missing_field bad_value bad_time slow_server unknown_request; do
	expect[$reason]=$(chain_field "$status" "$reason")
done
for c in "${cases[@]}"; do
	reason=${c%%|*}
	expect[$reason]=$((expect[$reason] + 1))
done
before_samples=$(chain_field "$status" samples_to_chrony)
response_topic=$CHAIN_RESPONSE_TOPIC

# Whatever reaches a subscriber on the gateway's response topic, one message a line.
chain_spawn responses stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" \
	-i iotntp-test-responses -t "$response_topic"
has_lines() { [ -s "$1" ]; }
chain_wait 30 has_lines "$CHAIN_DIR/responses.log" ||
	chain_die "the subscriber on $response_topic saw none of the platform's answers"

# Published on the platform: the bridge carries them in, from the bridge's own client id.
for c in "${cases[@]}"; do
	mosquitto_pub -h 127.0.0.1 -p "$CHAIN_PLATFORM_PORT" -t "$response_topic" -m "${c#*|}"
done
for c in "${passing[@]}"; do
	mosquitto_pub -h 127.0.0.1 -p "$CHAIN_PLATFORM_PORT" -t "$response_topic" -m "$c"
done

all_counted() {
	local s r
	s=$(chain_status)
	for r in "${!expect[@]}"; do
		[ "$(chain_field "$s" "$r")" -ge "${expect[$r]}" ] || return 1
	done
}
chain_wait 60 all_counted || chain_die "not every hostile answer was counted: $(chain_status)"
# Every message that is not the time service's reached the subscriber as it was sent.
delivered() {
	local c
	for c in "${passing[@]}"; do
		grep -qxF -- "$c" "$CHAIN_DIR/responses.log" || return 1
	done
}
chain_wait 10 delivered || chain_die "other traffic on the shared $response_topic was not delivered untouched: $(tail -5 "$CHAIN_DIR/responses.log")"
status=$(chain_status)
for r in "${!expect[@]}"; do
	[ "$(chain_field "$status" "$r")" -eq "${expect[$r]}" ] ||
		chain_die "$r counted $(chain_field "$status" "$r"), expected ${expect[$r]}"
done

# The bridge stayed up: samples keep flowing over it, and the time is still the platform's.
chain_wait 60 chain_status_cmp samples_to_chrony -gt "$((before_samples + 1))" ||
	chain_die "no samples after the hostile answers: the bridge may have dropped: $(chain_status)"
chain_status_synced || chain_die "status no longer synced: $(chain_status)"
chain_client_within 60 "$TOLERANCE_MS" || chain_die "LAN client ${CHAIN_ERROR_MS:-none} ms off after hostile answers"
wrong=$(chain_wrong_samples "$TOLERANCE_MS")
echo "fault: hostile_platform_answers_are_dropped sent=${#cases[@]} passed_untouched=${#passing[@]} tapped_samples=$(chain_tapped_samples) wrong_samples=$wrong error_ms=$CHAIN_ERROR_MS"
figures_add bad_inputs "${#cases[@]}"
figures_add wrong_samples_to_chrony "$wrong"
[ "$wrong" -eq 0 ] || chain_die "$wrong samples to chronyd were off the platform"
