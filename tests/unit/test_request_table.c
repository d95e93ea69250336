/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for request_table: the requests in flight.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "request_table.h"
#include "runner.h"

#define MS      INT64_C(1000000)
#define TIMEOUT (3000 * MS)
#define T0      INT64_C(1795554000000) /* an id: realtime ms */

static struct rqt_table *table;

/* An echoed number, as Alibaba's and Huawei's answers name a request. */
static struct dlc_id num(int64_t n)
{
	return (struct dlc_id){.kind = DLC_ID_NUMBER, .number = n};
}

/* A message id, as Tuya's answers name a request. */
static struct dlc_id str(const char *text)
{
	struct dlc_id id = {.kind = DLC_ID_STRING};
	snprintf(id.text, sizeof(id.text), "%s", text);
	return id;
}

/* Nothing, as Tencent's answers name a request. */
static const struct dlc_id none = {.kind = DLC_ID_NONE};

/* Records a request named by the number id, sent at mono_ns; returns id. */
static int64_t add(int64_t id, int64_t mono_ns)
{
	struct dlc_id i = num(id);
	rqt_add(table, &i, mono_ns);
	return id;
}

static enum rqt_match match(int64_t id, int64_t now_ns, int64_t *sent_ns)
{
	struct dlc_id i = num(id);
	return rqt_match(table, &i, now_ns, sent_ns);
}

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

static void added_requests_are_outstanding(void)
{
	make_table();
	add(T0, 0);
	add(T0 + 200, 200 * MS);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 2);
	drop_table();
}

static void each_id_matches_its_own_request_by_send_time(void)
{
	make_table();
	int64_t a = add(T0, 0);
	int64_t b = add(T0 + 1, 1);
	int64_t c = add(T0 + 2, 2);
	int64_t sent = -1;
	CU_ASSERT_EQUAL(match(b, 10, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(sent, 1);
	CU_ASSERT_EQUAL(match(c, 10, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(sent, 2);
	CU_ASSERT_EQUAL(match(a, 10, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(sent, 0);
	drop_table();
}

static void string_ids_match_by_their_text(void)
{
	make_table();
	struct dlc_id a = str("1795554000000-1"), b = str("1795554000000-2");
	struct dlc_id other = str("1795554000000-3"), prefix = str("1795554000000-");
	int64_t sent = -1;
	rqt_add(table, &a, 0);
	rqt_add(table, &b, 5);
	CU_ASSERT_EQUAL(rqt_match(table, &other, 10, &sent), RQT_UNKNOWN);
	CU_ASSERT_EQUAL(rqt_match(table, &prefix, 10, &sent), RQT_UNKNOWN);
	CU_ASSERT_EQUAL(sent, -1);
	CU_ASSERT_EQUAL(rqt_match(table, &b, 10, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(sent, 5);
	CU_ASSERT_EQUAL(rqt_match(table, &b, 11, &sent), RQT_DUPLICATE);
	CU_ASSERT_EQUAL(rqt_match(table, &a, 12, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(sent, 0);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 0);
	drop_table();
}

static void an_id_of_another_kind_never_matches(void)
{
	struct dlc_id n = num(17), s = str("17");
	int64_t sent = -1;

	/* The number 17 is not the text "17", and an answer that names no request is none of
	 * theirs. */
	make_table();
	rqt_add(table, &n, 0);
	CU_ASSERT_EQUAL(rqt_find(table, &s, 10, &sent), RQT_UNKNOWN);
	CU_ASSERT_EQUAL(rqt_find(table, &none, 10, &sent), RQT_UNKNOWN);
	drop_table();
	make_table();
	rqt_add(table, &s, 0);
	CU_ASSERT_EQUAL(rqt_find(table, &n, 10, &sent), RQT_UNKNOWN);
	CU_ASSERT_EQUAL(rqt_find(table, &none, 10, &sent), RQT_UNKNOWN);
	drop_table();
	/* Nor does a named answer match a request without a name. */
	make_table();
	rqt_add(table, &none, 0);
	CU_ASSERT_EQUAL(rqt_match(table, &n, 10, &sent), RQT_UNKNOWN);
	CU_ASSERT_EQUAL(rqt_match(table, &s, 10, &sent), RQT_UNKNOWN);
	CU_ASSERT_EQUAL(sent, -1);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 1);
	drop_table();
}

static void an_echo_matches_whether_the_number_was_quoted_or_not(void)
{
	make_table();
	struct dlc_id quoted = {.kind = DLC_ID_NUMBER, .number = T0, .quoted = true};
	int64_t sent = -1;
	rqt_add(table, &quoted, 3);
	CU_ASSERT_EQUAL(match(T0, 10, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(sent, 3);
	drop_table();
}

static void without_ids_the_request_waiting_is_the_one_answered(void)
{
	make_table();
	int64_t sent = -1;
	/* Nothing sent yet: an answer is unknown. */
	CU_ASSERT_EQUAL(rqt_match(table, &none, 0, &sent), RQT_UNKNOWN);
	rqt_add(table, &none, 0);
	CU_ASSERT_EQUAL(rqt_match(table, &none, 20 * MS, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(sent, 0);
	/* With none waiting, the newest request tells what another answer is. */
	CU_ASSERT_EQUAL(rqt_match(table, &none, 25 * MS, &sent), RQT_DUPLICATE);
	rqt_add(table, &none, 100 * MS);
	CU_ASSERT_EQUAL(rqt_find(table, &none, 120 * MS, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(sent, 100 * MS);
	CU_ASSERT_EQUAL(rqt_match(table, &none, 130 * MS, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(sent, 100 * MS);
	rqt_add(table, &none, 200 * MS);
	CU_ASSERT_EQUAL(rqt_expire(table, 200 * MS + TIMEOUT + 1), 1);
	sent = -1;
	CU_ASSERT_EQUAL(rqt_match(table, &none, 200 * MS + TIMEOUT + 2, &sent), RQT_EXPIRED);
	CU_ASSERT_EQUAL(sent, -1);
	/* The next is answered at its own send time, however many came before. */
	rqt_add(table, &none, 300 * MS + TIMEOUT);
	CU_ASSERT_EQUAL(rqt_match(table, &none, 310 * MS + TIMEOUT, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(sent, 300 * MS + TIMEOUT);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 0);
	drop_table();
}

static void match_once_then_duplicate(void)
{
	make_table();
	int64_t id = add(T0, 1000 * MS);
	int64_t sent = -1;
	CU_ASSERT_EQUAL(match(id, 1040 * MS, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(sent, 1000 * MS);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 0);
	sent = -1;
	CU_ASSERT_EQUAL(match(id, 1050 * MS, &sent), RQT_DUPLICATE);
	CU_ASSERT_EQUAL(sent, -1);
	CU_ASSERT_EQUAL(match(id, 1060 * MS, &sent), RQT_DUPLICATE);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 0);
	drop_table();
}

static void unknown_id_does_not_match(void)
{
	make_table();
	int64_t sent = -1;
	CU_ASSERT_EQUAL(match(T0, 0, &sent), RQT_UNKNOWN);
	int64_t id = add(T0, 0);
	CU_ASSERT_EQUAL(match(id + 1, 10, &sent), RQT_UNKNOWN);
	CU_ASSERT_EQUAL(match(id - 1, 10, &sent), RQT_UNKNOWN);
	CU_ASSERT_EQUAL(match(0, 10, &sent), RQT_UNKNOWN);
	CU_ASSERT_EQUAL(sent, -1);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 1);
	drop_table();
}

static void answer_at_the_timeout_matches_and_one_ns_later_expires(void)
{
	make_table();
	int64_t a = add(T0, 0);
	int64_t b = add(T0 + 1, 0);
	int64_t sent;
	CU_ASSERT_EQUAL(match(a, TIMEOUT, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(match(b, TIMEOUT + 1, &sent), RQT_EXPIRED);
	drop_table();
}

static void expired_request_is_counted_once(void)
{
	make_table();
	int64_t id = add(T0, 0);
	add(T0 + 200, 200 * MS);
	int64_t sent = -1;

	CU_ASSERT_EQUAL(rqt_expire(table, TIMEOUT), 0);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 2);
	/* A late answer is expired, not matched, and leaves no send time. */
	CU_ASSERT_EQUAL(match(id, TIMEOUT + 1, &sent), RQT_EXPIRED);
	CU_ASSERT_EQUAL(sent, -1);
	/* Only the first request is overdue here. */
	CU_ASSERT_EQUAL(rqt_expire(table, TIMEOUT + 1), 1);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 1);
	CU_ASSERT_EQUAL(rqt_expire(table, TIMEOUT + 2), 0);
	/* Still expired when it comes again. */
	CU_ASSERT_EQUAL(match(id, TIMEOUT + 3, &sent), RQT_EXPIRED);
	CU_ASSERT_EQUAL(rqt_expire(table, TIMEOUT + 200 * MS + 1), 1);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 0);
	CU_ASSERT_EQUAL(rqt_expire(table, 100 * TIMEOUT), 0);
	drop_table();
}

static void answered_requests_never_expire(void)
{
	make_table();
	int64_t id = add(T0, 0);
	int64_t sent;
	CU_ASSERT_EQUAL(match(id, 1, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(rqt_expire(table, 10 * TIMEOUT), 0);
	CU_ASSERT_EQUAL(match(id, 10 * TIMEOUT, &sent), RQT_DUPLICATE);
	drop_table();
}

/* rqt_expire skips its scan until the oldest waiting request may be overdue: answering or
 * expiring the oldest must not hide the next one's deadline. */
static void each_request_expires_at_its_own_deadline(void)
{
	make_table();
	int64_t a = add(T0, 0);
	add(T0 + 100, 100 * MS);
	add(T0 + 300, 300 * MS);
	int64_t sent;

	CU_ASSERT_EQUAL(match(a, 50 * MS, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(rqt_expire(table, TIMEOUT + 1), 0);
	CU_ASSERT_EQUAL(rqt_expire(table, TIMEOUT + 100 * MS), 0);
	CU_ASSERT_EQUAL(rqt_expire(table, TIMEOUT + 100 * MS + 1), 1);
	CU_ASSERT_EQUAL(rqt_expire(table, TIMEOUT + 300 * MS), 0);
	/* A request recorded with an earlier time than one waiting is tracked all the same. */
	add(T0 + 400, 200 * MS);
	CU_ASSERT_EQUAL(rqt_expire(table, TIMEOUT + 200 * MS + 1), 1);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 1);
	CU_ASSERT_EQUAL(rqt_expire(table, TIMEOUT + 300 * MS + 1), 1);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 0);
	/* An empty table starts over from the next request's time. */
	add(T0 + 500, 10 * TIMEOUT);
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
		ids[i] = add(T0 + i * 200, i * 200 * MS);
		CU_ASSERT_EQUAL(rqt_outstanding(table), (unsigned)i + 1);
	}
	CU_ASSERT_EQUAL(match(ids[2], 900 * MS, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 4);
	CU_ASSERT_EQUAL(match(ids[2], 900 * MS, &sent), RQT_DUPLICATE);
	CU_ASSERT_EQUAL(match(T0 - 1, 900 * MS, &sent), RQT_UNKNOWN);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 4);
	/* Requests 0 and 1 (sent at 0 and 200 ms) are overdue at 3.3 s. */
	CU_ASSERT_EQUAL(rqt_expire(table, TIMEOUT + 300 * MS), 2);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 2);
	CU_ASSERT_EQUAL(match(ids[4], TIMEOUT, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(rqt_outstanding(table), 1);
	drop_table();
}

static void ring_forgets_the_oldest_after_capacity_entries(void)
{
	make_table();
	int64_t first = add(T0, 0);
	int64_t second = add(T0 + 1, 0);
	int64_t sent;
	CU_ASSERT_EQUAL(match(second, 1, &sent), RQT_MATCHED);
	for (int i = 2; i < RQT_CAPACITY; i++)
		add(T0 + i, 0);
	/* Full, nothing lost yet. */
	CU_ASSERT_EQUAL(rqt_outstanding(table), RQT_CAPACITY - 1);
	CU_ASSERT_EQUAL(match(second, 2, &sent), RQT_DUPLICATE);
	/* Two more overwrite the two oldest slots. */
	int64_t a = add(T0 + RQT_CAPACITY, 0);
	int64_t b = add(T0 + RQT_CAPACITY + 1, 0);
	CU_ASSERT_EQUAL(match(first, 3, &sent), RQT_UNKNOWN);
	CU_ASSERT_EQUAL(match(second, 3, &sent), RQT_UNKNOWN);
	/* The waiting one overwritten no longer counts; the new ones do. */
	CU_ASSERT_EQUAL(rqt_outstanding(table), RQT_CAPACITY);
	CU_ASSERT_EQUAL(match(a, 4, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(match(b, 4, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(match(T0 + 2, 4, &sent), RQT_MATCHED);
	CU_ASSERT_EQUAL(rqt_outstanding(table), RQT_CAPACITY - 3);
	drop_table();
}

/* The n-th request of the random traffic below: numbers and message ids in turn. */
static struct dlc_id nth_id(int n)
{
	char text[DLC_ID_MAX + 1];

	if (n % 2 == 0)
		return num(T0 + n);
	snprintf(text, sizeof(text), "%" PRId64 "-%d", T0 + n, n);
	return str(text);
}

static void random_traffic_keeps_counts_consistent(void)
{
	/* A model: for every request ever sent, whether it is waiting, answered or expired. */
	enum { N = 5000 };
	static int64_t sent_at[N];
	static int state[N]; /* 0 waiting, 1 answered, 2 timed out or late */
	int64_t now = 0;
	unsigned waiting = 0;

	srand(12345);
	make_table();
	for (int n = 0; n < N; n++) {
		now += (rand() % 400) * MS;
		struct dlc_id id = nth_id(n);
		rqt_add(table, &id, now);
		/* The oldest slot, if still waiting, is dropped from the count. */
		if (n >= RQT_CAPACITY && state[n - RQT_CAPACITY] == 0)
			waiting--;
		sent_at[n] = now;
		state[n] = 0;
		waiting++;
		CU_ASSERT_EQUAL_FATAL(rqt_outstanding(table), waiting);

		/* Answer a random one of the last few, possibly again. */
		int k = n - rand() % 8;
		if (k < 0)
			continue;
		int64_t sent = -1;
		id = nth_id(k);
		enum rqt_match m = rqt_match(table, &id, now, &sent);
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
	    RUNNER_TEST(added_requests_are_outstanding),
	    RUNNER_TEST(each_id_matches_its_own_request_by_send_time),
	    RUNNER_TEST(string_ids_match_by_their_text),
	    RUNNER_TEST(an_id_of_another_kind_never_matches),
	    RUNNER_TEST(an_echo_matches_whether_the_number_was_quoted_or_not),
	    RUNNER_TEST(without_ids_the_request_waiting_is_the_one_answered),
	    RUNNER_TEST(match_once_then_duplicate),
	    RUNNER_TEST(unknown_id_does_not_match),
	    RUNNER_TEST(answer_at_the_timeout_matches_and_one_ns_later_expires),
	    RUNNER_TEST(expired_request_is_counted_once),
	    RUNNER_TEST(answered_requests_never_expire),
	    RUNNER_TEST(each_request_expires_at_its_own_deadline),
	    RUNNER_TEST(outstanding_counts_waiting_requests_only),
	    RUNNER_TEST(ring_forgets_the_oldest_after_capacity_entries),
	    RUNNER_TEST(random_traffic_keeps_counts_consistent),
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
