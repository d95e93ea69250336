/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for rate_limit: the token bucket per client id, on a synthetic ns clock.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rate_limit.h"
#include "runner.h"
#include "wide.h"

#define MS INT64_C(1000000)
#define S  (1000 * MS)
/* Any CLOCK_MONOTONIC reading; not zero, as a freshly booted clock would not be. */
#define T0 (12345 * S)

static uint64_t rng_state = 12345;

static uint64_t xorshift64(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* How many of n requests at now_ns the client has answered. */
static unsigned allowed_of(struct rtl_limiter *l, const char *client, unsigned n, int64_t now_ns)
{
	unsigned ok = 0;
	for (unsigned i = 0; i < n; i++)
		ok += rtl_allow(l, client, now_ns) ? 1 : 0;
	return ok;
}

static void burst_is_allowed_then_refused(void)
{
	struct rtl_limiter *l = rtl_create(2, 8, 16);

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	for (int i = 0; i < 8; i++)
		CU_ASSERT_TRUE(rtl_allow(l, "dev-1", T0));
	CU_ASSERT_FALSE(rtl_allow(l, "dev-1", T0));
	CU_ASSERT_FALSE(rtl_allow(l, "dev-1", T0));
	rtl_destroy(l);

	/* A burst of one is one. */
	l = rtl_create(1000, 1, 16);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_TRUE(rtl_allow(l, "dev-1", T0));
	CU_ASSERT_FALSE(rtl_allow(l, "dev-1", T0));
	rtl_destroy(l);
}

static void tokens_refill_at_the_configured_rate(void)
{
	struct rtl_limiter *l = rtl_create(2, 8, 16);

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(allowed_of(l, "dev-1", 8, T0), 8);
	/* At 2/s a token takes 500 ms: not one ns less. */
	CU_ASSERT_FALSE(rtl_allow(l, "dev-1", T0 + 500 * MS - 1));
	CU_ASSERT_TRUE(rtl_allow(l, "dev-1", T0 + 500 * MS));
	CU_ASSERT_FALSE(rtl_allow(l, "dev-1", T0 + 500 * MS));
	/* Three tokens in 1.5 s more. */
	CU_ASSERT_EQUAL(allowed_of(l, "dev-1", 10, T0 + 2000 * MS), 3);
	/* The bucket holds no more than the burst, however long the client was away. */
	CU_ASSERT_EQUAL(allowed_of(l, "dev-1", 20, T0 + 3600 * S), 8);
	/* A steady client gets exactly the rate: 2 a second for a minute. */
	int64_t t = T0 + 3600 * S;
	unsigned got = 0;
	for (int i = 1; i <= 600; i++)
		got += allowed_of(l, "dev-1", 3, t + i * 100 * MS);
	CU_ASSERT_EQUAL(got, 120);
	rtl_destroy(l);
}

static void a_rate_that_does_not_divide_a_second_is_not_exceeded(void)
{
	/* 3 a second with a burst of 1 allows rate x t + burst answers: fewer than 4 before a
	 * whole second has passed. Asking every 333333333 ns, the fourth request comes at
	 * 999999999 ns, 1 ns too early to be answered. */
	struct rtl_limiter *l = rtl_create(3, 1, 4);
	unsigned got = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	for (int k = 0; k < 4; k++)
		got += rtl_allow(l, "dev-1", T0 + k * INT64_C(333333333)) ? 1 : 0;
	if (got > 3)
		fprintf(stderr, "\n  %u answers within 999999999 ns at 3/s, burst 1\n", got);
	CU_ASSERT(got <= 3);
	CU_ASSERT(got >= 2);
	rtl_destroy(l);
}

static void clients_are_independent(void)
{
	struct rtl_limiter *l = rtl_create(2, 8, 16);

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(allowed_of(l, "dev-1", 20, T0), 8);
	CU_ASSERT_EQUAL(allowed_of(l, "dev-2", 20, T0), 8);
	CU_ASSERT_FALSE(rtl_allow(l, "dev-1", T0 + 1));
	/* Ids differing in one character, or a prefix, are other clients. */
	CU_ASSERT_EQUAL(allowed_of(l, "dev-3", 20, T0 + 1), 8);
	CU_ASSERT_EQUAL(allowed_of(l, "dev-", 20, T0 + 1), 8);
	CU_ASSERT_EQUAL(allowed_of(l, "dev-11", 20, T0 + 1), 8);
	/* A NULL id (no client) is one client, the same as the empty id. */
	CU_ASSERT_EQUAL(allowed_of(l, NULL, 20, T0 + 1), 8);
	CU_ASSERT_FALSE(rtl_allow(l, "", T0 + 1));
	CU_ASSERT_FALSE(rtl_allow(l, "dev-2", T0 + 2));
	rtl_destroy(l);
}

static void full_table_gives_the_longest_idle_clients_slot_to_a_new_client(void)
{
	/* Four slots, all of them probed: which slot a hash lands on does not matter. */
	struct rtl_limiter *l = rtl_create(2, 8, 4);
	const char *ids[] = {"c0", "c1", "c2", "c3"};

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	/* Each exhausts its bucket, c0 first; 10 ms apart, far less than one token's 500. */
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(allowed_of(l, ids[i], 9, T0 + i * 10 * MS), 8);
	/* The table is full: a fifth client still gets a full bucket... */
	CU_ASSERT_EQUAL(allowed_of(l, "c4", 9, T0 + 40 * MS), 8);
	/* ...from c0, idle the longest; the others keep their empty buckets. */
	for (int i = 1; i < 4; i++)
		CU_ASSERT_FALSE(rtl_allow(l, ids[i], T0 + 50 * MS));
	/* c0 lost its slot, so it comes back as a new client with a full bucket (taking c4's
	 * slot, now the longest idle), and is tracked again from there. */
	CU_ASSERT_EQUAL(allowed_of(l, "c0", 8, T0 + 60 * MS), 8);
	CU_ASSERT_FALSE(rtl_allow(l, "c0", T0 + 61 * MS));
	rtl_destroy(l);
}

static void zero_rate_burst_or_table_size_gives_null(void)
{
	CU_ASSERT_PTR_NULL(rtl_create(0, 8, 16));
	CU_ASSERT_PTR_NULL(rtl_create(2, 0, 16));
	CU_ASSERT_PTR_NULL(rtl_create(2, 8, 0));
	CU_ASSERT_PTR_NULL(rtl_create(0, 0, 0));
	rtl_destroy(NULL);
	struct rtl_limiter *l = rtl_create(1, 1, 1);
	CU_ASSERT_PTR_NOT_NULL(l);
	rtl_destroy(l);
}

static void every_client_up_to_max_clients_keeps_its_bucket(void)
{
	/* Up to max_clients clients at once, none of them gives up its bucket: each one that
	 * has used up its burst is still refused. */
	const unsigned sizes[] = {16, 64, 256};
	char id[32];

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		unsigned n = sizes[k];
		struct rtl_limiter *l = rtl_create(2, 8, n);
		CU_ASSERT_PTR_NOT_NULL_FATAL(l);
		for (unsigned c = 0; c < n; c++) {
			snprintf(id, sizeof(id), "lan-device-%u", c);
			CU_ASSERT_EQUAL(allowed_of(l, id, 9, T0 + c * 1000), 8);
		}
		unsigned fresh = 0;
		for (unsigned c = 0; c < n; c++) {
			snprintf(id, sizeof(id), "lan-device-%u", c);
			fresh += rtl_allow(l, id, T0 + n * 1000) ? 1 : 0;
		}
		if (fresh != 0)
			fprintf(stderr,
			        "\n  %u of %u clients (max_clients %u) were answered with a spent "
			        "bucket\n",
			        fresh, n, n);
		CU_ASSERT_EQUAL(fresh, 0);
		rtl_destroy(l);
	}
}

struct rate_case {
	unsigned rate, burst, clients;
};

static void no_client_gets_more_than_rate_times_time_plus_burst(void)
{
	/* A few clients well within the table, each asking at random some ten times its rate,
	 * for up to a simulated hour. At every answer: answers so far <= rate * t + burst,
	 * with t from the client's first request. */
	const struct rate_case cases[] = {
	    {2, 8, 5}, {1, 1, 3}, {3, 4, 4}, {7, 20, 6}, {1000, 50, 2}, {500, 500, 1},
	};
	char id[32];

	rng_state = 20261124;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const struct rate_case *rc = &cases[k];
		struct rtl_limiter *l = rtl_create(rc->rate, rc->burst, 256);
		uint64_t answered[8] = {0};
		int64_t start[8];
		int64_t t = T0;
		/* Gaps uniform in [0, 2 x mean): every client asks ten times its rate. */
		int64_t mean_gap = S / rc->rate / 10 / rc->clients;
		int64_t end = T0 + 3600 * S;
		unsigned requests = 0;
		bool within = true;

		CU_ASSERT_PTR_NOT_NULL_FATAL(l);
		for (unsigned c = 0; c < rc->clients; c++)
			start[c] = -1;
		while (t < end && requests < 2000000) {
			t += (int64_t)(xorshift64() % (uint64_t)(2 * mean_gap));
			unsigned c = (unsigned)(xorshift64() % rc->clients);
			snprintf(id, sizeof(id), "client-%u", c);
			requests++;
			if (start[c] < 0)
				start[c] = t;
			if (!rtl_allow(l, id, t))
				continue;
			answered[c]++;
			/* In integers: answered x 1 s <= rate x t + burst x 1 s. */
			struct wide lhs = wide_mul((int64_t)answered[c], S);
			struct wide rhs =
			    wide_add(wide_mul(rc->rate, t - start[c]), wide_mul(rc->burst, S));
			if (wide_cmp(lhs, rhs) > 0 && within) {
				fprintf(
				    stderr,
				    "\n  rate %u burst %u: client %u had %llu answers in %lld ns\n",
				    rc->rate, rc->burst, c, (unsigned long long)answered[c],
				    (long long)(t - start[c]));
				within = false;
			}
		}
		CU_ASSERT_TRUE(within);
		/* The limiter does not simply refuse: asking ten times its rate, each client gets
		 * most of its share (a token that comes due waits for the next request). */
		for (unsigned c = 0; c < rc->clients; c++) {
			double share = (double)rc->rate * (double)(t - start[c]) / 1e9;
			CU_ASSERT((double)answered[c] >= 0.8 * share);
		}
		rtl_destroy(l);
	}
}

static int init_rate_limit_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(burst_is_allowed_then_refused),
	    RUNNER_TEST(tokens_refill_at_the_configured_rate),
	    RUNNER_TEST(a_rate_that_does_not_divide_a_second_is_not_exceeded),
	    RUNNER_TEST(clients_are_independent),
	    RUNNER_TEST(full_table_gives_the_longest_idle_clients_slot_to_a_new_client),
	    RUNNER_TEST(zero_rate_burst_or_table_size_gives_null),
	    RUNNER_TEST(every_client_up_to_max_clients_keeps_its_bucket),
	    RUNNER_TEST(no_client_gets_more_than_rate_times_time_plus_burst),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("rate_limit", tests);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_rate_limit_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
