/*
 * Unit tests for serve: the emulated platform's side of the exchange.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "runner.h"
#include "serve.h"

#define T0 INT64_C(1795554000000) /* 2026-11-24T21:00:00Z in ms */

static void request_topic_maps_to_response_topic(void)
{
	char out[SRV_TOPIC_SIZE];

	CU_ASSERT_TRUE_FATAL(srv_response_topic("/ext/ntp/pk/dn/request", out, sizeof(out)));
	CU_ASSERT_STRING_EQUAL(out, "/ext/ntp/pk/dn/response");
	CU_ASSERT_TRUE_FATAL(
	    srv_response_topic("/ext/ntp/a1B2c3D4e5F/gateway-01/request", out, sizeof(out)));
	CU_ASSERT_STRING_EQUAL(out, "/ext/ntp/a1B2c3D4e5F/gateway-01/response");
	/* One-character levels are levels. */
	CU_ASSERT_TRUE_FATAL(srv_response_topic("/ext/ntp/p/d/request", out, sizeof(out)));
	CU_ASSERT_STRING_EQUAL(out, "/ext/ntp/p/d/response");
}

static void other_topics_are_not_requests(void)
{
	const char *bad[] = {
	    "",
	    "/",
	    "/ext/ntp/",
	    "/ext/ntp/request",
	    "/ext/ntp//request",
	    /* Wrong prefix. */
	    "ext/ntp/pk/dn/request",
	    "/ext/ntpx/pk/dn/request",
	    "/ext/NTP/pk/dn/request",
	    "/ext/rrpc/pk/dn/request",
	    "//ext/ntp/pk/dn/request",
	    "x/ext/ntp/pk/dn/request",
	    /* Missing levels. */
	    "/ext/ntp/pk/request",
	    "/ext/ntp/pkdn/request",
	    /* Extra levels. */
	    "/ext/ntp/pk/dn/x/request",
	    "/ext/ntp/pk/dn/request/request",
	    "/ext/ntp/a/b/c/d/request",
	    /* Empty product key or device name. */
	    "/ext/ntp//dn/request",
	    "/ext/ntp/pk//request",
	    "/ext/ntp///request",
	    /* Not the request. */
	    "/ext/ntp/pk/dn/response",
	    "/ext/ntp/pk/dn/requests",
	    "/ext/ntp/pk/dn/xrequest",
	    "/ext/ntp/pk/dn/request/",
	    "/ext/ntp/pk/dn/Request",
	};
	char out[SRV_TOPIC_SIZE];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		bool accepted = srv_response_topic(bad[i], out, sizeof(out));
		if (accepted)
			fprintf(stderr, "\n  accepted as a request topic: \"%s\"\n", bad[i]);
		CU_ASSERT_FALSE(accepted);
	}
}

static void response_topic_that_does_not_fit_is_refused(void)
{
	const char *topic = "/ext/ntp/pk/dn/request";
	const size_t need = strlen("/ext/ntp/pk/dn/response") + 1;
	char out[SRV_TOPIC_SIZE];

	CU_ASSERT_FALSE(srv_response_topic(topic, out, need - 1));
	CU_ASSERT_TRUE(srv_response_topic(topic, out, need));
	CU_ASSERT_STRING_EQUAL(out, "/ext/ntp/pk/dn/response");
}

static void longest_names_fit_srv_topic_size(void)
{
	/* Product key and device name of up to 64 characters each, as options allows. */
	char topic[SRV_TOPIC_SIZE], out[SRV_TOPIC_SIZE], name[65];

	memset(name, 'n', 64);
	name[64] = '\0';
	strcpy(topic, "/ext/ntp/");
	strcat(topic, name);
	strcat(topic, "/");
	strcat(topic, name);
	strcat(topic, "/request");
	CU_ASSERT_TRUE_FATAL(srv_response_topic(topic, out, sizeof(out)));
	CU_ASSERT_EQUAL(strlen(out), strlen(topic) + 1);
	CU_ASSERT_STRING_EQUAL(out + strlen(out) - 9, "/response");
}

static void answer_echoes_a_string_id_as_a_string(void)
{
	const char *req = "{\"deviceSendTime\":\"1795554000100\"}";
	char out[CDC_BUF_SIZE];
	enum cdc_status why = CDC_TOO_LARGE;

	int n = srv_answer(req, strlen(req), T0 + 110, T0 + 115, out, sizeof(out), &why);
	CU_ASSERT_EQUAL(why, CDC_OK);
	CU_ASSERT_EQUAL_FATAL(n, (int)strlen(out));
	CU_ASSERT_STRING_EQUAL(out, "{\"deviceSendTime\":\"1795554000100\",\"serverRecvTime\":"
	                            "\"1795554000110\",\"serverSendTime\":\"1795554000115\"}");
}

static void answer_echoes_a_number_id_as_a_number(void)
{
	const char *req = "{\"deviceSendTime\":1795554000100}";
	char out[CDC_BUF_SIZE];
	enum cdc_status why = CDC_TOO_LARGE;

	int n = srv_answer(req, strlen(req), T0 + 110, T0 + 110, out, sizeof(out), &why);
	CU_ASSERT_EQUAL(why, CDC_OK);
	CU_ASSERT_EQUAL_FATAL(n, (int)strlen(out));
	CU_ASSERT_STRING_EQUAL(out, "{\"deviceSendTime\":1795554000100,\"serverRecvTime\":"
	                            "\"1795554000110\",\"serverSendTime\":\"1795554000110\"}");
}

static void answer_decodes_as_a_response_with_the_same_times(void)
{
	const char *req = "{\"deviceSendTime\":\"42\"}";
	char out[CDC_BUF_SIZE];
	enum cdc_status why;
	struct cdc_response r;

	int n = srv_answer(req, strlen(req), T0 + 110, T0 + 111, out, sizeof(out), &why);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL_FATAL(cdc_decode_response(out, (size_t)n, &r), CDC_OK);
	CU_ASSERT_EQUAL(r.device_send, 42);
	CU_ASSERT_EQUAL(r.server_recv, T0 + 110);
	CU_ASSERT_EQUAL(r.server_send, T0 + 111);
}

static void bad_requests_get_no_answer_and_a_reason(void)
{
	char out[CDC_BUF_SIZE];
	enum cdc_status why = CDC_OK;
	char big[CDC_MAX_PAYLOAD + 1];

	CU_ASSERT_EQUAL(srv_answer("nope", 4, T0, T0, out, sizeof(out), &why), -1);
	CU_ASSERT_EQUAL(why, CDC_NOT_JSON);
	CU_ASSERT_EQUAL(srv_answer("{}", 2, T0, T0, out, sizeof(out), &why), -1);
	CU_ASSERT_EQUAL(why, CDC_MISSING_FIELD);
	const char *neg = "{\"deviceSendTime\":\"-1\"}";
	CU_ASSERT_EQUAL(srv_answer(neg, strlen(neg), T0, T0, out, sizeof(out), &why), -1);
	CU_ASSERT_EQUAL(why, CDC_BAD_VALUE);
	memset(big, ' ', sizeof(big));
	memcpy(big, "{\"deviceSendTime\":\"1\"}", 22);
	CU_ASSERT_EQUAL(srv_answer(big, sizeof(big), T0, T0, out, sizeof(out), &why), -1);
	CU_ASSERT_EQUAL(why, CDC_TOO_LARGE);
}

static void answer_reads_only_len_bytes(void)
{
	/* Trailing bytes past the payload's length are not part of it. */
	const char buf[] = "{\"deviceSendTime\":\"7\"}99\"garbage";
	char out[CDC_BUF_SIZE];
	enum cdc_status why;

	int n = srv_answer(buf, 22, T0, T0 + 1, out, sizeof(out), &why);
	CU_ASSERT_EQUAL(why, CDC_OK);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"deviceSendTime\":\"7\","));
}

static void answer_that_does_not_fit_fails(void)
{
	const char *req = "{\"deviceSendTime\":\"1795554000100\"}";
	char out[CDC_BUF_SIZE];
	enum cdc_status why;

	int n = srv_answer(req, strlen(req), T0, T0, out, sizeof(out), &why);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(srv_answer(req, strlen(req), T0, T0, out, (size_t)n, &why), -1);
	CU_ASSERT_EQUAL(srv_answer(req, strlen(req), T0, T0, out, (size_t)n + 1, &why), n);
}

static int init_serve_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(request_topic_maps_to_response_topic),
	    RUNNER_TEST(other_topics_are_not_requests),
	    RUNNER_TEST(response_topic_that_does_not_fit_is_refused),
	    RUNNER_TEST(longest_names_fit_srv_topic_size),
	    RUNNER_TEST(answer_echoes_a_string_id_as_a_string),
	    RUNNER_TEST(answer_echoes_a_number_id_as_a_number),
	    RUNNER_TEST(answer_decodes_as_a_response_with_the_same_times),
	    RUNNER_TEST(bad_requests_get_no_answer_and_a_reason),
	    RUNNER_TEST(answer_reads_only_len_bytes),
	    RUNNER_TEST(answer_that_does_not_fit_fails),
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
