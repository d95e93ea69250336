/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for exchange: the four-timestamp arithmetic.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "exchange.h"
#include "runner.h"
#include "wide.h"

#define MS XCH_NS_PER_MS
#define S  XCH_NS_PER_S

/* 2026-11-24T21:00:00Z and 2099-06-01T00:00:00Z, from date(1). */
#define EPOCH_2026_S INT64_C(1795554000)
#define EPOCH_2099_S INT64_C(4083955200)

/* Where time_t has 32 bits (Debian 12's armhf) the system clock ends at 2038-01-19T03:14:07Z,
 * LAST_32_BIT_S. The platform's ms are 64-bit everywhere, so the platform's side is never
 * limited this way; only the system clock's timespecs are. */
#define TIME_T_64     (sizeof(time_t) >= 8)
#define LAST_32_BIT_S INT64_C(2147483647)

static uint64_t rng_state = 12345;

static uint64_t xorshift64(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Uniform-ish in [lo, hi]. */
static int64_t rnd(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(xorshift64() % (uint64_t)(hi - lo + 1));
}

static struct timespec ts(int64_t sec, long nsec)
{
	struct timespec t = {.tv_sec = (time_t)sec, .tv_nsec = nsec};
	/* A test that would need a later system clock than time_t holds must not truncate. */
	CU_ASSERT_FATAL((int64_t)t.tv_sec == sec);
	return t;
}

static void platform_document_example_gives_1025(void)
{
	CU_ASSERT_EQUAL(xch_platform_time_ms(100, 1010, 1015, 125), 1025);
}

static void platform_example_gives_offset_900_ms_and_rtt_20_ms(void)
{
	int64_t offset = -1, rtt = -1;

	CU_ASSERT_EQUAL_FATAL(xch_from_ms(100, 1010, 1015, 125, &offset, &rtt), XCH_OK);
	/* The device reads 125 when the true time is 1025: the platform is 900 ms ahead. */
	CU_ASSERT_EQUAL(offset, 900 * MS);
	/* 25 ms between send and receipt, 5 ms of it spent on the platform. */
	CU_ASSERT_EQUAL(rtt, 20 * MS);
	CU_ASSERT_EQUAL(125 + offset / MS, xch_platform_time_ms(100, 1010, 1015, 125));
}

static void compute_reproduces_platform_example_from_monotonic_interval(void)
{
	struct xch_sample s;
	struct timespec at = ts(0, 125 * MS);

	CU_ASSERT_EQUAL_FATAL(xch_compute(1010, 1015, 25 * MS, &at, &s), XCH_OK);
	CU_ASSERT_EQUAL(s.offset_ns, 900 * MS);
	CU_ASSERT_EQUAL(s.rtt_ns, 20 * MS);
	CU_ASSERT_EQUAL(s.recv_real.tv_sec, 0);
	CU_ASSERT_EQUAL(s.recv_real.tv_nsec, 125 * MS);
}

/* A symmetric exchange: platform 3.7 s ahead, 15 ms each way, 4 ms processing. */
#define SYM_SEND_MS  (EPOCH_2026_S * 1000 + 100)
#define SYM_AHEAD_MS 3700
#define SYM_LEG_MS   15
#define SYM_PROC_MS  4

static void symmetric_exchange_gives_exact_offset_and_rtt(void)
{
	int64_t t2 = SYM_SEND_MS + SYM_AHEAD_MS + SYM_LEG_MS;
	int64_t t3 = t2 + SYM_PROC_MS;
	int64_t t4 = SYM_SEND_MS + 2 * SYM_LEG_MS + SYM_PROC_MS;
	struct timespec at = ts(t4 / 1000, (long)(t4 % 1000 * MS));
	struct xch_sample s;

	CU_ASSERT_EQUAL_FATAL(xch_compute(t2, t3, (t4 - SYM_SEND_MS) * MS, &at, &s), XCH_OK);
	CU_ASSERT_EQUAL(s.offset_ns, SYM_AHEAD_MS * MS);
	CU_ASSERT_EQUAL(s.rtt_ns, 2 * SYM_LEG_MS * MS);
}

static void realtime_step_during_exchange_shifts_offset_but_not_rtt(void)
{
	int64_t t2 = SYM_SEND_MS + SYM_AHEAD_MS + SYM_LEG_MS;
	int64_t t3 = t2 + SYM_PROC_MS;
	int64_t t4 = SYM_SEND_MS + 2 * SYM_LEG_MS + SYM_PROC_MS;
	int64_t interval = (2 * SYM_LEG_MS + SYM_PROC_MS) * MS; /* from CLOCK_MONOTONIC */
	struct timespec plain = ts(t4 / 1000, (long)(t4 % 1000 * MS));
	/* The system clock was stepped +5 s while the request was in flight. */
	struct timespec stepped = ts(t4 / 1000 + 5, (long)(t4 % 1000 * MS));
	struct xch_sample a, b;

	CU_ASSERT_EQUAL_FATAL(xch_compute(t2, t3, interval, &plain, &a), XCH_OK);
	CU_ASSERT_EQUAL_FATAL(xch_compute(t2, t3, interval, &stepped, &b), XCH_OK);
	CU_ASSERT_EQUAL(b.rtt_ns, a.rtt_ns);
	CU_ASSERT_EQUAL(b.rtt_ns, 2 * SYM_LEG_MS * MS);
	/* The offset is relative to the clock as read at receipt: now 5 s less ahead of it. */
	CU_ASSERT_EQUAL(b.offset_ns, a.offset_ns - 5 * S);
	CU_ASSERT_EQUAL(b.offset_ns, SYM_AHEAD_MS * MS - 5 * S);
	CU_ASSERT_EQUAL(b.recv_real.tv_sec, stepped.tv_sec);
}

static void timestamps_in_2099_do_not_wrap(void)
{
	int64_t base = EPOCH_2099_S * 1000; /* far beyond 2^32 ms and 2^31 s */
	int64_t offset, rtt;
	struct xch_sample s;

	CU_ASSERT(base > (INT64_C(1) << 32));
	CU_ASSERT(EPOCH_2099_S > INT32_MAX);
	/* The platform example shifted to 2099: same result. */
	CU_ASSERT_EQUAL(xch_platform_time_ms(base + 100, base + 1010, base + 1015, base + 125),
	                base + 1025);
	CU_ASSERT_EQUAL_FATAL(
	    xch_from_ms(base + 100, base + 1010, base + 1015, base + 125, &offset, &rtt), XCH_OK);
	CU_ASSERT_EQUAL(offset, 900 * MS);
	CU_ASSERT_EQUAL(rtt, 20 * MS);

	/* The system clock in 2099 as well, or where time_t has 32 bits at its last second: the
	 * platform is then 61 years ahead of it. */
	int64_t sys_s = TIME_T_64 ? EPOCH_2099_S : LAST_32_BIT_S;
	struct timespec at = ts(sys_s, 125 * MS);
	CU_ASSERT_EQUAL_FATAL(xch_compute(base + 1010, base + 1015, 25 * MS, &at, &s), XCH_OK);
	CU_ASSERT_EQUAL(s.offset_ns, (EPOCH_2099_S - sys_s) * S + 900 * MS);
	CU_ASSERT_EQUAL(s.rtt_ns, 20 * MS);
}

static void odd_sums_keep_the_half_millisecond(void)
{
	int64_t offset, rtt;
	struct xch_sample s;

	/* (t2 - t1) + (t3 - t4) = 1 ms: the offset is half of it, 500 us exactly. */
	CU_ASSERT_EQUAL_FATAL(xch_from_ms(0, 1, 1, 1, &offset, &rtt), XCH_OK);
	CU_ASSERT_EQUAL(offset, 500000);
	CU_ASSERT_EQUAL(rtt, 1 * MS);
	/* And -1 ms gives -500 us, not -1 ms or 0. */
	CU_ASSERT_EQUAL_FATAL(xch_from_ms(1000, 1000, 1000, 1001, &offset, &rtt), XCH_OK);
	CU_ASSERT_EQUAL(offset, -500000);
	CU_ASSERT_EQUAL(rtt, 1 * MS);
	/* An odd-ms round trip in xch_compute: half of 7 ms is 3.5 ms. */
	struct timespec at = ts(EPOCH_2026_S, 0);
	CU_ASSERT_EQUAL_FATAL(
	    xch_compute(EPOCH_2026_S * 1000, EPOCH_2026_S * 1000, 7 * MS, &at, &s), XCH_OK);
	CU_ASSERT_EQUAL(s.rtt_ns, 7 * MS);
	CU_ASSERT_EQUAL(s.offset_ns, 3500000);
}

static void server_send_before_receive_is_rejected(void)
{
	int64_t offset = 77, rtt = 77;
	struct xch_sample s;
	struct timespec at = ts(2, 0);

	CU_ASSERT_EQUAL(xch_from_ms(100, 1015, 1010, 125, &offset, &rtt), XCH_SERVER_ORDER);
	CU_ASSERT_EQUAL(offset, 77);
	CU_ASSERT_EQUAL(rtt, 77);
	CU_ASSERT_EQUAL(xch_compute(1015, 1014, 25 * MS, &at, &s), XCH_SERVER_ORDER);
	/* Receive and send in the same millisecond is fine. */
	CU_ASSERT_EQUAL(xch_from_ms(100, 1010, 1010, 125, &offset, &rtt), XCH_OK);
	CU_ASSERT_EQUAL(rtt, 25 * MS);
	CU_ASSERT_EQUAL(xch_compute(1010, 1010, 25 * MS, &at, &s), XCH_OK);
	CU_ASSERT_EQUAL(s.rtt_ns, 25 * MS);
}

static void negative_rtt_down_to_one_millisecond_is_accepted(void)
{
	int64_t offset, rtt;
	struct xch_sample s;
	struct timespec at = ts(2, 0);

	/* 5 ms here, 6 ms on the platform: both truncated to ms, so -1 ms is possible. */
	CU_ASSERT_EQUAL_FATAL(xch_from_ms(0, 1000, 1006, 5, &offset, &rtt), XCH_OK);
	CU_ASSERT_EQUAL(rtt, -1 * MS);
	CU_ASSERT_EQUAL(xch_from_ms(0, 1000, 1007, 5, &offset, &rtt), XCH_NEGATIVE_RTT);

	CU_ASSERT_EQUAL_FATAL(xch_compute(1000, 1006, 5 * MS, &at, &s), XCH_OK);
	CU_ASSERT_EQUAL(s.rtt_ns, -1 * MS);
	CU_ASSERT_EQUAL(xch_compute(1000, 1006, 5 * MS - 1, &at, &s), XCH_NEGATIVE_RTT);
	CU_ASSERT_EQUAL(xch_compute(1000, 1006, 0, &at, &s), XCH_NEGATIVE_RTT);
}

struct boundary_case {
	int64_t recv_ms, send_ms, interval_ns;
	int64_t tv_sec;
	long tv_nsec;
	int64_t offset_ns;
};

static void receipt_boundaries_and_negative_offsets_are_exact(void)
{
	const int64_t T = INT64_C(1700000000); /* a whole second, 2023 */
	/* offset = T3 - T4 + rtt / 2, worked out by hand for each row. */
	const struct boundary_case cases[] = {
	    /* T3 on a whole second, T4 one ns before the next: system clock ahead. */
	    {T * 1000, T * 1000, 0, T, 999999999, -999999999},
	    /* T3 one ms later: the platform is 1 ns ahead. */
	    {T * 1000 + 1000, T * 1000 + 1000, 0, T, 999999999, 1},
	    {T * 1000 + 999, T * 1000 + 999, 0, T, 999999999, -999999},
	    {T * 1000 - 1, T * 1000 - 1, 0, T, 0, -1 * MS},
	    {T * 1000, T * 1000, 0, T, 0, 0},
	    /* System clock 2.5 s ahead. */
	    {T * 1000, T * 1000, 0, T + 2, 500000000, -2500 * MS},
	    /* System clock 10 s behind, receipt at .999999999. */
	    {T * 1000 + 10999, T * 1000 + 10999, 0, T, 999999999, 10 * S - 999999},
	    /* A 2 ms round trip adds 1 ms to what T3 - T4 says. */
	    {T * 1000, T * 1000, 2 * MS, T, 999999999, -998999999},
	    /* 3 ms interval, 1 ms processing: T3 - T4 = -1 ns, plus 1 ms. */
	    {T * 1000 - 1, T * 1000, 3 * MS, T, 1, 1 * MS - 1},
	    /* rtt -1 ms (ms truncation): half of it is taken off. */
	    {T * 1000, T * 1000 + 1, 0, T, 1 * MS, -500000},
	    /* Whole-day negative offset. */
	    {T * 1000, T * 1000, 0, T + 86400, 999999999, -86400 * S - 999999999},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct boundary_case *c = &cases[i];
		struct timespec at = ts(c->tv_sec, c->tv_nsec);
		struct xch_sample s;
		CU_ASSERT_EQUAL(xch_compute(c->recv_ms, c->send_ms, c->interval_ns, &at, &s),
		                XCH_OK);
		CU_ASSERT_EQUAL(s.offset_ns, c->offset_ns);
		CU_ASSERT_EQUAL(s.rtt_ns, c->interval_ns - (c->send_ms - c->recv_ms) * MS);
	}
}

static void system_clock_in_1970_and_platform_in_2026_is_exact(void)
{
	int64_t t3 = EPOCH_2026_S * 1000 + 123;
	struct xch_sample s;
	struct timespec at = ts(5, 250000000); /* booted without an RTC */

	CU_ASSERT_EQUAL_FATAL(xch_compute(t3 - 4, t3, 24 * MS, &at, &s), XCH_OK);
	CU_ASSERT_EQUAL(s.rtt_ns, 20 * MS);
	/* 2026-11-24T21:00:00.123 minus 00:00:05.250, plus 10 ms half round trip. */
	CU_ASSERT_EQUAL(s.offset_ns, (EPOCH_2026_S - 5) * S + 123 * MS - 250 * MS + 10 * MS);

	/* The other way: system clock in 2099 (or at its last second where time_t has 32 bits),
	 * platform in 2026. */
	int64_t late_s = TIME_T_64 ? EPOCH_2099_S : LAST_32_BIT_S;
	at = ts(late_s, 999999999);
	CU_ASSERT_EQUAL_FATAL(xch_compute(t3 - 4, t3, 24 * MS, &at, &s), XCH_OK);
	CU_ASSERT_EQUAL(s.offset_ns, (EPOCH_2026_S - late_s) * S + 123 * MS - 999999999 + 10 * MS);

	/* xch_from_ms over the same 56 years. */
	int64_t offset, rtt;
	CU_ASSERT_EQUAL_FATAL(xch_from_ms(5000, t3 - 4, t3, 5024, &offset, &rtt), XCH_OK);
	CU_ASSERT_EQUAL(rtt, 20 * MS);
	CU_ASSERT_EQUAL(offset, (t3 - 5024 + 10) * MS);
}

static void more_than_2_pow_32_seconds_apart_is_out_of_range(void)
{
	const int64_t limit_s = INT64_C(1) << 32;
	struct xch_sample s;
	struct timespec zero = ts(0, 0);

	CU_ASSERT_EQUAL(xch_compute((limit_s + 1) * 1000, (limit_s + 1) * 1000, 0, &zero, &s),
	                XCH_OUT_OF_RANGE);
	CU_ASSERT_EQUAL(
	    xch_compute(INT64_C(9000000000000000), INT64_C(9000000000000000), 0, &zero, &s),
	    XCH_OUT_OF_RANGE);
	/* Exactly 2^32 s apart still fits, and is exact. */
	CU_ASSERT_EQUAL_FATAL(xch_compute(limit_s * 1000, limit_s * 1000, 0, &zero, &s), XCH_OK);
	CU_ASSERT_EQUAL(s.offset_ns, limit_s * S);

	/* System clock far ahead of the platform: only where time_t holds 2^32 s. */
	if (!TIME_T_64)
		return;
	struct timespec far = ts(limit_s + 1, 0);
	CU_ASSERT_EQUAL(xch_compute(0, 0, 0, &far, &s), XCH_OUT_OF_RANGE);
	far = ts(limit_s, 0);
	CU_ASSERT_EQUAL_FATAL(xch_compute(0, 0, 0, &far, &s), XCH_OK);
	CU_ASSERT_EQUAL(s.offset_ns, -limit_s * S);
}

static void random_exchanges_match_a_128_bit_reference(void)
{
	rng_state = 12345;
	for (int i = 0; i < 100000; i++) {
		int64_t t2 = rnd(INT64_C(946684800000), INT64_C(4102444799999));
		int64_t t3 = t2 + rnd(0, 2000);
		int64_t proc_ns = (t3 - t2) * MS;
		/* Even ns so half the round trip is exact; down to -1 ms. */
		int64_t interval = proc_ns + 2 * rnd(-500000, 5 * S / 2);
		int64_t sec = t3 / 1000 + rnd(-(INT64_C(1) << 31), INT64_C(1) << 31);
		if (sec < 0)
			sec = -sec;
		/* The platform up to 2100 all the same: still within 2^32 s of the system clock. */
		if (!TIME_T_64)
			sec %= LAST_32_BIT_S + 1;
		struct timespec at = ts(sec, (long)rnd(0, 999999999));
		struct xch_sample s;

		CU_ASSERT_EQUAL_FATAL(xch_compute(t2, t3, interval, &at, &s), XCH_OK);
		struct wide t4 = wide_add(wide_mul(sec, S), wide_of(at.tv_nsec));
		int64_t rtt = interval - proc_ns;
		struct wide want = wide_add(wide_sub(wide_mul(t3, MS), t4), wide_of(rtt / 2));
		CU_ASSERT_FATAL(s.rtt_ns == rtt);
		CU_ASSERT_FATAL(wide_eq(wide_of(s.offset_ns), want));
	}
}

static void whole_ms_exchanges_agree_between_from_ms_and_compute(void)
{
	rng_state = 777;
	for (int i = 0; i < 100000; i++) {
		int64_t t1 =
		    rnd(0, TIME_T_64 ? INT64_C(4102444799999) : LAST_32_BIT_S * 1000 - 5000);
		int64_t t4 = t1 + rnd(0, 5000);
		int64_t t2 = rnd(INT64_C(946684800000), INT64_C(4102444799999));
		int64_t t3 = t2 + rnd(0, t4 - t1 + 1); /* rtt >= -1 ms */
		int64_t offset, rtt;
		struct xch_sample s;
		struct timespec at = ts(t4 / 1000, (long)(t4 % 1000 * MS));

		CU_ASSERT_EQUAL_FATAL(xch_from_ms(t1, t2, t3, t4, &offset, &rtt), XCH_OK);
		CU_ASSERT_EQUAL_FATAL(xch_compute(t2, t3, (t4 - t1) * MS, &at, &s), XCH_OK);
		CU_ASSERT_FATAL(offset == s.offset_ns);
		CU_ASSERT_FATAL(rtt == s.rtt_ns);
		/* 2 x offset is the platform's sum, exactly. */
		CU_ASSERT_FATAL(2 * offset == ((t2 - t1) + (t3 - t4)) * MS);
	}
}

struct add_case {
	int64_t sec;
	long nsec;
	int64_t ns;
	int64_t want_sec;
	long want_nsec;
};

static void check_add_cases(const struct add_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct add_case *c = &cases[i];
		struct timespec t = ts(c->sec, c->nsec);
		struct timespec out = xch_timespec_add(&t, c->ns);
		if ((int64_t)out.tv_sec != c->want_sec || out.tv_nsec != c->want_nsec)
			fprintf(stderr, "\n  case %zu: %lld.%09ld + %lld ns gave %lld.%09ld\n", i,
			        (long long)c->sec, c->nsec, (long long)c->ns, (long long)out.tv_sec,
			        out.tv_nsec);
		CU_ASSERT_EQUAL((int64_t)out.tv_sec, c->want_sec);
		CU_ASSERT_EQUAL(out.tv_nsec, c->want_nsec);
		/* The input is left alone. */
		CU_ASSERT_EQUAL((int64_t)t.tv_sec, c->sec);
		CU_ASSERT_EQUAL(t.tv_nsec, c->nsec);
	}
}

static void timespec_add_moves_by_ns_either_way_and_normalises(void)
{
	const struct add_case cases[] = {
	    /* Within the second. */
	    {EPOCH_2026_S, 100, 0, EPOCH_2026_S, 100},
	    {EPOCH_2026_S, 100, 899, EPOCH_2026_S, 999},
	    {EPOCH_2026_S, 999, -899, EPOCH_2026_S, 100},
	    /* Up across a second. */
	    {EPOCH_2026_S, 999999999, 1, EPOCH_2026_S + 1, 0},
	    {EPOCH_2026_S, 500000000, 500000000, EPOCH_2026_S + 1, 0},
	    {EPOCH_2026_S, 900000000, 150000000, EPOCH_2026_S + 1, 50000000},
	    {EPOCH_2026_S, 999999999, 999999999, EPOCH_2026_S + 1, 999999998},
	    /* Down across a second. */
	    {EPOCH_2026_S, 0, -1, EPOCH_2026_S - 1, 999999999},
	    {EPOCH_2026_S, 100000000, -300000000, EPOCH_2026_S - 1, 800000000},
	    {EPOCH_2026_S, 0, -999999999, EPOCH_2026_S - 1, 1},
	    {EPOCH_2026_S, 0, -1000000000, EPOCH_2026_S - 1, 0},
	    {EPOCH_2026_S, 0, -1000000001, EPOCH_2026_S - 2, 999999999},
	    /* Whole seconds, both ways. */
	    {EPOCH_2026_S, 250, 3 * S, EPOCH_2026_S + 3, 250},
	    {EPOCH_2026_S, 250, -3 * S, EPOCH_2026_S - 3, 250},
	    {EPOCH_2026_S, 250, -3 * S - 251, EPOCH_2026_S - 4, 999999999},
	    /* A whole day, and the platform's 3.7 s either way. */
	    {EPOCH_2026_S, 400000000, 86400 * S, EPOCH_2026_S + 86400, 400000000},
	    {EPOCH_2026_S, 400000000, 3700 * MS, EPOCH_2026_S + 4, 100000000},
	    {EPOCH_2026_S, 400000000, -3700 * MS, EPOCH_2026_S - 4, 700000000},
	    /* From the epoch into the past. */
	    {0, 0, -1, -1, 999999999},
	    /* To the ends of a 32-bit time_t: 2038-01-19T03:14:07.999999999Z and 1901. */
	    {EPOCH_2026_S, 0, (LAST_32_BIT_S - EPOCH_2026_S) * S + 999999999, LAST_32_BIT_S,
	     999999999},
	    {LAST_32_BIT_S, 999999999, -(2 * LAST_32_BIT_S + 1) * S - 999999999, -LAST_32_BIT_S - 1,
	     0},
	};
	/* Where time_t has 64 bits: 56 years forward into 2099, and all of int64 either way. */
	const struct add_case beyond_2038[] = {
	    {EPOCH_2026_S, 0, (EPOCH_2099_S - EPOCH_2026_S) * S + 1, EPOCH_2099_S, 1},
	    {0, 0, INT64_MAX, INT64_MAX / S, (long)(INT64_MAX % S)},
	    {0, 999999999, INT64_MAX, INT64_MAX / S + 1, (long)(INT64_MAX % S) - 1},
	    {0, 0, INT64_MIN, INT64_MIN / S - 1, (long)(S + INT64_MIN % S)},
	    {EPOCH_2099_S, 0, INT64_MIN, EPOCH_2099_S + INT64_MIN / S - 1,
	     (long)(S + INT64_MIN % S)},
	};

	check_add_cases(cases, sizeof(cases) / sizeof(cases[0]));
	if (TIME_T_64)
		check_add_cases(beyond_2038, sizeof(beyond_2038) / sizeof(beyond_2038[0]));
}

static void timespec_add_matches_a_128_bit_reference(void)
{
	rng_state = 4242;
	for (int i = 0; i < 100000; i++) {
		int64_t sec = rnd(-(INT64_C(1) << 40), INT64_C(1) << 40);
		long nsec = (long)rnd(0, S - 1);
		/* Half small moves, half any int64 at all (up to some 292 years). */
		int64_t ns = (i & 1) ? rnd(-3 * S, 3 * S) : (int64_t)xorshift64();
		/* Where time_t has 32 bits, start and result within its 68 years either way. */
		if (!TIME_T_64) {
			sec %= INT64_C(1) << 30;
			ns %= ((INT64_C(1) << 30) - 1) * S;
		}
		struct timespec t = ts(sec, nsec);
		struct timespec out = xch_timespec_add(&t, ns);
		struct wide want = wide_add(wide_add(wide_mul(sec, S), wide_of(nsec)), wide_of(ns));
		struct wide got = wide_add(wide_mul((int64_t)out.tv_sec, S), wide_of(out.tv_nsec));
		CU_ASSERT_FATAL(out.tv_nsec >= 0 && out.tv_nsec < S);
		CU_ASSERT_FATAL(wide_eq(got, want));
	}
}

static void status_names_are_distinct(void)
{
	const char *names[] = {xch_status_name(XCH_OK), xch_status_name(XCH_SERVER_ORDER),
	                       xch_status_name(XCH_NEGATIVE_RTT),
	                       xch_status_name(XCH_OUT_OF_RANGE)};

	for (size_t i = 0; i < 4; i++) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(names[i]);
		CU_ASSERT_STRING_NOT_EQUAL(names[i], "unknown");
		for (size_t j = 0; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(names[i], names[j]);
	}
	CU_ASSERT_STRING_EQUAL(xch_status_name((enum xch_status)99), "unknown");
}

static int init_exchange_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(platform_document_example_gives_1025),
	    RUNNER_TEST(platform_example_gives_offset_900_ms_and_rtt_20_ms),
	    RUNNER_TEST(compute_reproduces_platform_example_from_monotonic_interval),
	    RUNNER_TEST(symmetric_exchange_gives_exact_offset_and_rtt),
	    RUNNER_TEST(realtime_step_during_exchange_shifts_offset_but_not_rtt),
	    RUNNER_TEST(timestamps_in_2099_do_not_wrap),
	    RUNNER_TEST(odd_sums_keep_the_half_millisecond),
	    RUNNER_TEST(server_send_before_receive_is_rejected),
	    RUNNER_TEST(negative_rtt_down_to_one_millisecond_is_accepted),
	    RUNNER_TEST(receipt_boundaries_and_negative_offsets_are_exact),
	    RUNNER_TEST(system_clock_in_1970_and_platform_in_2026_is_exact),
	    RUNNER_TEST(more_than_2_pow_32_seconds_apart_is_out_of_range),
	    RUNNER_TEST(random_exchanges_match_a_128_bit_reference),
	    RUNNER_TEST(whole_ms_exchanges_agree_between_from_ms_and_compute),
	    RUNNER_TEST(timespec_add_moves_by_ns_either_way_and_normalises),
	    RUNNER_TEST(timespec_add_matches_a_128_bit_reference),
	    RUNNER_TEST(status_names_are_distinct),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("exchange", tests);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_exchange_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
