#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fault: the gateway broker gets SIGHUP (as from logrotate or a config reload). Mosquitto reloads
# its configuration but keeps its plugins as they are: the plugin must go on polling, stay synced
# and keep feeding chronyd, and a LAN client must still get the platform's time.
#   gateway_sighup_keeps_sync.sh REPO_ROOT PLUGIN_SO
set -euo pipefail
# shellcheck source=../lib/chain.sh
. "$1/tests/lib/chain.sh"
chain_test_args "$@"

TOLERANCE_MS=5
POLL_S=5
HUPS=2
chain_poll_every "$POLL_S"

chain_setup
chain_start_platform_random
chain_start_chronyd
chain_start_gateway
gateway_pid=$(chain_pid gateway)

chain_wait 90 chain_status_synced || chain_die "plugin status never said synced: $(chain_status)"
chain_wait 120 chain_chrony_synced || chain_die "chronyd never selected the IOT refclock: $(tail -5 "$CHAIN_DIR/chronyd.log")"
status=$(chain_status)
chain_log "synced: $status"
first_polls=$(chain_field "$status" polls)
first_samples=$(chain_field "$status" samples_to_chrony)

# Every status seen after a SIGHUP must say synced; waits until polls reaches $target.
unsynced_seen=
synced_until_poll() {
	local s
	s=$(chain_status) || return 1
	[ -n "$s" ] || return 1
	[ "$(chain_field "$s" synced)" = true ] || unsynced_seen=$s
	[ "$(chain_field "$s" polls)" -ge "$target" ]
}

for hup in $(seq 1 "$HUPS"); do
	polls=$(chain_field "$(chain_status)" polls)
	kill -HUP "$gateway_pid"
	chain_log "sent SIGHUP $hup to the gateway broker"
	target=$((polls + 2))
	chain_wait $((4 * POLL_S + 20)) synced_until_poll ||
		chain_die "after SIGHUP $hup the status was not republished for 2 polls: $(chain_status)"
	[ -z "$unsynced_seen" ] || chain_die "after SIGHUP $hup the status said unsynced: $unsynced_seen"
	chain_alive gateway || chain_die "the gateway broker died on SIGHUP $hup"
done
reloads=$(grep -c "Reloading config" "$CHAIN_DIR/gateway.log" || true)
[ "$reloads" -eq "$HUPS" ] || chain_die "the gateway log shows $reloads config reloads for $HUPS SIGHUPs"

status=$(chain_status)
[ "$(chain_field "$status" samples_to_chrony)" -gt "$first_samples" ] ||
	chain_die "no sample went to chrony after the SIGHUPs: $status"
chain_status_is refclock_connected true || chain_die "refclock no longer connected: $(chain_status)"
chain_gateway_roundtrip || chain_die "after SIGHUP a publish on the gateway did not reach its subscriber"
chain_chrony_synced || chain_die "chronyd lost the IOT refclock: $(tail -5 "$CHAIN_DIR/chronyd.log")"
chain_client_within 60 "$TOLERANCE_MS" ||
	chain_die "LAN client after SIGHUP: offset '${CHAIN_CLIENT_OFFSET:-}' s, ${CHAIN_ERROR_MS:-no answer} ms off the platform"

echo "fault: gateway_sighup_keeps_sync sighups=$HUPS reloads=$reloads" \
	"polls=$first_polls->$(chain_field "$status" polls)" \
	"samples_to_chrony=$first_samples->$(chain_field "$status" samples_to_chrony) error_ms=${CHAIN_ERROR_MS#+}"
figures_add faults_survived 1
