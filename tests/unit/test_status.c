/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for status: the retained JSON status message.
 */
#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "runner.h"
#include "status.h"

#define MS INT64_C(1000000)

/* 2026-11-24T21:00:00Z */
#define EPOCH_2026_S 1795554000

static struct syn_counters counters;

static void fill_counters(void)
{
	memset(&counters, 0, sizeof(counters));
	counters.sent = 12;
	counters.answered = 11;
	counters.timed_out = 1;
	counters.polls = 3;
	counters.samples = 2;
	for (int i = 0; i < SYN_VERDICT_COUNT; i++)
		counters.by_verdict[i] = 100 + (uint64_t)i;
	counters.rejected = 5;
}

static struct sts_view view_with_sample(void)
{
	struct sts_view v = {
	    .synced = true,
	    .have_sample = true,
	    .last_sample = {.recv_real = {.tv_sec = EPOCH_2026_S, .tv_nsec = 123456789},
	                    .offset_ns = -1500000,
	                    .rtt_ns = 20500000},
	    .counters = &counters,
	    .refclock_connected = true,
	    .samples_to_chrony = 3,
	    .since = {.tv_sec = EPOCH_2026_S - 3600, .tv_nsec = 5000000},
	    .error_ns = 412345,
	};
	return v;
}

/* Parses the whole of text as JSON, nothing after it. */
static cJSON *parse(const char *text)
{
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
	CU_ASSERT_PTR_NOT_NULL(root);
	CU_ASSERT(cJSON_IsObject(root));
	return root;
}

static double number(const cJSON *root, const char *name)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, name);
	CU_ASSERT(cJSON_IsNumber(item));
	return cJSON_IsNumber(item) ? item->valuedouble : NAN;
}

static bool is_true(const cJSON *root, const char *name)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, name));
}

static bool is_false(const cJSON *root, const char *name)
{
	return cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(root, name));
}

static bool is_null(const cJSON *root, const char *name)
{
	return cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(root, name));
}

static void status_with_a_sample_is_json_with_every_field(void)
{
	char buf[STS_BUF_SIZE];
	struct sts_view v = view_with_sample();

	fill_counters();
	int n = sts_format(buf, sizeof(buf), &v);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(n, (int)strlen(buf));
	cJSON *root = parse(buf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);

	CU_ASSERT_TRUE(is_true(root, "synced"));
	const cJSON *since = cJSON_GetObjectItemCaseSensitive(root, "since_utc");
	CU_ASSERT_TRUE_FATAL(cJSON_IsString(since));
	CU_ASSERT_STRING_EQUAL(since->valuestring, "2026-11-24T20:00:00.005Z");
	CU_ASSERT_DOUBLE_EQUAL(number(root, "offset_s"), -0.0015, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(number(root, "rtt_ms"), 20.5, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(number(root, "error_bound_ms"), 0.412, 1e-9);
	/* Shown only when given. */
	CU_ASSERT_PTR_NULL(cJSON_GetObjectItemCaseSensitive(root, "estimator"));
	const cJSON *utc = cJSON_GetObjectItemCaseSensitive(root, "last_sample_utc");
	CU_ASSERT_TRUE_FATAL(cJSON_IsString(utc));
	CU_ASSERT_STRING_EQUAL(utc->valuestring, "2026-11-24T21:00:00.123Z");
	CU_ASSERT_EQUAL(number(root, "sent"), 12);
	CU_ASSERT_EQUAL(number(root, "answered"), 11);
	CU_ASSERT_EQUAL(number(root, "timed_out"), 1);
	CU_ASSERT_EQUAL(number(root, "rejected"), 5);
	CU_ASSERT_EQUAL(number(root, "polls"), 3);
	CU_ASSERT_EQUAL(number(root, "samples"), 2);
	CU_ASSERT_TRUE(is_true(root, "refclock_connected"));
	CU_ASSERT_EQUAL(number(root, "samples_to_chrony"), 3);

	/* Every verdict but acceptance, under its own name, with its own count. */
	const cJSON *dropped = cJSON_GetObjectItemCaseSensitive(root, "dropped_by");
	CU_ASSERT_TRUE_FATAL(cJSON_IsObject(dropped));
	CU_ASSERT_EQUAL(cJSON_GetArraySize(dropped), SYN_VERDICT_COUNT - 1);
	CU_ASSERT_PTR_NULL(cJSON_GetObjectItemCaseSensitive(dropped, "accepted"));
	for (int i = 1; i < SYN_VERDICT_COUNT; i++)
		CU_ASSERT_EQUAL(number(dropped, syn_verdict_name((enum syn_verdict)i)), 100 + i);
	cJSON_Delete(root);
}

static void status_without_a_sample_has_null_offset_and_rtt(void)
{
	char buf[STS_BUF_SIZE];
	struct sts_view v = view_with_sample();

	memset(&counters, 0, sizeof(counters));
	v.synced = false;
	v.have_sample = false;
	v.refclock_connected = false;
	v.samples_to_chrony = 0;
	CU_ASSERT_FATAL(sts_format(buf, sizeof(buf), &v) > 0);
	cJSON *root = parse(buf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_TRUE(is_false(root, "synced"));
	CU_ASSERT_TRUE(is_null(root, "offset_s"));
	CU_ASSERT_TRUE(is_null(root, "rtt_ms"));
	CU_ASSERT_TRUE(is_null(root, "error_bound_ms"));
	CU_ASSERT_TRUE(is_null(root, "last_sample_utc"));
	CU_ASSERT_TRUE(is_false(root, "refclock_connected"));
	CU_ASSERT_EQUAL(number(root, "sent"), 0);
	CU_ASSERT_EQUAL(number(root, "samples_to_chrony"), 0);
	cJSON_Delete(root);
}

static void offset_is_printed_to_the_nanosecond(void)
{
	char buf[STS_BUF_SIZE];
	struct sts_view v = view_with_sample();

	fill_counters();
	v.last_sample.offset_ns = 3700012345;
	v.last_sample.rtt_ns = 410000;
	CU_ASSERT_FATAL(sts_format(buf, sizeof(buf), &v) > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"offset_s\":3.700012345,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"rtt_ms\":0.410,"));
	v.last_sample.offset_ns = -1;
	CU_ASSERT_FATAL(sts_format(buf, sizeof(buf), &v) > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"offset_s\":-0.000000001,"));
}

static void sample_time_is_truncated_to_the_millisecond(void)
{
	char buf[STS_BUF_SIZE];
	struct sts_view v = view_with_sample();

	fill_counters();
	v.last_sample.recv_real.tv_sec = EPOCH_2026_S + 59;
	v.last_sample.recv_real.tv_nsec = 999999999;
	CU_ASSERT_FATAL(sts_format(buf, sizeof(buf), &v) > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"last_sample_utc\":\"2026-11-24T21:00:59.999Z\""));
	v.last_sample.recv_real.tv_sec = 0;
	v.last_sample.recv_real.tv_nsec = 0;
	CU_ASSERT_FATAL(sts_format(buf, sizeof(buf), &v) > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"last_sample_utc\":\"1970-01-01T00:00:00.000Z\""));
}

static void largest_values_still_fit_and_parse(void)
{
	char buf[STS_BUF_SIZE];
	struct sts_view v = view_with_sample();

	memset(&counters, 0xff, sizeof(counters)); /* every counter UINT64_MAX */
	v.last_sample.offset_ns = INT64_MIN;
	v.last_sample.rtt_ns = INT64_MAX;
	/* 2099-12-31T23:59:59, or where time_t has 32 bits its last second. */
	const bool time_t_64 = sizeof(time_t) >= 8;
	v.last_sample.recv_real.tv_sec =
	    time_t_64 ? (time_t)INT64_C(4102444799) : (time_t)INT32_MAX;
	v.samples_to_chrony = ULLONG_MAX;
	int n = sts_format(buf, sizeof(buf), &v);
	CU_ASSERT_FATAL(n > 0 && n < STS_BUF_SIZE);
	cJSON *root = parse(buf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_DOUBLE_EQUAL(number(root, "offset_s"), -9223372036.854775808, 1e-3);
	CU_ASSERT_DOUBLE_EQUAL(number(root, "sent"), 18446744073709551615.0, 1e4);
	const cJSON *utc = cJSON_GetObjectItemCaseSensitive(root, "last_sample_utc");
	CU_ASSERT_FATAL(cJSON_IsString(utc));
	CU_ASSERT_STRING_EQUAL(utc->valuestring,
	                       time_t_64 ? "2099-12-31T23:59:59.123Z" : "2038-01-19T03:14:07.123Z");
	cJSON_Delete(root);
}

static void status_of_a_gateway_serving_the_lan_has_its_counters(void)
{
	char buf[STS_BUF_SIZE];
	struct sts_view v = view_with_sample();
	struct srv_stats lan = {
	    .answered = 41,
	    .bad_request = 3,
	    .rate_limited = 17,
	    .unsynced = 5,
	    .forged_answer = 2,
	};
	const char *names[] = {"answered", "bad_request", "rate_limited", "unsynced",
	                       "forged_answer"};
	const double want[] = {41, 3, 17, 5, 2};

	fill_counters();
	v.serve = &lan;
	int n = sts_format(buf, sizeof(buf), &v);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(n, (int)strlen(buf));
	cJSON *root = parse(buf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, "lan");
	CU_ASSERT_TRUE_FATAL(cJSON_IsObject(o));
	CU_ASSERT_EQUAL(cJSON_GetArraySize(o), 5);
	for (int i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(number(o, names[i]), want[i]);
	/* The sync role's own counters are still there, and its own. */
	CU_ASSERT_EQUAL(number(root, "answered"), 11);
	CU_ASSERT_TRUE(is_true(root, "synced"));
	CU_ASSERT_EQUAL(number(root, "samples_to_chrony"), 3);
	cJSON_Delete(root);
}

static void status_without_lan_service_has_no_lan_member(void)
{
	char buf[STS_BUF_SIZE];
	struct sts_view v = view_with_sample();

	fill_counters();
	v.serve = NULL;
	CU_ASSERT_FATAL(sts_format(buf, sizeof(buf), &v) > 0);
	cJSON *root = parse(buf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_PTR_NULL(cJSON_GetObjectItemCaseSensitive(root, "lan"));
	CU_ASSERT_PTR_NULL(strstr(buf, "\"lan\""));
	cJSON_Delete(root);
}

static void status_counts_publishes_denied_on_the_plugins_own_topics(void)
{
	char buf[STS_BUF_SIZE];
	struct sts_view v = view_with_sample();
	struct rte_stats route = {.own_topic = 7};

	fill_counters();
	CU_ASSERT_FATAL(sts_format(buf, sizeof(buf), &v) > 0);
	CU_ASSERT_PTR_NULL(strstr(buf, "denied_own_topics"));
	v.route = &route;
	CU_ASSERT_FATAL(sts_format(buf, sizeof(buf), &v) > 0);
	cJSON *root = parse(buf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_EQUAL(number(root, "denied_own_topics"), 7);
	cJSON_Delete(root);
}

static void status_counts_what_the_estimator_set_aside(void)
{
	char buf[STS_BUF_SIZE];
	struct sts_view v = view_with_sample();
	struct est_counters est = {.taken = 900, .outliers = 4, .steps = 1};

	fill_counters();
	v.estimator = &est;
	CU_ASSERT_FATAL(sts_format(buf, sizeof(buf), &v) > 0);
	cJSON *root = parse(buf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, "estimator");
	CU_ASSERT_TRUE_FATAL(cJSON_IsObject(o));
	CU_ASSERT_EQUAL(number(o, "outliers"), 4);
	CU_ASSERT_EQUAL(number(o, "steps"), 1);
	CU_ASSERT_EQUAL(number(o, "shortened"), 0);
	CU_ASSERT_EQUAL(number(o, "bent"), 0);
	cJSON_Delete(root);
}

static void status_shows_the_poll_and_the_requests_of_the_last_day(void)
{
	char buf[STS_BUF_SIZE];
	struct sts_view v = view_with_sample();

	fill_counters();
	CU_ASSERT_FATAL(sts_format(buf, sizeof(buf), &v) > 0);
	CU_ASSERT_PTR_NULL(strstr(buf, "poll_s"));
	v.have_schedule = true;
	v.poll_s = 71.11;
	v.poll_adapts = true;
	v.requests_24h = 5123;
	v.max_requests_per_day = 5400;
	CU_ASSERT_FATAL(sts_format(buf, sizeof(buf), &v) > 0);
	cJSON *root = parse(buf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_DOUBLE_EQUAL(number(root, "poll_s"), 71.1, 1e-9);
	CU_ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "poll_adapts")));
	CU_ASSERT_EQUAL(number(root, "requests_24h"), 5123);
	CU_ASSERT_EQUAL(number(root, "max_requests_per_day"), 5400);
	cJSON_Delete(root);
}

static void largest_values_with_lan_counters_still_fit_and_parse(void)
{
	char buf[STS_BUF_SIZE];
	struct sts_view v = view_with_sample();
	struct srv_stats lan;
	struct rte_stats route;
	struct est_counters est;

	memset(&est, 0xff, sizeof(est));
	memset(&counters, 0xff, sizeof(counters));
	memset(&lan, 0xff, sizeof(lan));
	memset(&route, 0xff, sizeof(route));
	v.last_sample.offset_ns = INT64_MIN;
	v.last_sample.rtt_ns = INT64_MAX;
	v.last_sample.recv_real.tv_sec = 4102444799;
	v.samples_to_chrony = ULLONG_MAX;
	v.serve = &lan;
	v.route = &route;
	v.estimator = &est;
	v.error_ns = INT64_MAX;
	v.have_schedule = true;
	v.poll_s = 86400;
	v.requests_24h = ULLONG_MAX;
	v.max_requests_per_day = UINT_MAX;
	int n = sts_format(buf, sizeof(buf), &v);
	CU_ASSERT_FATAL(n > 0 && n < STS_BUF_SIZE);
	cJSON *root = parse(buf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, "lan");
	CU_ASSERT_TRUE_FATAL(cJSON_IsObject(o));
	CU_ASSERT_DOUBLE_EQUAL(number(o, "forged_answer"), 18446744073709551615.0, 1e4);
	CU_ASSERT_DOUBLE_EQUAL(number(root, "denied_own_topics"), 18446744073709551615.0, 1e4);
	cJSON_Delete(root);
}

static void exchange_message_carries_the_four_timestamps(void)
{
	struct syn_exchange x = {
	    .t1_ms = INT64_C(1795554000100),
	    .t2_ms = INT64_C(1795554001010),
	    .t3_ms = INT64_C(1795554001015),
	    .t4_ms = INT64_C(1795554000125),
	    .sample = {.offset_ns = -INT64_C(900500000), .rtt_ns = INT64_C(20123456)},
	};
	char buf[STS_EXCHANGE_SIZE];

	int n = sts_format_exchange(buf, sizeof(buf), &x);
	CU_ASSERT_FATAL(n > 0 && (size_t)n == strlen(buf));
	cJSON *root = cJSON_Parse(buf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	/* Doubles hold these ms values exactly (below 2^53). */
	CU_ASSERT_EQUAL(cJSON_GetObjectItem(root, "t1")->valuedouble, 1795554000100.0);
	CU_ASSERT_EQUAL(cJSON_GetObjectItem(root, "t2")->valuedouble, 1795554001010.0);
	CU_ASSERT_EQUAL(cJSON_GetObjectItem(root, "t3")->valuedouble, 1795554001015.0);
	CU_ASSERT_EQUAL(cJSON_GetObjectItem(root, "t4")->valuedouble, 1795554000125.0);
	CU_ASSERT_EQUAL(cJSON_GetObjectItem(root, "offset_ns")->valuedouble, -900500000.0);
	CU_ASSERT_EQUAL(cJSON_GetObjectItem(root, "rtt_ns")->valuedouble, 20123456.0);
	cJSON_Delete(root);
	/* One byte short of the message and its NUL: refused, not cut. */
	CU_ASSERT_EQUAL(sts_format_exchange(buf, (size_t)n, &x), -1);
}

static void too_small_a_buffer_gives_minus_one(void)
{
	char full[STS_BUF_SIZE];
	char buf[STS_BUF_SIZE];
	struct sts_view v = view_with_sample();

	fill_counters();
	int n = sts_format(full, sizeof(full), &v);
	CU_ASSERT_FATAL(n > 0);
	for (int size = 0; size <= n; size++)
		CU_ASSERT_EQUAL(sts_format(buf, (size_t)size, &v), -1);
	/* Room for the terminating NUL is all it takes. */
	CU_ASSERT_EQUAL(sts_format(buf, (size_t)n + 1, &v), n);
	CU_ASSERT_STRING_EQUAL(buf, full);
}

static int init_status_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(status_with_a_sample_is_json_with_every_field),
	    RUNNER_TEST(status_without_a_sample_has_null_offset_and_rtt),
	    RUNNER_TEST(offset_is_printed_to_the_nanosecond),
	    RUNNER_TEST(sample_time_is_truncated_to_the_millisecond),
	    RUNNER_TEST(largest_values_still_fit_and_parse),
	    RUNNER_TEST(status_of_a_gateway_serving_the_lan_has_its_counters),
	    RUNNER_TEST(status_without_lan_service_has_no_lan_member),
	    RUNNER_TEST(status_counts_publishes_denied_on_the_plugins_own_topics),
	    RUNNER_TEST(status_counts_what_the_estimator_set_aside),
	    RUNNER_TEST(status_shows_the_poll_and_the_requests_of_the_last_day),
	    RUNNER_TEST(largest_values_with_lan_counters_still_fit_and_parse),
	    RUNNER_TEST(exchange_message_carries_the_four_timestamps),
	    RUNNER_TEST(too_small_a_buffer_gives_minus_one),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("status", tests);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_status_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
