#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# delay_proxy keeps TCP byte order, applies the delays it is given, draws them again the same
# from the same seed, and refuses what it must refuse; with --udp it relays each client's
# datagrams through a session of its own, with the same delays.
#   delay_proxy_test.sh DELAY_PROXY DELAY_PROXY_CHECK
# delay_proxy_check starts each proxy itself and owns both ends of the connections through it;
# every wait in it has a deadline. The whole test takes about 20 s.
set -euo pipefail
proxy=$1
check=$2
work=$(mktemp -d)
idle_pids=()
trap '[ ${#idle_pids[@]} -eq 0 ] || kill "${idle_pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT

fail() {
	echo "FAIL: $*"
	exit 1
}

# value FILE WORD KEY: the KEY=value field of the line starting with WORD
value() {
	awk -v w="$2" -v k="$3" '$1 == w { for (i = 2; i <= NF; i++) if (index($i, k "=") == 1)
		print substr($i, length(k) + 2) }' "$1"
}

# holds CONDITION MESSAGE: an awk condition over numbers
holds() {
	awk "BEGIN { exit !($1) }" || fail "$2"
}

echo "== refusals"
# Status 2 is a refusal; a proxy that started would instead be ended by timeout (124).
rc=0
timeout 5 "$proxy" --listen 0 --to 192.0.2.1:1883 --up none --down none 2>"$work/err" || rc=$?
[ $rc = 2 ] || fail "non-loopback target: status $rc, not 2"
grep -q 'non-loopback' "$work/err" || fail "no error for a non-loopback target: $(cat "$work/err")"
rc=0
timeout 5 "$proxy" --udp --listen 0 --to 192.0.2.1:123 --up none --down none 2>/dev/null || rc=$?
[ $rc = 2 ] || fail "non-loopback UDP target: status $rc, not 2"
for spec in "" -1 abc nan inf 5,uniform 5,uniform,-1 5,gauss,1 "5,exp," "5 " 700000; do
	rc=0
	timeout 5 "$proxy" --listen 0 --to 127.0.0.1:1 --up "$spec" --down none 2>/dev/null || rc=$?
	[ $rc = 2 ] || fail "spec '$spec': status $rc, not 2"
done

echo "== order: 3 connections, 4 MiB each way each, jitter both ways"
"$check" order 4194304 "$proxy" --up 20,uniform,5 --down 1,exp,2 --seed 5 \
	--stats "$work/order.stats" >"$work/order.out" 2>"$work/order.err" ||
	fail "order check: $(cat "$work/order.out" "$work/order.err")"
cat "$work/order.out" "$work/order.stats"
for d in up down; do
	[ "$(value "$work/order.stats" $d bytes)" = $((3 * 4194304)) ] || fail "$d byte count"
	[ "$(value "$work/order.stats" $d dropped_bytes)" = 0 ] || fail "$d dropped bytes"
	holds "$(value "$work/order.stats" $d max_held_bytes) <= 1048576" "$d held over 1 MiB"
done

echo "== fixed: --up 50 --down none"
"$check" latency 40 "$proxy" --up 50 --down none >"$work/fixed.out" 2>"$work/fixed.err" ||
	fail "fixed check: $(cat "$work/fixed.out" "$work/fixed.err")"
cat "$work/fixed.out"
holds "$(value "$work/fixed.out" up n) == 40" "up messages missing"
# No message may arrive before its delay; the upper bound allows for a loaded machine.
holds "$(value "$work/fixed.out" up min_ms) >= 50" "an up message arrived before 50 ms"
holds "$(value "$work/fixed.out" up max_ms) < 550" "an up message took 500 ms over its delay"
holds "$(value "$work/fixed.out" down mean_ms) < 25" "down (none) is slow"

echo "== uniform: --up 20,uniform,10, 200 chunks"
"$check" latency 200 "$proxy" --up 20,uniform,10 --down none --stats "$work/uniform.stats" \
	>"$work/uniform.out" 2>"$work/uniform.err" ||
	fail "uniform check: $(cat "$work/uniform.out" "$work/uniform.err")"
cat "$work/uniform.out" "$work/uniform.stats"
holds "$(value "$work/uniform.out" up min_ms) >= 10" "an up message arrived before 10 ms"
mean=$(value "$work/uniform.out" up mean_ms)
holds "$mean >= 14 && $mean <= 26" "measured up mean $mean ms is not within 30% of 20"
mean=$(value "$work/uniform.stats" up mean_delay_ms)
holds "$mean >= 14 && $mean <= 26" "applied up mean $mean ms is not within 30% of 20"
holds "$(value "$work/uniform.stats" up max_delay_ms) <= 30" "an up delay over 30 ms"

echo "== seed: same seed, same delays"
for run in a b c; do
	seed=42
	[ $run = c ] && seed=43
	"$check" latency 30 "$proxy" --up 5,uniform,4 --down 2,exp,3 --seed $seed \
		--trace "$work/trace.$run" >/dev/null 2>"$work/seed.err" ||
		fail "seed check: $(cat "$work/seed.err")"
	# Only the drawn delays: chunk sizes and times may differ between runs.
	awk '{ print $1, $2, $3, $5 }' "$work/trace.$run" >"$work/drawn.$run"
done
holds "$(grep -c '^up ' "$work/drawn.a") >= 30" "too few up chunks traced"
holds "$(grep -c '^down ' "$work/drawn.a") >= 30" "too few down chunks traced"
cmp -s <(sort -s -k1,1 "$work/drawn.a") <(sort -s -k1,1 "$work/drawn.b") ||
	fail "seed 42 drew different delays: $(diff "$work/drawn.a" "$work/drawn.b" | head -5)"
! cmp -s <(sort -s -k1,1 "$work/drawn.a") <(sort -s -k1,1 "$work/drawn.c") ||
	fail "seeds 42 and 43 drew the same delays"
head -4 "$work/drawn.a"

echo "== udp: --up 30 --down 5,uniform,2, two clients"
"$check" udp 20 "$proxy" --udp --up 30 --down 5,uniform,2 --seed 3 --stats "$work/udp.stats" \
	--trace "$work/udp.trace" >"$work/udp.out" 2>"$work/udp.err" ||
	fail "udp check: $(cat "$work/udp.out" "$work/udp.err")"
cat "$work/udp.out" "$work/udp.stats"
holds "$(value "$work/udp.out" up n) == 40" "up datagrams missing"
holds "$(value "$work/udp.out" up min_ms) >= 30" "an up datagram arrived before 30 ms"
holds "$(value "$work/udp.out" up max_ms) < 530" "an up datagram took 500 ms over its delay"
holds "$(value "$work/udp.out" down min_ms) >= 3" "a down datagram arrived before 3 ms"
holds "$(value "$work/udp.stats" down max_delay_ms) <= 7" "a down delay over 7 ms"
[ "$(value "$work/udp.stats" connections accepted)" = 2 ] || fail "not one session per client"
for d in up down; do
	[ "$(value "$work/udp.stats" $d dropped_bytes)" = 0 ] || fail "udp $d dropped bytes"
done
# The same seed draws the same delays over UDP as over TCP: session N's stream is connection N's.
"$check" latency 20 "$proxy" --up 30 --down 5,uniform,2 --seed 3 --trace "$work/tcp.trace" \
	>/dev/null 2>"$work/tcp.err" || fail "tcp check for the udp seeds: $(cat "$work/tcp.err")"
cmp -s <(awk '$2 == "conn=1" { print $1, $3, $5 }' "$work/udp.trace") \
	<(awk '{ print $1, $3, $5 }' "$work/tcp.trace") ||
	fail "udp session 1 and tcp connection 1 drew different delays from seed 3"

echo "== idle: a proxy with nothing to relay sleeps, past its first stats period"
for mode in tcp udp; do
	flag=()
	[ $mode = udp ] && flag=(--udp)
	"$proxy" "${flag[@]}" --listen 0 --to 127.0.0.1:9 --up 5 --down 5 2>"$work/idle.$mode" &
	idle_pids+=("$!")
done
sleep 1
# One datagram opens a session, whose idle timer then runs too.
port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\) udp.*/\1/p' "$work/idle.udp")
[ -n "$port" ] || fail "udp proxy did not start: $(cat "$work/idle.udp")"
echo x >"/dev/udp/127.0.0.1/$port"
sleep 6
for pid in "${idle_pids[@]}"; do
	# utime + stime, in clock ticks (usually 100 a second)
	ticks=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	holds "$ticks < 50" "an idle proxy used $ticks clock ticks of CPU in 7 s"
done
kill "${idle_pids[@]}"
wait "${idle_pids[@]}" || fail "an idle proxy did not exit cleanly on SIGTERM"
idle_pids=()

echo "PASS: delay_proxy keeps order and applies its delays"
