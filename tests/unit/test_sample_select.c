/*
 * Unit tests for sample_select: the one sample of a burst that goes to chrony.
 */
#include <stdint.h>
#include <stdlib.h>

#include "runner.h"
#include "sample_select.h"

#define MS      INT64_C(1000000)
#define MAX_RTT (1000 * MS)

/* A sample told apart by its receipt time. */
static struct xch_sample sample(int64_t rtt_ns, int64_t offset_ns, long tag)
{
	struct xch_sample s = {.recv_real = {.tv_sec = 1795554000, .tv_nsec = tag},
	                       .offset_ns = offset_ns,
	                       .rtt_ns = rtt_ns};
	return s;
}

static void empty_burst_has_no_best(void)
{
	struct sel_burst b;
	struct xch_sample out = sample(-7, -7, 7);

	sel_init(&b, MAX_RTT);
	CU_ASSERT_FALSE(sel_best(&b, &out));
	CU_ASSERT_EQUAL(out.rtt_ns, -7);
}

static void smallest_rtt_wins(void)
{
	struct sel_burst b;
	struct xch_sample out;
	struct xch_sample s1 = sample(40 * MS, 100, 1), s2 = sample(12 * MS, 200, 2),
	                  s3 = sample(30 * MS, 300, 3), s4 = sample(13 * MS, 400, 4);

	sel_init(&b, MAX_RTT);
	CU_ASSERT_TRUE(sel_offer(&b, &s1));
	CU_ASSERT_TRUE(sel_offer(&b, &s2));
	CU_ASSERT_TRUE(sel_offer(&b, &s3));
	CU_ASSERT_TRUE(sel_offer(&b, &s4));
	CU_ASSERT_TRUE_FATAL(sel_best(&b, &out));
	CU_ASSERT_EQUAL(out.rtt_ns, 12 * MS);
	CU_ASSERT_EQUAL(out.offset_ns, 200);
	CU_ASSERT_EQUAL(out.recv_real.tv_nsec, 2);
}

static void single_sample_is_the_best(void)
{
	struct sel_burst b;
	struct xch_sample out, s = sample(999 * MS, -5, 9);

	sel_init(&b, MAX_RTT);
	CU_ASSERT_TRUE(sel_offer(&b, &s));
	CU_ASSERT_TRUE_FATAL(sel_best(&b, &out));
	CU_ASSERT_EQUAL(out.offset_ns, -5);
	CU_ASSERT_EQUAL(out.recv_real.tv_nsec, 9);
}

static void on_a_tie_the_later_sample_wins(void)
{
	struct sel_burst b;
	struct xch_sample out;
	struct xch_sample s1 = sample(20 * MS, 100, 1), s2 = sample(20 * MS, 200, 2),
	                  s3 = sample(25 * MS, 300, 3), s4 = sample(20 * MS, 400, 4);

	sel_init(&b, MAX_RTT);
	sel_offer(&b, &s1);
	sel_offer(&b, &s2);
	CU_ASSERT_TRUE_FATAL(sel_best(&b, &out));
	CU_ASSERT_EQUAL(out.recv_real.tv_nsec, 2);
	sel_offer(&b, &s3);
	sel_offer(&b, &s4);
	CU_ASSERT_TRUE_FATAL(sel_best(&b, &out));
	CU_ASSERT_EQUAL(out.recv_real.tv_nsec, 4);
	CU_ASSERT_EQUAL(out.offset_ns, 400);
}

static void rtt_over_the_maximum_is_discarded(void)
{
	struct sel_burst b;
	struct xch_sample out;
	struct xch_sample over = sample(MAX_RTT + 1, 100, 1), at = sample(MAX_RTT, 200, 2),
	                  far = sample(60000 * MS, 300, 3);

	sel_init(&b, MAX_RTT);
	CU_ASSERT_FALSE(sel_offer(&b, &over));
	CU_ASSERT_FALSE(sel_best(&b, &out));
	/* Exactly the maximum is kept. */
	CU_ASSERT_TRUE(sel_offer(&b, &at));
	CU_ASSERT_FALSE(sel_offer(&b, &far));
	CU_ASSERT_TRUE_FATAL(sel_best(&b, &out));
	CU_ASSERT_EQUAL(out.recv_real.tv_nsec, 2);
}

static void all_over_the_maximum_gives_no_best(void)
{
	struct sel_burst b;
	struct xch_sample out;

	sel_init(&b, 10 * MS);
	for (int i = 0; i < 4; i++) {
		struct xch_sample s = sample(11 * MS + i, i, i);
		CU_ASSERT_FALSE(sel_offer(&b, &s));
	}
	CU_ASSERT_FALSE(sel_best(&b, &out));
}

static void init_starts_a_fresh_burst(void)
{
	struct sel_burst b;
	struct xch_sample out, good = sample(1 * MS, 1, 1), worse = sample(50 * MS, 2, 2);

	sel_init(&b, MAX_RTT);
	sel_offer(&b, &good);
	sel_init(&b, MAX_RTT);
	CU_ASSERT_FALSE(sel_best(&b, &out));
	/* The previous burst's better sample does not linger. */
	sel_offer(&b, &worse);
	CU_ASSERT_TRUE_FATAL(sel_best(&b, &out));
	CU_ASSERT_EQUAL(out.recv_real.tv_nsec, 2);
}

static void negative_rtt_beats_a_positive_one(void)
{
	struct sel_burst b;
	struct xch_sample out, pos = sample(1, 1, 1), neg = sample(-1 * MS, 2, 2);

	sel_init(&b, MAX_RTT);
	sel_offer(&b, &pos);
	sel_offer(&b, &neg);
	CU_ASSERT_TRUE_FATAL(sel_best(&b, &out));
	CU_ASSERT_EQUAL(out.recv_real.tv_nsec, 2);
}

static void random_bursts_pick_the_latest_minimum_of_the_accepted(void)
{
	srand(12345);
	for (int round = 0; round < 10000; round++) {
		struct sel_burst b;
		int64_t max_rtt = (rand() % 2000 + 1) * MS;
		int n = rand() % 17;
		int best = -1;
		int64_t best_rtt = 0;

		sel_init(&b, max_rtt);
		for (int i = 0; i < n; i++) {
			/* Coarse values so ties happen. */
			int64_t rtt = (int64_t)(rand() % 50) * 50 * MS - 1 * MS;
			struct xch_sample s = sample(rtt, rand(), i);
			bool kept = sel_offer(&b, &s);
			CU_ASSERT_EQUAL_FATAL(kept, rtt <= max_rtt);
			if (kept && (best < 0 || rtt <= best_rtt)) {
				best = i;
				best_rtt = rtt;
			}
		}
		struct xch_sample out;
		CU_ASSERT_EQUAL_FATAL(sel_best(&b, &out), best >= 0);
		if (best >= 0) {
			CU_ASSERT_EQUAL_FATAL(out.rtt_ns, best_rtt);
			CU_ASSERT_EQUAL_FATAL(out.recv_real.tv_nsec, best);
		}
	}
}

static int init_sample_select_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(empty_burst_has_no_best),
	    RUNNER_TEST(smallest_rtt_wins),
	    RUNNER_TEST(single_sample_is_the_best),
	    RUNNER_TEST(on_a_tie_the_later_sample_wins),
	    RUNNER_TEST(rtt_over_the_maximum_is_discarded),
	    RUNNER_TEST(all_over_the_maximum_gives_no_best),
	    RUNNER_TEST(init_starts_a_fresh_burst),
	    RUNNER_TEST(negative_rtt_beats_a_positive_one),
	    RUNNER_TEST(random_bursts_pick_the_latest_minimum_of_the_accepted),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("sample_select", tests);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_sample_select_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
