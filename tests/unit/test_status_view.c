/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for status_view: the plugin's status as an operator reads it, the facts that are
 * shown only when there is something to show, and text that is not a status.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runner.h"
#include "status_view.h"

/* 2026-12-01T22:46:26.825Z: three seconds after the sample below. */
#define NOW_MS 1796165186825LL

/* A status as the plugin published it, dropped_by in full. */
static const char synced_status[] =
    "{\"synced\":true,\"offset_s\":4.669085273,\"rtt_ms\":0.113,"
    "\"last_sample_utc\":\"2026-12-01T22:46:23.825Z\",\"sent\":32,\"answered\":28,"
    "\"timed_out\":4,\"rejected\":0,\"polls\":4,\"samples\":4,\"poll_s\":71.1,"
    "\"poll_adapts\":true,\"requests_24h\":32,\"max_requests_per_day\":5400,"
    "\"dropped_by\":{\"too_large\":0,"
    "\"not_json\":0,\"missing_field\":0,\"bad_value\":0,\"bad_time\":0,\"unknown_request\":0,"
    "\"duplicate\":0,\"expired\":0,\"server_order\":0,\"negative_rtt\":0,\"out_of_range\":0,"
    "\"slow_server\":0,\"local_client\":0,\"impostor\":0,\"other_device\":0,"
    "\"over_max_rtt\":0},\"refclock_connected\":true,\"samples_to_chrony\":4,"
    "\"denied_own_topics\":0,\"lan\":{\"answered\":0,\"bad_request\":0,\"rate_limited\":0,"
    "\"unsynced\":0,\"forged_answer\":0}}";

static const char synced_view[] =
    "Synchronised      : yes\n"
    "Platform offset   : +4.669085273 s (platform ahead of the gateway)\n"
    "Round trip        : 0.113 ms\n"
    "Last sample       : 2026-12-01 22:46:23.825 UTC (3 s ago)\n"
    "Samples to chrony : 4\n"
    "Refclock          : connected\n"
    "Polls             : 4, 4 with a sample\n"
    "Poll interval     : 71.1 s, adapting within the budget\n"
    "Requests          : 32 sent, 28 answered, 4 timed out; 32 in the last 24 h (at most "
    "5400)\n"
    "LAN answers       : 0\n"
    "Denied publishes  : 0 on the plugin's own topics\n";

/* Before the first answer: no sample, nothing sent to chrony yet. */
static const char fresh_status[] =
    "{\"synced\":false,\"offset_s\":null,\"rtt_ms\":null,\"last_sample_utc\":null,\"sent\":8,"
    "\"answered\":0,\"timed_out\":8,\"rejected\":0,\"polls\":1,\"samples\":0,"
    "\"dropped_by\":{\"expired\":0,\"over_max_rtt\":0},\"refclock_connected\":false,"
    "\"samples_to_chrony\":0}";

static const char fresh_view[] = "Synchronised      : no\n"
                                 "Last sample       : none since the broker started\n"
                                 "Samples to chrony : 0\n"
                                 "Refclock          : not connected\n"
                                 "Polls             : 1, 0 with a sample\n"
                                 "Requests          : 8 sent, 0 answered, 8 timed out\n";

static char err[SV_ERR_SIZE];
static char *text;
static size_t text_len;

/* The view of status as of now_ms, in text; returns what sv_write returned. */
static int view_at(const char *status, int64_t now_ms)
{
	FILE *f;

	free(text);
	text = NULL;
	f = open_memstream(&text, &text_len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	err[0] = '\0';
	int rc = sv_write(f, status, strlen(status), now_ms, err, sizeof(err));
	CU_ASSERT_EQUAL_FATAL(fclose(f), 0);
	return rc;
}

static int view(const char *status)
{
	return view_at(status, NOW_MS);
}

/* Whether the view has a line starting with name and its colon. */
static const char *view_line(const char *name)
{
	char start[64];

	snprintf(start, sizeof(start), "\n%-17s : ", name);
	if (strncmp(text, start + 1, strlen(start + 1)) == 0)
		return text;
	const char *p = strstr(text, start);
	return p != NULL ? p + 1 : NULL;
}

/* Expects the view to hold exactly this line. */
static void expect_line(const char *want)
{
	char with_newline[512];

	snprintf(with_newline, sizeof(with_newline), "%s\n", want);
	if (strstr(text, with_newline) == NULL) {
		fprintf(stderr, "\n  no line \"%s\" in:\n%s", want, text);
		CU_FAIL("expected line missing");
	}
}

static void expect_no_line(const char *name)
{
	if (view_line(name) != NULL) {
		fprintf(stderr, "\n  unexpected %s line in:\n%s", name, text);
		CU_FAIL("unexpected line");
	}
}

/* status with "key":value put in place of its first field after "synced". */
static const char *with_field(const char *status, const char *field)
{
	static char buf[4096];
	const char *after = strchr(status, ',');

	snprintf(buf, sizeof(buf), "%.*s,%s%s", (int)(after - status), status, field, after);
	return buf;
}

static void synced_status_reads_as_one_aligned_line_per_fact(void)
{
	CU_ASSERT_EQUAL(view(synced_status), SV_SYNCED);
	if (strcmp(text, synced_view) != 0) {
		fprintf(stderr, "\n  got:\n%s  want:\n%s", text, synced_view);
		CU_FAIL("view differs");
	}
	CU_ASSERT_EQUAL(sv_synced(synced_status, strlen(synced_status), err, sizeof(err)),
	                SV_SYNCED);
}

static void status_before_the_first_sample_says_none_and_unsynced(void)
{
	CU_ASSERT_EQUAL(view(fresh_status), SV_UNSYNCED);
	if (strcmp(text, fresh_view) != 0) {
		fprintf(stderr, "\n  got:\n%s  want:\n%s", text, fresh_view);
		CU_FAIL("view differs");
	}
	CU_ASSERT_EQUAL(sv_synced(fresh_status, strlen(fresh_status), err, sizeof(err)),
	                SV_UNSYNCED);
}

static void every_value_starts_in_the_same_column(void)
{
	CU_ASSERT_EQUAL_FATAL(view(with_field(synced_status, "\"error_bound_ms\":0.25")),
	                      SV_SYNCED);
	for (const char *l = text; *l != '\0'; l = strchr(l, '\n') + 1) {
		CU_ASSERT_EQUAL(strncmp(l + 17, " : ", 3), 0);
	}
}

static void error_bound_is_shown_when_the_status_has_one(void)
{
	view(with_field(synced_status, "\"error_bound_ms\":0.2504"));
	expect_line("Error bound       : 0.250 ms");
	/* Right after the round trip, before the sample's time. */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "Round trip        : 0.113 ms\nError bound"));

	view(synced_status);
	expect_no_line("Error bound");
	view(with_field(synced_status, "\"error_bound_ms\":null"));
	expect_no_line("Error bound");
	view(with_field(synced_status, "\"error_bound_ms\":\"0.25\""));
	expect_no_line("Error bound");
}

static void offset_says_which_clock_is_ahead(void)
{
	view(with_field(fresh_status, "\"offset_s\":-0.000012345"));
	expect_line("Platform offset   : -0.000012345 s (platform behind the gateway)");
	view(with_field(fresh_status, "\"offset_s\":0"));
	expect_line("Platform offset   : +0.000000000 s");
}

static void since_gives_when_sync_last_changed(void)
{
	CU_ASSERT_EQUAL(
	    view(with_field(synced_status, "\"since_utc\":\"2026-12-01T21:40:00.000Z\"")),
	    SV_SYNCED);
	expect_line("Synchronised      : yes, since 2026-12-01 21:40:00.000 UTC (1 h 6 min ago)");
	CU_ASSERT_EQUAL(view(with_field(fresh_status, "\"since_utc\":\"2026-12-01T22:46:00Z\"")),
	                SV_UNSYNCED);
	expect_line("Synchronised      : no, since 2026-12-01 22:46:00 UTC (26 s ago)");
	view(with_field(fresh_status, "\"since_utc\":\"yesterday\""));
	expect_line("Synchronised      : no");
}

static void last_sample_time_that_is_no_time_is_shown_as_it_is(void)
{
	const char *s = "{\"synced\":true,\"last_sample_utc\":\"2026-02-30T00:00:00.000Z\"}";

	view(s);
	expect_line("Last sample       : 2026-02-30T00:00:00.000Z");
}

static void drops_are_listed_by_reason_only_when_there_are_any(void)
{
	view(synced_status);
	expect_no_line("Answers dropped");

	const char *s = "{\"synced\":true,\"rejected\":3,\"dropped_by\":{\"not_json\":0,"
	                "\"expired\":2,\"impostor\":1,\"over_max_rtt\":5}}";
	view(s);
	expect_line("Answers dropped   : expired 2, impostor 1, over_max_rtt 5");

	/* A status without the reasons still says how many. */
	view("{\"synced\":true,\"rejected\":3}");
	expect_line("Answers dropped   : 3");
	view("{\"synced\":true,\"rejected\":0}");
	expect_no_line("Answers dropped");
}

static void lan_line_says_what_was_not_answered_and_what_was_denied(void)
{
	view("{\"synced\":true,\"lan\":{\"answered\":120,\"bad_request\":1,\"rate_limited\":0,"
	     "\"unsynced\":7,\"forged_answer\":2}}");
	expect_line("LAN answers       : 120, not answered: bad_request 1, unsynced 7, forged "
	            "answers denied: 2");
	view("{\"synced\":true,\"lan\":{\"answered\":5,\"forged_answer\":0}}");
	expect_line("LAN answers       : 5");
	/* Without serve_lan the status has no lan object. */
	view(fresh_status);
	expect_no_line("LAN answers");
}

static void fields_of_the_wrong_type_are_left_out(void)
{
	const char *s = "{\"synced\":false,\"offset_s\":\"4.6\",\"rtt_ms\":true,"
	                "\"samples_to_chrony\":-1,\"refclock_connected\":1,\"sent\":1.5,"
	                "\"answered\":\"2\",\"polls\":1e30,\"lan\":[1],\"denied_own_topics\":null,"
	                "\"dropped_by\":{\"expired\":-3,\"duplicate\":\"x\",\"impostor\":0.5}}";

	CU_ASSERT_EQUAL(view(s), SV_UNSYNCED);
	CU_ASSERT_STRING_EQUAL(text, "Synchronised      : no\n");
}

static void text_from_the_message_is_shown_printable_only(void)
{
	view("{\"synced\":true,\"last_sample_utc\":\"\\u001b[2Jlate\\n\",\"dropped_by\":"
	     "{\"\\u001b]0;x\\u0007\":2}}");
	expect_line("Last sample       : ?[2Jlate?");
	expect_line("Answers dropped   : ?]0;x? 2");
	for (const char *p = text; *p != '\0'; p++)
		CU_ASSERT(*p == '\n' || (*p >= 0x20 && *p < 0x7f));
	runner_add_figure("bad_inputs", 1);
}

static void counters_up_to_2_to_the_53_are_exact(void)
{
	view("{\"synced\":true,\"samples_to_chrony\":9007199254740992}");
	expect_line("Samples to chrony : 9007199254740992");
}

static void text_that_is_not_a_status_is_refused_and_nothing_is_written(void)
{
	static const struct {
		const char *text;
		const char *why;
	} bad[] = {
	    {"", "not JSON"},
	    {"synced", "not JSON"},
	    {"{\"synced\":true", "not JSON"},
	    {"{\"synced\":true}}", "not JSON"},
	    {"[true]", "not an object"},
	    {"true", "not an object"},
	    {"{}", "without \"synced\""},
	    {"{\"synced\":\"true\"}", "without \"synced\""},
	    {"{\"synced\":1}", "without \"synced\""},
	    {"{\"Synced\":true}", "without \"synced\""},
	    {"{\"status\":{\"synced\":true}}", "without \"synced\""},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(view(bad[i].text), -1);
		CU_ASSERT_EQUAL(text_len, 0);
		if (strstr(err, bad[i].why) == NULL) {
			fprintf(stderr, "\n  '%s': error \"%s\" does not say \"%s\"\n", bad[i].text,
			        err, bad[i].why);
			CU_FAIL("refusal does not say why");
		}
		err[0] = '\0';
		CU_ASSERT_EQUAL(sv_synced(bad[i].text, strlen(bad[i].text), err, sizeof(err)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].why));
		runner_add_figure("bad_inputs", 1);
	}
}

static void only_the_given_length_is_read(void)
{
	char both[sizeof(synced_status) + 16];

	/* A valid status followed by bytes that would make it invalid. */
	snprintf(both, sizeof(both), "%s}garbage", synced_status);
	CU_ASSERT_EQUAL(sv_synced(both, strlen(synced_status), err, sizeof(err)), SV_SYNCED);
	CU_ASSERT_EQUAL(sv_synced(both, strlen(both), err, sizeof(err)), -1);
}

static void a_full_output_is_reported(void)
{
	char small[64];
	FILE *f = fmemopen(small, sizeof(small), "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	setvbuf(f, NULL, _IONBF, 0);
	CU_ASSERT_EQUAL(sv_write(f, synced_status, strlen(synced_status), NOW_MS, err, sizeof(err)),
	                -2);
	fclose(f);
}

static void ages_read_in_the_largest_sensible_units(void)
{
	static const struct {
		int64_t ms;
		const char *want;
	} ages[] = {
	    {0, "0 s ago"},
	    {999, "0 s ago"},
	    {1000, "1 s ago"},
	    {59999, "59 s ago"},
	    {60000, "1 min 0 s ago"},
	    {3599999, "59 min 59 s ago"},
	    {3600000, "1 h 0 min ago"},
	    {86399999, "23 h 59 min ago"},
	    {86400000, "1 d 0 h ago"},
	    {400LL * 86400000 + 7200000, "400 d 2 h ago"},
	    {-1, "0 s ago"},
	    {-999, "0 s ago"},
	    {-1000, "1 s in the future"},
	    {-61500, "1 min 1 s in the future"},
	    {INT64_MAX, "106751991167 d 7 h ago"},
	    {INT64_MIN, "106751991167 d 7 h in the future"},
	};
	char buf[SV_AGE_SIZE];

	for (size_t i = 0; i < sizeof(ages) / sizeof(ages[0]); i++) {
		sv_age(buf, sizeof(buf), ages[i].ms);
		if (strcmp(buf, ages[i].want) != 0) {
			fprintf(stderr, "\n  %" PRId64 " ms: \"%s\", want \"%s\"\n", ages[i].ms,
			        buf, ages[i].want);
			CU_FAIL("wrong age");
		}
	}
}

static void status_times_parse_to_unix_milliseconds(void)
{
	static const struct {
		const char *utc;
		int64_t ms;
	} good[] = {
	    {"1970-01-01T00:00:00.000Z", 0},
	    {"1970-01-01T00:00:00Z", 0},
	    {"2026-12-01T22:46:23.825Z", 1796165183825LL},
	    {"2024-02-29T12:00:00.001Z", 1709208000001LL},
	    {"2038-01-19T03:14:08.000Z", 2147483648000LL},
	    {"2099-12-31T23:59:59.999Z", 4102444799999LL},
	    {"2000-02-29T00:00:00Z", 951782400000LL},
	    {"2100-03-01T00:00:00.000Z", 4107542400000LL},
	    {"9999-12-31T23:59:59.999Z", 253402300799999LL},
	};
	int64_t ms;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ms = -1;
		CU_ASSERT_EQUAL(sv_parse_utc(good[i].utc, &ms), 0);
		CU_ASSERT_EQUAL(ms, good[i].ms);
	}
}

static void malformed_or_impossible_times_are_refused(void)
{
	static const char *const bad[] = {
	    "",
	    "2026-12-01T22:46:23.825",
	    "2026-12-01t22:46:23.825Z",
	    "2026-12-01 22:46:23.825Z",
	    "2026-12-01T22:46:23.825+00:00",
	    "2026-12-01T22:46:23.82Z",
	    "2026-12-01T22:46:23.8255Z",
	    "2026-12-01T22:46:23,825Z",
	    "2026-12-1T22:46:23.825Z",
	    "+026-12-01T22:46:23.825Z",
	    "2026-13-01T00:00:00.000Z",
	    "2026-00-01T00:00:00.000Z",
	    "2026-12-00T00:00:00.000Z",
	    "2023-02-29T00:00:00.000Z",
	    "2100-02-29T00:00:00.000Z",
	    "2026-06-31T00:00:00.000Z",
	    "2026-04-31T00:00:00.000Z",
	    "2026-12-01T24:00:00.000Z",
	    "2026-12-01T23:60:00.000Z",
	    "2026-12-01T23:59:60.000Z",
	    "1969-12-31T23:59:59.999Z",
	    "2026-12-01T22:46:2a.825Z",
	};
	int64_t ms = 42;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (sv_parse_utc(bad[i], &ms) != -1) {
			fprintf(stderr, "\n  \"%s\" accepted\n", bad[i]);
			CU_FAIL("bad time accepted");
		}
		runner_add_figure("bad_inputs", 1);
	}
	CU_ASSERT_EQUAL(ms, 42);
}

static void every_time_the_plugin_can_write_parses_back(void)
{
	srandom(20261124);
	for (int i = 0; i < 20000; i++) {
		/* Up to 2100, as the platform's times are checked to be; gmtime_r, which makes the
		 * text here, reaches only 2038 with a 32-bit time_t. */
		int64_t end = sizeof(time_t) >= 8 ? 4102444800000LL : 2147483647000LL;
		int64_t want = (((int64_t)random() << 31) ^ random()) % end;
		time_t sec = (time_t)(want / 1000);
		struct tm tm;
		char utc[32], when[24];
		int64_t got;

		CU_ASSERT_PTR_NOT_NULL_FATAL(gmtime_r(&sec, &tm));
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(utc, sizeof(utc), "%s.%03dZ", when, (int)(want % 1000));
		CU_ASSERT_EQUAL_FATAL(sv_parse_utc(utc, &got), 0);
		CU_ASSERT_EQUAL_FATAL(got, want);
	}
}

static int init_status_view_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(synced_status_reads_as_one_aligned_line_per_fact),
	    RUNNER_TEST(status_before_the_first_sample_says_none_and_unsynced),
	    RUNNER_TEST(every_value_starts_in_the_same_column),
	    RUNNER_TEST(error_bound_is_shown_when_the_status_has_one),
	    RUNNER_TEST(offset_says_which_clock_is_ahead),
	    RUNNER_TEST(since_gives_when_sync_last_changed),
	    RUNNER_TEST(last_sample_time_that_is_no_time_is_shown_as_it_is),
	    RUNNER_TEST(drops_are_listed_by_reason_only_when_there_are_any),
	    RUNNER_TEST(lan_line_says_what_was_not_answered_and_what_was_denied),
	    RUNNER_TEST(fields_of_the_wrong_type_are_left_out),
	    RUNNER_TEST(text_from_the_message_is_shown_printable_only),
	    RUNNER_TEST(counters_up_to_2_to_the_53_are_exact),
	    RUNNER_TEST(text_that_is_not_a_status_is_refused_and_nothing_is_written),
	    RUNNER_TEST(only_the_given_length_is_read),
	    RUNNER_TEST(a_full_output_is_reported),
	    RUNNER_TEST(ages_read_in_the_largest_sensible_units),
	    RUNNER_TEST(status_times_parse_to_unix_milliseconds),
	    RUNNER_TEST(malformed_or_impossible_times_are_refused),
	    RUNNER_TEST(every_time_the_plugin_can_write_parses_back),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("status_view", tests);
}

int main(void)
{
	int rc;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_status_view_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	rc = runner_run();
	free(text);
	return rc;
}
