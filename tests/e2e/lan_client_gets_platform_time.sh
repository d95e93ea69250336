#!/usr/bin/env bash
# End to end on loopback, real processes only: an emulated platform whose clock is off by a
# random offset, a gateway broker (as user mosquitto) whose bridge and plugin take the
# platform's time, chronyd serving it, and a LAN NTP client that must see the platform's offset.
#   lan_client_gets_platform_time.sh REPO_ROOT PLUGIN_SO
set -euo pipefail
CHAIN_ROOT=$1
CHAIN_PLUGIN=$2
# shellcheck source=../lib/chain.sh
. "$CHAIN_ROOT/tests/lib/chain.sh"

TOLERANCE_MS=5

chain_setup
offset=$(chain_random_offset)
chain_log "platform clock offset ${offset} s"
chain_start_platform "$offset"
chain_start_chronyd
chain_start_gateway

user=$(ps -o user= -p "$(pgrep -P "$(chain_pid gateway)" 2>/dev/null || chain_pid gateway)" | tr -d ' ')
[ "$user" = mosquitto ] || chain_die "gateway broker runs as '$user', not mosquitto"

chain_wait 90 chain_status_synced || chain_die "plugin status never said synced: $(chain_status) $(tail -5 "$CHAIN_DIR/gateway.log")"
chain_log "plugin status: $(chain_status)"
chain_wait 120 chain_chrony_synced || chain_die "chronyd never selected the IOT refclock: $(tail -5 "$CHAIN_DIR/chronyd.log")"

chain_measure_client 60 || chain_die "the NTP client got no answer from chronyd: $(tail -3 "$CHAIN_DIR/client.log")"
client=$CHAIN_CLIENT_OFFSET
error_ms=$(chain_error_ms "$client" "$offset")
echo "e2e: platform_offset_s=${offset#+} lan_client_offset_s=$client error_ms=${error_ms#+}"
awk -v e="$error_ms" -v t="$TOLERANCE_MS" 'BEGIN { exit !(e <= t && e >= -t) }' ||
	chain_die "LAN client is ${error_ms} ms off the platform (tolerance ${TOLERANCE_MS} ms)"
chain_status_synced || chain_die "status no longer synced: $(chain_status)"
