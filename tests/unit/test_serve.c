/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for serve: the emulated platform's side of the exchange.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec.h"
#include "runner.h"
#include "serve.h"

#define T0 INT64_C(1795554000000) /* 2026-11-24T21:00:00Z in ms */

/* Alibaba's dialect, the one the serve role has always spoken, unless a test says otherwise. */
static const struct dlc_dialect *aliyun(void)
{
	const struct dlc_dialect *d = dlc_find("aliyun");
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	return d;
}

static void answer_echoes_a_string_id_as_a_string(void)
{
	const char *req = "{\"deviceSendTime\":\"1795554000100\"}";
	char out[CDC_BUF_SIZE];
	enum dlc_status why = DLC_TOO_LARGE;

	int n = srv_answer(aliyun(), req, strlen(req), T0 + 110, T0 + 115, out, sizeof(out), &why);
	CU_ASSERT_EQUAL(why, DLC_OK);
	CU_ASSERT_EQUAL_FATAL(n, (int)strlen(out));
	CU_ASSERT_STRING_EQUAL(out, "{\"deviceSendTime\":\"1795554000100\",\"serverRecvTime\":"
	                            "\"1795554000110\",\"serverSendTime\":\"1795554000115\"}");
}

static void answer_echoes_a_number_id_as_a_number(void)
{
	const char *req = "{\"deviceSendTime\":1795554000100}";
	char out[CDC_BUF_SIZE];
	enum dlc_status why = DLC_TOO_LARGE;

	int n = srv_answer(aliyun(), req, strlen(req), T0 + 110, T0 + 110, out, sizeof(out), &why);
	CU_ASSERT_EQUAL(why, DLC_OK);
	CU_ASSERT_EQUAL_FATAL(n, (int)strlen(out));
	CU_ASSERT_STRING_EQUAL(out, "{\"deviceSendTime\":1795554000100,\"serverRecvTime\":"
	                            "\"1795554000110\",\"serverSendTime\":\"1795554000110\"}");
}

static void answer_decodes_as_a_response_with_the_same_times(void)
{
	const char *req = "{\"deviceSendTime\":\"42\"}";
	char out[CDC_BUF_SIZE];
	enum dlc_status why;
	struct cdc_response r;

	int n = srv_answer(aliyun(), req, strlen(req), T0 + 110, T0 + 111, out, sizeof(out), &why);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL_FATAL(cdc_decode_response(out, (size_t)n, &r), CDC_OK);
	CU_ASSERT_EQUAL(r.device_send, 42);
	CU_ASSERT_EQUAL(r.server_recv, T0 + 110);
	CU_ASSERT_EQUAL(r.server_send, T0 + 111);
}

static void bad_requests_get_no_answer_and_a_reason(void)
{
	char out[CDC_BUF_SIZE];
	enum dlc_status why = DLC_OK;
	char big[CDC_MAX_PAYLOAD + 1];

	CU_ASSERT_EQUAL(srv_answer(aliyun(), "nope", 4, T0, T0, out, sizeof(out), &why), -1);
	CU_ASSERT_EQUAL(why, DLC_NOT_JSON);
	CU_ASSERT_EQUAL(srv_answer(aliyun(), "{}", 2, T0, T0, out, sizeof(out), &why), -1);
	CU_ASSERT_EQUAL(why, DLC_MISSING_FIELD);
	const char *neg = "{\"deviceSendTime\":\"-1\"}";
	CU_ASSERT_EQUAL(srv_answer(aliyun(), neg, strlen(neg), T0, T0, out, sizeof(out), &why), -1);
	CU_ASSERT_EQUAL(why, DLC_BAD_VALUE);
	memset(big, ' ', sizeof(big));
	memcpy(big, "{\"deviceSendTime\":\"1\"}", 22);
	CU_ASSERT_EQUAL(srv_answer(aliyun(), big, sizeof(big), T0, T0, out, sizeof(out), &why), -1);
	CU_ASSERT_EQUAL(why, DLC_TOO_LARGE);
}

static void answer_reads_only_len_bytes(void)
{
	/* Trailing bytes past the payload's length are not part of it. */
	const char buf[] = "{\"deviceSendTime\":\"7\"}99\"garbage";
	char out[CDC_BUF_SIZE];
	enum dlc_status why;

	int n = srv_answer(aliyun(), buf, 22, T0, T0 + 1, out, sizeof(out), &why);
	CU_ASSERT_EQUAL(why, DLC_OK);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"deviceSendTime\":\"7\","));
}

static void answer_that_does_not_fit_fails(void)
{
	const char *req = "{\"deviceSendTime\":\"1795554000100\"}";
	char out[CDC_BUF_SIZE];
	enum dlc_status why;

	int n = srv_answer(aliyun(), req, strlen(req), T0, T0, out, sizeof(out), &why);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(srv_answer(aliyun(), req, strlen(req), T0, T0, out, (size_t)n, &why), -1);
	CU_ASSERT_EQUAL(srv_answer(aliyun(), req, strlen(req), T0, T0, out, (size_t)n + 1, &why),
	                n);
}

static struct timespec ts(int64_t sec, long nsec)
{
	struct timespec t = {.tv_sec = (time_t)sec, .tv_nsec = nsec};
	CU_ASSERT_FATAL((int64_t)t.tv_sec == sec);
	return t;
}

#define S_2026 INT64_C(1795554000)
#define NS_S   INT64_C(1000000000)
/* 2099-06-01T00:00:00Z, and the last second of a 32-bit time_t, 2038-01-19T03:14:07Z. */
#define S_2099        INT64_C(4083955200)
#define LAST_32_BIT_S INT64_C(2147483647)

static void authoritative_answers_from_the_system_clock(void)
{
	struct srv_clock c = {.authoritative = true};
	struct timespec sys = ts(S_2026, 123456789);
	int64_t out = 0;

	CU_ASSERT_TRUE_FATAL(srv_time_now(&c, &sys, 42, &out));
	CU_ASSERT_EQUAL(out, S_2026 * NS_S + 123456789);
	/* Whatever the other fields say: the emulator's clock is the reference. */
	c.plugin_synced = true;
	c.line = (struct est_estimate){.platform_ns = NS_S, .raw_ns = 0};
	CU_ASSERT_TRUE_FATAL(srv_time_now(&c, &sys, 5 * NS_S, &out));
	CU_ASSERT_EQUAL(out, S_2026 * NS_S + 123456789);
}

static void plugin_synced_carries_the_platform_time_forward_on_the_raw_clock(void)
{
	/* The last sample: platform time 2026-11-24T21:00:00.900 when CLOCK_MONOTONIC_RAW
	 * read 1000 s. The system clock is some years off and is ignored. */
	struct srv_clock c = {
	    .plugin_synced = true,
	    .line = {.platform_ns = S_2026 * NS_S + 900000000, .raw_ns = 1000 * NS_S},
	    .kernel_synced = true,
	};
	struct timespec sys = ts(86400, 0);
	int64_t out;

	CU_ASSERT_TRUE_FATAL(srv_time_now(&c, &sys, 1000 * NS_S, &out));
	CU_ASSERT_EQUAL(out, S_2026 * NS_S + 900000000);
	/* 50 ms later. */
	CU_ASSERT_TRUE_FATAL(srv_time_now(&c, &sys, 1000 * NS_S + 50000000, &out));
	CU_ASSERT_EQUAL(out, S_2026 * NS_S + 950000000);
	/* 150 ms later crosses into the next second. */
	CU_ASSERT_TRUE_FATAL(srv_time_now(&c, &sys, 1000 * NS_S + 150000000, &out));
	CU_ASSERT_EQUAL(out, (S_2026 + 1) * NS_S + 50000000);
	/* An hour and 1 ns later. */
	CU_ASSERT_TRUE_FATAL(srv_time_now(&c, &sys, 4600 * NS_S + 1, &out));
	CU_ASSERT_EQUAL(out, (S_2026 + 3600) * NS_S + 900000001);
}

static void plugin_synced_carries_it_at_the_platforms_rate(void)
{
	/* The platform's clock 50 ppm fast against the oscillator: 1000 s on the raw clock are
	 * 1000.05 s on the platform's, and 200 s before the sample 199.99 s. */
	struct srv_clock c = {
	    .plugin_synced = true,
	    .line = {.platform_ns = S_2026 * NS_S, .raw_ns = 1000 * NS_S, .skew = 50e-6},
	};
	struct timespec sys = ts(0, 0);
	int64_t out;

	CU_ASSERT_TRUE_FATAL(srv_time_now(&c, &sys, 2000 * NS_S, &out));
	CU_ASSERT_EQUAL(out, (S_2026 + 1000) * NS_S + 50000000);
	CU_ASSERT_TRUE_FATAL(srv_time_now(&c, &sys, 800 * NS_S, &out));
	CU_ASSERT_EQUAL(out, (S_2026 - 200) * NS_S - 10000000);
}

static void plugin_synced_time_before_the_sample_is_earlier(void)
{
	/* The raw clock read before the sample (a request received just before its answer
	 * was processed): the difference is negative. */
	struct srv_clock c = {
	    .plugin_synced = true,
	    .line = {.platform_ns = S_2026 * NS_S + 100000000, .raw_ns = 1000 * NS_S},
	};
	struct timespec sys = ts(0, 0);
	int64_t out;

	CU_ASSERT_TRUE_FATAL(srv_time_now(&c, &sys, 1000 * NS_S - 300000000, &out));
	CU_ASSERT_EQUAL(out, (S_2026 - 1) * NS_S + 800000000);
	CU_ASSERT_TRUE_FATAL(srv_time_now(&c, &sys, 1000 * NS_S - 1, &out));
	CU_ASSERT_EQUAL(out, S_2026 * NS_S + 99999999);
	CU_ASSERT_TRUE_FATAL(srv_time_now(&c, &sys, 1000 * NS_S - 2100000000, &out));
	CU_ASSERT_EQUAL(out, (S_2026 - 2) * NS_S);
}

static void kernel_synced_is_used_only_when_the_plugin_is_not_synced(void)
{
	struct srv_clock c = {
	    .plugin_synced = false,
	    .line = {.platform_ns = S_2026 * NS_S, .raw_ns = 0},
	    .kernel_synced = true,
	};
	struct timespec sys = ts(S_2026 + 7, 250000000);
	int64_t out;

	CU_ASSERT_TRUE_FATAL(srv_time_now(&c, &sys, 10 * NS_S, &out));
	CU_ASSERT_EQUAL(out, (S_2026 + 7) * NS_S + 250000000);
	/* With a sample of its own the plugin's time wins over the system clock. */
	c.plugin_synced = true;
	CU_ASSERT_TRUE_FATAL(srv_time_now(&c, &sys, 10 * NS_S, &out));
	CU_ASSERT_EQUAL(out, (S_2026 + 10) * NS_S);
}

static void without_a_known_time_there_is_no_answer(void)
{
	struct srv_clock c = {
	    .line = {.platform_ns = S_2026 * NS_S, .raw_ns = 0},
	};
	struct timespec sys = ts(S_2026, 0);
	int64_t out = 77;

	CU_ASSERT_FALSE(srv_time_now(&c, &sys, NS_S, &out));
	CU_ASSERT_EQUAL(out, 77);
}

static void platform_time_past_2038_is_answered_exactly_on_every_architecture(void)
{
	/* The platform in 2099, however wide time_t is: its time is carried in 64 bits. The
	 * system clock at the last second a 32-bit time_t holds. */
	struct srv_clock c = {
	    .plugin_synced = true,
	    .line = {.platform_ns = S_2099 * NS_S + 999000000, .raw_ns = 5 * NS_S},
	};
	struct timespec sys = ts(LAST_32_BIT_S, 999999999);
	char out[CDC_BUF_SIZE];
	enum dlc_status why;
	int64_t now;

	CU_ASSERT_TRUE_FATAL(srv_time_now(&c, &sys, 5 * NS_S + 2 * NS_S, &now));
	CU_ASSERT_EQUAL(now, (S_2099 + 2) * NS_S + 999000000);
	const char *req = "{\"deviceSendTime\":\"1\"}";
	int n = srv_answer(aliyun(), req, strlen(req), now / 1000000, now / 1000000 + 1, out,
	                   sizeof(out), &why);
	CU_ASSERT_EQUAL_FATAL(n, (int)strlen(out));
	CU_ASSERT_STRING_EQUAL(out,
	                       "{\"deviceSendTime\":\"1\",\"serverRecvTime\":\"4083955202999\","
	                       "\"serverSendTime\":\"4083955203000\"}");

	/* And the system clock's own last second, to the ns, where it answers itself. */
	c.plugin_synced = false;
	c.kernel_synced = true;
	CU_ASSERT_TRUE_FATAL(srv_time_now(&c, &sys, 0, &now));
	CU_ASSERT_EQUAL(now, LAST_32_BIT_S * NS_S + 999999999);
}

/* ---- in each platform's dialect ---- */

/* What the dialect's status is for the codec's. */
static enum dlc_status as_dialect(enum cdc_status st)
{
	switch (st) {
	case CDC_OK:
		return DLC_OK;
	case CDC_TOO_LARGE:
		return DLC_TOO_LARGE;
	case CDC_NOT_JSON:
		return DLC_NOT_JSON;
	case CDC_MISSING_FIELD:
		return DLC_MISSING_FIELD;
	case CDC_BAD_VALUE:
		return DLC_BAD_VALUE;
	case CDC_BAD_TIME:
		return DLC_BAD_TIME;
	}
	return DLC_NOT_OURS;
}

/* Answers len bytes of text through the Alibaba dialect and as the serve role did before it,
 * through the codec, and asserts both wrote the same bytes or refused alike. */
static void aliyun_answers_as_the_codec(const char *text, size_t len, int64_t recv_ms,
                                        int64_t send_ms)
{
	char mine[DLC_BUF_SIZE], codec[CDC_BUF_SIZE];
	struct cdc_request req;
	enum dlc_status why;
	char *copy = malloc(len > 0 ? len : 1);

	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	memcpy(copy, text, len);
	enum cdc_status want = cdc_decode_request(copy, len, &req);
	int n = srv_answer(aliyun(), copy, len, recv_ms, send_ms, mine, sizeof(mine), &why);
	free(copy);
	CU_ASSERT_EQUAL(why, as_dialect(want));
	if (want != CDC_OK) {
		CU_ASSERT_EQUAL(n, -1);
		return;
	}
	int m = cdc_encode_response(codec, sizeof(codec), &req, recv_ms, send_ms);
	CU_ASSERT_EQUAL_FATAL(n, m);
	if (n > 0)
		CU_ASSERT_STRING_EQUAL(mine, codec);
}

static void aliyun_answers_are_the_codecs_byte_for_byte(void)
{
	static const char *const fixed[] = {
	    "{\"deviceSendTime\":\"1795554000100\"}",
	    "{\"deviceSendTime\":1795554000100}",
	    "{\"deviceSendTime\":\"0\"}",
	    "{\"deviceSendTime\":0}",
	    "{\"deviceSendTime\":\"9223372036854775807\"}",
	    "{\"deviceSendTime\":\"9223372036854775808\"}",
	    "{\"deviceSendTime\":9007199254740992}",
	    "{\"deviceSendTime\":1e3}",
	    "{\"deviceSendTime\":\"07\"}",
	    "{\"deviceSendTime\":\"-1\"}",
	    "{\"deviceSendTime\":null}",
	    "{ \"other\": [1, {\"deviceSendTime\":2}], \"deviceSendTime\" : \"42\" }",
	    "{\"device\\u0053endTime\":\"7\"}",
	    "{}",
	    "[]",
	    "",
	    "nope",
	};
	static const int64_t times[][2] = {
	    {T0 + 110, T0 + 115}, {0, 0}, {1, 9}, {INT64_C(4083955202999), INT64_C(4083955203000)}};

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		for (size_t t = 0; t < sizeof(times) / sizeof(times[0]); t++)
			aliyun_answers_as_the_codec(fixed[i], strlen(fixed[i]), times[t][0],
			                            times[t][1]);
	}
	/* Seeded: ids of every length as strings and numbers, cut short and corrupted. */
	srand(102509);
	for (int n = 0; n < 20000; n++) {
		char text[96];
		int64_t id = ((int64_t)rand() << 31 | rand()) % (INT64_C(1) << 53);
		int64_t recv = T0 + rand() % 100000, send = recv + rand() % 50;
		int len =
		    snprintf(text, sizeof(text),
		             n % 2 ? "{\"deviceSendTime\":\"%lld\"}" : "{\"deviceSendTime\":%lld}",
		             (long long)(id >> (rand() % 53)));
		CU_ASSERT_FATAL(len > 0 && (size_t)len < sizeof(text));
		if (n % 4 == 2)
			text[rand() % len] = "0123456789\"{}:, .e-+\\x"[rand() % 22];
		if (n % 8 == 3)
			len = rand() % len;
		aliyun_answers_as_the_codec(text, (size_t)len, recv, send);
	}
}

static void each_dialect_answers_its_own_request_with_the_times_given(void)
{
	for (int i = 0; dlc_all[i] != NULL; i++) {
		const struct dlc_dialect *d = dlc_all[i];
		char req[DLC_BUF_SIZE], out[DLC_BUF_SIZE];
		struct dlc_id id;
		struct dlc_answer a;
		enum dlc_status why;

		int n = d->encode_request(T0, 7, &id, req, sizeof(req));
		CU_ASSERT_FATAL(n > 0);
		int m = srv_answer(d, req, (size_t)n, T0 + 110, T0 + 115, out, sizeof(out), &why);
		CU_ASSERT_EQUAL(why, DLC_OK);
		CU_ASSERT_FATAL(m > 0 && (size_t)m == strlen(out));
		CU_ASSERT_EQUAL_FATAL(d->decode_response(out, (size_t)m, &a), DLC_OK);
		CU_ASSERT_TRUE(dlc_same_id(&a.id, &id));
		CU_ASSERT_EQUAL(a.t2_ms, T0 + 110);
		CU_ASSERT_EQUAL(a.t3_ms, T0 + 115);
		if (a.has_t1)
			CU_ASSERT_EQUAL(a.t1_ms, T0);
		/* One byte short of the answer is refused, the request read all the same. */
		CU_ASSERT_EQUAL(
		    srv_answer(d, req, (size_t)n, T0 + 110, T0 + 115, out, (size_t)m, &why), -1);
		CU_ASSERT_EQUAL(why, DLC_OK);
	}
}

static void another_services_message_is_no_request_and_gets_no_answer(void)
{
	const struct {
		const char *platform;
		const char *payload;
	} others[] = {
	    {"huawei", "{\"services\":[{\"service_id\":\"$ota\",\"event_type\":\"version_query\","
	               "\"paras\":{}}]}"},
	    {"tuya", "{\"msgId\":\"2\",\"time\":1670232110,\"data\":{\"bizType\":\"DST\"}}"},
	    {"tencent", "{\"type\":\"get\",\"resource\":[\"ip\"]}"},
	};

	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		char out[DLC_BUF_SIZE];
		enum dlc_status why = DLC_OK;
		const struct dlc_dialect *d = dlc_find(others[i].platform);
		CU_ASSERT_PTR_NOT_NULL_FATAL(d);
		CU_ASSERT_EQUAL(srv_answer(d, others[i].payload, strlen(others[i].payload), T0, T0,
		                           out, sizeof(out), &why),
		                -1);
		CU_ASSERT_EQUAL(why, DLC_NOT_OURS);
	}
}

static int init_serve_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(answer_echoes_a_string_id_as_a_string),
	    RUNNER_TEST(answer_echoes_a_number_id_as_a_number),
	    RUNNER_TEST(answer_decodes_as_a_response_with_the_same_times),
	    RUNNER_TEST(bad_requests_get_no_answer_and_a_reason),
	    RUNNER_TEST(answer_reads_only_len_bytes),
	    RUNNER_TEST(answer_that_does_not_fit_fails),
	    RUNNER_TEST(authoritative_answers_from_the_system_clock),
	    RUNNER_TEST(plugin_synced_carries_the_platform_time_forward_on_the_raw_clock),
	    RUNNER_TEST(plugin_synced_carries_it_at_the_platforms_rate),
	    RUNNER_TEST(plugin_synced_time_before_the_sample_is_earlier),
	    RUNNER_TEST(kernel_synced_is_used_only_when_the_plugin_is_not_synced),
	    RUNNER_TEST(without_a_known_time_there_is_no_answer),
	    RUNNER_TEST(platform_time_past_2038_is_answered_exactly_on_every_architecture),
	    RUNNER_TEST(aliyun_answers_are_the_codecs_byte_for_byte),
	    RUNNER_TEST(each_dialect_answers_its_own_request_with_the_times_given),
	    RUNNER_TEST(another_services_message_is_no_request_and_gets_no_answer),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("serve", tests);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_serve_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
