# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
# wait_alive.sh: waits for a server a test started to get ready, or to die trying.
#
#   wait_alive PID SECONDS COMMAND...
#
# Runs COMMAND every 0.1 s until it succeeds (status 0). Gives up with status 1 when SECONDS
# have passed or as soon as PID has exited, saying which on stderr: a server that failed at
# start is reported at once, not after the whole wait.

wait_alive() {
	local pid=$1 tries=$(($2 * 10))
	shift 2
	while [ "$tries" -gt 0 ]; do
		"$@" && return 0
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "process $pid exited" >&2
			return 1
		fi
		sleep 0.1
		tries=$((tries - 1))
	done
	"$@"
}
