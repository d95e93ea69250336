#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# iotntp-config's fragments, checked from the outside: each platform's login equals an
# independent computation by the openssl command line (Alibaba's and Huawei's HMAC passwords,
# Tuya's signed time, Tencent's pre-shared key); the bridge's client id is random at each run
# and the same in its two lines, or the operator's; bad input exits 2 and writes nothing; a
# failed random source exits 1 and writes nothing; the output file is mode 0640, group
# mosquitto; a real mosquitto starts with each platform's fragment, loads the plugin in that
# platform's dialect, and its bridge logs in to a broker on loopback that plays the platform
# (TLS with a certificate, or Tencent's TLS-PSK) with the fragment's client id and username and
# subscribes to the time answers, and carries other topics beside them (--carry-topic), in and
# out; Tencent's completes TLS 1.2 with its SDK's PSK cipher suite against openssl s_server; a
# real chronyd starts with the chrony fragment.
#   iotntp_config_writes_loadable_fragments.sh REPO_ROOT PLUGIN_SO IOTNTP_CONFIG
# shellcheck disable=SC2016 # Huawei's and Tencent's topics start with a literal $
set -euo pipefail
root=$1
plugin=$2
tool=$3
# shellcheck source=../lib/figures.sh
. "$root/tests/lib/figures.sh"
# shellcheck source=../lib/free_port.sh
. "$root/tests/lib/free_port.sh"
# shellcheck source=../lib/wait_alive.sh
. "$root/tests/lib/wait_alive.sh"

[ "$(id -u)" -eq 0 ] || {
	echo "FAIL: needs root (a broker that drops to user mosquitto, chronyd)"
	exit 1
}
dir=$(mktemp -d /tmp/iotntp-config-test.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$dir"
}
trap cleanup EXIT
# The broker drops to user mosquitto before it loads the plugin.
chmod 0755 "$dir"
install -m 0755 "$plugin" "$dir/mosquitto_iotntp.so"

fail() {
	echo "FAIL: $*"
	exit 1
}


openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-subj /CN=iotntp-test-ca -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
printf 'not a certificate\n' >"$dir/not-a-cert.pem"

# --- The password against openssl dgst -------------------------------------------------------

# check_signature METHOD DIGEST PK DN SECRET [CLIENT_ID]
check_signature() {
	local method=$1 digest=$2 pk=$3 dn=$4 secret=$5 cid=${6:-} got want args
	args=(mosquitto --product-key "$pk" --device-name "$dn" --secret-file -
		--host 127.0.0.1 --ca-file "$dir/ca.pem" --signmethod "$method")
	[ -n "$cid" ] && args+=(--client-id "$cid")
	got=$(printf '%s\n' "$secret" | "$tool" "${args[@]}" | awk '$1 == "remote_password" { print $2 }')
	[ -n "$cid" ] || cid=$pk.$dn
	want=$(printf '%s' "clientId${cid}deviceName${dn}productKey${pk}" |
		openssl dgst "-$digest" -hmac "$secret" | awk '{ print $NF }')
	[ "$got" = "$want" ] || fail "$method password for $pk/$dn/$cid is $got, openssl says $want"
}
check_signature hmacsha256 sha256 a1B2c3D4e5F gw-01 s3cr3tDeviceSecret0123456789abcd
check_signature hmacsha256 sha256 k0xyzABC123 dev_1.a@b:c Q9w8E7r6T5y4U3i2O1p0AaSsDdFfGgHh
check_signature hmacsha256 sha256 a1B2c3D4e5F gw-01 s3cr3t 00:11:22:33:44:55
check_signature hmacsha1 sha1 a1B2c3D4e5F gw-01 s3cr3tDeviceSecret0123456789abcd
check_signature hmacsha1 sha1 pk1 abcd x '12345'
# A secret file written on Windows ends its line with CR LF; the CR is not part of the secret.
printf 'crlfSecret\r\n' >"$dir/crlf.secret"
got=$("$tool" mosquitto --product-key pk1 --device-name gw-01 --secret-file "$dir/crlf.secret" \
	--host 127.0.0.1 --ca-file "$dir/ca.pem" | awk '$1 == "remote_password" { print $2 }')
want=$(printf '%s' "clientIdpk1.gw-01deviceNamegw-01productKeypk1" |
	openssl dgst -sha256 -hmac crlfSecret | awk '{ print $NF }')
[ "$got" = "$want" ] || fail "CR LF secret file: password $got, openssl says $want"
echo "signature: hmacsha256 and hmacsha1 passwords equal openssl dgst -hmac for 6 identities"

# value KEY FILE: the value of the first line starting with KEY.
value() {
	awk -v k="$1" '$1 == k { print $2; exit }' "$2"
}
printf '12345678\n' >"$dir/huawei.secret"
printf 'tuyaSecret0123456789\n' >"$dir/tuya.secret"
printf 'ABEiM0RVZneImaq7zN3u/w==\n' >"$dir/tencent.secret"
huawei=(mosquitto --platform huawei --device-id 6123_gw01 --secret-file "$dir/huawei.secret")
tuya=(mosquitto --platform tuya --device-id 6c828cba434ff40c074wF2
	--secret-file "$dir/tuya.secret")
tencent=(mosquitto --platform tencent --product-id ABCDEFGHIJ --device-name gw01
	--secret-file "$dir/tencent.secret")

# Huawei: the client id ends with the hour (UTC) it was written, and the password is the HMAC
# of the secret keyed by that hour. openssl computes IoTDA's documented example the same way.
[ "$(printf %s 12345678 | openssl dgst -sha256 -hmac 2025041401 | awk '{ print $NF }')" = \
	c75150e6cb841417396819e4d2ee4358a416344a03a083e3a8567074ddec820a ] ||
	fail "openssl does not compute IoTDA's documented example"
before=$(date -u +%Y%m%d%H)
"$tool" "${huawei[@]}" --host 127.0.0.1 --ca-file "$dir/ca.pem" >"$dir/huawei.conf"
after=$(date -u +%Y%m%d%H)
cid=$(value remote_clientid "$dir/huawei.conf")
[[ $cid =~ ^6123_gw01_0_0_([0-9]{10})$ ]] || fail "huawei client id '$cid'"
stamp=${BASH_REMATCH[1]}
[ "$stamp" = "$before" ] || [ "$stamp" = "$after" ] || fail "huawei stamp $stamp is not the hour"
want=$(printf %s 12345678 | openssl dgst -sha256 -hmac "$stamp" | awk '{ print $NF }')
got=$(value remote_password "$dir/huawei.conf")
[ "$got" = "$want" ] || fail "huawei password $got, openssl says $want"
[ "$(value remote_username "$dir/huawei.conf")" = 6123_gw01 ] || fail "huawei username"

# Tuya: the username carries the time, and the password signs it with the time.
"$tool" "${tuya[@]}" --host 127.0.0.1 --ca-file "$dir/ca.pem" >"$dir/tuya.conf" \
	2>"$dir/tuya.stderr"
user=$(value remote_username "$dir/tuya.conf")
re='^6c828cba434ff40c074wF2\|signMethod=hmacSha256,timestamp=([0-9]{10}),secureMode=1,accessType=1$'
[[ $user =~ $re ]] || fail "tuya username '$user'"
ts=${BASH_REMATCH[1]}
[ $(($(date +%s) - ts)) -lt 60 ] || fail "tuya signed $ts, not the time now"
want=$(printf %s "deviceId=6c828cba434ff40c074wF2,timestamp=$ts,secureMode=1,accessType=1" |
	openssl dgst -sha256 -hmac tuyaSecret0123456789 | awk '{ print $NF }')
got=$(value remote_password "$dir/tuya.conf")
[ "$got" = "$want" ] || fail "tuya password $got, openssl says $want"
[ "$(value remote_clientid "$dir/tuya.conf")" = tuyalink_6c828cba434ff40c074wF2 ] ||
	fail "tuya client id"
grep -q "does not document whether it checks" "$dir/tuya.stderr" ||
	fail "tuya: no note on the signed time: $(cat "$dir/tuya.stderr")"

# Tencent: the device key, base64-decoded, is the TLS pre-shared key; no password, no CA.
"$tool" "${tencent[@]}" --host 127.0.0.1 >"$dir/tencent.conf"
# openssl base64 reads whole lines.
want=$(printf '%s\n' 'ABEiM0RVZneImaq7zN3u/w==' | openssl base64 -d | od -An -tx1 | tr -d ' \n')
got=$(value bridge_psk "$dir/tencent.conf")
[ "$got" = "$want" ] || fail "tencent pre-shared key $got, openssl says $want"
[ "$(value bridge_identity "$dir/tencent.conf")" = ABCDEFGHIJgw01 ] || fail "tencent identity"
[[ $(value remote_username "$dir/tencent.conf") =~ ^ABCDEFGHIJgw01\;21010406\;[A-Za-z0-9]{5}\;9223372036854775807$ ]] ||
	fail "tencent username '$(value remote_username "$dir/tencent.conf")'"
! grep -Eq '^(remote_password|bridge_cafile) ' "$dir/tencent.conf" ||
	fail "tencent's fragment has a password or a CA"
echo "signature: Huawei's, Tuya's and Tencent's logins equal openssl's computations"

# --- Bad input: exit 2, a message, nothing written ---------------------------------------------

secret=Wr0ngButN0tPrinted42
printf '%s\n' "$secret" >"$dir/good.secret"
: >"$dir/empty.secret"
printf 'line1\nline2\n' >"$dir/two-lines.secret"
out=$dir/refused.conf
ok=(--product-key a1B2c3D4e5F --device-name gw-01 --secret-file "$dir/good.secret"
	--region cn-shanghai --ca-file "$dir/ca.pem")
bad_inputs=0

# expect_refused WHAT ARG...: iotntp-config ARG... --output OUT must exit 2, say why on stderr,
# print nothing, leave OUT as it was and never show the secret.
expect_refused() {
	local what=$1 rc=0
	shift
	printf 'before\n' >"$out"
	"$tool" "$@" --output "$out" >"$dir/stdout" 2>"$dir/stderr" || rc=$?
	[ "$rc" -eq 2 ] || fail "$what: exit status $rc, not 2"
	[ -s "$dir/stderr" ] || fail "$what: no message on stderr"
	[ ! -s "$dir/stdout" ] || fail "$what: printed $(head -c 200 "$dir/stdout")"
	[ "$(cat "$out")" = before ] || fail "$what: the output file changed"
	! grep -q "$secret" "$dir/stderr" || fail "$what: the secret is on stderr"
	if compgen -G "$out.*" >/dev/null; then
		fail "$what: left $(echo "$out".*)"
	fi
	bad_inputs=$((bad_inputs + 1))
	echo "refused ($what): $(head -1 "$dir/stderr")"
}

m=mosquitto
expect_refused "empty ProductKey" $m "${ok[@]:2}" --product-key ""
expect_refused "ProductKey with /" $m "${ok[@]:2}" --product-key "a1/B2"
expect_refused "overlong DeviceName" $m --product-key a1B2c3D4e5F \
	--device-name "$(printf 'd%.0s' $(seq 1 33))" "${ok[@]:4}"
expect_refused "DeviceName with a space" $m --product-key a1B2c3D4e5F --device-name "gw 01" \
	"${ok[@]:4}"
expect_refused "DeviceName with #" $m --product-key a1B2c3D4e5F --device-name "gw#01" \
	"${ok[@]:4}"
expect_refused "unknown region" $m "${ok[@]:0:6}" --region cn-nowhere --ca-file "$dir/ca.pem"
expect_refused "region and host" $m "${ok[@]}" --host 127.0.0.1
expect_refused "no secret file" $m "${ok[@]:0:4}" "${ok[@]:6}"
expect_refused "missing secret file" $m "${ok[@]:0:5}" "$dir/absent.secret" "${ok[@]:6}"
expect_refused "empty secret file" $m "${ok[@]:0:5}" "$dir/empty.secret" "${ok[@]:6}"
expect_refused "two-line secret file" $m "${ok[@]:0:5}" "$dir/two-lines.secret" "${ok[@]:6}"
expect_refused "secret on the command line" $m "${ok[@]}" "--secret=$secret"
expect_refused "missing CA file" $m "${ok[@]:0:8}" --ca-file "$dir/absent.pem"
expect_refused "CA file without a certificate" $m "${ok[@]:0:8}" --ca-file "$dir/not-a-cert.pem"
expect_refused "keepalive under 30 s" $m "${ok[@]}" --keepalive 10
expect_refused "keepalive over 1200 s" $m "${ok[@]}" --keepalive 1201
expect_refused "signmethod md5" $m "${ok[@]}" --signmethod hmacmd5
expect_refused "port 0" $m "${ok[@]}" --port 0
expect_refused "unknown command" bridge "${ok[@]}"
expect_refused "chrony with a ProductKey" chrony --product-key a1B2c3D4e5F
expect_refused "chrony with a bad network" chrony --allow "10.0.0.0/8 deny"
expect_refused "empty bridge client id" $m "${ok[@]}" --bridge-client-id=
expect_refused "bridge client id of 129 characters" $m "${ok[@]}" \
	--bridge-client-id "$(printf 'b%.0s' $(seq 1 129))"
expect_refused "bridge client id with a space" $m "${ok[@]}" --bridge-client-id "iotntp bridge"
expect_refused "bridge client id with +" $m "${ok[@]}" --bridge-client-id "iotntp+bridge"
expect_refused "bridge client id with #" $m "${ok[@]}" --bridge-client-id "iotntp#bridge"
expect_refused "bridge client id with /" $m "${ok[@]}" --bridge-client-id "iotntp/bridge"
expect_refused "unknown platform" $m "${ok[@]}" --platform aws
expect_refused "huawei without its device id" $m --platform huawei \
	--secret-file "$dir/huawei.secret" --host 127.0.0.1 --ca-file "$dir/ca.pem"
expect_refused "huawei with a ProductKey" "${huawei[@]}" --host 127.0.0.1 \
	--ca-file "$dir/ca.pem" --product-key a1B2c3D4e5F
expect_refused "huawei device id with /" $m --platform huawei --device-id 6123/gw01 \
	--secret-file "$dir/huawei.secret" --host 127.0.0.1 --ca-file "$dir/ca.pem"
expect_refused "huawei with a region" "${huawei[@]}" --region cn-north-4 --ca-file "$dir/ca.pem"
expect_refused "tuya without a host" "${tuya[@]}" --ca-file "$dir/ca.pem"
expect_refused "tuya without a CA file" "${tuya[@]}" --host 127.0.0.1
expect_refused "tuya device id with _" $m --platform tuya --device-id dev_1 \
	--secret-file "$dir/tuya.secret" --host 127.0.0.1 --ca-file "$dir/ca.pem"
expect_refused "tencent without its ProductId" $m --platform tencent --device-name gw01 \
	--secret-file "$dir/tencent.secret" --region ap-guangzhou
expect_refused "tencent with a CA file" "${tencent[@]}" --host 127.0.0.1 --ca-file "$dir/ca.pem"
expect_refused "tencent with an unknown region" "${tencent[@]}" --region ap-beijing
expect_refused "tencent keepalive over 900 s" "${tencent[@]}" --host 127.0.0.1 --keepalive 901
expect_refused "carried topic of another device" "${huawei[@]}" --host 127.0.0.1 \
	--ca-file "$dir/ca.pem" --carry-topic 'in:$oc/devices/6123_gw02/user/x'
expect_refused "carried time topic" "${huawei[@]}" --host 127.0.0.1 \
	--ca-file "$dir/ca.pem" --carry-topic 'both:$oc/devices/6123_gw01/sys/#'
expect_refused "carried wildcard on tuya" "${tuya[@]}" --host 127.0.0.1 \
	--ca-file "$dir/ca.pem" --carry-topic 'in:tylink/6c828cba434ff40c074wF2/#'
printf '%s*\n' "$secret" >"$dir/not-base64.secret"
expect_refused "tencent key not base64" $m --platform tencent --product-id ABCDEFGHIJ \
	--device-name gw01 --secret-file "$dir/not-base64.secret" --host 127.0.0.1
# Empty secret from standard input.
rc=0
"$tool" mosquitto "${ok[@]:0:4}" --secret-file - "${ok[@]:6}" </dev/null >"$dir/stdout" 2>"$dir/stderr" ||
	rc=$?
if [ "$rc" -ne 2 ] || [ -s "$dir/stdout" ]; then
	fail "empty standard input: exit $rc"
fi
bad_inputs=$((bad_inputs + 1))
figures_add bad_inputs "$bad_inputs"
echo "bad input: $bad_inputs refusals, each exit 2 with nothing written"

# --- The bridge's client id -------------------------------------------------------------------

# bridge_ids FILE: the values of the plugin_opt_bridge_client_id and local_clientid lines, in
# that order, or nothing unless each line is there exactly once.
bridge_ids() {
	awk '$1 == "plugin_opt_bridge_client_id" { p = $2; np++ }
		$1 == "local_clientid" { l = $2; nl++ }
		END { if (np == 1 && nl == 1) { print p; print l } }' "$1"
}

# A client that knows the id can take it over and disconnect the uplink: it must be random,
# 128 bits, and fresh at each run.
ids=()
for run in 1 2; do
	"$tool" mosquitto "${ok[@]}" >"$dir/run$run.conf" 2>"$dir/stderr" ||
		fail "run $run: $(cat "$dir/stderr")"
	mapfile -t pair < <(bridge_ids "$dir/run$run.conf")
	[ "${#pair[@]}" -eq 2 ] ||
		fail "run $run: not one plugin_opt_bridge_client_id and one local_clientid line"
	[[ ${pair[0]} =~ ^iotntp-bridge-[0-9a-f]{32}$ ]] ||
		fail "run $run: bridge client id '${pair[0]}' is not iotntp-bridge- and 32 hex digits"
	[ "${pair[0]}" = "${pair[1]}" ] ||
		fail "run $run: plugin_opt_bridge_client_id ${pair[0]} but local_clientid ${pair[1]}"
	ids+=("${pair[0]}")
done
[ "${ids[0]}" != "${ids[1]}" ] || fail "two runs gave the same bridge client id ${ids[0]}"
echo "bridge client id: ${ids[0]}, then ${ids[1]}: random, the same in both lines"

# An operator's id is kept, for example to write the fragment again without changing it.
"$tool" mosquitto "${ok[@]}" --bridge-client-id "${ids[0]}" >"$dir/kept.conf"
mapfile -t pair < <(bridge_ids "$dir/kept.conf")
[ "${pair[*]}" = "${ids[0]} ${ids[0]}" ] || fail "--bridge-client-id ${ids[0]} gave ${pair[*]}"
"$tool" mosquitto "${ok[@]}" --bridge-client-id='gw-01!bridge' >"$dir/own.conf"
mapfile -t pair < <(bridge_ids "$dir/own.conf")
[ "${pair[*]}" = "gw-01!bridge gw-01!bridge" ] ||
	fail "--bridge-client-id gw-01!bridge gave ${pair[*]}"
echo "bridge client id: --bridge-client-id is written in both lines"

# No random id, no fragment: a guessable fallback would bring the takeover back. An OpenSSL
# configuration naming a random generator that does not exist makes RAND_bytes fail.
cat >"$dir/no-rand.cnf" <<EOF
openssl_conf = openssl_init
[openssl_init]
random = random_sect
[random_sect]
random = NO-SUCH-DRBG
EOF
printf 'before\n' >"$out"
rc=0
OPENSSL_CONF=$dir/no-rand.cnf "$tool" mosquitto "${ok[@]}" --output "$out" >"$dir/stdout" \
	2>"$dir/stderr" || rc=$?
[ "$rc" -eq 1 ] || fail "failed random source: exit status $rc, not 1"
if [ "$(wc -l <"$dir/stderr")" -ne 1 ] || ! grep -q "random" "$dir/stderr"; then
	fail "failed random source: stderr $(cat "$dir/stderr")"
fi
[ ! -s "$dir/stdout" ] || fail "failed random source: printed $(head -c 200 "$dir/stdout")"
[ "$(cat "$out")" = before ] || fail "failed random source: the output file changed"
if compgen -G "$out.*" >/dev/null; then
	fail "failed random source: left $(echo "$out".*)"
fi
echo "failed random source: $(cat "$dir/stderr")"

# --- The output file ---------------------------------------------------------------------------

mkdir -m 0755 "$dir/mosquitto.d"
frag=$dir/mosquitto.d/iotntp.conf
broker_port=$(free_port tcp)
dead_port=$(free_port tcp "$broker_port")
"$tool" mosquitto --product-key a1B2c3D4e5F --device-name gw-01 --secret-file "$dir/good.secret" \
	--host 127.0.0.1 --port "$dead_port" --ca-file "$dir/ca.pem" \
	--plugin "$dir/mosquitto_iotntp.so" --refclock-socket "$dir/chrony.sock" \
	--output "$frag" >"$dir/stdout" 2>"$dir/stderr"
[ ! -s "$dir/stdout" ] || fail "--output also printed to stdout"
[ ! -s "$dir/stderr" ] || fail "unexpected stderr: $(cat "$dir/stderr")"
password=$(awk '$1 == "remote_password" { print $2 }' "$frag")
bridge_id=$(awk '$1 == "local_clientid" { print $2 }' "$frag")
[ ${#password} -eq 64 ] || fail "no 64-digit password in $frag"
mode=$(stat -c %a "$frag")
[ "$mode" = 640 ] || fail "$frag has mode $mode, not 640"
if getent group mosquitto >/dev/null; then
	group=$(stat -c %G "$frag")
	[ "$group" = mosquitto ] || fail "$frag has group $group, not mosquitto"
fi
[ "$(find "$dir/mosquitto.d" -type f | wc -l)" -eq 1 ] || fail "a temporary file was left"
echo "output: $frag mode $mode group $(stat -c %G "$frag")"

# An output that cannot be written is exit status 1, with nothing left behind.
rc=0
"$tool" mosquitto "${ok[@]}" --output "$dir/absent/iotntp.conf" >/dev/null 2>"$dir/stderr" || rc=$?
[ "$rc" -eq 1 ] || fail "unwritable --output: exit status $rc, not 1"
grep -q "$dir/absent/iotntp.conf" "$dir/stderr" || fail "unwritable --output: $(cat "$dir/stderr")"
[ ! -e "$dir/absent" ] || fail "unwritable --output created $dir/absent"

# Port 1883 warns of the GlobalSign root's expiry, on stderr, without the password.
"$tool" mosquitto "${ok[@]:0:6}" --host 127.0.0.1 --port 1883 --ca-file "$dir/ca.pem" \
	>"$dir/stdout" 2>"$dir/stderr"
grep -q "2028-01-28" "$dir/stderr" || fail "no GlobalSign warning for port 1883"
! grep -q "$(awk '$1 == "remote_password" { print $2 }' "$dir/stdout")" "$dir/stderr" ||
	fail "the password is on stderr"

# --- A real mosquitto starts with the fragment ------------------------------------------------

cat >"$dir/mosquitto.conf" <<EOF
listener $broker_port 127.0.0.1
include_dir $dir/mosquitto.d
EOF
mosquitto -c "$dir/mosquitto.conf" >"$dir/broker.log" 2>&1 &
broker=$!
pids+=("$broker")
wait_alive "$broker" 10 grep -q "mosquitto version .* running" "$dir/broker.log" ||
	fail "mosquitto did not start: $(tail -5 "$dir/broker.log")"
grep -q "iotntp: sync role: /ext/ntp/a1B2c3D4e5F/gw-01/request via bridge client '$bridge_id'" \
	"$dir/broker.log" || fail "the plugin did not start in the sync role: $(cat "$dir/broker.log")"
sleep 1
kill -0 "$broker" 2>/dev/null || fail "mosquitto stopped: $(tail -5 "$dir/broker.log")"
! grep -q "$password" "$dir/broker.log" || fail "the password is in the broker log"
kill "$broker"
wait "$broker" 2>/dev/null || true
echo "mosquitto: started with the fragment ($(grep -c . "$dir/broker.log") log lines)"

# --- Each platform's fragment: the plugin in its dialect, the bridge logged in --------------

# A broker on loopback plays each platform: TLS with a certificate for 127.0.0.1 from a CA of
# this test, or TLS-PSK with Tencent's device key. It logs the bridge's CONNECT (client id,
# username) and its subscriptions, which must be the fragment's.
pki=$dir/pki
install -d -m 0755 "$pki"
{
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj "/CN=iotntp test platform CA" -addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign \
		-keyout "$pki/ca.key" -out "$pki/ca.pem" &&
		printf '%s\n' 'subjectAltName=IP:127.0.0.1' 'basicConstraints=CA:FALSE' \
			'keyUsage=critical,digitalSignature' 'extendedKeyUsage=serverAuth' \
			>"$pki/server.ext" &&
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-subj /CN=127.0.0.1 -keyout "$pki/server.key" -out "$pki/server.csr" &&
		openssl x509 -req -in "$pki/server.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" \
			-CAcreateserial -days 2 -extfile "$pki/server.ext" -out "$pki/server.pem"
} >"$dir/openssl.log" 2>&1 || fail "openssl could not make the platform's certificate"
chmod 0644 "$pki"/*.pem "$pki/server.key"
printf 'ABCDEFGHIJgw01:00112233445566778899aabbccddeeff\n' >"$pki/psk"
chmod 0644 "$pki/psk"

# stop PID: ends a broker this test started.
stop() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# platform_logs_in NAME ARG...: iotntp-config ARG... against a platform on loopback; the
# plugin must start in NAME's dialect and the bridge log in as the fragment says.
platform_logs_in() {
	local name=$1 pport gport pconf=$dir/$1-platform.conf gdir=$dir/$1.d plog glog
	shift
	plog=$dir/$name-platform.log
	glog=$dir/$name-gateway.log
	pport=$(free_port tcp)
	gport=$(free_port tcp "$pport")
	install -d -m 0755 "$gdir"
	"$tool" "$@" --host 127.0.0.1 --port "$pport" --plugin "$dir/mosquitto_iotntp.so" \
		--refclock-socket "$dir/chrony.sock" --output "$gdir/iotntp.conf" 2>"$dir/stderr" ||
		fail "$name: $(cat "$dir/stderr")"
	local cid user request response qos bridge_id
	cid=$(value remote_clientid "$gdir/iotntp.conf")
	user=$(value remote_username "$gdir/iotntp.conf")
	bridge_id=$(value local_clientid "$gdir/iotntp.conf")
	read -r _ request _ qos < <(grep '^topic .* out ' "$gdir/iotntp.conf")
	read -r _ response _ _ < <(grep '^topic .* in ' "$gdir/iotntp.conf")
	{
		echo "listener $pport 127.0.0.1"
		echo "allow_anonymous true"
		echo "log_type error"
		echo "log_type warning"
		echo "log_type notice"
		echo "log_type information"
		echo "log_type subscribe"
		echo "log_type debug"
		echo "tls_version tlsv1.2"
		if grep -q '^bridge_psk ' "$gdir/iotntp.conf"; then
			echo "psk_hint iotntp-test"
			echo "psk_file $pki/psk"
		else
			echo "certfile $pki/server.pem"
			echo "keyfile $pki/server.key"
		fi
	} >"$pconf"
	printf 'listener %s 127.0.0.1\nallow_anonymous true\ninclude_dir %s\n' "$gport" "$gdir" \
		>"$dir/$name-gateway.conf"
	mosquitto -c "$pconf" >"$plog" 2>&1 &
	local platform=$!
	pids+=("$platform")
	wait_alive "$platform" 10 grep -q "mosquitto version .* running" "$plog" ||
		fail "$name: the platform's broker did not start: $(tail -5 "$plog")"
	mosquitto -c "$dir/$name-gateway.conf" >"$glog" 2>&1 &
	local gateway=$!
	pids+=("$gateway")
	wait_alive "$gateway" 10 grep -qF "iotntp: sync role: $request via bridge client '$bridge_id'" \
		"$glog" || fail "$name: the plugin did not start in the sync role: $(cat "$glog")"
	wait_alive "$gateway" 15 grep -qF "as $cid (p2, c1, k300, u'$user')" "$plog" ||
		fail "$name: the bridge did not log in as $cid, $user: $(tail -5 "$plog"; tail -5 "$glog")"
	wait_alive "$gateway" 10 grep -qF "$cid $qos $response" "$plog" ||
		fail "$name: the bridge did not subscribe to $response at QoS $qos: $(tail -5 "$plog")"
	# Carried topics: those in are subscribed to on the platform at QoS 1, and a message
	# published in the gateway's broker on one out reaches the platform through the bridge.
	local pattern dir topic
	while read -r _ pattern dir _; do
		if [ "$dir" != out ]; then
			wait_alive "$gateway" 10 grep -qF "$cid 1 $pattern" "$plog" ||
				fail "$name: the bridge did not subscribe to $pattern: $(tail -5 "$plog")"
		fi
		if [ "$dir" != in ]; then
			topic=${pattern//#/x}
			topic=${topic//+/x}
			mosquitto_pub -h 127.0.0.1 -p "$gport" -q 1 -t "$topic" -m carried ||
				fail "$name: mosquitto_pub to the gateway failed"
			wait_alive "$gateway" 10 grep -qF "Received PUBLISH from $cid (d0, q1, r0, m" \
				"$plog" || fail "$name: nothing carried out: $(tail -5 "$plog")"
			grep -F "Received PUBLISH from $cid" "$plog" | grep -qF "'$topic'" ||
				fail "$name: $topic was not carried out: $(tail -5 "$plog")"
		fi
		echo "$name: carried $dir $pattern"
	done < <(grep '^topic ' "$gdir/iotntp.conf" | tail -n +3)
	! grep -Eq 'Error|Warning' "$glog" || fail "$name: the gateway says $(grep -E 'Error|Warning' "$glog")"
	stop "$gateway"
	stop "$platform"
	echo "$name: the plugin speaks its dialect ($request), the bridge logged in as $cid"
}

platform_logs_in aliyun mosquitto "${ok[@]:0:6}" --ca-file "$pki/ca.pem"
# Huawei and Tuya carry other topics of the device too (--carry-topic).
platform_logs_in huawei "${huawei[@]}" --ca-file "$pki/ca.pem" \
	--carry-topic 'both:$oc/devices/6123_gw01/user/#' \
	--carry-topic 'in:$oc/devices/6123_gw01/sys/commands/#'
platform_logs_in tuya "${tuya[@]}" --ca-file "$pki/ca.pem" \
	--carry-topic out:tylink/6c828cba434ff40c074wF2/thing/property/report
platform_logs_in tencent "${tencent[@]}"

# Mosquitto 2.0.11 on both ends takes TLS 1.3 with the pre-shared key; Tencent's platform, as
# its SDK, speaks TLS 1.2 with PSK cipher suites. openssl s_server, told to do just that, must
# get the bridge's CONNECT, decrypted, with the fragment's username.
sport=$(free_port tcp)
gport=$(free_port tcp "$sport")
mkfifo "$dir/s_server.in"
openssl s_server -accept "$sport" -nocert -psk 00112233445566778899aabbccddeeff \
	-psk_identity ABCDEFGHIJgw01 -tls1_2 -cipher PSK-AES128-CBC-SHA -naccept 1 \
	<"$dir/s_server.in" >"$dir/s_server.out" 2>&1 &
server=$!
pids+=("$server")
# s_server ends at the end of its input: held open until the check is done.
exec 9>"$dir/s_server.in"
wait_alive "$server" 10 grep -q ACCEPT "$dir/s_server.out" ||
	fail "openssl s_server did not start: $(cat "$dir/s_server.out")"
sed "s/^address .*/address 127.0.0.1:$sport/" "$dir/tencent.d/iotntp.conf" >"$dir/tls12.conf"
install -d -m 0755 "$dir/tls12.d"
mv "$dir/tls12.conf" "$dir/tls12.d/iotntp.conf"
printf 'listener %s 127.0.0.1\ninclude_dir %s\n' "$gport" "$dir/tls12.d" >"$dir/tls12-gateway.conf"
mosquitto -c "$dir/tls12-gateway.conf" >"$dir/tls12-gateway.log" 2>&1 &
gateway=$!
pids+=("$gateway")
user=$(value remote_username "$dir/tls12.d/iotntp.conf")
wait_alive "$gateway" 15 grep -aqF "$user" "$dir/s_server.out" ||
	fail "s_server got no CONNECT: $(tail -5 "$dir/s_server.out"; tail -5 "$dir/tls12-gateway.log")"
grep -q "CIPHER is PSK-AES128-CBC-SHA" "$dir/s_server.out" ||
	fail "s_server: $(grep -a CIPHER "$dir/s_server.out")"
stop "$gateway"
exec 9>&-
stop "$server"
echo "tencent: TLS 1.2 with PSK-AES128-CBC-SHA, as the platform's SDK, carries the CONNECT"

# --- A real chronyd starts with the chrony fragment -------------------------------------------

"$tool" chrony --refclock-socket "$dir/chrony.sock" --allow 127.0.0.1/32 \
	--output "$dir/chrony-iotntp.conf"
[ "$(stat -c %a "$dir/chrony-iotntp.conf")" = 644 ] || fail "chrony fragment mode is not 644"
ntp_port=$(free_port udp)
cat >"$dir/chrony.conf" <<EOF
pidfile $dir/chronyd.pid
port $ntp_port
bindaddress 127.0.0.1
cmdport 0
include $dir/chrony-iotntp.conf
EOF
parsed=$(chronyd -p -f "$dir/chrony.conf") || fail "chronyd -p refused the fragment"
grep -q "^refclock SOCK $dir/chrony.sock refid IOT " <<<"$parsed" ||
	fail "chronyd -p shows no refclock: $parsed"
chronyd -x -d -f "$dir/chrony.conf" >"$dir/chronyd.log" 2>&1 &
chronyd_pid=$!
pids+=("$chronyd_pid")
wait_alive "$chronyd_pid" 10 test -S "$dir/chrony.sock" ||
	fail "chronyd made no refclock socket: $(tail -5 "$dir/chronyd.log")"
kill "$chronyd_pid"
wait "$chronyd_pid" 2>/dev/null || true
echo "chronyd: started with the fragment and bound $dir/chrony.sock"
echo "PASS"
