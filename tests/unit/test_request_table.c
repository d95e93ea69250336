/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for request_table: the requests in flight.
 */
#include <stdint.h>
#include <stdlib.h>

#include "request_table.h"
#include "runner.h"

#define MS      INT64_C(1000000)
#define TIMEOUT (3000 * MS)
#define T0      INT64_C(1795554000000) /* an id: realtime ms */

static struct rqt_table *table;

static void make_table(void)
{
	table = rqt_create(TIMEOUT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(table);
}

static void drop_table(void)
{
	rqt_destroy(table);
	table = NULL;
}

static void first_id_is_the_wanted_one(void)
{
	make_table();
	CU_ASSERT_EQUAL(rqt_add(table, T0, 0), T0);
	CU_ASSERT_EQUAL(rqt_add(table, T0 + 200, 200 * MS), T0 + 200);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 2);
	drop_table();
}

static void same_millisecond_twice_gives_distinct_ids(void)
{
	make_table();
	int64_t a = rqt_add(table, T0, 0);
	int64_t b = rqt_add(table, T0, 1);
	int64_t c = rqt_add(table, T0, 2);
	CU_ASSERT_NOT_EQUAL(a, b);
	CU_ASSERT_NOT_EQUAL(b, c);
	CU_ASSERT_NOT_EQUAL(a, c);
	/* Each id matches its own request, by send time. */
	int64_t sent = -1;
	CU_ASSERT_EQUAL(rqt_match(table, b, 10, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(sent, 1);
	CU_ASSERT_EQUAL(rqt_match(table, c, 10, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(sent, 2);
	CU_ASSERT_EQUAL(rqt_match(table, a, 10, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(sent, 0);
	drop_table();
}

static void clock_stepped_back_still_gives_new_ids(void)
{
	make_table();
	int64_t a = rqt_add(table, T0, 0);
	/* The system clock went back an hour: the wanted id is one an old request may carry. */
	int64_t b = rqt_add(table, T0 - 3600000, 200 * MS);
	CU_ASSERT_NOT_EQUAL(a, b);
	CU_ASSERT(b > a);
	int64_t sent = -1;
	CU_ASSERT_EQUAL(rqt_match(table, b, 300 * MS, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(sent, 200 * MS);
	/* The id the stepped clock asked for was never sent. */
	CU_ASSERT_EQUAL(rqt_match(table, T0 - 3600000, 300 * MS, &sent), RQT_UNKNOWN);
	drop_table();
}

static void match_once_then_duplicate(void)
{
	make_table();
	int64_t id = rqt_add(table, T0, 1000 * MS);
	int64_t sent = -1;
	CU_ASSERT_EQUAL(rqt_match(table, id, 1040 * MS, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(sent, 1000 * MS);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 0);
	sent = -1;
	CU_ASSERT_EQUAL(rqt_match(table, id, 1050 * MS, &sent), RQT_DUPLICATE);
	CU_ASSERT_EQUAL(sent, -1);
	CU_ASSERT_EQUAL(rqt_match(table, id, 1060 * MS, &sent), RQT_DUPLICATE);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 0);
	drop_table();
}

static void unknown_id_does_not_match(void)
{
	make_table();
	int64_t sent = -1;
	CU_ASSERT_EQUAL(rqt_match(table, T0, 0, &sent), RQT_UNKNOWN);
	int64_t id = rqt_add(table, T0, 0);
	CU_ASSERT_EQUAL(rqt_match(table, id + 1, 10, &sent), RQT_UNKNOWN);
	CU_ASSERT_EQUAL(rqt_match(table, id - 1, 10, &sent), RQT_UNKNOWN);
	CU_ASSERT_EQUAL(rqt_match(table, 0, 10, &sent), RQT_UNKNOWN);
	CU_ASSERT_EQUAL(sent, -1);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 1);
	drop_table();
}

static void answer_at_the_timeout_matches_and_one_ns_later_expires(void)
{
	make_table();
	int64_t a = rqt_add(table, T0, 0);
	int64_t b = rqt_add(table, T0 + 1, 0);
	int64_t sent;
	CU_ASSERT_EQUAL(rqt_match(table, a, TIMEOUT, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(rqt_match(table, b, TIMEOUT + 1, &sent), RQT_EXPIRED);
	drop_table();
}

static void expired_request_is_counted_once(void)
{
	make_table();
	int64_t id = rqt_add(table, T0, 0);
	rqt_add(table, T0 + 200, 200 * MS);
	int64_t sent = -1;

	CU_ASSERT_EQUAL(rqt_expire(table, TIMEOUT), 0);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 2);
	/* A late answer is expired, not matched, and leaves no send time. */
	CU_ASSERT_EQUAL(rqt_match(table, id, TIMEOUT + 1, &sent), RQT_EXPIRED);
	CU_ASSERT_EQUAL(sent, -1);
	/* Only the first request is overdue here. */
	CU_ASSERT_EQUAL(rqt_expire(table, TIMEOUT + 1), 1);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 1);
	CU_ASSERT_EQUAL(rqt_expire(table, TIMEOUT + 2), 0);
	/* Still expired when it comes again. */
	CU_ASSERT_EQUAL(rqt_match(table, id, TIMEOUT + 3, &sent), RQT_EXPIRED);
	CU_ASSERT_EQUAL(rqt_expire(table, TIMEOUT + 200 * MS + 1), 1);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 0);
	CU_ASSERT_EQUAL(rqt_expire(table, 100 * TIMEOUT), 0);
	drop_table();
}

static void answered_requests_never_expire(void)
{
	make_table();
	int64_t id = rqt_add(table, T0, 0);
	int64_t sent;
	CU_ASSERT_EQUAL(rqt_match(table, id, 1, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(rqt_expire(table, 10 * TIMEOUT), 0);
	CU_ASSERT_EQUAL(rqt_match(table, id, 10 * TIMEOUT, &sent), RQT_DUPLICATE);
	drop_table();
}

/* rqt_expire skips its scan until the oldest waiting request may be overdue: answering or
 * expiring the oldest must not hide the next one's deadline. */
static void each_request_expires_at_its_own_deadline(void)
{
	make_table();
	int64_t a = rqt_add(table, T0, 0);
	rqt_add(table, T0 + 100, 100 * MS);
	rqt_add(table, T0 + 300, 300 * MS);
	int64_t sent;

	CU_ASSERT_EQUAL(rqt_match(table, a, 50 * MS, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(rqt_expire(table, TIMEOUT + 1), 0);
	CU_ASSERT_EQUAL(rqt_expire(table, TIMEOUT + 100 * MS), 0);
	CU_ASSERT_EQUAL(rqt_expire(table, TIMEOUT + 100 * MS + 1), 1);
	CU_ASSERT_EQUAL(rqt_expire(table, TIMEOUT + 300 * MS), 0);
	/* A request recorded with an earlier time than one waiting is tracked all the same. */
	rqt_add(table, T0 + 400, 200 * MS);
	CU_ASSERT_EQUAL(rqt_expire(table, TIMEOUT + 200 * MS + 1), 1);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 1);
	CU_ASSERT_EQUAL(rqt_expire(table, TIMEOUT + 300 * MS + 1), 1);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 0);
	/* An empty table starts over from the next request's time. */
	rqt_add(table, T0 + 500, 10 * TIMEOUT);
	CU_ASSERT_EQUAL(rqt_expire(table, 11 * TIMEOUT), 0);
	CU_ASSERT_EQUAL(rqt_expire(table, 11 * TIMEOUT + 1), 1);
	drop_table();
}

static void outstanding_counts_waiting_requests_only(void)
{
	make_table();
	int64_t ids[5];
	int64_t sent;
	for (int i = 0; i < 5; i++) {
		ids[i] = rqt_add(table, T0 + i * 200, i * 200 * MS);
		CU_ASSERT_EQUAL(rqt_outstanding(table), (unsigned)i + 1);
	}
	CU_ASSERT_EQUAL(rqt_match(table, ids[2], 900 * MS, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 4);
	CU_ASSERT_EQUAL(rqt_match(table, ids[2], 900 * MS, &sent), RQT_DUPLICATE);
	CU_ASSERT_EQUAL(rqt_match(table, T0 - 1, 900 * MS, &sent), RQT_UNKNOWN);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 4);
	/* Requests 0 and 1 (sent at 0 and 200 ms) are overdue at 3.3 s. */
	CU_ASSERT_EQUAL(rqt_expire(table, TIMEOUT + 300 * MS), 2);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 2);
	CU_ASSERT_EQUAL(rqt_match(table, ids[4], TIMEOUT, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 1);
	drop_table();
}

static void ring_forgets_the_oldest_after_capacity_entries(void)
{
	make_table();
	int64_t first = rqt_add(table, T0, 0);
	int64_t second = rqt_add(table, T0 + 1, 0);
	int64_t sent;
	CU_ASSERT_EQUAL(rqt_match(table, second, 1, &sent), RQT_MATCHED);
	for (int i = 2; i < RQT_CAPACITY; i++)
		rqt_add(table, T0 + i, 0);
	/* Full, nothing lost yet. */
	CU_ASSERT_EQUAL(rqt_outstanding(table), RQT_CAPACITY - 1);
	CU_ASSERT_EQUAL(rqt_match(table, second, 2, &sent), RQT_DUPLICATE);
	/* Two more overwrite the two oldest slots. */
	int64_t a = rqt_add(table, T0 + RQT_CAPACITY, 0);
	int64_t b = rqt_add(table, T0 + RQT_CAPACITY + 1, 0);
	CU_ASSERT_EQUAL(rqt_match(table, first, 3, &sent), RQT_UNKNOWN);
	CU_ASSERT_EQUAL(rqt_match(table, second, 3, &sent), RQT_UNKNOWN);
	/* The waiting one overwritten no longer counts; the new ones do. */
	CU_ASSERT_EQUAL(rqt_outstanding(table), RQT_CAPACITY);
	CU_ASSERT_EQUAL(rqt_match(table, a, 4, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(rqt_match(table, b, 4, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(rqt_match(table, T0 + 2, 4, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(rqt_outstanding(table), RQT_CAPACITY - 3);
	drop_table();
}

static void random_traffic_keeps_ids_unique_and_counts_consistent(void)
{
	/* A model: for every id ever issued, whether it is waiting, answered or expired. */
	enum { N = 5000 };
	static int64_t ids[N], sent_at[N];
	static int state[N]; /* 0 waiting, 1 answered, 2 timed out or late */
	int64_t now = 0, want = T0;
	unsigned waiting = 0;

	srand(12345);
	make_table();
	for (int n = 0; n < N; n++) {
		now += (rand() % 400) * MS;
		/* The wanted id wanders, back as well as forth. */
		want += rand() % 600 - 200;
		int64_t id = rqt_add(table, want, now);
		for (int k = 0; k < n; k++)
			CU_ASSERT_FATAL(ids[k] != id);
		/* The oldest slot, if still waiting, is dropped from the count. */
		if (n >= RQT_CAPACITY && state[n - RQT_CAPACITY] == 0)
			waiting--;
		ids[n] = id;
		sent_at[n] = now;
		state[n] = 0;
		waiting++;
		CU_ASSERT_EQUAL_FATAL(rqt_outstanding(table), waiting);

		/* Answer a random one of the last few, possibly again. */
		int k = n - rand() % 8;
		if (k < 0)
			continue;
		int64_t sent = -1;
		enum rqt_match m = rqt_match(table, ids[k], now, &sent);
		if (k <= n - RQT_CAPACITY) {
			CU_ASSERT_EQUAL_FATAL(m, RQT_UNKNOWN);
		} else if (state[k] == 1) {
			CU_ASSERT_EQUAL_FATAL(m, RQT_DUPLICATE);
		} else if (state[k] == 2 || now - sent_at[k] > TIMEOUT) {
			CU_ASSERT_EQUAL_FATAL(m, RQT_EXPIRED);
		} else {
			CU_ASSERT_EQUAL_FATAL(m, RQT_MATCHED);
			CU_ASSERT_EQUAL_FATAL(sent, sent_at[k]);
			state[k] = 1;
			waiting--;
		}
		if (rand() % 4 == 0) {
			unsigned want_expired = 0;
			for (int j = n - RQT_CAPACITY + 1; j <= n; j++) {
				if (j >= 0 && state[j] == 0 && now - sent_at[j] > TIMEOUT) {
					state[j] = 2;
					want_expired++;
				}
			}
			CU_ASSERT_EQUAL_FATAL(rqt_expire(table, now), want_expired);
			waiting -= want_expired;
			CU_ASSERT_EQUAL_FATAL(rqt_outstanding(table), waiting);
		}
	}
	drop_table();
}

static void match_names_are_distinct(void)
{
	for (int i = RQT_MATCHED; i <= RQT_EXPIRED; i++) {
		CU_ASSERT_STRING_NOT_EQUAL(rqt_match_name((enum rqt_match)i), "unknown");
		for (int j = RQT_MATCHED; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(rqt_match_name((enum rqt_match)i),
			                           rqt_match_name((enum rqt_match)j));
	}
}

static int init_request_table_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(first_id_is_the_wanted_one),
	    RUNNER_TEST(same_millisecond_twice_gives_distinct_ids),
	    RUNNER_TEST(clock_stepped_back_still_gives_new_ids),
	    RUNNER_TEST(match_once_then_duplicate),
	    RUNNER_TEST(unknown_id_does_not_match),
	    RUNNER_TEST(answer_at_the_timeout_matches_and_one_ns_later_expires),
	    RUNNER_TEST(expired_request_is_counted_once),
	    RUNNER_TEST(answered_requests_never_expire),
	    RUNNER_TEST(each_request_expires_at_its_own_deadline),
	    RUNNER_TEST(outstanding_counts_waiting_requests_only),
	    RUNNER_TEST(ring_forgets_the_oldest_after_capacity_entries),
	    RUNNER_TEST(random_traffic_keeps_ids_unique_and_counts_consistent),
	    RUNNER_TEST(match_names_are_distinct),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("request_table", tests);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_request_table_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
