#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Hostile: malformed and impossible answers arrive through the bridge itself, as a broken or
# compromised platform would send them. Each is dropped and counted by its reason; the bridge
# stays up (the plugin keeps syncing over it), no sample chronyd gets is off the platform (a tap
# on chronyd's socket counts them), and a LAN client still gets the platform's time.
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

# Plausible times, so only the defect named beside each payload is wrong with it.
now=$(($(date +%s%3N) + ${CHAIN_PLATFORM_OFFSET%.*} * 1000))
later=$((now + 5))
big=$(printf '%0600d' 0)
# reason|payload: the reason is the status's dropped_by counter that must count it.
cases=(
	"not_json|not json at all"
	"not_json|{\"deviceSendTime\":\"1\",\"serverRecvTime\":\"$now\""
	"not_json|[\"$now\",\"$now\"]"
	"too_large|{\"pad\":\"$big\"}"
	"missing_field|{\"deviceSendTime\":\"1\",\"serverRecvTime\":\"$now\"}"
	"missing_field|{\"deviceSendTime\":\"1\",\"serverRecvTime\":null,\"serverSendTime\":\"$now\"}"
	"bad_value|{\"deviceSendTime\":true,\"serverRecvTime\":\"$now\",\"serverSendTime\":\"$now\"}"
	"bad_value|{\"deviceSendTime\":[1],\"serverRecvTime\":\"$now\",\"serverSendTime\":\"$now\"}"
	"bad_value|{\"deviceSendTime\":{\"v\":1},\"serverRecvTime\":\"$now\",\"serverSendTime\":\"$now\"}"
	"bad_value|{\"deviceSendTime\":\"1\",\"serverRecvTime\":-$now,\"serverSendTime\":\"$now\"}"
	"bad_value|{\"deviceSendTime\":\"1\",\"serverRecvTime\":$now.5,\"serverSendTime\":\"$now\"}"
	"bad_value|{\"deviceSendTime\":\"1\",\"serverRecvTime\":1.7e12,\"serverSendTime\":\"$now\"}"
	"bad_value|{\"deviceSendTime\":\"01\",\"serverRecvTime\":\"$now\",\"serverSendTime\":\"$now\"}"
	"bad_value|{\"deviceSendTime\":\"1\",\"serverRecvTime\":\" $now\",\"serverSendTime\":\"$now\"}"
	"bad_value|{\"deviceSendTime\":\"0x1f\",\"serverRecvTime\":\"$now\",\"serverSendTime\":\"$now\"}"
	"bad_value|{\"deviceSendTime\":\"99999999999999999999\",\"serverRecvTime\":\"$now\",\"serverSendTime\":\"$now\"}"
	"bad_time|{\"deviceSendTime\":\"1\",\"serverRecvTime\":\"915148800000\",\"serverSendTime\":\"915148800000\"}"
	"bad_time|{\"deviceSendTime\":\"1\",\"serverRecvTime\":\"4133980800000\",\"serverSendTime\":\"4133980800000\"}"
	"slow_server|{\"deviceSendTime\":\"1\",\"serverRecvTime\":\"$now\",\"serverSendTime\":\"$((now + 60000))\"}"
	"unknown_request|{\"deviceSendTime\":\"1\",\"serverRecvTime\":\"$now\",\"serverSendTime\":\"$later\"}"
	"unknown_request|{\"deviceSendTime\":\"$((now + 86400000))\",\"serverRecvTime\":\"$now\",\"serverSendTime\":\"$later\"}"
)

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
response_topic=/ext/ntp/$CHAIN_PK/$CHAIN_DN/response

# Published on the platform: the bridge carries them in, from the bridge's own client id.
for c in "${cases[@]}"; do
	mosquitto_pub -h 127.0.0.1 -p "$CHAIN_PLATFORM_PORT" -t "$response_topic" -m "${c#*|}"
done

all_counted() {
	local s r
	s=$(chain_status)
	for r in "${!expect[@]}"; do
		[ "$(chain_field "$s" "$r")" -ge "${expect[$r]}" ] || return 1
	done
}
chain_wait 60 all_counted || chain_die "not every hostile answer was counted: $(chain_status)"
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
echo "fault: hostile_platform_answers_are_dropped sent=${#cases[@]} tapped_samples=$(chain_tapped_samples) wrong_samples=$wrong error_ms=$CHAIN_ERROR_MS"
figures_add bad_inputs "${#cases[@]}"
figures_add wrong_samples_to_chrony "$wrong"
[ "$wrong" -eq 0 ] || chain_die "$wrong samples to chronyd were off the platform"
