# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
# chain.sh: starts and stops the whole iotntp chain on loopback, from the files in config/.
#
#   emulated platform   mosquitto + plugin (serve role), under faketime with a known offset
#   gateway             mosquitto as user mosquitto + plugin (sync role) + bridge to the platform
#   chronyd -x          the SOCK refclock fed by the plugin, serving NTP on a loopback port
#   LAN client          chronyd -Q, a real NTP client, pointed at that port
#
# The config files are used as shipped; only what must differ on a test machine is replaced
# (ports, the plugin's path, the socket path, the device's identity), and each replacement
# must match or the chain refuses to start.
#
# Source it, set CHAIN_ROOT (the repository) and CHAIN_PLUGIN (the built .so), then call
# chain_setup and the chain_start_* functions. chain_stop runs on exit, pass or fail. An
# end-to-end test sets both from its arguments with chain_test_args.
#
# A gateway of another architecture (tests/cross/run) runs under an emulator: CHAIN_GATEWAY_BROKER
# is then the command that starts its broker (e.g. "qemu-aarch64-static -L SYSROOT
# /usr/sbin/mosquitto"; by default mosquitto), and CHAIN_PLATFORM_PLUGIN the plugin built for
# this machine, which the platform's broker loads (by default CHAIN_PLUGIN). CHAIN_CHRONYD, the
# command that starts the gateway's chronyd (by default chronyd), does the same for chronyd.
# CHAIN_TMPDIR: where the chain's directory is made (by default /tmp).

CHAIN_PK=${CHAIN_PK:-a1TestProduct}
CHAIN_DN=${CHAIN_DN:-gateway-01}
# The platform whose dialect the chain speaks (plugin_opt_platform): aliyun, huawei, tuya or
# tencent. Both plugins are told it, the gateway gets its identity in that platform's options
# (CHAIN_PK and CHAIN_DN as Tencent's ProductId and DeviceName, CHAIN_DEVICE_ID as Huawei's
# device_id and Tuya's deviceId), and the bridge that platform's topics. A test reads the
# topics from CHAIN_REQUEST_TOPIC and CHAIN_RESPONSE_TOPIC (chain_setup sets them), and any
# other device's from chain_topics.
CHAIN_PLATFORM=${CHAIN_PLATFORM:-aliyun}
CHAIN_DEVICE_ID=${CHAIN_DEVICE_ID:-${CHAIN_PK}_${CHAIN_DN}}
CHAIN_PIDS=()
CHAIN_NAMES=()
# FROM TO pairs a test adds to the replacements in the gateway's and the platform's config.
CHAIN_GATEWAY_EDITS=()
CHAIN_PLATFORM_EDITS=()
CHAIN_GATEWAY_WRAPPER=()
# How the mosquitto files in config/ name the plugin; the build writes the installed path there
# (config/packaging/CMakeLists.txt), the chain the plugin it runs.
CHAIN_PLUGIN_PLACEHOLDER=@IOTNTP_PLUGIN_PATH@

# An end-to-end test's arguments, as ctest passes them: REPO_ROOT PLUGIN_SO. Also sources
# figures.sh, with which tests record what they counted, and runs the test in attempts
# (chain_attempts).
chain_test_args() {
	[ $# -ge 2 ] || chain_die "usage: $0 REPO_ROOT PLUGIN_SO"
	CHAIN_ROOT=$1
	CHAIN_PLUGIN=$2
	# shellcheck source=figures.sh
	. "$CHAIN_ROOT/tests/lib/figures.sh"
	chain_attempts "$@"
}

# Sets CHAIN_REQUEST_TOPIC, CHAIN_RESPONSE_TOPIC, CHAIN_REQUEST_FILTER and CHAIN_RESPONSE_FILTER
# (every device's, to subscribe to), CHAIN_REQUEST_QOS, CHAIN_ID_KIND (how an answer names its
# request: number, string or none) and CHAIN_RESPONSE_SHARED (1 where the response topic carries
# the platform's other services too) for the device PRODUCT DEVICE on CHAIN_PLATFORM, PRODUCT
# "-" where the platform names a device by one id (chain_device_args gives the gateway's). They
# come from the plugin's own dialects, through tests/tools/dialect_tool (CHAIN_DIALECT_BIN).
chain_topics() {
	local out
	out=$(chain_dialect topics "$1" "$2") || chain_die "no $CHAIN_PLATFORM topics for '$1' '$2'"
	chain_read_topics <<<"$out"
}

# Reads dialect_tool's "NAME VALUE" lines of its topics command into the variables above.
# shellcheck disable=SC2034 # the tests read them
chain_read_topics() {
	local name value
	while read -r name value; do
		case $name in
		request_topic) CHAIN_REQUEST_TOPIC=$value ;;
		response_topic) CHAIN_RESPONSE_TOPIC=$value ;;
		request_filter) CHAIN_REQUEST_FILTER=$value ;;
		response_filter) CHAIN_RESPONSE_FILTER=$value ;;
		request_qos) CHAIN_REQUEST_QOS=$value ;;
		id_kind) CHAIN_ID_KIND=$value ;;
		response_shared) CHAIN_RESPONSE_SHARED=$value ;;
		esac
	done
}

# The gateway's identity as dialect_tool takes it: PRODUCT DEVICE, or - DEVICE.
chain_device_args() {
	case $CHAIN_PLATFORM in
	aliyun | tencent) echo "$CHAIN_PK $CHAIN_DN" ;;
	*) echo "- $CHAIN_DEVICE_ID" ;;
	esac
}

# dialect_tool COMMAND ARGS... on CHAIN_PLATFORM (see tests/tools/dialect_tool.c).
chain_dialect() {
	local cmd=$1
	shift
	chain_has_dialect || chain_die "no dialect_tool runs here"
	"$CHAIN_DIALECT_BIN" "$cmd" "$CHAIN_PLATFORM" "$@"
}

# Whether dialect_tool runs here (chain_setup tells).
chain_has_dialect() {
	[ -n "${CHAIN_DIALECT_BIN:-}" ]
}

# Runs the calling script (with ARGS) as a child of itself, again while a run is spoiled by
# this machine's clock (chain_die tells, with CHAIN_EXIT_HOST_CLOCK; see chain_host_clock_moved)
# and up to CHAIN_ATTEMPTS runs in all, each once the clock is quiet; exits with the last run's
# status. Only the last run's figures are kept. In the child it returns at once.
CHAIN_ATTEMPTS=3
CHAIN_EXIT_HOST_CLOCK=75
chain_attempts() {
	[ -z "${CHAIN_ATTEMPT:-}" ] || return 0
	local attempt rc
	for attempt in $(seq 1 "$CHAIN_ATTEMPTS"); do
		[ -z "${IOTNTP_FIGURES:-}" ] || rm -f "$(figures_file)"
		rc=0
		CHAIN_ATTEMPT=$attempt "$BASH" "$0" "$@" || rc=$?
		[ "$rc" -eq "$CHAIN_EXIT_HOST_CLOCK" ] || exit "$rc"
		chain_log "attempt $attempt of $CHAIN_ATTEMPTS measured this machine's clock, not iotntp"
		chain_host_clock_quiet
	done
	chain_log "FAIL: this machine's clock moved under each of $CHAIN_ATTEMPTS attempts"
	exit 1
}

# Waits, up to CHAIN_QUIET_MAX_S, until this machine's clock stays still against the raw clock
# for CHAIN_QUIET_S (host_clock_watch over that time, within CHAIN_HOST_MOVED_MS).
CHAIN_QUIET_S=10
CHAIN_QUIET_MAX_S=120
chain_host_clock_quiet() {
	local watch=${CHAIN_HOST_CLOCK_WATCH:-$CHAIN_ROOT/build/tests/tools/host_clock_watch}
	local file deadline=$((SECONDS + CHAIN_QUIET_MAX_S))
	[ -x "$watch" ] || return 0
	file=$(mktemp "${CHAIN_TMPDIR:-/tmp}/iotntp-host-clock.XXXXXX")
	while [ "$SECONDS" -lt "$deadline" ]; do
		"$watch" "$file" "$CHAIN_QUIET_S" || break
		if awk -v m="$CHAIN_HOST_MOVED_MS" '{ split($1, kv, "="); exit !(kv[2] <= m) }' "$file"; then
			chain_log "this machine's clock stayed still for ${CHAIN_QUIET_S} s: $(cat "$file")"
			break
		fi
		chain_log "this machine's clock still moves: $(cat "$file")"
	done
	rm -f "$file"
}

# The gateway polls every N s, 8 requests at a time, instead of adapting within the shipped
# budget: statuses, samples and the faults' effects come within seconds.
chain_poll_every() {
	CHAIN_GATEWAY_EDITS+=("plugin_opt_max_requests_per_day 5400"
		"plugin_opt_poll_interval $1
plugin_opt_burst 8")
}

# Puts sock_tap (see chain_start_tap) between the gateway and chronyd.
chain_use_tap() {
	CHAIN_TAP=1
	CHAIN_TAP_BIN=${CHAIN_TAP_BIN:-$CHAIN_ROOT/build/tests/tools/sock_tap}
}

chain_log() {
	printf '%s %s\n' "$(date +%T)" "$*" >&2
}

chain_die() {
	chain_log "FAIL: $*"
	[ ! -f "${CHAIN_DIR:-}/host_clock" ] || chain_log "this machine's clock: $(cat "$CHAIN_DIR/host_clock")"
	if chain_host_clock_moved; then
		chain_log "this machine's clock moved under the run ($(cat "$CHAIN_DIR/host_clock")):" \
			"the emulated platform stamps with it, so the failure above says nothing of iotntp"
		exit "$CHAIN_EXIT_HOST_CLOCK"
	fi
	exit 1
}

# Whether this machine's clock moved under the run by more than CHAIN_HOST_MOVED_MS against the
# raw clock (host_clock_watch.c says why that spoils the run). A stall alone does not: a gateway
# that stands still must cope. Only while a watch runs (chain_setup starts one).
CHAIN_HOST_MOVED_MS=1
chain_host_clock_moved() {
	[ -f "${CHAIN_DIR:-}/host_clock" ] || return 1
	awk -v m="$CHAIN_HOST_MOVED_MS" '
		{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
		END { exit !(v["moved_ms"] > m) }' "$CHAIN_DIR/host_clock"
}

# For tests whose checks all run, so that a failing run shows everything at once:
# chain_fail_later records a failed check and logs it; chain_end_checks fails the test at the
# end if any did.
CHAIN_FAILURES=()
chain_fail_later() {
	CHAIN_FAILURES+=("$*")
	chain_log "CHECK FAILED: $*"
}

chain_end_checks() {
	[ "${#CHAIN_FAILURES[@]}" -eq 0 ] ||
		chain_die "${#CHAIN_FAILURES[@]} checks failed (each logged above in full): $(printf '%.90s...; ' "${CHAIN_FAILURES[@]}")"
}

# shellcheck source=free_port.sh
. "$(dirname "${BASH_SOURCE[0]}")/free_port.sh"

# A free loopback port for tcp or udp, none of the ports given after PROTO (free_port.sh).
chain_free_port() {
	free_port "$@" || chain_die "no free $1 port"
}

# Copies SRC to DST replacing each FROM with TO (pairs of arguments); every FROM must occur.
chain_render() {
	local src=$1 dst=$2 text from to
	shift 2
	text=$(<"$src")
	while [ $# -ge 2 ]; do
		from=$1 to=$2
		shift 2
		[[ $text == *"$from"* ]] || chain_die "$src no longer contains '$from'"
		text=${text//"$from"/"$to"}
	done
	printf '%s\n' "$text" >"$dst"
}

# Polls a command until it succeeds, for up to SECONDS; returns 1 on timeout.
chain_wait() {
	local seconds=$1 deadline
	shift
	deadline=$((SECONDS + seconds))
	until "$@"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

chain_spawn() {
	local name=$1
	shift
	"$@" >"$CHAIN_DIR/$name.log" 2>&1 &
	CHAIN_PIDS+=("$!")
	CHAIN_NAMES+=("$name")
	chain_log "started $name (pid $!)"
}

chain_pid() {
	local i
	for i in "${!CHAIN_NAMES[@]}"; do
		[ "${CHAIN_NAMES[$i]}" = "$1" ] && echo "${CHAIN_PIDS[$i]}"
	done
	return 0
}

chain_alive() {
	local pid
	pid=$(chain_pid "$1")
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# Stops one process: TERM, then KILL if it has not exited within 5 s.
chain_kill() {
	local pid=$1
	kill -TERM "$pid" 2>/dev/null || return 0
	chain_wait 5 eval "! kill -0 $pid 2>/dev/null" || kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
}

chain_stop_one() {
	local i
	for i in "${!CHAIN_NAMES[@]}"; do
		if [ "${CHAIN_NAMES[$i]}" = "$1" ]; then
			chain_kill "${CHAIN_PIDS[$i]}"
			unset 'CHAIN_PIDS[i]' 'CHAIN_NAMES[i]'
		fi
	done
}

chain_stop() {
	local i
	local n=${#CHAIN_PIDS[@]}
	for i in "${!CHAIN_PIDS[@]}"; do
		chain_kill "${CHAIN_PIDS[$i]}"
	done
	[ "$n" -eq 0 ] || chain_log "stopped the chain"
	CHAIN_PIDS=()
	CHAIN_NAMES=()
	if [ -n "${CHAIN_DIR:-}" ] && [ -z "${CHAIN_KEEP:-}" ]; then
		rm -rf "$CHAIN_DIR"
	fi
}

chain_setup() {
	[ "$(id -u)" -eq 0 ] || chain_die "the chain needs root: chronyd and a broker running as user mosquitto"
	CHAIN_FAKETIME_LIB=$(dpkg -L libfaketime 2>/dev/null | grep '/libfaketime\.so\.1$' | head -n 1)
	[ -f "$CHAIN_FAKETIME_LIB" ] || chain_die "libfaketime is not installed (package faketime)"
	for tool in mosquitto mosquitto_sub chronyd chronyc ss; do
		command -v "$tool" >/dev/null || chain_die "$tool is not installed"
	done
	id mosquitto >/dev/null 2>&1 || chain_die "user mosquitto does not exist (install mosquitto)"
	[ -f "$CHAIN_PLUGIN" ] || chain_die "plugin $CHAIN_PLUGIN not built"
	CHAIN_DIALECT_BIN=${CHAIN_DIALECT_BIN:-$CHAIN_ROOT/build/tests/tools/dialect_tool}
	if [ -x "$CHAIN_DIALECT_BIN" ] && "$CHAIN_DIALECT_BIN" topics aliyun p d >/dev/null 2>&1; then
		# shellcheck disable=SC2046 # PRODUCT DEVICE, two words
		chain_topics $(chain_device_args)
	elif [ "$CHAIN_PLATFORM" = aliyun ]; then
		# A chain in a system of another architecture (tests/release/run) cannot run this
		# machine's tools: Alibaba's topics are the ones the shipped gateway.conf names, and
		# chain_has_dialect tells the test it has no dialect_tool.
		CHAIN_DIALECT_BIN=
		chain_read_topics <<-EOF
			request_topic /ext/ntp/$CHAIN_PK/$CHAIN_DN/request
			response_topic /ext/ntp/$CHAIN_PK/$CHAIN_DN/response
			request_filter /ext/ntp/+/+/request
			response_filter /ext/ntp/+/+/response
			request_qos 0
			id_kind number
			response_shared 0
		EOF
	else
		chain_die "CHAIN_DIALECT_BIN must name the built dialect_tool for platform $CHAIN_PLATFORM, not '$CHAIN_DIALECT_BIN'"
	fi

	CHAIN_DIR=$(mktemp -d "${CHAIN_TMPDIR:-/tmp}/iotntp-chain.XXXXXX")
	# The broker drops to user mosquitto before it loads the plugin: it must reach both.
	chmod 0755 "$CHAIN_DIR"
	install -m 0755 "$CHAIN_PLUGIN" "$CHAIN_DIR/mosquitto_iotntp.so"
	CHAIN_PLATFORM_SO=$CHAIN_DIR/mosquitto_iotntp.so
	if [ -n "${CHAIN_PLATFORM_PLUGIN:-}" ]; then
		[ -f "$CHAIN_PLATFORM_PLUGIN" ] ||
			chain_die "platform plugin $CHAIN_PLATFORM_PLUGIN not built"
		CHAIN_PLATFORM_SO=$CHAIN_DIR/platform/mosquitto_iotntp.so
		install -D -m 0755 "$CHAIN_PLATFORM_PLUGIN" "$CHAIN_PLATFORM_SO"
	fi
	CHAIN_SOCK=$CHAIN_DIR/chrony.iotntp.sock
	CHAIN_PLATFORM_PORT=$(chain_free_port tcp)
	CHAIN_GATEWAY_PORT=$(chain_free_port tcp "$CHAIN_PLATFORM_PORT")
	CHAIN_NTP_PORT=$(chain_free_port udp)
	CHAIN_CMD_PORT=$(chain_free_port udp "$CHAIN_NTP_PORT")
	trap chain_stop EXIT
	trap 'exit 130' INT TERM
	local watch=${CHAIN_HOST_CLOCK_WATCH:-$CHAIN_ROOT/build/tests/tools/host_clock_watch}
	if [ -x "$watch" ]; then
		chain_spawn host_clock_watch "$watch" "$CHAIN_DIR/host_clock" 3600
	else
		chain_log "no $watch (built with the tests): a move of this machine's clock goes unseen"
	fi
}

# A platform offset of 1 to 6 s either way, with a millisecond fraction, new on every run.
chain_random_offset() {
	local sign=+
	[ $((RANDOM % 2)) -eq 0 ] && sign=-
	printf '%s%d.%03d' "$sign" $((1 + RANDOM % 5)) $((RANDOM % 1000))
}

# Starts the emulated platform at a random offset (chain_random_offset), which it logs.
chain_start_platform_random() {
	local offset
	offset=$(chain_random_offset)
	chain_log "platform clock offset $offset s"
	chain_start_platform "$offset"
}

# Writes the emulated platform's $CHAIN_DIR/platform.conf: the shipped emulator, speaking
# CHAIN_PLATFORM's dialect (Alibaba's as shipped, by the plugin's default).
chain_render_platform() {
	local dialect=()
	[ "$CHAIN_PLATFORM" = aliyun ] ||
		dialect=("plugin_opt_role serve" "plugin_opt_role serve
plugin_opt_platform $CHAIN_PLATFORM")
	chain_render "$CHAIN_ROOT/config/mosquitto/platform-emulator.conf" "$CHAIN_DIR/platform.conf" \
		"listener 1884 127.0.0.1" "listener $CHAIN_PLATFORM_PORT 127.0.0.1" \
		"$CHAIN_PLUGIN_PLACEHOLDER" "$CHAIN_PLATFORM_SO" \
		"${dialect[@]}" \
		"${CHAIN_PLATFORM_EDITS[@]}"
}

# Starts the emulated platform with its clock OFFSET s from this machine's.
chain_start_platform() {
	CHAIN_PLATFORM_OFFSET=$1
	chain_render_platform
	# libfaketime shifts only the platform's wall clock; its monotonic clock stays true. It is
	# preloaded directly, not through the faketime wrapper: the wrapper runs the broker as a
	# child that signals do not reach, and leaves a named semaphore behind when it is stopped,
	# which a later wrapper with the same pid then fails to create.
	chain_spawn platform env LD_PRELOAD="$CHAIN_FAKETIME_LIB" FAKETIME="${CHAIN_PLATFORM_OFFSET}s" \
		FAKETIME_DONT_FAKE_MONOTONIC=1 mosquitto -c "$CHAIN_DIR/platform.conf"
	chain_wait 10 chain_listening "$CHAIN_PLATFORM_PORT" || chain_die "platform broker did not start: $(tail -3 "$CHAIN_DIR/platform.log")"
}

chain_listening() {
	ss -Hltn "sport = :$1" | grep -q .
}

chain_start_chronyd() {
	chain_render "$CHAIN_ROOT/config/chrony/iotntp.conf" "$CHAIN_DIR/chrony-iotntp.conf" \
		"/run/chrony.iotntp.sock" "$CHAIN_SOCK"
	# The rest of a gateway's chrony.conf, made local. No makestep here: with -x chronyd
	# cannot step, and a failed step would discard the correction it serves. That is why a real
	# gateway's boot fragment, config/chrony/iotntp-boot.conf (makestep), is not included.
	cat >"$CHAIN_DIR/chrony.conf" <<-EOF
		pidfile $CHAIN_DIR/chronyd.pid
		port $CHAIN_NTP_PORT
		bindaddress 127.0.0.1
		cmdport $CHAIN_CMD_PORT
		bindcmdaddress 127.0.0.1
		bindcmdaddress /
		allow 127.0.0.1
		include $CHAIN_DIR/chrony-iotntp.conf
	EOF
	# A chronyd that stopped leaves its socket behind (as user _chrony it may not unlink in
	# CHAIN_DIR); removed here, the access step below cannot act on the old one before the new
	# one is bound.
	rm -f "$CHAIN_DIR/chronyd.pid" "$CHAIN_SOCK"
	local chronyd
	read -ra chronyd <<<"${CHAIN_CHRONYD:-chronyd}"
	chain_spawn chronyd "${chronyd[@]}" -x -d -f "$CHAIN_DIR/chrony.conf"
	# What the systemd drop-in does on a gateway: let the mosquitto group write.
	"$CHAIN_ROOT/chrony-refclock/iotntp-chrony-socket-access" "$CHAIN_SOCK" mosquitto ||
		chain_die "chronyd socket: $(tail -3 "$CHAIN_DIR/chronyd.log")"
}

# The edits that make the shipped gateway.conf, written for Alibaba, CHAIN_PLATFORM's: the
# identity in that platform's options, and its topics in the bridge's lines (requests at the
# QoS the dialect sends them with).
chain_platform_edits() {
	local identity
	case $CHAIN_PLATFORM in
	aliyun)
		CHAIN_PLATFORM_GATEWAY_EDITS=("YourProductKey" "$CHAIN_PK" "YourDeviceName" "$CHAIN_DN")
		return
		;;
	tencent) identity="plugin_opt_product_id $CHAIN_PK
plugin_opt_device_name $CHAIN_DN" ;;
	*) identity="plugin_opt_device_id $CHAIN_DEVICE_ID" ;;
	esac
	CHAIN_PLATFORM_GATEWAY_EDITS=(
		"plugin_opt_product_key YourProductKey
plugin_opt_device_name YourDeviceName" "plugin_opt_platform $CHAIN_PLATFORM
$identity"
		"topic /ext/ntp/YourProductKey/YourDeviceName/request out 0"
		"topic $CHAIN_REQUEST_TOPIC out $CHAIN_REQUEST_QOS"
		"topic /ext/ntp/YourProductKey/YourDeviceName/response in 0"
		"topic $CHAIN_RESPONSE_TOPIC in 0")
}

chain_start_gateway() {
	mkdir -p "$CHAIN_DIR/gateway.d"
	chain_platform_edits
	chain_render "$CHAIN_ROOT/config/mosquitto/gateway.conf" "$CHAIN_DIR/gateway.d/iotntp.conf" \
		"${CHAIN_PLATFORM_GATEWAY_EDITS[@]}" \
		"platform.example.com:1883" "127.0.0.1:${CHAIN_BRIDGE_PORT:-$CHAIN_PLATFORM_PORT}" \
		"$CHAIN_PLUGIN_PLACEHOLDER" "$CHAIN_DIR/mosquitto_iotntp.so" \
		"/run/chrony.iotntp.sock" "$(chain_refclock_path)" \
		"${CHAIN_GATEWAY_EDITS[@]}"
	# The rest of a gateway's mosquitto.conf, made local (Debian's includes conf.d likewise).
	cat >"$CHAIN_DIR/gateway.conf" <<-EOF
		user mosquitto
		include_dir $CHAIN_DIR/gateway.d
		listener $CHAIN_GATEWAY_PORT 127.0.0.1
		allow_anonymous true
	EOF
	# CHAIN_GATEWAY_WRAPPER (an array, e.g. valgrind and its options) runs the broker under a tool.
	local broker
	read -ra broker <<<"${CHAIN_GATEWAY_BROKER:-mosquitto}"
	chain_spawn gateway "${CHAIN_GATEWAY_WRAPPER[@]}" "${broker[@]}" -c "$CHAIN_DIR/gateway.conf"
	chain_wait 10 chain_listening "$CHAIN_GATEWAY_PORT" || chain_die "gateway broker did not start: $(tail -3 "$CHAIN_DIR/gateway.log")"
}

# The retained status message of the gateway's plugin, or nothing.
chain_status() {
	mosquitto_sub -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" -t iotntp/status -C 1 -W 2 2>/dev/null
}

chain_status_synced() {
	chain_status | grep -q '"synced":true'
}

# Whether chronyd has selected the IOT refclock and serves time with a normal leap status.
chain_chrony_synced() {
	local t
	t=$(chronyc -n -c -h 127.0.0.1 -p "$CHAIN_CMD_PORT" tracking 2>/dev/null) || return 1
	[ "$(cut -d, -f2 <<<"$t")" = IOT ] && [ "$(cut -d, -f14 <<<"$t")" = Normal ]
}

# What a LAN NTP client measures against the gateway: seconds its own clock is behind.
chain_client_offset() {
	local conf=$CHAIN_DIR/client.conf out
	cat >"$conf" <<-EOF
		server 127.0.0.1 port $CHAIN_NTP_PORT iburst
		pidfile $CHAIN_DIR/client.$RANDOM.pid
		cmdport 0
		bindcmdaddress /
	EOF
	out=$(chronyd -Q -t 10 -f "$conf" 2>&1) || true
	printf "%s\n" "$out" >>"$CHAIN_DIR/client.log"
	sed -n 's/.*System clock wrong by \([-+0-9.]*\) seconds.*/\1/p' <<<"$out" | tail -1
}

# Asks the gateway as a LAN client until it answers (up to SECONDS); sets CHAIN_CLIENT_OFFSET.
chain_measure_client() {
	CHAIN_CLIENT_OFFSET=
	chain_wait "$1" chain_client_answered
}

chain_client_answered() {
	CHAIN_CLIENT_OFFSET=$(chain_client_offset)
	[ -n "$CHAIN_CLIENT_OFFSET" ]
}

# Milliseconds from the platform's offset to what the client measured.
chain_error_ms() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.3f\n", (a - b) * 1000 }'
}

# --- For the fault tests: a tap on the samples, the status's fields, checks as a client. ---

# Where the plugin sends its samples: chronyd's socket, or with CHAIN_TAP=1 the tap's, which
# chain_start_tap (called before chain_start_gateway) sets up.
chain_refclock_path() {
	if [ "${CHAIN_TAP:-}" = 1 ]; then
		echo "$CHAIN_DIR/tap.sock"
	else
		echo "$CHAIN_SOCK"
	fi
}

# Starts sock_tap (CHAIN_TAP_BIN): it logs every sample to $CHAIN_DIR/tap.samples and forwards
# it unchanged to chronyd's socket, by path each time, so a restarted chronyd is found again.
chain_start_tap() {
	[ -x "${CHAIN_TAP_BIN:-}" ] || chain_die "CHAIN_TAP_BIN must name the built sock_tap, not '${CHAIN_TAP_BIN:-}'"
	: >"$CHAIN_DIR/tap.samples"
	chain_spawn tap "$CHAIN_TAP_BIN" "$CHAIN_DIR/tap.sock" "$CHAIN_SOCK" "$CHAIN_DIR/tap.samples"
	chain_wait 10 test -S "$CHAIN_DIR/tap.sock" || chain_die "sock_tap did not start: $(tail -3 "$CHAIN_DIR/tap.log")"
}

# How many samples the tap has seen ("# size N" lines, datagrams of a wrong size, are not).
chain_tapped_samples() {
	awk '!/^#/ { n++ } END { printf "%d", n }' "$CHAIN_DIR/tap.samples"
}

# How many tapped datagrams chronyd should never have been sent: an offset more than
# TOLERANCE_MS from the platform's (chronyd -x leaves the gateway's clock alone, so a right
# sample carries the platform offset itself), a leap value other than 0 (the platform announces
# no leap seconds), a bad magic, or a wrong size.
chain_wrong_samples() {
	awk -v p="$CHAIN_PLATFORM_OFFSET" -v t="$1" '
		/^#/ { n++; next }
		{ d = ($2 - p) * 1000; if (d < 0) d = -d; if (d > t || $3 != 0 || $4 != 1) n++ }
		END { printf "%d", n }' "$CHAIN_DIR/tap.samples"
}

# One field of a status message, a number or true/false: chain_field "$status" polls. The
# status's names are unique, nested ones (local_client) included.
chain_field() {
	grep -o "\"$2\":[^,}]*" <<<"$1" | head -n 1 | cut -d: -f2
}

# Whether the status's field KEY compares OP (-eq, -gt, ...) to N: chain_status_cmp polls -ge 3.
chain_status_cmp() {
	local v
	v=$(chain_field "$(chain_status)" "$1")
	[ -n "$v" ] && test "$v" "$2" "$3"
}

chain_status_is() {
	[ "$(chain_field "$(chain_status)" "$1")" = "$2" ]
}

# Measures as a LAN client (waiting up to SECONDS for an answer) and sets CHAIN_ERROR_MS, the
# client's error against the platform; fails if there was no answer or it is over TOLERANCE_MS.
chain_client_within() {
	local seconds=$1 tolerance=$2
	CHAIN_ERROR_MS=
	chain_measure_client "$seconds" || return 1
	CHAIN_ERROR_MS=$(chain_error_ms "$CHAIN_CLIENT_OFFSET" "$CHAIN_PLATFORM_OFFSET")
	awk -v e="$CHAIN_ERROR_MS" -v t="$tolerance" 'BEGIN { exit !(e <= t && e >= -t) }'
}

# A message published on the gateway reaches a subscriber on it within 10 s: the broker's
# loop is running.
chain_gateway_roundtrip() {
	local topic=iotntp-test/roundtrip/$RANDOM out=$CHAIN_DIR/roundtrip.out pid rc=0
	: >"$out"
	stdbuf -oL mosquitto_sub -d -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" -t "$topic" -C 1 -W 10 >"$out" 2>&1 &
	pid=$!
	if chain_wait 10 grep -q SUBACK "$out"; then
		timeout 10 mosquitto_pub -h 127.0.0.1 -p "$CHAIN_GATEWAY_PORT" -t "$topic" -m "ping $topic" || rc=1
	else
		rc=1
	fi
	wait "$pid" || rc=1
	[ "$rc" -eq 0 ] && grep -q "^ping $topic\$" "$out"
}
