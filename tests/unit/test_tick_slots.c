/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for tick_slots, on a model of the two brokers' loops as tick_slots.h describes
 * them: how late the plugin's work runs after the time it asked for, with packets coming in
 * between.
 */
#include <stdbool.h>
#include <stdint.h>

#include "runner.h"
#include "tick_slots.h"

#define US 1000LL
#define MS 1000000LL
#define S  1000000000LL

/* The work wants to run every WORK_PERIOD_NS, as the sync role's chrony feed and bursts do
 * (it asks for 100 ms at most). */
#define WORK_PERIOD_NS (100 * MS)
/* The broker's own timers wake it at least this often (keepalives, 2.1.2's src/keepalive.c). */
#define BROKER_TIMER_NS (5 * S)

struct model {
	bool v21;                     /* 2.1.2's loop; else 2.0.11's */
	unsigned slots;               /* tick callbacks registered */
	int64_t due_after[TKS_SLOTS]; /* 2.1.2: a slot is called in a pass after this time */
	struct tks_state state;
	int64_t want;     /* when the work wants to run next */
	int64_t worst_ns; /* the latest it ran after that */
	unsigned runs, passes;
	uint64_t rng;
};

static double uniform(struct model *m)
{
	m->rng = m->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(m->rng >> 11) / 9007199254740992.0;
}

/* The work, as the first slot of a pass runs it at t: records how late it came, and gives the
 * wake it asks for in ms, rounded up, 1 at least (as broker_sync.c asks). */
static long work(struct model *m, int64_t t)
{
	m->runs++;
	if (t >= m->want) {
		if (t - m->want > m->worst_ns)
			m->worst_ns = t - m->want;
		m->want = t + WORK_PERIOD_NS;
	}
	int64_t wait = m->want - t;
	return wait > 0 ? (long)((wait + MS - 1) / MS) : 1;
}

/* One pass of the loop at t: calls the slots as the broker would, each a microsecond after the
 * one before; returns the wake it arms in ns (-1: none). */
static int64_t pass(struct model *m, int64_t *t)
{
	int64_t wake = -1;

	m->passes++;
	for (unsigned slot = 0; slot < m->slots; slot++) {
		if (m->v21 && !(*t > m->due_after[slot]))
			continue;
		*t += US;
		long next = tks_starts_pass(&m->state, slot, *t) ? work(m, *t) : 0;
		if (next > 0 && (wake < 0 || next * MS < wake))
			wake = next * MS;
		m->due_after[slot] = *t + next * MS;
	}
	return wake;
}

/* Runs the model for span_ns with packets coming in at random, packets_per_s on average
 * (each brings a pass of its own); returns the latest the work ran after its time. */
static int64_t run(bool v21, unsigned slots, double packets_per_s, int64_t span_ns)
{
	struct model m = {.v21 = v21, .slots = slots, .rng = 7};
	int64_t t = 0;
	/* A callback registered is due at once. */
	for (unsigned slot = 0; slot < slots; slot++)
		m.due_after[slot] = -1;
	int64_t packet = packets_per_s > 0 ? (int64_t)(-1.0 / packets_per_s * S) : -1;

	while (t < span_ns) {
		int64_t wake = pass(&m, &t);
		/* 2.0.11 sleeps 100 ms at most; 2.1.2 without websockets as long as asked. */
		int64_t sleep = v21 ? (wake < 0 ? BROKER_TIMER_NS : wake) : 100 * MS;
		if (sleep > BROKER_TIMER_NS)
			sleep = BROKER_TIMER_NS;
		int64_t next = t + sleep;
		if (packets_per_s > 0) {
			if (packet <= t) {
				/* Exponential gaps: packets of many clients, unrelated to the
				 * plugin. */
				double u = uniform(&m);
				packet = t + (int64_t)(-__builtin_log(1.0 - u) / packets_per_s * S);
			}
			if (packet < next)
				next = packet;
		}
		t = next;
	}
	CU_ASSERT(m.runs > 0);
	return m.worst_ns;
}

static void one_callback_on_21_waits_for_packets_or_the_brokers_timers(void)
{
	/* What the slots fix: each packet forgets the only wake. */
	CU_ASSERT(run(true, 1, 3, 600 * S) > 1 * S);
	CU_ASSERT(run(true, 1, 20, 600 * S) > 100 * MS);
}

static void slots_keep_the_work_on_time_on_21_whatever_comes_between(void)
{
	/* A quiet gateway and ones with some traffic: the work runs within 2 ms of its time,
	 * the ms its wake is rounded up to, again when a packet comes just before it. */
	const double quiet[] = {0, 1, 3, 20};
	for (unsigned i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++)
		CU_ASSERT(run(true, TKS_SLOTS, quiet[i], 600 * S) <= 2 * MS);
	/* So busy that the slots now and then run out between wakes: the next pass comes soon
	 * anyway, and the work is never later than 2.0's loop lets it be. */
	const double busy[] = {60, 200, 2000};
	for (unsigned i = 0; i < sizeof(busy) / sizeof(busy[0]); i++)
		CU_ASSERT(run(true, TKS_SLOTS, busy[i], 120 * S) <= 100 * MS);
}

static void on_20_the_work_runs_once_a_pass_within_its_100_ms(void)
{
	struct model m = {.v21 = false, .slots = TKS_SLOTS};
	int64_t t = 0;
	for (int i = 0; i < 1000; i++) {
		pass(&m, &t);
		t += 100 * MS;
	}
	CU_ASSERT_EQUAL(m.runs, m.passes);
	CU_ASSERT(m.worst_ns <= 100 * MS);
	CU_ASSERT(run(false, TKS_SLOTS, 20, 600 * S) <= 100 * MS);
}

static void a_slot_starts_a_pass_when_it_comes_no_later_or_after_a_gap(void)
{
	struct tks_state s = {0};
	CU_ASSERT_TRUE(tks_starts_pass(&s, 3, 0));
	CU_ASSERT_FALSE(tks_starts_pass(&s, 5, 1 * US));
	CU_ASSERT_FALSE(tks_starts_pass(&s, 7, 2 * US));
	/* The list starts again: a new pass. */
	CU_ASSERT_TRUE(tks_starts_pass(&s, 2, 3 * US));
	/* Later in the list, but long after: a new pass too. */
	CU_ASSERT_TRUE(tks_starts_pass(&s, 6, 3 * US + TKS_PASS_GAP_NS + 1));
}

static int init_tick_slots_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(one_callback_on_21_waits_for_packets_or_the_brokers_timers),
	    RUNNER_TEST(slots_keep_the_work_on_time_on_21_whatever_comes_between),
	    RUNNER_TEST(on_20_the_work_runs_once_a_pass_within_its_100_ms),
	    RUNNER_TEST(a_slot_starts_a_pass_when_it_comes_no_later_or_after_a_gap),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("tick_slots", tests);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_tick_slots_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
