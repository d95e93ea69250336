/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for broker_sync: what the sync role publishes, counts and feeds chrony, against
 * the stubbed broker.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "broker_play.h"
#include "broker_tests.h"
#include "runner.h"

#define MS 1e-3

static void tick_sends_a_request_to_the_bridge_alone_on_the_request_topic_at_qos_0(void)
{
	void *ud;

	CU_ASSERT_EQUAL_FATAL(play_start(&ud, NULL), MOSQ_ERR_SUCCESS);
	int seen = stub_published_count();
	int64_t now_ms = play_real_ms();
	stub_tick();
	CU_ASSERT_EQUAL_FATAL(stub_published_count(), seen + 1);
	const struct stub_publish *p = stub_published(seen);
	CU_ASSERT_TRUE(p->to_client);
	CU_ASSERT_STRING_EQUAL(p->client_id, PLAY_BRIDGE_ID);
	CU_ASSERT_STRING_EQUAL(p->topic, PLAY_REQUEST_TOPIC);
	CU_ASSERT_EQUAL(p->qos, 0);
	CU_ASSERT_FALSE(p->retain);
	/* The request carries the system clock's ms at the tick, as the platform's SDK sends it. */
	char want[64];
	snprintf(want, sizeof(want), "{\"deviceSendTime\":\"%lld\"}", (long long)now_ms);
	CU_ASSERT_STRING_EQUAL(p->payload, want);
	play_stop(ud);
}

static void tick_asks_for_the_next_tick_within_100_ms(void)
{
	void *ud;

	CU_ASSERT_EQUAL_FATAL(play_start(&ud, NULL), MOSQ_ERR_SUCCESS);
	for (int i = 0; i < 50; i++) {
		long next = stub_tick();
		CU_ASSERT(next >= 1 && next <= 100);
		stub_clock_advance_ns(37 * 1000000LL);
	}
	play_stop(ud);
}

static void on_21_ticks_keep_coming_though_each_publish_brings_an_early_pass(void)
{
	void *ud;
	const int64_t ms = 1000000;
	int requests = 0;
	int64_t last_request = 0;

	CU_ASSERT_EQUAL_FATAL(play_start(&ud, NULL), MOSQ_ERR_SUCCESS);
	int64_t start = stub_clock_raw_ns();
	/* 2.1.2's loop without websockets and no other traffic: a pass for each wake asked for,
	 * 1 ms after each publish (src/plugin_public.c), else 5 s later (keepalives). One
	 * callback would lose its wake to the pass after each request and send the first poll's
	 * requests 5 s apart. */
	while (stub_clock_raw_ns() - start < 3000 * ms) {
		int before = stub_published_count();
		long wake = stub_tick_due();
		for (int i = before; i < stub_published_count(); i++) {
			if (strcmp(stub_published(i)->topic, PLAY_REQUEST_TOPIC) == 0) {
				requests++;
				last_request = stub_clock_raw_ns();
			}
		}
		int64_t step = stub_published_count() > before ? 1 * ms
		               : wake > 0                      ? wake * ms
		                                               : 5000 * ms;
		stub_clock_advance_ns(step);
	}
	/* The first poll's requests, 50 ms apart while unsynchronised, and no more: the
	 * platform does not answer here. */
	CU_ASSERT_EQUAL(requests, PLAY_FIRST_POLL);
	CU_ASSERT(last_request - start <= (PLAY_FIRST_POLL - 1) * 50 * ms + 10 * ms);
	play_stop(ud);
}

static void start_publishes_an_unsynced_status_retained(void)
{
	void *ud;

	CU_ASSERT_EQUAL_FATAL(play_start(&ud, NULL), MOSQ_ERR_SUCCESS);
	const struct stub_publish *p = stub_last_published_on(PLAY_STATUS_TOPIC, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_FALSE(p->to_client);
	CU_ASSERT_TRUE(p->retain);
	CU_ASSERT_EQUAL(p->qos, 0);
	cJSON *st = play_status(0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(st, "synced")));
	CU_ASSERT_EQUAL(play_number(st, "sent", NULL), 0);
	cJSON_Delete(st);
	play_stop(ud);
}

static void platform_answers_through_the_bridge_are_accepted_and_make_a_synced_status(void)
{
	void *ud;

	CU_ASSERT_EQUAL_FATAL(play_start(&ud, (const char *const[]){"burst", "4", NULL}),
	                      MOSQ_ERR_SUCCESS);
	int seen = stub_published_count();
	cJSON *st = play_poll(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	const struct stub_publish *p = stub_last_published_on(PLAY_STATUS_TOPIC, seen);
	CU_ASSERT_TRUE(p->retain);
	CU_ASSERT_FALSE(p->to_client);
	CU_ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "synced")));
	CU_ASSERT_EQUAL(play_number(st, "sent", NULL), PLAY_FIRST_POLL);
	CU_ASSERT_EQUAL(play_number(st, "answered", NULL), PLAY_FIRST_POLL);
	CU_ASSERT_EQUAL(play_number(st, "rejected", NULL), 0);
	CU_ASSERT_EQUAL(play_number(st, "timed_out", NULL), 0);
	CU_ASSERT_EQUAL(play_number(st, "polls", NULL), 1);
	CU_ASSERT_EQUAL(play_number(st, "samples", NULL), 1);
	CU_ASSERT_EQUAL(play_number(st, "dropped_by", "local_client", NULL), 0);
	CU_ASSERT_EQUAL(play_number(st, "dropped_by", "impostor", NULL), 0);
	CU_ASSERT_EQUAL(play_number(st, "denied_own_topics", NULL), 0);
	CU_ASSERT_DOUBLE_EQUAL(play_number(st, "offset_s", NULL), PLAY_OFFSET_MS * MS, 1 * MS);
	/* Round trips of 4 ms, in the platform's whole-ms stamps. */
	CU_ASSERT_DOUBLE_EQUAL(play_number(st, "rtt_ms", NULL), 4.0, 1.0);
	CU_ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "refclock_connected")));
	CU_ASSERT_EQUAL(play_number(st, "samples_to_chrony", NULL), 1);
	CU_ASSERT_EQUAL(play_number(st, "max_requests_per_day", NULL), 5400);
	/* A gateway without serve_lan has no LAN counters. */
	CU_ASSERT_PTR_NULL(cJSON_GetObjectItemCaseSensitive(st, "lan"));
	CU_ASSERT_EQUAL(stub_log_containing("iotntp: synchronised to the platform"), 1);
	cJSON_Delete(st);
	play_stop(ud);
}

static void chrony_gets_the_platform_offset_twice_a_second_once_synced(void)
{
	void *ud;
	double offset;

	CU_ASSERT_EQUAL_FATAL(play_start(&ud, NULL), MOSQ_ERR_SUCCESS);
	/* Nothing before the first answer. */
	for (int i = 0; i < 5; i++)
		stub_tick();
	CU_ASSERT_FALSE(play_chrony_sample(&offset));
	cJSON_Delete(play_poll(NULL));
	int samples = 0;
	while (play_chrony_sample(&offset)) {
		samples++;
		CU_ASSERT_DOUBLE_EQUAL(offset, PLAY_OFFSET_MS * MS, 1 * MS);
	}
	CU_ASSERT_EQUAL(samples, 1);
	/* One second of 10 ms ticks, short of the next poll (2 s after the first). */
	for (int i = 0; i < 100; i++) {
		stub_clock_advance_ns(10 * 1000000LL);
		stub_tick();
	}
	samples = 0;
	while (play_chrony_sample(&offset)) {
		samples++;
		CU_ASSERT_DOUBLE_EQUAL(offset, PLAY_OFFSET_MS * MS, 1 * MS);
	}
	CU_ASSERT_EQUAL(samples, 2);
	play_stop(ud);
}

static void a_step_of_the_system_clock_stops_chronys_samples_until_the_next_poll(void)
{
	void *ud;
	double offset;

	CU_ASSERT_EQUAL_FATAL(play_start(&ud, NULL), MOSQ_ERR_SUCCESS);
	cJSON_Delete(play_poll(NULL));
	while (play_chrony_sample(&offset))
		;
	stub_clock_step_real_ns(5 * 1000000000LL);
	for (int i = 0; i < 100; i++) {
		stub_clock_advance_ns(10 * 1000000LL);
		stub_tick();
	}
	CU_ASSERT_FALSE(play_chrony_sample(&offset));
	CU_ASSERT_EQUAL(stub_log_containing("iotntp: the system clock jumped by +5.000 s"), 1);
	/* The next poll measures the offset anew, 5 s less, and chrony gets that. */
	cJSON_Delete(play_poll(NULL));
	CU_ASSERT_TRUE_FATAL(play_chrony_sample(&offset));
	CU_ASSERT_DOUBLE_EQUAL(offset, PLAY_OFFSET_MS * MS - 5.0, 1 * MS);
	play_stop(ud);
}

static void each_accepted_exchange_is_published_on_the_exchange_topic_not_retained(void)
{
	void *ud;

	CU_ASSERT_EQUAL_FATAL(
	    play_start(&ud, (const char *const[]){"exchange_topic", "iotntp/exchange", "burst", "2",
	                                          NULL}),
	    MOSQ_ERR_SUCCESS);
	int seen = stub_published_count();
	cJSON_Delete(play_poll(NULL));
	int exchanges = 0;
	for (int i = seen; i < stub_published_count(); i++) {
		const struct stub_publish *p = stub_published(i);
		if (strcmp(p->topic, "iotntp/exchange") != 0)
			continue;
		exchanges++;
		CU_ASSERT_FALSE(p->retain);
		CU_ASSERT_FALSE(p->to_client);
		cJSON *x = cJSON_ParseWithLength(p->payload, (size_t)p->payloadlen);
		CU_ASSERT_PTR_NOT_NULL(x);
		CU_ASSERT_EQUAL(play_number(x, "t3", NULL) - play_number(x, "t2", NULL), 0);
		cJSON_Delete(x);
	}
	CU_ASSERT_EQUAL(exchanges, PLAY_FIRST_POLL);
	play_stop(ud);
}

static void an_answer_nobody_asked_for_is_counted_unknown_and_changes_nothing(void)
{
	void *ud;
	char answer[256];

	CU_ASSERT_EQUAL_FATAL(play_start(&ud, (const char *const[]){"burst", "1", NULL}),
	                      MOSQ_ERR_SUCCESS);
	play_answer(answer, sizeof(answer), 1234567);
	CU_ASSERT_EQUAL(stub_message(&play_bridge, PLAY_RESPONSE_TOPIC, answer, 0),
	                MOSQ_ERR_SUCCESS);
	cJSON *st = play_poll(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(play_number(st, "dropped_by", "unknown_request", NULL), 1);
	CU_ASSERT_EQUAL(play_number(st, "rejected", NULL), 1);
	CU_ASSERT_EQUAL(play_number(st, "answered", NULL), PLAY_FIRST_POLL);
	cJSON_Delete(st);
	play_stop(ud);
}

static void answers_the_platforms_dialect_refuses_are_counted_by_why_in_the_status(void)
{
	void *ud;
	char big[600];
	static const char *const bad[][2] = {
	    {"not json", "not_json"},
	    {"{\"deviceSendTime\":\"1\"}", "missing_field"},
	    {"{\"deviceSendTime\":\"x\",\"serverRecvTime\":\"1795554000110\","
	     "\"serverSendTime\":\"1795554000115\"}",
	     "bad_value"},
	    {"{\"deviceSendTime\":\"1\",\"serverRecvTime\":\"100\",\"serverSendTime\":\"101\"}",
	     "bad_time"},
	};

	CU_ASSERT_EQUAL_FATAL(play_start(&ud, (const char *const[]){"burst", "1", NULL}),
	                      MOSQ_ERR_SUCCESS);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(stub_message(&play_bridge, PLAY_RESPONSE_TOPIC, bad[i][0], 0),
		                MOSQ_ERR_SUCCESS);
	/* Over the 512 bytes Alibaba's answers are read up to. */
	memset(big, ' ', sizeof(big) - 1);
	big[0] = '{';
	big[sizeof(big) - 2] = '}';
	big[sizeof(big) - 1] = '\0';
	CU_ASSERT_EQUAL(stub_message(&play_bridge, PLAY_RESPONSE_TOPIC, big, 0), MOSQ_ERR_SUCCESS);
	cJSON *st = play_poll(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(play_number(st, "dropped_by", bad[i][1], NULL), 1);
	CU_ASSERT_EQUAL(play_number(st, "dropped_by", "too_large", NULL), 1);
	CU_ASSERT_EQUAL(play_number(st, "rejected", NULL), 5);
	/* None of them stood in the way of the genuine answer. */
	CU_ASSERT_EQUAL(play_number(st, "answered", NULL), PLAY_FIRST_POLL);
	CU_ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "synced")));
	cJSON_Delete(st);
	play_stop(ud);
}

int init_broker_sync_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(tick_sends_a_request_to_the_bridge_alone_on_the_request_topic_at_qos_0),
	    RUNNER_TEST(tick_asks_for_the_next_tick_within_100_ms),
	    RUNNER_TEST(on_21_ticks_keep_coming_though_each_publish_brings_an_early_pass),
	    RUNNER_TEST(start_publishes_an_unsynced_status_retained),
	    RUNNER_TEST(platform_answers_through_the_bridge_are_accepted_and_make_a_synced_status),
	    RUNNER_TEST(chrony_gets_the_platform_offset_twice_a_second_once_synced),
	    RUNNER_TEST(a_step_of_the_system_clock_stops_chronys_samples_until_the_next_poll),
	    RUNNER_TEST(each_accepted_exchange_is_published_on_the_exchange_topic_not_retained),
	    RUNNER_TEST(an_answer_nobody_asked_for_is_counted_unknown_and_changes_nothing),
	    RUNNER_TEST(answers_the_platforms_dialect_refuses_are_counted_by_why_in_the_status),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("broker_sync", tests);
}
