#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fault: chronyd restarts under a running gateway. While it is away the broker keeps serving its
# clients; once it is back the plugin's writer finds the new socket by itself within a poll or
# so, chronyd selects the IOT refclock again, and a LAN client gets the platform's time.
#   chronyd_restart_resumes_samples.sh REPO_ROOT PLUGIN_SO
set -euo pipefail
# shellcheck source=../lib/chain.sh
. "$1/tests/lib/chain.sh"
chain_test_args "$@"

TOLERANCE_MS=5
POLL_S=5
chain_poll_every "$POLL_S"

chain_setup
chain_start_platform_random
chain_start_chronyd
chain_start_gateway

chain_wait 90 chain_status_synced || chain_die "plugin status never said synced: $(chain_status)"
chain_wait 120 chain_chrony_synced || chain_die "chronyd never selected the IOT refclock: $(tail -5 "$CHAIN_DIR/chronyd.log")"
chain_log "synced: $(chain_status)"

chain_stop_one chronyd
chain_log "stopped chronyd"
# The next poll's sample finds no chronyd: the status says so, and nothing is counted as sent.
chain_wait $((3 * POLL_S + 20)) chain_status_is refclock_connected false ||
	chain_die "status still says the refclock is connected with chronyd stopped: $(chain_status)"
status=$(chain_status)
down_samples=$(chain_field "$status" samples_to_chrony)
down_polls=$(chain_field "$status" polls)
chain_gateway_roundtrip || chain_die "with chronyd stopped, a publish on the gateway did not reach its subscriber"
chain_wait $((3 * POLL_S + 20)) chain_status_cmp polls -gt "$down_polls" ||
	chain_die "no poll completed with chronyd stopped: $(chain_status)"
status=$(chain_status)
[ "$(chain_field "$status" samples_to_chrony)" -eq "$down_samples" ] ||
	chain_die "samples_to_chrony grew while chronyd was stopped: $status"
chain_alive gateway || chain_die "the gateway broker died while chronyd was stopped"
grep -q "iotntp: chrony socket $CHAIN_SOCK" "$CHAIN_DIR/gateway.log" ||
	chain_die "the gateway log does not name the failing socket: $(tail -5 "$CHAIN_DIR/gateway.log")"

chain_start_chronyd
started=$SECONDS
# One poll plus its burst should do; three polls is the deadline.
chain_wait $((3 * POLL_S + 5)) chain_status_cmp samples_to_chrony -gt "$down_samples" ||
	chain_die "no sample reached the restarted chronyd within 3 polls: $(chain_status) $(tail -5 "$CHAIN_DIR/gateway.log")"
resumed_s=$((SECONDS - started))
chain_status_is refclock_connected true || chain_die "samples flow but status says not connected: $(chain_status)"
chain_wait 120 chain_chrony_synced || chain_die "restarted chronyd never selected the IOT refclock: $(tail -5 "$CHAIN_DIR/chronyd.log")"
chain_client_within 60 "$TOLERANCE_MS" ||
	chain_die "LAN client after the restart: offset '${CHAIN_CLIENT_OFFSET:-}' s, ${CHAIN_ERROR_MS:-no answer} ms off the platform"

echo "fault: chronyd_restart_resumes_samples samples_before_stop=$down_samples" \
	"samples_resumed_after_s=$resumed_s samples_to_chrony=$(chain_field "$(chain_status)" samples_to_chrony)" \
	"error_ms=${CHAIN_ERROR_MS#+}"
figures_add faults_survived 1
