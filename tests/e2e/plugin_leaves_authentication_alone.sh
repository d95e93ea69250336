#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Loading the plugin changes nobody's right to connect. Mosquitto 2.0 changes its own fallback
# as soon as any plugin registers a MOSQ_EVT_BASIC_AUTH callback: when every callback defers, a
# client that sent a username is refused, even with allow_anonymous true and no password_file.
# So every combination of password_file and allow_anonymous runs twice, without and with the
# plugin (the gateway's plugin settings as shipped), and each client must be accepted or refused
# alike by both. The bridge's client id is tried too: the plugin trusts its messages, it does
# not decide whether it may connect.
#   plugin_leaves_authentication_alone.sh REPO_ROOT PLUGIN_SO
set -euo pipefail
# shellcheck source=../lib/chain.sh
. "$1/tests/lib/chain.sh"
chain_test_args "$@"
# shellcheck source=../lib/wait_alive.sh
. "$CHAIN_ROOT/tests/lib/wait_alive.sh"

[ "$(id -u)" -eq 0 ] || chain_die "needs root: the broker drops to user mosquitto, as on a gateway"
for tool in mosquitto mosquitto_pub mosquitto_passwd ss timeout; do
	command -v "$tool" >/dev/null || chain_die "$tool is not installed"
done
id mosquitto >/dev/null 2>&1 || chain_die "user mosquitto does not exist (install mosquitto)"
[ -f "$CHAIN_PLUGIN" ] || chain_die "plugin $CHAIN_PLUGIN not built"

CHAIN_DIR=$(mktemp -d /tmp/iotntp-auth.XXXXXX)
trap chain_stop EXIT
trap 'exit 130' INT TERM
# The broker drops to user mosquitto before it loads the plugin and reads the password file.
chmod 0755 "$CHAIN_DIR"
install -m 0755 "$CHAIN_PLUGIN" "$CHAIN_DIR/mosquitto_iotntp.so"

mosquitto_passwd -b -c "$CHAIN_DIR/passwd" alice secret
chgrp mosquitto "$CHAIN_DIR/passwd"
chmod 0640 "$CHAIN_DIR/passwd"

# The plugin's part of the gateway's configuration, without the bridge: connecting clients
# never meet the bridge. Nothing listens on the refclock socket; the plugin retries it later.
chain_render "$CHAIN_ROOT/config/mosquitto/gateway.conf" "$CHAIN_DIR/gateway-full.conf" \
	"YourProductKey" "$CHAIN_PK" \
	"YourDeviceName" "$CHAIN_DN" \
	"$CHAIN_PLUGIN_PLACEHOLDER" "$CHAIN_DIR/mosquitto_iotntp.so" \
	"/run/chrony.iotntp.sock" "$CHAIN_DIR/nobody-listens.sock"
sed '/^connection /,$d' "$CHAIN_DIR/gateway-full.conf" >"$CHAIN_DIR/plugin.conf"
grep -q "^plugin $CHAIN_DIR/mosquitto_iotntp.so\$" "$CHAIN_DIR/plugin.conf" ||
	chain_die "gateway.conf's plugin line was not found before its bridge section"
bridge_id=$(awk '$1 == "plugin_opt_bridge_client_id" { print $2 }' "$CHAIN_DIR/plugin.conf")
[ -n "$bridge_id" ] || chain_die "gateway.conf sets no plugin_opt_bridge_client_id"

# Who connects: CREDENTIALS as "NAME USER PASSWORD" (none: no username), with each client id.
credentials=("none - -" "alice-right alice secret" "alice-wrong alice wrong" "bob bob secret")
client_ids=(plain-client "$bridge_id")

declare -A result
cases=0

# Connects once and sets verdict to accepted or refused from mosquitto_pub's status (0, or 5
# for a CONNACK that refuses); anything else, a timeout included, fails the test.
try_connect() {
	local port=$1 user=$2 password=$3 id=$4 rc=0
	local args=(-h 127.0.0.1 -p "$port" -i "$id" -t iotntp-test/auth -m x -q 1)
	[ "$user" = - ] || args+=(-u "$user" -P "$password")
	timeout 10 mosquitto_pub "${args[@]}" 2>>"$CHAIN_DIR/clients.log" || rc=$?
	case $rc in
	0) verdict=accepted ;;
	5) verdict=refused ;;
	*) chain_die "mosquitto_pub as '$user' id '$id' ended with status $rc: $(tail -2 "$CHAIN_DIR/clients.log")" ;;
	esac
}

# run_broker PWFILE ANON PLUGIN: one broker (yes/no, true/false, with/without), every client
# against it, then the broker stopped and waited for before the next one starts.
run_broker() {
	local pwfile=$1 anon=$2 plugin=$3 name port entry cname user password id
	name=broker-$pwfile-$anon-$plugin
	port=$(chain_free_port tcp)
	{
		echo "user mosquitto"
		echo "per_listener_settings false"
		echo "listener $port 127.0.0.1"
		echo "allow_anonymous $anon"
		[ "$pwfile" = no ] || echo "password_file $CHAIN_DIR/passwd"
		[ "$plugin" = without ] || cat "$CHAIN_DIR/plugin.conf"
	} >"$CHAIN_DIR/$name.conf"
	chain_spawn "$name" mosquitto -c "$CHAIN_DIR/$name.conf"
	wait_alive "$(chain_pid "$name")" 10 chain_listening "$port" ||
		chain_die "$name did not start: $(tail -3 "$CHAIN_DIR/$name.log")"
	if [ "$plugin" = with ]; then
		wait_alive "$(chain_pid "$name")" 10 grep -q 'iotntp: sync role:' "$CHAIN_DIR/$name.log" ||
			chain_die "$name did not start the plugin: $(tail -3 "$CHAIN_DIR/$name.log")"
	elif grep -q 'iotntp:' "$CHAIN_DIR/$name.log"; then
		chain_die "$name has no plugin line but logged: $(grep 'iotntp:' "$CHAIN_DIR/$name.log")"
	fi

	for entry in "${credentials[@]}"; do
		read -r cname user password <<<"$entry"
		for id in "${client_ids[@]}"; do
			try_connect "$port" "$user" "$password" "$id"
			result[$pwfile/$anon/$plugin/$cname/$id]=$verdict
			cases=$((cases + 1))
		done
	done

	chain_alive "$name" || chain_die "$name exited while clients connected: $(tail -3 "$CHAIN_DIR/$name.log")"
	chain_stop_one "$name"
}

for pwfile in no yes; do
	for anon in false true; do
		for plugin in without with; do
			run_broker "$pwfile" "$anon" "$plugin"
		done
	done
done

# The matrix, and the comparison case by case.
identical=0
differ=()
printf '%-8s %-6s %-12s %-14s %-9s %s\n' pwfile anon client id without with
for pwfile in no yes; do
	for anon in false true; do
		for entry in "${credentials[@]}"; do
			read -r cname _ _ <<<"$entry"
			for id in "${client_ids[@]}"; do
				key=$pwfile/$anon
				without=${result[$key/without/$cname/$id]}
				with=${result[$key/with/$cname/$id]}
				printf '%-8s %-6s %-12s %-14s %-9s %s\n' "$pwfile" "$anon" "$cname" "$id" "$without" "$with"
				if [ "$without" = "$with" ]; then
					identical=$((identical + 1))
				else
					differ+=("password_file=$pwfile allow_anonymous=$anon $cname as $id: $without without the plugin, $with with it")
				fi
			done
		done
	done
done

# Mosquitto's own rules, so that two equally broken runs cannot pass: the anonymous switch, the
# password file, and a username accepted with neither (the case a deferring auth callback breaks).
expect() {
	local got=${result[$1/without/$2/plain-client]}
	[ "$got" = "$3" ] || chain_die "without the plugin, $1 $2: $got, Mosquitto should say $3"
}
expect no/false none refused
expect no/true none accepted
expect no/true alice-right accepted
expect no/true bob accepted
expect yes/false none refused
expect yes/true none accepted
expect yes/false alice-right accepted
expect yes/true alice-right accepted
expect yes/false alice-wrong refused
expect yes/true alice-wrong refused
expect yes/false bob refused

for d in "${differ[@]}"; do
	chain_log "differs: $d"
done
# Each broker was half of a pair: cases counts pairs.
pairs=$((cases / 2))
echo "auth: cases=$pairs identical=$identical"
[ "$identical" -eq "$pairs" ] || chain_die "$((pairs - identical)) of $pairs clients are treated differently with the plugin"
