#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Hostile: local clients publish a forged status on the plugin's status topic (retained, at
# QoS 0 and at QoS 1), a forged exchange on its exchange topic, and a forged status with the
# bridge's client id. An operator or a tool that reads the status must only ever read the
# plugin's: no subscriber receives a forged message, neither one subscribed throughout nor one
# that subscribes afterwards and gets the retained status; the plugin counts every forged publish
# in denied_own_topics, and its own statuses go on.
#   forged_status_is_never_read.sh REPO_ROOT PLUGIN_SO
set -euo pipefail
# shellcheck source=../lib/chain.sh
. "$1/tests/lib/chain.sh"
chain_test_args "$@"

TOLERANCE_MS=5
POLL_S=5
STATUS_TOPIC=iotntp/status
EXCHANGE_TOPIC=iotntp/exchange
MARK='"forgery":'
chain_poll_every "$POLL_S"
# Each exchange published for analysis: the topic is then the plugin's too.
CHAIN_GATEWAY_EDITS+=("plugin_opt_status_topic $STATUS_TOPIC"
	"plugin_opt_status_topic $STATUS_TOPIC
plugin_opt_exchange_topic $EXCHANGE_TOPIC")

BRIDGE_ID=$(awk '$1 == "local_clientid" { print $2 }' "$CHAIN_ROOT/config/mosquitto/gateway.conf")
[ -n "$BRIDGE_ID" ] || chain_die "config/mosquitto/gateway.conf sets no local_clientid"

chain_setup
chain_start_platform_random
chain_start_chronyd
chain_start_gateway
chain_wait 90 chain_status_synced || chain_die "plugin status never said synced: $(chain_status)"

# Everything on the plugin's topics, from before the forgery to the end, one message a line.
chain_spawn watcher stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" \
	-i iotntp-test-watcher -t 'iotntp/#' -v
has_status() { grep -q "^$STATUS_TOPIC {" "$CHAIN_DIR/watcher.log"; }
has_exchange() { grep -q "^$EXCHANGE_TOPIC {" "$CHAIN_DIR/watcher.log"; }
# The retained status arrives once the subscription is in place.
chain_wait 10 has_status || chain_die "the watcher got no status"
chain_wait $((3 * POLL_S + 10)) has_exchange || chain_die "the plugin publishes no exchange on $EXCHANGE_TOPIC"

status=$(chain_status)
chain_log "synced: $status"
denied_before=$(chain_field "$status" denied_own_topics || true)
[ -n "$denied_before" ] || chain_fail_later "the status has no denied_own_topics counter: $status"
denied_before=${denied_before:-0}

# A status as the plugin writes it, but an hour off, marked "forgery":N (a key the plugin's
# messages never have).
forged_status() {
	printf '{"synced":true,"offset_s":3600.000000000,"rtt_ms":0.100,"last_sample_utc":"%s",' \
		"$(date -u +%Y-%m-%dT%H:%M:%S.000Z)"
	printf '"sent":8,"answered":8,"timed_out":0,"rejected":0,"polls":1,"samples":1,"dropped_by":{},'
	printf '"refclock_connected":true,"samples_to_chrony":1,"forgery":%d}' "$1"
}

# What a subscriber that comes after the forgery gets on TOPIC: the retained message, if any.
late_read() {
	timeout 10 mosquitto_sub -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" -t "$1" --retained-only -C 1 -W 3 2>/dev/null || true
}

late_reads=0
check_late_status() {
	local got
	got=$(late_read "$STATUS_TOPIC")
	if grep -qF "$MARK" <<<"$got"; then
		late_reads=$((late_reads + 1))
		chain_fail_later "a new subscriber read a forged status after forgery $1: $got"
	elif ! grep -q '"samples_to_chrony":' <<<"$got"; then
		chain_fail_later "a new subscriber got no status of the plugin's after forgery $1: '$got'"
	fi
}

# forge N CLIENT_ID QOS TOPIC PAYLOAD: one forged, retained publish; fails the test if the
# client could not publish at all (the publish must reach the broker to mean anything).
forged=0
forge() {
	local n=$1 id=$2 qos=$3 topic=$4 payload=$5
	chain_log "forgery $n: '$id' publishes on $topic at QoS $qos, retained"
	timeout 10 mosquitto_pub -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" -i "$id" -q "$qos" -r \
		-t "$topic" -m "$payload" || chain_die "forgery $n could not be published"
	forged=$((forged + 1))
}

forge 1 iotntp-test-forger 0 "$STATUS_TOPIC" "$(forged_status 1)"
check_late_status 1
forge 2 iotntp-test-forger 1 "$STATUS_TOPIC" "$(forged_status 2)"
check_late_status 2
forge 3 iotntp-test-forger 0 "$EXCHANGE_TOPIC" \
	'{"t1":1000,"t2":3601000,"t3":3601000,"t4":1001,"offset_ns":3600000000000,"rtt_ns":1000000,"forgery":3}'
got=$(late_read "$EXCHANGE_TOPIC")
if grep -qF "$MARK" <<<"$got"; then
	late_reads=$((late_reads + 1))
	chain_fail_later "a new subscriber read a forged exchange: $got"
fi
# With the bridge's client id Mosquitto also closes the bridge's connection, which it reopens.
forge 4 "$BRIDGE_ID" 1 "$STATUS_TOPIC" "$(forged_status 4)"
check_late_status 4
figures_add bad_inputs "$forged"

# Every forged publish counted once the status is next published.
chain_wait $((3 * POLL_S + 10)) chain_status_cmp denied_own_topics -ge $((denied_before + forged)) || true
status=$(chain_status)
denied_now=$(chain_field "$status" denied_own_topics || true)
denied=$((${denied_now:-0} - denied_before))
[ "$denied" -eq "$forged" ] ||
	chain_fail_later "denied_own_topics grew by $denied, $forged forged publishes were made: $status"

# The plugin's statuses go on, synced, with answers through the bridge again after forgery 4.
after=$(wc -l <"$CHAIN_DIR/watcher.log")
statuses_since() {
	tail -n +$((after + 1)) "$CHAIN_DIR/watcher.log" | grep "^$STATUS_TOPIC {" | grep -cvF "$MARK" || true
}
statuses_after() { [ "$(statuses_since)" -ge "$1" ]; }
chain_wait $((2 * POLL_S + 10)) statuses_after 2 ||
	chain_fail_later "the plugin published $(statuses_since) statuses after the forgery, not 2"
answered=$(chain_field "$status" answered)
chain_wait $((3 * POLL_S + 15)) chain_status_cmp answered -gt "$answered" ||
	chain_fail_later "no answer came through the bridge after the forgery: $(chain_status)"
chain_status_synced || chain_fail_later "status unsynced after the forgery: $(chain_status)"
offset=$(chain_field "$(chain_status)" offset_s || true)
error_ms=$(chain_error_ms "${offset:-0}" "$CHAIN_PLATFORM_OFFSET")
awk -v e="$error_ms" -v t="$TOLERANCE_MS" 'BEGIN { exit !(e <= t && e >= -t) }' ||
	chain_fail_later "the status's offset is ${error_ms} ms off the platform's"
check_late_status end

# The watcher, subscribed throughout, never got a forged message.
watched=$(grep -cF "$MARK" "$CHAIN_DIR/watcher.log" || true)
[ "$watched" -eq 0 ] ||
	chain_fail_later "the watcher on iotntp/# received $watched forged messages, the first: $(grep -m 1 -F "$MARK" "$CHAIN_DIR/watcher.log")"
forged_reads=$((watched + late_reads))
figures_add forged_reads "$forged_reads"

echo "fault: forged_status_is_never_read forged_publishes=$forged forged_reads=$forged_reads denied=$denied" \
	"statuses_after=$(statuses_since) status_error_ms=${error_ms#+}"
chain_end_checks
figures_add faults_survived 1
