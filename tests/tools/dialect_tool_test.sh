#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# dialect_tool says what the end-to-end tests take from it: for each platform, the gateway's
# topics (the documented ones: README "Platforms") with filters that match them, a request the
# platform's answer is written to, that answer read back with the stamps it was given, the
# send time echoed where the platform echoes one; and it refuses an unknown platform, an
# identity the platform does not take and a payload that is not a request.
#   dialect_tool_test.sh DIALECT_TOOL
set -euo pipefail
tool=$1

fail() {
	echo "FAIL: $*"
	exit 1
}

# field OUTPUT NAME: the value of the "NAME VALUE" line.
field() {
	awk -v n="$2" '$1 == n { print $2 }' <<<"$1"
}

# matches FILTER TOPIC: whether the MQTT subscription filter (+ only) matches the topic.
matches() {
	awk -v f="$1" -v t="$2" 'BEGIN {
		nf = split(f, a, "/"); nt = split(t, b, "/")
		if (nf != nt) exit 1
		for (i = 1; i <= nf; i++) if (a[i] != "+" && a[i] != b[i]) exit 1
	}'
}

check() {
	local platform=$1 product=$2 request_topic=$3 response_topic=$4 qos=$5 echoes=$6
	local out request answer read t1=1765000000123 t2=1765000000456 t3=1765000000789
	out=$("$tool" topics "$platform" "$product" dev-1) || fail "$platform: topics failed"
	[ "$(field "$out" request_topic)" = "$request_topic" ] ||
		fail "$platform: request topic $(field "$out" request_topic), not $request_topic"
	[ "$(field "$out" response_topic)" = "$response_topic" ] ||
		fail "$platform: response topic $(field "$out" response_topic), not $response_topic"
	[ "$(field "$out" request_qos)" = "$qos" ] || fail "$platform: request QoS $(field "$out" request_qos), not $qos"
	matches "$(field "$out" request_filter)" "$request_topic" ||
		fail "$platform: $(field "$out" request_filter) does not match $request_topic"
	matches "$(field "$out" response_filter)" "$response_topic" ||
		fail "$platform: $(field "$out" response_filter) does not match $response_topic"
	! matches "$(field "$out" request_filter)" "$response_topic" ||
		fail "$platform: the request filter matches the response topic"
	request=$("$tool" request "$platform" "$t1" 7) || fail "$platform: request failed"
	answer=$("$tool" answer "$platform" "$t2" "$t3" "$request") || fail "$platform: answer to $request failed"
	read=$(echo "1765000001.5 $answer" | "$tool" answers "$platform")
	if [ "$echoes" = yes ]; then
		[ "$read" = "1765000001.5 $t1 $t2 $t3" ] || fail "$platform: '$answer' read as '$read'"
	else
		[ "$read" = "1765000001.5 - $t2 $t3" ] || fail "$platform: '$answer' read as '$read'"
	fi
	# Not an answer, and not a request: skipped, refused.
	[ -z "$(echo "1 $request" | "$tool" answers "$platform")" ] || fail "$platform: a request read as an answer"
	! "$tool" answer "$platform" "$t2" "$t3" '{"other":1}' 2>/dev/null || fail "$platform: answered a non-request"
	echo "ok: $platform $request_topic $response_topic"
}

check aliyun pk-1 /ext/ntp/pk-1/dev-1/request /ext/ntp/pk-1/dev-1/response 0 yes
# The platforms' topics start with a literal $.
# shellcheck disable=SC2016
check huawei - '$oc/devices/dev-1/sys/events/up' '$oc/devices/dev-1/sys/events/down' 1 yes
check tuya - tylink/dev-1/ext/time/request tylink/dev-1/ext/time/response 0 yes
# shellcheck disable=SC2016
check tencent pk-1 '$sys/operation/pk-1/dev-1' '$sys/operation/result/pk-1/dev-1' 0 no

! "$tool" topics aws pk-1 dev-1 2>/dev/null || fail "an unknown platform was taken"
! "$tool" topics huawei pk-1 dev-1 2>/dev/null || fail "huawei took a product id"
! "$tool" topics aliyun - dev-1 2>/dev/null || fail "aliyun took no product id"
! "$tool" topics aliyun pk/1 dev-1 2>/dev/null || fail "a product id with a / was taken"
echo "dialect_tool: every platform's topics, requests and answers as documented"
