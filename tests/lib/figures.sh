# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
# figures.sh: tests record what they counted (bad inputs tried, faults survived, ...) so the
# test run can end with one summary line made from the tests' own counts.
#
# IOTNTP_FIGURES names a directory (ctest sets it); each call appends "KEY N" to a file named
# after the calling test and, for a test of the chain, the platform it spoke (CHAIN_PLATFORM),
# so that one script run for each platform keeps each run's figures. Outside ctest nothing is
# recorded.

# The file the calling test's figures go to.
figures_file() {
	printf '%s/%s%s.txt' "${IOTNTP_FIGURES:?}" "$(basename "$0")" "${CHAIN_PLATFORM:+.$CHAIN_PLATFORM}"
}

figures_add() {
	local key=$1 n=$2
	[ -n "${IOTNTP_FIGURES:-}" ] || return 0
	mkdir -p "$IOTNTP_FIGURES"
	echo "$key $n" >>"$(figures_file)"
}

# Sums KEY over the figures of the tests that ran on PLATFORM; prints "none" when no test
# recorded it (a run of some tests alone), rather than a 0 that would look counted.
figures_sum_platform() {
	local platform=$1 key=$2
	cat "${IOTNTP_FIGURES:?}"/*."$platform".txt 2>/dev/null |
		awk -v k="$key" '$1 == k { s += $2; n++ } END { if (n) printf "%d", s; else printf "none" }'
}

# The last value of KEY recorded on PLATFORM, as it was recorded (not summed: a figure such as
# an error in ms); "none" when no test recorded it.
figures_last_platform() {
	local platform=$1 key=$2
	cat "${IOTNTP_FIGURES:?}"/*."$platform".txt 2>/dev/null |
		awk -v k="$key" '$1 == k { v = $2 } END { printf "%s", (v == "" ? "none" : v) }'
}

# Sums every KEY over all recorded figures; prints 0 when there are none.
figures_sum() {
	local key=$1
	cat "${IOTNTP_FIGURES:?}"/*.txt 2>/dev/null |
		awk -v k="$key" '$1 == k { s += $2 } END { printf "%d", s }'
}
