#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fault: the gateway broker starts before chronyd. The plugin syncs to the platform anyway, says
# in its status and once in the broker log that chronyd's socket is missing, and feeds chronyd as
# soon as it appears; a LAN client then gets the platform's time.
#   chronyd_started_late_is_found.sh REPO_ROOT PLUGIN_SO
set -euo pipefail
# shellcheck source=../lib/chain.sh
. "$1/tests/lib/chain.sh"
chain_test_args "$@"

TOLERANCE_MS=5
POLL_S=5
chain_poll_every "$POLL_S"

chain_setup
chain_start_platform_random
chain_start_gateway

chain_wait 90 chain_status_synced || chain_die "plugin status never said synced: $(chain_status)"
status=$(chain_status)
polls=$(chain_field "$status" polls)
# Two more polls without chronyd: each one retries the socket.
chain_wait $((3 * POLL_S + 20)) chain_status_cmp polls -ge $((polls + 2)) ||
	chain_die "the plugin stopped polling without chronyd: $(chain_status)"
status=$(chain_status)
chain_log "without chronyd: $status"
[ "$(chain_field "$status" refclock_connected)" = false ] ||
	chain_die "status says the refclock is connected with no chronyd: $status"
[ "$(chain_field "$status" samples_to_chrony)" -eq 0 ] ||
	chain_die "status counts samples delivered to a chronyd that does not exist: $status"
socket_lines=$(grep -c "iotntp: chrony socket $CHAIN_SOCK" "$CHAIN_DIR/gateway.log" || true)
[ "$socket_lines" -eq 1 ] ||
	chain_die "the gateway log should name the missing socket once, not $socket_lines times: $(grep iotntp: "$CHAIN_DIR/gateway.log")"

chain_start_chronyd
started=$SECONDS
chain_wait $((3 * POLL_S + 5)) chain_status_cmp samples_to_chrony -gt 0 ||
	chain_die "no sample reached chronyd within 3 polls of its start: $(chain_status) $(grep iotntp: "$CHAIN_DIR/gateway.log")"
found_s=$((SECONDS - started))
chain_status_is refclock_connected true || chain_die "samples flow but status says not connected: $(chain_status)"
grep -q "iotntp: feeding chrony through $CHAIN_SOCK" "$CHAIN_DIR/gateway.log" ||
	chain_die "the gateway log does not say chronyd was found: $(grep iotntp: "$CHAIN_DIR/gateway.log")"
chain_wait 120 chain_chrony_synced || chain_die "chronyd never selected the IOT refclock: $(tail -5 "$CHAIN_DIR/chronyd.log")"
chain_client_within 60 "$TOLERANCE_MS" ||
	chain_die "LAN client: offset '${CHAIN_CLIENT_OFFSET:-}' s, ${CHAIN_ERROR_MS:-no answer} ms off the platform"

echo "fault: chronyd_started_late_is_found polls_without_chronyd=$(chain_field "$status" polls)" \
	"samples_after_start_s=$found_s samples_to_chrony=$(chain_field "$(chain_status)" samples_to_chrony)" \
	"error_ms=${CHAIN_ERROR_MS#+}"
figures_add faults_survived 1
