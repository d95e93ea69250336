#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fault: the platform goes away. The plugin's requests time out, its status turns unsynced after
# max_failed_polls polls, and chronyd gets no sample after the first poll without an answer (no
# stale time): both the plugin's own count and a tap on chronyd's socket say so. When the platform is back (same port,
# same clock) the bridge reconnects and sync resumes without restarting the gateway.
#   platform_outage_unsyncs_then_recovers.sh REPO_ROOT PLUGIN_SO
set -euo pipefail
# shellcheck source=../lib/chain.sh
. "$1/tests/lib/chain.sh"
chain_test_args "$@"

TOLERANCE_MS=5
POLL_S=5
MAX_FAILED=3
chain_poll_every "$POLL_S"
CHAIN_GATEWAY_EDITS+=("plugin_opt_max_failed_polls 3" "plugin_opt_max_failed_polls $MAX_FAILED")
chain_use_tap

chain_setup
chain_start_platform_random
chain_start_chronyd
chain_start_tap
chain_start_gateway
gateway_pid=$(chain_pid gateway)

chain_wait 90 chain_status_synced || chain_die "plugin status never said synced: $(chain_status)"
chain_wait 120 chain_chrony_synced || chain_die "chronyd never selected the IOT refclock: $(tail -5 "$CHAIN_DIR/chronyd.log")"
status=$(chain_status)
chain_log "synced: $status"
before_timed_out=$(chain_field "$status" timed_out)

stopped_tapped=$(chain_tapped_samples)
chain_stop_one platform
platform_gone() { ! chain_listening "$CHAIN_PLATFORM_PORT"; }
chain_wait 10 platform_gone || chain_die "the platform broker still listens after being stopped"
down_at=$SECONDS
chain_log "stopped the platform"

chain_wait $(((MAX_FAILED + 3) * POLL_S + 60)) chain_status_is synced false ||
	chain_die "status still synced with the platform gone: $(chain_status)"
unsynced_s=$((SECONDS - down_at))
status=$(chain_status)
chain_log "unsynced: $status"
unsync_samples=$(chain_field "$status" samples_to_chrony)
unsync_polls=$(chain_field "$status" polls)
unsync_tapped=$(chain_tapped_samples)
# chronyd gets the estimate twice a second while the last poll was answered: after the platform
# stopped, until the poll under way has timed out, and no longer.
timeout_s=$(($(sed -n 's/^plugin_opt_response_timeout_ms //p' "$CHAIN_ROOT/config/mosquitto/gateway.conf") / 1000))
[ -n "$timeout_s" ] || chain_die "the shipped gateway.conf sets no plugin_opt_response_timeout_ms"
max_after=$((2 * (POLL_S + timeout_s) + 1))
[ $((unsync_tapped - stopped_tapped)) -le "$max_after" ] ||
	chain_die "$((unsync_tapped - stopped_tapped)) samples reached chronyd after the platform stopped, more than two a second until the next poll failed ($max_after): $status"

# Two more polls into the outage: still nothing for chronyd, and the requests time out.
chain_wait $((3 * POLL_S + 20)) chain_status_cmp polls -ge $((unsync_polls + 2)) ||
	chain_die "the plugin stopped polling during the outage: $(chain_status)"
status=$(chain_status)
outage_samples=$(chain_field "$status" samples_to_chrony)
outage_tapped=$(chain_tapped_samples)
timed_out=$(chain_field "$status" timed_out)
[ "$outage_samples" -eq "$unsync_samples" ] ||
	chain_die "samples_to_chrony grew from $unsync_samples to $outage_samples while unsynced: $status"
[ "$outage_tapped" -eq "$unsync_tapped" ] ||
	chain_die "the tap saw $((outage_tapped - unsync_tapped)) samples reach chronyd while unsynced"
[ "$timed_out" -gt "$before_timed_out" ] || chain_die "timed_out did not grow during the outage: $status"
chain_status_is synced false || chain_die "status synced again with no platform: $(chain_status)"

chain_start_platform "$CHAIN_PLATFORM_OFFSET"
up_at=$SECONDS
chain_log "restarted the platform"
# The bridge retries with a backoff of up to 30 s (restart_timeout 2 30).
chain_wait 150 chain_status_synced || chain_die "sync did not resume after the platform came back: $(chain_status) $(tail -5 "$CHAIN_DIR/gateway.log")"
resynced_s=$((SECONDS - up_at))
if [ "$(chain_pid gateway)" != "$gateway_pid" ] || ! chain_alive gateway; then
	chain_die "the gateway broker did not survive the outage"
fi
chain_wait $((3 * POLL_S + 20)) chain_status_cmp samples_to_chrony -gt "$outage_samples" ||
	chain_die "synced again but no sample for chrony: $(chain_status)"
chain_wait 120 chain_chrony_synced || chain_die "chronyd did not select the IOT refclock again: $(tail -5 "$CHAIN_DIR/chronyd.log")"
chain_client_within 60 "$TOLERANCE_MS" ||
	chain_die "LAN client after the outage: offset '${CHAIN_CLIENT_OFFSET:-}' s, ${CHAIN_ERROR_MS:-no answer} ms off the platform"

wrong=$(chain_wrong_samples "$TOLERANCE_MS")
tapped=$(chain_tapped_samples)
figures_add wrong_samples_to_chrony "$wrong"
[ "$wrong" -eq 0 ] || chain_die "$wrong of $tapped samples sent to chrony were more than ${TOLERANCE_MS} ms off the platform"

echo "fault: platform_outage_unsyncs_then_recovers unsynced_after_s=$unsynced_s" \
	"timed_out=$before_timed_out->$timed_out samples_during_outage=$((outage_tapped - unsync_tapped))" \
	"resynced_after_s=$resynced_s tapped_samples=$tapped wrong_samples=$wrong error_ms=${CHAIN_ERROR_MS#+}"
figures_add faults_survived 1
