/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for schedule: the poll's interval and size within the budget of requests a day,
 * driven as the sync role drives it, over days of simulated time.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "runner.h"
#include "schedule.h"

#define S   SCH_NS_PER_S
#define DAY SCH_DAY_NS

/* Every request sent, in time order, to check any 24 hours against the budget. */
#define SENT_MAX 300000
static int64_t sent_at[SENT_MAX];
static unsigned sent_n;

struct drive {
	unsigned polls, quick_polls;
	int64_t first_interval_after_quick;
};

/* Whether the poll ending at t puts the estimate in doubt, sync held or not. */
typedef bool (*doubt_fn)(int64_t t);
typedef bool (*synced_fn)(int64_t t);

static bool never(int64_t t)
{
	(void)t;
	return false;
}

static bool always(int64_t t)
{
	(void)t;
	return true;
}

/* Runs the schedule from 0 to until_ns: each poll sends what it may, 1 s apart is enough for
 * the count, and ends at once. */
static void drive(struct sch_state *s, int64_t until_ns, synced_fn synced, doubt_fn doubt,
                  struct drive *d)
{
	int64_t t = 0;
	bool was = false;

	sent_n = 0;
	*d = (struct drive){0};
	while (t < until_ns) {
		unsigned n = sch_poll_start(s, t);
		if (n == 0) {
			t += 10 * S;
			continue;
		}
		bool quick = sch_quick(s);
		for (unsigned i = 0; i < n; i++) {
			sch_sent(s, t);
			CU_ASSERT_FATAL(sent_n < SENT_MAX);
			sent_at[sent_n++] = t;
		}
		bool now = synced(t);
		struct sch_outcome o = {.synced = now, .was_synced = was, .in_doubt = doubt(t)};
		was = now;
		int64_t interval = sch_poll_end(s, &o);
		CU_ASSERT_EQUAL(interval, sch_interval(s));
		d->polls++;
		d->quick_polls += quick;
		if (quick && !sch_quick(s) && d->first_interval_after_quick == 0)
			d->first_interval_after_quick = interval;
		t += interval;
	}
}

/* The most requests any 24 hours of the run held. */
static unsigned most_in_a_day(void)
{
	unsigned most = 0, from = 0;
	for (unsigned i = 0; i < sent_n; i++) {
		while (sent_at[i] - sent_at[from] >= DAY)
			from++;
		if (i - from + 1 > most)
			most = i - from + 1;
	}
	return most;
}

static void default_budget_polls_four_every_71_s(void)
{
	struct sch_config c = {.max_per_day = 5400, .burst = 4};
	CU_ASSERT_EQUAL(sch_steady_interval(&c), (int64_t)(4.0 * DAY / (0.9 * 5400)));
	CU_ASSERT_EQUAL(sch_steady_per_day(&c), 4860);
	c.steady_ns = 64 * S;
	CU_ASSERT_EQUAL(sch_steady_interval(&c), 64 * S);
	CU_ASSERT_EQUAL(sch_steady_per_day(&c), 5400);
	/* A budget too large for the burst still leaves SCH_MIN_INTERVAL_NS between polls. */
	c = (struct sch_config){.max_per_day = 691200, .burst = 1};
	CU_ASSERT_EQUAL(sch_steady_interval(&c), SCH_MIN_INTERVAL_NS);
	c = (struct sch_config){.max_per_day = 0, .burst = 4};
	CU_ASSERT_EQUAL(sch_steady_interval(&c), 0);
	CU_ASSERT_PTR_NULL(sch_create(&c, 0));
}

static void start_is_quick_then_steady(void)
{
	struct sch_config c = {.max_per_day = 5400, .burst = 4, .quick_burst = SCH_QUICK_BURST};
	struct sch_state *s = sch_create(&c, 0);
	struct drive d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_TRUE(sch_quick(s));
	drive(s, 3600 * S, always, never, &d);
	CU_ASSERT_EQUAL(d.quick_polls, SCH_QUICK_POLLS);
	CU_ASSERT_EQUAL(d.first_interval_after_quick, sch_steady_interval(&c));
	/* 8 quick polls in 14 s, then one every 71.1 s. */
	CU_ASSERT_EQUAL(d.polls, SCH_QUICK_POLLS + (3600 - 14) * S / sch_steady_interval(&c));
	/* The quick ones send SCH_QUICK_BURST each, the steady ones the burst. */
	CU_ASSERT_EQUAL(sch_sent_last_day(s, 3600 * S),
	                SCH_QUICK_BURST * SCH_QUICK_POLLS + 4 * (d.polls - SCH_QUICK_POLLS));
	sch_destroy(s);
}

/* Requests the first poll sends with this budget and burst. */
static unsigned first_poll(uint32_t max_per_day, unsigned burst)
{
	struct sch_config c = {
	    .max_per_day = max_per_day, .burst = burst, .quick_burst = SCH_QUICK_BURST};
	struct sch_state *s = sch_create(&c, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	unsigned n = sch_poll_start(s, 0);
	CU_ASSERT_TRUE(sch_quick(s) || n == burst);
	sch_destroy(s);
	return n;
}

static void quick_polls_send_the_quick_burst_while_the_credit_holds_it(void)
{
	CU_ASSERT_EQUAL(first_poll(5400, 4), SCH_QUICK_BURST);
	CU_ASSERT_EQUAL(first_poll(1350, 1), SCH_QUICK_BURST);
	/* A larger burst is kept. */
	CU_ASSERT_EQUAL(first_poll(86400, 12), 12);
	/* 100 a day: steady polls take 90, the credit holds 5, a burst but not 8. */
	CU_ASSERT_EQUAL(first_poll(100, 4), 4);

	/* Without a quick burst, quick polls send the burst. */
	struct sch_config c = {.max_per_day = 5400, .burst = 4};
	struct sch_state *s = sch_create(&c, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(sch_poll_start(s, 0), 4);
	CU_ASSERT_TRUE(sch_quick(s));
	sch_destroy(s);
}

static void no_day_holds_more_than_the_budget_however_often_in_doubt(void)
{
	/* The estimate in doubt at every poll: quick polls as long as the credit lasts. */
	const uint32_t budgets[] = {5400, 1350, 86400, 100};

	for (unsigned i = 0; i < sizeof(budgets) / sizeof(budgets[0]); i++) {
		struct sch_config c = {
		    .max_per_day = budgets[i], .burst = 4, .quick_burst = SCH_QUICK_BURST};
		struct sch_state *s = sch_create(&c, 0);
		struct drive d;
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		drive(s, 3 * DAY, always, always, &d);
		unsigned most = most_in_a_day();
		CU_ASSERT(most <= budgets[i]);
		/* And the budget is used: steady polls spend 90 % of it. */
		CU_ASSERT(most >= budgets[i] * 9 / 10 - 4);
		/* Quick polls beyond the start's, but for a budget too small to pay for them. */
		CU_ASSERT(d.quick_polls > SCH_QUICK_POLLS || budgets[i] < 1000);
		sch_destroy(s);
	}
}

static bool lost_day_two(int64_t t)
{
	return t < DAY + 3600 * S || t > DAY + 7200 * S;
}

static void regained_sync_brings_quick_polls_lost_sync_does_not(void)
{
	struct sch_config c = {.max_per_day = 5400, .burst = 4};
	struct sch_state *s = sch_create(&c, 0);
	struct drive d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	drive(s, 2 * DAY, lost_day_two, never, &d);
	/* At the start (the first poll and 7 more), and the 7 after the poll that found the
	 * platform again; none while sync was being lost or was lost. */
	CU_ASSERT_EQUAL(d.quick_polls, 2 * SCH_QUICK_POLLS - 1);
	CU_ASSERT(most_in_a_day() <= 5400);
	sch_destroy(s);
}

static void fixed_poll_at_the_budget_has_no_quick_polls(void)
{
	/* 8 every 8 s is the whole budget of 86,400: nothing is left for quick polls. */
	struct sch_config c = {.max_per_day = 86400, .steady_ns = 8 * S, .burst = 8};
	struct sch_state *s = sch_create(&c, 0);
	struct drive d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	drive(s, DAY + 3600 * S, always, always, &d);
	CU_ASSERT_EQUAL(d.quick_polls, 0);
	CU_ASSERT(most_in_a_day() <= 86400);
	sch_destroy(s);
}

static void a_full_day_waits_for_room(void)
{
	/* The budget spent by hand: the next poll may send nothing until a minute leaves. */
	struct sch_config c = {.max_per_day = 100, .burst = 4};
	struct sch_state *s = sch_create(&c, 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	for (int i = 0; i < 100; i++)
		sch_sent(s, 0);
	CU_ASSERT_EQUAL(sch_sent_last_day(s, 60 * S), 100);
	CU_ASSERT_EQUAL(sch_poll_start(s, DAY - 1), 0);
	CU_ASSERT_EQUAL(sch_sent_last_day(s, DAY), 0);
	CU_ASSERT(sch_poll_start(s, DAY) > 0);
	sch_destroy(s);
}

static int init_schedule_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(default_budget_polls_four_every_71_s),
	    RUNNER_TEST(start_is_quick_then_steady),
	    RUNNER_TEST(quick_polls_send_the_quick_burst_while_the_credit_holds_it),
	    RUNNER_TEST(no_day_holds_more_than_the_budget_however_often_in_doubt),
	    RUNNER_TEST(regained_sync_brings_quick_polls_lost_sync_does_not),
	    RUNNER_TEST(fixed_poll_at_the_budget_has_no_quick_polls),
	    RUNNER_TEST(a_full_day_waits_for_room),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("schedule", tests);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_schedule_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
