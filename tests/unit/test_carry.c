/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for carry: the gateway's other topics carried over iotntp's bridge, against each
 * platform's topic rules and the time service's own topics.
 */
#include <stdio.h>
#include <string.h>

#include "carry.h"
#include "dialect.h"
#include "runner.h"

static char err[1024];

static const struct crd_identity aliyun_who = {.product = "a1B2c3D4e5F", .device = "gw-01"};
static const struct crd_identity huawei_who = {.device = "6123_gw01"};
static const struct crd_identity tuya_who = {.device = "6c828cba434ff40c074wF2"};
static const struct crd_identity tencent_who = {.product = "ABCDEFGHIJ", .device = "gw01"};

static const struct crd_identity *who_of(const char *platform)
{
	if (strcmp(platform, "aliyun") == 0)
		return &aliyun_who;
	if (strcmp(platform, "huawei") == 0)
		return &huawei_who;
	if (strcmp(platform, "tuya") == 0)
		return &tuya_who;
	return &tencent_who;
}

/* Parses and checks "DIRECTION:PATTERN" for the platform's device, against its dialect's
 * time topics. */
static int check(const char *platform, const char *arg)
{
	const struct crd_platform *p = crd_find(platform);
	const struct dlc_dialect *d = dlc_find(platform);
	const struct crd_identity *who = who_of(platform);
	const struct dlc_identity id = {.product = who->product, .device = who->device};
	char request[DLC_TOPIC_SIZE], response[DLC_TOPIC_SIZE];
	struct carry_topic t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_FATAL(d->topic(&id, DLC_REQUEST, request, sizeof(request)) > 0);
	CU_ASSERT_FATAL(d->topic(&id, DLC_RESPONSE, response, sizeof(response)) > 0);
	err[0] = '\0';
	if (carry_parse(arg, &t, err, sizeof(err)) != 0)
		return -1;
	return carry_check(&t, p, who, request, response, err, sizeof(err));
}

static void expect_taken(const char *platform, const char *arg)
{
	if (check(platform, arg) != 0) {
		fprintf(stderr, "\n  %s %s refused: %s\n", platform, arg, err);
		CU_FAIL("a topic of the device's own was refused");
	}
}

static void expect_refused(const char *platform, const char *arg, const char *why)
{
	CU_ASSERT_EQUAL(check(platform, arg), -1);
	if (strstr(err, why) == NULL) {
		fprintf(stderr, "\n  %s %s: \"%s\" does not say \"%s\"\n", platform, arg, err, why);
		CU_FAIL("refusal does not say why");
	}
}

static void direction_comes_first_and_is_one_of_three(void)
{
	struct carry_topic t;

	CU_ASSERT_EQUAL(carry_parse("in:a/b", &t, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(t.direction, CARRY_IN);
	CU_ASSERT_STRING_EQUAL(t.pattern, "a/b");
	CU_ASSERT_EQUAL(carry_parse("out:/pk/dn:1/x", &t, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(t.direction, CARRY_OUT);
	/* Only the first ':' ends the direction: an Alibaba DeviceName may hold one. */
	CU_ASSERT_STRING_EQUAL(t.pattern, "/pk/dn:1/x");
	CU_ASSERT_EQUAL(carry_parse("both:#", &t, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(t.direction, CARRY_BOTH);
	CU_ASSERT_STRING_EQUAL(carry_direction_name(CARRY_BOTH), "both");
	const char *bad[] = {"a/b", "In:a", "inout:a", ":a", "in", "both:"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(carry_parse(bad[i], &t, err, sizeof(err)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "--carry-topic"));
	}
}

static void filters_match_topics_as_a_broker_routes_them(void)
{
	struct {
		const char *filter, *topic;
		bool match;
	} cases[] = {
	    {"a/b", "a/b", true},        {"a/b", "a/bc", false},   {"a/+", "a/b", true},
	    {"a/+", "a/b/c", false},     {"a/+/c", "a//c", true},  {"a/#", "a", true},
	    {"a/#", "a/b/c", true},      {"#", "a/b", true},       {"+/b", "a/b", true},
	    {"#", "$oc/devices", false}, {"+/x", "$sys/x", false}, {"$sys/#", "$sys/x", true},
	    {"a/b/#", "a/c", false},     {"a", "a/b", false},      {"/+/x", "/a/x", true},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (carry_filter_matches(cases[i].filter, cases[i].topic) != cases[i].match) {
			fprintf(stderr, "\n  %s against %s\n", cases[i].filter, cases[i].topic);
			CU_FAIL("filter matching");
		}
	}
}

static void each_platforms_own_topics_are_taken(void)
{
	expect_taken("aliyun", "both:/a1B2c3D4e5F/gw-01/user/update");
	expect_taken("aliyun", "in:/a1B2c3D4e5F/gw-01/user/#");
	expect_taken("aliyun", "in:/sys/a1B2c3D4e5F/gw-01/thing/service/+");
	expect_taken("aliyun", "both:/shadow/update/a1B2c3D4e5F/gw-01");
	expect_taken("aliyun", "in:/ota/device/upgrade/a1B2c3D4e5F/gw-01");
	expect_taken("aliyun", "out:/ext/session/a1B2c3D4e5F/gw-01/combine/login");
	expect_taken("huawei", "both:$oc/devices/6123_gw01/user/#");
	expect_taken("huawei", "in:$oc/devices/6123_gw01/sys/commands/#");
	expect_taken("huawei", "out:$oc/devices/6123_gw01/sys/properties/report");
	expect_taken("tuya", "out:tylink/6c828cba434ff40c074wF2/thing/property/report");
	expect_taken("tuya", "in:tylink/6c828cba434ff40c074wF2/thing/property/report_response");
	/* A wildcard is the gateway's own broker's business when only the bridge's local
	 * subscription holds it. */
	expect_taken("tuya", "out:tylink/6c828cba434ff40c074wF2/thing/#");
	expect_taken("tencent", "both:ABCDEFGHIJ/gw01/data");
	expect_taken("tencent", "in:$thing/down/property/ABCDEFGHIJ/gw01");
	expect_taken("tencent", "in:$rrpc/rxd/ABCDEFGHIJ/gw01/+");
	expect_taken("tencent", "out:$ota/report/ABCDEFGHIJ/gw01");
}

static void topics_of_other_devices_or_none_are_refused(void)
{
	expect_refused("aliyun", "in:/a1B2c3D4e5F/gw-02/user/get", "not among this device's");
	expect_refused("aliyun", "in:/broadcast/a1B2c3D4e5F/x", "/sys/a1B2c3D4e5F/gw-01/...");
	expect_refused("aliyun", "in:/a1B2c3D4e5F/gw-01x/user/get", "not among");
	expect_refused("huawei", "in:$oc/devices/6123_gw02/user/x", "$oc/devices/6123_gw01/...");
	expect_refused("huawei", "in:$oc/devices", "not among");
	expect_refused("tuya", "both:other/6c828cba434ff40c074wF2/x",
	               "tylink/6c828cba434ff40c074wF2/");
	expect_refused("tencent", "in:$thing/down/ABCDEFGHIJ/gw01", "not among");
	expect_refused("tencent", "in:XBCDEFGHIJ/gw01/data", "ABCDEFGHIJ/gw01/...");
}

static void a_wildcard_among_the_devices_own_levels_is_refused(void)
{
	expect_refused("aliyun", "in:/a1B2c3D4e5F/+/user/get", "other devices' topics");
	expect_refused("aliyun", "in:/sys/#", "other devices' topics");
	expect_refused("huawei", "out:$oc/devices/+/user/x", "other devices' topics");
	expect_refused("tencent", "in:$ota/+/ABCDEFGHIJ/gw01", "other devices' topics");
}

static void wildcards_subscribed_on_the_platform_only_where_documented(void)
{
	expect_refused("tuya", "in:tylink/6c828cba434ff40c074wF2/thing/#",
	               "platform tuya documents no subscription with a wildcard");
	expect_refused("tuya", "both:tylink/6c828cba434ff40c074wF2/+/x", "no subscription");
}

static void the_time_services_topics_are_left_to_their_lines(void)
{
	expect_refused("aliyun", "in:/ext/ntp/a1B2c3D4e5F/gw-01/#",
	               "covers /ext/ntp/a1B2c3D4e5F/gw-01/request, a topic of the time service");
	expect_refused("huawei", "both:$oc/devices/6123_gw01/sys/#",
	               "covers $oc/devices/6123_gw01/sys/events/up");
	expect_refused("huawei", "in:$oc/devices/6123_gw01/sys/events/down", "events/down");
	expect_refused("tuya", "out:tylink/6c828cba434ff40c074wF2/ext/time/request",
	               "time service");
	expect_refused("tencent", "in:$sys/operation/result/ABCDEFGHIJ/gw01", "time service");
	/* Beside them is fine. */
	expect_taken("huawei", "out:$oc/devices/6123_gw01/sys/events/upload");
}

static void ill_formed_filters_are_refused(void)
{
	char long_pattern[CARRY_PATTERN_MAX + 8];

	expect_refused("huawei", "in:$oc/devices/6123_gw01/us#er", "whole level");
	expect_refused("huawei", "in:$oc/devices/6123_gw01/a+", "whole level");
	expect_refused("huawei", "in:$oc/devices/6123_gw01/#/x", "last level");
	expect_refused("huawei", "in:$oc/devices/6123_gw01/a b", "byte 0x20");
	expect_refused("huawei", "in:$oc/devices/6123_gw01/\xc3\xa9", "byte 0xc3");
	snprintf(long_pattern, sizeof(long_pattern), "in:$oc/devices/6123_gw01/");
	memset(long_pattern + strlen(long_pattern), 'x',
	       sizeof(long_pattern) - 1 - strlen(long_pattern));
	long_pattern[sizeof(long_pattern) - 1] = '\0';
	expect_refused("huawei", long_pattern, "characters long");
}

static void patterns_that_would_carry_a_message_twice_overlap(void)
{
	struct carry_topic a = {CARRY_IN, "a/b/#"}, b = {CARRY_IN, "a/b/c"};

	CU_ASSERT_TRUE(carry_overlap(&a, &b));
	b.direction = CARRY_OUT;
	CU_ASSERT_FALSE(carry_overlap(&a, &b));
	b.direction = CARRY_BOTH;
	CU_ASSERT_TRUE(carry_overlap(&a, &b));
	struct carry_topic c = {CARRY_BOTH, "a/+/c"}, d = {CARRY_BOTH, "a/x/+"};
	CU_ASSERT_TRUE(carry_overlap(&c, &d));
	struct carry_topic e = {CARRY_BOTH, "a/x"}, f = {CARRY_BOTH, "a/y"};
	CU_ASSERT_FALSE(carry_overlap(&e, &f));
	struct carry_topic g = {CARRY_BOTH, "a"}, h = {CARRY_BOTH, "a/#"};
	CU_ASSERT_TRUE(carry_overlap(&g, &h));
	struct carry_topic i = {CARRY_BOTH, "a/b"}, j = {CARRY_BOTH, "a/b/c"};
	CU_ASSERT_FALSE(carry_overlap(&i, &j));
}

static void every_platform_has_topic_rules(void)
{
	for (int i = 0; crd_all[i] != NULL; i++) {
		const struct crd_platform *p = crd_all[i];
		CU_ASSERT_PTR_NOT_NULL_FATAL(p->topic_spaces);
		CU_ASSERT_PTR_NOT_NULL(p->topic_spaces[0]);
		/* Every space names the device, so that no other device's topics are in it. */
		for (int k = 0; p->topic_spaces[k] != NULL; k++)
			CU_ASSERT_PTR_NOT_NULL(strstr(p->topic_spaces[k], "{d}"));
	}
}

static int init_carry_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(direction_comes_first_and_is_one_of_three),
	    RUNNER_TEST(filters_match_topics_as_a_broker_routes_them),
	    RUNNER_TEST(each_platforms_own_topics_are_taken),
	    RUNNER_TEST(topics_of_other_devices_or_none_are_refused),
	    RUNNER_TEST(a_wildcard_among_the_devices_own_levels_is_refused),
	    RUNNER_TEST(wildcards_subscribed_on_the_platform_only_where_documented),
	    RUNNER_TEST(the_time_services_topics_are_left_to_their_lines),
	    RUNNER_TEST(ill_formed_filters_are_refused),
	    RUNNER_TEST(patterns_that_would_carry_a_message_twice_overlap),
	    RUNNER_TEST(every_platform_has_topic_rules),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("carry", tests);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_carry_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
