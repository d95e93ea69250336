/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for serve_status: the serve role's own status, as the platform emulator publishes it.
 */
#include <cjson/cJSON.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "runner.h"
#include "serve_status.h"

static void status_names_the_role_and_every_counter_in_order(void)
{
	char buf[SST_BUF_SIZE];
	struct srv_stats s = {
	    .received = 19,
	    .answered = 12,
	    .rate_limited = 4,
	    .bad_request = 2,
	    .unsynced = 1,
	    .forged_answer = 7,
	};

	int n = sst_format(buf, sizeof(buf), &s);
	CU_ASSERT_EQUAL_FATAL(n, (int)strlen(buf));
	CU_ASSERT_STRING_EQUAL(buf, "{\"role\":\"serve\",\"requests_received\":19,\"answered\":12,"
	                            "\"rate_limited\":4,\"bad_request\":2,\"unsynced\":1}");
}

static void status_of_a_role_that_saw_nothing_has_zeros(void)
{
	char buf[SST_BUF_SIZE];
	struct srv_stats s;

	memset(&s, 0, sizeof(s));
	CU_ASSERT_FATAL(sst_format(buf, sizeof(buf), &s) > 0);
	CU_ASSERT_STRING_EQUAL(buf, "{\"role\":\"serve\",\"requests_received\":0,\"answered\":0,"
	                            "\"rate_limited\":0,\"bad_request\":0,\"unsynced\":0}");
}

static void largest_counters_still_fit_and_parse_as_json(void)
{
	char buf[SST_BUF_SIZE];
	char want[32];
	struct srv_stats s;
	const char *names[] = {"requests_received", "answered", "rate_limited", "bad_request",
	                       "unsynced"};

	memset(&s, 0xff, sizeof(s));
	CU_ASSERT_FATAL(sst_format(buf, sizeof(buf), &s) > 0);
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithOpts(buf, &end, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_STRING_EQUAL(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "role")),
	                       "serve");
	/* As text: a double cannot hold every 64-bit count. */
	snprintf(want, sizeof(want), ":%llu", ULLONG_MAX);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		CU_ASSERT(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(root, names[i])));
		char key[64];
		snprintf(key, sizeof(key), "\"%s\"%s", names[i], want);
		CU_ASSERT_PTR_NOT_NULL(strstr(buf, key));
	}
	cJSON_Delete(root);
}

static void too_small_a_buffer_gives_minus_one(void)
{
	char full[SST_BUF_SIZE];
	char buf[SST_BUF_SIZE];
	struct srv_stats s = {.received = 123456, .answered = 123450};

	int n = sst_format(full, sizeof(full), &s);
	CU_ASSERT_FATAL(n > 0);
	for (int size = 0; size <= n; size++)
		CU_ASSERT_EQUAL(sst_format(buf, (size_t)size, &s), -1);
	/* Room for the terminating NUL is all it takes. */
	CU_ASSERT_EQUAL(sst_format(buf, (size_t)n + 1, &s), n);
	CU_ASSERT_STRING_EQUAL(buf, full);
}

static int init_serve_status_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(status_names_the_role_and_every_counter_in_order),
	    RUNNER_TEST(status_of_a_role_that_saw_nothing_has_zeros),
	    RUNNER_TEST(largest_counters_still_fit_and_parse_as_json),
	    RUNNER_TEST(too_small_a_buffer_gives_minus_one),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("serve_status", tests);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_serve_status_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
