/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for options: the plugin_opt_* lines of mosquitto.conf.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialect.h"
#include "options.h"
#include "runner.h"

#define MAX_PAIRS 32

static struct opt_config cfg;
static char err[OPT_ERR_SIZE];

/* The three options the sync role needs, then up to MAX_PAIRS - 3 more. */
struct pairs {
	struct opt_pair p[MAX_PAIRS];
	int n;
};

static struct pairs sync_minimum(void)
{
	struct pairs ps = {.p = {{"product_key", "a1B2c3D4e5F"},
	                         {"device_name", "gateway-01"},
	                         {"bridge_client_id", "bridge-aliyun"}},
	                   .n = 3};
	return ps;
}

static void add(struct pairs *ps, const char *key, const char *value)
{
	CU_ASSERT_FATAL(ps->n < MAX_PAIRS);
	ps->p[ps->n].key = key;
	ps->p[ps->n].value = value;
	ps->n++;
}

static int parse(const struct pairs *ps)
{
	err[0] = '\0';
	return opt_parse(&cfg, ps->p, ps->n, err, sizeof(err));
}

/* Expects the minimum plus key=value to fail with a message naming name. */
static void expect_error(const char *key, const char *value, const char *name)
{
	struct pairs ps = sync_minimum();
	add(&ps, key, value);
	CU_ASSERT_EQUAL(parse(&ps), -1);
	if (strstr(err, name) == NULL) {
		fprintf(stderr, "\n  %s=%s: error \"%s\" does not name %s\n", key, value, err,
		        name);
		CU_FAIL("error does not name the option");
	}
}

static void expect_ok(const char *key, const char *value)
{
	struct pairs ps = sync_minimum();
	add(&ps, key, value);
	if (parse(&ps) != 0) {
		fprintf(stderr, "\n  %s=%s: unexpected error \"%s\"\n", key, value, err);
		CU_FAIL("valid option rejected");
	}
}

static void sync_role_defaults_fill_the_rest(void)
{
	struct pairs ps = sync_minimum();

	CU_ASSERT_EQUAL_FATAL(parse(&ps), 0);
	CU_ASSERT_EQUAL(cfg.role, OPT_ROLE_SYNC);
	CU_ASSERT_STRING_EQUAL(cfg.product_key, "a1B2c3D4e5F");
	CU_ASSERT_STRING_EQUAL(cfg.device_name, "gateway-01");
	CU_ASSERT_STRING_EQUAL(cfg.bridge_client_id, "bridge-aliyun");
	CU_ASSERT_STRING_EQUAL(cfg.refclock_socket, OPT_DEFAULT_SOCKET);
	CU_ASSERT_STRING_EQUAL(cfg.status_topic, OPT_DEFAULT_STATUS_TOPIC);
	CU_ASSERT_EQUAL(cfg.poll_interval_s, OPT_DEFAULT_POLL_S);
	CU_ASSERT_EQUAL(cfg.burst, OPT_DEFAULT_BURST);
	CU_ASSERT_EQUAL(cfg.burst_spacing_ms, OPT_DEFAULT_SPACING_MS);
	CU_ASSERT_EQUAL(cfg.response_timeout_ms, OPT_DEFAULT_TIMEOUT_MS);
	CU_ASSERT_EQUAL(cfg.max_rtt_ms, OPT_DEFAULT_MAX_RTT_MS);
	CU_ASSERT_EQUAL(cfg.max_failed_polls, OPT_DEFAULT_FAILED_POLLS);
}

static void default_topics_are_the_platform_ntp_topics(void)
{
	struct pairs ps = sync_minimum();

	CU_ASSERT_EQUAL_FATAL(parse(&ps), 0);
	CU_ASSERT_STRING_EQUAL(cfg.request_topic, "/ext/ntp/a1B2c3D4e5F/gateway-01/request");
	CU_ASSERT_STRING_EQUAL(cfg.response_topic, "/ext/ntp/a1B2c3D4e5F/gateway-01/response");
}

static void given_values_replace_the_defaults(void)
{
	struct pairs ps = sync_minimum();
	add(&ps, "role", "sync");
	add(&ps, "refclock_socket", "/var/run/chrony/iotntp.sock");
	add(&ps, "request_topic", "site/ntp/req");
	add(&ps, "response_topic", "site/ntp/resp");
	add(&ps, "status_topic", "site/ntp/status");
	add(&ps, "poll_interval", "64");
	add(&ps, "burst", "8");
	add(&ps, "burst_spacing_ms", "100");
	add(&ps, "response_timeout_ms", "5000");
	add(&ps, "max_rtt_ms", "250");
	add(&ps, "max_failed_polls", "10");

	CU_ASSERT_EQUAL_FATAL(parse(&ps), 0);
	CU_ASSERT_STRING_EQUAL(cfg.refclock_socket, "/var/run/chrony/iotntp.sock");
	CU_ASSERT_STRING_EQUAL(cfg.request_topic, "site/ntp/req");
	CU_ASSERT_STRING_EQUAL(cfg.response_topic, "site/ntp/resp");
	CU_ASSERT_STRING_EQUAL(cfg.status_topic, "site/ntp/status");
	CU_ASSERT_EQUAL(cfg.poll_interval_s, 64);
	CU_ASSERT_EQUAL(cfg.burst, 8);
	CU_ASSERT_EQUAL(cfg.burst_spacing_ms, 100);
	CU_ASSERT_EQUAL(cfg.response_timeout_ms, 5000);
	CU_ASSERT_EQUAL(cfg.max_rtt_ms, 250);
	CU_ASSERT_EQUAL(cfg.max_failed_polls, 10);
}

static void each_required_option_missing_is_named(void)
{
	const char *required[] = {"product_key", "device_name", "bridge_client_id"};

	for (int skip = 0; skip < 3; skip++) {
		struct pairs all = sync_minimum(), ps = {.n = 0};
		for (int i = 0; i < 3; i++) {
			if (i != skip)
				add(&ps, all.p[i].key, all.p[i].value);
		}
		CU_ASSERT_EQUAL(parse(&ps), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, required[skip]));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "required"));
	}
	struct pairs none = {.n = 0};
	CU_ASSERT_EQUAL(parse(&none), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "required"));
}

static void serve_role_needs_no_product_key(void)
{
	struct pairs ps = {.n = 0};
	add(&ps, "role", "serve");
	CU_ASSERT_EQUAL(parse(&ps), 0);
	CU_ASSERT_EQUAL(cfg.role, OPT_ROLE_SERVE);
	/* Order does not matter. */
	struct pairs later = {.n = 0};
	add(&later, "poll_interval", "30");
	add(&later, "role", "serve");
	CU_ASSERT_EQUAL(parse(&later), 0);
	CU_ASSERT_EQUAL(cfg.role, OPT_ROLE_SERVE);
}

static void unknown_role_is_rejected(void)
{
	expect_error("role", "client", "role");
	expect_error("role", "", "role");
	expect_error("role", "Sync", "role");
}

static void unknown_option_is_rejected_by_name(void)
{
	expect_error("poll_intervall", "16", "poll_intervall");
	expect_error("plugin_opt_burst", "4", "plugin_opt_burst");
	expect_error("", "x", "unknown");
}

static void option_given_twice_is_rejected(void)
{
	struct pairs ps = sync_minimum();
	add(&ps, "burst", "4");
	add(&ps, "burst", "4");
	CU_ASSERT_EQUAL(parse(&ps), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "burst"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "twice"));

	ps = sync_minimum();
	add(&ps, "product_key", "other");
	CU_ASSERT_EQUAL(parse(&ps), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "product_key"));
}

static const char *const numeric_options[] = {
    "max_requests_per_day", "poll_interval", "burst",           "burst_spacing_ms",
    "response_timeout_ms",  "max_rtt_ms",    "max_failed_polls"};

static void malformed_numbers_are_rejected_naming_the_option(void)
{
	const char *bad[] = {"",   "abc",  "12abc", " 12", "12 ", "+12", "-1",
	                     "-0", "0x10", "1.5",   "1e3", "٣",   "12\n"};

	for (size_t o = 0; o < sizeof(numeric_options) / sizeof(numeric_options[0]); o++) {
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			expect_error(numeric_options[o], bad[i], numeric_options[o]);
	}
}

static void zero_and_out_of_range_numbers_are_rejected(void)
{
	for (size_t o = 0; o < sizeof(numeric_options) / sizeof(numeric_options[0]); o++) {
		expect_error(numeric_options[o], "0", numeric_options[o]);
		expect_error(numeric_options[o], "99999999999999999999999", numeric_options[o]);
		expect_error(numeric_options[o], "4294967297", numeric_options[o]);
	}
	expect_error("poll_interval", "1", "poll_interval");
	expect_error("poll_interval", "86401", "poll_interval");
	expect_error("burst", "17", "burst");
	expect_error("burst_spacing_ms", "9", "burst_spacing_ms");
	expect_error("burst_spacing_ms", "10001", "burst_spacing_ms");
	expect_error("response_timeout_ms", "99", "response_timeout_ms");
	expect_error("response_timeout_ms", "60001", "response_timeout_ms");
	expect_error("max_failed_polls", "1001", "max_failed_polls");
}

static void range_limits_themselves_are_accepted(void)
{
	expect_ok("poll_interval", "86400");
	expect_ok("burst", "1");
	expect_ok("burst", "16");
	expect_ok("burst_spacing_ms", "10");
	expect_ok("max_rtt_ms", "1");
	expect_ok("max_failed_polls", "1");
	expect_ok("max_failed_polls", "1000");
	/* Leading zeros are still a whole number. */
	expect_ok("burst", "04");
}

static void serve_options_default_to_off_and_the_shipped_limits(void)
{
	struct pairs ps = sync_minimum();

	CU_ASSERT_EQUAL_FATAL(parse(&ps), 0);
	CU_ASSERT_FALSE(cfg.serve_lan);
	CU_ASSERT_FALSE(cfg.authoritative);
	CU_ASSERT_EQUAL(cfg.serve_rate, OPT_DEFAULT_SERVE_RATE);
	CU_ASSERT_EQUAL(cfg.serve_burst, OPT_DEFAULT_SERVE_BURST);
	CU_ASSERT_EQUAL(cfg.serve_max_clients, OPT_DEFAULT_SERVE_CLIENTS);
	CU_ASSERT_EQUAL(cfg.serve_total_rate, OPT_DEFAULT_SERVE_TOTAL);
	/* The serve role alone has the same defaults. */
	struct pairs serve = {.n = 0};
	add(&serve, "role", "serve");
	CU_ASSERT_EQUAL_FATAL(parse(&serve), 0);
	CU_ASSERT_FALSE(cfg.authoritative);
	CU_ASSERT_EQUAL(cfg.serve_rate, OPT_DEFAULT_SERVE_RATE);
	CU_ASSERT_EQUAL(cfg.serve_total_rate, OPT_DEFAULT_SERVE_TOTAL);
}

static void serve_lan_and_authoritative_take_only_true_or_false(void)
{
	const char *flags[] = {"serve_lan", "authoritative"};
	const char *bad[] = {"", "yes", "no", "1", "0", "on", "True", "FALSE", " true", "true "};

	for (size_t f = 0; f < 2; f++) {
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			expect_error(flags[f], bad[i], flags[f]);
	}
	struct pairs ps = sync_minimum();
	add(&ps, "serve_lan", "true");
	add(&ps, "authoritative", "true");
	CU_ASSERT_EQUAL_FATAL(parse(&ps), 0);
	CU_ASSERT_TRUE(cfg.serve_lan);
	CU_ASSERT_TRUE(cfg.authoritative);
	ps.p[ps.n - 2].value = "false";
	ps.p[ps.n - 1].value = "false";
	CU_ASSERT_EQUAL_FATAL(parse(&ps), 0);
	CU_ASSERT_FALSE(cfg.serve_lan);
	CU_ASSERT_FALSE(cfg.authoritative);
}

struct serve_limit {
	const char *key;
	const char *max, *over;
	size_t offset;
};

static void serve_limits_reject_zero_negative_text_and_out_of_range(void)
{
	const struct serve_limit limits[] = {
	    {"serve_rate", "1000", "1001", offsetof(struct opt_config, serve_rate)},
	    {"serve_burst", "1000", "1001", offsetof(struct opt_config, serve_burst)},
	    {"serve_max_clients", "100000", "100001",
	     offsetof(struct opt_config, serve_max_clients)},
	    {"serve_total_rate", "100000", "100001", offsetof(struct opt_config, serve_total_rate)},
	};
	const char *bad[] = {"0",
	                     "-1",
	                     "-0",
	                     "",
	                     "abc",
	                     "2x",
	                     " 2",
	                     "2 ",
	                     "+2",
	                     "1.5",
	                     "1e3",
	                     "0x10",
	                     "99999999999999999999999",
	                     "4294967297"};

	for (size_t k = 0; k < sizeof(limits) / sizeof(limits[0]); k++) {
		const struct serve_limit *sl = &limits[k];
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			expect_error(sl->key, bad[i], sl->key);
		expect_error(sl->key, sl->over, sl->key);
		/* The message says what is allowed. */
		CU_ASSERT_PTR_NOT_NULL(strstr(err, sl->max));

		struct pairs ps = sync_minimum();
		add(&ps, sl->key, "1");
		CU_ASSERT_EQUAL(parse(&ps), 0);
		CU_ASSERT_EQUAL(*(unsigned *)(void *)((char *)&cfg + sl->offset), 1);
		ps.p[ps.n - 1].value = sl->max;
		CU_ASSERT_EQUAL(parse(&ps), 0);
		CU_ASSERT_EQUAL(*(unsigned *)(void *)((char *)&cfg + sl->offset),
		                (unsigned)strtoul(sl->max, NULL, 10));
	}
}

static void empty_text_and_control_characters_are_rejected(void)
{
	const char *text[] = {"product_key",     "device_name",   "bridge_client_id",
	                      "refclock_socket", "request_topic", "response_topic",
	                      "status_topic"};

	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++) {
		expect_error(text[i], "", text[i]);
		expect_error(text[i], "a\tb", text[i]);
	}
	/* The minimum given twice is a duplicate, so replace the value in place. */
	struct pairs ps = sync_minimum();
	ps.p[0].value = "";
	CU_ASSERT_EQUAL(parse(&ps), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "product_key"));
}

static void overlong_values_are_rejected(void)
{
	char name[OPT_MAX_NAME + 2], path[OPT_MAX_PATH + 1], topic[OPT_MAX_TOPIC + 2];
	char client[OPT_MAX_CLIENT + 2];
	struct pairs ps;

	memset(name, 'k', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0'; /* OPT_MAX_NAME + 1 characters */
	ps = sync_minimum();
	ps.p[0].value = name;
	CU_ASSERT_EQUAL(parse(&ps), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "product_key"));
	name[OPT_MAX_NAME] = '\0'; /* exactly OPT_MAX_NAME */
	CU_ASSERT_EQUAL(parse(&ps), 0);
	CU_ASSERT_STRING_EQUAL(cfg.product_key, name);

	memset(client, 'c', sizeof(client) - 1);
	client[sizeof(client) - 1] = '\0';
	ps = sync_minimum();
	ps.p[2].value = client;
	CU_ASSERT_EQUAL(parse(&ps), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bridge_client_id"));

	/* sun_path holds 107 characters and a NUL. */
	memset(path, 'p', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0'; /* OPT_MAX_PATH characters */
	expect_error("refclock_socket", path, "refclock_socket");
	path[OPT_MAX_PATH - 1] = '\0';
	expect_ok("refclock_socket", path);

	memset(topic, 't', sizeof(topic) - 1);
	topic[sizeof(topic) - 1] = '\0';
	expect_error("status_topic", topic, "status_topic");
	expect_error("request_topic", topic, "request_topic");
	topic[OPT_MAX_TOPIC] = '\0';
	expect_ok("status_topic", topic);
}

static void wildcards_in_topics_are_rejected(void)
{
	const char *topics[] = {"request_topic", "response_topic", "status_topic"};
	const char *bad[] = {"a/+/b", "a/#", "#", "+", "ntp+x"};

	for (size_t t = 0; t < 3; t++) {
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			expect_error(topics[t], bad[i], topics[t]);
	}
}

static void product_key_and_device_name_take_only_platform_characters(void)
{
	const char *bad[] = {"a/b", "a b", "a+b", "a#b", "a\"b", "ä", "a*b"};
	struct pairs ps;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ps = sync_minimum();
		ps.p[0].value = bad[i];
		CU_ASSERT_EQUAL(parse(&ps), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "product_key"));
		ps = sync_minimum();
		ps.p[1].value = bad[i];
		CU_ASSERT_EQUAL(parse(&ps), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "device_name"));
	}
	ps = sync_minimum();
	ps.p[1].value = "dev-1_a@b.c:d";
	CU_ASSERT_EQUAL(parse(&ps), 0);
}

static void bridge_client_id_must_not_hold_topic_characters(void)
{
	const char *bad[] = {"a/b", "a+b", "a#b"};

	for (size_t i = 0; i < 3; i++) {
		struct pairs ps = sync_minimum();
		ps.p[2].value = bad[i];
		CU_ASSERT_EQUAL(parse(&ps), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "bridge_client_id"));
	}
}

static void relative_socket_path_is_rejected(void)
{
	expect_error("refclock_socket", "run/chrony.iotntp.sock", "refclock_socket");
	expect_error("refclock_socket", "./chrony.sock", "refclock_socket");
	expect_ok("refclock_socket", "/tmp/x.sock");
}

static void max_rtt_over_the_response_timeout_is_rejected(void)
{
	struct pairs ps = sync_minimum();
	add(&ps, "response_timeout_ms", "500");
	add(&ps, "max_rtt_ms", "501");
	CU_ASSERT_EQUAL(parse(&ps), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "max_rtt_ms"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "response_timeout_ms"));
	/* Equal is allowed. */
	ps.p[ps.n - 1].value = "500";
	CU_ASSERT_EQUAL(parse(&ps), 0);
}

static void poll_interval_shorter_than_the_burst_is_rejected(void)
{
	/* Defaults: 3 x 200 ms + 3000 ms = 3.6 s of burst. */
	expect_error("poll_interval", "2", "poll_interval");
	expect_error("poll_interval", "3", "poll_interval");
	expect_ok("poll_interval", "4");

	/* One request and a 2000 ms timeout fill a 2 s poll exactly: still too long. */
	struct pairs ps = sync_minimum();
	add(&ps, "poll_interval", "2");
	add(&ps, "burst", "1");
	add(&ps, "response_timeout_ms", "2000");
	CU_ASSERT_EQUAL(parse(&ps), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "poll_interval"));
	ps.p[ps.n - 1].value = "1999";
	CU_ASSERT_EQUAL(parse(&ps), 0);

	/* The burst is 15 x 10 s + 60 s = 210 s. */
	ps = sync_minimum();
	add(&ps, "burst", "16");
	add(&ps, "burst_spacing_ms", "10000");
	add(&ps, "response_timeout_ms", "60000");
	add(&ps, "poll_interval", "210");
	CU_ASSERT_EQUAL(parse(&ps), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "poll_interval"));
	ps.p[ps.n - 1].value = "211";
	CU_ASSERT_EQUAL(parse(&ps), 0);
}

static void poll_adapts_within_the_default_budget(void)
{
	struct pairs ps = sync_minimum();

	CU_ASSERT_EQUAL_FATAL(parse(&ps), 0);
	CU_ASSERT_EQUAL(cfg.max_requests_per_day, 5400);
	CU_ASSERT_EQUAL(cfg.poll_interval_s, 0);
	CU_ASSERT_EQUAL(cfg.burst, 4);
	add(&ps, "max_requests_per_day", "1350");
	CU_ASSERT_EQUAL_FATAL(parse(&ps), 0);
	CU_ASSERT_EQUAL(cfg.max_requests_per_day, 1350);
	CU_ASSERT_EQUAL(cfg.poll_interval_s, 0);
	expect_error("max_requests_per_day", "23", "max_requests_per_day");
	expect_error("max_requests_per_day", "691201", "max_requests_per_day");
	expect_ok("max_requests_per_day", "691200");
}

static void fixed_poll_over_the_budget_is_refused_with_it(void)
{
	/* 8 requests every 8 s: 86,400 a day, over a budget of 5,400 given with them. */
	struct pairs ps = sync_minimum();
	add(&ps, "poll_interval", "8");
	add(&ps, "burst", "8");
	add(&ps, "max_requests_per_day", "5400");
	CU_ASSERT_EQUAL(parse(&ps), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "max_requests_per_day"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "86400"));
	ps.p[ps.n - 1].value = "86400";
	CU_ASSERT_EQUAL(parse(&ps), 0);
	CU_ASSERT_EQUAL(cfg.max_requests_per_day, 86400);
}

static void fixed_poll_without_a_budget_sets_the_one_it_needs(void)
{
	struct pairs ps = sync_minimum();
	add(&ps, "poll_interval", "8");
	add(&ps, "burst", "8");
	CU_ASSERT_EQUAL_FATAL(parse(&ps), 0);
	/* Room for the quick polls on top of the 86,400 steady ones. */
	CU_ASSERT(cfg.max_requests_per_day > 86400);
	CU_ASSERT(cfg.max_requests_per_day <= 96001);

	/* A fixed poll well under the default leaves the default. */
	ps = sync_minimum();
	add(&ps, "poll_interval", "600");
	CU_ASSERT_EQUAL_FATAL(parse(&ps), 0);
	CU_ASSERT_EQUAL(cfg.max_requests_per_day, 5400);
}

static void same_request_and_response_topic_is_rejected(void)
{
	struct pairs ps = sync_minimum();
	add(&ps, "request_topic", "x/ntp");
	add(&ps, "response_topic", "x/ntp");
	CU_ASSERT_EQUAL(parse(&ps), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "response_topic"));
}

static void null_key_or_value_does_not_crash(void)
{
	struct pairs ps = sync_minimum();
	add(&ps, NULL, "x");
	CU_ASSERT_EQUAL(parse(&ps), -1);
	ps = sync_minimum();
	add(&ps, "burst", NULL);
	CU_ASSERT_EQUAL(parse(&ps), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "burst"));
}

static void error_fits_a_small_buffer(void)
{
	struct pairs ps = sync_minimum();
	char small[12];

	memset(small, 'x', sizeof(small));
	add(&ps, "burst", "banana");
	CU_ASSERT_EQUAL(opt_parse(&cfg, ps.p, ps.n, small, sizeof(small)), -1);
	CU_ASSERT_EQUAL(small[sizeof(small) - 1], '\0');
	CU_ASSERT_EQUAL(strlen(small), sizeof(small) - 1);
}

/* ---- plugin_opt_platform and each platform's identity ---- */

/* The options for a gateway on platform, with its identity ("key", "value", ..., NULL). */
static struct pairs on_platform(const char *platform, const char *const *identity)
{
	struct pairs ps = {.n = 0};

	add(&ps, "platform", platform);
	for (; *identity != NULL; identity += 2)
		add(&ps, identity[0], identity[1]);
	add(&ps, "bridge_client_id", "bridge-1");
	return ps;
}

static const char *const huawei_id[] = {"device_id", "6123abc_gw01", NULL};
static const char *const tuya_id[] = {"device_id", "6c828cba434ff40c074wF2", NULL};
static const char *const tencent_id[] = {"product_id", "ABCDEFGHIJ", "device_name", "gw01", NULL};

static void platform_defaults_to_aliyun_and_aliyun_named_changes_nothing(void)
{
	struct pairs ps = sync_minimum();

	CU_ASSERT_EQUAL_FATAL(parse(&ps), 0);
	CU_ASSERT_PTR_EQUAL(cfg.dialect, dlc_find("aliyun"));
	add(&ps, "platform", "aliyun");
	CU_ASSERT_EQUAL_FATAL(parse(&ps), 0);
	CU_ASSERT_PTR_EQUAL(cfg.dialect, dlc_find("aliyun"));
	CU_ASSERT_STRING_EQUAL(cfg.request_topic, "/ext/ntp/a1B2c3D4e5F/gateway-01/request");
	CU_ASSERT_STRING_EQUAL(cfg.response_topic, "/ext/ntp/a1B2c3D4e5F/gateway-01/response");
	/* The serve role too. */
	struct pairs serve = {.n = 0};
	add(&serve, "role", "serve");
	CU_ASSERT_EQUAL_FATAL(parse(&serve), 0);
	CU_ASSERT_PTR_EQUAL(cfg.dialect, dlc_find("aliyun"));
}

static void unknown_platform_is_refused_in_one_line_naming_the_accepted_ones(void)
{
	const char *bad[] = {"aws", "", "Aliyun", "alibaba", "huawei ", "tuya\n"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pairs ps = sync_minimum();
		add(&ps, "platform", bad[i]);
		CU_ASSERT_EQUAL(parse(&ps), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "option platform: '"));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "is none of aliyun, huawei, tuya or tencent"));
	}
	struct pairs ps = sync_minimum();
	add(&ps, "platform", "aws");
	CU_ASSERT_EQUAL(parse(&ps), -1);
	CU_ASSERT_STRING_EQUAL(err,
	                       "option platform: 'aws' is none of aliyun, huawei, tuya or tencent");
	/* Named twice, as any option. */
	add(&ps, "platform", "aliyun");
	ps.p[ps.n - 2].value = "huawei";
	CU_ASSERT_EQUAL(parse(&ps), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "twice"));
}

static void each_platform_builds_its_own_default_topics_from_its_identity(void)
{
	struct pairs ps = on_platform("huawei", huawei_id);
	CU_ASSERT_EQUAL_FATAL(parse(&ps), 0);
	CU_ASSERT_PTR_EQUAL(cfg.dialect, dlc_find("huawei"));
	CU_ASSERT_STRING_EQUAL(cfg.device_id, "6123abc_gw01");
	CU_ASSERT_STRING_EQUAL(cfg.request_topic, "$oc/devices/6123abc_gw01/sys/events/up");
	CU_ASSERT_STRING_EQUAL(cfg.response_topic, "$oc/devices/6123abc_gw01/sys/events/down");

	ps = on_platform("tuya", tuya_id);
	CU_ASSERT_EQUAL_FATAL(parse(&ps), 0);
	CU_ASSERT_PTR_EQUAL(cfg.dialect, dlc_find("tuya"));
	CU_ASSERT_STRING_EQUAL(cfg.request_topic, "tylink/6c828cba434ff40c074wF2/ext/time/request");
	CU_ASSERT_STRING_EQUAL(cfg.response_topic,
	                       "tylink/6c828cba434ff40c074wF2/ext/time/response");

	ps = on_platform("tencent", tencent_id);
	CU_ASSERT_EQUAL_FATAL(parse(&ps), 0);
	CU_ASSERT_PTR_EQUAL(cfg.dialect, dlc_find("tencent"));
	CU_ASSERT_STRING_EQUAL(cfg.product_id, "ABCDEFGHIJ");
	CU_ASSERT_STRING_EQUAL(cfg.device_name, "gw01");
	CU_ASSERT_STRING_EQUAL(cfg.request_topic, "$sys/operation/ABCDEFGHIJ/gw01");
	CU_ASSERT_STRING_EQUAL(cfg.response_topic, "$sys/operation/result/ABCDEFGHIJ/gw01");

	/* Topics given replace the defaults on any platform. */
	ps = on_platform("huawei", huawei_id);
	add(&ps, "request_topic", "site/ntp/req");
	add(&ps, "response_topic", "site/ntp/resp");
	CU_ASSERT_EQUAL_FATAL(parse(&ps), 0);
	CU_ASSERT_STRING_EQUAL(cfg.request_topic, "site/ntp/req");
	CU_ASSERT_STRING_EQUAL(cfg.response_topic, "site/ntp/resp");
}

static void each_platforms_identity_options_are_required_in_the_sync_role(void)
{
	const char *const none[] = {NULL};
	const char *const tencent_no_product[] = {"device_name", "gw01", NULL};
	const char *const tencent_no_device[] = {"product_id", "ABCDEFGHIJ", NULL};
	struct pairs ps;

	ps = on_platform("huawei", none);
	CU_ASSERT_EQUAL(parse(&ps), -1);
	CU_ASSERT_STRING_EQUAL(err, "option device_id is required in the sync role");
	ps = on_platform("tuya", none);
	CU_ASSERT_EQUAL(parse(&ps), -1);
	CU_ASSERT_STRING_EQUAL(err, "option device_id is required in the sync role");
	ps = on_platform("tencent", tencent_no_product);
	CU_ASSERT_EQUAL(parse(&ps), -1);
	CU_ASSERT_STRING_EQUAL(err, "option product_id is required in the sync role");
	ps = on_platform("tencent", tencent_no_device);
	CU_ASSERT_EQUAL(parse(&ps), -1);
	CU_ASSERT_STRING_EQUAL(err, "option device_name is required in the sync role");
	/* The serve role answers every device: it has no identity of its own. */
	for (int i = 0; dlc_all[i] != NULL; i++) {
		ps = (struct pairs){.n = 0};
		add(&ps, "role", "serve");
		add(&ps, "platform", dlc_all[i]->name);
		CU_ASSERT_EQUAL(parse(&ps), 0);
		CU_ASSERT_PTR_EQUAL(cfg.dialect, dlc_all[i]);
	}
}

static void another_platforms_identity_option_is_refused_naming_the_right_ones(void)
{
	struct pairs ps;

	ps = on_platform("huawei", huawei_id);
	add(&ps, "product_key", "a1B2c3D4e5F");
	CU_ASSERT_EQUAL(parse(&ps), -1);
	CU_ASSERT_STRING_EQUAL(
	    err, "option product_key is not platform huawei's: it names its devices by device_id");
	ps = on_platform("tuya", tuya_id);
	add(&ps, "device_name", "gw01");
	CU_ASSERT_EQUAL(parse(&ps), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "option device_name is not platform tuya's"));
	ps = on_platform("tencent", tencent_id);
	add(&ps, "device_id", "x");
	CU_ASSERT_EQUAL(parse(&ps), -1);
	CU_ASSERT_STRING_EQUAL(err, "option device_id is not platform tencent's: it names its "
	                            "devices by product_id and device_name");
	ps = sync_minimum();
	add(&ps, "product_id", "ABCDEFGHIJ");
	CU_ASSERT_EQUAL(parse(&ps), -1);
	CU_ASSERT_STRING_EQUAL(err, "option product_id is not platform aliyun's: it names its "
	                            "devices by product_key and device_name");
	/* In the serve role as well: a misplaced identity is a mistake there too. */
	ps = (struct pairs){.n = 0};
	add(&ps, "role", "serve");
	add(&ps, "platform", "huawei");
	add(&ps, "product_key", "a1B2c3D4e5F");
	CU_ASSERT_EQUAL(parse(&ps), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "product_key"));
}

/* Replaces the value of key in ps. */
static void set(struct pairs *ps, const char *key, const char *value)
{
	for (int i = 0; i < ps->n; i++) {
		if (strcmp(ps->p[i].key, key) == 0) {
			ps->p[i].value = value;
			return;
		}
	}
	CU_FAIL_FATAL("no such key");
}

static void identities_up_to_the_platforms_limit_are_taken_and_one_more_is_refused(void)
{
	const struct {
		const char *platform;
		const char *const *identity;
		const char *key;
		size_t max; /* the dialect's */
	} cases[] = {
	    {"huawei", huawei_id, "device_id", 128},   {"tuya", tuya_id, "device_id", 64},
	    {"tencent", tencent_id, "product_id", 32}, {"tencent", tencent_id, "device_name", 48},
	    {"aliyun", NULL, "product_key", 64},       {"aliyun", NULL, "device_name", 64},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char value[OPT_MAX_ID + 2];
		struct pairs ps = cases[i].identity != NULL
		                      ? on_platform(cases[i].platform, cases[i].identity)
		                      : sync_minimum();
		memset(value, 'i', cases[i].max);
		value[cases[i].max] = '\0';
		set(&ps, cases[i].key, value);
		CU_ASSERT_EQUAL(parse(&ps), 0);
		CU_ASSERT_EQUAL(strlen(cfg.request_topic) > cases[i].max, true);
		value[cases[i].max] = 'i';
		value[cases[i].max + 1] = '\0';
		CU_ASSERT_EQUAL(parse(&ps), -1);
		if (strstr(err, cases[i].key) == NULL || strstr(err, "too long") == NULL) {
			fprintf(stderr, "\n  %s %s: \"%s\"\n", cases[i].platform, cases[i].key,
			        err);
			CU_FAIL("overlong identity not refused by name");
		}
	}
	/* Within a buffer but over the platform's own limit, the platform is named. */
	struct pairs ps = on_platform("tuya", tuya_id);
	char id65[66];
	memset(id65, 'i', 65);
	id65[65] = '\0';
	set(&ps, "device_id", id65);
	CU_ASSERT_EQUAL(parse(&ps), -1);
	CU_ASSERT_STRING_EQUAL(
	    err, "option device_id is too long for platform tuya (at most 64 characters)");
	/* Every dialect's limits fit the options' buffers. */
	for (int i = 0; dlc_all[i] != NULL; i++) {
		CU_ASSERT(dlc_all[i]->product_max <= OPT_MAX_NAME);
		CU_ASSERT(dlc_all[i]->device_max <= OPT_MAX_ID);
	}
	CU_ASSERT(dlc_find("tencent")->device_max <= OPT_MAX_NAME);
	CU_ASSERT(dlc_find("aliyun")->device_max <= OPT_MAX_NAME);
}

static void identities_that_would_break_a_topic_are_refused_on_every_platform(void)
{
	const char *bad[] = {"a/b", "+", "dev#", "", "a\tb"};
	const struct {
		const char *platform;
		const char *const *identity;
		const char *key;
	} cases[] = {
	    {"huawei", huawei_id, "device_id"},
	    {"tuya", tuya_id, "device_id"},
	    {"tencent", tencent_id, "product_id"},
	    {"tencent", tencent_id, "device_name"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
			struct pairs ps = on_platform(cases[i].platform, cases[i].identity);
			set(&ps, cases[i].key, bad[k]);
			CU_ASSERT_EQUAL(parse(&ps), -1);
			CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].key));
		}
	}
}

/* Tencent documents DeviceName as [a-zA-Z0-9:_-]{1,48}: every such name is taken, and @ and .
 * too (Alibaba's characters, should a console allow more); nothing else. */
static void tencent_device_names_of_its_documented_rule_are_taken(void)
{
	const char *good[] = {"gw01", "GW-01_a:b", "0123456789:_-", "gw@site.1"};
	/* A space, a comma, an e with an acute accent (octal escapes stop at three digits). */
	const char *bad[] = {"gw 01", "gw,01", "gw\303\25101"};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct pairs ps = on_platform("tencent", tencent_id);
		set(&ps, "device_name", good[i]);
		CU_ASSERT_EQUAL(parse(&ps), 0);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pairs ps = on_platform("tencent", tencent_id);
		set(&ps, "device_name", bad[i]);
		CU_ASSERT_EQUAL(parse(&ps), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "option device_name"));
	}
}

static int init_options_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(sync_role_defaults_fill_the_rest),
	    RUNNER_TEST(default_topics_are_the_platform_ntp_topics),
	    RUNNER_TEST(given_values_replace_the_defaults),
	    RUNNER_TEST(each_required_option_missing_is_named),
	    RUNNER_TEST(serve_role_needs_no_product_key),
	    RUNNER_TEST(unknown_role_is_rejected),
	    RUNNER_TEST(unknown_option_is_rejected_by_name),
	    RUNNER_TEST(option_given_twice_is_rejected),
	    RUNNER_TEST(malformed_numbers_are_rejected_naming_the_option),
	    RUNNER_TEST(zero_and_out_of_range_numbers_are_rejected),
	    RUNNER_TEST(range_limits_themselves_are_accepted),
	    RUNNER_TEST(serve_options_default_to_off_and_the_shipped_limits),
	    RUNNER_TEST(serve_lan_and_authoritative_take_only_true_or_false),
	    RUNNER_TEST(serve_limits_reject_zero_negative_text_and_out_of_range),
	    RUNNER_TEST(empty_text_and_control_characters_are_rejected),
	    RUNNER_TEST(overlong_values_are_rejected),
	    RUNNER_TEST(wildcards_in_topics_are_rejected),
	    RUNNER_TEST(product_key_and_device_name_take_only_platform_characters),
	    RUNNER_TEST(bridge_client_id_must_not_hold_topic_characters),
	    RUNNER_TEST(relative_socket_path_is_rejected),
	    RUNNER_TEST(max_rtt_over_the_response_timeout_is_rejected),
	    RUNNER_TEST(poll_interval_shorter_than_the_burst_is_rejected),
	    RUNNER_TEST(poll_adapts_within_the_default_budget),
	    RUNNER_TEST(fixed_poll_over_the_budget_is_refused_with_it),
	    RUNNER_TEST(fixed_poll_without_a_budget_sets_the_one_it_needs),
	    RUNNER_TEST(same_request_and_response_topic_is_rejected),
	    RUNNER_TEST(null_key_or_value_does_not_crash),
	    RUNNER_TEST(error_fits_a_small_buffer),
	    RUNNER_TEST(platform_defaults_to_aliyun_and_aliyun_named_changes_nothing),
	    RUNNER_TEST(unknown_platform_is_refused_in_one_line_naming_the_accepted_ones),
	    RUNNER_TEST(each_platform_builds_its_own_default_topics_from_its_identity),
	    RUNNER_TEST(each_platforms_identity_options_are_required_in_the_sync_role),
	    RUNNER_TEST(another_platforms_identity_option_is_refused_naming_the_right_ones),
	    RUNNER_TEST(identities_up_to_the_platforms_limit_are_taken_and_one_more_is_refused),
	    RUNNER_TEST(identities_that_would_break_a_topic_are_refused_on_every_platform),
	    RUNNER_TEST(tencent_device_names_of_its_documented_rule_are_taken),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("options", tests);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_options_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
