#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A broker whose plugin options are wrong must refuse to start, with one log line that names
# the option and says what is wrong.
#   broker_refuses_bad_option.sh REPO_ROOT PLUGIN_SO
set -euo pipefail
root=$1
plugin=$2
# shellcheck source=../lib/free_port.sh
. "$root/tests/lib/free_port.sh"
dir=$(mktemp -d /tmp/iotntp-options.XXXXXX)
trap 'rm -rf "$dir"' EXIT
chmod 0755 "$dir"
install -m 0755 "$plugin" "$dir/mosquitto_iotntp.so"
port=$(free_port tcp)

# Starts a broker with the given plugin_opt lines; it must exit (never run) and log EXPECT.
expect_refusal() {
	local expect=$1
	shift
	{
		echo "listener $port 127.0.0.1"
		echo "plugin $dir/mosquitto_iotntp.so"
		printf 'plugin_opt_%s\n' "$@"
	} >"$dir/broker.conf"
	local rc=0
	timeout 20 mosquitto -c "$dir/broker.conf" >"$dir/broker.log" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ] || [ "$rc" -eq 124 ]; then
		echo "FAIL: broker started (rc $rc) with: $*"
		cat "$dir/broker.log"
		exit 1
	fi
	if ! grep -q "iotntp: bad configuration: .*$expect" "$dir/broker.log"; then
		echo "FAIL: no log line naming '$expect' for: $*"
		cat "$dir/broker.log"
		exit 1
	fi
	echo "refused as expected: $(grep 'iotntp:' "$dir/broker.log" | sed 's/^[0-9]*: //')"
}

good=("product_key pk1" "device_name dn1" "bridge_client_id iotntp-bridge")
expect_refusal "option product_key is required" "device_name dn1" "bridge_client_id b"
expect_refusal "option poll_interval: 'soon' is not a whole number" "${good[@]}" "poll_interval soon"
expect_refusal "option burst: '0' is out of range" "${good[@]}" "burst 0"
expect_refusal "option status_topic must not contain the wildcards" "${good[@]}" "status_topic a/#"
expect_refusal "unknown option 'pol_interval'" "${good[@]}" "pol_interval 16"
expect_refusal "option role: 'client' is neither sync nor serve" "role client"
# plugin_opt_platform names one of the dialects, and each platform's identity is its own.
expect_refusal "option platform: 'aws' is none of aliyun, huawei, tuya or tencent" \
	"${good[@]}" "platform aws"
expect_refusal "option device_id is required in the sync role" \
	"platform huawei" "bridge_client_id b"
expect_refusal "option device_id is required in the sync role" \
	"platform tuya" "bridge_client_id b"
expect_refusal "option product_id is required in the sync role" \
	"platform tencent" "device_name dn1" "bridge_client_id b"
expect_refusal "option product_key is not platform huawei's: it names its devices by device_id" \
	"platform huawei" "${good[@]}"
