/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for status_args: iotntp-status's command line, mosquitto_sub's option names, the
 * defaults for a local broker and the refusals.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "status_args.h"

#define MAX_ARGS 40
#define PASSWORD "s3cret-Pw"

static struct sa_args args;
static char err[SA_ERR_SIZE];

/* Parses the NULL-terminated arguments after the program name. */
static int parse(const char *first, ...)
{
	char *argv[MAX_ARGS] = {"iotntp-status"};
	int argc = 1;
	va_list ap;

	va_start(ap, first);
	for (const char *a = first; a != NULL; a = va_arg(ap, const char *)) {
		CU_ASSERT_FATAL(argc < MAX_ARGS - 1);
		argv[argc++] = (char *)a;
	}
	va_end(ap);
	argv[argc] = NULL;
	err[0] = '\0';
	return sa_parse(&args, argc, argv, err, sizeof(err));
}

/* Expects a refusal whose message holds want and no password; counts it as a bad input. */
static void expect_refusal(int rc, const char *want)
{
	CU_ASSERT_EQUAL(rc, -1);
	if (strstr(err, want) == NULL) {
		fprintf(stderr, "\n  error \"%s\" does not say \"%s\"\n", err, want);
		CU_FAIL("refusal does not say why");
	}
	CU_ASSERT_PTR_NULL(strstr(err, PASSWORD));
	runner_add_figure("bad_inputs", 1);
}

static void no_options_mean_the_local_broker_and_the_plugins_topic(void)
{
	CU_ASSERT_EQUAL_FATAL(
	    sa_parse(&args, 1, (char *[]){"iotntp-status", NULL}, err, sizeof(err)), 0);
	CU_ASSERT_FALSE(args.help);
	CU_ASSERT_FALSE(args.json);
	CU_ASSERT_STRING_EQUAL(args.host, "localhost");
	CU_ASSERT_EQUAL(args.port, 1883);
	CU_ASSERT_STRING_EQUAL(args.topic, "iotntp/status");
	CU_ASSERT_EQUAL(args.timeout_s, SA_DEFAULT_TIMEOUT);
	CU_ASSERT_PTR_NULL(args.id);
	CU_ASSERT_PTR_NULL(args.username);
	CU_ASSERT_PTR_NULL(args.password);
	CU_ASSERT_FALSE(args.tls);
}

static void mosquitto_subs_short_options_are_taken(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("-h", "gw.lan", "-p", "1884", "-t", "site/iotntp", "-i",
	                            "monitor-1", "-u", "ops", "-P", PASSWORD, "-W", "10", NULL),
	                      0);
	CU_ASSERT_STRING_EQUAL(args.host, "gw.lan");
	CU_ASSERT_EQUAL(args.port, 1884);
	CU_ASSERT_STRING_EQUAL(args.topic, "site/iotntp");
	CU_ASSERT_STRING_EQUAL(args.id, "monitor-1");
	CU_ASSERT_STRING_EQUAL(args.username, "ops");
	CU_ASSERT_STRING_EQUAL(args.password, PASSWORD);
	CU_ASSERT_EQUAL(args.timeout_s, 10);
}

static void long_options_take_their_value_after_a_space_or_an_equals_sign(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("--host=gw.lan", "--port", "1884", "--topic=a/b", "--username",
	                            "ops", "--pw=" PASSWORD, "--timeout=1", "--json", NULL),
	                      0);
	CU_ASSERT_STRING_EQUAL(args.host, "gw.lan");
	CU_ASSERT_EQUAL(args.port, 1884);
	CU_ASSERT_STRING_EQUAL(args.topic, "a/b");
	CU_ASSERT_STRING_EQUAL(args.password, PASSWORD);
	CU_ASSERT_EQUAL(args.timeout_s, 1);
	CU_ASSERT_TRUE(args.json);
}

static void a_value_may_start_with_a_dash(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("-u", "ops", "-P", "-dash-first", NULL), 0);
	CU_ASSERT_STRING_EQUAL(args.password, "-dash-first");
}

static void tls_options_turn_tls_on_and_make_8883_the_default_port(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("--cafile", "/etc/ssl/ca.pem", NULL), 0);
	CU_ASSERT_TRUE(args.tls);
	CU_ASSERT_EQUAL(args.port, 8883);
	CU_ASSERT_STRING_EQUAL(args.cafile, "/etc/ssl/ca.pem");

	CU_ASSERT_EQUAL_FATAL(parse("--capath", "/etc/ssl/certs", "--cert", "c.pem", "--key",
	                            "k.pem", "--tls-version", "tlsv1.2", "--insecure", NULL),
	                      0);
	CU_ASSERT_TRUE(args.tls);
	CU_ASSERT_TRUE(args.insecure);
	CU_ASSERT_STRING_EQUAL(args.certfile, "c.pem");
	CU_ASSERT_STRING_EQUAL(args.keyfile, "k.pem");
	CU_ASSERT_STRING_EQUAL(args.tls_version, "tlsv1.2");

	CU_ASSERT_EQUAL_FATAL(parse("--tls-use-os-certs", NULL), 0);
	CU_ASSERT_TRUE(args.tls);
	CU_ASSERT_TRUE(args.tls_use_os_certs);
	CU_ASSERT_EQUAL(args.port, 8883);
}

static void an_explicit_port_wins_over_the_tls_default(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("--cafile", "ca.pem", "-p", "1883", NULL), 0);
	CU_ASSERT_EQUAL(args.port, 1883);
	CU_ASSERT_EQUAL_FATAL(parse("-p", "8883", NULL), 0);
	CU_ASSERT_FALSE(args.tls);
	CU_ASSERT_EQUAL(args.port, 8883);
}

static void help_is_long_only_since_dash_h_is_the_host(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("--help", NULL), 0);
	CU_ASSERT_TRUE(args.help);
	/* Whatever else is wrong: --help answers first. */
	CU_ASSERT_EQUAL_FATAL(parse("--pw", PASSWORD, "--help", NULL), 0);
	CU_ASSERT_TRUE(args.help);
	expect_refusal(parse("-h", NULL), "--host needs a value");
}

static void ports_and_timeouts_out_of_range_are_refused(void)
{
	expect_refusal(parse("-p", "0", NULL), "--port '0' is not a port from 1 to 65535");
	expect_refusal(parse("-p", "65536", NULL), "--port '65536'");
	expect_refusal(parse("-p", "18x", NULL), "--port '18x'");
	expect_refusal(parse("-p", "-1", NULL), "--port '-1'");
	expect_refusal(parse("--port=", NULL), "--port ''");
	expect_refusal(parse("-W", "0", NULL), "--timeout '0' is not a whole number of seconds");
	expect_refusal(parse("-W", "3601", NULL), "from 1 to 3600");
	expect_refusal(parse("-W", "1.5", NULL), "--timeout '1.5'");
}

static void wildcard_or_empty_values_are_refused(void)
{
	expect_refusal(parse("-t", "iotntp/+", NULL), "has a wildcard");
	expect_refusal(parse("-t", "#", NULL), "has a wildcard");
	expect_refusal(parse("-t", "", NULL), "--topic is empty");
	expect_refusal(parse("-h", "", NULL), "--host is empty");
	expect_refusal(parse("-i", "", NULL), "--id is empty");
	expect_refusal(parse("--cafile", "", NULL), "--cafile is empty");
	expect_refusal(parse("--tls-version", "sslv3", NULL), "not one of tlsv1.3, tlsv1.2");
}

static void options_that_need_another_are_refused_without_it(void)
{
	expect_refusal(parse("-P", PASSWORD, NULL), "--pw needs --username");
	expect_refusal(parse("--cafile", "ca.pem", "--cert", "c.pem", NULL), "give both");
	expect_refusal(parse("--cafile", "ca.pem", "--key", "k.pem", NULL), "give both");
	expect_refusal(parse("--insecure", NULL), "--insecure needs TLS");
	expect_refusal(parse("--tls-version", "tlsv1.3", NULL), "--tls-version needs TLS");
	expect_refusal(parse("--cert", "c.pem", "--key", "k.pem", NULL), "--cert needs TLS");
}

static void unknown_repeated_or_misplaced_arguments_are_refused(void)
{
	expect_refusal(parse("--verbose", NULL), "unknown option --verbose");
	expect_refusal(parse("-x", NULL), "unknown option -x");
	expect_refusal(parse("-p", "1883", "--port", "1884", NULL), "--port is given twice");
	expect_refusal(parse("--json=yes", NULL), "--json takes no value");
	expect_refusal(parse("-W", NULL), "--timeout needs a value");
	expect_refusal(parse("iotntp/status", NULL), "unexpected argument 1");
	expect_refusal(parse("-", NULL), "unexpected argument 1");
}

static void a_password_is_never_repeated_in_a_message(void)
{
	expect_refusal(parse("-P" PASSWORD, NULL), "give a short option and its value apart");
	expect_refusal(parse("--password=" PASSWORD, NULL), "unknown option --password");
	expect_refusal(parse("-u", "ops", "-P", PASSWORD, PASSWORD, NULL), "unexpected argument 5");
	expect_refusal(parse("-u", "ops", "--pw=" PASSWORD, "--pw", PASSWORD, NULL),
	               "--pw is given twice");
}

static void usage_names_every_option_and_the_exit_statuses(void)
{
	static const char *const names[] = {
	    "--json",     "--host",        "--port",     "--topic",  "--timeout",          "--id",
	    "--username", "--pw",          "--cafile",   "--capath", "--tls-use-os-certs", "--cert",
	    "--key",      "--tls-version", "--insecure", "--help",   "Exit status: 0",
	};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	sa_usage(f);
	fclose(f);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strstr(text, names[i]) == NULL) {
			fprintf(stderr, "\n  usage lacks %s\n", names[i]);
			CU_FAIL("usage lacks an option");
		}
	}
	free(text);
}

static int init_status_args_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(no_options_mean_the_local_broker_and_the_plugins_topic),
	    RUNNER_TEST(mosquitto_subs_short_options_are_taken),
	    RUNNER_TEST(long_options_take_their_value_after_a_space_or_an_equals_sign),
	    RUNNER_TEST(a_value_may_start_with_a_dash),
	    RUNNER_TEST(tls_options_turn_tls_on_and_make_8883_the_default_port),
	    RUNNER_TEST(an_explicit_port_wins_over_the_tls_default),
	    RUNNER_TEST(help_is_long_only_since_dash_h_is_the_host),
	    RUNNER_TEST(ports_and_timeouts_out_of_range_are_refused),
	    RUNNER_TEST(wildcard_or_empty_values_are_refused),
	    RUNNER_TEST(options_that_need_another_are_refused_without_it),
	    RUNNER_TEST(unknown_repeated_or_misplaced_arguments_are_refused),
	    RUNNER_TEST(a_password_is_never_repeated_in_a_message),
	    RUNNER_TEST(usage_names_every_option_and_the_exit_statuses),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("status_args", tests);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_status_args_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
