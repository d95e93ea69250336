# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
# figures.sh: tests record what they counted (bad inputs tried, faults survived, ...) so the
# test run can end with one summary line made from the tests' own counts.
#
# IOTNTP_FIGURES names a directory (ctest sets it); each call appends "KEY N" to a file named
# after the calling test. Outside ctest nothing is recorded.

figures_add() {
	local key=$1 n=$2
	[ -n "${IOTNTP_FIGURES:-}" ] || return 0
	mkdir -p "$IOTNTP_FIGURES"
	echo "$key $n" >>"$IOTNTP_FIGURES/$(basename "$0").txt"
}

# Sums every KEY over all recorded figures; prints 0 when there are none.
figures_sum() {
	local key=$1
	cat "${IOTNTP_FIGURES:?}"/*.txt 2>/dev/null |
		awk -v k="$key" '$1 == k { s += $2 } END { printf "%d", s }'
}
