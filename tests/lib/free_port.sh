# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
# free_port.sh: free loopback ports for the servers a test starts.
#
#   free_port PROTO [AVOID...]   prints a tcp or udp port nothing listens on, none of AVOID
#
# Ports are taken below the kernel's range for outgoing connections (ip_local_port_range), so
# that no client socket, a bridge's or a test's own, can hold one by the time a server binds it.
# Fails (status 1, a line on stderr) after 50 tries.

free_port() {
	local proto=$1 port tries low=32768
	shift
	read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
	[ "$low" -gt 11000 ] || low=32768
	for tries in $(seq 1 50); do
		port=$((10000 + RANDOM % (low - 10000)))
		[[ " $* " != *" $port "* ]] || continue
		if ! ss -Hln "--$proto" "sport = :$port" | grep -q .; then
			echo "$port"
			return 0
		fi
	done
	echo "no free $proto port after $tries tries" >&2
	return 1
}
